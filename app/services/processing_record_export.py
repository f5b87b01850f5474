"""The data-subject access copy of a processing record (GDPR Art. 15, EUDPR Art. 17, LED Art.
14): the record with its subject data, its transfers and shares, and who accessed it, each list a
page at a time under one cursor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import or_, select

from app.db.writer import Change, Writer
from app.keyring import Keyring
from app.keyset import INVALID, Window
from app.models import AuditEvent, ProcessingRecord, Share, Transfer
from app.pagination import Paging, encode_cursor, set_next_link
from app.policies import deny
from app.policies.rules import ACL_ROLE
from app.problems import PolicyDenied, ValidationFailed
from app.schemas.processing_record import AccessEntryOut, ProcessingRecordExport
from app.services import share as shares
from app.services import transfer as transfers
from app.services.processing_record import (
    RESOURCE,
    legal_basis,
    shows,
    unseal,
)
from app.services.processing_record import render as render_record

R = TypeVar("R")


# The three lists of the copy, each a page at a time in its own order; a cursor holds where
# each list is: null (its start), its last row's position, or 0 (it has ended).
PARTS = ("transfers", "shares", "accesses")


def _positions(paging: Paging) -> list[Any]:
    after = paging.window.after
    if after is None:
        return [None] * len(PARTS)
    if len(after) != len(PARTS) or not all(
        p is None or p == 0 or isinstance(p, list) for p in after
    ):
        raise ValidationFailed(INVALID)
    return after


async def _page(
    paging: Paging, position: Any, read: Callable[[Window], Awaitable[Sequence[R]]]
) -> tuple[list[R], Any]:
    """A page of one list after its position, and its position for the next page (0: ended)."""
    if position == 0:
        return [], 0
    window = Window(after=position, limit=paging.limit)
    rows = list(await read(window))
    items = rows[: paging.limit]
    return items, (window.position(items[-1]) if len(rows) > len(items) else 0)


async def _accesses(
    writer: Writer, record: ProcessingRecord, window: Window
) -> Sequence[AuditEvent]:
    """The events of the record, its transfers and its shares: who accessed the data."""
    session = writer.session
    related = [str(record.id)]
    for column, owner in (
        (Transfer.id, Transfer.processing_record_id),
        (Share.id, Share.processing_record_id),
    ):
        related.extend(
            str(i) for i in await session.scalars(select(column).where(owner == record.id))
        )
    query = select(AuditEvent).where(
        or_(
            (AuditEvent.resource_type == RESOURCE) & (AuditEvent.resource_id == str(record.id)),
            AuditEvent.resource_id.in_(related[1:]),
        )
    )
    return (await session.scalars(window.apply(query, AuditEvent.id))).all()


def _access(e: AuditEvent) -> AccessEntryOut:
    return AccessEntryOut(
        occurred_at=e.occurred_at,
        action=e.action,
        outcome=e.outcome,
        actor_sub=str(e.actor.get("sub", "")),
        actor_organisation=str(e.actor.get("org", "")),
        resource_type=e.resource_type,
        resource_id=e.resource_id,
        purpose=e.purpose,
        legal_basis=e.legal_basis,
    )


async def export_record(
    *, writer: Writer, record: ProcessingRecord, keyring: Keyring, paging: Paging
) -> ProcessingRecordExport:
    """Everything the controller holds on the subject of this record, its transfers, shares
    and accesses a page of each at a time (`next_cursor` leads to the next); each page is
    audited `processing_record.exported` (an erased record exports its tombstone only)."""
    if not shows(writer.principal, "export", record):
        raise PolicyDenied(
            deny(ACL_ROLE, "the access copy is for the record's ILO or the controller's DPO"),
            resource_type=RESOURCE,
            action="processing_record.export",
            resource_id=str(record.id),
        )
    session = writer.session
    at = _positions(paging)
    transfer_rows, at_transfers = await _page(
        paging,
        at[0],
        lambda w: transfers.list_transfers(session=session, record_id=record.id, window=w),
    )
    share_rows, at_shares = await _page(
        paging, at[1], lambda w: shares.list_shares(session=session, record_id=record.id, window=w)
    )
    events, at_accesses = await _page(paging, at[2], lambda w: _accesses(writer, record, w))
    following = [at_transfers, at_shares, at_accesses]
    next_cursor = None
    if any(p != 0 for p in following):
        next_cursor = encode_cursor(paging.secret, paging.client, following, route=paging.route)
    set_next_link(paging.request, paging.response, next_cursor)
    payload = unseal(record, keyring)
    await writer.record_access(
        decision=None,
        change=Change(
            event_type="processing_record.exported",
            resource_type=RESOURCE,
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis=legal_basis(record.purpose),
            details={
                "fields": sorted(record.subject_fields) if payload else [],
                "reason": "data-subject access",
                "erased": record.erased_at is not None,
            },
            feed=False,
        ),
        resource_id=str(record.id),
    )
    return ProcessingRecordExport(
        record=render_record(record, payload),
        transfers=[transfers.render(t) for t in transfer_rows],
        shares=[shares.render(s) for s in share_rows],
        accesses=[_access(e) for e in events],
        exported_at=datetime.now(UTC),
        next_cursor=next_cursor,
    )
