"""Primary-bar -> last-closed-HTF-bar index map; mirror of ``src/htf_alignment.rs``.

``primary_to_htf[i] = max{j : htf_close[j] <= primary_close[i]}`` or ``-1`` (DESIGN §4: an
HTF candle becomes visible at the first primary bar whose close time is ``>=`` its close
time). Timestamps are UTC microseconds (int64); close = open + duration.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import invalid_value
from .stat_validate import as_int, check_non_empty

_I64_MAX = int(np.iinfo(np.int64).max)


def _as_timestamps(name: str, ts: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(ts)
    if arr.ndim != 1:
        raise invalid_value(name, "a 1-D array", f"{arr.ndim}-D")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise invalid_value(name, "integer timestamps (UTC microseconds)", f"dtype {arr.dtype}")
    out = arr.astype(np.int64, copy=False)
    check_non_empty(name, out)
    bad = np.flatnonzero(out[1:] <= out[:-1])
    if bad.size:
        i = int(bad[0])
        raise invalid_value(
            name,
            "strictly increasing values (no duplicates, sorted)",
            f"{int(out[i + 1])} after {int(out[i])} at index {i + 1}",
        )
    return out


def _close_times(
    name: str, opens: NDArray[np.int64], duration_name: str, duration: object
) -> NDArray[np.int64]:
    d = as_int(duration_name, duration)
    if d <= 0:
        raise invalid_value(duration_name, "an integer > 0 (microseconds)", d)
    over = np.flatnonzero(opens > _I64_MAX - d) if d <= _I64_MAX else np.arange(1)
    if over.size:
        i = int(over[0])
        raise invalid_value(
            name,
            "timestamps whose close time (timestamp + duration) fits in int64",
            f"{int(opens[i])} at index {i}",
        )
    out: NDArray[np.int64] = opens + np.int64(d)
    return out


def _map(primary_close: NDArray[np.int64], htf_close: NDArray[np.int64]) -> NDArray[np.int64]:
    # number of HTF closes <= each primary close, minus one
    return np.searchsorted(htf_close, primary_close, side="right").astype(np.int64) - 1


def primary_to_htf_index_from_close(
    primary_close_us: ArrayLike, htf_close_us: ArrayLike
) -> NDArray[np.int64]:
    """Index map from close times (both non-empty, strictly increasing)."""
    p = _as_timestamps("primary_close_us", primary_close_us)
    h = _as_timestamps("htf_close_us", htf_close_us)
    return _map(p, h)


def primary_to_htf_index(
    primary_timestamps: ArrayLike,
    primary_duration_us: int,
    htf_timestamps: ArrayLike,
    htf_duration_us: int,
) -> NDArray[np.int64]:
    """Index map from bar open timestamps and durations (us).

    Checked in the order ``primary_timestamps``, ``htf_timestamps``, ``primary_duration_us``,
    ``htf_duration_us``, overflow of ``timestamp + duration``.
    """
    p_open = _as_timestamps("primary_timestamps", primary_timestamps)
    h_open = _as_timestamps("htf_timestamps", htf_timestamps)
    p = _close_times("primary_timestamps", p_open, "primary_duration_us", primary_duration_us)
    h = _close_times("htf_timestamps", h_open, "htf_duration_us", htf_duration_us)
    return _map(p, h)
