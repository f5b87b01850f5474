"""A share to a Member State authority may name it by its registered id, so the record of
processing activities counts its exchanges under one name; the free text stays as its label.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:19:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("share", sa.Column("recipient_authority_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_share_recipient_authority_id_authority"),
        "share",
        "authority",
        ["recipient_authority_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_share_recipient_authority_id_authority"), "share", type_="foreignkey"
    )
    op.drop_column("share", "recipient_authority_id")
