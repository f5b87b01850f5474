"""The ORM entities, one module each."""

from app.models.audit_event import AuditCheckpoint, AuditEvent, AuditSeal
from app.models.authority import Authority
from app.models.base import Base
from app.models.deployment import Deployment, DeploymentHistory
from app.models.idempotency_key import IdempotencyKey
from app.models.officer import Officer
from app.models.organisation import Organisation
from app.models.outbox_event import OutboxEvent
from app.models.processing_record import ProcessingRecord
from app.models.reference_data import AdequacyDecisionEntry, TransferInstrumentEntry
from app.models.share import Share
from app.models.transfer import Transfer
from app.models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "AdequacyDecisionEntry",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditSeal",
    "Authority",
    "Base",
    "Deployment",
    "DeploymentHistory",
    "IdempotencyKey",
    "Officer",
    "Organisation",
    "OutboxEvent",
    "ProcessingRecord",
    "Share",
    "Transfer",
    "TransferInstrumentEntry",
    "WebhookDelivery",
    "WebhookSubscription",
]
