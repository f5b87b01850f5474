"""Loading existing cases: up to BATCH_MAX processing records, each with the transfers it made
and the answers to them, in one request (`POST /v1/processing-records:batch`)."""

import uuid

from pydantic import Field

from app.deferred_models import DeferredModel
from app.policies.vocabulary import BatchMode, BatchOutcome
from app.schemas.batch import BATCH_MAX, BatchItemOut, ItemProblemOut
from app.schemas.common import StrictInput
from app.schemas.policy import DecisionOut
from app.schemas.processing_record import ProcessingRecordCreate
from app.schemas.transfer import TransferCreate
from app.schemas.transfer_follow_up import TransferFollowUpIn

TRANSFERS_MAX = 50


class PastTransferIn(StrictInput):
    transfer: TransferCreate = Field(description="The body of POST .../transfers, dated")
    follow_up: TransferFollowUpIn | None = Field(
        default=None, description="The authority's answer, as POST .../follow-up takes it"
    )


class CaseIn(StrictInput):
    record: ProcessingRecordCreate = Field(
        description="The body of POST /v1/processing-records; began_on when it began"
    )
    transfers: list[PastTransferIn] = Field(default_factory=list, max_length=TRANSFERS_MAX)


class CaseBatchIn(StrictInput):
    items: list[CaseIn] = Field(min_length=1, max_length=BATCH_MAX)

    @property
    def size(self) -> int:
        """What the batch costs: its records, transfers and answers."""
        return sum(
            1 + len(i.transfers) + sum(1 for t in i.transfers if t.follow_up) for i in self.items
        )


class StepOut(DeferredModel):
    """A transfer or an answer of a case: its own outcome, status and Decision."""

    index: int = Field(
        ge=0, lt=TRANSFERS_MAX, description="Its position in the case's transfers (from 0)"
    )
    outcome: BatchOutcome = Field(
        description="created; allowed (dry run); reported (a refused transfer: not written as "
        "a transfer, reported to the controller's DPO with its violations); skipped (not "
        "attempted: its record or transfer is not written); rolled_back; denied; failed"
    )
    status: int = Field(ge=100, le=599, description="What the single route would have answered")
    id: uuid.UUID | None = Field(default=None, description="The row written")
    decision: DecisionOut | None = None
    problem: ItemProblemOut | None = None


class TransferStepOut(StepOut):
    follow_up: StepOut | None = None


class CaseItemOut(BatchItemOut):
    transfers: list[TransferStepOut] = Field(
        max_length=TRANSFERS_MAX,
        description="Each transfer of the case, with its answer, in the order given",
    )


class CaseBatchOut(DeferredModel):
    mode: BatchMode
    dry_run: bool
    committed: bool = Field(description="Whether anything of the batch was written")
    created: int = Field(ge=0, le=BATCH_MAX, description="How many records were written")
    reported: int = Field(
        ge=0, le=BATCH_MAX * TRANSFERS_MAX, description="How many refused transfers were reported"
    )
    items: list[CaseItemOut] = Field(max_length=BATCH_MAX)
