"""The Steering Board (Art. 7, 8): seats, rules of procedure, meetings, decisions, status."""

import uuid
from datetime import date
from typing import Annotated, Self

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.bounds import LIST_MAX, Message, RuleId, first_items
from app.deferred_models import DeferredModel
from app.policies.board_tally import vote_shape_problem
from app.policies.vocabulary import (
    BoardSeatRole,
    BoardVote,
    DecisionOutcome,
    DocumentCategory,
    VoteMode,
)
from app.schemas.common import (
    ORGANISATIONS_MAX,
    Column2,
    Column32,
    Column64,
    Column200,
    Column300,
    Count,
    OrganisationCode,
    OrganisationCodes,
    Page,
    ShortText,
    StoredText,
    StrictInput,
    Text,
    Version,
)
from app.schemas.officer import Email, Phone

# The votes a decision records at most (DecisionIn).
VOTES_MAX = 120


class SeatAppoint(StrictInput):
    """One appointment to the Board (ILO-7.2-7.4, 7.6)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "role": "member",
                    "organisation": "NL",
                    "holder_name": "A. de Vries",
                    "holder_email": "a.devries@example.nl",
                    "starts_on": "2026-01-01",
                }
            ]
        },
    )

    role: BoardSeatRole
    organisation: str | None = Field(
        default=None, min_length=2, max_length=16, description="A participant; none for observers"
    )
    observer_body: ShortText | None = Field(
        default=None, description="An observer's body (an expert, an international organisation)"
    )
    invitation_reference: str | None = Field(default=None, max_length=300)
    chair: bool = False
    holder_name: ShortText
    holder_email: Email | None = None
    holder_phone: Phone | None = None
    starts_on: date


class SeatEnd(StrictInput):
    ended_on: date


class SeatHolder(DeferredModel):
    """Personal data (Art. 9(2)(c)): only for ILOs, Board members and authorised staff."""

    name: Column200
    email: Annotated[str, StringConstraints(max_length=320)] | None  # holder_email String(320)
    phone: Column64 | None  # holder_phone String(64)


class SeatOut(DeferredModel):
    id: uuid.UUID
    role: BoardSeatRole
    organisation: OrganisationCode | None
    observer_body: Column200 | None
    invitation_reference: Column300 | None
    chair: bool
    voting: bool = Field(description="Derived: Art. 7(2)-(4) and the participant's voting right")
    starts_on: date
    ended_on: date | None
    holder: SeatHolder | None = Field(description="Shown only to the Art. 9(3) roles; audited")
    version: Version


class RulesOfProcedureIn(StrictInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "adopted_on": "2026-03-01",
                    "quorum": 16,
                    "proxy_allowed": True,
                    "max_proxies_per_member": 1,
                    "ep_visible_categories": ["b_programme_or_report"],
                    "document_reference": "SB/2026/01 Rules of procedure",
                }
            ]
        },
    )

    adopted_on: date
    quorum: int = Field(ge=1, le=100, description="Voting members present or represented")
    proxy_allowed: bool
    max_proxies_per_member: int = Field(default=0, ge=0, le=5)
    ep_visible_categories: list[DocumentCategory] = Field(
        default_factory=list,
        max_length=len(DocumentCategory),
        json_schema_extra={"uniqueItems": True},
    )
    document_reference: ShortText


class RulesOfProcedureOut(DeferredModel):
    version: Version
    adopted_on: date
    # as RulesOfProcedureIn admits them
    quorum: int = Field(ge=1, le=100)
    proxy_allowed: bool
    max_proxies_per_member: int = Field(ge=0, le=5)
    ep_visible_categories: list[DocumentCategory] = Field(max_length=len(DocumentCategory))
    document_reference: Column300
    due_by: date | None = Field(description="Three months after the first meeting (ILO-8.1)")
    late: bool


# The ILOs deployed on its day a Board meeting's list holds: recording a meeting on a day with
# more is refused (422), so a stored list never holds more.
MEETING_OFFICERS_MAX = 2000


class OfficerListEntry(DeferredModel):
    officer_id: uuid.UUID
    organisation: OrganisationCode
    host_country: Column2  # the deployment's (String(2))
    region_countries: list[Column2] = Field(max_length=60)  # as DeploymentCreate admits
    posting_type: Column32
    # the officer's given names and surname (String(200) each), with a space between
    name: Annotated[str, StringConstraints(max_length=401)] | None = Field(
        default=None, description="Only for the Art. 9(3) roles; audited"
    )


class OfficerList(Page[OfficerListEntry]):
    """A page of the list of deployed ILOs on a date (`next_cursor` leads to the next)."""

    on: date


class BoardMeetingIn(StrictInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"held_on": "2026-03-12", "location": "Brussels", "agenda": ["Work programme"]}
            ]
        },
    )

    held_on: date
    location: ShortText
    agenda: list[ShortText] = Field(default_factory=list, max_length=50)


class BoardMeetingOut(DeferredModel):
    id: uuid.UUID
    held_on: date
    location: Column200
    agenda: list[Column300] = Field(max_length=50)  # as BoardMeetingIn admits
    officer_list: list[OfficerListEntry] = Field(
        max_length=MEETING_OFFICERS_MAX,
        description="Snapshot of the meeting (8(2)(d)); a meeting is recorded only on a day "
        f"with at most {MEETING_OFFICERS_MAX} ILOs deployed",
    )


class VoteIn(StrictInput):
    """One vote; `proxy_holder` names the member voting on the organisation's behalf exactly
    when `mode` is `proxy` (ILO-8.1), never the organisation itself."""

    organisation: str = Field(min_length=2, max_length=16)
    cast_by: BoardSeatRole = BoardSeatRole.member
    mode: VoteMode = VoteMode.in_person
    proxy_holder: str | None = Field(default=None, min_length=2, max_length=16)
    choice: BoardVote

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        problem = vote_shape_problem(self.organisation, self.mode, self.proxy_holder)
        if problem:
            raise ValueError(problem)
        return self


class DecisionIn(StrictInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "meeting_id": "0b5a3f9e-4d1c-4f4e-9a53-2f1f7f0a1b2c",
                    "title": "Joint training on document fraud",
                    "summary": "The Board endorses a joint training for ILOs in West Africa.",
                    "votes": [{"organisation": "NL", "choice": "yes"}],
                }
            ]
        },
    )

    meeting_id: uuid.UUID
    title: ShortText
    summary: Text
    votes: list[VoteIn] = Field(max_length=VOTES_MAX)


class UncountedOut(DeferredModel):
    organisation: OrganisationCode
    reason: Message


class TallyOut(DeferredModel):
    """Counts of seats and of the decision's votes (at most VOTES_MAX)."""

    voting_seats: Count = Field(description="Every voting seat, held or not, present or not")
    majority_needed: Count
    quorum: Count | None
    present: Count
    yes: Count
    no: Count
    abstain: Count
    quorum_met: bool
    uncounted: list[UncountedOut] = Field(max_length=VOTES_MAX)  # a vote each at most


class ForwardingOut(DeferredModel):
    organisation: OrganisationCode
    forwarded_on: date


class BoardDecisionOut(DeferredModel):
    id: uuid.UUID
    meeting_id: uuid.UUID
    title: Column300
    summary: StoredText
    decided_on: date
    votes: list[VoteIn] = Field(max_length=VOTES_MAX)
    outcome: DecisionOutcome = Field(description="Derived by ILO-7.8")
    tally: TallyOut
    # one per organisation at most (a forwarding is unique per decision and organisation)
    forwarded: list[ForwardingOut] = Field(max_length=ORGANISATIONS_MAX, description="ILO-7.9")
    not_forwarded: OrganisationCodes = Field(description="Deploying organisations yet to forward")


class ForwardingIn(StrictInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"organisation": "NL", "forwarded_on": "2026-03-20"}]},
    )

    organisation: str = Field(min_length=2, max_length=16)
    forwarded_on: date


class StatusFlag(DeferredModel):
    rule: RuleId
    message: Message


class MissingSeat(DeferredModel):
    organisation: OrganisationCode
    role: BoardSeatRole


class MeetingYear(DeferredModel):
    year: int = Field(ge=1, le=9999)
    meetings: Count


class BoardStatus(DeferredModel):
    on: date
    composition_complete: bool
    voting_seats: Count
    seats_held: Count
    missing: list[MissingSeat] = Field(max_length=ORGANISATIONS_MAX * len(BoardSeatRole))
    chair: uuid.UUID | None
    meetings_per_year: list[MeetingYear] = Field(max_length=9999)  # one per year at most
    rules_of_procedure: RulesOfProcedureOut | None
    flags: Annotated[list[StatusFlag], first_items(LIST_MAX), Field(max_length=LIST_MAX)]


class EpCategories(DeferredModel):
    categories: list[DocumentCategory]
