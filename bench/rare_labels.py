"""A page of false positives filtered on a rare or absent prediction label, with and without the prediction label
index, in the same run.

    .venv/bin/python bench/rare_labels.py [--backend sqlite|postgresql|both] [--images 1000] [--repeats 30]

Builds (once, cached like bench/queries.py's: bench/.data/rare-<images>.db or the PostgreSQL database
matchscope_bench_rare_<images>) a synthetic COCO-shaped evaluation whose model also predicts a label the dataset
never annotates (`rare`, a few predictions: false positives only) and times the page statement (50 + 1 rows, IoU
order, the service's own SQL) for a common label, the rare one and one nobody predicts: the median of `--repeats`
runs, in IoU and in confidence order, first with the index dropped, then with it again. PostgreSQL's tables are\nanalysed first, as autovacuum does soon after an evaluation.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, kept_pg_database  # noqa: E402

INDEX = "ix_entry_predictions_by_label"
RARE = "rare"
RARE_PREDICTIONS = 5


async def _database_url(backend: str, images: int) -> str:
    if backend == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / f'rare-{images}.db'}"
    return await kept_pg_database(f"matchscope_bench_rare_{images}")


async def prepare(state: Any, images: int) -> int:
    """The evaluation's id (built and evaluated once)."""
    from sqlalchemy import select

    from matchscope.engine.synthetic import generate_coco
    from matchscope.services import accounts, coco_import, evaluate
    from matchscope.store.db import transaction
    from matchscope.store.tables import Evaluation

    async with state.sessions() as session:
        found = (await session.execute(select(Evaluation.id).where(Evaluation.is_current))).scalar()
    if found is not None:
        return int(found)
    ground_truth, detections = generate_coco(images=images, seed=0)
    rare_id = max(category["id"] for category in ground_truth["categories"]) + 1
    ground_truth["categories"].append({"id": rare_id, "name": RARE})
    for detection in detections[:: len(detections) // RARE_PREDICTIONS][:RARE_PREDICTIONS]:
        detection["category_id"] = rare_id
    async with transaction(state.sessions) as session:
        issued = await accounts.create_key(session, account_name="bench")
        result = await coco_import.import_ground_truth(
            session, account_id=issued.account_id, dataset_name="rare", data=ground_truth
        )
        imported = await coco_import.import_detections(
            session, account_id=issued.account_id, dataset_name="rare", model_name="rare", data=detections
        )
        assert imported.model is not None
        job, _ = await evaluate.submit(
            session,
            account_id=issued.account_id,
            dataset_id=result.dataset.id,
            model_id=imported.model.id,
            options=evaluate.validate_options(None, None),
        )

    async def quiet(_job: Any) -> None:
        return None

    await evaluate.run_evaluation(state.sessions, job.id, chunk_items=500, on_progress=quiet)
    return await prepare(state, images)


async def time_pages(state: Any, evaluation_id: int, labels: dict[str, str], repeats: int) -> dict[str, float]:
    """Median ms of each label's page statement."""

    from matchscope.services import browse
    from matchscope.services.browse import statements

    evaluation = browse.EvaluationRow(
        evaluation_id, 1, 1, 1, True, None, True, True, 0, 0, datetime.now(UTC), None, job_id=None, error_evidence=True
    )
    medians = {}
    orders = {"iou": browse.MatchOrder(), "confidence": browse.MatchOrder(field=browse.SortField.CONFIDENCE)}
    async with state.sessions() as session:
        for order_name, order in orders.items():
            for name, label in labels.items():
                query = browse.MatchFilter(
                    outcomes=frozenset({browse.Outcome.FALSE_POSITIVE}), prediction_labels=(label,)
                )
                statement, parameters = statements.page_statement(
                    session, evaluation, browse.Thresholds(), query, order, None, 51
                )
                times = []
                rows = 0
                for _ in range(repeats):
                    started = time.perf_counter()
                    rows = len((await session.execute(statement, parameters)).all())
                    times.append(1000 * (time.perf_counter() - started))
                key = f"{order_name} {name}"
                medians[key] = statistics.median(times)
                print(f"  {key:>17} ({label}): {rows} rows, median {medians[key]:.2f} ms, min {min(times):.2f} ms")
    return medians


async def time_evaluations(state: Any, evaluation_id: int, definition: str, rounds: int) -> None:
    """The evaluation run again `rounds` times without the index and with it, alternating: what the index costs
    the entries' writes."""
    from sqlalchemy import text

    from matchscope.services import evaluate
    from matchscope.store.db import transaction
    from matchscope.store.tables import Evaluation

    async with state.sessions() as session:
        evaluation = await session.get(Evaluation, evaluation_id)
    assert evaluation is not None

    async def quiet(_job: Any) -> None:
        return None

    seconds: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        for indexed in (False, True):
            async with state.engine.begin() as connection:
                await connection.execute(text(definition if indexed else f"DROP INDEX IF EXISTS {INDEX}"))
            async with transaction(state.sessions) as session:
                job, _ = await evaluate.submit(
                    session,
                    account_id=evaluation.account_id,
                    dataset_id=evaluation.dataset_id,
                    model_id=evaluation.model_id,
                    options=evaluate.validate_options(None, None),
                )
            started = time.perf_counter()
            await evaluate.run_evaluation(state.sessions, job.id, chunk_items=500, on_progress=quiet)
            seconds[indexed].append(time.perf_counter() - started)
    for indexed, values in seconds.items():
        print(
            f"  evaluation {'with' if indexed else 'without'} the index: "
            + ", ".join(f"{value:.2f}" for value in values)
            + f" s (median {statistics.median(values):.2f})"
        )


async def run(backend: str, images: int, repeats: int, evaluations: int) -> None:
    from sqlalchemy import bindparam, func, select, text

    from matchscope.settings import Settings
    from matchscope.state import AppState
    from matchscope.store.migrate import upgrade
    from matchscope.store.tables import MatchEntry

    url = await _database_url(backend, images)
    state = AppState.create(Settings(database_url=url))
    try:
        await upgrade(state.engine)
        evaluation_id = await prepare(state, images)
        async with state.sessions() as session:
            counts = (
                await session.execute(
                    select(MatchEntry.prediction_label, func.count())
                    .where(
                        MatchEntry.evaluation_id == bindparam("evaluation_id", evaluation_id), MatchEntry.is_prediction
                    )
                    .group_by(MatchEntry.prediction_label)
                    .order_by(func.count().desc())
                )
            ).all()
            entries = (
                await session.execute(
                    select(func.count()).where(MatchEntry.evaluation_id == bindparam("evaluation_id", evaluation_id))
                )
            ).scalar_one()
        labels = {"common": str(counts[0][0]), "rare": RARE, "absent": "nobody-predicts-this"}
        print(
            f"[{backend}] {entries:,} entries; {counts[0][0]} {counts[0][1]:,} predictions, {RARE} "
            f"{dict((str(k), v) for k, v in counts).get(RARE, 0)}; load average {os.getloadavg()[0]:.2f}"
        )
        async with state.engine.begin() as connection:
            if backend == "postgresql":
                await connection.execute(text("ANALYZE"))  # as autovacuum does soon after an evaluation
            definition = await _definition(connection, backend)
            await connection.execute(text(f"DROP INDEX IF EXISTS {INDEX}"))
        print(f"[{backend}] without {INDEX}:")
        before = await time_pages(state, evaluation_id, labels, repeats)
        async with state.engine.begin() as connection:
            await connection.execute(text(definition))
        print(f"[{backend}] with {INDEX}:")
        after = await time_pages(state, evaluation_id, labels, repeats)
        if evaluations:
            await time_evaluations(state, evaluation_id, definition, evaluations)
        print(
            f"[{backend}] load average after {os.getloadavg()[0]:.2f}; ratios with/without: "
            + ", ".join(f"{name} {after[name] / before[name]:.3f}" for name in after)
        )
    finally:
        await state.close()


async def _definition(connection: Any, backend: str) -> str:
    from sqlalchemy import text

    if backend == "sqlite":
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    else:
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    definition = (await connection.execute(text(sql), {"name": INDEX})).scalar()
    assert definition, f"{INDEX} is missing: run the migrations"
    return str(definition)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--evaluations", type=int, default=0, help="rounds of the evaluation without and with it")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        asyncio.run(run(backend, args.images, args.repeats, args.evaluations))


if __name__ == "__main__":
    main()
