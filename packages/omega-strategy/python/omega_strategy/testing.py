"""Seeded synthetic data for tests, benchmarks and examples (not market data).

``synthetic_data(n, seed)`` gives ``n`` M5 bid/ask candles of an EURUSD-like price and the H1
candles resampled from them, as :class:`omega_indicators.AlignedMultiCandleData`. The model
has what a mean-reversion strategy needs to trade: an Ornstein–Uhlenbeck price around a
slowly wandering anchor, occasional trending stretches, and clustered volatility (log-σ
follows an AR(1)). Prices are whole points (5 decimals), ask = bid + a 1–3 point spread on all
four prices. Random numbers come from PCG64's raw 64-bit output turned into (approximate)
normals here with additions only, so the data does not depend on NumPy's distribution
algorithms or on the platform's ``log``/``cos``; prices are rounded to whole points.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from omega_indicators import AlignedMultiCandleData
from omega_portfolio import SymbolSpec

from .results import BacktestResult

M5_US = 300_000_000
H1_US = 3_600_000_000
START_US = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z

EURUSD = SymbolSpec(
    symbol="EURUSD",
    tick_size=0.00001,
    tick_value=1.0,
    contract_size=100_000.0,
    pip_size=0.0001,
    volume_min=0.01,
    volume_max=100.0,
    volume_step=0.01,
    base_currency="EUR",
    quote_currency="USD",
    account_currency="USD",
)
"""A 5-digit EURUSD contract: 1 point = 1 USD per lot."""


def _uniforms(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    raw = np.asarray(rng.bit_generator.random_raw(n), dtype=np.uint64)
    out: NDArray[np.float64] = ((raw >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53
    return out


def _normals(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """Approximately standard normal (Irwin–Hall: a scaled sum of four uniforms): only
    additions and one multiplication, so the values are the same on every platform."""
    u = _uniforms(rng, 4 * n).reshape(4, n)
    out: NDArray[np.float64] = (((u[0] + u[1]) + u[2]) + u[3] - 2.0) * math.sqrt(3.0)
    return out


def synthetic_columns(
    n: int, seed: int = 7, missing: float = 0.0
) -> tuple[NDArray[np.int64], dict[str, dict[str, NDArray[np.float64]]]]:
    """Primary timestamps and M5 ``{side: {field: array}}`` columns (see the module docs).

    ``missing`` is the fraction of bars replaced by missing bars (NaN prices on both sides).
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    shocks = _normals(rng, 4 * n).reshape(4, n)
    vol_noise, price_noise, anchor_noise, wick_noise = shocks
    regime_u = _uniforms(rng, n)
    spread_u = _uniforms(rng, n)
    miss_u = _uniforms(rng, n)
    sigma0 = 1.2e-4
    log_vol = 0.0
    anchor = 0.0
    x = 0.0
    drift = 0.0
    logp = np.empty(n)
    sigma = np.empty(n)
    vn, pn, an, ru = vol_noise.tolist(), price_noise.tolist(), anchor_noise.tolist(), regime_u
    ru_l = ru.tolist()
    for t in range(n):
        log_vol = 0.998 * log_vol + 0.05 * vn[t]
        s = sigma0 * math.exp(log_vol)
        anchor += 0.15 * sigma0 * an[t]
        if ru_l[t] < 0.0005:  # switch regime: mean-reverting (drift 0) or trending
            drift = 0.0 if drift != 0.0 else (0.25 if an[t] > 0 else -0.25) * sigma0
        x += 0.02 * (anchor - x) + drift + s * pn[t]
        logp[t] = x
        sigma[t] = s
    mid = 1.1 * np.exp(logp)
    close = np.round(mid, 5)
    open_ = np.concatenate([[close[0]], close[:-1]])
    wick = np.abs(wick_noise) * sigma * mid * 0.6
    high = np.round(np.maximum(open_, close) + wick, 5)
    low = np.round(np.minimum(open_, close) - np.abs(np.roll(wick_noise, 1)) * sigma * mid * 0.6, 5)
    spread = np.floor(spread_u * 3.0) * 1e-5 + 1e-5
    volume = np.round(100.0 * sigma / sigma0 + 1.0)
    bid = {"open": open_, "high": high, "low": low, "close": close}
    ask = {k: np.round(v + spread, 5) for k, v in bid.items()}
    for side in (bid, ask):
        side["volume"] = volume.copy()
    if missing > 0.0:
        gone = miss_u < missing
        gone[0] = False
        for side in (bid, ask):
            for k in side:
                side[k] = side[k].copy()
                side[k][gone] = np.nan
    timestamps = START_US + np.arange(n, dtype=np.int64) * M5_US
    return timestamps, {"bid": bid, "ask": ask}


def resample_h1(
    timestamps: NDArray[np.int64], columns: dict[str, NDArray[np.float64]]
) -> dict[str, NDArray[Any]]:
    """H1 candles (bar open times) from M5 columns; hours without a valid M5 bar are absent."""
    hour = (timestamps - START_US) // H1_US
    valid = ~np.isnan(columns["close"])
    h, c = hour[valid], {k: v[valid] for k, v in columns.items()}
    if len(h) == 0:
        empty = np.zeros(0)
        return {"timestamp": np.zeros(0, dtype=np.int64)} | {k: empty for k in columns}
    starts = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1]]))
    ends = np.concatenate([starts[1:], [len(h)]]) - 1
    return {
        "timestamp": START_US + h[starts] * H1_US,
        "open": c["open"][starts],
        "high": np.maximum.reduceat(c["high"], starts),
        "low": np.minimum.reduceat(c["low"], starts),
        "close": c["close"][ends],
        "volume": np.add.reduceat(c["volume"], starts),
    }


def synthetic_data(n: int, seed: int = 7, missing: float = 0.0) -> AlignedMultiCandleData:
    """``n`` M5 bid/ask bars plus their H1 bid/ask candles (see the module docs)."""
    timestamps, m5 = synthetic_columns(n, seed, missing)
    frames: dict[str, dict[str, Any]] = {"M5": {}, "H1": {}}
    for side, columns in m5.items():
        frames["M5"][side] = {"timestamp": timestamps, **columns}
        frames["H1"][side] = resample_h1(timestamps, columns)
    return AlignedMultiCandleData.from_frames(frames, "M5")


def execution_config(**overrides: Any) -> dict[str, Any]:
    """An execution config for :data:`EURUSD` (risk 100 USD per trade), with overrides."""
    return {"symbol_specs": {"EURUSD": EURUSD}, "risk_per_trade": 100.0} | overrides


def assert_same_results(a: BacktestResult, b: BacktestResult) -> None:
    """Asserts two results are the same trade for trade, point for point, bit for bit."""
    for name in ("trades", "equity", "orders", "signals", "actions"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert list(a.summary) == list(b.summary)
    for key, x in a.summary.items():
        y = b.summary[key]
        assert type(x) is type(y), key
        assert x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), key
    assert a.digest() == b.digest()
