"""The Writer and its tripwires: no row changes unless the Writer decided and recorded it.

Every test runs in the rolled-back test transaction (the `session` fixture), as the app role.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import write_set
from app.db.guard import WRITER_OPTION, UnauthorisedWrite, authorise
from app.db.writer import Change, NewRow, Prepared, RowUpdate, Writer
from app.models import AuditEvent, Authority, Organisation, OutboxEvent
from app.policies import ActionPolicy, AuthorityFacts, Decision
from app.policies import authority as authority_law
from app.problems import Conflict, PolicyDenied
from app.security import Principal
from tests.conftest import TEST_ISSUER

NL_DEPLOYER = Principal(
    iss=TEST_ISSUER,
    sub="nl-deployer",
    org="NL",
    roles=frozenset({"deploying_authority"}),
    officer_id=None,
    scopes=frozenset(),
)
FR_DEPLOYER = Principal(
    iss=TEST_ISSUER,
    sub="fr-deployer",
    org="FR",
    roles=frozenset({"deploying_authority"}),
    officer_id=None,
    scopes=frozenset(),
)
AUTHORITY_CREATED = Change(
    event_type="authority.created", resource_type="authority", organisation="NL"
)


def nl_authority(name: str = "IND") -> Authority:
    return Authority(id=uuid.uuid4(), organisation="NL", name=name, authority_kind="immigration")


async def count(session: AsyncSession, model: type[AuditEvent | OutboxEvent | Authority]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@dataclass(frozen=True)
class Act:
    """A guarded action's entry as the Writer runs it: here its loader answers the facts given
    and its build is the test's function of the Decision."""

    name: str = "authority.create"
    resource: str = "authority"
    events: frozenset[str] = frozenset({"authority.created", "authority.updated"})
    policy: ActionPolicy = authority_law.AUTHORITY_CREATE
    facts: Prepared[Any] | None = None
    make: Callable[[Decision], NewRow[Any] | RowUpdate[Any]] | None = None
    then: None = None
    makes: str = "row"

    async def load(self, context: object, target: object, body: object) -> Prepared[Any]:
        assert self.facts is not None
        return self.facts

    def build(
        self, context: object, loaded: object, body: object, decision: Decision
    ) -> NewRow[Any] | RowUpdate[Any]:
        assert self.make is not None
        return self.make(decision)


AUTHORITY_CREATE = Act()


async def perform(
    writer: Writer,
    facts: Prepared[Any],
    make: Callable[[Decision], NewRow[Any] | RowUpdate[Any]],
    makes: str = "row",
) -> Any:
    """`Writer.perform` of AUTHORITY_CREATE on these facts, building with `make`."""
    act = replace(AUTHORITY_CREATE, facts=facts, make=make, makes=makes)
    return await writer.perform(act, None, None, None)


def prepared(principal: Principal, organisation: str = "NL") -> Prepared[AuthorityFacts]:
    return Prepared(AuthorityFacts(actor=principal.actor(), authority_org=organisation))


async def create_authority(
    writer: Writer, authority: Authority, *, principal: Principal = NL_DEPLOYER
) -> Authority:
    created: Authority = await perform(
        writer,
        prepared(principal, authority.organisation),
        lambda _: NewRow(authority, AUTHORITY_CREATED),
    )
    return created


# --- before_flush: new, changed and deleted instances ---------------------------------------


async def test_adding_a_row_outside_the_writer_is_refused(session: AsyncSession) -> None:
    session.add(nl_authority())
    with pytest.raises(UnauthorisedWrite, match="Authority was written outside the Writer"):
        await session.flush()


async def test_adding_an_organisation_outside_the_writer_is_refused(
    session: AsyncSession,
) -> None:
    session.add(
        Organisation(
            code="XX",
            name="Nowhere",
            kind="member_state",
            country=None,
            bound_by_regulation=True,
            board_seats=1,
            alternate_seats=1,
            voting_right=True,
            former_name=None,
            participation="none",
        )
    )
    with pytest.raises(UnauthorisedWrite, match="Organisation"):
        await session.flush()


async def test_changing_a_loaded_row_outside_the_writer_is_refused(
    session: AsyncSession,
) -> None:
    netherlands = await session.get(Organisation, "NL")
    assert netherlands is not None
    netherlands.name = "x"
    with pytest.raises(UnauthorisedWrite, match="Organisation"):
        await session.flush()
    await session.rollback()
    assert await session.scalar(select(Organisation.name).where(Organisation.code == "NL")) == (
        "Netherlands"
    )


async def test_setting_an_attribute_to_its_own_value_is_not_a_write(
    session: AsyncSession,
) -> None:
    """Only real modifications trip the wire: a no-op assignment flushes fine."""
    netherlands = await session.get(Organisation, "NL")
    assert netherlands is not None
    netherlands.name = netherlands.name
    await session.flush()


async def test_deleting_a_row_outside_the_writer_is_refused(session: AsyncSession) -> None:
    netherlands = await session.get(Organisation, "NL")
    assert netherlands is not None
    await session.delete(netherlands)
    with pytest.raises(UnauthorisedWrite, match="Organisation"):
        await session.flush()


async def test_an_authorisation_covers_one_flush_only(session: AsyncSession) -> None:
    """The Writer's mark is spent by the flush it was given for; a later change is refused."""
    authority = nl_authority()
    session.add(authorise(session, authority))
    await session.flush()
    authority.name = "changed afterwards"
    with pytest.raises(UnauthorisedWrite, match="Authority"):
        await session.flush()


async def test_a_stray_row_cannot_ride_along_with_a_writer_flush(session: AsyncSession) -> None:
    """An unmarked instance pending in the session makes the Writer's own flush fail."""
    session.add(nl_authority("smuggled"))
    writer = Writer(session, NL_DEPLOYER, request_id="req-stray")
    with pytest.raises(UnauthorisedWrite):
        await create_authority(writer, nl_authority())


# --- do_orm_execute: bulk statements -----------------------------------------------------------


async def test_bulk_orm_update_outside_the_writer_is_refused(session: AsyncSession) -> None:
    with pytest.raises(UnauthorisedWrite, match="Bulk"):
        await session.execute(update(Organisation).values(name="x"))


async def test_bulk_orm_insert_outside_the_writer_is_refused(session: AsyncSession) -> None:
    with pytest.raises(UnauthorisedWrite, match="Bulk"):
        await session.execute(
            insert(OutboxEvent).values(
                type="x.y",
                resource_type="x",
                resource_id="1",
                organisation="NL",
                visibility="network",
            )
        )


async def test_bulk_orm_update_with_the_writer_mark_runs(session: AsyncSession) -> None:
    result = await session.execute(
        update(Organisation)
        .where(Organisation.code == "NL")
        .values(name="x")
        .execution_options(**{WRITER_OPTION: True})
    )
    assert getattr(result, "rowcount", None) == 1
    assert await session.scalar(select(Organisation.name).where(Organisation.code == "NL")) == "x"


async def test_reads_and_raw_sql_reads_pass_the_bulk_tripwire(session: AsyncSession) -> None:
    assert await session.scalar(select(func.count()).select_from(Organisation))
    assert await session.scalar(text("SELECT 1")) == 1


# --- Writer.perform ----------------------------------------------------------------------------


async def test_a_denied_create_raises_and_adds_nothing(session: AsyncSession) -> None:
    before = {m: await count(session, m) for m in (Authority, AuditEvent, OutboxEvent)}
    writer = Writer(session, FR_DEPLOYER, request_id="req-denied")
    authority = nl_authority()

    with pytest.raises(PolicyDenied) as denied:
        await create_authority(writer, authority, principal=FR_DEPLOYER)

    assert denied.value.decision.allowed is False
    assert [v.rule for v in denied.value.decision.violations] == ["ACL-ORG"]
    assert denied.value.resource_type == "authority"
    assert denied.value.action == "authority.create"
    assert authority not in session
    assert not session.new
    await session.flush()
    assert {m: await count(session, m) for m in before} == before


async def test_a_denial_never_reaches_the_row_builder(session: AsyncSession) -> None:
    """The Writer decides itself: no caller can hand it a decision or a row to write anyway."""
    writer = Writer(session, FR_DEPLOYER, request_id=None)
    built: list[Decision] = []

    def build(decision: Decision) -> NewRow[Authority]:
        built.append(decision)
        return NewRow(nl_authority(), AUTHORITY_CREATED)

    with pytest.raises(PolicyDenied) as denied:
        await perform(writer, prepared(FR_DEPLOYER), build)
    assert built == []
    assert denied.value.decision.violated_rules == ("ACL-ORG",)
    assert denied.value.decision.action == "authority.create"
    assert await count(session, Authority) == 0


async def test_a_conflict_stops_an_allowed_write_after_its_decision(
    session: AsyncSession,
) -> None:
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    conflict = Conflict("taken")
    with pytest.raises(Conflict, match="taken"):
        await perform(
            writer,
            Prepared(prepared(NL_DEPLOYER).facts, conflicts=(conflict,)),
            lambda _: NewRow(nl_authority(), AUTHORITY_CREATED),
        )
    assert await count(session, Authority) == 0
    # a denial is reported first: the law before the state
    with pytest.raises(PolicyDenied):
        await perform(
            writer,
            Prepared(prepared(NL_DEPLOYER, "FR").facts, conflicts=(conflict,)),
            lambda _: NewRow(nl_authority(), AUTHORITY_CREATED),
        )


async def test_an_action_writes_only_the_events_it_declares(session: AsyncSession) -> None:
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    other = Change(event_type="officer.created", resource_type="officer", organisation="NL")
    with pytest.raises(RuntimeError, match=r"authority\.create does not emit officer\.created"):
        await perform(writer, prepared(NL_DEPLOYER), lambda _: NewRow(nl_authority(), other))
    assert await count(session, Authority) == 0
    assert await count(session, AuditEvent) == 0


async def test_an_allowed_create_writes_row_audit_and_outbox_in_one_transaction(
    session: AsyncSession,
) -> None:
    writer = Writer(session, NL_DEPLOYER, request_id="req-allowed")
    authority = nl_authority()

    decisions: list[Decision] = []

    def build(decision: Decision) -> NewRow[Authority]:
        decisions.append(decision)
        return NewRow(authority, AUTHORITY_CREATED)

    created = await perform(writer, prepared(NL_DEPLOYER), build)

    assert created is authority
    [decision] = decisions
    assert decision.allowed
    assert decision.action == "authority.create"
    stored = await session.scalar(select(Authority).where(Authority.id == authority.id))
    assert stored is not None
    assert (stored.organisation, stored.name) == ("NL", "IND")

    audit = (await session.scalars(select(AuditEvent))).one()
    assert audit.action == "authority.created"
    assert audit.outcome == "allowed"
    assert audit.resource_type == "authority"
    assert audit.resource_id == str(authority.id)
    assert audit.organisation == "NL"
    assert audit.request_id == "req-allowed"
    assert audit.decision_id == decision.decision_id
    assert audit.policy_version == decision.policy_version
    assert audit.rules == ["ACL-ORG", "ACL-ROLE"]
    assert audit.actor == {
        "iss": TEST_ISSUER,
        "sub": "nl-deployer",
        "org": "NL",
        "roles": ["deploying_authority"],
    }
    # the audit event binds the decision to the action and the row it authorised
    assert audit.details == {"subject_organisation": "NL", "authorised_action": "authority.create"}

    outbox = (await session.scalars(select(OutboxEvent))).one()
    assert (outbox.type, outbox.resource_type, outbox.resource_id) == (
        "authority.created",
        "authority",
        str(authority.id),
    )
    assert (outbox.organisation, outbox.visibility) == ("NL", "network")

    current_txid = await session.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
    assert audit.txid == outbox.txid == current_txid


async def test_a_change_without_feed_writes_no_outbox_event(session: AsyncSession) -> None:
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    await writer.record_access(
        decision=None,
        change=Change(
            event_type="authority.read",
            resource_type="authority",
            organisation="NL",
            feed=False,
        ),
        resource_id="r-1",
    )
    audit = (await session.scalars(select(AuditEvent))).one()
    assert (audit.action, audit.outcome, audit.resource_id) == ("authority.read", "allowed", "r-1")
    assert audit.decision_id is None
    assert audit.rules == []
    assert await count(session, OutboxEvent) == 0


async def test_a_rolled_back_write_leaves_no_audit_or_outbox_event(
    session: AsyncSession,
) -> None:
    writer = Writer(session, NL_DEPLOYER, request_id="req-rollback")
    authority_id: uuid.UUID
    async with session.begin_nested() as savepoint:
        created = await create_authority(writer, nl_authority())
        authority_id = created.id
        assert await count(session, AuditEvent) == 1
        assert await count(session, OutboxEvent) == 1
        await savepoint.rollback()

    assert await session.scalar(select(Authority).where(Authority.id == authority_id)) is None
    assert await count(session, AuditEvent) == 0
    assert await count(session, OutboxEvent) == 0


async def test_writer_update_records_the_change(session: AsyncSession) -> None:
    """An update through the Writer is allowed by the tripwire and audited like a create."""
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    authority = await create_authority(writer, nl_authority())
    facts = AuthorityFacts(actor=NL_DEPLOYER.actor(), authority_org="NL")
    renamed = Change(event_type="authority.updated", resource_type="authority", organisation="NL")

    await perform(
        writer,
        Prepared(facts, before=facts),
        lambda _: RowUpdate(authority, {"name": "IND (renamed)"}, renamed),
        makes="change",
    )

    assert await session.scalar(select(Authority.name).where(Authority.id == authority.id)) == (
        "IND (renamed)"
    )
    actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions == ["authority.created", "authority.updated"]


async def test_writer_refuses_a_build_that_is_not_what_its_entry_makes(
    session: AsyncSession,
) -> None:
    """An entry states once whether it adds a row or changes one (app/services/guarded.py
    `makes`); its write routes answer from that, so a build that answers the other kind fails."""
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    authority = await create_authority(writer, nl_authority())
    facts = AuthorityFacts(actor=NL_DEPLOYER.actor(), authority_org="NL")
    renamed = Change(event_type="authority.updated", resource_type="authority", organisation="NL")

    with pytest.raises(TypeError, match="makes a row"):
        await perform(
            writer,
            Prepared(facts, before=facts),
            lambda _: RowUpdate(authority, {"name": "IND (renamed)"}, renamed),
        )
    assert await session.scalar(select(Authority.name).where(Authority.id == authority.id)) == (
        authority.name
    )


# --- a write conditional on a row it did not read (NewRow.requires) ----------------------------

ORGANISATION = cast(Table, Organisation.__table__)


@dataclass(frozen=True)
class Assuming(Act):
    """An entry whose loader notes whether the Writer let it assume, and whose build requires
    the organisation `assumed` when it did."""

    assumed: str = "NL"
    loads: list[bool] = field(default_factory=list)
    writer: Writer | None = None

    async def load(self, context: object, target: object, body: object) -> Prepared[Any]:
        assert self.writer is not None
        self.loads.append(self.writer.assuming)
        return prepared(NL_DEPLOYER)

    def build(
        self, context: object, loaded: object, body: object, decision: Decision
    ) -> NewRow[Any] | RowUpdate[Any]:
        assert self.writer is not None
        required = (ORGANISATION, {"code": self.assumed}) if self.loads[-1] else None
        return NewRow(nl_authority(), AUTHORITY_CREATED, requires=required)


async def test_a_conditional_create_writes_when_its_row_is_there(session: AsyncSession) -> None:
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    entry = Assuming(assumed="NL", writer=writer)
    created = await writer.perform(entry, None, None, None)
    assert entry.loads == [True]
    assert await session.get(Authority, created.id) is created
    assert await count(session, AuditEvent) == await count(session, OutboxEvent) == 1
    assert writer.assuming is False


async def test_a_conditional_create_without_its_row_writes_nothing_then_loads_again(
    session: AsyncSession,
) -> None:
    """The assumed row is not there: the statement writes nothing (row, history, audit, outbox
    alike), and the action runs once more on facts read, not assumed."""
    writer = Writer(session, NL_DEPLOYER, request_id=None)
    entry = Assuming(assumed="XX", writer=writer)
    created = await writer.perform(entry, None, None, None)
    assert entry.loads == [True, False]
    assert await count(session, Authority) == 1
    assert (await session.scalars(select(Authority))).one() is created
    assert await count(session, AuditEvent) == await count(session, OutboxEvent) == 1


async def test_an_unmet_condition_writes_none_of_the_statement(session: AsyncSession) -> None:
    feed = {
        "type": "authority.created",
        "resource_type": "authority",
        "resource_id": "x",
        "organisation": "NL",
        "visibility": "network",
    }
    with pytest.raises(write_set.Unmet):
        await write_set.write(
            session,
            [(cast(Table, OutboxEvent.__table__), feed)],
            created=nl_authority(),
            requires=(ORGANISATION, {"code": "XX"}),
        )
    assert await count(session, Authority) == await count(session, OutboxEvent) == 0


async def test_a_row_made_without_attribute_events_is_written_as_a_constructed_one(
    session: AsyncSession,
) -> None:
    """`write_set.new` puts the values in the instance's state at once: the same insert, the
    same instance back in the session with its server defaults; an unknown name is refused as
    the constructor refuses it."""
    made = write_set.new(
        Authority, id=uuid.uuid4(), organisation="NL", name="IND", authority_kind="immigration"
    )
    table, given = write_set.values(made)
    assert (table, given) == (Authority.__table__, write_set.values(nl_authority())[1] | given)
    assert set(given) == {"id", "organisation", "name", "authority_kind"}
    await write_set.write(session, [], created=made)
    stored = await session.execute(select(Authority.__table__).where(Authority.id == made.id))
    assert stored.mappings().one()["name"] == "IND"
    assert await session.get(Authority, made.id) is made
    assert made.created_at is not None
    with pytest.raises(TypeError, match="Authority has no column attribute nickname"):
        write_set.new(Authority, nickname="x")
