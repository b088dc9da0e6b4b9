"""Scale-out: one evaluation on PostgreSQL with 1 and with 2 `matchscope worker` processes, beside faster-coco-eval.

The synthetic COCO-shaped files of bench/number_formats.py (detections written as float64 `repr`s: 17 significant
digits) are imported once into a kept PostgreSQL database per size. Each run starts N workers (every evaluation
scaled out: `MATCHSCOPE_SCALEOUT_ITEMS=0`), submits one job (service layer, arq queue) and times it from the
enqueue to COMPLETED by reading the job's row. The workers' logs give where the time went: per chunk its load,
match and write, whichever worker ran it; for the job, the reading of the chunks' payloads, COCO, TIDE and the
swap to current (the merge). Then:

- the speed-up T1 / T2;
- the serial fraction s of the 1-worker run: the part of its wall time not spent inside chunks (planning, the
  queue's hand-offs, the merge), and Amdahl's projection 1 / (s + (1 - s) / N) for 2 and 8 workers;
- faster-coco-eval's whole evaluation of the same two files (a child process, loading included) and the ratio;
- whether the runs stored the same entries (every column) and the same COCO stats and TIDE summary;
- each worker's peak resident memory (VmHWM) beside faster-coco-eval's.

The load average is printed before and after each run: the machine's other users change the numbers.

    .venv/bin/python -u bench/scaleout.py                         # 5,000 images, ~500,000 detections
    .venv/bin/python -u bench/scaleout.py --images 50000          # the issue's size (faster-coco-eval ~13 GB)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, kept_pg_database  # noqa: E402
from bench.engine import _REFERENCE_SCRIPT, run_child  # noqa: E402
from bench.number_formats import write_formats  # noqa: E402
from matchscope import engine  # noqa: E402
from matchscope.jobs import runtime  # noqa: E402
from matchscope.jobs.config import JobConfig  # noqa: E402
from matchscope.jobs.queue import ArqQueue, JobQueue  # noqa: E402
from matchscope.services import accounts, coco_import, evaluate  # noqa: E402
from matchscope.services.evaluation import apart  # noqa: E402
from matchscope.services.evaluation.options import EvaluationOptions  # noqa: E402
from matchscope.settings import Settings  # noqa: E402
from matchscope.state import AppState  # noqa: E402
from matchscope.store.db import transaction  # noqa: E402
from matchscope.store.migrate import upgrade  # noqa: E402

REDIS_URL = os.environ.get("MATCHSCOPE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PHASES = ("load", "match", "write", "progress")
# "metrics and index" is the job's wait, once every chunk is done, for COCO, TIDE and the index build; "index build"
# the last alone (the merge builds no index when the chunks built theirs: then "write" holds each chunk's index
# builds, and "copy" its entries' COPY alone). "chunks" is the job's wall time from its chunks planned to the last one
# done, every worker's. "read chunks" (the payloads) and "metrics" (COCO and TIDE) may start before the chunks are
# all written, as soon as they are all matched: they overlap "chunks" then, and only "metrics and index" is serial.
MERGE = ("metrics and index", "complete")
PHASES_ALSO = ("index build", "copy", "chunks", "read chunks", "metrics")
_PHASE = re.compile(r"([a-z ]+) ([0-9.]+) s")


def peak_mb(pid: int) -> float:
    """A running process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine_cpu() -> tuple[float, float]:
    """(busy, elapsed) CPU seconds summed over every core since boot, from /proc/stat: every process counts,
    PostgreSQL's backends included (they exit with their connections, so a per-process sum would miss them)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def process_cpu(pid: int) -> float:
    """A running process's user + system CPU seconds (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_BACKGROUND = ("walwriter", "checkpointer", "background writer")


class ServerCpu:
    """CPU seconds of the PostgreSQL server's processes while it runs: the backends connected to `database` (they
    exit with their connections, so each is sampled every `every` seconds and its last reading kept; a backend's
    last moments before it exits are missed) and the server's own background processes (WAL writer, checkpointer,
    background writer: shared with other databases, busy mostly with this one's writes during a run)."""

    def __init__(self, database: str, every: float = 0.05) -> None:
        self.database, self.every = database, every
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[bool, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ServerCpu:
        self._read(before=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self._read()

    def _read(self, *, before: bool = False) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                seconds = process_cpu(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
            ours = f" {self.database} " in title
            if not (ours or title.split(": ", 2)[-1].strip() in _BACKGROUND):
                continue
            pid = int(entry.name)
            if pid not in self.first:
                self.first[pid] = seconds if before else 0.0
            self.last[pid] = (ours, seconds)

    def seconds(self) -> tuple[float, float]:
        """(this database's backends, the server's background processes) CPU seconds over the run."""
        spent = {True: 0.0, False: 0.0}
        for pid, (ours, seconds) in self.last.items():
            spent[ours] += seconds - self.first[pid]
        return spent[True], spent[False]


def load_average() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


async def prepare(state: AppState, name: str, gt: Path, dets: Path) -> tuple[int, int, int]:
    """(account, dataset, model) of the imported files, imported on first use; earlier jobs and evaluations
    emptied."""
    await upgrade(state.engine)
    async with state.sessions() as session:
        found = (
            await session.execute(
                text(
                    "SELECT d.account_id, d.id, m.id FROM dataset d, model m WHERE d.name = :n AND m.reference_id = :m"
                ),
                {"n": name, "m": f"{name}-model"},
            )
        ).first()
    if found is None:
        started = time.perf_counter()
        async with transaction(state.sessions) as session:
            owner = await accounts.get_or_create_account(session, "bench")
            assert owner.id is not None
            await coco_import.import_ground_truth(
                session,
                account_id=owner.id,
                dataset_name=name,
                data=orjson.loads(await asyncio.to_thread(gt.read_bytes)),
            )
        async with transaction(state.sessions) as session:
            result = await coco_import.import_detections(
                session,
                account_id=owner.id,
                dataset_name=name,
                model_name=f"{name}-model",
                data=orjson.loads(await asyncio.to_thread(dets.read_bytes)),
            )
        assert result.model is not None and result.dataset.id is not None and result.model.id is not None
        found_ids = (owner.id, result.dataset.id, result.model.id)
        print(f"  imported into PostgreSQL in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        found_ids = (int(found[0]), int(found[1]), int(found[2]))
    async with transaction(state.sessions) as session:
        for table in ("evaluation_chunk", "match_entry", "evaluation_class", "evaluation", "job"):
            await session.execute(text(f"DELETE FROM {table}"))
        # Evaluations' own entry tables (migrations 0016 and 0019).
        if session.get_bind().dialect.name == "postgresql":
            found = await session.execute(
                text("SELECT tablename FROM pg_tables WHERE tablename ~ '^match_entry_[0-9]+$'")  # chunks' go too
            )
        else:
            found = await session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'match_entry_[0-9]*'")
            )
        for name in found.scalars().all():
            await session.execute(text(f"DROP TABLE {name}"))
    return found_ids


class _JobLines(logging.Handler):
    """The job's own log lines (its per-phase summary), kept."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def sqlite_run(args: argparse.Namespace, gt: Path, dets: Path) -> float:
    """One evaluation on SQLite by the embedded runner (no Redis), from the enqueue to COMPLETED, in this process;
    prints its phases."""
    path = DATA / f"scaleout-{args.images}.db"
    state = AppState.create(Settings(database_url=f"sqlite:///{path}"))
    lines = _JobLines()
    job_logger = logging.getLogger("matchscope.services.evaluate")
    job_logger.addHandler(lines)
    job_logger.setLevel(logging.INFO)
    try:
        account, dataset, model = await prepare(state, f"scaleout-{args.images}", gt, dets)
        queue = (await runtime.ensure_started(state)).queue
        # As a long-running server has them (and an arq worker at its start): the engine's kernels loaded, the
        # process reading the boxes started.
        await asyncio.to_thread(engine.warmup)
        await asyncio.wrap_future(apart.start())
        print(f"  SQLite, embedded runner: before the run {load_average()}", flush=True)
        _evaluation, seconds = await run_job(state, queue, account, dataset, model)
        print(f"  SQLite, embedded runner: after the run  {load_average()}", flush=True)
        summary = [line for line in lines.lines if re.match(r"job \d+: .*complete", line)]
        print(f"  SQLite, embedded runner: enqueue → COMPLETED {seconds:.2f} s; {summary[-1] if summary else ''}")
        print(f"  SQLite, embedded runner: peak RSS of this process {peak_mb(os.getpid()):.0f} MB", flush=True)
        return seconds
    finally:
        job_logger.removeHandler(lines)
        await runtime.shutdown(state)
        await state.close()


async def run_job(state: AppState, queue: JobQueue, account: int, dataset: int, model: int) -> tuple[int, float]:
    """Submit one evaluation, enqueue it; (job id, seconds from the enqueue to COMPLETED)."""
    async with transaction(state.sessions) as session:
        job, _ = await evaluate.submit(
            session, account_id=account, dataset_id=dataset, model_id=model, options=EvaluationOptions()
        )
    assert job.id is not None
    started = time.perf_counter()
    await queue.enqueue(job.id)
    while True:
        async with state.sessions() as session:
            status, evaluation_id, message = (
                await session.execute(
                    text("SELECT status, evaluation_id, message FROM job WHERE id = :id"), {"id": job.id}
                )
            ).one()
        if status == "COMPLETED":
            return int(evaluation_id), time.perf_counter() - started
        if status in {"ERRORED", "CANCELLED"}:
            raise SystemExit(f"job {job.id} {status}: {message}")
        await asyncio.sleep(0.05)


def _stamp(line: str) -> float:
    return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()


def phases(logs: list[Path], job_id: int) -> dict[str, Any]:
    """Seconds per phase summed over the job's chunks (every worker) and the job's merge, and the job's planning
    (from its worker's start of the job to its chunks enqueued), from the workers' logs."""
    chunk_line = re.compile(rf"job {job_id} chunk \d+ \((\d+) items\) by (\S+): (.*)$")
    job_line = re.compile(rf"job {job_id}: (.*read chunks.*)$")
    started = re.compile(rf":job:{job_id}(:takeover:\d+)?:evaluate\({job_id}\)")
    planned = re.compile(rf"job {job_id}: \d+ chunks, \d+ to run")
    sums = dict.fromkeys(PHASES + MERGE + PHASES_ALSO, 0.0)
    runners: dict[str, int] = {}
    chunks = 0
    planning = 0.0
    began: float | None = None
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if found := chunk_line.search(line):
                chunks += 1
                runners[found.group(2)] = runners.get(found.group(2), 0) + 1
                for phase, seconds in _PHASE.findall(found.group(3)):
                    if phase.strip() in sums:
                        sums[phase.strip()] += float(seconds)
            elif found := job_line.search(line):
                for phase, seconds in _PHASE.findall(found.group(1)):
                    if phase.strip() in (*MERGE, "index build", "chunks", "read chunks", "metrics"):
                        sums[phase.strip()] += float(seconds)
            elif started.search(line) and "→" in line:
                began = _stamp(line)
            elif planned.search(line) and began is not None:
                planning += _stamp(line) - began
    return {"seconds": sums, "chunks": chunks, "runners": sorted(runners.values(), reverse=True), "plan": planning}


async def same_results(state: AppState, first: int, second: int) -> str:
    """Whether two evaluations stored the same entries (every column but ids), COCO results and TIDE summary."""
    columns = (
        "item_id, is_prediction, ground_truth_id, prediction_id, ground_truth_label, prediction_label, iou, "
        "confidence, compatible, compatible_iou, compatible_ground_truth_id, incompatible_iou, "
        "incompatible_ground_truth_id, nearest_ground_truth_id, duplicate_iou, duplicate_confidence, "
        "default_error_type"
    )
    async with state.sessions() as session:
        counts = [
            (
                await session.execute(text("SELECT count(*) FROM match_entry WHERE evaluation_id = :e"), {"e": e})
            ).scalar_one()
            for e in (first, second)
        ]
        differ = (
            await session.execute(
                text(
                    f"SELECT count(*) FROM (SELECT {columns} FROM match_entry WHERE evaluation_id = :a "
                    f"EXCEPT ALL SELECT {columns} FROM match_entry WHERE evaluation_id = :b) d"
                ),
                {"a": first, "b": second},
            )
        ).scalar_one()
        stored = [
            (await session.execute(text("SELECT coco, tide FROM evaluation WHERE id = :e"), {"e": e})).one()
            for e in (first, second)
        ]
    same = counts[0] == counts[1] and differ == 0 and stored[0] == stored[1]
    return (
        f"{counts[0]:,} entries each, {differ} differing; COCO and TIDE {'equal' if stored[0] == stored[1] else 'DIFFER'}"
        + ("" if same else "  <-- NOT IDENTICAL")
    )


def start_workers(count: int, env: dict[str, str], tag: str) -> tuple[list[subprocess.Popen[bytes]], list[Path]]:
    logs = [DATA / f"scaleout-{tag}-worker{index}.log" for index in range(count)]
    processes = []
    for log in logs:
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "matchscope", "worker"],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    deadline = time.monotonic() + 120
    while not all("Starting worker" in log.read_text(errors="replace") for log in logs):
        if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
            raise SystemExit(f"workers did not start: see {logs}")
        time.sleep(0.2)
    time.sleep(3)  # after arq's start: migrations check, numba's cache loaded (on_startup)
    return processes, logs


async def main_async(args: argparse.Namespace) -> None:
    gt, dets = write_formats(args.images, args.seed)["float64"]
    url = await kept_pg_database(args.pg_database or f"matchscope_bench_scaleout_{args.images}")
    queue_name = f"matchscope-bench-scaleout-{uuid.uuid4().hex[:8]}"
    os.environ["MATCHSCOPE_QUEUE_NAME"] = queue_name
    settings = Settings(database_url=url, redis_url=REDIS_URL)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "MATCHSCOPE_QUEUE_NAME": queue_name,
        "MATCHSCOPE_SCALEOUT_ITEMS": "0",
        "MATCHSCOPE_CHUNK_ITEMS": str(args.chunk_items),
        "MATCHSCOPE_KEEP_EVALUATIONS": "10",
    }
    state = AppState.create(settings)
    queue = await ArqQueue.connect(REDIS_URL, JobConfig.from_settings(settings))
    print(
        f"{args.images:,} images, {dets.name} ({dets.stat().st_size / 1e6:.0f} MB), chunks of {args.chunk_items} items"
    )
    try:
        sqlite_seconds = await sqlite_run(args, gt, dets) if args.sqlite else None
        account, dataset, model = await prepare(state, f"scaleout-{args.images}", gt, dets)
        results: dict[int, tuple[int, float, dict[str, Any]]] = {}
        job_cpus: dict[int, float] = {}
        for workers in args.workers:
            processes, logs = start_workers(workers, env, f"{args.images}-{workers}")
            try:
                print(f"  {workers} worker(s): before the run {load_average()}", flush=True)
                busy_before, _ = machine_cpu()
                worker_before = [process_cpu(process.pid) for process in processes]
                with ServerCpu(url.rsplit("/", 1)[1]) as server:
                    evaluation_id, seconds = await run_job(state, queue, account, dataset, model)
                busy = machine_cpu()[0] - busy_before
                worker_cpu = sum(process_cpu(p.pid) for p in processes) - sum(worker_before)
                backends, background = server.seconds()
                print(f"  {workers} worker(s): after the run  {load_average()}", flush=True)
                # Why N workers cannot go N times as fast on a machine of few cores: the run already keeps this
                # many of them busy (the worker's threads, PostgreSQL's backends, this process's polls).
                print(
                    f"  {workers} worker(s): machine CPU {busy:.2f} s = {busy / seconds:.2f} of "
                    f"{os.cpu_count()} cores busy on average; the workers' own {worker_cpu:.2f} s",
                    flush=True,
                )
                job_cpu = job_cpus[workers] = worker_cpu + backends + background
                print(
                    f"  {workers} worker(s): the job's CPU {job_cpu:.2f} s = {job_cpu / seconds:.2f} cores busy on "
                    f"average: workers {worker_cpu:.2f} s, their PostgreSQL backends {backends:.2f} s, the server's "
                    f"WAL writer, checkpointer and background writer {background:.2f} s",
                    flush=True,
                )
                peaks = ", ".join(f"{peak_mb(process.pid):.0f} MB" for process in processes)
                print(f"  {workers} worker(s): peak RSS {peaks}", flush=True)
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait(timeout=60)
            async with state.sessions() as session:
                job_id = (
                    await session.execute(
                        text("SELECT max(id) FROM job WHERE evaluation_id = :e"), {"e": evaluation_id}
                    )
                ).scalar_one()
            found = phases(logs, int(job_id))
            results[workers] = (evaluation_id, seconds, found)
            spent = ", ".join(f"{name} {value:.2f} s" for name, value in found["seconds"].items())
            print(f"  {workers} worker(s): mutation-free enqueue → COMPLETED {seconds:.2f} s", flush=True)
            print(f"    {found['chunks']} chunks, per worker {found['runners']}; summed: {spent}", flush=True)
        faster = None
        if not args.no_faster:
            print(f"  faster-coco-eval: before {load_average()}", flush=True)
            faster = run_child(
                "faster-coco-eval", [sys.executable, "-c", _REFERENCE_SCRIPT, "faster", str(gt), str(dets)]
            )
            print(f"  faster-coco-eval: after  {load_average()}", flush=True)
        print("\nsummary")
        if sqlite_seconds is not None:
            ratio = f", {sqlite_seconds / faster.seconds:.2f} x faster-coco-eval's" if faster else ""
            print(f"  SQLite, embedded runner: {sqlite_seconds:.2f} s{ratio}")
        one = results.get(1)
        for workers, (_evaluation, seconds, _found) in results.items():
            ratio = f", {seconds / faster.seconds:.2f} x faster-coco-eval's {faster.seconds:.2f} s" if faster else ""
            print(f"  {workers} worker(s): {seconds:.2f} s{ratio}")
        if one and 2 in results:
            t1, t2 = one[1], results[2][1]
            inside = sum(one[2]["seconds"][phase] for phase in PHASES)
            # A chunk's write overlaps the next one's load and match: the chunks' wall time, when the job logs it.
            wall = one[2]["seconds"]["chunks"] or inside
            serial = max(0.0, (t1 - wall) / t1)
            merge = sum(one[2]["seconds"][phase] for phase in MERGE)
            plan = one[2]["plan"]
            print(f"  speed-up with 2 workers: {t1 / t2:.2f}x (target ≥ 1.6x)")
            # N workers on C cores finish no sooner than their CPU over C allows: with the 1-worker run keeping X
            # cores busy, N workers go at most min(N, C / X) times as fast (were the serial part nil), and the
            # 2-worker run could not have taken less than its job's CPU over C (on an idle machine).
            cores = os.cpu_count() or 1
            busy1 = job_cpus[1] / t1
            print(
                f"  1 worker keeps {busy1:.2f} cores busy with the job's own CPU ({job_cpus[1]:.2f} s): 2 workers on "
                f"{cores} cores at most {min(2.0, cores / busy1):.2f}x; 2 workers' job CPU {job_cpus[2]:.2f} s "
                f"({job_cpus[2] / job_cpus[1]:.2f}x one worker's) takes {cores} idle cores {job_cpus[2] / cores:.2f} s"
                f" at least: speed-up at most {t1 / (job_cpus[2] / cores):.2f}x"
            )
            print(
                f"  1 worker: {inside:.2f} s inside chunks (load {one[2]['seconds']['load']:.2f}, match "
                f"{one[2]['seconds']['match']:.2f}, write {one[2]['seconds']['write']:.2f}, progress "
                f"{one[2]['seconds']['progress']:.2f}), planning {plan:.2f} s, "
                f"chunks' wall time {wall:.2f} s, merge {merge:.2f} s, the rest (queue hand-offs, polls) "
                f"{t1 - wall - merge - plan:.2f} s"
            )
            print(
                f"  serial fraction s = {serial:.3f}: Amdahl 2 workers {1 / (serial + (1 - serial) / 2):.2f}x, "
                f"8 workers {1 / (serial + (1 - serial) / 8):.2f}x ({t1 / (1 / (serial + (1 - serial) / 8)):.2f} s)"
            )
            implied = max(0.0, 2 * t2 / t1 - 1)
            print(
                f"  serial fraction implied by the measured speed-up: {implied:.3f} → 8 workers "
                f"{1 / (implied + (1 - implied) / 8):.2f}x"
            )
            print(f"  1 vs 2 workers: {await same_results(state, one[0], results[2][0])}")
    finally:
        await queue.close()
        await state.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk-items", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-faster", action="store_true", help="skip faster-coco-eval")
    parser.add_argument(
        "--pg-database",
        help="the kept PostgreSQL database (default matchscope_bench_scaleout_<images>): one per bench run at once",
    )
    parser.add_argument("--sqlite", action="store_true", help="first the same evaluation on SQLite, embedded runner")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING)
    DATA.mkdir(parents=True, exist_ok=True)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
