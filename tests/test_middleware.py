"""app/middleware.py in isolation: where an unstorable string is, and the security headers."""

from __future__ import annotations

import httpx
from starlette.types import Receive, Scope, Send

from app.middleware import API_CSP, SecurityHeadersMiddleware, unstorable_string


def test_the_pointer_names_the_string_that_cannot_be_stored() -> None:
    document = {"a": [{"ok": "fine"}, {"b/c": ["x", "y\x00"]}], "z": "\ud800"}
    assert unstorable_string(document) == (
        "/a/1/b~1c/1",
        "the value holds a NUL character (U+0000), which cannot be stored",
    )
    assert unstorable_string({"z": "\ud800"}) == (
        "/z",
        "the value holds an unpaired UTF-16 surrogate, which is not a character",
    )
    found = unstorable_string({"m~x\x00": 1})
    assert found is not None
    assert found[0] == "/m~0x"
    assert found[1].startswith("the member name holds a NUL")
    assert unstorable_string({"k": ["\U0001f600", 1, None, True, {"n": "C:\\u0000"}]}) is None
    deep: object = "\x00"
    for _ in range(5000):  # deeper than Python's recursion limit
        deep = [deep]
    found = unstorable_string(deep)
    assert found is not None
    assert found[0] == "/0" * 5000


async def test_an_own_csp_is_kept_refusing_framing_and_a_server_header_dropped() -> None:
    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-security-policy", b"default-src 'self'"), (b"server", b"x/1")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"<html></html>"})

    async def api(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    # a page's own policy is kept, made to refuse framing when it does not say
    own = "default-src 'self'; frame-ancestors 'none'"
    for inner, csp in ((page, own), (api, API_CSP)):
        transport = httpx.ASGITransport(app=SecurityHeadersMiddleware(inner, behind_tls=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            response = await c.get("/")
        assert response.headers.get_list("content-security-policy") == [csp]
        assert "server" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cross-origin-resource-policy"] == "same-origin"
        assert response.headers["permissions-policy"].startswith("accelerometer=()")
        assert "strict-transport-security" not in response.headers
