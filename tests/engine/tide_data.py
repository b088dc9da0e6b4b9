"""The generated COCO data sets of the TIDE fixtures (tests/engine/fixtures/tide_*.json).

`scripts/tidecv-fixture` writes them and runs tidecv on them; the tests regenerate them (equal seeds give
equal files) and compare. Each stresses one of tidecv's quirks: crowd ignore regions, classes with
detections and no ground truth (listed without annotations, or not listed at all), more than 100 detections
per image, exact duplicates and tied scores, few classes (many classification errors).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from matchscope.engine.synthetic import generate_coco

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "coco-val2014-100"
SHARED_FILES = (SHARED / "instances_val2014_100.json", SHARED / "instances_val2014_fakebbox100_results.json")


def _quirks(ground_truth: dict[str, Any], results: list[dict[str, Any]]) -> None:
    """Exact duplicates of every 7th result (same box and score), a listed category without annotations and
    an unlisted one, both with detections."""
    ground_truth["categories"].append({"id": 500, "name": "unannotated", "supercategory": "none"})
    extra = []
    for n, result in enumerate(results):
        if n % 7 == 0:
            extra.append(dict(result))
        if n % 53 == 0:
            extra.append({**result, "category_id": 500})
        if n % 61 == 0:
            extra.append({**result, "category_id": 999, "score": round(result["score"] * 0.9, 3)})
    results.extend(extra)


def datasets() -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Name -> (COCO instances dict, COCO results list)."""
    crowded = generate_coco(images=150, seed=11, crowd_fraction=0.2, dets_per_image=160)
    _quirks(*crowded)
    few = generate_coco(images=200, seed=12, categories=4, gt_per_image=9.0, dets_per_image=40)
    for result in few[1]:
        result["score"] = round(result["score"], 1)  # many ties
    _quirks(*few)
    plain = generate_coco(images=300, seed=13)
    return {"generated_crowded": crowded, "generated_few_classes": few, "generated_plain": plain}


def write(directory: Path) -> dict[str, tuple[Path, Path]]:
    """Write every data set as NAME.gt.json and NAME.dets.json under ``directory``."""
    paths = {}
    for name, (ground_truth, results) in datasets().items():
        gt_path, dets_path = directory / f"{name}.gt.json", directory / f"{name}.dets.json"
        gt_path.write_bytes(orjson.dumps(ground_truth))
        dets_path.write_bytes(orjson.dumps(results))
        paths[name] = (gt_path, dets_path)
    return paths


if __name__ == "__main__":
    for name, (gt_path, dets_path) in write(Path(sys.argv[1])).items():
        print(name, gt_path, dets_path)
