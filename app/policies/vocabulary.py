"""The closed vocabularies of the API (API.md "Vocabularies" and the enums of the OpenAPI
document), one StrEnum each.

The policies compare facts against these and the Pydantic schemas type their fields with them
(a field the document shows as an inline enum stays a Literal, so that the document keeps its
shape); tests/test_openapi_vocabulary.py checks that every enum of the OpenAPI document is
exactly one of them. Values are the wire values; a member's name is its value where that is a
Python identifier. The enums that are OpenAPI components carry comments, not docstrings: a
docstring would become the component's description in the document.
"""

from enum import StrEnum


# A participant of the network (app/reference/participants.json).
class OrganisationKind(StrEnum):
    member_state = "member_state"
    schengen_associated = "schengen_associated"
    commission = "commission"
    eu_agency = "eu_agency"
    european_parliament = "european_parliament"


# A national or Union authority under an organisation; police + smuggling_trafficking → led.
class AuthorityKind(StrEnum):
    immigration = "immigration"
    police = "police"
    border_guard = "border_guard"
    consular = "consular"
    asylum = "asylum"
    union_body = "union_body"
    other = "other"


# Where an ILO is deployed (Art. 2(2)(a)-(d)).
class PostingType(StrEnum):
    member_state_mission = "member_state_mission"
    third_country_authority = "third_country_authority"
    international_organisation = "international_organisation"
    union_delegation = "union_delegation"


class DeploymentStatus(StrEnum):
    planned = "planned"
    deployed = "deployed"
    ended = "ended"
    cancelled = "cancelled"


class TransitionTarget(StrEnum):
    """The statuses a transition may ask for (a deployment is created as planned)."""

    deployed = DeploymentStatus.deployed.value
    ended = DeploymentStatus.ended.value
    cancelled = DeploymentStatus.cancelled.value


# The information topics of Art. 3(4)(a)-(l).
class InformationTopic(StrEnum):
    a_border_management = "a_border_management"
    b_migration_flows = "b_migration_flows"
    c_routes = "c_routes"
    d_criminal_organisations = "d_criminal_organisations"
    e_incidents = "e_incidents"
    f_document_fraud = "f_document_fraud"
    g_assistance_to_authorities = "g_assistance_to_authorities"
    h_pre_departure_integration = "h_pre_departure_integration"
    i_return_readmission = "i_return_readmission"
    j_access_to_protection = "j_access_to_protection"
    k_legal_migration = "k_legal_migration"
    l_capacity_and_law = "l_capacity_and_law"


# The tasks of Art. 3(6)(a)-(d): the only purposes of personal-data processing.
class Purpose(StrEnum):
    return_ = "return"
    resettlement = "resettlement"
    legal_migration = "legal_migration"
    smuggling_trafficking = "smuggling_trafficking"


# The categories of personal data of Art. 10(3)(a)-(e).
class DataCategory(StrEnum):
    a_return_identity = "a_return_identity"
    b_return_passenger_list = "b_return_passenger_list"
    c_legal_migration_identity = "c_legal_migration_identity"
    d_resettlement_identity = "d_resettlement_identity"
    e_smuggling_trafficking = "e_smuggling_trafficking"


class DataSubjectCategory(StrEnum):
    returnee = "returnee"
    resettlement_candidate = "resettlement_candidate"
    legal_migrant = "legal_migrant"
    victim_of_trafficking = "victim_of_trafficking"
    suspected_smuggler = "suspected_smuggler"
    witness = "witness"
    other = "other"


# Of a data subject (NR-1).
class ProtectionStatus(StrEnum):
    none = "none"
    return_decision = "return_decision"
    application_pending = "application_pending"
    protection_granted = "protection_granted"
    resettlement_candidate = "resettlement_candidate"


class SubjectRole(StrEnum):
    """The `role` subject-data field of category e_smuggling_trafficking."""

    suspect = "suspect"
    facilitator = "facilitator"
    victim = "victim"
    witness = "witness"


class Sex(StrEnum):
    """The `sex` subject-data field (ICAO Doc 9303)."""

    F = "F"
    M = "M"
    X = "X"


class ErasureReason(StrEnum):
    retention_expired = "retention_expired"
    no_longer_necessary = "no_longer_necessary"


# The data-protection law of a controller: Regulation 2016/679, 2018/1725 or Directive
# 2016/680.
class Regime(StrEnum):
    gdpr = "gdpr"
    eudpr = "eudpr"
    led = "led"


# The Chapter V basis a transfer relies on (which regime knows which: transfer_grounds).
class TransferBasis(StrEnum):
    adequacy = "adequacy"
    binding_instrument = "binding_instrument"
    administrative_arrangement = "administrative_arrangement"
    controller_assessment = "controller_assessment"
    public_interest = "public_interest"
    vital_interests = "vital_interests"
    specific_situation = "specific_situation"
    explicit_consent = "explicit_consent"
    contract = "contract"
    compelling_legitimate_interests = "compelling_legitimate_interests"


class SpecificSituation(StrEnum):
    """The situations of Directive 2016/680, Art. 38(1) (basis specific_situation)."""

    vital_interests = "vital_interests"
    subject_legitimate_interests = "subject_legitimate_interests"
    public_security_threat = "public_security_threat"
    individual_case_law_enforcement = "individual_case_law_enforcement"


class RecipientType(StrEnum):
    """The recipient of a transfer."""

    public_authority = "public_authority"
    international_organisation = "international_organisation"
    other = "other"


class InstrumentKind(StrEnum):
    """A transfer instrument: 46(2)(a)/48(2)(a)/37(1)(a), or an arrangement 46(3)(b)/48(3)(b)."""

    binding_instrument = "binding_instrument"
    administrative_arrangement = "administrative_arrangement"


class ReferenceKind(StrEnum):
    """The reference data a reference_admin edits (reference.update)."""

    adequacy_decision = "adequacy_decision"
    transfer_instrument = "transfer_instrument"


class ShareRecipientKind(StrEnum):
    """Who receives a share inside the Union (Art. 3(6)(d), recital 26)."""

    officer = "officer"
    network = "network"
    member_state_authority = "member_state_authority"


class Role(StrEnum):
    """The `roles` claim (API.md "Who calls")."""

    ilo = "ilo"
    deploying_authority = "deploying_authority"
    sb_member = "sb_member"
    sb_alternate = "sb_alternate"
    sb_chair = "sb_chair"
    sb_secretariat = "sb_secretariat"
    authorised_staff = "authorised_staff"
    ep_reader = "ep_reader"
    dpo = "dpo"
    auditor = "auditor"
    reference_admin = "reference_admin"
    integration = "integration"


class Scope(StrEnum):
    """The `scope` claim of an integration client."""

    officers_read = "officers:read"
    officers_write = "officers:write"
    deployments_read = "deployments:read"
    deployments_write = "deployments:write"
    processing_read = "processing:read"
    processing_write = "processing:write"
    transfers_write = "transfers:write"
    documents_read = "documents:read"
    documents_write = "documents:write"
    board_read = "board:read"
    board_write = "board:write"
    events_read = "events:read"
    webhooks_write = "webhooks:write"
    statistics_read = "statistics:read"


class TraceResult(StrEnum):
    """What a rule did in a Decision's trace."""

    pass_ = "pass"  # noqa: S105 (a trace result, not a secret)
    fail = "fail"
    not_applicable = "not_applicable"


# A cooperation network of ILOs (Art. 5(1)): one host country, or several.
class NetworkKind(StrEnum):
    local = "local"
    regional = "regional"


# Who facilitates a network, in the order of Art. 5(2) (ILO-5.2).
class FacilitatorBasis(StrEnum):
    commission = "commission"
    eu_agency = "eu_agency"
    agreed = "agreed"


# The tasks of a network (Art. 5(1)): the closed list of its meetings' topics.
class NetworkTask(StrEnum):
    experience_exchange = "experience_exchange"
    carrier_positions = "carrier_positions"
    joint_training = "joint_training"
    consular_briefings = "consular_briefings"
    risk_analyses = "risk_analyses"
    similar_networks = "similar_networks"


# An ad-hoc action the Steering Board assigns to a network (ILO-8.3).
class AdHocActionStatus(StrEnum):
    assigned = "assigned"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


# --- Steering Board (Art. 7, 8) ----------------------------------------------------------------


# A Steering Board seat (Art. 7(2)-(4)): a member, a Member State's alternate, or an observer.
class BoardSeatRole(StrEnum):
    member = "member"
    alternate = "alternate"
    observer = "observer"


# A vote on a Board decision.
class BoardVote(StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


# How a vote is cast: by the member or its alternate in person, or by another member (proxy).
class VoteMode(StrEnum):
    in_person = "in_person"
    proxy = "proxy"


# What ILO-7.8 derives from the votes, the voting seats and the rules of procedure.
class DecisionOutcome(StrEnum):
    adopted = "adopted"
    not_adopted = "not_adopted"
    no_quorum = "no_quorum"


# A priority host country's ILO coverage (Art. 8(2)(e)).
class CoverageStatus(StrEnum):
    uncovered = "uncovered"
    expiring = "expiring"
    covered = "covered"


# The categories of platform content of Art. 9(2)(a)-(e), and ILO information reports (3(4)).
class DocumentCategory(StrEnum):
    a_analytical_product = "a_analytical_product"
    b_programme_or_report = "b_programme_or_report"
    c_board_member_list = "c_board_member_list"
    d_ilo_contact_list = "d_ilo_contact_list"
    e_board_document = "e_board_document"
    ilo_information_report = "ilo_information_report"


# The answer of a third country's authority to an identification request (Visa Code Art. 25a).
class IdentificationOutcome(StrEnum):
    confirmed = "confirmed"
    not_confirmed = "not_confirmed"
    no_answer = "no_answer"


# A section of the aggregated statistics (GET /v1/statistics/{section}).
class StatisticsSectionName(StrEnum):
    readmission = "readmission"
    deployments = "deployments"
    transfers = "transfers"


class WithheldReason(StrEnum):
    """Why a statistics figure is withheld (app/policies/disclosure.py). `count` does not say
    whether the count is small or withheld to protect another: saying so would give the small
    ones away."""

    cell = "count"  # a count withheld (small, or complementary to a small one)
    period = "period"  # a count over a period of which a month is withheld
    base = "base"  # a rate or median over a withheld count


# How a statistics route answers (besides the Accept header): csv for the tables, html for the
# readmission sheet.
class StatisticsFormat(StrEnum):
    json = "json"
    csv = "csv"
    html = "html"


class RestrictionGround(StrEnum):
    """GDPR Art. 18(1) (EUDPR Art. 20(1), LED Art. 16(3)): why processing is restricted."""

    a_accuracy_contested = "a"
    b_unlawful_erasure_opposed = "b"
    c_needed_for_legal_claims = "c"
    d_objection_pending = "d"


class RestrictedUse(StrEnum):
    """GDPR Art. 18(2): the grounds on which restricted data are processed beyond storage."""

    consent = "consent"
    legal_claims = "legal_claims"
    protection_of_rights = "protection_of_rights"
    important_public_interest = "important_public_interest"


class NotificationCause(StrEnum):
    """GDPR Art. 19: what is communicated to each recipient of a record's data."""

    rectification = "rectification"
    erasure = "erasure"
    restriction = "restriction"


class ReferenceChangeKind(StrEnum):
    """A proposed change of the transfer reference data (the impact analysis)."""

    adequacy_ended = "adequacy_ended"
    adequacy_narrowed = "adequacy_narrowed"
    instrument_withdrawn = "instrument_withdrawn"
    instrument_added = "instrument_added"


class ExchangeKind(StrEnum):
    """Where a record's data went (GDPR Art. 19 recipients): a transfer or a share."""

    transfer = "transfer"
    share = "share"


class RopaFormat(StrEnum):
    """The renderings of the record of processing activities."""

    json = "json"
    csv = "csv"
    html = "html"


class BatchMode(StrEnum):
    """How a batch of creations is written: all in one transaction, or each item on its own."""

    all_or_nothing = "all_or_nothing"
    per_item = "per_item"


class BatchOutcome(StrEnum):
    """What became of one item of a batch."""

    created = "created"  # written (and committed with the batch)
    allowed = "allowed"  # dry run: the write would be allowed, nothing stopping it
    denied = "denied"  # refused by policy (403): the Decision says why
    failed = "failed"  # stopped otherwise (404, 409, 412, 422): the problem says why
    rolled_back = "rolled_back"  # all_or_nothing: allowed, undone because another item failed


# Who a platform document is for (ILO-9.3, ILO-9.4).
class DocumentAudience(StrEnum):
    network = "network"
    all_ilos = "all_ilos"
    steering_board = "steering_board"
    european_parliament = "european_parliament"


# The handling marking of a platform document: nothing on the platform is restricted to law
# enforcement (ILO-9.1); `limited` keeps it inside its audience.
class HandlingMarking(StrEnum):
    public = "public"
    limited = "limited"


class ContentEncoding(StrEnum):
    """How a platform document's file travels in JSON (`content_encoding`)."""

    utf_8 = "utf-8"
    base64 = "base64"


class WebhookDeliveryStatus(StrEnum):
    """Where one delivery of a feed event to a subscription stands."""

    pending = "pending"
    delivered = "delivered"
    failed = "failed"
