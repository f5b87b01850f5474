"""Platform documents (Art. 9): upload a document or a new version, each checked before it is
stored — ILO-9.3 (the scanner: no personal data, no links to them), ILO-9.1 (no operational
law-enforcement information), ILO-3.4 (no small statistics cell), ILO-9.4 (the European
Parliament audience only for EP-visible categories). The file is extracted and scanned by the
action's inspection, before the request's transaction begins (app/services/guarded.py
`Context.inspect`); the loader hands its findings to the Decision. The write and the dry run
(`POST /v1/policy/evaluate`) both run the two, so the dry run answers exactly what the upload
would."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.config import Settings
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.models import Document, DocumentVersion
from app.platform.extract import Refused, media_type_of
from app.platform.institutional import NO_CONTACTS, InstitutionalContacts
from app.platform.text import Location, TextUnit
from app.policies import Decision
from app.policies.document import (
    DOCUMENT_ADD_VERSION,
    DOCUMENT_UPLOAD,
    DocumentFacts,
    StatisticsCell,
    ep_visible_categories,
)
from app.policies.vocabulary import DocumentCategory
from app.problems import (
    Conflict,
    PayloadTooLarge,
    Problem,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.schemas.document import DocumentContent, DocumentUpload, DocumentVersionUpload
from app.services import access, board
from app.services.document_read import not_found
from app.services.guarded import Action, Context, stale
from app.services.institutional_contact import known_contacts
from app.workers import run_bounded

if TYPE_CHECKING:
    from app.platform.check import Inspection

RESOURCE = "document"


@dataclass(frozen=True, slots=True)
class Checked:
    """A version's file as the checks saw it."""

    content: bytes
    sha256: str  # of the content, hex
    inspection: Inspection
    findings: tuple[str, ...]
    markings: tuple[str, ...]
    cells: tuple[StatisticsCell, ...]
    statistics: list[dict[str, Any]] | None
    # ILO-3.4 on the content: the count cells of the file's own tables
    file_cells: tuple[StatisticsCell, ...] = ()


def _content_bytes(body: DocumentContent, settings: Settings) -> bytes:
    if body.file is not None:
        content = body.file
    elif body.content_encoding == "base64":
        try:
            content = base64.b64decode(body.content, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                [{"pointer": "/content", "in": "body", "detail": "not valid base64"}]
            ) from None
    else:
        content = body.content.encode()
    if len(content) > settings.document_max_bytes:
        raise PayloadTooLarge(f"The file exceeds {settings.document_max_bytes} bytes.")
    return content


def _statistics_units(body: DocumentContent) -> tuple[list[TextUnit], list[StatisticsCell]]:
    units: list[TextUnit] = []
    cells: list[StatisticsCell] = []
    for t, table in enumerate(body.statistics or []):
        units.append(TextUnit(table.name, Location(pointer=f"/statistics/{t}/name")))
        for c, cell in enumerate(table.cells):
            pointer = f"/statistics/{t}/cells/{c}"
            for key, value in cell.labels.items():
                units.append(TextUnit(value, Location(pointer=f"{pointer}/labels/{key}"), key))
            labels = ", ".join(f"{k}={v}" for k, v in cell.labels.items())
            cells.append(StatisticsCell(f"{pointer} ({table.name}: {labels})", cell.count))
    return units, cells


def refusal(refused: Refused, pointer: str = "/content") -> Problem:
    """The problem a refused file is answered with: 415, 413 or 422, naming the bound (or
    check) that refused it and its maximum."""
    if refused.status == 415:
        return UnsupportedMediaType(refused.reason)
    named: dict[str, Any] = {}
    detail = refused.reason
    if refused.limit is not None:
        named["limit"] = refused.limit
        if refused.limit not in detail:
            detail = f"{detail.rstrip('.')} (refused by {refused.limit})."
    if refused.maximum is not None:
        named["max"] = refused.maximum
    if refused.status == 413:
        return PayloadTooLarge(detail, extra=named)
    return ValidationFailed(
        [{"pointer": pointer, "in": "body", "detail": detail}], detail=detail, extra=named
    )


async def check_content(
    body: DocumentContent,
    settings: Settings,
    *,
    title: str = "",
    known: InstitutionalContacts = NO_CONTACTS,
) -> Checked:
    """Extract the file's text and scan it and its metadata, in a worker process (415/413/422
    when it cannot be read within the bounds; 503 when every worker is busy); the `known`
    institutional contacts (reference data) are not personal data."""
    content = _content_bytes(body, settings)
    extra, cells = _statistics_units(body)
    if title:
        extra.insert(0, TextUnit(title, Location(pointer="/title")))
    try:
        media = media_type_of(body.media_type, body.filename)
        declared = tuple(body.count_columns)
        # The checks run in a worker; the server imports them once it answers (app/main.py).
        from app.platform.check import inspect

        inspection = await run_bounded(inspect, content, media, tuple(extra), declared, known)
    except Refused as refused:
        raise refusal(refused) from None
    statistics = [t.model_dump() for t in body.statistics] if body.statistics else None
    return Checked(
        content=content,
        sha256=inspection.sha256,  # hashed by the worker, as the text was extracted
        inspection=inspection,
        findings=inspection.findings,
        markings=inspection.markings,
        cells=tuple(cells),
        statistics=statistics,
        file_cells=tuple(
            StatisticsCell(f"of the file at {name}", count) for name, count in inspection.counts
        ),
    )


async def _facts(
    context: Context, checked: Checked, *, organisation: str, category: str, audience: str
) -> DocumentFacts:
    by_rules = await board.ep_visible_categories(context.writer.session)
    return DocumentFacts(
        actor=context.principal.actor(),
        document_org=organisation,
        category=category,
        audience=audience,
        findings=checked.findings,
        markings=checked.markings,
        # an information report's file tables are held to the threshold of its statistics
        cells=checked.cells
        + (checked.file_cells if category == DocumentCategory.ilo_information_report else ()),
        small_cell_threshold=context.settings.document_small_cell_threshold,
        ep_visible=ep_visible_categories(by_rules),
    )


@dataclass(frozen=True, slots=True)
class Upload:
    prepared: Prepared[DocumentFacts]
    checked: Checked


async def _registered_contacts(context: Context) -> InstitutionalContacts:
    """The institutional contacts the scan leaves unreported, read in a short session of their
    own: the request holds no connection while the file is scanned. Read for each upload, not
    cached: a contact registered a moment ago counts, in every server process, at the cost of
    one small query per upload."""
    async with context.short_read() as session:
        return await known_contacts(session)


async def _inspect_upload(context: Context, body: DocumentUpload) -> Checked:
    known = await _registered_contacts(context)
    return await check_content(body, context.settings, title=body.title, known=known)


async def _inspect_version(context: Context, body: DocumentVersionUpload) -> Checked:
    known = await _registered_contacts(context)
    return await check_content(body, context.settings, known=known)


def _inspected(context: Context) -> Checked:
    """The file as the action's inspection checked it, before the transaction."""
    checked = context.inspected
    if not isinstance(checked, Checked):
        raise RuntimeError("a document's facts are loaded after its file is inspected")
    return checked


async def _prepare_upload(context: Context, _: object, body: DocumentUpload) -> Upload:
    checked = _inspected(context)
    facts = await _facts(
        context,
        checked,
        organisation=context.principal.org,
        category=body.category,
        audience=body.audience,
    )
    return Upload(Prepared(facts), checked)


@dataclass(frozen=True, slots=True)
class NewVersion:
    prepared: Prepared[DocumentFacts]
    checked: Checked
    document: Document


async def _prepare_version(
    context: Context, document_id: uuid.UUID, body: DocumentVersionUpload
) -> NewVersion:
    seen = access.visibility(context.principal, RESOURCE)
    query = select(Document).where(Document.id == document_id, visible(Document, seen))
    if context.lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    document = await context.writer.session.scalar(query)
    if document is None:
        raise not_found(document_id)
    if body.statistics and document.category != "ilo_information_report":
        # The body is well formed; it conflicts with the stored document's category.
        raise Conflict(
            f"Document {document_id} is a {document.category}: statistics belong to Art. 3(4) "
            "information reports (category ilo_information_report) only."
        )
    checked = _inspected(context)
    facts = await _facts(
        context,
        checked,
        organisation=document.organisation,
        category=document.category,
        audience=document.audience,
    )
    conflicts = tuple(c for c in [stale(context.if_match, document.version)] if c is not None)
    return NewVersion(
        Prepared(facts, conflicts=conflicts, resource_id=str(document.id)), checked, document
    )


def _version_row(
    document_id: uuid.UUID, number: int, body: DocumentContent, checked: Checked, *, by: str
) -> tuple[DocumentVersion, str]:
    digest = checked.sha256
    row = DocumentVersion(
        id=uuid.uuid4(),
        document_id=document_id,
        number=number,
        media_type=checked.inspection.media_type,
        filename=body.filename,
        size_bytes=len(checked.content),
        sha256=digest,
        pages=checked.inspection.pages,
        content=checked.content,
        text=checked.inspection.text,
        statistics=checked.statistics,
        decision_id="",
        created_by=by,
    )
    return row, digest


def _build_upload(
    context: Context, upload: Upload, body: DocumentUpload, decision: Decision
) -> NewRow[Document]:
    """A new document and its first version (ILO-9.3, ILO-9.1, ILO-3.4, ILO-9.4)."""
    principal = context.principal
    document = Document(
        id=uuid.uuid4(),
        organisation=principal.org,
        title=body.title,
        category=body.category,
        audience=body.audience,
        network_id=None if body.network_id is None else str(body.network_id),
        handling=body.handling,
        information_topics=[t.value for t in body.information_topics],
        host_country=body.host_country,
        period_from=body.period_from,
        period_to=body.period_to,
        current_version=1,
        version=1,
        created_by=principal.sub,
    )
    row, digest = _version_row(document.id, 1, body, upload.checked, by=principal.sub)
    row.decision_id = decision.decision_id
    change = Change(
        organisation=principal.org,
        details={
            "category": body.category.value,
            "audience": body.audience.value,
            "version": 1,
            "sha256": digest,
        },
    )
    return NewRow(document, change, related=[row])


def _build_version(
    context: Context, new: NewVersion, body: DocumentVersionUpload, decision: Decision
) -> RowUpdate[Document]:
    """A new version (the older ones stay), checked like the first."""
    document = new.document
    number = document.current_version + 1
    row, digest = _version_row(document.id, number, body, new.checked, by=context.principal.sub)
    row.decision_id = decision.decision_id
    change = Change(
        organisation=document.organisation, details={"version": number, "sha256": digest}
    )
    return RowUpdate(document, {"current_version": number}, change, related=[row])


UPLOAD = Action(
    policy=DOCUMENT_UPLOAD,
    resource=RESOURCE,
    body=DocumentUpload,
    target="none",
    inspect=_inspect_upload,
    load=_prepare_upload,
    build=_build_upload,
    makes="row",
    summary="Upload a platform document (JSON content); checked for personal data first",
)
ADD_VERSION = Action(
    policy=DOCUMENT_ADD_VERSION,
    resource=RESOURCE,
    body=DocumentVersionUpload,
    target="uuid",
    inspect=_inspect_version,
    load=_prepare_version,
    build=_build_version,
    makes="change",
    names_version=True,
    summary="Add a version (older versions stay); checked like the first",
)
