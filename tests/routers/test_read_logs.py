"""LED Art. 25 logging (LED-25): a consultation of a law-enforcement record's subject data names
its reason, logged with the time and the person; the reason holds no personal data; other
regimes log a reason when one is given; a disclosure's log names its recipient. Bodies, stored
rows and audit events."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from tests.factories import PLAINTEXT, SUBJECT_DATA, Auth, Ilo, create_record, deployed_ilo

REASON = "Identity check for the NCA request on the small-boat case"


async def _reads(session: AsyncSession) -> list[AuditEvent]:
    return list(
        (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "processing_record.read")
                .order_by(AuditEvent.id)
            )
        ).all()
    )


async def _led_record(client: httpx.AsyncClient, auth: Auth) -> tuple[Ilo, str]:
    police = await deployed_ilo(
        client, auth, org="FR", authority_kind="police", tasks=("smuggling_trafficking",)
    )
    record = await create_record(
        client,
        police,
        purpose="smuggling_trafficking",
        data_categories=["e_smuggling_trafficking"],
        data_subject_category="suspected_smuggler",
        subject_data={**SUBJECT_DATA, "nationality": "AL", "role": "facilitator"},
        protection_status="none",
    )
    assert record["regime"] == "led"
    return police, f"/v1/processing-records/{record['id']}"


async def test_led_25_a_law_enforcement_read_names_its_reason(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    police, path = await _led_record(client, auth)
    bare = await client.get(path, headers=police.headers)
    assert bare.status_code == 200, bare.text
    assert bare.json()["subject_data"] is None  # withheld: no reason, no consultation
    assert await _reads(session) == []

    read = await client.get(path, params={"reason": REASON}, headers=police.headers)
    assert read.status_code == 200, read.text
    assert read.json()["subject_data"]["surname"] == PLAINTEXT[0]
    (event,) = await _reads(session)
    assert event.details["justification"] == REASON
    assert event.details["fields"] == read.json()["subject_fields"]
    assert event.actor["org"] == "FR"  # the person: the token's subject and organisation
    assert event.actor["sub"]
    assert event.occurred_at is not None
    assert event.resource_id == path.rsplit("/", 1)[1]
    assert not any(p in str(event.details) for p in PLAINTEXT)


async def test_led_25_a_reason_with_personal_data_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    police, path = await _led_record(client, auth)
    for reason in ("Ask jan.jansen@example.nl about him", "", "x" * 301):
        refused = await client.get(path, params={"reason": reason}, headers=police.headers)
        assert refused.status_code == 422, (reason, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "jan.jansen" not in refused.text
    assert await _reads(session) == []


async def test_led_25_other_regimes_log_a_reason_when_given(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    path = f"/v1/processing-records/{record['id']}"
    plain = await client.get(path, headers=ilo.headers)
    assert plain.json()["subject_data"]["surname"] == PLAINTEXT[0]
    given = await client.get(path, params={"reason": "Return interview"}, headers=ilo.headers)
    assert given.json()["subject_data"]["surname"] == PLAINTEXT[0]
    assert [e.details.get("justification") for e in await _reads(session)] == [
        None,
        "Return interview",
    ]


async def test_led_25_adversaries_read_nothing_whatever_their_reason(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    _police, path = await _led_record(client, auth)
    other = await deployed_ilo(client, auth, org="NL")
    foreign = await client.get(path, params={"reason": REASON}, headers=other.headers)
    assert foreign.status_code == 404, foreign.text
    for roles in (["dpo"], ["deploying_authority"], ["auditor"], ["sb_member"]):
        seen = await client.get(path, params={"reason": REASON}, headers=auth("FR", roles))
        assert seen.status_code in (200, 404), (roles, seen.text)
        if seen.status_code == 200:
            assert seen.json()["subject_data"] is None, roles
    assert await _reads(session) == []
