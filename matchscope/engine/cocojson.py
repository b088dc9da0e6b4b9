"""What the COCO file readers share: JSON parsing as pycocotools reads it, and the checks of single entries
whose errors name the entry, field and value (``CocoFileError``)."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from matchscope.engine.cocoids import CocoFileError, IdKey, id_key

Source = str | Path | bytes
EMPTY_INTS = np.zeros(0, dtype=np.int64)


class InexactId(Exception):
    """orjson read an integer id beyond 64 bits as a float: the file is read again by the json module."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_source(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def parse_json(raw: bytes) -> Any:
    """The JSON value of ``raw``: orjson, or Python's json module for what only it reads (``NaN``, numbers out
    of float range), as pycocotools reads files with it. Invalid JSON raises CocoFileError with the position."""
    try:
        with gc_paused():
            return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise CocoFileError(f"not valid JSON ({error})") from None


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def kind_of(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(
        type(value), "a number"
    )


def is_number(value: object) -> bool:
    return isinstance(value, int | float)  # true and false too: Python's arithmetic takes them, so pycocotools does


def finite_number(value: object) -> bool:
    return is_number(value) and bool(np.isfinite(float(value)))  # type: ignore[arg-type]


def record_at(where: str, record: object) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise CocoFileError(f"{where} = {short(record)}: expected an object")
    return record


def read_id(where: str, record: dict[str, Any], name: str, raw: bytes | None) -> IdKey:
    if name not in record:
        raise CocoFileError(f"{where}.{name}: missing")
    value = record[name]
    key = id_key(value)
    if key is None:
        raise CocoFileError(f"{where}.{name} = {short(value)}: expected an integer or a string")
    if raw is not None and isinstance(value, float) and abs(value) >= 2.0**63:
        raise InexactId
    return key


def read_bbox(where: str, record: dict[str, Any]) -> list[float]:
    if "bbox" not in record:
        raise CocoFileError(f"{where}.bbox: missing")
    box = record["bbox"]
    if not isinstance(box, list) or len(box) != 4 or not all(finite_number(v) for v in box):
        raise CocoFileError(f"{where}.bbox = {short(box)}: expected [x, y, width, height], 4 finite numbers")
    return box


def list_of(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CocoFileError(f"{key} = {short(value)}: expected a list, got {kind_of(value)}")
    return value


def count_note(what: str, count: int, text: str) -> list[str]:
    return [f"{what}: {count} {text}"] if count else []
