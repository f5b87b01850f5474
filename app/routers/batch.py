"""/v1/officers:batch and /v1/deployments:batch: bulk onboarding, up to 500 creations a request;
/v1/processing-records:batch: existing cases, each a record with its past transfers and answers.

Each item is the single route's request (same action, loader and Writer); the answer (200)
lists every item's outcome, the status the single route would have given, and its Decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from app.db.audit import record_denial
from app.db.denial_audit import audit_refusal
from app.policies.vocabulary import BatchMode
from app.problems import NotFound, PolicyDenied, Problem, problem_responses
from app.rate_limit import charge_items
from app.routers.conventions import ActionContext, Idempotency
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import guarded
from app.schemas.batch import (
    BatchItemOut,
    BatchOut,
    DeploymentBatchIn,
    ItemProblemOut,
    OfficerBatchIn,
)
from app.schemas.policy import DecisionOut
from app.schemas.record_batch import (
    CaseBatchIn,
    CaseBatchOut,
    CaseItemOut,
    StepOut,
    TransferStepOut,
)
from app.services import deployment, officer, processing_record
from app.services.batch import BatchRun, run_batch
from app.services.guarded import Action, Context
from app.services.record_batch import CaseRun, Step, run_cases

router = APIRouter(prefix="/v1", tags=["batch"], route_class=DeferredRoute)

Mode = Annotated[
    BatchMode,
    Query(description="all_or_nothing: one transaction; per_item: each item on its own"),
]
DryRun = Annotated[
    bool, Query(description="Decide every item as the policy evaluation does; write nothing")
]


def _render(run: BatchRun) -> BatchOut:
    return BatchOut(
        mode=run.mode,
        dry_run=run.dry_run,
        committed=run.committed,
        created=run.created,
        items=[
            BatchItemOut(
                index=item.index,
                outcome=item.outcome,
                status=item.status,
                id=item.id,
                external_reference=item.external_reference,
                decision=DecisionOut.model_validate(item.decision.as_dict())
                if item.decision
                else None,
                problem=_problem(item.problem),
            )
            for item in run.items
        ],
    )


def _problem(problem: Problem | None) -> ItemProblemOut | None:
    if problem is None:
        return None
    return ItemProblemOut(
        type=problem.type,
        title=problem.title,
        status=problem.status,
        detail=problem.detail,
    )


def _step(step: Step) -> dict[str, Any]:
    return {
        "index": step.index,
        "outcome": step.outcome,
        "status": step.status,
        "id": step.id,
        "decision": DecisionOut.model_validate(step.decision.as_dict()) if step.decision else None,
        "problem": _problem(step.problem),
    }


def _render_cases(run: CaseRun) -> CaseBatchOut:
    return CaseBatchOut(
        mode=run.mode,
        dry_run=run.dry_run,
        committed=run.committed,
        created=run.created,
        reported=run.reported,
        items=[
            CaseItemOut(
                index=case.index,
                outcome=case.outcome,
                status=case.status,
                id=case.id,
                external_reference=case.external_reference,
                decision=DecisionOut.model_validate(case.decision.as_dict())
                if case.decision
                else None,
                problem=_problem(case.problem),
                transfers=[
                    TransferStepOut(
                        **_step(t),
                        follow_up=StepOut(**_step(t.follow_up)) if t.follow_up else None,
                    )
                    for t in case.transfers
                ],
            )
            for case in run.items
        ],
    )


def _report_findings(request: Request, context: Context) -> Any:
    async def report(denied: PolicyDenied, finding: Mapping[str, Any]) -> None:
        await record_denial(
            context.writer.session,
            request,
            context.principal,
            denied,
            action="transfer.violation_reported",
            finding=finding,
        )

    return report


def _audit_refusals(request: Request, context: Context) -> Any:
    async def audit(problem: PolicyDenied | NotFound) -> None:
        await audit_refusal(context.writer.session, request, context.principal, problem)

    return audit


_RESPONSES = problem_responses(401, 409, 413, 422)


def _creations(
    entry: Action, body: type[BaseModel], *, path: str, name: str, summary: str, single: str
) -> None:
    """Mount `POST path`: up to 500 items, each decided and written as `single` would."""

    async def create_all(
        request: Request,
        body: Any,
        context: ActionContext,
        idempotent: Idempotency,
        mode: Mode = BatchMode.all_or_nothing,
        dry_run: DryRun = False,
    ) -> Response:
        charge_items(request, context.principal, len(body.items))
        run = await run_batch(
            context=context,
            action=entry,
            items=body.items,
            mode=mode,
            dry_run=dry_run,
            on_refused=_audit_refusals(request, context),
        )
        return await idempotent.respond(_render(run), status=200)

    create_all.__annotations__["body"] = body
    create_all.__name__ = name
    create_all.__doc__ = (
        f"Each item is decided and written as `{single}` would (action {entry.policy.name}): the"
        " answer lists, per item, its outcome, the status the single route would give and its"
        " Decision. `all_or_nothing` writes every item or none; `per_item` keeps the items"
        " allowed."
    )
    router.post(
        path,
        name=name,
        summary=summary,
        response_model=BatchOut,
        openapi_extra=guarded(entry, batch=True),
    )(create_all)


_creations(
    officer.CREATE,
    OfficerBatchIn,
    path="/officers:batch",
    name="create_officers",
    summary="Register up to 500 ILOs in one request",
    single="POST /v1/officers",
)
_creations(
    deployment.PLAN,
    DeploymentBatchIn,
    path="/deployments:batch",
    name="plan_deployments",
    summary="Notify up to 500 planned deployments in one request",
    single="POST /v1/deployments",
)


@router.post(
    "/processing-records:batch",
    name="load_cases",
    summary="Load up to 500 existing cases: each a record with its past transfers and answers",
    response_model=CaseBatchOut,
    openapi_extra=guarded(processing_record.CREATE, batch=True),
)
async def load_cases(
    request: Request,
    body: CaseBatchIn,
    context: ActionContext,
    idempotent: Idempotency,
    mode: Mode = BatchMode.all_or_nothing,
    dry_run: DryRun = False,
) -> Response:
    """Each case is decided and written as the single routes would: its record as `POST
    /v1/processing-records` (began_on: the day it began), then each transfer as `POST
    .../transfers` and its answer as `POST .../follow-up`, each with its own Decision. A
    transfer the policy refuses does not fail its record: it happened (GDPR Art. 5(2)), so the
    record is loaded and the transfer is `reported` — not written as a transfer, but put on the
    record's log (`transfer.violation_reported`, with the violated rules) for the controller's
    DPO. Any other stop (404, 409, 422, a refusal of the caller: ACL-*, a refused answer)
    fails its case. `all_or_nothing` writes every case or none; `per_item` keeps the cases
    loaded; `dry_run` writes nothing."""
    charge_items(request, context.principal, body.size)
    run = await run_cases(
        context=context,
        items=body.items,
        mode=mode,
        dry_run=dry_run,
        on_refused=_audit_refusals(request, context),
        on_reported=_report_findings(request, context),
    )
    return await idempotent.respond(_render_cases(run), status=200)
