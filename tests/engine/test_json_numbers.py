"""The JSON kernel reads every number as Python's float() does, bit for bit (signs of zero included)."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchscope.engine import _kernels_json
from matchscope.engine._kernels_json import POWERS_OF_FIVE, decimal_to_double, eisel_lemire
from matchscope.engine.cocofile import parse_detections


def _results(texts: list[str]) -> bytes:
    """One detection per text: the text as score and x, y, and without its sign as width and height (the
    kernel leaves negative sizes to the orjson path)."""
    rows = []
    for t in texts:
        size = t.removeprefix("-")
        rows.append(f'{{"image_id": 1, "category_id": 1, "bbox": [{t}, {t}, {size}, {size}], "score": {t}}}')
    return ("[" + ",\n".join(rows) + "]").encode()


def _kernel_numbers(texts: list[str]) -> tuple[np.ndarray, int]:  # type: ignore[type-arg]
    """(N, 5) columns x, y, w, h, score as the kernel reads them, its spans converted by float(); span count."""
    raw = _results(texts)
    status, _image, _category, bbox, score, spans = _kernels_json.parse_results(np.frombuffer(raw, dtype=np.uint8))
    assert status == _kernels_json.OK
    values = np.column_stack([bbox, score])
    for row, column, start, end in spans.tolist():
        values[row, column] = float(raw[start:end])
    return values, len(spans)


def _expected(texts: list[str]) -> np.ndarray:  # type: ignore[type-arg]
    return np.array([[float(t), float(t), float(t.lstrip("-")), float(t.lstrip("-")), float(t)] for t in texts])


def _assert_bitwise_equal(texts: list[str]) -> int:
    """Kernel values equal float()'s bit for bit; a number float() makes infinite fails the kernel instead."""
    for text in [t for t in texts if math.isinf(float(t))]:
        _assert_refused(text)
    texts = [t for t in texts if not math.isinf(float(t))]
    if not texts:
        return 0
    values, undecided = _kernel_numbers(texts)
    expected = _expected(texts)
    wrong = np.flatnonzero((values.view(np.uint64) != expected.view(np.uint64)).any(axis=1))
    assert wrong.size == 0, [(texts[i], values[i].tolist(), expected[i].tolist()) for i in wrong[:5]]
    return undecided


def _with_exponent_style(text: str, style: int) -> str:
    """The same number with its exponent written as e / E, with or without '+', or padded with zeros."""
    mantissa, marker, exponent = text.partition("e")
    if not marker:
        return text
    sign = "-" if exponent.startswith("-") else "+"
    digits = exponent.lstrip("+-")
    written = ("e", "E", "e", "E")[style] + (sign if sign == "-" or style < 2 else "") + digits.zfill(style + 1)
    return mantissa + written


finite = st.floats(allow_nan=False, allow_infinity=False)
widened_float32 = st.floats(width=32, allow_nan=False, allow_infinity=False)
formats = st.sampled_from([repr, "%.17g".__mod__, "%.16g".__mod__, "%.15g".__mod__, "%.17e".__mod__, "%.3e".__mod__])


@st.composite
def written_floats(draw: st.DrawFn) -> str:
    value = draw(st.one_of(finite, widened_float32))
    text = draw(formats)(value)
    return _with_exponent_style(text, draw(st.integers(0, 3)))


@st.composite
def long_decimals(draw: st.DrawFn) -> str:
    """20-40 significant digits, a decimal point anywhere, an optional exponent of any size."""
    digits = draw(st.text(alphabet="0123456789", min_size=20, max_size=40))
    digits = draw(st.sampled_from("123456789")) + digits[1:]
    point = draw(st.integers(0, len(digits)))
    integer, fraction = digits[:point] or "0", digits[point:]
    if point == 0:
        fraction = "0" * draw(st.integers(0, 30)) + fraction
    text = integer + ("." + fraction if fraction else "")
    if draw(st.booleans()):
        text += draw(st.sampled_from(["e", "E", "e+", "e-", "E-"])) + str(
            draw(st.one_of(st.integers(0, 400), st.integers(0, 10**6)))
        )
    return ("-" if draw(st.booleans()) else "") + text


integers = st.integers(-(10**40), 10**40).map(str)


@settings(max_examples=300, deadline=None)
@given(st.lists(written_floats(), min_size=1, max_size=40))
def test_floats_written_by_repr_and_printf_read_as_float_does(texts: list[str]) -> None:
    _assert_bitwise_equal(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(long_decimals(), integers), min_size=1, max_size=40))
def test_long_mantissas_and_integers_read_as_float_does(texts: list[str]) -> None:
    _assert_bitwise_equal(texts)


HARD_CASES = [
    "0",
    "-0",
    "-0.0",
    "0e999999999999999999",
    "-0E-5",
    "5e-324",  # 2**-1074, the smallest subnormal
    "4.9406564584124654e-324",
    "2.4703282292062327e-324",  # just below half of 2**-1074: zero
    "2.4703282292062328e-324",  # just above: 2**-1074
    "2.2250738585072011e-308",  # largest subnormal neighbour
    "2.2250738585072012e-308",
    "2.2250738585072014e-308",  # smallest normal
    "2.225073858507201136057409796709131975934819546351645648e-308",
    "1.7976931348623157e308",  # largest finite
    "1.7976931348623158e308",  # rounds down to it
    "9007199254740993",  # 2**53 + 1: halfway, to even
    "9007199254740995",
    "9007199254740993.0000000000000000001",  # a hair above halfway: up (past the kept digits)
    "9007199254740992.9999999999999999999",
    "1.00000000000000011102230246251565404236316680908203125",  # exactly halfway above 1: to even
    "1.00000000000000011102230246251565404236316680908203126",
    "1.00000000000000011102230246251565404236316680908203124",
    "0.1",
    "0.3",
    "123456789012345678901234567890",
    "1e23",
    "8.41e21",
    "1e-400",
    "-1e-400",
    "7.2057594037927933e16",
    "3.0517578125e-05",
    "1.4e-45",  # float32's smallest subnormal, widened
    "0.10000000149011612",  # float32 0.1 widened
    "340282346638528859811704183484516925440",  # float32 max
    "1" + "0" * 308,
    "0." + "0" * 340 + "1e340",
]


def test_known_hard_cases_read_as_float_does() -> None:
    _assert_bitwise_equal(HARD_CASES)


def test_a_cut_mantissa_whose_bounds_round_apart_goes_to_float() -> None:
    # The text sits in all five columns of its detection: five spans.
    assert _assert_bitwise_equal(["9007199254740993.0000000000000000001"]) == 5
    assert _assert_bitwise_equal(["9007199254740993.00000000000000000000"]) == 0  # trailing zeros cut nothing
    assert _assert_bitwise_equal(["0.12345678901234567890123"]) == 0  # both bounds round alike


def _assert_refused(text: str) -> None:
    raw = _results([text])
    assert _kernels_json.parse_results(np.frombuffer(raw, dtype=np.uint8))[0] == _kernels_json.FAILED, text


@pytest.mark.parametrize("text", ["1e309", "-1e309", "1.8e308", "1e99999999999999999999", "1" + "0" * 309])
def test_overflow_to_infinity_fails_the_fast_path(text: str) -> None:
    assert math.isinf(float(text))
    _assert_refused(text)


def test_parse_detections_reads_full_precision_values() -> None:
    texts = ["123.44999694824219", "0.30000001192092896", "17.000000000000004", "9007199254740993.0000000000000000001"]
    columns = parse_detections(_results(texts))
    assert columns.score.tolist() == [float(t) for t in texts]
    assert columns.bbox[:, 2].tolist() == [float(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**19 - 1), st.integers(-360, 330))
def test_decimal_to_double_is_float_of_the_decimal(w: int, q: int) -> None:
    """Up to 19 digits, as the kernel passes them: the int64 it accumulated (wrapped past 2**63 - 1)."""
    expected = float(f"{w}e{q}")
    bits = w - 2**64 if w >= 2**63 else w
    got = decimal_to_double(bits, q, False, False)
    assert struct.pack("<d", got) == struct.pack("<d", expected)
    assert eisel_lemire(np.uint64(w), q) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**19 - 1), st.integers(-400, 400)), min_size=1, max_size=40))
def test_mantissas_of_up_to_19_digits_never_go_to_float(numbers: list[tuple[int, int]]) -> None:
    texts = [f"{w}e{q}" for w, q in numbers]
    texts = [t for t in texts if not math.isinf(float(t))]
    assert _assert_bitwise_equal(texts) == 0


def test_power_of_five_table_holds_the_truncated_powers() -> None:
    """Each entry is 5**q scaled into [2**127, 2**128): exact while 5**q fits 128 bits, truncated above; for
    q < 0 the reciprocal 2**k / 5**-q rounded up while 5**-q fits 64 bits (q >= -27), truncated below."""
    for row, q in enumerate(range(-342, 309)):
        high, low = (int(v) for v in POWERS_OF_FIVE[row])
        entry = (high << 64) | low
        assert entry >> 127 == 1
        power = 5 ** abs(q)
        if q >= 0:
            excess = power.bit_length() - 128
            assert entry == (power >> excess if excess > 0 else power << -excess), q
        else:
            floor = (1 << (127 + power.bit_length())) // power
            assert entry == (floor + 1 if q >= -27 else floor), q
