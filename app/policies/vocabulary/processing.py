"""The vocabularies of personal-data processing (Art. 10): the purposes, the categories of data
and of data subjects, the subject-data fields, erasure, and the controller's data-protection law."""

from enum import StrEnum


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
