"""app/pagination.py: cursors are bound to the caller and to the list they came from, and a
mangled cursor is a 422 (never a 500)."""

from __future__ import annotations

import httpx
import pytest

from app.pagination import decode_cursor, encode_cursor
from app.problems import ValidationFailed
from tests.factories import Auth

SECRET = b"k" * 32


def test_a_cursor_decodes_only_for_its_client_and_list() -> None:
    cursor = encode_cursor(SECRET, "client-a", ["DK"], route="/v1/organisations")
    assert decode_cursor(SECRET, "client-a", cursor, route="/v1/organisations") == ["DK"]
    for client, route in (("client-b", "/v1/organisations"), ("client-a", "/v1/deployments")):
        with pytest.raises(ValidationFailed):
            decode_cursor(SECRET, client, cursor, route=route)


@pytest.mark.parametrize(
    "signature", ["é", "\u00ff" * 24, "Zm9v", ""], ids=["non-ascii", "latin-1", "short", "empty"]
)
def test_a_mangled_signature_is_a_validation_problem(signature: str) -> None:
    body = encode_cursor(SECRET, "c", [1], route="/r").split(".")[0]
    with pytest.raises(ValidationFailed):
        decode_cursor(SECRET, "c", f"{body}.{signature}", route="/r")


async def test_mangled_or_foreign_list_cursors_are_422_on_the_api(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = auth("NL")
    organisations = (await client.get("/v1/organisations?limit=1", headers=headers)).json()
    body = organisations["next_cursor"].split(".")[0]
    for url in (
        f"/v1/organisations?cursor={body}.%C3%A9t%C3%A9",
        # a position of organisation codes, where deployments are keyed by uuid
        f"/v1/deployments?cursor={organisations['next_cursor']}",
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["errors"] == [
            {"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}
        ]
