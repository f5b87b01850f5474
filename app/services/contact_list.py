"""The ILO contact list (Art. 9(2)(d)): generated from the registry on request — officers with
an active deployment, their place of deployment, region of responsibility, telephone and
e-mail — never uploaded. Readable by ILOs, Board members and authorised staff only (ILO-9.3,
never the European Parliament: ILO-9.4); every read is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.db import crypto
from app.db.writer import Change, Writer
from app.keyring import Keyring
from app.models import Deployment, Officer
from app.schemas.document import IloContact, IloContactList
from app.services import access
from app.services.officer import _context as contact_context

KIND = "ilo_contact_list"


async def ilo_contacts(*, writer: Writer, keyring: Keyring) -> IloContactList:
    access.visibility(writer.principal, KIND)
    today = datetime.now(UTC).date()
    rows = (
        await writer.session.execute(
            select(Officer, Deployment)
            .join(Deployment, Deployment.officer_id == Officer.id)
            .where(Deployment.status == "deployed", Deployment.starts_on <= today)
            .order_by(Officer.organisation, Officer.surname, Officer.id)
        )
    ).all()
    items: list[IloContact] = []
    for officer, deployment in rows:
        contact: dict[str, Any] = {}
        if officer.contact_ciphertext is not None and officer.contact_erased_at is None:
            assert officer.contact_wrapped_key is not None
            assert officer.contact_kek_id is not None
            contact = crypto.open_sealed(
                officer.contact_ciphertext,
                officer.contact_wrapped_key,
                kek=keyring.kek,
                kek_id=officer.contact_kek_id,
                context=contact_context(officer.id),
            )
        items.append(
            IloContact(
                officer_id=officer.id,
                name=f"{officer.given_names} {officer.surname}",
                organisation=officer.organisation,
                place_of_deployment=deployment.city,
                host_country=deployment.host_country,
                region_of_responsibility=list(deployment.region_countries),
                telephone=contact.get("phone"),
                email=contact.get("email"),
            )
        )
    await writer.record_access(
        decision=None,
        change=Change(
            event_type="ilo_contact_list.read",
            resource_type=KIND,
            organisation=writer.principal.org,
            legal_basis="ILO-9.3",
            details={"officers": len(items)},
            feed=False,
        ),
        resource_id="ilo-contacts",
    )
    return IloContactList(generated_at=datetime.now(UTC), as_of=today, items=items)
