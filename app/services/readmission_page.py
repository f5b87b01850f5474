"""The readmission sheet as a page: one third country's figures (Visa Code Art. 25a) arranged for
the `readmission_sheet` template, names for codes, each withheld figure as a marker with its
reason in words, the answers bar and the tiles from the same figures."""

from __future__ import annotations

from typing import Any

from app.pages import charts, labels, render
from app.schemas.statistics import ReadmissionSheet, StatisticsRow, Value

WITHHELD = "withheld"
OUTCOME_LABELS = {
    "confirmed": "Identity confirmed",
    "not_confirmed": "Not confirmed",
    "no_answer": "No answer",
    "awaiting": "No follow-up recorded yet",
}
MONTHLY = (
    ("requests_sent", "Identification requests sent", "requests"),
    ("answered", "Requests answered", "answers"),
    ("positive_rate", "Positive rate (identity confirmed, of the answers)", "per cent"),
    ("median_response_days", "Median response time", "days"),
    ("travel_documents_issued", "Travel documents issued", "documents"),
)


def shown(row: StatisticsRow, name: str) -> str:
    """A figure as the reader sees it: `withheld`, `—` when undefined, a rate in per cent."""
    if name in row.suppressed:
        return WITHHELD
    value = row.values.get(name)
    if value is None:
        return "—"
    if name == "positive_rate":
        return f"{float(value) * 100:.0f} %"
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def _chartable(row: StatisticsRow, name: str) -> int | str | None:
    """The figure as a whole number to draw; None (a marker) when withheld, `—` when it is not
    defined (a rate or median of a month without answers)."""
    if name in row.suppressed:
        return None
    value: Value = row.values.get(name)
    if value is None:
        return "—"
    return round(float(value) * 100) if name == "positive_rate" else round(float(value))


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{labels.MONTHS[int(month) - 1][:3]} {year}"


def _answers(sheet: ReadmissionSheet) -> list[dict[str, Any]]:
    """Each answer's count and its share of the requests sent, both from the sheet's figures:
    a share is shown only when the count and the requests sent are."""
    sent = sheet.totals.values.get("requests_sent")
    sent_shown = "requests_sent" not in sheet.totals.suppressed and isinstance(sent, int) and sent
    parts = []
    for name, label in OUTCOME_LABELS.items():
        value = sheet.outcomes.values.get(name)
        withheld = name in sheet.outcomes.suppressed
        share = (
            float(value) / float(sent) * 100
            if sent_shown and not withheld and isinstance(value, int) and isinstance(sent, int)
            else None
        )
        parts.append(
            {
                "name": name,
                "label": label,
                "count": WITHHELD if withheld else (value if value is not None else 0),
                "share": share,
                "withheld": withheld,
            }
        )
    return parts


def page_context(sheet: ReadmissionSheet) -> dict[str, Any]:
    t = sheet.totals
    country = labels.country(sheet.country)
    months = sheet.months
    return {
        "kind": "Readmission cooperation (Visa Code Art. 25a)",
        "title": f"Readmission cooperation with {country}",
        "subtitle": f"{labels.long_date(sheet.starts_on)} to {labels.long_date(sheet.ends_on)}",
        "issued_by": "ILONet, from the identification requests the ILOs recorded",
        "generated_at": sheet.generated_at,
        "period": {"start": sheet.starts_on, "end": sheet.ends_on},
        "version": None,
        "legal_basis": "Regulation (EC) No 810/2009, Art. 25a; Regulation (EU) 2019/1240, "
        "Art. 3(4) and 12",
        "badge": None,
        "country": country,
        "tiles": [
            (shown(t, "requests_sent"), "identification requests sent"),
            (shown(t, "answered_within_30_days"), "answered within 30 days"),
            (shown(t, "median_response_days"), "days: median response time"),
            (shown(t, "positive_rate"), "positive rate: identity confirmed, of the answers"),
            (shown(t, "travel_documents_issued"), "travel documents issued"),
        ],
        "answers": _answers(sheet),
        "charts": [
            (
                title,
                unit,
                charts.columns([(_month_label(m.key), _chartable(m, name), False) for m in months]),
            )
            for name, title, unit in MONTHLY
        ],
        "measures": [(m.name, m.title) for m in sheet.measures],
        "rows": [
            (_month_label(m.key), [shown(m, measure.name) for measure in sheet.measures])
            for m in months
        ],
        "total_row": [shown(t, m.name) for m in sheet.measures],
        "withheld_count": sheet.suppression.suppressed_cells,
        "threshold": sheet.suppression.threshold,
    }


def render_sheet(sheet: ReadmissionSheet) -> str:
    """The sheet's page: inline style and SVG, no script, nothing loaded from anywhere."""
    return render("readmission_sheet.html.j2", **page_context(sheet))
