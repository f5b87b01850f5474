"""Personal data of ILOs: Art. 10(2)-(3) of Regulation (EU) 2019/1240, and the regime derived."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import (
    Obligation,
    Outcome,
    RuleResult,
    check,
    violation,
)
from app.policies.rules import ILO_10_2, ILO_10_3, ILO_10_3F
from app.policies.vocabulary import (
    AuthorityKind,
    DataCategory,
    OrganisationKind,
    ProtectionStatus,
    Purpose,
    Regime,
    Role,
    Scope,
)

PURPOSES = frozenset(Purpose)
PROTECTION_STATUSES = frozenset(ProtectionStatus)

# Art. 10(3): the one purpose each category may serve. The Regulation makes (e) exclusive; for
# (a)-(d) the list is not exhaustive, and the product refuses any other pairing (stricter reading).
CATEGORY_PURPOSE: Mapping[str, Purpose] = MappingProxyType(
    {
        DataCategory.a_return_identity: Purpose.return_,
        DataCategory.b_return_passenger_list: Purpose.return_,
        DataCategory.c_legal_migration_identity: Purpose.legal_migration,
        DataCategory.d_resettlement_identity: Purpose.resettlement,
        DataCategory.e_smuggling_trafficking: Purpose.smuggling_trafficking,
    }
)
# Each category's point of Art. 10(3) is the letter its value begins with.
_CATEGORY_POINT: Mapping[str, str] = {c: f"({c.value[0]})" for c in DataCategory}

_IDENTITY = frozenset(
    {
        "surname",
        "given_names",
        "date_of_birth",
        "place_of_birth",
        "sex",
        "nationality",
        "travel_document",
        "biometrics",
    }
)
CATEGORY_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        DataCategory.a_return_identity: _IDENTITY | {"nationality_evidence"},
        DataCategory.b_return_passenger_list: frozenset({"flight_or_transport", "passengers"}),
        DataCategory.c_legal_migration_identity: _IDENTITY,
        DataCategory.d_resettlement_identity: _IDENTITY | {"unhcr_reference"},
        DataCategory.e_smuggling_trafficking: _IDENTITY
        | {
            "nationality_evidence",
            "aliases",
            "role",
            "modus_operandi",
            "means_of_transport",
            "intermediaries",
            "financial_flows",
        },
    }
)
# NR-1 needs the protection status of every subject, whatever the categories.
ALWAYS_ALLOWED_FIELDS = frozenset({"protection_status"})

_ROPA: Mapping[str, str] = {
    Regime.gdpr: "Regulation (EU) 2016/679, Art. 30",
    Regime.eudpr: "Regulation (EU) 2018/1725, Art. 31",
    Regime.led: "Directive (EU) 2016/680, Art. 24",
}
_SPECIAL = {
    Regime.gdpr: "biometrics: Regulation (EU) 2016/679, Art. 9",
    Regime.eudpr: "biometrics: Regulation (EU) 2018/1725, Art. 10",
    Regime.led: "biometrics: Directive (EU) 2016/680, Art. 10",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingRecordFacts:
    actor: Actor
    officer_id: str
    officer_org: str
    officer_authority_kind: str
    officer_org_kind: str
    officer_has_active_deployment: bool
    purpose: str
    data_categories: tuple[str, ...]
    subject_fields: frozenset[str]
    retain_until: date
    today: date
    max_retention_days: Mapping[str, int] = field(default_factory=dict)
    # the day the processing began (a case loaded from an existing system began before today);
    # the deployment is the one active on it, and retention is counted from it
    began_on: date | None = None

    @property
    def began(self) -> date:
        return self.began_on or self.today


CONTROLLER_KINDS = frozenset({"member_state", "schengen_associated", "commission", "eu_agency"})


def derive_regime(*, org_kind: str, authority_kind: str, purpose: str) -> Regime:
    """The data-protection regime of a controller (REGULATION.md "Regimes", Art. 10(5)).

    Union institutions and agencies apply Regulation 2018/1725 (Europol is an eu_agency here;
    SCOPE-EUROPOL is checked separately). Member-State and Schengen-associated authorities apply
    the GDPR, except police processing for smuggling and trafficking, which is under the LED
    (product extension, stricter).
    """
    if org_kind in {OrganisationKind.commission, OrganisationKind.eu_agency}:
        return Regime.eudpr
    if org_kind in {OrganisationKind.member_state, OrganisationKind.schengen_associated}:
        if authority_kind == AuthorityKind.police and purpose == Purpose.smuggling_trafficking:
            return Regime.led
        return Regime.gdpr
    raise ValueError(f"organisation kind {org_kind!r} is not a controller of ILO data")


def max_retention_on(
    today: date, purpose: str, max_retention_days: Mapping[str, int]
) -> date | None:
    days = max_retention_days.get(purpose)
    return None if days is None else today + timedelta(days=days)


def _purpose_problems(facts: ProcessingRecordFacts) -> Iterator[str]:
    if facts.purpose not in PURPOSES:
        yield f"purpose {facts.purpose!r} is not one of the Art. 3(6) tasks"
    if facts.officer_org_kind not in CONTROLLER_KINDS:
        yield (
            f"organisation kind {facts.officer_org_kind} is not a controller of ILO data: "
            "only Member States, Schengen-associated states, the Commission and Union agencies "
            "deploy ILOs (Art. 2(1))"
        )
    if facts.began > facts.today:
        yield f"began_on {facts.began} is in the future (today is {facts.today})"
    if not facts.officer_has_active_deployment:
        yield (
            f"officer {facts.officer_id} has no active deployment on {facts.began}: "
            "no Art. 3(6) task to serve"
        )
    if facts.retain_until <= facts.today:
        yield f"retain_until {facts.retain_until} is not after today {facts.today}" + (
            ": the retention of a processing that began earlier has ended, so its data are "
            "erased, not loaded"
            if facts.began < facts.today
            else ""
        )
    cap = max_retention_on(facts.began, facts.purpose, facts.max_retention_days)
    if cap is None:
        yield f"no retention cap is configured for purpose {facts.purpose!r}"
    elif facts.retain_until > cap:
        days = facts.max_retention_days[facts.purpose]
        yield (
            f"retain_until {facts.retain_until} exceeds the {days}-day cap for purpose "
            f"{facts.purpose} counted from {facts.began} (latest {cap}): erase when no longer "
            "necessary"
        )


def check_purpose(facts: ProcessingRecordFacts) -> RuleResult:
    """ILO-10.2: an Art. 3(6) purpose, served by a deployed ILO, kept no longer than necessary."""
    return check(ILO_10_2, _purpose_problems(facts))


def check_categories(purpose: str, categories: tuple[str, ...]) -> RuleResult:
    """ILO-10.3: every category matches its one purpose; (e) only for smuggling_trafficking."""
    if not categories:
        return check(ILO_10_3, ["data_categories is empty: name at least one Art. 10(3) category"])
    found = []
    for category in categories:
        allowed = CATEGORY_PURPOSE.get(category)
        if allowed is None:
            found.append(
                violation(ILO_10_3, f"category {category!r} is not an Art. 10(3) category")
            )
        elif allowed != purpose:
            found.append(
                violation(
                    ILO_10_3,
                    f"category {category} may only be processed for purpose {allowed}, "
                    f"not {purpose}",
                    detail=_CATEGORY_POINT[category],
                )
            )
    return RuleResult(rule=ILO_10_3, violations=tuple(found))


def allowed_fields(categories: tuple[str, ...]) -> frozenset[str]:
    """The subject-data fields the categories allow (ILO-10.3f)."""
    fields = set(ALWAYS_ALLOWED_FIELDS)
    for category in categories:
        fields |= CATEGORY_FIELDS.get(category, frozenset())
    return frozenset(fields)


def check_fields(categories: tuple[str, ...], subject_fields: frozenset[str]) -> RuleResult:
    """ILO-10.3f (product rule): subject data hold only fields of the record's categories."""
    extra = sorted(subject_fields - allowed_fields(categories))
    return check(
        ILO_10_3F,
        [f"subject data field {name!r} belongs to none of the categories" for name in extra],
    )


def _regime_or_gdpr(facts: ProcessingRecordFacts) -> Regime:
    try:
        return derive_regime(
            org_kind=facts.officer_org_kind,
            authority_kind=facts.officer_authority_kind,
            purpose=facts.purpose,
        )
    except ValueError:
        return Regime.gdpr


# Art. 10(1): the ILO processes for its own tasks; its organisation's system may record for it.
PROCESSES_FOR_ITSELF = Requirement(
    officer_roles=frozenset({Role.ilo}), scope=Scope.processing_write
)


def decide_processing_record(facts: ProcessingRecordFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-10.2, ILO-10.3, ILO-10.3f on a new processing record."""
    outcome = Outcome(
        results=[
            require_org(facts.actor, ("officer organisation", facts.officer_org)),
            check_purpose(facts),
            check_categories(facts.purpose, facts.data_categories),
            check_fields(facts.data_categories, facts.subject_fields),
        ]
    )
    regime = _regime_or_gdpr(facts)
    outcome.obligations.append(
        Obligation(
            "erase_by",
            "ILO-10.2: erase when no longer necessary for the purpose, at the latest on this date",
            facts.retain_until,
        )
    )
    outcome.obligations.append(Obligation("record_in_ropa", _ROPA[regime]))
    if "biometrics" in facts.subject_fields:
        outcome.obligations.append(Obligation("special_category_data", _SPECIAL[regime]))
    return outcome


PROCESSING_RECORD_CREATE = declare(
    "processing_record.create",
    ProcessingRecordFacts,
    requires=PROCESSES_FOR_ITSELF,
    officer=lambda f: f.officer_id,
    rules=decide_processing_record,
    emits=("processing_record.created",),
)
