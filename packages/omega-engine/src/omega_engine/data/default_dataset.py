"""The bundled default dataset: **synthetic** EURUSD-like M5 bid/ask candles for one year.

Not market data. It is generated deterministically (seeded) in memory at first use — about 75 000
bars per side in well under a second — so ``omega backtest`` runs with no arguments and no
download, and tests have realistic data with known structure. The model (``docs/data.md`` has
the parameters and measured properties):

- calendar: 2024, FX hours — Sunday 22:00 to Friday 22:00 UTC; closed on 1 January (until
  22:00) and 25 December (from 24 December 22:00) and after 31 December 22:00; about 0.5 % of
  the bars in the thin 21:00–24:00 UTC hours are missing (no ticks), so gaps exist;
- regimes: a two-state Markov chain — *mean-reverting* (the price is pulled to an anchor,
  half-life about two hours) and *trending* (a constant drift per regime, random sign);
- volatility clustering: log-volatility follows an AR(1) with occasional shocks, times an
  intraday activity profile (Asia quiet, London/New York overlap busiest);
- weekend gaps: the Sunday open jumps away from Friday's close;
- spreads in whole points: ~0.5 pip in the London/New York overlap, ~0.9 pip in Asia, 2–3
  pips around the 21:00–23:00 UTC rollover, double in the first hour after the weekly open,
  wider with volatility; ask = bid + spread for all four prices (as MetaTrader bars);
- tick volume follows activity and volatility.

Random numbers come from PCG64's raw 64-bit output (a stream NumPy guarantees across versions)
turned into uniforms and Box–Muller normals here, so the data does not depend on NumPy's
distribution algorithms; prices are whole points.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from omega_indicators import CandleSeries

from .frames import candles_frame

__all__ = [
    "DATASET_NAME",
    "DEFAULT_SEED",
    "EURUSD_SPEC_FIELDS",
    "SyntheticDataset",
    "synthetic_eurusd_m5",
]

DATASET_NAME = "synthetic_eurusd_m5"
DEFAULT_SEED = 2024
YEAR = 2024
POINT = 0.00001
_POINTS_PER_UNIT = 100_000  # 1 / POINT, exact
EURUSD_SPEC_FIELDS: dict[str, Any] = {
    "tick_size": POINT,
    "tick_value": 1.0,
    "contract_size": 100_000.0,
    "pip_size": 0.0001,
    "point": POINT,
    "volume_min": 0.01,
    "volume_max": 100.0,
    "volume_step": 0.01,
    "base_currency": "EUR",
    "quote_currency": "USD",
    "account_currency": "USD",
}
"""A standard 5-digit EURUSD contract: 100 000 EUR per lot, 1 point = 1 USD per lot."""

_BAR_US = 300_000_000
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
# Model parameters (documented in docs/data.md).
_START_PRICE = 1.1000
_SIGMA0 = 2.4e-4  # per-bar log-return volatility scale
_ACTIVITY = (  # intraday volatility profile by UTC hour
    0.60, 0.55, 0.55, 0.55, 0.60, 0.65, 0.75, 1.00, 1.20, 1.20, 1.10, 1.05,
    1.25, 1.45, 1.40, 1.25, 1.00, 0.85, 0.75, 0.65, 0.55, 0.40, 0.40, 0.50,
)  # fmt: skip
_SPREAD_POINTS = (  # typical spread by UTC hour, in points
    9, 9, 9, 9, 9, 8, 8, 6, 6, 6, 6, 6,
    5, 5, 5, 5, 6, 7, 7, 8, 10, 26, 24, 14,
)  # fmt: skip
_LOGVOL_MEMORY_BARS = 288 * 1.5  # e-folding time of the log-volatility AR(1)
_LOGVOL_SD = 0.45
_SHOCK_PROBABILITY = 0.0006  # per bar: a volatility shock (news)
_MR_DAYS, _TREND_DAYS = 4.0, 2.0  # expected regime durations
_KAPPA = 1.0 / 36.0  # pull to the anchor per bar in the mean-reverting regime
_ANCHOR_WANDER = 0.6  # the anchor's own random walk, per bar, as a multiple of the bar's σ
_DRIFT = (0.03, 0.09)  # trend drift per bar, as a multiple of _SIGMA0
_WEEKEND_GAP_SD = 8e-4  # log-price jump at a reopening
_MISSING_PROBABILITY = 0.02  # per bar in 21:00-24:00 UTC: no ticks, no bar
_TICKS = 140.0  # typical tick volume per M5 bar


@dataclass(frozen=True)
class SyntheticDataset:
    """The generated candles (read-only arrays) and the model's hidden state."""

    bid: CandleSeries
    ask: CandleSeries
    spread_points: NDArray[np.int64]
    regime: NDArray[np.int8]
    """Per bar: 0 mean-reverting, 1 trending (the truth the generator used)."""
    seed: int
    timeframe: str = "M5"
    name: str = DATASET_NAME

    def frame(self, side: str) -> pd.DataFrame:
        """``side`` (``bid``/``ask``) as a DataFrame indexed by UTC open time."""
        return candles_frame({"bid": self.bid, "ask": self.ask}[side])


class _Stream:
    """Uniform and normal variates from PCG64's raw output (version-stable)."""

    def __init__(self, seed: int) -> None:
        self._bits = np.random.PCG64(seed)

    def uniform(self, n: int) -> NDArray[np.float64]:
        raw = self._bits.random_raw(n)
        assert isinstance(raw, np.ndarray)
        top53 = np.asarray(raw >> np.uint64(11), dtype=np.float64)
        return (top53 + 0.5) * 2.0**-53  # in (0, 1)

    def normal(self, n: int) -> NDArray[np.float64]:
        u1, u2 = self.uniform(n), self.uniform(n)
        return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def _calendar() -> NDArray[np.int64]:
    """Open times (µs) of the M5 bars of the synthetic trading year."""
    start = int(pd.Timestamp(f"{YEAR}-01-01").value // 1_000)
    end = int(pd.Timestamp(f"{YEAR + 1}-01-01").value // 1_000)
    ts = np.arange(start, end, _BAR_US, dtype=np.int64)
    weekday = (ts // _DAY_US + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    hour = (ts % _DAY_US) // _HOUR_US
    open_ = (weekday <= 3) | ((weekday == 4) & (hour < 22)) | ((weekday == 6) & (hour >= 22))
    closed = [(f"{YEAR}-01-01 00:00", f"{YEAR}-01-01 22:00"),
              (f"{YEAR}-12-24 22:00", f"{YEAR}-12-25 22:00"),
              (f"{YEAR}-12-31 22:00", f"{YEAR + 1}-01-01 00:00")]  # fmt: skip
    for first, last in closed:
        lo, hi = (pd.Timestamp(first).value // 1_000, pd.Timestamp(last).value // 1_000)
        open_ &= (ts < lo) | (ts >= hi)
    result: NDArray[np.int64] = ts[open_]
    return result


@functools.lru_cache(maxsize=4)
def synthetic_eurusd_m5(seed: int = DEFAULT_SEED) -> SyntheticDataset:
    """The synthetic EURUSD M5 dataset for ``seed`` (cached per process; arrays read-only)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise ValueError(f"seed: expected an integer in [0, 2**64), got {seed!r}")
    ts = _calendar()
    n = len(ts)
    rng = _Stream(seed)
    hour = ((ts % _DAY_US) // _HOUR_US).astype(np.intp)
    reopen = np.r_[False, np.diff(ts) > _BAR_US]  # first bar after a closed period
    activity = np.asarray(_ACTIVITY)[hour]
    opens, closes, logvol, regimes = _walk(rng, reopen, activity)

    wick = 0.6 * _SIGMA0 * activity * np.exp(logvol - 0.5 * _LOGVOL_SD**2)
    high_x = np.maximum(opens, closes) + wick * np.abs(rng.normal(n))
    low_x = np.minimum(opens, closes) - wick * np.abs(rng.normal(n))
    spread_points = _spreads(ts, hour, logvol, rng)
    noise = np.exp(0.3 * rng.normal(n))
    volume = np.maximum(1.0, np.rint(_TICKS * activity * np.exp(logvol) * noise))
    keep = ~((hour >= 21) & (rng.uniform(n) < _MISSING_PROBABILITY) & ~reopen)

    def bid_points(logx: NDArray[np.float64]) -> NDArray[np.int64]:
        mid = _START_PRICE * np.exp(logx) / POINT
        return np.floor(mid - spread_points / 2.0 + 0.5).astype(np.int64)

    bid = {f: bid_points(v) for f, v in
           (("open", opens), ("high", high_x), ("low", low_x), ("close", closes))}  # fmt: skip
    sides = {}
    for side, offset in (("bid", 0), ("ask", 1)):
        columns = {f: _frozen((p[keep] + offset * spread_points[keep]) / _POINTS_PER_UNIT)
                   for f, p in bid.items()}  # fmt: skip
        sides[side] = CandleSeries.from_columns(
            _frozen(ts[keep]), volume=_frozen(volume[keep]), **columns
        )
    return SyntheticDataset(
        bid=sides["bid"],
        ask=sides["ask"],
        spread_points=_frozen(spread_points[keep]),
        regime=_frozen(regimes[keep]),
        seed=seed,
    )


def _walk(
    rng: _Stream, reopen: NDArray[np.bool_], activity: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int8]]:
    """The sequential part: log-volatility, regime and log-price (open and close) per bar."""
    n = len(reopen)
    eps, eta, shock_u, regime_u, drift_u = (rng.normal(n), rng.normal(n), rng.uniform(n),
                                            rng.uniform(n), rng.uniform(n))  # fmt: skip
    gaps = rng.normal(n) * _WEEKEND_GAP_SD
    wander = rng.normal(n) * _ANCHOR_WANDER
    phi = math.exp(-1.0 / _LOGVOL_MEMORY_BARS)
    vol_noise = _LOGVOL_SD * math.sqrt(1.0 - phi * phi)
    p_leave = (1.0 / (288 * _MR_DAYS), 1.0 / (288 * _TREND_DAYS))
    logvol, opens, closes = np.empty(n), np.empty(n), np.empty(n)
    regimes = np.empty(n, dtype=np.int8)
    h, x, state, anchor, drift = 0.0, 0.0, 0, 0.0, 0.0
    lo, hi = _DRIFT
    for k in range(n):
        h = phi * h + vol_noise * eta[k]
        if shock_u[k] < _SHOCK_PROBABILITY:
            h += 0.3 + shock_u[k] / _SHOCK_PROBABILITY * 0.5
        if regime_u[k] < p_leave[state]:
            state = 1 - state
            anchor = x
            direction = 1.0 if drift_u[k] < 0.5 else -1.0
            drift = direction * (lo + (hi - lo) * (drift_u[k] % 0.5) * 2.0) * _SIGMA0
        if reopen[k]:
            x += gaps[k]
            anchor += gaps[k]
        opens[k] = x
        sigma = _SIGMA0 * activity[k] * math.exp(h - 0.5 * _LOGVOL_SD * _LOGVOL_SD)
        if not state:
            anchor += sigma * wander[k]
        x += (drift if state else _KAPPA * (anchor - x)) + sigma * eps[k]
        closes[k] = x
        logvol[k] = h
        regimes[k] = state
    return opens, closes, logvol, regimes


def _spreads(
    ts: NDArray[np.int64], hour: NDArray[np.intp], logvol: NDArray[np.float64], rng: _Stream
) -> NDArray[np.int64]:
    """Whole-point spreads: session profile × noise × volatility widening, doubled in the
    first hour after each reopening."""
    base = np.asarray(_SPREAD_POINTS, dtype=np.float64)[hour]
    week_open = np.zeros(len(ts), dtype=bool)
    for start in np.flatnonzero(np.r_[True, np.diff(ts) > _DAY_US]):
        week_open[start : start + 12] = True
    widen = 1.0 + 0.4 * np.maximum(0.0, np.exp(logvol) - 1.0)
    spread = base * (0.85 + 0.3 * rng.uniform(len(ts))) * widen * np.where(week_open, 2.0, 1.0)
    points: NDArray[np.int64] = np.maximum(2, np.rint(spread)).astype(np.int64)
    return points


_Scalar = TypeVar("_Scalar", bound=np.generic)


def _frozen(array: NDArray[_Scalar]) -> NDArray[_Scalar]:
    out = np.ascontiguousarray(array)
    out.flags.writeable = False
    return out
