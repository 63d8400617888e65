"""Trade-for-trade parity: the Rust loop, the Python loop on Rust components (hybrid) and the
Python loop on Python fallbacks give bit-identical trades, orders, signals, actions, equity
curves and summaries, over seeded datasets × configurations that cover every scenario, both
directions, break-even, trailing, timeouts, pyramiding, execution variants and missing bars.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pytest

import omega_strategy as st
from omega_execution import FeeModel, FixedLots, FixedSlippage, FractionOfEquity, RandomSlippage
from omega_indicators import AlignedMultiCandleData
from omega_strategy.testing import assert_same_results, execution_config, synthetic_data

RunMode = Callable[..., st.BacktestResult]
SMALL = {"window_length": 40, "garch_lookback": 120, "garch_min_periods": 30, "vol_window": 100}


@dataclass(frozen=True)
class Case:
    name: str
    seed: int
    n: int = 8_000
    init_args: dict[str, Any] = field(default_factory=dict)
    execution: dict[str, Any] = field(default_factory=dict)
    missing: float = 0.0
    signal: str | None = None  # a SignalStrategy variant instead of MeanReversionZScore


MR_CASES = [
    Case("defaults", 1, n=12_000),
    Case("small_windows_all_scenarios", 2, init_args=SMALL),
    Case(
        "s1_long_only", 3, init_args=SMALL | {"enabled_scenarios": [1], "direction_filter": "long"}
    ),
    Case(
        "s1_short_only",
        4,
        init_args=SMALL | {"enabled_scenarios": [1], "direction_filter": "short"},
    ),
    Case("s2_htf_trend", 5, init_args=SMALL | {"enabled_scenarios": [2], "htf_ema_period": 8}),
    Case("s3_garch_cluster", 6, init_args=SMALL | {"enabled_scenarios": [3], "vol_cluster_k": 0.9}),
    Case(
        "s3_atr_cluster", 7, init_args=SMALL | {"enabled_scenarios": [3], "vol_cluster_mode": "atr"}
    ),
    Case("ema_mean", 8, init_args=SMALL | {"mean_source": "ema", "enabled_scenarios": [1, 3]}),
    Case(
        "trailing_and_break_even",
        9,
        init_args=SMALL | {"trailing_atr_mult": 1.0, "break_even_at_r": 0.5},
    ),
    Case(
        "timeout_no_tp_no_be",
        10,
        init_args=SMALL | {"max_holding_bars": 12, "tp_atr_mult": None, "break_even_at_r": None},
    ),
    Case("pyramiding", 11, init_args=SMALL | {"max_open_positions": 3, "trailing_atr_mult": 2.0}),
    Case(
        "thresholds_exit_z",
        12,
        init_args=SMALL | {"z_score_long": -1.5, "z_score_short": 1.5, "exit_z": 0.5},
    ),
    Case("risk_override", 13, init_args=SMALL | {"risk_per_trade": 250.0}),
    Case("next_open", 14, init_args=SMALL, execution={"fill_at": "next_open"}),
    Case(
        "fixed_slippage_fees",
        15,
        init_args=SMALL,
        execution={"slippage_model": FixedSlippage(0.3), "fee_model": FeeModel(per_lot=3.5)},
    ),
    Case(
        "random_slippage",
        16,
        init_args=SMALL,
        execution={"slippage_model": RandomSlippage(1.0), "seed": 42},
    ),
    Case(
        "intrabar_ohlc",
        17,
        init_args=SMALL | {"trailing_atr_mult": 0.8},
        execution={"intrabar_policy": "ohlc"},
    ),
    Case(
        "intrabar_adaptive_fee_rate",
        18,
        init_args=SMALL,
        execution={"intrabar_policy": "adaptive", "fee_model": FeeModel(rate=0.00002, minimum=0.5)},
    ),
    Case("fixed_lots", 19, init_args=SMALL, execution={"sizing": FixedLots(0.5)}),
    Case("fraction_of_equity", 20, init_args=SMALL, execution={"sizing": FractionOfEquity(0.5)}),
    Case("missing_bars", 21, init_args=SMALL | {"trailing_atr_mult": 1.2}, missing=0.02),
    Case(
        "simulator_timeout",
        22,
        init_args=SMALL | {"max_holding_bars": None},
        execution={"timeout": 3_600_000_000},
    ),
    Case("short_history", 23, n=300),
]
SIGNAL_CASES = [
    Case("signal_sma_cross_pct", 31, n=10_000, signal="sma"),
    Case("signal_atr_stops_exits", 32, n=10_000, signal="atr"),
    Case("signal_limit_orders", 33, n=10_000, signal="limit"),
    Case("signal_tight_stops_buffer", 35, n=8_000, signal="tight",
         execution={"intrabar_policy": "adaptive", "pip_buffer_factor": 2.0,
                    "timeout": 1_800_000_000}),
    Case("signal_next_open_fees", 34, n=10_000, signal="sma",
         execution={"fill_at": "next_open", "fee_model": FeeModel(per_lot=2.0)}),
]  # fmt: skip
CASES = MR_CASES + SIGNAL_CASES


@cache
def dataset(seed: int, n: int, missing: float) -> AlignedMultiCandleData:
    return synthetic_data(n, seed, missing=missing)


def _sma(x: np.ndarray, period: int) -> np.ndarray:
    out = np.full(len(x), np.nan)
    c = np.cumsum(np.insert(x, 0, 0.0))
    out[period - 1 :] = (c[period:] - c[:-period]) / period
    return out


def signal_strategy(kind: str, data: AlignedMultiCandleData) -> st.SignalStrategy:
    close = data.series("M5", "bid").close
    fast, slow = (
        (_sma(close, 5), _sma(close, 12)) if kind == "tight" else (_sma(close, 20), _sma(close, 50))
    )
    above = fast > slow
    up = above & ~np.roll(above, 1)
    down = ~above & np.roll(above, 1)
    up[0] = down[0] = False
    if kind == "sma":
        return st.SignalStrategy(up, down, sl_stop=0.002, tp_stop=0.004)
    if kind == "tight":
        # Stops a few pips away: the Rust loop's exit pre-check (which skips quiet bars for a
        # sparse strategy) is exercised right at its margins against the Python loop.
        return st.SignalStrategy(
            up, down, long_exits=down, sl_stop=0.0003, sl_mode="offset", tp_stop=0.0004,
            tp_mode="offset", max_open_positions=3,
        )  # fmt: skip
    if kind == "atr":
        return st.SignalStrategy(
            up, down, long_exits=down, short_exits=up,
            sl_stop=2.0, sl_mode="atr", tp_stop=3.0, tp_mode="atr", atr_length=10,
        )  # fmt: skip
    offset = np.where(up, close - 0.0003, close + 0.0003)
    return st.SignalStrategy(
        up, down, entry_price=offset, order_type="limit", sl_stop=0.0015, sl_mode="offset",
        tp_stop=0.003, tp_mode="offset", max_open_positions=2,
    )  # fmt: skip


def strategy_of(case: Case, data: AlignedMultiCandleData) -> st.BaseStrategy:
    if case.signal is not None:
        return signal_strategy(case.signal, data)
    return st.MeanReversionZScore(case.init_args)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rust_hybrid_and_python_loops_are_identical(case: Case, run_mode: RunMode) -> None:
    data = dataset(case.seed, case.n, case.missing)
    config = execution_config(**case.execution)
    strategy = strategy_of(case, data)
    rust = run_mode("rust", strategy, data, config)
    hybrid = run_mode("hybrid", strategy, data, config)
    python = run_mode("python", strategy, data, config)
    assert_same_results(rust, hybrid)
    assert_same_results(rust, python)
    if case.n >= 8_000:
        assert len(rust.trades) > 0, "a case without trades tests nothing"


def test_the_cases_cover_every_rule(use_mode: Callable[[str], None]) -> None:
    """Across the cases: every scenario, both directions, every exit the strategy and the
    simulator produce, break-even and trailing stop moves."""
    use_mode("rust")
    scenarios: set[str] = set()
    directions: set[tuple[str, str]] = set()
    reasons: set[str] = set()
    trailing_moves = break_even_moves = overlapping = 0
    for case in MR_CASES:
        data = dataset(case.seed, case.n, case.missing)
        result = st.run_backtest(strategy_of(case, data), data, execution_config(**case.execution))
        trades = result.trades
        scenarios |= set(trades["scenario"].astype(str))
        directions |= set(
            zip(trades["scenario"].astype(str), trades["direction"].astype(str), strict=True)
        )
        reasons |= set(trades["reason"].astype(str))
        moves = result.actions[result.actions["action"] == "modify_stop_loss"]
        fills = result.orders.set_index("id")["trigger_price"]
        at_fill = moves["value"].to_numpy() == fills.loc[moves["id"].to_numpy()].to_numpy()
        break_even_moves += int(at_fill.sum())
        trailing_moves += int((~at_fill).sum())
        entries = trades.sort_values("entry_bar")
        last_exit = entries["exit_bar"].cummax().shift(fill_value=-1).to_numpy()
        overlapping += int((entries["entry_bar"].to_numpy() < last_exit).sum())
    assert scenarios == {"1", "2", "3"}
    assert {d for _, d in directions} == {"long", "short"}
    for scenario in "123":
        assert {(scenario, "long"), (scenario, "short")} <= directions, scenario
    for reason in ("exit_z", "timeout", "stop_loss", "take_profit", "break_even_stop_loss"):
        assert reason in reasons, reason
    assert break_even_moves > 0
    assert trailing_moves > 0
    assert overlapping > 0, "max_open_positions > 1 never held two positions"
