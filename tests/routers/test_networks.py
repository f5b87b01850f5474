"""/v1/networks: Art. 5 networks through the guarded write path (ILO-5.1, 5.2, 5.3, 8.3):
derived membership, facilitator precedence, the Board's notification, meetings, ad-hoc actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Network, NetworkFacilitator, NetworkMeeting, OutboxEvent
from tests import factories
from tests.factories import JSON, Auth, days


@dataclass
class Deployer:
    """Deploys officers of several organisations, one authority per organisation."""

    client: httpx.AsyncClient
    auth: Auth
    authorities: dict[str, str] = field(default_factory=dict)

    def manager(self, org: str) -> dict[str, str]:
        return self.auth(org, ["deploying_authority"], sub=f"{org.lower()}-manager")

    async def officer(
        self,
        org: str,
        *,
        host: str = "SN",
        region: tuple[str, ...] = (),
        starts: int = -60,
        deployed: bool = True,
    ) -> tuple[str, str]:
        """(officer id, deployment id) of an officer of `org` deployed from `starts` days."""
        manager = self.manager(org)
        if org not in self.authorities:
            authority = await factories.create_authority(
                self.client, manager, organisation=org, name=f"{org} ILO service"
            )
            self.authorities[org] = authority["id"]
        officer = await factories.create_officer(
            self.client, manager, authority_id=self.authorities[org]
        )
        deployment = await factories.plan_deployment(
            self.client,
            manager,
            officer_id=officer["id"],
            host_country=host,
            region_countries=list(region),
            starts_on=days(starts),
            ends_on=days(400),
        )
        if deployed:
            await factories.transition_deployment(
                self.client,
                manager,
                deployment_id=deployment["id"],
                to="deployed",
                on=days(max(starts, -60)),
            )
        return officer["id"], deployment["id"]

    async def end(self, org: str, deployment_id: str, *, on: str) -> None:
        await factories.transition_deployment(
            self.client,
            self.manager(org),
            deployment_id=deployment_id,
            to="ended",
            on=on,
            version=2,
        )


@pytest.fixture
def deployer(client: httpx.AsyncClient, auth: Auth) -> Deployer:
    return Deployer(client, auth)


@pytest.fixture
def secretariat(auth: Auth) -> dict[str, str]:
    return auth("COM", ["sb_secretariat"], sub="sb-secretariat")


async def create_network(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> JSON:
    body = {"name": "ILO network Senegal", "kind": "local", "countries": ["SN"], **overrides}
    response = await client.post("/v1/networks", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: JSON = response.json()
    return created


def violations(response: httpx.Response) -> list[tuple[str, str]]:
    return [(v["rule"], v["message"]) for v in response.json().get("violations", [])]


async def count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# --- ILO-5.1: the network and its members ------------------------------------------------------


async def test_ilo_5_1_a_network_covers_third_countries_local_one_regional_several(
    client: httpx.AsyncClient, secretariat: dict[str, str], session: AsyncSession
) -> None:
    bad: list[tuple[dict[str, Any], str]] = [
        ({"kind": "local", "countries": ["SN", "GM"]}, "exactly one host country"),
        ({"kind": "regional", "countries": ["SN"]}, "two or more host countries"),
        ({"countries": ["FR"]}, "FR is an EU Member State"),
        (
            {"associated_officers": [{"name": "A. Dupont", "country": "NO", "organisation": "x"}]},
            "only liaison officers of non-Member States",
        ),
    ]
    for overrides, message in bad:
        body = {"name": "N", "kind": "local", "countries": ["SN"], **overrides}
        response = await client.post("/v1/networks", json=body, headers=secretariat)
        assert response.status_code == 403, response.text
        assert [rule for rule, _ in violations(response)] == ["ILO-5.1"]
        assert message in violations(response)[0][1]
    assert await count(session, Network) == 0

    created = await create_network(
        client, secretariat, name="West Africa", kind="regional", countries=["SN", "GM"]
    )
    stored = await session.get(Network, created["id"])
    assert stored is not None
    assert stored.countries == ["SN", "GM"]
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.resource_id == created["id"]))
    ).one()
    assert audit.action == "network.created"
    assert "ILO-5.1" in audit.rules
    feed = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.resource_id == created["id"]))
    ).one()
    assert (feed.type, feed.visibility) == ("network.created", "network")


async def test_ilo_5_1_members_are_derived_from_deployments_on_each_date(
    client: httpx.AsyncClient, deployer: Deployer, secretariat: dict[str, str], auth: Auth
) -> None:
    network = await create_network(client, secretariat)
    hosted, hosted_deployment = await deployer.officer("NL", host="SN", starts=-60)
    responsible, _ = await deployer.officer("FR", host="GM", region=("SN",), starts=-10)
    await deployer.officer("DE", host="SN", deployed=False)  # planned only: no member
    await deployer.officer("BE", host="MA")  # another country: no member
    reader = auth("NL", ["sb_member"])

    async def members(on: str) -> list[str]:
        response = await client.get(
            f"/v1/networks/{network['id']}/members", params={"on": on}, headers=reader
        )
        assert response.status_code == 200, response.text
        assert response.json()["on"] == on
        return sorted(m["officer_id"] for m in response.json()["members"])

    assert await members(days(-90)) == []  # before either deployment started
    assert await members(days(-30)) == [hosted]  # before the second started
    assert await members(days(0)) == sorted([hosted, responsible])

    await deployer.end("NL", hosted_deployment, on=days(0))
    assert await members(days(0)) == [responsible]  # after it ended
    assert await members(days(-1)) == sorted([hosted, responsible])  # history stays
    default = await client.get(f"/v1/networks/{network['id']}/members", headers=reader)
    assert [m["officer_id"] for m in default.json()["members"]] == [responsible]


# --- ILO-5.2: facilitator precedence -----------------------------------------------------------


async def test_ilo_5_2_designation_skipping_an_agency_member_is_denied(
    client: httpx.AsyncClient,
    deployer: Deployer,
    secretariat: dict[str, str],
    session: AsyncSession,
) -> None:
    network = await create_network(client, secretariat)
    national, _ = await deployer.officer("NL")
    agency, _ = await deployer.officer("FRONTEX")
    path = f"/v1/networks/{network['id']}/facilitator"

    shown = await client.get(path, params={"on": days(0)}, headers=secretariat)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["required_basis"], shown.json()["candidates"]) == ("eu_agency", [agency])
    assert shown.json()["facilitator"] is None

    body = {"officer_id": national, "on": days(0)}
    response = await client.post(path, json=body, headers=secretariat)
    assert response.status_code == 403, response.text
    ((rule, message),) = violations(response)
    assert rule == "ILO-5.2"
    assert agency in message
    assert "eu_agency" in message
    assert "Jansen" not in response.text  # candidates by officer id, never by name
    assert await count(session, NetworkFacilitator) == 0
    denied = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert "ILO-5.2" in denied.rules

    allowed = await client.post(
        path, json={"officer_id": agency, "on": days(0)}, headers=secretariat
    )
    assert allowed.status_code == 201, allowed.text
    assert (allowed.json()["officer_id"], allowed.json()["basis"]) == (agency, "eu_agency")


async def test_ilo_5_2_a_commission_member_is_preferred(
    client: httpx.AsyncClient, deployer: Deployer, secretariat: dict[str, str]
) -> None:
    network = await create_network(client, secretariat)
    await deployer.officer("NL")
    agency, _ = await deployer.officer("EUROPOL")
    commission, commission_deployment = await deployer.officer("COM")
    path = f"/v1/networks/{network['id']}/facilitator"

    shown = (await client.get(path, headers=secretariat)).json()
    assert (shown["required_basis"], shown["candidates"]) == ("commission", [commission])
    for skipping in (agency, None):
        response = await client.post(
            path, json={"officer_id": skipping, "on": days(0)}, headers=secretariat
        )
        assert response.status_code == 403, response.text
        assert [r for r, _ in violations(response)] == ["ILO-5.2"]
        assert commission in violations(response)[0][1]

    designated = await client.post(
        path, json={"officer_id": commission, "on": days(0)}, headers=secretariat
    )
    assert designated.status_code == 201, designated.text
    assert designated.json()["basis"] == "commission"
    assert designated.json()["deployment_id"] == commission_deployment
    shown = (await client.get(path, headers=secretariat)).json()
    assert shown["facilitator"]["officer_id"] == commission


async def test_ilo_5_2_without_commission_or_agency_members_the_members_agree(
    client: httpx.AsyncClient, deployer: Deployer, secretariat: dict[str, str]
) -> None:
    network = await create_network(client, secretariat)
    dutch, _ = await deployer.officer("NL")
    french, _ = await deployer.officer("FR")
    outsider, _ = await deployer.officer("DE", host="MA")
    path = f"/v1/networks/{network['id']}/facilitator"
    shown = (await client.get(path, headers=secretariat)).json()
    assert (shown["required_basis"], shown["candidates"]) == ("agreed", sorted([dutch, french]))

    attempts = [
        ({}, "agreement_reference is missing"),
        ({"agreement_reference": "Minutes 2026-11", "agreed_by": [dutch]}, "more than half"),
        ({"agreement_reference": "Minutes", "agreed_by": [dutch, outsider]}, "not members"),
    ]
    for extra, message in attempts:
        body = {"officer_id": dutch, "on": days(0), **extra}
        response = await client.post(path, json=body, headers=secretariat)
        assert response.status_code == 403, response.text
        assert {r for r, _ in violations(response)} == {"ILO-5.2"}
        assert any(message in m for _, m in violations(response))
    not_member = await client.post(
        path,
        json={"officer_id": outsider, "on": days(0), "agreement_reference": "M"},
        headers=secretariat,
    )
    assert "ILO-5.1" in [r for r, _ in violations(not_member)]

    agreed = {"agreement_reference": "Minutes 2026-11", "agreed_by": [dutch, french]}
    response = await client.post(
        path, json={"officer_id": dutch, "on": days(0), **agreed}, headers=secretariat
    )
    assert response.status_code == 201, response.text
    assert response.json()["basis"] == "agreed"
    assert response.json()["agreement_reference"] == "Minutes 2026-11"
    assert sorted(response.json()["agreed_by"]) == sorted([dutch, french])


# --- ILO-5.3: the Board's notification ---------------------------------------------------------


async def test_ilo_5_3_facilitator_is_lost_when_its_deployment_ends(
    client: httpx.AsyncClient,
    deployer: Deployer,
    secretariat: dict[str, str],
    session: AsyncSession,
) -> None:
    network = await create_network(client, secretariat)
    commission, deployment_id = await deployer.officer("COM")
    path = f"/v1/networks/{network['id']}/facilitator"
    designated = await client.post(
        path, json={"officer_id": commission, "on": days(-5)}, headers=secretariat
    )
    assert designated.status_code == 201, designated.text

    await deployer.end("COM", deployment_id, on=days(0))
    shown = (await client.get(path, headers=secretariat)).json()
    assert shown["facilitator"] is None
    assert shown["last_notification"]["ended_on"] == days(0)
    assert shown["candidates"] == []
    before = (await client.get(path, params={"on": days(-1)}, headers=secretariat)).json()
    assert before["facilitator"]["officer_id"] == commission

    row = await session.get(NetworkFacilitator, designated.json()["id"])
    assert row is not None
    assert row.ended_on is not None
    assert row.version == 2
    vacated = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "network.facilitator_vacated")
        )
    ).one()
    assert (vacated.resource_id, vacated.visibility) == (designated.json()["id"], "network")
    audit = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "network.facilitator_vacated")
        )
    ).one()
    assert audit.details["authorised_action"] == "deployment.transition"


async def test_ilo_5_3_the_notification_is_in_the_feed_with_its_time(
    committed_client: tuple[httpx.AsyncClient, Any], auth: Auth
) -> None:
    client, _ = committed_client
    deployer = Deployer(client, auth)
    secretariat = auth("COM", ["sb_secretariat"], sub="sb-secretariat")
    network = await create_network(client, secretariat)
    path = f"/v1/networks/{network['id']}/facilitator"
    none = await client.post(path, json={"officer_id": None, "on": days(0)}, headers=secretariat)
    assert none.status_code == 201, none.text
    assert none.json()["officer_id"] is None
    agency, _ = await deployer.officer("EUAA")
    designated = await client.post(
        path, json={"officer_id": agency, "on": days(0)}, headers=secretariat
    )
    assert designated.status_code == 201, designated.text

    feed = await client.get("/v1/events", headers=auth("NL", ["sb_member"]))
    assert feed.status_code == 200, feed.text
    notifications = {
        e["type"]: e for e in feed.json()["items"] if e["resource_type"] == "network_facilitator"
    }
    assert set(notifications) == {
        "network.facilitator_none_appointed",
        "network.facilitator_designated",
    }
    event = notifications["network.facilitator_designated"]
    assert event["resource_id"] == designated.json()["id"]
    assert event["occurred_at"][:19] == designated.json()["board_notified_at"][:19]
    shown = (await client.get(path, headers=secretariat)).json()
    assert shown["last_notification"]["board_notified_at"] == designated.json()["board_notified_at"]


# --- meetings ----------------------------------------------------------------------------------


async def test_ilo_5_1_a_meeting_attendee_who_is_no_member_is_denied(
    client: httpx.AsyncClient,
    deployer: Deployer,
    auth: Auth,
    secretariat: dict[str, str],
    session: AsyncSession,
) -> None:
    network = await create_network(client, secretariat)
    member, _ = await deployer.officer("NL")
    late, _ = await deployer.officer("FR", starts=-5)
    path = f"/v1/networks/{network['id']}/meetings"
    ilo = auth("NL", ["ilo"], officer_id=member, sub="nl-ilo")
    body = {
        "held_on": days(-10),
        "attendees": [member, late],
        "agenda": "Carriers at DSS airport.",
        "topics": ["carrier_positions", "risk_analyses"],
        "minutes_document": "doc-2026-0042",
    }
    response = await client.post(path, json=body, headers=ilo)
    assert response.status_code == 403, response.text
    ((rule, message),) = violations(response)
    assert rule == "ILO-5.1"
    assert late in message
    assert member not in message
    assert await count(session, NetworkMeeting) == 0

    # an ILO of another organisation that attends nothing (its own officer: the claim is true)
    outsider = auth("FR", ["ilo"], officer_id=late, sub="other-ilo")
    refused = await client.post(path, json={**body, "attendees": [member]}, headers=outsider)
    assert refused.status_code == 403
    assert "ACL-ROLE" in [r for r, _ in violations(refused)]

    recorded = await client.post(path, json={**body, "attendees": [member]}, headers=ilo)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["topics"] == ["carrier_positions", "risk_analyses"]
    stored = await session.get(NetworkMeeting, recorded.json()["id"])
    assert stored is not None
    assert stored.minutes_document == "doc-2026-0042"
    listed = await client.get(path, headers=auth("FR", ["deploying_authority"]))
    assert [m["id"] for m in listed.json()["items"]] == [recorded.json()["id"]]
    bad_topic = await client.post(path, json={**body, "topics": ["lunch"]}, headers=ilo)
    assert bad_topic.status_code == 422


# --- ILO-8.3: ad-hoc actions -------------------------------------------------------------------


async def test_ilo_8_3_the_board_assigns_ad_hoc_actions_to_networks(
    client: httpx.AsyncClient, auth: Auth, secretariat: dict[str, str], session: AsyncSession
) -> None:
    network = await create_network(client, secretariat)
    path = f"/v1/networks/{network['id']}/ad-hoc-actions"
    body = {
        "title": "Document fraud survey",
        "description": "Collect observations for the Board.",
        "decided_on": days(-3),
        "board_decision_reference": "SB decision 2026/07",
    }
    refused = await client.post(path, json=body, headers=auth("NL", ["deploying_authority"]))
    assert refused.status_code == 403
    assert [r for r, _ in violations(refused)] == ["ACL-ROLE", "ACL-ORG"]
    future = await client.post(path, json={**body, "decided_on": days(3)}, headers=secretariat)
    assert future.status_code == 403
    assert [r for r, _ in violations(future)] == ["ILO-8.3"]

    chair = auth("COM", ["sb_chair"], sub="sb-chair")
    created = await client.post(path, json=body, headers=chair)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "assigned"
    item = f"{path}/{created.json()['id']}"
    moved = await client.patch(
        item, json={"status": "completed"}, headers={**secretariat, "If-Match": '"v1"'}
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.json()["version"]) == ("completed", 2)
    back = await client.patch(
        item, json={"status": "in_progress"}, headers={**secretariat, "If-Match": '"v2"'}
    )
    assert back.status_code == 409, back.text
    listed = await client.get(path, headers=auth("NL", ["ilo"]))
    assert [a["status"] for a in listed.json()["items"]] == ["completed"]
    audit = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "ad_hoc_action.assigned")
        )
    ).one()
    assert "ILO-8.3" in audit.rules


async def test_ilo_8_3_an_ad_hoc_action_moves_only_under_its_own_network(
    client: httpx.AsyncClient, secretariat: dict[str, str], session: AsyncSession
) -> None:
    """Another network's path is a 404, before anything is decided or written."""
    mine = await create_network(client, secretariat)
    other = await create_network(client, secretariat, name="Other network")
    body = {"title": "Survey", "description": "For the Board.", "decided_on": days(-1)}
    path = f"/v1/networks/{mine['id']}/ad-hoc-actions"
    created = await client.post(path, json=body, headers=secretariat)
    assert created.status_code == 201, created.text
    action_id = created.json()["id"]

    elsewhere = await client.patch(
        f"/v1/networks/{other['id']}/ad-hoc-actions/{action_id}",
        json={"status": "in_progress"},
        headers={**secretariat, "If-Match": '"v1"'},
    )
    assert elsewhere.status_code == 404, elsewhere.text
    assert elsewhere.json()["detail"] == f"No ad-hoc action {action_id} of network {other['id']}."
    missing = "00000000-0000-4000-8000-000000000000"
    unknown = await client.patch(
        f"{path}/{missing}",
        json={"status": "in_progress"},
        headers={**secretariat, "If-Match": "*"},
    )
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["detail"] == f"No ad-hoc action {missing}."
    updated = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "ad_hoc_action.updated")
    )
    assert updated == 0
    unchanged = await client.get(path, headers=secretariat)
    assert [(a["status"], a["version"]) for a in unchanged.json()["items"]] == [("assigned", 1)]


# --- associated officers: personal data --------------------------------------------------------


async def test_associated_officers_only_for_the_contact_list_roles_and_audited(
    client: httpx.AsyncClient, auth: Auth, secretariat: dict[str, str], session: AsyncSession
) -> None:
    associated = [{"name": "Jane Quillfeather", "country": "GB", "organisation": "Home Office"}]
    network = await create_network(client, secretariat, associated_officers=associated)
    assert network["associated_officers"] is None  # nor in the idempotent replay
    path = f"/v1/networks/{network['id']}"

    seen = await client.get(path, headers=auth("NL", ["ilo"]))
    assert seen.status_code == 200, seen.text
    assert seen.json()["associated_officers"] == associated
    assert seen.headers["cache-control"] == "no-store"
    hidden = await client.get(path, headers=auth("NL", ["deploying_authority"]))
    assert hidden.json()["associated_officers"] is None
    listed = await client.get("/v1/networks", headers=auth("NL", ["ilo"]))
    assert listed.json()["items"][0]["associated_officers"] is None
    refused = await client.get(path, headers=auth("NL", ["integration"], scopes=["events:read"]))
    assert refused.status_code == 403

    reads = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "network.associated_officers_read")
        )
    ).all()
    assert len(reads) == 1
    for row in (*(await session.scalars(select(AuditEvent))).all(),):
        assert "Quillfeather" not in str(row.details)

    updated = await client.patch(
        path,
        json={"kind": "regional", "countries": ["SN", "GM"]},
        headers={**secretariat, "If-Match": '"v1"'},
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["countries"] == ["SN", "GM"]
    assert updated.json()["version"] == 2


async def test_acl_org_a_network_is_amended_by_its_organisation_with_if_match(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = auth("NL", ["deploying_authority"], sub="nl-manager")
    network = await create_network(client, nl)
    path = f"/v1/networks/{network['id']}"
    missing = await client.patch(path, json={"name": "Dakar"}, headers=nl)
    assert missing.status_code == 428, missing.text
    fr = {**auth("FR", ["deploying_authority"]), "If-Match": '"v1"'}
    other = await client.patch(path, json={"name": "Dakar"}, headers=fr)
    assert other.status_code == 403
    assert [r for r, _ in violations(other)] == ["ACL-ORG"]
    stale = await client.patch(path, json={"name": "Dakar"}, headers={**nl, "If-Match": '"v9"'})
    assert stale.status_code == 412, stale.text
    stored = await session.get(Network, network["id"])
    assert stored is not None
    await session.refresh(stored)
    assert (stored.name, stored.version) == ("ILO network Senegal", 1)
