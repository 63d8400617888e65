"""``LiveSession(config)``: the engine's strategy fed one primary bar at a time.

>>> from omega_engine import LiveSession
>>> session = LiveSession()  # the bundled default strategy (MeanReversionZScore, EURUSD M5)
>>> bar = (1_700_000_000_000_000, 1.1, 1.1002, 1.0998, 1.1001)  # (timestamp µs, o, h, l, c)
>>> session.on_bar(bar, (bar[0], 1.1001, 1.1003, 1.0999, 1.1002))
[]

The session builds the strategy, execution and portfolio settings from the same config forms
as :func:`omega_engine.create_engine` (``None`` = the bundled default); the market data part of
the config is not read — the caller streams the bars. Each :meth:`LiveSession.on_bar` checks
the bid and ask candles (``live_input.py``), releases the higher-timeframe candles that closed
by this bar's close time (``data/htf_builder.py``: the resampling and visibility rules of the
batch data, DESIGN §4), then runs ``omega_strategy.LiveRunner``: the batch Python loop's
per-bar step over streaming indicators. Replaying a dataset gives exactly the batch
backtest's trades, equity curve and summary. Bad input raises before anything changes.
See ``docs/live.md``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from omega_strategy import Action, BacktestResult, Bar, LiveRunner
from omega_strategy.served_backends import measured_backends, wave_calls

from .config import ConfigSource, EngineConfig, load_config
from .data.htf_builder import Candle, HtfCandleBuilder
from .engine import (
    _build_strategy,
    _strategy_timeframes,
    check_required,
    execution_kwargs,
    portfolio_kwargs,
)
from .live_input import parse_candle

__all__ = ["Action", "Candle", "LiveSession"]

_PRICES = ("open", "high", "low", "close")


class LiveSession:
    """A live (bar-by-bar) run of the configured strategy on one symbol (module docs)."""

    def __init__(self, config: ConfigSource | EngineConfig = None) -> None:
        self._calls_before = wave_calls()
        cfg = config if isinstance(config, EngineConfig) else load_config(config)
        if len(cfg.symbols) != 1:
            raise ValueError(
                f"symbols: a live session trades exactly one symbol, got {len(cfg.symbols)}"
            )
        self.config = cfg
        self.symbol = cfg.symbols[0].name
        self.strategy: Any = _build_strategy(cfg, self.symbol, cfg.strategy.timeframe)
        self.timeframe: str = self.strategy.timeframe
        """The primary timeframe: the bars :meth:`on_bar` takes."""
        self._runner = LiveRunner(
            self.strategy,
            execution_kwargs(cfg),
            portfolio_kwargs(cfg),
            _strategy_timeframes(self.strategy),
        )
        # The strategy logic of a live session is Python (over streaming indicators): a flag
        # or OMEGA_REQUIRE_RUST_FFI=1 that asks for Rust on the strategy wave fails here.
        check_required({"strategy": "python"})
        self._htf = [
            (tf, side, HtfCandleBuilder(self.timeframe, tf))
            for tf, side in self._runner.wanted_htf()
        ]
        self._last: int | None = None

    def on_bar(self, bid: object, ask: object) -> list[Action]:
        """Feeds the next primary bar (bid and ask candles with the same timestamp, later than
        the previous bar's; forms in ``live_input.py``) and returns what the session did on it.
        ``ValueError``/``TypeError`` on bad input, with the session unchanged."""
        b = parse_candle("bid", bid)
        a = parse_candle("ask", ask)
        if a.timestamp != b.timestamp:
            raise ValueError(
                f"ask.timestamp: expected the bid candle's timestamp {b.timestamp}, got "
                f"{a.timestamp}"
            )
        if self._last is not None and b.timestamp <= self._last:
            raise ValueError(
                f"bid.timestamp: expected a time after the previous bar's {self._last} "
                f"(strictly increasing), got {b.timestamp}"
            )
        if not (a[1] >= b[1] and a[2] >= b[2] and a[3] >= b[3] and a[4] >= b[4]):
            _crossed(b, a)
        # Lazy: the runner checks the bar against its streams before it pulls the HTF candles
        # (the builders change only once every check has passed).
        closed = (
            (tf, side, candle)
            for tf, side, builder in self._htf
            for candle in builder.push(*(b if side == "bid" else a))
        )
        taken = len(self._runner.timestamps)
        try:
            return self._runner.on_bar(Bar(*b[:5]), Bar(*a[:5]), closed)
        finally:
            # Recorded once the runner took the bar (every check passed), also when the
            # strategy then raised: the bar is part-way in and must not be fed twice.
            if len(self._runner.timestamps) > taken:
                self._last = b.timestamp

    @property
    def bars(self) -> int:
        """Primary bars processed so far."""
        return self._runner.bars

    @property
    def last_timestamp(self) -> int | None:
        """The last bar's timestamp (µs UTC), ``None`` before the first bar."""
        return self._last

    @property
    def portfolio(self) -> Any:
        """The session's ``omega_portfolio`` ledger (balance, equity, open positions …)."""
        return self._runner.portfolio

    @property
    def simulator(self) -> Any:
        """The session's ``omega_execution.ExecutionSimulator`` (positions, orders)."""
        return self._runner.sim

    @property
    def summary(self) -> dict[str, float | int]:
        """The portfolio summary so far (same keys as ``BacktestResult.summary``)."""
        return dict(self._runner.portfolio.get_summary())

    @property
    def trades(self) -> pd.DataFrame:
        """Closed trades so far, the same table as the batch ``BacktestResult.trades``."""
        return self.result().trades

    def result(self) -> BacktestResult:
        """The run so far as ``omega_strategy.BacktestResult`` (trades, equity, summary,
        orders, signals, actions); ``digest()`` compares it bit for bit with a batch run.
        ``RuntimeError`` if a wave that a flag requires on Rust was served by Python."""
        check_required(self.backends)
        return self._runner.backtest_result()

    @property
    def backends(self) -> dict[str, str]:
        """Which backend served each wave since the session was created, measured as the
        engine's Python loop measures it: the growth of each wave's call counters
        (``omega_<wave>.backend_calls()``; process-wide, so another run in the same process at
        the same time is counted too). The strategy logic is Python."""
        return measured_backends(self._calls_before, wave_calls(), "python", {})


def _crossed(bid: Candle, ask: Candle) -> None:
    """``ValueError`` naming the first OHLC field where the ask is below the bid."""
    for i, field in enumerate(_PRICES, 1):
        if ask[i] < bid[i]:
            raise ValueError(
                f"ask.{field}: expected a price >= the bid {field} {bid[i]} (the batch loaders' "
                f"crossed-quotes rule), got {ask[i]}"
            )
