"""The bundled synthetic dataset: deterministic, and realistic in the ways it claims to be."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from omega_engine.config import load_config
from omega_engine.data import SyntheticDataset, load_symbol_data, synthetic_eurusd_m5
from omega_engine.data.default_dataset import DEFAULT_SEED

# sha256 of the default dataset (timestamps, bid/ask prices in points, volumes, regimes).
# Regenerate only on purpose, when the generator changes (then also update docs/data.md).
GOLDEN = "67941e18fefd018d73800a0823c59bf5ccd55ce6173ca8ccba2e9635977f70f8"
DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000


def _digest(dataset: SyntheticDataset) -> str:
    digest = hashlib.sha256(dataset.bid.timestamps.tobytes())
    for side in (dataset.bid, dataset.ask):
        for field in ("open", "high", "low", "close"):
            digest.update(np.rint(side.column(field) * 100_000).astype(np.int64).tobytes())
        digest.update(side.volume.astype(np.int64).tobytes())
    digest.update(dataset.regime.tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def dataset() -> SyntheticDataset:
    return synthetic_eurusd_m5()


def test_default_dataset_is_deterministic(dataset: SyntheticDataset) -> None:
    assert dataset.seed == DEFAULT_SEED
    assert _digest(dataset) == GOLDEN
    synthetic_eurusd_m5.cache_clear()
    assert _digest(synthetic_eurusd_m5()) == GOLDEN  # generated again, not the cached object
    assert _digest(synthetic_eurusd_m5(DEFAULT_SEED + 1)) != GOLDEN


def test_arrays_are_read_only(dataset: SyntheticDataset) -> None:
    with pytest.raises(ValueError, match="read-only"):
        dataset.bid.close[0] = 0.0


def test_shape_prices_and_spreads(dataset: SyntheticDataset) -> None:
    bid, ask = dataset.bid, dataset.ask
    assert 74_000 <= len(bid) <= 75_500  # one year of M5 FX bars
    assert np.array_equal(bid.timestamps, ask.timestamps)
    for field in ("open", "high", "low", "close"):
        points = np.rint((ask.column(field) - bid.column(field)) * 100_000)
        np.testing.assert_array_equal(points, dataset.spread_points)  # ask = bid + spread
        on_grid = bid.column(field) * 100_000
        np.testing.assert_allclose(on_grid, np.rint(on_grid), rtol=0, atol=1e-6)
    assert (dataset.spread_points >= 2).all()
    mid = (bid.close + ask.close) / 2
    assert 0.8 < mid.min() < mid.max() < 1.4  # EURUSD-like levels
    assert (bid.high >= np.maximum(bid.open, bid.close)).all()
    assert (bid.low <= np.minimum(bid.open, bid.close)).all()


def test_spreads_widen_off_session(dataset: SyntheticDataset) -> None:
    hour = (dataset.bid.timestamps % DAY_US) // HOUR_US
    spread = dataset.spread_points

    def median(hours: range) -> float:
        return float(np.median(spread[np.isin(hour, hours)]))

    overlap, london, asia, rollover = (
        median(range(12, 16)),
        median(range(7, 12)),
        median(range(0, 6)),
        median(range(21, 23)),
    )
    assert overlap <= london < asia < rollover
    assert rollover >= 3 * overlap


def test_weekends_are_gaps_and_no_bar_falls_on_saturday(dataset: SyntheticDataset) -> None:
    ts = dataset.bid.timestamps
    weekday = (ts // DAY_US + 3) % 7  # Monday = 0
    assert not (weekday == 5).any()
    long_gaps = np.flatnonzero(np.diff(ts) > DAY_US)
    assert 51 <= len(long_gaps) <= 54  # every weekend plus the closed holidays
    opens = ts[long_gaps + 1]
    sunday_opens = ((opens // DAY_US + 3) % 7 == 6) & ((opens % DAY_US) // HOUR_US == 22)
    assert sunday_opens.sum() >= 50
    # Prices jump over the weekend: the reopening differs from Friday's close.
    jump = np.abs(dataset.bid.open[long_gaps + 1] - dataset.bid.close[long_gaps])
    assert np.median(jump) > 2e-4
    short_gaps = np.diff(ts)[(np.diff(ts) > 300_000_000) & (np.diff(ts) < HOUR_US)]
    assert len(short_gaps) > 50  # a few bars without ticks in the thin hours


def _acf(x: np.ndarray, lag: int) -> float:
    x = x - x.mean()
    return float((x[:-lag] * x[lag:]).mean() / x.var())


def test_volatility_clusters(dataset: SyntheticDataset) -> None:
    mid = (dataset.bid.close + dataset.ask.close) / 2
    size = np.abs(np.diff(np.log(mid)))
    assert _acf(size, 1) > 0.1
    # Not just the intraday profile: divide out each hour's mean size first.
    hour = ((dataset.bid.timestamps % DAY_US) // HOUR_US)[1:]
    profile = np.array([size[hour == h].mean() for h in range(24)])
    normalized = size / profile[hour]
    assert _acf(normalized, 1) > 0.1
    assert _acf(normalized, 288) > 0.03  # a day later


def _variance_ratio(dataset: SyntheticDataset, regime: int, q: int) -> float:
    """E[(q-bar return)²] / (q · E[(1-bar return)²]) within stretches of one regime."""
    log_mid = np.log((dataset.bid.close + dataset.ask.close) / 2)
    inside = np.r_[0, (dataset.regime == regime).astype(int), 0]
    edges = np.flatnonzero(np.diff(inside)).reshape(-1, 2)
    one, many = [], []
    for start, stop in edges:
        x = log_mid[start:stop]
        if len(x) > q + 1:
            one.append(np.diff(x))
            many.append(x[q:] - x[:-q])
    return float(np.mean(np.concatenate(many) ** 2) / (q * np.mean(np.concatenate(one) ** 2)))


def test_mean_reverting_and_trending_regimes(dataset: SyntheticDataset) -> None:
    assert 0.5 < (dataset.regime == 0).mean() < 0.9  # both regimes are present
    assert (np.diff(dataset.regime) != 0).sum() >= 40
    assert _variance_ratio(dataset, 0, 144) < 0.8  # mean-reverting: half-day moves shrink
    assert _variance_ratio(dataset, 1, 144) > 1.2  # trending: they add up


def test_builtin_symbol_loads_the_dataset() -> None:
    config = load_config(None)
    symbol = load_symbol_data(config.symbols[0], higher_timeframes=["H1"])
    assert symbol.synthetic
    assert symbol.reports[0].format == "synthetic (generated in memory; not market data)"
    assert len(symbol.candles) == len(synthetic_eurusd_m5().bid)
    data = {"builtin": "synthetic_eurusd_m5", "seed": 3}
    spec = {"tick_size": 1e-5, "tick_value": 1.0}
    seeded = load_config({"symbols": [{"name": "EURUSD", "data": data, "spec": spec}]})
    other = load_symbol_data(seeded.symbols[0])
    assert other.reports[0].path == "<builtin synthetic_eurusd_m5 seed=3>"
