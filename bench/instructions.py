"""Instructions per browsing request on the server, counted by callgrind: unlike times on a shared machine, they do
not drift with the load (the same build counted within 0.8 % in runs here).

    .venv/bin/python bench/instructions.py REV [REV ...] [--case a] [--images 2000] [--requests 30]
        [--backend sqlite|postgresql]

Each revision (`.` for the working tree) is checked out, given a database of its own prepared by its own code and
served once to warm its caches, as bench/builds.py does; then uvicorn serves it under `valgrind --tool=callgrind
--instr-atstart=no`. After 20 requests of the case (bench/queries.py's) from one client, instrumentation is switched
on (`callgrind_control -i on`) around `--requests` more, and the server's instructions (every thread) are divided by
them. The client's are not counted; on PostgreSQL neither are the database's. Start-up under valgrind takes minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import builds  # noqa: E402
from bench._common import APP, free_port  # noqa: E402
from bench.queries import Target, case_bodies  # noqa: E402

_WARM_UP = 20


def _callgrind(pid: int, *control: str) -> None:
    subprocess.run(["callgrind_control", *control, str(pid)], check=True, capture_output=True)


def _counted(out: Path) -> int:
    """The instructions of every dump of the run (a file a dump; summary or totals line)."""
    total = 0
    for dump in out.parent.glob(f"{out.name}*"):
        lines = dump.read_text().splitlines()
        total += max((int(line.split()[1]) for line in lines if line.startswith(("totals:", "summary:"))), default=0)
    return total


def instructions(tree: Path, url: str, key: str, ids: tuple[str, str], args: argparse.Namespace, out: Path) -> float:
    """Instructions per request of `args.case` on the server of `tree` serving `url`."""
    port = free_port()
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", sys.executable]
    command += ["-m", "uvicorn", APP, "--factory", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    env = {**os.environ, "DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0", "PYTHONPATH": str(tree)}
    with (out.parent / "valgrind.log").open("w") as log:
        server = subprocess.Popen(command, cwd=tree, env=env, stderr=log)
    graphql = f"http://127.0.0.1:{port}/graphql"
    try:
        for _ in range(3000):  # minutes: the imports and the kernels' cache under valgrind
            try:
                httpx.get(graphql, timeout=5.0)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        target = Target(graphql, {"Authorization": f"Bearer {key}"}, *ids)
        body = case_bodies(target, "", None)[args.case]
        with httpx.Client(headers=target.headers, timeout=120.0) as client:
            for _ in range(_WARM_UP):
                response = client.post(graphql, json=body)
                if response.status_code != 200 or response.json().get("errors"):
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
            _callgrind(server.pid, "-i", "on")
            for _ in range(args.requests):
                client.post(graphql, json=body).raise_for_status()
            _callgrind(server.pid, "-i", "off")
        _callgrind(server.pid, "-d")
    finally:
        server.terminate()
        server.wait(timeout=120)
    return _counted(out) / int(args.requests)


def main() -> None:
    parser = builds.revisions_parser(__doc__, "git revisions; `.`: the working tree", "aefghijkst", 2000)
    parser.add_argument("--requests", type=int, default=30, help="requests counted")
    args = parser.parse_args()
    for revision in args.revisions:
        with tempfile.TemporaryDirectory(prefix="matchscope-instructions-") as scratch:
            tree = ROOT if revision == "." else builds.checkout_revision(revision, Path(scratch))
            try:
                name = None if tree == ROOT else revision
                url, key, dataset_id, model_id = builds.prepared_database(
                    tree, args.backend, args.images, builds.build_database_url(args.backend, args.images, name, "")
                )
                if tree != ROOT:
                    builds.served_once(tree, {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"})
                counted = instructions(tree, url, key, (dataset_id, model_id), args, Path(scratch) / "callgrind.out")
            finally:
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        print(f"{revision:>14}: case ({args.case}), {counted / 1e6:.2f} M instructions per request", flush=True)


if __name__ == "__main__":
    main()
