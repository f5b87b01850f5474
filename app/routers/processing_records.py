"""/v1/processing-records: Art. 10 processing records, their transfers and shares, erasure and
the data-subject access export. Invisible records are 404 for everyone but the controller's
ILO (own records), DPO, auditor and integration."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response

from app.db.session import ReadSession, WriteSession
from app.pagination import Paged, PartPaged
from app.policies.vocabulary import LogFormat, Purpose
from app.problems import problem_responses
from app.routers.conventions import etag_of
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import ExternalReference, Page
from app.schemas.processing_record import (
    ProcessingRecordExport,
    ProcessingRecordOut,
)
from app.schemas.processing_record_rights import RestrictedUseName
from app.schemas.record_log import RecordLogExport
from app.schemas.share import ShareOut
from app.schemas.transfer import TransferOut
from app.security import CurrentPrincipal
from app.services import processing_record as service
from app.services import processing_record_erasure, record_logs
from app.services import share as shares
from app.services import transfer as transfers
from app.services.processing_record_export import export_record
from app.services.processing_record_rights import read_reason_given, restricted_read_allowed

router = APIRouter(
    prefix="/v1/processing-records", tags=["processing-records"], route_class=DeferredRoute
)
NO_STORE = {"Cache-Control": "no-store"}


def _location(record_id: uuid.UUID) -> str:
    return f"/v1/processing-records/{record_id}"


write(
    router,
    service.CREATE,
    "POST",
    "",
    name="create",
    # Metadata only, so the stored idempotent replay holds no personal data.
    render=service.render,
    responses=problem_responses(404),
    doc="""
    Record a processing of personal data by an ILO (Art. 10): purpose, categories, subject data
    (encrypted at rest), necessity and retention. The regime (GDPR, EUDPR, LED) is derived.""",
)


@router.get(
    "",
    name="list",
    summary="List the processing records you may see (metadata only, never subject data)",
    openapi_extra=reads("processing_record"),
)
async def list_records(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    officer_id: uuid.UUID | None = None,
    purpose: Purpose | None = None,
    erased: bool | None = None,
    external_reference: ExternalReference | None = None,
) -> Page[ProcessingRecordOut]:
    """The controller organisation's processing records the caller may see (ILO-10.2); without
    subject data."""
    rows = await service.list_records(
        session=session,
        principal=principal,
        officer_id=officer_id,
        purpose=purpose.value if purpose else None,
        erased=erased,
        external_reference=external_reference,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [service.render(r) for r in items])


@router.get(
    "/{record_id}",
    name="get",
    summary="One processing record; subject data for its ILO only, every read audited",
    openapi_extra=reads("processing_record"),
)
async def get_record(
    request: Request,
    response: Response,
    record_id: uuid.UUID,
    writer: WriteSession,
    restriction_ground: RestrictedUseName | None = Query(
        default=None,
        description="GDPR Art. 18(2) ground of a read of a restricted record's subject data "
        "(recorded in the audit event); without it a restricted record shows no subject data",
    ),
    reason: str | None = Query(
        default=None,
        min_length=1,
        max_length=300,
        description="Why the subject data are read, logged with the read (LED-25, Directive "
        "(EU) 2016/680 Art. 25(1)); free of personal data (422). Required for a law-enforcement "
        "record: without it, it shows no subject data",
    ),
) -> ProcessingRecordOut:
    """One processing record; its subject data only for its own ILO and an integration with
    processing:read. The read is audited, with its reason (LED-25)."""
    record = await service.get_visible_record(
        session=writer.session, principal=writer.principal, record_id=record_id
    )
    payload = None
    if (
        service.shows(writer.principal, "subject_data", record)
        and restricted_read_allowed(record.restriction_ground, restriction_ground)
        and read_reason_given(record.regime, reason)
    ):
        payload = await service.read_subject_data(
            writer=writer,
            record=record,
            keyring=request.app.state.keyring,
            reason=f"GDPR-18(2): {restriction_ground}" if record.restriction_ground else "read",
            justification=reason,
        )
    response.headers["ETag"] = etag_of(record.version)
    if payload is not None:
        response.headers.update(NO_STORE)
    return service.render(record, payload)


write(
    router,
    processing_record_erasure.ERASE,
    "POST",
    "/{record_id}/erasure",
    name="erase",
    render=service.render,
    doc="""
    Erase a record's subject data now (crypto-shredding): a tombstone stays, with the erasure's
    reason.""",
)


@router.get(
    "/{record_id}/export",
    name="export",
    summary="The data-subject access copy: record, subject data, transfers, shares, accesses",
    openapi_extra=reads("processing_record"),
    responses=problem_responses(403),
)
async def export(
    request: Request,
    response: Response,
    record_id: uuid.UUID,
    writer: WriteSession,
    paging: PartPaged,
) -> ProcessingRecordExport:
    """The data-subject access copy of a record (GDPR Art. 15), JSON; the export is audited.
    Its transfers, shares and accesses come `limit` of each a page (`next_cursor` leads to the
    next)."""
    record = await service.get_visible_record(
        session=writer.session, principal=writer.principal, record_id=record_id
    )
    copy = await export_record(
        writer=writer, record=record, keyring=request.app.state.keyring, paging=paging
    )
    response.headers.update(NO_STORE)
    return copy


@router.get(
    "/{record_id}/logs",
    name="export_logs",
    summary="A record's logs for the supervisory authority (LED Art. 25(3)), JSON or CSV",
    response_model=RecordLogExport,
    openapi_extra=reads("record_log"),
    responses={
        **problem_responses(403),
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "JSON or CSV",
        },
    },
)
async def export_logs(
    record_id: uuid.UUID,
    writer: WriteSession,
    paging: PartPaged,
    format: LogFormat = LogFormat.json,
) -> Response:
    """Every logged event of the record, its transfers, shares and follow-ups (collection,
    consultation with its reason, disclosure with its recipient, alteration, erasure, refusals,
    reads of its log), for the controller's DPO to hand to the supervisory authority
    (LED-25.3); the export is logged (`record_log.exported`). No subject data. JSON comes a
    page of events at a time (`next_cursor` leads to the next); CSV is one document of them
    all."""
    if format is LogFormat.csv:
        events = await record_logs.export_all(writer=writer, record_id=record_id)
        return Response(
            record_logs.to_csv(events),
            media_type="text/csv; charset=utf-8",
            headers={
                **NO_STORE,
                "Content-Disposition": f'attachment; filename="logs-{record_id}.csv"',
            },
        )
    export = await record_logs.export_logs(writer=writer, record_id=record_id, paging=paging)
    link = {"Link": paging.response.headers["link"]} if "link" in paging.response.headers else {}
    return Response(
        export.model_dump_json(), media_type="application/json", headers={**NO_STORE, **link}
    )


write(
    router,
    transfers.RECORD,
    "POST",
    "/{record_id}/transfers",
    name="record_transfer",
    render=transfers.render,
    doc="""Record a transfer of a record's data to a third country or international organisation
    (Chapter V): the basis is decided (adequacy, instrument, derogation) and recorded; NR-1
    protects persons in need of international protection.""",
)


@router.get(
    "/{record_id}/transfers",
    name="list_transfers",
    summary="The transfers recorded for a processing record",
    openapi_extra=reads("processing_record"),
)
async def list_transfers(
    record_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[TransferOut]:
    """The transfers of a record, in the order they were recorded."""
    await service.get_visible_record(session=session, principal=principal, record_id=record_id)
    rows = await transfers.list_transfers(
        session=session, record_id=record_id, window=paging.window
    )
    return await paging.page(rows, lambda items: [transfers.render(t) for t in items])


write(
    router,
    shares.RECORD,
    "POST",
    "/{record_id}/shares",
    name="record_share",
    render=shares.render,
    doc="""Record an exchange of a record's data inside the Union (Art. 3(6)(d), recital 26): the
    fields disclosed are a justified subset of the record (ILO-10.4).""",
)


@router.get(
    "/{record_id}/shares",
    name="list_shares",
    summary="The exchanges recorded for a processing record",
    openapi_extra=reads("processing_record"),
)
async def list_shares(
    record_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[ShareOut]:
    """The exchanges of a record inside the Union, in the order they were recorded."""
    await service.get_visible_record(session=session, principal=principal, record_id=record_id)
    rows = await shares.list_shares(session=session, record_id=record_id, window=paging.window)
    return await paging.page(rows, lambda items: [shares.render(s) for s in items])
