"""Tripwires: the session refuses any write that the Writer (or app/db itself) did not authorise.

`before_flush` refuses new, changed or deleted instances that were not marked; `do_orm_execute`
refuses ORM bulk INSERT/UPDATE/DELETE statements without the Writer's execution option.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

AUTHORISED = "ilonet.authorised"
WRITER_OPTION = "ilonet_writer"

T = TypeVar("T")


class UnauthorisedWrite(RuntimeError):
    """A write that bypassed the Writer: a programming error, never a client's."""


def _marks(session: Session) -> set[int]:
    marks: set[int] = session.info.setdefault(AUTHORISED, set())
    return marks


def authorise(session: AsyncSession | Session, instance: T) -> T:
    """Mark an instance as written by the Writer (or app/db internals) for the next flush."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    _marks(sync).add(id(instance))
    return instance


@event.listens_for(Session, "before_flush")
def _refuse_unauthorised_flush(
    session: Session, flush_context: UOWTransaction, instances: Any
) -> None:
    marks = _marks(session)
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in (*session.new, *dirty, *session.deleted):
        if id(obj) not in marks:
            raise UnauthorisedWrite(
                f"{type(obj).__name__} was written outside the Writer; use app.db.writer.Writer."
            )


@event.listens_for(Session, "after_flush_postexec")
def _clear_marks(session: Session, flush_context: UOWTransaction) -> None:
    _marks(session).clear()


@event.listens_for(Session, "do_orm_execute")
def _refuse_unmarked_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and not state.execution_options.get(
        WRITER_OPTION
    ):
        raise UnauthorisedWrite(
            "Bulk INSERT/UPDATE/DELETE outside the Writer; use Writer.execute()."
        )
