"""Compressed COCO RLE masks (``{"size": [h, w], "counts": "..."}``): area and bounding box as pycocotools'
``maskUtils.area`` and ``maskUtils.toBbox`` compute them, for results files that give a segmentation and no box.

The counts string is pycocotools' own encoding (``rleFrString`` in its maskApi.c): each run length in 5-bit groups,
``'0'``-based characters, 0x20 marks a following group, 0x10 in the last group a negative number; from the third
run on, a run is stored as its difference from the run two before. Runs alternate 0s and 1s in column-major order.
Run lengths are C ``uint`` (32 bits), wrapped as C wraps them.
"""

from __future__ import annotations

from dataclasses import dataclass

_UINT = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class Mask:
    """A decoded RLE: image height and width in pixels and the run lengths, first run of 0s."""

    height: int
    width: int
    counts: list[int]

    @property
    def area(self) -> int:
        """Number of 1 pixels (``maskUtils.area``)."""
        return sum(self.counts[1::2]) & _UINT

    def bbox(self) -> tuple[float, float, float, float]:
        """x, y, width, height of the 1 pixels (``maskUtils.toBbox``), all 0 for an empty mask."""
        height, width = self.height, self.width
        m = (len(self.counts) // 2) * 2
        if m == 0:
            return 0.0, 0.0, 0.0, 0.0
        xs, ys, xe, ye = width, height, 0, 0
        cc = 0
        xp = 0
        for j in range(m):
            cc = (cc + self.counts[j]) & _UINT
            t = (cc - j % 2) & _UINT
            y = t % height
            x = (t - y) // height
            if j % 2 == 0:
                xp = x
            elif xp < x:
                ys, ye = 0, height - 1
            xs, xe, ys, ye = min(xs, x), max(xe, x), min(ys, y), max(ye, y)
        return float(xs), float(ys), float(xe - xs + 1), float(ye - ys + 1)


def decode(segmentation: object) -> Mask:
    """The mask of a compressed RLE object; ValueError (the field and the reason) for anything else.

    pycocotools reads only this form in a results file's segmentation branch; polygons and uncompressed RLE
    (``counts`` a list) make its ``maskUtils.area`` fail, and so does a zero height (a division by zero in C).
    """
    if not isinstance(segmentation, dict):
        raise ValueError(f"segmentation = {_short(segmentation)}: expected a compressed RLE object {{size, counts}}")
    size = segmentation.get("size")
    if (
        not isinstance(size, list)
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= _UINT for v in size)
    ):
        raise ValueError(f"segmentation.size = {_short(size)}: expected [height, width], positive integers")
    counts = segmentation.get("counts")
    if not isinstance(counts, str):
        raise ValueError(f"segmentation.counts = {_short(counts)}: expected a compressed RLE string")
    return Mask(size[0], size[1], _runs(counts))


def _runs(text: str) -> list[int]:
    runs: list[int] = []
    p = 0
    n = len(text)
    while p < n:
        value = 0
        k = 0
        more = True
        while more:
            if p >= n:
                raise ValueError(f"segmentation.counts = {_short(text)}: ends inside a run length")
            c = ord(text[p]) - 48
            if not 0 <= c < 64:
                raise ValueError(f"segmentation.counts: character {text[p]!r} at {p} is not RLE")
            value |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and c & 0x10:
                value |= -1 << (5 * k)
        if len(runs) > 2:
            value += runs[-2]
        runs.append(value & _UINT)
    return runs


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
