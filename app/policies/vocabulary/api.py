"""How the API carries its content: the renderings of a report, how a batch is written and
what became of its items, and how a file travels in JSON."""

from enum import StrEnum


# How a statistics route answers (besides the Accept header): csv for the tables, html for the
# readmission sheet.
class StatisticsFormat(StrEnum):
    json = "json"
    csv = "csv"
    html = "html"


class StatisticsScope(StrEnum):
    """Which figures a statistics answer holds: the published ones, disclosure-controlled over
    every organisation, or the caller's own organisation's exact figures."""

    published = "published"
    own = "own"


class RopaFormat(StrEnum):
    """The renderings of the record of processing activities."""

    json = "json"
    csv = "csv"
    html = "html"


class LogFormat(StrEnum):
    """The renderings of a record's logs exported for the supervisory authority."""

    json = "json"
    csv = "csv"


class BatchMode(StrEnum):
    """How a batch of creations is written: all in one transaction, or each item on its own."""

    all_or_nothing = "all_or_nothing"
    per_item = "per_item"


class BatchOutcome(StrEnum):
    """What became of one item of a batch."""

    created = "created"  # written (and committed with the batch)
    allowed = "allowed"  # dry run: the write would be allowed, nothing stopping it
    denied = "denied"  # refused by policy (403): the Decision says why
    failed = "failed"  # stopped otherwise (404, 409, 412, 422): the problem says why
    rolled_back = "rolled_back"  # all_or_nothing: allowed, undone because another item failed
    reported = "reported"  # a past transfer refused: reported to the controller, not written
    skipped = "skipped"  # not attempted: what it belongs to was not written


class ContentEncoding(StrEnum):
    """How a platform document's file travels in JSON (`content_encoding`)."""

    utf_8 = "utf-8"
    base64 = "base64"
