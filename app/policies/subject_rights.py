"""Data-subject rights on a processing record: rectification (GDPR-16), restriction (GDPR-18)
and the exchange of restricted data (GDPR-18.2), the communication to recipients (GDPR-19) and
the record of processing activities (GDPR-30.1). The regime of the record says which law's
article applies (EUDPR, LED equivalents)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import (
    Obligation,
    Outcome,
    RuleResult,
    check,
    failed,
    not_applicable,
    passed,
)
from app.policies.purpose import check_fields
from app.policies.rules import GDPR_16, GDPR_18, GDPR_18_2, GDPR_19, GDPR_30_1, LED_25
from app.policies.vocabulary import Regime, RestrictedUse, RestrictionGround, Role, Scope

RESTRICTION_GROUNDS = frozenset(RestrictionGround)
RESTRICTED_USES = frozenset(RestrictedUse)
# 18(1)(b) the subject opposes erasure of unlawful data; (c) the subject needs them for legal
# claims: erasing them would defeat the restriction.
KEPT_FROM_SWEEP = frozenset(
    {RestrictionGround.b_unlawful_erasure_opposed, RestrictionGround.c_needed_for_legal_claims}
)
# The article of each right under the record's regime.
ARTICLES: Mapping[str, Mapping[str, str]] = {
    Regime.gdpr: {
        "rectification": "Regulation (EU) 2016/679, Art. 16",
        "restriction": "Regulation (EU) 2016/679, Art. 18",
        "notification": "Regulation (EU) 2016/679, Art. 19",
        "ropa": "Regulation (EU) 2016/679, Art. 30(1)",
    },
    Regime.eudpr: {
        "rectification": "Regulation (EU) 2018/1725, Art. 18",
        "restriction": "Regulation (EU) 2018/1725, Art. 20",
        "notification": "Regulation (EU) 2018/1725, Art. 21",
        "ropa": "Regulation (EU) 2018/1725, Art. 31(1)",
    },
    Regime.led: {
        "rectification": "Directive (EU) 2016/680, Art. 16(1)",
        "restriction": "Directive (EU) 2016/680, Art. 16(3)",
        "notification": "Directive (EU) 2016/680, Art. 16(6)",
        "ropa": "Directive (EU) 2016/680, Art. 24(1)",
    },
}

# The controller acts on its record: the record's ILO, its DPO, or its integration.
CONTROLLER_ACTS = Requirement(
    roles=frozenset({Role.dpo}), officer_roles=frozenset({Role.ilo}), scope=Scope.processing_write
)


def article(regime: str, right: str) -> str:
    return ARTICLES.get(regime, ARTICLES[Regime.gdpr])[right]


@dataclass(frozen=True, slots=True, kw_only=True)
class RectificationFacts:
    actor: Actor
    controller_org: str
    record_officer_id: str
    regime: str
    data_categories: tuple[str, ...]
    fields_rectified: frozenset[str]
    subject_fields: frozenset[str]  # after the rectification


@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictionFacts:
    actor: Actor
    controller_org: str
    record_officer_id: str
    regime: str
    ground: str  # a RestrictionGround, Art. 18(1)(a)-(d)


@dataclass(frozen=True, slots=True, kw_only=True)
class LiftFacts:
    actor: Actor
    controller_org: str
    record_officer_id: str
    regime: str
    subject_informed_on: date | None
    today: date


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationFacts:
    actor: Actor
    controller_org: str
    record_officer_id: str
    regime: str


def decide_rectification(facts: RectificationFacts) -> Outcome:
    """GDPR-16 (EUDPR Art. 18, LED Art. 16(1)): the controller rectifies named fields; the
    result still holds only fields of the record's categories (ILO-10.3f)."""
    problems = [] if facts.fields_rectified else ["name at least one field to rectify"]
    return Outcome(
        results=[
            require_org(facts.actor, ("controller", facts.controller_org)),
            check(GDPR_16, problems, note=article(facts.regime, "rectification")),
            check_fields(facts.data_categories, facts.subject_fields),
        ]
    )


PROCESSING_RECORD_RECTIFY = declare(
    "processing_record.rectify",
    RectificationFacts,
    requires=CONTROLLER_ACTS,
    officer=lambda f: f.record_officer_id,
    rules=decide_rectification,
    emits=("processing_record.rectified",),
)


def decide_restriction(facts: RestrictionFacts) -> Outcome:
    """GDPR-18(1): processing is restricted on one of the grounds (a)-(d)."""
    problems = []
    if facts.ground not in RESTRICTION_GROUNDS:
        problems.append(f"ground {facts.ground!r} is none of Art. 18(1)(a)-(d)")
    return Outcome(
        results=[
            require_org(facts.actor, ("controller", facts.controller_org)),
            check(GDPR_18, problems, note=f"{article(facts.regime, 'restriction')}(1)"),
        ]
    )


PROCESSING_RECORD_RESTRICT = declare(
    "processing_record.restrict",
    RestrictionFacts,
    requires=CONTROLLER_ACTS,
    officer=lambda f: f.record_officer_id,
    rules=decide_restriction,
    emits=("processing_record.restricted",),
)


def decide_lift(facts: LiftFacts) -> Outcome:
    """GDPR-18(3): the data subject who obtained the restriction is informed before it is
    lifted; the controller records when."""
    problems = []
    if facts.subject_informed_on is None:
        problems.append(
            "the data subject must be informed before the restriction is lifted (Art. 18(3)): "
            "give subject_informed_on"
        )
    elif facts.subject_informed_on > facts.today:
        problems.append(f"subject_informed_on {facts.subject_informed_on} is in the future")
    return Outcome(
        results=[
            require_org(facts.actor, ("controller", facts.controller_org)),
            check(GDPR_18, problems, note=f"{article(facts.regime, 'restriction')}(3)"),
        ]
    )


PROCESSING_RECORD_LIFT_RESTRICTION = declare(
    "processing_record.lift_restriction",
    LiftFacts,
    requires=CONTROLLER_ACTS,
    officer=lambda f: f.record_officer_id,
    rules=decide_lift,
    emits=("processing_record.restriction_lifted",),
)


def decide_notification_done(facts: NotificationFacts) -> Outcome:
    """GDPR-19: the controller records that it communicated the change to the recipient."""
    return Outcome(
        results=[
            require_org(facts.actor, ("controller", facts.controller_org)),
            passed(GDPR_19, article(facts.regime, "notification")),
        ]
    )


RECIPIENT_NOTIFICATION_COMPLETE = declare(
    "recipient_notification.complete",
    NotificationFacts,
    requires=CONTROLLER_ACTS,
    officer=lambda f: f.record_officer_id,
    rules=decide_notification_done,
    emits=("recipient_notification.completed",),
)


# Art. 18(2) of the record's regime: where the ground of a restricted exchange is recorded.
_EXCHANGE_ARTICLE: Mapping[str, str] = {
    Regime.gdpr: "Regulation (EU) 2016/679, Art. 18(2)",
    Regime.eudpr: "Regulation (EU) 2018/1725, Art. 20(2)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictedExchange:
    """What GDPR-18.2 looks at: the record's restriction and regime, and the exchange's ground."""

    restriction: str | None  # the Art. 18(1) ground while restricted
    regime: str
    use: str | None  # a RestrictedUse
    law: str | None  # the Union or Member-State law an important public interest rests on
    third_country: bool  # a Chapter V transfer (not a share inside the Union)


def _restricted_exchange_problems(facts: RestrictedExchange) -> list[str]:
    restricted = f"the record is restricted (Art. 18(1)({facts.restriction}))"
    if facts.regime not in _EXCHANGE_ARTICLE:
        return [
            f"{restricted} under Directive (EU) 2016/680, Art. 16(3): a restricted law-"
            "enforcement record is only stored, never transferred or shared"
        ]
    if facts.use is None:
        return [
            f"{restricted}: name restricted_use, the {_EXCHANGE_ARTICLE[facts.regime]} ground "
            f"({', '.join(sorted(RESTRICTED_USES))}), beside the exchange's basis"
        ]
    if facts.use not in RESTRICTED_USES:
        return [f"restricted_use {facts.use!r} is none of {', '.join(sorted(RESTRICTED_USES))}"]
    if facts.use == RestrictedUse.consent and facts.third_country:
        return [
            "consent is no ground for a transfer of restricted data to a third country: a public "
            "authority cannot rely on it (recital 43; Art. 49(3))"
        ]
    if facts.use == RestrictedUse.important_public_interest and not (facts.law or "").strip():
        return [
            "restricted_use important_public_interest needs restricted_use_law: the Union or "
            "Member-State law that recognises the interest"
        ]
    return []


def check_restricted_exchange(facts: RestrictedExchange) -> list[RuleResult]:
    """GDPR-18.2: a transfer or share of a restricted record names its Art. 18(2) ground (EUDPR
    Art. 20(2)); an LED record stays refused (nothing in the trace for a record not restricted)."""
    if facts.restriction is None:
        return []
    problems = _restricted_exchange_problems(facts)
    note = "" if problems else f"{_EXCHANGE_ARTICLE[facts.regime]}: {facts.use}"
    return [check(GDPR_18_2, problems, note=note)]


def exchange_ground_holds(facts: RestrictedExchange) -> bool:
    """GDPR-18.2: may the exchange process the record's data (not restricted, or on a valid
    Art. 18(2) ground)?"""
    return not any(r.violations for r in check_restricted_exchange(facts))


def restriction_notice(facts: RestrictedExchange) -> Obligation | None:
    """Art. 19 (EUDPR Art. 21): the recipient of restricted data is told they are restricted."""
    if facts.restriction is None:
        return None
    return Obligation(
        "tell_recipient_restricted",
        f"{GDPR_18_2.id}: tell the recipient the data are restricted under Art. 18(1)"
        f"({facts.restriction}) and exchanged on the ground {facts.use} "
        f"({_EXCHANGE_ARTICLE.get(facts.regime, '')}); {article(facts.regime, 'notification')}",
    )


def check_restricted_read(restriction: str | None, use: str | None) -> RuleResult:
    """GDPR-18(2): reading restricted data needs one of its grounds, recorded with the read."""
    if restriction is None:
        return not_applicable(GDPR_18, "record not restricted")
    if use in RESTRICTED_USES:
        return passed(GDPR_18, f"Art. 18(2): {use}")
    return failed(
        GDPR_18,
        f"the record is restricted (Art. 18(1)({restriction})): a read of its subject data needs "
        f"restriction_ground, one of {', '.join(sorted(RESTRICTED_USES))} (Art. 18(2))",
    )


def check_read_reason(regime: str, reason: str | None) -> RuleResult:
    """LED-25: a consultation of a law-enforcement record's subject data is logged with its
    justification (LED Art. 25(1)); other regimes log a reason when one is given."""
    if (reason or "").strip():
        return passed(LED_25, "reason given")
    if regime == Regime.led:
        return failed(
            LED_25,
            "a read of a law-enforcement record's subject data names its reason "
            "(Directive (EU) 2016/680, Art. 25(1)): give ?reason=",
        )
    return not_applicable(LED_25, f"regime {regime}: a reason is logged when given")


def kept_from_sweep(restriction: str | None) -> bool:
    """GDPR-18(1)(b)/(c): the retention sweep does not erase the record while so restricted."""
    return restriction in KEPT_FROM_SWEEP


def ropa_citation(regime: str) -> str:
    """GDPR-30.1: the article the record of processing activities answers to."""
    return f"{GDPR_30_1.id}: {article(regime, 'ropa')}"
