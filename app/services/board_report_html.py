"""The activity report as a self-contained HTML document: inline CSS, charts drawn as inline SVG,
no script, no external asset. Everything taken from the report's data is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

BLUE = "#0b3d91"
INK = "#1d2433"
MUTED = "#5b6475"
GRID = "#e3e7ee"
STATUS_COLOURS = {"covered": "#2e8b57", "expiring": "#e0a100", "uncovered": "#c0392b"}
POSTING_LABELS = {
    "member_state_mission": "Member State mission",
    "third_country_authority": "Third-country authority",
    "international_organisation": "International organisation",
    "union_delegation": "Union delegation",
}
STATUS_LABELS = {
    "covered": "Covered",
    "expiring": "Coverage ends within the horizon",
    "uncovered": "No ILO coverage",
}

CSS = f"""
*{{box-sizing:border-box}}
body{{margin:0;background:#f3f5f9;color:{INK};font:15px/1.5 "Segoe UI",Roboto,Helvetica,Arial,
sans-serif}}
main{{max-width:1040px;margin:0 auto;padding:0 24px 48px}}
header{{background:{BLUE};color:#fff;padding:36px 24px 52px}}
header .inner{{max-width:1040px;margin:0 auto;padding:0 24px}}
header h1{{margin:0 0 6px;font-size:30px;font-weight:600;letter-spacing:.2px}}
header p{{margin:0;opacity:.9}}
.badge{{display:inline-block;margin-top:14px;padding:4px 12px;border-radius:14px;
background:#ffcc00;color:#1d2433;font-size:13px;font-weight:600}}
.cards{{display:grid;grid-template-columns:repeat(3,1fr);gap:14px;margin:-22px 0 8px}}
.card{{background:#fff;border-radius:10px;padding:16px 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}}
.card b{{display:block;font-size:30px;line-height:1.1;color:{BLUE}}}
.card span{{color:{MUTED};font-size:13px}}
section{{background:#fff;border-radius:10px;padding:20px 24px;margin-top:18px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}}
section h2{{margin:0 0 4px;font-size:19px;font-weight:600}}
section p.lead{{margin:0 0 14px;color:{MUTED};font-size:13.5px}}
.two{{display:grid;grid-template-columns:1fr 1fr;gap:18px}}
table{{border-collapse:collapse;width:100%;font-size:14px}}
th,td{{text-align:left;padding:7px 8px;border-bottom:1px solid {GRID};vertical-align:top}}
td:first-child{{white-space:nowrap}}
th{{color:{MUTED};font-weight:600;font-size:12.5px;text-transform:uppercase;letter-spacing:.4px}}
.pill{{display:inline-block;padding:1px 9px;border-radius:10px;color:#fff;font-size:12px}}
.empty{{color:{MUTED};font-style:italic}}
.legend span{{display:inline-flex;align-items:center;margin-right:16px;font-size:13px;
color:{MUTED}}}
.legend i{{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px}}
footer{{color:{MUTED};font-size:12.5px;margin-top:22px}}
svg text{{font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def bar_chart(
    rows: Sequence[tuple[str, int]], *, width: int = 960, colour: str = BLUE, left: int = 190
) -> str:
    """Horizontal bars, one per label, longest first."""
    if not rows:
        return '<p class="empty">No deployments in the period.</p>'
    bar_h, gap = 22, 8
    height = len(rows) * (bar_h + gap) + 10
    top = max(n for _, n in rows) or 1
    span = width - left - 60
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="bar chart">']
    for i, (label, n) in enumerate(rows):
        y = i * (bar_h + gap) + 4
        w = max(2, round(span * n / top))
        parts.append(
            f'<text x="{left - 10}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{_e(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" rx="4" fill="{colour}"/>'
            f'<text x="{left + w + 8}" y="{y + 16}" font-size="13" fill="{MUTED}">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_top(value: int) -> int:
    """The smallest round number (1, 2, 2.5 or 5 times a power of ten, times 4) at or above."""
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        top = int(step * magnitude * 4)
        if top >= value and (step * magnitude) == int(step * magnitude):
            return top
    return value


def column_chart(rows: Sequence[tuple[str, int]], *, width: int = 960, height: int = 240) -> str:
    """Vertical columns over time (quarters), with a light grid."""
    if not rows:
        return '<p class="empty">No quarters in the period.</p>'
    left, bottom, top_pad = 40, 34, 18
    plot_h = height - bottom - top_pad
    top = _nice_top(max(n for _, n in rows))
    slot = (width - left - 10) / len(rows)
    col_w = min(48.0, slot * 0.62)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="columns">']
    for step in range(5):
        value = top * step / 4
        y = top_pad + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{value:.0f}</text>'
        )
    for i, (label, n) in enumerate(rows):
        x = left + slot * i + (slot - col_w) / 2
        h = plot_h * n / top
        y = top_pad + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" rx="3" '
            f'fill="{BLUE}"/>'
            f'<text x="{x + col_w / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="12" '
            f'fill="{INK}">{n}</text>'
            f'<text x="{x + col_w / 2:.1f}" y="{height - 12}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{_e(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def coverage_tiles(items: Sequence[dict[str, Any]], *, width: int = 960) -> str:
    """One tile per priority country, coloured by its coverage, grouped by route."""
    if not items:
        return '<p class="empty">No priority countries listed.</p>'
    routes: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        routes.setdefault(str(item["route"]), []).append(item)
    tile_w, tile_h, gap, label_h = 150, 58, 10, 26
    per_row = max(1, (width + gap) // (tile_w + gap))
    parts: list[str] = []
    y = 0
    for route, members in routes.items():
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13" font-weight="600" fill="{INK}">'
            f"{_e(route)}</text>"
        )
        y += label_h
        for i, item in enumerate(members):
            x = (i % per_row) * (tile_w + gap)
            row_y = y + (i // per_row) * (tile_h + gap)
            colour = STATUS_COLOURS.get(str(item["status"]), MUTED)
            until = item.get("covered_until")
            sub = f"{item['deployments']} ILO(s)" + (f" · to {until}" if until else "")
            name = str(item["name"])
            size = 14 if len(name) <= 15 else 11.5
            parts.append(
                f'<rect x="{x}" y="{row_y}" width="{tile_w}" height="{tile_h}" rx="8" '
                f'fill="{colour}"/>'
                f'<text x="{x + 12}" y="{row_y + 24}" font-size="{size}" font-weight="600" '
                f'fill="#fff">{_e(name)}</text>'
                f'<text x="{x + 12}" y="{row_y + 44}" font-size="11.5" fill="#fff">'
                f"{_e(sub)}</text>"
            )
        rows = (len(members) + per_row - 1) // per_row
        y += rows * (tile_h + gap) + 8
    head = f'<svg viewBox="0 0 {width} {y}" width="100%" role="img" aria-label="coverage">'
    legend = "".join(
        f'<span><i style="background:{c}"></i>{_e(STATUS_LABELS[k])}</span>'
        for k, c in STATUS_COLOURS.items()
    )
    return f'{head}{"".join(parts)}</svg><p class="legend">{legend}</p>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(value: object, label: str) -> str:
    return f'<div class="card"><b>{_e(value)}</b><span>{_e(label)}</span></div>'


def _section(title: str, lead: str, body: str) -> str:
    return f'<section><h2>{_e(title)}</h2><p class="lead">{_e(lead)}</p>{body}</section>'


def _pairs(
    rows: Sequence[dict[str, Any]], key: str, labels: dict[str, str] | None = None
) -> list[tuple[str, int]]:
    """(label, count) pairs; a row's `name`, or the label map's, stands for its code."""
    named = labels or {}
    return [(str(r.get("name") or named.get(str(r[key])) or r[key]), int(r["count"])) for r in rows]


def _gap_rows(items: Sequence[dict[str, Any]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for g in items:
        if g["status"] == "covered":
            continue
        options = "; ".join(
            f"{o['country']}: {', '.join(o['organisations'])}" for o in g["options"]
        )
        rows.append(
            [g["name"], STATUS_LABELS[g["status"]], g.get("covered_until") or "—", options or "—"]
        )
    return rows


def render_report(content: dict[str, Any]) -> str:
    """The report's HTML document, drawn from its data alone."""
    d = content["deployments"]
    gaps = content["gaps"]["items"]
    joint = d["joint"]
    networks = content["networks"]
    decisions = content["decisions"]
    period = content["period"]
    uncovered = sum(1 for g in gaps if g["status"] != "covered")
    cards = "".join(
        (
            _card(d["total"], "ILO deployments in service"),
            _card(len(d["by_host_country"]), "host countries"),
            _card(len(d["by_organisation"]), "deploying organisations"),
            _card(len(content["meetings"]), "Board meetings held"),
            _card(len(decisions["adopted"]), "decisions adopted"),
            _card(f"{uncovered} of {len(gaps)}", "priority countries without lasting coverage"),
        )
    )
    sections = [
        _section(
            "Deployments per host country",
            "ILOs in service at any time in the period, by the country they are deployed in "
            "(Art. 4(1) notifications).",
            bar_chart(_pairs(d["by_host_country"][:20], "country")),
        ),
        _section(
            "Deployments per quarter",
            "ILOs in service during each quarter.",
            column_chart(_pairs(d["per_quarter"], "quarter")),
        ),
        _section(
            "Coverage of the priority host countries",
            f"On {content['gaps']['on']}, with a horizon of {content['gaps']['horizon_days']} "
            f"days (Art. 8(2)(e)); list version {content['gaps']['list_version']}.",
            coverage_tiles(gaps),
        ),
        '<div class="two">'
        + _section(
            "By deploying organisation",
            "Member States, the Commission and Union agencies.",
            bar_chart(_pairs(d["by_organisation"][:15], "organisation"), width=460, left=110),
        )
        + _section(
            "By posting type",
            "Art. 2(2)(a)-(d).",
            bar_chart(
                _pairs(d["by_posting_type"], "posting_type", POSTING_LABELS),
                width=460,
                colour="#3f6fb5",
            ),
        )
        + "</div>",
        _section(
            "Joint deployments and representation",
            "Art. 6: representation of other Member States, shared tasks, joint deployment.",
            _table(
                ("", "deployments"),
                [
                    ("Deployed jointly by two or more Member States", joint["co_deployed"]),
                    (
                        "…of which eligible for Union support (Art. 6(3))",
                        joint["eu_funding_eligible"],
                    ),
                    ("Representing other Member States (Art. 6(1))", joint["representing"]),
                    ("Sharing tasks (Art. 6(2))", joint["sharing_tasks"]),
                ],
                "",
            ),
        ),
        _section(
            "Networks and their facilitators",
            f"Local and regional networks (Art. 5): {networks['count']} network(s), "
            f"{networks['without_facilitator']} without a facilitator.",
            _table(
                ("network", "scope", "countries", "members", "facilitated by", "meetings"),
                [
                    (
                        n["name"],
                        n["scope"],
                        ", ".join(n["countries"]),
                        n["members"],
                        n["facilitator_organisation"] or "none",
                        n["meetings"],
                    )
                    for n in networks["items"]
                ],
                "No networks are recorded for the period.",
            ),
        ),
        '<div class="two">'
        + _section(
            "Board meetings held",
            "Art. 7(7): at least two a year; each with its list of deployed ILOs (8(2)(d)).",
            _table(
                ("date", "location", "ILOs listed"),
                [(m["held_on"], m["location"], m["officers_listed"]) for m in content["meetings"]],
                "No meetings in the period.",
            ),
        )
        + _section(
            "Decisions adopted",
            f"Absolute majority of the voting members (Art. 7(8)); "
            f"{decisions['not_adopted']} other decision(s) not adopted.",
            _table(
                ("date", "decision", "yes / voting seats"),
                [
                    (a["decided_on"], a["title"], f"{a['yes']} / {a['voting_seats']}")
                    for a in decisions["adopted"]
                ],
                "No decisions adopted in the period.",
            ),
        )
        + "</div>",
        _section(
            "Gaps in deployment and options",
            "Priority countries without ILO coverage, or whose coverage ends within the horizon, "
            "and the organisations already deployed in a neighbouring country.",
            _table(
                ("country", "coverage", "covered until", "options (neighbour: organisations)"),
                _gap_rows(gaps),
                "Every priority country is covered beyond the horizon.",
            ),
        ),
    ]
    title = f"{content['title']} {period['from']} to {period['to']}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><div class="inner"><h1>{_e(content["title"])}</h1>'
        f"<p>{_e(period['from'])} to {_e(period['to'])} · version {_e(content['version'])} · "
        f"{_e(content['legal_basis'])}</p>"
        '<span class="badge">For transmission to the European Parliament (Art. 8(2))</span>'
        f'</div></header><main><div class="cards">{cards}</div>{"".join(sections)}'
        f"<footer>Priority countries: {_e(content['gaps']['source'])}<br>"
        "This report holds no personal data: deployments are counted, never named.</footer>"
        "</main></body></html>"
    )
