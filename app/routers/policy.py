"""/v1/policy/evaluate: pre-check a write and show its reasons, with nothing stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.db.session import WriteSession
from app.problems import problem_responses
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.schemas.policy import ConflictOut, DryRunOut, EvaluateIn
from app.services import policy_evaluation as service

router = APIRouter(prefix="/v1/policy", tags=["policy"], route_class=DeferredRoute)


@router.post(
    "/evaluate",
    name="evaluate",
    summary="Dry run of a guarded write: the Decision and any conflicts (200), nothing stored",
    openapi_extra=reads("policy"),
    responses=problem_responses(404),
)
async def evaluate_policy(request: Request, body: EvaluateIn, writer: WriteSession) -> DryRunOut:
    """The dry run of any guarded write: the Decision the write would get (violated rule ids,
    basis, obligations, trace) and beside it the conflicts (409, 412) that would stop it.
    Nothing is stored."""
    run = await service.dry_run(
        writer=writer,
        keyring=request.app.state.keyring,
        settings=request.app.state.settings,
        request=body,
    )
    payload: dict[str, Any] = run.decision.as_dict()
    conflicts = [ConflictOut(status=c.status, type=c.type, detail=c.detail) for c in run.conflicts]
    return DryRunOut.model_validate({**payload, "conflicts": conflicts})
