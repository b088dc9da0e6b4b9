"""Builds of the application side by side: server CPU per browsing request, and throughput against the floor.

    .venv/bin/python bench/builds.py REV [REV ...] [--backend sqlite|postgresql] [--case a] [--rounds 6] [--clients 8]
        [--images 5000] [--tag NAME]

Checks out the git revisions (one given: it and the working tree) into temporary worktrees, serves each and the floor
(bench/floor_app.py) on the browsing benchmark's database (built by bench/queries.py), and runs bursts of `--clients`
clients (default 8) against them in turn, rotating who goes first. For each it reports the median over rounds of the
server process's CPU time per request (user + system, from /proc), of the bursts' median latency, and of the
throughput as a share of the floor's, with each round's throughput (requests per second: compare two builds round by
round, as the floor's own rate drifts with the machine's load); on PostgreSQL also the CPU time per request of the
database's backends serving the bench's database. The load average is printed before and after. On a machine whose
speed drifts by a fifth within minutes, comparing builds in one run like this tells a change of a few percent where
separate runs of bench/queries.py cannot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import APP, serve, stop  # noqa: E402
from bench.queries import (  # noqa: E402
    Target,
    case_bodies,
    label_with_most_false_negatives,
    measure,
    page_200_cursor,
    prepare,
)

_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _database_cpu_seconds(database: str) -> float:
    """The CPU time of the PostgreSQL backends connected to `database` (their command line names it)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace").split()
            if command[:1] == ["postgres:"] and database in command:
                total += _cpu_seconds(int(stat.parent.name))
        except (OSError, IndexError):
            continue  # the process ended meanwhile
    return total


def _worktree(revision: str, into: Path, env: dict[str, str]) -> Path:
    """A checkout of `revision`, served once and stopped, so that the server measured loads the engine's kernels
    and its modules' bytecode from the caches: a server process that compiled its kernels at start-up spent ~7 %
    more CPU on every request afterwards, which would count against whichever side is a fresh checkout."""
    path = into / revision.replace("/", "_")
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), revision], cwd=ROOT, check=True, capture_output=True
    )
    stop(serve(APP, env, checkout=path)[0])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revisions", nargs="+", help="git revisions; one given, the working tree is the second")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--case", choices=list("abcefghijkst"), default="a", help="a case of bench/queries.py")
    parser.add_argument("--images", type=int, default=5000, help="the size of bench/queries.py's data set")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tag", default="", help="bench/queries.py's --tag: a database of its own")
    args = parser.parse_args()

    url, key, dataset_id, model_id, _ = asyncio.run(prepare(args.backend, args.images, args.tag))
    env = {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"}
    headers = {"Authorization": f"Bearer {key}"}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="matchscope-builds-") as scratch:
        trees = [_worktree(revision, Path(scratch), env) for revision in args.revisions]
        names = list(args.revisions)
        if len(trees) == 1:
            trees.append(ROOT)
            names.append("working tree")
        servers = [serve(APP, env, checkout=tree) for tree in trees]
        servers.append(serve("bench.floor_app:create_floor_app", {}))
        try:
            target = Target(servers[0][1], headers, dataset_id, model_id)
            label = label_with_most_false_negatives(target) if args.case == "c" else ""
            cursor = page_200_cursor(target) if args.case == "b" else None
            body = case_bodies(target, label, cursor)[args.case]
            rates: list[list[float]] = [[] for _ in servers]
            p50: list[list[float]] = [[] for _ in servers]
            cpu: list[list[float]] = [[] for _ in servers]
            database_cpu: list[list[float]] = [[] for _ in servers]
            database = url.rsplit("/", 1)[1] if args.backend == "postgresql" else None
            with ProcessPoolExecutor(max_workers=8) as pool:
                for _, server_url in servers:  # warm-up
                    measure(pool, server_url, headers, body, 1.0, args.clients)
                for round_index in range(args.rounds):
                    order = [(round_index + shift) % len(servers) for shift in range(len(servers))]
                    for index in order:
                        process, server_url = servers[index]
                        latencies: list[float] = []
                        while not latencies:  # on a loaded machine the clients may all be ready too late
                            before = _cpu_seconds(process.pid)
                            database_before = _database_cpu_seconds(database) if database else 0.0
                            latencies, rate = measure(pool, server_url, headers, body, args.seconds, args.clients)
                        p50[index].append(1000 * statistics.median(latencies))
                        cpu[index].append(1000 * (_cpu_seconds(process.pid) - before) / len(latencies))
                        if database:
                            spent = _database_cpu_seconds(database) - database_before
                            database_cpu[index].append(1000 * spent / len(latencies))
                        rates[index].append(rate)
        finally:
            stop(*(process for process, _ in servers))
            for tree in trees:
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    load = " → ".join(f"{average[0]:.1f}" for average in (load_before, os.getloadavg()))
    print(f"[{args.backend}] case ({args.case}), {args.clients} clients, {args.rounds} rounds of {args.seconds:g} s")
    print(f"load average (1 min) {load}")
    for index, name in enumerate([*names, "floor"]):
        line = f"{name:>14}: server CPU {statistics.median(cpu[index]):.2f} ms/request"
        line += f" (rounds {', '.join(f'{value:.2f}' for value in cpu[index])})"
        line += f", p50 {statistics.median(p50[index]):.2f} ms"
        if index < len(names):
            if database_cpu[index]:
                line += f", database CPU {statistics.median(database_cpu[index]):.2f} ms/request"
            shares = [ours / floor for ours, floor in zip(rates[index], rates[-1], strict=True)]
            line += f", throughput {100 * statistics.median(shares):.0f} % of the floor's"
        print(line)
        print(f"{'':>16}requests/s by round: {', '.join(f'{rate:.0f}' for rate in rates[index])}")


if __name__ == "__main__":
    main()
