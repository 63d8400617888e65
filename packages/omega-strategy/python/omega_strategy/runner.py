"""``run_backtest``: the whole loop in Rust when it can, else the Python event loop.

The Rust loop is used when the strategy backend is Rust (``OMEGA_USE_RUST_STRATEGY``), the
strategy has a Rust implementation (``rust_name`` among ``rust_strategy_names()``, with
``rust_enabled``) and the indicators, execution and portfolio waves are on Rust too (the Rust
loop uses their Rust crates; it must not override a wave's flag). Otherwise the Python event
loop runs the strategy bar by bar against whichever backends are active; when the strategy
backend is Rust and the strategy has a per-bar Rust implementation, the loop calls that
(:class:`~omega_strategy.per_bar_rust.PerBarRustStrategy`), so the strategy wave is still
served by Rust. With ``OMEGA_USE_RUST_STRATEGY=1`` or ``OMEGA_REQUIRE_RUST_FFI=1`` a strategy
that cannot run in Rust at all raises instead (``RuntimeError`` naming the reason); nothing
falls back silently, and ``BacktestResult.loop``/``backends`` say what actually ran.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from omega_indicators import AlignedMultiCandleData
from omega_indicators.cache import as_aligned

from ._backend import STATE
from ._backend_select import REQUIRE_FLAG, flag_name, read_mode, read_require
from ._python.backtest import Progress, PythonRun, run_backtest_python
from ._python.registry import REGISTRY
from ._python.strategy import BaseStrategy
from ._settings import Settings
from .per_bar_rust import PerBarRustStrategy, candle_args, runs_per_bar
from .results import BacktestResult
from .served_backends import WAVE_PACKAGES, measured_backends, wave_calls


def rust_strategy_names() -> list[str]:
    """Strategies with a Rust implementation (empty when the Rust backend is not usable)."""
    if not STATE.rust_available():
        return []
    names: list[str] = importlib.import_module(STATE.extension).strategy_names()
    return names


def choose_loop(strategy: BaseStrategy) -> tuple[Literal["rust", "python"], str]:
    """Which loop :func:`run_backtest` would use for ``strategy``, and why."""
    backend = STATE.backend()  # raises on a bad or unmet flag
    if backend == "python":
        return "python", f"{flag_name('strategy')} selects the Python backend"
    reasons = []
    if strategy.rust_name is None or strategy.rust_name not in rust_strategy_names():
        reasons.append(f"{strategy.name} has no Rust implementation")
    elif not strategy.rust_enabled:
        reasons.append(f"{strategy.name} has rust_enabled=False")
    waves = [
        f"omega-{wave} runs on {module.backend()}"
        for wave, module in WAVE_PACKAGES.items()
        if module.backend() != "rust"
    ]
    if not reasons and not waves:
        return "rust", "the strategy has a Rust implementation and every wave is on Rust"
    if not reasons:
        if runs_per_bar(strategy):
            why = "; ".join(waves)
            return "python", f"{why}: the Python loop calls the Rust strategy bar by bar"
        reasons.append(f"{strategy.name} has no per-bar Rust implementation (it takes arrays)")
    why = "; ".join(reasons + waves)
    _, mode = read_mode("strategy", os.environ)
    if mode == "rust" or read_require(os.environ):
        asked = (
            f"{flag_name('strategy')}={os.environ.get(flag_name('strategy'))}"
            if mode == "rust"
            else f"{REQUIRE_FLAG}=1"
        )
        raise RuntimeError(f"omega-strategy: {asked} requires the Rust strategy, but {why}")
    return "python", why


def python_loop_strategy(strategy: BaseStrategy) -> BaseStrategy:
    """What the Python loop runs for ``strategy``: its per-bar Rust implementation when the
    strategy backend is Rust and it has one, else ``strategy`` itself (recorded as a Python
    call of omega-strategy)."""
    if STATE.backend() == "rust" and runs_per_bar(strategy):
        return PerBarRustStrategy(strategy)
    STATE.python_calls.record()
    return strategy


def python_loop_result(run: PythonRun, before: dict[str, dict[str, int]]) -> BacktestResult:
    """A Python-loop run as a :class:`BacktestResult`, its backends measured against the
    counter snapshot ``before`` (:mod:`~omega_strategy.served_backends`)."""
    counts = {
        "bars": run.bars,
        "indicators": run.indicator_calls,
        "execution": run.execution_calls,
        "portfolio": run.portfolio_calls,
    }
    served = measured_backends(before, wave_calls(), "python", counts)
    return BacktestResult.from_tables(run.tables, run.summary, "python", served, counts)


def run_backtest(
    strategy: BaseStrategy,
    data: Any,
    execution_config: Mapping[str, Any] | None = None,
    portfolio_config: Mapping[str, Any] | None = None,
    *,
    progress: Progress | None = None,
) -> BacktestResult:
    """Backtests ``strategy`` over ``data``.

    Args:
        strategy: a :class:`BaseStrategy` (e.g. :class:`MeanReversionZScore`,
            :class:`SignalStrategy` or your own subclass).
        data: :class:`omega_indicators.AlignedMultiCandleData` or anything it accepts
            (``{tf: {side: DataFrame | Table | mapping of columns | [Candle, ...]}}``); the
            strategy's ``timeframe`` is the primary timeframe, with bid and ask candles.
        execution_config: keyword arguments of :class:`omega_execution.ExecutionSimulator`
            (``symbol_specs`` must include the strategy's symbol).
        portfolio_config: ``initial_balance`` (default 10 000), ``account_currency`` (USD),
            ``annualization`` (252).
        progress: optional ``progress(done, total)`` in primary bars: the Python loop calls
            it every few thousand bars, the Rust loop once at the end.

    Returns a :class:`BacktestResult`; ``result.loop`` says which loop ran and
    ``result.backends`` which backend served each wave.
    """
    if not isinstance(strategy, BaseStrategy):
        raise TypeError(
            f"strategy: expected a BaseStrategy (e.g. MeanReversionZScore), got "
            f"{type(strategy).__name__}"
        )
    settings = Settings.from_configs(execution_config, portfolio_config)
    aligned = as_aligned(data, strategy.timeframe)
    loop, _ = choose_loop(strategy)
    before = wave_calls()
    if loop == "rust":
        result = _run_rust(strategy, aligned, settings, before)
        if progress is not None:
            bars = len(aligned.timestamps)
            progress(bars, bars)
        return result
    run = run_backtest_python(python_loop_strategy(strategy), aligned, settings, progress)
    return python_loop_result(run, before)


def _run_rust(
    strategy: BaseStrategy,
    data: AlignedMultiCandleData,
    settings: Settings,
    before: dict[str, dict[str, int]],
) -> BacktestResult:
    config = strategy.rust_config()
    if config is None or strategy.rust_name is None:
        raise RuntimeError(f"{strategy.name}: no Rust configuration")
    # The Rust strategy reads its own risk_per_trade override from init_args.
    init_args, arrays = config
    raw = STATE.rust().run_backtest_rust(
        strategy.rust_name,
        init_args,
        arrays,
        data.primary_tf,
        candle_args(data),
        settings.execution_json(),
        settings.portfolio_json(),
    )
    counts = {k: int(v) for k, v in raw["counts"].items()}
    served = measured_backends(before, wave_calls(), "rust", counts)
    timings = {k: v / 1e6 for k, v in raw["nanos"].items()}
    return BacktestResult.from_tables(raw, raw["summary"], "rust", served, counts, timings)


def strategy_from_config(config: Mapping[str, Any] | str | Path) -> BaseStrategy:
    """A strategy from an ADR-0006 config: a mapping, JSON text or a JSON file path.

    ``{"strategy": {"class": "MeanReversionZScore", "rust_enabled": true, "init_args": {...}}}``
    (or the inner object alone). ``module`` may name a module with a :class:`BaseStrategy`
    subclass of your own (built with ``**init_args``); without it, ``class`` is one of
    ``omega_strategy``'s strategies.
    """
    if isinstance(config, Path) or (
        isinstance(config, str) and not config.lstrip().startswith("{")
    ):
        config = json.loads(Path(config).read_text(encoding="utf-8"))
    elif isinstance(config, str):
        config = json.loads(config)
    if not isinstance(config, Mapping):
        raise TypeError(f"config: expected a JSON object, got {type(config).__name__}")
    body = config.get("strategy", config)
    if not isinstance(body, Mapping):
        raise TypeError(f"config.strategy: expected a JSON object, got {type(body).__name__}")
    unknown = sorted(set(body) - {"class", "module", "rust_enabled", "init_args"})
    if unknown:
        raise ValueError(
            f"config.strategy: unknown key {unknown[0]!r} (accepted: class, init_args, module, "
            "rust_enabled)"
        )
    name = body.get("class")
    if not isinstance(name, str):
        raise TypeError(f"config.strategy.class: expected a string, got {name!r}")
    rust_enabled = body.get("rust_enabled", True)
    if not isinstance(rust_enabled, bool):
        raise TypeError(f"config.strategy.rust_enabled: expected a boolean, got {rust_enabled!r}")
    init_args = body.get("init_args", {})
    if not isinstance(init_args, Mapping):
        raise TypeError(f"config.strategy.init_args: expected a JSON object, got {init_args!r}")
    module = body.get("module")
    if module is None or module == "omega_strategy":
        if name not in REGISTRY:
            raise ValueError(
                f"config.strategy.class: expected one of {', '.join(REGISTRY)} (or give "
                f"'module'), got '{name}'"
            )
        cls: Any = REGISTRY[name]
        return cls(init_args=dict(init_args), rust_enabled=rust_enabled)  # type: ignore[no-any-return]
    if not isinstance(module, str):
        raise TypeError(f"config.strategy.module: expected a string, got {module!r}")
    target = getattr(importlib.import_module(module), name, None)
    if not (isinstance(target, type) and issubclass(target, BaseStrategy)):
        raise ValueError(
            f"config.strategy.class: expected a BaseStrategy subclass in {module}, got '{name}'"
        )
    strategy = target(**init_args)
    strategy.rust_enabled = rust_enabled
    return strategy
