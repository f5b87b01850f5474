"""Transfers (Chapter V, NR-1, ILO-10.4, DOC-1, GDPR-30.1e, SCOPE-EUROPOL) and shares (ILO-10.4).

Adequacy decisions come from the real reference data; instruments are defined here so that the
cases do not depend on the illustrative examples shipped in app/reference.
"""

from dataclasses import replace
from datetime import date

import pytest

from app.policies import (
    Actor,
    AdequacyDecision,
    Basis,
    Decision,
    Participant,
    ShareFacts,
    TransferFacts,
    TransferInstrument,
    evaluate,
)
from app.policies.vocabulary import InstrumentKind, TraceResult
from app.reference import load_adequacy_decisions

PARTICIPANTS = {
    code: Participant(code=code, kind=kind)
    for code, kind in [
        ("NL", "member_state"),
        ("FR", "member_state"),
        ("BE", "member_state"),
        ("NO", "schengen_associated"),
        ("FRONTEX", "eu_agency"),
        ("EUROPOL", "eu_agency"),
    ]
}
ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1")
RECORD_FIELDS = frozenset(
    {"surname", "given_names", "date_of_birth", "nationality", "travel_document", "biometrics"}
)

# A return identification request to the Senegalese border police (49(1)(d), recital 25).
SENEGAL = TransferFacts(
    actor=ILO,
    controller_org="NL",
    regime="gdpr",
    record_officer_id="off-1",
    record_fields=RECORD_FIELDS | {"protection_status"},
    purpose="return",
    data_categories=("a_return_identity",),
    subject_nationality="SN",
    protection_status="return_decision",
    recipient_name="Direction de la Police de l'Air et des Frontières",
    recipient_type="public_authority",
    recipient_is_law_enforcement=False,
    destination_country="SN",
    destination_organisation=None,
    basis="public_interest",
    fields_disclosed=frozenset({"surname", "given_names", "date_of_birth", "nationality"}),
    justification="Identification and nationality confirmation for return under a return decision",
    transfer_on=date(2026, 11, 23),
    officer_deployment_active=True,
    adequacy_decisions=load_adequacy_decisions(),
    participants=PARTICIPANTS,
)
READMISSION = TransferInstrument(
    id="EU-PK-RA",
    kind=InstrumentKind.binding_instrument,
    title="EU-Pakistan readmission agreement, data-protection clause",
    parties=frozenset({"EU"}),
    destination_country="PK",
    recipient_authorities=frozenset({"*"}),
    purposes=frozenset({"return"}),
    regimes=frozenset({"gdpr", "eudpr"}),
    sa_authorisation_reference=None,
    valid_from=date(2010, 12, 1),
    valid_until=None,
    reference="EU-Pakistan readmission agreement, data-protection clause",
    source_url="https://eur-lex.europa.eu/",
)
ARRANGEMENT = TransferInstrument(
    id="NL-GH-AA",
    kind=InstrumentKind.administrative_arrangement,
    title="NL-GH arrangement",
    parties=frozenset({"NL"}),
    destination_country="GH",
    recipient_authorities=frozenset({"Ghana Immigration Service"}),
    purposes=frozenset({"return"}),
    regimes=frozenset({"gdpr"}),
    sa_authorisation_reference="AP-2024-0001",
    valid_from=date(2024, 3, 1),
    valid_until=date(2029, 2, 28),
    reference="NL-GH administrative arrangement (authorised AP-2024-0001)",
    source_url="https://example.invalid/",
)
UK_POLICE = replace(
    SENEGAL,
    actor=replace(ILO, org="FR"),
    controller_org="FR",
    regime="led",
    purpose="smuggling_trafficking",
    data_categories=("e_smuggling_trafficking",),
    subject_nationality="AL",
    protection_status="none",
    recipient_name="National Crime Agency",
    recipient_is_law_enforcement=True,
    destination_country="GB",
    basis="adequacy",
    adequacy_decision_id="2021/1773",
    justification="Suspected facilitator of small-boat crossings: identity check by the NCA",
)


def _transfer(facts: TransferFacts) -> Decision:
    return evaluate("transfer.record", facts)


def _trace(decision: Decision) -> list[tuple[str, str]]:
    return [(t.rule, t.result) for t in decision.trace]


def test_gdpr_49_1d_return_to_senegal_on_recital_25() -> None:
    decision = _transfer(SENEGAL)
    assert decision.allowed, decision.violations
    assert decision.basis == Basis(
        "public_interest", "GDPR-49.1d", "Regulation (EU) 2019/1240, recital 25"
    )
    assert decision.violations == ()
    assert _trace(decision)[-4:] == [
        ("GDPR-45", "fail"),
        ("GDPR-46.2a", "fail"),
        ("GDPR-46.3b", "fail"),
        ("GDPR-49.1d", "pass"),
    ]
    assert "no adequacy decision for SN" in decision.trace[-4].note
    assert decision.obligations[0].kind == "record_in_ropa"
    assert decision.obligations[0].detail.startswith("GDPR-30.1e")
    assert decision.as_dict()["basis"] == {
        "ground": "public_interest",
        "rule": "GDPR-49.1d",
        "reference": "Regulation (EU) 2019/1240, recital 25",
    }


def test_gdpr_49_1d_legal_migration_needs_a_law_reference() -> None:
    facts = replace(
        SENEGAL,
        purpose="legal_migration",
        data_categories=("c_legal_migration_identity",),
        protection_status="none",
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b", "GDPR-49.1d")
    assert decision.basis is None
    assert "needs legal_reference" in decision.violations[-1].message
    with_law = _transfer(replace(facts, legal_reference="Vreemdelingenwet 2000, art. 107"))
    assert with_law.basis == Basis(
        "public_interest", "GDPR-49.1d", "Vreemdelingenwet 2000, art. 107"
    )


def test_gdpr_45_japan_private_sector_decision_does_not_cover_a_ministry() -> None:
    facts = replace(
        SENEGAL,
        recipient_name="Immigration Services Agency of Japan (Ministry of Justice)",
        destination_country="JP",
        subject_nationality="JP",
        basis="adequacy",
        adequacy_decision_id="2019/419",
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b")
    assert decision.violations[0].message.startswith(
        "adequacy: decision 2019/419 does not cover public authorities such as Immigration Services"
    )
    assert decision.violations[0].article == "Regulation (EU) 2016/679, Art. 45"


def test_led_36_uk_police_under_the_led_decision() -> None:
    decision = _transfer(UK_POLICE)
    assert decision.allowed, decision.violations
    assert decision.basis is not None
    assert (decision.basis.ground, decision.basis.rule) == ("adequacy", "LED-36")
    assert "2021/1773" in decision.basis.reference
    assert ("LED-35", "pass") in _trace(decision)
    assert _trace(decision)[-2:] == [("LED-36", "pass"), ("LED-37", "not_applicable")]


def test_gdpr_45_uk_gdpr_record_uses_the_gdpr_decision() -> None:
    facts = replace(
        UK_POLICE,
        regime="gdpr",
        purpose="return",
        data_categories=("a_return_identity",),
        recipient_name="Home Office Immigration Enforcement",
        recipient_is_law_enforcement=False,
        adequacy_decision_id="2021/1772",
    )
    decision = _transfer(facts)
    assert decision.allowed, decision.violations
    assert decision.basis is not None
    assert decision.basis.rule == "GDPR-45"
    assert "2021/1772" in decision.basis.reference
    assert "LED-35" not in [t.rule for t in decision.trace]


def test_gdpr_45_uk_decision_expires_after_2031() -> None:
    facts = replace(
        UK_POLICE,
        regime="gdpr",
        purpose="return",
        data_categories=("a_return_identity",),
        transfer_on=date(2032, 1, 1),
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b")
    assert "decision 2021/1772 expired on 2031-12-27" in decision.violations[0].message
    assert "decision 2021/1773 covers led transfers, not gdpr" in decision.violations[0].message


def test_led_36_gdpr_adequacy_does_not_cover_led_transfers() -> None:
    facts = replace(
        UK_POLICE,
        destination_country="CH",
        recipient_name="fedpol",
        adequacy_decision_id="2000/518",
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("LED-36", "LED-37")
    assert (
        "decision 2000/518 covers eudpr/gdpr transfers, not led" in decision.violations[0].message
    )
    assert decision.violations[1].article == "Directive (EU) 2016/680, Art. 37(1)(a)"


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "needle"),
    [
        pytest.param(date(2020, 1, 1), date(2025, 6, 30), "expired on 2025-06-30", id="expired"),
        pytest.param(date(2027, 1, 1), None, "not in force on 2026-11-23", id="not-yet"),
    ],
)
def test_gdpr_45_adequacy_must_be_in_force_on_the_transfer_date(
    valid_from: date, valid_until: date | None, needle: str
) -> None:
    synthetic = AdequacyDecision(
        id="TEST/1",
        country="ZZ",
        organisation=None,
        regimes=frozenset({"gdpr", "eudpr"}),
        covers_public_authorities=True,
        scope_note="synthetic",
        valid_from=valid_from,
        valid_until=valid_until,
        reference="Synthetic decision TEST/1",
        source_url="https://example.invalid/",
    )
    facts = replace(
        SENEGAL,
        destination_country="ZZ",
        basis="adequacy",
        adequacy_decision_id="TEST/1",
        adequacy_decisions=(synthetic,),
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b")
    assert needle in decision.violations[0].message


def test_gdpr_45_recorded_even_when_a_derogation_is_named() -> None:
    facts = replace(
        SENEGAL, destination_country="CH", recipient_name="Staatssekretariat für Migration"
    )
    decision = _transfer(facts)
    assert decision.allowed
    assert decision.basis == Basis("adequacy", "GDPR-45", "Commission Decision 2000/518/EC")
    assert _trace(decision)[-4:] == [
        ("GDPR-45", "pass"),
        ("GDPR-46.2a", "not_applicable"),
        ("GDPR-46.3b", "not_applicable"),
        ("GDPR-49.1d", "not_applicable"),
    ]


def test_gdpr_45_international_organisation_by_its_own_decision() -> None:
    facts = replace(
        SENEGAL,
        recipient_name="European Patent Office",
        recipient_type="international_organisation",
        destination_country=None,
        destination_organisation="EPO",
        basis="adequacy",
        adequacy_decision_id="EPO-2025",
    )
    decision = _transfer(facts)
    assert decision.basis is not None
    assert decision.basis.rule == "GDPR-45"


@pytest.mark.parametrize(
    "basis", ["explicit_consent", "contract", "compelling_legitimate_interests"]
)
def test_gdpr_49_3_consent_never_for_public_authority(basis: str) -> None:
    decision = _transfer(replace(SENEGAL, basis=basis))
    assert decision.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b", "GDPR-49.3")
    assert decision.violations[-1].message == (
        f"{basis} is no basis for public authorities exercising public powers (controller NL)"
    )


def test_gdpr_46_2a_readmission_agreement_before_any_derogation() -> None:
    facts = replace(
        SENEGAL,
        destination_country="PK",
        subject_nationality="PK",
        recipient_name="Federal Investigation Agency",
        instruments=(READMISSION,),
    )
    decision = _transfer(facts)
    assert decision.basis == Basis(
        "binding_instrument",
        "GDPR-46.2a",
        "EU-Pakistan readmission agreement, data-protection clause",
    )
    assert ("GDPR-49.1d", "not_applicable") in _trace(decision)


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        pytest.param(
            {"purpose": "legal_migration", "data_categories": ("c_legal_migration_identity",)},
            "instrument EU-PK-RA purpose legal_migration is not covered",
            id="purpose",
        ),
        pytest.param(
            {"transfer_on": date(2009, 1, 1)}, "instrument EU-PK-RA not in force", id="not-in-force"
        ),
        pytest.param(
            {"recipient_type": "other", "recipient_name": "Travel agency"},
            "recipient 'Travel agency' is not one of its authorities",
            id="recipient",
        ),
    ],
)
def test_gdpr_46_2a_instrument_must_cover_the_transfer(
    changes: dict[str, object], needle: str
) -> None:
    facts = replace(
        SENEGAL,
        destination_country="PK",
        basis="binding_instrument",
        instrument_id="EU-PK-RA",
        instruments=(READMISSION,),
    )
    decision = _transfer(replace(facts, **changes))  # type: ignore[arg-type]
    assert decision.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b")
    assert needle in decision.violations[1].message


def test_gdpr_46_3b_authorised_administrative_arrangement() -> None:
    facts = replace(
        SENEGAL,
        destination_country="GH",
        recipient_name="Ghana Immigration Service",
        basis="administrative_arrangement",
        instrument_id="NL-GH-AA",
        authorisation_reference="AP-2024-0001",
        instruments=(ARRANGEMENT,),
    )
    decision = _transfer(facts)
    assert decision.basis is not None
    assert (decision.basis.ground, decision.basis.rule) == (
        "administrative_arrangement",
        "GDPR-46.3b",
    )
    unauthorised = replace(
        facts, instruments=(replace(ARRANGEMENT, sa_authorisation_reference=None),)
    )
    refused = _transfer(unauthorised)
    assert refused.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b")
    assert "is not authorised by the supervisory authority" in refused.violations[-1].message
    other_party = _transfer(replace(facts, actor=replace(ILO, org="BE"), controller_org="BE"))
    assert "controller BE is not a party" in other_party.violations[-1].message


def test_gdpr_49_1f_vital_interests_needs_incapacity() -> None:
    facts = replace(SENEGAL, basis="vital_interests")
    refused = _transfer(facts)
    assert refused.violated_rules == ("GDPR-45", "GDPR-46.2a", "GDPR-46.3b", "GDPR-49.1f")
    allowed = _transfer(replace(facts, incapacity_reason="unconscious after a shipwreck"))
    assert allowed.basis == Basis(
        "vital_interests", "GDPR-49.1f", "Regulation (EU) 2016/679, Art. 49(1)(f)"
    )


def test_nr_1_resettlement_candidate_never_to_country_of_nationality() -> None:
    facts = replace(
        SENEGAL,
        purpose="resettlement",
        data_categories=("d_resettlement_identity",),
        subject_nationality="ER",
        protection_status="resettlement_candidate",
        destination_country="ER",
        recipient_name="Eritrean Immigration and Nationality Department",
        legal_reference="Union Resettlement Framework",
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("NR-1",)
    assert decision.violations[0].message == (
        "subject in need of protection (protection_status resettlement_candidate) must not be "
        "disclosed to the authorities of ER, their country of nationality"
    )
    # to the host country of resettlement processing, or to UNHCR, NR-1 holds
    assert _transfer(replace(facts, destination_country="NE")).allowed
    unhcr = replace(facts, recipient_type="international_organisation", recipient_name="UNHCR")
    assert _transfer(unhcr).allowed


@pytest.mark.parametrize(
    ("status", "categories", "nationality", "violated"),
    [
        pytest.param("application_pending", ("a_return_identity",), "SN", ("NR-1",), id="pending"),
        pytest.param("protection_granted", ("a_return_identity",), "SN", ("NR-1",), id="granted"),
        pytest.param("none", ("d_resettlement_identity",), "SN", ("NR-1",), id="category-d"),
        pytest.param("application_pending", ("a_return_identity",), None, ("NR-1",), id="unknown"),
        pytest.param("return_decision", ("a_return_identity",), "SN", (), id="return-decision"),
        pytest.param("none", ("a_return_identity",), "SN", (), id="no-protection"),
        pytest.param("refugee", ("a_return_identity",), "SN", ("NR-1",), id="unknown-status"),
    ],
)
def test_nr_1_protection_statuses(
    status: str, categories: tuple[str, ...], nationality: str | None, violated: tuple[str, ...]
) -> None:
    facts = replace(
        SENEGAL,
        protection_status=status,
        data_categories=categories,
        subject_nationality=nationality,
    )
    assert _transfer(facts).violated_rules == violated


def test_scope_europol_transfers_are_refused() -> None:
    facts = replace(
        SENEGAL,
        actor=Actor(sub="e", org="EUROPOL", roles=frozenset({"ilo"}), officer_id="off-1"),
        controller_org="EUROPOL",
        regime="eudpr",
    )
    decision = _transfer(facts)
    assert decision.violated_rules == ("SCOPE-EUROPOL",)
    assert "use Europol's own channels" in decision.violations[0].message
    assert decision.trace[-1] == decision.trace[-1].__class__(
        "EUDPR-47", TraceResult.not_applicable, "Chapter V not tried: Europol is out of scope"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"fields_disclosed": frozenset({"surname", "religion"})},
            "fields_disclosed religion are not fields of the record",
            id="not-subset",
        ),
        pytest.param(
            {"fields_disclosed": frozenset[str]()},
            "fields_disclosed is empty: name the fields the exchange discloses",
            id="empty",
        ),
        pytest.param(
            {"justification": "needed"},
            "justification of strict necessity is missing or trivial (fewer than 20 characters)",
            id="trivial-justification",
        ),
    ],
)
def test_ilo_10_4_transfer_discloses_only_necessary_record_fields(
    changes: dict[str, object], message: str
) -> None:
    decision = _transfer(replace(SENEGAL, **changes))  # type: ignore[arg-type]
    assert decision.violated_rules == ("ILO-10.4",)
    assert decision.violations[0].message == message


def test_ilo_10_2_transfer_needs_an_active_deployment() -> None:
    decision = _transfer(replace(SENEGAL, officer_deployment_active=False))
    assert decision.violated_rules == ("ILO-10.2",)
    assert decision.violations[0].message == "officer off-1 has no active deployment on 2026-11-23"


def test_eudpr_50_frontex_return_uses_eudpr_ids() -> None:
    frontex = replace(
        SENEGAL,
        actor=Actor(sub="fx", org="FRONTEX", roles=frozenset({"ilo"}), officer_id="off-1"),
        controller_org="FRONTEX",
        regime="eudpr",
    )
    decision = _transfer(frontex)
    assert decision.basis == Basis(
        "public_interest", "EUDPR-50", "Regulation (EU) 2019/1240, recital 25"
    )
    assert _trace(decision)[-4:] == [
        ("EUDPR-47", "fail"),
        ("EUDPR-48", "fail"),
        ("EUDPR-48", "fail"),
        ("EUDPR-50", "pass"),
    ]
    refused = _transfer(replace(frontex, basis="explicit_consent"))
    assert refused.violated_rules == ("EUDPR-47", "EUDPR-48", "EUDPR-50")
    assert refused.violations[-1].article == "Regulation (EU) 2018/1725, Art. 50(3)"


FRONTEX_RETURN = replace(
    SENEGAL,
    actor=Actor(sub="fx", org="FRONTEX", roles=frozenset({"ilo"}), officer_id="off-1"),
    controller_org="FRONTEX",
    regime="eudpr",
)


def test_eudpr_47_union_body_relies_on_gdpr_adequacy_decisions() -> None:
    adequate = _transfer(replace(FRONTEX_RETURN, destination_country="CH"))
    assert adequate.basis == Basis("adequacy", "EUDPR-47", "Commission Decision 2000/518/EC")


def test_eudpr_48_instruments_for_union_bodies() -> None:
    pakistan = _transfer(
        replace(FRONTEX_RETURN, destination_country="PK", instruments=(READMISSION,))
    )
    assert pakistan.basis is not None
    assert (pakistan.basis.ground, pakistan.basis.rule) == ("binding_instrument", "EUDPR-48")
    ghana = replace(
        FRONTEX_RETURN, destination_country="GH", recipient_name="Ghana Immigration Service"
    )
    refused = _transfer(
        replace(ghana, basis="adequacy", adequacy_decision_id="x", instruments=(ARRANGEMENT,))
    )
    # one violation per rule: two sub-articles failed, so the rule's own article is cited
    assert refused.violated_rules == ("EUDPR-47", "EUDPR-48")
    assert refused.violations[1].article == "Regulation (EU) 2018/1725, Art. 48"
    assert len(refused.violations[1].reasons) == 2
    assert "covers gdpr transfers, not eudpr" in refused.violations[1].reasons[1]
    edps = replace(ARRANGEMENT, regimes=frozenset({"eudpr"}), sa_authorisation_reference=None)
    unauthorised = _transfer(
        replace(
            ghana,
            basis="administrative_arrangement",
            instrument_id="NL-GH-AA",
            authorisation_reference="EDPS-2026-0001",
            instruments=(replace(edps, parties=frozenset({"EU"})),),
        )
    )
    assert unauthorised.violated_rules == ("EUDPR-47", "EUDPR-48")
    assert "is not authorised by the EDPS" in unauthorised.violations[1].reasons[1]


def test_led_35_data_from_another_member_state_need_its_authorisation() -> None:
    decision = _transfer(replace(UK_POLICE, data_from_other_member_state="BE"))
    assert decision.violated_rules == ("LED-35",)
    assert "prior authorisation" in decision.violations[0].message
    authorised = replace(
        UK_POLICE, data_from_other_member_state="BE", prior_authorisation_reference="BE-FP-2026-1"
    )
    assert _transfer(authorised).allowed


def test_led_39_recipient_not_a_competent_authority_needs_a_law() -> None:
    facts = replace(UK_POLICE, recipient_is_law_enforcement=False, recipient_name="Border Force")
    decision = _transfer(facts)
    assert decision.violated_rules == ("LED-39",)
    assert ("LED-35", "pass") in _trace(decision)
    assert _transfer(replace(facts, legal_reference="Code de procédure pénale, art. X")).allowed


def test_led_37_controller_assessment_needs_its_reference() -> None:
    facts = replace(
        UK_POLICE,
        destination_country="TR",
        recipient_name="Turkish National Police",
        basis="controller_assessment",
    )
    refused = _transfer(facts)
    assert refused.violated_rules == ("LED-36", "LED-37")
    assert refused.violations[-1].article == "Directive (EU) 2016/680, Art. 37"
    assert len(refused.violations[-1].reasons) == 2
    allowed = _transfer(replace(facts, assessment_reference="OCRIEST-EVAL-2026-04"))
    assert allowed.basis == Basis("controller_assessment", "LED-37", "OCRIEST-EVAL-2026-04")
    assert [o.kind for o in allowed.obligations] == [
        "record_in_ropa",
        "inform_supervisory_authority",
    ]


@pytest.mark.parametrize(
    ("situation", "allowed"),
    [
        ("individual_case_law_enforcement", True),
        ("public_security_threat", True),
        ("vital_interests", True),
        ("subject_legitimate_interests", True),
        ("routine_exchange", False),
        (None, False),
    ],
)
def test_led_38_specific_situations(situation: str | None, allowed: bool) -> None:
    facts = replace(
        UK_POLICE,
        destination_country="TR",
        recipient_name="Turkish National Police",
        basis="specific_situation",
        specific_situation=situation,
    )
    decision = _transfer(facts)
    if allowed:
        assert decision.basis is not None
        assert (decision.basis.rule, decision.basis.ground) == ("LED-38", "specific_situation")
    else:
        assert decision.violated_rules == ("LED-36", "LED-37", "LED-38")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"basis": "adequacy"}, "basis adequacy needs adequacy_decision_id", id="adequacy-id"
        ),
        pytest.param(
            {"basis": "binding_instrument"},
            "basis binding_instrument needs instrument_id",
            id="instr",
        ),
        pytest.param(
            {"basis": "controller_assessment"},
            "basis controller_assessment is not available under regime gdpr",
            id="led-only-basis",
        ),
        pytest.param({"basis": "hunch"}, "basis 'hunch' is not a transfer basis", id="unknown"),
    ],
)
def test_doc_1_basis_details_recorded(changes: dict[str, object], message: str) -> None:
    decision = _transfer(replace(SENEGAL, **changes))  # type: ignore[arg-type]
    assert "DOC-1" in decision.violated_rules
    assert message in [v.message for v in decision.violations if v.rule == "DOC-1"]


def test_doc_1_justification_is_recorded() -> None:
    decision = _transfer(replace(SENEGAL, justification=" "))
    assert decision.violated_rules == ("ILO-10.4", "DOC-1")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"destination_country": None},
            "destination is missing: name the third country or international organisation",
            id="no-destination",
        ),
        pytest.param(
            {"destination_country": "FR"},
            "destination_country FR is an EU Member State: record a share, not a third-country "
            "transfer",
            id="member-state",
        ),
        pytest.param({"recipient_name": ""}, "recipient_name is missing", id="no-recipient"),
    ],
)
def test_gdpr_30_1e_destination_and_recipient_identified(
    changes: dict[str, object], message: str
) -> None:
    decision = _transfer(replace(SENEGAL, **changes))  # type: ignore[arg-type]
    assert "GDPR-30.1e" in decision.violated_rules
    assert message in [v.message for v in decision.violations if v.rule == "GDPR-30.1e"]


@pytest.mark.parametrize(
    ("actor", "violated"),
    [
        pytest.param(replace(ILO, officer_id="off-9"), ("ACL-ROLE",), id="other-officer"),
        pytest.param(replace(ILO, org="BE"), ("ACL-ORG",), id="other-org"),
        pytest.param(
            Actor(
                sub="m",
                org="NL",
                roles=frozenset({"integration"}),
                scopes=frozenset({"transfers:write"}),
            ),
            (),
            id="integration",
        ),
    ],
)
def test_acl_role_and_acl_org_transfer(actor: Actor, violated: tuple[str, ...]) -> None:
    assert _transfer(replace(SENEGAL, actor=actor)).violated_rules == violated


SHARE = ShareFacts(
    actor=ILO,
    controller_org="NL",
    record_officer_id="off-1",
    record_fields=RECORD_FIELDS,
    recipient_kind="member_state_authority",
    recipient_org="FR",
    fields_disclosed=frozenset({"surname", "nationality"}),
    justification="Same facilitator network active on the FR route: deconfliction",
    participants=PARTICIPANTS,
)


def test_ilo_10_4_share_inside_the_union() -> None:
    decision = evaluate("share.record", SHARE)
    assert decision.allowed
    assert [(t.rule, t.result) for t in decision.trace] == [
        ("ACL-ROLE", "pass"),
        ("ACL-ORG", "pass"),
        ("ILO-10.4", "pass"),
        ("ILO-10.4", "pass"),
        ("ILO-10.2", "pass"),
    ]
    network = replace(SHARE, recipient_kind="network", recipient_org=None)
    assert evaluate("share.record", network).allowed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"recipient_org": "NO"},
            "recipient_org 'NO' is not an EU Member State: a share stays inside the Union "
            "(recital 26); record a transfer instead",
            id="schengen",
        ),
        pytest.param(
            {"recipient_org": "SN"},
            "recipient_org 'SN' is not an EU Member State: a share stays inside the Union "
            "(recital 26); record a transfer instead",
            id="third-country",
        ),
        pytest.param(
            {"recipient_kind": "press"},
            "recipient_kind 'press' is not a share recipient",
            id="kind",
        ),
        pytest.param(
            {"fields_disclosed": frozenset({"unhcr_reference"})},
            "fields_disclosed unhcr_reference are not fields of the record",
            id="not-subset",
        ),
    ],
)
def test_ilo_10_4_share_refused(changes: dict[str, object], message: str) -> None:
    decision = evaluate("share.record", replace(SHARE, **changes))  # type: ignore[arg-type]
    assert decision.violated_rules == ("ILO-10.4",)
    assert decision.violations[0].message == message


def test_acl_org_share() -> None:
    decision = evaluate("share.record", replace(SHARE, actor=replace(ILO, org="FR")))
    assert decision.violated_rules == ("ACL-ORG",)
