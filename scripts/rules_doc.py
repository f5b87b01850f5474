"""Write docs/RULES.md from the rule catalogue (app/policies/rules.py).

Run from the repository root with the project's virtualenv: `.venv/bin/python scripts/rules_doc.py`.
With `--check` it writes nothing and exits 1 when the file differs from the catalogue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.policies.rules_doc import markdown

ROOT = Path(__file__).resolve().parents[1]
RULES_DOC = ROOT / "docs" / "RULES.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    parser.add_argument("--output", type=Path, default=RULES_DOC)
    args = parser.parse_args(argv)
    out: Path = args.output
    text = markdown()
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            print(f"{out} is stale: run scripts/rules_doc.py")
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
