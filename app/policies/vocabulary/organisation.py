"""Who takes part in the network: the participants and their authorities."""

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
