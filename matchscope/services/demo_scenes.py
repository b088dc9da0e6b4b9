"""Generated demo images: coloured shapes on textured backgrounds, drawn with Pillow, whose ground-truth boxes are
the shapes' true extents (the bounding box of each drawn outline), in pixels, x/y being the left/top corner."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw

WIDTH, HEIGHT = 640, 480
# Similar shapes come in pairs (circle/hexagon, square/diamond, triangle/star), with related colours: the demo
# detectors confuse them as real detectors confuse similar classes.
COLOURS: dict[str, tuple[int, int, int]] = {
    "circle": (220, 50, 47),
    "hexagon": (236, 112, 40),
    "square": (38, 110, 210),
    "diamond": (118, 92, 200),
    "triangle": (70, 160, 40),
    "star": (200, 170, 20),
}
LABELS = tuple(COLOURS)
SIMILAR = {"circle": "hexagon", "hexagon": "circle", "square": "diamond", "diamond": "square",
           "triangle": "star", "star": "triangle"}  # fmt: skip
BACKGROUNDS = ("gradient", "stripes", "checks", "speckle")
Box = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Shape:
    label: str
    outline: tuple[Point, ...]  # polygon vertices; a circle's is its ellipse's bounding corners
    colour: tuple[int, int, int]

    @property
    def box(self) -> Box:
        xs = [x for x, _ in self.outline]
        ys = [y for _, y in self.outline]
        return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True, slots=True)
class Scene:
    name: str
    background: str
    shapes: tuple[Shape, ...]


# Corner count and how much of the shape's random turn it takes (a diamond stays on its point).
_POLYGONS = {"diamond": (4, 0.0), "hexagon": (6, 1.0), "triangle": (3, 0.3), "star": (10, 1.0)}


def _outline(label: str, cx: float, cy: float, rx: float, ry: float, turn: float) -> tuple[Point, ...]:
    if label == "circle":
        return ((cx - rx, cy - ry), (cx + rx, cy + ry))
    if label == "square":
        return ((cx - rx, cy - ry), (cx + rx, cy - ry), (cx + rx, cy + ry), (cx - rx, cy + ry))
    corners, spin = _POLYGONS[label]
    angles = -math.pi / 2 + turn * spin + np.arange(corners) * (2 * math.pi / corners)
    radii = np.where(np.arange(corners) % 2 == 1, 0.45, 1.0) if label == "star" else np.ones(corners)
    return tuple((cx + rx * r * math.cos(a), cy + ry * r * math.sin(a)) for a, r in zip(angles, radii, strict=True))


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area: how much of one shape another would hide."""
    iw = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    ih = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    return iw * ih / min(a[2] * a[3], b[2] * b[3])


def make_scene(name: str, rng: np.random.Generator) -> Scene:
    """Two to seven shapes of random classes, sizes (small to large in COCO's terms) and aspect, fully inside the
    image and hiding at most a quarter of one another."""
    wanted = int(rng.integers(2, 8))
    shapes: list[Shape] = []
    for _ in range(wanted * 8):
        if len(shapes) == wanted:
            break
        label = LABELS[int(rng.integers(len(LABELS)))]
        radius = float(np.exp(rng.uniform(math.log(10), math.log(95))))
        stretch = float(rng.uniform(0.75, 1.33))
        rx, ry = radius * stretch, radius / stretch
        cx, cy = rng.uniform(rx + 2, WIDTH - rx - 2), rng.uniform(ry + 2, HEIGHT - ry - 2)
        red, green, blue = np.clip(np.array(COLOURS[label]) + rng.integers(-18, 19, size=3), 0, 255)
        colour = (int(red), int(green), int(blue))
        shape = Shape(label, _outline(label, cx, cy, rx, ry, float(rng.uniform(0, math.pi))), colour)
        if all(_overlap(shape.box, other.box) < 0.25 for other in shapes):
            shapes.append(shape)
    return Scene(name=name, background=BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))], shapes=tuple(shapes))


def _background(kind: str, rng: np.random.Generator) -> Image.Image:
    """A vertical gradient between two muted colours plus a grey texture with sensor noise, added by Pillow in
    8-bit (adding in numpy floats took three times as long)."""
    low, high = rng.integers(90, 150, size=3), rng.integers(150, 225, size=3)
    ramp = np.linspace(low, high, HEIGHT).astype(np.uint8)[:, None, :]  # (HEIGHT, 1, 3)
    gradient = Image.fromarray(ramp, "RGB").resize((WIDTH, HEIGHT), Image.Resampling.NEAREST)
    xs = np.arange(WIDTH)[None, :]
    ys = np.arange(HEIGHT)[:, None]
    texture = rng.integers(-6, 7, size=(HEIGHT, WIDTH), dtype=np.int16)
    if kind == "stripes":
        wave = (14 * np.sin(np.arange(WIDTH + HEIGHT) / rng.uniform(6, 14))).astype(np.int16)
        texture += wave[xs + ys]
    elif kind == "checks":
        cell = int(rng.integers(24, 64))
        texture += np.where(((xs // cell) + (ys // cell)) % 2 == 0, 10, -10).astype(np.int16)
    elif kind == "speckle":
        texture += rng.integers(-24, 25, size=(HEIGHT, WIDTH), dtype=np.int16)
    grey = Image.fromarray((texture + 128).astype(np.uint8), "L")
    return ImageChops.add(gradient, Image.merge("RGB", (grey, grey, grey)), 1.0, -128)


def render(scene: Scene, path: Path, rng: np.random.Generator) -> None:
    """Draw the scene and write it as a JPEG; a few grey strokes are clutter a detector may mistake for shapes."""
    image = _background(scene.background, rng)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(0, 4))):
        x, y = float(rng.uniform(0, WIDTH)), float(rng.uniform(0, HEIGHT))
        grey = int(rng.integers(40, 110))
        draw.line((x, y, x + rng.uniform(-120, 120), y + rng.uniform(-120, 120)), fill=(grey, grey, grey), width=3)
    for shape in scene.shapes:
        edge = tuple(max(0, c - 70) for c in shape.colour)
        if shape.label == "circle":
            draw.ellipse(shape.outline, fill=shape.colour, outline=edge, width=2)  # type: ignore[arg-type]
        else:
            draw.polygon(shape.outline, fill=shape.colour, outline=edge, width=2)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="JPEG", quality=85)
