"""Moved to app.policies.vocabulary: this re-export of the old names goes once app/routers import
the vocabularies from there."""

from app.policies.vocabulary import (
    AuthorityKind,
    DataCategory,
    DeploymentStatus,
    InformationTopic,
    PostingType,
    ProtectionStatus,
    Purpose,
    Regime,
    TransferBasis,
)

__all__ = [
    "AuthorityKind",
    "DataCategory",
    "DeploymentStatus",
    "InformationTopic",
    "PostingType",
    "ProtectionStatus",
    "Purpose",
    "Regime",
    "TransferBasis",
]
