"""Seeding the harness's data set fast: clone real rows (written through the API) in SQL.

Every bulk table is filled by `INSERT ... SELECT ... FROM <template row>, generate_series(...)`
in chunks (one transaction each, so the audit events get distinct transaction ids), with new
primary keys and the varying columns computed from the series index. Cloned processing records
keep the template's ciphertext (bound to the template's id, so only the template decrypts);
nothing else reads a clone's personal data.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

CHUNK = 50_000

# 105 host countries (ISO 3166-1 alpha-2) outside the participants.
COUNTRIES = [
    "SN",
    "ML",
    "MR",
    "GM",
    "GN",
    "CI",
    "GH",
    "NG",
    "NE",
    "TD",
    "SD",
    "SS",
    "ET",
    "ER",
    "DJ",
    "SO",
    "KE",
    "UG",
    "TZ",
    "RW",
    "BI",
    "CD",
    "CG",
    "CM",
    "GA",
    "GQ",
    "CF",
    "AO",
    "ZM",
    "ZW",
    "MW",
    "MZ",
    "ZA",
    "NA",
    "BW",
    "LS",
    "SZ",
    "MG",
    "MU",
    "KM",
    "SC",
    "TN",
    "DZ",
    "MA",
    "LY",
    "EG",
    "JO",
    "LB",
    "SY",
    "IQ",
    "IR",
    "AF",
    "PK",
    "IN",
    "BD",
    "LK",
    "NP",
    "BT",
    "MM",
    "TH",
    "LA",
    "KH",
    "VN",
    "MY",
    "ID",
    "PH",
    "CN",
    "MN",
    "KZ",
    "UZ",
    "TM",
    "KG",
    "TJ",
    "AZ",
    "AM",
    "GE",
    "TR",
    "UA",
    "MD",
    "BY",
    "RS",
    "BA",
    "ME",
    "MK",
    "AL",
    "XK",
    "BR",
    "AR",
    "CO",
    "PE",
    "VE",
    "EC",
    "BO",
    "PY",
    "UY",
    "CL",
    "MX",
    "GT",
    "HN",
    "SV",
    "NI",
    "CR",
    "PA",
    "CU",
    "DO",
    "HT",
    "JM",
]


@dataclass(frozen=True, slots=True)
class Scale:
    officers: int
    deployments: int
    records: int
    transfers: int
    audit_events: int
    expired_records: int
    duration_s: int
    users: int


SCALES = {
    "tiny": Scale(5, 50, 200, 50, 2_000, 100, 3, 4),
    "small": Scale(100, 2_000, 20_000, 5_000, 50_000, 2_000, 15, 32),
    "full": Scale(500, 20_000, 1_000_000, 100_000, 1_000_000, 10_000, 30, 32),
}


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.started = label, total, 0, time.perf_counter()

    def advance(self, n: int) -> None:
        self.done += n
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        sys.stderr.write(
            f"\r  {self.label:<22} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:>9,}/{self.total:,} {rate:>9,.0f}/s"
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


async def columns(conn: Any, table: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
        " AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position",
        table,
    )
    return [str(r[0]) for r in rows]


async def clone(
    conn: Any,
    table: str,
    n: int,
    *,
    template: str,
    overrides: dict[str, str],
    label: str | None = None,
    args: tuple[Any, ...] = (),
) -> None:
    """Insert `n` copies of the row `template` selects, with `overrides` (SQL of `g`, the
    series index, and `args` as $3...)."""
    names = await columns(conn, table)
    exprs = ", ".join(overrides.get(c, f't."{c}"') for c in names)
    listed = ", ".join(f'"{c}"' for c in names)
    sql = (
        f'INSERT INTO "{table}" ({listed}) SELECT {exprs} FROM '
        f"({template} LIMIT 1) t, generate_series($1::int, $2::int) g"
    )
    progress = Progress(label or table, n)
    start = 1
    while start <= n:
        end = min(n, start + CHUNK - 1)
        await conn.execute(sql, start, end, *args)
        progress.advance(end - start + 1)
        start = end + 1
    if n == 0:
        progress.advance(0)
