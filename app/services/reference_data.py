"""Transfer reference data kept in the database: read by every transfer decision, edited by the
Commission (adequacy decisions, Union instruments) and by the Member States party to an
instrument (ACL-ROLE, ACL-ORG via reference.update)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Writer
from app.models import AdequacyDecisionEntry, TransferInstrumentEntry
from app.policies import AdequacyDecision, ReferenceUpdateFacts, TransferInstrument
from app.problems import Conflict, NotFound
from app.reference import adequacy_decision_from_dict, transfer_instrument_from_dict
from app.schemas.reference_data import (
    AdequacyDecisionCreate,
    AdequacyDecisionFields,
    TransferInstrumentCreate,
    TransferInstrumentFields,
)

Entry = AdequacyDecisionEntry | TransferInstrumentEntry
E = TypeVar("E", AdequacyDecisionEntry, TransferInstrumentEntry)
_KINDS: dict[type[Any], str] = {
    AdequacyDecisionEntry: "adequacy_decision",
    TransferInstrumentEntry: "transfer_instrument",
}
_BOOKKEEPING = ("version", "updated_by", "updated_at")


@dataclass(frozen=True, slots=True)
class TransferReference:
    """The reference data a transfer decision is made against, and their digest."""

    adequacy_decisions: tuple[AdequacyDecision, ...]
    instruments: tuple[TransferInstrument, ...]
    digest: str


def _columns(entry: Entry) -> dict[str, Any]:
    return {c.key: getattr(entry, c.key) for c in entry.__table__.columns}


def _content(entry: Entry) -> dict[str, Any]:
    return {k: v for k, v in _columns(entry).items() if k not in ("updated_by", "updated_at")}


def _canonical(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def transfer_reference(*, session: AsyncSession) -> TransferReference:
    """Every adequacy decision and instrument as policy facts; the digest (sha256 over each
    row's content and version) pins them in the decision's policy_version."""
    decisions = (
        await session.scalars(select(AdequacyDecisionEntry).order_by(AdequacyDecisionEntry.id))
    ).all()
    instruments = (
        await session.scalars(select(TransferInstrumentEntry).order_by(TransferInstrumentEntry.id))
    ).all()
    digest = hashlib.sha256()
    entries: list[Entry] = [*decisions, *instruments]
    for entry in entries:
        row = {k: _canonical(v) for k, v in _content(entry).items()}
        digest.update(_KINDS[type(entry)].encode())
        digest.update(json.dumps(row, sort_keys=True, separators=(",", ":")).encode())
    return TransferReference(
        adequacy_decisions=tuple(adequacy_decision_from_dict(_content(d)) for d in decisions),
        instruments=tuple(transfer_instrument_from_dict(_content(i)) for i in instruments),
        digest=digest.hexdigest(),
    )


async def list_entries(
    *, session: AsyncSession, model: type[E], after: str | None, limit: int
) -> Sequence[E]:
    query = select(model).order_by(model.id).limit(limit)
    if after is not None:
        query = query.where(model.id > after)
    return (await session.scalars(query)).all()


async def get_entry(
    *, session: AsyncSession, model: type[E], entry_id: str, for_update: bool = False
) -> E:
    """One entry; `for_update` locks it so that two changes with one ETag cannot both apply."""
    entry = await session.get(
        model, entry_id, with_for_update=for_update, populate_existing=for_update
    )
    if entry is None:
        raise NotFound(
            f"No {_KINDS[model].replace('_', ' ')} {entry_id!r}.",
            resource_type=_KINDS[model],
            resource_id=entry_id,
        )
    return entry


def _values(body: AdequacyDecisionFields | TransferInstrumentFields) -> dict[str, Any]:
    values = body.model_dump(mode="python", exclude={"id"})
    return {k: (list(v) if isinstance(v, list) else v) for k, v in values.items()}


def _facts(writer: Writer, kind: str, values: dict[str, Any]) -> ReferenceUpdateFacts:
    return ReferenceUpdateFacts(
        actor=writer.principal.actor(), kind=kind, parties=frozenset(values.get("parties", ()))
    )


def _change(kind: str, entry_id: str, *, created: bool, version: int) -> Change:
    return Change(
        event_type="reference.updated",
        resource_type=kind,
        organisation="COM",
        details={"id": entry_id, "created": created, "version": version},
    )


async def create_entry(
    *, writer: Writer, body: AdequacyDecisionCreate | TransferInstrumentCreate
) -> Entry:
    """Add an adequacy decision or instrument (reference.update: ACL-ROLE, ACL-ORG)."""
    entry: Entry
    if isinstance(body, AdequacyDecisionCreate):
        entry = AdequacyDecisionEntry(id=body.id, version=1, updated_by=writer.principal.sub)
    else:
        entry = TransferInstrumentEntry(id=body.id, version=1, updated_by=writer.principal.sub)
    kind = _KINDS[type(entry)]
    values = _values(body)
    decision = writer.decide("reference.update", _facts(writer, kind, values), resource_type=kind)
    if await writer.session.get(type(entry), body.id) is not None:
        raise Conflict(f"{kind.replace('_', ' ')} {body.id!r} exists: change it with PUT.")
    for name, value in values.items():
        setattr(entry, name, value)
    return await writer.insert(
        entry, decision=decision, change=_change(kind, body.id, created=True, version=1)
    )


async def replace_entry(
    *, writer: Writer, entry: Entry, body: AdequacyDecisionFields | TransferInstrumentFields
) -> Entry:
    """Replace an entry; decided for the entry before and after (a Member State can neither
    take over an instrument it is not party to nor give one away)."""
    kind = _KINDS[type(entry)]
    values = _values(body)
    before = _facts(writer, kind, _content(entry))
    after = _facts(writer, kind, values)
    decision = writer.decide_update("reference.update", before, after, resource_type=kind)
    version = entry.version + 1
    return await writer.apply(
        entry,
        {
            **values,
            "version": version,
            "updated_by": writer.principal.sub,
            "updated_at": datetime.now(UTC),
        },
        decision=decision,
        change=_change(kind, entry.id, created=False, version=version),
    )
