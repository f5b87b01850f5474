"""The `ilonet` command line: one module per command group (serve, token, maintenance, keys,
import, backup), the shared helpers in `app.cli.common`, the group itself in `app.cli.root`."""

from __future__ import annotations

import os


def main(argv: list[str] | None = None) -> int:
    """The console script `ilonet` (imports the commands only when it runs).

    Pydantic's plugins are off unless PYDANTIC_DISABLE_PLUGINS says otherwise: the app declares
    none and no dependency it installs provides one, and a plugin found among whatever else is
    installed would be handed every value every model validates (request bodies, personal data
    included). Off, pydantic also skips reading every installed distribution's entry points when
    it builds its first model, which every command does (the settings)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from app.cli.root import run

    return run(argv)
