"""ACL-ROLE and ACL-ORG: the actor helpers and the reference-data editors (reference.update)."""

import pytest

from app.policies import Actor, ReferenceUpdateFacts, evaluate
from app.policies.acl import require_officer, require_org, require_role
from app.policies.vocabulary import Role, Scope

ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1")
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
    assert not require_role(ILO, roles={Role.ilo}, scope=None, action="x").violations
    assert not require_role(
        MACHINE, roles={Role.dpo}, scope=Scope.transfers_write, action="x"
    ).violations
    result = require_role(ILO, roles={Role.dpo}, scope=Scope.transfers_write, action="export")
    assert [v.rule for v in result.violations] == ["ACL-ROLE"]
    assert "dpo or integration with scope transfers:write" in result.violations[0].message


def test_acl_role_ilo_acts_only_as_itself() -> None:
    assert not require_officer(
        ILO, officer_id="off-1", scope=Scope.transfers_write, action="x"
    ).violations
    result = require_officer(ILO, officer_id="off-2", scope=Scope.transfers_write, action="x")
    assert [v.rule for v in result.violations] == ["ACL-ROLE"]
    assert "off-2" in result.violations[0].message


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
            Actor(sub="dpo", org="COM", roles=frozenset({"dpo"})),
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
    decision = evaluate(
        "reference.update", ReferenceUpdateFacts(actor=actor, kind=kind, parties=parties)
    )
    assert decision.violated_rules == violated
    assert decision.allowed is (not violated)


def test_acl_role_reference_update_needs_reference_admin() -> None:
    decision = evaluate(
        "reference.update",
        ReferenceUpdateFacts(actor=MACHINE, kind="transfer_instrument", parties=frozenset({"NL"})),
    )
    assert decision.violated_rules == ("ACL-ROLE",)
    assert "reference_admin" in decision.violations[0].message
