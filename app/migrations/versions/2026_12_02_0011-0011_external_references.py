"""Officers, deployments and processing records carry the client system's own reference,
unique within their organisation, so that a member-state system reconciles without our ids.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:07:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("officer", "deployment", "processing_record")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("external_reference", sa.String(100), nullable=True))
        op.create_unique_constraint(
            f"uq_{table}_organisation_external_reference",
            table,
            ["organisation", "external_reference"],
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_constraint(f"uq_{table}_organisation_external_reference", table, type_="unique")
        op.drop_column(table, "external_reference")
