"""Accounts created by processes that start at once on a new database (`matchscope serve` creates its local account)."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import Account


async def _other_session_creates(state: AppState, name: str) -> Account:
    async with transaction(state.sessions) as session:
        return await accounts.get_or_create_account(session, name)


async def test_a_session_that_loses_the_race_for_a_new_account_reads_the_winners_row(state: AppState) -> None:
    async with transaction(state.sessions) as first:
        created = await accounts.get_or_create_account(first, "racer")
        # The other session reads no account yet, so it inserts one and waits on this uncommitted row.
        other = asyncio.create_task(_other_session_creates(state, "racer"))
        await asyncio.sleep(0.5)
        assert not other.done()
    found = await asyncio.wait_for(other, timeout=30)
    assert found.id == created.id
    async with state.sessions() as session:
        rows = (await session.execute(select(Account).where(col(Account.name) == "racer"))).scalars().all()
    assert [row.id for row in rows] == [created.id]
