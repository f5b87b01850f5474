"""Flow counts: the recorded transfers counted by their facts and day (transfer_flow), kept by
the transfer action as each transfer is recorded and read by an impact analysis instead of
every transfer; filled here from the transfers already recorded.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 09:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app/db/transfer_flows.py FILL computes them (kept here as they were when written).
FILL = """
INSERT INTO transfer_flow (key, transfer_on, organisation, regime, purpose, recipient_name,
  recipient_type, recipient_is_law_enforcement, destination_country, destination_organisation,
  requested_basis, details, transfers)
SELECT md5(concat_ws(chr(31), t.organisation, r.regime, r.purpose, t.recipient_name,
    t.recipient_type, t.recipient_is_law_enforcement::text,
    coalesce(t.destination_country, ''), coalesce(t.destination_organisation, ''),
    t.requested_basis, t.details::text)), t.transfer_on, t.organisation, r.regime, r.purpose,
  t.recipient_name, t.recipient_type, t.recipient_is_law_enforcement, t.destination_country,
  t.destination_organisation, t.requested_basis, t.details::text, count(*)
FROM transfer t JOIN processing_record r ON r.id = t.processing_record_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
"""


def upgrade() -> None:
    op.create_table(
        "transfer_flow",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("transfer_on", sa.Date(), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("regime", sa.String(length=8), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_type", sa.String(length=32), nullable=False),
        sa.Column("recipient_is_law_enforcement", sa.Boolean(), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=True),
        sa.Column("destination_organisation", sa.String(length=200), nullable=True),
        sa.Column("requested_basis", sa.String(length=40), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation"], ["organisation.code"]),
        sa.PrimaryKeyConstraint("key", "transfer_on"),
    )
    op.create_index("ix_transfer_flow_transfer_on", "transfer_flow", ["transfer_on"])
    op.create_index("ix_transfer_flow_organisation", "transfer_flow", ["organisation"])
    op.execute(FILL)


def downgrade() -> None:
    op.drop_index("ix_transfer_flow_organisation", table_name="transfer_flow")
    op.drop_index("ix_transfer_flow_transfer_on", table_name="transfer_flow")
    op.drop_table("transfer_flow")
