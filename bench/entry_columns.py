"""The first read of an evaluation's entry columns (metrics, totalCount) without and with the error evidence,
alternating in one process:

    .venv/bin/python bench/entry_columns.py DATABASE_URL EVALUATION_ID [ROUNDS]

e.g. on the database bench/queries.py fills: postgresql://postgres@127.0.0.1:5432/matchscope_bench_5000 1 6.
The evidence is read only when an error type filter asks for it (services/entry_columns.EntryCache).
"""

import asyncio
import statistics
import sys
import time

from matchscope.services import entry_columns
from matchscope.store.db import create_engine, session_factory


async def main(url: str, evaluation_id: int, rounds: int) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        for evidence in (False, True):
            async with sessions() as session:
                started = time.perf_counter()
                columns = await entry_columns.load_columns(session, evaluation_id, evidence=evidence)
                times[evidence].append(time.perf_counter() - started)
    print(f"{len(columns):,} entries")
    for evidence, values in times.items():
        print(f"evidence={evidence}: median {statistics.median(values):.2f} s, min {min(values):.2f} s")
    print(f"ratio without/with: {statistics.median(times[False]) / statistics.median(times[True]):.2f}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 5))
