"""/v1/reference: adequacy decisions and transfer instruments, the data transfer decisions are
made against; readable by every caller, edited by reference_admin (If-Match on changes)."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Path, Response

from app.db.session import ReadSession
from app.models import AdequacyDecisionEntry, TransferInstrumentEntry
from app.pagination import Paged
from app.routers.conventions import (
    ActionContext,
    Idempotency,
    IfMatch,
    etag_of,
    require_if_match,
)
from app.routers.policy_marks import guarded, reads
from app.schemas.common import Page
from app.schemas.reference_data import (
    AdequacyDecisionCreate,
    AdequacyDecisionFields,
    AdequacyDecisionOut,
    TransferInstrumentCreate,
    TransferInstrumentFields,
    TransferInstrumentOut,
)
from app.security import CurrentPrincipal
from app.services import reference_data as service
from app.services import reference_impact_detected as detected
from app.services.guarded import Context

router = APIRouter(prefix="/v1/reference", tags=["reference-data"])
ADEQUACY = "/adequacy-decisions"
INSTRUMENTS = "/transfer-instruments"
# No id is longer (the instruments' column); a longer one is a 422, not a lookup.
EntryId = Annotated[str, Path(min_length=1, max_length=64)]


def _adequacy(entry: AdequacyDecisionEntry) -> AdequacyDecisionOut:
    return AdequacyDecisionOut.model_validate(entry, from_attributes=True)


def _instrument(entry: TransferInstrumentEntry) -> TransferInstrumentOut:
    return TransferInstrumentOut.model_validate(entry, from_attributes=True)


E = TypeVar("E", AdequacyDecisionEntry, TransferInstrumentEntry)


async def _replace(
    response: Response,
    context: Context,
    model: type[E],
    entry_id: str,
    body: AdequacyDecisionFields | TransferInstrumentFields,
    if_match: str | None,
) -> E:
    """Replace an entry, locked and checked against If-Match."""
    changed = await detected.replace_and_detect(
        context=require_if_match(context, if_match), model=model, entry_id=entry_id, body=body
    )
    response.headers["ETag"] = etag_of(changed.version)
    return changed


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


@router.post(
    ADEQUACY,
    name="create_adequacy_decision",
    status_code=201,
    summary="Add an adequacy decision (reference_admin of COM)",
    response_model=AdequacyDecisionOut,
    openapi_extra=guarded(service.CREATE_ADEQUACY),
)
async def create_adequacy_decision(
    body: AdequacyDecisionCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    """Add an adequacy decision to the reference data (a reference administrator)."""
    entry = await detected.create_and_detect(
        context=context, model=AdequacyDecisionEntry, body=body
    )
    return await idempotent.respond(
        _adequacy(entry),
        headers={
            "Location": f"/v1/reference{ADEQUACY}/{entry.id}",
            "ETag": etag_of(entry.version),
        },
    )


@router.put(
    ADEQUACY + "/{decision_id:path}",
    name="replace_adequacy_decision",
    summary="Change an adequacy decision, e.g. its validity (If-Match required)",
    openapi_extra=guarded(service.REPLACE_ADEQUACY),
)
async def replace_adequacy_decision(
    response: Response,
    decision_id: EntryId,
    body: AdequacyDecisionFields,
    context: ActionContext,
    if_match: IfMatch = None,
) -> AdequacyDecisionOut:
    """Replace an adequacy decision's fields (If-Match); the change is audited and on the feed."""
    changed = await _replace(response, context, AdequacyDecisionEntry, decision_id, body, if_match)
    return _adequacy(changed)


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


@router.post(
    INSTRUMENTS,
    name="create_transfer_instrument",
    status_code=201,
    summary="Add a transfer instrument (COM for Union acts, or a Member State party to it)",
    response_model=TransferInstrumentOut,
    openapi_extra=guarded(service.CREATE_INSTRUMENT),
)
async def create_transfer_instrument(
    body: TransferInstrumentCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    """Add a transfer instrument (a reference administrator of one of its parties)."""
    entry = await detected.create_and_detect(
        context=context, model=TransferInstrumentEntry, body=body
    )
    return await idempotent.respond(
        _instrument(entry),
        headers={
            "Location": f"/v1/reference{INSTRUMENTS}/{entry.id}",
            "ETag": etag_of(entry.version),
        },
    )


@router.put(
    INSTRUMENTS + "/{instrument_id:path}",
    name="replace_transfer_instrument",
    summary="Change a transfer instrument (If-Match required)",
    openapi_extra=guarded(service.REPLACE_INSTRUMENT),
)
async def replace_transfer_instrument(
    response: Response,
    instrument_id: EntryId,
    body: TransferInstrumentFields,
    context: ActionContext,
    if_match: IfMatch = None,
) -> TransferInstrumentOut:
    """Replace a transfer instrument's fields (If-Match)."""
    changed = await _replace(
        response, context, TransferInstrumentEntry, instrument_id, body, if_match
    )
    return _instrument(changed)
