"""``LiveRunner``: the Python event loop fed one primary bar at a time.

The runner is the batch loop's per-bar step (``BarLoop.step``: exits, position management,
``evaluate`` → at most one signal) over indicators fed by streaming classes
(:mod:`omega_strategy.streaming`), with one equity point written per bar. Replaying a dataset
bar by bar therefore gives the batch backtest's trades, equity curve and summary bit for bit
(``omega_engine.LiveSession`` adds config handling, input checks and HTF candles; see
``packages/omega-engine/docs/live.md``).

Each :meth:`LiveRunner.on_bar` returns what happened on that bar as :class:`Action` records —
what an order router would consume — in the order it happened: fills/exits/cancellations of
the simulator's exit checks, then the strategy's management actions, then the new order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, cast

import numpy as np

from omega_execution import Position

from ._backend import STATE
from ._python.backtest import BarLoop
from ._python.cache import InitContext
from ._python.data_slice import Bar
from ._python.strategy import BaseStrategy, Close, ModifyStopLoss, ModifyTakeProfit
from ._settings import Settings
from .results import BacktestResult
from .streaming import StreamedIndicatorCache, StreamingInitContext

__all__ = ["Action", "ActionKind", "LiveRunner"]

ActionKind = Literal[
    "open", "order", "reject", "fill", "exit", "cancel", "modify_sl", "modify_tp", "close"
]


class Action(NamedTuple):
    """One thing the session did on a bar.

    ``kind``:

    * ``open`` — a market order filled on this bar (``price`` = fill price);
    * ``order`` — an order placed that fills later (limit/stop, or a market order with
      ``fill_at="next_open"``; ``price`` = the requested entry);
    * ``reject`` — the simulator rejected the signal (``reason`` = the signal's reason);
    * ``fill`` — a pending order filled (``price`` = fill price, ``time`` = fill time);
    * ``exit`` — the simulator closed a position (stop loss, take profit …; ``reason`` says
      which, ``price`` = exit price);
    * ``cancel`` — a pending order was cancelled;
    * ``modify_sl`` / ``modify_tp`` — the strategy moved the stop / target (``price`` = the new
      level, ``None`` removes it);
    * ``close`` — the strategy closed a position (``price`` = exit price, ``reason`` its reason).

    ``time`` is µs UTC (the bar's open time, or the simulator's fill/exit time); ``size`` in
    lots; ``sl``/``tp`` the position's levels after the action.
    """

    kind: ActionKind
    time: int
    position_id: int
    side: str
    price: float | None
    size: float
    reason: str
    sl: float | None
    tp: float | None


def _action(kind: ActionKind, time: int, p: Position, price: float | None, reason: str) -> Action:
    return Action(kind, time, p.id, p.direction, price, p.size, reason, p.stop_loss, p.take_profit)


def _transition(p: Position, status: str, stamp: int, closed_by_strategy: bool) -> list[Action]:
    """The actions of the exit checks that took ``p`` from ``status`` to ``p.status`` (a
    strategy close is reported by its management action instead)."""
    out = []
    if status == "pending" and p.trigger_time is not None:
        out.append(_action("fill", p.trigger_time, p, p.trigger_price, p.reason))
    when = stamp if p.exit_time is None else p.exit_time
    if p.status == "cancelled":
        out.append(_action("cancel", when, p, None, p.exit_reason or ""))
    elif p.status == "closed" and not closed_by_strategy:
        out.append(_action("exit", when, p, p.exit_price, p.exit_reason or ""))
    return out


class LiveRunner(BarLoop):
    """The loop of ``strategy`` fed bar by bar (module docs).

    ``execution_config``/``portfolio_config``: as :func:`omega_strategy.run_backtest`.
    ``higher_timeframes``: the HTFs whose closed candles the caller passes to :meth:`on_bar`
    (what the strategy may read besides its primary timeframe). The caller guarantees valid,
    strictly increasing bars with bid and ask on the same timestamp (``LiveSession`` checks).
    """

    def __init__(
        self,
        strategy: BaseStrategy,
        execution_config: Mapping[str, Any] | None = None,
        portfolio_config: Mapping[str, Any] | None = None,
        higher_timeframes: Sequence[str] = (),
    ) -> None:
        if not isinstance(strategy, BaseStrategy):
            raise TypeError(
                f"strategy: expected a BaseStrategy (e.g. MeanReversionZScore), got "
                f"{type(strategy).__name__}"
            )
        settings = Settings.from_configs(execution_config, portfolio_config)
        super().__init__(strategy, settings)
        # The strategy logic runs as Python (as the batch Python loop records it).
        STATE.python_calls.record()
        self.cache = StreamedIndicatorCache()
        self.indicators = StreamingInitContext(
            self.cache, strategy.timeframe, higher_timeframes, settings.fill_at
        )
        # The streaming context answers every call of the batch InitContext (duck-typed).
        strategy.on_init(cast(InitContext, self.indicators))
        self.timestamps: list[int] = []

    def wanted_htf(self) -> list[tuple[str, str]]:
        """The HTF (timeframe, side) pairs whose closed candles the strategy reads."""
        return self.indicators.wanted_htf()

    def on_bar(
        self, bid: Bar, ask: Bar, closed_htf: Iterable[tuple[str, str, Any]] = ()
    ) -> list[Action]:
        """Processes the next primary bar; ``closed_htf``: the ``(timeframe, side, candle)``
        HTF candles that became visible at this bar (closed by its close time), oldest first.
        Returns the bar's actions. ``ValueError`` with nothing changed when the ledger or a
        stream would reject the bar (``closed_htf`` is iterated only after those checks)."""
        if not bid.close <= ask.close:
            raise ValueError(
                f"ask.close: expected a price >= the bid close {bid.close}, got {ask.close}"
            )
        self.indicators.advance(bid, ask, closed_htf)
        t = len(self.timestamps)
        self.timestamps.append(bid.timestamp)
        self.bars += 1
        wants = self.strategy.wants_bar(t)
        actions: list[Action] = []
        if wants or self.active:
            before = [(p.id, p.status) for p in self.active]
            n_signals, n_actions = len(self.signals), len(self.actions)
            self.step(t, bid, ask, wants)
            unchanged = (
                len(self.signals) == n_signals
                and len(self.actions) == n_actions
                and [(p.id, p.status) for p in self.active] == before
            )
            if not unchanged:
                actions = self._actions(bid.timestamp, before, n_signals, n_actions)
        self.portfolio_calls += 1
        self.portfolio.update_equity(bid.timestamp, {self.symbol: (bid.close, ask.close)})
        return actions

    def _actions(
        self, stamp: int, before: Sequence[tuple[int, str]], n_signals: int, n_actions: int
    ) -> list[Action]:
        """What the step did: the exit checks' transitions of the positions active before it,
        the management actions, the new order."""
        known = {p.id: p for p in self.active}

        def position(pid: int) -> Position:
            p = known.get(pid)
            if p is None:
                p = known[pid] = self.sim.position(pid)
            return p

        out: list[Action] = []
        managed = self.actions[n_actions:]
        closed_by_strategy = {r.id for r in managed if isinstance(r.action, Close)}
        for pid, status in before:
            p = position(pid)
            if p.status != status:
                out.extend(_transition(p, status, stamp, pid in closed_by_strategy))
        for record in managed:
            p = position(record.id)
            action = record.action
            if isinstance(action, ModifyStopLoss):
                out.append(_action("modify_sl", stamp, p, action.new_sl, ""))
            elif isinstance(action, ModifyTakeProfit):
                out.append(_action("modify_tp", stamp, p, action.new_tp, ""))
            elif isinstance(action, Close):
                out.append(_action("close", stamp, p, p.exit_price, action.reason))
        for signal in self.signals[n_signals:]:
            p = position(signal.id)
            if p.status == "rejected":
                out.append(_action("reject", stamp, p, signal.entry, signal.reason))
            elif p.trigger_time is not None:
                out.append(_action("open", p.trigger_time, p, p.trigger_price, signal.reason))
            else:
                out.append(_action("order", stamp, p, signal.entry, signal.reason))
        return out

    def backtest_result(self) -> BacktestResult:
        """The run so far as a :class:`BacktestResult` (trades, equity, summary, orders,
        signals, actions), the same tables the batch loops return."""
        run = self.result(np.asarray(self.timestamps, dtype=np.int64))
        counts = {
            "bars": run.bars,
            "indicators": run.indicator_calls,
            "execution": run.execution_calls,
            "portfolio": run.portfolio_calls,
        }
        return BacktestResult.from_tables(run.tables, run.summary, "python", {}, counts)
