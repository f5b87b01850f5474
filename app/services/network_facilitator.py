"""The facilitator of a network (Art. 5(2), 5(3)): the candidates ILO-5.2 requires on a date,
the designation (or the record that none was appointed), and the end of a facilitator's
deployment, which leaves the network without one and notifies the Board.

ILO-5.3: every designation row is the Board's notification, stamped by the database
(`board_notified_at`) and put in the change feed (network events: every participant, the Board
included). The facilitator in force on a date is derived: the latest notification on or before
it, provided it named an officer whose deployment is still active then.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Guarded, NewRow, Prepared, RowUpdate
from app.models import Deployment, Network, NetworkFacilitator
from app.pagination import Paging
from app.policies import ActionPolicy, Decision, FacilitatorFacts
from app.policies.deployed import is_deployed_on
from app.policies.network import NETWORK_DESIGNATE_FACILITATOR, basis_of, required_basis
from app.schemas.network import DesignationOut, FacilitatorIn, FacilitatorOut
from app.security import Principal
from app.services.guarded import Action, Context
from app.services.network import get_network, read_network
from app.services.network_membership import MemberRow, members_on

RESOURCE = "network"
DESIGNATION = "network_facilitator"
DESIGNATED = "network.facilitator_designated"
NONE_APPOINTED = "network.facilitator_none_appointed"
VACATED = "network.facilitator_vacated"


@dataclass(frozen=True, slots=True)
class Designation:
    prepared: Prepared[FacilitatorFacts]
    network: Network
    members: list[MemberRow]


async def _prepare(context: Context, network_id: uuid.UUID, body: FacilitatorIn) -> Designation:
    session = context.writer.session
    # Locked for the write: two designations of one network are decided one after the other.
    network = await get_network(session=session, network_id=network_id, for_update=context.lock)
    rows = await members_on(session=session, countries=list(network.countries), on=body.on)
    facts = FacilitatorFacts(
        actor=context.principal.actor(),
        on=body.on,
        members=tuple(r.member() for r in rows),
        officer_id=str(body.officer_id) if body.officer_id else None,
        agreement_reference=body.agreement_reference,
        agreed_by=tuple(str(o) for o in body.agreed_by),
    )
    return Designation(Prepared(facts, resource_id=str(network.id)), network, rows)


def _build(
    context: Context, designation: Designation, body: FacilitatorIn, decision: Decision
) -> NewRow[NetworkFacilitator]:
    """ILO-5.1 (a member on the date), ILO-5.2 (precedence, the agreement when it applies) and
    ILO-5.3 (the Board's notification, recorded with its time and put in the feed)."""
    chosen = next((r for r in designation.members if r.officer_id == body.officer_id), None)
    row = NetworkFacilitator(
        id=uuid.uuid4(),
        network_id=designation.network.id,
        organisation=context.principal.org,
        officer_id=chosen.officer_id if chosen else None,
        deployment_id=chosen.deployment_id if chosen else None,
        basis=basis_of(chosen.member()).value if chosen else None,
        agreement_reference=body.agreement_reference,
        agreed_by=list(body.agreed_by),
        designated_on=body.on,
        decision_id=decision.decision_id,
        version=1,
    )
    change = Change(
        event_type=DESIGNATED if chosen else NONE_APPOINTED,
        resource_type=DESIGNATION,
        organisation=designation.network.organisation,
        legal_basis="ILO-5.3",
        details={"network_id": str(designation.network.id), "on": body.on.isoformat()},
    )
    return NewRow(row, change)


DESIGNATE = Action(
    policy=NETWORK_DESIGNATE_FACILITATOR,
    resource=RESOURCE,
    body=FacilitatorIn,
    target="uuid",
    load=_prepare,
    build=_build,
    makes="row",
    summary="Designate the facilitator, or record that none was appointed (ILO-5.2, 5.3)",
)


async def _notifications(
    session: AsyncSession, network_id: uuid.UUID, on: date
) -> NetworkFacilitator | None:
    return await session.scalar(
        select(NetworkFacilitator)
        .where(NetworkFacilitator.network_id == network_id, NetworkFacilitator.designated_on <= on)
        .order_by(
            NetworkFacilitator.designated_on.desc(), NetworkFacilitator.board_notified_at.desc()
        )
        .limit(1)
    )


async def in_force(
    *, session: AsyncSession, network_id: uuid.UUID, on: date
) -> tuple[NetworkFacilitator | None, NetworkFacilitator | None]:
    """(the designation in force on `on` or None, the latest notification on or before it)."""
    latest = await _notifications(session, network_id, on)
    if latest is None or latest.officer_id is None or latest.deployment_id is None:
        return None, latest
    if latest.ended_on is not None and latest.ended_on <= on:
        return None, latest
    deployment = await session.get(Deployment, latest.deployment_id)
    if deployment is None or not is_deployed_on(deployment, on):
        return None, latest
    return latest, latest


def render_designation(row: NetworkFacilitator) -> DesignationOut:
    return DesignationOut.model_validate(row, from_attributes=True)


async def facilitator(
    *, session: AsyncSession, principal: Principal, network_id: uuid.UUID, on: date, paging: Paging
) -> FacilitatorOut:
    """ILO-5.2 (DERIVE): a page of the candidates on `on` (by officer id), and the facilitator
    in force then (none when its deployment has ended)."""
    network = await read_network(session=session, principal=principal, network_id=network_id)
    rows = await members_on(session=session, countries=list(network.countries), on=on)
    basis, candidates = required_basis(tuple(r.member() for r in rows))
    page = await paging.page(
        paging.window.slice(candidates, str), lambda items: [uuid.UUID(c) for c in items]
    )
    current, latest = await in_force(session=session, network_id=network.id, on=on)
    return FacilitatorOut(
        network_id=network.id,
        on=on,
        required_basis=basis,
        candidates=page.items,
        next_cursor=page.next_cursor,
        facilitator=render_designation(current) if current else None,
        last_notification=render_designation(latest) if latest else None,
    )


@dataclass(frozen=True, slots=True)
class Vacancy:
    prepared: Prepared[Any]
    designation: NetworkFacilitator


@dataclass(frozen=True, slots=True)
class Vacating:
    """The end of one designation as the consequence of the action that entails it (ILO-5.3):
    performed under that action's name and events and decided on the facts it was allowed on.
    It is no entry of its own (not registered): nobody asks for it alone."""

    policy: ActionPolicy
    resource: str
    prepared: Prepared[Any]
    on: date
    then: None = None
    makes: str = "change"

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def events(self) -> tuple[str, ...]:
        return self.policy.events

    async def load(self, _: Context, designation: NetworkFacilitator, __: None) -> Vacancy:
        return Vacancy(self.prepared, designation)

    def build(
        self, _: Context, vacancy: Vacancy, __: None, ___: Decision
    ) -> RowUpdate[NetworkFacilitator]:
        row = vacancy.designation
        change = Change(
            event_type=VACATED,
            resource_type=DESIGNATION,
            organisation=row.organisation,
            legal_basis="ILO-5.3",
            details={"network_id": str(row.network_id), "on": self.on.isoformat()},
        )
        return RowUpdate(row, {"ended_on": self.on}, change)


async def vacate(
    *,
    context: Context,
    action: Guarded,
    prepared: Prepared[Any],
    deployment_id: uuid.UUID,
    on: date,
) -> list[NetworkFacilitator]:
    """ILO-5.3: a facilitator's deployment ended (or was cancelled): each designation of it
    ends that day, and the Board is notified through the feed (`network.facilitator_vacated`).

    The deployment transition's consequence (its `then`), written under its action and facts."""
    rows = (
        await context.writer.session.scalars(
            select(NetworkFacilitator)
            .where(
                NetworkFacilitator.deployment_id == deployment_id,
                NetworkFacilitator.ended_on.is_(None),
            )
            .order_by(NetworkFacilitator.id)
            .with_for_update()
        )
    ).all()
    vacating = Vacating(action.policy, action.resource, prepared, on)
    return [await context.writer.perform(vacating, context, row, None) for row in rows]
