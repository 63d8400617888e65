"""Argument checks of the statistical family; mirror of ``src/stat_validate.rs`` (and of the
parts of ``src/validate.rs`` it uses).

Same checks, same order, same messages as the Rust kernels (see ``errors.py``). Order:
string options; first input non-empty, array lengths; integer parameters (``min_periods``
before ``lookback``); float parameters in signature order; the values (+-inf, and ``<= 0``
for the GARCH family), first offending index.
"""

from __future__ import annotations

import json
import math
import operator

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import fmt_float, invalid_type, invalid_value

EXPECTED_NON_EMPTY = "a non-empty array"
EXPECTED_FINITE = "finite numbers or NaN"


def as_array(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """``values`` as a 1-D float64 array (no copy when it already is one; never mutated)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise invalid_value(name, "a 1-D array", f"{arr.ndim}-D")
    return arr


def check_non_empty(name: str, arr: NDArray[np.float64] | NDArray[np.int64]) -> None:
    """Arrays must not be empty."""
    if arr.size == 0:
        raise invalid_value(name, EXPECTED_NON_EMPTY, "length 0")


def _inf_error(name: str, v: float, i: int) -> ValueError:
    return invalid_value(name, EXPECTED_FINITE, f"{fmt_float(v)} at index {i}")


def check_finite(name: str, arr: NDArray[np.float64]) -> None:
    """No ``+-inf`` (NaN allowed); reports the first offending index."""
    bad = np.flatnonzero(np.isinf(arr))
    if bad.size:
        i = int(bad[0])
        raise _inf_error(name, float(arr[i]), i)


def check_prices(name: str, arr: NDArray[np.float64]) -> None:
    """No ``+-inf`` and no value ``<= 0`` (NaN allowed): GARCH returns need prices ``> 0``."""
    bad = np.flatnonzero(np.isinf(arr) | (arr <= 0.0))
    if bad.size:
        i = int(bad[0])
        v = float(arr[i])
        if math.isinf(v):
            raise _inf_error(name, v, i)
        raise invalid_value(
            name,
            "prices > 0 or NaN (GARCH returns need positive prices)",
            f"{fmt_float(v)} at index {i}",
        )


def check_same_length(name: str, got: int, reference: str, expected: int) -> None:
    """``OmegaError::LengthMismatch`` when the lengths differ."""
    if got != expected:
        raise ValueError(f"{name}: expected length {expected} (same as {reference}), got {got}")


def as_int(name: str, v: object) -> int:
    """An integer argument (``bool`` and floats are rejected with a ``TypeError``)."""
    if isinstance(v, bool):
        raise invalid_type(name, "an integer", "bool")
    try:
        return operator.index(v)  # type: ignore[arg-type]
    except TypeError:
        raise invalid_type(name, "an integer", type(v).__name__) from None


def as_float(name: str, v: object) -> float:
    """A float argument (ints are accepted; ``bool`` and non-numbers are rejected)."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise invalid_type(name, "a float", type(v).__name__)
    return float(v)


def as_option(name: str, v: object, accepted: tuple[str, ...]) -> str:
    """A string option; the message lists the accepted values (like the Rust ``FromStr``)."""
    if not isinstance(v, str):
        raise invalid_type(name, "a str", type(v).__name__)
    if v not in accepted:
        raise invalid_value(
            name, "one of " + ", ".join(accepted), json.dumps(v, ensure_ascii=False)
        )
    return v


def check_window(name: str, window: object, length: int, len_name: str) -> int:
    """``1 <= window <= length``."""
    w = as_int(name, window)
    if w < 1 or w > length:
        raise invalid_value(name, f"an integer >= 1 and <= len({len_name}) = {length}", w)
    return w


def check_state_period(name: str, v: object) -> int:
    """An integer ``>= 1`` without an upper bound (streaming states, ``min_periods``)."""
    i = as_int(name, v)
    if i < 1:
        raise invalid_value(name, "an integer >= 1", i)
    return i


def check_positive(name: str, v: object) -> float:
    """A finite float ``> 0``."""
    x = as_float(name, v)
    if not (math.isfinite(x) and x > 0.0):
        raise invalid_value(name, "a finite number > 0", x)
    return x


def check_non_negative(name: str, v: object) -> float:
    """A finite float ``>= 0``."""
    x = as_float(name, v)
    if not (math.isfinite(x) and x >= 0.0):
        raise invalid_value(name, "a finite number >= 0", x)
    return x
