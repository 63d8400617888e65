"""The NaN rule of the TA-Lib family; mirror of ``src/nan_gaps.rs``.

An indicator behaves as if the NaN bars were removed: it is computed on the compressed series
of valid bars and scattered back with NaN at the NaN positions (a bar is NaN when any of its
inputs is). Recursive state carries across gaps, warm-up counts valid bars, "``n`` bars ago"
means ``n`` valid bars ago, and a window holds the last ``period`` valid values. The streaming
states implement the rule directly: ``update(nan)`` returns NaN and leaves the state as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]


def compress(values: FloatArray) -> tuple[FloatArray, IndexArray]:
    """The valid values in order and their positions."""
    index = np.flatnonzero(~np.isnan(values))
    return values[index], index


def valid_bars(high: FloatArray, low: FloatArray, close: FloatArray) -> IndexArray:
    """Positions of the bars with no NaN in high, low or close."""
    return np.flatnonzero(~(np.isnan(high) | np.isnan(low) | np.isnan(close)))


def scatter(length: int, index: IndexArray, compressed: FloatArray) -> FloatArray:
    """Array of ``length``: ``compressed[j]`` at ``index[j]``, NaN elsewhere."""
    out = np.full(length, np.nan)
    out[index] = compressed
    return out


def apply_compressed(
    values: FloatArray, any_nan: bool, kernel: Callable[[FloatArray], FloatArray]
) -> FloatArray:
    """``kernel`` (NaN-free input, one output per input) under the NaN rule."""
    if not any_nan:
        return kernel(values)
    kept, index = compress(values)
    return scatter(values.size, index, kernel(kept))


def apply_compressed_many(
    values: FloatArray,
    any_nan: bool,
    kernel: Callable[[FloatArray], tuple[FloatArray, ...]],
) -> tuple[FloatArray, ...]:
    """Several outputs per input: the multi-output form of :func:`apply_compressed`."""
    if not any_nan:
        return kernel(values)
    kept, index = compress(values)
    return tuple(scatter(values.size, index, out) for out in kernel(kept))


def apply_compressed_bars(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    any_nan: bool,
    kernel: Callable[[FloatArray, FloatArray, FloatArray], FloatArray],
) -> FloatArray:
    """Bar form of :func:`apply_compressed`: ``kernel`` gets the valid bars only."""
    if not any_nan:
        return kernel(high, low, close)
    index = valid_bars(high, low, close)
    return scatter(high.size, index, kernel(high[index], low[index], close[index]))
