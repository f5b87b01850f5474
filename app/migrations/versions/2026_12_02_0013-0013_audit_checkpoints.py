"""Audit checkpoints: verified heads of the hash chain, so verification can be incremental.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:05:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

APP_ROLE = "ilonet_app"

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column(
            "verified_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_audit_checkpoint")),
    )
    # Append-only like the log it vouches for (the function is the first audit migration's).
    op.execute(
        "CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint "
        "FOR EACH ROW EXECUTE FUNCTION ilonet_refuse_audit_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint "
        "FOR EACH STATEMENT EXECUTE FUNCTION ilonet_refuse_audit_change()"
    )
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_checkpoint FROM {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_checkpoint_no_truncate ON audit_checkpoint")
    op.execute("DROP TRIGGER audit_checkpoint_append_only ON audit_checkpoint")
    op.drop_table("audit_checkpoint")
