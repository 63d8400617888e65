"""Type stubs of the compiled extension module (built from the Rust binding crate)."""

import numpy as np
from numpy.typing import NDArray

__version__: str

def self_check() -> bool:
    """Runs the extension's self-check; raises ``RuntimeError`` when it fails."""

def call_count() -> int:
    """Calls the Rust backend of this extension has served in this process."""

def validate_ohlcv(
    timestamps: NDArray[np.int64],
    open: NDArray[np.float64],
    high: NDArray[np.float64],
    low: NDArray[np.float64],
    close: NDArray[np.float64],
    volume: NDArray[np.float64],
) -> int:
    """Validates one OHLCV series and returns its row count.

    Raises ``ValueError`` naming the column and row of the first bad value (high < low, a price
    outside [low, high], ±inf, a partially missing bar, unsorted or duplicate timestamps, length
    mismatch) and ``TypeError`` for a wrong dtype or a non-contiguous array.
    """
