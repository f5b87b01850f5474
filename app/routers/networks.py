"""/v1/networks: Art. 5 cooperation networks, their members on a date, their facilitator, their
meetings, and the ad-hoc actions the Steering Board assigns to them (Art. 8(3))."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from fastapi import APIRouter, Response

from app.db.session import ReadSession, WriteSession
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.conventions import (
    ActionContext,
    Idempotency,
    IfMatch,
    etag_of,
    require_if_match,
)
from app.routers.policy_marks import guarded, reads
from app.schemas.common import CountryCode, Page, QueryDate
from app.schemas.network import (
    AdHocActionIn,
    AdHocActionOut,
    AdHocActionUpdate,
    DesignationOut,
    FacilitatorIn,
    FacilitatorOut,
    MembersOut,
    NetworkCreate,
    NetworkMeetingCancel,
    NetworkMeetingIn,
    NetworkMeetingOut,
    NetworkOut,
    NetworkUpdate,
)
from app.security import CurrentPrincipal
from app.services import ad_hoc_action, network_facilitator, network_meeting
from app.services import network as service

router = APIRouter(prefix="/v1/networks", tags=["networks"])


def _day(on: date | None) -> date:
    return on if on is not None else datetime.now(UTC).date()


@router.post(
    "",
    name="create",
    status_code=201,
    summary="Register a local or regional network (Art. 5(1))",
    response_model=NetworkOut,
    openapi_extra=guarded(service.CREATE),
)
async def create_network(
    body: NetworkCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    """A local network covers one third country, a regional one several (ILO-5.1). Deploying
    authorities, the Board secretariat and integrations with board:write register them. The
    answer (and its replay) leaves out the associated officers: they are read on GET."""
    network = await context.perform(service.CREATE, None, body)
    return await idempotent.respond(
        service.render(network, associated=False),
        headers={"Location": f"/v1/networks/{network.id}", "ETag": etag_of(network.version)},
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


@router.patch(
    "/{network_id}",
    name="update",
    summary="Amend a network (If-Match required)",
    openapi_extra=guarded(service.UPDATE),
)
async def update_network(
    response: Response,
    network_id: uuid.UUID,
    body: NetworkUpdate,
    context: ActionContext,
    if_match: IfMatch = None,
) -> NetworkOut:
    """Decided for the network before and after the change (ILO-5.1)."""
    updated = await require_if_match(context, if_match).perform(service.UPDATE, network_id, body)
    response.headers["ETag"] = etag_of(updated.version)
    return service.render(updated, associated=False)


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
    on: QueryDate | None = None,
) -> MembersOut:
    """Every officer with a deployment active on `on` (default today) in, or responsible for,
    one of the network's countries, with its ILO-5.2 precedence class. Officer ids only."""
    return await service.members(
        session=session, principal=principal, network_id=network_id, on=_day(on)
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
    on: QueryDate | None = None,
) -> FacilitatorOut:
    """Precedence (ILO-5.2): Commission-deployed members, else EU-agency-deployed members, else
    any member the members agree on. The facilitator is null when none was designated, none was
    appointed, or its deployment has ended by `on`."""
    return await network_facilitator.facilitator(
        session=session, principal=principal, network_id=network_id, on=_day(on)
    )


@router.post(
    "/{network_id}/facilitator",
    name="designate_facilitator",
    status_code=201,
    summary="Designate the facilitator, or record that none was appointed (ILO-5.2, 5.3)",
    response_model=DesignationOut,
    openapi_extra=guarded(network_facilitator.DESIGNATE),
)
async def designate_facilitator(
    network_id: uuid.UUID, body: FacilitatorIn, context: ActionContext, idempotent: Idempotency
) -> Response:
    """A designation that skips a higher-precedence candidate is a 403 citing ILO-5.2 with the
    candidates' officer ids. The stored row is the Board's notification (ILO-5.3), stamped with
    its time and put in the change feed."""
    row = await context.perform(network_facilitator.DESIGNATE, network_id, body)
    return await idempotent.respond(
        network_facilitator.render_designation(row),
        headers={"Location": f"/v1/networks/{network_id}/facilitator"},
    )


@router.post(
    "/{network_id}/meetings",
    name="record_meeting",
    status_code=201,
    summary="Record a network meeting (attendees: members on its date)",
    response_model=NetworkMeetingOut,
    openapi_extra=guarded(network_meeting.RECORD),
)
async def record_meeting(
    network_id: uuid.UUID, body: NetworkMeetingIn, context: ActionContext, idempotent: Idempotency
) -> Response:
    """An attendee who is not a member on `held_on` is a 403 citing ILO-5.1. Topics are the
    Art. 5(1) tasks; the minutes are a platform document's reference."""
    row = await context.perform(network_meeting.RECORD, network_id, body)
    location = f"/v1/networks/{network_id}/meetings/{row.id}"
    return await idempotent.respond(
        network_meeting.render(row), headers={"Location": location, "ETag": etag_of(row.version)}
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


@router.post(
    "/{network_id}/meetings/{meeting_id}/cancellation",
    name="cancel_meeting",
    summary="Cancel a meeting not yet held (If-Match; the record stays, with the reason)",
    response_model=NetworkMeetingOut,
    openapi_extra=guarded(network_meeting.CANCEL),
)
async def cancel_meeting(
    network_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: NetworkMeetingCancel,
    context: ActionContext,
    idempotent: Idempotency,
    if_match: IfMatch = None,
) -> Response:
    """Who may record the meeting may cancel it before its date: an attendee's organisation (an
    ILO: a meeting it attends) or the Board. A meeting already held or cancelled is a 409; a
    stale If-Match a 412. The cancellation's day and reason stay on the meeting's record."""
    await network_meeting.of_network(
        session=context.writer.session, network_id=network_id, meeting_id=meeting_id
    )
    row = await require_if_match(context, if_match).perform(
        network_meeting.CANCEL, meeting_id, body
    )
    return await idempotent.respond(
        network_meeting.render(row), status=200, headers={"ETag": etag_of(row.version)}
    )


@router.post(
    "/{network_id}/ad-hoc-actions",
    name="assign_ad_hoc_action",
    status_code=201,
    summary="Assign an ad-hoc action to the network (ILO-8.3)",
    response_model=AdHocActionOut,
    openapi_extra=guarded(ad_hoc_action.ASSIGN),
)
async def assign_ad_hoc_action(
    network_id: uuid.UUID, body: AdHocActionIn, context: ActionContext, idempotent: Idempotency
) -> Response:
    """The Board's chair or secretariat assigns an action it has decided (decided_on not in the
    future); it starts as `assigned`."""
    row = await context.perform(ad_hoc_action.ASSIGN, network_id, body)
    return await idempotent.respond(
        ad_hoc_action.render(row),
        headers={
            "Location": f"/v1/networks/{network_id}/ad-hoc-actions/{row.id}",
            "ETag": etag_of(row.version),
        },
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


@router.patch(
    "/{network_id}/ad-hoc-actions/{action_id}",
    name="update_ad_hoc_action",
    summary="Move an ad-hoc action: assigned → in_progress → completed | cancelled",
    openapi_extra=guarded(ad_hoc_action.UPDATE),
    responses=problem_responses(409),
)
async def update_ad_hoc_action(
    response: Response,
    network_id: uuid.UUID,
    action_id: uuid.UUID,
    body: AdHocActionUpdate,
    context: ActionContext,
    if_match: IfMatch = None,
) -> AdHocActionOut:
    """A finished (completed or cancelled) action no longer changes: 409."""
    expecting = require_if_match(context, if_match)
    await ad_hoc_action.require_of_network(
        session=context.writer.session, network_id=network_id, action_id=action_id
    )
    row = await expecting.perform(ad_hoc_action.UPDATE, action_id, body)
    response.headers["ETag"] = etag_of(row.version)
    return ad_hoc_action.render(row)
