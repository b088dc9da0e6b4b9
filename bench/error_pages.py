"""Pages of error types in one process: the SQL path against the entry columns' (services/error_pages), beside a
plain page.

    .venv/bin/python bench/error_pages.py [--backend sqlite|postgresql] [--images 2000] [--repeat 30]

On bench/queries.py's data set (built once, cached), for each case the median time of a first page of 50:
`browse.matches_page` (SQL: every typed page outside the stored types' index before the columns served them), and
`error_pages.columns_page` three ways: at new thresholds (types, typed order and selection computed), a new filter at
known thresholds (the selection computed), and a known filter (what every later page of it costs). The entry columns
are loaded before (the first `totalCount` or `metrics` of the evaluation loads them).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.queries import _database_url, prepare  # noqa: E402


async def _median_ms(run: Callable[[], Awaitable[Any]], repeat: int, before: Callable[[], None] | None = None) -> float:
    await run()
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        await run()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


async def main(backend: str, images: int, repeat: int) -> None:
    from sqlalchemy import text

    from matchscope.services import browse, entry_columns, error_pages
    from matchscope.services.browse import ErrorType, MatchFilter, MatchOrder, Outcome, SortField, Thresholds
    from matchscope.settings import Settings
    from matchscope.state import AppState

    await prepare(backend, images)
    state = AppState.create(Settings(database_url=await _database_url(backend, images)))
    async with state.sessions() as session:
        row = (await session.execute(text("SELECT id, account_id FROM evaluation WHERE is_current"))).one()
        evaluation = await browse.visible_evaluation(session, account_id=row[1], evaluation_id=row[0])
        assert evaluation is not None
        columns = await entry_columns.load_columns(session, evaluation.id, evidence=True)
    reads = state.reads
    plain = MatchFilter(outcomes=frozenset({Outcome.FALSE_POSITIVE}))
    typed = MatchFilter(error_types=frozenset({ErrorType.DUPLICATE, ErrorType.BACKGROUND}))
    missed = MatchFilter(error_types=frozenset({ErrorType.MISSED}))
    by_iou, by_confidence = MatchOrder(), MatchOrder(SortField.CONFIDENCE)
    cases = [
        ("(a) false positives, plain", Thresholds(), plain, by_iou),
        ("(h) DUPLICATE+BACKGROUND, t 0.5 (stored)", Thresholds(), typed, by_iou),
        ("(h) by confidence", Thresholds(), typed, by_confidence),
        ("(i) MISSED, t 0.5 (stored)", Thresholds(), missed, by_iou),
        ("(j) DUPLICATE+BACKGROUND, t 0.75", Thresholds(iou=0.75), typed, by_iou),
        ("(k) MISSED, t 0.75", Thresholds(iou=0.75), missed, by_iou),
        ("(k) by confidence, c 0.3", Thresholds(iou=0.75, confidence=0.3), missed, by_confidence),
    ]
    print(f"[{backend}] {len(columns):,} entries, median of {repeat} first pages of 50, ms")
    print(f"{'case':44} {'SQL':>8} {'columns: new t':>15} {'new filter':>11} {'known':>8}")
    for name, thresholds, query, order in cases:
        arguments = {"evaluation": evaluation, "thresholds": thresholds, "query": query, "order": order}

        async def sql(arguments: dict[str, Any] = arguments) -> Any:
            return await browse.matches_page(reads, first=50, after=None, **arguments)

        async def from_columns(arguments: dict[str, Any] = arguments) -> Any:
            return await error_pages.columns_page(reads, columns=columns, first=50, after=None, **arguments)

        def new_thresholds() -> None:
            columns.error_codes.clear()
            columns.page_memo.clear()

        def new_filter() -> None:
            for key in [key for key in columns.page_memo if len(key) > 3]:  # selections; typed orders stay
                del columns.page_memo[key]

        line = f"{name:44} {await _median_ms(sql, repeat):8.2f}"
        if query.error_types is not None:
            line += f" {await _median_ms(from_columns, repeat, new_thresholds):15.2f}"
            line += f" {await _median_ms(from_columns, repeat, new_filter):11.2f}"
            line += f" {await _median_ms(from_columns, repeat):8.2f}"
            served = error_pages.serves(evaluation, thresholds, query, order)
            line += "" if served else "   (served by SQL)"
        print(line, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.backend, args.images, args.repeat))
