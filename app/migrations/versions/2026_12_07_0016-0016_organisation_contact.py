"""The functional contacts of each participant as controller and of its DPO, kept by the
participant and named by its record of processing activities (GDPR Art. 30(1)(a)).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:16:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation_contact",
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("controller_contact", sa.String(length=500), nullable=True),
        sa.Column("dpo_contact", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=300), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["organisation"], ["organisation.code"]),
        sa.PrimaryKeyConstraint("organisation"),
    )
    # Every participant has its row from the start: a contact is then only ever replaced.
    op.execute(
        "INSERT INTO organisation_contact (organisation, version) SELECT code, 1 FROM organisation"
    )


def downgrade() -> None:
    op.drop_table("organisation_contact")
