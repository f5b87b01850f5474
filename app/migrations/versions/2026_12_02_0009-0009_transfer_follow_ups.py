"""The follow-up of an identification request (Visa Code Art. 25a): answer, outcome, travel
document, return operation; one per transfer, no subject data.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:03:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "ilonet_app"


def upgrade() -> None:
    op.create_table(
        "transfer_follow_up",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("transfer_id", sa.Uuid(), nullable=False),
        sa.Column("processing_record_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("travel_document_issued_on", sa.Date(), nullable=True),
        sa.Column("return_operation_accepted", sa.Boolean(), nullable=True),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
        sa.Column("updated_by", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_transfer_follow_up_organisation_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["processing_record_id"],
            ["processing_record.id"],
            name=op.f("fk_transfer_follow_up_processing_record_id_processing_record"),
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["transfer.id"],
            name=op.f("fk_transfer_follow_up_transfer_id_transfer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_follow_up")),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_transfer_follow_up_transfer_id")),
    )
    op.create_index(
        op.f("ix_transfer_follow_up_organisation"),
        "transfer_follow_up",
        ["organisation"],
        unique=False,
    )
    op.create_index(
        op.f("ix_transfer_follow_up_processing_record_id"),
        "transfer_follow_up",
        ["processing_record_id"],
        unique=False,
    )
    # A follow-up is corrected (a new version), never deleted: its audit events name it.
    op.execute(f"REVOKE DELETE, TRUNCATE ON transfer_follow_up FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_index(
        op.f("ix_transfer_follow_up_processing_record_id"), table_name="transfer_follow_up"
    )
    op.drop_index(op.f("ix_transfer_follow_up_organisation"), table_name="transfer_follow_up")
    op.drop_table("transfer_follow_up")
