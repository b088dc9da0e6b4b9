"""A byte-level numba parser for COCO results lists: ``[{"image_id": .., "category_id": .., "bbox": [..],
"score": ..}, ...]`` straight into arrays, without building half a million Python dicts.

It only takes the well-formed common case; anything else (invalid JSON, a missing field, a non-integer id,
a string where a number belongs, escapes in keys) returns a failure status and the caller falls back to
orjson, which then produces the precise error. Numbers are converted exactly: the mantissa and decimal
exponent are read as integers and combined with one IEEE operation when both are exact doubles (Clinger's
fast path, correctly rounded); other numbers are reported as byte spans for Python's ``float`` to convert.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

Bytes = NDArray[np.uint8]

OK = 0
FAILED = 1

_IMAGE_ID, _CATEGORY_ID, _BBOX, _SCORE = 0, 1, 2, 3
# Keys as bytes, padded with zeros; their lengths in KEY_LENGTHS.
KEYS = np.zeros((4, 16), dtype=np.uint8)
for _row, _key in enumerate((b"image_id", b"category_id", b"bbox", b"score")):
    KEYS[_row, : len(_key)] = np.frombuffer(_key, dtype=np.uint8)
KEY_LENGTHS = np.array([8, 11, 4, 5], dtype=np.int64)
POW10 = np.array([10.0**i for i in range(23)])


@njit(cache=True, nogil=True)
def _skip_ws(buf: Bytes, i: int) -> int:
    n = buf.shape[0]
    while i < n and (buf[i] == 32 or buf[i] == 10 or buf[i] == 13 or buf[i] == 9):
        i += 1
    return i


@njit(cache=True, nogil=True)
def _is_delimiter(buf: Bytes, i: int) -> bool:
    if i >= buf.shape[0]:
        return True
    c = buf[i]
    return bool(c == 44 or c == 125 or c == 93 or c == 32 or c == 10 or c == 13 or c == 9)  # , } ] space


@njit(cache=True, nogil=True)
def _parse_int(buf: Bytes, i: int) -> tuple[int, int]:
    """An integer literal at i: (value, next index), next index -1 if it is not a plain integer."""
    n = buf.shape[0]
    negative = False
    if i < n and buf[i] == 45:  # -
        negative = True
        i += 1
    start = i
    value = 0
    while i < n and 48 <= buf[i] <= 57:
        value = value * 10 + (buf[i] - 48)
        i += 1
    if i == start or i - start > 18 or not _is_delimiter(buf, i):
        return 0, -1
    return (-value if negative else value), i


@njit(cache=True, nogil=True)
def _digits(buf: Bytes, i: int, mantissa: int, digits: int, fraction: bool) -> tuple[int, int, int, int]:
    """Decimal digits from i into the mantissa (at most 18 significant ones, so it stays exact in int64).

    Returns (next index, mantissa, significant digits seen, decimal exponent adjustment).
    """
    n = buf.shape[0]
    shift = 0
    while i < n and 48 <= buf[i] <= 57:
        if digits < 18:
            mantissa = mantissa * 10 + (buf[i] - 48)
            if fraction:
                shift -= 1
            if mantissa > 0:
                digits += 1
        else:
            if not fraction:
                shift += 1
            digits += 1
        i += 1
    return i, mantissa, digits, shift


@njit(cache=True, nogil=True)
def _exponent(buf: Bytes, i: int) -> tuple[int, int]:
    """The exponent after 'e' or 'E' at i: (next index, value); next index -1 if malformed."""
    n = buf.shape[0]
    negative = False
    if i < n and (buf[i] == 43 or buf[i] == 45):
        negative = buf[i] == 45
        i += 1
    start = i
    value = 0
    while i < n and 48 <= buf[i] <= 57:
        if value < 100000:
            value = value * 10 + (buf[i] - 48)
        i += 1
    if i == start:
        return -1, 0
    return i, (-value if negative else value)


@njit(cache=True, nogil=True)
def _parse_number(buf: Bytes, i: int, pow10: NDArray[np.float64]) -> tuple[float, int, bool]:
    """A JSON number at i: (value, next index, exact); next index -1 if it is not a number.

    When ``exact`` is False the value must be converted from the bytes by the caller.
    """
    n = buf.shape[0]
    negative = i < n and buf[i] == 45
    if negative:
        i += 1
    start = i
    i, mantissa, digits, exponent = _digits(buf, i, 0, 0, False)
    if i == start:
        return 0.0, -1, False
    if i < n and buf[i] == 46:  # .
        fraction_start = i + 1
        i, mantissa, digits, shift = _digits(buf, fraction_start, mantissa, digits, True)
        exponent += shift
        if i == fraction_start:
            return 0.0, -1, False
    if i < n and (buf[i] == 101 or buf[i] == 69):  # e E
        i, written = _exponent(buf, i + 1)
        if i < 0:
            return 0.0, -1, False
        exponent += written
    if not _is_delimiter(buf, i):
        return 0.0, -1, False
    if digits > 18 or mantissa > 9007199254740992 or exponent > 22 or exponent < -22:
        return 0.0, i, False
    value = float(mantissa)
    if exponent > 0:
        value = value * pow10[exponent]
    elif exponent < 0:
        value = value / pow10[-exponent]
    return (-value if negative else value), i, True


@njit(cache=True, nogil=True)
def _skip_string(buf: Bytes, i: int) -> int:
    """i at the opening quote; returns the index after the closing quote, or -1."""
    n = buf.shape[0]
    i += 1
    while i < n:
        c = buf[i]
        if c == 92:  # backslash
            i += 2
            continue
        if c == 34:
            return i + 1
        i += 1
    return -1


@njit(cache=True, nogil=True)
def _skip_value(buf: Bytes, i: int) -> int:
    """Skips any JSON value (nested arrays and objects included); returns the next index or -1."""
    n = buf.shape[0]
    if i >= n:
        return -1
    c = buf[i]
    if c == 34:
        return _skip_string(buf, i)
    if c == 91 or c == 123:
        depth = 0
        while i < n:
            c = buf[i]
            if c == 34:
                i = _skip_string(buf, i)
                if i < 0:
                    return -1
                continue
            if c == 91 or c == 123:
                depth += 1
            elif c == 93 or c == 125:
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return -1
    while i < n and not _is_delimiter(buf, i):
        i += 1
    return i


@njit(cache=True, nogil=True)
def _key_index(buf: Bytes, start: int, end: int, keys: Bytes, key_lengths: NDArray[np.int64]) -> int:
    for k in range(keys.shape[0]):
        if end - start != key_lengths[k]:
            continue
        same = True
        for j in range(end - start):
            if buf[start + j] != keys[k, j]:
                same = False
                break
        if same:
            return k
    return -1


@njit(cache=True, nogil=True)
def _parse_numbers(
    buf: Bytes,
    i: int,
    key: int,
    row: int,
    values: NDArray[np.float64],
    spans: NDArray[np.int64],
    n_spans: int,
    pow10: NDArray[np.float64],
) -> tuple[int, NDArray[np.int64], int]:
    """The bbox array (key 2) or the score (key 3) of one detection; (next index or -1, spans, span count)."""
    n = buf.shape[0]
    count = 1
    if key == 2:
        if i >= n or buf[i] != 91:
            return -1, spans, n_spans
        i = _skip_ws(buf, i + 1)
        count = 4
    for column in range(count):
        start = i
        value, i, exact = _parse_number(buf, i, pow10)
        if i < 0:
            return -1, spans, n_spans
        target = column if key == 2 else 4
        values[row, target] = value
        if not exact:
            if n_spans == spans.shape[0]:
                spans = _grow_int2(spans, 2 * n_spans)
            spans[n_spans, 0] = row
            spans[n_spans, 1] = target
            spans[n_spans, 2] = start
            spans[n_spans, 3] = i
            n_spans += 1
        i = _skip_ws(buf, i)
        if key == 2:
            expected = 44 if column < 3 else 93  # , then ]
            if i >= n or buf[i] != expected:
                return -1, spans, n_spans
            i = _skip_ws(buf, i + 1)
    return i, spans, n_spans


@njit(cache=True, nogil=True)
def _parse_object(
    buf: Bytes,
    i: int,
    row: int,
    ids: NDArray[np.int64],
    values: NDArray[np.float64],
    spans: NDArray[np.int64],
    n_spans: int,
    keys: Bytes,
    key_lengths: NDArray[np.int64],
    pow10: NDArray[np.float64],
) -> tuple[int, NDArray[np.int64], int]:
    """One detection object starting at i ('{'); (index after it or -1, spans, span count)."""
    n = buf.shape[0]
    if i >= n or buf[i] != 123:
        return -1, spans, n_spans
    i = _skip_ws(buf, i + 1)
    seen = 0
    while i < n and buf[i] == 34:
        key_end = _skip_string(buf, i)
        if key_end < 0:
            return -1, spans, n_spans
        key = _key_index(buf, i + 1, key_end - 1, keys, key_lengths)
        i = _skip_ws(buf, key_end)
        if i >= n or buf[i] != 58:  # :
            return -1, spans, n_spans
        i = _skip_ws(buf, i + 1)
        if key == 0 or key == 1:
            ids[row, key], i = _parse_int(buf, i)
        elif key >= 2:
            i, spans, n_spans = _parse_numbers(buf, i, key, row, values, spans, n_spans, pow10)
        else:
            i = _skip_value(buf, i)
        if i < 0:
            return -1, spans, n_spans
        if key >= 0:
            seen |= 1 << key
        i = _skip_ws(buf, i)
        if i < n and buf[i] == 44:
            i = _skip_ws(buf, i + 1)
        elif i < n and buf[i] == 125:
            return (i + 1 if seen == 15 else -1), spans, n_spans
        else:
            return -1, spans, n_spans
    return -1, spans, n_spans


@njit(cache=True, nogil=True)
def parse_results(
    buf: Bytes, keys: Bytes, key_lengths: NDArray[np.int64], pow10: NDArray[np.float64]
) -> tuple[int, NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Status, ids (M, 2: image_id, category_id), values (M, 5: bbox then score) and inexact spans (S, 4).

    Each span row is (row, column 0-3 of bbox or 4 for score, start byte, end byte).
    """
    capacity = 1024
    ids = np.empty((capacity, 2), dtype=np.int64)
    values = np.empty((capacity, 5))
    spans = np.empty((64, 4), dtype=np.int64)
    n_spans = 0
    rows = 0
    n = buf.shape[0]
    i = _skip_ws(buf, 0)
    if i >= n or buf[i] != 91:
        return FAILED, ids[:0], values[:0], spans[:0]
    i = _skip_ws(buf, i + 1)
    if i < n and buf[i] == 93:
        i = _skip_ws(buf, i + 1)
        return (OK if i == n else FAILED), ids[:0], values[:0], spans[:0]
    while i >= 0:
        if rows == capacity:
            capacity *= 2
            ids = _grow_int2(ids, capacity)
            values = _grow_float(values, capacity)
        i, spans, n_spans = _parse_object(buf, i, rows, ids, values, spans, n_spans, keys, key_lengths, pow10)
        if i < 0:
            break
        rows += 1
        i = _skip_ws(buf, i)
        if i < n and buf[i] == 44:
            i = _skip_ws(buf, i + 1)
        elif i < n and buf[i] == 93:
            if _skip_ws(buf, i + 1) == n:
                return OK, ids[:rows], values[:rows], spans[:n_spans]
            break
        else:
            break
    return FAILED, ids[:0], values[:0], spans[:0]


@njit(cache=True, nogil=True)
def _grow_int2(array: NDArray[np.int64], capacity: int) -> NDArray[np.int64]:
    grown = np.empty((capacity, array.shape[1]), dtype=np.int64)
    grown[: array.shape[0]] = array
    return grown


@njit(cache=True, nogil=True)
def _grow_float(array: NDArray[np.float64], capacity: int) -> NDArray[np.float64]:
    grown = np.empty((capacity, array.shape[1]))
    grown[: array.shape[0]] = array
    return grown
