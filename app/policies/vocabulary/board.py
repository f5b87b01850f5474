"""The vocabularies of the Steering Board (Art. 7, 8): seats, votes, outcomes, and the ILO
coverage of priority countries."""

from enum import StrEnum


# A Steering Board seat (Art. 7(2)-(4)): a member, a Member State's alternate, or an observer.
class BoardSeatRole(StrEnum):
    member = "member"
    alternate = "alternate"
    observer = "observer"


# A vote on a Board decision.
class BoardVote(StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


# How a vote is cast: by the member or its alternate in person, or by another member (proxy).
class VoteMode(StrEnum):
    in_person = "in_person"
    proxy = "proxy"


# What ILO-7.8 derives from the votes, the voting seats and the rules of procedure.
class DecisionOutcome(StrEnum):
    adopted = "adopted"
    not_adopted = "not_adopted"
    no_quorum = "no_quorum"


# A priority host country's ILO coverage (Art. 8(2)(e)).
class CoverageStatus(StrEnum):
    uncovered = "uncovered"
    expiring = "expiring"
    covered = "covered"
