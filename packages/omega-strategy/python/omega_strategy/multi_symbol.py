"""Several symbols on one account: :func:`run_backtest_symbols` (``docs/backtest_loop.md``, L9).

One strategy instance per symbol, all on ONE :class:`omega_execution.ExecutionSimulator` and
its :class:`omega_portfolio.Portfolio` (one balance; each symbol's spec sizes and prices its
own trades). With one symbol it is :func:`omega_strategy.run_backtest` (the whole loop in Rust
when it can); with several, the Python event loop runs every symbol's per-bar step
(:class:`~omega_strategy._python.backtest.BarLoop`) — the Rust loop is single-symbol — and a
strategy whose backend is Rust is served bar by bar by its Rust implementation
(:class:`~omega_strategy.per_bar_rust.PerBarRustStrategy`).

Order: the timeline is the union of the symbols' valid primary timestamps (bid and ask close
present); at each timestamp, the symbols having a bar there take their step in the order
given. After all of them, one equity point marks every open position at its symbol's latest
known close — the close of that symbol's last bar at or before the timestamp (nothing later,
nothing invented); a symbol without a bar at that timestamp keeps its previous close, and a
symbol not yet started has no positions to mark.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from omega_execution import ExecutionSimulator, Position
from omega_indicators import AlignedMultiCandleData
from omega_indicators.cache import as_aligned

from ._backend_select import REQUIRE_FLAG, flag_name, read_mode, read_require
from ._python import results
from ._python.backtest import PROGRESS_EVERY, Progress, PythonRun, _Loop, new_simulator
from ._python.strategy import BaseStrategy
from ._settings import Settings
from .per_bar_rust import runs_per_bar
from .results import BacktestResult
from .runner import choose_loop, python_loop_result, python_loop_strategy, run_backtest
from .served_backends import wave_calls

__all__ = ["run_backtest_symbols"]


class _Leg(_Loop):
    """One symbol of the run: its strategy and aligned data on the shared simulator."""

    def __init__(self, strategy: BaseStrategy, data: Any, settings: Settings, book: _Book) -> None:
        super().__init__(strategy, as_aligned(data, strategy.timeframe), settings, book.sim)
        self.book = book
        valid = ~(np.isnan(self.bid.close) | np.isnan(self.ask.close))
        self.valid_bars: NDArray[np.intp] = np.flatnonzero(valid)
        """Indices of the valid primary bars."""

    def own_active(self) -> list[Position]:
        symbol = self.symbol
        return [p for p in self.sim.active_positions if p.symbol == symbol]

    def before_change(self, t: int) -> None:
        self.book.before_change()


class _Book:
    """The shared simulator, the merged timeline and the equity points."""

    def __init__(
        self, strategies: Sequence[BaseStrategy], data: Sequence[Any], settings: Settings
    ) -> None:
        risks = {s.risk_per_trade for s in strategies}
        if len(risks) > 1:
            raise ValueError(
                "strategies: expected one risk_per_trade for all symbols (one simulator), got "
                + ", ".join(f"{s.symbol}: {s.risk_per_trade}" for s in strategies)
            )
        self.sim: ExecutionSimulator = new_simulator(settings, strategies[0].risk_per_trade)
        self.portfolio = self.sim.portfolio
        self.legs = [_Leg(s, d, settings, self) for s, d in zip(strategies, data, strict=True)]
        stamps = [leg.timestamps[leg.valid_bars] for leg in self.legs]
        self.timestamps: NDArray[np.int64] = np.unique(np.concatenate(stamps))
        n = len(self.timestamps)
        self.at: list[NDArray[np.intp]] = []
        """Per leg: its bar index at each timeline row, -1 where it has none."""
        self.marks: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
        """Per leg: its latest known bid and ask close at each row (NaN before its first)."""
        self.first_row: list[int] = []
        for leg, leg_stamps in zip(self.legs, stamps, strict=True):
            at = np.full(n, -1, dtype=np.intp)
            at[np.searchsorted(self.timestamps, leg_stamps)] = leg.valid_bars
            latest = np.maximum.accumulate(at)
            known = latest >= 0
            self.at.append(at)
            self.marks.append(
                (
                    np.where(known, leg.bid.close[latest], np.nan),
                    np.where(known, leg.ask.close[latest], np.nan),
                )
            )
            self.first_row.append(int(np.argmax(known)) if known.any() else n)
        self.row = 0
        self.eq_start = 0
        """Equity rows ``eq_start..row`` are not written yet."""
        self.portfolio_calls = 0

    def flush(self, start: int, end: int) -> None:
        """Equity points of rows ``start..end`` marking the symbols started by ``start``."""
        if end <= start:
            return
        self.portfolio_calls += 1
        started = [i for i, first in enumerate(self.first_row) if first <= start]
        if end - start == 1:
            self.portfolio.update_equity(
                int(self.timestamps[start]),
                {
                    self.legs[i].symbol: (float(self.marks[i][0][start]),
                                          float(self.marks[i][1][start]))
                    for i in started
                },
            )  # fmt: skip
            return
        self.portfolio.update_equity_batch(
            self.timestamps[start:end],
            {
                self.legs[i].symbol: (self.marks[i][0][start:end], self.marks[i][1][start:end])
                for i in started
            },
        )

    def before_change(self) -> None:
        """The pending equity points, before a simulator call of the current row."""
        self.flush(self.eq_start, self.row)
        self.eq_start = self.row

    def run(self, progress: Progress | None) -> None:
        """Every row of the timeline, each leg in order (module docs)."""
        legs = [
            (leg, at.tolist(), *leg.lists()) for leg, at in zip(self.legs, self.at, strict=True)
        ]
        n = len(self.timestamps)
        chunk = n if progress is None else PROGRESS_EVERY
        for start in range(0, n, max(chunk, 1)):
            end = min(start + chunk, n)
            for row in range(start, end):
                self.row = row
                for leg, at, ts, bid, ask in legs:
                    t = at[row]
                    if t >= 0:
                        leg.visit(t, ts, bid, ask)
            if progress is not None:
                progress(end, n)
        self.flush(self.eq_start, n)

    def result(self) -> PythonRun:
        """The tables, bars counted on the merged timeline (``bar`` = timeline row), with a
        ``symbol`` column in ``orders``, ``signals`` and ``actions``."""
        positions = self.sim.positions
        symbol_of = {p.id: p.symbol for p in positions}
        fill_rows: dict[int, int | None] = {}
        signals: list[results.SignalRecord] = []
        actions: list[results.ActionRecord] = []
        for leg, at in zip(self.legs, self.at, strict=True):
            row_of = np.full(len(leg.timestamps), -1, dtype=np.intp)
            row_of[at[at >= 0]] = np.flatnonzero(at >= 0)
            fill_rows.update(
                {pid: None if t is None else int(row_of[t]) for pid, t in leg.fill_bars.items()}
            )
            signals += [dataclasses.replace(r, bar=int(row_of[r.bar])) for r in leg.signals]
            actions += [dataclasses.replace(r, bar=int(row_of[r.bar])) for r in leg.actions]
        # Stable sorts: within a row, the legs' records stay in the legs' (processing) order.
        signals.sort(key=lambda r: r.bar)
        actions.sort(key=lambda r: r.bar)
        ts = self.timestamps

        def with_symbol(table: results.Table, ids: Sequence[int]) -> results.Table:
            return {"symbol": results.categorical(symbol_of[i] for i in ids)} | table

        tables: dict[str, results.Table] = {
            "trades": results.trades(self.portfolio.trades, positions, ts),
            "orders": with_symbol(
                results.orders(positions, [fill_rows.get(p.id) for p in positions]),
                [p.id for p in positions],
            ),
            "signals": with_symbol(results.signals(signals, ts), [r.id for r in signals]),
            "actions": with_symbol(results.actions(actions, ts), [r.id for r in actions]),
            "equity": results.equity(self.portfolio.equity_curve),
        }
        return PythonRun(
            tables=tables,
            summary=self.portfolio.get_summary(),
            bars=sum(leg.bars for leg in self.legs),
            indicator_calls=sum(leg.cache.kernel_calls for leg in self.legs),
            execution_calls=sum(leg.execution_calls for leg in self.legs),
            portfolio_calls=self.portfolio_calls,
            simulator=self.sim,
        )


def _served_strategy(strategy: BaseStrategy) -> BaseStrategy:
    """What the multi-symbol Python loop runs for ``strategy``; ``RuntimeError`` when the
    flags demand the Rust strategy but it has only a whole-loop Rust implementation."""
    loop, _ = choose_loop(strategy)  # raises when the flags demand Rust it cannot have
    if loop == "rust" and not runs_per_bar(strategy):
        _, mode = read_mode("strategy", os.environ)
        if mode == "rust" or read_require(os.environ):
            asked = flag_name("strategy") if mode == "rust" else REQUIRE_FLAG
            raise RuntimeError(
                f"omega-strategy: {asked} requires the Rust strategy, but {strategy.name} has "
                "only a whole-loop Rust implementation and the whole loop in Rust is "
                "single-symbol"
            )
    return python_loop_strategy(strategy)


def _checked_runs(runs: object) -> list[tuple[BaseStrategy, AlignedMultiCandleData]]:
    """``runs`` as ``(strategy, aligned data)`` pairs, checked before anything runs:
    ``TypeError``/``ValueError`` naming ``runs`` or ``runs[i]``."""
    if runs is None or isinstance(runs, str | bytes | Mapping) or not isinstance(runs, Iterable):
        raise TypeError(
            f"runs: expected a sequence of (strategy, data) pairs, got {type(runs).__name__}"
        )
    checked = []
    for i, run in enumerate(runs):
        if not isinstance(run, tuple | list) or len(run) != 2:
            got = (
                f"a {type(run).__name__} of {len(run)} items"
                if isinstance(run, tuple | list)
                else type(run).__name__
            )
            raise TypeError(f"runs[{i}]: expected a (strategy, data) pair, got {got}")
        strategy, data = run
        if not isinstance(strategy, BaseStrategy):
            raise TypeError(
                f"runs[{i}][0]: expected a BaseStrategy (e.g. MeanReversionZScore), got "
                f"{type(strategy).__name__}"
            )
        try:
            aligned = as_aligned(data, strategy.timeframe)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"runs[{i}][1]: {exc}") from exc
        checked.append((strategy, aligned))
    if not checked:
        raise ValueError("runs: expected at least one (strategy, data) pair, got none")
    return checked


def run_backtest_symbols(
    runs: Iterable[tuple[BaseStrategy, Any]],
    execution_config: Any = None,
    portfolio_config: Any = None,
    *,
    progress: Progress | None = None,
) -> BacktestResult:
    """Backtests several symbols on one account (module docs).

    Args:
        runs: ``(strategy, data)`` per symbol, in the order symbols take their steps at a
            shared timestamp; ``data`` as :func:`omega_strategy.run_backtest` takes it. The
            strategies' symbols must differ and their timeframes agree. Any iterable, read
            once, up front; a bad entry raises naming ``runs[i]``.
        execution_config: as :func:`~omega_strategy.run_backtest`; ``symbol_specs`` must
            include every symbol.
        portfolio_config: as :func:`~omega_strategy.run_backtest` (one balance for all).
        progress: optional ``progress(done, total)`` in timeline rows.

    Returns a :class:`BacktestResult`; with several symbols the tables' bars are rows of the
    merged timeline and ``orders``, ``signals`` and ``actions`` have a ``symbol`` column.
    """
    checked = _checked_runs(runs)
    strategies = [strategy for strategy, _ in checked]
    if len(checked) == 1:
        strategy, data = checked[0]
        return run_backtest(strategy, data, execution_config, portfolio_config, progress=progress)
    symbols = [s.symbol for s in strategies]
    repeated = sorted({s for s in symbols if symbols.count(s) > 1})
    if repeated:
        raise ValueError(f"runs: expected one strategy per symbol, got {repeated[0]!r} twice")
    timeframes = {s.timeframe for s in strategies}
    if len(timeframes) > 1:
        raise ValueError(
            "runs: expected one primary timeframe for all symbols, got "
            + ", ".join(f"{s.symbol}: {s.timeframe}" for s in strategies)
        )
    settings = Settings.from_configs(execution_config, portfolio_config)
    before = wave_calls()
    served = [_served_strategy(s) for s in strategies]
    book = _Book(served, [data for _, data in checked], settings)
    book.run(progress)
    return python_loop_result(book.result(), before)
