"""The activity report's page: the report's data arranged for the `activity_report` template
(names for codes, planned periods marked, the previous period beside this one). Everything
shown is taken from the stored report content; nothing is read from the database here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from app.pages import charts, labels, render

ISSUER = "European Commission, for the Steering Board (Art. 7(5))"


def _generated(content: dict[str, Any]) -> datetime | None:
    value = content.get("generated_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _quarter_end(label: str) -> date:
    year, quarter = label.split("-Q")
    month = int(quarter) * 3
    return date(int(year), 12, 31) if month == 12 else date(int(year), month + 1, 1)


def _host_rows(rows: Sequence[dict[str, Any]]) -> list[tuple[str, int | None]]:
    return [(str(r.get("name") or labels.country(str(r["country"]))), r["count"]) for r in rows]


def _gap_rows(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "country": g["name"],
            "coverage": labels.term(g["status"]),
            "until": labels.long_date(g.get("covered_until")),
            "options": [
                f"{labels.country(o['country'])}: {labels.names(o['organisations'])}"
                for o in g["options"]
            ],
        }
        for g in items
        if g["status"] != "covered"
    ]


def _routes(items: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    routes: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        routes.setdefault(str(item["route"]), []).append(item)
    return routes


def page_context(content: dict[str, Any]) -> dict[str, Any]:
    """What the template draws, from the report's content alone."""
    generated = _generated(content)
    today = generated.date() if generated else None
    d = content["deployments"]
    gaps = content["gaps"]
    period = content["period"]
    quarters = [
        (q["quarter"], q["count"], today is not None and _quarter_end(q["quarter"]) > today)
        for q in d["per_quarter"]
    ]
    gaps_on = date.fromisoformat(gaps["on"])
    return {
        "content": content,
        "kind": "Report of the Steering Board (Art. 8(2)(c))",
        "title": content["title"],
        "subtitle": f"{period['from']} to {period['to']}",
        "issued_by": content.get("issued_by", ISSUER),
        "generated_at": generated,
        "period": {"start": period["from"], "end": period["to"]},
        "version": content["version"],
        "legal_basis": content["legal_basis"],
        "badge": "For transmission to the European Parliament (Art. 8(2))",
        "previous": content.get("previous"),
        "uncovered": sum(1 for g in gaps["items"] if g["status"] != "covered"),
        "hosts": charts.horizontal(_host_rows(d["by_host_country"][:20])),
        "quarters": charts.columns(quarters),
        "any_planned": any(planned for _, _, planned in quarters),
        "gaps_planned": today is not None and gaps_on > today,
        "organisations": charts.horizontal(
            [(labels.organisation(r["organisation"]), r["count"]) for r in d["by_organisation"]][
                :15
            ],
            width=460,
            left=150,
        ),
        "postings": charts.horizontal(
            [(labels.term(r["posting_type"]), r["count"]) for r in d["by_posting_type"]],
            width=460,
            left=190,
        ),
        "routes": _routes(gaps["items"]),
        "network_rows": [
            (
                n["name"],
                labels.term(n["scope"]),
                labels.names(n["countries"], labels.country),
                n["members"],
                labels.organisation(n["facilitator_organisation"])
                if n["facilitator_organisation"]
                else "none",
                n["meetings"],
            )
            for n in content["networks"]["items"]
        ],
        "meeting_rows": [
            (labels.long_date(mt["held_on"]), mt["location"], labels.figure(mt["officers_listed"]))
            for mt in content["meetings"]
        ],
        "decision_rows": [
            (labels.long_date(a["decided_on"]), a["title"], f"{a['yes']} of {a['voting_seats']}")
            for a in content["decisions"]["adopted"]
        ],
        "gap_rows": _gap_rows(gaps["items"]),
    }


def render_report(content: dict[str, Any]) -> str:
    """The report's HTML document: inline style and SVG, no script, no external asset."""
    return render("activity_report.html.j2", **page_context(content))
