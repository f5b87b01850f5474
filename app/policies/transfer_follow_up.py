"""Readmission cooperation (Visa Code Art. 25a): the follow-up of an identification request.

An identification request is a transfer of a return identification record to a public authority
of a third country; its follow-up records the answer (confirmed / not_confirmed / no_answer) and
what came of it (a travel document issued, a return operation accepted). The follow-up holds
nothing about the subject beyond the transfer it refers to: RA-1, RA-2, ACL-ROLE, ACL-ORG.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome, check
from app.policies.rules import RA_1, RA_2
from app.policies.vocabulary import (
    DataCategory,
    IdentificationOutcome,
    Purpose,
    RecipientType,
    Role,
    Scope,
)

ANSWERED = frozenset({IdentificationOutcome.confirmed, IdentificationOutcome.not_confirmed})
# Who made the transfer: the record's ILO, or its organisation's integration.
FOLLOWS_OWN_TRANSFER = Requirement(officer_roles=frozenset({Role.ilo}), scope=Scope.transfers_write)


def is_identification_request(
    *,
    purpose: str,
    data_categories: tuple[str, ...] | list[str],
    recipient_type: str,
    destination_country: str | None,
) -> bool:
    """RA-1: a return identification sent to a third country's public authority."""
    return (
        purpose == Purpose.return_
        and DataCategory.a_return_identity in data_categories
        and recipient_type == RecipientType.public_authority
        and destination_country is not None
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpFacts:
    actor: Actor
    transfer_org: str
    record_officer_id: str
    purpose: str
    data_categories: tuple[str, ...]
    recipient_type: str
    destination_country: str | None
    transfer_on: date
    outcome: str  # an IdentificationOutcome
    answered_on: date | None
    travel_document_issued_on: date | None
    return_operation_accepted: bool | None
    today: date


def _request_problems(facts: FollowUpFacts) -> Iterator[str]:
    if facts.purpose != Purpose.return_:
        yield f"the transfer's record serves purpose {facts.purpose}, not return"
    if DataCategory.a_return_identity not in facts.data_categories:
        yield "the transfer's record holds no return identification (category a_return_identity)"
    if facts.recipient_type != RecipientType.public_authority:
        yield f"the transfer went to a {facts.recipient_type}, not a third country's authority"
    if facts.destination_country is None:
        yield "the transfer went to an international organisation, not a third country"


def _consistency_problems(facts: FollowUpFacts) -> Iterator[str]:
    answered = facts.outcome in ANSWERED
    if answered and facts.answered_on is None:
        yield f"outcome {facts.outcome} needs answered_on"
    if not answered and facts.answered_on is not None:
        yield f"outcome {facts.outcome} has no answer date: leave answered_on out"
    if facts.answered_on is not None:
        if facts.answered_on < facts.transfer_on:
            yield (
                f"answered_on {facts.answered_on} is before the request was sent "
                f"({facts.transfer_on})"
            )
        if facts.answered_on > facts.today:
            yield f"answered_on {facts.answered_on} is in the future"
    confirmed = facts.outcome == IdentificationOutcome.confirmed
    issued = facts.travel_document_issued_on
    if issued is not None:
        if not confirmed:
            yield "a travel document is only issued after a confirmed identification"
        elif facts.answered_on is not None and issued < facts.answered_on:
            yield f"travel_document_issued_on {issued} is before the answer ({facts.answered_on})"
        if issued > facts.today:
            yield f"travel_document_issued_on {issued} is in the future"
    if facts.return_operation_accepted and not confirmed:
        yield "a return operation is only accepted after a confirmed identification"


def decide_follow_up(facts: FollowUpFacts) -> Outcome:
    """ACL-ORG (the organisation that made the transfer), RA-1 (an identification request to a
    third country's authority), RA-2 (a consistent answer dated after the request)."""
    outcome = Outcome()
    outcome.add(
        require_org(facts.actor, ("the transfer of", facts.transfer_org)),
        check(RA_1, _request_problems(facts)),
        check(RA_2, _consistency_problems(facts)),
    )
    return outcome


TRANSFER_FOLLOW_UP_RECORD = declare(
    "transfer_follow_up.record",
    FollowUpFacts,
    requires=FOLLOWS_OWN_TRANSFER,
    officer=lambda f: f.record_officer_id,
    rules=decide_follow_up,
    emits=("transfer_follow_up.recorded",),
)


TRANSFER_FOLLOW_UP_UPDATE = declare(
    "transfer_follow_up.update",
    FollowUpFacts,
    requires=FOLLOWS_OWN_TRANSFER,
    officer=lambda f: f.record_officer_id,
    rules=decide_follow_up,
    emits=("transfer_follow_up.updated",),
)
