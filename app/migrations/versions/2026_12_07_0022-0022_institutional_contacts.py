"""Institutional contacts: the functional addresses, switchboards and accounts of participating
organisations and known public authorities, which the platform's scanner does not take for
personal data; loaded from app/reference/institutional_contacts.json and edited through the API.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 06:00:00.000000+00:00
"""

import json
from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = ("id", "organisation", "name", "emails", "phones", "ibans", "source_url")


def upgrade() -> None:
    table = op.create_table(
        "institutional_contact",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("emails", sa.ARRAY(sa.String(length=254)), nullable=False),
        sa.Column("phones", sa.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("ibans", sa.ARRAY(sa.String(length=42)), nullable=False),
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
        sa.ForeignKeyConstraint(["organisation"], ["organisation.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_institutional_contact_organisation", "institutional_contact", ["organisation"]
    )
    reference = resources.files("app.reference").joinpath("institutional_contacts.json")
    items = json.loads(reference.read_text("utf-8"))["items"]
    op.bulk_insert(
        table,
        [
            {**{f: item[f] for f in FIELDS}, "example": bool(item.get("example")), "version": 1}
            for item in items
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_institutional_contact_organisation", table_name="institutional_contact")
    op.drop_table("institutional_contact")
