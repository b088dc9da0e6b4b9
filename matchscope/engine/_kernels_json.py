"""A byte-level numba parser for COCO results lists: ``[{"image_id": .., "category_id": .., "bbox": [..],
"score": ..}, ...]`` straight into arrays, without building half a million Python dicts.

It only takes the well-formed common case; anything else (invalid JSON, a missing field, a non-integer id,
a string where a number belongs, escapes in keys) returns a failure status and the caller falls back to
orjson, which then produces the precise error.

Numbers come out as Python's ``float`` makes them, bit for bit. The mantissa (``MAX_DIGITS`` significant
digits, and whether non-zero digits were cut after them) and the decimal exponent are read as integers;
``w * 10**q`` is then rounded correctly by one of two paths:

- Clinger's: ``w <= 2**53`` and ``|q| <= 22`` are both exact doubles, so one IEEE multiply or divide rounds
  correctly (short decimals such as ``123.45``).
- Eisel-Lemire's (Lemire, "Number Parsing at a Gigabyte per Second", 2021; the fast_float library): ``w``
  times a 128-bit truncation of ``5**q``, with ``2**q`` folded into the binary exponent. For ``w < 2**64``
  the product's high 64 bits decide the rounding (Mushtak and Lemire, "Fast Number Parsing Without
  Fallback", 2023); the classic guard for an inconclusive product is kept anyway and reports ``UNDECIDED``.

A cut mantissa is converted twice, with ``w`` and ``w + 1``: the true value lies between them, so equal
results are the answer and different ones are ``UNDECIDED``. An undecided number is reported as a byte span
for the caller to convert with ``float``; a number ``float`` makes infinite fails the parse. numba has no
128-bit integers: the 64x64 -> 128-bit product is built from 32-bit halves in uint64 arithmetic, with every
constant typed uint64 (numba turns mixed signed/unsigned integer arithmetic into float64).

The parser's steps are small functions that take the bytes and the output columns as raw pointers (numba
``CPointer``s made from the arrays' addresses by ``_pointer_to``), never as arrays: numba reference-counts an
array in every function it is passed to (atomic operations, inlined or not), and with arrays the same steps made
parsing 2.5x (``forceinline``) to 3.3x (``inline="always"``) slower than one function; with pointers they cost
nothing (``bench/json_kernel.py``). Only ``parse_results`` holds the arrays, which keeps them alive. The
output columns are sized once from the buffer length (a detection takes at least ``_MIN_OBJECT_BYTES`` bytes).
Why one module of ~580 lines: everything ``parse_results`` compiles lives in this one file, because numba's disk
cache only notices changes to the cached function's own file; a step moved to another module and later changed
would leave the cached ``parse_results`` built with the old step. The number conversion (Clinger, Eisel-Lemire)
and the parsing steps are therefore kept together rather than split by concern.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, types
from numba.extending import intrinsic
from numpy.typing import NDArray

Bytes = NDArray[np.uint8]
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
# Raw pointers into arrays that the caller keeps alive (numba CPointers: indexed like flat arrays, not counted).
BytePointer = Any
IntPointer = Any
FloatPointer = Any
Outputs = tuple[IntPointer, IntPointer, FloatPointer, FloatPointer]  # image_id, category_id, bbox (flat), score

OK = 0
FAILED = 1

# Significant digits the parser keeps: 10**19 - 1 < 2**64, so the int64 mantissa holds them as uint64 bits
# (it wraps past 2**63 - 1; conversion reads it as uint64).
MAX_DIGITS = 19
UNDECIDED = math.nan  # JSON has no NaN, so it can mark "let Python convert the text"

_SMALLEST_POWER = -342  # below: zero for any w < 2**64
_LARGEST_POWER = 308  # above: infinity for any w >= 1
_POW10 = np.array([10.0**i for i in range(23)])


def _power_of_five_128(q: int) -> tuple[int, int]:
    """The 128-bit truncation of 5**q with its top bit set, as (high, low) 64-bit words.

    For q < 0 it is a reciprocal: 2**b // 5**-q + 1, an upper bound, where 5**-q < 2**64 (q >= -27), else
    computed with 128 extra bits and truncated.
    """
    if q >= 0:
        value = 5**q
    else:
        divisor = 5**-q
        bits = divisor.bit_length()
        value = (1 << (bits + 127 if q >= -27 else 2 * bits + 128)) // divisor + 1
    excess = value.bit_length() - 128
    value = value >> excess if excess > 0 else value << -excess
    return value >> 64, value & (2**64 - 1)


POWERS_OF_FIVE = np.array(
    [_power_of_five_128(q) for q in range(_SMALLEST_POWER, _LARGEST_POWER + 1)], dtype=np.uint64
)  # (651, 2): high, low

_U0 = np.uint64(0)
_U1 = np.uint64(1)
_U2 = np.uint64(2)
_U3 = np.uint64(3)
_U32 = np.uint64(32)
_U63 = np.uint64(63)
_LOW32 = np.uint64(0xFFFFFFFF)
_ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRECISION_MASK = np.uint64(0x1FF)  # the low 64 - 55 bits of the high word: 52 explicit bits + 3
_HIDDEN_BIT = np.uint64(1 << 52)
_MANTISSA_LIMIT = np.uint64(2 << 52)
_EXACT_INTEGERS = np.uint64(2**53)  # up to here every integer is a double


@njit(cache=True, nogil=True)
def _multiply(a: np.uint64, b: np.uint64) -> tuple[np.uint64, np.uint64]:
    """The full 128-bit product a * b as (high, low) 64-bit words."""
    a_low = a & _LOW32
    a_high = a >> _U32
    b_low = b & _LOW32
    b_high = b >> _U32
    low_low = a_low * b_low
    low_high = a_low * b_high
    high_low = a_high * b_low
    middle = (low_low >> _U32) + (low_high & _LOW32) + (high_low & _LOW32)  # < 3 * 2**32: no overflow
    low = (middle << _U32) | (low_low & _LOW32)
    high = a_high * b_high + (low_high >> _U32) + (high_low >> _U32) + (middle >> _U32)
    return high, low


@njit(cache=True, nogil=True)
def _leading_zeros(w: np.uint64) -> int:
    """Count of leading zero bits of a non-zero uint64."""
    count = 0
    for shift in (32, 16, 8, 4, 2, 1):
        if w >> np.uint64(64 - shift) == _U0:
            w = w << np.uint64(shift)
            count += shift
    return count


@njit(cache=True, nogil=True)
def eisel_lemire(w: np.uint64, q: int) -> float:
    """w * 10**q correctly rounded (0 < w < 2**64), or UNDECIDED; 0.0 and inf past the exponent range."""
    if q < _SMALLEST_POWER:
        return 0.0
    if q > _LARGEST_POWER:
        return math.inf
    mantissa_in = np.uint64(w)
    zeros = _leading_zeros(mantissa_in)
    mantissa_in = mantissa_in << np.uint64(zeros)
    index = q - _SMALLEST_POWER
    high, low = _multiply(mantissa_in, POWERS_OF_FIVE[index, 0])
    if high & _PRECISION_MASK == _PRECISION_MASK:
        second_high, _ = _multiply(mantissa_in, POWERS_OF_FIVE[index, 1])
        low = low + second_high
        if second_high > low:
            high = high + _U1
        if low == _ALL_ONES and (q < -27 or q > 55):
            return UNDECIDED
    upper_bit = int(high >> _U63)
    shift = upper_bit + 9  # 64 - 52 explicit bits - 3
    mantissa = high >> np.uint64(shift)
    # floor(q * log2(10)) + 63 via an integer approximation exact for |q| < 400, minus the normalising shift.
    power2 = (((152170 + 65536) * q) >> 16) + 63 + upper_bit - zeros + 1023
    if power2 <= 0:  # subnormal, or zero
        if -power2 + 1 >= 64:
            return 0.0
        mantissa = mantissa >> np.uint64(-power2 + 1)
        mantissa = (mantissa + (mantissa & _U1)) >> _U1
        # Rounding may carry into the smallest normal exponent: ldexp places the bit either way.
        return math.ldexp(float(mantissa), -1074)
    # Exactly halfway between two doubles (only possible when 5**|q| fits 64 bits): round to even.
    if low <= _U1 and -4 <= q <= 23 and mantissa & _U3 == _U1 and (mantissa << np.uint64(shift)) == high:
        mantissa = mantissa & ~_U1
    mantissa = (mantissa + (mantissa & _U1)) >> _U1
    if mantissa >= _MANTISSA_LIMIT:
        mantissa = _HIDDEN_BIT
        power2 += 1
    if power2 >= 2047:
        return math.inf
    # mantissa < 2**53 with its hidden bit set: exact as a double, and ldexp to a normal result is exact.
    return math.ldexp(float(mantissa), power2 - 1075)


@njit(cache=True, nogil=True)
def decimal_to_double(w: int, q: int, negative: bool, truncated: bool) -> float:
    """(-1)**negative * w * 10**q as ``float`` rounds it, for 0 <= w < 10**MAX_DIGITS; UNDECIDED when unsure.

    ``w``'s 64 bits are read as unsigned (a 19-digit mantissa wraps an int64). ``truncated`` says that non-zero
    digits followed the ones in ``w`` (the value lies in (w, w + 1) * 10**q).
    """
    mantissa = np.uint64(w)
    if mantissa == _U0:
        value = 0.0
    elif not truncated and mantissa <= _EXACT_INTEGERS and -22 <= q <= 22:
        value = float(mantissa)
        if q > 0:
            value = value * _POW10[q]
        elif q < 0:
            value = value / _POW10[-q]
    else:
        value = eisel_lemire(mantissa, q)
        if truncated and eisel_lemire(mantissa + _U1, q) != value:
            return UNDECIDED
    return -value if negative else value


# {"image_id":0,"category_id":0,"bbox":[0,0,0,0],"score":0} is 57 bytes; the comma after it makes 58.
_MIN_OBJECT_BYTES = 50
_MAX_SPANS_PER_OBJECT = 5


@njit(cache=True, nogil=True)
def _is_ws(c: int) -> bool:
    return bool(c == 32 or c == 10 or c == 13 or c == 9)


@njit(cache=True, nogil=True)
def _is_delimiter(c: int) -> bool:
    return bool(c == 44 or c == 125 or c == 93 or c == 32 or c == 10 or c == 13 or c == 9)  # , } ] space


def _pointer_to(item: Any) -> Any:
    """An intrinsic that makes an array's data address (``array.ctypes.data``) a pointer to its `item`s."""

    @intrinsic  # type: ignore[misc]
    def pointer(typingctx: Any, address: Any) -> Any:
        signature = types.CPointer(item)(types.uintp)  # type: ignore[no-untyped-call]

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

        return signature, codegen

    return pointer


_bytes_at = _pointer_to(types.uint8)
_ints_at = _pointer_to(types.int64)
_floats_at = _pointer_to(types.float64)


@njit(cache=True, nogil=True)
def _skip_string(buf: BytePointer, i: int, n: int) -> int:
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
def _skip_value(buf: BytePointer, i: int, n: int) -> int:
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


# The parser's steps (see the module's docstring for why they take pointers). Each returns the index after what it
# read, or -1 when the bytes are not the common case it takes.


@njit(cache=True, nogil=True)
def _skip_ws(buf: BytePointer, i: int, n: int) -> int:
    while i < n and _is_ws(buf[i]):
        i += 1
    return i


@njit(cache=True, nogil=True)
def _after(buf: BytePointer, i: int, n: int, expected: int) -> int:
    """The index after byte `expected` (whitespace before and after skipped), or -1."""
    i = _skip_ws(buf, i, n)
    if i >= n or buf[i] != expected:
        return -1
    return _skip_ws(buf, i + 1, n)


@njit(cache=True, nogil=True)
def _key(buf: BytePointer, i: int, n: int) -> tuple[int, int]:
    """A key at its opening quote and the colon after it: (index of its value, 0-3 for the four keys or -1)."""
    key_start = i + 1
    i = key_start
    while i < n and buf[i] != 34 and buf[i] != 92:
        i += 1
    if i >= n or buf[i] != 34:  # an escape in a key: leave it to orjson
        return -1, -1
    key = _key_code(buf[key_start], i - key_start)
    if key >= 0:
        for j in range(1, i - key_start):
            if buf[key_start + j] != KEYS[key, j]:
                key = -1
                break
    return _after(buf, i + 1, n, 58), key  # :


@njit(cache=True, nogil=True)
def _digits(buf: BytePointer, i: int, n: int, limit: int) -> tuple[int, int]:
    """A run of decimal digits: (index after it, its value, which stops growing once it reaches `limit`)."""
    value = 0
    while i < n:
        d = buf[i] - 48
        if d < 0 or d > 9:
            break
        if value < limit:
            value = value * 10 + d
        i += 1
    return i, value


@njit(cache=True, nogil=True)
def _integer(buf: BytePointer, i: int, n: int) -> tuple[int, int]:
    """An id: at most 18 digits, optionally negative."""
    negative = i < n and buf[i] == 45
    if negative:
        i += 1
    start = i
    i, value = _digits(buf, i, n, 10**18)
    if i == start or i - start > 18 or (i < n and not _is_delimiter(buf[i])):
        return -1, 0
    return i, -value if negative else value


@njit(cache=True, nogil=True)
def _significand(
    buf: BytePointer, i: int, n: int, mantissa: int, digits: int, exponent: int, truncated: bool, fraction: int
) -> tuple[int, int, int, int, bool]:
    """A run of a number's digits, before its point (`fraction` 0) or after it (1): MAX_DIGITS significant ones go
    into the mantissa (after the point, each moves the decimal exponent down); further ones mark it truncated
    (before the point, each moves the exponent up). (index, mantissa, digits kept, exponent, truncated)"""
    while i < n:
        d = buf[i] - 48
        if d < 0 or d > 9:
            break
        if digits < MAX_DIGITS:
            mantissa = mantissa * 10 + d
            exponent -= fraction
            if mantissa != 0:  # not > 0: a 19th digit may wrap the int64
                digits += 1  # significant digits kept (leading zeros do not count)
        else:
            exponent += 1 - fraction
            truncated |= d != 0
        i += 1
    return i, mantissa, digits, exponent, truncated


@njit(cache=True, nogil=True)
def _exponent(buf: BytePointer, i: int, n: int) -> tuple[int, int]:
    """A number's written exponent, after its e or E: (index, exponent)."""
    negative = False
    if i < n and (buf[i] == 43 or buf[i] == 45):
        negative = buf[i] == 45
        i += 1
    start = i
    i, written = _digits(buf, i, n, 100000)
    return (-1 if i == start else i), -written if negative else written


@njit(cache=True, nogil=True)
def _number(buf: BytePointer, i: int, n: int) -> tuple[int, float, bool]:
    """A JSON number: (index, value or UNDECIDED, whether written negative). Values ``float`` makes infinite are
    not boxes: -1, and orjson's path decides."""
    negative = i < n and buf[i] == 45
    if negative:
        i += 1
    start = i
    i, mantissa, digits, exponent, truncated = _significand(buf, i, n, 0, 0, 0, False, 0)
    if i == start:
        return -1, 0.0, negative
    if i < n and buf[i] == 46:  # .
        start = i + 1
        i, mantissa, digits, exponent, truncated = _significand(buf, start, n, mantissa, digits, exponent, truncated, 1)
        if i == start:  # no digit after the point
            return -1, 0.0, negative
    if 0 <= i < n and (buf[i] == 101 or buf[i] == 69):  # e E
        i, written = _exponent(buf, i + 1, n)
        exponent += written
    if i < 0 or (i < n and not _is_delimiter(buf[i])):
        return -1, 0.0, negative
    number = decimal_to_double(mantissa, exponent, negative, truncated)
    return (-1 if math.isinf(number) else i), number, negative


@njit(cache=True, nogil=True)
def _span(spans: IntPointer, n_spans: int, row: int, column: int, start: int, end: int) -> int:
    """Records an undecided number's bytes for the caller's ``float``; the new count."""
    spans[4 * n_spans] = row
    spans[4 * n_spans + 1] = column
    spans[4 * n_spans + 2] = start
    spans[4 * n_spans + 3] = end
    return n_spans + 1


@njit(cache=True, nogil=True)
def _bbox(
    buf: BytePointer, i: int, n: int, row: int, bbox: FloatPointer, spans: IntPointer, n_spans: int
) -> tuple[int, int]:
    """``[x, y, width, height]``; a negative width or height fails. (index, span count)"""
    if i >= n or buf[i] != 91:
        return -1, n_spans
    i = _skip_ws(buf, i + 1, n)
    for column in range(4):
        start = i
        i, number, negative = _number(buf, i, n)
        if i < 0:
            return -1, n_spans
        if math.isnan(number):
            number = 0.0
            n_spans = _span(spans, n_spans, row, column, start, i)
        if column >= 2 and negative and number != 0.0:
            return -1, n_spans
        bbox[4 * row + column] = number
        i = _after(buf, i, n, 44 if column < 3 else 93)  # , then ]
        if i < 0:
            return -1, n_spans
    return i, n_spans


@njit(cache=True, nogil=True)
def _value(
    buf: BytePointer,
    i: int,
    n: int,
    key: int,
    row: int,
    columns: tuple[Ints, Ints, Floats, Floats],
    spans: Ints,
    n_spans: int,
) -> tuple[int, int]:
    """The value of key `key` (-1: any other, skipped) into row `row` of the columns: (index, span count)."""
    image_id, category_id, bbox, score = columns
    if key == 0 or key == 1:
        i, value = _integer(buf, i, n)
        if key == 0:
            image_id[row] = value
        else:
            category_id[row] = value
        return i, n_spans
    if key == 2:
        return _bbox(buf, i, n, row, bbox, spans, n_spans)
    if key == 3:
        start = i
        i, number, _ = _number(buf, i, n)
        if i >= 0 and math.isnan(number):
            number = 0.0
            n_spans = _span(spans, n_spans, row, 4, start, i)
        score[row] = number
        return i, n_spans
    return _skip_value(buf, i, n), n_spans


@njit(cache=True, nogil=True)
def _object(
    buf: BytePointer, i: int, n: int, row: int, columns: Outputs, spans: IntPointer, n_spans: int
) -> tuple[int, int]:
    """One detection ``{"key": value, ...}`` after its opening brace, holding each of the four keys: (index after
    its closing brace, span count)."""
    seen = 0
    while i < n and buf[i] == 34:
        i, key = _key(buf, i, n)
        if i < 0:
            break
        i, n_spans = _value(buf, i, n, key, row, columns, spans, n_spans)
        if i < 0:
            break
        if key >= 0:
            seen |= 1 << key
        i = _skip_ws(buf, i, n)
        if i < n and buf[i] == 125:  # }
            return (i + 1 if seen == 15 else -1), n_spans
        if i >= n or buf[i] != 44:  # ,
            break
        i = _skip_ws(buf, i + 1, n)
    return -1, n_spans


@njit(cache=True, nogil=True)
def parse_results(buf: Bytes) -> tuple[int, Ints, Ints, Floats, Floats, Ints]:
    """Status, image_id (M,), category_id (M,), bbox (M, 4), score (M,) and inexact spans (S, 4).

    Each span row is (row, column 0-3 of bbox or 4 for score, start byte, end byte); the value there is 0
    until the caller converts the bytes. A bbox with a negative width or height fails.
    """
    n = buf.shape[0]
    capacity = n // _MIN_OBJECT_BYTES + 1
    columns = (
        np.empty(capacity, dtype=np.int64),
        np.empty(capacity, dtype=np.int64),
        np.empty((capacity, 4)),
        np.empty(capacity),
    )
    image_id, category_id, bbox, score = columns
    outputs = (
        _ints_at(image_id.ctypes.data),
        _ints_at(category_id.ctypes.data),
        _floats_at(bbox.ctypes.data),
        _floats_at(score.ctypes.data),
    )
    spans = np.empty((64, 4), dtype=np.int64)
    n_spans = 0
    rows = 0
    p = _bytes_at(buf.ctypes.data)
    i = _after(p, 0, n, 91)  # [
    if 0 <= i < n and p[i] == 93:  # ]: an empty list
        return _results(OK if _skip_ws(p, i + 1, n) == n else FAILED, 0, columns, spans, 0)
    while i >= 0 and rows < capacity:
        if n_spans + _MAX_SPANS_PER_OBJECT > spans.shape[0]:
            spans = _grown(spans, n_spans)
        i = _after(p, i, n, 123)  # {
        if i >= 0:
            i, n_spans = _object(p, i, n, rows, outputs, _ints_at(spans.ctypes.data), n_spans)
        if i < 0:
            break
        rows += 1
        i = _skip_ws(p, i, n)
        if i < n and p[i] == 93:  # ]
            return _results(OK if _skip_ws(p, i + 1, n) == n else FAILED, rows, columns, spans, n_spans)
        i = _after(p, i, n, 44)  # ,
    return _results(FAILED, 0, columns, spans, 0)


@njit(cache=True, nogil=True)
def _grown(spans: Ints, n_spans: int) -> Ints:
    grown = np.empty((2 * spans.shape[0], 4), dtype=np.int64)
    grown[:n_spans] = spans[:n_spans]
    return grown


@njit(cache=True, nogil=True)
def _results(
    status: int, rows: int, columns: tuple[Ints, Ints, Floats, Floats], spans: Ints, n_spans: int
) -> tuple[int, Ints, Ints, Floats, Floats, Ints]:
    """`parse_results`' answer: the first `rows` detections, or none when the parse failed."""
    image_id, category_id, bbox, score = columns
    if status != OK:
        rows = n_spans = 0
    return status, image_id[:rows], category_id[:rows], bbox[:rows], score[:rows], spans[:n_spans]


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
