"""Near-static data cached per engine: a change made through any other instance is seen at once."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.engine import make_engine, make_sessionmaker
from app.models.organisation import Organisation
from app.reference import load_participants
from app.schemas.common import ORGANISATIONS_MAX
from app.services.organisation import participant_map
from app.services.reference_data import transfer_reference
from tests import factories
from tests.conftest import FreshDatabase


async def test_reference_data_cached_per_engine_follow_a_change_from_another_instance(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], fresh_db: FreshDatabase
) -> None:
    _, engine = committed_client
    other = make_engine(fresh_db.app_url, pool_size=1)  # a second instance's engine
    try:
        mine = make_sessionmaker(engine)
        async with mine() as session:
            first = await transfer_reference(session=session)
            again = await transfer_reference(session=session)
            participants = await participant_map(session=session)
        assert again is first  # served from the cache, not reloaded
        async with make_sessionmaker(other)() as session:
            assert (await transfer_reference(session=session)).digest == first.digest

        async with factories.connected(fresh_db.owner_url) as owner:
            entry = await owner.fetchval("SELECT id FROM adequacy_decision ORDER BY id LIMIT 1")
            await owner.execute(
                "UPDATE adequacy_decision SET scope_note = 'changed', version = version + 1,"
                " updated_at = now() WHERE id = $1",
                entry,
            )
        async with mine() as session:
            changed = await transfer_reference(session=session)
            assert await participant_map(session=session) is participants
        assert changed.digest != first.digest
        notes = {d.id: d.scope_note for d in changed.adequacy_decisions}
        assert notes[entry] == "changed"

        async with factories.connected(fresh_db.owner_url) as owner:
            await owner.execute(
                "DELETE FROM transfer_instrument WHERE id = "
                "(SELECT id FROM transfer_instrument ORDER BY id LIMIT 1)"
            )
        async with make_sessionmaker(other)() as session:
            fewer = await transfer_reference(session=session)
        assert len(fewer.instruments) == len(changed.instruments) - 1
    finally:
        await other.dispose()


async def test_the_organisations_are_the_participants_whose_count_bounds_the_responses(
    session: AsyncSession,
) -> None:
    # A response listing organisations states ORGANISATIONS_MAX items at most: the table holds
    # the participants the migrations wrote, and no other write reaches it.
    codes = set((await session.scalars(select(Organisation.code))).all())
    assert codes == set(load_participants())
    assert len(codes) == ORGANISATIONS_MAX
