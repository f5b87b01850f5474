"""The flow counts (transfer_flow) kept as transfers are recorded: one row per facts and day,
counted in the transaction that records the transfer (the transfer action's consequence), read
by an impact analysis instead of every transfer.

The facts and their key are computed in SQL from the stored rows, by the same expressions for
one transfer (`count_transfer`) and for all of them (`FILL`: what the migration that made the
table runs, and what a bulk load runs after inserting transfers with SQL).
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.guard import WRITER_OPTION

COLUMNS = (
    "key, transfer_on, organisation, regime, purpose, recipient_name, recipient_type, "
    "recipient_is_law_enforcement, destination_country, destination_organisation, "
    "requested_basis, details, transfers"
)
# A transfer's facts (t) with its record's (r), the key first: md5 of all but the day.
FACTS = (
    "md5(concat_ws(chr(31), t.organisation, r.regime, r.purpose, t.recipient_name, "
    "t.recipient_type, t.recipient_is_law_enforcement::text, "
    "coalesce(t.destination_country, ''), coalesce(t.destination_organisation, ''), "
    "t.requested_basis, t.details::text)), t.transfer_on, t.organisation, r.regime, r.purpose, "
    "t.recipient_name, t.recipient_type, t.recipient_is_law_enforcement, t.destination_country, "
    "t.destination_organisation, t.requested_basis, t.details::text"
)
_FROM = "FROM transfer t JOIN processing_record r ON r.id = t.processing_record_id"

COUNT_ONE = (
    f"INSERT INTO transfer_flow ({COLUMNS}) SELECT {FACTS}, 1 {_FROM} WHERE t.id = :id "
    "ON CONFLICT (key, transfer_on) DO UPDATE SET transfers = transfer_flow.transfers + 1"
)
# Every transfer counted, into an empty transfer_flow.
FILL = (
    f"INSERT INTO transfer_flow ({COLUMNS}) "
    f"SELECT {FACTS}, count(*) {_FROM} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12"
)


async def count_transfer(session: AsyncSession, transfer_id: uuid.UUID) -> None:
    """Count a transfer just recorded (in this transaction) in its flow of the day."""
    statement = text(COUNT_ONE).execution_options(**{WRITER_OPTION: True})
    await session.execute(statement, {"id": transfer_id})
