"""The closed vocabularies of API.md, as enums (closed in OpenAPI)."""

from __future__ import annotations

from enum import StrEnum


class AuthorityKind(StrEnum):
    immigration = "immigration"
    police = "police"
    border_guard = "border_guard"
    consular = "consular"
    asylum = "asylum"
    union_body = "union_body"
    other = "other"


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


class Purpose(StrEnum):
    return_ = "return"
    resettlement = "resettlement"
    legal_migration = "legal_migration"
    smuggling_trafficking = "smuggling_trafficking"


class DataCategory(StrEnum):
    a_return_identity = "a_return_identity"
    b_return_passenger_list = "b_return_passenger_list"
    c_legal_migration_identity = "c_legal_migration_identity"
    d_resettlement_identity = "d_resettlement_identity"
    e_smuggling_trafficking = "e_smuggling_trafficking"


class Regime(StrEnum):
    gdpr = "gdpr"
    eudpr = "eudpr"
    led = "led"


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


class ProtectionStatus(StrEnum):
    none = "none"
    return_decision = "return_decision"
    application_pending = "application_pending"
    protection_granted = "protection_granted"
    resettlement_candidate = "resettlement_candidate"
