# ruff: noqa: E501  (tables of exact error messages)
"""Configuration: ADR-0006 JSON configs, ``init_args`` validation with clear errors (unknown
keys, wrong JSON types, values out of range), the same exception and message from the Rust and
the Python validator."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import omega_strategy as st
from omega_strategy._settings import Settings
from omega_strategy.testing import execution_config, synthetic_data

BAD_MEAN_REVERSION: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"window_lenght": 10}, ValueError, "init_args: expected only known keys for MeanReversionZScore (accepted: atr_length, "),
    ({"window_length": "20"}, TypeError, 'init_args.window_length: expected an integer, got string "20"'),
    ({"window_length": 20.0}, TypeError, "init_args.window_length: expected an integer, got number 20.0"),
    ({"window_length": True}, TypeError, "init_args.window_length: expected an integer, got boolean true"),
    ({"window_length": 1}, ValueError, "init_args.window_length: expected an integer >= 2, got 1"),
    ({"enabled_scenarios": [1, 4]}, ValueError, "init_args.enabled_scenarios: expected a non-empty array of distinct scenario numbers 1, 2, 3, got [1,4]"),
    ({"enabled_scenarios": [2, 2]}, ValueError, "init_args.enabled_scenarios: expected a non-empty array"),
    ({"enabled_scenarios": []}, ValueError, "init_args.enabled_scenarios: expected a non-empty array of distinct scenario numbers 1, 2, 3, got []"),
    ({"enabled_scenarios": 1}, TypeError, "init_args.enabled_scenarios: expected an array of integers, got integer 1"),
    ({"enabled_scenarios": [1, "2"]}, TypeError, 'init_args.enabled_scenarios: expected an array of integers, got array [1,"2"]'),
    ({"direction_filter": "up"}, ValueError, 'init_args.direction_filter: expected one of both, long, short, got "up"'),
    ({"mean_source": "median"}, ValueError, 'init_args.mean_source: expected one of rolling, ema, got "median"'),
    ({"timeframe": "M7"}, ValueError, 'init_args.timeframe: expected one of M1, M5, M15, M30, H1, H4, D1, W1, got "M7"'),
    ({"htf": "M1"}, ValueError, 'init_args.htf: expected a timeframe longer than timeframe M5, got "M1"'),
    ({"symbol": ""}, ValueError, 'init_args.symbol: expected a non-empty string, got ""'),
    ({"symbol": 5}, TypeError, "init_args.symbol: expected a string, got integer 5"),
    ({"z_score_long": 3}, ValueError, "init_args.z_score_long: expected a number < z_score_short 2.0, got 3.0"),
    ({"exit_z": -2.5}, ValueError, "init_args.exit_z: expected a number > z_score_long -2.0 and > -z_score_short -2.0, got -2.5"),
    ({"sl_atr_mult": 0}, ValueError, "init_args.sl_atr_mult: expected a finite number > 0, got 0"),
    ({"sl_atr_mult": -1.5}, ValueError, "init_args.sl_atr_mult: expected a finite number > 0, got -1.5"),
    ({"sl_atr_mult": None}, TypeError, "init_args.sl_atr_mult: expected a number, got null null"),
    ({"tp_atr_mult": "x"}, TypeError, 'init_args.tp_atr_mult: expected a number or null, got string "x"'),
    ({"kalman_q": 0.0}, ValueError, "init_args.kalman_q: expected a finite number > 0, got 0.0"),
    ({"garch_alpha": 0.5, "garch_beta": 0.5}, ValueError, "init_args.garch_beta: expected a number with garch_alpha + garch_beta < 1 (garch_alpha 0.5), got 0.5"),
    ({"garch_use_log_returns": 1}, TypeError, "init_args.garch_use_log_returns: expected a boolean, got integer 1"),
    ({"garch_lookback": 40}, ValueError, "init_args.garch_lookback: expected an integer >= garch_min_periods + 2 = 52, got 40"),
    ({"vol_cluster_mode": "range"}, ValueError, 'init_args.vol_cluster_mode: expected one of garch, atr, got "range"'),
    ({"max_holding_bars": 0}, ValueError, "init_args.max_holding_bars: expected an integer >= 1, got 0"),
    ({"max_holding_bars": 2.5}, TypeError, "init_args.max_holding_bars: expected an integer or null, got number 2.5"),
    ({"max_open_positions": None}, TypeError, "init_args.max_open_positions: expected an integer, got null null"),
    ({"break_even_at_r": -1}, ValueError, "init_args.break_even_at_r: expected a finite number > 0, got -1"),
    ({"risk_per_trade": [100]}, TypeError, "init_args.risk_per_trade: expected a number or null, got array [100]"),
]  # fmt: skip
BAD_SIGNAL: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"sl_mode": "ticks"}, ValueError, 'init_args.sl_mode: expected one of offset, pct, atr, got "ticks"'),
    ({"order_type": "iceberg"}, ValueError, 'init_args.order_type: expected one of market, limit, stop, got "iceberg"'),
    ({"tp_stop": -0.1}, ValueError, "init_args.tp_stop: expected a finite number > 0, got -0.1"),
    ({"atr_length": "14"}, TypeError, 'init_args.atr_length: expected an integer, got string "14"'),
    ({"entries": []}, ValueError, "init_args: expected only known keys for SignalStrategy (accepted: atr_length, max_open_positions, order_type, risk_per_trade, sl_mode, sl_stop, symbol, timeframe, tp_mode, tp_stop), got unknown key 'entries'"),
]  # fmt: skip


def _rust_error(strategy: str, init_args: dict[str, Any], arrays: dict[str, Any]) -> Exception:
    """The exception the Rust validator raises (through the binding) for ``init_args``."""
    rust = importlib.import_module("omega_strategy._rust")
    data = synthetic_data(50, 1)
    candles = [
        (tf, side, s.timestamps, s.open, s.high, s.low, s.close, s.volume)
        for tf in data.timeframes
        for side in data.sides(tf)
        for s in [data.series(tf, side)]
    ]
    settings = Settings.from_configs(execution_config(), None)
    with pytest.raises((ValueError, TypeError)) as info:
        rust.run_backtest_rust(
            strategy, json.dumps(init_args), arrays, "M5", candles,
            settings.execution_json(), settings.portfolio_json(),
        )  # fmt: skip
    return info.value


@pytest.mark.parametrize(("init_args", "kind", "message"), BAD_MEAN_REVERSION)
def test_mean_reversion_config_errors_are_the_same_in_rust_and_python(
    init_args: dict[str, Any], kind: type[Exception], message: str
) -> None:
    with pytest.raises(kind) as python:
        st.MeanReversionZScore(init_args)
    assert str(python.value).startswith(message)
    rust = _rust_error("MeanReversionZScore", init_args, {})
    assert type(rust) is kind
    assert str(rust) == str(python.value)


@pytest.mark.parametrize(("init_args", "kind", "message"), BAD_SIGNAL)
def test_signal_config_errors_are_the_same_in_rust_and_python(
    init_args: dict[str, Any], kind: type[Exception], message: str
) -> None:
    entries = np.zeros(50, dtype=bool)
    with pytest.raises(kind) as python:
        st.SignalStrategy(entries, init_args=init_args)
    assert str(python.value).startswith(message)
    rust = _rust_error("SignalStrategy", init_args, {"long_entries": entries})
    assert type(rust) is kind
    assert str(rust) == str(python.value)


def test_defaults_are_documented_values() -> None:
    c = st.MeanReversionZScore().config
    assert (c.symbol, c.timeframe, c.htf, c.enabled_scenarios) == ("EURUSD", "M5", "H1", (1, 2, 3))
    assert (c.z_score_long, c.z_score_short, c.exit_z, c.atr_length) == (-2.0, 2.0, 0.0, 14)
    assert (c.window_length, c.mean_source, c.direction_filter) == (100, "rolling", "both")
    assert (c.max_holding_bars, c.max_open_positions, c.risk_per_trade) == (288, 1, None)
    assert (
        st.MeanReversionZScore(max_holding_bars=None, tp_atr_mult=None).config.tp_atr_mult is None
    )


def test_adr_0006_json_config(tmp_path: Path) -> None:
    config = {
        "strategy": {
            "module": "omega_strategy",
            "class": "MeanReversionZScore",
            "rust_enabled": True,
            "init_args": {
                "symbol": "EURUSD", "timeframe": "M5", "enabled_scenarios": [1, 2],
                "direction_filter": "both",
            },
        }
    }  # fmt: skip
    path = tmp_path / "mean_reversion_z_score.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    for source in (config, json.dumps(config), path, str(path), config["strategy"]):
        strategy = st.strategy_from_config(source)
        assert isinstance(strategy, st.MeanReversionZScore)
        assert strategy.config.enabled_scenarios == (1, 2)
        assert strategy.rust_enabled
    off = st.strategy_from_config({"class": "MeanReversionZScore", "rust_enabled": False})
    assert not off.rust_enabled
    with pytest.raises(ValueError, match=r"config\.strategy: unknown key 'init'"):
        st.strategy_from_config({"class": "MeanReversionZScore", "init": {}})
    with pytest.raises(ValueError, match=r"config\.strategy\.class: expected one of"):
        st.strategy_from_config({"class": "Nope"})
    with pytest.raises(TypeError, match="rust_enabled: expected a boolean"):
        st.strategy_from_config({"class": "MeanReversionZScore", "rust_enabled": "yes"})
    with pytest.raises(TypeError, match=r"init_args\.window_length: expected an integer"):
        st.strategy_from_config(
            {"class": "MeanReversionZScore", "init_args": {"window_length": "9"}}
        )


def test_a_user_strategy_from_its_module() -> None:
    strategy = st.strategy_from_config(
        {"module": "omega_strategy", "class": "SignalStrategy", "init_args": {}}
        | {"module": __name__, "class": "Always"}
    )
    assert isinstance(strategy, Always)
    assert not strategy.rust_enabled or strategy.rust_name is None


class Always(st.BaseStrategy):
    """A user strategy (for the config test): never trades."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def evaluate(self, slice: st.DataSlice) -> st.TradeSignal | None:
        return None


def test_execution_and_portfolio_configs_are_checked(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    data = synthetic_data(500, 1)
    strategy = st.MeanReversionZScore()
    with pytest.raises(ValueError, match="execution_config: unknown key 'slippage'"):
        st.run_backtest(strategy, data, execution_config(slippage=1))
    with pytest.raises(ValueError, match="portfolio_config: unknown key 'cash'"):
        st.run_backtest(strategy, data, execution_config(), {"cash": 1})
    with pytest.raises(TypeError, match="slippage_model: expected NoSlippage"):
        st.run_backtest(strategy, data, execution_config(slippage_model=0.5))
    with pytest.raises(
        ValueError, match="symbol_specs: expected a spec for the strategy's symbol 'EURUSD'"
    ):
        st.run_backtest(strategy, data, {"symbol_specs": {}})
    for mode in ("rust", "hybrid", "python"):
        use_mode(mode)
        # The simulator's and the portfolio's own checks, with the same messages in each loop.
        with pytest.raises(
            ValueError, match=r"^risk_per_trade: expected a finite amount > 0, got -5"
        ):
            st.run_backtest(strategy, data, execution_config(risk_per_trade=-5))
        with pytest.raises(
            ValueError, match=r"^initial_balance: expected a finite number > 0, got 0"
        ):
            st.run_backtest(strategy, data, execution_config(), {"initial_balance": 0})
        bad_spec = {"EURUSD": {"tick_size": -1.0, "tick_value": 1.0}}
        with pytest.raises(
            ValueError, match=r"symbol_specs\[EURUSD\].tick_size: expected a finite"
        ):
            st.run_backtest(strategy, data, {"symbol_specs": bad_spec})
