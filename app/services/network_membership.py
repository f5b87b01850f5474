"""ILO-5.1 (DERIVE): the members of a network on a date, from the deployments active then.

A deployment is active on a date when it has been deployed (status deployed or ended), the date
is within its planned period and on or after its actual deployment, and before the day it ended.
An officer is a member when such a deployment is in, or responsible for (region), one of the
network's countries. Nothing of it is stored: every date can be asked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, String, and_, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Deployment, Organisation
from app.policies import Member
from app.policies.vocabulary import DeploymentStatus

_DEPLOYED = (DeploymentStatus.deployed.value, DeploymentStatus.ended.value)


@dataclass(frozen=True, slots=True)
class MemberRow:
    officer_id: uuid.UUID
    organisation: str
    deployer_kind: str
    deployment_id: uuid.UUID
    host_country: str

    def member(self) -> Member:
        return Member(
            officer_id=str(self.officer_id),
            organisation=self.organisation,
            deployer_kind=self.deployer_kind,
        )


def active_on(on: date) -> ColumnElement[bool]:
    """The deployments in force on `on` (SQL)."""
    return and_(
        Deployment.status.in_(_DEPLOYED),
        Deployment.starts_on <= on,
        Deployment.ends_on >= on,
        or_(Deployment.deployed_on.is_(None), Deployment.deployed_on <= on),
        or_(Deployment.ended_on.is_(None), Deployment.ended_on > on),
    )


def is_active_on(deployment: Deployment, on: date) -> bool:
    """The same test on a loaded deployment."""
    return (
        deployment.status in _DEPLOYED
        and deployment.starts_on <= on <= deployment.ends_on
        and (deployment.deployed_on is None or deployment.deployed_on <= on)
        and (deployment.ended_on is None or on < deployment.ended_on)
    )


def country_array(countries: list[str]) -> ColumnElement[str]:
    """A literal array of country codes, to compare with an ARRAY column (`&&`: overlap)."""
    return array(countries, type_=String(2))


def covers(countries: list[str]) -> ColumnElement[bool]:
    """Deployments in, or responsible for, one of `countries`."""
    return or_(
        Deployment.host_country.in_(countries),
        Deployment.region_countries.op("&&")(country_array(countries)),
    )


async def members_on(*, session: AsyncSession, countries: list[str], on: date) -> list[MemberRow]:
    """ILO-5.1: one row per member officer (its earliest active deployment), by officer id."""
    rows = await session.execute(
        select(Deployment, Organisation.kind)
        .join(Organisation, Organisation.code == Deployment.organisation)
        .where(active_on(on), covers(countries))
        .order_by(Deployment.officer_id, Deployment.starts_on, Deployment.id)
    )
    seen: dict[uuid.UUID, MemberRow] = {}
    for deployment, kind in rows:
        seen.setdefault(
            deployment.officer_id,
            MemberRow(
                officer_id=deployment.officer_id,
                organisation=deployment.organisation,
                deployer_kind=kind,
                deployment_id=deployment.id,
                host_country=deployment.host_country,
            ),
        )
    return list(seen.values())
