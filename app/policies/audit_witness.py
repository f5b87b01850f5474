"""Who may post a witness's cosignature of an audit checkpoint, and when it counts: AUDIT-W1.

A witness is an organisation other than the log's operator (the Commission maintains the
platform, Art. 9(1)) running an integration client with the `audit:witness` scope. The loader
checks the signatures (app/services/audit_cosign.py) and hands this rule the facts as booleans.
"""

from dataclasses import dataclass

from app.policies.acl import Actor, Requirement
from app.policies.actions import declare
from app.policies.engine import Outcome, check
from app.policies.roles import COMMISSION
from app.policies.rules import AUDIT_W1
from app.policies.vocabulary import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class CosignatureFacts:
    actor: Actor
    operator: str = COMMISSION
    key_registered: bool  # the note carries a signature by a key registered for actor.org
    checkpoint_signed: bool  # the note's body is a checkpoint ILONet signed (same size, root)
    cosignature_verifies: bool  # a cosignature/v1 of that key verifies over the body


WITNESSES = Requirement(scope=Scope.audit_witness)


def decide_audit_checkpoint_cosign(facts: CosignatureFacts) -> Outcome:
    """AUDIT-W1: another organisation's witness cosigns a checkpoint ILONet signed, with its
    registered key."""
    problems = []
    if facts.actor.org == facts.operator:
        problems.append(f"{facts.operator} operates the log and cannot witness it")
    if not facts.key_registered:
        problems.append(
            f"the note carries no signature by a witness key registered for {facts.actor.org}"
        )
    if not facts.checkpoint_signed:
        problems.append("the note's checkpoint is not one ILONet signed")
    if facts.key_registered and not facts.cosignature_verifies:
        problems.append("the witness's cosignature does not verify over the checkpoint")
    return Outcome(results=[check(AUDIT_W1, problems)])


AUDIT_CHECKPOINT_COSIGN = declare(
    "audit_checkpoint.cosign",
    CosignatureFacts,
    requires=WITNESSES,
    rules=decide_audit_checkpoint_cosign,
    emits=("audit_checkpoint.cosigned",),
)
