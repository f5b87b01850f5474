"""Webhook subscriptions: what an integration subscribes to, and where deliveries go."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from app.policies.vocabulary import WebhookEventType
from app.schemas.common import StrictInput


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


class WebhookOut(BaseModel):
    id: uuid.UUID
    organisation: str
    url: str
    event_types: list[WebhookEventType]
    organisation_reader: bool = Field(
        description="Whether organisation-visibility events (processing records, transfers, "
        "shares, webhooks) of the organisation are delivered: the subscribing client's own "
        "reading right, fixed when the subscription was made."
    )
    active: bool
    version: int
    created_at: datetime
    created_by: str
    deleted_at: datetime | None


class WebhookCreated(WebhookOut):
    secret: str | None = Field(
        description="The signing secret `whsec_<base64>`, shown in this response only and never "
        "again. A replay of the creation (same Idempotency-Key) carries null: the secret is not "
        "kept in the replay store; delete the subscription and make a new one if it was lost."
    )
