"""The Steering Board (Art. 7, 8): seats, rules of procedure, meetings with their list of
deployed ILOs, decisions with votes and forwardings, work programmes, activity reports.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:01:00.000000+00:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now() -> sa.Column[datetime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "board_seat",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=True),
        sa.Column("observer_body", sa.String(length=200), nullable=True),
        sa.Column("invitation_reference", sa.String(length=300), nullable=True),
        sa.Column("chair", sa.Boolean(), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("holder_email", sa.String(length=320), nullable=True),
        sa.Column("holder_phone", sa.String(length=64), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _now(),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_board_seat_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_seat")),
    )
    op.create_index(
        op.f("ix_board_seat_organisation"), "board_seat", ["organisation"], unique=False
    )
    op.create_table(
        "board_rules_of_procedure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("proxy_allowed", sa.Boolean(), nullable=False),
        sa.Column("max_proxies_per_member", sa.Integer(), nullable=False),
        sa.Column("ep_visible_categories", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("document_reference", sa.String(length=300), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_rules_of_procedure")),
    )
    op.create_table(
        "board_meeting",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.ARRAY(sa.String(length=300)), nullable=False),
        sa.Column("officer_list", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_meeting")),
    )
    op.create_index(op.f("ix_board_meeting_held_on"), "board_meeting", ["held_on"], unique=False)
    op.create_table(
        "board_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("votes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tally", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        _now(),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["board_meeting.id"],
            name=op.f("fk_board_decision_meeting_id_board_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_decision")),
    )
    op.create_index(
        op.f("ix_board_decision_meeting_id"), "board_decision", ["meeting_id"], unique=False
    )
    op.create_index(op.f("ix_board_decision_outcome"), "board_decision", ["outcome"], unique=False)
    op.create_table(
        "board_decision_forwarding",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("board_decision_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("forwarded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        _now(),
        sa.ForeignKeyConstraint(
            ["board_decision_id"],
            ["board_decision.id"],
            name=op.f("fk_board_decision_forwarding_board_decision_id_board_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_board_decision_forwarding_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_decision_forwarding")),
        sa.UniqueConstraint(
            "board_decision_id",
            "organisation",
            name=op.f("uq_board_decision_forwarding_board_decision_id"),
        ),
    )
    op.create_index(
        op.f("ix_board_decision_forwarding_board_decision_id"),
        "board_decision_forwarding",
        ["board_decision_id"],
        unique=False,
    )
    op.create_table(
        "board_work_programme",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("priorities", sa.ARRAY(sa.String(length=500)), nullable=False),
        sa.Column("resources", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_work_programme")),
    )
    op.create_table(
        "board_activity_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("for_european_parliament", sa.Boolean(), nullable=False),
        sa.Column("generated_by", sa.String(length=300), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_activity_report")),
        sa.UniqueConstraint(
            "period_from",
            "period_to",
            "version",
            name=op.f("uq_board_activity_report_period_from"),
        ),
    )


def downgrade() -> None:
    op.drop_table("board_activity_report")
    op.drop_table("board_work_programme")
    op.drop_index(
        op.f("ix_board_decision_forwarding_board_decision_id"),
        table_name="board_decision_forwarding",
    )
    op.drop_table("board_decision_forwarding")
    op.drop_index(op.f("ix_board_decision_outcome"), table_name="board_decision")
    op.drop_index(op.f("ix_board_decision_meeting_id"), table_name="board_decision")
    op.drop_table("board_decision")
    op.drop_index(op.f("ix_board_meeting_held_on"), table_name="board_meeting")
    op.drop_table("board_meeting")
    op.drop_table("board_rules_of_procedure")
    op.drop_index(op.f("ix_board_seat_organisation"), table_name="board_seat")
    op.drop_table("board_seat")
