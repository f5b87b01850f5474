"""Art. 5 networks: register and amend a local or regional network, read it, and derive its
members on a date (ILO-5.1). Associated liaison officers of non-Member States are personal data:
shown only to the Art. 9(3) contact-list roles (read policy `network`), with the read audited."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate, Writer
from app.keyset import Window
from app.models import Network
from app.pagination import Paging
from app.policies import Actor, Decision, NetworkFacts, Participant
from app.policies.network import NETWORK_CREATE, NETWORK_UPDATE, basis_of
from app.policies.vocabulary import NetworkKind
from app.problems import NotFound
from app.schemas.network import (
    AssociatedOfficer,
    MemberOut,
    MembersOut,
    NetworkCreate,
    NetworkOut,
    NetworkUpdate,
)
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, stale
from app.services.network_membership import country_array, members_on
from app.services.organisation import participant_map

RESOURCE = "network"
ASSOCIATED = "associated_officers"


def _values(body: NetworkCreate | NetworkUpdate) -> dict[str, Any]:
    values = body.model_dump(mode="json", exclude_unset=isinstance(body, NetworkUpdate))
    return {k: v for k, v in values.items() if v is not None}


def _facts(
    actor: Actor, org: str, state: dict[str, Any], participants: Mapping[str, Participant]
) -> NetworkFacts:
    return NetworkFacts(
        actor=actor,
        network_org=org,
        kind=state["kind"],
        countries=tuple(state["countries"]),
        associated_countries=tuple(o["country"] for o in state["associated_officers"]),
        participants=participants,
    )


def _state(network: Network) -> dict[str, Any]:
    return {
        "name": network.name,
        "kind": network.kind,
        "countries": list(network.countries),
        "associated_officers": list(network.associated_officers),
    }


@dataclass(frozen=True, slots=True)
class Registration:
    prepared: Prepared[NetworkFacts]


@dataclass(frozen=True, slots=True)
class Amendment:
    prepared: Prepared[NetworkFacts]
    network: Network


async def _prepare_create(context: Context, _: object, body: NetworkCreate) -> Registration:
    participants = await participant_map(session=context.writer.session)
    state = {"associated_officers": [], **_values(body)}
    actor = context.principal.actor()
    return Registration(Prepared(_facts(actor, actor.org, state, participants)))


async def _prepare_update(
    context: Context, network_id: uuid.UUID, body: NetworkUpdate
) -> Amendment:
    network = await get_network(
        session=context.writer.session, network_id=network_id, for_update=context.lock
    )
    participants = await participant_map(session=context.writer.session)
    actor = context.principal.actor()
    before = _state(network)
    after = {**before, **_values(body)}
    conflict = stale(context.if_match, network.version)
    return Amendment(
        Prepared(
            _facts(actor, network.organisation, after, participants),
            before=_facts(actor, network.organisation, before, participants),
            conflicts=(conflict,) if conflict else (),
            resource_id=str(network.id),
        ),
        network,
    )


def _build_create(
    context: Context, _: Registration, body: NetworkCreate, __: Decision
) -> NewRow[Network]:
    """ILO-5.1: one third country for a local network, several for a regional one; associated
    officers of non-Member States only."""
    state = {"associated_officers": [], **_values(body)}
    network = Network(id=uuid.uuid4(), organisation=context.principal.org, version=1, **state)
    return NewRow(network, Change(organisation=network.organisation))


def _build_update(
    _: Context, amendment: Amendment, body: NetworkUpdate, __: Decision
) -> RowUpdate[Network]:
    """ILO-5.1 before and after the change (a stale If-Match is a 412, its loader's)."""
    values = _values(body)
    change = Change(organisation=amendment.network.organisation, details={"fields": sorted(values)})
    return RowUpdate(amendment.network, values, change)


CREATE = Action(
    policy=NETWORK_CREATE,
    resource=RESOURCE,
    body=NetworkCreate,
    target="none",
    load=_prepare_create,
    build=_build_create,
    makes="row",
    summary="Register a local or regional network (Art. 5(1))",
)
UPDATE = Action(
    policy=NETWORK_UPDATE,
    resource=RESOURCE,
    body=NetworkUpdate,
    target="uuid",
    load=_prepare_update,
    build=_build_update,
    makes="change",
    names_version=True,
    summary="Amend a network",
)


async def get_network(
    *, session: AsyncSession, network_id: uuid.UUID, for_update: bool = False
) -> Network:
    network = await session.get(Network, network_id, with_for_update=for_update)
    if network is None:
        raise NotFound(
            f"No network {network_id}.", resource_type=RESOURCE, resource_id=str(network_id)
        )
    return network


async def read_network(
    *, session: AsyncSession, principal: Principal, network_id: uuid.UUID
) -> Network:
    """A network the caller sees (read policy `network`: every participant), or a 404."""
    seen = access.visibility(principal, RESOURCE)
    network = await session.scalar(
        select(Network).where(Network.id == network_id, visible(Network, seen))
    )
    if network is None:
        raise NotFound(
            f"No network {network_id}.", resource_type=RESOURCE, resource_id=str(network_id)
        )
    return network


async def list_networks(
    *,
    session: AsyncSession,
    principal: Principal,
    country: str | None,
    window: Window,
) -> Sequence[Network]:
    seen = access.listing(principal, RESOURCE)
    query = select(Network).where(visible(Network, seen))
    if country is not None:
        query = query.where(Network.countries.op("&&")(country_array([country])))
    query = window.apply(query, Network.id)
    return (await session.scalars(query)).all()


def render(network: Network, *, associated: bool) -> NetworkOut:
    return NetworkOut(
        id=network.id,
        name=network.name,
        kind=NetworkKind(network.kind),
        countries=list(network.countries),
        organisation=network.organisation,
        associated_officers=[
            AssociatedOfficer.model_validate(o) for o in network.associated_officers
        ]
        if associated
        else None,
        version=network.version,
        created_at=network.created_at,
        updated_at=network.updated_at,
    )


async def read_associated(*, writer: Writer, network: Network) -> bool:
    """Does the caller see the associated officers (Art. 9(3) roles)? The access is audited."""
    seen = access.visibility(writer.principal, RESOURCE)
    if not seen.shows(ASSOCIATED, organisation=network.organisation):
        return False
    if network.associated_officers:
        await writer.record_access(
            decision=None,
            change=Change(
                event_type="network.associated_officers_read",
                resource_type=RESOURCE,
                organisation=network.organisation,
                legal_basis="ILO-9.3",
                feed=False,
            ),
            resource_id=str(network.id),
        )
    return True


async def members(
    *, session: AsyncSession, principal: Principal, network_id: uuid.UUID, on: date, paging: Paging
) -> MembersOut:
    """ILO-5.1 (DERIVE): a page of the network's members on `on`, from the deployments active
    then, by officer id."""
    network = await read_network(session=session, principal=principal, network_id=network_id)
    rows = await members_on(session=session, countries=list(network.countries), on=on)
    listed = paging.window.slice(rows, lambda r: str(r.officer_id))
    page = await paging.page(
        listed,
        lambda items: [
            MemberOut(
                officer_id=r.officer_id,
                organisation=r.organisation,
                deployer_kind=r.deployer_kind,
                deployment_id=r.deployment_id,
                host_country=r.host_country,
                precedence=basis_of(r.member()),
            )
            for r in items
        ],
    )
    return MembersOut(
        network_id=network.id, on=on, members=page.items, next_cursor=page.next_cursor
    )
