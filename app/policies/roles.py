"""Who may hold each role, and for whom it acts: the role table that binds a token's claims.

A token's issuer vouches for the caller's organisation; it cannot make that organisation a
Commission secretariat or the European Parliament. When a token is verified (app/security.py,
app/db/principal_binding.py) its roles are held against this table and its `officer_id` against
the officer registry, so every policy receives an actor whose claims are true (ACL-CLAIM).

`reach` says whose data a role touches: `own_organisation` (everything an organisation's own
people and machines do), `board_wide` (the Board's chair and secretariat act for the whole
network of ILOs: they register networks, designate facilitators, record meetings and assign
ad-hoc actions for any organisation) or `network_reads` (reads across organisations, no writes
beyond its own: duly authorised staff and the platform's auditor).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from app.policies.acl import Actor
from app.policies.engine import RuleResult, check, failed, passed
from app.policies.rules import ACL_CLAIM, ACL_ORG
from app.policies.vocabulary import OrganisationKind, Role

# The Commission provides the Board's chair and secretariat (Art. 7(6)).
COMMISSION = "COM"


class Reach(StrEnum):
    own_organisation = "own_organisation"
    board_wide = "board_wide"
    network_reads = "network_reads"


class Seat(StrEnum):
    """A Board seat an organisation must have to hold a Board role (app/reference/participants)."""

    none = "none"
    member = "member"
    alternate = "alternate"


# Organisations that deploy ILOs (Art. 2(1)): every participant but the European Parliament.
DEPLOYING_KINDS = frozenset(
    {
        OrganisationKind.member_state,
        OrganisationKind.schengen_associated,
        OrganisationKind.commission,
        OrganisationKind.eu_agency,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleGrant:
    """One row of the role table."""

    role: Role
    holders: frozenset[OrganisationKind]
    reach: Reach
    basis: str
    seat: Seat = Seat.none


@dataclass(frozen=True, slots=True, kw_only=True)
class Holder:
    """An organisation as the table sees it: its kind and the Board seats the law gives it."""

    code: str
    kind: str
    board_seats: int = 0
    alternate_seats: int = 0


ROLE_TABLE: Mapping[Role, RoleGrant] = MappingProxyType(
    {
        grant.role: grant
        for grant in (
            RoleGrant(
                role=Role.ilo,
                holders=DEPLOYING_KINDS,
                reach=Reach.own_organisation,
                basis="Art. 2(1), 10: an officer its own organisation deploys (officer_id)",
            ),
            RoleGrant(
                role=Role.deploying_authority,
                holders=DEPLOYING_KINDS,
                reach=Reach.own_organisation,
                basis="Art. 2(1), 4: Member States, the Commission and the EU agencies deploy",
            ),
            RoleGrant(
                role=Role.sb_member,
                holders=DEPLOYING_KINDS,
                reach=Reach.own_organisation,
                basis="Art. 7(2)-(3): an organisation with a Board member seat",
                seat=Seat.member,
            ),
            RoleGrant(
                role=Role.sb_alternate,
                holders=frozenset({OrganisationKind.member_state}),
                reach=Reach.own_organisation,
                basis="Art. 7(2): a Member State with an alternate seat",
                seat=Seat.alternate,
            ),
            RoleGrant(
                role=Role.sb_chair,
                holders=frozenset({OrganisationKind.commission}),
                reach=Reach.board_wide,
                basis="Art. 7(6): a Commission representative chairs the Board",
            ),
            RoleGrant(
                role=Role.sb_secretariat,
                holders=frozenset({OrganisationKind.commission}),
                reach=Reach.board_wide,
                basis="Art. 7(6): the Commission provides the Board's secretariat",
            ),
            RoleGrant(
                role=Role.authorised_staff,
                holders=DEPLOYING_KINDS,
                reach=Reach.network_reads,
                basis="Art. 9(3): duly authorised staff of the participants read the platform",
            ),
            RoleGrant(
                role=Role.ep_reader,
                holders=frozenset({OrganisationKind.european_parliament}),
                reach=Reach.own_organisation,
                basis="Art. 8(2), 9(4): the European Parliament reads what is sent to it",
            ),
            RoleGrant(
                role=Role.dpo,
                holders=DEPLOYING_KINDS,
                reach=Reach.own_organisation,
                basis="GDPR Art. 37-39, EUDPR Art. 43-45: the controller's own DPO",
            ),
            RoleGrant(
                role=Role.auditor,
                holders=DEPLOYING_KINDS,
                reach=Reach.own_organisation,
                basis="GDPR Art. 5(2), LED Art. 25: an organisation's auditor reads its records "
                "and its audit trail; the Commission's, which maintains the platform (Art. 9(1)), "
                "the whole trail",
            ),
            RoleGrant(
                role=Role.reference_admin,
                holders=frozenset({OrganisationKind.commission, OrganisationKind.member_state}),
                reach=Reach.own_organisation,
                basis="GDPR Art. 45-46: adequacy decisions are the Commission's; an instrument is "
                "edited by the Commission or a Member State party to it",
            ),
            RoleGrant(
                role=Role.integration,
                holders=DEPLOYING_KINDS,
                reach=Reach.own_organisation,
                basis="a participant's own machine client; its scope list says what it may do",
            ),
        )
    }
)
if set(ROLE_TABLE) != set(Role):
    raise RuntimeError("every role has one row in the role table")

BOARD_WIDE = frozenset(r for r, g in ROLE_TABLE.items() if g.reach == Reach.board_wide)


def _seat_problem(grant: RoleGrant, holder: Holder) -> str | None:
    if grant.seat == Seat.member and holder.board_seats < 1:
        return f"{holder.code} has no member seat on the Steering Board"
    if grant.seat == Seat.alternate and holder.alternate_seats < 1:
        return f"{holder.code} has no alternate seat on the Steering Board"
    return None


def role_problems(holder: Holder | None, org: str, roles: frozenset[str]) -> Iterator[str]:
    """ACL-CLAIM: what is untrue of a token's organisation and roles: an organisation that is no
    participant, or a role it may not hold (each with the reason)."""
    if holder is None:
        yield f"organisation {org} is no participant of the network (GET /v1/organisations)"
        return
    for role in sorted(roles):
        grant = ROLE_TABLE[Role(role)]
        if holder.kind not in grant.holders:
            kinds = ", ".join(sorted(grant.holders))
            yield f"role {role} is held by {kinds} ({grant.basis}), not by {org} ({holder.kind})"
            continue
        seat = _seat_problem(grant, holder)
        if seat is not None:
            yield f"role {role} needs a Board seat ({grant.basis}): {seat}"


def check_claims(
    holder: Holder | None,
    org: str,
    roles: frozenset[str],
    *,
    officer_id: str | None = None,
    officer_org: str | None = None,
) -> RuleResult:
    """ACL-CLAIM: a token's organisation is a participant, its roles are ones that organisation
    may hold, and its officer_id (if any) names an officer of that organisation (`officer_org`,
    looked up by the caller; None when it names none)."""
    problems = list(role_problems(holder, org, roles))
    if officer_id is not None and officer_org != org:
        # Whether the id names another organisation's officer or none at all is not said: the
        # answer would tell a stranger which officer ids exist.
        problems.append(f"officer_id {officer_id} names no officer of {org}")
    return check(ACL_CLAIM, problems)


def acts_for_the_board(actor: Actor) -> bool:
    """The actor holds a Board-wide role, which only the Commission holds (bound at the token)."""
    return bool(actor.roles & BOARD_WIDE) and actor.org == COMMISSION


def board_acts(actor: Actor, label: str = "the Board's chair or secretariat") -> RuleResult:
    """ACL-ORG for the Board's own records: its chair and secretariat, who are the Commission's."""
    if acts_for_the_board(actor):
        return passed(ACL_ORG, label)
    return failed(
        ACL_ORG,
        f"actor organisation {actor.org} does not hold the Board's chair or secretariat "
        f"(roles {', '.join(sorted(BOARD_WIDE))} of {COMMISSION})",
    )
