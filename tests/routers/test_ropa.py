"""GET /v1/ropa: the record of processing activities (GDPR-30.1) derived from the data, for the
DPO, as JSON, CSV and a self-contained HTML page; no subject data."""

from __future__ import annotations

import io
import uuid
from csv import DictReader

import httpx
import pytest

from app.services import ropa as ropa_service
from tests.factories import (
    PLAINTEXT,
    Auth,
    create_authority,
    create_record,
    deployed_ilo,
    senegal_transfer,
)


async def test_gdpr_30_1_ropa_is_derived_from_the_records_for_the_dpo(
    client: httpx.AsyncClient, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    await create_record(client, ilo)
    path = f"/v1/processing-records/{record['id']}"
    sent = await client.post(f"{path}/transfers", json=senegal_transfer(), headers=ilo.headers)
    assert sent.status_code == 201, sent.text
    share = {
        "recipient_kind": "member_state_authority",
        "recipient_org": "FR",
        "recipient_authority": "DCPAF",
        "fields_disclosed": ["surname"],
        "justification": "The receiving authority must confirm the identity for the return.",
    }
    assert (await client.post(f"{path}/shares", json=share, headers=ilo.headers)).status_code == 201
    dpo = auth("NL", ["dpo"])

    response = await client.get("/v1/ropa?organisation=NL", headers=dpo)
    assert response.status_code == 200, response.text
    ropa = response.json()
    (activity,) = ropa["activities"]
    assert (activity["purpose"], activity["regime"], activity["records"]) == ("return", "gdpr", 2)
    assert activity["article"] == "GDPR-30.1: Regulation (EU) 2016/679, Art. 30(1)"
    assert activity["data_subject_categories"] == ["returnee"]
    assert activity["data_categories"] == ["a_return_identity"]
    assert activity["longest_retention_days"] == 180
    assert activity["retention_cap_days"] is not None
    assert activity["recipients"] == [
        {"kind": "member_state_authority", "recipient": "DCPAF (FR)", "exchanges": 1}
    ]
    (transfer,) = activity["transfers"]
    assert (transfer["destination"], transfer["ground"], transfer["rule"]) == (
        "SN",
        "public_interest",
        "GDPR-49.1d",
    )
    assert transfer["reference"] == "Regulation (EU) 2019/1240, recital 25"
    assert not any(p in response.text for p in PLAINTEXT)

    csv = await client.get("/v1/ropa?organisation=NL&format=csv", headers=dpo)
    assert csv.headers["content-type"].startswith("text/csv")
    rows = list(DictReader(io.StringIO(csv.text)))
    assert [r["section"] for r in rows] == ["controller", "activity", "recipient", "transfer"]
    assert (rows[0]["controller"], rows[0]["dpo_contact"]) == ("Netherlands", "")
    assert (rows[3]["destination"], rows[3]["rule"], rows[3]["count"]) == ("SN", "GDPR-49.1d", "1")
    page = await client.get("/v1/ropa?organisation=NL&format=html", headers=dpo)
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "<script" not in page.text
    assert "Direction de la Police" in page.text
    assert not any(p in page.text + csv.text for p in PLAINTEXT)

    assert (await client.get("/v1/ropa?organisation=NL", headers=ilo.headers)).status_code == 403
    other = await client.get("/v1/ropa?organisation=NL", headers=auth("FR", ["dpo"]))
    assert other.status_code == 404

    # JSON a page at a time: an activity with more recipients than a part holds comes again
    second = {**share, "recipient_authority": "OCRIEST"}
    assert (
        await client.post(f"{path}/shares", json=second, headers=ilo.headers)
    ).status_code == 201
    (whole,) = (await client.get("/v1/ropa?organisation=NL", headers=dpo)).json()["activities"]
    monkeypatch.setattr(ropa_service, "ROPA_PART_MAX", 1)
    parts, cursor = [], None
    while True:
        params: dict[str, str | int] = {
            "organisation": "NL",
            "limit": 1,
            **({"cursor": cursor} if cursor else {}),
        }
        page_of = await client.get("/v1/ropa", params=params, headers=dpo)
        assert page_of.status_code == 200, page_of.text
        parts.extend(page_of.json()["activities"])
        cursor = page_of.json()["next_cursor"]
        if cursor is None:
            break
        assert page_of.headers["link"].endswith('>; rel="next"')
    assert [(p["purpose"], len(p["recipients"]), len(p["transfers"])) for p in parts] == [
        ("return", 1, 1),
        ("return", 1, 0),
    ]
    assert [r for p in parts for r in p["recipients"]] == whole["recipients"]
    assert [t for p in parts for t in p["transfers"]] == whole["transfers"]


async def test_gdpr_30_1_shares_to_one_registered_authority_count_under_its_name(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    fr = auth("FR", ["deploying_authority"])
    dcpaf = await create_authority(client, fr, organisation="FR", name="DCPAF")
    path = f"/v1/processing-records/{record['id']}/shares"
    base = {
        "recipient_kind": "member_state_authority",
        "recipient_org": "FR",
        "fields_disclosed": ["surname"],
        "justification": "The receiving authority must confirm the identity for the return.",
    }
    for label in ("DCPAF", "Direction centrale de la police aux frontières", None):
        body = {**base, "recipient_authority_id": dcpaf["id"]}
        if label:
            body["recipient_authority"] = label
        sent = await client.post(path, json=body, headers=ilo.headers)
        assert sent.status_code == 201, sent.text
        assert sent.json()["recipient_authority_id"] == dcpaf["id"]
    assert sent.json()["recipient_authority"] == "DCPAF"  # no label: the registered name

    ropa = (await client.get("/v1/ropa?organisation=NL", headers=auth("NL", ["dpo"]))).json()
    (activity,) = ropa["activities"]
    assert activity["recipients"] == [
        {"kind": "member_state_authority", "recipient": "DCPAF (FR)", "exchanges": 3}
    ]

    nl_authority = ilo.authority_id  # an authority, but not of the receiving Member State
    for wrong in (nl_authority, str(uuid.uuid4())):
        refused = await client.post(
            path, json={**base, "recipient_authority_id": wrong}, headers=ilo.headers
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["pointer"] == "/recipient_authority_id"
    neither = await client.post(path, json=base, headers=ilo.headers)
    assert neither.status_code == 422
    assert "recipient_authority_id or recipient_authority" in neither.text
    shares = await client.get(path, headers=ilo.headers)
    assert len(shares.json()["items"]) == 3
