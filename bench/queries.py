"""Browse latency on a COCO-val-sized evaluation, through the HTTP app served by uvicorn, against a floor.

    .venv/bin/python bench/queries.py [--backend sqlite|postgresql|both] [--images 5000] [--seconds 2] [--rounds 5]

Builds (once, cached in bench/.data/ or the PostgreSQL database matchscope_bench_<images>) a synthetic
COCO-shaped dataset (`matchscope.engine.synthetic`, ~540,000 entries at 5,000 images), imports it with the
import service and evaluates it with the evaluate service. Then serves the app with uvicorn and measures
p50/p99 of (a) the first page of 50 false positives by IoU desc, (b) page 200 of the same via cursors,
(c) false negatives of one label, (d) metrics at iouThreshold 0.75 — with 1 client and with 8 concurrent
clients (separate processes); on request (`--cases`) the review cases over 1,000 stored reviews: (e) the first page of
LABEL_ERROR entries, (f) the first page of unreviewed false positives, (g) the page of (a) with each entry's review;
the error type cases: (h)-(k) the first page of error types (DUPLICATE + BACKGROUND, then MISSED) at the default
thresholds and at iouThreshold 0.75; and on slices (items' metadata, written once: a quarter of the items
{"scenario": "night"}, a twentieth {"camera": "cam-7"}): (s) the first page of 50 false positives of the night slice,
(t) of the camera slice, (u) metrics of the night slice at 0.75 — and the same for a floor: a tiny strawberry schema
serving a page of the same
shape from memory through the same server set-up (bench/floor_app.py). Each case runs in `--rounds` bursts of
`--seconds` seconds, the application's and the floor's alternating; in a burst every client starts at the same
moment and sends requests one after another until the burst ends.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import APP, DATA, kept_pg_database, serve, stop  # noqa: E402

PAGE = """query($d: ID!, $m: ID!, $f: MatchFilter, $a: String, $t: Float = 0.5) { evaluation(datasetId: $d, modelId: $m) {
  matches(iouThreshold: $t, filter: $f, first: 50, after: $a) { pageInfo { hasNextPage endCursor } edges { cursor node {
    id outcome iou confidence groundTruthLabel predictionLabel item { id referenceId }
    groundTruth { id label x y width height } prediction { id label x y width height confidence } } } } } }"""
METRICS = """query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { metrics(iouThreshold: 0.75) {
  overall { truePositives falsePositives falseNegatives precision recall f1 }
  perClass { label groundTruthCount predictionCount counts { truePositives falsePositives falseNegatives precision recall f1 } }
  confusionMatrix { rowLabels columnLabels counts } matchedIouHistogram { binEdges counts }
  truePositiveConfidenceHistogram { counts } falsePositiveConfidenceHistogram { counts }
  itemsWithMostErrors(first: 10) { edges { node { errors item { referenceId } } } } } } }"""
PAGE_REVIEWS = PAGE.replace("confidence } } } } } }", "confidence } review { status note } } } } } }")
SLICE_METRICS = """query($d: ID!, $m: ID!, $s: JSON) { evaluation(datasetId: $d, modelId: $m) {
  metrics(iouThreshold: 0.75, itemMetadata: $s) {
  overall { truePositives falsePositives falseNegatives precision recall f1 }
  perClass { label groundTruthCount predictionCount counts { truePositives falsePositives falseNegatives precision recall f1 } }
  confusionMatrix { rowLabels columnLabels counts } matchedIouHistogram { binEdges counts } } } }"""
NIGHT = {"scenario": "night"}
CAMERA = {"camera": "cam-7"}
FN_COUNTS = """query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { metrics { perClass { label counts { falseNegatives } } } } }"""


@dataclass
class Target:
    url: str
    headers: dict[str, str]
    dataset_id: str
    model_id: str


# ---------------------------------------------------------------- data


async def _database_url(backend: str, images: int, tag: str = "") -> str:
    suffix = f"-{tag}" if tag else ""
    if backend == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / f'queries-{images}{suffix}.db'}"
    return await kept_pg_database(f"matchscope_bench_{images}{suffix.replace('-', '_')}")


REVIEWS = 1000


async def _ensure_reviews(state: Any, dataset_id: int, model_id: int, evaluation_id: int) -> None:
    """1,000 reviews of random entries (seeded), a third of each stored status: a long triage session's worth."""
    import numpy as np
    from sqlalchemy import bindparam, func, insert, select

    from matchscope.store.tables import Dataset, MatchEntry, MatchReview, utcnow

    async with state.sessions() as session, session.begin():
        reviewed = select(func.count()).where(MatchReview.dataset_id == dataset_id, MatchReview.model_id == model_id)
        if (await session.execute(reviewed)).scalar_one():
            return
        entries = (
            await session.execute(
                select(MatchEntry.item_id, MatchEntry.ground_truth_id, MatchEntry.prediction_id)
                .where(MatchEntry.evaluation_id == bindparam("evaluation_id", evaluation_id))
                .order_by(MatchEntry.id)
            )
        ).all()
        account_id = (await session.execute(select(Dataset.account_id).where(Dataset.id == dataset_id))).scalar_one()
        keys: dict[tuple[int, int], int] = {}
        for index in np.random.default_rng(0).permutation(len(entries)):
            item_id, ground_truth_id, prediction_id = entries[int(index)]
            keys.setdefault((ground_truth_id or 0, prediction_id or 0), item_id)
            if len(keys) == REVIEWS:
                break
        statuses = ("CONFIRMED", "LABEL_ERROR", "IGNORED")
        rows = [
            {
                "account_id": account_id,
                "dataset_id": dataset_id,
                "model_id": model_id,
                "item_id": item_id,
                "ground_truth_id": gt,
                "prediction_id": pred,
                "status": statuses[number % 3],
                "note": None,
                "updated_at": utcnow(),
            }
            for number, ((gt, pred), item_id) in enumerate(keys.items())
        ]
        await session.execute(insert(MatchReview), rows)


async def prepare(backend: str, images: int, tag: str = "") -> tuple[str, str, str, str, int]:
    """(database url, API key, dataset global id, model global id, entries); builds the evaluation once."""
    from sqlalchemy import bindparam, func, select

    from matchscope.engine.synthetic import generate_coco
    from matchscope.schema.ids import to_global_id
    from matchscope.services import accounts, browse, coco_import, evaluate
    from matchscope.settings import Settings
    from matchscope.state import AppState
    from matchscope.store.db import transaction
    from matchscope.store.migrate import upgrade
    from matchscope.store.tables import Dataset, MatchEntry, Model

    url = await _database_url(backend, images, tag)
    state = AppState.create(Settings(database_url=url))
    await upgrade(state.engine)
    name = f"synthetic-{images}"
    try:
        async with transaction(state.sessions) as session:
            issued = await accounts.create_key(session, account_name="bench")
            dataset = (
                await session.execute(
                    select(Dataset).where(Dataset.account_id == issued.account_id, Dataset.name == name)
                )
            ).scalar_one_or_none()
            model = (
                await session.execute(
                    select(Model).where(Model.account_id == issued.account_id, Model.reference_id == name)
                )
            ).scalar_one_or_none()
            current = None
            if dataset is not None and model is not None:
                current = await browse.current_evaluation(
                    session, account_id=issued.account_id, dataset_id=dataset.id, model_id=model.id
                )
        if current is None:
            started = time.perf_counter()
            ground_truth, detections = generate_coco(images=images, seed=0)
            async with transaction(state.sessions) as session:
                result = await coco_import.import_ground_truth(
                    session, account_id=issued.account_id, dataset_name=name, data=ground_truth
                )
                imported = await coco_import.import_detections(
                    session, account_id=issued.account_id, dataset_name=name, model_name=name, data=detections
                )
                dataset, model = result.dataset, imported.model
                assert model is not None
                job, _ = await evaluate.submit(
                    session,
                    account_id=issued.account_id,
                    dataset_id=dataset.id,
                    model_id=model.id,
                    options=evaluate.validate_options(None, None),
                )
            print(f"[{backend}] imported {images} images in {time.perf_counter() - started:.1f}s", flush=True)

            async def quiet(_job: Any) -> None:
                return None

            started = time.perf_counter()
            await evaluate.run_evaluation(state.sessions, job.id, chunk_items=500, on_progress=quiet)
            print(f"[{backend}] evaluated in {time.perf_counter() - started:.1f}s", flush=True)
        await _with_scenarios(state, dataset.id)
        async with state.sessions() as session:
            current = await browse.current_evaluation(
                session, account_id=issued.account_id, dataset_id=dataset.id, model_id=model.id
            )
            assert current is not None
            evaluation_id = current.id
            entries = (
                await session.execute(
                    select(func.count())
                    .select_from(MatchEntry)
                    .where(MatchEntry.evaluation_id == bindparam("evaluation_id", current.id))
                )
            ).scalar_one()
        await _ensure_reviews(state, dataset.id, model.id, evaluation_id)
        if backend == "postgresql":
            async with state.engine.begin() as connection:
                from sqlalchemy import text

                await connection.execute(text("ANALYZE"))  # as autovacuum does soon after an import
        return url, issued.secret, to_global_id("Dataset", dataset.id), to_global_id("Model", model.id), int(entries)
    finally:
        await state.close()


async def _with_scenarios(state: Any, dataset_id: int) -> None:
    """Slice metadata on the items, once (one statement): `scenario` night on a quarter, day on the rest; `camera`
    cam-0 to cam-19."""
    from sqlalchemy import text

    scenario = "CASE WHEN id % 4 = 0 THEN 'night' ELSE 'day' END"
    camera = "'cam-' || CAST(id % 20 AS TEXT)"
    if state.engine.dialect.name == "sqlite":
        sql = (
            f"UPDATE dataset_item SET metadata = json_set(coalesce(metadata, '{{}}'), '$.scenario', {scenario}, "
            f"'$.camera', {camera}) WHERE dataset_id = :d AND json_extract(metadata, '$.scenario') IS NULL"
        )
    else:
        sql = (
            "UPDATE dataset_item SET metadata = CAST(coalesce(CAST(metadata AS jsonb), '{}') || "
            f"jsonb_build_object('scenario', {scenario}, 'camera', {camera}) AS json) "
            "WHERE dataset_id = :d AND metadata ->> 'scenario' IS NULL"
        )
    async with state.engine.begin() as connection:
        await connection.execute(text(sql), {"d": dataset_id})


async def explain(url: str, dataset_id: str, model_id: str, label: str, cursor: str | None) -> None:
    """Print the plans of the page cases as the service builds them."""
    from sqlalchemy import text

    from matchscope.schema.ids import from_global_id
    from matchscope.services import browse
    from matchscope.services.browse import statements
    from matchscope.services.pagination import decode_cursor
    from matchscope.services.slices import ItemMetadata
    from matchscope.settings import Settings
    from matchscope.state import AppState

    state = AppState.create(Settings(database_url=url))
    dataset, model = from_global_id(dataset_id), from_global_id(model_id)
    assert dataset is not None and model is not None
    try:
        async with state.sessions() as session:
            evaluation = await browse.current_evaluation(
                session, account_id=(await _account_of(session, dataset[1])), dataset_id=dataset[1], model_id=model[1]
            )
            assert evaluation is not None and evaluation.id is not None
            fp = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_POSITIVE}))
            fn = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_NEGATIVE}), ground_truth_labels=(label,))
            night, camera = (
                browse.MatchFilter(
                    outcomes=frozenset({browse.Outcome.FALSE_POSITIVE}),
                    item_metadata=ItemMetadata.parse(wanted, "itemMetadata"),
                )
                for wanted in (NIGHT, CAMERA)
            )
            after = None if cursor is None else tuple(decode_cursor(cursor, 2))
            typed = browse.MatchFilter(error_types=frozenset({browse.ErrorType.DUPLICATE, browse.ErrorType.BACKGROUND}))
            missed = browse.MatchFilter(error_types=frozenset({browse.ErrorType.MISSED}))
            default, strict = browse.Thresholds(), browse.Thresholds(iou=0.75)
            cases = {
                "a": (fp, None, default),
                "b": (fp, after, default),
                "c": (fn, None, default),
                "h": (typed, None, default),
                "i": (missed, None, default),
                "j": (typed, None, strict),
                "k": (missed, None, strict),
                "s": (night, None, default),
                "t": (camera, None, default),
            }
            for name, (query, key, thresholds) in cases.items():
                statement, parameters = statements.page_statement(
                    session,
                    evaluation,
                    thresholds,
                    query,
                    browse.MatchOrder(),
                    key,  # type: ignore[arg-type]
                    51,
                )
                bound = statement.params(parameters)
                sql = str(bound.compile(state.engine.sync_engine, compile_kwargs={"literal_binds": True}))
                prefix = (
                    "EXPLAIN QUERY PLAN " if state.engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF) "
                )
                # On SQLite the plan of the evaluation's own entry table (store/sqlite_entries), which the page reads.
                explained = text(prefix + sql).execution_options(entry_evaluation=evaluation.id)
                plan = (await session.execute(explained)).all()
                print(f"-- plan ({name})")
                for row in plan:
                    print("   ", row[-1])
    finally:
        await state.close()


async def _account_of(session: Any, dataset_pk: int) -> int:
    from matchscope.store.tables import Dataset

    dataset = await session.get(Dataset, dataset_pk)
    return int(dataset.account_id)


# ---------------------------------------------------------------- load

# Time for every client of a burst to warm up before the burst's common start.
_LEAD_SECONDS = 1.0


def _run_client(
    url: str, headers: dict[str, str], body: dict[str, Any], start_at: float, seconds: float
) -> tuple[list[float], float, float]:
    """Requests one after another from `start_at` (wall clock, shared by the burst's clients) for `seconds`:
    (latencies of those that completed, requests per second, how late this client was ready)."""

    async def run() -> tuple[list[float], float, float]:
        latencies = []
        async with httpx.AsyncClient(headers=headers, timeout=60.0) as client:
            for _ in range(3):
                (await client.post(url, json=body)).raise_for_status()
            late = max(0.0, time.time() - start_at)
            await asyncio.sleep(max(0.0, start_at - time.time()))
            started, end = time.perf_counter(), time.perf_counter() + max(0.0, start_at + seconds - time.time())
            finished = started
            while time.perf_counter() < end:
                began = time.perf_counter()
                response = await client.post(url, json=body)
                finished = time.perf_counter()
                latencies.append(finished - began)
                payload = response.json()
                if response.status_code != 200 or payload.get("errors"):
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
            return latencies, len(latencies) / max(finished - started, 1e-9), late

    return asyncio.run(run())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    pool: ProcessPoolExecutor, url: str, headers: dict[str, str], body: dict[str, Any], seconds: float, clients: int
) -> tuple[list[float], float]:
    """(latencies, requests per second) of one burst: `clients` clients, each warmed up by three requests, start
    together and send requests one after another for `seconds`. Every client is busy for the whole window, so the
    rate is not diluted by clients starting or finishing early."""
    start_at = time.time() + _LEAD_SECONDS
    futures = [pool.submit(_run_client, url, headers, body, start_at, seconds) for _ in range(clients)]
    results = [future.result() for future in futures]
    late = max(late for _, _, late in results)
    if late > 0.05:
        print(f"  (a client was ready {late:.2f}s after the burst began: its rate is measured from then)")
    return [value for latencies, _, _ in results for value in latencies], sum(rate for _, rate, _ in results)


@dataclass
class Series:
    """One target's bursts of a case: latencies pooled, throughput per round."""

    latencies: list[float]
    rates: list[float]

    @property
    def p50_ms(self) -> float:
        return 1000 * statistics.median(self.latencies)

    @property
    def p99_ms(self) -> float:
        return 1000 * _percentile(self.latencies, 0.99)

    @property
    def rps(self) -> float:
        return statistics.median(self.rates)


def compare(
    pool: ProcessPoolExecutor,
    app: tuple[str, dict[str, str]],
    floor: tuple[str, dict[str, str]] | None,
    body: dict[str, Any],
    seconds: float,
    clients: int,
    rounds: int,
) -> tuple[Series, Series | None, list[float]]:
    """The application and the floor in alternating bursts, so that both see the machine in the same state (on a
    shared machine its speed drifts by a fifth within minutes); the throughput ratio is the median of the rounds'."""
    ours, base = Series([], []), Series([], [])
    ratios = []
    for round_index in range(rounds):
        targets = [("app", app), ("floor", floor)] if round_index % 2 == 0 else [("floor", floor), ("app", app)]
        rates: dict[str, float] = {}
        for name, target in targets:
            if target is None:
                continue
            latencies, rate = measure(pool, target[0], target[1], body, seconds, clients)
            series = ours if name == "app" else base
            series.latencies.extend(latencies)
            series.rates.append(rate)
            rates[name] = rate
        if rates.get("floor"):  # 0: on a loaded machine no floor client was ready before its burst ended
            ratios.append(rates["app"] / rates["floor"])
    return ours, (base if floor is not None else None), ratios


def case_bodies(target: Target, label: str, page_200_cursor: str | None) -> dict[str, dict[str, Any]]:
    ids = {"d": target.dataset_id, "m": target.model_id}
    false_positives = {"outcomes": ["FALSE_POSITIVE"]}
    return {
        "a": {"query": PAGE, "variables": {**ids, "f": false_positives}},
        "b": {"query": PAGE, "variables": {**ids, "f": false_positives, "a": page_200_cursor}},
        "c": {"query": PAGE, "variables": {**ids, "f": {"outcomes": ["FALSE_NEGATIVE"], "groundTruthLabels": [label]}}},
        "d": {"query": METRICS, "variables": ids},
        "e": {"query": PAGE, "variables": {**ids, "f": {"reviewStatuses": ["LABEL_ERROR"]}}},
        "f": {"query": PAGE, "variables": {**ids, "f": {**false_positives, "reviewStatuses": ["UNREVIEWED"]}}},
        "g": {"query": PAGE_REVIEWS, "variables": {**ids, "f": false_positives}},
        "s": {"query": PAGE, "variables": {**ids, "f": {**false_positives, "itemMetadata": NIGHT}}},
        "t": {"query": PAGE, "variables": {**ids, "f": {**false_positives, "itemMetadata": CAMERA}}},
        "u": {"query": SLICE_METRICS, "variables": {**ids, "s": NIGHT}},
        # Error types: at the default thresholds (stored), then at IoU 0.75 (derived from the evidence columns).
        "h": {"query": PAGE, "variables": {**ids, "f": {"errorTypes": ["DUPLICATE", "BACKGROUND"]}}},
        "i": {"query": PAGE, "variables": {**ids, "f": {"errorTypes": ["MISSED"]}}},
        "j": {"query": PAGE, "variables": {**ids, "f": {"errorTypes": ["DUPLICATE", "BACKGROUND"]}, "t": 0.75}},
        "k": {"query": PAGE, "variables": {**ids, "f": {"errorTypes": ["MISSED"]}, "t": 0.75}},
    }


def page_200_cursor(target: Target) -> str:
    variables: dict[str, Any] = {"d": target.dataset_id, "m": target.model_id, "f": {"outcomes": ["FALSE_POSITIVE"]}}
    with httpx.Client(headers=target.headers, timeout=60.0) as client:
        for _ in range(199):
            page = client.post(target.url, json={"query": PAGE, "variables": variables}).json()
            variables["a"] = page["data"]["evaluation"]["matches"]["pageInfo"]["endCursor"]
    return str(variables["a"])


def label_with_most_false_negatives(target: Target) -> str:
    body = {"query": FN_COUNTS, "variables": {"d": target.dataset_id, "m": target.model_id}}
    rows = httpx.post(target.url, json=body, headers=target.headers, timeout=120.0).json()
    per_class = rows["data"]["evaluation"]["metrics"]["perClass"]
    return str(max(per_class, key=lambda row: row["counts"]["falseNegatives"])["label"])


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def run_backend(
    backend: str,
    images: int,
    seconds: float,
    rounds: int,
    pool: ProcessPoolExecutor,
    explain_plans: bool,
    cases: str = "abcdstu",
    client_counts: tuple[int, ...] = (1, 8),
    tag: str = "",
) -> None:
    url, key, dataset_id, model_id, entries = asyncio.run(prepare(backend, images, tag))
    print(f"[{backend}] evaluation with {entries:,} entries", flush=True)
    app, app_url = serve(APP, {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"})
    floor, floor_url = serve("bench.floor_app:create_floor_app", {})
    try:
        target = Target(app_url, {"Authorization": f"Bearer {key}"}, dataset_id, model_id)
        started = time.perf_counter()
        label = label_with_most_false_negatives(target)  # also loads the entry columns (first metrics call)
        print(f"[{backend}] first metrics call (loads the entry cache): {time.perf_counter() - started:.2f}s")
        cursor = page_200_cursor(target) if "b" in cases else None
        bodies = case_bodies(target, label, cursor)
        if explain_plans:
            asyncio.run(explain(url, dataset_id, model_id, label, cursor))
        rows = []
        load_before = os.getloadavg()
        for clients in client_counts:
            for name, body in bodies.items():
                if name not in cases:
                    continue
                floor_target: tuple[str, dict[str, str]] | None = (floor_url, {}) if body["query"] == PAGE else None
                ours, base, ratios = compare(
                    pool, (app_url, target.headers), floor_target, body, seconds, clients, rounds
                )
                rows.append((clients, name, ours, base, ratios))
        load_after = os.getloadavg()
        print(
            f"\n[{backend}] {entries:,} entries, {rounds} rounds of {seconds:g} s per case, the application's "
            "and the floor's alternating; floor = in-memory page of the same shape"
        )
        print(f"load average (1, 5, 15 min) before {_load(load_before)}, after {_load(load_after)}")
        print(
            f"{'clients':>7} {'query':>5} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} | {'floor p50':>9} {'floor p99':>9} {'floor r/s':>9} | {'thru %':>6} {'rounds':>9} {'p99 x':>6}"
        )
        for clients, name, ours, base, ratios in rows:
            line = f"{clients:>7} {name:>5} {ours.p50_ms:8.2f} {ours.p99_ms:8.2f} {ours.rps:8.0f} |"
            if base is not None and ratios:
                spread = f"{100 * min(ratios):.0f}-{100 * max(ratios):.0f}"
                line += f" {base.p50_ms:9.2f} {base.p99_ms:9.2f} {base.rps:9.0f} |"
                line += f" {100 * statistics.median(ratios):6.0f} {spread:>9} {ours.p99_ms / base.p99_ms:6.2f}"
            print(line)
        print("thru %: the median of the rounds' throughput ratios; rounds: their range")
        one = {name: ours for clients, name, ours, _, _ in rows if clients == 1}
        if "a" in one and "b" in one:
            print(f"(b)/(a) p50 ratio at 1 client: {one['b'].p50_ms / one['a'].p50_ms:.2f}", flush=True)
    finally:
        stop(app, floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of a burst")
    parser.add_argument("--rounds", type=int, default=5, help="bursts per case and target, alternating")
    parser.add_argument("--cases", default="abcdstu", help="which of (a)-(k), (s)-(u) to run, e.g. ac")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8], help="client counts")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the page cases")
    parser.add_argument(
        "--tag", default="", help="a suffix for the cached database's name (checkouts whose migrations differ)"
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with ProcessPoolExecutor(max_workers=8) as pool:
        for backend in backends:
            run_backend(
                backend,
                args.images,
                args.seconds,
                args.rounds,
                pool,
                args.explain,
                args.cases,
                tuple(args.clients),
                args.tag,
            )


if __name__ == "__main__":
    main()
