"""Higher timeframes resampled by the loader are aligned without look-ahead (DESIGN §4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omega_engine.config import load_config
from omega_engine.data import load_market_data, load_symbol_data, resample, synthetic_eurusd_m5
from omega_engine.data.frames import candles_frame
from omega_engine.data.loaders import SymbolData

HTFS = ("M15", "H1", "H4", "D1")
MINUTES = {"M5": 5, "M15": 15, "H1": 60, "H4": 240, "D1": 1440}


def _builtin(**backtest: str) -> SymbolData:
    config = load_config({"strategy": {"higher_timeframes": list(HTFS)}, "backtest": backtest})
    return load_symbol_data(config.symbols[0], higher_timeframes=HTFS, window=config.backtest)


@pytest.fixture(scope="module")
def march() -> SymbolData:
    return _builtin(start="2024-03-01", end="2024-03-31")


def test_a_higher_timeframe_candle_is_visible_only_once_closed(march: SymbolData) -> None:
    data = march.candles
    assert data.primary_tf == "M5"
    assert data.timeframes == ("M5", "M15", "H1", "H4", "D1")
    close_us = data.timestamps + 5 * 60_000_000
    for tf in HTFS:
        for side in ("bid", "ask"):
            htf = data.series(tf, side)
            htf_close = htf.timestamps + MINUTES[tf] * 60_000_000
            expected = np.searchsorted(htf_close, close_us, side="right") - 1
            np.testing.assert_array_equal(data.primary_to(tf, side), expected)
            aligned = data.aligned(tf, side, "close")
            visible = expected >= 0
            np.testing.assert_array_equal(aligned[visible], htf.close[expected[visible]])
            assert np.isnan(aligned[~visible]).all()


@pytest.mark.parametrize("cut", ["2024-03-06 13:40", "2024-03-08 21:55", "2024-03-20 00:00"])
def test_nothing_at_a_bar_depends_on_later_bars(march: SymbolData, cut: str) -> None:
    """Cutting the data after a bar changes nothing any earlier bar sees, on any timeframe."""
    truncated = _builtin(start="2024-03-01", end=cut).candles
    full = march.candles
    n = len(truncated)
    assert n > 0
    np.testing.assert_array_equal(full.timestamps[:n], truncated.timestamps)
    for tf in HTFS:
        for side in ("bid", "ask"):
            for field in ("open", "high", "low", "close", "volume"):
                np.testing.assert_array_equal(
                    full.aligned(tf, side, field)[:n], truncated.aligned(tf, side, field)
                )


def test_window_cuts_primary_bars(march: SymbolData) -> None:
    index = march.candles.index
    assert index[0] >= pd.Timestamp("2024-03-01", tz="UTC")
    assert index[-1] < pd.Timestamp("2024-04-01", tz="UTC")  # a date-only end includes that day
    assert index[-1] >= pd.Timestamp("2024-03-29", tz="UTC")


def test_two_symbols_share_one_primary_timeframe(tmp_path: Path) -> None:
    """A second symbol from a file next to the builtin one: both loaded, aligned separately."""
    dataset = synthetic_eurusd_m5(7)
    wide = pd.concat(
        [dataset.frame("bid").add_prefix("bid_"), dataset.frame("ask").add_prefix("ask_")], axis=1
    ).iloc[:5_000]
    wide.to_parquet(tmp_path / "gbpusd.parquet")
    config = load_config(
        {
            "symbols": [
                {"name": "EURUSD", "data": {"builtin": "synthetic_eurusd_m5"},
                 "spec": {"tick_size": 0.00001, "tick_value": 1.0}},
                {"name": "GBPUSD", "data": "gbpusd.parquet",
                 "spec": {"tick_size": 0.00001, "tick_value": 1.0, "pip_size": 0.0001}},
            ],
            "strategy": {"higher_timeframes": ["H1"]},
            "portfolio": {"initial_balance": 50_000},
        },
        base_dir=tmp_path,
    )  # fmt: skip
    market = load_market_data(config)
    assert list(market) == ["EURUSD", "GBPUSD"]
    assert {data.primary_tf for data in market.values()} == {"M5"}
    assert len(market["GBPUSD"].candles) == 5_000
    assert market["EURUSD"].synthetic
    assert not market["GBPUSD"].synthetic
    assert market["GBPUSD"].candles.timeframes == ("M5", "H1")
    assert market["GBPUSD"].reports[0].format == "Parquet, bid/ask OHLC columns"


def test_given_timeframe_files_are_used_and_finer_data_is_resampled(tmp_path: Path) -> None:
    dataset = synthetic_eurusd_m5()
    bid, ask = dataset.frame("bid").iloc[:2_000], dataset.frame("ask").iloc[:2_000]
    bid.to_csv(tmp_path / "m5_bid.csv")
    ask.to_csv(tmp_path / "m5_ask.csv")
    # A "broker" H1 file: its own candles (here: shifted by 30 minutes), used as they are.
    h1 = {side: candles_frame(resample(getattr(dataset, side), "M5", "H1")).iloc[:100]
          for side in ("bid", "ask")}  # fmt: skip
    for side, frame in h1.items():
        frame.set_axis(frame.index + pd.Timedelta(minutes=30)).to_csv(tmp_path / f"h1_{side}.csv")
    files = {"M5": {"bid": "m5_bid.csv", "ask": "m5_ask.csv"},
             "H1": {"bid": "h1_bid.csv", "ask": "h1_ask.csv"}}  # fmt: skip
    spec = {"tick_size": 0.00001, "tick_value": 1.0}
    config = load_config(
        {"symbols": [{"name": "EURUSD", "data": {"files": files}, "spec": spec}],
         "strategy": {"timeframe": "M15", "higher_timeframes": ["H1", "H4"]},
         "backtest": {"start": "2024-01-03 00:02"}},
        base_dir=tmp_path,
    )  # fmt: skip
    symbol = load_market_data(config)["EURUSD"]
    data = symbol.candles
    assert data.primary_tf == "M15"
    assert data.timeframes == ("M15", "H1", "H4")
    assert len(symbol.reports) == 4
    m15 = candles_frame(data.series("M15", "bid"))
    # Cut before resampling: the 00:00 M15 candle holds only the bars from 00:05 on.
    assert m15.index[0] == pd.Timestamp("2024-01-03 00:00", tz="UTC")
    assert m15["open"].iloc[0] == bid.loc["2024-01-03 00:05", "open"]
    given = candles_frame(data.series("H1", "ask"))
    assert (
        pd.DatetimeIndex(given.index).minute == 30
    ).all()  # the file's candles, not resampled ones
    assert given.index[0] >= pd.Timestamp("2024-01-03 00:02", tz="UTC")
