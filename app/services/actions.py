"""The action registry: every guarded action's entry, by name.

An entry (app/services/guarded.py `Action`) registers itself where it is declared; this module
imports every service module that declares one, and checks that each action declared in
app/policies has exactly one entry.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.policies import declared_actions
from app.services import (  # noqa: F401  (importing a module registers its entries)
    ad_hoc_action,
    audit_cosign,
    authority,
    board,
    board_decision,
    board_report,
    deployment,
    document,
    institutional_contact,
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
from app.services.guarded import ENTRIES, Action

REGISTRY: Mapping[str, Action] = ENTRIES

if set(REGISTRY) != set(declared_actions()):
    raise RuntimeError(
        "every action declared in app/policies needs exactly one entry: "
        f"missing {sorted(set(declared_actions()) - set(REGISTRY))}, "
        f"undeclared {sorted(set(REGISTRY) - set(declared_actions()))}"
    )
