"""webhook.create, .delete, .rotate_secret, .enable and .redeliver: an integration with
webhooks:write, own organisation only."""

import pytest

from app.policies import Actor, WebhookFacts, evaluate

WEBHOOK_ACTIONS = [
    "webhook.create",
    "webhook.delete",
    "webhook.rotate_secret",
    "webhook.enable",
    "webhook.redeliver",
]


def _actor(org: str = "NL", roles: tuple[str, ...] = ("integration",), *scopes: str) -> Actor:
    return Actor(sub="cms", org=org, roles=frozenset(roles), scopes=frozenset(scopes))


@pytest.mark.parametrize("action", WEBHOOK_ACTIONS)
def test_an_integration_with_the_scope_manages_its_own_organisations_webhooks(
    action: str,
) -> None:
    decision = evaluate(
        action,
        WebhookFacts(actor=_actor("NL", ("integration",), "webhooks:write"), subscription_org="NL"),
    )
    assert decision.allowed
    assert [(t.rule, t.result) for t in decision.trace] == [
        ("ACL-ROLE", "pass"),
        ("ACL-ORG", "pass"),
    ]


@pytest.mark.parametrize("action", WEBHOOK_ACTIONS)
@pytest.mark.parametrize(
    ("actor", "org", "rules"),
    [
        (_actor("NL", ("integration",), "events:read"), "NL", ["ACL-ROLE"]),
        (_actor("NL", ("deploying_authority",), "webhooks:write"), "NL", ["ACL-ROLE"]),
        (_actor("NL", ("dpo", "auditor")), "NL", ["ACL-ROLE"]),
        (_actor("NL", ("integration",), "webhooks:write"), "FR", ["ACL-ORG"]),
        (_actor("NL", ("ilo",)), "FR", ["ACL-ROLE", "ACL-ORG"]),
    ],
    ids=["no-scope", "person-with-scope-claim", "reader-roles", "other-org", "both"],
)
def test_anyone_else_is_denied(action: str, actor: Actor, org: str, rules: list[str]) -> None:
    decision = evaluate(action, WebhookFacts(actor=actor, subscription_org=org))
    assert not decision.allowed
    assert list(decision.violated_rules) == rules
    if "ACL-ROLE" in rules:
        message = decision.violations[0].message
        assert "integration with scope webhooks:write" in message
