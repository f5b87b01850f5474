"""ACL-CLAIM at the edge: a verified token's claims held against the data they name.

`authenticate` (app/security.py) calls `bind_claims` once per set of claims. The data are
looked up through the `ClaimCheck` that `create_app` puts on `app.state.claim_check`
(app/db/principal_binding.py), so the HTTP layer imports no storage.
"""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import Request

from app.problems import Unauthenticated


class Claimant(Protocol):
    """The claims of a verified token (app/security.py's Principal)."""

    @property
    def org(self) -> str: ...

    @property
    def roles(self) -> frozenset[str]: ...

    @property
    def officer_id(self) -> str | None: ...

    def audit_actor(self) -> dict[str, object]: ...


class ClaimCheck(Protocol):
    """What is untrue of a token's claims, and the record of a refusal."""

    async def untrue(
        self, maker: Any, *, org: str, roles: frozenset[str], officer_id: str | None
    ) -> list[str]: ...

    async def record_refusal(
        self,
        maker: Any,
        *,
        actor: dict[str, Any],
        org: str,
        problems: list[str],
        request_id: str | None,
        method: str,
        route: str,
    ) -> None: ...


async def bind_claims(request: Request, claimant: Claimant) -> None:
    """The token's organisation, roles and officer are true of the network's data (the role
    table, app/policies/roles.py), or the token is refused (401) and the refusal audited."""
    check: ClaimCheck = request.app.state.claim_check
    problems = await check.untrue(
        request.app.state.sessionmaker,
        org=claimant.org,
        roles=claimant.roles,
        officer_id=claimant.officer_id,
    )
    if problems:
        await audit_refusal(request, claimant, problems)
        raise Unauthenticated(
            "The token claims what is not true of its organisation (ACL-CLAIM, docs/ROLES.md): "
            + "; ".join(problems)
            + "."
        )


async def audit_refusal(request: Request, claimant: Claimant, problems: list[str]) -> None:
    """A signed token with untrue claims is an attempt on another organisation: on record."""
    check: ClaimCheck = request.app.state.claim_check
    route = request.scope.get("route")
    await check.record_refusal(
        request.app.state.sessionmaker,
        actor=claimant.audit_actor(),
        org=claimant.org,
        problems=problems,
        request_id=getattr(request.state, "request_id", None),
        method=request.method,
        route=getattr(route, "path", request.url.path),
    )
