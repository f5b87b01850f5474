"""The policy layer: pure functions from facts to a Decision (REGULATION.md rule ids).

Importing the package declares every guarded action (app/policies/actions.py).
"""

from app.policies.acl import Actor, Requirement
from app.policies.actions import (
    ActionPolicy,
    UnknownAction,
    declared_actions,
    evaluate,
    policy_of,
)
from app.policies.authority import AuthorityFacts
from app.policies.deployment import (
    DEPLOYMENT_TRANSITIONS,
    DeploymentFacts,
    DeploymentTransitionFacts,
    OfficerFacts,
    Participant,
    SharedTask,
    eu_funding_eligible,
    transition_allowed,
)
from app.policies.engine import (
    RULES,
    RULESET_VERSION,
    Basis,
    Decision,
    Obligation,
    TraceEntry,
    Violation,
    deny,
    policy_version,
)
from app.policies.purpose import (
    CATEGORY_FIELDS,
    CATEGORY_PURPOSE,
    PURPOSES,
    ProcessingRecordFacts,
    derive_regime,
)
from app.policies.retention import ContactErasureFacts, ErasureFacts
from app.policies.transfer import ReferenceUpdateFacts, ShareFacts
from app.policies.transfer_grounds import AdequacyDecision, TransferFacts, TransferInstrument
from app.policies.webhook import WebhookFacts

POLICY_VERSION = RULESET_VERSION

__all__ = [
    "CATEGORY_FIELDS",
    "CATEGORY_PURPOSE",
    "DEPLOYMENT_TRANSITIONS",
    "POLICY_VERSION",
    "PURPOSES",
    "RULES",
    "RULESET_VERSION",
    "ActionPolicy",
    "Actor",
    "AdequacyDecision",
    "AuthorityFacts",
    "Basis",
    "ContactErasureFacts",
    "Decision",
    "DeploymentFacts",
    "DeploymentTransitionFacts",
    "ErasureFacts",
    "Obligation",
    "OfficerFacts",
    "Participant",
    "ProcessingRecordFacts",
    "ReferenceUpdateFacts",
    "Requirement",
    "ShareFacts",
    "SharedTask",
    "TraceEntry",
    "TransferFacts",
    "TransferInstrument",
    "UnknownAction",
    "Violation",
    "WebhookFacts",
    "declared_actions",
    "deny",
    "derive_regime",
    "eu_funding_eligible",
    "evaluate",
    "policy_of",
    "policy_version",
    "transition_allowed",
]
