"""The policy layer: pure functions from facts to a Decision, citing the rules of the catalogue
(app/policies/rules/) and the vocabularies of app/policies/vocabulary/.

Importing the package declares every guarded action (app/policies/actions.py).
"""

# The Steering Board (Art. 7, 8): importing it declares its actions.
from app.policies import board, board_tally
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
    RULESET_VERSION,
    Basis,
    Decision,
    Obligation,
    TraceEntry,
    Violation,
    deny,
    policy_version,
)
from app.policies.institutional_contact import InstitutionalContactFacts
from app.policies.network import (
    AdHocActionFacts,
    FacilitatorFacts,
    MeetingFacts,
    Member,
    NetworkFacts,
)
from app.policies.organisation_contact import ContactFacts
from app.policies.purpose import (
    CATEGORY_FIELDS,
    CATEGORY_PURPOSE,
    PURPOSES,
    ProcessingRecordFacts,
    derive_regime,
)
from app.policies.reference_impact import ImpactRecordFacts
from app.policies.retention import ContactErasureFacts, ErasureFacts
from app.policies.rules import CATALOGUE, Rule, UnknownRule, rule_by_id
from app.policies.subject_rights import (
    LiftFacts,
    NotificationFacts,
    RectificationFacts,
    RestrictionFacts,
)
from app.policies.transfer import ReferenceUpdateFacts, ShareFacts
from app.policies.transfer_grounds import AdequacyDecision, TransferFacts, TransferInstrument
from app.policies.webhook import WebhookFacts

__all__ = [
    "CATALOGUE",
    "CATEGORY_FIELDS",
    "CATEGORY_PURPOSE",
    "DEPLOYMENT_TRANSITIONS",
    "PURPOSES",
    "RULESET_VERSION",
    "ActionPolicy",
    "Actor",
    "AdHocActionFacts",
    "AdequacyDecision",
    "AuthorityFacts",
    "Basis",
    "ContactErasureFacts",
    "ContactFacts",
    "Decision",
    "DeploymentFacts",
    "DeploymentTransitionFacts",
    "ErasureFacts",
    "FacilitatorFacts",
    "ImpactRecordFacts",
    "InstitutionalContactFacts",
    "LiftFacts",
    "MeetingFacts",
    "Member",
    "NetworkFacts",
    "NotificationFacts",
    "Obligation",
    "OfficerFacts",
    "Participant",
    "ProcessingRecordFacts",
    "RectificationFacts",
    "ReferenceUpdateFacts",
    "Requirement",
    "RestrictionFacts",
    "Rule",
    "ShareFacts",
    "SharedTask",
    "TraceEntry",
    "TransferFacts",
    "TransferInstrument",
    "UnknownAction",
    "UnknownRule",
    "Violation",
    "WebhookFacts",
    "board",
    "board_tally",
    "declared_actions",
    "deny",
    "derive_regime",
    "eu_funding_eligible",
    "evaluate",
    "policy_of",
    "policy_version",
    "rule_by_id",
    "transition_allowed",
]

# Readmission cooperation (Visa Code Art. 25a): imported for its declarations.
# A witness's cosignature of an audit checkpoint: imported for its declaration.
from app.policies import audit_witness as _audit_witness  # noqa: F401
from app.policies import transfer_follow_up as _transfer_follow_up  # noqa: F401
