"""Webhook subscriptions of an organisation and the deliveries of feed events to them.

The signing secret is sealed at rest like personal data (app/db/crypto.py): it is shown to the
subscriber once, in the response that creates the subscription, and decrypted afterwards only to
sign deliveries. Deliveries carry ids and types only (the feed's own rule).
"""

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscription"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Feed event types to deliver; empty: every type the subscription may see.
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    # "whsec_<base64>" sealed under a per-subscription data key (context: the subscription id)
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    secret_wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    secret_kek_id: Mapped[str] = mapped_column(String(64))
    # Whether the creating principal may read organisation-visibility events (services/event.py).
    organisation_reader: Mapped[bool]
    # Whether the creating client read platform documents (documents:read): a document's events
    # then reach the subscription by the document's audience, as on the feed.
    document_reader: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The feed position (txid, id) this subscription has been fanned out up to.
    position_txid: Mapped[int] = mapped_column(BigInteger)
    position_id: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(300))
    deleted_at: Mapped[datetime | None]
    # The secret before the last rotation, sealed as it was: deliveries are signed with both
    # until `previous_secret_expires_at` (the API's `rotation_overlap_until`).
    previous_secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_secret_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_secret_kek_id: Mapped[str | None] = mapped_column(String(64))
    previous_secret_expires_at: Mapped[datetime | None]
    # Set when a delivery failed after its last retry: nothing is sent (or fanned out) to the
    # subscription until its owner enables it again (webhook.enable); the feed waits for it.
    failing_since: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One feed event for one subscription: attempted until delivered or failed."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "outbox_event_id"),
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_subscription.id"))
    outbox_event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("outbox_event.id"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime]
    # pending | delivered | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(SmallInteger)
    # A short reason ("HTTP 500", "timeout"), never the receiver's response body.
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None]
    # The claim of one sender (app/db/webhooks.py): until `leased_until` no other sender takes
    # the delivery; only the holder of `lease_token` records its outcome.
    leased_until: Mapped[datetime | None]
    lease_token: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
