"""The per-request session: the request is the unit of work (commit once, or roll back)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db.denial_audit import audit_refusal
from app.db.writer import Writer, reinstate_accesses, take_accesses
from app.problems import NotFound, PolicyDenied
from app.security import CurrentPrincipal


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commit on success, roll back on error.

    A denied attempt of an authenticated caller on a resource that exists (403 policy-denied, or
    a 404 for a record the caller may not see) rolls back the work and then commits its own
    audit event, so the denial is on record although the request fails. A 404 for a resource
    that does not exist is counted and audited in aggregate (app/db/denial_audit.py). If
    the database is gone meanwhile that commit fails, and the request is a 503 (see
    app/problems.py): a denial that cannot be recorded is not answered as if it were.
    """
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        try:
            yield session
        except (PolicyDenied, NotFound) as denied:
            accesses = take_accesses(session)
            await session.rollback()
            principal = getattr(request.state, "principal", None)
            if principal is not None:
                request_id = getattr(request.state, "request_id", None)
                await reinstate_accesses(session, principal, request_id, accesses)
                await audit_refusal(session, request, principal, denied)
                await session.commit()
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# "function" scope: the commit happens before the response is sent, never after.
ReadSession = Annotated[AsyncSession, Depends(request_session, scope="function")]


async def request_writer(
    request: Request, session: ReadSession, principal: CurrentPrincipal
) -> Writer:
    """The request's Writer (async: no threadpool hop on the hot path)."""
    return Writer(session, principal, request_id=getattr(request.state, "request_id", None))


WriteSession = Annotated[Writer, Depends(request_writer, scope="function")]
