"""HTTP conventions shared by every resource: ETag/If-Match, Idempotency-Key, JSON responses."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import idempotency
from app.db.session import ReadSession
from app.db.writer import Writer
from app.models import IdempotencyKey
from app.problems import (
    ETAG_LIST,
    IdempotencyInFlight,
    IdempotencyKeyReused,
    PreconditionRequired,
    ValidationFailed,
)
from app.request_fingerprint import Fingerprint, request_fingerprint
from app.security import CurrentPrincipal
from app.services.guarded import Context

_ETAGS = re.compile(ETAG_LIST)
IDEMPOTENCY_KEY = r"^[!-~]{1,255}$"  # 1-255 visible ASCII characters
# A resource's ETag is "v<version>"; a list of them (RFC 9110 13.1.1) is ample within this.
IF_MATCH_MAX = 1024
# The endpoint attribute saying that its action inspects the body before its transaction.
INSPECTS_FIRST = "__inspects_first__"
# Where a request keeps its Idempotency-Key's claim until its action's inspection is done.
_PENDING_CLAIM = "idempotency_claim"
E = TypeVar("E", bound=Callable[..., Any])


def inspects_first(endpoint: E) -> E:
    """Mark `endpoint` as performing an action that inspects its body before the request's
    transaction (app/services/guarded.py `Context.inspect`): its Idempotency-Key is claimed
    after that inspection, not as the request begins."""
    setattr(endpoint, INSPECTS_FIRST, True)
    return endpoint


def etag_of(version: int) -> str:
    return f'"v{version}"'


def require_if_match(context: Context, if_match: str | None) -> Context:
    """428 without If-Match; a stale one is a 412 that the action reports after its decision
    (app/services/guarded.py `stale`, RFC 9110 strong comparison)."""
    if not if_match:
        raise PreconditionRequired("Send If-Match with the resource's ETag to change it.")
    if not _ETAGS.fullmatch(if_match):
        raise ValidationFailed(
            [{"pointer": "/If-Match", "in": "header", "detail": 'an ETag such as "v3", or *'}]
        )
    return context.expecting(if_match)


async def action_context(
    request: Request, session: ReadSession, principal: CurrentPrincipal
) -> Context:
    """How a write route's action loads its facts: rows it changes are locked until commit.
    Its Writer is made here, as `request_writer` makes one, rather than by a dependency of its
    own: one node fewer for FastAPI to resolve on every write."""
    state = request.app.state
    writer = Writer(session, principal, request_id=getattr(request.state, "request_id", None))
    begin = partial(claim_pending, request)
    return Context(writer, state.settings, state.keyring, lock=True, begin=begin)


ActionContext = Annotated[Context, Depends(action_context, scope="function")]


# Required (428 without it), but declared optional so that its absence is a 428, not a 422;
# app/problem_docs.py::document_problems marks it required in the OpenAPI document.
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=IF_MATCH_MAX,
        description="The ETag of the version you change (required).",
    ),
]


class Replay(Exception):
    """A stored first response to return instead of running the request again."""

    def __init__(self, stored: idempotency.StoredResponse) -> None:
        super().__init__("idempotent replay")
        self.stored = stored


def replay_response(exc: Replay) -> Response:
    headers = {**exc.stored.headers, "Idempotent-Replayed": "true"}
    return Response(exc.stored.body, status_code=exc.stored.status, headers=headers)


class Idempotent:
    """Renders a POST's response and, when an Idempotency-Key came with it, stores it (with the
    request's fingerprint, made only then)."""

    def __init__(
        self, request: Request, session: ReadSession, client: str, key: str | None, fingerprint: str
    ) -> None:
        self.request = request
        self.session = session
        self.client = client
        self.key = key
        self.fingerprint = fingerprint

    async def respond(
        self,
        model: BaseModel,
        *,
        status: int = 201,
        headers: dict[str, str] | None = None,
        stored: BaseModel | None = None,
    ) -> Response:
        """`stored`: what a replay answers when it must differ from `model` (a secret is in the
        first answer only, never in the store)."""
        body = model.model_dump_json().encode()
        all_headers = {"content-type": "application/json", **(headers or {})}
        if self.key is not None:
            await claim_pending(self.request)  # claimed by now unless nothing was performed
            settings = self.request.app.state.settings
            await idempotency.store(
                self.session,
                client=self.client,
                key=self.key,
                fingerprint=self.fingerprint,
                method=self.request.method,
                path=self.request.url.path,
                response=idempotency.StoredResponse(
                    status,
                    all_headers,
                    body if stored is None else stored.model_dump_json().encode(),
                ),
                ttl=timedelta(hours=settings.idempotency_ttl_hours),
            )
        return Response(body, status_code=status, headers=all_headers)


async def idempotent(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description=(
                "Makes retries safe: the same key and request replay the first response (the"
                " body's content counts, not its encoding: a multipart boundary, JSON key order)."
            ),
            min_length=1,
            max_length=255,
            pattern=IDEMPOTENCY_KEY,
        ),
    ] = None,
) -> Idempotent:
    if idempotency_key is None:
        # Nothing is stored, so nothing is fingerprinted: the body is left to the route, which
        # reads it in pieces (an upload's multipart parts) rather than as one whole.
        return Idempotent(request, session, principal.client_key, None, "")
    body = await request.body()
    # The query is part of the request (a batch's mode and dry_run): a retry with the same key
    # but another query is a different request, not a replay.
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    fingerprint = request_fingerprint(
        request.method, target, request.headers.get("content-type"), body
    )
    client = principal.client_key
    if getattr(request.scope.get("endpoint"), INSPECTS_FIRST, False):
        # A replay is answered at once, from a short read of its own; the key's lock (which
        # begins the request's transaction) and the check again wait for the inspection.
        async with AsyncSession(bind=session.bind) as short:
            _replay_if_stored(await idempotency.find(short, client, idempotency_key), fingerprint)
        setattr(
            request.state,
            _PENDING_CLAIM,
            partial(_claim, session, client, idempotency_key, fingerprint),
        )
    else:
        await _claim(session, client, idempotency_key, fingerprint)
    return Idempotent(request, session, client, idempotency_key, fingerprint.value)


async def _claim(session: AsyncSession, client: str, key: str, fingerprint: Fingerprint) -> None:
    """Take the key's lock for the request's transaction (409 while another request holds
    it), then answer a stored first response instead of running the request again."""
    if not await idempotency.try_lock(session, client, key):
        raise IdempotencyInFlight("A request with this Idempotency-Key is still being processed.")
    _replay_if_stored(await idempotency.find(session, client, key), fingerprint)


def _replay_if_stored(stored: IdempotencyKey | None, fingerprint: Fingerprint) -> None:
    if stored is None:
        return
    if not fingerprint.matches(stored.request_hash):
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request body or path."
        )
    raise Replay(idempotency.StoredResponse(stored.status, dict(stored.headers), stored.body))


async def claim_pending(request: Request) -> None:
    """The request's Idempotency-Key claimed, if its claim waited for an inspection."""
    claim = getattr(request.state, _PENDING_CLAIM, None)
    if claim is not None:
        setattr(request.state, _PENDING_CLAIM, None)
        await claim()


Idempotency = Annotated[Idempotent, Depends(idempotent, scope="function")]
