"""Impact analysis of ending one adequacy decision, on 100k recorded transfers.

    python -m bench.impact [--transfers 100000] [--repeats 3] [--json]

Starts its own embedded PostgreSQL in a temporary directory, migrates a database, seeds (as
the owner, with COPY-free `INSERT ... SELECT generate_series`) one authority and officer per
organisation, 2,000 processing records and `--transfers` transfers to the United Kingdom under
adequacy decision 2021/1772 over the last twelve months (recipients, purposes and dates varied),
then times the first page of `app.services.reference_impact_analysis.analyse` for the change
"2021/1772 ends on the first day of next month" — as a COM reference admin (every
organisation's counts), as NL's DPO (its own flows in detail) and as NL's DPO with
`include=transfer_ids` — and walks every page of the last, reporting the largest page in bytes
(as the response body renders it; the target is 1 MB). Each time is the median of `--repeats`
runs after one warm-up; the analysis is read-only, so runs do not disturb each other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import date
from typing import Any

import asyncpg

from app.config import APP_DB_ROLE
from app.db import migrate, transfer_flows
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from app.schemas.reference_impact import ImpactIn, ImpactOut
from app.security import Principal
from app.services.reference_impact_analysis import PageRequest, analyse
from app.workers import WorkerPool, install
from bench.policy_decisions import environment
from bench.scratch import on_scratch_database

DATABASE = "ilonet_bench_impact"
ORGS = ("NL", "BE", "FR", "DE")
RECORDS = 2000
SECRET = b"bench-impact-cursor-secret"
PAGE_MAX_BYTES = 1_048_576  # the default ILONET_PAGE_MAX_BYTES
LIMIT = 50  # the route's default page size


async def seed(url: str, transfers: int, distinct: int = 0) -> None:
    """The data set above; with `distinct`, each transfer's details also carry one of that many
    assessment references, so the transfers make about that many more distinct flows."""
    c = await asyncpg.connect(url)
    try:
        await c.execute(
            "INSERT INTO authority (id, organisation, name, authority_kind) "
            "SELECT gen_random_uuid(), o, o || ' immigration', 'immigration' "
            "FROM unnest($1::text[]) o",
            list(ORGS),
        )
        await c.execute(
            "INSERT INTO officer (id, organisation, authority_id, surname, given_names, "
            "expertise, version) SELECT gen_random_uuid(), a.organisation, a.id, 'Bench', "
            "'Officer', '{}', 1 FROM authority a"
        )
        await c.execute(
            """
            INSERT INTO processing_record (id, officer_id, organisation, authority_id, purpose,
              data_categories, data_subject_category, regime, special_category, subject_fields,
              necessity_justification, began_on, retain_until, obligations, decision_id,
              policy_version, created_by, version, created_at, updated_at)
            SELECT gen_random_uuid(), o.id, o.organisation, o.authority_id,
              (ARRAY['return','legal_migration','resettlement'])[1 + i % 3],
              ARRAY['a_return_identity'], 'returnee', 'gdpr', false, ARRAY['surname'],
              'bench', current_date - 400, current_date + 180, '[]'::jsonb, 'bench', 'bench',
              'bench', 1, now() - interval '400 days', now()
            FROM generate_series(1, $1::int) i
            JOIN (SELECT *, row_number() OVER () - 1 AS n FROM officer) o
              ON o.n = i % $2::int
            """,
            RECORDS,
            len(ORGS),
        )
        await c.execute(
            """
            WITH r AS (SELECT id, organisation, row_number() OVER () - 1 AS n
                       FROM processing_record)
            INSERT INTO transfer (id, processing_record_id, organisation, recipient_name,
              recipient_type, recipient_is_law_enforcement, destination_country,
              requested_basis, details, fields_disclosed, justification, transfer_on,
              basis_ground, basis_rule, basis_reference, decision_id, policy_version,
              recorded_by)
            SELECT gen_random_uuid(), r.id, r.organisation,
              (ARRAY['Home Office Immigration Enforcement','UK Border Force',
                     'UK Visas and Immigration','HM Passport Office'])[1 + i % 4],
              'public_authority', false, 'GB',
              (ARRAY['adequacy','adequacy','adequacy','public_interest'])[1 + i % 4],
              CASE WHEN $3::int > 0 THEN jsonb_build_object('adequacy_decision_id', '2021/1772',
                'assessment_reference', 'A-' || (i % $3::int))
              ELSE '{"adequacy_decision_id": "2021/1772"}'::jsonb END, ARRAY['surname'], 'bench',
              current_date - (i % 360), 'adequacy', 'GDPR-45', '2021/1772', 'bench', 'bench',
              'bench'
            FROM generate_series(1, $1::int) i JOIN r ON r.n = i % $2::int
            """,
            transfers,
            RECORDS,
            distinct,
        )
        # the flow counts the transfer action keeps, for the transfers inserted here
        await c.execute(transfer_flows.FILL)
        await c.execute("ANALYZE")
    finally:
        await c.close()


def principal(org: str, role: str) -> Principal:
    return Principal(
        iss="bench",
        sub=f"bench-{role}",
        org=org,
        roles=frozenset({role}),
        officer_id=None,
        scopes=frozenset(),
    )


async def run(server: EmbeddedPostgres, args: argparse.Namespace) -> dict[str, Any]:
    owner = server.url(database=DATABASE)
    await asyncio.to_thread(migrate.upgrade, owner)
    started = time.perf_counter()
    await seed(owner, args.transfers)
    seeded = time.perf_counter() - started
    engine = make_engine(server.url(user=APP_DB_ROLE, database=DATABASE))
    sessions = make_sessionmaker(engine)
    today = date.today()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    body = ImpactIn.model_validate(
        {
            "change": {
                "kind": "adequacy_ended",
                "adequacy_decision_id": "2021/1772",
                "on": first.isoformat(),
            },
            "months": 12,
        }
    )
    results: dict[str, Any] = {"seed_seconds": round(seeded, 2)}
    # the flows are judged in worker processes, as in the server (two, its default)
    pool = install(WorkerPool(processes=2))
    await pool.start()

    def request(with_ids: bool, cursor: str | None = None) -> PageRequest:
        return PageRequest(LIMIT, cursor, with_ids, SECRET, PAGE_MAX_BYTES)

    try:
        for name, who, with_ids in (
            ("com_reference_admin", principal("COM", "reference_admin"), False),
            ("nl_dpo", principal("NL", "dpo"), False),
            ("nl_dpo_transfer_ids", principal("NL", "dpo"), True),
        ):
            times, answer = [], None
            for attempt in range(args.repeats + 1):
                async with sessions() as session:
                    begin = time.perf_counter()
                    answer = await analyse(
                        session=session, principal=who, body=body, page=request(with_ids)
                    )
                    if attempt:
                        times.append(time.perf_counter() - begin)
            assert answer is not None
            results[name] = {
                "median_seconds": round(statistics.median(times), 3),
                "min_seconds": round(min(times), 3),
                "max_seconds": round(max(times), 3),
                "transfers_evaluated": answer.transfers_evaluated,
                "affected_flows": answer.affected_flows,
                "groups": answer.groups_total,
                "first_page_bytes": len(answer.model_dump_json()),
            }
        results["pages"] = await walk(sessions, principal("NL", "dpo"), body, request)
    finally:
        pool.close()
        await engine.dispose()
    return results


async def walk(sessions: Any, who: Principal, body: ImpactIn, request: Any) -> dict[str, Any]:
    """Every page of NL's analysis with its transfer ids: how many, the largest, the slowest."""
    sizes, times, ids, cursor = [], [], 0, None
    while True:
        async with sessions() as session:
            begin = time.perf_counter()
            page: ImpactOut = await analyse(
                session=session, principal=who, body=body, page=request(True, cursor)
            )
            times.append(time.perf_counter() - begin)
        sizes.append(len(page.model_dump_json()))
        ids += sum(len(g.transfer_ids or ()) for g in page.groups)
        cursor = page.next_cursor
        if cursor is None:
            return {
                "count": len(sizes),
                "max_bytes": max(sizes),
                "max_seconds": round(max(times), 3),
                "transfer_ids": ids,
                "affected_flows": page.affected_flows,
            }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = on_scratch_database(
        "ilonet-bench-impact-", DATABASE, lambda server: run(server, args)
    )
    env = environment()
    print(
        f"impact of ending 2021/1772 on {args.transfers} transfers (seeded in "
        f"{results['seed_seconds']} s); Python {env['python']}, nproc {env['nproc_available']}"
    )
    for name in ("com_reference_admin", "nl_dpo", "nl_dpo_transfer_ids"):
        r = results[name]
        print(
            f"  first page, {name:20} median {r['median_seconds']:.3f} s (min "
            f"{r['min_seconds']:.3f}, max {r['max_seconds']:.3f}); {r['first_page_bytes']} "
            f"bytes; {r['transfers_evaluated']} evaluated, {r['affected_flows']} affected, "
            f"{r['groups']} groups listed"
        )
    p = results["pages"]
    print(
        f"  every page of nl_dpo_transfer_ids: {p['count']} pages, largest {p['max_bytes']} "
        f"bytes, slowest {p['max_seconds']:.3f} s; {p['transfer_ids']} ids of "
        f"{p['affected_flows']} affected transfers"
    )
    if args.json:
        print(json.dumps({"benchmark": "impact", **env, "transfers": args.transfers, **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
