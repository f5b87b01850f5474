"""Read policies: who sees which rows of each resource kind, and which of their guarded fields.

One pure function per kind, from the caller to a `Visibility` — plain data that app/db/visibility.py
translates to SQL once per model, for every read (lists, single reads, the change feed, the audit
trail, exports, webhook event filtering). Rule ids: ACL-ROLE (the caller may not read the kind at
all), ILO-9.3 (contact details), ILO-10.2 (processing records are the controller's).

API.md "Visibility": officers (without contact fields), deployments, organisations, authorities
and reference data are read by every participant (an integration needs the kind's read scope);
processing records, their transfers and shares only by the controller organisation's own ILO (own
records), DPO, auditor and integration; the audit trail by auditors (and a DPO for its own
organisation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from app.policies.acl import Actor
from app.policies.document import Audiences, document_audiences
from app.policies.roles import COMMISSION
from app.policies.vocabulary import Role, Scope


@dataclass(frozen=True, slots=True)
class Rows:
    """A set of rows: all, none, or those of one organisation (and one officer of it)."""

    all: bool = False
    organisation: str | None = None
    officer_id: str | None = None

    @property
    def none(self) -> bool:
        return not self.all and self.organisation is None

    def holds(self, *, organisation: str | None, officer_id: str | None = None) -> bool:
        """Does a row of this organisation (and officer) belong to the set?"""
        if self.all:
            return True
        if self.organisation is None or organisation != self.organisation:
            return False
        return self.officer_id is None or officer_id == self.officer_id


ALL = Rows(all=True)
NONE = Rows()


# A reader whose rows are only those its audiences show (platform documents, app/db/visibility):
# no organisation's own rows, yet a list it may ask for.
AUDIENCE_ONLY = Rows(organisation="")


def of_organisation(organisation: str, officer_id: str | None = None) -> Rows:
    return Rows(organisation=organisation, officer_id=officer_id)


@dataclass(frozen=True, slots=True)
class Visibility:
    """What a caller sees of one resource kind.

    `refusal` set: the caller may not read the kind at all (403 ACL-ROLE on every read, before
    any row is looked at). Otherwise `rows` are the rows it sees — a row outside them is a 404,
    and a list that can hold none is a 403 — and `fields` the guarded fields it sees, each on its
    own set of rows.
    """

    kind: str
    rows: Rows = NONE
    fields: Mapping[str, Rows] = field(default_factory=lambda: MappingProxyType({}))
    refusal: str | None = None
    # Platform documents (and their feed events) are seen by audience (ILO-9.3, ILO-9.4).
    documents: Audiences | None = None

    def shows(self, name: str, *, organisation: str | None, officer_id: str | None = None) -> bool:
        """Does the caller see the guarded field `name` of a row it sees?"""
        rows = self.fields.get(name, NONE)
        return rows.holds(organisation=organisation, officer_id=officer_id)


def _refused(kind: str, scope: Scope) -> Visibility:
    return Visibility(kind, refusal=f"reading {kind} needs scope {scope}")


def _scoped(actor: Actor, kind: str, scope: Scope) -> Visibility | None:
    """People read network-wide information as participants; an integration what its scope
    list names (ACL-ROLE)."""
    if actor.roles == {Role.integration} and scope not in actor.scopes:
        return _refused(kind, scope)
    return None


def organisations(actor: Actor) -> Visibility:
    return Visibility("organisation", rows=ALL)


def reference_data(actor: Actor) -> Visibility:
    return Visibility("reference_data", rows=ALL)


def policy(actor: Actor) -> Visibility:
    """Every participant may ask what the law would say of a write (the dry run); the facts it
    loads are read under their own kinds' policies."""
    return Visibility("policy", rows=ALL)


def authorities(actor: Actor) -> Visibility:
    return _scoped(actor, "authority", Scope.officers_read) or Visibility("authority", rows=ALL)


# Art. 9(3): the ILO contact list is for ILOs, Board members and duly authorised staff.
CONTACT_LIST_ROLES = frozenset(
    {
        Role.ilo,
        Role.sb_member,
        Role.sb_alternate,
        Role.sb_chair,
        Role.sb_secretariat,
        Role.authorised_staff,
    }
)


def officers(actor: Actor) -> Visibility:
    """Every officer; the contact details (ILO-9.3) for the contact-list roles, and for the
    officer's own organisation's deploying authority or integration with officers:read."""
    refused = _scoped(actor, "officer", Scope.officers_read)
    if refused is not None:
        return refused
    if actor.roles & CONTACT_LIST_ROLES:
        contact = ALL
    elif Role.deploying_authority in actor.roles or actor.may(Scope.officers_read):
        contact = of_organisation(actor.org)
    else:
        contact = NONE
    return Visibility("officer", rows=ALL, fields=MappingProxyType({"contact": contact}))


def deployments(actor: Actor) -> Visibility:
    refused = _scoped(actor, "deployment", Scope.deployments_read)
    return refused or Visibility("deployment", rows=ALL)


# Integration scopes that make a client a reader of its organisation's processing records.
RECORD_SCOPES = frozenset({Scope.processing_read, Scope.processing_write, Scope.transfers_write})


def processing_records(actor: Actor) -> Visibility:
    """The controller's own: its ILO (own records), DPO, auditor and integration (ILO-10.2).

    Subject data: the record's own ILO, and the integration with processing:read. The access
    copy (`export`): those, and the controller's DPO who answers data-subject requests.
    """
    org = actor.org
    own_ilo = (
        of_organisation(org, actor.officer_id)
        if Role.ilo in actor.roles and actor.officer_id
        else NONE
    )
    if actor.roles & {Role.dpo, Role.auditor} or any(actor.may(s) for s in RECORD_SCOPES):
        rows = of_organisation(org)
    else:
        rows = own_ilo
    subject_data = of_organisation(org) if actor.may(Scope.processing_read) else own_ilo
    export = of_organisation(org) if Role.dpo in actor.roles else subject_data
    return Visibility(
        "processing_record",
        rows=rows,
        fields=MappingProxyType({"subject_data": subject_data, "export": export}),
    )


def organisation_reader(actor: Actor) -> bool:
    """May the caller see its organisation's own events (processing records, transfers ...)?
    Exactly those who read some of its processing records."""
    return not processing_records(actor).rows.none


def events(actor: Actor) -> Visibility:
    """The change feed: network events for every participant; the organisation's own events
    for its readers of processing records (`organisation` field: the organisation events)."""
    refused = _scoped(actor, "event", Scope.events_read)
    if refused is not None:
        return refused
    own = of_organisation(actor.org) if organisation_reader(actor) else NONE
    return Visibility(
        "event",
        rows=ALL,
        fields=MappingProxyType({"organisation": own}),
        documents=document_audiences(actor),
    )


def subscription_events(
    organisation: str, *, organisation_reader: bool, document_reader: bool = False
) -> Visibility:
    """What a webhook subscription sees of the feed: what its creator saw (fixed at creation):
    network events, its organisation's own events for a reader of them, and platform documents'
    events by audience for a client that read documents (documents:read, organisation-level)."""
    own = of_organisation(organisation) if organisation_reader else NONE
    documents = None
    if document_reader:
        client = Actor(
            sub="webhook",
            org=organisation,
            roles=frozenset({Role.integration}),
            scopes=frozenset({Scope.documents_read}),
        )
        documents = document_audiences(client)
    return Visibility(
        "event", rows=ALL, fields=MappingProxyType({"organisation": own}), documents=documents
    )


def document_reader(actor: Actor) -> bool:
    """May a webhook subscription made by this client carry documents' events?"""
    return actor.may(Scope.documents_read)


def audit_events(actor: Actor) -> Visibility:
    """An auditor and a DPO read their own organisation's trail; the Commission's auditor, for
    the platform it maintains (Art. 9(1)), the whole trail (ACL-ROLE, docs/ROLES.md)."""
    if Role.auditor in actor.roles:
        return Visibility(
            "audit_event", rows=ALL if actor.org == COMMISSION else of_organisation(actor.org)
        )
    if Role.dpo in actor.roles:
        return Visibility("audit_event", rows=of_organisation(actor.org))
    return Visibility("audit_event", refusal="reading the audit trail needs role auditor or dpo")


def record_logs(actor: Actor) -> Visibility:
    """A record's logs exported for the supervisory authority (LED Art. 25(3)): the DPO of the
    controller organisation, the supervisory authority's contact point (ACL-ROLE)."""
    if Role.dpo in actor.roles:
        return Visibility("record_log", rows=of_organisation(actor.org))
    return Visibility("record_log", refusal="exporting a record's logs needs role dpo")


def audit_proof(actor: Actor) -> Visibility:
    """The integrity proof walks the whole chain: auditors, and the witnesses' clients (scope
    audit:witness) that cosign its checkpoints (ACL-ROLE)."""
    if Role.auditor in actor.roles or actor.may(Scope.audit_witness):
        return Visibility("audit_proof", rows=ALL)
    return Visibility(
        "audit_proof", refusal="verifying the audit chain needs role auditor or scope audit:witness"
    )


def audit_log(actor: Actor) -> Visibility:
    """The whole log's entries, every organisation's events byte for byte (what recomputes the
    tree): for who reads the whole trail, the Commission's auditor (Art. 9(1), ACL-ROLE)."""
    if audit_events(actor).rows.all:
        return Visibility("audit_log", rows=ALL)
    return Visibility(
        "audit_log",
        refusal="the whole audit log's entries are every organisation's events: the "
        "Commission's auditor reads them",
    )


def webhooks(actor: Actor) -> Visibility:
    """An organisation's own subscriptions; an integration needs webhooks:write."""
    refused = _scoped(actor, "webhook", Scope.webhooks_write)
    return refused or Visibility("webhook", rows=of_organisation(actor.org))


def networks(actor: Actor) -> Visibility:
    """Every participant sees networks, their members and facilitators (ILO-5.1, 5.2); the
    associated officers of non-Member States (personal data) only the Art. 9(3) contact-list
    roles, as officers' contact details (ILO-9.3). An integration needs board:read."""
    refused = _scoped(actor, "network", Scope.board_read)
    if refused is not None:
        return refused
    associated = ALL if actor.roles & CONTACT_LIST_ROLES else NONE
    return Visibility(
        "network", rows=ALL, fields=MappingProxyType({"associated_officers": associated})
    )


def network_meetings(actor: Actor) -> Visibility:
    """Network meetings are read by every participant (an integration with board:read)."""
    refused = _scoped(actor, "network_meeting", Scope.board_read)
    return refused or Visibility("network_meeting", rows=ALL)


def ad_hoc_actions(actor: Actor) -> Visibility:
    """The Board's ad-hoc actions are read by every participant (integration: board:read)."""
    refused = _scoped(actor, "ad_hoc_action", Scope.board_read)
    return refused or Visibility("ad_hoc_action", rows=ALL)


# --- Steering Board (Art. 7, 8) ----------------------------------------------------------------


def _board_refusal(actor: Actor, kind: str) -> Visibility | None:
    """The Parliament reads only what is sent to it (work programmes, activity reports); an
    integration needs board:read."""
    if actor.roles == {Role.ep_reader}:
        return Visibility(kind, refusal=f"the European Parliament does not read {kind}")
    return _scoped(actor, kind, Scope.board_read)


def board(actor: Actor) -> Visibility:
    """The Board's records for every participant (deploying authorities forward its decisions);
    the names in the list of deployed ILOs (`names`) for the Art. 9(3) contact-list roles."""
    refused = _board_refusal(actor, "board")
    if refused is not None:
        return refused
    names = ALL if actor.roles & CONTACT_LIST_ROLES else NONE
    return Visibility("board", rows=ALL, fields=MappingProxyType({"names": names}))


def board_members(actor: Actor) -> Visibility:
    """Who holds which seat, for every participant; the holders' names and contact details
    (`personal`, Art. 9(2)(c) and 9(3)) for ILOs, Board members and authorised staff."""
    refused = _board_refusal(actor, "board_member")
    if refused is not None:
        return refused
    personal = ALL if actor.roles & CONTACT_LIST_ROLES else NONE
    return Visibility("board_member", rows=ALL, fields=MappingProxyType({"personal": personal}))


def board_reports(actor: Actor) -> Visibility:
    """Work programmes and activity reports: every participant, and the European Parliament,
    to which they are sent (Art. 8(2)); an integration needs board:read."""
    refused = _scoped(actor, "board_report", Scope.board_read)
    return refused or Visibility("board_report", rows=ALL)


def statistics(actor: Actor) -> Visibility:
    """Aggregated, non-personal figures (Art. 12, Visa Code Art. 25a): for the Commission's
    people, and for an integration client holding statistics:read (ACL-ROLE)."""
    if actor.may(Scope.statistics_read):
        return Visibility("statistics", rows=ALL)
    if actor.org == COMMISSION and actor.roles - {Role.integration}:
        return Visibility("statistics", rows=ALL)
    return Visibility(
        "statistics",
        refusal="statistics are for the Commission or an integration with statistics:read",
    )


# Who reads its own organisation's exact figures (`scope=own`): its DPO, its deploying
# authority, and its integration holding statistics:read.
OWN_STATISTICS_ROLES = frozenset({Role.dpo, Role.deploying_authority})


def own_statistics(actor: Actor) -> Visibility:
    """The statistics of the caller's own organisation's rows only, exact (its identification
    requests, transfers and deployments): its own rows, which its DPO, deploying authority and
    statistics integration may read anyway; never another organisation's (ACL-ROLE)."""
    if actor.roles & OWN_STATISTICS_ROLES or actor.may(Scope.statistics_read):
        return Visibility("own_statistics", rows=of_organisation(actor.org))
    return Visibility(
        "own_statistics",
        refusal="an organisation's own figures are for its DPO, its deploying authority or its "
        "integration with statistics:read",
    )


def ropa(actor: Actor) -> Visibility:
    """GDPR-30.1: the record of processing activities of the DPO's own organisation."""
    if Role.dpo in actor.roles:
        return Visibility("ropa", rows=of_organisation(actor.org))
    return Visibility("ropa", refusal="the record of processing activities is the DPO's: role dpo")


def reference_impacts(actor: Actor) -> Visibility:
    """The impact of a reference-data change: a Commission reference admin sees every
    organisation's counts, a DPO its own organisation's flows in detail (`flows`)."""
    if Role.reference_admin in actor.roles and actor.org == "COM":
        return Visibility("reference_impact", rows=ALL)
    if Role.dpo in actor.roles:
        own = of_organisation(actor.org)
        return Visibility("reference_impact", rows=own, fields=MappingProxyType({"flows": own}))
    return Visibility(
        "reference_impact",
        refusal="the impact of a reference change is for a COM reference_admin or a DPO",
    )


def documents(actor: Actor) -> Visibility:
    """Platform documents by audience (app/policies/document.py `document_audiences`); `rows`
    are the caller's organisation's own uploads. An integration needs documents:read."""
    refused = _scoped(actor, "document", Scope.documents_read)
    if refused is not None:
        return refused
    seen = document_audiences(actor)
    if not (seen.everything or seen.audiences or seen.ep_categories or seen.network_member):
        return Visibility("document", refusal="reading platform documents needs a network role")
    rows = ALL if seen.everything else AUDIENCE_ONLY
    if seen.organisation is not None and not seen.everything:
        rows = of_organisation(seen.organisation)
    return Visibility("document", rows=rows, documents=seen)


def ilo_contact_list(actor: Actor) -> Visibility:
    """Art. 9(2)(d), 9(3): ILOs, Board members and duly authorised staff (ILO-9.3), never the
    European Parliament (ILO-9.4) nor a machine client."""
    if actor.roles & CONTACT_LIST_ROLES:
        return Visibility("ilo_contact_list", rows=ALL)
    return Visibility(
        "ilo_contact_list",
        refusal="the ILO contact list is for ILOs, Steering Board members and authorised staff",
    )


def board_member_list(actor: Actor) -> Visibility:
    """Art. 9(2)(c), 9(3): the Board-members list for ILOs, Board members and duly authorised
    staff (ILO-9.3), never the European Parliament (ILO-9.4) nor a machine client."""
    if actor.roles & CONTACT_LIST_ROLES:
        return Visibility("board_member_list", rows=ALL)
    return Visibility(
        "board_member_list",
        refusal="the Board-members list is for ILOs, Steering Board members and authorised staff",
    )


READ_POLICIES = MappingProxyType(
    {
        "organisation": organisations,
        "reference_data": reference_data,
        "policy": policy,
        "authority": authorities,
        "officer": officers,
        "deployment": deployments,
        "processing_record": processing_records,
        "event": events,
        "audit_event": audit_events,
        "audit_proof": audit_proof,
        "audit_log": audit_log,
        "record_log": record_logs,
        "webhook": webhooks,
        "network": networks,
        "network_meeting": network_meetings,
        "ad_hoc_action": ad_hoc_actions,
        "board": board,
        "board_member": board_members,
        "board_report": board_reports,
        "statistics": statistics,
        "own_statistics": own_statistics,
        "ropa": ropa,
        "reference_impact": reference_impacts,
        "document": documents,
        "ilo_contact_list": ilo_contact_list,
        "board_member_list": board_member_list,
    }
)
