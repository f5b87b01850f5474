"""Participants of the network (read-only reference data)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.policies.vocabulary import OrganisationKind


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="Organisation code: ISO 3166-1 alpha-2 for states, else COM …")
    name: str
    kind: OrganisationKind
    country: str | None
    bound_by_regulation: bool
    board_seats: int = Field(description="Steering Board members it appoints (Art. 7(2)-(3)).")
    alternate_seats: int
    voting_right: bool
    former_name: str | None
    participation: str
