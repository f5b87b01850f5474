"""The bounds of what the server writes itself rather than reads from a column (a rule's reason,
a problem's detail, a report's title or note, a decision's trace): each text cut to its length
and each list to its first items when a model is made of it, so that what a client receives
never breaks the schema it states (the OpenAPI document shows the bounds)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints


def cut_text(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda value: value[:limit] if isinstance(value, str) else value)


def first_items(limit: int) -> BeforeValidator:
    return BeforeValidator(
        lambda value: list(value)[:limit] if isinstance(value, list | tuple) else value
    )


MESSAGE_MAX = 2000
LABEL_MAX = 200
Message = Annotated[str, cut_text(MESSAGE_MAX), StringConstraints(max_length=MESSAGE_MAX)]
Label = Annotated[str, cut_text(LABEL_MAX), StringConstraints(max_length=LABEL_MAX)]
# A list the server makes itself (a rule's reasons, a decision's trace): its first 100 items.
LIST_MAX = 100
Messages = Annotated[list[Message], first_items(LIST_MAX), Field(max_length=LIST_MAX)]
# A rule id of the catalogue, as the audit trail stores it (String(32)).
RuleId = Annotated[str, StringConstraints(max_length=32)]
RuleIds = Annotated[list[RuleId], first_items(LIST_MAX), Field(max_length=LIST_MAX)]
Labels = Annotated[list[Label], first_items(LIST_MAX), Field(max_length=LIST_MAX)]
