"""Processing records, transfers, shares, and the transfer reference data (loaded as data).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:55:23.889508+00:00
"""

import json
from collections.abc import Sequence
from datetime import date
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "ilonet_app"
# Erasure keeps tombstones (the records of processing): the application never deletes them.
TOMBSTONE_TABLES = ("processing_record", "transfer", "share")


def _rows(name: str, table: sa.Table) -> list[dict[str, Any]]:
    """The items of a reference file as rows of `table` (the file's extra keys are dropped)."""
    document = json.loads(resources.files("app.reference").joinpath(name).read_text("utf-8"))
    columns = {c.name for c in table.columns} - {"updated_at", "updated_by"}
    rows = []
    for item in document["items"]:
        row = {name: item.get(name) for name in columns}
        row["example"] = bool(item.get("example", False))
        row["version"] = 1
        for field in ("valid_from", "valid_until"):
            row[field] = None if row[field] is None else date.fromisoformat(row[field])
        rows.append(row)
    return rows


def upgrade() -> None:
    adequacy_decision = op.create_table(
        "adequacy_decision",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("regimes", sa.ARRAY(sa.String(length=8)), nullable=False),
        sa.Column("covers_public_authorities", sa.Boolean(), nullable=False),
        sa.Column("scope_note", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=300), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adequacy_decision")),
    )
    op.create_index(
        op.f("ix_adequacy_decision_country"), "adequacy_decision", ["country"], unique=False
    )
    transfer_instrument = op.create_table(
        "transfer_instrument",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("parties", sa.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=False),
        sa.Column("recipient_authorities", sa.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("purposes", sa.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("regimes", sa.ARRAY(sa.String(length=8)), nullable=False),
        sa.Column("sa_authorisation_reference", sa.String(length=300), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=300), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_instrument")),
    )
    op.create_index(
        op.f("ix_transfer_instrument_destination_country"),
        "transfer_instrument",
        ["destination_country"],
        unique=False,
    )
    op.create_table(
        "processing_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("authority_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("data_categories", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("data_subject_category", sa.String(length=32), nullable=False),
        sa.Column("regime", sa.String(length=8), nullable=False),
        sa.Column("special_category", sa.Boolean(), nullable=False),
        sa.Column("subject_fields", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("necessity_justification", sa.Text(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("kek_id", sa.String(length=64), nullable=True),
        sa.Column("obligations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erasure_reason", sa.String(length=32), nullable=True),
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
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_processing_record_authority_id_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_processing_record_officer_id_officer")
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_processing_record_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_record")),
    )
    op.create_index(
        "ix_processing_record_erased_at_retain_until",
        "processing_record",
        ["erased_at", "retain_until"],
        unique=False,
    )
    op.create_index(
        "ix_processing_record_organisation_officer_id",
        "processing_record",
        ["organisation", "officer_id"],
        unique=False,
    )
    op.create_table(
        "share",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("processing_record_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("recipient_kind", sa.String(length=32), nullable=False),
        sa.Column("recipient_officer_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_network", sa.String(length=64), nullable=True),
        sa.Column("recipient_org", sa.String(length=16), nullable=True),
        sa.Column("recipient_authority", sa.String(length=200), nullable=True),
        sa.Column("fields_disclosed", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("shared_on", sa.Date(), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation"], ["organisation.code"], name=op.f("fk_share_organisation_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["processing_record_id"],
            ["processing_record.id"],
            name=op.f("fk_share_processing_record_id_processing_record"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_officer_id"],
            ["officer.id"],
            name=op.f("fk_share_recipient_officer_id_officer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share")),
    )
    op.create_index(op.f("ix_share_organisation"), "share", ["organisation"], unique=False)
    op.create_index(
        op.f("ix_share_processing_record_id"), "share", ["processing_record_id"], unique=False
    )
    op.create_table(
        "transfer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("processing_record_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_type", sa.String(length=32), nullable=False),
        sa.Column("recipient_is_law_enforcement", sa.Boolean(), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=True),
        sa.Column("destination_organisation", sa.String(length=200), nullable=True),
        sa.Column("requested_basis", sa.String(length=40), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("fields_disclosed", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("transfer_on", sa.Date(), nullable=False),
        sa.Column("basis_ground", sa.String(length=40), nullable=False),
        sa.Column("basis_rule", sa.String(length=32), nullable=False),
        sa.Column("basis_reference", sa.String(length=500), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_transfer_organisation_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["processing_record_id"],
            ["processing_record.id"],
            name=op.f("fk_transfer_processing_record_id_processing_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer")),
    )
    op.create_index(op.f("ix_transfer_organisation"), "transfer", ["organisation"], unique=False)
    op.create_index(
        op.f("ix_transfer_processing_record_id"), "transfer", ["processing_record_id"], unique=False
    )

    op.bulk_insert(adequacy_decision, _rows("adequacy_decisions.json", adequacy_decision))
    op.bulk_insert(transfer_instrument, _rows("transfer_instruments.json", transfer_instrument))
    for table in TOMBSTONE_TABLES:
        op.execute(f"REVOKE DELETE, TRUNCATE ON {table} FROM {APP_ROLE}")
    # Crypto-shredding leaves the old row version on disk until vacuumed: vacuum promptly.
    op.execute(
        "ALTER TABLE processing_record SET (autovacuum_vacuum_scale_factor = 0.0, "
        "autovacuum_vacuum_threshold = 20)"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_transfer_processing_record_id"), table_name="transfer")
    op.drop_index(op.f("ix_transfer_organisation"), table_name="transfer")
    op.drop_table("transfer")
    op.drop_index(op.f("ix_share_processing_record_id"), table_name="share")
    op.drop_index(op.f("ix_share_organisation"), table_name="share")
    op.drop_table("share")
    op.drop_index("ix_processing_record_organisation_officer_id", table_name="processing_record")
    op.drop_index("ix_processing_record_erased_at_retain_until", table_name="processing_record")
    op.drop_table("processing_record")
    op.drop_index(
        op.f("ix_transfer_instrument_destination_country"), table_name="transfer_instrument"
    )
    op.drop_table("transfer_instrument")
    op.drop_index(op.f("ix_adequacy_decision_country"), table_name="adequacy_decision")
    op.drop_table("adequacy_decision")
