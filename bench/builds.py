"""Two builds of the application side by side: server CPU per browsing request, and throughput against the floor.

    .venv/bin/python bench/builds.py REV_A [REV_B] [--backend sqlite|postgresql] [--case a] [--rounds 6] [--images 5000]

Checks out git revisions REV_A and REV_B (default: the working tree) into temporary worktrees, serves both and the
floor (bench/floor_app.py) on the browsing benchmark's database (built by bench/queries.py), and runs 8-client
bursts against the three in turn, rotating who goes first. For each it reports the median over rounds of the
server process's CPU time per request (user + system, from /proc) and the throughput as a share of the floor's.
On a machine whose speed drifts by a fifth within minutes, comparing two builds in one run like this tells a
change of a few percent where two separate runs of bench/queries.py cannot.
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
    parser.add_argument("rev_a")
    parser.add_argument("rev_b", nargs="?", help="default: the working tree")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--case", choices=list("abcefghijkst"), default="a", help="a case of bench/queries.py")
    parser.add_argument("--images", type=int, default=5000, help="the size of bench/queries.py's data set")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    url, key, dataset_id, model_id, _ = asyncio.run(prepare(args.backend, args.images))
    env = {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"}
    headers = {"Authorization": f"Bearer {key}"}
    with tempfile.TemporaryDirectory(prefix="matchscope-builds-") as scratch:
        trees = [_worktree(args.rev_a, Path(scratch), env)]
        trees.append(_worktree(args.rev_b, Path(scratch), env) if args.rev_b else ROOT)
        names = [args.rev_a, args.rev_b or "working tree"]
        servers = [serve(APP, env, checkout=tree) for tree in trees]
        servers.append(serve("bench.floor_app:create_floor_app", {}))
        try:
            target = Target(servers[0][1], headers, dataset_id, model_id)
            label = label_with_most_false_negatives(target) if args.case == "c" else ""
            cursor = page_200_cursor(target) if args.case == "b" else None
            body = case_bodies(target, label, cursor)[args.case]
            rates: list[list[float]] = [[] for _ in servers]
            cpu: list[list[float]] = [[] for _ in servers]
            with ProcessPoolExecutor(max_workers=8) as pool:
                for _, server_url in servers:  # warm-up
                    measure(pool, server_url, headers, body, 1.0, 8)
                for round_index in range(args.rounds):
                    order = [(round_index + shift) % len(servers) for shift in range(len(servers))]
                    for index in order:
                        process, server_url = servers[index]
                        before = _cpu_seconds(process.pid)
                        latencies, rate = measure(pool, server_url, headers, body, args.seconds, 8)
                        cpu[index].append(1000 * (_cpu_seconds(process.pid) - before) / len(latencies))
                        rates[index].append(rate)
        finally:
            stop(*(process for process, _ in servers))
            for tree in trees:
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    print(f"[{args.backend}] case ({args.case}), 8 clients, {args.rounds} rounds of {args.seconds:g} s")
    for index, name in enumerate([*names, "floor"]):
        line = f"{name:>14}: server CPU {statistics.median(cpu[index]):.2f} ms/request"
        line += f" (rounds {', '.join(f'{value:.2f}' for value in cpu[index])})"
        if index < 2:
            shares = [ours / floor for ours, floor in zip(rates[index], rates[2], strict=True)]
            line += f", throughput {100 * statistics.median(shares):.0f} % of the floor's"
        print(line)


if __name__ == "__main__":
    main()
