"""What building an evaluation's indexes costs on PostgreSQL: each index set built as a job builds it.

Copies an evaluation's entries (a table of the scale-out bench's kept database, e.g. `match_entry_2` after a
run of bench/scaleout.py) into a scratch table, then builds, in alternating rounds, each set of indexes as
`entry_partitions.build_indexes_at_once` does: the statements longest first, taken by 2 connections, each in a
transaction with the job's `maintenance_work_mem`. Prints per set the wall time and the two server backends' CPU
time (from /proc: the server must run on this machine), which the machine's other users change much less.
`--serial` forbids the server's parallel index workers, so that the backends' CPU is all of it.

- ``tables``: the definitions of migration 0016 (the evaluation id first, the labels after `compatible`);
- ``partitions``: `entry_partitions.INDEXES` (migration 0017).

    .venv/bin/python -u bench/index_builds.py --database pgjob_scaleout_5000 --table match_entry_2 [--serial]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import PG_ADMIN  # noqa: E402
from matchscope.store import entry_partitions  # noqa: E402

_TABLES = {
    "ix_entry_eval_item": "(evaluation_id, item_id)",
    "ix_entry_browse_iou": "(evaluation_id, is_prediction, compatible, iou, id, ground_truth_label, prediction_label)",
    "ix_entry_browse_confidence": "(evaluation_id, is_prediction, compatible, coalesce(confidence, 1.0), id)",
    "ix_entry_ground_truths_by_label": "(evaluation_id, compatible, ground_truth_label, iou, id) WHERE NOT is_prediction",
    "ix_entry_predictions_by_label": (
        "(evaluation_id, compatible, prediction_label, iou, id) WHERE is_prediction AND prediction_label IS NOT NULL"
    ),
    "ix_entry_review_key": "(evaluation_id, coalesce(ground_truth_id, 0), coalesce(prediction_id, 0))",
    "ix_entry_error_type": "(evaluation_id, default_error_type, iou, id) WHERE default_error_type IS NOT NULL",
}
SCRATCH = "bench_index_builds"


def statements(definitions: dict[str, str]) -> list[str]:
    made = []
    for name in sorted(definitions, key=lambda name: entry_partitions._BUILD_ORDER.index(name)):
        columns, _, where = definitions[name].partition(" WHERE ")
        made.append(f"CREATE INDEX {SCRATCH}_{name} ON {SCRATCH} {columns}" + (f" WHERE {where}" if where else ""))
    return [*made, f"CREATE UNIQUE INDEX {SCRATCH}_pkey ON {SCRATCH} (id, evaluation_id)"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def build(connections: list[asyncpg.Connection], pending: list[str], serial: bool) -> None:
    async def take(connection: asyncpg.Connection) -> None:
        async with connection.transaction():
            await connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
            if serial:
                await connection.execute("SET LOCAL max_parallel_maintenance_workers = 0")
            while pending:
                await connection.execute(pending.pop(0))

    await asyncio.gather(*(take(connection) for connection in connections))


async def main_async(args: argparse.Namespace) -> None:
    url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{args.database}"
    admin = await asyncpg.connect(url)
    await admin.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
    await admin.execute(f"CREATE TABLE {SCRATCH} AS SELECT * FROM {args.table}")
    await admin.execute(f"VACUUM ANALYZE {SCRATCH}")
    entries = await admin.fetchval(f"SELECT count(*) FROM {SCRATCH}")
    connections = [await asyncpg.connect(url) for _ in range(2)]
    pids = [await connection.fetchval("SELECT pg_backend_pid()") for connection in connections]
    sets = {"tables": statements(_TABLES), "partitions": statements(entry_partitions.INDEXES)}
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in sets}
    print(f"{entries:,} entries of {args.table}; load average {os.getloadavg()}", flush=True)
    try:
        for _round in range(args.rounds):
            for name, made in sets.items():
                before = sum(cpu_seconds(pid) for pid in pids)
                started = time.perf_counter()
                await build(connections, list(made), args.serial)
                wall = time.perf_counter() - started
                seconds[name].append((wall, sum(cpu_seconds(pid) for pid in pids) - before))
                for statement in made:
                    await admin.execute(f"DROP INDEX {statement.split(' ON ')[0].rsplit(' ', 1)[-1]}")
        for name, runs in seconds.items():
            wall = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            rounds = ", ".join(f"{run[0]:.2f}/{run[1]:.2f}" for run in runs)
            print(f"  {name:10s} wall {wall:.2f} s, backends' CPU {cpu:.2f} s (rounds, wall/CPU: {rounds})")
        print(f"load average {os.getloadavg()}")
    finally:
        await admin.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        for connection in [admin, *connections]:
            await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="matchscope_bench_scaleout_5000")
    parser.add_argument("--table", required=True, help="an evaluation's entry table, e.g. match_entry_2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serial", action="store_true", help="no parallel index workers of the server")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
