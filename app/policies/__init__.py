"""The policy layer: pure functions from facts to a Decision (REGULATION.md rule ids).

Importing the package registers every action handler with the engine.
"""

from app.policies.acl import Actor
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
    UnknownAction,
    Violation,
    deny,
    evaluate,
    facts_type_of,
    policy_version,
    registered_actions,
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
    "ShareFacts",
    "SharedTask",
    "TraceEntry",
    "TransferFacts",
    "TransferInstrument",
    "UnknownAction",
    "Violation",
    "WebhookFacts",
    "deny",
    "derive_regime",
    "eu_funding_eligible",
    "evaluate",
    "facts_type_of",
    "policy_version",
    "registered_actions",
    "transition_allowed",
]
