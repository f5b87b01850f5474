"""Ad-hoc actions the Steering Board assigns to networks (ILO-8.3): title, description, the
network, the date decided, an optional reference to the Board decision, and a status."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.keyset import Window
from app.models import AdHocAction, Network
from app.policies import AdHocActionFacts, Decision
from app.policies.network import (
    AD_HOC_ACTION_ASSIGN,
    AD_HOC_ACTION_UPDATE,
    ad_hoc_transition_allowed,
)
from app.policies.vocabulary import AdHocActionStatus
from app.problems import Conflict, NotFound, Problem
from app.schemas.network import AdHocActionIn, AdHocActionOut, AdHocActionUpdate
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, stale
from app.services.network import get_network, read_network

RESOURCE = "ad_hoc_action"


@dataclass(frozen=True, slots=True)
class Assignment:
    prepared: Prepared[AdHocActionFacts]
    network: Network


@dataclass(frozen=True, slots=True)
class Update:
    prepared: Prepared[AdHocActionFacts]
    row: AdHocAction


async def _prepare_assign(
    context: Context, network_id: uuid.UUID, body: AdHocActionIn
) -> Assignment:
    network = await get_network(session=context.writer.session, network_id=network_id)
    facts = AdHocActionFacts(
        actor=context.principal.actor(),
        decided_on=body.decided_on,
        today=clock.today(),
        status=AdHocActionStatus.assigned,
    )
    return Assignment(Prepared(facts, resource_id=str(network.id)), network)


async def get_ad_hoc_action(
    *, session: AsyncSession, action_id: uuid.UUID, for_update: bool = False
) -> AdHocAction:
    row = await session.get(AdHocAction, action_id, with_for_update=for_update)
    if row is None:
        raise NotFound(
            f"No ad-hoc action {action_id}.", resource_type=RESOURCE, resource_id=str(action_id)
        )
    return row


async def _prepare_update(
    context: Context, action_id: uuid.UUID, body: AdHocActionUpdate
) -> Update:
    row = await get_ad_hoc_action(
        session=context.writer.session, action_id=action_id, for_update=context.lock
    )
    actor = context.principal.actor()
    today = clock.today()
    illegal: Problem | None = (
        None
        if ad_hoc_transition_allowed(row.status, body.status)
        else Conflict(f"An ad-hoc action {row.status} cannot become {body.status}.")
    )
    conflicts = tuple(p for p in (illegal, stale(context.if_match, row.version)) if p)
    return Update(
        Prepared(
            AdHocActionFacts(
                actor=actor,
                decided_on=row.decided_on,
                today=today,
                status=body.status,
                from_status=row.status,
            ),
            conflicts=conflicts,
            resource_id=str(row.id),
        ),
        row,
    )


def _build_assign(
    _: Context, assignment: Assignment, body: AdHocActionIn, __: Decision
) -> NewRow[AdHocAction]:
    """ACL-ROLE (sb_chair, sb_secretariat) and ILO-8.3: the Board assigns a decided action."""
    row = AdHocAction(
        id=uuid.uuid4(),
        network_id=assignment.network.id,
        organisation=assignment.network.organisation,
        title=body.title,
        description=body.description,
        decided_on=body.decided_on,
        board_decision_reference=body.board_decision_reference,
        status=AdHocActionStatus.assigned.value,
        version=1,
    )
    change = Change(
        organisation=assignment.network.organisation,
        details={"network_id": str(assignment.network.id)},
    )
    return NewRow(row, change)


def _build_update(
    _: Context, update: Update, body: AdHocActionUpdate, __: Decision
) -> RowUpdate[AdHocAction]:
    """assigned → in_progress → completed | cancelled (anything else a 409; If-Match a 412)."""
    change = Change(organisation=update.row.organisation, details={"status": body.status.value})
    return RowUpdate(update.row, {"status": body.status.value}, change)


ASSIGN = Action(
    policy=AD_HOC_ACTION_ASSIGN,
    resource=RESOURCE,
    body=AdHocActionIn,
    target="uuid",
    load=_prepare_assign,
    build=_build_assign,
    makes="row",
    summary="Assign an ad-hoc action to the network (ILO-8.3)",
)
UPDATE = Action(
    policy=AD_HOC_ACTION_UPDATE,
    resource=RESOURCE,
    body=AdHocActionUpdate,
    target="uuid",
    load=_prepare_update,
    build=_build_update,
    makes="change",
    names_version=True,
    summary="Move an ad-hoc action: assigned → in_progress → completed | cancelled",
)


async def require_of_network(
    *, session: AsyncSession, network_id: uuid.UUID, action_id: uuid.UUID
) -> None:
    """An ad-hoc action asked for under another network's path is a 404, before its update is
    decided (UPDATE itself names the action alone, as the dry run and the batch do)."""
    row = await get_ad_hoc_action(session=session, action_id=action_id)
    if row.network_id != network_id:
        raise NotFound(
            f"No ad-hoc action {action_id} of network {network_id}.",
            resource_type=RESOURCE,
            resource_id=str(action_id),
        )


async def read_ad_hoc_action(
    *, session: AsyncSession, principal: Principal, action_id: uuid.UUID
) -> AdHocAction:
    seen = access.visibility(principal, RESOURCE)
    row = await session.scalar(
        select(AdHocAction).where(AdHocAction.id == action_id, visible(AdHocAction, seen))
    )
    if row is None:
        raise NotFound(
            f"No ad-hoc action {action_id}.", resource_type=RESOURCE, resource_id=str(action_id)
        )
    return row


async def list_ad_hoc_actions(
    *,
    session: AsyncSession,
    principal: Principal,
    network_id: uuid.UUID,
    window: Window,
) -> Sequence[AdHocAction]:
    await read_network(session=session, principal=principal, network_id=network_id)
    seen = access.listing(principal, RESOURCE)
    query = select(AdHocAction).where(
        AdHocAction.network_id == network_id, visible(AdHocAction, seen)
    )
    query = window.apply(query, AdHocAction.id)
    return (await session.scalars(query)).all()


def render(row: AdHocAction) -> AdHocActionOut:
    return AdHocActionOut.model_validate(row, from_attributes=True)
