"""Which loop runs (``OMEGA_USE_RUST_STRATEGY``, DESIGN §3), user strategies on the Python
loop, and bad input."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import omega_strategy as st
from omega_indicators import AlignedMultiCandleData
from omega_strategy._backend import STATE
from omega_strategy._backend_select import Backend
from omega_strategy._settings import Settings
from omega_strategy.testing import assert_same_results, execution_config, synthetic_data

RunMode = Callable[..., st.BacktestResult]


class SmaCross(st.BaseStrategy):
    """A user strategy: SMA(20/50) cross, 0.2 % stop, 0.4 % target (as SignalStrategy's pct)."""

    def __init__(self) -> None:
        self.fast: list[float] = []
        self.slow: list[float] = []

    def on_init(self, init: st.InitContext) -> None:
        fast, slow = init.compute_each(
            "M5", "bid", [{"name": "sma", "period": 20}, {"name": "sma", "period": 50}]
        )
        self.fast, self.slow = init.cache.lists[fast], init.cache.lists[slow]

    def evaluate(self, slice: st.DataSlice) -> st.TradeSignal | None:
        i = slice.index
        if i == 0 or slice.active_positions >= 1:
            return None
        above, was = self.fast[i] > self.slow[i], self.fast[i - 1] > self.slow[i - 1]
        if above and not was:
            e = slice.ask.close
            return st.TradeSignal(
                slice.timestamp, "long", self.symbol, e, sl=e * (1.0 - 0.002),
                tp=e * (1.0 + 0.004), reason="long_entry", scenario="signal",
            )  # fmt: skip
        if was and not above and not np.isnan(self.fast[i]):
            e = slice.bid.close
            return st.TradeSignal(
                slice.timestamp, "short", self.symbol, e, sl=e * (1.0 + 0.002),
                tp=e * (1.0 - 0.004), reason="short_entry", scenario="signal",
            )  # fmt: skip
        return None


def _masks(data: AlignedMultiCandleData) -> tuple[np.ndarray, np.ndarray]:
    import omega_indicators as oi

    close = data.series("M5", "bid").close
    above = oi.sma(close, 20) > oi.sma(close, 50)
    was = np.concatenate([[False], above[:-1]])
    up = above & ~was
    down = was & ~above
    return up, down


def test_a_user_strategy_runs_on_the_python_loop_and_matches_signal_strategy(
    run_mode: RunMode,
) -> None:
    data = synthetic_data(15_000, 21)
    user = run_mode("hybrid", SmaCross(), data, execution_config())
    user_python = run_mode("python", SmaCross(), data, execution_config())
    up, down = _masks(data)
    rust = run_mode("rust", st.SignalStrategy(up, down, sl_stop=0.002, tp_stop=0.004), data,
                    execution_config())  # fmt: skip
    assert len(user.trades) > 10
    assert_same_results(user, rust)
    assert_same_results(user, user_python)


def test_auto_picks_rust_when_it_can(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    assert st.choose_loop(st.MeanReversionZScore())[0] == "rust"
    assert st.choose_loop(SmaCross()) == ("python", "SmaCross has no Rust implementation")
    off = st.MeanReversionZScore(rust_enabled=False)
    assert st.choose_loop(off) == ("python", "MeanReversionZScore has rust_enabled=False")
    result = st.run_backtest(off, synthetic_data(2_000, 3), execution_config())
    assert result.loop == "python"
    assert result.backends["strategy"] == "python"


def test_forcing_rust_never_falls_back(
    use_mode: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_mode("rust")
    monkeypatch.setenv("OMEGA_USE_RUST_STRATEGY", "1")
    STATE.reset()
    data = synthetic_data(1_000, 3)
    with pytest.raises(RuntimeError, match="requires the Rust strategy, but SmaCross has no Rust"):
        st.run_backtest(SmaCross(), data, execution_config())
    with pytest.raises(RuntimeError, match="MeanReversionZScore has rust_enabled=False"):
        st.run_backtest(st.MeanReversionZScore(rust_enabled=False), data, execution_config())
    # Another wave on Python: the whole Rust loop is impossible, so the Python loop calls the
    # Rust strategy bar by bar (the strategy wave is still served by Rust, nothing falls back).
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "0")
    import omega_indicators

    omega_indicators._backend.STATE.reset()
    loop, why = st.choose_loop(st.MeanReversionZScore())
    assert (loop, why) == (
        "python",
        "omega-indicators runs on python: the Python loop calls the Rust strategy bar by bar",
    )
    result = st.run_backtest(st.MeanReversionZScore(), data, execution_config())
    assert result.loop == "python"
    assert result.backends["strategy"] == "rust"
    assert result.backends["indicators"] == "python"
    with pytest.raises(RuntimeError, match="requires the Rust strategy, but SmaCross has no Rust"):
        st.run_backtest(SmaCross(), data, execution_config())


def test_require_rust_ffi_refuses_the_python_loop(
    use_mode: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_mode("rust")
    monkeypatch.setenv("OMEGA_REQUIRE_RUST_FFI", "1")
    STATE.reset()
    with pytest.raises(RuntimeError, match="OMEGA_REQUIRE_RUST_FFI=1 requires the Rust strategy"):
        st.run_backtest(SmaCross(), synthetic_data(500, 3), execution_config())
    result = st.run_backtest(st.MeanReversionZScore(), synthetic_data(500, 3), execution_config())
    assert result.loop == "rust"


class Broken(st.BaseStrategy):
    def __init__(self, what: str) -> None:
        self.what = what

    def evaluate(self, slice: st.DataSlice) -> Any:
        if slice.index != 5:
            return None
        if self.what == "type":
            return {"direction": "long"}
        return st.TradeSignal(slice.timestamp - 1, "long", "EURUSD", slice.ask.close, sl=1.0)


def test_bad_strategies_and_data_raise_clear_errors(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    data = synthetic_data(500, 3)
    with pytest.raises(TypeError, match="strategy: expected a BaseStrategy"):
        st.run_backtest("MeanReversionZScore", data, execution_config())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Broken\.evaluate: expected a TradeSignal or None"):
        st.run_backtest(Broken("type"), data, execution_config())
    with pytest.raises(
        ValueError, match="signal: expected a signal for EURUSD stamped with the bar"
    ):
        st.run_backtest(Broken("time"), data, execution_config())
    bid_only = AlignedMultiCandleData({"M5": {"bid": data.series("M5", "bid")}}, "M5")
    for mode in ("rust", "hybrid"):
        use_mode(mode)
        with pytest.raises(ValueError, match="ask"):
            st.run_backtest(st.MeanReversionZScore(), bid_only, execution_config())
        h1 = st.MeanReversionZScore(timeframe="H1", htf="H4", enabled_scenarios=[2])
        with pytest.raises(ValueError, match="the primary timeframe H1 of MeanReversionZScore"):
            st.run_backtest(h1, data, execution_config())
    with pytest.raises(ValueError, match="long_entries: expected length 500"):
        st.run_backtest(st.SignalStrategy(np.zeros(499, dtype=bool)), data, execution_config())


def test_the_binding_checks_its_arrays(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    rust = STATE.rust()
    data = synthetic_data(100, 3)
    settings = Settings.from_configs(execution_config(), None)
    s = data.series("M5", "bid")
    a = data.series("M5", "ask")

    def call(
        bid: tuple[Any, ...],
        arrays: dict[str, Any] | None = None,
        name: str = "MeanReversionZScore",
    ) -> Any:
        candles = [
            ("M5", "bid", *bid),
            ("M5", "ask", a.timestamps, a.open, a.high, a.low, a.close, a.volume),
        ]
        init = '{"enabled_scenarios": [1]}' if name == "MeanReversionZScore" else "{}"
        return rust.run_backtest_rust(
            name, init, arrays or {}, "M5", candles,
            settings.execution_json(), settings.portfolio_json(),
        )  # fmt: skip

    good = (s.timestamps, s.open, s.high, s.low, s.close, s.volume)
    assert len(call(good)["equity"]["timestamp"]) == 100
    with pytest.raises(TypeError):
        call((s.timestamps, s.open.astype(np.float32), s.high, s.low, s.close, s.volume))
    doubled = np.repeat(s.open, 2)[::2]
    with pytest.raises(TypeError, match=r"candles\[M5/bid\]\.open: expected a C-contiguous"):
        call((s.timestamps, doubled, s.high, s.low, s.close, s.volume))
    with pytest.raises(ValueError, match=r"candles\[M5/bid\]"):
        call((s.timestamps, s.open, s.low, s.high, s.close, s.volume))
    with pytest.raises(ValueError, match=r"strategy: expected one of the Rust strategies"):
        call(good, name="Nope")
    with pytest.raises(TypeError, match="arrays\\[long_entries\\]: expected a 1-D numpy array"):
        call(good, {"long_entries": [True] * 100}, name="SignalStrategy")
    with pytest.raises(ValueError, match="arrays: expected boolean arrays named"):
        call(good, {"entries": np.zeros(100, dtype=bool)}, name="SignalStrategy")


def test_the_rust_loop_does_not_hide_a_python_call_of_a_wave(
    use_mode: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole loop in Rust reports each wave from its counts only where the wave's own
    counters did not move (``served_backends``): a Python call of omega-indicators during the
    run is reported, not overwritten with "rust"."""
    import omega_indicators

    use_mode("rust")
    real = omega_indicators.backend_calls
    reads = iter(range(1, 1_000))

    def python_grows() -> dict[Backend, int]:
        calls = dict(real())
        calls["python"] += next(reads)
        return calls

    monkeypatch.setattr(omega_indicators, "backend_calls", python_grows)
    result = st.run_backtest(st.MeanReversionZScore(), synthetic_data(500, 3), execution_config())
    assert result.loop == "rust"
    assert result.backends["indicators"] == "python"
    assert result.backends["execution"] == "rust"


def test_bad_runs_of_several_symbols_name_the_run(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    data = synthetic_data(300, 3)
    eur = st.MeanReversionZScore()
    gbp = st.MeanReversionZScore(init_args={"symbol": "GBPUSD"})
    config = execution_config()
    bad: list[tuple[Any, type[Exception], str]] = [
        (None, TypeError, "runs: expected a sequence of (strategy, data) pairs, got NoneType"),
        ([], ValueError, "runs: expected at least one (strategy, data) pair, got none"),
        (
            [(eur, data, 1)],
            TypeError,
            "runs[0]: expected a (strategy, data) pair, got a tuple of 3",
        ),
        ([eur], TypeError, "runs[0]: expected a (strategy, data) pair, got MeanReversionZScore"),
        ([("x", data)], TypeError, "runs[0][0]: expected a BaseStrategy"),
        ([(eur, data), (gbp, None)], TypeError, "runs[1][1]: multi_candle_data: expected"),
    ]
    for runs, error, message in bad:
        with pytest.raises(error, match=re.escape(message)):
            st.run_backtest_symbols(runs, config)
    # Any iterable of pairs: a generator is read once, up front.
    from_generator = st.run_backtest_symbols(((s, data) for s in [eur]), config)
    assert_same_results(from_generator, st.run_backtest(eur, data, config))
