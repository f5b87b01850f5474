"""The `ilonet` command line: one module per command group (serve, token, maintenance, keys,
import, backup), the shared helpers in `app.cli.common`, the group itself in `app.cli.root`."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """The console script `ilonet` (imports the commands only when it runs)."""
    from app.cli.root import run

    return run(argv)
