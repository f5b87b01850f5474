"""A network meeting not yet held may be cancelled: its record keeps the day and the reason, and
a version for If-Match.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("network_meeting", sa.Column("cancelled_on", sa.Date(), nullable=True))
    op.add_column("network_meeting", sa.Column("cancellation_reason", sa.Text(), nullable=True))
    op.add_column(
        "network_meeting",
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("network_meeting", "version")
    op.drop_column("network_meeting", "cancellation_reason")
    op.drop_column("network_meeting", "cancelled_on")
