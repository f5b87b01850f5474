"""A processing record's logs for the supervisory authority (LED Art. 25(3), LED-25.3): the
record's audit events and those of its transfers, shares and follow-ups, for the controller's
DPO, as JSON (a page of the events at a time) or CSV (one document); the export is itself logged
(`record_log.exported`)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import or_, select

from app.db.writer import Change, Writer
from app.keyset import Window
from app.models import AuditEvent, ProcessingRecord, Share, Transfer, TransferFollowUp
from app.pagination import Paging
from app.policies import Decision
from app.policies.record_logs import EXPORT_ACTION, decide_log_export
from app.problems import NotFound, PolicyDenied
from app.schemas.event import AuditEventOut
from app.schemas.record_log import RecordLogExport
from app.services import access
from app.services.processing_record import RESOURCE, get_visible_record

KIND = "record_log"
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "action",
    "outcome",
    "actor_sub",
    "actor_organisation",
    "actor_roles",
    "resource_type",
    "resource_id",
    "decision_id",
    "rules",
    "purpose",
    "legal_basis",
    "details",
)


async def _events(
    writer: Writer, record: ProcessingRecord, window: Window | None
) -> Sequence[AuditEvent]:
    """The events naming the record, one of its exchanges or follow-ups, or a read of its log
    (`audit.consulted` with its id), whoever's they are: refusals of other organisations too."""
    session = writer.session
    related: list[str] = [str(record.id)]
    for column, owner in (
        (Transfer.id, Transfer.processing_record_id),
        (Share.id, Share.processing_record_id),
        (TransferFollowUp.id, TransferFollowUp.processing_record_id),
    ):
        ids = await session.scalars(select(column).where(owner == record.id))
        related.extend(str(i) for i in ids)
    query = select(AuditEvent).where(
        or_(
            AuditEvent.resource_id.in_(related),
            AuditEvent.details["resource_id"].astext == str(record.id),
        )
    )
    query = query.order_by(AuditEvent.id) if window is None else window.apply(query, AuditEvent.id)
    return (await session.scalars(query)).all()


async def _decided(writer: Writer, record_id: uuid.UUID) -> tuple[ProcessingRecord, Decision]:
    """The record, for its controller's DPO (read policy `record_log`: ACL-ROLE; another
    organisation's record is a 404), and the export's decision (LED-25.3)."""
    seen = access.visibility(writer.principal, KIND)
    record = await get_visible_record(
        session=writer.session, principal=writer.principal, record_id=record_id
    )
    if not seen.rows.holds(organisation=record.organisation):
        raise NotFound(
            f"No processing record {record_id}.", resource_type=RESOURCE, resource_id=str(record_id)
        )
    decision = decide_log_export(writer.principal.actor(), record.organisation)
    if not decision.allowed:
        raise PolicyDenied(
            decision, resource_type=RESOURCE, action=EXPORT_ACTION, resource_id=str(record.id)
        )
    return record, decision


async def _logged(
    writer: Writer, record: ProcessingRecord, decision: Decision, events: int
) -> None:
    await writer.record_access(
        decision=decision,
        change=Change(
            event_type="record_log.exported",
            resource_type=RESOURCE,
            organisation=record.organisation,
            visibility="organisation",
            details={"events": events, "recipient": "supervisory_authority"},
            feed=False,
        ),
        resource_id=str(record.id),
    )


def _render(events: list[AuditEvent]) -> list[AuditEventOut]:
    return [AuditEventOut.model_validate(e, from_attributes=True) for e in events]


async def export_logs(*, writer: Writer, record_id: uuid.UUID, paging: Paging) -> RecordLogExport:
    """A page of the record's logs (JSON), in the order they were logged; each page's export
    is logged."""
    record, decision = await _decided(writer, record_id)
    page = await paging.page(await _events(writer, record, paging.window), _render)
    await _logged(writer, record, decision, len(page.items))
    return RecordLogExport(
        record_id=record.id,
        organisation=record.organisation,
        regime=record.regime,
        exported_at=datetime.now(UTC),
        decision_id=decision.decision_id,
        events=page.items,
        next_cursor=page.next_cursor,
    )


async def export_all(*, writer: Writer, record_id: uuid.UUID) -> list[AuditEventOut]:
    """Every event of the record's logs, for the CSV document (one file); the export is
    logged."""
    record, decision = await _decided(writer, record_id)
    events = _render(list(await _events(writer, record, None)))
    await _logged(writer, record, decision, len(events))
    return events


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (OWASP CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(events: list[AuditEventOut]) -> str:
    """One row per event; its details as canonical JSON in the last column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        row = (
            str(e.id),
            e.occurred_at.isoformat(),
            e.action,
            e.outcome,
            str(e.actor.get("sub", "")),
            str(e.actor.get("org", "")),
            " ".join(str(r) for r in e.actor.get("roles", [])),
            e.resource_type,
            e.resource_id or "",
            e.decision_id or "",
            " ".join(e.rules),
            e.purpose or "",
            e.legal_basis or "",
            json.dumps(e.details, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        )
        writer.writerow([_cell(c) for c in row])
    return out.getvalue()
