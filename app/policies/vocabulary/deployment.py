"""The vocabularies of a deployment (Art. 2(2), 3(4)): where an ILO is posted, the
deployment's status and transitions, and the information topics of the job."""

from enum import StrEnum


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
