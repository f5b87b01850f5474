"""Policy decisions per second, in process, no database.

    python -m bench.policy_decisions [--seconds 2] [--repeats 5] [--cpu] [--json]

Each case calls app.policies.evaluate(action, facts) on realistic facts built from the shipped
reference data (app.reference: adequacy decisions, transfer instruments, participants), exactly
as a service hands them over. A case is warmed up, then timed in `--repeats` repetitions of
`--seconds / --repeats` each with time.perf_counter; the table gives the median and the range of
the repetitions. `--cpu` times with time.process_time instead: decisions per CPU second of the
process, what a core does when the machine is shared. `--json` adds one JSON line with the same
figures at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from app.policies import Actor, Decision, DeploymentFacts, TransferFacts, evaluate
from app.reference import (
    load_adequacy_decisions,
    load_participants,
    load_transfer_instruments,
    reference_digest,
)

BATCH_SECONDS = 0.01  # calls are timed in batches of about this long
WARMUP_SECONDS = 0.2


def environment() -> dict[str, Any]:
    """The machine facts every benchmark reports with its figures."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "nproc": os.cpu_count(),
        "nproc_available": len(os.sched_getaffinity(0)),
    }


# --- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    action: str
    facts: object
    allowed: bool
    rules: tuple[str, ...]  # the basis rule when allowed, the violated rules when denied


def outcome(decision: Decision) -> tuple[bool, tuple[str, ...]]:
    if decision.allowed:
        return True, (decision.basis.rule,) if decision.basis else ()
    return False, tuple(dict.fromkeys(decision.violated_rules))


def cases() -> list[Case]:
    participants = load_participants()
    adequacy = load_adequacy_decisions()
    instruments = load_transfer_instruments()

    # A Dutch deploying authority notifies an ILO posted to Dakar, covering the region.
    authority = Actor(sub="da-nl", org="NL", roles=frozenset({"deploying_authority"}))
    plan = DeploymentFacts(
        actor=authority,
        officer_org="NL",
        deployer_kind="member_state",
        posting_type="member_state_mission",
        host_country="SN",
        city="Dakar",
        region_countries=("GM", "ML", "MR"),
        topics=("b_migration_flows", "c_routes", "i_return_readmission"),
        tasks=("return",),
        starts_on=date(2026, 9, 1),
        ends_on=date(2029, 8, 31),
        participants=participants,
    )
    # The same notification with a Member State as host and no end date: ILO-2.2 and ILO-4.1.
    plan_denied = replace(plan, host_country="FR", city="Paris", region_countries=(), ends_on=None)

    # A Dutch ILO asks the Senegalese border police to confirm a returnee's identity.
    ilo = Actor(sub="ilo-nl-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-nl-1")
    senegal = TransferFacts(
        actor=ilo,
        controller_org="NL",
        regime="gdpr",
        record_officer_id="off-nl-1",
        record_fields=frozenset(
            {
                "surname",
                "given_names",
                "date_of_birth",
                "nationality",
                "travel_document",
                "protection_status",
            }
        ),
        purpose="return",
        data_categories=("a_return_identity",),
        subject_nationality="SN",
        protection_status="return_decision",
        recipient_name="Direction de la Police de l'Air et des Frontières",
        recipient_type="public_authority",
        recipient_is_law_enforcement=False,
        destination_country="SN",
        destination_organisation=None,
        basis="public_interest",
        fields_disclosed=frozenset({"surname", "given_names", "date_of_birth", "nationality"}),
        justification="Identification and nationality confirmation for return under a return "
        "decision",
        transfer_on=date(2026, 11, 23),
        officer_deployment_active=True,
        adequacy_decisions=adequacy,
        instruments=instruments,
        participants=participants,
    )
    # The Japanese decision covers business operators only, not the Immigration Services Agency.
    japan = replace(
        senegal,
        recipient_name="Immigration Services Agency of Japan (Ministry of Justice)",
        destination_country="JP",
        subject_nationality="JP",
        basis="adequacy",
        adequacy_decision_id="2019/419",
    )
    # A French police ILO sends a suspected facilitator's identity to the UK's NCA (LED 2021/1773).
    uk_police = replace(
        senegal,
        actor=Actor(sub="ilo-fr-1", org="FR", roles=frozenset({"ilo"}), officer_id="off-fr-1"),
        controller_org="FR",
        record_officer_id="off-fr-1",
        regime="led",
        purpose="smuggling_trafficking",
        data_categories=("e_smuggling_trafficking",),
        subject_nationality="AL",
        protection_status="none",
        recipient_name="National Crime Agency",
        recipient_is_law_enforcement=True,
        destination_country="GB",
        basis="adequacy",
        adequacy_decision_id="2021/1773",
        justification="Suspected facilitator of small-boat crossings: identity check by the NCA",
    )
    return [
        Case("deployment.plan allowed (NL, Dakar)", "deployment.plan", plan, True, ()),
        Case(
            "deployment.plan denied (host FR, no end)",
            "deployment.plan",
            plan_denied,
            False,
            ("ILO-2.2", "ILO-4.1"),
        ),
        Case(
            "transfer.record allowed (SN, 49(1)(d))",
            "transfer.record",
            senegal,
            True,
            ("GDPR-49.1d",),
        ),
        Case(
            "transfer.record denied (JP ministry)",
            "transfer.record",
            japan,
            False,
            ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b"),
        ),
        Case(
            "transfer.record allowed (UK NCA, LED-36)",
            "transfer.record",
            uk_police,
            True,
            ("LED-36",),
        ),
    ]


def checked(case: Case, digest: str) -> Case:
    """The case, after checking that the policy decides it the way the benchmark claims."""
    decided = outcome(evaluate(case.action, case.facts, reference_digest=digest))
    if decided != (case.allowed, case.rules):
        raise SystemExit(f"{case.name}: expected {(case.allowed, case.rules)}, got {decided}")
    return case


# --- timing ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    case: Case
    rates: tuple[float, ...]  # decisions per second, one per repetition
    calls: int

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case.name,
            "action": self.case.action,
            "allowed": self.case.allowed,
            "rules": list(self.case.rules),
            "decisions_per_s_median": round(self.median, 1),
            "decisions_per_s_min": round(min(self.rates), 1),
            "decisions_per_s_max": round(max(self.rates), 1),
            "us_per_decision_median": round(1e6 / self.median, 2),
            "repetitions": [round(r, 1) for r in self.rates],
            "calls": self.calls,
        }


Clock = Callable[[], float]


def batch_size(call: Callable[[], object], clock: Clock = time.perf_counter) -> int:
    """How many calls take about BATCH_SECONDS (so the clock is read rarely)."""
    size = 1
    while True:
        start = clock()
        for _ in range(size):
            call()
        if clock() - start >= BATCH_SECONDS:
            return size
        size *= 2


def run_for(
    call: Callable[[], object], batch: int, seconds: float, clock: Clock = time.perf_counter
) -> tuple[int, float]:
    """Call in batches until `seconds` have passed on `clock`: (calls, elapsed seconds)."""
    calls = 0
    start = clock()
    while True:
        for _ in range(batch):
            call()
        calls += batch
        elapsed = clock() - start
        if elapsed >= seconds:
            return calls, elapsed


def measure(
    case: Case, digest: str, *, seconds: float, repeats: int, clock: Clock = time.perf_counter
) -> Result:
    call = partial(evaluate, case.action, case.facts, reference_digest=digest)
    batch = batch_size(call, clock)
    run_for(call, batch, WARMUP_SECONDS, clock)
    rates: list[float] = []
    total = 0
    for _ in range(repeats):
        calls, elapsed = run_for(call, batch, seconds / repeats, clock)
        rates.append(calls / elapsed)
        total += calls
    return Result(case, tuple(rates), total)


# --- report ------------------------------------------------------------------------------------


def table(results: Sequence[Result]) -> str:
    head = ("case", "outcome", "decisions/s median", "min", "max", "µs/decision")
    rows = [
        (
            r.case.name,
            ("allowed " if r.case.allowed else "denied ") + ",".join(r.case.rules),
            f"{r.median:,.0f}",
            f"{min(r.rates):,.0f}",
            f"{max(r.rates):,.0f}",
            f"{1e6 / r.median:.1f}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    lines = []
    for row in (head, *rows):
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.policy_decisions", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per case")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions per case")
    parser.add_argument(
        "--cpu", action="store_true", help="per CPU second of the process (time.process_time)"
    )
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.repeats < 1:
        parser.error("--seconds must be positive and --repeats at least 1")

    digest = reference_digest()
    selected = [checked(case, digest) for case in cases()]
    clock = time.process_time if args.cpu else time.perf_counter
    results = [
        measure(case, digest, seconds=args.seconds, repeats=args.repeats, clock=clock)
        for case in selected
    ]
    env = environment()
    seconds = "CPU s" if args.cpu else "s"
    print(
        f"policy decisions, in process: {args.repeats} x {args.seconds / args.repeats:.2f} "
        f"{seconds} per case after {WARMUP_SECONDS} {seconds} warm-up; Python {env['python']}, "
        f"nproc {env['nproc_available']}, load {os.getloadavg()[0]:.1f}, {env['date']}"
    )
    print(table(results))
    if args.json:
        document = {
            "benchmark": "policy_decisions",
            **env,
            "clock": "process_time" if args.cpu else "perf_counter",
            "load_1min": os.getloadavg()[0],
            "seconds_per_case": args.seconds,
            "repeats": args.repeats,
            "results": [r.as_dict() for r in results],
        }
        print(json.dumps(document, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
