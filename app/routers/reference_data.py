"""/v1/reference: adequacy decisions and transfer instruments, the data transfer decisions are
made against; readable by every caller, edited by reference_admin (If-Match on changes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Response

from app.db.session import ReadSession
from app.models import AdequacyDecisionEntry, TransferInstrumentEntry
from app.pagination import Paged
from app.routers.conventions import (
    etag_of,
)
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import Page
from app.schemas.reference_data import (
    AdequacyDecisionOut,
    TransferInstrumentOut,
)
from app.security import CurrentPrincipal
from app.services import reference_data as service
from app.services import reference_impact_detected as detected
from app.services.guarded import Context

router = APIRouter(prefix="/v1/reference", tags=["reference-data"], route_class=DeferredRoute)
ADEQUACY = "/adequacy-decisions"
INSTRUMENTS = "/transfer-instruments"
# No id is longer (the instruments' column); a longer one is a 422, not a lookup.
EntryId = Annotated[str, Path(min_length=1, max_length=64)]


def _adequacy(entry: AdequacyDecisionEntry) -> AdequacyDecisionOut:
    return AdequacyDecisionOut.model_validate(entry, from_attributes=True)


def _instrument(entry: TransferInstrumentEntry) -> TransferInstrumentOut:
    return TransferInstrumentOut.model_validate(entry, from_attributes=True)


E = TypeVar("E", AdequacyDecisionEntry, TransferInstrumentEntry)


def _creating(model: type[E]) -> Callable[[Context, None, Any], Awaitable[E]]:
    """Add an entry, then tell the organisations its change affects."""

    async def perform(context: Context, _: None, body: Any) -> E:
        return await detected.create_and_detect(context=context, model=model, body=body)

    return perform


def _replacing(model: type[E]) -> Callable[[Context, str, Any], Awaitable[E]]:
    """Replace an entry (locked, checked against If-Match), then tell the organisations."""

    async def perform(context: Context, entry_id: str, body: Any) -> E:
        return await detected.replace_and_detect(
            context=context, model=model, entry_id=entry_id, body=body
        )

    return perform


@router.get(
    ADEQUACY,
    name="list_adequacy_decisions",
    summary="Commission adequacy decisions",
    openapi_extra=reads("reference_data"),
)
async def list_adequacy_decisions(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
) -> Page[AdequacyDecisionOut]:
    """The Commission's adequacy decisions (GDPR Art. 45, LED Art. 36) with their validity and
    scope."""
    rows = await service.list_entries(
        session=session, principal=principal, model=AdequacyDecisionEntry, window=paging.window
    )
    return await paging.page(rows, lambda items: [_adequacy(r) for r in items])


@router.get(
    ADEQUACY + "/{decision_id:path}",
    name="get_adequacy_decision",
    summary="One adequacy decision (ids such as 2021/1772 keep their slash)",
    openapi_extra=reads("reference_data"),
)
async def get_adequacy_decision(
    response: Response, decision_id: EntryId, session: ReadSession, principal: CurrentPrincipal
) -> AdequacyDecisionOut:
    """One adequacy decision by its id (e.g. `2019/419`)."""
    entry = await service.read_entry(
        session=session, principal=principal, model=AdequacyDecisionEntry, entry_id=decision_id
    )
    response.headers["ETag"] = etag_of(entry.version)
    return _adequacy(entry)


write(
    router,
    service.CREATE_ADEQUACY,
    "POST",
    ADEQUACY,
    name="create_adequacy_decision",
    render=_adequacy,
    perform=_creating(AdequacyDecisionEntry),
    doc="""Add an adequacy decision to the reference data (a reference administrator).""",
)


write(
    router,
    service.REPLACE_ADEQUACY,
    "PUT",
    ADEQUACY + "/{decision_id:path}",
    name="replace_adequacy_decision",
    render=_adequacy,
    types={"decision_id": EntryId},
    perform=_replacing(AdequacyDecisionEntry),
    doc="""
    Replace an adequacy decision's fields (If-Match); the change is audited and on the feed.""",
)


@router.get(
    INSTRUMENTS,
    name="list_transfer_instruments",
    summary="Transfer instruments",
    openapi_extra=reads("reference_data"),
)
async def list_transfer_instruments(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
) -> Page[TransferInstrumentOut]:
    """Binding instruments and administrative arrangements between parties (GDPR Art. 46, LED Art.
    37)."""
    rows = await service.list_entries(
        session=session, principal=principal, model=TransferInstrumentEntry, window=paging.window
    )
    return await paging.page(rows, lambda items: [_instrument(r) for r in items])


@router.get(
    INSTRUMENTS + "/{instrument_id:path}",
    name="get_transfer_instrument",
    summary="One transfer instrument",
    openapi_extra=reads("reference_data"),
)
async def get_transfer_instrument(
    response: Response, instrument_id: EntryId, session: ReadSession, principal: CurrentPrincipal
) -> TransferInstrumentOut:
    """One transfer instrument."""
    entry = await service.read_entry(
        session=session, principal=principal, model=TransferInstrumentEntry, entry_id=instrument_id
    )
    response.headers["ETag"] = etag_of(entry.version)
    return _instrument(entry)


write(
    router,
    service.CREATE_INSTRUMENT,
    "POST",
    INSTRUMENTS,
    name="create_transfer_instrument",
    render=_instrument,
    perform=_creating(TransferInstrumentEntry),
    doc="""Add a transfer instrument (a reference administrator of one of its parties).""",
)


write(
    router,
    service.REPLACE_INSTRUMENT,
    "PUT",
    INSTRUMENTS + "/{instrument_id:path}",
    name="replace_transfer_instrument",
    render=_instrument,
    types={"instrument_id": EntryId},
    perform=_replacing(TransferInstrumentEntry),
    doc="""Replace a transfer instrument's fields (If-Match).""",
)
