"""The rules of ``docs/mean_reversion_z_score.md`` checked against an independent, vectorised
restatement (numpy over omega-indicators' functional API), on both loops: the worked example
(MR10), every signal's bar, direction, scenario and levels (MR3–MR6), every management action
(MR7) — and no signal missed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

import omega_indicators as oi
import omega_strategy as st
from omega_indicators import AlignedMultiCandleData, CandleSeries
from omega_strategy.testing import M5_US, START_US, execution_config, synthetic_data

RULE_CONFIGS: list[dict[str, Any]] = [
    {"window_length": 40, "garch_lookback": 120, "garch_min_periods": 30, "vol_window": 100,
     "htf_ema_period": 8, "trailing_atr_mult": 1.5, "max_holding_bars": 30},
    {"window_length": 25, "garch_lookback": 90, "garch_min_periods": 25, "vol_window": 50,
     "mean_source": "ema", "max_open_positions": 2, "break_even_at_r": 0.4, "z_score_long": -1.7,
     "z_score_short": 2.2, "exit_z": 0.3, "vol_cluster_mode": "atr", "direction_filter": "both"},
]  # fmt: skip


def _data_of(
    closes: list[float], width: float = 0.004, spread: float = 0.0001
) -> AlignedMultiCandleData:
    n = len(closes)
    c = np.array(closes)
    ts = START_US + np.arange(n, dtype=np.int64) * M5_US
    bid = CandleSeries.from_columns(ts, open=c, high=c + width, low=c - width, close=c)
    ask = CandleSeries.from_columns(
        ts, open=c + spread, high=c + width + spread, low=c - width + spread, close=c + spread
    )
    return AlignedMultiCandleData({"M5": {"bid": bid, "ask": ask}}, "M5")


@pytest.mark.parametrize("mode", ["rust", "python"])
def test_worked_example_mr10(mode: str, use_mode: Callable[[str], None]) -> None:
    use_mode(mode)
    common = {"window_length": 3, "atr_length": 2, "sl_atr_mult": 2.0, "tp_atr_mult": 3.0,
              "enabled_scenarios": [1], "break_even_at_r": None}  # fmt: skip
    # Long: bid closes 1.1000 … 1.0990, then back up to 1.1030 (z >= exit_z = 0).
    data = _data_of([1.1000, 1.1010, 1.1020, 1.1030, 1.0990, 1.1030])
    strategy = st.MeanReversionZScore(common | {"z_score_long": -1.2, "z_score_short": 5.0})
    result = st.run_backtest(strategy, data, execution_config())
    close = data.series("M5", "bid").close
    z = oi.zscore(close, 3)
    assert z[3] == pytest.approx(1.2247448713914, abs=1e-12)
    assert z[4] == pytest.approx(-1.3728129459674, abs=1e-12)
    atr = oi.atr(data.series("M5", "bid").high, data.series("M5", "bid").low, close, 2)
    (signal,) = result.signals.itertuples()
    entry = 1.0990 + 0.0001
    assert (signal.bar, signal.direction, signal.scenario) == (4, "long", "1")
    assert signal.entry == data.series("M5", "ask").close[4] == pytest.approx(entry)
    assert signal.sl == signal.entry - 2.0 * atr[4]
    assert signal.tp == signal.entry + 3.0 * atr[4]
    (trade,) = result.trades.itertuples()
    assert (trade.exit_bar, trade.reason, trade.exit_price) == (5, "exit_z", close[5])
    # Short: the mirror image.
    data = _data_of([1.1000, 1.0990, 1.0980, 1.0970, 1.1010, 1.0970])
    strategy = st.MeanReversionZScore(common | {"z_score_long": -5.0, "z_score_short": 1.2})
    result = st.run_backtest(strategy, data, execution_config())
    (signal,) = result.signals.itertuples()
    assert (signal.bar, signal.direction, signal.entry) == (4, "short", 1.1010)
    atr = oi.atr(data.series("M5", "bid").high, data.series("M5", "bid").low,
                 data.series("M5", "bid").close, 2)  # fmt: skip
    assert signal.sl == 1.1010 + 2.0 * atr[4]
    assert signal.tp == 1.1010 - 3.0 * atr[4]
    (trade,) = result.trades.itertuples()
    assert (trade.exit_bar, trade.reason) == (5, "exit_z")
    assert trade.exit_price == data.series("M5", "ask").close[5]


def _crosses_below(z: np.ndarray, x: float) -> np.ndarray:
    prev = np.concatenate([[np.nan], z[:-1]])
    return (prev >= x) & (z < x)


def _crosses_above(z: np.ndarray, x: float) -> np.ndarray:
    prev = np.concatenate([[np.nan], z[:-1]])
    return (prev <= x) & (z > x)


def _expected_conditions(c: st.MeanReversionConfig, data: AlignedMultiCandleData) -> dict[str, Any]:
    """MR2–MR4 restated with numpy: per scenario, long/short entry conditions per bar."""
    bid = data.series("M5", "bid")
    close = bid.close
    garch: dict[str, Any] = {"alpha": c.garch_alpha, "beta": c.garch_beta, "omega": c.garch_omega,
             "use_log_returns": c.garch_use_log_returns, "scale": c.garch_scale,
             "min_periods": c.garch_min_periods, "sigma_floor": c.garch_sigma_floor}  # fmt: skip
    mean_source: Any = c.mean_source
    z1 = oi.zscore(close, c.window_length, mean_source=mean_source)
    z2 = oi.kalman_zscore(close, c.window_length, R=c.kalman_r, Q=c.kalman_q)
    kalman: dict[str, Any] = {"R": c.kalman_r, "Q": c.kalman_q}
    z3 = oi.kalman_garch_zscore_local(close, c.garch_lookback, **kalman, **garch)
    vol = oi.vol_cluster_series(
        bid.high, bid.low, close, mode=cast(Any, c.vol_cluster_mode), atr_period=c.atr_length,
        garch_lookback=c.garch_lookback, **garch,
    )  # fmt: skip
    high_vol = vol > c.vol_cluster_k * oi.sma(vol, c.vol_window)
    htf_close = data.aligned("H1", "bid", "close")
    htf_ema = oi.IndicatorCache(data).ema_array("H1", "bid", c.htf_ema_period)
    up, down = htf_close > htf_ema, htf_close < htf_ema
    out: dict[str, Any] = {
        "atr": oi.atr(bid.high, bid.low, close, c.atr_length),
        "z1": z1,
        "z2": z2,
        "z3": z3,
    }
    for k, z, f_long, f_short in (
        (1, z1, True, True),
        (2, z2, up, down),
        (3, z3, high_vol, high_vol),
    ):
        out[f"{k}long"] = _crosses_below(z, c.z_score_long) & f_long
        out[f"{k}short"] = _crosses_above(z, c.z_score_short) & f_short
    return out


@pytest.mark.parametrize("mode", ["rust", "hybrid"])
@pytest.mark.parametrize("which", range(len(RULE_CONFIGS)))
def test_every_signal_and_action_follows_the_rules(
    mode: str, which: int, use_mode: Callable[[str], None]
) -> None:
    use_mode(mode)
    data = synthetic_data(6_000, 40 + which, missing=0.005)
    strategy = st.MeanReversionZScore(RULE_CONFIGS[which])
    c = strategy.config
    result = st.run_backtest(strategy, data, execution_config())
    cond = _expected_conditions(c, data)
    bid_close = data.series("M5", "bid").close
    ask_close = data.series("M5", "ask").close
    valid = ~np.isnan(bid_close)
    n = len(bid_close)
    # Active positions when the strategy is asked at bar t: placed before t, not closed by t.
    orders = result.orders
    signal_bar = result.signals.set_index("id")["bar"]
    placed = signal_bar.loc[orders["id"].to_numpy()].to_numpy()
    exit_micros = pd.DatetimeIndex(orders["exit_time"]).as_unit("us").asi8
    exit_bar = np.where(
        orders["exit_time"].isna().to_numpy(), n, np.searchsorted(data.timestamps, exit_micros)
    )
    active = np.zeros(n + 1, dtype=np.int64)
    for p, e in zip(placed, exit_bar, strict=True):
        if e > p + 1:
            active[p + 1 : e] += 1
    # MR5: the expected signal at every bar (first scenario, long before short).
    expected: dict[int, tuple[str, str]] = {}
    atr_ok = np.isfinite(cond["atr"]) & (cond["atr"] > 0)
    for t in np.flatnonzero(valid):
        if active[t] >= c.max_open_positions or not atr_ok[t]:
            continue
        for k in c.enabled_scenarios:
            if c.direction_filter != "short" and cond[f"{k}long"][t]:
                expected[int(t)] = (str(k), "long")
                break
            if c.direction_filter != "long" and cond[f"{k}short"][t]:
                expected[int(t)] = (str(k), "short")
                break
    signals = result.signals.to_dict("records")
    got = {int(r["bar"]): (str(r["scenario"]), str(r["direction"])) for r in signals}
    assert got == expected
    assert len(got) > 10
    # MR6: levels.
    tp_mult = c.tp_atr_mult or 0.0
    for r in signals:
        bar, entry = int(r["bar"]), r["entry"]
        atr = cond["atr"][bar]
        if r["direction"] == "long":
            assert entry == ask_close[bar]
            assert (r["sl"], r["tp"]) == (entry - c.sl_atr_mult * atr, entry + tp_mult * atr)
        else:
            assert entry == bid_close[bar]
            assert (r["sl"], r["tp"]) == (entry + c.sl_atr_mult * atr, entry - tp_mult * atr)
    # MR7: every action.
    by_id = orders.set_index("id")
    kinds = {_check_action(a, by_id.loc[a.id], cond, c, bid_close, ask_close)
             for a in result.actions.itertuples()}  # fmt: skip
    assert ("close", "exit_z") in kinds
    assert ("modify_stop_loss", "") in kinds


def _check_action(
    a: Any,
    o: pd.Series,
    cond: dict[str, np.ndarray],
    c: st.MeanReversionConfig,
    bid_close: np.ndarray,
    ask_close: np.ndarray,
) -> tuple[str, str]:
    """MR7 for one recorded action of the position ``o``; returns (action, reason)."""
    z = cond[f"z{o['scenario']}"][a.bar]
    long = o["direction"] == "long"
    if a.action == "close" and a.reason == "exit_z":
        assert z >= c.exit_z if long else z <= -c.exit_z
    elif a.action == "close":
        assert a.reason == "timeout"
        assert c.max_holding_bars is not None
        assert a.bar - o["fill_bar"] >= c.max_holding_bars
    else:
        assert a.action == "modify_stop_loss"
        close = bid_close[a.bar] if long else ask_close[a.bar]
        m = c.trailing_atr_mult
        atr = cond["atr"][a.bar]
        trail = None if m is None else (close - m * atr if long else close + m * atr)
        assert a.value in (o["trigger_price"], trail)
        assert a.value < close if long else a.value > close
    return str(a.action), str(a.reason)


def test_a_history_shorter_than_the_windows_has_no_signal(use_mode: Callable[[str], None]) -> None:
    for mode in ("rust", "hybrid"):
        use_mode(mode)
        result = st.run_backtest(
            st.MeanReversionZScore(), synthetic_data(90, 1), execution_config()
        )
        assert len(result.signals) == 0
        assert len(result.equity) == 90
