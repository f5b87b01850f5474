"""The Steering Board's decisions (ILO-7.8 with ILO-8.1): each recorded vote judged once, as
refused, counted or uncounted, and the outcome the Decision carries for the write to store.

A vote is refused (a 403 denial citing ILO-7.8) when the law says it cannot be cast: not by a
member or an alternate, by an organisation holding no seat of that role on the meeting's date,
more votes than the seats of that role it holds, or a proxy held by no member of the Board. A
vote that can be cast is recorded but not counted when it gives no vote under the law or the
rules of procedure in force on the meeting's date (ILO-7.3 and 7.4 no voting right; an
alternate whose member voted; a proxy the rules do not allow, or beyond their limit). A body
that cannot be read as a vote at all is malformed (`vote_shape_problem`, a 422 at the edge).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.policies.acl import Actor
from app.policies.actions import declare
from app.policies.board import SECRETARIAT_ACTS, BoardSeatLaw, voting_seats
from app.policies.engine import Decision, Outcome, check, not_applicable, passed
from app.policies.roles import board_acts
from app.policies.rules import ILO_7_8, ILO_8_1
from app.policies.vocabulary import BoardSeatRole, BoardVote, DecisionOutcome, VoteMode

RESULT_KIND = "board_decision.tally"


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteFacts:
    organisation: str
    cast_by: str  # member | alternate
    mode: str  # in_person | proxy
    choice: str
    proxy_holder: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Procedure:
    """What the rules of procedure in force on the meeting's date (ILO-8.1) add to ILO-7.8.
    None in force: ILO-7.8 alone, no quorum and no proxy (the law asks for no rules before a
    decision; their absence or lateness is flagged on the Board's status)."""

    adopted_on: date | None = None
    quorum: int | None = None
    proxy_allowed: bool = False
    max_proxies_per_member: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionFacts:
    actor: Actor
    votes: tuple[VoteFacts, ...]
    held_on: date  # the meeting's date: seats and rules of procedure are those of that day
    # organisation → role → how many seats of that role it holds on the meeting's date
    seated: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    law: Mapping[str, BoardSeatLaw] = field(default_factory=dict)
    procedure: Procedure = Procedure()


def vote_shape_problem(organisation: str, mode: str, proxy_holder: str | None) -> str | None:
    """A vote that is malformed whatever the Board's state: a proxy without its holder, a holder
    on an in-person vote, a member holding its own proxy."""
    if mode == VoteMode.proxy and not proxy_holder:
        return f"{organisation}: a proxy vote names its proxy_holder"
    if mode != VoteMode.proxy and proxy_holder:
        return f"{organisation}: proxy_holder is set on an in-person vote"
    if proxy_holder is not None and proxy_holder == organisation:
        return f"{organisation}: a member cannot hold its own proxy"
    return None


@dataclass(frozen=True, slots=True)
class Uncounted:
    organisation: str
    reason: str


@dataclass(frozen=True, slots=True)
class JudgedVotes:
    """Every vote once: refused (why, ILO-7.8), counted, or recorded uncounted (why)."""

    refused: tuple[str, ...]
    counted: tuple[VoteFacts, ...]
    uncounted: tuple[Uncounted, ...]


def _refusal(vote: VoteFacts, facts: DecisionFacts, cast: Mapping[tuple[str, str], int]) -> str:
    shape = vote_shape_problem(vote.organisation, vote.mode, vote.proxy_holder)
    if shape:
        return shape
    if vote.cast_by not in (BoardSeatRole.member, BoardSeatRole.alternate):
        return f"{vote.organisation}: a vote is cast by a member or an alternate"
    held = facts.seated.get(vote.organisation, {}).get(vote.cast_by, 0)
    if held == 0:
        return f"{vote.organisation} holds no {vote.cast_by} seat on the decision's date"
    if cast[(vote.organisation, vote.cast_by)] > held:
        if held == 1:
            return f"{vote.organisation}: the {vote.cast_by} voted twice"
        return (
            f"{vote.organisation}: more {vote.cast_by} votes than its {held} {vote.cast_by} seats"
        )
    if vote.mode == VoteMode.proxy:
        holder = facts.seated.get(vote.proxy_holder or "", {})
        if not holder.get(BoardSeatRole.member, 0):
            return f"{vote.organisation}: a proxy is held by another member of the Board"
    return ""


def _uncounted_reason(
    vote: VoteFacts,
    facts: DecisionFacts,
    counted: Mapping[str, int],
    proxies: Mapping[str, int],
) -> str:
    seat = facts.law.get(vote.organisation)
    if seat is None or not seat.voting_right or not seat.bound_by_regulation:
        return "no voting right (Art. 7(3), 7(4))"
    if counted.get(vote.organisation, 0) >= seat.board_seats:
        return f"{vote.cast_by}: the member voted"
    if vote.mode == VoteMode.proxy:
        holder = vote.proxy_holder or ""
        if not facts.procedure.proxy_allowed:
            return "proxy vote: the rules of procedure allow none"
        if proxies.get(holder, 0) >= facts.procedure.max_proxies_per_member:
            return f"proxy vote: {holder} holds too many proxies"
    return ""


def judge_votes(facts: DecisionFacts) -> JudgedVotes:
    """ILO-7.8 with ILO-8.1, the one judgment of the votes: one vote per seat the organisation
    holds on the meeting's date (the Commission's two members each vote, Art. 7(2)); at most as
    many counted per voting organisation as the law gives it voting seats, its members' votes
    before its alternate's; a proxy counts only when the rules in force allow it, up to their
    limit per holder."""
    cast: dict[tuple[str, str], int] = {}
    refused: list[str] = []
    valid: list[VoteFacts] = []
    for vote in facts.votes:
        key = (vote.organisation, vote.cast_by)
        cast[key] = cast.get(key, 0) + 1
        reason = _refusal(vote, facts, cast)
        if reason:
            refused.append(reason)
        else:
            valid.append(vote)
    counted: list[VoteFacts] = []
    per_organisation: dict[str, int] = {}
    proxies: dict[str, int] = {}
    uncounted: list[Uncounted] = []
    for vote in sorted(valid, key=lambda v: (v.organisation, v.cast_by != BoardSeatRole.member)):
        reason = _uncounted_reason(vote, facts, per_organisation, proxies)
        if reason:
            uncounted.append(Uncounted(vote.organisation, reason))
            continue
        if vote.mode == VoteMode.proxy:
            holder = vote.proxy_holder or ""
            proxies[holder] = proxies.get(holder, 0) + 1
        per_organisation[vote.organisation] = per_organisation.get(vote.organisation, 0) + 1
        counted.append(vote)
    return JudgedVotes(tuple(refused), tuple(counted), tuple(uncounted))


def majority_needed(seats: int) -> int:
    """More than half of all members entitled to vote."""
    return seats // 2 + 1


@dataclass(frozen=True, slots=True)
class Tally:
    """The derived outcome of a decision, under the rules of procedure it was counted by."""

    voting_seats: int
    majority_needed: int
    quorum: int | None
    present: int
    yes: int
    no: int
    abstain: int
    quorum_met: bool
    outcome: DecisionOutcome
    uncounted: tuple[Uncounted, ...]
    procedure: Procedure = Procedure()

    def counts(self) -> dict[str, object]:
        """The tally as JSON: what the decision's row stores and its reads show."""
        return {
            "voting_seats": self.voting_seats,
            "majority_needed": self.majority_needed,
            "quorum": self.quorum,
            "present": self.present,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "quorum_met": self.quorum_met,
            "uncounted": [
                {"organisation": u.organisation, "reason": u.reason} for u in self.uncounted
            ],
        }

    def as_dict(self) -> dict[str, object]:
        """The Decision's `result`: the outcome, its tally and the rules of procedure applied."""
        rules = self.procedure
        return {
            "kind": RESULT_KIND,
            "rule": ILO_7_8.id,
            "outcome": self.outcome.value,
            "tally": self.counts(),
            "rules_of_procedure": None
            if rules.adopted_on is None
            else {
                "adopted_on": rules.adopted_on.isoformat(),
                "quorum": rules.quorum,
                "proxy_allowed": rules.proxy_allowed,
                "max_proxies_per_member": rules.max_proxies_per_member,
            },
        }


def count(judged: JudgedVotes, facts: DecisionFacts) -> Tally:
    """ILO-7.8: adopted only with yes votes from more than half of all voting seats (held or
    not, present or not), and with the quorum of the rules in force met (ILO-8.1)."""
    seats = voting_seats(facts.law)
    choices = [v.choice for v in judged.counted]
    yes = choices.count(BoardVote.yes)
    present = len(judged.counted)
    quorum = facts.procedure.quorum
    quorum_met = quorum is None or present >= quorum
    needed = majority_needed(seats)
    if not quorum_met:
        outcome = DecisionOutcome.no_quorum
    elif yes >= needed:
        outcome = DecisionOutcome.adopted
    else:
        outcome = DecisionOutcome.not_adopted
    return Tally(
        voting_seats=seats,
        majority_needed=needed,
        quorum=quorum,
        present=present,
        yes=yes,
        no=choices.count(BoardVote.no),
        abstain=choices.count(BoardVote.abstain),
        quorum_met=quorum_met,
        outcome=outcome,
        uncounted=judged.uncounted,
        procedure=facts.procedure,
    )


def tally(facts: DecisionFacts) -> Tally:
    """The outcome of the votes as the Decision on `board_decision.record` carries it."""
    return count(judge_votes(facts), facts)


def tally_of(decision: Decision) -> Tally:
    """The tally an allowed `board_decision.record` Decision carries: what its write stores."""
    if not isinstance(decision.result, Tally):
        raise TypeError(f"the Decision on {decision.action!r} carries no Board tally")
    return decision.result


def decide_decision(facts: DecisionFacts) -> Outcome:
    """ACL-ORG, ILO-7.8, ILO-8.1: the votes are those of seat holders on the meeting's date, one
    per seat; the outcome is derived from them under the rules of procedure in force that day,
    carried by the Decision, never recorded as a client says."""
    judged = judge_votes(facts)
    rules = facts.procedure
    applied = (
        not_applicable(ILO_8_1, f"no rules of procedure in force on {facts.held_on}")
        if rules.adopted_on is None
        else passed(ILO_8_1, note=f"rules of procedure adopted on {rules.adopted_on}")
    )
    outcome = Outcome(
        results=[
            board_acts(facts.actor, "the Board's secretariat"),
            check(ILO_7_8, judged.refused),
            applied,
        ]
    )
    if not judged.refused:
        outcome.result = count(judged, facts)
    return outcome


BOARD_DECISION_RECORD = declare(
    "board_decision.record",
    DecisionFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_decision,
    emits=("board_decision.recorded",),
)
