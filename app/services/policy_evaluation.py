"""POST /v1/policy/evaluate: what a real write would decide, with nothing stored.

A generic loop over the action registry: the body is parsed as the action's route parses it,
the facts are loaded by the action's own loader, and the Writer decides as it does for the write.
What would stop the write without being law (a 409 state conflict, a 412 stale `if_match`) is
reported beside the Decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from app.config import Settings
from app.db.writer import Writer
from app.keyring import Keyring
from app.policies import Decision
from app.problems import Problem, ValidationFailed
from app.schemas.policy import EvaluateIn
from app.services import access
from app.services.actions import REGISTRY
from app.services.guarded import Action, Context


@dataclass(frozen=True, slots=True)
class DryRun:
    decision: Decision
    conflicts: tuple[Problem, ...]


def _parse(action: Action, body: dict[str, Any]) -> Any:
    try:
        return action.body.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                {
                    "pointer": "/body/" + "/".join(str(p) for p in err["loc"]),
                    "in": "body",
                    "detail": err["msg"],
                }
                for err in exc.errors()
            ]
        ) from exc


async def dry_run(
    *, writer: Writer, keyring: Keyring, settings: Settings, request: EvaluateIn
) -> DryRun:
    """The Decision and the conflicts for `request.action`; a target the caller cannot see is a
    404, as on the write. The Writer is used only to audit purpose-bound reads (NR-1 facts)."""
    access.visibility(writer.principal, "policy")
    action = REGISTRY[request.action]
    target = action.parse_target(request.target_id)
    body = _parse(action, request.body)
    context = Context(writer, settings, keyring, if_match=request.if_match)
    decision, conflicts = await writer.dry_run(action, context, target, body)
    return DryRun(decision, conflicts)
