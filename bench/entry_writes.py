"""Where a job's entry writes go on PostgreSQL: Python building records, the driver encoding them, index upkeep.

Runs the job's chunks of one evaluation (the scale-out bench's kept database) by hand and times, per variant,
the write of every chunk's entries under a scratch evaluation id (deleted afterwards):

- ``records``: `entry_rows` (the tuples), inside the match phase of a job;
- ``copy indexed``: `copy_records_to_table` into `match_entry` (its indexes) — today's write phase;
- ``copy bare``: the same records into a copy of `match_entry` without indexes;
- ``create indexes``: the indexes of `match_entry` built once on that copy afterwards.

    .venv/bin/python -u bench/entry_writes.py [--images 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import kept_pg_database  # noqa: E402
from bench.number_formats import write_formats  # noqa: E402
from bench.scaleout import load_average, prepare  # noqa: E402
from matchscope.services.evaluation import chunks as chunking  # noqa: E402
from matchscope.services.evaluation import match as matching  # noqa: E402
from matchscope.services.evaluation.load import image_keys, load_chunk  # noqa: E402
from matchscope.services.evaluation.options import EvaluationOptions  # noqa: E402
from matchscope.services.evaluation.submit import labels_in_use  # noqa: E402
from matchscope.settings import Settings  # noqa: E402
from matchscope.state import AppState  # noqa: E402
from matchscope.store.db import transaction  # noqa: E402
from matchscope.store.tables import MatchEntry  # noqa: E402

SCRATCH = 2_000_000_000


async def main_async(args: argparse.Namespace) -> None:
    gt, dets = write_formats(args.images, 0)["float64"]
    url = await kept_pg_database(f"matchscope_bench_scaleout_{args.images}")
    state = AppState.create(Settings(database_url=url))
    timings: dict[str, float] = {}

    def add(name: str, seconds: float) -> None:
        timings[name] = timings.get(name, 0.0) + seconds

    try:
        _account, dataset, model = await prepare(state, f"scaleout-{args.images}", gt, dets)
        async with state.sessions() as session:
            item_ids, _keys = await image_keys(session, dataset)
            labels = sorted(await labels_in_use(session, dataset_id=dataset, model_id=model))
        codes = {label: code for code, label in enumerate(labels)}
        options = EvaluationOptions()
        built = matching.entry_rows

        def timed_rows(*a, **k):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            rows = built(*a, **k)
            add("records (entry_rows)", time.perf_counter() - started)
            return rows

        matching.entry_rows = timed_rows  # type: ignore[assignment]
        async with transaction(state.sessions) as session:
            await session.execute(text("DROP TABLE IF EXISTS bench_entry_bare"))
            await session.execute(text("CREATE TABLE bench_entry_bare (LIKE match_entry INCLUDING DEFAULTS)"))
        print(f"{len(item_ids):,} items; {load_average()}", flush=True)
        rows_total = 0
        kept: list[tuple[list[str], list[tuple[object, ...]]]] = []
        for first, last, _items in chunking.bounds(item_ids, args.chunk_items):
            async with state.sessions() as session:
                loaded = await load_chunk(
                    session, dataset_id=dataset, model_id=model, first_item=first, last_item=last, codes=codes
                )
            totals = matching.Totals(labels=len(labels))
            started = time.perf_counter()
            entries = matching.match_chunk(loaded, options, None, totals, labels)
            add("match (incl. records)", time.perf_counter() - started)
            rows_total += len(entries.rows)
            tail = (SCRATCH,) + (None,) * len(entries.nulls)
            started = time.perf_counter()
            records = [(*row, *tail) for row in entries.rows]
            add("constants appended", time.perf_counter() - started)
            columns = [*entries.columns, "evaluation_id", *entries.nulls]
            kept.append((columns, records))
            for name, table in (("copy indexed", "match_entry"), ("copy bare", "bench_entry_bare")):
                async with transaction(state.sessions) as session:
                    driver = (await (await session.connection()).get_raw_connection()).driver_connection
                    await session.execute(text("SELECT 1"))
                    started = time.perf_counter()
                    await driver.copy_records_to_table(table, records=records, columns=columns)
                    add(name, time.perf_counter() - started)
        print(f"{rows_total:,} entries; {load_average()}", flush=True)
        indexes = [index for index in MatchEntry.__table__.indexes]  # type: ignore[attr-defined]
        async with state.sessions() as session:
            definitions = (
                (
                    await session.execute(
                        text(
                            "SELECT indexdef FROM pg_indexes WHERE tablename = 'match_entry' AND indexname != 'match_entry_pkey'"
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert len(definitions) == len(indexes), definitions
        for definition in definitions:
            bare = definition.replace("ON public.match_entry", "ON public.bench_entry_bare").replace(
                "INDEX ix_", "INDEX bench_ix_"
            )
            async with transaction(state.sessions) as session:
                started = time.perf_counter()
                await session.execute(text(bare))
                add("create indexes (after)", time.perf_counter() - started)
        async with transaction(state.sessions) as session:
            started = time.perf_counter()
            await session.execute(text("ALTER TABLE bench_entry_bare ADD PRIMARY KEY (id)"))
            add("create primary key (after)", time.perf_counter() - started)
        for definition in definitions if args.per_index else []:
            async with transaction(state.sessions) as session:
                await session.execute(text("DROP TABLE IF EXISTS bench_entry_one"))
                await session.execute(text("CREATE TABLE bench_entry_one (LIKE match_entry INCLUDING DEFAULTS)"))
                await session.execute(
                    text(
                        definition.replace("ON public.match_entry", "ON public.bench_entry_one").replace(
                            "INDEX ix_", "INDEX one_ix_"
                        )
                    )
                )
            for columns, records in kept:
                async with transaction(state.sessions) as session:
                    driver = (await (await session.connection()).get_raw_connection()).driver_connection
                    await session.execute(text("SELECT 1"))
                    started = time.perf_counter()
                    await driver.copy_records_to_table("bench_entry_one", records=records, columns=columns)
                    add("copy with " + definition.split()[2], time.perf_counter() - started)
            async with transaction(state.sessions) as session:
                await session.execute(text("DROP TABLE IF EXISTS bench_entry_one"))
        for name, seconds in timings.items():
            print(f"  {name:28s} {seconds:7.2f} s", flush=True)
        print(load_average())
    finally:
        async with transaction(state.sessions) as session:
            await session.execute(text("DROP TABLE IF EXISTS bench_entry_bare"))
            await session.execute(text(f"DELETE FROM match_entry WHERE evaluation_id = {SCRATCH}"))
        await state.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--chunk-items", type=int, default=500)
    parser.add_argument("--per-index", action="store_true", help="COPY into a table with one index at a time")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
