"""When an officer counts as deployed (app/policies/deployed.py), as SQL: the one translation every
query of deployments in force asks, so that a date gets the same answer everywhere.

Each clause mirrors its pure predicate term by term; tests/db/test_deployed.py proves that the
two agree on every status and every position of the dates.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Deployment, Officer
from app.policies.deployed import DEPLOYED_STATUSES


def first_day(deployment: type[Deployment]) -> ColumnElement[date]:
    """`first_day`: the actual deployment when notified, else the planned start."""
    return func.coalesce(deployment.deployed_on, deployment.starts_on)


def end_day(deployment: type[Deployment]) -> ColumnElement[date]:
    """`end_day`: the notified end, else the planned end (itself no longer in force)."""
    return func.coalesce(deployment.ended_on, deployment.ends_on)


def deployed_during_clause(
    deployment: type[Deployment], first: date, last: date
) -> ColumnElement[bool]:
    """`deployed_during`: deployments in force on at least one day from `first` to `last`."""
    return and_(
        deployment.status.in_(sorted(DEPLOYED_STATUSES)),
        first_day(deployment) <= last,
        end_day(deployment) > first,
    )


def deployed_on_clause(deployment: type[Deployment], day: date) -> ColumnElement[bool]:
    """`deployed_on`: the deployments whose officer is deployed on `day`."""
    return deployed_during_clause(deployment, day, day)


async def active_deployment(
    *, session: AsyncSession, officer: Officer, on: date
) -> Deployment | None:
    """The officer's deployment in force on a date (app/policies/deployed.py)."""
    return await session.scalar(
        select(Deployment)
        .where(Deployment.officer_id == officer.id, deployed_on_clause(Deployment, on))
        .order_by(Deployment.starts_on, Deployment.id)
        .limit(1)
    )
