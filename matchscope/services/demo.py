"""Demo data: a generated COCO-like dataset with two models of different quality."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.engine.synthetic import generate_coco
from matchscope.services import coco_import
from matchscope.store.tables import Dataset

DEMO_DATASET = "demo-street-scenes"
DEMO_MODELS = ("demo-detector-large", "demo-detector-small")
DEMO_LABELS = (
    "person",
    "car",
    "bicycle",
    "bus",
    "truck",
    "traffic light",
    "stop sign",
    "dog",
    "motorcycle",
    "bench",
    "fire hydrant",
    "parking meter",
)


def _weaker(detections: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """A second model: boxes jittered, scores flattened, a quarter of the detections missing."""
    rng = np.random.default_rng(seed)
    keep = rng.random(len(detections)) > 0.25
    noise = rng.normal(0.0, 0.08, size=(len(detections), 4))
    weaker = []
    for det, kept, (dx, dy, dw, dh) in zip(detections, keep, noise, strict=True):
        if not kept:
            continue
        x, y, w, h = det["bbox"]
        weaker.append(
            {
                "image_id": det["image_id"],
                "category_id": det["category_id"],
                "bbox": [x + dx * w, y + dy * h, max(1.0, w * (1 + dw)), max(1.0, h * (1 + dh))],
                "score": round(float(det["score"]) * 0.8, 4),
            }
        )
    return weaker


async def seed_demo(session: AsyncSession, *, account_id: int, images: int = 300) -> bool:
    """Create the demo dataset and models unless they exist; True when something was created."""
    statement = select(col(Dataset.id)).where(col(Dataset.account_id) == account_id, col(Dataset.name) == DEMO_DATASET)
    if (await session.execute(statement)).first() is not None:
        return False
    ground_truth, detections = generate_coco(images=images, seed=7, dets_per_image=20, categories=len(DEMO_LABELS))
    for category, label in zip(ground_truth["categories"], DEMO_LABELS, strict=True):
        category["name"] = label
    await coco_import.import_ground_truth(session, account_id=account_id, dataset_name=DEMO_DATASET, data=ground_truth)
    for model_name, model_detections in zip(DEMO_MODELS, (detections, _weaker(detections, 11)), strict=True):
        await coco_import.import_detections(
            session,
            account_id=account_id,
            dataset_name=DEMO_DATASET,
            model_name=model_name,
            data=model_detections,
        )
    return True
