"""Witnesses' cosignatures of the audit log's signed checkpoints, as the witnesses post them
(POST /v1/audit/cosignatures): append-only like the checkpoints they vouch for.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:21:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

APP_ROLE = "ilonet_app"
TABLE = "audit_cosignature"

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("witness", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("cosigned_at", sa.BigInteger(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tree_size"],
            ["audit_signed_checkpoint.size"],
            name=op.f("fk_audit_cosignature_tree_size_audit_signed_checkpoint"),
        ),
        sa.PrimaryKeyConstraint("tree_size", "key_id", name=op.f("pk_audit_cosignature")),
    )
    # Append-only (the function is the first audit migration's).
    op.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION ilonet_refuse_audit_change()"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION ilonet_refuse_audit_change()"
    )
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"DROP TRIGGER {TABLE}_no_truncate ON {TABLE}")
    op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
    op.drop_table(TABLE)
