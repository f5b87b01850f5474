"""Batches of creations (bulk onboarding): every item is the single route's request.

Each item goes through its action's own use case — the registry loader, the Writer's decision
and write, its audit and feed events — so a batch cannot do what the single route would refuse.

- `per_item`: each item in its own savepoint; a refused item is rolled back alone and reported
  with its Decision or problem, the others are committed.
- `all_or_nothing`: the items in one savepoint (each also in its own, so that every item is
  decided and reported); if any is refused, everything is rolled back and the allowed items are
  reported `rolled_back`.
- `dry_run`: every item is decided on the stored state as the policy evaluation does (the
  action's loader and `Writer.judge`), nothing written; a conflict between two items of the
  same batch (the same external_reference twice) shows on the real run only.

A refused attempt is audited (`policy.denied`) like the single route's, in the batch's commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from pydantic import BaseModel

from app.db.savepoint import savepoint
from app.policies import Decision
from app.policies.vocabulary import BatchMode, BatchOutcome
from app.problems import NotFound, PolicyDenied, Problem
from app.services.guarded import Action, Context

OnRefused = Callable[[PolicyDenied | NotFound], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ItemResult:
    index: int
    outcome: BatchOutcome
    status: int
    id: uuid.UUID | None
    external_reference: str | None
    decision: Decision | None
    problem: Problem | None = None


@dataclass(frozen=True, slots=True)
class BatchRun:
    mode: BatchMode
    dry_run: bool
    committed: bool
    items: tuple[ItemResult, ...]

    @property
    def created(self) -> int:
        return sum(1 for i in self.items if i.outcome is BatchOutcome.created)


def _reference(body: BaseModel) -> str | None:
    value = getattr(body, "external_reference", None)
    return value if isinstance(value, str) else None


def _refused(index: int, body: BaseModel, problem: Problem) -> ItemResult:
    denied = isinstance(problem, PolicyDenied)
    return ItemResult(
        index=index,
        outcome=BatchOutcome.denied if denied else BatchOutcome.failed,
        status=problem.status,
        id=None,
        external_reference=_reference(body),
        decision=problem.decision if isinstance(problem, PolicyDenied) else None,
        problem=problem,
    )


async def _judge(context: Context, action: Action, index: int, body: BaseModel) -> ItemResult:
    try:
        decision, conflicts = await context.writer.dry_run(action, context, None, body)
    except Problem as problem:
        return _refused(index, body, problem)
    stopped = conflicts[0] if conflicts else None
    if decision.allowed and stopped is None:
        outcome, status = BatchOutcome.allowed, 201
    else:
        outcome = BatchOutcome.failed if decision.allowed else BatchOutcome.denied
        status = stopped.status if decision.allowed and stopped else 403
    return ItemResult(
        index=index,
        outcome=outcome,
        status=status,
        id=None,
        external_reference=_reference(body),
        decision=decision,
        problem=stopped if decision.allowed else None,
    )


async def _write(
    context: Context, action: Action, index: int, body: BaseModel, on_refused: OnRefused
) -> ItemResult:
    session = context.writer.session
    context.writer.last_decision = None
    try:
        async with session.begin_nested():
            row = await context.perform(action, None, body)
    except Problem as problem:
        if isinstance(problem, PolicyDenied | NotFound):
            await on_refused(problem)
        return _refused(index, body, problem)
    return ItemResult(
        index=index,
        outcome=BatchOutcome.created,
        status=201,
        id=row.id,
        external_reference=_reference(body),
        decision=context.writer.last_decision,
    )


async def run_batch(
    *,
    context: Context,
    action: Action,
    items: Sequence[BaseModel],
    mode: BatchMode,
    dry_run: bool,
    on_refused: OnRefused,
) -> BatchRun:
    """Decide (and unless `dry_run`, write) every item of a batch of `action` creations."""
    if dry_run:
        judging = replace(context, lock=False)
        results = [await _judge(judging, action, i, body) for i, body in enumerate(items)]
        return BatchRun(mode, True, False, tuple(results))
    if mode is BatchMode.per_item:
        results = [
            await _write(context, action, i, body, on_refused) for i, body in enumerate(items)
        ]
        return BatchRun(mode, False, any(r.id for r in results), tuple(results))
    session = context.writer.session
    refused: list[PolicyDenied | NotFound] = []

    async def remember(problem: PolicyDenied | NotFound) -> None:
        refused.append(problem)

    async with savepoint(session) as whole:
        results = [await _write(context, action, i, body, remember) for i, body in enumerate(items)]
        if all(r.outcome is BatchOutcome.created for r in results):
            return BatchRun(mode, False, True, tuple(results))
        whole.undo()
    for problem in refused:
        await on_refused(problem)
    undone = tuple(
        replace(r, outcome=BatchOutcome.rolled_back, status=424, id=None)
        if r.outcome is BatchOutcome.created
        else r
        for r in results
    )
    return BatchRun(mode, False, False, undone)
