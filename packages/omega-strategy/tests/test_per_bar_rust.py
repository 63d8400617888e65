"""The Rust strategy run bar by bar by the Python loop (``docs/backtest_loop.md``, L1b): the
same results as the whole Rust loop, with the indicators computed by omega-indicators' active
backend, and the strategy wave served (and counted) by Rust."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import omega_execution
import omega_indicators
import omega_portfolio
import omega_strategy as st
from omega_strategy._python.cache import IndicatorCache, InitContext
from omega_strategy.per_bar_rust import PerBarRustStrategy, runs_per_bar
from omega_strategy.testing import assert_same_results, execution_config, synthetic_data

CONFIGS: list[dict[str, Any]] = [
    {},
    {"trailing_atr_mult": 1.5, "break_even_at_r": 0.5, "max_holding_bars": 40},
    {"direction_filter": "short", "enabled_scenarios": [2], "tp_atr_mult": None},
    {"enabled_scenarios": [1, 3], "vol_cluster_mode": "atr", "max_open_positions": 2},
]


@pytest.mark.parametrize("init_args", CONFIGS)
@pytest.mark.parametrize("indicators", ["1", "0"])
def test_per_bar_rust_strategy_matches_the_rust_loop(
    use_mode: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    init_args: dict[str, Any],
    indicators: str,
) -> None:
    data = synthetic_data(6_000, 11)
    use_mode("rust")
    whole = st.run_backtest(st.MeanReversionZScore(init_args), data, execution_config())
    assert whole.loop == "rust"
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", indicators)
    monkeypatch.setenv("OMEGA_USE_RUST_EXECUTION", "0")  # forces the Python loop
    monkeypatch.setenv("OMEGA_USE_RUST_STRATEGY", "1")
    for package in (omega_indicators, omega_execution, st):
        package._backend.STATE.reset()
    ran: list[PerBarRustStrategy] = []
    on_init = PerBarRustStrategy.on_init

    def recorded(self: PerBarRustStrategy, init: Any) -> None:
        ran.append(self)
        on_init(self, init)

    monkeypatch.setattr(PerBarRustStrategy, "on_init", recorded)
    before = st.backend_calls()
    per_bar = st.run_backtest(st.MeanReversionZScore(init_args), data, execution_config())
    after = st.backend_calls()
    # Every series was provided by omega-indicators' active backend: the Rust strategy ran no
    # kernel of its own (one behind OMEGA_USE_RUST_INDICATORS=0 would show here).
    assert [s._handle.indicator_calls for s in ran] == [0]
    assert per_bar.loop == "python"
    assert per_bar.backends["strategy"] == "rust"
    assert per_bar.backends["indicators"] == ("rust" if indicators == "1" else "python")
    assert after["python"] == before["python"]
    assert after["rust"] - before["rust"] > per_bar.counts["bars"]  # a call per bar at least
    assert len(whole.trades) > 5
    assert_same_results(per_bar, whole)


def test_what_runs_per_bar_and_bad_calls(
    use_mode: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_mode("rust")
    assert runs_per_bar(st.MeanReversionZScore())
    assert not runs_per_bar(st.MeanReversionZScore(rust_enabled=False))
    mask = np.zeros(100, dtype=bool)
    assert not runs_per_bar(st.SignalStrategy(mask, mask))
    with pytest.raises(ValueError, match="SignalStrategy has no per-bar Rust implementation"):
        PerBarRustStrategy(st.SignalStrategy(mask, mask))
    monkeypatch.setenv("OMEGA_USE_RUST_STRATEGY", "1")
    monkeypatch.setenv("OMEGA_USE_RUST_PORTFOLIO", "0")
    for package in (omega_portfolio, st):
        package._backend.STATE.reset()
    with pytest.raises(RuntimeError, match=r"SignalStrategy has no per-bar Rust implementation"):
        st.choose_loop(st.SignalStrategy(mask, mask))
    handle_class = st._backend.STATE.rust().StrategyHandle
    data = synthetic_data(300, 3)
    from omega_strategy.per_bar_rust import candle_args

    handle = handle_class("MeanReversionZScore", "{}", "M5", candle_args(data), "signal_close")
    calls = st.backend_calls()
    assert handle.name == "MeanReversionZScore"
    assert st.backend_calls() == calls  # metadata, not a served call
    assert handle.indicator_calls > 0  # computed by the linked kernels (nothing provided)
    with pytest.raises(ValueError, match="index: expected a primary bar index below 300"):
        handle.evaluate(300, 0)
    with pytest.raises(ValueError, match="index: expected a primary bar index below 300"):
        handle.wants_bar(300)
    with pytest.raises(ValueError, match="index: expected a non-negative primary bar index"):
        handle.wants_bar(-1)
    with pytest.raises(ValueError, match="index: expected a non-negative primary bar index"):
        handle.evaluate(-1, 0)
    integers = {"atr[0]@M5/bid": np.arange(300)}
    with pytest.raises(
        TypeError,
        match=r"provided\['atr\[0\]@M5/bid'\]: expected a 1-D float64 numpy array, got "
        "ndarray of dtype int64",
    ):
        handle_class("MeanReversionZScore", "{}", "M5", candle_args(data), "signal_close", integers)
    with pytest.raises(TypeError, match="provided: expected a dict with str keys, got a key"):
        handle_class("MeanReversionZScore", "{}", "M5", candle_args(data), "signal_close", {1: 2})
    with pytest.raises(ValueError, match="provided series 'atr\\[0\\]@M5/bid'"):
        handle_class("MeanReversionZScore", "{}", "M5", candle_args(data), "signal_close", {})
    with pytest.raises(ValueError, match="strategy: expected one of the Rust strategies"):
        handle_class("Nope", "{}", "M5", candle_args(data), "signal_close")


def test_two_specs_of_one_indicator_are_not_served_under_one_name(
    use_mode: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Provided names carry no parameters: EMA 10 and EMA 50 on M5/bid would both be
    ``ema[0]@M5/bid``; refused rather than one silently served for the other."""
    use_mode("rust")
    data = synthetic_data(300, 3)
    source = st.MeanReversionZScore()

    def two_emas(init: InitContext) -> None:
        init.compute_each(
            "M5", "bid", [{"name": "ema", "period": 10}, {"name": "ema", "period": 50}]
        )

    monkeypatch.setattr(source, "on_init", two_emas)
    strategy = PerBarRustStrategy(source)
    with pytest.raises(ValueError, match=r"two different series named 'ema\[0\]@M5/bid'"):
        strategy.on_init(InitContext(data, IndicatorCache(), "signal_close"))
