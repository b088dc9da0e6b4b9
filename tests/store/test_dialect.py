"""store.dialect tells the database from every kind of handle the code holds, and builds that database's INSERT."""

from __future__ import annotations

from sqlalchemy import select

from matchscope.state import AppState
from matchscope.store import dialect
from matchscope.store.tables import Account, utcnow
from tests.conftest import backend


async def test_every_handle_names_the_test_database(state: AppState) -> None:
    expected = backend() == "postgresql"
    assert dialect.is_postgresql(state.engine) is expected
    assert dialect.is_postgresql(state.reads) is expected
    async with state.engine.connect() as connection:
        assert dialect.is_postgresql(connection) is expected
        sync_connection = connection.sync_connection
        assert sync_connection is not None and dialect.is_postgresql(sync_connection) is expected
    async with state.sessions() as session:
        assert dialect.is_postgresql(session) is expected


async def test_insert_is_the_database_s_own_with_on_conflict(state: AppState) -> None:
    async with state.sessions() as session, session.begin():
        for _ in range(2):  # the second insert meets the first's row and does nothing
            statement = dialect.insert(session, Account).values(name="dialect-test", created_at=utcnow())
            await session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
        names = (await session.execute(select(Account.name).where(Account.name == "dialect-test"))).scalars().all()
    assert names == ["dialect-test"]
