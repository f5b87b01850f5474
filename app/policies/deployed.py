"""When an officer counts as deployed: the one definition every reader asks (Art. 2, 5(1) and 4
of Regulation (EU) 2019/1240), translated into SQL once by app/db/deployed.py.

An immigration liaison officer is deployed from the day the deployment starts until the day it
ends. A deployment counts only once it has been notified as actually deployed (status `deployed`,
or `ended` for the days before its end); a planned deployment never counts, nor does a cancelled
one, whatever its dates.

- The first day is the day of the actual deployment (`deployed_on`) when notified, else the
  planned start (`starts_on`): what was notified as done beats what was planned.
- The end day is the day the deployment ended (`ended_on`) when notified, else the planned end
  (`ends_on`). The end day itself does not count, for either: the day a deployment ends is the
  first day its officer is no longer deployed (a deployment must end after it starts, ILO-4.1,
  so it lasts at least one day).

So a deployment is in force on the half-open period [first day, end day).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from app.policies.vocabulary import DeploymentStatus

# The statuses of a deployment that has actually taken place (planned and cancelled never count).
DEPLOYED_STATUSES = frozenset({DeploymentStatus.deployed.value, DeploymentStatus.ended.value})


class DeploymentDates(Protocol):
    """What the definition reads of a deployment (a loaded app.models.Deployment has it)."""

    @property
    def status(self) -> str: ...
    @property
    def starts_on(self) -> date: ...
    @property
    def ends_on(self) -> date: ...
    @property
    def deployed_on(self) -> date | None: ...
    @property
    def ended_on(self) -> date | None: ...


def first_day(*, starts_on: date, deployed_on: date | None) -> date:
    """The first day in force: the actual deployment when notified, else the planned start."""
    return starts_on if deployed_on is None else deployed_on


def end_day(*, ends_on: date, ended_on: date | None) -> date:
    """The first day no longer in force: the notified end, else the planned end."""
    return ends_on if ended_on is None else ended_on


def deployed_during(
    *,
    status: str,
    starts_on: date,
    ends_on: date,
    deployed_on: date | None,
    ended_on: date | None,
    first: date,
    last: date,
) -> bool:
    """Whether the deployment is in force on at least one day from `first` to `last` inclusive."""
    return (
        status in DEPLOYED_STATUSES
        and first_day(starts_on=starts_on, deployed_on=deployed_on) <= last
        and first < end_day(ends_on=ends_on, ended_on=ended_on)
    )


def deployed_on(
    *,
    status: str,
    starts_on: date,
    ends_on: date,
    deployed_on: date | None,
    ended_on: date | None,
    day: date,
) -> bool:
    """Whether the deployment's officer is deployed on `day` (the module's definition)."""
    return deployed_during(
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        deployed_on=deployed_on,
        ended_on=ended_on,
        first=day,
        last=day,
    )


def is_deployed_on(deployment: DeploymentDates, day: date) -> bool:
    """`deployed_on` of a loaded deployment."""
    return deployed_on(
        status=deployment.status,
        starts_on=deployment.starts_on,
        ends_on=deployment.ends_on,
        deployed_on=deployment.deployed_on,
        ended_on=deployment.ended_on,
        day=day,
    )
