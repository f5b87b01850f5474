"""Exchanges inside the Union (Art. 3(6)(d), recital 26): to another ILO, a network, or a
Member State's competent authority, limited to what is strictly necessary (ILO-10.4)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.db.writer import Change, NewRow, Prepared
from app.keyset import Window
from app.models import Authority, ProcessingRecord, Share
from app.policies import Decision, ShareFacts
from app.policies.transfer import SHARE_RECORD
from app.problems import ValidationFailed
from app.schemas.share import ShareCreate, ShareOut
from app.services.guarded import Action, Context
from app.services.officer import get_officer
from app.services.organisation import participant_map
from app.services.processing_record import RESOURCE
from app.services.transfer import erased_conflict, exchanged_record


async def receiving_authority(session: AsyncSession, body: ShareCreate) -> str | None:
    """The label of a Member State authority recipient: the free text, else the name of the
    authority the share names by id, which must be one of recipient_org (422 otherwise)."""
    if body.recipient_authority_id is None:
        return body.recipient_authority
    authority = await session.get(Authority, body.recipient_authority_id)
    if authority is None or authority.organisation != body.recipient_org:
        raise ValidationFailed(
            [
                {
                    "pointer": "/recipient_authority_id",
                    "in": "body",
                    "detail": f"no authority of {body.recipient_org} with this id is registered",
                }
            ]
        )
    return body.recipient_authority or authority.name


@dataclass(frozen=True, slots=True)
class Sharing:
    """A share prepared on a record, with its recipient authority's label and its date."""

    prepared: Prepared[ShareFacts]
    record: ProcessingRecord
    authority: str | None
    shared_on: date


async def _prepare(context: Context, record_id: uuid.UUID, body: ShareCreate) -> Sharing:
    session = context.writer.session
    authority = await receiving_authority(session, body)
    record = await exchanged_record(context, record_id)
    shared_on = body.shared_on or today()
    recipient_org = body.recipient_org
    if body.recipient_officer_id is not None:
        recipient = await get_officer(session=session, officer_id=body.recipient_officer_id)
        recipient_org = recipient.organisation
    facts = ShareFacts(
        actor=context.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        record_fields=frozenset(record.subject_fields),
        recipient_kind=body.recipient_kind,
        recipient_org=recipient_org,
        fields_disclosed=frozenset(body.fields_disclosed),
        justification=body.justification,
        participants=await participant_map(session=session),
        shared_on=shared_on,
        record_began_on=record.began_on,
        record_retain_until=record.retain_until,
        regime=record.regime,
        record_restriction=record.restriction_ground,
        restricted_use=body.restricted_use,
        restricted_use_law=body.restricted_use_law,
    )
    return Sharing(
        Prepared(facts, conflicts=erased_conflict(record), resource_id=str(record.id)),
        record,
        authority,
        shared_on,
    )


def _build(
    context: Context, sharing: Sharing, body: ShareCreate, decision: Decision
) -> NewRow[Share]:
    record, authority, shared_on = sharing.record, sharing.authority, sharing.shared_on
    share = Share(
        id=uuid.uuid4(),
        processing_record_id=record.id,
        organisation=record.organisation,
        recipient_kind=body.recipient_kind,
        recipient_officer_id=body.recipient_officer_id,
        recipient_network=body.recipient_network,
        recipient_org=body.recipient_org,
        recipient_authority=authority,
        recipient_authority_id=body.recipient_authority_id,
        fields_disclosed=sorted(body.fields_disclosed),
        justification=body.justification,
        shared_on=shared_on,
        restriction_ground=record.restriction_ground,
        restricted_use=body.restricted_use if record.restriction_ground else None,
        restricted_use_law=body.restricted_use_law if record.restriction_ground else None,
        decision_id=decision.decision_id,
        policy_version=decision.policy_version,
        recorded_by=context.principal.sub,
    )
    change = Change(
        resource_type="share",
        organisation=record.organisation,
        visibility="organisation",
        purpose=record.purpose,
        legal_basis="ILO-10.4",
        details={
            "processing_record_id": str(record.id),
            "recipient_kind": body.recipient_kind,
            # LED Art. 25(1): the log of a disclosure names its recipient
            "recipient": {
                "officer_id": str(body.recipient_officer_id) if body.recipient_officer_id else None,
                "network": body.recipient_network,
                "organisation": body.recipient_org,
                "authority": authority,
            },
            "fields_disclosed": sorted(body.fields_disclosed),
            "restricted_use": body.restricted_use if record.restriction_ground else None,
            "shared_on": shared_on.isoformat(),
            # Art. 5(2): a share made before today is recorded after the fact
            "after_the_fact": shared_on < today(),
        },
    )
    return NewRow(share, change)


# ACL-ROLE, ACL-ORG, ILO-10.4 (recipient inside the Union, fields ⊆ record, justification),
# ILO-10.2 (dated within the record's life), GDPR-18.2.
RECORD = Action(
    policy=SHARE_RECORD,
    resource=RESOURCE,
    body=ShareCreate,
    target="uuid",
    load=_prepare,
    build=_build,
    makes="row",
    summary="Record an exchange inside the Union (Art. 3(6)(d)): ILO, network or authority",
)


async def list_shares(
    *, session: AsyncSession, record_id: uuid.UUID, window: Window | None = None
) -> Sequence[Share]:
    """The record's shares in the order they were recorded: a page of them (`window`), or all
    (the data-subject export)."""
    query = select(Share).where(Share.processing_record_id == record_id)
    if window is None:
        query = query.order_by(Share.created_at, Share.id)
    else:
        query = window.apply(query, Share.created_at, Share.id)
    return (await session.scalars(query)).all()


def render(share: Share) -> ShareOut:
    return ShareOut.model_validate(share, from_attributes=True)
