"""Batches of creations: up to BATCH_MAX officers or deployments in one request."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from app.policies.vocabulary import BatchMode, BatchOutcome
from app.schemas.common import StrictInput
from app.schemas.deployment import DeploymentCreate
from app.schemas.officer import OfficerCreate
from app.schemas.policy import DecisionOut

BATCH_MAX = 500


class OfficerBatchIn(StrictInput):
    items: list[OfficerCreate] = Field(min_length=1, max_length=BATCH_MAX)


class DeploymentBatchIn(StrictInput):
    items: list[DeploymentCreate] = Field(min_length=1, max_length=BATCH_MAX)


class ItemProblemOut(BaseModel):
    """Why an item was not written, as the single route's problem would say it."""

    type: str
    title: str
    status: int
    detail: str


class BatchItemOut(BaseModel):
    index: int = Field(description="The item's position in the request (from 0)")
    outcome: BatchOutcome
    status: int = Field(description="What the single route would have answered for the item")
    id: uuid.UUID | None = Field(description="The created resource (outcome created)")
    external_reference: str | None
    decision: DecisionOut | None = Field(
        description="The item's Decision (none when it was stopped before one was taken)"
    )
    problem: ItemProblemOut | None = None


class BatchOut(BaseModel):
    mode: BatchMode
    dry_run: bool
    committed: bool = Field(description="Whether anything of the batch was written")
    created: int = Field(description="How many items were written")
    items: list[BatchItemOut]
