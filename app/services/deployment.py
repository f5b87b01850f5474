"""Art. 4 notifications: plan, amend, and move deployments through their states, with history."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import write_set
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.keyset import Window
from app.models import Deployment, DeploymentHistory, Officer
from app.policies import (
    Actor,
    Decision,
    DeploymentFacts,
    DeploymentTransitionFacts,
    Participant,
    SharedTask,
    eu_funding_eligible,
    transition_allowed,
)
from app.policies.deployment import DEPLOYMENT_AMEND, DEPLOYMENT_PLAN, DEPLOYMENT_TRANSITION
from app.problems import Conflict, NotFound, Problem
from app.schemas.deployment import (
    DeploymentAmend,
    DeploymentCreate,
    DeploymentOut,
    TransitionIn,
)
from app.security import Principal
from app.services import access, network_facilitator
from app.services.external_reference import reference_taken
from app.services.guarded import Action, Context, stale
from app.services.officer import get_officer
from app.services.organisation import participant_map

RESOURCE = "deployment"
# Fields of a notification as the Board sees it; none of them is personal data.
NOTIFICATION_FIELDS = (
    "posting_type",
    "host_country",
    "city",
    "region_countries",
    "topics",
    "tasks",
    "starts_on",
    "ends_on",
    "represented_member_states",
    "representation_agreement_reference",
    "shared_tasks",
    "co_deploying_member_states",
)


def _values(body: DeploymentCreate | DeploymentAmend) -> dict[str, Any]:
    values = body.model_dump(mode="python", exclude_unset=isinstance(body, DeploymentAmend))
    values.pop("officer_id", None)
    values.pop("external_reference", None)
    for name in ("topics", "tasks"):
        if name in values and values[name] is not None:
            values[name] = [str(getattr(v, "value", v)) for v in values[name]]
    if "posting_type" in values and values["posting_type"] is not None:
        values["posting_type"] = str(values["posting_type"].value)
    return values


def _facts(
    principal_actor: Actor,
    organisation: str,
    deployer_kind: str,
    state: dict[str, Any],
    participants: Mapping[str, Participant],
) -> DeploymentFacts:
    return DeploymentFacts(
        actor=principal_actor,
        officer_org=organisation,
        deployer_kind=deployer_kind,
        posting_type=state["posting_type"],
        host_country=state["host_country"],
        city=state["city"],
        region_countries=tuple(state["region_countries"]),
        topics=tuple(state["topics"]),
        tasks=tuple(state["tasks"]),
        starts_on=state["starts_on"],
        ends_on=state["ends_on"],
        represented_member_states=tuple(state["represented_member_states"]),
        shared_tasks=tuple(
            SharedTask(
                member_state=t["member_state"],
                task=t["task"],
                agreement_reference=t["agreement_reference"],
            )
            for t in state["shared_tasks"]
        ),
        co_deploying_member_states=tuple(state["co_deploying_member_states"]),
        representation_agreement_reference=state["representation_agreement_reference"],
        participants=participants,
    )


def _state(deployment: Deployment) -> dict[str, Any]:
    return {name: getattr(deployment, name) for name in NOTIFICATION_FIELDS}


def _snapshot(state: dict[str, Any], status: str) -> dict[str, Any]:
    return {
        **{k: v.isoformat() if isinstance(v, date) else v for k, v in state.items()},
        "status": status,
    }


def _history(
    deployment_id: uuid.UUID,
    *,
    event: str,
    status: str,
    effective_on: date | None,
    version: int,
    state: dict[str, Any],
    actor_sub: str,
    decision_id: str,
) -> DeploymentHistory:
    return write_set.new(
        DeploymentHistory,
        deployment_id=deployment_id,
        event=event,
        status=status,
        effective_on=effective_on,
        version=version,
        snapshot=_snapshot(state, status),
        actor_sub=actor_sub,
        decision_id=decision_id,
    )


async def _deployer_kind(
    session: AsyncSession, organisation: str
) -> tuple[str, Mapping[str, Participant]]:
    participants = await participant_map(session=session)
    deployer = participants.get(organisation)
    return (deployer.kind if deployer else "unknown"), participants


OFFICER = cast(Table, Officer.__table__)


@dataclass(frozen=True, slots=True)
class Plan:
    prepared: Prepared[DeploymentFacts]
    officer_id: uuid.UUID
    organisation: str  # the officer's: read, or assumed and checked by the insert
    assumed: bool = False
    state: dict[str, Any] | None = None  # the notification's values, made once from the body


@dataclass(frozen=True, slots=True)
class Amendment:
    prepared: Prepared[DeploymentFacts]
    deployment: Deployment
    after: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Transition:
    prepared: Prepared[DeploymentTransitionFacts]
    deployment: Deployment


async def _prepare_plan(context: Context, _: object, body: DeploymentCreate) -> Plan:
    """On the write the officer is not read: its organisation is assumed the caller's (as in
    every allowed plan, ACL-ORG) and the insert checks it, else the Writer loads again (404,
    or the ACL-ORG denial)."""
    session = context.writer.session
    assumed = context.writer.assuming
    if assumed:
        organisation = context.principal.org
    else:
        organisation = (await get_officer(session=session, officer_id=body.officer_id)).organisation
    kind, participants = await _deployer_kind(session, organisation)
    state = _values(body)
    facts = _facts(context.principal.actor(), organisation, kind, state, participants)
    taken = await reference_taken(
        session, Deployment, organisation=organisation, reference=body.external_reference
    )
    prepared = Prepared(facts, conflicts=(taken,) if taken else ())
    return Plan(prepared, body.officer_id, organisation, assumed, state)


async def _target(context: Context, deployment_id: uuid.UUID) -> Deployment:
    return await get_deployment(
        session=context.writer.session, deployment_id=deployment_id, for_update=context.lock
    )


def _conflicts(*problems: Problem | None) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p is not None)


async def _prepare_amend(
    context: Context, deployment_id: uuid.UUID, body: DeploymentAmend
) -> Amendment:
    """The notification before and after the amendment, as the policies see it."""
    deployment = await _target(context, deployment_id)
    kind, participants = await _deployer_kind(context.writer.session, deployment.organisation)
    actor = context.principal.actor()
    before = _state(deployment)
    after = {**before, **_values(body)}
    ended = (
        Conflict(f"A {deployment.status} deployment can no longer be amended.")
        if deployment.status in ("ended", "cancelled")
        else None
    )
    return Amendment(
        Prepared(
            _facts(actor, deployment.organisation, kind, after, participants),
            before=_facts(actor, deployment.organisation, kind, before, participants),
            conflicts=_conflicts(ended, stale(context.if_match, deployment.version)),
            resource_id=str(deployment.id),
        ),
        deployment,
        after,
    )


async def _prepare_transition(
    context: Context, deployment_id: uuid.UUID, body: TransitionIn
) -> Transition:
    deployment = await _target(context, deployment_id)
    facts = DeploymentTransitionFacts(
        actor=context.principal.actor(),
        officer_org=deployment.organisation,
        from_status=deployment.status,
        to_status=body.to,
        on=body.on,
        starts_on=deployment.starts_on,
        ends_on=deployment.ends_on,
        has_job_description=bool(deployment.topics or deployment.tasks),
    )
    illegal = (
        None
        if transition_allowed(deployment.status, body.to)
        else Conflict(f"A {deployment.status} deployment cannot become {body.to}.")
    )
    return Transition(
        Prepared(
            facts,
            conflicts=_conflicts(illegal, stale(context.if_match, deployment.version)),
            resource_id=str(deployment.id),
        ),
        deployment,
    )


def _build_plan(
    context: Context, plan: Plan, body: DeploymentCreate, decision: Decision
) -> NewRow[Deployment]:
    state = _values(body) if plan.state is None else plan.state
    deployment_id = uuid.uuid4()
    deployment = write_set.new(
        Deployment,
        id=deployment_id,
        officer_id=plan.officer_id,
        organisation=plan.organisation,
        status="planned",
        version=1,
        external_reference=body.external_reference,
        **state,
    )
    history = _history(
        deployment_id,
        event="planned",
        status="planned",
        effective_on=body.starts_on,
        version=1,
        state=state,
        actor_sub=context.principal.sub,
        decision_id=decision.decision_id,
    )
    officer = {"id": plan.officer_id, "organisation": plan.organisation}
    return NewRow(
        deployment,
        Change(organisation=plan.organisation),
        related=[history],
        requires=(OFFICER, officer) if plan.assumed else None,
    )


def _build_amend(
    context: Context, amendment: Amendment, body: DeploymentAmend, decision: Decision
) -> RowUpdate[Deployment]:
    """An ended or cancelled notification is a 409, a stale If-Match a 412 (its loader)."""
    deployment = amendment.deployment
    history = _history(
        deployment.id,
        event="amended",
        status=deployment.status,
        effective_on=None,
        version=deployment.version + 1,
        state=amendment.after,
        actor_sub=context.principal.sub,
        decision_id=decision.decision_id,
    )
    change = Change(
        organisation=deployment.organisation, details={"fields": sorted(body.model_fields_set)}
    )
    return RowUpdate(deployment, amendment.after, change, related=[history])


def _build_transition(
    context: Context, transition: Transition, body: TransitionIn, decision: Decision
) -> RowUpdate[Deployment]:
    """planned → deployed | cancelled, deployed → ended; anything else is a 409 (its loader)."""
    deployment = transition.deployment
    history = _history(
        deployment.id,
        event=body.to,
        status=body.to,
        effective_on=body.on,
        version=deployment.version + 1,
        state=_state(deployment),
        actor_sub=context.principal.sub,
        decision_id=decision.decision_id,
    )
    change = Change(event_type=f"deployment.{body.to}", organisation=deployment.organisation)
    return RowUpdate(
        deployment, {"status": body.to, f"{body.to}_on": body.on}, change, related=[history]
    )


async def _vacate_facilitations(
    context: Context, transition: Transition, body: TransitionIn, moved: Deployment
) -> None:
    """ILO-5.3: a facilitator whose deployment ends (or is cancelled) leaves its network
    without one; written under the transition's own action and facts."""
    if body.to in ("ended", "cancelled"):
        await network_facilitator.vacate(
            context=context,
            action=TRANSITION,
            prepared=transition.prepared,
            deployment_id=moved.id,
            on=body.on,
        )


PLAN = Action(
    policy=DEPLOYMENT_PLAN,
    resource=RESOURCE,
    body=DeploymentCreate,
    target="none",
    load=_prepare_plan,
    build=_build_plan,
    makes="row",
    summary="Notify a planned deployment (Art. 4(1))",
)
AMEND = Action(
    policy=DEPLOYMENT_AMEND,
    resource=RESOURCE,
    body=DeploymentAmend,
    target="uuid",
    load=_prepare_amend,
    build=_build_amend,
    makes="change",
    names_version=True,
    summary="Amend a notification",
)
TRANSITION = Action(
    policy=DEPLOYMENT_TRANSITION,
    resource=RESOURCE,
    body=TransitionIn,
    target="uuid",
    load=_prepare_transition,
    build=_build_transition,
    makes="change",
    names_version=True,
    then=_vacate_facilitations,
    summary="Move a deployment: planned → deployed | cancelled, deployed → ended",
)


async def get_deployment(
    *, session: AsyncSession, deployment_id: uuid.UUID, for_update: bool = False
) -> Deployment:
    """`for_update` locks the row, so If-Match is checked against the version being changed."""
    deployment = await session.get(Deployment, deployment_id, with_for_update=for_update)
    if deployment is None:
        raise NotFound(
            f"No deployment {deployment_id}.",
            resource_type="deployment",
            resource_id=str(deployment_id),
        )
    return deployment


async def read_deployment(
    *, session: AsyncSession, principal: Principal, deployment_id: uuid.UUID
) -> Deployment:
    """A deployment the caller sees (read policy `deployment`), or a 404."""
    seen = access.visibility(principal, RESOURCE)
    deployment = await session.scalar(
        select(Deployment).where(Deployment.id == deployment_id, visible(Deployment, seen))
    )
    if deployment is None:
        raise NotFound(
            f"No deployment {deployment_id}.",
            resource_type=RESOURCE,
            resource_id=str(deployment_id),
        )
    return deployment


async def list_deployments(
    *,
    session: AsyncSession,
    principal: Principal,
    officer_id: uuid.UUID | None,
    organisation: str | None,
    host_country: str | None,
    status: str | None,
    window: Window,
    external_reference: str | None = None,
) -> Sequence[Deployment]:
    seen = access.listing(principal, RESOURCE)
    query = select(Deployment).where(visible(Deployment, seen))
    if officer_id is not None:
        query = query.where(Deployment.officer_id == officer_id)
    if organisation is not None:
        query = query.where(Deployment.organisation == organisation)
    if host_country is not None:
        query = query.where(Deployment.host_country == host_country)
    if status is not None:
        query = query.where(Deployment.status == status)
    if external_reference is not None:
        query = query.where(Deployment.external_reference == external_reference)
    query = window.apply(query, Deployment.id)
    return (await session.scalars(query)).all()


async def history(
    *, session: AsyncSession, deployment_id: uuid.UUID, window: Window
) -> Sequence[DeploymentHistory]:
    """The notification's status changes and amendments, oldest first."""
    query = select(DeploymentHistory).where(DeploymentHistory.deployment_id == deployment_id)
    query = window.apply(query, DeploymentHistory.id)
    return (await session.scalars(query)).all()


async def render_all(
    *, session: AsyncSession, deployments: Sequence[Deployment]
) -> list[DeploymentOut]:
    participants = await participant_map(session=session)
    return [_render(d, participants) for d in deployments]


async def render(*, session: AsyncSession, deployment: Deployment) -> DeploymentOut:
    return (await render_all(session=session, deployments=[deployment]))[0]


def _render(deployment: Deployment, participants: Mapping[str, Participant]) -> DeploymentOut:
    deployer = participants.get(deployment.organisation)
    return DeploymentOut(
        id=deployment.id,
        officer_id=deployment.officer_id,
        organisation=deployment.organisation,
        posting_type=deployment.posting_type,
        host_country=deployment.host_country,
        city=deployment.city,
        region_countries=deployment.region_countries,
        topics=deployment.topics,
        tasks=deployment.tasks,
        starts_on=deployment.starts_on,
        ends_on=deployment.ends_on,
        represented_member_states=deployment.represented_member_states,
        representation_agreement_reference=deployment.representation_agreement_reference,
        shared_tasks=deployment.shared_tasks,
        co_deploying_member_states=deployment.co_deploying_member_states,
        eu_funding_eligible=eu_funding_eligible(
            deployer_kind=deployer.kind if deployer else "unknown",
            co_deploying_member_states=tuple(deployment.co_deploying_member_states),
            deployer_org=deployment.organisation,
            participants=participants,
        ),
        status=deployment.status,
        deployed_on=deployment.deployed_on,
        ended_on=deployment.ended_on,
        cancelled_on=deployment.cancelled_on,
        external_reference=deployment.external_reference,
        version=deployment.version,
        created_at=deployment.created_at,
        updated_at=deployment.updated_at,
    )
