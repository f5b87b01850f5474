"""The ORM entities, one module each.

Their modules are written without `from __future__ import annotations`: SQLAlchemy then takes
each `Mapped[...]` annotation as the object Python made of it where the class is declared,
instead of compiling and evaluating its text (~950 evaluations, at every start).
"""

from app.models.audit_event import AuditCheckpoint, AuditEvent, AuditSeal
from app.models.audit_tree import AuditCosignature, AuditSignedCheckpoint, AuditTreeNode
from app.models.authority import Authority
from app.models.base import Base
from app.models.board import (
    BoardActivityReport,
    BoardDecision,
    BoardDecisionForwarding,
    BoardMeeting,
    BoardRulesOfProcedure,
    BoardSeat,
    BoardWorkProgramme,
)
from app.models.deployment import Deployment, DeploymentHistory
from app.models.document import Document, DocumentVersion
from app.models.idempotency_key import IdempotencyKey
from app.models.institutional_contact import InstitutionalContact
from app.models.network import AdHocAction, Network, NetworkFacilitator, NetworkMeeting
from app.models.officer import Officer
from app.models.organisation import Organisation, OrganisationContact
from app.models.outbox_event import OutboxEvent
from app.models.processing_record import ProcessingRecord
from app.models.recipient_notification import RecipientNotification
from app.models.reference_data import AdequacyDecisionEntry, TransferInstrumentEntry
from app.models.reference_impact import ReferenceImpact
from app.models.share import Share
from app.models.transfer import Transfer
from app.models.transfer_flow import TransferFlow
from app.models.transfer_follow_up import TransferFollowUp
from app.models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "AdHocAction",
    "AdequacyDecisionEntry",
    "AuditCheckpoint",
    "AuditCosignature",
    "AuditEvent",
    "AuditSeal",
    "AuditSignedCheckpoint",
    "AuditTreeNode",
    "Authority",
    "Base",
    "BoardActivityReport",
    "BoardDecision",
    "BoardDecisionForwarding",
    "BoardMeeting",
    "BoardRulesOfProcedure",
    "BoardSeat",
    "BoardWorkProgramme",
    "Deployment",
    "DeploymentHistory",
    "Document",
    "DocumentVersion",
    "IdempotencyKey",
    "InstitutionalContact",
    "Network",
    "NetworkFacilitator",
    "NetworkMeeting",
    "Officer",
    "Organisation",
    "OrganisationContact",
    "OutboxEvent",
    "ProcessingRecord",
    "RecipientNotification",
    "ReferenceImpact",
    "Share",
    "Transfer",
    "TransferFlow",
    "TransferFollowUp",
    "TransferInstrumentEntry",
    "WebhookDelivery",
    "WebhookSubscription",
]
