"""Deploying authorities under an organisation."""

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from app.deferred_models import DeferredModel
from app.policies.vocabulary import AuthorityKind
from app.schemas.common import Column200, OrganisationCode, ShortText, StrictInput


class AuthorityCreate(StrictInput):
    organisation: str = Field(min_length=1, max_length=16, description="Organisation code")
    name: ShortText
    authority_kind: AuthorityKind


class AuthorityOut(DeferredModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation: OrganisationCode
    name: Column200
    authority_kind: AuthorityKind
    created_at: datetime
