"""Stepwise (HTF) indicators; mirror of ``src/stepwise.rs``.

Compute on the HTF series (one value per HTF bar), then forward-fill onto the primary index
through ``primary_to_htf`` (``primary_to_htf[i]`` = index of the last HTF bar closed by the
close of primary bar ``i``, ``-1`` while none; build it with
:func:`omega_indicators._python.htf_alignment.primary_to_htf_index`). ``out[i]`` only depends
on HTF bars ``0..=primary_to_htf[i]`` - no look-ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .bollinger import bollinger
from .ema import ema
from .errors import invalid_value
from .kalman_zscore import kalman_zscore
from .stat_validate import (
    EXPECTED_NON_EMPTY,
    as_array,
    check_finite,
    check_non_empty,
    check_non_negative,
    check_positive,
    check_same_length,
    check_window,
)

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.int64]


def _as_map(primary_to_htf: ArrayLike) -> IndexArray:
    arr = np.asarray(primary_to_htf)
    if arr.ndim != 1:
        raise invalid_value("primary_to_htf", "a 1-D array", f"{arr.ndim}-D")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise invalid_value("primary_to_htf", "an integer index array", f"dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _check_map_non_empty(m: IndexArray) -> None:
    if m.size == 0:
        raise invalid_value("primary_to_htf", EXPECTED_NON_EMPTY, "length 0")


def _check_map_entries(m: IndexArray, htf_len: int) -> None:
    hi = htf_len - 1
    out_of_range = (m < -1) | (m > hi)
    decreasing = np.zeros(m.size, dtype=bool)
    if m.size > 1:
        # compare with the running maximum so that the first violation is found in order
        decreasing[1:] = m[1:] < np.maximum.accumulate(m)[:-1]
    bad = np.flatnonzero(out_of_range | decreasing)
    if bad.size:
        i = int(bad[0])
        j = int(m[i])
        if out_of_range[i]:
            raise invalid_value(
                "primary_to_htf",
                f"integers >= -1 and <= len(htf_close) - 1 = {hi}",
                f"{j} at index {i}",
            )
        prev = int(m[i - 1])
        raise invalid_value(
            "primary_to_htf",
            "a non-decreasing index map (time order)",
            f"{j} after {prev} at index {i}",
        )


def check_htf_map(primary_to_htf: ArrayLike, htf_len: int) -> IndexArray:
    """Non-empty, every entry in ``-1..=htf_len-1``, non-decreasing; returns the int64 map."""
    m = _as_map(primary_to_htf)
    _check_map_non_empty(m)
    _check_map_entries(m, htf_len)
    return m


def forward_fill_onto_primary(htf_values: FloatArray, primary_to_htf: IndexArray) -> FloatArray:
    """``out[i] = htf_values[primary_to_htf[i]]``, NaN where the entry is ``-1``."""
    out = np.full(primary_to_htf.size, np.nan)
    seen = primary_to_htf >= 0
    out[seen] = htf_values[primary_to_htf[seen]]
    return out


def stepwise_many(
    htf_close: ArrayLike,
    primary_to_htf: ArrayLike,
    compute: Callable[[FloatArray], Sequence[FloatArray]],
) -> list[FloatArray]:
    """The generic reduce -> compute -> forward-fill helper (see the Rust docs)."""
    h = as_array("htf_close", htf_close)
    m = check_htf_map(primary_to_htf, h.size)
    reduced = compute(h)
    for r in reduced:
        if r.size != h.size:
            raise RuntimeError(
                f"internal error: stepwise kernel returned {r.size} values for {h.size} HTF bars"
            )
    return [forward_fill_onto_primary(r, m) for r in reduced]


def stepwise(
    htf_close: ArrayLike,
    primary_to_htf: ArrayLike,
    compute: Callable[[FloatArray], FloatArray],
) -> FloatArray:
    """:func:`stepwise_many` for a single-output indicator."""
    return stepwise_many(htf_close, primary_to_htf, lambda h: [compute(h)])[0]


def htf_series_from_aligned(aligned: ArrayLike, primary_to_htf: ArrayLike) -> FloatArray:
    """The HTF series recovered from a carried-forward series on the primary index: the value
    at the first primary bar where each HTF bar becomes visible, NaN for HTF bars never
    visible. Length ``max(primary_to_htf) + 1``."""
    a = as_array("aligned", aligned)
    check_non_empty("aligned", a)
    m = _as_map(primary_to_htf)
    check_same_length("primary_to_htf", m.size, "aligned", a.size)
    htf_len = max(int(m.max()), -1) + 1
    _check_map_entries(m, htf_len)
    out = np.full(htf_len, np.nan)
    first = np.ones(m.size, dtype=bool)
    first[1:] = m[1:] != m[:-1]
    first &= m >= 0
    out[m[first]] = a[first]
    return out


def _check_head(
    htf_close: ArrayLike, primary_to_htf: ArrayLike, name: str, period: object
) -> tuple[FloatArray, IndexArray, int]:
    h = as_array("htf_close", htf_close)
    check_non_empty("htf_close", h)
    m = _as_map(primary_to_htf)
    _check_map_non_empty(m)
    p = check_window(name, period, h.size, "htf_close")
    return h, m, p


def _check_tail(h: FloatArray, m: IndexArray) -> None:
    check_finite("htf_close", h)
    _check_map_entries(m, h.size)


def ema_stepwise(htf_close: ArrayLike, primary_to_htf: ArrayLike, period: int) -> FloatArray:
    """EMA on the HTF closes, forward-filled onto the primary index.

    Errors, in order: empty ``htf_close``, empty ``primary_to_htf``, ``period``, +-inf in
    ``htf_close``, map entries out of range or decreasing.
    """
    h, m, p = _check_head(htf_close, primary_to_htf, "period", period)
    _check_tail(h, m)
    return forward_fill_onto_primary(ema(h, p), m)


def bollinger_stepwise(
    htf_close: ArrayLike, primary_to_htf: ArrayLike, period: int = 20, std_factor: float = 2.0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Bollinger bands on the HTF closes, each band forward-filled: ``(upper, middle, lower)``.

    Errors, in order: empty ``htf_close``, empty ``primary_to_htf``, ``period``,
    ``std_factor``, +-inf in ``htf_close``, map entries.
    """
    h, m, p = _check_head(htf_close, primary_to_htf, "period", period)
    f = check_non_negative("std_factor", std_factor)
    _check_tail(h, m)
    upper, middle, lower = bollinger(h, p, f)
    return (
        forward_fill_onto_primary(np.asarray(upper, dtype=np.float64), m),
        forward_fill_onto_primary(np.asarray(middle, dtype=np.float64), m),
        forward_fill_onto_primary(np.asarray(lower, dtype=np.float64), m),
    )


def kalman_zscore_stepwise(
    htf_close: ArrayLike,
    primary_to_htf: ArrayLike,
    window: int = 100,
    R: float = 0.01,
    Q: float = 1.0,
) -> FloatArray:
    """Kalman z-score on the HTF closes, forward-filled onto the primary index.

    Errors, in order: empty ``htf_close``, empty ``primary_to_htf``, ``window``, ``R``, ``Q``,
    +-inf in ``htf_close``, map entries.
    """
    h, m, w = _check_head(htf_close, primary_to_htf, "window", window)
    r = check_positive("R", R)
    q = check_positive("Q", Q)
    _check_tail(h, m)
    return forward_fill_onto_primary(kalman_zscore(h, w, r, q), m)
