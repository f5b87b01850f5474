"""The platform's pure rules: ILO-9.3, ILO-9.1, ILO-3.4, ILO-9.4 on an upload's facts, and the
audiences each caller reads."""

from __future__ import annotations

from app.policies import Actor, evaluate
from app.policies.document import DocumentFacts, StatisticsCell, document_audiences
from app.policies.visibility import documents

SB = Actor(sub="sb", org="NL", roles=frozenset({"sb_member"}))


def facts(**overrides: object) -> DocumentFacts:
    values: dict[str, object] = {
        "actor": SB,
        "document_org": "NL",
        "category": "a_analytical_product",
        "audience": "all_ilos",
        "ep_visible": frozenset({"b_programme_or_report"}),
    }
    values.update(overrides)
    return DocumentFacts(**values)  # type: ignore[arg-type]


def test_ilo_9_3_each_finding_is_a_violation_with_its_location() -> None:
    decision = evaluate(
        "document.upload",
        facts(findings=("an e-mail address at page 2, line 3", "an IBAN at row 4, column 2")),
    )
    assert not decision.allowed
    assert [v.rule for v in decision.violations] == ["ILO-9.3"]
    assert len(decision.violations[0].reasons) == 2
    assert "page 2, line 3" in decision.violations[0].reasons[0]


def test_ilo_9_1_a_marking_refers_to_a_law_enforcement_channel() -> None:
    decision = evaluate("document.upload", facts(markings=("handling code marking at line 1",)))
    assert decision.violated_rules == ("ILO-9.1",)
    assert "law-enforcement channel" in decision.violations[0].message


def test_ilo_3_4_cells_below_the_threshold_but_not_zero_are_refused() -> None:
    cells = (StatisticsCell("a", 0), StatisticsCell("b", 4), StatisticsCell("c", 5))
    decision = evaluate("document.upload", facts(cells=cells, small_cell_threshold=5))
    assert decision.violated_rules == ("ILO-3.4",)
    assert "cell b counts 4" in decision.violations[0].message


def test_ilo_9_4_audiences_of_each_caller() -> None:
    ep = Actor(sub="ep", org="EP", roles=frozenset({"ep_reader"}))
    staff = Actor(sub="s", org="COM", roles=frozenset({"authorised_staff"}))
    ilo = Actor(sub="i", org="FR", roles=frozenset({"ilo"}), officer_id="x")
    assert document_audiences(ep).audiences == frozenset()
    assert document_audiences(ep).ep_categories >= {"b_programme_or_report"}
    assert document_audiences(staff).everything
    assert "steering_board" not in document_audiences(ilo).audiences
    assert "steering_board" in document_audiences(SB).audiences
    machine = Actor(sub="m", org="NL", roles=frozenset({"integration"}))
    assert documents(machine).refusal is not None
    assert not evaluate("document.upload", facts(audience="european_parliament")).allowed


def test_ilo_5_1_network_membership_per_officer_for_an_ilo_per_organisation_otherwise() -> None:
    ilo = Actor(sub="i", org="NL", roles=frozenset({"ilo"}), officer_id="o-1")
    manager = Actor(sub="m", org="NL", roles=frozenset({"deploying_authority"}))
    client = Actor(
        sub="c", org="NL", roles=frozenset({"integration"}), scopes=frozenset({"documents:read"})
    )
    ep = Actor(sub="e", org="EP", roles=frozenset({"ep_reader"}))
    # an ILO: one officer, of its own organisation (both in the read's condition)
    assert (document_audiences(ilo).network_officer, document_audiences(ilo).network_member) == (
        "o-1",
        "NL",
    )
    for organisation_level in (manager, client):
        seen = document_audiences(organisation_level)
        assert (seen.network_officer, seen.network_member) == (None, "NL")
    seen = document_audiences(ep)
    assert (seen.network_officer, seen.network_member, seen.ep_by_rules) == (None, None, True)
    assert seen.ep_categories == {"b_programme_or_report"}
