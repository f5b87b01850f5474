"""The readmission-cooperation sheet as one self-contained HTML page: inline SVG charts of the
monthly indicators, one stylesheet allowed by its hash, nothing loaded from anywhere."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from html import escape

from app.schemas.statistics import ReadmissionSheet, StatisticsRow, Value

STYLE = """
:root { --ink:#1d2733; --muted:#5b6675; --line:#d8dde4; --blue:#1f4e96; --teal:#1c8c7c;
  --amber:#c7831b; --red:#b03a2e; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 "DejaVu Sans", Arial, sans-serif; color:var(--ink);
  background:var(--bg); }
main { max-width:1120px; margin:0 auto; padding:28px 32px 40px; background:#fff; }
header { border-bottom:3px solid var(--blue); padding-bottom:14px; margin-bottom:18px; }
header .kicker { color:var(--muted); text-transform:uppercase; letter-spacing:.08em;
  font-size:11px; }
h1 { margin:4px 0 2px; font-size:26px; }
h2 { font-size:16px; margin:26px 0 8px; border-bottom:1px solid var(--line);
  padding-bottom:4px; }
.meta { color:var(--muted); font-size:12px; }
.tiles { display:grid; grid-template-columns:repeat(5, 1fr); gap:12px; margin:16px 0 4px; }
.tile { border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.tile .label { color:var(--muted); font-size:11px; text-transform:uppercase;
  letter-spacing:.05em; }
.tile .value { font-size:24px; font-weight:bold; margin-top:2px; }
.tile .sub { color:var(--muted); font-size:12px; }
.charts { display:grid; grid-template-columns:1fr 1fr; gap:18px; }
figure { margin:0; border:1px solid var(--line); border-radius:6px; padding:10px 12px 6px; }
figcaption { font-weight:bold; font-size:13px; margin-bottom:4px; }
figcaption span { font-weight:normal; color:var(--muted); }
svg text { font-family:"DejaVu Sans", Arial, sans-serif; font-size:10px; fill:#5b6675; }
svg .axis { stroke:#b9c0ca; stroke-width:1; }
svg .grid { stroke:#eceff3; stroke-width:1; }
svg .ref { stroke:#c7831b; stroke-width:1; stroke-dasharray:4 3; }
svg .gap { fill:#f1e4e2; }
table { border-collapse:collapse; width:100%; font-size:12px; margin-top:6px; }
th, td { border-bottom:1px solid var(--line); padding:5px 6px; text-align:right; }
th:first-child, td:first-child { text-align:left; }
th { color:var(--muted); font-weight:normal; font-size:11px; }
td.withheld { color:var(--red); }
.legend { display:flex; gap:14px; font-size:11px; color:var(--muted); margin:2px 0 0; }
.swatch { display:inline-block; width:10px; height:10px; margin-right:4px;
  vertical-align:middle; }
.s-blue { background:var(--blue); } .s-teal { background:var(--teal); }
.s-amber { background:var(--amber); } .s-grey { background:#b9c0ca; }
.s-red { background:var(--red); } .s-gap { background:#f1e4e2; }
.outcomes { display:flex; height:22px; border-radius:4px; overflow:hidden;
  border:1px solid var(--line); }
.note { font-size:12px; color:var(--muted); border-left:3px solid var(--amber);
  padding:6px 10px; background:#fbf7ef; margin-top:18px; }
@media print { body { background:#fff; } main { padding:0; } }
""".strip()
SHEET_CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()}'; "
    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
BLUE, TEAL, AMBER, GREY, RED = "#1f4e96", "#1c8c7c", "#c7831b", "#b9c0ca", "#b03a2e"
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 520, 210, 40, 10, 12, 34


def _fmt(name: str, value: Value, row: StatisticsRow, threshold: int) -> str:
    if name in row.suppressed:
        # Not "<threshold": a complementary count or a rate can be any value (ILO-12, ILO-12r).
        verdict = row.withheld.get(name)
        rule = f" ({verdict.rule})" if verdict is not None else ""
        return f'<abbr title="withheld{rule}">withheld</abbr>'
    if value is None:
        return "-"
    if name == "positive_rate":
        return f"{float(value) * 100:.0f}%"
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def _nice_max(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * 4)
    return float(value)


def _frame(labels: Sequence[str], top: float, fmt: Callable[[float], str]) -> list[str]:
    """Axes, grid lines with their values, month labels."""
    inner_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        y = TOP + inner_h - inner_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 3}" text-anchor="end">{fmt(top * i / 4)}</text>'
        )
    base = TOP + inner_h
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>')
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for i, label in enumerate(labels):
        x = LEFT + slot * (i + 0.5)
        year, month = label.split("-")
        parts.append(f'<text x="{x}" y="{base + 13}" text-anchor="middle">{month}</text>')
        if i == 0 or month == "01":
            parts.append(f'<text x="{x}" y="{base + 25}" text-anchor="middle">{year}</text>')
    return parts


def _svg(title: str, parts: list[str]) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )


def _withheld_band(i: int, slot: float) -> str:
    x = LEFT + slot * i
    return (
        f'<rect class="gap" x="{x + 1:.1f}" y="{TOP}" width="{slot - 2:.1f}" '
        f'height="{HEIGHT - TOP - BOTTOM}"><title>withheld</title></rect>'
    )


def bar_chart(
    title: str, months: Sequence[StatisticsRow], series: Sequence[tuple[str, str]]
) -> str:
    """Grouped bars, one group per month; a withheld value is a shaded band."""
    labels = [m.key for m in months]
    values = [float(m.values.get(n) or 0) for m in months for n, _ in series]
    top = _nice_max(max([*values, 1.0]))
    parts = _frame(labels, top, lambda v: f"{v:.0f}")
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    inner_h = HEIGHT - TOP - BOTTOM
    width = slot * 0.7 / len(series)
    for i, month in enumerate(months):
        if any(n in month.suppressed for n, _ in series):
            parts.insert(0, _withheld_band(i, slot))
        for j, (name, colour) in enumerate(series):
            value = month.values.get(name)
            if value is None:
                continue
            h = inner_h * float(value) / top
            x = LEFT + slot * i + slot * 0.15 + width * j
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + inner_h - h:.1f}" width="{width - 1:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{month.key} {name}: {value}</title>'
                "</rect>"
            )
    return _svg(title, parts)


def line_chart(
    title: str,
    months: Sequence[StatisticsRow],
    name: str,
    colour: str,
    *,
    top: float | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:.0f}",
    references: Sequence[float] = (),
) -> str:
    """A line through the months that have a value; gaps where it is withheld or undefined."""
    labels = [m.key for m in months]
    values = [m.values.get(name) for m in months]
    known = [float(v) for v in values if v is not None]
    top = top or _nice_max(max([*known, *references, 1.0]))
    parts = _frame(labels, top, fmt)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    inner_h = HEIGHT - TOP - BOTTOM
    for ref in references:
        y = TOP + inner_h - inner_h * ref / top
        parts.append(f'<line class="ref" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text x="{LEFT + 4}" y="{y - 3}" text-anchor="start">{ref:.0f} d</text>')
    run: list[str] = []
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        if name in month.suppressed:
            parts.insert(0, _withheld_band(i, slot))
        if value is None:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
            run = []
            continue
        x, y = LEFT + slot * (i + 0.5), TOP + inner_h - inner_h * float(value) / top
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{month.key}: '
            f"{fmt(float(value))}</title></circle>"
        )
    if len(run) > 1:
        parts.append(
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    return _svg(title, parts)


def _tile(label: str, value: str, sub: str = "") -> str:
    return (
        f'<div class="tile"><div class="label">{label}</div><div class="value">{value}</div>'
        f'<div class="sub">{sub}</div></div>'
    )


def _outcome_bar(sheet: ReadmissionSheet, threshold: int) -> str:
    row = sheet.outcomes
    colours = {
        "confirmed": (TEAL, "teal"),
        "not_confirmed": (RED, "red"),
        "no_answer": (AMBER, "amber"),
        "awaiting": (GREY, "grey"),
    }
    total = sum(int(v or 0) for v in row.values.values()) or 1
    width = WIDTH * 2
    x, parts, legend = 0.0, [], []
    for name, (colour, swatch) in colours.items():
        value = row.values.get(name)
        shown = _fmt(name, value, row, threshold)
        if value and name not in row.suppressed:
            shown += f" ({int(value) / total * 100:.0f}%)"
        legend.append(
            f'<span><span class="swatch s-{swatch}"></span>{name.replace("_", " ")}: {shown}</span>'
        )
        if value:
            w = width * int(value) / total
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="22" fill="{colour}">'
                f"<title>{name}: {value}</title></rect>"
            )
            x += w
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 22" width="100%" '
        'height="22" preserveAspectRatio="none" role="img" aria-label="Answers">'
        f"{''.join(parts)}</svg>"
    )
    return f'<div class="outcomes">{svg}</div><div class="legend">{"".join(legend)}</div>'


def _month_table(sheet: ReadmissionSheet, threshold: int) -> str:
    names = [m.name for m in sheet.measures]
    head = "".join(f"<th>{escape(m.title)}</th>" for m in sheet.measures)
    rows = []
    for row in [*sheet.months, sheet.totals]:
        label = "Period" if row is sheet.totals else row.key
        cells = "".join(
            f'<td class="{"withheld" if n in row.suppressed else ""}">'
            f"{_fmt(n, row.values.get(n), row, threshold)}</td>"
            for n in names
        )
        strong = " ".join(("<strong>", label, "</strong>")) if row is sheet.totals else label
        rows.append(f"<tr><td>{strong}</td>{cells}</tr>")
    return (
        f"<table><thead><tr><th>Month sent</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_sheet(sheet: ReadmissionSheet) -> str:
    """The page a desk officer reads: key figures, the answers, four monthly charts, the table."""
    threshold = sheet.suppression.threshold
    t = sheet.totals
    sent = _fmt("requests_sent", t.values.get("requests_sent"), t, threshold)
    answered = t.values.get("answered")
    within_30 = t.values.get("answered_within_30_days")
    share_30 = (
        f"{int(within_30) / int(answered) * 100:.0f}% of answers"
        if isinstance(within_30, int) and isinstance(answered, int) and answered
        else ""
    )
    tiles = "".join(
        (
            _tile("Requests sent", sent),
            _tile(
                "Answered ≤ 30 days",
                _fmt("answered_within_30_days", within_30, t, threshold),
                share_30,
            ),
            _tile(
                "Median response",
                _fmt("median_response_days", t.values.get("median_response_days"), t, threshold),
                "days from request to answer",
            ),
            _tile(
                "Positive rate",
                _fmt("positive_rate", t.values.get("positive_rate"), t, threshold),
                "answers confirming identity",
            ),
            _tile(
                "Travel documents",
                _fmt(
                    "travel_documents_issued", t.values.get("travel_documents_issued"), t, threshold
                ),
                "issued for these requests",
            ),
        )
    )
    months = sheet.months
    charts = "".join(
        (
            "<figure><figcaption>Requests sent and answered <span>per month of the request"
            "</span></figcaption>"
            + bar_chart(
                "Requests sent and answered", months, [("requests_sent", BLUE), ("answered", TEAL)]
            )
            + '<div class="legend"><span><span class="swatch s-blue"></span>sent</span>'
            '<span><span class="swatch s-teal"></span>answered</span>'
            '<span><span class="swatch s-gap"></span>withheld</span></div></figure>',
            "<figure><figcaption>Positive rate <span>confirmed / answered</span></figcaption>"
            + line_chart(
                "Positive rate",
                months,
                "positive_rate",
                TEAL,
                top=1.0,
                fmt=lambda v: f"{v * 100:.0f}%",
            )
            + "</figure>",
            "<figure><figcaption>Median response time <span>days, with the 30 and 60 day marks"
            "</span></figcaption>"
            + line_chart(
                "Median response days", months, "median_response_days", BLUE, references=(30, 60)
            )
            + "</figure>",
            "<figure><figcaption>Travel documents issued <span>for the month's requests"
            "</span></figcaption>"
            + bar_chart("Travel documents issued", months, [("travel_documents_issued", AMBER)])
            + "</figure>",
        )
    )
    country = escape(sheet.country)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Readmission cooperation — {country}</title><style>{STYLE}</style></head><body>"
        "<main><header>"
        '<div class="kicker">ILONet · Visa Code Art. 25a · readmission cooperation</div>'
        f"<h1>Third country {country}</h1>"
        f'<div class="meta">Identification requests sent by immigration liaison officers from '
        f"{sheet.starts_on:%d %B %Y} to {sheet.ends_on:%d %B %Y} · generated "
        f"{sheet.generated_at:%Y-%m-%d %H:%M} UTC · aggregated figures, no personal data</div>"
        f'</header><section class="tiles">{tiles}</section>'
        f"<h2>Answers to the period's requests</h2>{_outcome_bar(sheet, threshold)}"
        f'<h2>Month by month</h2><section class="charts">{charts}</section>'
        f"<h2>Figures</h2>{_month_table(sheet, threshold)}"
        f'<p class="note"><strong>Withheld cells.</strong> {escape(sheet.suppression.note)} '
        f"{sheet.suppression.suppressed_cells} figure(s) withheld on this sheet, shown as "
        "“withheld”.</p>"
        "</main></body></html>"
    )
