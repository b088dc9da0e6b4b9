"""The demo: a dataset of generated images (shapes drawn with Pillow, ground truth = the shapes' true boxes) and two
detectors with different, realistic errors, so that every view of the UI has something true to show.

Images are JPEG files under `<image root>/matchscope-demo/`; the items' imageLocation is relative to the root.
Everything is drawn from fixed seeds: the same images, boxes and predictions on every machine."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.services import ingest
from matchscope.services.demo_models import LARGE, SMALL, ErrorProfile, detect
from matchscope.services.demo_scenes import HEIGHT, LABELS, WIDTH, Scene, make_scene, render
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord
from matchscope.store.tables import Dataset

DEMO_DATASET = "demo-shapes"
DEMO_MODELS = ("demo-detector-large", "demo-detector-small")
DEMO_IMAGES = 200
DEMO_FOLDER = "matchscope-demo"
_PROFILES: tuple[ErrorProfile, ...] = (LARGE, SMALL)
_SEED = 7


def _image_name(index: int) -> str:
    return f"shapes-{index:04d}.jpg"


def demo_scenes(images: int = DEMO_IMAGES) -> list[Scene]:
    rng = np.random.default_rng(_SEED)
    return [make_scene(_image_name(index), rng) for index in range(images)]


def _all_drawn(directory: Path, images: int) -> bool:
    return all((directory / _image_name(index)).is_file() for index in range(images))


def write_images(scenes: list[Scene], directory: Path) -> int:
    """Draw the scenes' images that are not on disk yet; how many were drawn."""
    drawn = 0
    for index, scene in enumerate(scenes):
        path = directory / scene.name
        if not path.is_file():
            render(scene, path, np.random.default_rng((_SEED, index)))
            drawn += 1
    return drawn


def ground_truth(scenes: list[Scene]) -> list[AnnotationRecord]:
    return [
        AnnotationRecord(scene.name, shape.label, *shape.box, annotation_id=f"{scene.name}#{number}")
        for scene in scenes
        for number, shape in enumerate(scene.shapes)
    ]


def predictions(scenes: list[Scene], profile: ErrorProfile, seed: int) -> list[PredictionRecord]:
    rng = np.random.default_rng(seed)
    return [
        PredictionRecord(
            scene.name, found.label, *found.box, annotation_id=f"{scene.name}#{number}", confidence=found.confidence
        )
        for scene in scenes
        for number, found in enumerate(detect(scene, profile, rng))
    ]


def model_predictions(scenes: list[Scene]) -> dict[str, list[PredictionRecord]]:
    """Each demo model's predictions on the scenes, by model name."""
    return {
        name: predictions(scenes, profile, seed=_SEED * 100 + index)
        for index, (name, profile) in enumerate(zip(DEMO_MODELS, _PROFILES, strict=True))
    }


async def seed_demo(
    session: AsyncSession, *, account_id: int, images: int = DEMO_IMAGES, image_root: Path | None = None
) -> bool:
    """Create the demo dataset and models unless the dataset exists; True when they were created. With an image
    root, the images are (re)drawn under it where missing; without one the items have no image."""
    statement = select(col(Dataset.id)).where(col(Dataset.account_id) == account_id, col(Dataset.name) == DEMO_DATASET)
    exists = (await session.execute(statement)).first() is not None
    if exists and (image_root is None or _all_drawn(image_root / DEMO_FOLDER, images)):
        return False  # a restart: nothing to generate
    scenes = demo_scenes(images)
    if image_root is not None:
        await asyncio.to_thread(write_images, scenes, image_root / DEMO_FOLDER)
    if exists:
        return False
    metadata = {"demo": True, "labels": list(LABELS)}
    dataset = await ingest.create_dataset(session, account_id=account_id, name=DEMO_DATASET, metadata=metadata)
    assert dataset.id is not None
    items = [
        ItemRecord(
            reference_id=scene.name,
            image_location=f"{DEMO_FOLDER}/{scene.name}" if image_root is not None else None,
            width=WIDTH,
            height=HEIGHT,
            metadata={"background": scene.background, "objects": len(scene.shapes)},
        )
        for scene in scenes
    ]
    await ingest.append_items(session, account_id=account_id, dataset_id=dataset.id, items=items)
    await ingest.annotate(session, account_id=account_id, dataset_id=dataset.id, annotations=ground_truth(scenes))
    for name, records in model_predictions(scenes).items():
        model = await ingest.find_model(session, account_id=account_id, reference_id=name)
        if model is None:
            model = await ingest.create_model(session, account_id=account_id, name=name, reference_id=name)
        assert model.id is not None
        await ingest.upload_predictions(
            session,
            account_id=account_id,
            dataset_id=dataset.id,
            model_id=model.id,
            predictions=records,
        )
    return True
