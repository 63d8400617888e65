"""Mirror of the binding crate ``omega-execution-py`` (``simulator.rs``, ``ledger.rs``).

:class:`PySimulator` has exactly the constructor, methods and return types of
``omega_execution._rust.ExecutionSimulator`` (plain arguments in, tuples and numpy arrays out);
:class:`LedgerView` those of ``omega_execution._rust.LedgerView`` (the interface of
``omega_portfolio``'s portfolio implementations). The public ``ExecutionSimulator`` drives
either without knowing which.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from omega_portfolio._python.portfolio import Portfolio
from omega_portfolio._python.symbol_spec import SpecTuple

from .batch import BarColumns, SignalColumns, evaluate_exits_batch, process_signals_batch
from .candle import Candle, Tick
from .config import SimulatorConfig, parse_fill_at
from .errors import invalid_value
from .fees import FeeModel
from .ledger import Ledger
from .path import parse_policy
from .position import Position
from .signal import TradeSignal, parse_direction, parse_order_type
from .simulator import Simulator
from .sizing import Sizing
from .slippage import SlippageModel

PositionTuple = tuple[
    tuple[int, str, str, str, str],
    tuple[int, float, int | None, float | None, int | None, float | None, str | None],
    tuple[float | None, float | None, float | None, float | None],
    tuple[float, float, float, float, float],
    tuple[str, str],
]
Quad = tuple[float, float, float, float]
BarArrays = tuple[Any, Any, Any, Any, Any]
SignalArrays = tuple[Any, Any, Any, Any, Any, Any, Any, Any, Any, Any, Any, Any]


def position_tuple(p: Position) -> PositionTuple:
    """The tuple ``convert.rs::position_tuple`` builds."""
    return (
        (p.id, p.symbol, p.direction, p.order_type, p.status),
        (
            p.entry_time,
            p.entry_price,
            p.trigger_time,
            p.trigger_price,
            p.exit_time,
            p.exit_price,
            p.exit_reason,
        ),
        (p.initial_stop_loss, p.initial_take_profit, p.stop_loss, p.take_profit),
        (p.size, p.entry_fee, p.exit_fee, p.entry_slippage, p.exit_slippage),
        (p.reason, p.scenario),
    )


def _signal(
    timestamp: int,
    direction: str,
    symbol: str,
    entry: float,
    sl: float | None,
    tp: float | None,
    order_type: str,
    reason: str,
    scenario: str,
) -> TradeSignal:
    return TradeSignal(
        timestamp,
        parse_direction(direction),
        symbol,
        entry,
        sl,
        tp,
        parse_order_type(order_type),
        reason,
        scenario,
    )


def _sizing(kind: str, value: float) -> Sizing:
    if kind == "risk":
        return Sizing("risk", value)
    if kind == "fixed_lots":
        return Sizing("fixed_lots", value)
    if kind == "fraction_of_equity":
        return Sizing("fraction_of_equity", value)
    raise invalid_value("sizing", "one of 'risk', 'fixed_lots', 'fraction_of_equity'", f"'{kind}'")


def _slippage(kind: str, pips: float) -> SlippageModel:
    if kind == "none":
        return SlippageModel("none", pips)
    if kind == "fixed":
        return SlippageModel("fixed", pips)
    if kind == "random":
        return SlippageModel("random", pips)
    raise invalid_value("slippage_model", "one of 'none', 'fixed', 'random'", f"'{kind}'")


def _signal_columns(s: SignalArrays) -> SignalColumns:
    return SignalColumns(*s)


class PySimulator:
    """``omega_execution._rust.ExecutionSimulator`` in Python."""

    def __init__(
        self,
        initial_balance: float,
        account_currency: str,
        annualization: float,
        risk_per_trade: float,
        pip_buffer_factor: float,
        intrabar_policy: str,
        fill_at: str,
        sizing_kind: str,
        sizing_value: float,
        slippage_kind: str,
        slippage_pips: float,
        fee: tuple[float, float, float] | None,
        seed: int,
        timeout_us: int | None,
        ledger: Ledger | None = None,
    ) -> None:
        config = SimulatorConfig(
            risk_per_trade=risk_per_trade,
            pip_buffer_factor=pip_buffer_factor,
            intrabar_policy=parse_policy(intrabar_policy),
            fill_at=parse_fill_at(fill_at),
            sizing=_sizing(sizing_kind, sizing_value),
            slippage=_slippage(slippage_kind, slippage_pips),
            fees=None if fee is None else FeeModel(*fee),
            seed=seed,
            timeout_us=timeout_us,
        )
        portfolio = (
            Portfolio(initial_balance, account_currency, annualization)
            if ledger is None
            else ledger
        )
        self.inner = Simulator(portfolio, config)

    def add_symbol(self, spec: SpecTuple) -> None:
        self.inner.add_symbol(spec)

    def process_signal(
        self,
        timestamp: int,
        direction: str,
        symbol: str,
        entry: float,
        sl: float | None,
        tp: float | None,
        order_type: str,
        reason: str,
        scenario: str,
    ) -> int:
        s = _signal(timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario)
        return self.inner.process_signal(s)

    def process_signal_tick(
        self,
        timestamp: int,
        direction: str,
        symbol: str,
        entry: float,
        sl: float | None,
        tp: float | None,
        order_type: str,
        reason: str,
        scenario: str,
        tick_time: int,
        bid: float,
        ask: float,
    ) -> int:
        s = _signal(timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario)
        return self.inner.process_signal_tick(s, Tick(tick_time, bid, ask))

    def evaluate_exits(self, symbol: str, timestamp: int, bid: Quad, ask: Quad) -> list[int]:
        return self.inner.evaluate_exits(symbol, Candle(timestamp, *bid), Candle(timestamp, *ask))

    def evaluate_exits_tick(self, symbol: str, timestamp: int, bid: float, ask: float) -> list[int]:
        return self.inner.evaluate_exits_tick(symbol, Tick(timestamp, bid, ask))

    def modify_stop_loss(self, position_id: int, sl: float | None) -> None:
        self.inner.modify_stop_loss(position_id, sl)

    def modify_take_profit(self, position_id: int, tp: float | None) -> None:
        self.inner.modify_take_profit(position_id, tp)

    def close_position(
        self, position_id: int, timestamp: int | None, price: float | None, reason: str
    ) -> None:
        self.inner.close_position(position_id, timestamp, price, reason)

    def _own(self, what: str) -> Simulator:
        """The simulator over its own Python ledger; an error naming the call otherwise."""
        if not isinstance(self.inner.portfolio, Portfolio):
            raise ValueError(
                f"{what}: the batch APIs need the execution and portfolio waves on the same "
                "backend (this simulator writes into a Rust portfolio)"
            )
        return self.inner

    def process_signals_batch(self, signals: SignalArrays) -> npt.NDArray[np.uint64]:
        ids = process_signals_batch(self._own("process_signals_batch"), _signal_columns(signals))
        return np.array(ids, dtype=np.uint64)

    def evaluate_exits_batch(
        self, symbol: str, bid: BarArrays, ask: BarArrays, signals: SignalArrays | None
    ) -> npt.NDArray[np.uint64]:
        closed = evaluate_exits_batch(
            self._own("evaluate_exits_batch"),
            symbol,
            BarColumns(*bid),
            BarColumns(*ask),
            None if signals is None else _signal_columns(signals),
        )
        return np.array(closed, dtype=np.uint64)

    def position(self, position_id: int) -> PositionTuple | None:
        p = self.inner.position(position_id)
        return None if p is None else position_tuple(p)

    def positions(self) -> list[PositionTuple]:
        return [position_tuple(p) for p in self.inner.positions]

    def active_ids(self) -> list[int]:
        return [self.inner.positions[i].id for i in self.inner.active]

    @property
    def next_id(self) -> int:
        return self.inner.next_id

    def last_quote(self, symbol: str) -> tuple[int, float, float] | None:
        q = self.inner.last_quote(symbol)
        return None if q is None else (q.time, q.bid, q.ask)

    def symbols(self) -> list[str]:
        return [s.spec.symbol for s in self.inner.symbols]


class LedgerView:
    """``omega_execution._rust.LedgerView`` in Python: the simulator's portfolio with the
    interface of ``omega_portfolio``'s implementations.

    Over a simulator writing into a Rust portfolio (the waves on different backends) only its
    guarded writes are used (``omega_execution._guarded_ledger``), as with the Rust view, whose
    reads need the simulator's own ledger."""

    def __init__(self, simulator: PySimulator) -> None:
        self.simulator = simulator
        self._portfolio: Ledger = simulator.inner.portfolio

    def add_symbol(self, spec: SpecTuple) -> None:
        self.simulator.inner.add_symbol(spec)

    def register_entry(
        self,
        id: int,
        symbol: str,
        direction: str,
        size: float,
        entry_time: int,
        entry_price: float,
        stop_loss: float | None,
        take_profit: float | None,
        symbol_spec: SpecTuple | None,
    ) -> None:
        self.simulator.inner.register_external_entry(
            id,
            symbol,
            direction,
            size,
            entry_time,
            entry_price,
            stop_loss,
            take_profit,
            symbol_spec,
        )

    def register_exit(
        self, position_id: int, exit_time: int, exit_price: float, reason: str
    ) -> None:
        self.simulator.inner.register_external_exit(position_id, exit_time, exit_price, reason)

    def register_fee(self, amount: float, time: int, kind: str, position_id: int | None) -> None:
        self._portfolio.register_fee(amount, time, kind, position_id)

    def update_equity(
        self, timestamp: int, symbols: list[str], bids: list[float], asks: list[float]
    ) -> float:
        return self._portfolio.update_equity(timestamp, symbols, bids, asks)

    def update_equity_batch(
        self,
        timestamps: npt.NDArray[np.int64],
        symbols: list[str],
        bids: list[npt.NDArray[np.float64]],
        asks: list[npt.NDArray[np.float64]],
    ) -> None:
        self._portfolio.update_equity_batch(timestamps, symbols, bids, asks)

    def summary(self) -> dict[str, float | int]:
        return self._portfolio.summary()

    @property
    def initial_balance(self) -> float:
        return self._portfolio.initial_balance

    @property
    def account_currency(self) -> str:
        return self._portfolio.account_currency

    @property
    def annualization(self) -> float:
        return self._portfolio.annualization

    @property
    def balance(self) -> float:
        return self._portfolio.balance

    @property
    def equity(self) -> float:
        return self._portfolio.equity

    @property
    def unrealized_pnl(self) -> float:
        return self._portfolio.unrealized_pnl

    @property
    def total_fees(self) -> float:
        return self._portfolio.total_fees

    @property
    def peak_equity(self) -> float:
        return self._portfolio.peak_equity

    @property
    def drawdown(self) -> float:
        return self._portfolio.drawdown

    @property
    def clock(self) -> int | None:
        return self._portfolio.clock

    @property
    def open_count(self) -> int:
        return self._portfolio.open_count

    def symbols(self) -> list[str]:
        return self._portfolio.symbols()

    def trade_columns(self) -> dict[str, Any]:
        return self._portfolio.trade_columns()

    def open_position_columns(self) -> dict[str, Any]:
        return self._portfolio.open_position_columns()

    def equity_curve_columns(self) -> dict[str, Any]:
        return self._portfolio.equity_curve_columns()

    def fee_columns(self) -> dict[str, Any]:
        return self._portfolio.fee_columns()
