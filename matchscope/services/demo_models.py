"""Two simulated detectors for the demo, each with its own realistic errors: boxes jittered around the truth (now
and then badly), labels confused between similar shapes, duplicate boxes, missed objects (small ones more
often), false positives on the background; confidences that are high for good detections and low for bad ones."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matchscope.services.demo_scenes import HEIGHT, LABELS, SIMILAR, WIDTH, Box, Scene


@dataclass(frozen=True, slots=True)
class ErrorProfile:
    recall_large: float  # chance of detecting an object of radius ≥ 50 px
    recall_small: float  # ... of radius ~10 px (linear in between)
    jitter: float  # box noise, as a fraction of the box's size
    poor_localisation: float  # chance that a detection's box is off by five times the jitter
    confusion: float  # chance of the similar shape's label
    duplicate: float  # chance of a second, shifted, lower-scored box on the same object
    background: float  # false positives per image on no object (Poisson mean)
    sharpness: float  # higher: confidences separate good detections from bad ones more clearly


LARGE = ErrorProfile(recall_large=0.97, recall_small=0.7, jitter=0.03, poor_localisation=0.06, confusion=0.04,
                     duplicate=0.03, background=0.35, sharpness=7.0)  # fmt: skip
SMALL = ErrorProfile(recall_large=0.9, recall_small=0.4, jitter=0.07, poor_localisation=0.1, confusion=0.12,
                     duplicate=0.08, background=1.2, sharpness=3.5)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Detection:
    label: str
    box: Box
    confidence: float


def _clip(x: float, y: float, width: float, height: float) -> Box:
    left, top = min(max(x, 0.0), WIDTH - 2.0), min(max(y, 0.0), HEIGHT - 2.0)
    right, bottom = min(max(x + width, left + 2.0), float(WIDTH)), min(max(y + height, top + 2.0), float(HEIGHT))
    return (round(left, 2), round(top, 2), round(right - left, 2), round(bottom - top, 2))


def _confidence(quality: float, profile: ErrorProfile, rng: np.random.Generator) -> float:
    """A logistic of the detection's quality (1 perfect, 0 junk) plus noise: correlated, not determined."""
    logit = profile.sharpness * (quality - 0.55) + rng.normal(0.0, 0.8)
    return round(1.0 / (1.0 + math.exp(-logit)), 4)


def _jittered(box: Box, spread: float, rng: np.random.Generator) -> tuple[Box, float]:
    """The box moved and resized by `spread` of its size; and how far it moved, in the same unit."""
    x, y, width, height = box
    dx, dy, dw, dh = rng.normal(0.0, spread, size=4)
    moved = _clip(x + dx * width, y + dy * height, width * math.exp(dw), height * math.exp(dh))
    return moved, float(np.hypot(dx, dy) + abs(dw) + abs(dh))


def detect(scene: Scene, profile: ErrorProfile, rng: np.random.Generator) -> list[Detection]:
    """What a detector with `profile` reports on the scene, in no particular order."""
    detections: list[Detection] = []
    for shape in scene.shapes:
        box = shape.box
        radius = math.sqrt(box[2] * box[3]) / 2
        size_factor = min(max((radius - 10.0) / 40.0, 0.0), 1.0)
        if rng.random() > profile.recall_small + (profile.recall_large - profile.recall_small) * size_factor:
            continue  # missed
        spread = profile.jitter * (5.0 if rng.random() < profile.poor_localisation else 1.0)
        moved, error = _jittered(box, spread, rng)
        confused = rng.random() < profile.confusion
        label = SIMILAR[shape.label] if confused else shape.label
        quality = max(0.0, 1.0 - 2.5 * error) * (0.55 if confused else 1.0) * (0.75 + 0.25 * size_factor)
        detections.append(Detection(label, moved, _confidence(quality, profile, rng)))
        if rng.random() < profile.duplicate:
            again, error = _jittered(box, 2.5 * profile.jitter, rng)
            detections.append(Detection(label, again, _confidence(0.6 * quality - error, profile, rng)))
    for _ in range(int(rng.poisson(profile.background))):
        width, height = (float(v) for v in rng.uniform(14, 110, size=2))
        x, y = float(rng.uniform(0, WIDTH - width)), float(rng.uniform(0, HEIGHT - height))
        label = LABELS[int(rng.integers(len(LABELS)))]
        detections.append(Detection(label, _clip(x, y, width, height), _confidence(0.15, profile, rng)))
    return detections
