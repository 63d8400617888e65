"""Argument checks of the TA-Lib family; mirror of ``src/validate.rs``.

Same checks, same order, same messages as the Rust kernels (the message helpers and the Rust
``Display`` rendering of floats live in ``errors.py``). Order, first failure reported:

1. the first input is non-empty (``values``, or ``high`` for bar indicators);
2. ``low`` and ``close`` have the length of ``high``;
3. the integer parameters in signature order, then the float parameters;
4. no ``+-inf`` in any input (inputs in signature order, first offending index);
5. ``high >= low`` on every bar where both are finite.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .errors import fmt_float, invalid_value, length_mismatch

FloatArray = NDArray[np.float64]

EXPECTED_NON_EMPTY = "a non-empty array"
EXPECTED_FINITE = "finite numbers or NaN"


def check_non_empty(name: str, values: FloatArray) -> None:
    """``"{name}: expected a non-empty array, got length 0"`` when ``values`` is empty."""
    if values.size == 0:
        raise invalid_value(name, EXPECTED_NON_EMPTY, "length 0")


def check_finite(name: str, values: FloatArray) -> None:
    """Fails on the first ``+-inf``:
    ``"close: expected finite numbers or NaN, got inf at index 3"``."""
    bad = np.flatnonzero(np.isinf(values))
    if bad.size:
        i = int(bad[0])
        raise invalid_value(name, EXPECTED_FINITE, f"{fmt_float(float(values[i]))} at index {i}")


def check_finite_has_nan(name: str, values: FloatArray) -> bool:
    """Like :func:`check_finite`; returns whether ``values`` holds a NaN."""
    check_finite(name, values)
    return bool(np.isnan(values).any())


def check_period(name: str, period: int, minimum: int, len_name: str, length: int) -> None:
    """``minimum <= period <= length``, else
    ``"period: expected an integer >= 1 and <= len(values) = 10, got 0"``."""
    if period < minimum or period > length:
        raise invalid_value(
            name, f"an integer >= {minimum} and <= len({len_name}) = {length}", period
        )


def check_state_period(name: str, period: int, minimum: int) -> None:
    """Parameter check of the streaming states: ``"period: expected an integer >= 1, got 0"``."""
    if period < minimum:
        raise invalid_value(name, f"an integer >= {minimum}", period)


def check_same_length(name: str, got: int, reference: str, expected: int) -> None:
    """``OmegaError::LengthMismatch`` when ``got != expected``."""
    if got != expected:
        raise length_mismatch(name, reference, expected, got)


def check_non_negative_factor(name: str, value: float) -> None:
    """A finite float ``>= 0``: ``"std_factor: expected a finite number >= 0, got -1"``."""
    v = float(value)
    if not (np.isfinite(v) and v >= 0.0):
        raise invalid_value(name, "a finite number >= 0", v)


def check_high_low(high: FloatArray, low: FloatArray) -> None:
    """First bar with ``high < low`` (bars with a NaN side are not checked)."""
    bad = np.flatnonzero(high < low)
    if bad.size:
        i = int(bad[0])
        h, lo = fmt_float(float(high[i])), fmt_float(float(low[i]))
        raise invalid_value("high", "high >= low", f"high {h} < low {lo} at index {i}")


def check_series_period(values: FloatArray, period: int, min_period: int) -> bool:
    """Single-series checks: non-empty, ``min_period <= period <= len(values)``, no ``+-inf``.

    Returns whether ``values`` holds a NaN.
    """
    check_non_empty("values", values)
    check_period("period", period, min_period, "values", values.size)
    return check_finite_has_nan("values", values)


def check_hlc(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    period: tuple[int, int] | None,
) -> bool:
    """Bar checks: non-empty ``high``, lengths, ``period`` (``(period, minimum)``) against
    ``len(high)``, no ``+-inf``, ``high >= low``. Returns whether any bar has a NaN input."""
    check_non_empty("high", high)
    check_same_length("low", low.size, "high", high.size)
    check_same_length("close", close.size, "high", high.size)
    if period is not None:
        check_period("period", period[0], period[1], "high", high.size)
    nan_h = check_finite_has_nan("high", high)
    nan_l = check_finite_has_nan("low", low)
    nan_c = check_finite_has_nan("close", close)
    check_high_low(high, low)
    return nan_h or nan_l or nan_c
