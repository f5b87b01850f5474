"""/v1/documents: the information-exchange platform (Art. 9). Uploads (JSON content or a
multipart file) and new versions are checked before they are stored (ILO-9.3 scanner, ILO-9.1,
ILO-3.4, ILO-9.4); every read — list, get, search, download — shows only what the caller's
audiences let it see. The ILO contact list (Art. 9(2)(d)) and the Board-members list (Art.
9(2)(c)) are generated on request."""

from __future__ import annotations

import base64
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app import clock
from app.db.session import ReadSession, WriteSession
from app.middleware import unstorable_string
from app.models import Document, DocumentVersion
from app.pagination import Paged, Paging, paged
from app.platform import bounded_json
from app.platform.extract import MEDIA_TYPES
from app.platform.limits import LIMITS, exceeded
from app.policies.vocabulary import DocumentAudience, DocumentCategory
from app.problems import UnsupportedMediaType, ValidationFailed, problem_responses
from app.routers.conventions import (
    ActionContext,
    Idempotency,
    etag_of,
    inspects_first,
)
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import guarded, reads
from app.routers.write_routes import write
from app.schemas.common import Page
from app.schemas.document import (
    BoardMemberList,
    DocumentHit,
    DocumentOut,
    DocumentUpload,
    IloContactList,
)
from app.security import CurrentPrincipal
from app.services import contact_list
from app.services import document as service
from app.services import document_read as reader
from app.services.document import refusal
from app.services.guarded import Context

# Search keeps its own page sizes: highlights make each hit dear to compute.
SearchPaged = Annotated[Paging, paged(default=20, maximum=50)]

router = APIRouter(prefix="/v1/documents", tags=["documents"], route_class=DeferredRoute)


async def _shown(context: Context, document: Document) -> DocumentOut:
    """The document as the write left it (the row `perform` returned) with its versions."""
    versions = await reader.versions_of(context.writer.session, document.id)
    return reader.render(document, versions)


write(
    router,
    service.UPLOAD,
    "POST",
    "",
    name="upload",
    show=_shown,
    out=DocumentOut,
    doc="""The file travels in `content` (text, or base64 with `content_encoding: base64`). Before
    anything is stored the text is extracted and scanned: a finding of personal data is a 403
    `policy-denied` under ILO-9.3 naming each finding's kind and location (never the value);
    an operational law-enforcement marking ILO-9.1; a statistics cell below the threshold
    ILO-3.4; the Parliament audience for a category it may not see ILO-9.4.""",
)


def _metadata_fields(metadata: str) -> dict[str, Any]:
    """The metadata part as a JSON object: nested at most metadata.depth deep (its depth is
    measured before it is parsed), and holding no string that cannot be stored."""
    try:
        fields = bounded_json.loads(metadata, max_depth=LIMITS.metadata_depth)
    except bounded_json.TooDeep:
        raise refusal(
            exceeded("metadata_depth", "The metadata part nests arrays and objects too deeply"),
            "/metadata",
        ) from None
    except ValueError:
        raise ValidationFailed(
            [{"pointer": "/metadata", "in": "body", "detail": "metadata is not JSON"}]
        ) from None
    if not isinstance(fields, dict):
        raise ValidationFailed(
            [{"pointer": "/metadata", "in": "body", "detail": "metadata is a JSON object"}]
        )
    found = unstorable_string(fields)
    if found is not None:
        pointer, reason = found
        raise ValidationFailed([{"pointer": f"/metadata{pointer}", "in": "body", "detail": reason}])
    return fields


def _parsed_metadata(metadata: str, file: UploadFile, content: bytes) -> DocumentUpload:
    fields = _metadata_fields(metadata)
    fields.setdefault("media_type", file.content_type or "application/octet-stream")
    fields.setdefault("filename", file.filename)
    fields["content"] = ""
    try:
        return DocumentUpload.model_validate(fields).with_file(content)
    except ValidationError as error:
        raise ValidationFailed(
            [
                {
                    "pointer": "/metadata/" + "/".join(str(p) for p in e["loc"]),
                    "in": "body",
                    "detail": e["msg"],
                }
                for e in error.errors()
            ]
        ) from None


_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "metadata"],
                    "additionalProperties": False,
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The file (text, Markdown, CSV, JSON, PDF, DOCX).",
                        },
                        "metadata": {
                            "type": "string",
                            "maxLength": 200_000,
                            "description": "The metadata as JSON: title, category, audience, "
                            "network_id, handling, information_topics, host_country, "
                            "period_from, period_to, statistics, count_columns.",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/files",
    name="upload-file",
    status_code=201,
    summary="Upload a platform document as a multipart file; checked for personal data first",
    response_model=DocumentOut,
    openapi_extra={**guarded(service.UPLOAD), **_MULTIPART},
)
@inspects_first
async def upload_document_file(
    request: Request, context: ActionContext, idempotent: Idempotency
) -> Response:
    """The same checks as the JSON upload; the file's media type is its part's Content-Type
    (or its name's extension when the part says application/octet-stream)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType("Send the file as multipart/form-data.")
    async with request.form(max_files=1, max_fields=4) as form:
        file, metadata = form.get("file"), form.get("metadata")
        if not isinstance(file, UploadFile) or not isinstance(metadata, str):
            raise ValidationFailed(
                [{"pointer": "/file", "in": "body", "detail": "a file part and a metadata part"}]
            )
        body = _parsed_metadata(metadata, file, await file.read())
    document = await context.perform(service.UPLOAD, None, body)
    headers = {"Location": f"/v1/documents/{document.id}", "ETag": etag_of(document.version)}
    return await idempotent.respond(await _shown(context, document), headers=headers)


@router.get(
    "",
    name="list",
    summary="The platform documents you may see (by audience)",
    openapi_extra=reads("document"),
)
async def list_documents(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    category: DocumentCategory | None = None,
    audience: DocumentAudience | None = None,
) -> Page[DocumentOut]:
    """Only documents whose audience includes you (ILO-9.3, ILO-9.4)."""
    rows = await reader.list_documents(
        session=session,
        principal=principal,
        category=category,
        audience=audience,
        window=paging.window,
    )

    async def render(items: list[Document]) -> list[DocumentOut]:
        return [reader.render(d, await reader.versions_of(session, d.id)) for d in items]

    return await paging.page(rows, render)


@router.get(
    "/search",
    name="search",
    summary="Full-text search over the documents you may see, ranked, with highlights",
    openapi_extra=reads("document"),
)
async def search_documents(
    session: ReadSession,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Web-search syntax")],
    paging: SearchPaged,
) -> Page[DocumentHit]:
    """PostgreSQL full text (`websearch_to_tsquery`) over titles and current versions, best
    first; the highlight marks matches with <b>…</b>."""
    rows = await reader.search(session=session, principal=principal, q=q, window=paging.window)
    return await paging.page(rows, reader.render_hits)


@router.get(
    "/contact-lists/ilo-contacts",
    name="ilo-contacts",
    summary="The ILO contact list (Art. 9(2)(d)), generated on request; every read audited",
    openapi_extra=reads("ilo_contact_list"),
)
async def ilo_contacts(
    request: Request, response: Response, writer: WriteSession, paging: Paged
) -> IloContactList:
    """Name, place of deployment, region of responsibility, telephone and e-mail of each ILO
    with an active deployment: for ILOs, Steering Board members and authorised staff only; a
    page of them, by organisation and surname."""
    rows = await contact_list.ilo_contacts(writer=writer, window=paging.window)
    keyring = request.app.state.keyring
    page = await paging.page(
        rows, lambda items: contact_list.render_contacts(writer=writer, keyring=keyring, rows=items)
    )
    response.headers["Cache-Control"] = "no-store"
    return IloContactList(
        items=page.items,
        next_cursor=page.next_cursor,
        generated_at=datetime.now(UTC),
        as_of=clock.today(),
    )


@router.get(
    "/contact-lists/board-members",
    name="board-members",
    summary="The Board-members list (Art. 9(2)(c)), generated on request; every read audited",
    openapi_extra=reads("board_member_list"),
)
async def board_members(response: Response, writer: WriteSession, paging: Paged) -> BoardMemberList:
    """Each Steering Board seat in force today — seat, organisation (or observer body), role,
    chair, holder name, e-mail and telephone — from the Board's appointments: for ILOs,
    Steering Board members and authorised staff only; a page of them, in the order the
    appointments began."""
    seats = await contact_list.board_members(writer=writer, window=paging.window)
    page = await paging.page(
        seats, lambda items: contact_list.render_board_members(writer=writer, seats=items)
    )
    response.headers["Cache-Control"] = "no-store"
    return BoardMemberList(
        items=page.items,
        next_cursor=page.next_cursor,
        generated_at=datetime.now(UTC),
        as_of=clock.today(),
    )


@router.get(
    "/{document_id:uuid}",
    name="get",
    summary="One platform document with its versions",
    openapi_extra=reads("document"),
)
async def get_document(
    response: Response, document_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> DocumentOut:
    """A document whose audience includes you (ILO-9.3, ILO-9.4; a 404 otherwise), with the
    metadata of every version; its `ETag` names the current version, for an `If-Match` on
    the next upload."""
    document = await reader.get_document(
        session=session, principal=principal, document_id=document_id
    )
    response.headers["ETag"] = etag_of(document.version)
    return reader.render(document, await reader.versions_of(session, document.id))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in folded).strip("_")


def _ascii_fallback(name: str, default: str) -> str:
    """The name in visible ASCII for `filename=` (RFC 6266 4.3): accents dropped, anything
    else an underscore, the default for a name with no ASCII letter; the extension kept."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    safe_stem = _ascii(stem)[:200] if any(c.isalnum() for c in _ascii(stem)) else default
    safe_suffix = _ascii(suffix)[:20]
    return f"{safe_stem}.{safe_suffix}" if safe_suffix else safe_stem


def content_disposition(filename: str | None, default: str) -> str:
    """An attachment's Content-Disposition (RFC 6266): an ASCII `filename=` for every client and,
    for a name in any other script, `filename*=UTF-8''…` (RFC 8187) that modern ones prefer."""
    name = filename or default
    fallback = _ascii_fallback(name, default)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name[:200], safe='')}"
    return header


def _file(row: DocumentVersion) -> Response:
    return Response(
        row.content,
        media_type=row.media_type,
        headers={
            "Content-Disposition": content_disposition(row.filename, f"document-v{row.number}"),
            "Digest": f"sha-256={base64.b64encode(bytes.fromhex(row.sha256)).decode()}",
            "ETag": f'"{row.sha256}"',
        },
    )


# The file's bytes, served with the version's own media type: one of those the platform takes.
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES
        },
        "description": "The file, with its own media type",
    }
}


@router.get(
    "/{document_id}/content",
    name="download",
    summary="Download the current version's file",
    response_class=Response,
    responses={**_FILE, **problem_responses(401, 403, 404)},
    openapi_extra=reads("document"),
)
async def download_current(
    document_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> Response:
    """The current version's bytes with its own media type, as an attachment; `Digest`
    carries its SHA-256 and `ETag` its hash. Read as the document is (a 404 when you may not
    see it)."""
    row = await reader.download(
        session=session, principal=principal, document_id=document_id, number=None
    )
    return _file(row)


@router.get(
    "/{document_id}/versions/{number}/content",
    name="download-version",
    summary="Download any version's file",
    response_class=Response,
    responses={**_FILE, **problem_responses(401, 403, 404)},
    openapi_extra=reads("document"),
)
async def download_version(
    document_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    session: ReadSession,
    principal: CurrentPrincipal,
) -> Response:
    """Version `number`'s bytes (older versions stay downloadable), with its media type,
    `Digest` and `ETag`; a 404 when the document is not visible or has no such version."""
    row = await reader.download(
        session=session, principal=principal, document_id=document_id, number=number
    )
    return _file(row)


write(
    router,
    service.ADD_VERSION,
    "POST",
    "/{document_id}/versions",
    name="add-version",
    show=_shown,
    out=DocumentOut,
    # A new version of the document: 201, although the document is what changes.
    location="/v1/documents/{row.id}",
    doc="""Only the document's own organisation adds versions (ACL-ORG); If-Match must name the
    current version (428 without it, 412 when it names another).""",
)
