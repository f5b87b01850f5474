"""Information loss of the disclosure control: the share of published count figures withheld,
on the seeded data of tests/routers/test_statistics_attack.py and on the README walkthrough's
data, per period; in-process, no database (the figures go through the same functions as the
answers: app/services/statistics_readmission.py protected_months and the deployment margins).

    .venv/bin/python -m bench.disclosure_loss [--threshold 5]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from app.policies.disclosure import protect
from app.services.statistics import TOTAL, TRANSFER_TABLES, Period, margins, months
from app.services.statistics_readmission import (
    MEASURES,
    OUTCOMES,
    Request,
    protected_months,
    verdicts,
)

FIRST = date(2026, 1, 1)
# What a country's row and sheet publish: the measures, and the answers besides "confirmed".
FIGURES = {m.name for m in (*MEASURES, *OUTCOMES)}


def _month(index: int, day: int) -> date:
    return date(2026, index + 1, day)


def _request(country: str, month: int, outcome: str | None, after: int, doc: bool = False,
             accepted: bool = False) -> Request:  # fmt: skip
    sent = _month(month, 4)
    answered = sent + timedelta(days=after) if outcome else None
    return Request(
        country=country,
        sent_on=sent,
        outcome=outcome,
        answered_on=answered if outcome in {"confirmed", "not_confirmed"} else None,
        travel_document_issued_on=answered if doc else None,
        return_operation_accepted=accepted,
    )


def seeded() -> list[Request]:
    """The attack test's seed: 23 requests to SN and GN over three months."""
    return [
        *[_request("SN", 0, "confirmed", 10, i < 2, i == 0) for i in range(5)],
        _request("SN", 0, "not_confirmed", 40),
        _request("SN", 0, None, 0),
        *[_request("GN", 0, "confirmed", 5) for _ in range(2)],
        *[_request("SN", 1, "confirmed", 20) for _ in range(6)],
        *[_request("SN", 2, "not_confirmed", 1) for _ in range(3)],
        *[_request("SN", 2, None, 0) for _ in range(2)],
        *[_request("GN", 2, None, 0) for _ in range(3)],
    ]


def walkthrough() -> list[Request]:
    """The README walkthrough: one identification request to SN, confirmed."""
    return [_request("SN", 0, "confirmed", 3, doc=True)]


def volume() -> list[Request]:
    """For scale: 12, 25 and 40 requests a month to SN, GN and MA over three months, answers
    cycling through the outcomes and response times."""
    outcomes = ("confirmed", "confirmed", "not_confirmed", "no_answer", None)
    return [
        _request(country, month, outcomes[i % 5], (i * 7) % 90, doc=i % 3 == 0, accepted=i % 4 == 0)
        for month in range(3)
        for country, n in (("SN", 12), ("GN", 25), ("MA", 40))
        for i in range(n + month)
    ]


def _transfers(requests: Sequence[Request]) -> dict[str, dict[str, Counter[str]]]:
    """Every request is a transfer for return to its country on the public-interest ground."""
    found: dict[str, dict[str, Counter[str]]] = {}
    for r in requests:
        month = found.setdefault(f"{r.sent_on:%Y-%m}", {t: Counter() for t in TRANSFER_TABLES})
        month["by_destination"][r.country] += 1
        month["by_basis"]["public_interest"] += 1
        month["by_purpose"]["return"] += 1
    return found


def loss(requests: Sequence[Request], period: Period, threshold: int) -> dict[str, str]:
    """Withheld of published count figures, per section, for one period."""
    transfers = _transfers(requests)
    protected = protected_months(transfers, requests, period, threshold)
    readmission = [0, 0]
    for country in sorted({r.country for r in requests if r.sent_on >= period.starts_on
                           and r.sent_on <= period.ends_on}):  # fmt: skip
        withheld = verdicts([m.countries.get(country, frozenset()) for m in protected])
        readmission[0] += len(set(withheld) & FIGURES)
        readmission[1] += len(FIGURES)
    cells = set().union(*(m.transfers for m in protected))
    sums: Counter[str] = Counter()
    for month in months(period):
        for tab, counter in transfers.get(month, {}).items():
            sums.update({f"{tab}\t{k}": n for k, n in counter.items()})
    return {
        "readmission": f"{readmission[0]} of {readmission[1]}",
        "transfers": f"{len(cells & set(sums))} of {len(sums)}",
    }


def deployments(counts: dict[str, Counter[str]], threshold: int) -> str:
    values, lines = margins(counts)
    withheld = protect(values, lines, threshold, listed=list(values))
    rows = [name for name in values if name != TOTAL]
    return f"{len(withheld & set(rows))} of {len(rows)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=int, default=5)
    threshold = parser.parse_args().threshold
    runs = [(0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (0, 2)]
    started = time.perf_counter()
    for name, data in (("seeded", seeded()), ("walkthrough", walkthrough()), ("volume", volume())):
        for first, last in runs:
            if name == "walkthrough" and (first, last) != (0, 0):
                continue
            period = Period.whole_months(_month(first, 1), _month(last, 1))
            print(name, f"months {first + 1}-{last + 1}", loss(data, period, threshold))
    one = {"by_host_country": Counter({"SN": 1}), "by_posting_type": Counter({"single": 1}),
           "by_organisation": Counter({"NL": 1})}  # fmt: skip
    print("deployments (one in post, both data)", deployments(one, threshold))
    print(f"{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
