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
    authority,
    deployment,
    officer,
    processing_record,
    processing_record_erasure,
    reference_data,
    retention_sweep,
    share,
    transfer,
    webhook,
    webhook_recovery,
    webhook_rotation,
)
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
    webhook_rotation.ROTATE,
    webhook_recovery.ENABLE,
    webhook_recovery.REDELIVER,
)

REGISTRY: Mapping[str, Action] = MappingProxyType({a.name: a for a in _ENTRIES})

if len(REGISTRY) != len(_ENTRIES) or set(REGISTRY) != set(declared_actions()):
    raise RuntimeError(
        "every action declared in app/policies needs exactly one registry entry: "
        f"missing {sorted(set(declared_actions()) - set(REGISTRY))}, "
        f"undeclared {sorted(set(REGISTRY) - set(declared_actions()))}"
    )
