"""The full Decision JSON of fixed facts, pinned byte for byte (decision_pinned.json).

Everything but the fresh `decision_id` is compared as the API renders it: violations with their
merged reasons, basis, obligations, the whole trace with every note, the policy version. The
cases go through the engine's paths (a pass, a failure merged from several reasons, not
applicable, Chapter V grounds superseded by a later one or left untried, obligations with and
without a date). A change of rule or wording changes the file on purpose: regenerate it with
`.venv/bin/python -m tests.policies.test_decision_pinned` and read the diff.
"""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.policies import (
    Actor,
    Decision,
    DeploymentFacts,
    ProcessingRecordFacts,
    TransferFacts,
    deny,
    evaluate,
)
from app.policies.rules import ACL_ROLE
from app.reference import load_adequacy_decisions, load_participants, load_transfer_instruments

PINNED = Path(__file__).with_name("decision_pinned.json")
DIGEST = "0123456789abcdef0123"


def _facts() -> dict[str, tuple[str, object]]:
    participants = load_participants()
    authority = Actor(sub="da-nl", org="NL", roles=frozenset({"deploying_authority"}))
    plan = DeploymentFacts(
        actor=authority,
        officer_org="NL",
        deployer_kind="member_state",
        posting_type="member_state_mission",
        host_country="SN",
        city="Dakar",
        region_countries=("GM", "ML", "MR"),
        topics=("b_migration_flows", "c_routes", "i_return_readmission"),
        tasks=("return",),
        starts_on=date(2026, 9, 1),
        ends_on=date(2029, 8, 31),
        participants=participants,
    )
    ilo = Actor(sub="ilo-nl-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-nl-1")
    senegal = TransferFacts(
        actor=ilo,
        controller_org="NL",
        regime="gdpr",
        record_officer_id="off-nl-1",
        record_fields=frozenset(
            {"surname", "given_names", "date_of_birth", "nationality", "travel_document"}
        ),
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
        justification="Identification and nationality confirmation for return",
        transfer_on=date(2026, 11, 23),
        officer_deployment_active=True,
        adequacy_decisions=load_adequacy_decisions(),
        instruments=load_transfer_instruments(),
        participants=participants,
        recent_derogations_to_recipient=4,
    )
    uk_police = replace(
        senegal,
        actor=Actor(sub="ilo-fr-1", org="FR", roles=frozenset({"ilo"}), officer_id="off-fr-1"),
        controller_org="FR",
        record_officer_id="off-fr-1",
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
        justification="Suspected facilitator of small-boat crossings: identity check",
        recent_derogations_to_recipient=0,
    )
    record = ProcessingRecordFacts(
        actor=Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1"),
        officer_id="off-1",
        officer_org="NL",
        officer_authority_kind="immigration",
        officer_org_kind="member_state",
        officer_has_active_deployment=True,
        purpose="return",
        data_categories=("a_return_identity",),
        subject_fields=frozenset({"surname", "nationality"}),
        retain_until=date(2027, 1, 31),
        today=date(2026, 11, 23),
        max_retention_days={"return": 365},
    )
    return {
        "deployment allowed": ("deployment.plan", plan),
        "deployment denied, two rules": (
            "deployment.plan",
            replace(plan, host_country="FR", city="Paris", region_countries=(), ends_on=None),
        ),
        "deployment denied, role and organisation": (
            "deployment.plan",
            replace(plan, actor=ilo, officer_org="FR"),
        ),
        "transfer allowed on a derogation, earlier grounds superseded": (
            "transfer.record",
            senegal,
        ),
        "transfer denied, every ground and the necessity": (
            "transfer.record",
            replace(
                senegal,
                recipient_name="Immigration Services Agency of Japan (Ministry of Justice)",
                destination_country="JP",
                subject_nationality="JP",
                basis="adequacy",
                adequacy_decision_id="2019/419",
                fields_disclosed=frozenset({"surname", "religion", "photo"}),
                justification="short",
            ),
        ),
        "transfer allowed on adequacy, later grounds untried": ("transfer.record", uk_police),
        "transfer denied, no competent authority": (
            "transfer.record",
            replace(uk_police, recipient_is_law_enforcement=False, recipient_type="private"),
        ),
        "processing record allowed": ("processing_record.create", record),
        "processing record denied": (
            "processing_record.create",
            replace(record, data_categories=("e_smuggling_trafficking",), officer_org="FR"),
        ),
    }


def rendered(decision: Decision) -> str:
    """The Decision as the API renders it, its fresh id left out."""
    body = decision.as_dict()
    body["decision_id"] = "(fresh)"
    return json.dumps(body, ensure_ascii=False)


def render_all() -> dict[str, str]:
    found = {
        name: rendered(evaluate(action, facts, reference_digest=DIGEST))
        for name, (action, facts) in _facts().items()
    }
    found["single-rule denial"] = rendered(
        deny(ACL_ROLE, "reading the audit trail needs role auditor", action="audit.read")
    )
    return found


@pytest.mark.parametrize("name", [*_facts(), "single-rule denial"])
def test_decision_json_is_pinned(name: str) -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert render_all()[name] == pinned[name]


def test_every_pinned_case_is_still_decided() -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert sorted(pinned) == sorted(render_all())


if __name__ == "__main__":
    PINNED.write_text(
        json.dumps(render_all(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
