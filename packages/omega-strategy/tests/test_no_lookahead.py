"""No look-ahead: truncating the data after bar ``t`` changes no decision made at or before
``t`` — on the Rust loop and on the Python loop. Decisions are the strategy's signals and
position actions; the test also holds the execution outcomes to it (orders filled, trades
closed and equity points up to ``t``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import omega_strategy as st
from omega_indicators import AlignedMultiCandleData, CandleSeries
from omega_strategy.testing import M5_US, execution_config, synthetic_data

N = 2_500
SCALE = float(os.environ.get("OMEGA_HYPOTHESIS_SCALE", "1"))
TINY = {"window_length": 30, "garch_lookback": 80, "garch_min_periods": 20, "vol_window": 60,
        "htf_ema_period": 5, "trailing_atr_mult": 1.5, "max_holding_bars": 40}  # fmt: skip
CONFIGS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (TINY, {}),
    (TINY | {"max_open_positions": 2, "break_even_at_r": 0.5}, {"fill_at": "next_open"}),
    (TINY | {"z_score_long": -1.5, "z_score_short": 1.5}, {"intrabar_policy": "ohlc"}),
]


@cache
def full_data(seed: int) -> AlignedMultiCandleData:
    return synthetic_data(N, seed, missing=0.01)


def truncate(data: AlignedMultiCandleData, t: int) -> AlignedMultiCandleData:
    """Primary bars ``0..=t`` and the HTF candles closed by the close of bar ``t``."""
    close_t = int(data.timestamps[t]) + M5_US
    series: dict[str, dict[str, CandleSeries]] = {}
    for tf in data.timeframes:
        duration = {"M5": M5_US, "H1": 12 * M5_US}[tf]
        for side in data.sides(tf):
            s = data.series(tf, side)
            keep = s.timestamps + duration <= close_t
            columns = {f: s.column(f)[keep] for f in ("open", "high", "low", "close", "volume")}
            series.setdefault(tf, {})[side] = CandleSeries.from_columns(
                s.timestamps[keep], **columns
            )
    return AlignedMultiCandleData(series, data.primary_tf)


def _until(frame: pd.DataFrame, column: str, limit: int) -> pd.DataFrame:
    """Rows with ``column <= limit``; text as plain objects (category sets differ by run)."""
    part: pd.DataFrame = frame[frame[column] <= limit].reset_index(drop=True)
    for name in part.columns:
        if isinstance(part[name].dtype, pd.CategoricalDtype):
            part[name] = part[name].astype(object)
    return part


def _assert_same_up_to(full: st.BacktestResult, cut: st.BacktestResult, t: int, stamp: int) -> None:
    for name in ("signals", "actions"):
        pd.testing.assert_frame_equal(
            _until(getattr(full, name), "bar", t), _until(getattr(cut, name), "bar", t),
            check_exact=True,
        )  # fmt: skip
    pd.testing.assert_frame_equal(
        _until(full.trades, "exit_bar", t), _until(cut.trades, "exit_bar", t),
        check_exact=True,
    )  # fmt: skip
    horizon = pd.Timestamp(stamp, unit="us", tz="UTC")
    pd.testing.assert_frame_equal(
        full.equity[full.equity["timestamp"] <= horizon].reset_index(drop=True),
        cut.equity.reset_index(drop=True),
        check_exact=True,
    )


@pytest.mark.parametrize("mode", ["rust", "hybrid"])
@settings(
    max_examples=int(12 * SCALE),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=hs.integers(0, 5), t=hs.integers(0, N - 1), which=hs.integers(0, len(CONFIGS) - 1))
def test_truncating_after_t_changes_no_decision_up_to_t(
    mode: str, seed: int, t: int, which: int, use_mode: Callable[[str], None]
) -> None:
    use_mode(mode)
    init_args, execution = CONFIGS[which]
    data = full_data(seed)
    strategy = st.MeanReversionZScore(init_args)
    config = execution_config(**execution)
    full = st.run_backtest(strategy, data, config)
    cut = st.run_backtest(strategy, truncate(data, t), config)
    assert full.loop == cut.loop == ("rust" if mode == "rust" else "python")
    _assert_same_up_to(full, cut, t, int(data.timestamps[t]))


def test_a_truncated_history_is_a_prefix_of_the_decisions(use_mode: Callable[[str], None]) -> None:
    """Every cut point of one run, deterministically (complements the property test)."""
    use_mode("rust")
    data = full_data(0)
    strategy = st.MeanReversionZScore(TINY)
    full = st.run_backtest(strategy, data, execution_config())
    assert len(full.signals) > 20
    bars = full.signals["bar"].to_numpy()
    for t in np.unique(np.concatenate([bars - 1, bars, bars + 1]).clip(0, N - 1))[::7]:
        cut = st.run_backtest(strategy, truncate(data, int(t)), execution_config())
        _assert_same_up_to(full, cut, int(t), int(data.timestamps[t]))
