"""The day the service takes as today (UTC): one answer for every rule, default and report.

Art. 10's dates, the rules of procedure in force, a meeting's cancellation, a contact list's
"as of" and a report's default period all ask here, so that a run which must not change day
halfway (a drill, the test suite) pins the day once, with ``ILONET_CALENDAR_DATE``, and every
part of the service agrees on it. A production service cannot pin it (app/config.py).
"""

from datetime import UTC, date, datetime

from app.config import get_settings


def today() -> date:
    return get_settings().calendar_date or datetime.now(UTC).date()
