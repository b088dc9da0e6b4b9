"""`matchscope serve` and `matchscope demo`."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from matchscope.commands._common import announce_database, database, load_settings, prepare_database, run
from matchscope.services import accounts, demo
from matchscope.settings import Settings
from matchscope.store.db import transaction

LOCAL_ACCOUNT = "local"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="run the API (with in-process jobs unless REDIS_URL is set)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="seed a demo dataset with two models first")
    serve.set_defaults(func=_serve)
    seed = subparsers.add_parser("demo", help="seed the demo dataset with two models, then exit")
    seed.set_defaults(func=_demo)


def key_file(settings: Settings) -> Path | None:
    """Beside an embedded SQLite database, the local key is kept (mode 600) so a restart can show it again."""
    path = settings.sqlite_path()
    return None if path is None else path.with_name(path.name + ".key")


async def _prepare(settings: Settings, *, seed: bool) -> tuple[str | None, bool]:
    """Apply migrations; make sure the local account has a key; seed the demo. Returns (key to show, seeded)."""
    async with database(settings) as state, transaction(state.sessions) as session:
        stored = key_file(settings)
        key = stored.read_text().strip() if stored is not None and stored.exists() else None
        if key is not None and await accounts.authenticate(session, key) is None:
            key = None
        if key is None and not await accounts.list_keys(session):
            issued = await accounts.create_key(session, account_name=LOCAL_ACCOUNT)
            key = issued.secret
            if stored is not None:
                stored.touch(mode=0o600)
                stored.chmod(0o600)
                stored.write_text(key + "\n")
        seeded = False
        if seed:
            owner = await accounts.get_or_create_account(session, LOCAL_ACCOUNT)
            assert owner.id is not None
            seeded = await demo.seed_demo(session, account_id=owner.id, image_root=settings.images_dir())
        return key, seeded


def _banner(key: str | None, host: str, port: int) -> str:
    url = f"http://{host}:{port}/graphql"
    ui = f"matchscope: web UI at http://{host}:{port}/"
    if key is None:
        return f"{ui}, GraphQL at {url}. Create a key with `matchscope keys create --account {LOCAL_ACCOUNT}`."
    return "\n".join(
        [
            f"{ui} (paste the key below once)",
            f"matchscope: GraphQL (GraphiQL in a browser) at {url}",
            f"  API key for account {LOCAL_ACCOUNT!r}: {key}",
            f'  GraphiQL headers pane: {{"Authorization": "Bearer {key}"}}',
            f"  curl -s {url} -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\",
            '       -d \'{"query": "{ datasets(first: 5) { edges { node { id name itemCount } } } }"}\'',
        ]
    )


def fill_kernel_cache() -> None:
    """Compile the engine's kernels into numba's on-disk cache in a child process, so that the server process
    only loads them. A process that compiled them itself spent ~7 % more CPU on every request for the rest of its
    life (4.93 against 4.59 ms per browsing request, the same code side by side: bench/README.md). If the child
    fails, the server compiles them at start-up as before."""
    command = [sys.executable, "-c", "from matchscope.engine import warmup; warmup()"]
    if subprocess.run(command, check=False).returncode != 0:
        print("matchscope: compiling the engine's kernels in a child process failed; the server compiles them")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from matchscope.app import create_app

    settings = load_settings()
    announce_database(settings, "serve")
    run(prepare_database(settings))  # an unusable database ends the command before the kernels are compiled
    fill_kernel_cache()
    key, seeded = run(_prepare(settings, seed=args.demo))
    if seeded:
        print(f"matchscope: seeded demo dataset {demo.DEMO_DATASET!r} with models {', '.join(demo.DEMO_MODELS)}")
        print(f"  its images: {settings.images_dir() / demo.DEMO_FOLDER}")
    print(_banner(key, args.host, args.port), flush=True)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=settings.log_level,
        ws="websockets-sansio",
    )
    return 0


def _demo(_args: argparse.Namespace) -> int:
    settings = load_settings()
    key, seeded = run(_prepare(settings, seed=True))
    print(f"matchscope: demo dataset {demo.DEMO_DATASET!r} {'seeded' if seeded else 'already present'}")
    if key is not None:
        print(key)
    return 0
