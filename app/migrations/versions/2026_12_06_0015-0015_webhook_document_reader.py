"""Webhook subscriptions remember whether their creator read platform documents, so that a
document's events reach them by its audience, as on the change feed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:15:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing subscriptions were made without it and got no document events: they keep that.
    op.add_column(
        "webhook_subscription",
        sa.Column("document_reader", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("webhook_subscription", "document_reader")
