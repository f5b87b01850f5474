"""The vocabularies of the cooperation networks of ILOs (Art. 5) and their ad-hoc actions."""

from enum import StrEnum


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
