"""/v1/networks: Art. 5 cooperation networks, their members on a date, their facilitator, their
meetings, and the ad-hoc actions the Steering Board assigns to them (Art. 8(3))."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Response

from app import clock
from app.db.session import ReadSession, WriteSession
from app.pagination import Paged, PartPaged
from app.problems import problem_responses
from app.routers.conventions import etag_of
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import CountryCode, Page, QueryDate
from app.schemas.network import (
    AdHocActionOut,
    FacilitatorOut,
    MembersOut,
    NetworkMeetingOut,
    NetworkOut,
)
from app.security import CurrentPrincipal
from app.services import ad_hoc_action, network_facilitator, network_meeting
from app.services import network as service

router = APIRouter(prefix="/v1/networks", tags=["networks"], route_class=DeferredRoute)


def _day(on: date | None) -> date:
    return on if on is not None else clock.today()


write(
    router,
    service.CREATE,
    "POST",
    "",
    name="create",
    render=lambda row: service.render(row, associated=False),
    out=NetworkOut,
    doc="""A local network covers one third country, a regional one several (ILO-5.1). Deploying
    authorities, the Board secretariat and integrations with board:write register them. The
    answer (and its replay) leaves out the associated officers: they are read on GET.""",
)


@router.get(
    "",
    name="list",
    summary="List networks",
    openapi_extra=reads("network"),
)
async def list_networks(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    country: CountryCode | None = None,
) -> Page[NetworkOut]:
    """Every participant reads the networks; a list never shows associated officers."""
    rows = await service.list_networks(
        session=session,
        principal=principal,
        country=country,
        window=paging.window,
    )
    return await paging.page(
        rows, lambda items: [service.render(r, associated=False) for r in items]
    )


@router.get(
    "/{network_id}",
    name="get",
    summary="One network; associated officers only for the Art. 9(3) roles, audited",
    openapi_extra=reads("network"),
)
async def get_network(
    response: Response, network_id: uuid.UUID, writer: WriteSession
) -> NetworkOut:
    """The associated liaison officers of non-Member States are personal data: shown to ILOs,
    Board members and authorised staff only (as officers' contact details), `no-store`."""
    network = await service.read_network(
        session=writer.session, principal=writer.principal, network_id=network_id
    )
    associated = await service.read_associated(writer=writer, network=network)
    response.headers["ETag"] = etag_of(network.version)
    if associated:
        response.headers["Cache-Control"] = "no-store"
    return service.render(network, associated=associated)


write(
    router,
    service.UPDATE,
    "PATCH",
    "/{network_id}",
    name="update",
    render=lambda row: service.render(row, associated=False),
    out=NetworkOut,
    doc="""Decided for the network before and after the change (ILO-5.1).""",
)


@router.get(
    "/{network_id}/members",
    name="members",
    summary="The network's members on a date (derived from deployments, ILO-5.1)",
    openapi_extra=reads("network"),
)
async def network_members(
    network_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: PartPaged,
    on: QueryDate | None = None,
) -> MembersOut:
    """Every officer with a deployment active on `on` (default today) in, or responsible for,
    one of the network's countries, with its ILO-5.2 precedence class. Officer ids only, a page
    of them by officer id (`next_cursor` leads to the next)."""
    return await service.members(
        session=session, principal=principal, network_id=network_id, on=_day(on), paging=paging
    )


@router.get(
    "/{network_id}/facilitator",
    name="facilitator",
    summary="The facilitator candidates ILO-5.2 requires on a date, and the one in force",
    openapi_extra=reads("network"),
)
async def get_facilitator(
    network_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: PartPaged,
    on: QueryDate | None = None,
) -> FacilitatorOut:
    """Precedence (ILO-5.2): Commission-deployed members, else EU-agency-deployed members, else
    any member the members agree on. The facilitator is null when none was designated, none was
    appointed, or its deployment has ended by `on`. The candidates come a page at a time, by
    officer id (`next_cursor` leads to the next)."""
    return await network_facilitator.facilitator(
        session=session, principal=principal, network_id=network_id, on=_day(on), paging=paging
    )


write(
    router,
    network_facilitator.DESIGNATE,
    "POST",
    "/{network_id}/facilitator",
    name="designate_facilitator",
    render=network_facilitator.render_designation,
    location="{path}",
    doc="""A designation that skips a higher-precedence candidate is a 403 citing ILO-5.2 with the
    candidates' officer ids. The stored row is the Board's notification (ILO-5.3), stamped with
    its time and put in the change feed.""",
)


write(
    router,
    network_meeting.RECORD,
    "POST",
    "/{network_id}/meetings",
    name="record_meeting",
    render=network_meeting.render,
    doc="""An attendee who is not a member on `held_on` is a 403 citing ILO-5.1. Topics are the
    Art. 5(1) tasks; the minutes are a platform document's reference.""",
)


@router.get(
    "/{network_id}/meetings",
    name="meetings",
    summary="The network's meetings",
    openapi_extra=reads("network_meeting"),
)
async def list_meetings(
    network_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
) -> Page[NetworkMeetingOut]:
    """Every participant reads a network's meetings."""
    rows = await network_meeting.list_meetings(
        session=session,
        principal=principal,
        network_id=network_id,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [network_meeting.render(r) for r in items])


@router.get(
    "/{network_id}/meetings/{meeting_id}",
    name="meeting",
    summary="One meeting of the network (its ETag is what a cancellation names)",
    openapi_extra=reads("network_meeting"),
)
async def read_meeting(
    network_id: uuid.UUID,
    meeting_id: uuid.UUID,
    response: Response,
    session: ReadSession,
    principal: CurrentPrincipal,
) -> NetworkMeetingOut:
    """Every participant of the network reads its meetings."""
    row = await network_meeting.read_meeting(
        session=session, principal=principal, network_id=network_id, meeting_id=meeting_id
    )
    response.headers["ETag"] = etag_of(row.version)
    return network_meeting.render(row)


write(
    router,
    network_meeting.CANCEL,
    "POST",
    "/{network_id}/meetings/{meeting_id}/cancellation",
    name="cancel_meeting",
    render=network_meeting.render,
    target=lambda path: path["meeting_id"],
    check=lambda context, path: network_meeting.of_network(
        session=context.writer.session,
        network_id=path["network_id"],
        meeting_id=path["meeting_id"],
    ),
    doc="""Who may record the meeting may cancel it before its date: an attendee's organisation (an
    ILO: a meeting it attends) or the Board. A meeting already held or cancelled is a 409; a
    stale If-Match a 412. The cancellation's day and reason stay on the meeting's record.""",
)


write(
    router,
    ad_hoc_action.ASSIGN,
    "POST",
    "/{network_id}/ad-hoc-actions",
    name="assign_ad_hoc_action",
    render=ad_hoc_action.render,
    doc="""The Board's chair or secretariat assigns an action it has decided (decided_on not in the
    future); it starts as `assigned`.""",
)


@router.get(
    "/{network_id}/ad-hoc-actions",
    name="ad_hoc_actions",
    summary="The ad-hoc actions assigned to the network",
    openapi_extra=reads("ad_hoc_action"),
)
async def list_ad_hoc_actions(
    network_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
) -> Page[AdHocActionOut]:
    """Every participant reads the Board's ad-hoc actions."""
    rows = await ad_hoc_action.list_ad_hoc_actions(
        session=session,
        principal=principal,
        network_id=network_id,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [ad_hoc_action.render(r) for r in items])


write(
    router,
    ad_hoc_action.UPDATE,
    "PATCH",
    "/{network_id}/ad-hoc-actions/{action_id}",
    name="update_ad_hoc_action",
    render=ad_hoc_action.render,
    target=lambda path: path["action_id"],
    check=lambda context, path: ad_hoc_action.require_of_network(
        session=context.writer.session,
        network_id=path["network_id"],
        action_id=path["action_id"],
    ),
    responses=problem_responses(409),
    doc="""A finished (completed or cancelled) action no longer changes: 409.""",
)
