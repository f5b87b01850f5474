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


class Action(StrEnum):
    """Every guarded action (app/policies/actions.py declares each; the registry loads it)."""

    adequacy_decision_create = "adequacy_decision.create"
    adequacy_decision_replace = "adequacy_decision.replace"
    authority_create = "authority.create"
    deployment_amend = "deployment.amend"
    deployment_plan = "deployment.plan"
    deployment_transition = "deployment.transition"
    officer_contact_erase = "officer.contact_erase"
    officer_create = "officer.create"
    officer_update = "officer.update"
    processing_record_create = "processing_record.create"
    processing_record_erase = "processing_record.erase"
    processing_record_expire = "processing_record.expire"
    share_record = "share.record"
    transfer_record = "transfer.record"
    transfer_instrument_create = "transfer_instrument.create"
    transfer_instrument_replace = "transfer_instrument.replace"
    webhook_create = "webhook.create"
    webhook_delete = "webhook.delete"
    webhook_rotate_secret = "webhook.rotate_secret"  # noqa: S105 (an action name)
    webhook_enable = "webhook.enable"
    webhook_redeliver = "webhook.redeliver"


class WebhookEventType(StrEnum):
    """The change-feed event types a subscription may ask for (audit-only actions are not)."""

    authority_created = "authority.created"
    officer_created = "officer.created"
    officer_updated = "officer.updated"
    officer_contact_erased = "officer.contact_erased"
    deployment_planned = "deployment.planned"
    deployment_amended = "deployment.amended"
    deployment_deployed = "deployment.deployed"
    deployment_ended = "deployment.ended"
    deployment_cancelled = "deployment.cancelled"
    processing_record_created = "processing_record.created"
    processing_record_erased = "processing_record.erased"
    transfer_recorded = "transfer.recorded"
    share_recorded = "share.recorded"
    reference_updated = "reference.updated"
    webhook_created = "webhook.created"
    webhook_deleted = "webhook.deleted"
    webhook_secret_rotated = "webhook.secret_rotated"  # noqa: S105 (an event type)
    webhook_enabled = "webhook.enabled"


class WebhookDeliveryStatus(StrEnum):
    """Where one delivery of a feed event to a subscription stands."""

    pending = "pending"
    delivered = "delivered"
    failed = "failed"
