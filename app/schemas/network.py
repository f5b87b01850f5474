"""Art. 5 networks: the network, its members on a date, its facilitator, its meetings, and the
ad-hoc actions the Board assigns to it (Art. 8(3))."""

import uuid
from datetime import date, datetime

from pydantic import ConfigDict, Field

from app.deferred_models import DeferredModel
from app.policies.vocabulary import (
    AdHocActionStatus,
    FacilitatorBasis,
    NetworkKind,
    NetworkTask,
)
from app.schemas.common import (
    PART_PAGE_MAX,
    Column2,
    Column32,
    Column200,
    Column300,
    ColumnId,
    CountryCode,
    CursorText,
    OrganisationCode,
    ShortText,
    StoredText,
    StrictInput,
    Text,
    Version,
)


class AssociatedOfficer(StrictInput):
    """A liaison officer of a non-Member State the network cooperates with (personal data)."""

    name: ShortText
    country: CountryCode
    organisation: ShortText


class NetworkCreate(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "ILO network Senegal",
                    "kind": "local",
                    "countries": ["SN"],
                    "associated_officers": [
                        {"name": "J. Smith", "country": "GB", "organisation": "UK Home Office"}
                    ],
                }
            ]
        }
    )

    name: ShortText
    kind: NetworkKind
    countries: list[CountryCode] = Field(
        min_length=1, max_length=60, json_schema_extra={"uniqueItems": True}
    )
    associated_officers: list[AssociatedOfficer] = Field(default_factory=list, max_length=100)


class NetworkUpdate(StrictInput):
    """Fields to change (absent fields stay as they are)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "ILO network Dakar"}]})

    name: ShortText | None = None
    kind: NetworkKind | None = None
    countries: list[CountryCode] | None = Field(
        default=None, min_length=1, max_length=60, json_schema_extra={"uniqueItems": True}
    )
    associated_officers: list[AssociatedOfficer] | None = Field(default=None, max_length=100)


class NetworkOut(DeferredModel):
    id: uuid.UUID
    name: Column200
    kind: NetworkKind
    countries: list[Column2] = Field(max_length=60)  # as NetworkCreate admits
    organisation: OrganisationCode = Field(
        description="The organisation that registered the network"
    )
    associated_officers: list[AssociatedOfficer] | None = Field(
        max_length=100,  # as NetworkCreate admits
        description="Only for the Art. 9(3) contact-list roles; null for everyone else",
    )
    version: Version
    created_at: datetime
    updated_at: datetime


class MemberOut(DeferredModel):
    officer_id: uuid.UUID
    organisation: OrganisationCode
    deployer_kind: Column32  # its organisation's kind (String(32))
    deployment_id: uuid.UUID
    host_country: Column2  # the deployment's (String(2))
    precedence: FacilitatorBasis = Field(
        description="The member's ILO-5.2 class: commission, eu_agency, or agreed (neither)"
    )


class MembersOut(DeferredModel):
    """A page of the network's members on `on`, by officer id (`next_cursor` leads on)."""

    network_id: uuid.UUID
    on: date
    members: list[MemberOut] = Field(max_length=PART_PAGE_MAX)
    next_cursor: CursorText | None = Field(description="Pass as `cursor` for the next page")


class FacilitatorIn(StrictInput):
    """Designate a facilitator on a date, or record that none was appointed (officer_id null)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "officer_id": "0b6f7f0e-6c3a-4a4e-9f51-7d1c1c9b2f10",
                    "on": "2026-12-01",
                    "agreement_reference": "Minutes of the network meeting of 2026-11-20",
                    "agreed_by": ["0b6f7f0e-6c3a-4a4e-9f51-7d1c1c9b2f10"],
                }
            ]
        }
    )

    officer_id: uuid.UUID | None
    on: date
    agreement_reference: str | None = Field(
        default=None,
        max_length=300,
        description="The members' agreement (needed only without a Commission or agency member)",
    )
    agreed_by: list[uuid.UUID] = Field(
        default_factory=list, max_length=500, json_schema_extra={"uniqueItems": True}
    )


class DesignationOut(DeferredModel):
    id: uuid.UUID
    network_id: uuid.UUID
    officer_id: uuid.UUID | None = Field(description="null: none was appointed")
    deployment_id: uuid.UUID | None
    basis: FacilitatorBasis | None
    agreement_reference: Column300 | None
    agreed_by: list[uuid.UUID] = Field(max_length=500)  # as FacilitatorIn admits
    designated_on: date
    board_notified_at: datetime = Field(description="ILO-5.3: when the Board was notified")
    ended_on: date | None
    decision_id: ColumnId


class FacilitatorOut(DeferredModel):
    network_id: uuid.UUID
    on: date
    required_basis: FacilitatorBasis = Field(description="ILO-5.2: who must facilitate on `on`")
    candidates: list[uuid.UUID] = Field(
        max_length=PART_PAGE_MAX,
        description="The officer ids ILO-5.2 admits on `on` (every member when agreed), a page "
        "of them by id: `next_cursor` leads to the next",
    )
    next_cursor: CursorText | None = Field(description="Pass as `cursor` for the next page")
    facilitator: DesignationOut | None = Field(
        description="The designation in force on `on`; null when there is none (never "
        "designated, none appointed, or its deployment has ended)"
    )
    last_notification: DesignationOut | None = Field(
        description="The latest Board notification (ILO-5.3) on or before `on`"
    )


class NetworkMeetingIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "held_on": "2026-11-20",
                    "attendees": ["0b6f7f0e-6c3a-4a4e-9f51-7d1c1c9b2f10"],
                    "agenda": "Positions towards carriers at DSS; joint training plan.",
                    "topics": ["carrier_positions", "joint_training"],
                    "minutes_document": "doc-2026-0042",
                }
            ]
        }
    )

    held_on: date
    attendees: list[uuid.UUID] = Field(
        min_length=1, max_length=500, json_schema_extra={"uniqueItems": True}
    )
    agenda: Text
    topics: list[NetworkTask] = Field(
        default_factory=list, max_length=len(NetworkTask), json_schema_extra={"uniqueItems": True}
    )
    minutes_document: str | None = Field(
        default=None, min_length=1, max_length=300, description="A platform document reference"
    )


class NetworkMeetingOut(DeferredModel):
    id: uuid.UUID
    network_id: uuid.UUID
    held_on: date
    attendees: list[uuid.UUID] = Field(max_length=500)  # as NetworkMeetingIn admits
    agenda: StoredText
    topics: list[NetworkTask] = Field(max_length=len(NetworkTask))
    minutes_document: Column300 | None
    created_at: datetime
    cancelled_on: date | None = Field(
        description="The day the meeting was cancelled (before it was held), or null."
    )
    cancellation_reason: StoredText | None
    version: Version = Field(description='The meeting\'s version; its ETag is "v" + version.')


class NetworkMeetingCancel(StrictInput):
    """Why a meeting not yet held will not take place (no personal data: it is shown to every
    participant of the network)."""

    reason: Text


class AdHocActionIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Survey of document fraud at Dakar airport",
                    "description": "Collect the network's observations for the next Board.",
                    "decided_on": "2026-11-15",
                    "board_decision_reference": "SB decision 2026/07",
                }
            ]
        }
    )

    title: ShortText
    description: Text
    decided_on: date
    board_decision_reference: str | None = Field(default=None, min_length=1, max_length=300)


class AdHocActionUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "in_progress"}]})

    status: AdHocActionStatus


class AdHocActionOut(DeferredModel):
    id: uuid.UUID
    network_id: uuid.UUID
    title: Column200
    description: StoredText
    decided_on: date
    board_decision_reference: Column300 | None
    status: AdHocActionStatus
    version: Version
    created_at: datetime
    updated_at: datetime
