"""Data-subject rights and reference-data impact: restriction of processing records (GDPR-18),
recipient notifications (GDPR-19), dated validity segments and scope exclusions of adequacy
decisions (GDPR-45), and the impact of an applied reference change per organisation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:06:00.000000+00:00
"""

import json
from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "ilonet_app"
_EMPTY = sa.text("'[]'::jsonb")


def _reference_scopes() -> list[dict[str, str]]:
    """The segments and exclusions of the shipped adequacy decisions, as JSON text per id."""
    text = resources.files("app.reference").joinpath("adequacy_decisions.json").read_text("utf-8")
    return [
        {
            "id": item["id"],
            "segments": json.dumps(item.get("segments") or []),
            "exclusions": json.dumps(item.get("exclusions") or []),
            "scope_note": item["scope_note"],
            "reference": item["reference"],
        }
        for item in json.loads(text)["items"]
        if item.get("segments") or item.get("exclusions")
    ]


def upgrade() -> None:
    op.add_column("processing_record", sa.Column("restriction_ground", sa.String(1)))
    op.add_column(
        "processing_record", sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=True)
    )
    for column in ("segments", "exclusions"):
        op.add_column(
            "adequacy_decision",
            sa.Column(column, postgresql.JSONB(), server_default=_EMPTY, nullable=False),
        )
    for row in _reference_scopes():
        op.execute(
            sa.text(
                "UPDATE adequacy_decision SET segments = CAST(:segments AS jsonb), "
                "exclusions = CAST(:exclusions AS jsonb), scope_note = :scope_note, "
                "reference = :reference WHERE id = :id AND version = 1"
            ).bindparams(**row)
        )
    op.create_table(
        "recipient_notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("processing_record_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("exchange_kind", sa.String(length=16), nullable=False),
        sa.Column("exchange_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=300), nullable=True),
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
            name=op.f("fk_recipient_notification_organisation_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["processing_record_id"],
            ["processing_record.id"],
            name=op.f("fk_recipient_notification_processing_record_id_processing_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_notification")),
    )
    op.create_index(
        op.f("ix_recipient_notification_organisation"), "recipient_notification", ["organisation"]
    )
    op.create_index(
        op.f("ix_recipient_notification_processing_record_id"),
        "recipient_notification",
        ["processing_record_id"],
    )
    op.create_table(
        "reference_impact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("reference_kind", sa.String(length=32), nullable=False),
        sa.Column("reference_id", sa.String(length=64), nullable=False),
        sa.Column("reference_version", sa.Integer(), nullable=False),
        sa.Column("affected_flows", sa.Integer(), nullable=False),
        sa.Column("flows", postgresql.JSONB(), nullable=False),
        sa.Column(
            "detected_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_reference_impact_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_impact")),
    )
    op.create_index(op.f("ix_reference_impact_organisation"), "reference_impact", ["organisation"])
    # The impact analysis reads the transfers of the last months by date.
    op.create_index("ix_transfer_transfer_on", "transfer", ["transfer_on"])
    for table in ("recipient_notification", "reference_impact"):
        op.execute(f"REVOKE DELETE, TRUNCATE ON {table} FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_index("ix_transfer_transfer_on", table_name="transfer")
    op.drop_index(op.f("ix_reference_impact_organisation"), table_name="reference_impact")
    op.drop_table("reference_impact")
    op.drop_index(
        op.f("ix_recipient_notification_processing_record_id"), table_name="recipient_notification"
    )
    op.drop_index(
        op.f("ix_recipient_notification_organisation"), table_name="recipient_notification"
    )
    op.drop_table("recipient_notification")
    op.drop_column("adequacy_decision", "exclusions")
    op.drop_column("adequacy_decision", "segments")
    op.drop_column("processing_record", "restricted_at")
    op.drop_column("processing_record", "restriction_ground")
