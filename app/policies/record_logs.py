"""LED Art. 25(2) and (3): what the logs of processing may be used for, and their export for the
supervisory authority. A read of the audit trail names its use (LED-25.2); the controller's DPO
exports a record's logs (LED-25.3). Pure: the services bring the caller and the record."""

from __future__ import annotations

from app.policies.acl import Actor
from app.policies.engine import Decision, Outcome, decide, failed, passed
from app.policies.rules import ACL_ORG, ACL_ROLE, LED_25_2, LED_25_3
from app.policies.vocabulary import LogUse, Role

LOG_USES = frozenset(u.value for u in LogUse)
READ_ACTION = "audit.read"
EXPORT_ACTION = "record_log.export"


def decide_log_read(use: str | None) -> Decision:
    """LED-25.2: the logs serve the lawfulness of the processing, self-monitoring, the integrity
    and security of the data, or criminal proceedings; a read names which (`log_use`)."""
    if use in LOG_USES:
        result = passed(LED_25_2, f"log_use {use}")
    else:
        result = failed(
            LED_25_2,
            "a read of the logs names its use (Directive (EU) 2016/680, Art. 25(2)): give "
            f"?log_use=, one of {', '.join(sorted(LOG_USES))}",
        )
    return decide(READ_ACTION, Outcome(results=[result]))


def decide_log_export(actor: Actor, organisation: str) -> Decision:
    """LED-25.3: the controller's DPO makes a record's logs available to the supervisory
    authority (ACL-ROLE: a DPO; ACL-ORG: of the record's organisation)."""
    outcome = Outcome()
    if not actor.has_role(Role.dpo):
        outcome.add(failed(ACL_ROLE, "exporting a record's logs needs role dpo"))
    elif actor.org != organisation:
        outcome.add(
            failed(ACL_ORG, f"a DPO of {actor.org} exports only its own organisation's logs")
        )
    else:
        outcome.add(passed(ACL_ROLE, "dpo"), passed(ACL_ORG, organisation))
    outcome.add(passed(LED_25_3, "made available to the supervisory authority"))
    return decide(EXPORT_ACTION, outcome)
