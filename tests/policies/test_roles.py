"""The role table (app/policies/roles.py): who may hold each role, and the Board's reach."""

from __future__ import annotations

import pytest

from app.policies import Actor
from app.policies.roles import (
    BOARD_WIDE,
    ROLE_TABLE,
    Holder,
    Reach,
    acts_for_the_board,
    board_acts,
    check_claims,
)
from app.policies.vocabulary import OrganisationKind, Role

FR = Holder(code="FR", kind="member_state", board_seats=1, alternate_seats=1)
NO = Holder(code="NO", kind="schengen_associated", board_seats=1, alternate_seats=0)
DK = Holder(code="DK", kind="member_state", board_seats=0, alternate_seats=0)
COM = Holder(code="COM", kind="commission", board_seats=2, alternate_seats=0)
EP = Holder(code="EP", kind="european_parliament")


def problems(holder: Holder | None, org: str, *roles: str, **officer: str | None) -> list[str]:
    return [v.message for v in check_claims(holder, org, frozenset(roles), **officer).violations]


def test_acl_claim_every_role_has_one_row_and_the_board_roles_are_the_commissions() -> None:
    assert set(ROLE_TABLE) == set(Role)
    assert {Role.sb_chair, Role.sb_secretariat} == BOARD_WIDE
    for role in BOARD_WIDE:
        assert ROLE_TABLE[role].holders == {OrganisationKind.commission}
    assert ROLE_TABLE[Role.ep_reader].holders == {OrganisationKind.european_parliament}
    assert ROLE_TABLE[Role.authorised_staff].reach == Reach.network_reads


@pytest.mark.parametrize("role", ["sb_chair", "sb_secretariat", "ep_reader"])
def test_acl_claim_a_member_state_may_not_hold_another_organisations_role(role: str) -> None:
    (problem,) = problems(FR, "FR", role)
    assert problem.startswith(f"role {role} is held by ")
    assert problem.endswith("not by FR (member_state)")


def test_acl_claim_what_each_kind_may_hold() -> None:
    assert problems(FR, "FR", "ilo", "deploying_authority", "sb_member", "sb_alternate") == []
    assert problems(FR, "FR", "dpo", "integration", "authorised_staff", "reference_admin") == []
    assert problems(COM, "COM", "sb_chair", "sb_secretariat", "auditor", "sb_member") == []
    assert problems(EP, "EP", "ep_reader") == []
    assert len(problems(EP, "EP", "integration", "authorised_staff", "dpo")) == 3
    # Art. 7(2)-(3): seats as the law gives them
    assert problems(NO, "NO", "sb_alternate") == [
        "role sb_alternate is held by member_state (Art. 7(2): a Member State with an alternate "
        "seat), not by NO (schengen_associated)"
    ]
    assert problems(DK, "DK", "sb_member") == [
        "role sb_member needs a Board seat (Art. 7(2)-(3): an organisation with a Board member "
        "seat): DK has no member seat on the Steering Board"
    ]


def test_acl_claim_an_unknown_organisation_and_a_foreign_officer() -> None:
    assert problems(None, "ZZ", "ilo") == [
        "organisation ZZ is no participant of the network (GET /v1/organisations)"
    ]
    assert problems(FR, "FR", "ilo", officer_id="o-1", officer_org="NL") == [
        "officer_id o-1 names no officer of FR"
    ]
    assert problems(FR, "FR", "ilo", officer_id="o-1", officer_org=None) == [
        "officer_id o-1 names no officer of FR"
    ]
    assert problems(FR, "FR", "ilo", officer_id="o-1", officer_org="FR") == []


def test_acl_org_the_board_acts_only_as_the_commission() -> None:
    secretariat = Actor(sub="s", org="COM", roles=frozenset({"sb_secretariat"}))
    chair = Actor(sub="c", org="COM", roles=frozenset({"sb_chair"}))
    member = Actor(sub="m", org="COM", roles=frozenset({"sb_member"}))
    foreign = Actor(sub="f", org="FR", roles=frozenset({"sb_secretariat"}))
    assert acts_for_the_board(secretariat)
    assert acts_for_the_board(chair)
    assert not acts_for_the_board(member)
    assert not acts_for_the_board(foreign)
    assert [v.rule for v in board_acts(foreign).violations] == ["ACL-ORG"]
    assert board_acts(secretariat).violations == ()
