"""The day the service takes as today (UTC): one answer for every rule, default and report.

Art. 10's dates, the rules of procedure in force, a meeting's cancellation, a contact list's
"as of" and a report's default period all ask here, so that a run which must not change day
halfway pins the day once and every part of the service agrees on it: a served process (a drill)
with ``ILONET_CALENDAR_DATE``, which production refuses (app/config.py); a process that runs the
service's code itself (the test suite) with `pin`.
"""

from datetime import UTC, date, datetime

from app.config import get_settings


class _Pinned:
    day: date | None = None


def today() -> date:
    return _Pinned.day or get_settings().calendar_date or datetime.now(UTC).date()


def pin(day: date | None) -> None:
    """Take `day` as today in this process from now on; None: the setting's or the clock's."""
    _Pinned.day = day
