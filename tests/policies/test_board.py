"""The Steering Board's pure rules: composition one appointment at a time (ILO-7.2, 7.3, 7.4,
7.6), the outcome derived from votes (ILO-7.8) under the rules of procedure (ILO-8.1), the
forwarding record (ILO-7.9), the Board's documents (ILO-8.2) and the status flags (ILO-7.7)."""

from __future__ import annotations

import json
from datetime import date

from app.policies import Actor, evaluate
from app.policies.board import (
    BoardSeatLaw,
    ForwardingFacts,
    RulesOfProcedureFacts,
    SeatFacts,
    WorkProgrammeFacts,
    composition_flags,
    meeting_flags,
    rules_flags,
    voting_seats,
)
from app.policies.board_tally import (
    DecisionFacts,
    Procedure,
    Tally,
    VoteFacts,
    judge_votes,
    tally,
    tally_of,
    vote_shape_problem,
)
from app.reference import PARTICIPANTS_FILE

SECRETARIAT = Actor(sub="com-sb", org="COM", roles=frozenset({"sb_secretariat"}))
LAW = {
    item["code"]: BoardSeatLaw(
        code=item["code"],
        kind=item["kind"],
        bound_by_regulation=item["bound_by_regulation"],
        board_seats=item["board_seats"],
        alternate_seats=item["alternate_seats"],
        voting_right=item["voting_right"],
    )
    for item in json.loads(PARTICIPANTS_FILE.read_bytes())["items"]
}
MEMBER_STATES = sorted(c for c, s in LAW.items() if s.kind == "member_state" and s.voting_right)
# Two Member States outside the first fifteen that vote in person.
LATE, LATER = MEMBER_STATES[-1], MEMBER_STATES[-2]
MEETING = date(2026, 6, 1)
# Every seat the law gives, held on the meeting's date.
FULL_BOARD = {
    code: {"member": law.board_seats, "alternate": law.alternate_seats}
    for code, law in LAW.items()
    if law.bound_by_regulation and law.board_seats
}


def _votes(codes: list[str], choice: str, **kw: str) -> list[VoteFacts]:
    return [
        VoteFacts(organisation=c, cast_by="member", mode="in_person", choice=choice, **kw)
        for c in codes
    ]


def _facts(
    votes: tuple[VoteFacts, ...] | list[VoteFacts],
    procedure: Procedure | None = None,
    seated: dict[str, dict[str, int]] | None = None,
) -> DecisionFacts:
    return DecisionFacts(
        actor=SECRETARIAT,
        votes=tuple(votes),
        held_on=MEETING,
        seated=FULL_BOARD if seated is None else seated,
        law=LAW,
        procedure=procedure or Procedure(),
    )


def _tally(votes: tuple[VoteFacts, ...] | list[VoteFacts], procedure: Procedure) -> Tally:
    return tally(_facts(votes, procedure))


def _violated(decision: object) -> list[str]:
    return [v.rule for v in decision.violations]  # type: ignore[attr-defined]


# --- ILO-7.8: the absolute majority of every voting seat ---------------------------------------


def test_ilo_7_8_the_board_has_31_voting_seats_denmark_and_schengen_associated_not_counted() -> (
    None
):
    assert voting_seats(LAW) == 31  # 26 bound Member States, 2 Commission, Frontex, Europol, EUAA
    assert len(MEMBER_STATES) == 26
    assert "DK" not in MEMBER_STATES


def test_ilo_7_8_fifteen_yes_of_twenty_present_on_a_board_of_31_does_not_adopt() -> None:
    present = MEMBER_STATES[:20]
    votes = _votes(present[:15], "yes") + _votes(present[15:], "no")
    result = _tally(votes, Procedure(quorum=16))
    assert (result.present, result.yes, result.no) == (20, 15, 5)
    assert result.quorum_met
    assert result.majority_needed == 16  # more than half of 31, not of the 20 present
    assert result.outcome == "not_adopted"


def test_ilo_7_8_sixteen_yes_adopt_whoever_is_absent() -> None:
    votes = _votes(MEMBER_STATES[:16], "yes")
    assert _tally(votes, Procedure()).outcome == "adopted"


def test_ilo_8_1_no_quorum_when_fewer_present_than_the_rules_require() -> None:
    votes = _votes(MEMBER_STATES[:10], "yes")
    result = _tally(votes, Procedure(quorum=16))
    assert (result.quorum_met, result.outcome) == (False, "no_quorum")


def test_ilo_7_3_norways_vote_is_recorded_but_not_counted_toward_the_majority() -> None:
    votes = _votes(MEMBER_STATES[:15], "yes") + _votes(["NO"], "yes")
    result = _tally(votes, Procedure())
    assert result.yes == 15
    assert result.outcome == "not_adopted"
    assert [(u.organisation, u.reason) for u in result.uncounted] == [
        ("NO", "no voting right (Art. 7(3), 7(4))")
    ]


def test_ilo_8_1_a_proxy_vote_is_counted_only_when_the_rules_allow_it() -> None:
    proxy = VoteFacts(
        organisation=LATE, cast_by="member", mode="proxy", choice="yes", proxy_holder="DE"
    )
    votes = (*_votes(MEMBER_STATES[:15], "yes"), proxy)
    refused = _tally(votes, Procedure(proxy_allowed=False))
    assert (refused.yes, refused.outcome) == (15, "not_adopted")
    assert refused.uncounted[0].reason == "proxy vote: the rules of procedure allow none"
    allowed = _tally(votes, Procedure(proxy_allowed=True, max_proxies_per_member=1))
    assert (allowed.yes, allowed.outcome, allowed.uncounted) == (16, "adopted", ())
    # beyond the rules' limit per holder, a second proxy is not counted
    second = VoteFacts(
        organisation=LATER, cast_by="member", mode="proxy", choice="yes", proxy_holder="DE"
    )
    limited = _tally((*votes, second), Procedure(proxy_allowed=True, max_proxies_per_member=1))
    assert limited.yes == 16
    assert limited.uncounted[0].organisation in (LATE, LATER)


def test_ilo_7_8_an_absent_members_alternate_votes_in_its_place() -> None:
    alternate = VoteFacts(organisation=LATE, cast_by="alternate", mode="in_person", choice="yes")
    votes = (*_votes(MEMBER_STATES[:15], "yes"), alternate)
    assert _tally(votes, Procedure()).outcome == "adopted"
    # with its member present, the alternate's vote is not counted a second time
    member = VoteFacts(organisation=LATE, cast_by="member", mode="in_person", choice="no")
    both = _tally((*votes, member), Procedure())
    assert (both.yes, both.no) == (15, 1)
    assert [u.reason for u in both.uncounted] == ["alternate: the member voted"]


def test_ilo_7_8_only_seat_holders_vote_once_each() -> None:
    seated = {"NL": {"member": 1}, "DE": {"member": 1, "alternate": 1}}
    facts = DecisionFacts(
        actor=SECRETARIAT,
        held_on=MEETING,
        votes=(
            VoteFacts(organisation="NL", cast_by="member", mode="in_person", choice="yes"),
            VoteFacts(organisation="NL", cast_by="member", mode="in_person", choice="no"),
            VoteFacts(organisation="FR", cast_by="member", mode="in_person", choice="yes"),
            VoteFacts(
                organisation="DE", cast_by="member", mode="proxy", choice="yes", proxy_holder="BE"
            ),
        ),
        seated=seated,
        law=LAW,
    )
    decision = evaluate("board_decision.record", facts)
    # one violation per rule, its reasons in order
    assert _violated(decision) == ["ILO-7.8"]
    messages = decision.violations[0].reasons
    assert "NL: the member voted twice" in messages
    assert "FR holds no member seat on the decision's date" in messages
    assert "DE: a proxy is held by another member of the Board" in messages
    # refused votes are judged by the same function that the tally counts with
    assert judge_votes(facts).refused == messages
    assert decision.result is None  # a denied decision carries no outcome


def test_ilo_7_8_the_decision_carries_the_outcome_the_tally_derives() -> None:
    votes = _votes(MEMBER_STATES[:16], "yes") + _votes(["NO"], "no")
    facts = _facts(votes, Procedure(adopted_on=date(2026, 3, 1), quorum=16))
    decision = evaluate("board_decision.record", facts)
    assert decision.allowed
    carried = tally_of(decision)
    assert carried == tally(facts)
    assert decision.as_dict()["result"] == {
        "kind": "board_decision.tally",
        "rule": "ILO-7.8",
        "outcome": "adopted",
        "tally": {
            "voting_seats": 31,
            "majority_needed": 16,
            "quorum": 16,
            "present": 16,
            "yes": 16,
            "no": 0,
            "abstain": 0,
            "quorum_met": True,
            "uncounted": [{"organisation": "NO", "reason": "no voting right (Art. 7(3), 7(4))"}],
        },
        "rules_of_procedure": {
            "adopted_on": "2026-03-01",
            "quorum": 16,
            "proxy_allowed": False,
            "max_proxies_per_member": 0,
        },
    }
    assert decision.as_dict()["result"]["tally"] == carried.counts()  # type: ignore[index]
    assert ("ILO-8.1", "rules of procedure adopted on 2026-03-01") in [
        (t.rule, t.note) for t in decision.trace
    ]


def test_ilo_8_1_without_rules_in_force_ilo_7_8_alone_decides() -> None:
    decision = evaluate("board_decision.record", _facts(_votes(MEMBER_STATES[:16], "yes")))
    assert decision.allowed
    assert tally_of(decision).outcome == "adopted"
    assert tally_of(decision).quorum is None
    assert decision.as_dict()["result"]["rules_of_procedure"] is None  # type: ignore[index]
    [rules] = [t for t in decision.trace if t.rule == "ILO-8.1"]
    assert (rules.result, rules.note) == (
        "not_applicable",
        "no rules of procedure in force on 2026-06-01",
    )


def test_ilo_7_2_each_of_the_commissions_two_members_votes() -> None:
    commission = _votes(["COM", "COM"], "yes")
    votes = _votes(MEMBER_STATES[:14], "yes") + commission
    result = _tally(votes, Procedure())
    assert (result.present, result.yes, result.outcome) == (16, 16, "adopted")
    # one vote per seat: with one Commission member appointed, its second vote is refused
    one_seat = {**FULL_BOARD, "COM": {"member": 1}}
    decision = evaluate("board_decision.record", _facts(votes, seated=one_seat))
    assert _violated(decision) == ["ILO-7.8"]
    assert decision.violations[0].reasons == ("COM: the member voted twice",)
    third = evaluate("board_decision.record", _facts([*votes, *_votes(["COM"], "no")]))
    assert third.violations[0].reasons == ("COM: more member votes than its 2 member seats",)


def test_a_malformed_vote_is_named_by_one_function() -> None:
    assert vote_shape_problem("NL", "in_person", None) is None
    assert vote_shape_problem("NL", "proxy", "DE") is None
    assert vote_shape_problem("NL", "proxy", None) == "NL: a proxy vote names its proxy_holder"
    assert vote_shape_problem("NL", "in_person", "DE") == (
        "NL: proxy_holder is set on an in-person vote"
    )
    assert vote_shape_problem("NL", "proxy", "NL") == "NL: a member cannot hold its own proxy"
    # facts that hold one (built outside the API's edge) are refused, not counted
    own = VoteFacts(
        organisation="NL", cast_by="member", mode="proxy", choice="yes", proxy_holder="NL"
    )
    assert judge_votes(_facts([own])).refused == ("NL: a member cannot hold its own proxy",)


# --- ILO-7.2, 7.3, 7.4, 7.6: one appointment at a time -----------------------------------------


def _seat(role: str, org: str | None, **kw: object) -> SeatFacts:
    return SeatFacts(
        actor=kw.pop("actor", SECRETARIAT),  # type: ignore[arg-type]
        role=role,
        organisation=org,
        law=LAW.get(org or ""),
        chair=bool(kw.pop("chair", False)),
        invitation_reference=kw.pop("invitation", None),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_ilo_7_2_one_member_and_one_alternate_per_member_state() -> None:
    assert evaluate("board_member.appoint", _seat("member", "NL")).allowed
    second = evaluate("board_member.appoint", _seat("member", "NL", held_members=1))
    assert _violated(second) == ["ILO-7.2"]
    assert "NL has 1 member seat(s) on the Board and holds 1" in second.violations[0].message
    assert evaluate("board_member.appoint", _seat("alternate", "NL")).allowed
    assert not evaluate("board_member.appoint", _seat("alternate", "NL", held_alternates=1)).allowed


def test_ilo_7_2_two_commission_seats_one_per_agency_and_no_alternates_for_them() -> None:
    assert evaluate("board_member.appoint", _seat("member", "COM", held_members=1)).allowed
    assert not evaluate("board_member.appoint", _seat("member", "COM", held_members=2)).allowed
    assert not evaluate("board_member.appoint", _seat("member", "FRONTEX", held_members=1)).allowed
    assert _violated(evaluate("board_member.appoint", _seat("alternate", "EUAA"))) == ["ILO-7.2"]


def test_ilo_7_2_denmark_and_the_parliament_get_no_seat() -> None:
    denmark = evaluate("board_member.appoint", _seat("member", "DK"))
    assert _violated(denmark) == ["ILO-7.2"]
    assert "DK is not bound by Regulation (EU) 2019/1240" in denmark.violations[0].message
    assert _violated(evaluate("board_member.appoint", _seat("member", "EP"))) == ["ILO-7.2"]
    assert _violated(evaluate("board_member.appoint", _seat("member", "XX"))) == ["ILO-7.2"]


def test_ilo_7_3_a_schengen_associated_member_sits_without_a_vote_and_without_alternate() -> None:
    norway = evaluate("board_member.appoint", _seat("member", "NO"))
    assert norway.allowed
    assert any(t.rule == "ILO-7.3" and t.note == "no vote" for t in norway.trace)
    assert _violated(evaluate("board_member.appoint", _seat("alternate", "NO"))) == ["ILO-7.3"]


def test_ilo_7_4_an_observer_sits_by_invitation() -> None:
    uninvited = evaluate("board_member.appoint", _seat("observer", None))
    assert _violated(uninvited) == ["ILO-7.4"]
    invited = evaluate("board_member.appoint", _seat("observer", None, invitation="SB/INV/3"))
    assert invited.allowed


def test_ilo_7_6_the_chair_is_a_commission_member_one_at_a_time() -> None:
    assert evaluate("board_member.appoint", _seat("member", "COM", chair=True)).allowed
    not_com = evaluate("board_member.appoint", _seat("member", "NL", chair=True))
    assert _violated(not_com) == ["ILO-7.6"]
    second = evaluate(
        "board_member.appoint", _seat("member", "COM", chair=True, chair_held_by_other=True)
    )
    assert _violated(second) == ["ILO-7.6"]


def test_acl_org_only_the_commissions_secretariat_keeps_the_boards_records() -> None:
    nl = Actor(sub="nl-sb", org="NL", roles=frozenset({"sb_secretariat"}))
    assert _violated(evaluate("board_member.appoint", _seat("member", "NL", actor=nl))) == [
        "ACL-ORG"
    ]


def test_ilo_7_2_composition_flags_an_incomplete_board_and_a_missing_chair() -> None:
    assert [r.id for r, _ in composition_flags(3, has_chair=False)] == ["ILO-7.2", "ILO-7.6"]
    assert composition_flags(0, has_chair=True) == []


# --- ILO-7.7, 8.1: status flags ----------------------------------------------------------------


def test_ilo_7_7_a_calendar_year_with_fewer_than_two_meetings_is_flagged() -> None:
    flags = meeting_flags({2025: 1, 2026: 2}, date(2025, 3, 1), date(2027, 2, 1))
    assert [m for _, m in flags] == [
        "2025: 1 meeting(s), fewer than two",
        "2027 so far: 0 meeting(s) of two",
    ]
    assert {r.id for r, _ in flags} == {"ILO-7.7"}
    assert meeting_flags({}, None, date(2027, 2, 1)) == []


def test_ilo_8_1_rules_adopted_after_three_months_are_flagged_late_not_refused() -> None:
    assert rules_flags(date(2026, 7, 2), date(2026, 7, 1), date(2026, 8, 1))[0][1].endswith("late")
    assert rules_flags(date(2026, 6, 30), date(2026, 7, 1), date(2026, 8, 1)) == []
    missing = rules_flags(None, date(2026, 7, 1), date(2026, 8, 1))
    assert missing[0][1] == "no rules of procedure; due by 2026-07-01 (late)"


def test_ilo_8_1_rules_of_procedure_quorum_proxies_and_ep_categories() -> None:
    def rules(**kw: object) -> RulesOfProcedureFacts:
        values: dict[str, object] = {
            "actor": SECRETARIAT,
            "quorum": 16,
            "proxy_allowed": True,
            "max_proxies_per_member": 1,
            "ep_visible_categories": ("b_programme_or_report",),
            "voting_seats": 31,
            **kw,
        }
        return RulesOfProcedureFacts(**values)  # type: ignore[arg-type]

    assert evaluate("board_rules.adopt", rules()).allowed
    bad = evaluate(
        "board_rules.adopt",
        rules(quorum=40, max_proxies_per_member=0, ep_visible_categories=("c_board_member_list",)),
    )
    assert _violated(bad) == ["ILO-8.1"]
    assert len(bad.violations[0].reasons) == 3
    assert "c_board_member_list holds personal data (Art. 9(3))" in bad.violations[0].reasons[2]


# --- ILO-7.9, 8.2 ------------------------------------------------------------------------------


def test_ilo_7_9_a_deploying_organisation_records_its_own_forwarding() -> None:
    nl = Actor(sub="nl", org="NL", roles=frozenset({"deploying_authority"}))
    own = ForwardingFacts(actor=nl, organisation="NL", organisation_kind="member_state")
    assert evaluate("board_decision.forward", own).allowed
    other = ForwardingFacts(actor=nl, organisation="FR", organisation_kind="member_state")
    assert _violated(evaluate("board_decision.forward", other)) == ["ACL-ORG"]
    ep = Actor(sub="ep", org="EP", roles=frozenset({"deploying_authority"}))
    parliament = ForwardingFacts(
        actor=ep, organisation="EP", organisation_kind="european_parliament"
    )
    assert _violated(evaluate("board_decision.forward", parliament)) == ["ILO-7.9"]


def test_ilo_8_2_a_work_programme_is_biennial_with_resources() -> None:
    def programme(start: date, end: date, resources: int = 1) -> WorkProgrammeFacts:
        return WorkProgrammeFacts(
            actor=SECRETARIAT, period_from=start, period_to=end, resources=resources
        )

    assert evaluate(
        "board_work_programme.adopt", programme(date(2026, 1, 1), date(2027, 12, 31))
    ).allowed
    one_year = evaluate(
        "board_work_programme.adopt", programme(date(2026, 1, 1), date(2026, 12, 31))
    )
    assert _violated(one_year) == ["ILO-8.2"]
    no_resources = evaluate(
        "board_work_programme.adopt", programme(date(2026, 1, 1), date(2027, 12, 31), 0)
    )
    assert _violated(no_resources) == ["ILO-8.2"]


def test_ilo_7_7_flags_look_back_twenty_years_at_most() -> None:
    flags = meeting_flags({}, date(1990, 1, 1), date(9999, 12, 31))
    assert len(flags) == 21
    assert flags[-1][1] == "9999: 0 meeting(s), fewer than two"
