"""GDPR-30.1 (EUDPR Art. 31, LED Art. 24): the record of processing activities of one controller,
derived from its processing records, transfers and shares — purposes, categories of subjects and
data, recipients, transfers with their Chapter V grounds and references, retention. Metadata
only: no subject data are read."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keyset import INVALID
from app.models import (
    Authority,
    Organisation,
    OrganisationContact,
    ProcessingRecord,
    Share,
    Transfer,
)
from app.pagination import Paging
from app.policies.subject_rights import ropa_citation
from app.problems import NotFound, ValidationFailed
from app.schemas.ropa import (
    ROPA_PART_MAX,
    RopaActivityOut,
    RopaActivityPart,
    RopaOut,
    RopaPage,
    RopaRecipientOut,
    RopaTransferOut,
)
from app.security import Principal
from app.services import access

KIND = "ropa"
NOTE = (
    "Derived from the processing records, transfers and shares at generation time (GDPR-30.1); "
    "no subject data. Recipients inside the Union are shares, third countries transfers."
)


def _share_recipient() -> ColumnElement[str]:
    # An authority named by id is counted under its registered name, however it was labelled.
    return func.coalesce(
        func.coalesce(Authority.name, Share.recipient_authority) + " (" + Share.recipient_org + ")",
        "network " + Share.recipient_network,
        "officer " + cast(Share.recipient_officer_id, type_=Share.recipient_kind.type),
    )


async def build_ropa(
    *, session: AsyncSession, principal: Principal, organisation: str, caps: dict[str, int]
) -> RopaOut:
    """The organisation's record of processing activities, for its DPO (read policy `ropa`)."""
    seen = access.visibility(principal, KIND)
    if not seen.rows.holds(organisation=organisation):
        raise NotFound(
            f"No record of processing activities of {organisation} for you.",
            resource_type=KIND,
            resource_id=organisation,
        )
    controller = await session.get(Organisation, organisation)
    if controller is None:
        raise NotFound(f"No organisation {organisation}.", resource_type=KIND)
    pr = ProcessingRecord
    # retention is counted from the day the processing began (ILO-10.2), not from its recording
    retention = func.max(pr.retain_until - pr.began_on)
    activities = (
        await session.execute(
            select(
                pr.purpose,
                pr.regime,
                func.array_agg(func.distinct(pr.data_subject_category)),
                func.bool_or(pr.special_category),
                func.count(),
                func.count(pr.erased_at),
                func.count(pr.restriction_ground),
                cast(retention, Integer),
            )
            .where(pr.organisation == organisation)
            .group_by(pr.purpose, pr.regime)
            .order_by(pr.purpose, pr.regime)
        )
    ).all()
    categories = (
        await session.execute(
            select(pr.purpose, pr.regime, func.unnest(pr.data_categories).label("c"))
            .where(pr.organisation == organisation)
            .distinct()
        )
    ).all()
    recipient = _share_recipient()
    shares = (
        await session.execute(
            select(pr.purpose, pr.regime, Share.recipient_kind, recipient, func.count())
            .join(pr, pr.id == Share.processing_record_id)
            .outerjoin(Authority, Authority.id == Share.recipient_authority_id)
            .where(Share.organisation == organisation)
            .group_by(pr.purpose, pr.regime, Share.recipient_kind, recipient)
            .order_by(Share.recipient_kind, recipient)
        )
    ).all()
    destination = func.coalesce(Transfer.destination_organisation, Transfer.destination_country)
    transfers = (
        await session.execute(
            select(
                pr.purpose,
                pr.regime,
                destination,
                Transfer.recipient_name,
                Transfer.recipient_type,
                Transfer.basis_ground,
                Transfer.basis_rule,
                Transfer.basis_reference,
                func.count(),
                func.min(Transfer.transfer_on),
                func.max(Transfer.transfer_on),
            )
            .join(pr, pr.id == Transfer.processing_record_id)
            .where(Transfer.organisation == organisation)
            .group_by(
                pr.purpose,
                pr.regime,
                destination,
                Transfer.recipient_name,
                Transfer.recipient_type,
                Transfer.basis_ground,
                Transfer.basis_rule,
                Transfer.basis_reference,
            )
            .order_by(destination, Transfer.recipient_name)
        )
    ).all()
    result = []
    for purpose, regime, subjects, special, count, erased, restricted, longest in activities:
        key = (purpose, regime)
        result.append(
            RopaActivityOut(
                purpose=purpose,
                regime=regime,
                article=ropa_citation(regime),
                data_subject_categories=sorted(subjects),
                data_categories=sorted(c for p, r, c in categories if (p, r) == key),
                special_category=bool(special),
                records=count,
                records_erased=erased,
                records_restricted=restricted,
                retention_cap_days=caps.get(purpose),
                longest_retention_days=int(longest or 0),
                recipients=[
                    RopaRecipientOut(kind=k, recipient=str(name), exchanges=n)
                    for p, r, k, name, n in shares
                    if (p, r) == key
                ],
                transfers=[
                    RopaTransferOut(
                        destination=d or "",
                        recipient=name,
                        recipient_type=rtype,
                        ground=ground,
                        rule=rule,
                        reference=ref,
                        transfers=n,
                        first_on=first,
                        last_on=last,
                    )
                    for p, r, d, name, rtype, ground, rule, ref, n, first, last in transfers
                    if (p, r) == key
                ],
            )
        )
    contacts = await session.get(OrganisationContact, organisation)
    return RopaOut(
        organisation=organisation,
        controller=controller.name,
        controller_contact=contacts.controller_contact if contacts else None,
        dpo_contact=contacts.dpo_contact if contacts else None,
        generated_at=datetime.now(UTC),
        activities=result,
        note=NOTE,
    )


def _part(activity: RopaActivityOut, part: int) -> RopaActivityPart:
    window = slice(part * ROPA_PART_MAX, (part + 1) * ROPA_PART_MAX)
    return RopaActivityPart(
        **{
            **activity.model_dump(exclude={"recipients", "transfers"}),
            "recipients": activity.recipients[window],
            "transfers": activity.transfers[window],
        }
    )


async def ropa_page(ropa: RopaOut, paging: Paging) -> RopaPage:
    """The register as JSON, a page of its activities' parts: each activity once, or again
    with its next ROPA_PART_MAX recipients and transfers while it has more."""
    parts = [
        (index, part)
        for index, a in enumerate(ropa.activities)
        for part in range(
            max(-(-len(a.recipients) // ROPA_PART_MAX), -(-len(a.transfers) // ROPA_PART_MAX), 1)
        )
    ]
    after, count = paging.window.seek(lambda position: list(position))
    if after is not None and (len(after) != 2 or not all(isinstance(v, int) for v in after)):
        raise ValidationFailed(INVALID)
    listed = [p for p in parts if after is None or p > (after[0], after[1])][:count]
    page = await paging.page(listed, lambda items: [_part(ropa.activities[i], k) for i, k in items])
    return RopaPage(
        **{**ropa.model_dump(exclude={"activities"}), "activities": page.items},
        next_cursor=page.next_cursor,
    )


CSV_COLUMNS = (
    "section",
    "controller",
    "controller_contact",
    "dpo_contact",
    "purpose",
    "regime",
    "article",
    "data_subject_categories",
    "data_categories",
    "special_category",
    "records",
    "records_erased",
    "records_restricted",
    "retention_cap_days",
    "longest_retention_days",
    "recipient_kind",
    "recipient",
    "destination",
    "ground",
    "rule",
    "reference",
    "count",
    "first_on",
    "last_on",
)


def to_csv(ropa: RopaOut) -> str:
    """The controller's row, then one row per activity, recipient and transfer flow."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(
        {
            "section": "controller",
            "controller": ropa.controller,
            "controller_contact": ropa.controller_contact or "",
            "dpo_contact": ropa.dpo_contact or "",
        }
    )
    for a in ropa.activities:
        base = {"purpose": a.purpose, "regime": a.regime, "article": a.article}
        writer.writerow(
            {
                **base,
                "section": "activity",
                "data_subject_categories": " ".join(a.data_subject_categories),
                "data_categories": " ".join(a.data_categories),
                "special_category": a.special_category,
                "records": a.records,
                "records_erased": a.records_erased,
                "records_restricted": a.records_restricted,
                "retention_cap_days": a.retention_cap_days,
                "longest_retention_days": a.longest_retention_days,
            }
        )
        for s in a.recipients:
            writer.writerow(
                {
                    **base,
                    "section": "recipient",
                    "recipient_kind": s.kind,
                    "recipient": s.recipient,
                    "count": s.exchanges,
                }
            )
        for t in a.transfers:
            writer.writerow(
                {
                    **base,
                    "section": "transfer",
                    "recipient_kind": t.recipient_type,
                    "recipient": t.recipient,
                    "destination": t.destination,
                    "ground": t.ground,
                    "rule": t.rule,
                    "reference": t.reference,
                    "count": t.transfers,
                    "first_on": t.first_on,
                    "last_on": t.last_on,
                }
            )
    return out.getvalue()
