"""POST /v1/policy/evaluate: the Decision a real write would get, with nothing stored.

Each evaluable action loads its facts exactly as its write path does (the same service
functions), so a dry run and the real write cannot disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import combine
from app.policies import AuthorityFacts, Decision, OfficerFacts, evaluate
from app.problems import ValidationFailed
from app.schemas.authority import AuthorityCreate
from app.schemas.deployment import DeploymentAmend, DeploymentCreate, TransitionIn
from app.schemas.officer import OfficerCreate
from app.schemas.policy import EvaluateIn
from app.schemas.share import ShareCreate
from app.security import Principal
from app.services import authority, deployment, officer, processing_record, share

B = TypeVar("B", bound=BaseModel)
Evaluator = Callable[
    [AsyncSession, Principal, uuid.UUID | None, dict[str, Any]], Awaitable[Decision]
]


def parse(model: type[B], body: dict[str, Any]) -> B:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                {
                    "pointer": "/body/" + "/".join(str(p) for p in err["loc"]),
                    "in": "body",
                    "detail": err["msg"],
                }
                for err in exc.errors()
            ]
        ) from exc


def target(target_id: uuid.UUID | None) -> uuid.UUID:
    if target_id is None:
        raise ValidationFailed(
            [{"pointer": "/target_id", "in": "body", "detail": "this action needs target_id"}]
        )
    return target_id


async def _authority_create(
    session: AsyncSession, principal: Principal, _: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(AuthorityCreate, body)
    facts = AuthorityFacts(actor=principal.actor(), authority_org=parsed.organisation)
    return evaluate("authority.create", facts)


async def _officer_create(
    session: AsyncSession, principal: Principal, _: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(OfficerCreate, body)
    owner = await authority.get_authority(session=session, authority_id=parsed.authority_id)
    facts = OfficerFacts(
        actor=principal.actor(), officer_org=owner.organisation, authority_org=owner.organisation
    )
    return evaluate("officer.create", facts)


async def _officer_update(
    session: AsyncSession, principal: Principal, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    existing = await officer.get_officer(session=session, officer_id=target(target_id))
    facts = OfficerFacts(
        actor=principal.actor(),
        officer_org=existing.organisation,
        authority_org=existing.organisation,
    )
    return combine(evaluate("officer.update", facts), evaluate("officer.update", facts))


async def _deployment_plan(
    session: AsyncSession, principal: Principal, _: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(DeploymentCreate, body)
    _officer, facts = await deployment.plan_facts(
        session=session, actor=principal.actor(), body=parsed
    )
    return evaluate("deployment.plan", facts)


async def _deployment_amend(
    session: AsyncSession, principal: Principal, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(DeploymentAmend, body)
    found = await deployment.get_deployment(session=session, deployment_id=target(target_id))
    before, after = await deployment.amend_facts(
        session=session, actor=principal.actor(), deployment=found, body=parsed
    )
    return combine(evaluate("deployment.amend", before), evaluate("deployment.amend", after))


async def _deployment_transition(
    session: AsyncSession, principal: Principal, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(TransitionIn, body)
    found = await deployment.get_deployment(session=session, deployment_id=target(target_id))
    facts = deployment.transition_facts(actor=principal.actor(), deployment=found, body=parsed)
    return evaluate("deployment.transition", facts)


async def _share_record(
    session: AsyncSession, principal: Principal, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(ShareCreate, body)
    record = await processing_record.get_visible_record(
        session=session, principal=principal, record_id=target(target_id)
    )
    return await share.decide_share(
        session=session, principal=principal, record=record, body=parsed
    )


EVALUATORS: dict[str, Evaluator] = {
    "authority.create": _authority_create,
    "officer.create": _officer_create,
    "officer.update": _officer_update,
    "deployment.plan": _deployment_plan,
    "deployment.amend": _deployment_amend,
    "deployment.transition": _deployment_transition,
    "share.record": _share_record,
}


async def dry_run(*, session: AsyncSession, principal: Principal, request: EvaluateIn) -> Decision:
    """The Decision for `request.action`; a resource the caller cannot see is a 404."""
    return await EVALUATORS[request.action](session, principal, request.target_id, request.body)
