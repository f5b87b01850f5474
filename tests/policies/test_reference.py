"""Reference data: the adequacy decisions and transfer instruments parse into policy dataclasses,
match REGULATION.md "Adequacy in practice", and pin the policy version by their digest."""

import hashlib
import json
from datetime import date

import pytest

from app.policies import AdequacyDecision, TransferInstrument, policy_version
from app.reference import (
    ADEQUACY_FILE,
    INSTRUMENTS_FILE,
    load_adequacy_decisions,
    load_transfer_instruments,
    reference_digest,
    reference_versions,
)

DECISIONS = {d.id: d for d in load_adequacy_decisions()}
INSTRUMENTS = load_transfer_instruments()


def test_files_carry_a_version() -> None:
    assert reference_versions() == {
        "adequacy_decisions": "2026-12-02",
        "transfer_instruments": "2026-11-01",
    }


def test_loaders_return_policy_dataclasses() -> None:
    assert all(isinstance(d, AdequacyDecision) for d in DECISIONS.values())
    assert all(isinstance(i, TransferInstrument) for i in INSTRUMENTS)
    assert len(DECISIONS) == len(json.loads(ADEQUACY_FILE.read_bytes())["items"])


def test_reference_digest_covers_both_files() -> None:
    expected = hashlib.sha256(ADEQUACY_FILE.read_bytes() + INSTRUMENTS_FILE.read_bytes())
    assert reference_digest() == expected.hexdigest()
    assert policy_version(reference_digest()).endswith("+ref." + expected.hexdigest()[:12])


@pytest.mark.parametrize(
    ("decision_id", "destination"),
    [
        ("2000/518", "CH"),
        ("2002/2", "CA"),
        ("2003/490", "AR"),
        ("2003/821", "GG"),
        ("2004/411", "IM"),
        ("2008/393", "JE"),
        ("2010/146", "FO"),
        ("2010/625", "AD"),
        ("2011/61", "IL"),
        ("2012/484", "UY"),
        ("2013/65", "NZ"),
        ("2019/419", "JP"),
        ("2021/1772", "GB"),
        ("2021/1773", "GB"),
        ("2022/254", "KR"),
        ("2023/1795", "US"),
        ("2026/179", "BR"),
        ("EPO-2025", "EPO"),
    ],
)
def test_every_adequacy_decision_of_regulation_md_is_listed(
    decision_id: str, destination: str
) -> None:
    decision = DECISIONS[decision_id]
    assert destination in (decision.country, decision.organisation)
    assert decision.source_url.startswith("https://")
    assert decision.reference
    assert decision.in_force(date(2026, 11, 23))


@pytest.mark.parametrize(
    ("decision_id", "covers"),
    [
        ("2019/419", False),
        ("2002/2", False),
        ("2023/1795", False),
        ("2022/254", True),
        ("2026/179", True),
        ("2021/1772", True),
        ("2000/518", True),
    ],
)
def test_sector_limited_decisions_do_not_cover_public_authorities(
    decision_id: str, covers: bool
) -> None:
    assert DECISIONS[decision_id].covers_public_authorities is covers


def test_only_the_uk_holds_an_led_decision() -> None:
    led = [d.id for d in DECISIONS.values() if "led" in d.regimes]
    assert led == ["2021/1773"]
    assert DECISIONS["2021/1773"].regimes == frozenset({"led"})
    gdpr = [d for d in DECISIONS.values() if d.id != "2021/1773"]
    assert all(d.regimes == frozenset({"gdpr", "eudpr"}) for d in gdpr)


def test_uk_decisions_renewed_until_27_december_2031() -> None:
    for decision_id in ("2021/1772", "2021/1773"):
        decision = DECISIONS[decision_id]
        assert decision.valid_until == date(2031, 12, 27)
        assert decision.in_force(date(2031, 12, 27))
        assert not decision.in_force(date(2031, 12, 28))


def test_instruments_are_marked_illustrative() -> None:
    raw = json.loads(INSTRUMENTS_FILE.read_bytes())
    assert raw["version"]
    assert 3 <= len(INSTRUMENTS) <= 4
    assert all(i.example for i in INSTRUMENTS)
    assert all(
        item["note"] == "illustrative — verify before relying on it" for item in raw["items"]
    )
    kinds = {i.kind for i in INSTRUMENTS}
    assert kinds == {"binding_instrument", "administrative_arrangement"}
    for instrument in INSTRUMENTS:
        if instrument.kind == "administrative_arrangement":
            assert instrument.sa_authorisation_reference
