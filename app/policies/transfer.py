"""Exchanges of personal data: transfers (Art. 10(4)-(5), Chapter V, NR-1), shares inside the
Union (Art. 3(6)(d), recital 26) and who may edit the reference data they rely on."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.deployment import Participant, is_country_code
from app.policies.engine import (
    Outcome,
    RuleResult,
    check,
    failed,
    not_applicable,
    passed,
)
from app.policies.purpose import PROTECTION_STATUSES, PURPOSES
from app.policies.rules import (
    ACL_ORG,
    DOC_1,
    GDPR_30_1E,
    ILO_10_2,
    ILO_10_4,
    LED_35,
    LED_39,
    NR_1,
    SCOPE_EUROPOL,
)
from app.policies.subject_rights import (
    RestrictedExchange,
    check_restricted_exchange,
    restriction_notice,
)
from app.policies.transfer_choice import choose
from app.policies.transfer_grounds import (
    GROUND_RULES,
    INSTRUMENT_KINDS,
    TRANSFER_BASES,
    TransferFacts,
)
from app.policies.transfer_obligations import transfer_obligations
from app.policies.vocabulary import (
    DataCategory,
    OrganisationKind,
    ProtectionStatus,
    ReferenceKind,
    Regime,
    Role,
    Scope,
    ShareRecipientKind,
    TransferBasis,
)

MIN_JUSTIFICATION_CHARS = 20
# NR-1: the statuses of a person in need of international protection. A return decision is not
# one of them: recital 25 expressly allows the return transfer.
PROTECTED_STATUSES = frozenset(
    {
        ProtectionStatus.application_pending,
        ProtectionStatus.protection_granted,
        ProtectionStatus.resettlement_candidate,
    }
)
SHARE_RECIPIENT_KINDS = frozenset(ShareRecipientKind)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareFacts:
    actor: Actor
    controller_org: str
    record_officer_id: str
    record_fields: frozenset[str]
    recipient_kind: str  # a ShareRecipientKind
    recipient_org: str | None
    fields_disclosed: frozenset[str]
    justification: str
    participants: Mapping[str, Participant] = field(default_factory=dict)
    # ILO-10.2: a share is dated within the record's life, as a transfer is
    shared_on: date | None = None
    record_began_on: date | None = None
    record_retain_until: date | None = None
    # GDPR-18.2: the record's regime and restriction, and the Art. 18(2) ground named
    regime: str = Regime.gdpr
    record_restriction: str | None = None
    restricted_use: str | None = None
    restricted_use_law: str | None = None

    @property
    def restricted_exchange(self) -> RestrictedExchange:
        return RestrictedExchange(
            restriction=self.record_restriction,
            regime=self.regime,
            use=self.restricted_use,
            law=self.restricted_use_law,
            third_country=False,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceUpdateFacts:
    actor: Actor
    kind: str  # a ReferenceKind
    parties: frozenset[str] = frozenset()


# What a check finds when nothing is wrong, made once: its shared pass (or, for NR-1, its
# not-applicable result per protection status, the note naming it).
_NECESSARY, _SERVES_A_TASK = passed(ILO_10_4), passed(ILO_10_2)
_DOCUMENTED, _IDENTIFIED = passed(DOC_1), passed(GDPR_30_1E)
_NO_PROTECTION_NEEDED = {
    status: not_applicable(NR_1, f"protection_status {status}")
    for status in (*(str(s) for s in PROTECTION_STATUSES), None)
}


def _necessity_problems(
    record_fields: frozenset[str], fields_disclosed: frozenset[str], justification: str
) -> list[str]:
    problems = []
    if not fields_disclosed:
        problems.append("fields_disclosed is empty: name the fields the exchange discloses")
    if not fields_disclosed <= record_fields:
        extra = sorted(fields_disclosed - record_fields)
        problems.append(f"fields_disclosed {', '.join(extra)} are not fields of the record")
    if len(justification.strip()) < MIN_JUSTIFICATION_CHARS:
        problems.append(
            f"justification of strict necessity is missing or trivial "
            f"(fewer than {MIN_JUSTIFICATION_CHARS} characters)"
        )
    return problems


def check_necessity(
    record_fields: frozenset[str], fields_disclosed: frozenset[str], justification: str
) -> RuleResult:
    """ILO-10.4: an exchange discloses named record fields only, with a necessity justification."""
    problems = _necessity_problems(record_fields, fields_disclosed, justification)
    return check(ILO_10_4, problems) if problems else _NECESSARY


_EUROPOL_OUT_OF_SCOPE = failed(
    SCOPE_EUROPOL,
    "controller EUROPOL transfers under Regulation (EU) 2016/794, Art. 25: "
    "use Europol's own channels",
)
_EUROPOL_PASSED = passed(SCOPE_EUROPOL)


def check_europol(controller_org: str) -> RuleResult:
    """SCOPE-EUROPOL: Europol transfers follow Regulation (EU) 2016/794, not ILONet."""
    return _EUROPOL_OUT_OF_SCOPE if controller_org == "EUROPOL" else _EUROPOL_PASSED


def check_transfer_purpose(facts: TransferFacts) -> RuleResult:
    """ILO-10.2: the transfer serves an Art. 3(6) task of an ILO deployed on the transfer date."""
    problems = []
    if facts.purpose not in PURPOSES:
        problems.append(f"purpose {facts.purpose!r} is not one of the Art. 3(6) tasks")
    if not facts.officer_deployment_active:
        problems.append(
            f"officer {facts.record_officer_id} has no active deployment on {facts.transfer_on}"
        )
    if facts.record_began_on is not None or facts.record_retain_until is not None:
        problems.extend(
            lifetime_problems(
                "transfer_on", facts.transfer_on, facts.record_began_on, facts.record_retain_until
            )
        )
    return check(ILO_10_2, problems) if problems else _SERVES_A_TASK


def lifetime_problems(
    name: str, on: date | None, began: date | None, until: date | None
) -> Iterator[str]:
    """ILO-10.2: an exchange is dated within the record's life, from the day its processing
    began to its retain_until (after that the data must be erased, not exchanged)."""
    if on is None:
        return
    if began is not None and on < began:
        yield f"{name} {on} is before the record's processing began ({began})"
    if until is not None and on > until:
        yield f"{name} {on} is after the record's retain_until ({until})"


def transfer_restriction(facts: TransferFacts) -> RestrictedExchange:
    return RestrictedExchange(
        restriction=facts.record_restriction,
        regime=facts.regime,
        use=facts.restricted_use,
        law=facts.restricted_use_law,
        third_country=True,
    )


_RETURN_DECISION = ProtectionStatus.return_decision
_RESETTLEMENT_IDENTITY = DataCategory.d_resettlement_identity


def needs_protection(protection_status: str | None, data_categories: tuple[str, ...]) -> bool:
    if protection_status == _RETURN_DECISION:
        return False
    return protection_status in PROTECTED_STATUSES or _RESETTLEMENT_IDENTITY in data_categories


def check_non_refoulement(facts: TransferFacts) -> RuleResult:
    """NR-1: no data of a person in need of protection to the authorities of their own country.

    The nationality being unknown is refused too: the product cannot rule the risk out.
    """
    status = facts.protection_status
    if status is not None and status not in PROTECTION_STATUSES:
        # An unknown status cannot rule out a need for protection: refuse rather than guess.
        return failed(NR_1, f"protection_status {status!r} is not in the vocabulary")
    if not needs_protection(status, facts.data_categories):
        unneeded = _NO_PROTECTION_NEEDED.get(status)
        return unneeded or not_applicable(NR_1, f"protection_status {status}")
    if not facts.recipient_is_public_authority:
        return passed(NR_1, f"recipient type {facts.recipient_type} is no public authority")
    reason = (
        f"protection_status {facts.protection_status}"
        if facts.protection_status in PROTECTED_STATUSES
        else "category d_resettlement_identity"
    )
    if not facts.subject_nationality:
        return failed(
            NR_1,
            f"subject in need of protection ({reason}) has no recorded nationality: a transfer to "
            f"public authorities of {facts.destination} cannot be shown to be safe",
        )
    if facts.destination_country == facts.subject_nationality:
        return failed(
            NR_1,
            f"subject in need of protection ({reason}) must not be disclosed to the authorities "
            f"of {facts.subject_nationality}, their country of nationality",
        )
    return passed(NR_1)


def check_law_enforcement(facts: TransferFacts) -> list[RuleResult]:
    """LED-35, LED-39: recipient and origin conditions of a law-enforcement transfer."""
    problems = []
    if (
        facts.data_from_other_member_state
        and not (facts.prior_authorisation_reference or "").strip()
    ):
        problems.append(
            f"data received from {facts.data_from_other_member_state} need its prior "
            "authorisation (prior_authorisation_reference), Art. 35(1)(c)"
        )
    if facts.recipient_is_law_enforcement:
        return [check(LED_35, problems, note="recipient is a competent authority")]
    results = [check(LED_35, problems, note="recipient is no competent authority: Art. 39")]
    if (facts.legal_reference or "").strip():
        results.append(passed(LED_39, "legal_reference given"))
    else:
        results.append(
            failed(
                LED_39,
                f"recipient {facts.recipient_name!r} is not a law-enforcement authority: "
                "Art. 39 needs the Union or Member-State law providing for it (legal_reference)",
            )
        )
    return results


_ADEQUACY = TransferBasis.adequacy
_ADMINISTRATIVE_ARRANGEMENT = TransferBasis.administrative_arrangement


def _documentation_problems(facts: TransferFacts, regime: str) -> list[str]:
    problems = []
    basis = facts.basis
    if basis not in TRANSFER_BASES:
        problems.append(f"basis {basis!r} is not a transfer basis")
    elif basis not in GROUND_RULES[regime]:
        problems.append(f"basis {basis} is not available under regime {regime}")
    if basis == _ADEQUACY and not facts.adequacy_decision_id:
        problems.append("basis adequacy needs adequacy_decision_id")
    if basis in INSTRUMENT_KINDS and not facts.instrument_id:
        problems.append(f"basis {basis} needs instrument_id")
    if basis == _ADMINISTRATIVE_ARRANGEMENT and not facts.authorisation_reference:
        problems.append("basis administrative_arrangement needs authorisation_reference (SA/EDPS)")
    if not facts.justification.strip():
        problems.append(
            "justification is missing: the necessity assessment is recorded with the transfer"
        )
    return problems


def check_documentation(facts: TransferFacts, regime: str) -> RuleResult:
    """DOC-1 (product rule, Art. 5(2) GDPR): the named basis, its details and the justification."""
    problems = _documentation_problems(facts, regime)
    return check(DOC_1, problems) if problems else _DOCUMENTED


_MEMBER_STATE = OrganisationKind.member_state


def _record_problems(facts: TransferFacts) -> list[str]:
    problems = []
    if not facts.recipient_name.strip():
        problems.append("recipient_name is missing")
    if facts.destination_organisation:
        return problems
    country = facts.destination_country
    if not country:
        problems.append(
            "destination is missing: name the third country or international organisation"
        )
        return problems
    if not is_country_code(country):
        problems.append(f"destination_country {country!r} is no ISO 3166-1 alpha-2 code")
    participant = facts.participants.get(country)
    if participant is not None and participant.kind == _MEMBER_STATE:
        problems.append(
            f"destination_country {country} is an EU Member State: "
            "record a share, not a third-country transfer"
        )
    return problems


def check_record(facts: TransferFacts) -> RuleResult:
    """GDPR-30.1e: the recipient and the third country or international organisation identified."""
    problems = _record_problems(facts)
    return check(GDPR_30_1E, problems) if problems else _IDENTIFIED


# The record's own ILO exchanges its data; its organisation's system may record it for the ILO.
EXCHANGES_OWN_RECORD = Requirement(officer_roles=frozenset({Role.ilo}), scope=Scope.transfers_write)
EDITS_REFERENCE_DATA = Requirement(roles=frozenset({Role.reference_admin}))


_LED = Regime.led


def decide_transfer(facts: TransferFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, SCOPE-EUROPOL, ILO-10.2, GDPR-18.2, ILO-10.4, NR-1, LED-35/39, DOC-1,
    GDPR-30.1e, then the Chapter V ground (GDPR-45/46/49, EUDPR-47/48/50 or LED-36/37/38)."""
    europol = check_europol(facts.controller_org)
    results = [
        require_org(facts.actor, ("controller", facts.controller_org)),
        europol,
        check_transfer_purpose(facts),
    ]
    # GDPR-18.2 and its notice concern a restricted record only.
    restriction = None if facts.record_restriction is None else transfer_restriction(facts)
    if restriction is not None:
        results.extend(check_restricted_exchange(restriction))
    results.append(
        check_necessity(facts.record_fields, facts.fields_disclosed, facts.justification)
    )
    results.append(check_non_refoulement(facts))
    outcome = Outcome(results)
    regime = facts.regime
    if regime not in GROUND_RULES:
        results.append(failed(DOC_1, f"regime {regime!r} is none of gdpr, eudpr, led"))
        return outcome
    if regime == _LED:
        results.extend(check_law_enforcement(facts))
    results.append(check_documentation(facts, regime))
    results.append(check_record(facts))
    if europol.violations:
        adequacy_rule = GROUND_RULES[regime][_ADEQUACY][0]
        results.append(
            not_applicable(adequacy_rule, "Chapter V not tried: Europol is out of scope")
        )
        return outcome
    grounds, basis = choose(facts, regime)
    results.extend(grounds)
    if basis is not None:
        outcome.basis = basis
        outcome.obligations = transfer_obligations(facts, regime, basis.rule)
        notice = None if restriction is None else restriction_notice(restriction)
        if notice is not None:
            outcome.obligations.append(notice)
    return outcome


TRANSFER_RECORD = declare(
    "transfer.record",
    TransferFacts,
    requires=EXCHANGES_OWN_RECORD,
    officer=lambda f: f.record_officer_id,
    rules=decide_transfer,
    emits=("transfer.recorded",),
)


def check_share_recipient(facts: ShareFacts) -> RuleResult:
    """ILO-10.4 (with Art. 3(6)(d), recital 26): a share stays inside the Union.

    The exchange Art. 10(4) limits is, for a share, one with ILOs, networks or a Member State's
    competent authority; a recipient outside the Member States is a transfer (Chapter V).
    """
    if facts.recipient_kind not in SHARE_RECIPIENT_KINDS:
        return failed(ILO_10_4, f"recipient_kind {facts.recipient_kind!r} is not a share recipient")
    if facts.recipient_kind != ShareRecipientKind.member_state_authority:
        return passed(ILO_10_4, f"recipient {facts.recipient_kind} inside the network")
    participant = facts.participants.get(facts.recipient_org or "")
    if participant is None or participant.kind != OrganisationKind.member_state:
        return failed(
            ILO_10_4,
            f"recipient_org {facts.recipient_org!r} is not an EU Member State: a share stays "
            "inside the Union (recital 26); record a transfer instead",
        )
    return passed(ILO_10_4, f"competent authority of {facts.recipient_org}")


def decide_share(facts: ShareFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-10.4 on an exchange inside the Union, ILO-10.2 (dated within the
    record's life), GDPR-18.2 (a restricted record's Art. 18(2) ground)."""
    dating = lifetime_problems(
        "shared_on", facts.shared_on, facts.record_began_on, facts.record_retain_until
    )
    outcome = Outcome(
        results=[
            require_org(facts.actor, ("controller", facts.controller_org)),
            check_share_recipient(facts),
            check_necessity(facts.record_fields, facts.fields_disclosed, facts.justification),
            check(ILO_10_2, dating),
            *check_restricted_exchange(facts.restricted_exchange),
        ]
    )
    notice = restriction_notice(facts.restricted_exchange)
    if notice is not None:
        outcome.obligations.append(notice)
    return outcome


SHARE_RECORD = declare(
    "share.record",
    ShareFacts,
    requires=EXCHANGES_OWN_RECORD,
    officer=lambda f: f.record_officer_id,
    rules=decide_share,
    emits=("share.recorded",),
)


def _reference_org_problem(facts: ReferenceUpdateFacts) -> str | None:
    org = facts.actor.org
    if facts.kind == ReferenceKind.adequacy_decision:
        return None if org == "COM" else f"adequacy decisions are edited by COM only, not {org}"
    if facts.kind == ReferenceKind.transfer_instrument:
        if org == "COM" and facts.parties & {"EU", "COM"}:
            return None
        if org != "COM" and org in facts.parties:
            return None
        return f"{org} is not a party to the instrument ({', '.join(sorted(facts.parties))})"
    return f"unknown reference kind {facts.kind!r}"


def decide_reference_update(facts: ReferenceUpdateFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: COM edits adequacy decisions and Union instruments; a Member State
    edits the instruments it is a party to."""
    problem = _reference_org_problem(facts)
    return Outcome(
        results=[
            check(ACL_ORG, [problem] if problem else []),
        ]
    )


ADEQUACY_DECISION_CREATE = declare(
    "adequacy_decision.create",
    ReferenceUpdateFacts,
    requires=EDITS_REFERENCE_DATA,
    rules=decide_reference_update,
    emits=("reference.updated",),
)


ADEQUACY_DECISION_REPLACE = declare(
    "adequacy_decision.replace",
    ReferenceUpdateFacts,
    requires=EDITS_REFERENCE_DATA,
    rules=decide_reference_update,
    emits=("reference.updated",),
)


TRANSFER_INSTRUMENT_CREATE = declare(
    "transfer_instrument.create",
    ReferenceUpdateFacts,
    requires=EDITS_REFERENCE_DATA,
    rules=decide_reference_update,
    emits=("reference.updated",),
)


TRANSFER_INSTRUMENT_REPLACE = declare(
    "transfer_instrument.replace",
    ReferenceUpdateFacts,
    requires=EDITS_REFERENCE_DATA,
    rules=decide_reference_update,
    emits=("reference.updated",),
)
