"""The record of processing activities as a page: its activities grouped by data-protection
regime, each regime with the items its article lists (GDPR Art. 30(1), EUDPR Art. 31(1), LED
Art. 24(1)), terms by name. Drawn by the `ropa` template from the record alone."""

from __future__ import annotations

from typing import Any

from app.pages import labels, render
from app.schemas.ropa import RopaActivityOut, RopaOut

REGIMES: dict[str, dict[str, str]] = {
    "gdpr": {
        "name": "General Data Protection Regulation (EU) 2016/679",
        "article": "Art. 30(1) GDPR",
        "security": "Art. 32(1) GDPR",
    },
    "eudpr": {
        "name": "Regulation (EU) 2018/1725 (Union institutions, bodies and agencies)",
        "article": "Art. 31(1) EUDPR",
        "security": "Art. 33(1) EUDPR",
    },
    "led": {
        "name": "Directive (EU) 2016/680 (law enforcement)",
        "article": "Art. 24(1) LED",
        "security": "Art. 29(1) LED",
    },
}

# What the platform does for every controller's records (the general description of technical
# and organisational measures the three articles ask for).
SECURITY_MEASURES = (
    "Personal data of data subjects are encrypted at rest with keys held apart from the "
    "database, and re-encrypted when a key is rotated.",
    "Every read and write of personal data is recorded in a tamper-evident audit trail in the "
    "same transaction as the access.",
    "Access is limited by organisation and role, from tokens of the organisation's own "
    "identity provider; every write is decided against the Regulation before it is made.",
    "Records are erased when their retention period ends (Art. 10(2)) and transfers are "
    "refused outside the Chapter V grounds.",
    "Documents exchanged on the platform are scanned and refused when they hold personal data.",
)


def _activity(a: RopaActivityOut) -> dict[str, Any]:
    return {
        "purpose": labels.term(a.purpose),
        "subjects": [labels.term(s) for s in a.data_subject_categories],
        "data": [labels.term(c) for c in a.data_categories],
        "special_category": a.special_category,
        "records": a.records,
        "erased": a.records_erased,
        "restricted": a.records_restricted,
        "retention_cap": a.retention_cap_days,
        "longest_retention": a.longest_retention_days,
        "recipients": [(labels.term(r.kind), r.recipient, r.exchanges) for r in a.recipients],
        "transfers": [
            (
                labels.country(t.destination),
                t.recipient,
                labels.term(t.recipient_type),
                f"{labels.term(t.ground)} ({t.rule})",
                t.reference,
                t.transfers,
                labels.long_date(t.first_on),
                labels.long_date(t.last_on),
            )
            for t in a.transfers
        ],
    }


def page_context(ropa: RopaOut) -> dict[str, Any]:
    regimes: dict[str, list[dict[str, Any]]] = {}
    for a in ropa.activities:
        regimes.setdefault(a.regime, []).append(_activity(a))
    return {
        "kind": "Record of processing activities",
        "title": f"Record of processing activities of {ropa.controller}",
        "subtitle": ropa.organisation,
        "issued_by": f"{ropa.controller}, controller",
        "generated_at": ropa.generated_at,
        "period": None,
        "version": None,
        "legal_basis": "Art. 30(1) GDPR, Art. 31(1) EUDPR, Art. 24(1) LED; "
        "Regulation (EU) 2019/1240, Art. 10",
        "badge": None,
        "controller": ropa.controller,
        "controller_contact": ropa.controller_contact,
        "dpo_contact": ropa.dpo_contact,
        "organisation": ropa.organisation,
        "regimes": [
            {
                **REGIMES.get(regime, {"name": labels.term(regime), "article": "", "security": ""}),
                "activities": activities,
            }
            for regime, activities in regimes.items()
        ],
        "measures": SECURITY_MEASURES,
    }


def to_html(ropa: RopaOut) -> str:
    """The record as a self-contained page (no script, no external resource)."""
    return render("ropa.html.j2", **page_context(ropa))
