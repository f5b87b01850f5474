"""Erasure rules: ILO-10.2 (records erased when no longer necessary, at the latest at retention
end) and ILO-9.3 (contact details of officers no longer deployed)."""

from datetime import date

import pytest

from app.policies import Actor, ContactErasureFacts, ErasureFacts, evaluate

TODAY = date(2026, 11, 23)
ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1")
SYSTEM = Actor(sub="system:retention-sweep", org="NL", system=True)


def _erasure(actor: Actor, retain_until: date) -> ErasureFacts:
    return ErasureFacts(
        actor=actor,
        controller_org="NL",
        record_officer_id="off-1",
        retain_until=retain_until,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("retain_until", "allowed"),
    [(date(2026, 11, 22), True), (date(2026, 11, 23), False), (date(2027, 1, 1), False)],
)
def test_ilo_10_2_sweep_erases_only_after_retention(retain_until: date, allowed: bool) -> None:
    decision = evaluate("processing_record.expire", _erasure(SYSTEM, retain_until))
    assert decision.allowed is allowed
    assert [t.rule for t in decision.trace] == ["ACL-ROLE", "ILO-10.2"]


@pytest.mark.parametrize(
    "actor",
    [ILO, Actor(sub="dpo", org="NL", roles=frozenset({"dpo"}))],
)
def test_acl_role_only_ilonet_itself_erases_as_the_retention_sweep(actor: Actor) -> None:
    decision = evaluate("processing_record.expire", _erasure(actor, date(2026, 1, 1)))
    assert decision.violated_rules == ("ACL-ROLE",)
    assert "ILONet itself" in decision.violations[0].message


@pytest.mark.parametrize(
    ("actor", "violated"),
    [
        (ILO, ()),
        (Actor(sub="dpo", org="NL", roles=frozenset({"dpo"})), ()),
        (
            Actor(
                sub="app",
                org="NL",
                roles=frozenset({"integration"}),
                scopes=frozenset({"processing:write"}),
            ),
            (),
        ),
        (Actor(sub="ilo-2", org="NL", roles=frozenset({"ilo"}), officer_id="off-2"), ("ACL-ROLE",)),
        (Actor(sub="aud", org="NL", roles=frozenset({"auditor"})), ("ACL-ROLE",)),
        (Actor(sub="dpo", org="FR", roles=frozenset({"dpo"})), ("ACL-ORG",)),
        (SYSTEM, ("ACL-ROLE",)),
    ],
)
def test_ilo_10_2_early_erasure_by_the_controller(actor: Actor, violated: tuple[str, ...]) -> None:
    decision = evaluate("processing_record.erase", _erasure(actor, date(2027, 6, 1)))
    assert decision.violated_rules == violated
    assert ("ILO-10.2", "pass") in [(t.rule, t.result) for t in decision.trace]


@pytest.mark.parametrize(
    ("in_force", "ended_on", "allowed"),
    [
        (0, date(2025, 11, 22), True),
        (0, date(2025, 11, 23), False),
        (1, date(2024, 1, 1), False),
        (0, None, False),
    ],
)
def test_ilo_9_3_contact_erased_a_year_after_the_last_deployment(
    in_force: int, ended_on: date | None, allowed: bool
) -> None:
    facts = ContactErasureFacts(
        actor=SYSTEM,
        officer_id="off-1",
        deployments_in_force=in_force,
        last_deployment_ended_on=ended_on,
        retention_days=365,
        today=TODAY,
    )
    assert evaluate("officer.contact_erase", facts).allowed is allowed
