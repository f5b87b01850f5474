"""/problems and /problems/{slug}: the page each problem `type` URI answers (no token needed):
what the problem means, when it is sent and what to do; HTML, or JSON when asked for."""

from __future__ import annotations

import re
from dataclasses import asdict

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import Markup, escape

from app.pages import PAGE_CSP, render
from app.problem_catalogue import Entry, catalogue
from app.problems import NotFound
from app.routers.deferred import DeferredRoute

router = APIRouter(prefix="/problems", include_in_schema=False, route_class=DeferredRoute)


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "json" in accept and "text/html" not in accept


_CODE = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """The text escaped, its `quoted` parts as code."""
    parts = _CODE.split(text)  # plain, code, plain, ...
    code = Markup("<code>{}</code>")
    return Markup("").join(code.format(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def _page(title: str, problem: Entry | None) -> HTMLResponse:
    shown = problem and {
        **asdict(problem),
        "when": code_spans(problem.when),
        "remedy": code_spans(problem.remedy),
    }
    html = render("problem.html.j2", title=title, problem=shown, entries=catalogue().values())
    headers = {"Content-Security-Policy": PAGE_CSP, "Vary": "Accept"}
    return HTMLResponse(html, headers=headers)


def _fields(entry: Entry) -> dict[str, object]:
    return {k: v for k, v in asdict(entry).items() if k != "slug"}


@router.get("")
async def problem_types(request: Request) -> Response:
    """Every problem type the API sends."""
    if wants_json(request):
        entries = [_fields(e) for e in catalogue().values()]
        return JSONResponse({"items": entries}, headers={"Vary": "Accept"})
    return _page("Problem types", None)


@router.get("/{slug}")
async def problem_type(slug: str, request: Request) -> Response:
    """One problem type: its title, status, when it is sent and what to do."""
    entry = catalogue().get(slug)
    if entry is None:
        raise NotFound("No problem type of this name.")
    if wants_json(request):
        return JSONResponse(_fields(entry), headers={"Vary": "Accept"})
    return _page(entry.title, entry)
