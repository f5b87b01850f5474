"""The policy each /v1 route answers to, stated on the route (and shown in OpenAPI as
`x-ilonet-action` / `x-ilonet-reads`): a write names its guarded action of the registry, a read
the read policy of its resource kind. tests/test_route_policies.py holds every route to it."""

from __future__ import annotations

from typing import Any, Protocol

ACTION = "x-ilonet-action"
READS = "x-ilonet-reads"
# A batch route performs its action once per item (each item decided and written like the
# single route's request); the route matrix plays it item by item (tests/route_matrix.py).
BATCH = "x-ilonet-batch"


class Named(Protocol):
    @property
    def name(self) -> str: ...


def guarded(action: Named, *, batch: bool = False) -> dict[str, Any]:
    """A write route: it performs this guarded action's entry (app/services/guarded.py);
    `batch`: once per item of its body."""
    return {ACTION: action.name, BATCH: True} if batch else {ACTION: action.name}


def reads(kind: str) -> dict[str, Any]:
    """A read route: it shows rows of this kind under its read policy (policies/visibility)."""
    return {READS: kind}
