"""The Action and webhook event vocabularies, derived from the declared actions.

Each guarded action is declared once in its area module (app/policies/actions.py `declare`);
this module imports every module of the package first, so these enums list exactly what is
declared, whatever was imported before, with the wire values clients and webhook subscriptions
use. tests/test_openapi_vocabulary.py holds them
to the published OpenAPI document.
"""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum

import app.policies
from app.policies.actions import declared_policies

for _module in pkgutil.walk_packages(app.policies.__path__, f"{app.policies.__name__}."):
    importlib.import_module(_module.name)


def _member(value: str) -> str:
    return value.replace(".", "_")


# mypy cannot see members built from data; both are used as types and by value only.
Action = StrEnum(  # type: ignore[misc]
    "Action", {_member(p.name): p.name for p in declared_policies()}
)
Action.__doc__ = "Every guarded action (declared in app/policies, performed by its entry)."

WebhookEventType = StrEnum(  # type: ignore[misc]
    "WebhookEventType",
    {
        _member(event): event
        for event in sorted({e for p in declared_policies() if p.feed for e in p.events})
    },
)
WebhookEventType.__doc__ = (
    "The change-feed event types a subscription may ask for (audit-only actions are not)."
)
