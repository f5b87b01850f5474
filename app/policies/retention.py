"""Erasure of personal data: Art. 10(2) of Regulation (EU) 2019/1240 ("erased when no longer
necessary"), and the storage limitation of the ILO contact list (Art. 9(2)(d), 9(3))."""

from dataclasses import dataclass
from datetime import date

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome, RuleResult, failed, passed
from app.policies.rules import GDPR_18, ILO_9_3, ILO_10_2
from app.policies.subject_rights import kept_from_sweep
from app.policies.vocabulary import Role, Scope

# The controller erases early when the data are no longer necessary: the record's ILO, its DPO,
# or its integration; expired data are erased by ILONet itself.
ERASES_EARLY = Requirement(
    roles=frozenset({Role.dpo}), officer_roles=frozenset({Role.ilo}), scope=Scope.processing_write
)
SWEEP = Requirement(system=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ErasureFacts:
    actor: Actor
    controller_org: str
    record_officer_id: str
    retain_until: date
    today: date
    restriction: str | None = None  # GDPR-18: the Art. 18(1) ground, while restricted


def check_restriction_kept(restriction: str | None) -> list[RuleResult]:
    """GDPR-18(1)(b)/(c): the subject opposed erasure or needs the data for legal claims, so the
    record is kept (only stored) while the restriction lasts."""
    if not kept_from_sweep(restriction):
        return []
    return [
        failed(
            GDPR_18,
            f"the record is restricted under Art. 18(1)({restriction}): it is kept, not "
            "erased, while the restriction lasts",
        )
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactErasureFacts:
    actor: Actor
    officer_id: str
    deployments_in_force: int
    last_deployment_ended_on: date | None
    retention_days: int
    today: date


def decide_erasure(facts: ErasureFacts) -> Outcome:
    """ILO-10.2: before retain_until has passed, the controller erases a record early when it is
    no longer necessary — the record's ILO, the controller's DPO, or its integration with
    processing:write (ACL-ROLE, ACL-ORG)."""
    expired = facts.retain_until < facts.today
    note = "retention ended" if expired else "early erasure: no longer necessary"
    return Outcome(
        results=[
            require_org(facts.actor, ("controller", facts.controller_org)),
            passed(ILO_10_2, note),
            *check_restriction_kept(facts.restriction),
        ]
    )


PROCESSING_RECORD_ERASE = declare(
    "processing_record.erase",
    ErasureFacts,
    requires=ERASES_EARLY,
    officer=lambda f: f.record_officer_id,
    rules=decide_erasure,
    emits=("processing_record.erased",),
)


def decide_expiry(facts: ErasureFacts) -> Outcome:
    """ILO-10.2: the retention sweep erases a record once its retain_until has passed."""
    if facts.retain_until < facts.today:
        return Outcome(
            results=[
                passed(ILO_10_2, f"retention ended {facts.retain_until}"),
                *check_restriction_kept(facts.restriction),
            ]
        )
    return Outcome(
        results=[
            failed(
                ILO_10_2,
                f"retain_until {facts.retain_until} has not passed on {facts.today}: "
                "the sweep erases expired records only",
            )
        ]
    )


PROCESSING_RECORD_EXPIRE = declare(
    "processing_record.expire",
    ErasureFacts,
    requires=SWEEP,
    rules=decide_expiry,
    emits=("processing_record.erased",),
)


def decide_contact_erasure(facts: ContactErasureFacts) -> Outcome:
    """ILO-9.3: the contact list of Art. 9(2)(d) is of deployed ILOs; an officer's contact
    details are erased a set time after their last deployment ended (storage limitation)."""
    problems = []
    if facts.deployments_in_force:
        problems.append(f"officer {facts.officer_id} still has a planned or active deployment")
    if facts.last_deployment_ended_on is None:
        problems.append(f"officer {facts.officer_id} has no ended deployment")
    elif (facts.today - facts.last_deployment_ended_on).days <= facts.retention_days:
        problems.append(
            f"the last deployment ended {facts.last_deployment_ended_on}, within "
            f"{facts.retention_days} days of {facts.today}"
        )
    if problems:
        return Outcome(results=[failed(ILO_9_3, "; ".join(problems))])
    return Outcome(results=[passed(ILO_9_3, "no longer on the contact list")])


OFFICER_CONTACT_ERASE = declare(
    "officer.contact_erase",
    ContactErasureFacts,
    requires=SWEEP,
    rules=decide_contact_erasure,
    emits=("officer.contact_erased",),
)
