"""The OpenAPI explorer, served with its own assets so it works with no internet."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from app.routers.deferred import DeferredRoute

router = APIRouter(include_in_schema=False, route_class=DeferredRoute)

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(html: str) -> str:
    """Only what the page needs: its own assets, its inline start-up script (by hash), requests
    to this origin (the OpenAPI document and "Try it out"), data: images of the stylesheet."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        "default-src 'none'; "
        f"script-src 'self' {hashes}; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@router.get("/docs")
async def explorer() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="ILONet API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        # The token stays in the page's memory: never in the browser's storage. No validator
        # badge: it would send the document's URL to a third party.
        swagger_ui_parameters={
            "persistAuthorization": False,
            "displayOperationId": True,
            "validatorUrl": None,
        },
    )
    html = bytes(page.body).decode()
    page.headers["Content-Security-Policy"] = content_security_policy(html)
    return page
