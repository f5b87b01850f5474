"""The pure network rules (app/policies/network.py): ILO-5.1, 5.2, 5.3, 8.3 and their ACL-ORG."""

from __future__ import annotations

from datetime import date

from app.policies import (
    Actor,
    AdHocActionFacts,
    Decision,
    FacilitatorFacts,
    MeetingFacts,
    Member,
    NetworkFacts,
    Participant,
    evaluate,
)
from app.policies.network import ad_hoc_transition_allowed, required_basis

ON = date(2026, 12, 1)
SECRETARIAT = Actor(sub="sec", org="COM", roles=frozenset({"sb_secretariat"}))
NL_AUTHORITY = Actor(sub="nl", org="NL", roles=frozenset({"deploying_authority"}))
PARTICIPANTS = {
    "FR": Participant(code="FR", kind="member_state"),
    "NO": Participant(code="NO", kind="schengen_associated"),
}
NL = Member(officer_id="nl-1", organisation="NL", deployer_kind="member_state")
FR = Member(officer_id="fr-1", organisation="FR", deployer_kind="member_state")
FRONTEX = Member(officer_id="fx-1", organisation="FRONTEX", deployer_kind="eu_agency")
COM = Member(officer_id="com-1", organisation="COM", deployer_kind="commission")


def violated(decision: Decision) -> list[str]:
    return [v.rule for v in decision.violations]


def designate(
    members: tuple[Member, ...],
    officer: str | None,
    *,
    actor: Actor = SECRETARIAT,
    reference: str | None = None,
    agreed_by: tuple[str, ...] = (),
) -> Decision:
    facts = FacilitatorFacts(
        actor=actor,
        on=ON,
        members=members,
        officer_id=officer,
        agreement_reference=reference,
        agreed_by=agreed_by,
    )
    return evaluate("network.designate_facilitator", facts)


def test_ilo_5_1_local_one_country_regional_several_no_member_states() -> None:
    def decide(
        kind: str, countries: tuple[str, ...], associated: tuple[str, ...] = ()
    ) -> list[str]:
        facts = NetworkFacts(
            actor=SECRETARIAT,
            network_org="NL",
            kind=kind,
            countries=countries,
            associated_countries=associated,
            participants=PARTICIPANTS,
        )
        return violated(evaluate("network.create", facts))

    assert decide("local", ("SN",)) == []
    assert decide("regional", ("SN", "GM")) == []
    assert decide("local", ("SN", "GM")) == ["ILO-5.1"]
    assert decide("regional", ("SN",)) == ["ILO-5.1"]
    assert decide("local", ("FR",)) == ["ILO-5.1"]
    assert decide("local", ("SN",), associated=("NO",)) == ["ILO-5.1"]
    assert decide("local", ("SN",), associated=("GB",)) == []


def test_acl_org_a_deploying_authority_amends_its_own_networks_only() -> None:
    facts = NetworkFacts(actor=NL_AUTHORITY, network_org="FR", kind="local", countries=("SN",))
    assert violated(evaluate("network.update", facts)) == ["ACL-ORG"]


def test_ilo_5_2_precedence_commission_then_agency_then_agreement() -> None:
    assert required_basis((NL, FRONTEX, COM)) == ("commission", ("com-1",))
    assert required_basis((NL, FRONTEX)) == ("eu_agency", ("fx-1",))
    assert required_basis((NL, FR)) == ("agreed", ("fr-1", "nl-1"))
    assert required_basis(()) == ("agreed", ())


def test_ilo_5_2_skipping_a_higher_candidate_is_refused_with_its_officer_id() -> None:
    skipped = designate((NL, FRONTEX), "nl-1")
    assert violated(skipped) == ["ILO-5.2"]
    assert "fx-1" in skipped.violations[0].message
    assert violated(designate((NL, FRONTEX, COM), "fx-1")) == ["ILO-5.2"]
    assert violated(designate((NL, FRONTEX, COM), None)) == ["ILO-5.2"]
    assert designate((NL, FRONTEX, COM), "com-1").allowed
    assert designate((NL, FRONTEX), "fx-1").allowed


def test_ilo_5_2_without_commission_or_agency_a_majority_of_members_agrees() -> None:
    members = (NL, FR)
    assert set(violated(designate(members, "nl-1"))) == {"ILO-5.2"}
    assert violated(designate(members, "nl-1", reference="M", agreed_by=("nl-1",))) == ["ILO-5.2"]
    assert designate(members, "nl-1", reference="M", agreed_by=("nl-1", "fr-1")).allowed
    assert designate(members, None).allowed  # none appointed: recorded for the Board


def test_ilo_5_1_the_facilitator_is_a_member_on_the_date() -> None:
    assert violated(designate((COM,), "someone")) == ["ILO-5.1"]


def test_ilo_5_3_every_allowed_designation_records_the_notification() -> None:
    decision = designate((COM,), "com-1")
    assert [t.rule for t in decision.trace if t.result == "pass"][-1] == "ILO-5.3"


def test_acl_org_a_deploying_authority_designates_only_its_own_officer() -> None:
    members = (NL, FR)
    both = ("nl-1", "fr-1")
    own = designate(members, "nl-1", actor=NL_AUTHORITY, reference="M", agreed_by=both)
    assert own.allowed
    other = designate(members, "fr-1", actor=NL_AUTHORITY, reference="M", agreed_by=both)
    assert violated(other) == ["ACL-ORG"]
    assert designate(members, None, actor=NL_AUTHORITY).allowed
    assert violated(designate((FR,), None, actor=NL_AUTHORITY)) == ["ACL-ORG"]


def test_ilo_5_1_meeting_attendees_are_members_on_its_date() -> None:
    def meeting(attendees: tuple[str, ...], actor: Actor = SECRETARIAT) -> Decision:
        facts = MeetingFacts(
            actor=actor,
            held_on=ON,
            members=("nl-1", "fr-1"),
            attendees=attendees,
            topics=("joint_training",),
            attendee_orgs=("NL",) if "nl-1" in attendees else (),
        )
        return evaluate("network_meeting.record", facts)

    assert meeting(("nl-1",)).allowed
    denied = meeting(("nl-1", "de-1"))
    assert violated(denied) == ["ILO-5.1"]
    assert "de-1" in denied.violations[0].message
    ilo = Actor(sub="ilo", org="NL", roles=frozenset({"ilo"}), officer_id="nl-1")
    assert meeting(("nl-1",), actor=ilo).allowed
    assert violated(meeting(("fr-1",), actor=ilo)) == ["ACL-ROLE", "ACL-ORG"]


def test_ilo_8_3_ad_hoc_actions_are_the_boards_once_decided() -> None:
    def assign(actor: Actor, decided_on: date) -> Decision:
        facts = AdHocActionFacts(actor=actor, decided_on=decided_on, today=ON, status="assigned")
        return evaluate("ad_hoc_action.assign", facts)

    assert assign(SECRETARIAT, ON).allowed
    assert violated(assign(NL_AUTHORITY, ON)) == ["ACL-ROLE", "ACL-ORG"]
    # a secretariat role outside the Commission is refused when its token is verified; the
    # policy does not take the role alone either
    foreign = Actor(sub="fr", org="FR", roles=frozenset({"sb_secretariat"}))
    assert violated(assign(foreign, ON)) == ["ACL-ORG"]
    assert violated(assign(SECRETARIAT, date(2026, 12, 2))) == ["ILO-8.3"]
    assert ad_hoc_transition_allowed("assigned", "in_progress")
    assert not ad_hoc_transition_allowed("completed", "in_progress")
