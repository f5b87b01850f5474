"""Write docs/RULES.md, docs/ROLES.md and docs/EVENTS.md from the rule catalogue, the role table
and the action declarations (app/policies).

Run from the repository root with the project's virtualenv: `.venv/bin/python scripts/rules_doc.py`.
With `--check` it writes nothing and exits 1 when the file differs from the catalogue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import app.policies.declared  # noqa: F401  (every action declared)
from app.policies.rules_doc import events_markdown, markdown, roles_markdown

ROOT = Path(__file__).resolve().parents[1]
RULES_DOC = ROOT / "docs" / "RULES.md"
ROLES_DOC = ROOT / "docs" / "ROLES.md"
EVENTS_DOC = ROOT / "docs" / "EVENTS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    parser.add_argument("--output", type=Path, default=RULES_DOC, help="the rule catalogue's file")
    parser.add_argument(
        "--roles-output", type=Path, default=ROLES_DOC, help="the role table's file"
    )
    args = parser.parse_args(argv)
    stale = 0
    documents = (
        (args.output, markdown()),
        (args.roles_output, roles_markdown()),
        (EVENTS_DOC, events_markdown()),
    )
    for out, text in documents:
        if args.check:
            current = out.read_text(encoding="utf-8") if out.exists() else ""
            if current != text:
                print(f"{out} is stale: run scripts/rules_doc.py")
                stale = 1
            continue
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
