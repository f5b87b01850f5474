"""authorities officers deployments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:46:03.241145+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "authority",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authority_kind", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_authority_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority")),
    )
    op.create_index(op.f("ix_authority_organisation"), "authority", ["organisation"], unique=False)
    op.create_table(
        "officer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("authority_id", sa.Uuid(), nullable=False),
        sa.Column("surname", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("expertise", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("contact_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("contact_wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("contact_kek_id", sa.String(length=64), nullable=True),
        sa.Column("contact_erased_at", sa.DateTime(timezone=True), nullable=True),
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
            ["authority_id"], ["authority.id"], name=op.f("fk_officer_authority_id_authority")
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_officer_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer")),
    )
    op.create_index(op.f("ix_officer_authority_id"), "officer", ["authority_id"], unique=False)
    op.create_index(op.f("ix_officer_organisation"), "officer", ["organisation"], unique=False)
    op.create_table(
        "deployment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("posting_type", sa.String(length=32), nullable=False),
        sa.Column("host_country", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("region_countries", sa.ARRAY(sa.String(length=2)), nullable=False),
        sa.Column("topics", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("tasks", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("represented_member_states", sa.ARRAY(sa.String(length=2)), nullable=False),
        sa.Column("representation_agreement_reference", sa.String(length=300), nullable=True),
        sa.Column("shared_tasks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("co_deploying_member_states", sa.ARRAY(sa.String(length=2)), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deployed_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
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
            ["officer_id"], ["officer.id"], name=op.f("fk_deployment_officer_id_officer")
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.code"],
            name=op.f("fk_deployment_organisation_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment")),
    )
    op.create_index(
        "ix_deployment_host_country_status", "deployment", ["host_country", "status"], unique=False
    )
    op.create_index(op.f("ix_deployment_officer_id"), "deployment", ["officer_id"], unique=False)
    op.create_index(
        op.f("ix_deployment_organisation"), "deployment", ["organisation"], unique=False
    )
    op.create_index(op.f("ix_deployment_status"), "deployment", ["status"], unique=False)
    op.create_table(
        "deployment_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("deployment_id", sa.Uuid(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor_sub", sa.String(length=300), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployment.id"],
            name=op.f("fk_deployment_history_deployment_id_deployment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_history")),
    )
    op.create_index(
        op.f("ix_deployment_history_deployment_id"),
        "deployment_history",
        ["deployment_id"],
        unique=False,
    )


def downgrade() -> None:

    op.drop_index(op.f("ix_deployment_history_deployment_id"), table_name="deployment_history")
    op.drop_table("deployment_history")
    op.drop_index(op.f("ix_deployment_status"), table_name="deployment")
    op.drop_index(op.f("ix_deployment_organisation"), table_name="deployment")
    op.drop_index(op.f("ix_deployment_officer_id"), table_name="deployment")
    op.drop_index("ix_deployment_host_country_status", table_name="deployment")
    op.drop_table("deployment")
    op.drop_index(op.f("ix_officer_organisation"), table_name="officer")
    op.drop_index(op.f("ix_officer_authority_id"), table_name="officer")
    op.drop_table("officer")
    op.drop_index(op.f("ix_authority_organisation"), table_name="authority")
    op.drop_table("authority")
