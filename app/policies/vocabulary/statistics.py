"""The vocabularies of the aggregated statistics (Art. 12): the sections, and why a figure is
withheld."""

from enum import StrEnum


# A section of the aggregated statistics (GET /v1/statistics/{section}).
class StatisticsSectionName(StrEnum):
    readmission = "readmission"
    deployments = "deployments"
    transfers = "transfers"


class WithheldReason(StrEnum):
    """Why a statistics figure is withheld (app/policies/disclosure.py). `count` does not say
    whether the count is small or withheld to protect another: saying so would give the small
    ones away."""

    cell = "count"  # a count withheld (small, or complementary to a small one)
    period = "period"  # a count over a period of which a month is withheld
    base = "base"  # a rate or median over a withheld count
