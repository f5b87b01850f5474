"""/v1/policy/evaluate: pre-check a write and show its reasons, with nothing stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.db.session import ReadSession
from app.problems import problem_responses
from app.schemas.policy import DecisionOut, EvaluateIn
from app.security import CurrentPrincipal
from app.services import policy_evaluation as service

router = APIRouter(prefix="/v1/policy", tags=["policy"])


@router.post(
    "/evaluate",
    name="evaluate",
    summary="Dry run of a guarded write: the Decision, allowed or not (200), nothing stored",
    responses=problem_responses(401, 404, 422),
)
async def evaluate_policy(
    body: EvaluateIn, session: ReadSession, principal: CurrentPrincipal
) -> DecisionOut:
    decision = await service.dry_run(session=session, principal=principal, request=body)
    payload: dict[str, Any] = decision.as_dict()
    return DecisionOut.model_validate(payload)
