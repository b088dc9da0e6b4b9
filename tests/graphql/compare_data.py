"""Two generated models on one dataset with planted differences, evaluated by the evaluate service.

Every ground truth sits alone in a 100-pixel cell of its item, so each prediction can only pair with the ground
truth of its own cell. A model's answer to a ground truth is planted: nothing, or a box of the same left/top
corner and height and a `scale` of its width (IoU = scale, by the test's own arithmetic below) with a label that is
the ground truth's or another. Which ground truths flip at a pair of thresholds then follows from the plan alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matchscope.services import evaluate
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.db import transaction

LABELS = ("bird", "cat", "dog")
SCALES = (1.0, 1.0, 0.95, 0.9, 0.8, 0.75, 0.6, 0.55, 0.5, 0.45, 0.3)  # 1.0 twice: ties are frequent


@dataclass(frozen=True)
class Answer:
    """A model's prediction for one ground truth (None: no prediction)."""

    scale: float
    label: str
    confidence: float | None


@dataclass
class Plan:
    boxes: list[tuple[float, float, float, float]]  # per ground truth
    labels: list[str]
    items: list[int]  # item index per ground truth
    answers: dict[str, list[Answer | None]]  # model reference -> per ground truth


@dataclass
class Stored:
    dataset_id: int
    model_ids: dict[str, int]
    evaluation_ids: dict[str, int]
    ground_truth_ids: list[int]
    plan: Plan


def iou(first: tuple[float, float, float, float], second: tuple[float, float, float, float]) -> float:
    """pycocotools' arithmetic (DESIGN §3)."""
    x1, y1, w1, h1 = first
    x2, y2, w2, h2 = second
    iw = min(x1 + w1, x2 + w2) - max(x1, x2)
    ih = min(y1 + h1, y2 + h2) - max(y1, y2)
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (w1 * h1 + w2 * h2 - inter)


def predicted_box(plan: Plan, index: int, answer: Answer) -> tuple[float, float, float, float]:
    x, y, w, h = plan.boxes[index]
    return (x, y, w * answer.scale, h)


def make_plan(seed: int, items: int = 10, per_item: int = 4, models: tuple[str, ...] = ("base", "other")) -> Plan:
    rng = np.random.default_rng(seed)
    boxes, labels, item_of = [], [], []
    for item in range(items):
        for cell in range(per_item):
            x, y, w, h = (float(v) for v in np.concatenate([rng.uniform(0, 10, 2), rng.uniform(30, 80, 2)]).round(2))
            boxes.append((100.0 * cell + x, y, w, h))
            labels.append(LABELS[int(rng.integers(len(LABELS)))])
            item_of.append(item)
    answers: dict[str, list[Answer | None]] = {}
    for model in models:
        row: list[Answer | None] = []
        for label in labels:
            kind = rng.random()
            if kind < 0.2:
                row.append(None)
                continue
            other_label = label if kind < 0.85 else LABELS[(LABELS.index(label) + 1) % len(LABELS)]
            confidence = None if rng.random() < 0.15 else float(rng.choice([0.2, 0.6, 0.9]))
            row.append(Answer(float(rng.choice(SCALES)), other_label, confidence))
        answers[model] = row
    return Plan(boxes=boxes, labels=labels, items=item_of, answers=answers)


def true_positive(plan: Plan, model: str, index: int, t: float, c: float) -> bool:
    answer = plan.answers[model][index]
    if answer is None or answer.label != plan.labels[index]:
        return False
    confidence = 1.0 if answer.confidence is None else answer.confidence
    return iou(plan.boxes[index], predicted_box(plan, index, answer)) >= t and confidence >= c


def pair_iou(plan: Plan, model: str, index: int) -> float:
    answer = plan.answers[model][index]
    return 0.0 if answer is None else iou(plan.boxes[index], predicted_box(plan, index, answer))


async def store(state: AppState, account_id: int, plan: Plan, *, name: str = "shapes") -> Stored:
    """The plan's dataset, one model per answer row, and the evaluate service's evaluation of each."""
    async with transaction(state.sessions) as session:
        dataset = tables.Dataset(account_id=account_id, name=name)
        session.add(dataset)
        await session.flush()
        assert dataset.id is not None
        items = [tables.DatasetItem(dataset_id=dataset.id, reference_id=f"img{i}") for i in range(max(plan.items) + 1)]
        session.add_all(items)
        await session.flush()
        ground_truths = [
            tables.BoxAnnotation(
                dataset_id=dataset.id,
                item_id=items[plan.items[i]].id,
                annotation_id=f"g{i}",
                label=plan.labels[i],
                x=box[0],
                y=box[1],
                width=box[2],
                height=box[3],
            )
            for i, box in enumerate(plan.boxes)
        ]
        session.add_all(ground_truths)
        model_ids: dict[str, int] = {}
        for reference, answers in plan.answers.items():
            model = tables.Model(account_id=account_id, name=reference, reference_id=f"{name}-{reference}")
            session.add(model)
            await session.flush()
            assert model.id is not None
            model_ids[reference] = model.id
            session.add_all(
                tables.BoxPrediction(
                    dataset_id=dataset.id,
                    model_id=model.id,
                    item_id=items[plan.items[i]].id,
                    annotation_id=f"p{i}",
                    label=answer.label,
                    x=box[0],
                    y=box[1],
                    width=box[2],
                    height=box[3],
                    confidence=answer.confidence,
                )
                for i, answer in enumerate(answers)
                if answer is not None
                for box in [predicted_box(plan, i, answer)]
            )
        await session.flush()
        ground_truth_ids = [int(row.id) for row in ground_truths]  # type: ignore[arg-type]
    evaluation_ids = {
        reference: await run_evaluation(state, account_id, dataset.id, model_id)
        for reference, model_id in model_ids.items()
    }
    return Stored(dataset.id, model_ids, evaluation_ids, ground_truth_ids, plan)


async def run_evaluation(state: AppState, account_id: int, dataset_id: int, model_id: int) -> int:
    async with transaction(state.sessions) as session:
        options = evaluate.validate_options(None, None)
        job, _created = await evaluate.submit(
            session, account_id=account_id, dataset_id=dataset_id, model_id=model_id, options=options
        )
        assert job.id is not None
        job_id = job.id

    async def ignore(_job: Any) -> None:
        return None

    finished = await evaluate.run_evaluation(state.sessions, job_id, chunk_items=4, on_progress=ignore)
    assert finished is not None and finished.evaluation_id is not None, finished
    return finished.evaluation_id
