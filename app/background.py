"""Periodic maintenance run by every `serve` instance: seal the audit log, purge expired
idempotency keys, erase what is past retention, deliver webhooks. Each job is safe to run from
several instances at once (advisory locks, SKIP LOCKED), so no instance is special."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import audit, idempotency, webhooks
from app.db.audit_signer import log_signers
from app.services import retention_sweep, webhook_delivery

log = logging.getLogger("ilonet.background")

Job = Callable[[AsyncSession, Settings], Awaitable[int]]


async def sign_audit_checkpoint(session: AsyncSession, settings: Settings) -> int:
    """Sign the Merkle tree's head if it grew (a C2SP checkpoint witnesses then cosign). It
    seals no more than one of the sealer's batches first: a backlog is the sealer's, paced."""
    signers = log_signers(settings)
    _, signed_now = await audit.sign_checkpoint(session, signers, batch=SEAL_BATCH)
    return int(signed_now)


async def purge_idempotency_keys(session: AsyncSession, settings: Settings) -> int:
    return await idempotency.purge_expired(session)


async def sweep_retention(session: AsyncSession, settings: Settings) -> int:
    """One batch of erasures (ILO-10.2, ILO-9.3); a backlog drains over the next runs."""
    return (await retention_sweep.sweep_once(session=session, settings=settings)).total


async def fan_out_webhooks(session: AsyncSession, settings: Settings) -> int:
    """Queue new feed events for each subscription (SKIP LOCKED per subscription)."""
    return await webhook_delivery.fan_out(session=session, settings=settings)


@dataclass(frozen=True, slots=True)
class OwnTransactions:
    """A job that opens its own short transactions (it must hold none across network calls)."""

    run: Callable[[async_sessionmaker[AsyncSession], Settings], Awaitable[int]]


# The sealer's pace. A burst of writes (a closed loop's thousands in a few seconds) leaves a
# backlog; sealed in batches of a thousand back to back, its statements take the core that the
# requests share with PostgreSQL for a quarter of a second at a time. So a run seals SEAL_BATCH
# events per transaction and then rests SEAL_REST_RATIO times as long as that batch took (its
# wall time, queueing included: the busier the core, the longer the rest), for at most
# SEAL_RUN_SECONDS, then leaves the next run (5 s on) the rest. A catch-up thus takes at most
# a third of the core's time, and still seals thousands of events a second, far above the
# guarded write rate (BENCHMARKS.md, "Mixed load").
SEAL_BATCH = 250
SEAL_REST_RATIO = 2.0
SEAL_RUN_SECONDS = 4.0
_rest = asyncio.sleep  # the sealer's rest, one name for the tests to count its rests by


async def _seal_paced(maker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Seal until caught up (or SEAL_RUN_SECONDS), a batch per transaction, resting between."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    total = 0
    while True:
        batch_started = loop.time()
        async with maker() as session, session.begin():
            done = await audit.seal_pending(session, batch=SEAL_BATCH)
        total += done
        now = loop.time()
        if done < SEAL_BATCH or now - started >= SEAL_RUN_SECONDS:
            return total
        await _rest((now - batch_started) * SEAL_REST_RATIO)


seal_audit = OwnTransactions(_seal_paced)


async def _send_webhooks(maker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    return (await webhook_delivery.send_due(maker=maker, settings=settings)).total


# One batch of due deliveries, leased (SKIP LOCKED per delivery), sent with no transaction open.
send_webhooks = OwnTransactions(_send_webhooks)


async def purge_webhook_deliveries(session: AsyncSession, settings: Settings) -> int:
    """Delivered and failed deliveries older than webhook_delivery_retention_days, one batch
    (a single DELETE with SKIP LOCKED: each row purged once, by one instance)."""
    before = datetime.now(UTC) - timedelta(days=settings.webhook_delivery_retention_days)
    return await webhooks.purge_deliveries(
        session, before=before, limit=settings.webhook_batch_size * 20
    )


Interval = Callable[[Settings], float]

JOBS: list[tuple[str, Job | OwnTransactions, Interval]] = [
    ("audit.seal", seal_audit, lambda settings: 5.0),
    ("audit.checkpoint", sign_audit_checkpoint, lambda s: s.audit_checkpoint_interval_seconds),
    ("idempotency.purge", purge_idempotency_keys, lambda settings: 600.0),
    ("retention.sweep", sweep_retention, lambda settings: settings.sweep_interval_seconds),
    ("webhooks.fan_out", fan_out_webhooks, lambda settings: settings.webhook_interval_seconds),
    ("webhooks.send", send_webhooks, lambda settings: settings.webhook_interval_seconds),
    ("webhooks.purge", purge_webhook_deliveries, lambda settings: 600.0),
]


async def run_job(
    maker: async_sessionmaker[AsyncSession], settings: Settings, job: Job | OwnTransactions
) -> int:
    if isinstance(job, OwnTransactions):
        return await job.run(maker, settings)
    async with maker() as session, session.begin():
        return await job(session, settings)


async def maintenance_loop(maker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """Run each job at its interval until cancelled; a failing job is logged and retried."""
    next_run = dict.fromkeys((name for name, _, _ in JOBS), 0.0)
    loop = asyncio.get_running_loop()
    while True:
        now = loop.time()
        for name, job, interval in JOBS:
            if now < next_run[name]:
                continue
            next_run[name] = now + interval(settings)
            try:
                done = await run_job(maker, settings, job)
                if done:
                    log.info("maintenance", extra={"event": f"{name}: {done}"})
            except Exception:
                log.exception("maintenance job failed", extra={"event": name})
        await asyncio.sleep(1.0)
