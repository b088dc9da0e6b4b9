"""Evaluate a detector's COCO results with matchscope's Python client.

    scripts/serve                                  # in another terminal: the server on 127.0.0.1:8000
    .venv/bin/python examples/evaluate_coco.py     # or: ... --gt instances.json --dets results.json

The API key comes from MATCHSCOPE_API_KEY, else from matchscope.db.key (where `scripts/serve` keeps the key it
prints, beside its database); the server from MATCHSCOPE_ENDPOINT (default http://127.0.0.1:8000). Without
--gt and --dets, a small COCO ground truth and a results file with typical errors are written first.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import tempfile
from pathlib import Path

from matchscope.client import Client, MatchscopeError

LABELS = ["person", "car", "dog"]


def api_key() -> str:
    key = os.environ.get("MATCHSCOPE_API_KEY")
    if key:
        return key
    stored = Path("matchscope.db.key")
    if stored.exists():
        return stored.read_text().strip()
    sys.exit("set MATCHSCOPE_API_KEY to the key that `scripts/serve` printed (or run this from the repository)")


def write_example_files(folder: Path, images: int = 40, seed: int = 7) -> tuple[Path, Path]:
    """A COCO instances file and a results file: jittered boxes, a few misses, confusions and false alarms."""
    rng = random.Random(seed)
    categories = [{"id": i + 1, "name": name} for i, name in enumerate(LABELS)]
    truth: list[dict[str, object]] = []
    detections: list[dict[str, object]] = []
    for image_id in range(1, images + 1):
        for _ in range(rng.randint(1, 4)):
            w, h = rng.uniform(20, 120), rng.uniform(20, 120)
            x, y = rng.uniform(0, 640 - w), rng.uniform(0, 480 - h)
            category = rng.randint(1, len(LABELS))
            truth.append({"id": len(truth) + 1, "image_id": image_id, "category_id": category,
                          "bbox": [x, y, w, h], "area": w * h, "iscrowd": 0})  # fmt: skip
            if rng.random() < 0.1:
                continue  # missed
            predicted = category if rng.random() > 0.1 else rng.randint(1, len(LABELS))
            box = [x + rng.gauss(0, 4), y + rng.gauss(0, 4), w * rng.uniform(0.85, 1.15), h * rng.uniform(0.85, 1.15)]
            detections.append({"image_id": image_id, "category_id": predicted, "bbox": box,
                               "score": round(rng.uniform(0.4, 1.0), 3)})  # fmt: skip
        if rng.random() < 0.3:  # a false alarm
            detections.append({"image_id": image_id, "category_id": rng.randint(1, len(LABELS)),
                               "bbox": [rng.uniform(0, 500), rng.uniform(0, 350), 40, 40],
                               "score": round(rng.uniform(0.05, 0.6), 3)})  # fmt: skip
    images_list = [{"id": i, "file_name": f"{i:06d}.jpg", "width": 640, "height": 480} for i in range(1, images + 1)]
    gt_path, dets_path = folder / "instances.json", folder / "results.json"
    gt_path.write_text(json.dumps({"images": images_list, "annotations": truth, "categories": categories}))
    dets_path.write_text(json.dumps(detections))
    return gt_path, dets_path


def evaluate(client: Client, gt: Path, dets: Path, dataset_name: str, model_name: str) -> None:
    imported = client.import_coco(dataset_name, gt, model=model_name, results=dets)
    print(f"imported: {imported.items.new} new items, {imported.annotations.new} new boxes, "
          f"{imported.predictions.new} new predictions (already there: {imported.predictions.ignored})")  # fmt: skip
    dataset = client.get_dataset(imported.dataset_id)
    model = client.get_model_by_reference_id(model_name)

    job = dataset.calculate_evaluation_metrics(model, options={"class_agnostic": False})
    job.sleep_until_complete(verbose_std_out=True)
    evaluation = dataset.evaluation(model)

    coco = evaluation.coco()
    ap, ap50, ap75, ar100 = coco.stats[0], coco.stats[1], coco.stats[2], coco.stats[8]
    print(f"COCO  AP {ap:.3f}   AP50 {ap50:.3f}   AP75 {ap75:.3f}   AR100 {ar100:.3f}")
    metrics = evaluation.metrics(iou_threshold=0.5)
    print(f"{'label':<12}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>8}")
    for row in metrics.per_class:
        c = row.counts
        print(f"{row.label:<12}{c.true_positives:>6}{c.false_positives:>6}{c.false_negatives:>6}"
              f"{c.precision:>11.3f}{c.recall:>8.3f}")  # fmt: skip

    print("most confident false positives:")
    worst = evaluation.matches(outcomes=["FALSE_POSITIVE"], order_by="CONFIDENCE", direction="DESC")
    for match in itertools.islice(worst, 5):
        truth = f"ground truth {match.ground_truth_label}" if match.ground_truth else "no ground truth"
        print(f"  {match.item.reference_id}: {match.prediction_label} at {match.confidence:.2f}, "
              f"IoU {match.iou:.2f} with {truth}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gt", type=Path, help="COCO instances file (ground truth)")
    parser.add_argument("--dets", type=Path, help="COCO results file (the model's detections)")
    parser.add_argument("--dataset", default="example-coco", help="dataset name (default: example-coco)")
    parser.add_argument("--model", default="example-detector", help="model reference id (default: example-detector)")
    args = parser.parse_args()
    endpoint = os.environ.get("MATCHSCOPE_ENDPOINT", "http://127.0.0.1:8000")
    with tempfile.TemporaryDirectory() as folder, Client(api_key(), endpoint=endpoint) as client:
        if (args.gt is None) != (args.dets is None):
            parser.error("give both --gt and --dets, or neither")
        gt, dets = (args.gt, args.dets) if args.gt else write_example_files(Path(folder))
        try:
            evaluate(client, gt, dets, args.dataset, args.model)
        except MatchscopeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
