"""The two generated lists of the platform, never uploaded: the ILO contact list (Art. 9(2)(d))
— officers deployed today (app/policies/deployed.py), their place of deployment, region of
responsibility, telephone and e-mail — and the Board-members list (Art. 9(2)(c)) — the Board's
seats in force and their holders. Readable by ILOs, Board members and authorised staff only
(ILO-9.3, never the European Parliament: ILO-9.4); every read is audited (the count, never
the data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select

from app import clock
from app.db import crypto
from app.db.deployed import deployed_on_clause
from app.db.writer import Change, Writer
from app.keyring import Keyring
from app.keyset import Window
from app.models import BoardSeat, Deployment, Officer
from app.schemas.document import BoardMemberLine, IloContact
from app.services import access
from app.services.board import list_seats
from app.services.officer import _context as contact_context

KIND = "ilo_contact_list"
BOARD_KIND = "board_member_list"


async def ilo_contacts(*, writer: Writer, window: Window) -> Sequence[Row[Officer, Deployment]]:
    """The officers with an active deployment today (a page of them), by organisation and
    surname; `render_contacts` makes the list's lines."""
    access.visibility(writer.principal, KIND)
    today = clock.today()
    query = (
        select(Officer, Deployment)
        .join(Deployment, Deployment.officer_id == Officer.id)
        .where(deployed_on_clause(Deployment, today))
    )
    query = window.apply(
        query,
        Officer.organisation,
        Officer.surname,
        Officer.id,
        Deployment.id,
        position=lambda row: [
            row.Officer.organisation,
            row.Officer.surname,
            row.Officer.id,
            row.Deployment.id,
        ],
    )
    return (await writer.session.execute(query)).all()


async def render_contacts(
    *, writer: Writer, keyring: Keyring, rows: Sequence[Row[Officer, Deployment]]
) -> list[IloContact]:
    """The lines of a page of the list, their contacts opened; the read audited."""
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
    return items


async def board_members(*, writer: Writer, window: Window) -> Sequence[BoardSeat]:
    """Art. 9(2)(c): the seats in force today (a page of them), in the order they began;
    `render_board_members` makes the list's lines."""
    access.visibility(writer.principal, BOARD_KIND)
    return await list_seats(
        session=writer.session, principal=writer.principal, on=clock.today(), window=window
    )


async def render_board_members(
    *, writer: Writer, seats: Sequence[BoardSeat]
) -> list[BoardMemberLine]:
    """The lines of a page of the list; the read audited."""
    items = [
        BoardMemberLine(
            seat_id=seat.id,
            role=seat.role,
            organisation=seat.organisation,
            observer_body=seat.observer_body,
            chair=seat.chair,
            holder_name=seat.holder_name,
            email=seat.holder_email,
            telephone=seat.holder_phone,
            since=seat.starts_on,
        )
        for seat in seats
    ]
    await writer.record_access(
        decision=None,
        change=Change(
            event_type="board_member_list.read",
            resource_type=BOARD_KIND,
            organisation=writer.principal.org,
            legal_basis="ILO-9.3",
            details={"seats": len(items)},
            feed=False,
        ),
        resource_id="board-members",
    )
    return items
