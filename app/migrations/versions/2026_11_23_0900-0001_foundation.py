"""Foundation: the application role, participants registry.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:00:00
"""

import json
from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "ilonet_app"


def upgrade() -> None:
    # The application connects as a role that owns nothing: tables belong to the migrating owner,
    # and the app gets only the privileges granted here (and none to alter the audit log later).
    op.execute(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
          END IF;
        END $$;
        """
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )
    op.execute(f"GRANT SELECT ON alembic_version TO {APP_ROLE}")

    organisation = op.create_table(
        "organisation",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("bound_by_regulation", sa.Boolean(), nullable=False),
        sa.Column("board_seats", sa.Integer(), nullable=False),
        sa.Column("alternate_seats", sa.Integer(), nullable=False),
        sa.Column("voting_right", sa.Boolean(), nullable=False),
        sa.Column("former_name", sa.String(200), nullable=True),
        sa.Column("participation", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_organisation")),
    )
    op.create_index(op.f("ix_organisation_kind"), "organisation", ["kind"])
    data = json.loads(
        resources.files("app.reference").joinpath("participants.json").read_text("utf-8")
    )
    op.bulk_insert(organisation, data["items"])


def downgrade() -> None:
    op.drop_index(op.f("ix_organisation_kind"), table_name="organisation")
    op.drop_table("organisation")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {APP_ROLE}"
    )
    op.execute(f"REVOKE SELECT ON alembic_version FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
    # The role itself is cluster-wide and may serve other databases: it is kept.
