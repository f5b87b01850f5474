"""The read policies (app/policies/visibility.py) as SQL: one translation per model.

Every read asks `visible(Model, visibility)` for its WHERE clause (lists and single reads alike),
or `field_visible(...)` for a guarded field, so that what a caller sees is decided in one place.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, String, and_, any_, cast, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from app import clock
from app.db.deployed import deployed_on_clause
from app.models import (
    AdHocAction,
    AuditEvent,
    Authority,
    Deployment,
    Document,
    Network,
    NetworkFacilitator,
    NetworkMeeting,
    Officer,
    Organisation,
    OutboxEvent,
    ProcessingRecord,
    RecipientNotification,
    ReferenceImpact,
    Share,
    Transfer,
    TransferFlow,
    TransferFollowUp,
    WebhookSubscription,
)
from app.models.base import Base
from app.models.board import (
    BoardActivityReport,
    BoardDecision,
    BoardDecisionForwarding,
    BoardMeeting,
    BoardRulesOfProcedure,
    BoardSeat,
    BoardWorkProgramme,
    rules_in_force,
)
from app.policies.document import GENERATED_LISTS, Audiences
from app.policies.visibility import Rows, Visibility

# Per model: the column that names the row's organisation, and the one that names its officer.
_Columns = tuple[InstrumentedAttribute[Any] | None, InstrumentedAttribute[Any] | None]
COLUMNS: Mapping[type[Base], _Columns] = MappingProxyType(
    {
        Organisation: (Organisation.code, None),
        Authority: (Authority.organisation, None),
        Officer: (Officer.organisation, None),
        Deployment: (Deployment.organisation, Deployment.officer_id),
        ProcessingRecord: (ProcessingRecord.organisation, ProcessingRecord.officer_id),
        Transfer: (Transfer.organisation, None),
        TransferFlow: (TransferFlow.organisation, None),
        Share: (Share.organisation, None),
        AuditEvent: (AuditEvent.organisation, None),
        OutboxEvent: (OutboxEvent.organisation, None),
        WebhookSubscription: (WebhookSubscription.organisation, None),
        Network: (Network.organisation, None),
        NetworkFacilitator: (NetworkFacilitator.organisation, None),
        NetworkMeeting: (NetworkMeeting.organisation, None),
        AdHocAction: (AdHocAction.organisation, None),
        BoardSeat: (BoardSeat.organisation, None),
        BoardRulesOfProcedure: (None, None),
        BoardMeeting: (None, None),
        BoardDecision: (None, None),
        BoardDecisionForwarding: (BoardDecisionForwarding.organisation, None),
        BoardWorkProgramme: (None, None),
        BoardActivityReport: (None, None),
        TransferFollowUp: (TransferFollowUp.organisation, None),
        RecipientNotification: (RecipientNotification.organisation, None),
        ReferenceImpact: (ReferenceImpact.organisation, None),
        Document: (Document.organisation, None),
    }
)


def rows_condition(model: type[Base], rows: Rows) -> ColumnElement[bool]:
    """The rows of `model` in the set, as a WHERE clause."""
    if rows.all:
        return true()
    if rows.none:
        return false()
    organisation, officer = COLUMNS[model]
    if organisation is None:
        return false()
    condition = organisation == rows.organisation
    if rows.officer_id is None:
        return condition
    try:
        officer_id = uuid.UUID(rows.officer_id)
    except ValueError:
        return false()  # a token's officer_id that names no officer sees no officer's rows
    return and_(condition, officer == officer_id) if officer is not None else false()


def visible(model: type[Base], visibility: Visibility) -> ColumnElement[bool]:
    """The rows of `model` the caller sees (none when the kind is refused)."""
    if visibility.refusal is not None:
        return false()
    if model is OutboxEvent:
        # Network events are for every participant, organisation events for their readers;
        # a document's events only for those who see the document (its audience).
        return and_(
            or_(
                OutboxEvent.visibility == "network",
                and_(
                    OutboxEvent.visibility == "organisation",
                    rows_condition(OutboxEvent, visibility.fields.get("organisation", Rows())),
                ),
            ),
            or_(
                OutboxEvent.resource_type != "document",
                OutboxEvent.resource_id.in_(
                    select(cast(Document.id, String)).where(
                        documents_condition(visibility.documents)
                    )
                ),
            ),
        )
    if model is Document:
        return or_(
            rows_condition(Document, visibility.rows), documents_condition(visibility.documents)
        )
    return rows_condition(model, visibility.rows)


def network_member_condition(organisation: str, officer_id: str | None) -> ColumnElement[bool]:
    """The `network` audience (ILO-5.1, as app/services/network_membership.py derives it, with
    the one definition of a deployment in force, app/db/deployed.py):
    documents whose network has, on the read date (today, UTC), a member officer of
    `organisation` — `officer_id` itself when given (an ILO), any of its officers otherwise (an
    organisation-level caller). A member has a deployment active that day hosted in, or
    responsible for, one of its countries."""
    member = Deployment.organisation == organisation
    if officer_id is not None:
        try:
            member = and_(member, Deployment.officer_id == uuid.UUID(officer_id))
        except ValueError:
            return false()
    today = clock.today()
    members = (
        select(Deployment.id)
        .where(
            member,
            deployed_on_clause(Deployment, today),
            or_(
                Deployment.host_country == any_(Network.countries),
                Deployment.region_countries.op("&&")(Network.countries),
            ),
        )
        .correlate(Network)
        .exists()
    )
    return Document.network_id.in_(select(cast(Network.id, String)).where(members))


def ep_by_rules_condition() -> ColumnElement[bool]:
    """ILO-8.1, ILO-9.4: documents of a category the Board's rules of procedure in force on the
    read date (today, UTC: adopted on or before it, the latest such) make EP-visible, read at
    query time; none before rules are in force. Rules adopted with a later date apply from it."""
    in_force = (
        rules_in_force(clock.today())
        .with_only_columns(BoardRulesOfProcedure.id)
        .correlate(None)
        .scalar_subquery()
    )
    return (
        select(BoardRulesOfProcedure.id)
        .where(
            BoardRulesOfProcedure.id == in_force,
            Document.category == any_(BoardRulesOfProcedure.ep_visible_categories),
            Document.category.not_in(sorted(GENERATED_LISTS)),
        )
        .exists()
    )


def documents_condition(audiences: Audiences | None) -> ColumnElement[bool]:
    """The documents the audiences of the read policy `document` let a caller see."""
    if audiences is None:
        return false()
    if audiences.everything:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if audiences.audiences:
        conditions.append(Document.audience.in_(sorted(audiences.audiences)))
    if audiences.ep_categories:
        conditions.append(
            and_(
                Document.audience == "european_parliament",
                Document.category.in_(sorted(audiences.ep_categories)),
            )
        )
    if audiences.ep_by_rules:
        conditions.append(and_(Document.audience == "european_parliament", ep_by_rules_condition()))
    if audiences.organisation is not None:
        conditions.append(Document.organisation == audiences.organisation)
    if audiences.network_member is not None:
        condition = network_member_condition(audiences.network_member, audiences.network_officer)
        conditions.append(and_(Document.audience == "network", condition))
    return or_(false(), *conditions)
