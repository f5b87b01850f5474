"""Webhook subscriptions: what an integration subscribes to, and where deliveries go."""

import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, StringConstraints, field_validator

from app.deferred_models import DeferredModel
from app.policies.declared import WebhookEventType
from app.policies.vocabulary import WebhookDeliveryStatus
from app.schemas.common import (
    Column64,
    Column200,
    Column2000,
    OrganisationCode,
    SmallCount,
    SmallInt,
    StrictInput,
    Subject,
    Version,
)

# A signing secret as made (app/services/webhook.py): `whsec_` and the base64 of 32 bytes.
WebhookSecret = Annotated[str, StringConstraints(max_length=len("whsec_") + 44)]


class WebhookCreate(StrictInput):
    url: str = Field(
        min_length=8,
        max_length=2000,
        description="Where deliveries are POSTed: https (http only to 127.0.0.1 or localhost, "
        "outside production). No user information or fragment.",
        examples=["https://cms.example.nl/ilonet/webhooks"],
    )
    event_types: list[WebhookEventType] = Field(
        default_factory=list,
        max_length=len(WebhookEventType),
        description="Feed event types to deliver; empty for every type the subscriber may see.",
    )
    organisation: str | None = Field(
        default=None,
        min_length=1,
        max_length=16,
        description="The subscribing organisation (default: the caller's own).",
    )

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        try:
            parts = urlsplit(value)
            port = parts.port  # a malformed port raises ValueError here
        except ValueError as exc:
            raise ValueError("not a URL") from exc
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("an absolute http(s) URL is needed")
        if parts.username is not None or parts.password is not None:
            raise ValueError("credentials in the URL are refused (the signature authenticates)")
        if parts.fragment:
            raise ValueError("a fragment is meaningless in a webhook URL")
        if port == 0:
            raise ValueError("port 0 is not a port")
        return value

    @field_validator("event_types")
    @classmethod
    def _distinct(cls, value: list[WebhookEventType]) -> list[WebhookEventType]:
        if len(set(value)) != len(value):
            raise ValueError("each event type once")
        return value


class WebhookOut(DeferredModel):
    id: uuid.UUID
    organisation: OrganisationCode
    url: Column2000  # its column, String(2000)
    event_types: list[WebhookEventType] = Field(max_length=len(WebhookEventType))
    organisation_reader: bool = Field(
        description="Whether organisation-visibility events (processing records, transfers, "
        "shares, webhooks) of the organisation are delivered: the subscribing client's own "
        "reading right, fixed when the subscription was made."
    )
    document_reader: bool = Field(
        description="Whether platform documents' events are delivered, each by the document's "
        "audience (as on the change feed): the subscribing client held documents:read when the "
        "subscription was made."
    )
    active: bool
    version: Version
    created_at: datetime
    created_by: Subject
    deleted_at: datetime | None
    failing_since: datetime | None = Field(
        default=None,
        description="Set when a delivery failed after its last retry: nothing is sent until the "
        "subscription is enabled again (`POST /v1/webhooks/{id}:enable`); events wait for it.",
    )
    rotation_overlap_until: datetime | None = Field(
        default=None,
        description="After a secret rotation: until then deliveries carry a signature under "
        "the previous secret too (space-separated in `webhook-signature`).",
    )


class WebhookCreated(WebhookOut):
    secret: WebhookSecret | None = Field(
        description="The signing secret `whsec_<base64>`, shown in this response only and never "
        "again. A replay of the creation (same Idempotency-Key) carries null: the secret is not "
        "kept in the replay store; delete the subscription and make a new one if it was lost."
    )


class SecretRotation(StrictInput):
    overlap_seconds: int | None = Field(
        default=None,
        ge=0,
        le=30 * 86400,
        description="How long the previous secret keeps signing beside the new one (default "
        "ILONET_WEBHOOK_SECRET_OVERLAP_DEFAULT_SECONDS; a longer one than "
        "ILONET_WEBHOOK_SECRET_OVERLAP_MAX_SECONDS is shortened to it); 0 ends it at once.",
        examples=[86400],
    )


class SecretRotated(WebhookOut):
    secret: WebhookSecret | None = Field(
        description="The new signing secret `whsec_<base64>`, shown in this response only. A "
        "replay (same Idempotency-Key) carries null."
    )


class WebhookDeliveryOut(DeferredModel):
    """One feed event's delivery to a subscription; of the receiver's answers only the status
    code is kept, never their body."""

    id: uuid.UUID = Field(description="Also the `webhook-id` header of every attempt.")
    webhook_id: uuid.UUID
    event_type: Column64 = Field(description="The feed event's type.")
    status: WebhookDeliveryStatus
    attempts: SmallCount  # its column's bound (SmallInteger), as last_status_code's
    next_attempt_at: datetime | None = Field(
        description="When the next attempt is due (pending deliveries only)."
    )
    last_attempt_at: datetime | None
    last_status_code: SmallInt | None
    last_error: Column200 | None = Field(
        description='A short reason ("HTTP 500", "timeout"), never the receiver\'s body.'
    )
    delivered_at: datetime | None
    created_at: datetime
