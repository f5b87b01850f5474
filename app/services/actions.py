"""The action registry: every guarded action, declared once.

Each entry (app/services/guarded.py `Action`) names its resource, its request body, what it acts
on, how its facts are loaded and the events it emits; its requirement (ACL-ROLE as data) and its
rules are the pure declaration of the same name in app/policies. The real write and the dry run
both load facts through the entry and decide through the Writer, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.policies import declared_actions
from app.services import (
    ad_hoc_action,
    authority,
    board,
    board_decision,
    board_report,
    deployment,
    network,
    network_facilitator,
    network_meeting,
    officer,
    organisation_contact,
    processing_record,
    processing_record_erasure,
    processing_record_rights,
    recipient_notification,
    reference_data,
    reference_impact_detected,
    retention_sweep,
    share,
    transfer,
    transfer_follow_up,
    webhook,
    webhook_recovery,
    webhook_rotation,
)
from app.services import document as document_upload
from app.services.guarded import Action

_ENTRIES: tuple[Action, ...] = (
    authority.CREATE,
    officer.CREATE,
    officer.UPDATE,
    retention_sweep.CONTACT_ERASE,
    deployment.PLAN,
    deployment.AMEND,
    deployment.TRANSITION,
    processing_record.CREATE,
    processing_record_erasure.ERASE,
    processing_record_erasure.EXPIRE,
    transfer.RECORD,
    share.RECORD,
    reference_data.CREATE_ADEQUACY,
    reference_data.REPLACE_ADEQUACY,
    reference_data.CREATE_INSTRUMENT,
    reference_data.REPLACE_INSTRUMENT,
    webhook.CREATE,
    webhook.DELETE,
    network.CREATE,
    network.UPDATE,
    network_facilitator.DESIGNATE,
    network_meeting.RECORD,
    ad_hoc_action.ASSIGN,
    ad_hoc_action.UPDATE,
    board.APPOINT,
    board.END,
    board.ADOPT_RULES,
    board_decision.RECORD_MEETING,
    board_decision.RECORD_DECISION,
    board_decision.FORWARD,
    board_report.ADOPT_PROGRAMME,
    board_report.GENERATE_REPORT,
    transfer_follow_up.RECORD,
    transfer_follow_up.UPDATE,
    processing_record_rights.RECTIFY,
    processing_record_rights.RESTRICT,
    processing_record_rights.LIFT,
    recipient_notification.COMPLETE,
    reference_impact_detected.RECORD,
    document_upload.UPLOAD,
    document_upload.ADD_VERSION,
    webhook_rotation.ROTATE,
    webhook_recovery.ENABLE,
    webhook_recovery.REDELIVER,
    organisation_contact.REPLACE_CONTACTS,
)

REGISTRY: Mapping[str, Action] = MappingProxyType({a.name: a for a in _ENTRIES})

if len(REGISTRY) != len(_ENTRIES) or set(REGISTRY) != set(declared_actions()):
    raise RuntimeError(
        "every action declared in app/policies needs exactly one registry entry: "
        f"missing {sorted(set(declared_actions()) - set(REGISTRY))}, "
        f"undeclared {sorted(set(REGISTRY) - set(declared_actions()))}"
    )
