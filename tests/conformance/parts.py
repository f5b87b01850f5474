"""The parts the Schemathesis run is made in (tests/conformance/harness.py), each by a test of
its own on a server of its own, so that a run on several workers shares them out
(tests/schedule.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """A share of the run that one test makes on a server of its own, so that a run on several
    workers shares it out: phases, over the documented paths `paths` matches (or all)."""

    phases: str
    paths: str | None = None
    excluded: bool = False

    def options(self) -> list[str]:
        if self.paths is None:
            return ["--phases", self.phases]
        selector = "--exclude-path-regex" if self.excluded else "--include-path-regex"
        return ["--phases", self.phases, selector, self.paths]

    def selects(self, path: str) -> bool:
        return self.paths is None or bool(re.search(self.paths, path)) != self.excluded


# The coverage phase (every case the schema defines, the most requests) in two halves of the
# paths; the examples, the fuzzing and the stateful phase (which follows links between any
# operations) over every path.
RECORDS_AND_REFERENCE = "^/v1/(processing-records|reference)"
PARTS: dict[str, Part] = {
    "coverage-records-reference": Part("coverage", RECORDS_AND_REFERENCE),
    "coverage-others": Part("coverage", RECORDS_AND_REFERENCE, excluded=True),
    "examples-fuzzing-stateful": Part("examples,fuzzing,stateful"),
}
