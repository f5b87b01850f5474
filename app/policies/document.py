"""The information-exchange platform's documents (Art. 9, Art. 3(4)): what may be uploaded and
who reads it.

Uploads (`document.upload`, `document.add_version`): ILO-9.3 (no personal data, no links to
them; the two lists are generated, never uploaded), ILO-9.1 (no operational law-enforcement
information, no restrictive handling code), ILO-3.4 (an information report's statistics have no
cell small enough to single out a person), ILO-9.4 (the European Parliament audience only for
categories it may see), ACL-ORG (a new version by the document's own organisation). The
scanner's findings, the markings and the statistics' cells are facts the service loads.

Reads: `document_audiences(actor)` says which audiences a caller sees (the read policy
`document`, app/policies/visibility.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.disclosure import THRESHOLD
from app.policies.engine import Outcome, RuleResult, check, failed, passed
from app.policies.rules import ILO_3_4, ILO_9_1, ILO_9_3, ILO_9_4
from app.policies.vocabulary import DocumentAudience, DocumentCategory, Role, Scope

BOARD_ROLES = frozenset({Role.sb_member, Role.sb_alternate, Role.sb_chair, Role.sb_secretariat})
# Art. 9(1): ILOs, Steering Board members and network facilitators (ILOs) upload.
UPLOADS = Requirement(roles=frozenset({Role.ilo, *BOARD_ROLES}), scope=Scope.documents_write)
# Art. 9(2)(c), (d): generated from the registry on request, never uploaded.
GENERATED_LISTS = frozenset(
    {DocumentCategory.c_board_member_list, DocumentCategory.d_ilo_contact_list}
)
# Art. 8(2): the work programmes and activity reports are sent to the European Parliament.
ALWAYS_EP_VISIBLE = frozenset({DocumentCategory.b_programme_or_report})


def ep_visible_categories(by_rules: Iterable[str] = ()) -> frozenset[str]:
    """The one source of the categories the European Parliament sees (ILO-9.4): Art. 8(2)'s
    documents and what the Board's rules of procedure in force add (`by_rules`, read from the
    database at the time of the check: app/services/board.py `ep_visible_categories`)."""
    return frozenset(ALWAYS_EP_VISIBLE) | (frozenset(by_rules) - GENERATED_LISTS)


@dataclass(frozen=True, slots=True)
class StatisticsCell:
    """One cell of an information report's aggregated statistics, named for the message."""

    name: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentFacts:
    actor: Actor
    document_org: str
    category: str
    audience: str
    # What the scanner found (kind and location, never the value) and the handling markings.
    findings: tuple[str, ...] = ()
    markings: tuple[str, ...] = ()
    cells: tuple[StatisticsCell, ...] = ()
    small_cell_threshold: int = THRESHOLD
    ep_visible: frozenset[str] = frozenset()


def _personal_data(facts: DocumentFacts) -> RuleResult:
    problems = [
        f"{f}: platform content holds no personal data and no links to them" for f in facts.findings
    ]
    if facts.category in GENERATED_LISTS:
        problems.insert(
            0,
            f"category {facts.category} is generated from the registry on request "
            "(GET /v1/documents/contact-lists/...), never uploaded",
        )
    return check(ILO_9_3, problems)


def _law_enforcement(facts: DocumentFacts) -> RuleResult:
    return check(
        ILO_9_1,
        (
            f"{m}: operational law-enforcement information belongs in a law-enforcement "
            "channel (e.g. SIENA), not on the platform"
            for m in facts.markings
        ),
    )


def _small_cells(facts: DocumentFacts) -> RuleResult:
    threshold = facts.small_cell_threshold
    return check(
        ILO_3_4,
        (
            f"statistics cell {c.name} counts {c.count}, below {threshold}: a cell that small "
            "can single out a person; merge it or report it as fewer than "
            f"{threshold}"
            for c in facts.cells
            if 0 < c.count < threshold
        ),
    )


def _ep_audience(facts: DocumentFacts) -> RuleResult:
    if facts.audience != DocumentAudience.european_parliament:
        return passed(ILO_9_4, "not for the European Parliament")
    if facts.category in facts.ep_visible:
        return passed(ILO_9_4)
    return failed(
        ILO_9_4,
        f"category {facts.category} is not EP-visible (the Board's work programmes and activity "
        f"reports, and what its rules of procedure add: {sorted(facts.ep_visible)})",
    )


def _content(facts: DocumentFacts) -> list[RuleResult]:
    return [
        _personal_data(facts),
        _law_enforcement(facts),
        _small_cells(facts),
        _ep_audience(facts),
    ]


def decide_document_upload(facts: DocumentFacts) -> Outcome:
    """ILO-9.3, ILO-9.1, ILO-3.4, ILO-9.4 on the first version; ACL-ORG (one's own)."""
    return Outcome(
        results=[
            require_org(facts.actor, ("document organisation", facts.document_org)),
            *_content(facts),
        ]
    )


DOCUMENT_UPLOAD = declare(
    "document.upload",
    DocumentFacts,
    requires=UPLOADS,
    rules=decide_document_upload,
    emits=("document.uploaded",),
)


def decide_document_add_version(facts: DocumentFacts) -> Outcome:
    """The same checks on every new version; only the document's own organisation adds one."""
    return Outcome(
        results=[
            require_org(facts.actor, ("document organisation", facts.document_org)),
            *_content(facts),
        ]
    )


DOCUMENT_ADD_VERSION = declare(
    "document.add_version",
    DocumentFacts,
    requires=UPLOADS,
    rules=decide_document_add_version,
    emits=("document.version_added",),
)


# --- reads -------------------------------------------------------------------------------------

# all_ilos: the participants of the network, not the European Parliament.
PARTICIPANT_ROLES = frozenset(
    {
        Role.ilo,
        Role.deploying_authority,
        *BOARD_ROLES,
        Role.authorised_staff,
        Role.dpo,
        Role.auditor,
        Role.reference_admin,
    }
)


@dataclass(frozen=True, slots=True)
class Audiences:
    """Which documents a caller sees: every one (`everything`), those of these audiences, those
    for the European Parliament of these categories (`ep_categories`) and, with `ep_by_rules`,
    of the categories the Board's rules of procedure in force add (a subquery at read time),
    its organisation's own uploads, and those of the networks it belongs to on the read date:
    per organisation (`network_member`: one of its officers is a member) or, for an ILO, per
    officer of that organisation (`network_officer` narrows `network_member` to itself)."""

    everything: bool = False
    audiences: frozenset[str] = frozenset()
    ep_categories: frozenset[str] = frozenset()
    ep_by_rules: bool = False
    organisation: str | None = None
    network_member: str | None = None
    network_officer: str | None = None

    def shows(
        self,
        *,
        organisation: str,
        audience: str,
        category: str,
        members: frozenset[tuple[str, str]] = frozenset(),
        ep_by_rules: frozenset[str] = frozenset(),
    ) -> bool:
        """Does a document of this organisation, audience and category show? `members` are
        the (organisation, officer id) members of its network on the read date, `ep_by_rules`
        the categories the rules of procedure in force make EP-visible (app/db/visibility.py
        `documents_condition` is the same test in SQL)."""
        parliament = audience == DocumentAudience.european_parliament
        return (
            self.everything
            or audience in self.audiences
            or (parliament and category in self.ep_categories)
            or (self.ep_by_rules and parliament and category in ep_by_rules - GENERATED_LISTS)
            or (self.organisation is not None and organisation == self.organisation)
            or (
                self.network_member is not None
                and audience == DocumentAudience.network
                and any(
                    org == self.network_member
                    and (self.network_officer is None or officer == self.network_officer)
                    for org, officer in members
                )
            )
        )


def document_audiences(actor: Actor) -> Audiences:
    """ILO-9.3/9.4: authorised staff see everything; participants all_ilos and the documents
    for the Parliament, the Board (and staff) steering_board, a network's members its network
    documents, an organisation its own; the European Parliament only the EP-visible
    categories of the documents marked for it.

    Network membership (ILO-5.1) is an officer's: an ILO sees a network's documents while it is
    a member itself (an officer of its own organisation: the token's officer_id is bound to it,
    and the read names both); an organisation-level caller (a deploying authority, an
    integration with documents:read) while one of its organisation's officers is.

    An organisation reads every document it uploaded, whatever the audience: it wrote them and
    only it adds their versions (ACL-ORG); every other document follows its audience."""
    if Role.authorised_staff in actor.roles:
        return Audiences(everything=True)
    participant = bool(actor.roles & PARTICIPANT_ROLES) or actor.may(Scope.documents_read)
    audiences: set[str] = set()
    if participant:
        audiences |= {DocumentAudience.all_ilos, DocumentAudience.european_parliament}
    if actor.roles & BOARD_ROLES:
        audiences.add(DocumentAudience.steering_board)
    ep_reader = Role.ep_reader in actor.roles
    organisation_level = Role.deploying_authority in actor.roles or actor.may(Scope.documents_read)
    officer_level = (
        Role.ilo in actor.roles and actor.officer_id is not None and not organisation_level
    )
    return Audiences(
        audiences=frozenset(audiences),
        ep_categories=ep_visible_categories() if ep_reader else frozenset(),
        ep_by_rules=ep_reader,
        organisation=actor.org if participant else None,
        network_member=actor.org if organisation_level or officer_level else None,
        network_officer=actor.officer_id if officer_level else None,
    )
