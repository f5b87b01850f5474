"""Who may subscribe to and unsubscribe from webhooks: ACL-ROLE and ACL-ORG.

Webhook subscriptions are machine configuration: only an integration client holding the
`webhooks:write` scope manages them, and only for its own organisation.
"""

from dataclasses import dataclass

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome
from app.policies.vocabulary import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookFacts:
    actor: Actor
    subscription_org: str


# Machine configuration: no person's role suffices.
MANAGES_WEBHOOKS = Requirement(scope=Scope.webhooks_write)


def _decide(facts: WebhookFacts) -> Outcome:
    return Outcome(
        results=[
            require_org(facts.actor, ("subscription organisation", facts.subscription_org)),
        ]
    )


def decide_webhook_create(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration subscribes its own organisation."""
    return _decide(facts)


WEBHOOK_CREATE = declare(
    "webhook.create",
    WebhookFacts,
    requires=MANAGES_WEBHOOKS,
    rules=decide_webhook_create,
    emits=("webhook.created",),
)


def decide_webhook_delete(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration unsubscribes its own organisation."""
    return _decide(facts)


WEBHOOK_DELETE = declare(
    "webhook.delete",
    WebhookFacts,
    requires=MANAGES_WEBHOOKS,
    rules=decide_webhook_delete,
    emits=("webhook.deleted",),
)


def decide_webhook_rotate_secret(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration rotates the secret of its own organisation's
    subscription (the old one keeps signing beside the new one for the overlap window)."""
    return _decide(facts)


WEBHOOK_ROTATE_SECRET = declare(
    "webhook.rotate_secret",
    WebhookFacts,
    requires=MANAGES_WEBHOOKS,
    rules=decide_webhook_rotate_secret,
    emits=("webhook.secret_rotated",),
)


def decide_webhook_enable(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration enables again its own organisation's subscription that
    was marked failing."""
    return _decide(facts)


WEBHOOK_ENABLE = declare(
    "webhook.enable",
    WebhookFacts,
    requires=MANAGES_WEBHOOKS,
    rules=decide_webhook_enable,
    emits=("webhook.enabled",),
)


def decide_webhook_redeliver(facts: WebhookFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an integration asks for one delivery of its own organisation's
    subscription to be sent again."""
    return _decide(facts)


WEBHOOK_REDELIVER = declare(
    "webhook.redeliver",
    WebhookFacts,
    requires=MANAGES_WEBHOOKS,
    rules=decide_webhook_redeliver,
    emits=("webhook.redelivered",),
    feed=False,
)
