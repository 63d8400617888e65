"""Several indicators over one bar series in one call; mirror of ``src/batch.rs``.

``specs`` is a list of ``(name, params)`` with every parameter given (the public layer fills in
defaults). Single-series indicators read ``close``. Returns, in spec order, a list of output
arrays per spec (three for MACD, Bollinger and DMI). Sequential here; the Rust version runs the
specs in parallel and reports the same first error in spec order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import (
    atr,
    bollinger,
    choppiness,
    dema,
    dmi,
    ema,
    garch_volatility,
    garch_volatility_local,
    kalman_garch_zscore,
    kalman_mean,
    kalman_zscore,
    macd,
    momentum,
    roc,
    rolling_std,
    rsi,
    sma,
    tema,
    true_range,
    vol_cluster,
    zscore,
)

FloatArray = NDArray[np.float64]

SERIES_KERNELS: dict[str, Callable[..., Any]] = {
    "sma": sma.sma,
    "ema": ema.ema,
    "dema": dema.dema,
    "tema": tema.tema,
    "rsi": rsi.rsi,
    "roc": roc.roc,
    "momentum": momentum.momentum,
    "rolling_std": rolling_std.rolling_std,
    "macd": macd.macd,
    "bollinger": bollinger.bollinger,
    "zscore": zscore.zscore,
    "kalman_mean": kalman_mean.kalman_mean,
    "kalman_zscore": kalman_zscore.kalman_zscore,
    "garch_volatility": garch_volatility.garch_volatility,
    "garch_volatility_local": garch_volatility_local.garch_volatility_local,
    "kalman_garch_zscore": kalman_garch_zscore.kalman_garch_zscore,
    "kalman_garch_zscore_local": kalman_garch_zscore.kalman_garch_zscore_local,
}
BAR_KERNELS: dict[str, Callable[..., Any]] = {
    "true_range": true_range.true_range,
    "atr": atr.atr,
    "dmi": dmi.dmi,
    "choppiness": choppiness.choppiness,
    "vol_cluster_series": vol_cluster.vol_cluster_series,
}


def compute_batch(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    specs: Sequence[tuple[str, Mapping[str, Any]]],
) -> list[list[FloatArray]]:
    """Every spec over the same bars, outputs in spec order."""
    results: list[list[FloatArray]] = []
    for name, params in specs:
        if name in SERIES_KERNELS:
            out = SERIES_KERNELS[name](close, **params)
        elif name in BAR_KERNELS:
            out = BAR_KERNELS[name](high, low, close, **params)
        else:
            raise ValueError(f"internal error: unknown indicator spec {name!r}")
        results.append(list(out) if isinstance(out, tuple) else [out])
    return results
