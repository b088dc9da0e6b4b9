"""COCO ids as pycocotools' dictionaries see them, coded as int64 for the arrays.

pycocotools keys its indexes by the JSON value itself: an id may be an integer of any size, a float or a string,
and ``1`` and ``1.0`` are one key. ``COCOeval`` sorts the image and category ids, so those must be all numbers
or all strings. The arrays hold int64 codes: the ids themselves when every id is a 64-bit integer (the common
case, no work), else the id's rank among the sorted distinct ids, with the ids kept beside them for output.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.coco import _index_in

IdKey = int | float | str


class CocoFileError(ValueError):
    """An entry pycocotools could not evaluate; the message names the entry, the value and the reason."""


_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def id_key(value: object) -> IdKey | None:
    """The dictionary key pycocotools would use for ``value`` (true is 1, as in Python), or None when it cannot
    be a COCO id here (null, lists and objects: unhashable or meaningless; non-finite numbers)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return None


def is_plain(keys: Sequence[IdKey]) -> bool:
    return all(type(k) is int and _INT64_MIN <= k <= _INT64_MAX for k in keys)


def _sorted(distinct: set[IdKey], what: str, *, sortable: bool) -> list[IdKey]:
    try:
        return sorted(distinct)  # type: ignore[type-var]
    except TypeError:
        if sortable:
            raise CocoFileError(
                f"{what}: ids mix numbers and strings (pycocotools' COCOeval sorts them and fails)"
            ) from None
        return sorted(distinct, key=lambda k: (isinstance(k, str), k))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class IdTable:
    """The distinct ids of one list, sorted. ``codes`` (D,) int64, ascending: the ids, or ``offset`` + 0..D-1
    when ``keys`` holds the ids (some are not 64-bit integers)."""

    codes: NDArray[np.int64]
    keys: list[IdKey] | None
    offset: int = 0

    @classmethod
    def of(
        cls,
        keys: Sequence[IdKey] | NDArray[np.int64],
        what: str,
        *,
        sortable: bool = True,
        zero_is_zero: bool = False,
    ) -> IdTable:
        """``zero_is_zero``: code 0 stands for the id 0 and no other (COCOeval takes an annotation id of 0 for
        "unmatched", and the engine keeps that quirk)."""
        if isinstance(keys, np.ndarray):
            return cls(np.unique(keys.astype(np.int64, copy=False)), None)
        if is_plain(keys):
            return cls(np.unique(np.array(keys, dtype=np.int64)), None)
        ordered = _sorted(set(keys), what, sortable=sortable)
        offset = 0
        if zero_is_zero:
            offset = -ordered.index(0) if 0 in ordered else 1
        return cls(np.arange(len(ordered), dtype=np.int64) + offset, ordered, offset)

    @property
    def size(self) -> int:
        return int(self.codes.size)

    def ids(self, codes: NDArray[np.int64]) -> list[Any]:
        """The original ids of ``codes`` (for output)."""
        if self.keys is None:
            return codes.tolist()  # type: ignore[no-any-return]
        keys, offset = self.keys, self.offset
        return [keys[c - offset] for c in codes.tolist()]

    def find(self, values: Sequence[IdKey] | NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Code of each id in ``values`` (ids, not codes) and whether the table has it (codes of the missing are
        unspecified)."""
        if self.keys is None:
            if isinstance(values, np.ndarray):
                array = values
            elif is_plain(values):
                array = np.array(values, dtype=np.int64)
            else:
                return self._find_keys(values)
            if self.codes.size == 0:
                return np.zeros(array.shape, dtype=np.int64), np.zeros(array.shape, dtype=np.bool_)
            index, found = _index_in(array, self.codes)
            return self.codes[index], found
        return self._find_keys(values.tolist() if isinstance(values, np.ndarray) else values)

    def _find_keys(self, values: Sequence[IdKey]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        mapping: dict[IdKey, int]
        if self.keys is None:
            mapping = {int(c): int(c) for c in self.codes.tolist()}
        else:
            mapping = {k: i + self.offset for i, k in enumerate(self.keys)}
        found = np.array([v in mapping for v in values], dtype=np.bool_).reshape(-1)
        codes = np.array([mapping.get(v, 0) for v in values], dtype=np.int64).reshape(-1)
        return codes, found
