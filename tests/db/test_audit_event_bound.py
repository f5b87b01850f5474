"""An audit event's canonical JSON is bounded where events are made, so every leaf the API
serves stays within the EVENT_LEAF_MAX its schema states (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.bounds import EVENT_BODY_MAX, EVENT_LEAF_MAX
from app.db import audit_chain
from app.db.audit import AuditEventTooLarge, canonical, event_values
from app.models import AuditEvent
from app.schemas.audit_proof import BundleEvent


def values_of_size(size: int) -> dict[str, Any]:
    """Event values whose canonical JSON (without id and time) is exactly `size` bytes."""
    base: dict[str, Any] = {
        "actor": {"sub": "officer-1", "org": "NL", "role": "ilo"},
        "organisation": "NL",
        "action": "deployment.plan",
        "outcome": "allowed",
        "resource_type": "deployment",
        "resource_id": "x" * 64,
        "request_id": "r" * 64,
        "details": {"note": ""},
    }
    short = len(audit_chain.encode(event_values(**base)))
    base["details"] = {"note": "é" * ((size - short) // 6) + "a" * ((size - short) % 6)}
    return base


def test_an_event_at_the_bound_is_made_and_one_byte_more_is_refused() -> None:
    made = event_values(**values_of_size(EVENT_BODY_MAX))
    assert len(audit_chain.encode(made)) == EVENT_BODY_MAX  # é escapes to six bytes: counted
    with pytest.raises(AuditEventTooLarge, match=f"{EVENT_BODY_MAX + 1} bytes"):
        event_values(**values_of_size(EVENT_BODY_MAX + 1))


def test_the_longest_event_the_database_can_number_fills_its_leaf_exactly() -> None:
    event = AuditEvent(
        **event_values(**values_of_size(EVENT_BODY_MAX)),
        id=2**63 - 1,
        occurred_at=datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    )
    leaf = canonical(event).decode()
    assert len(leaf) == EVENT_LEAF_MAX
    assert BundleEvent(leaf=leaf, index=0, tree_size=1, proof=[]).leaf == leaf
    with pytest.raises(ValueError, match="at most 12362 characters"):
        BundleEvent(leaf=leaf + " ", index=0, tree_size=1, proof=[])
