"""ILO-5.1 (DERIVE): the members of a network on a date, from the deployments active then.

A deployment is active on a date when its officer is deployed then, as app/policies/deployed.py
defines it (app/db/deployed.py in SQL). An officer is a member when such a deployment is in, or
responsible for (region), one of the network's countries. Nothing of it is stored: every date
can be asked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, String, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.deployed import deployed_on_clause
from app.models import Deployment, Organisation
from app.policies import Member


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
        .where(deployed_on_clause(Deployment, on), covers(countries))
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
