"""A processing record carries the day its processing began, so an existing case can be loaded
with its past exchanges; a transfer or share of a restricted record keeps the restriction it was
made under and its Art. 18(2) ground.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:18:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A record made before this revision began the day it was recorded.
    op.add_column("processing_record", sa.Column("began_on", sa.Date(), nullable=True))
    op.execute("UPDATE processing_record SET began_on = (created_at AT TIME ZONE 'UTC')::date")
    op.alter_column("processing_record", "began_on", nullable=False)
    for table in ("share", "transfer"):
        op.add_column(table, sa.Column("restriction_ground", sa.String(1), nullable=True))
        op.add_column(table, sa.Column("restricted_use", sa.String(32), nullable=True))
        op.add_column(table, sa.Column("restricted_use_law", sa.String(300), nullable=True))


def downgrade() -> None:
    for table in ("transfer", "share"):
        op.drop_column(table, "restricted_use_law")
        op.drop_column(table, "restricted_use")
        op.drop_column(table, "restriction_ground")
    op.drop_column("processing_record", "began_on")
