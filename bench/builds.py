"""Builds of the application side by side: server CPU per browsing request, and throughput against the floor.

    .venv/bin/python bench/builds.py REV [REV ...] [--backend sqlite|postgresql] [--case a] [--rounds 6] [--clients 8]
        [--images 5000] [--tag NAME]

Checks out the git revisions (one given: it and the working tree) into temporary worktrees, serves each and the floor
(bench/floor_app.py), each build on a browsing benchmark database of its own that its own code prepared (its
bench/queries.py, migrations and evaluate service: a SQLite file in bench/.data/ or a PostgreSQL database named after
the commit, kept for the next run), and runs bursts of `--clients` clients (default 8) against them in turn, rotating
who goes first. For each it reports the median over rounds of the
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
import json
import os
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import APP, DATA, kept_pg_database, serve, stop  # noqa: E402
from bench.queries import (  # noqa: E402
    Target,
    case_bodies,
    label_with_most_false_negatives,
    measure,
    page_200_cursor,
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


def checkout_revision(revision: str, into: Path) -> Path:
    path = into / revision.replace("/", "_")
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), revision], cwd=ROOT, check=True, capture_output=True
    )
    # The checkout's bench/queries.py keeps SQLite databases beside itself; they outlive the temporary checkout here.
    DATA.mkdir(parents=True, exist_ok=True)
    (path / "bench" / ".data").symlink_to(DATA, target_is_directory=True)
    return path


def build_database_url(backend: str, images: int, revision: str | None, tag: str) -> str:
    """The build's own database: named after the commit (None: the working tree's, bench/queries.py's own)."""
    from bench import queries

    if revision is None:
        return asyncio.run(queries._database_url(backend, images, tag))
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", f"{revision}^{{commit}}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    suffix = f"{tag}_{commit}" if tag else commit
    if backend == "sqlite":
        return f"sqlite:///{DATA / f'queries-{images}-build-{suffix}.db'}"
    return asyncio.run(kept_pg_database(f"matchscope_bench_{images}_build_{suffix}"))


# Run in the checkout: its bench/queries.prepare on the URL given, whatever that revision's prepare() takes to name
# its database (its `_database_url` is replaced); prints the ids as JSON on the last line.
_PREPARE = """
import asyncio, inspect, json, sys
from bench import queries
backend, images, url = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if inspect.iscoroutinefunction(queries._database_url):
    async def named(*_arguments):
        return url
else:
    def named(*_arguments):
        return url
queries._database_url = named
prepared = asyncio.run(queries.prepare(backend, images))
print(json.dumps(list(prepared[:4])))
"""


def prepared_database(checkout: Path, backend: str, images: int, url: str) -> tuple[str, str, str, str]:
    """(url, API key, dataset id, model id) of the browsing benchmark's database at `url`, built (once) and migrated
    by `checkout`'s own code, so that every build serves the data its migrations and evaluate service make."""
    command = [sys.executable, "-c", _PREPARE, backend, str(images), url]
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(command, cwd=checkout, env=environment, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{checkout}'s bench/queries.prepare failed:\n{done.stderr[-3000:]}")
    prepared_url, key, dataset_id, model_id = json.loads(done.stdout.strip().splitlines()[-1])
    return prepared_url, key, dataset_id, model_id


def served_once(checkout: Path, env: dict[str, str]) -> None:
    """The checkout served once and stopped, so that the server measured loads the engine's kernels and its modules'
    bytecode from the caches: a server process that compiled its kernels at start-up spent ~7 % more CPU on every
    request afterwards, which would count against whichever side is a fresh checkout."""
    stop(serve(APP, env, checkout=checkout)[0])


def _body(target: Target, case: str) -> dict[str, object]:
    """The request of `case` for a build (ids and cursors are the build's own: its entries' ids may differ)."""
    label = label_with_most_false_negatives(target) if case == "c" else ""
    cursor = page_200_cursor(target) if case == "b" else None
    return case_bodies(target, label, cursor)[case]


@dataclass
class _Build:
    """A served build and what its rounds measured."""

    process: subprocess.Popen[bytes]
    target: Target
    body: dict[str, object]
    database: str | None  # PostgreSQL: the database whose backends' CPU is counted
    rates: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    database_cpu: list[float] = field(default_factory=list)


def _serve_builds(
    trees: list[Path], revisions: list[str | None], args: argparse.Namespace, builds: list[_Build]
) -> None:
    """Each checkout served on its own database, then the floor (sent the first build's request), into `builds`."""
    for tree, revision in zip(trees, revisions, strict=True):
        url, key, dataset_id, model_id = prepared_database(
            tree, args.backend, args.images, build_database_url(args.backend, args.images, revision, args.tag)
        )
        env = {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"}
        if tree != ROOT:
            served_once(tree, env)
        process, server_url = serve(APP, env, checkout=tree)
        target = Target(server_url, {"Authorization": f"Bearer {key}"}, dataset_id, model_id)
        database = url.rsplit("/", 1)[1] if args.backend == "postgresql" else None
        builds.append(_Build(process, target, _body(target, args.case), database))
    process, floor_url = serve("bench.floor_app:create_floor_app", {})
    floor = Target(floor_url, builds[0].target.headers, "", "")  # the floor ignores the key and the ids
    builds.append(_Build(process, floor, builds[0].body, None))


def _burst(pool: ProcessPoolExecutor, build: _Build, args: argparse.Namespace) -> None:
    latencies: list[float] = []
    while not latencies:  # on a loaded machine the clients may all be ready too late
        before = _cpu_seconds(build.process.pid)
        database_before = _database_cpu_seconds(build.database) if build.database else 0.0
        latencies, rate = measure(pool, build.target.url, build.target.headers, build.body, args.seconds, args.clients)
    build.p50.append(1000 * statistics.median(latencies))
    build.cpu.append(1000 * (_cpu_seconds(build.process.pid) - before) / len(latencies))
    if build.database:
        spent = _database_cpu_seconds(build.database) - database_before
        build.database_cpu.append(1000 * spent / len(latencies))
    build.rates.append(rate)


def _report(builds: list[_Build], names: list[str], load: str, args: argparse.Namespace) -> None:
    print(f"[{args.backend}] case ({args.case}), {args.clients} clients, {args.rounds} rounds of {args.seconds:g} s")
    print(f"load average (1 min) {load}")
    floor = builds[-1]
    for build, name in zip(builds, [*names, "floor"], strict=True):
        line = f"{name:>14}: server CPU {statistics.median(build.cpu):.2f} ms/request"
        line += f" (rounds {', '.join(f'{value:.2f}' for value in build.cpu)})"
        line += f", p50 {statistics.median(build.p50):.2f} ms"
        if build is not floor:
            if build.database_cpu:
                line += f", database CPU {statistics.median(build.database_cpu):.2f} ms/request"
            shares = [ours / base for ours, base in zip(build.rates, floor.rates, strict=True)]
            line += f", throughput {100 * statistics.median(shares):.0f} % of the floor's"
        print(line)
        print(f"{'':>16}requests/s by round: {', '.join(f'{rate:.0f}' for rate in build.rates)}")


def revisions_parser(description: str | None, revisions: str, cases: str, images: int) -> argparse.ArgumentParser:
    """The arguments of a benchmark of revisions side by side on one page case of bench/queries.py."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revisions", nargs="+", help=revisions)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--case", choices=list(cases), default="a", help="a case of bench/queries.py")
    parser.add_argument("--images", type=int, default=images, help="the size of bench/queries.py's data set")
    return parser


def main() -> None:
    parser = revisions_parser(__doc__, "git revisions; one given, the working tree is the second", "abcefghijkst", 5000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tag", default="", help="a suffix of the builds' database names (bench/queries.py's --tag)")
    args = parser.parse_args()

    load_before = os.getloadavg()
    builds: list[_Build] = []
    with tempfile.TemporaryDirectory(prefix="matchscope-builds-") as scratch:
        trees = [checkout_revision(revision, Path(scratch)) for revision in args.revisions]
        names = list(args.revisions)
        revisions: list[str | None] = list(args.revisions)
        if len(trees) == 1:
            trees.append(ROOT)
            names.append("working tree")
            revisions.append(None)
        try:
            _serve_builds(trees, revisions, args, builds)
            with ProcessPoolExecutor(max_workers=8) as pool:
                for build in builds:  # warm-up
                    measure(pool, build.target.url, build.target.headers, build.body, 1.0, args.clients)
                for round_index in range(args.rounds):
                    for shift in range(len(builds)):
                        _burst(pool, builds[(round_index + shift) % len(builds)], args)
        finally:
            stop(*(build.process for build in builds))
            for tree in trees:
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    _report(builds, names, " → ".join(f"{average[0]:.1f}" for average in (load_before, os.getloadavg())), args)


if __name__ == "__main__":
    main()
