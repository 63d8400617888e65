"""``create_engine(config) -> Engine`` and ``Engine.run() -> BacktestResult``.

The engine validates the config (:func:`omega_engine.load_config`), builds one strategy per
configured symbol through ``omega_strategy.strategy_from_config``, loads the market data with
the timeframes the strategy needs, maps the execution/portfolio settings onto
``omega_strategy.run_backtest_symbols`` and runs it — one wiring point: a single symbol is the
N=1 case, which ``run_backtest_symbols`` hands to ``omega_strategy.run_backtest`` (the whole
loop in Rust when the strategy has a Rust implementation and every wave is on Rust, else the
Python event loop against whichever backends are active); several symbols share one simulator
and portfolio on the Python event loop (docs/engine.md, "Several symbols").

``BacktestResult.backends`` is measured, never echoed from the flags (docs/engine.md): the
waves' call counters are read before and after the run and compared by
``omega_strategy.served_backends`` (the one implementation, which ``run_backtest`` uses too;
its module docs give the rules). The strategy is ``"rust"`` when the loop called its Rust
implementation (bar by bar or the whole loop).

:func:`check_required` then fails the run with ``RuntimeError`` naming the wave when a wave
was served (even partly) by Python while ``OMEGA_REQUIRE_RUST_FFI=1`` or its
``OMEGA_USE_RUST_<WAVE>`` flag forces Rust, by Rust while its flag forces Python, or (the
portfolio, which every run writes) by nothing measurable while Rust is required.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omega_indicators.data import TIMEFRAME_MINUTES

from .config import ConfigSource, EngineConfig, ExecutionConfig, load_config
from .data.loaders import SymbolData, load_market_data
from .progress import Progress
from .result import BacktestResult
from .symbols import SymbolRun, symbol_summaries

__all__ = ["Engine", "create_engine", "execution_kwargs", "portfolio_kwargs"]

_FILL_AT = {"next_open": "next_open", "close": "signal_close"}
_DEFAULT_EXECUTION = ExecutionConfig()


def execution_kwargs(config: EngineConfig) -> dict[str, Any]:
    """``config.execution`` and the symbols' specs as ``run_backtest``'s ``execution_config``
    (the keyword arguments of ``omega_execution.ExecutionSimulator``)."""
    from omega_execution import FeeModel, FixedSlippage, NoSlippage, RandomSlippage  # noqa: PLC0415

    e = config.execution
    if e.intrabar_policy != _DEFAULT_EXECUTION.intrabar_policy:  # pragma: no cover - schema
        raise ValueError(f"execution.intrabar_policy: {e.intrabar_policy!r} is not supported")
    slippage: object = {
        "none": NoSlippage(),
        "fixed": FixedSlippage(e.slippage.pips),
        "random": RandomSlippage(e.slippage.max_pips),
    }[e.slippage.model]
    fee: object = {
        "none": None,
        "per_lot": FeeModel(per_lot=e.fees.amount),
        "per_notional": FeeModel(rate=e.fees.rate),
    }[e.fees.model]
    specs = {}
    for symbol in config.symbols:
        spec = symbol.spec.portfolio_spec(symbol.name)
        spec.pop("symbol")
        specs[symbol.name] = {k: v for k, v in spec.items() if v is not None}
    return {
        "risk_per_trade": e.risk_per_trade,
        "symbol_specs": specs,
        "pip_buffer_factor": e.pip_buffer_factor,
        "slippage_model": slippage,
        "fee_model": fee,
        "seed": e.seed,
        "intrabar_policy": e.intrabar_policy,
        "fill_at": _FILL_AT[e.fill_at],
    }


def portfolio_kwargs(config: EngineConfig) -> dict[str, Any]:
    """``config.portfolio`` as ``run_backtest``'s ``portfolio_config``."""
    p = config.portfolio
    return {
        "initial_balance": p.initial_balance,
        "account_currency": p.account_currency,
        "annualization": p.annualization,
    }


def _build_strategy(config: EngineConfig, symbol: str, timeframe: str | None) -> Any:
    import omega_strategy  # noqa: PLC0415

    params = dict(config.strategy.params)
    params.setdefault("symbol", symbol)
    if timeframe is not None:
        given = params.setdefault("timeframe", timeframe)
        if given != timeframe:
            raise ValueError(
                f"strategy.params.timeframe: {given!r} contradicts strategy.timeframe "
                f"{timeframe!r}; give one of them"
            )
    if params["symbol"] != symbol:
        raise ValueError(
            f"strategy.params.symbol: expected the configured symbol {symbol!r}, got "
            f"{params['symbol']!r}"
        )
    return omega_strategy.strategy_from_config({"class": config.strategy.name, "init_args": params})


def _strategy_timeframes(strategy: Any) -> tuple[str, ...]:
    """Higher timeframes the strategy reads (``config.htf`` of the reference strategies)."""
    settings = getattr(strategy, "config", None)
    wanted = []
    for name in ("htf", "higher_timeframes"):
        value = getattr(settings, name, None)
        if isinstance(value, str):
            wanted.append(value)
        elif isinstance(value, tuple | list):
            wanted.extend(str(v) for v in value)
    primary = TIMEFRAME_MINUTES.get(str(strategy.timeframe), 0)
    return tuple(tf for tf in dict.fromkeys(wanted) if TIMEFRAME_MINUTES.get(tf, 0) > primary)


def check_required(backends: Mapping[str, str], environ: Mapping[str, str] = os.environ) -> None:
    """``RuntimeError`` naming the wave when the measured ``backends`` contradict the flags
    (module docs): Python where Rust is required or forced, Rust where Python is forced, no
    measured portfolio where Rust is required."""
    from omega_strategy._backend_select import REQUIRE_FLAG, read_mode, read_require  # noqa: PLC0415

    require = read_require(environ)
    for wave, served in backends.items():
        raw, mode = read_mode(wave, environ)
        flag = f"OMEGA_USE_RUST_{wave.upper()}={raw}"
        used = served.split("+")
        if mode == "python" and "rust" in used:
            raise RuntimeError(
                f"omega-engine: {flag} forces Python, but wave {wave!r} (omega-{wave}) was "
                f"served by {served}"
            )
        if not (require or mode == "rust"):
            continue
        asked = f"{REQUIRE_FLAG}=1" if require else flag
        if "python" in used or (wave == "portfolio" and served == "none"):
            raise RuntimeError(
                f"omega-engine: {asked} requires Rust, but wave {wave!r} (omega-{wave}) was "
                f"served by {served}"
            )


@dataclass
class Engine:
    """A configured backtest: the validated config and, per symbol (config order), its
    strategy instance and market data."""

    config: EngineConfig
    symbols: tuple[SymbolRun, ...]
    execution_config: dict[str, Any]
    portfolio_config: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def strategy(self) -> Any:
        """The first symbol's strategy (every symbol's has the same settings)."""
        return self.symbols[0].strategy

    @property
    def data(self) -> SymbolData:
        """The first symbol's market data (every symbol's has the same primary timeframe)."""
        return self.symbols[0].data

    @property
    def loop(self) -> str:
        """``"rust"`` or ``"python"``: the loop :meth:`run` will use (raises on unmet flags);
        several symbols always run on the Python loop."""
        import omega_strategy  # noqa: PLC0415

        loops = [str(omega_strategy.choose_loop(s.strategy)[0]) for s in self.symbols]
        return loops[0] if len(loops) == 1 else "python"

    def run(self, *, progress: Progress | None = None) -> BacktestResult:
        """Runs the backtest, writes the outputs ``config.output`` asks for (Parquet files,
        HTML/PNG report) and returns the result. ``progress``: the bar to move (default: one
        per ``config.output.progress``, drawn on runs longer than a second); the Python loop
        reports every few thousand bars, the Rust loop at the end."""
        import omega_strategy  # noqa: PLC0415
        from omega_strategy.served_backends import measured_backends, wave_calls  # noqa: PLC0415

        bar = (
            progress
            if progress is not None
            else Progress.for_mode(self.config.output.progress, None, "backtest")
        )

        def report(done: int, total: int) -> None:
            bar.total = total
            bar.update(done)

        before = wave_calls()
        started = time.perf_counter()
        try:
            raw = omega_strategy.run_backtest_symbols(
                [(s.strategy, s.data.candles) for s in self.symbols],
                self.execution_config,
                self.portfolio_config,
                progress=report,
            )
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        after = wave_calls()
        backends = measured_backends(before, after, raw.loop, raw.counts)
        check_required(backends)
        timings = {**self.timings, "run": elapsed}
        names = [s.data.name for s in self.symbols]
        metadata = {
            "loop": raw.loop,
            "strategy": self.strategy.name,
            "symbol": ", ".join(names),
            "symbols": names,
            "timeframes": list(self.data.candles.timeframes),
            "bars": len(raw.equity),
            "synthetic_data": any(s.data.synthetic for s in self.symbols),
            "counts": dict(raw.counts),
            "strategy_backends": dict(raw.backends),
            "loop_timings_ms": dict(raw.timings),
            "calls_before": before,
            "calls_after": after,
        }
        result = BacktestResult(
            trades=raw.trades,
            equity=raw.equity,
            summary=dict(raw.summary),
            backends=backends,
            config=self.config.to_dict(),
            timings=timings,
            metadata=metadata,
            symbol_summaries=symbol_summaries(raw.trades, names),
        )
        self.write(result)
        return result

    def write(self, result: BacktestResult) -> dict[str, Path]:
        """Writes what ``config.output`` asks for; returns the paths by name."""
        output = self.config.output
        written: dict[str, Path] = {}
        if output.parquet:
            written.update(result.to_parquet(output.dir))
        if output.report:
            files = result.report(output.dir / "report.html", title=self._title())
            written["report.html"] = files.html
            written["report.png"] = files.png
        return written

    def _title(self) -> str:
        names = ", ".join(s.data.name for s in self.symbols)
        return f"{self.strategy.name} on {names} {self.data.primary_tf}"


def create_engine(config: ConfigSource | EngineConfig = None) -> Engine:
    """An :class:`Engine` for ``config`` (a mapping, a ``.toml``/``.json`` path, an
    :class:`EngineConfig`, or ``None`` for the bundled default: synthetic EURUSD M5 and
    ``MeanReversionZScore``); one strategy instance per configured symbol. Raises
    ``ConfigError``/``ValueError``/``DataError`` on bad input."""
    cfg = config if isinstance(config, EngineConfig) else load_config(config)
    names = [s.name for s in cfg.symbols]
    started = time.perf_counter()
    timeframe = cfg.strategy.timeframe
    strategy = _build_strategy(cfg, names[0], timeframe)
    data = load_market_data(cfg, _strategy_timeframes(strategy))
    primary = data[names[0]].primary_tf
    if timeframe is None and strategy.timeframe != primary:
        if "timeframe" in cfg.strategy.params:
            raise ValueError(
                f"strategy.params.timeframe: {strategy.timeframe!r} differs from the data's "
                f"primary timeframe {primary!r}; set strategy.timeframe"
            )
        timeframe = primary
        strategy = _build_strategy(cfg, names[0], timeframe)
        data = load_market_data(_with_timeframe(cfg, timeframe), _strategy_timeframes(strategy))
    strategies = [strategy, *(_build_strategy(cfg, name, timeframe) for name in names[1:])]
    load = time.perf_counter() - started
    return Engine(
        config=cfg,
        symbols=tuple(SymbolRun(s, data[s.symbol]) for s in strategies),
        execution_config=execution_kwargs(cfg),
        portfolio_config=portfolio_kwargs(cfg),
        timings={"load": load},
    )


def _with_timeframe(config: EngineConfig, timeframe: str | None) -> EngineConfig:
    from dataclasses import replace  # noqa: PLC0415

    return replace(config, strategy=replace(config.strategy, timeframe=timeframe))
