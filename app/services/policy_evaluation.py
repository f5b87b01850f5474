"""POST /v1/policy/evaluate: the Decision a real write would get, with nothing stored.

Each evaluable action loads its facts exactly as its write path does (the same service
functions), so a dry run and the real write cannot disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.writer import Writer, combine
from app.keyring import Keyring
from app.policies import AuthorityFacts, Decision, OfficerFacts, evaluate
from app.problems import ValidationFailed
from app.schemas.authority import AuthorityCreate
from app.schemas.deployment import DeploymentAmend, DeploymentCreate, TransitionIn
from app.schemas.officer import OfficerCreate
from app.schemas.policy import EvaluateIn
from app.schemas.processing_record import ProcessingRecordCreate
from app.schemas.share import ShareCreate
from app.schemas.transfer import TransferCreate
from app.schemas.webhook import WebhookCreate
from app.security import Principal
from app.services import authority, deployment, officer, processing_record, share, transfer, webhook

B = TypeVar("B", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class DryRun:
    """What an evaluator may use: the Writer only to audit purpose-bound reads (NR-1)."""

    writer: Writer
    keyring: Keyring
    settings: Settings

    @property
    def session(self) -> AsyncSession:
        return self.writer.session

    @property
    def principal(self) -> Principal:
        return self.writer.principal


Evaluator = Callable[[DryRun, uuid.UUID | None, dict[str, Any]], Awaitable[Decision]]


def parse(model: type[B], body: dict[str, Any]) -> B:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                {
                    "pointer": "/body/" + "/".join(str(p) for p in err["loc"]),
                    "in": "body",
                    "detail": err["msg"],
                }
                for err in exc.errors()
            ]
        ) from exc


def target(target_id: uuid.UUID | None) -> uuid.UUID:
    if target_id is None:
        raise ValidationFailed(
            [{"pointer": "/target_id", "in": "body", "detail": "this action needs target_id"}]
        )
    return target_id


async def _authority_create(run: DryRun, _: uuid.UUID | None, body: dict[str, Any]) -> Decision:
    parsed = parse(AuthorityCreate, body)
    facts = AuthorityFacts(actor=run.principal.actor(), authority_org=parsed.organisation)
    return evaluate("authority.create", facts)


async def _officer_create(run: DryRun, _: uuid.UUID | None, body: dict[str, Any]) -> Decision:
    session, principal = run.session, run.principal
    parsed = parse(OfficerCreate, body)
    owner = await authority.get_authority(session=session, authority_id=parsed.authority_id)
    facts = OfficerFacts(
        actor=principal.actor(), officer_org=owner.organisation, authority_org=owner.organisation
    )
    return evaluate("officer.create", facts)


async def _officer_update(
    run: DryRun, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    session, principal = run.session, run.principal
    existing = await officer.get_officer(session=session, officer_id=target(target_id))
    facts = OfficerFacts(
        actor=principal.actor(),
        officer_org=existing.organisation,
        authority_org=existing.organisation,
    )
    return combine(evaluate("officer.update", facts), evaluate("officer.update", facts))


async def _deployment_plan(run: DryRun, _: uuid.UUID | None, body: dict[str, Any]) -> Decision:
    session, principal = run.session, run.principal
    parsed = parse(DeploymentCreate, body)
    _officer, facts = await deployment.plan_facts(
        session=session, actor=principal.actor(), body=parsed
    )
    return evaluate("deployment.plan", facts)


async def _deployment_amend(
    run: DryRun, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    session, principal = run.session, run.principal
    parsed = parse(DeploymentAmend, body)
    found = await deployment.get_deployment(session=session, deployment_id=target(target_id))
    before, after = await deployment.amend_facts(
        session=session, actor=principal.actor(), deployment=found, body=parsed
    )
    return combine(evaluate("deployment.amend", before), evaluate("deployment.amend", after))


async def _deployment_transition(
    run: DryRun, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    session, principal = run.session, run.principal
    parsed = parse(TransitionIn, body)
    found = await deployment.get_deployment(session=session, deployment_id=target(target_id))
    facts = deployment.transition_facts(actor=principal.actor(), deployment=found, body=parsed)
    return evaluate("deployment.transition", facts)


async def _share_record(run: DryRun, target_id: uuid.UUID | None, body: dict[str, Any]) -> Decision:
    session, principal = run.session, run.principal
    parsed = parse(ShareCreate, body)
    record = await processing_record.get_visible_record(
        session=session, principal=principal, record_id=target(target_id)
    )
    return await share.decide_share(
        session=session, principal=principal, record=record, body=parsed
    )


async def _processing_record_create(
    run: DryRun, _: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(ProcessingRecordCreate, body)
    context = await processing_record.record_facts(
        session=run.session,
        actor=run.principal.actor(),
        body=parsed,
        max_retention_days=run.settings.retention_max_days,
    )
    return evaluate("processing_record.create", context.facts)


async def _transfer_record(
    run: DryRun, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    parsed = parse(TransferCreate, body)
    record = await processing_record.get_visible_record(
        session=run.session, principal=run.principal, record_id=target(target_id)
    )
    transfer.require_not_erased(record)
    return await transfer.decide_transfer(
        writer=run.writer, record=record, body=parsed, keyring=run.keyring
    )


async def _webhook_create(run: DryRun, _: uuid.UUID | None, body: dict[str, Any]) -> Decision:
    parsed = parse(WebhookCreate, body)
    webhook.check_url(parsed.url, run.settings)
    organisation = parsed.organisation or run.principal.org
    return evaluate("webhook.create", webhook.webhook_facts(run.principal, organisation))


async def _webhook_delete(
    run: DryRun, target_id: uuid.UUID | None, body: dict[str, Any]
) -> Decision:
    subscription = await webhook.get_subscription(
        session=run.session, principal=run.principal, subscription_id=target(target_id)
    )
    return evaluate(
        "webhook.delete", webhook.webhook_facts(run.principal, subscription.organisation)
    )


EVALUATORS: dict[str, Evaluator] = {
    "authority.create": _authority_create,
    "officer.create": _officer_create,
    "officer.update": _officer_update,
    "deployment.plan": _deployment_plan,
    "deployment.amend": _deployment_amend,
    "deployment.transition": _deployment_transition,
    "processing_record.create": _processing_record_create,
    "transfer.record": _transfer_record,
    "share.record": _share_record,
    "webhook.create": _webhook_create,
    "webhook.delete": _webhook_delete,
}


async def dry_run(
    *, writer: Writer, keyring: Keyring, settings: Settings, request: EvaluateIn
) -> Decision:
    """The Decision for `request.action`; a resource the caller cannot see is a 404."""
    run = DryRun(writer, keyring, settings)
    return await EVALUATORS[request.action](run, request.target_id, request.body)
