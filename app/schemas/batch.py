"""Batches of creations: up to BATCH_MAX officers or deployments in one request."""

import uuid

from pydantic import ConfigDict, Field

from app.bounds import Label, Message
from app.deferred_models import DeferredModel
from app.policies.vocabulary import BatchMode, BatchOutcome
from app.schemas.common import Column100, StrictInput
from app.schemas.deployment import DeploymentCreate
from app.schemas.officer import OfficerCreate
from app.schemas.policy import DecisionOut

BATCH_MAX = 500


_AUTHORITY = "0b7c6a8e-3f1d-4c2a-9e5b-7d4f2a1c8e90"
_OFFICER = "5f0e2d7a-8b3c-4e1f-a6d9-2c7b1e4f3a58"


class OfficerBatchIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "authority_id": _AUTHORITY,
                            "surname": "Jansen",
                            "given_names": "Eva",
                            "expertise": ["c_routes"],
                            "external_reference": "IND-ILO-0042",
                        }
                    ]
                }
            ]
        }
    )

    items: list[OfficerCreate] = Field(min_length=1, max_length=BATCH_MAX)


class DeploymentBatchIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "officer_id": _OFFICER,
                            "posting_type": "member_state_mission",
                            "host_country": "SN",
                            "city": "Dakar",
                            "tasks": ["return"],
                            "starts_on": "2026-01-05",
                            "ends_on": "2028-01-04",
                            "external_reference": "IND-DEP-2026-17",
                        }
                    ]
                }
            ]
        }
    )

    items: list[DeploymentCreate] = Field(min_length=1, max_length=BATCH_MAX)


class ItemProblemOut(DeferredModel):
    """Why an item was not written, as the single route's problem would say it."""

    type: Label
    title: Label
    status: int = Field(ge=400, le=599)
    detail: Message


class BatchItemOut(DeferredModel):
    index: int = Field(
        ge=0, lt=BATCH_MAX, description="The item's position in the request (from 0)"
    )
    outcome: BatchOutcome
    status: int = Field(
        ge=100, le=599, description="What the single route would have answered for the item"
    )
    id: uuid.UUID | None = Field(description="The created resource (outcome created)")
    external_reference: Column100 | None
    decision: DecisionOut | None = Field(
        description="The item's Decision (none when it was stopped before one was taken)"
    )
    problem: ItemProblemOut | None = None


class BatchOut(DeferredModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mode": "per_item",
                    "dry_run": False,
                    "committed": True,
                    "created": 1,
                    "items": [
                        {
                            "index": 0,
                            "outcome": "created",
                            "status": 201,
                            "id": _OFFICER,
                            "external_reference": "IND-ILO-0042",
                            "decision": None,
                            "problem": None,
                        }
                    ],
                }
            ]
        }
    )

    mode: BatchMode
    dry_run: bool
    committed: bool = Field(description="Whether anything of the batch was written")
    created: int = Field(ge=0, le=BATCH_MAX, description="How many items were written")
    items: list[BatchItemOut] = Field(max_length=BATCH_MAX)
