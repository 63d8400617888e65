"""The Python event loop; mirror of ``src/backtest.rs`` (``docs/backtest_loop.md``).

It runs any :class:`BaseStrategy` bar by bar against whichever backends of omega-indicators,
omega-execution and omega-portfolio are active (Rust components: the hybrid path; Python
fallbacks: the pure-Python path). For each valid primary bar ``t``:

1. if there are pending or open positions: ``evaluate_exits`` on bar ``t``, then
   ``manage_position`` for each open position, whose actions go to the simulator;
2. ``evaluate`` → at most one signal → ``process_signal``;
3. an equity point at bar ``t``'s closes, written in batches of bars during which nothing
   changed the portfolio (flushed before any simulator call that may change it — the same
   points as the Rust loop).

Rules 1 and 2 are :meth:`BarLoop.step`, one bar at a time; the live runner
(``omega_strategy.live``) runs the same step on streamed bars and the multi-symbol loop
(``omega_strategy.multi_symbol``) one step per symbol on a shared simulator. An optional
``progress(done, total)`` callback is called every :data:`PROGRESS_EVERY` bars.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from omega_execution import ExecutionSimulator, Position, TradeSignal
from omega_indicators import AlignedMultiCandleData
from omega_portfolio import Portfolio

from .._settings import Settings
from . import results
from .cache import IndicatorCache, InitContext
from .data_slice import Bar, DataSlice
from .results import ActionRecord, SignalRecord
from .strategy import (
    BaseStrategy,
    Close,
    Hold,
    ModifyStopLoss,
    ModifyTakeProfit,
    PositionAction,
    PositionView,
)


@dataclass
class PythonRun:
    """What the Python loop produced (tables as :mod:`.results` builds them)."""

    tables: dict[str, results.Table]
    summary: dict[str, float | int]
    bars: int
    indicator_calls: int
    execution_calls: int
    portfolio_calls: int
    simulator: ExecutionSimulator


Progress = Callable[[int, int], None]
"""``progress(done, total)``: called by the loops with the bars done so far (module docs)."""

Ohlc = tuple[list[float], list[float], list[float], list[float]]
"""A side's open, high, low and close columns as lists."""

PROGRESS_EVERY = 4096
"""Bars between two ``progress`` calls of the Python loop."""


def new_simulator(settings: Settings, risk_per_trade: float | None) -> ExecutionSimulator:
    """A fresh portfolio and the simulator writing into it (``settings``' specs)."""
    portfolio = Portfolio(
        settings.initial_balance, settings.account_currency, settings.annualization
    )
    return ExecutionSimulator(portfolio, **settings.simulator_kwargs(risk_per_trade))


class BarLoop:
    """The per-bar rules of the loop (:meth:`step`) over one strategy, simulator and
    portfolio; shared by the batch loop (:class:`_Loop`), the live runner
    (``omega_strategy.live``) and the multi-symbol loop (``omega_strategy.multi_symbol``),
    which differ only in where the indicator values and the equity points come from.

    ``sim``: a simulator shared with other symbols' loops (default: a fresh one); the loop
    then sees only its own symbol's positions (:meth:`own_active`)."""

    def __init__(
        self, strategy: BaseStrategy, settings: Settings, sim: ExecutionSimulator | None = None
    ) -> None:
        self.strategy = strategy
        self.sim = new_simulator(settings, strategy.risk_per_trade) if sim is None else sim
        self.portfolio = self.sim.portfolio
        self.symbol = strategy.symbol
        if self.symbol not in self.sim.symbols:
            raise ValueError(
                f"symbol_specs: expected a spec for the strategy's symbol '{self.symbol}', got none"
            )
        self.timeframe = strategy.timeframe
        self.cache = IndicatorCache()
        self.fill_bars: dict[int, int | None] = {}
        """Position id → the bar it filled on (``None``: not filled)."""
        self.unfilled: list[int] = []
        self.signals: list[SignalRecord] = []
        self.actions: list[ActionRecord] = []
        self.active: list[Position] = []
        self.bars = 0
        self.execution_calls = 0
        self.portfolio_calls = 0

    def record_fills(self, t: int) -> None:
        still = []
        active = {p.id: p for p in self.active}  # refreshed by the exits just before
        for pid in self.unfilled:
            p = active.get(pid) or self.sim.position(pid)
            if p.status == "pending":
                still.append(pid)
            elif p.trigger_time is not None:
                self.fill_bars[pid] = t
        self.unfilled = still

    def own_active(self) -> list[Position]:
        """The simulator's active positions (all of them are this loop's unless the
        simulator is shared: the multi-symbol loop, ``omega_strategy.multi_symbol``, keeps
        its own symbol's)."""
        return self.sim.active_positions

    def apply(self, pid: int, t: int, time: int, price: float, action: PositionAction) -> None:
        if isinstance(action, Hold):
            return
        if isinstance(action, ModifyStopLoss):
            self.sim.modify_stop_loss(pid, action.new_sl)
        elif isinstance(action, ModifyTakeProfit):
            self.sim.modify_take_profit(pid, action.new_tp)
        elif isinstance(action, Close):
            self.sim.close_position(pid, time, price, action.reason)
        else:
            raise TypeError(
                f"{self.strategy.name}.manage_position: expected a PositionAction (Hold, "
                f"ModifyStopLoss, ModifyTakeProfit, Close), got {action!r}"
            )
        self.execution_calls += 1
        self.active = self.own_active()  # the new level or status
        self.actions.append(ActionRecord(t, pid, action))

    def exits(self, t: int, bid: Bar, ask: Bar) -> None:
        """The simulator's exit checks on bar ``t`` (pending fills, stops, targets)."""
        self.execution_calls += 1
        closed = self.sim.evaluate_exits(bid, ask, self.symbol)
        if closed or self.unfilled:
            # Otherwise nothing changed: exit checks only fill, close or cancel positions, and
            # ``self.active`` is refreshed after every other change (entries, actions).
            self.active = self.own_active()
        if self.unfilled:
            self.record_fills(t)

    def manage(self, t: int, stamp: int, bid: Bar, ask: Bar) -> None:
        """Every open position's action — decided on the state after the exits — applied in
        id order; a close exits at this bar's exit-side close."""
        data_slice = DataSlice(
            self.symbol, self.timeframe, t, bid, ask, len(self.active), self.cache
        )
        decided = []
        for position in self.active:
            if position.status != "open":
                continue
            fill_index = self.fill_bars[position.id]
            if fill_index is None:
                fill_index = t
            view = PositionView(position, fill_index, t - fill_index)
            action = self.strategy.manage_position(view, data_slice)
            if not isinstance(action, Hold):
                decided.append((position.id, position.direction, action))
        for pid, direction, action in decided:
            self.apply(pid, t, stamp, ask.close if direction == "short" else bid.close, action)

    def enter(self, t: int, stamp: int, signal: object) -> None:
        """Sends the strategy's signal of bar ``t`` to the simulator."""
        if not isinstance(signal, TradeSignal):
            raise TypeError(
                f"{self.strategy.name}.evaluate: expected a TradeSignal or None, got {signal!r}"
            )
        if signal.timestamp != stamp or signal.symbol != self.symbol:
            raise ValueError(
                f"signal: expected a signal for {self.symbol} stamped with the bar's timestamp "
                f"{stamp}, got {signal.symbol} at {signal.timestamp}"
            )
        self.execution_calls += 1
        pid = self.sim.process_signal(signal)
        self.active = active = self.own_active()
        # The new position has the highest id: the last active one unless it was rejected.
        p = active[-1] if active and active[-1].id == pid else self.sim.position(pid)
        self.fill_bars[pid] = t if p.trigger_time is not None else None
        if p.status == "pending":
            self.unfilled.append(pid)
        self.signals.append(
            SignalRecord(
                t, pid, signal.direction, signal.entry, signal.sl, signal.tp,
                signal.order_type, signal.scenario, signal.reason,
            )
        )  # fmt: skip

    def before_change(self, t: int) -> None:
        """Called before the first simulator call of bar ``t`` (which may change the
        portfolio): the batch loop writes the pending equity points there."""

    def step(self, t: int, bid: Bar, ask: Bar, wants: bool) -> None:
        """Rules 1 and 2 of valid primary bar ``t``: the exits and position management when
        positions are active, then ``evaluate`` (only where the strategy ``wants`` the bar)
        and its signal. The caller writes the bar's equity point."""
        had_active = bool(self.active)
        stamp = bid.timestamp
        if had_active:
            self.before_change(t)
            self.exits(t, bid, ask)
            if wants:
                self.manage(t, stamp, bid, ask)
        if not wants:
            return
        signal = self.strategy.evaluate(
            DataSlice(self.symbol, self.timeframe, t, bid, ask, len(self.active), self.cache)
        )
        if signal is not None:
            if not had_active:
                self.before_change(t)
            self.enter(t, stamp, signal)

    def result(self, ts: NDArray[np.int64]) -> PythonRun:
        """The tables so far; ``ts``: the primary timestamps of the bars seen."""
        positions = self.sim.positions
        tables: dict[str, results.Table] = {
            "trades": results.trades(self.portfolio.trades, positions, ts),
            "orders": results.orders(positions, [self.fill_bars.get(p.id) for p in positions]),
            "signals": results.signals(self.signals, ts),
            "actions": results.actions(self.actions, ts),
            "equity": results.equity(self.portfolio.equity_curve),
        }
        return PythonRun(
            tables=tables,
            summary=self.portfolio.get_summary(),
            bars=self.bars,
            indicator_calls=self.cache.kernel_calls,
            execution_calls=self.execution_calls,
            portfolio_calls=self.portfolio_calls,
            simulator=self.sim,
        )


class _Loop(BarLoop):
    """The batch loop over aligned data (the indicators computed once before it)."""

    def __init__(
        self,
        strategy: BaseStrategy,
        data: AlignedMultiCandleData,
        settings: Settings,
        sim: ExecutionSimulator | None = None,
    ) -> None:
        tf = data.primary_tf
        if strategy.timeframe != tf:
            raise ValueError(
                f"data: expected the primary timeframe {strategy.timeframe} of {strategy.name}, "
                f"got {tf}"
            )
        for side in ("bid", "ask"):
            if side not in data.sides(tf):
                raise ValueError(
                    f"data: expected {tf} bid and ask candles (the primary timeframe), got no "
                    f"{tf}/{side} series"
                )
        super().__init__(strategy, settings, sim)
        self.data = data
        strategy.on_init(InitContext(data, self.cache, settings.fill_at))
        self.timestamps: NDArray[np.int64] = data.timestamps
        self.bid = data.series(tf, "bid")
        self.ask = data.series(tf, "ask")
        self.eq_start = 0
        """Equity rows ``eq_start..t`` are valid bars not written yet."""

    def flush(self, start: int, end: int) -> None:
        """Equity points of bars ``start..end``: ``update_equity`` for one bar,
        ``update_equity_batch`` for more (as the Rust loop)."""
        if end <= start:
            return
        self.portfolio_calls += 1
        if end - start == 1:
            self.portfolio.update_equity(
                int(self.timestamps[start]),
                {self.symbol: (float(self.bid.close[start]), float(self.ask.close[start]))},
            )
            return
        self.portfolio.update_equity_batch(
            self.timestamps[start:end],
            {self.symbol: (self.bid.close[start:end], self.ask.close[start:end])},
        )

    def before_change(self, t: int) -> None:
        self.flush(self.eq_start, t)
        self.eq_start = t

    def lists(self) -> tuple[list[int], Ohlc, Ohlc]:
        """The primary timestamps and the bid and ask open, high, low, close as lists."""
        b, a = self.bid, self.ask
        return (
            self.timestamps.tolist(),
            (b.open.tolist(), b.high.tolist(), b.low.tolist(), b.close.tolist()),
            (a.open.tolist(), a.high.tolist(), a.low.tolist(), a.close.tolist()),
        )

    def visit(self, t: int, ts: list[int], bid: Ohlc, ask: Ohlc) -> None:
        """Valid primary bar ``t`` (columns from :meth:`lists`): counted, and stepped when
        the strategy wants it or positions are active."""
        self.bars += 1
        wants = self.strategy.wants_bar(t)
        if wants or self.active:
            stamp = ts[t]
            self.step(
                t,
                Bar(stamp, bid[0][t], bid[1][t], bid[2][t], bid[3][t]),
                Bar(stamp, ask[0][t], ask[1][t], ask[2][t], ask[3][t]),
                wants,
            )

    def run(self, progress: Progress | None = None) -> None:
        """The loop over every primary bar; ``progress(done, total)`` after each
        :data:`PROGRESS_EVERY` bars (the bars run in chunks, so no per-bar cost)."""
        ts, bid, ask = self.lists()
        valid = (~(np.isnan(self.bid.close) | np.isnan(self.ask.close))).tolist()
        n = len(ts)
        chunk = n if progress is None else PROGRESS_EVERY
        for start in range(0, n, max(chunk, 1)):
            end = min(start + chunk, n)
            for t in range(start, end):
                if not valid[t]:
                    self.flush(self.eq_start, t)
                    self.eq_start = t + 1
                    continue
                self.visit(t, ts, bid, ask)
            if progress is not None:
                progress(end, n)
        self.flush(self.eq_start, n)


def run_backtest_python(
    strategy: BaseStrategy,
    data: AlignedMultiCandleData,
    settings: Settings,
    progress: Progress | None = None,
) -> PythonRun:
    """Runs ``strategy`` over ``data`` on the Python loop (see the module docs);
    ``progress(done, total)``: optional, called every :data:`PROGRESS_EVERY` primary bars."""
    loop = _Loop(strategy, data, settings)
    loop.run(progress)
    return loop.result(loop.timestamps)
