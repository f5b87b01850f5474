"""The policy each /v1 route answers to, stated on the route (and shown in OpenAPI as
`x-ilonet-action` / `x-ilonet-reads`): a write names its guarded action of the registry, a read
the read policy of its resource kind. tests/test_route_policies.py holds every route to it."""

from __future__ import annotations

from typing import Any

ACTION = "x-ilonet-action"
READS = "x-ilonet-reads"


def guarded(action: str) -> dict[str, Any]:
    """A write route: it performs this guarded action (app/services/actions.py)."""
    return {ACTION: action}


def reads(kind: str) -> dict[str, Any]:
    """A read route: it shows rows of this kind under its read policy (policies/visibility)."""
    return {READS: kind}
