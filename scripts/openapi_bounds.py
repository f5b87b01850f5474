"""Count the unbounded strings, integers and arrays of the OpenAPI document, in what a client
sends (request bodies, parameters) and what it receives (JSON responses); what counts as bounded
is said in app/routers/openapi_bounds.py.

    .venv/bin/python scripts/openapi_bounds.py [openapi/openapi.json] [--list]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from app.routers.openapi_bounds import Walk


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    source = Path(args[0] if args else "openapi/openapi.json")
    found = Walk(json.loads(source.read_text())).run()
    for side, entries in found.items():
        counts = Counter(entry.split("\t")[0] for entry in entries)
        total = sum(counts.values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{side}: {total} unbounded ({kinds})")
        if "--list" in argv:
            for entry in sorted(entries):
                print("   ", entry.replace("\t", "  "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
