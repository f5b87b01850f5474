"""Art. 5 networks, their facilitator designations (the Board's notifications), their meetings,
and the ad-hoc actions the Board assigns them (Art. 8(3)).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:00:00.000000+00:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "ilonet_app"


def _now() -> "sa.Column[datetime]":
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _created() -> "sa.Column[datetime]":
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _organisation(table: str) -> tuple["sa.Column[str]", sa.ForeignKeyConstraint]:
    return (
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f(f"fk_{table}_organisation_organisation"),
        ),
    )


def upgrade() -> None:
    op.create_table(
        "network",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("countries", sa.ARRAY(sa.String(length=2)), nullable=False),
        sa.Column("associated_officers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        *_organisation("network"),
        sa.Column("version", sa.Integer(), nullable=False),
        _created(),
        _now(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
    )
    op.create_index(op.f("ix_network_organisation"), "network", ["organisation"], unique=False)
    op.create_table(
        "network_facilitator",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        *_organisation("network_facilitator"),
        sa.Column("officer_id", sa.Uuid(), nullable=True),
        sa.Column("deployment_id", sa.Uuid(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=True),
        sa.Column("agreement_reference", sa.String(length=300), nullable=True),
        sa.Column("agreed_by", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("designated_on", sa.Date(), nullable=False),
        sa.Column(
            "board_notified_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _now(),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_network_facilitator_network_id_network")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_network_facilitator_officer_id_officer")
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployment.id"],
            name=op.f("fk_network_facilitator_deployment_id_deployment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_facilitator")),
    )
    for column in ("network_id", "officer_id", "deployment_id"):
        op.create_index(
            op.f(f"ix_network_facilitator_{column}"), "network_facilitator", [column], unique=False
        )
    op.create_table(
        "network_meeting",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        *_organisation("network_meeting"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("topics", sa.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("minutes_document", sa.String(length=300), nullable=True),
        _created(),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_network_meeting_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_meeting")),
    )
    for column in ("network_id", "held_on"):
        op.create_index(
            op.f(f"ix_network_meeting_{column}"), "network_meeting", [column], unique=False
        )
    op.create_table(
        "ad_hoc_action",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        *_organisation("ad_hoc_action"),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("board_decision_reference", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _created(),
        _now(),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_ad_hoc_action_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_hoc_action")),
    )
    op.create_index(
        op.f("ix_ad_hoc_action_network_id"), "ad_hoc_action", ["network_id"], unique=False
    )
    # The Board's notifications (ILO-5.3) and the meetings are a record: never deleted.
    for table in ("network_facilitator", "network_meeting"):
        op.execute(f"REVOKE DELETE, TRUNCATE ON {table} FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_index(op.f("ix_ad_hoc_action_network_id"), table_name="ad_hoc_action")
    op.drop_table("ad_hoc_action")
    for column in ("network_id", "held_on"):
        op.drop_index(op.f(f"ix_network_meeting_{column}"), table_name="network_meeting")
    op.drop_table("network_meeting")
    for column in ("network_id", "officer_id", "deployment_id"):
        op.drop_index(op.f(f"ix_network_facilitator_{column}"), table_name="network_facilitator")
    op.drop_table("network_facilitator")
    op.drop_index(op.f("ix_network_organisation"), table_name="network")
    op.drop_table("network")
