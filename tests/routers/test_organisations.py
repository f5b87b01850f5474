"""GET /v1/organisations: the participants registry."""

from __future__ import annotations

import httpx

from tests.factories import Auth


async def test_lists_every_participant_over_pages(client: httpx.AsyncClient, auth: Auth) -> None:
    headers = auth("FR", ["ilo"])
    codes: list[str] = []
    url: str | None = "/v1/organisations?limit=10"
    pages = 0
    while url:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200
        body = response.json()
        codes += [item["code"] for item in body["items"]]
        assert len(body["items"]) <= 10
        link = response.headers.get("link")
        if body["next_cursor"]:
            assert link is not None
            assert 'rel="next"' in link
            url = link.split(";")[0].strip("<>").removeprefix("http://testserver")
        else:
            assert link is None
            url = None
        pages += 1
    assert pages == 4
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes)) == 36
    member_states = {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
    assert member_states | {
        "IS",
        "NO",
        "CH",
        "LI",
        "COM",
        "FRONTEX",
        "EUROPOL",
        "EUAA",
        "EP",
    } == set(codes)
    assert "EL" not in codes
    assert "UK" not in codes
    assert "GB" not in codes


async def test_filter_by_kind(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.get("/v1/organisations?kind=schengen_associated", headers=auth("NL"))
    body = response.json()
    assert [o["code"] for o in body["items"]] == ["CH", "IS", "LI", "NO"]
    assert all(o["voting_right"] is False and o["board_seats"] == 1 for o in body["items"])


async def test_invalid_kind_is_a_validation_problem(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.get("/v1/organisations?kind=planet", headers=auth("NL"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert body["errors"][0]["pointer"] == "/kind"
    assert body["errors"][0]["in"] == "query"


async def test_participant_details(client: httpx.AsyncClient, auth: Auth) -> None:
    headers = auth("NL")
    dk = (await client.get("/v1/organisations/DK", headers=headers)).json()
    assert dk["kind"] == "member_state"
    assert dk["bound_by_regulation"] is False
    nl = (await client.get("/v1/organisations/NL", headers=headers)).json()
    assert (nl["board_seats"], nl["alternate_seats"], nl["voting_right"]) == (1, 1, True)
    com = (await client.get("/v1/organisations/COM", headers=headers)).json()
    assert (com["kind"], com["board_seats"], com["voting_right"]) == ("commission", 2, True)
    euaa = (await client.get("/v1/organisations/EUAA", headers=headers)).json()
    assert (euaa["kind"], euaa["former_name"], euaa["board_seats"]) == ("eu_agency", "EASO", 1)
    ep = (await client.get("/v1/organisations/EP", headers=headers)).json()
    assert (ep["board_seats"], ep["voting_right"]) == (0, False)
    gr = (await client.get("/v1/organisations/GR", headers=headers)).json()
    assert gr["country"] == "GR"


async def test_unknown_code_is_404_problem(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.get("/v1/organisations/XX", headers=auth("NL"))
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
    assert response.json()["instance"] == "/v1/organisations/XX"


async def test_a_cursor_is_bound_to_its_client(client: httpx.AsyncClient, auth: Auth) -> None:
    first = await client.get("/v1/organisations?limit=5", headers=auth("NL", sub="client-a"))
    cursor = first.json()["next_cursor"]
    assert cursor
    foreign = await client.get(
        f"/v1/organisations?limit=5&cursor={cursor}", headers=auth("NL", sub="client-b")
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["pointer"] == "/cursor"
    tampered = await client.get(
        f"/v1/organisations?limit=5&cursor={cursor[:-3]}abc", headers=auth("NL", sub="client-a")
    )
    assert tampered.status_code == 422
