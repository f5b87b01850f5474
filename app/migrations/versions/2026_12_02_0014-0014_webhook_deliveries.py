"""Webhook subscriptions keep their previous secret through a rotation's overlap window, and
are marked failing after a delivery's last retry.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:04:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("previous_secret_ciphertext", sa.LargeBinary()),
    ("previous_secret_wrapped_key", sa.LargeBinary()),
    ("previous_secret_kek_id", sa.String(length=64)),
    ("previous_secret_expires_at", sa.DateTime(timezone=True)),
    ("failing_since", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("webhook_subscription", sa.Column(name, type_, nullable=True))
    # The purge of old deliveries looks them up by age.
    op.create_index("ix_webhook_delivery_created_at", "webhook_delivery", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_created_at", table_name="webhook_delivery")
    for name, _ in reversed(_COLUMNS):
        op.drop_column("webhook_subscription", name)
