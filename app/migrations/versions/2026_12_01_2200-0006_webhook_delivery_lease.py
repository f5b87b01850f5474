"""Webhook deliveries are claimed under a lease, not locked across the HTTP requests.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "webhook_delivery", sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("webhook_delivery", sa.Column("lease_token", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("webhook_delivery", "lease_token")
    op.drop_column("webhook_delivery", "leased_until")
