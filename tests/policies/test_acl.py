"""ACL-ROLE and ACL-ORG: the actor helpers and the reference-data editors (reference.update)."""

import pytest

from app.policies import Actor, ReferenceUpdateFacts, evaluate
from app.policies.acl import Requirement, require, require_org
from app.policies.vocabulary import Role, Scope

ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({Role.ilo}), officer_id="off-1")
MACHINE = Actor(
    sub="nl-cms",
    org="NL",
    roles=frozenset({"integration"}),
    scopes=frozenset({"transfers:write", "officers:read"}),
)


def _admin(org: str) -> Actor:
    return Actor(sub=f"ref-{org}", org=org, roles=frozenset({"reference_admin"}))


def test_actor_roles_and_scopes() -> None:
    assert ILO.has_role(Role.ilo)
    assert not ILO.may(Scope.transfers_write)  # scopes are for integration clients only
    assert MACHINE.may(Scope.transfers_write)
    assert not MACHINE.may(Scope.deployments_write)
    assert ILO.acts_as_officer("off-1")
    assert not ILO.acts_as_officer("off-2")
    assert not MACHINE.acts_as_officer("off-1")


def test_acl_role_needs_role_or_integration_scope() -> None:
    ilo_only = Requirement(roles=frozenset({Role.ilo}))
    dpo_or_app = Requirement(roles=frozenset({Role.dpo}), scope=Scope.transfers_write)
    assert not require(ilo_only, ILO, action="x").violations
    assert not require(dpo_or_app, MACHINE, action="x").violations
    result = require(dpo_or_app, ILO, action="export")
    assert [v.rule for v in result.violations] == ["ACL-ROLE"]
    assert "role dpo or integration with scope transfers:write" in result.violations[0].message
    # a scope in a person's token is not an integration's scope
    person = Actor(sub="p", org="NL", roles=frozenset({"sb_member"}), scopes=MACHINE.scopes)
    assert require(dpo_or_app, person, action="x").violations


def test_acl_role_ilo_acts_only_as_itself() -> None:
    own = Requirement(officer_roles=frozenset({Role.ilo}), scope=Scope.transfers_write)
    assert not require(own, ILO, action="x", officer_id="off-1").violations
    result = require(own, ILO, action="x", officer_id="off-2")
    assert [v.rule for v in result.violations] == ["ACL-ROLE"]
    assert "off-2" in result.violations[0].message


def test_acl_role_system_actions_are_for_ilonet_itself() -> None:
    sweep = Requirement(system=True)
    system = Actor(sub="system:retention-sweep", org="NL", system=True)
    assert not require(sweep, system, action="x").violations
    assert require(sweep, ILO, action="x").violations
    # and ILONet itself meets no person's requirement
    assert require(Requirement(roles=frozenset({Role.dpo})), system, action="x").violations


def test_acl_org_names_each_foreign_organisation() -> None:
    assert not require_org(ILO, ("controller", "NL")).violations
    result = require_org(ILO, ("officer organisation", "FR"), ("authority", "BE"))
    assert [v.message for v in result.violations] == [
        "actor organisation NL may not act for officer organisation FR",
        "actor organisation NL may not act for authority BE",
    ]


@pytest.mark.parametrize(
    ("actor", "kind", "parties", "violated"),
    [
        pytest.param(_admin("COM"), "adequacy_decision", frozenset[str](), (), id="com-adequacy"),
        pytest.param(
            _admin("NL"), "adequacy_decision", frozenset[str](), ("ACL-ORG",), id="nl-adequacy"
        ),
        pytest.param(_admin("COM"), "transfer_instrument", frozenset({"EU"}), (), id="com-eu"),
        pytest.param(
            _admin("COM"), "transfer_instrument", frozenset({"NL"}), ("ACL-ORG",), id="com-nl"
        ),
        pytest.param(_admin("NL"), "transfer_instrument", frozenset({"NL"}), (), id="nl-party"),
        pytest.param(
            _admin("FR"), "transfer_instrument", frozenset({"NL"}), ("ACL-ORG",), id="fr-no-party"
        ),
        pytest.param(
            _admin("NL"), "transfer_instrument", frozenset({"EU"}), ("ACL-ORG",), id="nl-eu"
        ),
        pytest.param(
            Actor(sub="dpo", org="COM", roles=frozenset({Role.dpo})),
            "adequacy_decision",
            frozenset[str](),
            ("ACL-ROLE",),
            id="dpo",
        ),
    ],
)
def test_acl_org_reference_update(
    actor: Actor, kind: str, parties: frozenset[str], violated: tuple[str, ...]
) -> None:
    action = f"{kind}.create"
    decision = evaluate(action, ReferenceUpdateFacts(actor=actor, kind=kind, parties=parties))
    assert decision.violated_rules == violated
    assert decision.allowed is (not violated)


def test_acl_role_reference_update_needs_reference_admin() -> None:
    decision = evaluate(
        "transfer_instrument.replace",
        ReferenceUpdateFacts(actor=MACHINE, kind="transfer_instrument", parties=frozenset({"NL"})),
    )
    assert decision.violated_rules == ("ACL-ROLE",)
    assert "reference_admin" in decision.violations[0].message
