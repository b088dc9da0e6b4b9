"""A byte-level numba parser for COCO results lists: ``[{"image_id": .., "category_id": .., "bbox": [..],
"score": ..}, ...]`` straight into arrays, without building half a million Python dicts.

It only takes the well-formed common case; anything else (invalid JSON, a missing field, a non-integer id,
a string where a number belongs, escapes in keys) returns a failure status and the caller falls back to
orjson, which then produces the precise error. Numbers are converted exactly: the mantissa and decimal
exponent are read as integers and combined with one IEEE operation when both are exact doubles (Clinger's
fast path, correctly rounded); other numbers are reported as byte spans for Python's ``float`` to convert.

The per-detection path is one function: numba reference-counts an array on every call of a helper that takes
it (two atomic operations, even when the call is inlined), which made helper-based parsing several times slower
than the bytes justify. Helpers here take scalars only, except ``_skip_value`` (unknown keys, rare). The
output columns are sized once from the buffer length (a detection takes at least ``_MIN_OBJECT_BYTES`` bytes).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

Bytes = NDArray[np.uint8]
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

OK = 0
FAILED = 1

POW10 = np.array([10.0**i for i in range(23)])
# {"image_id":0,"category_id":0,"bbox":[0,0,0,0],"score":0} is 57 bytes; the comma after it makes 58.
_MIN_OBJECT_BYTES = 50
_MAX_SPANS_PER_OBJECT = 5


@njit(cache=True, nogil=True)
def _is_ws(c: int) -> bool:
    return bool(c == 32 or c == 10 or c == 13 or c == 9)


@njit(cache=True, nogil=True)
def _is_delimiter(c: int) -> bool:
    return bool(c == 44 or c == 125 or c == 93 or c == 32 or c == 10 or c == 13 or c == 9)  # , } ] space


@njit(cache=True, nogil=True)
def _compose(mantissa: int, exponent: int, negative: bool) -> float:
    """mantissa * 10**exponent in one correctly rounded IEEE operation (mantissa <= 2**53, |exponent| <= 22)."""
    value = float(mantissa)
    if exponent > 0:
        value = value * _POW10[exponent]
    elif exponent < 0:
        value = value / _POW10[-exponent]
    return -value if negative else value


_POW10 = POW10


@njit(cache=True, nogil=True)
def _skip_string(buf: Bytes, i: int, n: int) -> int:
    """i at the opening quote; returns the index after the closing quote, or -1."""
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
def _skip_value(buf: Bytes, i: int, n: int) -> int:
    """Skips any JSON value (nested arrays and objects included); returns the next index or -1.

    Only values of keys other than the four are skipped, so this path is rare: helpers are fine here.
    """
    if i >= n:
        return -1
    if buf[i] == 34:
        return _skip_string(buf, i, n)
    if buf[i] != 91 and buf[i] != 123:
        while i < n and not _is_delimiter(buf[i]):
            i += 1
        return i
    depth = 0
    while i < n:
        c = buf[i]
        if c == 34:
            i = _skip_string(buf, i, n)
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


@njit(cache=True, nogil=True)
def parse_results(buf: Bytes) -> tuple[int, Ints, Ints, Floats, Floats, Ints]:  # noqa: C901  (one function: see above)
    """Status, image_id (M,), category_id (M,), bbox (M, 4), score (M,) and inexact spans (S, 4).

    Each span row is (row, column 0-3 of bbox or 4 for score, start byte, end byte); the value there is 0
    until the caller converts the bytes. A bbox with a negative width or height fails.
    """
    n = buf.shape[0]
    capacity = n // _MIN_OBJECT_BYTES + 1
    image_id = np.empty(capacity, dtype=np.int64)
    category_id = np.empty(capacity, dtype=np.int64)
    bbox = np.empty((capacity, 4))
    score = np.empty(capacity)
    spans = np.empty((64, 4), dtype=np.int64)
    n_spans = 0
    rows = 0
    i = 0
    while i < n and _is_ws(buf[i]):
        i += 1
    if i >= n or buf[i] != 91:  # [
        return FAILED, image_id[:0], category_id[:0], bbox[:0], score[:0], spans[:0]
    i += 1
    while i < n and _is_ws(buf[i]):
        i += 1
    if i < n and buf[i] == 93:  # ]
        i += 1
        while i < n and _is_ws(buf[i]):
            i += 1
        return (OK if i == n else FAILED), image_id[:0], category_id[:0], bbox[:0], score[:0], spans[:0]
    while rows < capacity:
        if n_spans + _MAX_SPANS_PER_OBJECT > spans.shape[0]:
            grown = np.empty((2 * spans.shape[0], 4), dtype=np.int64)
            grown[:n_spans] = spans[:n_spans]
            spans = grown
        # One object: {"key": value, ...}
        if i >= n or buf[i] != 123:
            break
        i += 1
        while i < n and _is_ws(buf[i]):
            i += 1
        seen = 0
        closed = False
        while i < n and buf[i] == 34:
            key_start = i + 1
            i = key_start
            while i < n and buf[i] != 34 and buf[i] != 92:
                i += 1
            if i >= n or buf[i] != 34:  # an escape in a key: leave it to orjson
                i = -1
                break
            key = _key_code(buf[key_start], i - key_start)
            if key >= 0:
                for j in range(1, i - key_start):
                    if buf[key_start + j] != KEYS[key, j]:
                        key = -1
                        break
            i += 1
            while i < n and _is_ws(buf[i]):
                i += 1
            if i >= n or buf[i] != 58:  # :
                i = -1
                break
            i += 1
            while i < n and _is_ws(buf[i]):
                i += 1
            if key == 0 or key == 1:
                negative = i < n and buf[i] == 45
                if negative:
                    i += 1
                start = i
                value = 0
                while i < n:
                    d = buf[i] - 48
                    if d < 0 or d > 9:
                        break
                    value = value * 10 + d
                    i += 1
                if i == start or i - start > 18 or (i < n and not _is_delimiter(buf[i])):
                    i = -1
                    break
                if key == 0:
                    image_id[rows] = -value if negative else value
                else:
                    category_id[rows] = -value if negative else value
            elif key == 2 or key == 3:
                count = 1
                if key == 2:
                    if i >= n or buf[i] != 91:
                        i = -1
                        break
                    i += 1
                    while i < n and _is_ws(buf[i]):
                        i += 1
                    count = 4
                for column in range(count):
                    # A JSON number: at most 18 significant digits go into the int64 mantissa (exact);
                    # further digits only move the decimal exponent and make the number inexact.
                    number_start = i
                    negative = i < n and buf[i] == 45
                    if negative:
                        i += 1
                    start = i
                    mantissa = 0
                    digits = 0  # significant digits seen (leading zeros do not count)
                    exponent = 0
                    while i < n:
                        d = buf[i] - 48
                        if d < 0 or d > 9:
                            break
                        if digits < 18:
                            mantissa = mantissa * 10 + d
                            if mantissa > 0:
                                digits += 1
                        else:
                            exponent += 1
                            digits += 1
                        i += 1
                    if i == start:
                        i = -1
                        break
                    if i < n and buf[i] == 46:  # .
                        i += 1
                        fraction_start = i
                        while i < n:
                            d = buf[i] - 48
                            if d < 0 or d > 9:
                                break
                            if digits < 18:
                                mantissa = mantissa * 10 + d
                                exponent -= 1
                                if mantissa > 0:
                                    digits += 1
                            else:
                                digits += 1
                            i += 1
                        if i == fraction_start:
                            i = -1
                            break
                    if i < n and (buf[i] == 101 or buf[i] == 69):  # e E
                        i += 1
                        negative_exponent = False
                        if i < n and (buf[i] == 43 or buf[i] == 45):
                            negative_exponent = buf[i] == 45
                            i += 1
                        exponent_start = i
                        written = 0
                        while i < n:
                            d = buf[i] - 48
                            if d < 0 or d > 9:
                                break
                            if written < 100000:
                                written = written * 10 + d
                            i += 1
                        if i == exponent_start:
                            i = -1
                            break
                        exponent += -written if negative_exponent else written
                    if i < n and not _is_delimiter(buf[i]):
                        i = -1
                        break
                    number = 0.0
                    if digits > 18 or mantissa > 9007199254740992 or exponent > 22 or exponent < -22:
                        spans[n_spans, 0] = rows
                        spans[n_spans, 1] = column if key == 2 else 4
                        spans[n_spans, 2] = number_start
                        spans[n_spans, 3] = i
                        n_spans += 1
                    else:
                        number = _compose(mantissa, exponent, negative)
                    if key == 3:
                        score[rows] = number
                    elif column >= 2 and negative and number != 0.0:  # a negative width or height
                        i = -1
                        break
                    else:
                        bbox[rows, column] = number
                    if key == 2:
                        while i < n and _is_ws(buf[i]):
                            i += 1
                        if i >= n or buf[i] != (44 if column < 3 else 93):  # , then ]
                            i = -1
                            break
                        i += 1
                        while i < n and _is_ws(buf[i]):
                            i += 1
                if i < 0:
                    break
            else:
                i = _skip_value(buf, i, n)
                if i < 0:
                    break
            if key >= 0:
                seen |= 1 << key
            while i < n and _is_ws(buf[i]):
                i += 1
            if i < n and buf[i] == 44:  # ,
                i += 1
                while i < n and _is_ws(buf[i]):
                    i += 1
            elif i < n and buf[i] == 125:  # }
                i += 1
                closed = True
                break
            else:
                i = -1
                break
        if i < 0 or not closed or seen != 15:
            break
        rows += 1
        while i < n and _is_ws(buf[i]):
            i += 1
        if i < n and buf[i] == 44:
            i += 1
            while i < n and _is_ws(buf[i]):
                i += 1
        elif i < n and buf[i] == 93:
            i += 1
            while i < n and _is_ws(buf[i]):
                i += 1
            if i == n:
                return OK, image_id[:rows], category_id[:rows], bbox[:rows], score[:rows], spans[:n_spans]
            break
        else:
            break
    return FAILED, image_id[:0], category_id[:0], bbox[:0], score[:0], spans[:0]


# Keys by length: image_id (8), category_id (11), bbox (4), score (5); their first bytes tell them apart.
_KEY_BYTES = (b"image_id", b"category_id", b"bbox", b"score")
KEYS = np.zeros((4, 16), dtype=np.uint8)
for _row, _name in enumerate(_KEY_BYTES):
    KEYS[_row, : len(_name)] = np.frombuffer(_name, dtype=np.uint8)


@njit(cache=True, nogil=True)
def _key_code(first: int, length: int) -> int:
    """The key a name of this first byte and length can only be (0-3), or -1."""
    if length == 8 and first == 105:
        return 0
    if length == 11 and first == 99:
        return 1
    if length == 4 and first == 98:
        return 2
    if length == 5 and first == 115:
        return 3
    return -1
