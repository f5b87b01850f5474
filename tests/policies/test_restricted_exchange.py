"""GDPR-18.2 on the decision of a transfer and a share, ILO-10.2 dating a share within the
record's life, and LED-25's reason for a read: pure policies, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.policies import evaluate
from app.policies.subject_rights import check_read_reason
from app.policies.vocabulary import TraceResult
from tests.policies.test_transfer import SENEGAL, SHARE

RESTRICTED = replace(SENEGAL, record_restriction="c")


def _rules(decision: object) -> list[str]:
    return [v.rule for v in decision.violations]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("use", "law", "fragment"),
    [
        (None, None, "name restricted_use"),
        ("consent", None, "recital 43"),
        ("important_public_interest", None, "restricted_use_law"),
        ("important_public_interest", "  ", "restricted_use_law"),
        ("curiosity", None, "is none of"),
    ],
)
def test_gdpr_18_2_a_restricted_transfer_without_a_valid_ground_is_refused(
    use: str | None, law: str | None, fragment: str
) -> None:
    decision = evaluate(
        "transfer.record", replace(RESTRICTED, restricted_use=use, restricted_use_law=law)
    )
    assert _rules(decision) == ["GDPR-18.2"]
    assert fragment in decision.violations[0].message
    assert decision.violations[0].article == "Regulation (EU) 2016/679, Art. 18(2)"


def test_gdpr_18_2_the_ground_is_beside_the_basis_and_the_recipient_is_told() -> None:
    decision = evaluate(
        "transfer.record",
        replace(RESTRICTED, restricted_use="important_public_interest", restricted_use_law="Vw"),
    )
    assert decision.allowed
    assert decision.basis is not None
    assert decision.basis.rule == "GDPR-49.1d"
    notice = [o for o in decision.obligations if o.kind == "tell_recipient_restricted"]
    assert len(notice) == 1
    assert "Art. 18(1)(c)" in notice[0].detail
    trace = [(t.rule, t.result, t.note) for t in decision.trace if t.rule == "GDPR-18.2"]
    assert trace == [
        (
            "GDPR-18.2",
            TraceResult.pass_,
            "Regulation (EU) 2016/679, Art. 18(2): important_public_interest",
        )
    ]


def test_gdpr_18_2_eudpr_cites_art_20_2_and_led_stays_refused() -> None:
    frontex = replace(RESTRICTED, regime="eudpr", restricted_use="legal_claims")
    decision = evaluate("transfer.record", frontex)
    note = "Regulation (EU) 2018/1725, Art. 20(2): legal_claims"
    assert ("GDPR-18.2", TraceResult.pass_, note) in [
        (t.rule, t.result, t.note) for t in decision.trace
    ]
    share = replace(SHARE, regime="led", record_restriction="a", restricted_use="legal_claims")
    refused = evaluate("share.record", share)
    assert _rules(refused) == ["GDPR-18.2"]
    assert "Art. 16(3)" in refused.violations[0].message


def test_gdpr_18_2_consent_holds_for_a_share_and_an_unrestricted_record_needs_nothing() -> None:
    share = replace(SHARE, record_restriction="b", restricted_use="consent")
    allowed = evaluate("share.record", share)
    assert allowed.allowed
    assert [o.kind for o in allowed.obligations] == ["tell_recipient_restricted"]
    plain = evaluate("share.record", SHARE)
    assert plain.obligations == ()
    assert "GDPR-18.2" not in [t.rule for t in plain.trace]


def test_ilo_10_2_a_share_is_dated_within_the_records_life() -> None:
    life = replace(SHARE, record_began_on=date(2026, 10, 1), record_retain_until=date(2026, 12, 31))
    assert evaluate("share.record", replace(life, shared_on=date(2026, 10, 1))).allowed
    assert evaluate("share.record", replace(life, shared_on=date(2026, 12, 31))).allowed
    early = evaluate("share.record", replace(life, shared_on=date(2026, 9, 30)))
    late = evaluate("share.record", replace(life, shared_on=date(2027, 1, 1)))
    assert early.violations[0].reasons == (
        "shared_on 2026-09-30 is before the record's processing began (2026-10-01)",
    )
    assert late.violations[0].reasons == (
        "shared_on 2027-01-01 is after the record's retain_until (2026-12-31)",
    )


@pytest.mark.parametrize(
    ("regime", "reason", "result"),
    [
        ("led", None, TraceResult.fail),
        ("led", "   ", TraceResult.fail),
        ("led", "NCA request", TraceResult.pass_),
        ("gdpr", None, TraceResult.not_applicable),
        ("eudpr", "Return interview", TraceResult.pass_),
    ],
)
def test_led_25_a_law_enforcement_read_names_its_reason(
    regime: str, reason: str | None, result: TraceResult
) -> None:
    assert check_read_reason(regime, reason).trace_entry.result == result
