"""Generate the Python client of the API from openapi/openapi.json with openapi-python-client,
as an installable package.

    python scripts/generate_sdk.py [--output build/sdk]

writes the project `ilonet-sdk` (a pyproject.toml whose version is the API's, the document's
`info.version`, and the package `ilonet_sdk`) into the output directory (build/ is not
committed): `pip install build/sdk`, then `import ilonet_sdk`. An operation that also answers
CSV or HTML returns that text as a str, a file's download its bytes (scripts/sdk_templates/, the
generator's templates with that change). tests/sdk/test_sdk_scenario.py installs it into a
clean venv and plays the README's walkthrough through it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "openapi.json"
TEMPLATES = ROOT / "scripts" / "sdk_templates"
PACKAGE = "ilonet_sdk"
# No post hooks: the generated code is used as generated, not reformatted by tools on PATH.
# The audit log's entries are NDJSON, lines of text: the client hands them over as text.
CONFIG = (
    f"package_name_override: {PACKAGE}\nproject_name_override: ilonet-sdk\npost_hooks: []\n"
    "content_type_overrides:\n  application/x-ndjson: text/plain\n"
)
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def answers(document: dict[str, Any]) -> dict[str, list[str]]:
    """The operations whose success is not only JSON, by the generator's name of them (the
    operationId in snake case): "text" those that answer JSON or text (CSV, HTML), "bytes" those
    that answer a file (a binary schema, whatever its media type)."""
    found: dict[str, set[str]] = {"text": set(), "bytes": set()}
    for item in document["paths"].values():
        for operation in item.values():
            name = operation["operationId"].replace("-", "_")
            for status, response in operation.get("responses", {}).items():
                media = response.get("content", {})
                if not status.startswith("2"):
                    continue
                if any(m.get("schema", {}).get("format") == "binary" for m in media.values()):
                    found["bytes"].add(name)
                elif "application/json" in media and any(m.startswith("text/") for m in media):
                    found["text"].add(name)
    return {kind: sorted(names) for kind, names in found.items()}


def generate(output: Path, spec: Path = SPEC) -> Path:
    """Generate the project under `output` (replacing an older one); returns `output`."""
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(output, ignore_errors=True)
    work = output.parent / f".{output.name}-generator"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(TEMPLATES, work / "templates")
    found = answers(json.loads(spec.read_text(encoding="utf-8")))
    (work / "templates" / "answers.jinja").write_text(
        "".join(
            f"{{% set {kind}_answers = {json.dumps(names)} %}}\n" for kind, names in found.items()
        ),
        encoding="utf-8",
    )
    config = work / "openapi-python-client.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 (our own generator, arguments we build)
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "pdm",
            "--output-path",
            str(output),
            "--config",
            str(config),
            "--custom-template-path",
            str(work / "templates"),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    shutil.rmtree(work, ignore_errors=True)
    if result.returncode != 0 or not (output / PACKAGE / "__init__.py").exists():
        raise RuntimeError(f"openapi-python-client failed:\n{result.stdout}\n{result.stderr}")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "sdk")
    parser.add_argument("--spec", type=Path, default=SPEC)
    args = parser.parse_args(argv)
    out = generate(args.output, args.spec)
    print(f"wrote {out} (pip install {out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
