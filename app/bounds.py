"""The bounds of what the server writes itself rather than reads from a column (a rule's reason,
a problem's detail, a report's title or note, a decision's trace): each text cut to its length
and each list to its first items when a model is made of it, so that what a client receives
never breaks the schema it states (the OpenAPI document shows the bounds); and the bounds of
the audit log's keys, signed notes and events, enforced where they are made (settings, a
cosignature, an audit event)."""

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

# The public origin of the service (ILONET_PUBLIC_URL: scheme, host and port), which absolute
# links start with.
PUBLIC_ORIGIN_MAX = 200

# The audit log's keys and notes (C2SP signed notes, app/db/audit_note.py): a key's name (the
# log's origin, a witness's name) is at most KEY_NAME_MAX characters, so a key's text is of a
# known length (settings refuse a longer one at start): "<name>+<8 hex id>+<44 base64>", with
# "PRIVATE+KEY+" before it for a signing key. The log signs with at most LOG_KEYS_MAX keys, and
# a checkpoint carries at most COSIGNATURES_MAX witness cosignatures (a further one is a 409).
KEY_NAME_MAX = 200
VERIFIER_KEY_MAX = KEY_NAME_MAX + 1 + 8 + 1 + 44
SIGNER_KEY_MAX = len("PRIVATE+KEY+") + VERIFIER_KEY_MAX
LOG_KEYS_MAX = 4
COSIGNATURES_MAX = 64
# "<origin>\n<size: at most 19 digits>\n<base64 root: 44>\n"
CHECKPOINT_BODY_MAX = KEY_NAME_MAX + 1 + 19 + 1 + 44 + 1
# "— <name> <base64 of the key id and the signature>\n": 4 + 64 bytes for the log's signature,
# 4 + 8 + 64 bytes for a cosignature (its time first)
LOG_SIGNATURE_LINE_MAX = 2 + KEY_NAME_MAX + 1 + 92 + 1
COSIGNATURE_LINE_MAX = 2 + KEY_NAME_MAX + 1 + 104 + 1
# A checkpoint as the log signs it (a blank line between the body and the signatures), and the
# same with its witnesses' cosignatures.
LOG_NOTE_MAX = CHECKPOINT_BODY_MAX + 1 + LOG_KEYS_MAX * LOG_SIGNATURE_LINE_MAX
COSIGNED_NOTE_MAX = LOG_NOTE_MAX + COSIGNATURES_MAX * COSIGNATURE_LINE_MAX

# An audit event as its canonical JSON (what its seal covers and its leaf is, app/db/audit_chain.py)
# without the id and time the database gives it: refused past EVENT_BODY_MAX where events are made
# (app/db/audit.py event_values), so no leaf exceeds EVENT_LEAF_MAX. With them it gains
# '"id":<at most 19 digits>,' and '"occurred_at":"<32 characters>",'.
EVENT_BODY_MAX = 12_288
EVENT_LEAF_MAX = EVENT_BODY_MAX + len('"id":,"occurred_at":"",') + 19 + 32
EventLeaf = Annotated[str, StringConstraints(max_length=EVENT_LEAF_MAX)]
