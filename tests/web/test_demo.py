"""The demo: generated images whose ground-truth boxes are the drawn shapes' boxes, and two detectors whose errors
are of every kind the UI shows, the weaker one making more of each."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from matchscope.engine.geometry import box_iou
from matchscope.services import demo
from matchscope.services.demo_scenes import COLOURS, HEIGHT, LABELS, SIMILAR, WIDTH
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.db import transaction
from tests.conftest import Caller
from tests.web.isolated import isolated_settings

IMAGES = 40


@pytest.fixture(scope="module")
def scenes() -> list[Any]:
    return demo.demo_scenes(IMAGES)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory, scenes: list[Any]) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    assert demo.write_images(scenes, directory) == IMAGES
    return directory


def _touches(pixels: np.ndarray, colour: tuple[int, int, int], box: tuple[int, int, int, int]) -> bool:
    """Whether any pixel of the (left, top, right, bottom) region has about the shape's fill or outline colour
    (JPEG blurs them a little)."""
    left, top, right, bottom = (max(value, 0) for value in box)
    region = pixels[top:bottom, left:right]
    outline = np.maximum(np.array(colour) - 70, 0)
    near = [np.abs(region - np.array(shade)).sum(axis=-1) < 45 for shade in (colour, outline)]
    return bool(region.size and (np.any(near[0]) or np.any(near[1])))


def test_every_image_is_written_and_holds_its_shapes(scenes: list[Any], drawn: Path) -> None:
    shapes = centred = tight = 0
    for scene in scenes:
        with Image.open(drawn / scene.name) as image:
            assert image.format == "JPEG" and image.size == (WIDTH, HEIGHT)
            pixels = np.asarray(image.convert("RGB"), dtype=np.int32)
        assert 2 <= len(scene.shapes) <= 7
        for shape in scene.shapes:
            x, y, width, height = shape.box
            assert shape.label in LABELS
            assert x >= 0 and y >= 0 and x + width <= WIDTH and y + height <= HEIGHT and width > 5 and height > 5
            shapes += 1
            # The colour at the box's centre is the labelled class's (a shape drawn later may cover a few).
            colour = pixels[int(y + height / 2), int(x + width / 2)]
            nearest = min(LABELS, key=lambda label: int(np.sum((colour - np.array(COLOURS[label])) ** 2)))
            centred += nearest == shape.label
            # The box is the shape's extent: the shape reaches into a 6-pixel band inside each edge (the last
            # pixels of a star's sharp tip are not drawn), and not into a band outside the top and left edges.
            left, top, right, bottom = int(x), int(y), int(x + width), int(y + height)
            inside = [(left, top, left + 6, bottom), (right - 6, top, right, bottom), (left, top, right, top + 6),
                      (left, bottom - 6, right, bottom)]  # fmt: skip
            outside = [(left - 5, top, left - 2, bottom), (left, top - 5, right, top - 2)]
            tight += all(_touches(pixels, shape.colour, band) for band in inside) and not any(
                _touches(pixels, shape.colour, band) for band in outside if band[0] >= 0 and band[1] >= 0
            )
    assert centred >= 0.9 * shapes and tight >= 0.95 * shapes, (centred, tight, shapes)


def test_images_are_redrawn_identically(scenes: list[Any], drawn: Path, tmp_path: Path) -> None:
    assert demo.write_images(scenes[:3], tmp_path) == 3
    assert demo.write_images(scenes[:3], tmp_path) == 0  # present ones are left alone
    for scene in scenes[:3]:
        assert (tmp_path / scene.name).read_bytes() == (drawn / scene.name).read_bytes()


def _errors(scenes: list[Any], predictions: list[Any]) -> dict[str, Any]:
    """Per model: counts of each kind of error, judged against the ground truth with the engine's IoU."""
    truth = Counter[str]()
    found = Counter[str]()
    good: list[float] = []
    bad: list[float] = []
    by_item: dict[str, list[Any]] = {}
    for prediction in predictions:
        by_item.setdefault(prediction.item_reference_id, []).append(prediction)
    for scene in scenes:
        boxes = np.array([shape.box for shape in scene.shapes], dtype=np.float64)
        mine = by_item.get(scene.name, [])
        if not mine:
            truth["missed"] += len(scene.shapes)
            continue
        ious = box_iou(boxes, np.array([[p.x, p.y, p.width, p.height] for p in mine], dtype=np.float64))
        truth["missed"] += int(np.sum(ious.max(axis=1) < 0.1))
        claimed: set[int] = set()
        for column in np.argsort([-p.confidence for p in mine]):
            prediction, best = mine[column], int(np.argmax(ious[:, column]))
            iou, label = float(ious[best, column]), scene.shapes[best].label
            assert prediction.x >= 0 and prediction.x + prediction.width <= WIDTH + 1e-6
            assert 0 <= prediction.confidence <= 1
            if iou < 0.1:
                kind = "background"
            elif prediction.label != label:
                kind = "confusion" if prediction.label == SIMILAR[label] else "other"
            elif best in claimed:
                kind = "duplicate"
            elif iou < 0.5:
                kind = "localisation"
            else:
                kind = "correct"
            claimed.add(best)
            found[kind] += 1
            (good if kind == "correct" else bad).append(prediction.confidence)
    return {"truth": truth, "found": found, "good": np.mean(good), "bad": np.mean(bad), "count": len(predictions)}


def test_two_models_with_every_kind_of_error(scenes: list[Any]) -> None:
    scenes = demo.demo_scenes(demo.DEMO_IMAGES)
    made = demo.model_predictions(scenes)
    large, small = (_errors(scenes, made[name]) for name in demo.DEMO_MODELS)
    for model in (large, small):
        assert model["truth"]["missed"] > 0
        for kind in ("background", "confusion", "duplicate", "localisation", "correct"):
            assert model["found"][kind] > 0, (kind, model["found"])
        # Labels are confused between similar shapes (the rest: background boxes that happen to cover an object).
        assert model["found"]["confusion"] > 2 * model["found"]["other"], model["found"]
        # Confidence says something: correct detections score higher than the rest on average.
        assert model["good"] > model["bad"] + 0.2, model
    for kind in ("background", "confusion", "duplicate", "localisation"):
        assert small["found"][kind] > large["found"][kind], kind
    assert small["truth"]["missed"] > large["truth"]["missed"]
    assert small["found"]["correct"] < large["found"]["correct"]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return isolated_settings(database_url, tmp_path)


DATASETS = """{ datasets(first: 1) { edges { node { id name labels itemCount annotationCount
  items(first: 3) { edges { node { referenceId imageUrl thumbnailUrl width height metadata
    annotations { label x y width height } } } } } } }
  models { edges { node { name } } } }"""


async def test_seeded_demo_is_served_with_its_images(
    state: AppState, settings: Settings, client: httpx.AsyncClient, caller: Caller
) -> None:
    async with transaction(state.sessions) as session:
        assert await demo.seed_demo(
            session, account_id=caller.account_id, images=IMAGES, image_root=settings.images_dir()
        )
    async with transaction(state.sessions) as session:
        assert not await demo.seed_demo(
            session, account_id=caller.account_id, images=IMAGES, image_root=settings.images_dir()
        )
    folder = settings.images_dir() / demo.DEMO_FOLDER
    assert len(list(folder.glob("*.jpg"))) == IMAGES
    # A deleted image is drawn again, the same, by the next start; the dataset is not seeded twice.
    first = sorted(folder.glob("*.jpg"))[0]
    original = first.read_bytes()
    first.unlink()
    async with transaction(state.sessions) as session:
        assert not await demo.seed_demo(
            session, account_id=caller.account_id, images=IMAGES, image_root=settings.images_dir()
        )
    assert first.read_bytes() == original
    body = (await client.post("/graphql", json={"query": DATASETS}, headers=caller.headers)).json()["data"]
    (dataset,) = [edge["node"] for edge in body["datasets"]["edges"]]
    assert dataset["name"] == demo.DEMO_DATASET and dataset["itemCount"] == IMAGES
    assert set(dataset["labels"]) == set(LABELS)
    assert sorted(edge["node"]["name"] for edge in body["models"]["edges"]) == sorted(demo.DEMO_MODELS)
    for edge in dataset["items"]["edges"]:
        item = edge["node"]
        assert (item["width"], item["height"]) == (WIDTH, HEIGHT) and item["metadata"]["objects"] == len(
            item["annotations"]
        )
        image = await client.get(item["imageUrl"], headers=caller.headers)
        assert image.status_code == 200
        assert image.content == (settings.images_dir() / demo.DEMO_FOLDER / item["referenceId"]).read_bytes()
        thumbnail = await client.get(item["thumbnailUrl"], headers=caller.headers)
        assert thumbnail.status_code == 200 and Image.open(io.BytesIO(thumbnail.content)).size == (256, 192)
