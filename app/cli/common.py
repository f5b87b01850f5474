"""What every command shares: exit codes, one-line errors on stderr, the settings with a command's
`--data-dir`, the database a command uses (embedded or DATABASE_URL) and rich progress bars."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from app.config import Settings

log = logging.getLogger("ilonet.cli")
EMBEDDED_DATABASE = "ilonet"

OK = 0  # the work was done
FAILED = 1  # the work was refused or failed (a denied row, an HTTP problem, a broken chain)
USAGE = 2  # the command line or the set-up is wrong (an option, a missing file, production)

F = TypeVar("F", bound=Callable[..., Any])


class CommandError(Exception):
    """A refusal or failure to report as one line, `ilonet <command>: <message>`, on stderr."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def data_dir_option(function: F) -> F:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data dir: embedded PostgreSQL and development keys  [default: ILONET_DATA_DIR or "
        "./.ilonet]",
    )(function)


def settings_for(data_dir: Path | None = None, **overrides: object) -> Settings:
    """The environment's settings with what the command line gave (None: not given)."""
    from app.config import get_settings

    given = {k: v for k, v in {"data_dir": data_dir, **overrides}.items() if v is not None}
    return get_settings().model_copy(update=given)


def configure_logging() -> None:
    """JSON log lines on stderr, as the server writes them; Alembic's start-up chatter off."""
    from app.json_logs import configure_logging as json_logging

    json_logging()
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


class _BesideServe(logging.Filter):
    """Attaching to the PostgreSQL a running `serve` has is no crash recovery: drop the
    embedded server's "taking over" line for a command that only uses it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("taking over")


@contextmanager
def database(
    settings: Settings,
    *,
    own_running: bool = False,
    meanwhile: Callable[[], object] | None = None,
    prepare: Callable[[str], object] | None = None,
) -> Iterator[str]:
    """The owner's URL: DATABASE_URL, or the embedded server in the data dir.

    On exit the embedded server is stopped only if this command started it: `sweep`, `migrate`
    and `audit verify` run beside a `serve` and must leave its database running. `serve`
    (`own_running`) also takes over, and so stops, a server a SIGKILLed run left behind.
    `meanwhile` runs on this thread while the embedded server starts (initdb, pg_ctl), its
    database is created and `prepare(owner_url)` runs, on another: `serve` imports the app as
    PostgreSQL comes up and its schema is migrated. With DATABASE_URL, meanwhile() then
    prepare(), here.
    """
    import asyncio

    from app.db.embedded import EmbeddedPostgres

    if settings.database_url:
        if meanwhile is not None:
            meanwhile()
        if prepare is not None:
            prepare(settings.database_url)
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.data_dir.resolve() / "pgdata")
    embedded_log = logging.getLogger("ilonet.embedded")
    beside = _BesideServe()
    running = None if own_running else embedded.running_pid()
    if running is not None:
        log.info("using the embedded PostgreSQL a running server started (pid %s)", running)
        embedded_log.addFilter(beside)
    owner_url = embedded.url(database=EMBEDDED_DATABASE)

    def start() -> None:
        embedded.start()
        from app.db import migrate

        asyncio.run(migrate.ensure_database(embedded.url(), EMBEDDED_DATABASE))
        if prepare is not None:
            prepare(owner_url)

    try:
        _start_beside(start, meanwhile)
        yield owner_url
    finally:
        if embedded.started_here or own_running:
            embedded.stop()
            log.info("embedded PostgreSQL stopped")
        else:
            log.info("embedded PostgreSQL kept running: this command did not start it")
        embedded_log.removeFilter(beside)


def _start_beside(start: Callable[[], None], meanwhile: Callable[[], object] | None) -> None:
    """start(); with `meanwhile`, on a thread of its own while meanwhile() runs here. Returns
    once both are done, raising what either raised (start's first: it may have half-started)."""
    if meanwhile is None:
        start()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="ilonet-embedded-start") as thread:
        started = thread.submit(start)
        try:
            meanwhile()
        finally:
            started.result()


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields `advance(count)`. On a terminal the bar is redrawn
    in place; otherwise only its last state is printed, once."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
    )
    task = bar.add_task(label, total=total)
    with bar:
        yield lambda count: bar.advance(task, count)


def refused(message: str, code: int = FAILED) -> CommandError:
    """`ilonet <command>: <message>`, to raise: the command path of the running command."""
    context = click.get_current_context(silent=True)
    path = context.command_path if context is not None else "ilonet"
    return CommandError(f"{path}: {message}", code)


def run_async(coroutine: Any) -> Any:
    import asyncio

    return asyncio.run(coroutine)


def readable_file(path: Path) -> Path:
    """`path`, or a one-line usage error naming it (missing, a directory, unreadable)."""
    if not path.exists():
        raise refused(f"{path}: no such file", USAGE)
    if not path.is_file():
        raise refused(f"{path}: not a file", USAGE)
    if not os.access(path, os.R_OK):
        raise refused(f"{path}: not readable", USAGE)
    return path
