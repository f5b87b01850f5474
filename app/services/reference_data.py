"""Transfer reference data kept in the database: read by every transfer decision, edited by the
Commission (adequacy decisions, Union instruments) and by the Member States party to an
instrument (ACL-ROLE, ACL-ORG via reference.update)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import near_static
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.keyset import Window
from app.models import AdequacyDecisionEntry, TransferInstrumentEntry
from app.policies import (
    ActionPolicy,
    AdequacyDecision,
    Decision,
    ReferenceUpdateFacts,
    TransferInstrument,
)
from app.policies.transfer import (
    ADEQUACY_DECISION_CREATE,
    ADEQUACY_DECISION_REPLACE,
    TRANSFER_INSTRUMENT_CREATE,
    TRANSFER_INSTRUMENT_REPLACE,
)
from app.problems import Conflict, NotFound
from app.reference import adequacy_decision_from_dict, transfer_instrument_from_dict
from app.schemas.reference_data import (
    AdequacyDecisionCreate,
    AdequacyDecisionFields,
    TransferInstrumentCreate,
    TransferInstrumentFields,
)
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, stale

Entry = AdequacyDecisionEntry | TransferInstrumentEntry
E = TypeVar("E", AdequacyDecisionEntry, TransferInstrumentEntry)
_KINDS: dict[type[Any], str] = {
    AdequacyDecisionEntry: "adequacy_decision",
    TransferInstrumentEntry: "transfer_instrument",
}


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
    row's content and version) pins them in the decision's policy_version.

    Cached per engine under the tables' stamp (app/db/near_static.py): a decision reads one
    aggregate row instead of reloading and re-hashing every entry."""
    stamp = await near_static.reference_stamp(session)
    return await near_static.cached(
        session, "transfer_reference", stamp, lambda: _load_reference(session)
    )


async def _load_reference(session: AsyncSession) -> TransferReference:
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
    *, session: AsyncSession, principal: Principal, model: type[E], window: Window
) -> Sequence[E]:
    seen = access.listing(principal, "reference_data")
    query = select(model).where(visible(model, seen))
    query = window.apply(query, model.id)
    return (await session.scalars(query)).all()


async def read_entry(
    *, session: AsyncSession, principal: Principal, model: type[E], entry_id: str
) -> E:
    """An entry the caller sees (read policy `reference_data`: every participant), or a 404."""
    seen = access.visibility(principal, "reference_data")
    entry = await session.scalar(select(model).where(model.id == entry_id, visible(model, seen)))
    if entry is None:
        raise NotFound(
            f"No {_KINDS[model].replace('_', ' ')} {entry_id!r}.",
            resource_type=_KINDS[model],
            resource_id=entry_id,
        )
    return entry


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


# JSON columns: stored as JSON (dates as ISO strings), as the reference files hold them.
_JSON_FIELDS = frozenset({"segments", "exclusions"})


def _values(body: AdequacyDecisionFields | TransferInstrumentFields) -> dict[str, Any]:
    values = body.model_dump(mode="python", exclude={"id", *_JSON_FIELDS})
    values.update(body.model_dump(mode="json", include=set(_JSON_FIELDS)))
    return {k: (list(v) if isinstance(v, list) else v) for k, v in values.items()}


def _facts(context: Context, kind: str, values: dict[str, Any]) -> ReferenceUpdateFacts:
    return ReferenceUpdateFacts(
        actor=context.principal.actor(), kind=kind, parties=frozenset(values.get("parties", ()))
    )


def _change(entry_id: str, *, created: bool, version: int) -> Change:
    return Change(
        organisation="COM", details={"id": entry_id, "created": created, "version": version}
    )


@dataclass(frozen=True, slots=True)
class Replacement:
    prepared: Prepared[ReferenceUpdateFacts]
    entry: Entry


async def _prepare_create(
    context: Context, model: type[Entry], body: AdequacyDecisionCreate | TransferInstrumentCreate
) -> Prepared[ReferenceUpdateFacts]:
    kind = _KINDS[model]
    exists = await context.writer.session.get(model, body.id) is not None
    conflict = Conflict(f"{kind.replace('_', ' ')} {body.id!r} exists: change it with PUT.")
    return Prepared(_facts(context, kind, _values(body)), conflicts=(conflict,) if exists else ())


async def _prepare_replace(
    context: Context,
    model: type[E],
    entry_id: str,
    body: AdequacyDecisionFields | TransferInstrumentFields,
) -> Replacement:
    """Decided for the entry before and after: a Member State can neither take over an
    instrument it is not party to nor give one away."""
    entry = await get_entry(
        session=context.writer.session, model=model, entry_id=entry_id, for_update=context.lock
    )
    kind = _KINDS[model]
    conflict = stale(context.if_match, entry.version)
    prepared = Prepared(
        _facts(context, kind, _values(body)),
        before=_facts(context, kind, _content(entry)),
        conflicts=(conflict,) if conflict else (),
        resource_id=entry.id,
    )
    return Replacement(prepared, entry)


def _build_create(
    context: Context, model: type[E], body: AdequacyDecisionCreate | TransferInstrumentCreate
) -> NewRow[E]:
    """Add an adequacy decision or instrument (ACL-ROLE, ACL-ORG); an existing id is a 409."""
    entry = model(id=body.id, version=1, updated_by=context.principal.sub, **_values(body))
    return NewRow(entry, _change(body.id, created=True, version=1))


def _build_replace(
    context: Context,
    replacement: Replacement,
    body: AdequacyDecisionFields | TransferInstrumentFields,
    _: Decision,
) -> RowUpdate[Entry]:
    """Replace an entry (If-Match); decided for the entry before and after."""
    entry = replacement.entry
    values = {**_values(body), "updated_by": context.principal.sub}
    return RowUpdate(entry, values, _change(entry.id, created=False, version=entry.version + 1))


def _actions(
    model: type[E],
    create: type[BaseModel],
    fields: type[BaseModel],
    policies: tuple[ActionPolicy, ActionPolicy],
    summaries: tuple[str, str],
) -> tuple[Action, Action]:
    kind = _KINDS[model]

    async def load_create(context: Context, _: object, body: Any) -> Prepared[Any]:
        return await _prepare_create(context, model, body)

    async def load_replace(context: Context, entry_id: str, body: Any) -> Replacement:
        return await _prepare_replace(context, model, entry_id, body)

    def build_create(context: Context, _: Prepared[Any], body: Any, __: Decision) -> NewRow[E]:
        return _build_create(context, model, body)

    return (
        Action(
            policy=policies[0],
            resource=kind,
            body=create,
            target="none",
            load=load_create,
            build=build_create,
            makes="row",
            summary=summaries[0],
        ),
        Action(
            policy=policies[1],
            resource=kind,
            body=fields,
            target="id",
            load=load_replace,
            build=_build_replace,
            makes="change",
            names_version=True,
            summary=summaries[1],
        ),
    )


CREATE_ADEQUACY, REPLACE_ADEQUACY = _actions(
    AdequacyDecisionEntry,
    AdequacyDecisionCreate,
    AdequacyDecisionFields,
    (ADEQUACY_DECISION_CREATE, ADEQUACY_DECISION_REPLACE),
    (
        "Add an adequacy decision (reference_admin of COM)",
        "Change an adequacy decision, e.g. its validity",
    ),
)
CREATE_INSTRUMENT, REPLACE_INSTRUMENT = _actions(
    TransferInstrumentEntry,
    TransferInstrumentCreate,
    TransferInstrumentFields,
    (TRANSFER_INSTRUMENT_CREATE, TRANSFER_INSTRUMENT_REPLACE),
    (
        "Add a transfer instrument (COM for Union acts, or a Member State party to it)",
        "Change a transfer instrument",
    ),
)
# The entry that adds, and the one that changes, an entry of each kind.
CREATE_OF = {AdequacyDecisionEntry: CREATE_ADEQUACY, TransferInstrumentEntry: CREATE_INSTRUMENT}
REPLACE_OF = {AdequacyDecisionEntry: REPLACE_ADEQUACY, TransferInstrumentEntry: REPLACE_INSTRUMENT}
