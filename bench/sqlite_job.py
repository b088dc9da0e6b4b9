"""`calculateEvaluationMetrics` on SQLite with the embedded runner, from the enqueue to COMPLETED, for one or more
checkouts in alternation, beside faster-coco-eval's whole evaluation of the same files (issue #23).

Each checkout runs in a child process of its own (its `matchscope` package first on `sys.path`, this checkout's
interpreter) on its own kept SQLite file, `bench/.data/scaleout-<images>.db` under that checkout: the files of
bench/number_formats.py, imported on first use (bench/scaleout.py's `prepare`, which also empties the jobs and
evaluations of earlier runs). Rounds alternate the checkouts and faster-coco-eval, so that all see the machine in
the same state; the medians and the ratio to faster-coco-eval's median follow. Each run prints its wall time, the
child's CPU time over the job (user + system, every thread: steadier than wall time on a shared machine) and the
job's own per-phase summary (its log line; phases run in other threads overlap). numba's kernels are loaded before
the job, as a long-running server or an arq worker has them.

    .venv/bin/python -u bench/sqlite_job.py                                   # this checkout, 3 rounds
    .venv/bin/python -u bench/sqlite_job.py --checkout ../before --checkout . --rounds 5 --no-faster
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engine import _REFERENCE_SCRIPT, run_child  # noqa: E402
from bench.number_formats import write_formats  # noqa: E402

# Runs in the checkout's child process: only names bench/scaleout.py has had since the SQLite run was added.
_CHILD = """
import asyncio, logging, os, re, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import orjson
from bench import scaleout
from bench._common import DATA
from matchscope import engine
from matchscope.jobs import runtime
from matchscope.settings import Settings
from matchscope.state import AppState

def queued():  # seconds the process's threads were ready to run but waited for a CPU (/proc schedstat)
    total = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[1])
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return total / 1e9

def written():
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("write_bytes"))

class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []
    def emit(self, record):
        self.lines.append(record.getMessage())

async def main(images, gt, dets):
    DATA.mkdir(parents=True, exist_ok=True)
    state = AppState.create(Settings(database_url=f"sqlite:///{DATA / f'scaleout-{images}.db'}"))
    lines = Lines()
    job_logger = logging.getLogger("matchscope.services.evaluate")
    job_logger.addHandler(lines)
    job_logger.setLevel(logging.INFO)
    try:
        account, dataset, model = await scaleout.prepare(state, f"scaleout-{images}", gt, dets)
        queue = (await runtime.ensure_started(state)).queue
        await asyncio.to_thread(engine.warmup)  # as a long-running server (and an arq worker at its start) has
        before = os.getloadavg()[0]
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        disk = written()
        waited = queued()
        _evaluation, seconds = await scaleout.run_job(state, queue, account, dataset, model)
        used = resource.getrusage(resource.RUSAGE_SELF)
        after = os.getloadavg()[0]
        summary = ""
        for _ in range(100):  # the job logs its summary just after the commit the poll saw
            found = [line for line in lines.lines if re.match(r"job \\d+: .*complete", line)]
            if found:
                summary = found[-1].split(": ", 1)[1]
                break
            await asyncio.sleep(0.05)
        waited = queued() - waited
        cpu_seconds = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
        mb = (written() - disk) / 1e6
        print(orjson.dumps({"seconds": seconds, "cpu": cpu_seconds, "queued": waited, "mb": mb, "phases": summary, "load": [before, after]}).decode())
    finally:
        await runtime.shutdown(state)
        await state.close()

logging.basicConfig(level=logging.WARNING)
asyncio.run(main(int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
"""


def run_checkout(checkout: Path, images: int, gt: Path, dets: Path) -> dict[str, Any]:
    """One job in a child process running `checkout`'s code: seconds, cpu, mb (written to disk), phases, load."""
    found = subprocess.run(
        [sys.executable, "-u", "-c", _CHILD, str(checkout), str(images), str(gt), str(dets)],
        cwd=checkout,
        capture_output=True,
        check=False,
    )
    if found.returncode != 0:
        raise SystemExit(f"{checkout}: exit code {found.returncode}\n{found.stderr.decode()[-3000:]}")
    result: dict[str, Any] = orjson.loads(found.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--checkout", type=Path, action="append", help="a checkout to run (repeatable; default this one)"
    )
    parser.add_argument("--no-faster", action="store_true", help="skip faster-coco-eval")
    args = parser.parse_args()
    checkouts = [path.resolve() for path in args.checkout or [ROOT]]
    gt, dets = write_formats(args.images, args.seed)["float64"]
    print(f"{args.images:,} images, {dets.name}; checkouts: {', '.join(map(str, checkouts))}", flush=True)
    for checkout in checkouts:  # a first run fills numba's cache and imports the files: not counted
        print(f"  warm-up {checkout.name}: {run_checkout(checkout, args.images, gt, dets)['seconds']:.2f} s")
    seconds: dict[Path, list[float]] = {checkout: [] for checkout in checkouts}
    cpu: dict[Path, list[float]] = {checkout: [] for checkout in checkouts}
    faster: list[float] = []
    for round_ in range(1, args.rounds + 1):
        for checkout in checkouts:
            run = run_checkout(checkout, args.images, gt, dets)
            seconds[checkout].append(float(run["seconds"]))
            cpu[checkout].append(float(run["cpu"]))
            load = ", ".join(f"{value:.1f}" for value in run["load"])
            print(
                f"  round {round_} {checkout.name}: {run['seconds']:.2f} s, CPU {run['cpu']:.2f} s "
                f"(threads waited {run['queued']:.2f} s for a CPU), "
                f"{run['mb']:.0f} MB to disk "
                f"(load average {load}); {run['phases']}",
                flush=True,
            )
        if not args.no_faster:
            before = os.getloadavg()[0]
            command = [sys.executable, "-c", _REFERENCE_SCRIPT, "faster", str(gt), str(dets)]
            faster.append(run_child("faster-coco-eval", command).seconds)
            print(f"  round {round_} faster-coco-eval: {faster[-1]:.2f} s (load average {before:.1f})", flush=True)
    print("\nmedians")
    reference = statistics.median(faster) if faster else None
    for checkout, values in seconds.items():
        median = statistics.median(values)
        ratio = f", {median / reference:.2f} x faster-coco-eval's {reference:.2f} s" if reference else ""
        runs = ", ".join(f"{value:.2f}" for value in values)
        print(f"  {checkout}: {median:.2f} s of {runs}{ratio}; CPU {statistics.median(cpu[checkout]):.2f} s")


if __name__ == "__main__":
    main()
