"""Who may subscribe to and unsubscribe from webhooks: ACL-ROLE and ACL-ORG.

Webhook subscriptions are machine configuration: only an integration client holding the
`webhooks:write` scope manages them, and only for its own organisation.
"""

from dataclasses import dataclass

from app.policies.acl import Actor, require_org
from app.policies.engine import Outcome, RuleResult, failed, passed, register
from app.policies.rules import ACL_ROLE
from app.policies.vocabulary import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookFacts:
    actor: Actor
    subscription_org: str


def _integration_with_scope(actor: Actor, action: str) -> RuleResult:
    """ACL-ROLE: role integration with scope webhooks:write (no person's role suffices)."""
    if actor.may(Scope.webhooks_write):
        return passed(ACL_ROLE)
    return failed(
        ACL_ROLE,
        f"{action} needs role integration with scope {Scope.webhooks_write}; actor {actor.sub} has "
        f"roles {sorted(actor.roles)} and scopes {sorted(actor.scopes)}",
    )


def _decide(facts: WebhookFacts, action: str) -> Outcome:
    return Outcome(
        results=[
            _integration_with_scope(facts.actor, action),
            require_org(facts.actor, ("subscription organisation", facts.subscription_org)),
        ]
    )


@register("webhook.create", WebhookFacts)
def decide_webhook_create(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration subscribes its own organisation."""
    return _decide(facts, "subscribing to webhooks")


@register("webhook.delete", WebhookFacts)
def decide_webhook_delete(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration unsubscribes its own organisation."""
    return _decide(facts, "deleting a webhook subscription")
