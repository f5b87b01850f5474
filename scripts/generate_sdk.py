"""Generate the Python client of the API from openapi/openapi.json with openapi-python-client.

    python scripts/generate_sdk.py [--output build/sdk]

writes the package `ilonet_sdk` into the output directory (build/ is not committed): put that
directory on sys.path (or PYTHONPATH) and `import ilonet_sdk`. tests/sdk/test_sdk_scenario.py
generates it the same way and plays the README's walkthrough through it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "openapi.json"
PACKAGE = "ilonet_sdk"
# No post hooks: the generated code is used as generated, not reformatted by tools on PATH.
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: ilonet-sdk\npost_hooks: []\n"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def generate(output: Path, spec: Path = SPEC) -> Path:
    """Generate `ilonet_sdk` under `output` (replacing an older one); returns `output`."""
    output.mkdir(parents=True, exist_ok=True)
    package = output / PACKAGE
    shutil.rmtree(package, ignore_errors=True)
    config = output / "openapi-python-client.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 (our own generator, arguments we build)
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(package),
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or not (package / "__init__.py").exists():
        raise RuntimeError(f"openapi-python-client failed:\n{result.stdout}\n{result.stderr}")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "sdk")
    parser.add_argument("--spec", type=Path, default=SPEC)
    args = parser.parse_args(argv)
    out = generate(args.output, args.spec)
    print(f"wrote {out / PACKAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
