"""The closed vocabularies of the API (API.md "Vocabularies" and the enums of the OpenAPI
document), one StrEnum each, one module per area; every name is re-exported here, so a
vocabulary is imported from `app.policies.vocabulary` whatever its area.

The policies compare facts against these and the Pydantic schemas type their fields with them
(a field the document shows as an inline enum stays a Literal, so that the document keeps its
shape); tests/test_openapi_vocabulary.py checks that every enum of the OpenAPI document is
exactly one of them. Values are the wire values; a member's name is its value where that is a
Python identifier. The enums that are OpenAPI components carry comments, not docstrings: a
docstring would become the component's description in the document.
"""

from app.policies.vocabulary.access import Role, Scope, TraceResult
from app.policies.vocabulary.api import (
    BatchMode,
    BatchOutcome,
    ContentEncoding,
    LogFormat,
    RopaFormat,
    StatisticsFormat,
    StatisticsScope,
)
from app.policies.vocabulary.board import (
    BoardSeatRole,
    BoardVote,
    CoverageStatus,
    DecisionOutcome,
    VoteMode,
)
from app.policies.vocabulary.deployment import (
    DeploymentStatus,
    InformationTopic,
    PostingType,
    TransitionTarget,
)
from app.policies.vocabulary.document import DocumentAudience, DocumentCategory, HandlingMarking
from app.policies.vocabulary.network import (
    AdHocActionStatus,
    FacilitatorBasis,
    NetworkKind,
    NetworkTask,
)
from app.policies.vocabulary.organisation import AuthorityKind, OrganisationKind
from app.policies.vocabulary.processing import (
    DataCategory,
    DataSubjectCategory,
    ErasureReason,
    ProtectionStatus,
    Purpose,
    Regime,
    Sex,
    SubjectRole,
)
from app.policies.vocabulary.statistics import StatisticsSectionName, WithheldReason
from app.policies.vocabulary.subject_rights import (
    ExchangeKind,
    LogUse,
    NotificationCause,
    RestrictedUse,
    RestrictionGround,
)
from app.policies.vocabulary.transfer import (
    IdentificationOutcome,
    InstrumentKind,
    RecipientType,
    ReferenceChangeKind,
    ReferenceKind,
    ShareRecipientKind,
    SpecificSituation,
    TransferBasis,
)
from app.policies.vocabulary.webhook import WebhookDeliveryStatus

__all__ = [
    "AdHocActionStatus",
    "AuthorityKind",
    "BatchMode",
    "BatchOutcome",
    "BoardSeatRole",
    "BoardVote",
    "ContentEncoding",
    "CoverageStatus",
    "DataCategory",
    "DataSubjectCategory",
    "DecisionOutcome",
    "DeploymentStatus",
    "DocumentAudience",
    "DocumentCategory",
    "ErasureReason",
    "ExchangeKind",
    "FacilitatorBasis",
    "HandlingMarking",
    "IdentificationOutcome",
    "InformationTopic",
    "InstrumentKind",
    "LogFormat",
    "LogUse",
    "NetworkKind",
    "NetworkTask",
    "NotificationCause",
    "OrganisationKind",
    "PostingType",
    "ProtectionStatus",
    "Purpose",
    "RecipientType",
    "ReferenceChangeKind",
    "ReferenceKind",
    "Regime",
    "RestrictedUse",
    "RestrictionGround",
    "Role",
    "RopaFormat",
    "Scope",
    "Sex",
    "ShareRecipientKind",
    "SpecificSituation",
    "StatisticsFormat",
    "StatisticsScope",
    "StatisticsSectionName",
    "SubjectRole",
    "TraceResult",
    "TransferBasis",
    "TransitionTarget",
    "VoteMode",
    "WebhookDeliveryStatus",
    "WithheldReason",
]
