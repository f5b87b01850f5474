"""Loading existing cases: a processing record with the transfers it made and the answers to
them, per item, each through its action's own entry (`processing_record.create`,
`transfer.record`, `transfer_follow_up.record`) — the batch cannot do what the single routes
would refuse, and it writes nothing they would not.

A case is a unit: its record, then each transfer (and its answer) in order.

- A transfer the policy refuses (403) does not fail its record: it happened (GDPR Art. 5(2),
  accountability), so the record is loaded and the transfer is *reported* — not written as a
  transfer, but put on the record's log as `transfer.violation_reported` with its Decision's
  rules (no messages: they may name a recipient), for the controller's DPO. Its answer is
  skipped.
- Anything else that stops a transfer or an answer (404, 409, 422, a refusal of the caller
  rather than of the transfer: ACL-ROLE, ACL-ORG, ACL-CLAIM; an answer the policy refuses: RA-1,
  RA-2) fails the case: the record is not loaded either.
- `per_item` keeps each case that loaded; `all_or_nothing` undoes every case when one fails;
  `dry_run` loads every case, reports what would happen and undoes it all (nothing reported).

Refused cases are audited (`policy.denied`) like the single routes'; the reads of subject data a
transfer decision made (NR-1) stay on record when their work is undone.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.clock import today
from app.db.savepoint import savepoint
from app.db.writer import ACCESSES, Writer, reinstate_accesses
from app.models import ProcessingRecord
from app.policies import Decision
from app.policies.rules import ACL_CLAIM, ACL_ORG, ACL_ROLE
from app.policies.vocabulary import BatchMode, BatchOutcome
from app.problems import NotFound, PolicyDenied, Problem
from app.schemas.record_batch import CaseIn, PastTransferIn
from app.schemas.transfer import TransferCreate
from app.services import processing_record, transfer, transfer_follow_up
from app.services.guarded import Context

Refusal = PolicyDenied | NotFound
OnRefused = Callable[[Refusal], Awaitable[None]]
# The refused transfer and what its finding says besides the Decision.
Finding = tuple[PolicyDenied, Mapping[str, Any]]
OnReported = Callable[[PolicyDenied, Mapping[str, Any]], Awaitable[None]]
STOPPED = (BatchOutcome.denied, BatchOutcome.failed)
CALLER_RULES = frozenset({ACL_ROLE.id, ACL_ORG.id, ACL_CLAIM.id})


@dataclass(frozen=True, slots=True)
class Step:
    """A transfer or an answer of a case."""

    index: int
    outcome: BatchOutcome
    status: int
    id: uuid.UUID | None = None
    decision: Decision | None = None
    problem: Problem | None = None
    follow_up: Step | None = None

    @property
    def stopping(self) -> Step | None:
        """The step (this or its answer) that fails the case, if any."""
        if self.outcome in STOPPED:
            return self
        if self.follow_up is not None and self.follow_up.outcome in STOPPED:
            return self.follow_up
        return None


@dataclass(frozen=True, slots=True)
class Case:
    index: int
    outcome: BatchOutcome
    status: int
    id: uuid.UUID | None
    external_reference: str | None
    decision: Decision | None
    problem: Problem | None
    transfers: tuple[Step, ...]
    refusals: tuple[Refusal, ...] = ()
    findings: tuple[Finding, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CaseRun:
    mode: BatchMode
    dry_run: bool
    committed: bool
    items: tuple[Case, ...]

    @property
    def created(self) -> int:
        return sum(1 for i in self.items if i.outcome is BatchOutcome.created)

    @property
    def reported(self) -> int:
        return sum(len(i.findings) for i in self.items if i.outcome is BatchOutcome.created)


def _stopped(index: int, problem: Problem) -> Step:
    denied = isinstance(problem, PolicyDenied)
    return Step(
        index,
        BatchOutcome.denied if denied else BatchOutcome.failed,
        problem.status,
        decision=problem.decision if isinstance(problem, PolicyDenied) else None,
        problem=problem,
    )


def _skipped(index: int, past: PastTransferIn | None = None) -> Step:
    answer = Step(0, BatchOutcome.skipped, 424) if past and past.follow_up else None
    return Step(index, BatchOutcome.skipped, 424, follow_up=answer)


def _undone(step: Step) -> Step:
    """A step written, then undone with its case."""
    follow_up = _undone(step.follow_up) if step.follow_up else None
    if step.outcome is BatchOutcome.created:
        return replace(
            step, outcome=BatchOutcome.rolled_back, status=424, id=None, follow_up=follow_up
        )
    return replace(step, follow_up=follow_up)


def finding(record: ProcessingRecord, body: TransferCreate) -> dict[str, Any]:
    """What the log says of a refused transfer besides its rules: ids, codes and dates only."""
    return {
        "attempted": transfer.RECORD.name,
        "finding": "violation_reported",
        "transfer_on": body.transfer_on.isoformat(),
        "after_the_fact": body.transfer_on < today(),
        "destination": body.destination_country or body.destination_organisation,
        "recipient_type": body.recipient.type,
        "requested_basis": body.basis.value,
        "fields_disclosed": sorted(body.fields_disclosed),
        "processing_record_id": str(record.id),
    }


async def _reads_kept(writer: Writer, mark: int) -> None:
    """Put back on the log the subject-data reads made since `mark` and undone since."""
    made = writer.session.info.get(ACCESSES, [])[mark:]
    if made:
        await reinstate_accesses(writer.session, writer.principal, writer.request_id, made)


def _reads_so_far(writer: Writer) -> int:
    return len(writer.session.info.get(ACCESSES, []))


async def _attempt(context: Context, entry: Any, target: Any, body: Any) -> Any:
    """One entry in its own savepoint; a refusal undoes it alone (its reads stay on record)."""
    writer = context.writer
    mark = _reads_so_far(writer)
    writer.last_decision = None
    try:
        async with writer.session.begin_nested():
            return await context.perform(entry, target, body)
    except Problem:
        await _reads_kept(writer, mark)
        raise


def _callers_refusal(denied: PolicyDenied) -> bool:
    """A refusal of the caller (ACL-*: a role, a scope, an organisation it may not act for) says
    nothing of the past transfer: it fails the case instead of being reported."""
    return any(v.rule in CALLER_RULES for v in denied.decision.violations)


async def _transfer(
    context: Context, record: ProcessingRecord, index: int, past: PastTransferIn
) -> tuple[Step, Finding | None]:
    writer = context.writer
    try:
        row = await _attempt(context, transfer.RECORD, record.id, past.transfer)
    except PolicyDenied as denied:
        if _callers_refusal(denied):
            return replace(_stopped(index, denied), follow_up=_skipped(index, past).follow_up), None
        reported = Step(
            index,
            BatchOutcome.reported,
            denied.status,
            decision=denied.decision,
            problem=denied,
            follow_up=_skipped(index, past).follow_up,
        )
        return reported, (denied, finding(record, past.transfer))
    except Problem as problem:
        return replace(_stopped(index, problem), follow_up=_skipped(index, past).follow_up), None
    decision = writer.last_decision
    answer = None
    if past.follow_up is not None:
        try:
            answered = await _attempt(
                context, transfer_follow_up.RECORD, (record.id, row.id), past.follow_up
            )
            answer = Step(0, BatchOutcome.created, 201, answered.id, writer.last_decision)
        except Problem as problem:
            answer = _stopped(0, problem)
    return Step(index, BatchOutcome.created, 201, row.id, decision, follow_up=answer), None


async def _case(context: Context, index: int, case: CaseIn) -> Case:
    """Load one case inside the caller's savepoint; a failed case is reported, the caller undoes."""
    reference = case.record.external_reference
    try:
        record = await _attempt(context, processing_record.CREATE, None, case.record)
    except Problem as problem:
        stopped = _stopped(index, problem)
        return Case(
            index,
            stopped.outcome,
            stopped.status,
            None,
            reference,
            stopped.decision,
            problem,
            tuple(_skipped(j, p) for j, p in enumerate(case.transfers)),
            refusals=(problem,) if isinstance(problem, PolicyDenied | NotFound) else (),
        )
    decision = context.writer.last_decision
    steps: list[Step] = []
    findings: list[Finding] = []
    for j, past in enumerate(case.transfers):
        step, found = await _transfer(context, record, j, past)
        steps.append(step)
        if found is not None:
            findings.append(found)
        stop = step.stopping
        if stop is not None and stop.problem is not None:
            rest = [_skipped(k, p) for k, p in enumerate(case.transfers) if k > j]
            stopper = stop.problem
            return Case(
                index,
                stop.outcome,
                stop.status,
                None,
                reference,
                decision,
                stopper,
                tuple(_undone(s) for s in steps) + tuple(rest),
                refusals=(stopper,) if isinstance(stopper, PolicyDenied | NotFound) else (),
            )
    return Case(
        index,
        BatchOutcome.created,
        201,
        record.id,
        reference,
        decision,
        None,
        tuple(steps),
        findings=tuple(findings),
    )


def _as_dry_run(case: Case) -> Case:
    def allowed(step: Step) -> Step:
        answer = allowed(step.follow_up) if step.follow_up else None
        if step.outcome is BatchOutcome.created:
            return replace(step, outcome=BatchOutcome.allowed, id=None, follow_up=answer)
        return replace(step, follow_up=answer)

    if case.outcome is not BatchOutcome.created:
        return case
    return replace(
        case,
        outcome=BatchOutcome.allowed,
        id=None,
        transfers=tuple(allowed(s) for s in case.transfers),
    )


async def run_cases(
    *,
    context: Context,
    items: list[CaseIn],
    mode: BatchMode,
    dry_run: bool,
    on_refused: OnRefused,
    on_reported: OnReported,
) -> CaseRun:
    """Load (or, `dry_run`, try and undo) every case; then audit the refused ones and report the
    refused transfers of the cases kept."""
    writer = context.writer
    start = _reads_so_far(writer)
    results: list[Case] = []
    async with savepoint(writer.session) as whole:
        for i, case in enumerate(items):
            mark = _reads_so_far(writer)
            async with savepoint(writer.session) as one:
                result = await _case(context, i, case)
                if result.outcome is not BatchOutcome.created:
                    one.undo()
            if result.outcome is not BatchOutcome.created:
                await _reads_kept(writer, mark)
            results.append(result)
        failed = any(r.outcome is not BatchOutcome.created for r in results)
        undo_all = dry_run or (mode is BatchMode.all_or_nothing and failed)
        if undo_all:
            whole.undo()
    if undo_all:
        await _reads_kept(writer, start)
    if dry_run:
        return CaseRun(mode, True, False, tuple(_as_dry_run(r) for r in results))
    if undo_all:
        results = [
            replace(
                r,
                outcome=BatchOutcome.rolled_back,
                status=424,
                id=None,
                transfers=tuple(_undone(s) for s in r.transfers),
                findings=(),
            )
            if r.outcome is BatchOutcome.created
            else r
            for r in results
        ]
    for r in results:
        for refusal in r.refusals:
            await on_refused(refusal)
        if r.outcome is BatchOutcome.created:
            for denied, said in r.findings:
                await on_reported(denied, said)
    return CaseRun(mode, False, any(r.id for r in results), tuple(results))
