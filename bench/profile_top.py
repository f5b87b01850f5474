"""A py-spy raw profile (`py-spy record --format raw`) as text top-lists.

    python -m bench.profile_top PROFILE.raw [--within TEXT] [--without TEXT] [--top 25]
    python -m bench.profile_top A.raw --versus B.raw --per NA NB [--hz 100] [--top 40]

Each line of a raw profile is one stack (frames joined by ";", outermost first) and the number
of samples taken in it. `--within` keeps the stacks with a frame containing TEXT and shows only
the frames from that one inward (e.g. `--within "perform (app/db/writer.py"`); `--without` drops
the stacks with a frame containing TEXT (repeatable). The output gives, per function, its
inclusive share (samples in stacks through it) and its own share (samples in it as the leaf).

`--versus B.raw --per NA NB` compares two profiles of the same process serving NA and NB
requests (e.g. the server through the guarded and then the plain closed loop): per function,
its inclusive time per request in each (samples ÷ requests ÷ `--hz`, in µs) and the difference,
largest first: what one request of A spends that one of B does not.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path


def stacks(path: Path) -> list[tuple[list[str], int]]:
    found = []
    for line in path.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            found.append((frames.split(";"), int(count)))
    return found


def function(frame: str) -> str:
    """`name (path:line)` without the line: one entry per function."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def top(
    found: list[tuple[list[str], int]], within: str, without: Sequence[str], n: int
) -> tuple[int, list[tuple[str, int, int]]]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for frames, count in found:
        if any(w in f for w in without for f in frames):
            continue
        if within:
            start = next((i for i, f in enumerate(frames) if within in f), None)
            if start is None:
                continue
            frames = frames[start:]
        total += count
        for name in {function(f) for f in frames}:
            inclusive[name] += count
        own[function(frames[-1])] += count
    rows = [(name, samples, own[name]) for name, samples in inclusive.most_common(n)]
    return total, rows


def versus(
    a: list[tuple[list[str], int]],
    b: list[tuple[list[str], int]],
    per: tuple[int, int],
    hz: float,
    within: str,
    without: Sequence[str],
    n: int,
) -> list[tuple[str, float, float]]:
    """(function, µs per request in A, in B), by the difference, largest first."""
    _, rows_a = top(a, within, without, 10**9)
    _, rows_b = top(b, within, without, 10**9)
    us_a = {name: samples / per[0] / hz * 1e6 for name, samples, _ in rows_a}
    us_b = {name: samples / per[1] / hz * 1e6 for name, samples, _ in rows_b}
    names = set(us_a) | set(us_b)
    found = [(name, us_a.get(name, 0.0), us_b.get(name, 0.0)) for name in names]
    found.sort(key=lambda r: r[2] - r[1])
    return found[:n]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_top", description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--within", default="")
    parser.add_argument("--without", action="append", default=[])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--versus", type=Path, default=None, help="a second profile (B)")
    parser.add_argument("--per", type=int, nargs=2, metavar=("NA", "NB"), help="requests")
    parser.add_argument("--hz", type=float, default=100.0, help="py-spy's sampling rate")
    args = parser.parse_args(argv)
    if args.versus is not None:
        if not args.per:
            parser.error("--versus needs --per NA NB (the requests each profile served)")
        a, b = stacks(args.profile), stacks(args.versus)
        print(
            f"{args.profile.name} ({sum(c for _, c in a)} samples, {args.per[0]} requests)"
            f" against {args.versus.name} ({sum(c for _, c in b)} samples,"
            f" {args.per[1]} requests), {args.hz:g} Hz; inclusive µs per request"
        )
        print(f"{'A':>8} {'B':>8} {'A − B':>8}  function")
        compared = versus(a, b, tuple(args.per), args.hz, args.within, args.without, args.top)
        for name, us_a, us_b in compared:
            print(f"{us_a:8.0f} {us_b:8.0f} {us_a - us_b:8.0f}  {name}")
        return 0
    total, rows = top(stacks(args.profile), args.within, args.without, args.top)
    within = f" within {args.within!r}" if args.within else ""
    print(f"{args.profile.name}: {total} samples{within}")
    if args.without:
        print(f"without stacks through: {', '.join(args.without)}")
    print(f"{'incl %':>7} {'own %':>6}  function")
    for name, samples, own in rows:
        print(f"{100 * samples / max(total, 1):7.1f} {100 * own / max(total, 1):6.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
