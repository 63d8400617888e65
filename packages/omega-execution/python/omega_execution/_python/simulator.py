"""Mirror of ``simulator.rs``: the execution simulator writing into the Python portfolio.

Every call validates all of its input first and plans its effects without changing anything;
only a fully checked plan is committed, so an error leaves the simulator and its portfolio
exactly as they were.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from omega_portfolio._python import pnl
from omega_portfolio._python.symbol_spec import SpecTuple, SymbolSpec

from .._backend import STATE
from . import exits
from .candle import Candle, Tick, check_time, validate_pair
from .config import SimulatorConfig
from .errors import internal, invalid_value, with_suffix
from .exits import Hit, Levels
from .ledger import Ledger
from .path import Bar, to_long_space, up_first
from .pending import find_trigger
from .position import (
    BREAK_EVEN_STOP_LOSS,
    INVALID_SIZE,
    SIGNAL,
    SIZE_BELOW_MINIMUM,
    STOP_LOSS,
    STOPS_CROSSED_AT_FILL,
    TAKE_PROFIT,
    TIMEOUT,
    Position,
    is_active,
)
from .signal import Direction, TradeSignal, check_level, slips
from .sizing import FillContext, size
from .slippage import FillKey

T = TypeVar("T")


class LastQuote(NamedTuple):
    """The last quote seen for a symbol (a bar's closes or a tick)."""

    time: int
    bid: float
    ask: float

    def exit_price(self, direction: Direction) -> float:
        """Bid for a long, ask for a short."""
        return self.bid if direction == "long" else self.ask


class _SymbolState:
    __slots__ = ("last_bar", "last_quote", "spec", "vpp")

    def __init__(self, spec: SymbolSpec, vpp: float) -> None:
        self.spec = spec
        self.vpp = vpp
        self.last_bar: int | None = None
        self.last_quote: LastQuote | None = None


class Fill(NamedTuple):
    idx: int
    time: int
    price: float
    size: float
    slippage: float
    fee: float | None


class Exit(NamedTuple):
    idx: int
    time: int
    price: float
    slippage: float
    reason: str
    fee: float | None
    pnl: float


class Reject(NamedTuple):
    idx: int
    time: int
    reason: str


Planned = Fill | Exit | Reject


class _Filled(NamedTuple):
    price: float
    size: float


def _non_empty(name: str, value: str) -> None:
    if not value:
        raise invalid_value(name, "a non-empty string", "''")


class Simulator:
    """The execution simulator (Python fallback of ``omega_execution::Simulator``).

    ``portfolio`` is a :class:`~.ledger.Ledger` (either omega-portfolio implementation); symbols
    are registered with :meth:`add_symbol` (which registers them in the portfolio too).
    """

    def __init__(self, portfolio: Ledger, config: SimulatorConfig) -> None:
        STATE.python_calls.record()
        config.validate()
        ids = [
            int(i)
            for i in (
                *portfolio.trade_columns()["id"],
                *portfolio.open_position_columns()["id"],
            )
        ]
        largest = max(ids) if ids else None
        if largest is not None and largest >= 2**64 - 1:
            raise invalid_value("portfolio", "position ids below 2**64 - 1", largest)
        self.config = config
        self.portfolio = portfolio
        self.symbols: list[_SymbolState] = []
        self.symbol_index: dict[str, int] = {}
        self.positions: list[Position] = []
        self.id_index: dict[int, int] = {}
        self.active: list[int] = []
        self.next_id = 1 if largest is None else largest + 1
        self.clock: int | None = None

    # ----- symbols ------------------------------------------------------------------------

    def _insert_symbol(self, spec: SymbolSpec) -> None:
        if spec.symbol in self.symbol_index:
            return
        vpp = spec.value_per_price(self.portfolio.account_currency)
        self.symbol_index[spec.symbol] = len(self.symbols)
        self.symbols.append(_SymbolState(spec, vpp))

    def add_symbol(self, spec: SpecTuple) -> None:
        """Registers a symbol spec in the portfolio and the simulator."""
        STATE.python_calls.record()
        self.portfolio.add_symbol(spec)
        self._insert_symbol(SymbolSpec.from_tuple(spec))

    def _symbol_lookup(self, name: str, symbol: str) -> int:
        index = self.symbol_index.get(symbol)
        if index is None:
            raise invalid_value(name, "a symbol with a registered symbol spec", f"'{symbol}'")
        return index

    # ----- time ---------------------------------------------------------------------------

    def now(self) -> int | None:
        """The latest time the simulator or its portfolio has seen."""
        a, b = self.clock, self.portfolio.clock
        if a is not None and b is not None:
            return max(a, b)
        return a if a is not None else b

    def _check_clock(self, name: str, time: int, at: str) -> None:
        check_time(name, time, at)
        now = self.now()
        if now is not None and time < now:
            raise invalid_value(
                name,
                f"a timestamp >= {now}, the latest time the simulator has seen (time must "
                "not go backwards)",
                f"{time}{at}",
            )

    def _check_bar_time(self, sym: int, name: str, time: int, at: str) -> None:
        self._check_clock(name, time, at)
        last = self.symbols[sym].last_bar
        if last is not None and time <= last:
            raise invalid_value(
                name,
                f"a timestamp after {last}, the last bar of {self.symbols[sym].spec.symbol} "
                "(a bar cannot be evaluated twice)",
                f"{time}{at}",
            )

    def _advance(self, time: int) -> None:
        if self.clock is None or time > self.clock:
            self.clock = time

    # ----- signals ------------------------------------------------------------------------

    def check_signal(self, signal: TradeSignal, at: str) -> int:
        try:
            sym = self._symbol_lookup("symbol", signal.symbol)
            signal.validate(self.config.sizing.needs_sl())
        except ValueError as exc:
            raise with_suffix(exc, at) from None
        check_time("timestamp", signal.timestamp, at)
        return sym

    def process_signal(self, signal: TradeSignal) -> int:
        """Processes a signal in candle mode (R4, R5, R7); returns the position id."""
        STATE.python_calls.record()
        sym = self.check_signal(signal, "")
        self._check_clock("timestamp", signal.timestamp, "")
        return self.process_checked(signal, sym)

    def process_checked(self, signal: TradeSignal, sym: int) -> int:
        if signal.order_type == "market" and self.config.fill_at == "signal_close":
            return self._open_now(signal, sym, signal.timestamp, signal.entry)
        return self._place(signal, sym, signal.timestamp)

    def process_signal_tick(self, signal: TradeSignal, tick: Tick) -> int:
        """Processes a signal in tick mode (R6)."""
        STATE.python_calls.record()
        sym = self.check_signal(signal, "")
        tick.validate()
        if tick.timestamp < signal.timestamp:
            raise invalid_value(
                "tick.timestamp",
                f"a timestamp >= the signal's timestamp {signal.timestamp}",
                tick.timestamp,
            )
        self._check_clock("tick.timestamp", tick.timestamp, "")
        quote = LastQuote(tick.timestamp, tick.bid, tick.ask)
        if signal.order_type == "market":
            price = tick.ask if signal.direction == "long" else tick.bid
            position_id = self._open_now(signal, sym, tick.timestamp, price)
        else:
            position_id = self._place(signal, sym, tick.timestamp)
        self.symbols[sym].last_quote = quote
        return position_id

    def _take_id(self) -> int:
        position_id = self.next_id
        self.next_id = min(self.next_id + 1, 2**64 - 1)
        return position_id

    def _place(self, signal: TradeSignal, sym: int, time: int) -> int:
        position_id = self._take_id()
        idx = len(self.positions)
        self.positions.append(Position(position_id, signal, time, sym))
        self.id_index[position_id] = idx
        self.active.append(idx)
        self._advance(time)
        return position_id

    def _open_now(self, signal: TradeSignal, sym: int, time: int, price: float) -> int:
        position_id = self.next_id
        idx = len(self.positions)
        pos = Position(position_id, signal, time, sym)
        plan: list[Planned] = []
        equity: list[float] = []
        level = to_long_space(price, pos.direction)
        self._plan_fill(pos, idx, level, True, time, equity, plan)
        self._check_plan(plan)
        self._take_id()
        self.positions.append(pos)
        self.id_index[position_id] = idx
        self._commit(plan, [])
        if is_active(pos.status):
            self.active.append(idx)
        self._advance(time)
        return position_id

    # ----- planning -----------------------------------------------------------------------

    def _equity(self, cache: list[float]) -> float:
        if not self.config.sizing.needs_equity():
            return 0.0
        if not cache:
            cache.append(self.portfolio.equity)
        return cache[0]

    def _levels(self, pos: Position) -> Levels:
        d = pos.direction
        sl = None if pos.stop_loss is None else to_long_space(pos.stop_loss, d)
        tp = None if pos.take_profit is None else to_long_space(pos.take_profit, d)
        spec = self.symbols[pos.symbol_index].spec
        return Levels(sl, tp, spec.pip_size * self.config.pip_buffer_factor)

    def _slip(self, pos: Position, time: int, buys: bool) -> float:
        sym = self.symbols[pos.symbol_index]
        key = FillKey(self.config.seed, sym.spec.symbol, time, pos.id, buys)
        return self.config.slippage.slip(sym.spec.pip_size, key)

    def _plan_fill(
        self,
        pos: Position,
        idx: int,
        level: float,
        slipping: bool,
        time: int,
        equity: list[float],
        plan: list[Planned],
    ) -> _Filled | None:
        d = pos.direction
        fill = level
        slippage = 0.0
        if slipping:
            slippage = self._slip(pos, time, d == "long")
            fill += slippage
        levels = self._levels(pos)
        if not levels.admits_fill(fill):
            plan.append(Reject(idx, time, STOPS_CROSSED_AT_FILL))
            return None
        sym = self.symbols[pos.symbol_index]
        price = to_long_space(fill, d)
        context = FillContext(
            price,
            None if levels.sl is None else fill - levels.sl,
            sym.vpp,
            self._equity(equity),
        )
        outcome = size(self.config.sizing, self.config.risk_per_trade, context, sym.spec)
        if isinstance(outcome, str):
            why = INVALID_SIZE if outcome == "invalid" else SIZE_BELOW_MINIMUM
            plan.append(Reject(idx, time, why))
            return None
        lots = outcome
        fees = self.config.fees
        fee = None if fees is None else fees.fee(lots, price, sym.vpp)
        plan.append(Fill(idx, time, price, lots, slippage, fee))
        return _Filled(price, lots)

    def _plan_exit(
        self,
        pos: Position,
        idx: int,
        hit: Hit,
        stop_moved: bool,
        filled: _Filled,
        time: int,
        plan: list[Planned],
    ) -> None:
        if hit.kind == "stop_loss":
            why, slipping = (BREAK_EVEN_STOP_LOSS if stop_moved else STOP_LOSS), True
        elif hit.kind == "take_profit":
            why, slipping = TAKE_PROFIT, False
        else:
            why, slipping = TIMEOUT, True
        self._plan_exit_at(pos, idx, hit.price, why, slipping, filled, time, plan)

    def _plan_exit_at(
        self,
        pos: Position,
        idx: int,
        level: float,
        why: str,
        slipping: bool,
        filled: _Filled,
        time: int,
        plan: list[Planned],
    ) -> None:
        d = pos.direction
        exit_ls = level
        slippage = 0.0
        if slipping:
            slippage = self._slip(pos, time, d == "short")
            exit_ls -= slippage
        price = to_long_space(exit_ls, d)
        vpp = self.symbols[pos.symbol_index].vpp
        signed_value = pnl.signed_value(d, filled.size, vpp)
        trade_pnl = pnl.pnl(filled.price, price, signed_value)
        fees = self.config.fees
        fee = None if fees is None else fees.fee(filled.size, price, vpp)
        plan.append(Exit(idx, time, price, slippage, why, fee, trade_pnl))

    def _plan_bar(
        self, idx: int, bid: Candle, ask: Candle, equity: list[float], plan: list[Planned]
    ) -> None:
        pos = self.positions[idx]
        time = bid.timestamp
        d = pos.direction
        entry_side, exit_side = (ask, bid) if d == "long" else (bid, ask)
        policy = self.config.intrabar_policy
        first_up = up_first(policy, exit_side, d)
        exit_bar = Bar.long_space(exit_side, d)
        if pos.status == "pending":
            entry_bar = Bar.long_space(entry_side, d)
            level = to_long_space(pos.entry_price, d)
            trigger = find_trigger(pos.order_type, level, entry_bar, first_up)
            if trigger is None:
                return
            filled = self._plan_fill(
                pos, idx, trigger.price, slips(pos.order_type), time, equity, plan
            )
            if filled is None:
                return
            hit = exits.entry_bar(
                pos.order_type, trigger.segment, exit_bar, self._levels(pos), policy, first_up
            )
            if hit is not None:
                self._plan_exit(pos, idx, hit, False, filled, time, plan)
        elif pos.status == "open":
            if pos.trigger_time is None or pos.trigger_price is None:
                raise internal(f"open position {pos.id} without a fill")
            timeout = self.config.timeout_us
            timed_out = timeout is not None and time >= pos.trigger_time + timeout
            hit = exits.ordinary(exit_bar, self._levels(pos), policy, first_up, timed_out)
            if hit is not None:
                moved = pos.stop_loss != pos.initial_stop_loss
                filled = _Filled(pos.trigger_price, pos.size)
                self._plan_exit(pos, idx, hit, moved, filled, time, plan)

    def _check_plan(self, plan: list[Planned]) -> None:
        """Replays the portfolio's checks over the plan, in the order the calls will be made."""
        balance = self.portfolio.balance

        def check_fee(balance: float, fee: float | None, position_id: int) -> float:
            if fee is None:
                return balance
            after = balance - fee
            if not (_finite(fee) and fee >= 0.0 and _finite(after)):
                raise invalid_value(
                    "fee_model", f"parameters giving a finite fee (position {position_id})", fee
                )
            return after

        for planned in plan:
            if isinstance(planned, Fill):
                balance = check_fee(balance, planned.fee, self._id_of(planned.idx))
            elif isinstance(planned, Exit):
                after = balance + planned.pnl
                if not (_finite(planned.pnl) and _finite(after)):
                    raise invalid_value(
                        "exit_price",
                        "a price giving a finite PnL and balance "
                        f"(position {self._id_of(planned.idx)})",
                        planned.price,
                    )
                balance = check_fee(after, planned.fee, self._id_of(planned.idx))

    def _id_of(self, idx: int) -> int:
        return self.positions[idx].id if idx < len(self.positions) else self.next_id

    def _commit(self, plan: list[Planned], closed: list[int]) -> None:
        """Applies a checked plan: positions and portfolio."""
        try:
            for planned in plan:
                if isinstance(planned, Fill):
                    p = self.positions[planned.idx]
                    p.status = "open"
                    p.trigger_time = planned.time
                    p.trigger_price = planned.price
                    p.size = planned.size
                    p.entry_slippage = planned.slippage
                    p.initial_stop_loss = p.stop_loss
                    p.initial_take_profit = p.take_profit
                    self.portfolio.register_entry(
                        p.id,
                        p.symbol,
                        p.direction,
                        planned.size,
                        planned.time,
                        planned.price,
                        p.stop_loss,
                        p.take_profit,
                        None,
                    )
                    if planned.fee is not None:
                        p.entry_fee = planned.fee
                        self.portfolio.register_fee(planned.fee, planned.time, "entry", p.id)
                elif isinstance(planned, Exit):
                    p = self.positions[planned.idx]
                    self.portfolio.register_exit(p.id, planned.time, planned.price, planned.reason)
                    if planned.fee is not None:
                        self.portfolio.register_fee(planned.fee, planned.time, "exit", p.id)
                    p.status = "closed"
                    p.exit_time = planned.time
                    p.exit_price = planned.price
                    p.exit_slippage = planned.slippage
                    p.exit_reason = planned.reason
                    p.exit_fee = 0.0 if planned.fee is None else planned.fee
                    closed.append(p.id)
                else:
                    p = self.positions[planned.idx]
                    p.status = "rejected"
                    p.exit_time = planned.time
                    p.exit_reason = planned.reason
        except ValueError as exc:
            raise internal(f"checked plan failed: {exc}") from exc

    # ----- bars and ticks -----------------------------------------------------------------

    def evaluate_exits(self, symbol: str, bid: Candle, ask: Candle) -> list[int]:
        """Evaluates one bar of ``symbol``; returns the ids it closed."""
        STATE.python_calls.record()
        sym = self._symbol_lookup("symbol", symbol)
        validate_pair(bid, ask, "")
        self._check_bar_time(sym, "timestamp", bid.timestamp, "")
        closed: list[int] = []
        self.run_bar(sym, bid, ask, True, closed)
        return closed

    def evaluate_exits_tick(self, symbol: str, tick: Tick) -> list[int]:
        """Evaluates one tick of ``symbol``: a one-price bid and ask candle."""
        STATE.python_calls.record()
        sym = self._symbol_lookup("symbol", symbol)
        tick.validate()
        self._check_clock("tick.timestamp", tick.timestamp, "")
        bid, ask = tick.candles()
        closed: list[int] = []
        self.run_bar(sym, bid, ask, False, closed)
        return closed

    def run_bar(self, sym: int, bid: Candle, ask: Candle, is_bar: bool, closed: list[int]) -> None:
        """Plans, checks and commits one validated bar, then records it as the symbol's last."""
        self.step_bar(sym, bid, ask, closed)
        self.finish_bar(sym, bid, ask, is_bar)

    def has_active(self, sym: int) -> bool:
        """Whether any position is pending or open (on any symbol)."""
        return bool(self.active)

    def step_bar(self, sym: int, bid: Candle, ask: Candle, closed: list[int]) -> None:
        """Plans, checks and commits what one validated bar does to the active positions."""
        time = bid.timestamp
        plan: list[Planned] = []
        equity: list[float] = []
        positions = self.positions
        for idx in self.active:
            pos = positions[idx]
            if pos.symbol_index != sym or pos.entry_time >= time:
                continue
            self._plan_bar(idx, bid, ask, equity, plan)
        if plan:
            self._check_plan(plan)
            self._commit(plan, closed)
            self.active = [i for i in self.active if is_active(positions[i].status)]

    def finish_bar(self, sym: int, bid: Candle, ask: Candle, is_bar: bool) -> None:
        """Records a bar (or tick) as the symbol's last quote (and last bar); advances the clock."""
        time = bid.timestamp
        state = self.symbols[sym]
        if is_bar:
            state.last_bar = time
        state.last_quote = LastQuote(time, bid.close, ask.close)
        self._advance(time)

    # ----- position actions ---------------------------------------------------------------

    def _active_index(self, position_id: int) -> int:
        idx = self.id_index.get(position_id)
        if idx is not None and is_active(self.positions[idx].status):
            return idx
        state = "unknown id" if idx is None else self.positions[idx].status
        raise invalid_value(
            "position_id", "the id of a pending or open position", f"{position_id} ({state})"
        )

    def _reference_price(self, pos: Position) -> float:
        if pos.trigger_time is not None and pos.trigger_price is not None:
            quote = self.symbols[pos.symbol_index].last_quote
            if quote is not None and quote.time >= pos.trigger_time:
                return quote.exit_price(pos.direction)
            return pos.trigger_price
        return pos.entry_price

    def modify_stop_loss(self, position_id: int, sl: float | None) -> None:
        """Moves (or with ``None`` removes) the stop of a pending or open position (R18)."""
        STATE.python_calls.record()
        idx = self._active_index(position_id)
        pos = self.positions[idx]
        check_level("sl", pos.direction, self._reference_price(pos), sl, True, "position")
        if sl is None and pos.status == "pending" and self.config.sizing.needs_sl():
            raise invalid_value(
                "sl", "a stop-loss price (sizing by risk needs the stop distance)", "None"
            )
        pos.stop_loss = sl

    def modify_take_profit(self, position_id: int, tp: float | None) -> None:
        """Moves (or with ``None`` removes) the target of a pending or open position (R18)."""
        STATE.python_calls.record()
        idx = self._active_index(position_id)
        pos = self.positions[idx]
        check_level("tp", pos.direction, self._reference_price(pos), tp, False, "position")
        pos.take_profit = tp

    def close_position(
        self, position_id: int, time: int | None, price: float | None, why: str
    ) -> None:
        """Closes an open position or cancels a pending order (R18)."""
        STATE.python_calls.record()
        idx = self._active_index(position_id)
        _non_empty("reason", why)
        pos = self.positions[idx]
        symbol = self.symbols[pos.symbol_index]
        since = pos.trigger_time if pos.trigger_time is not None else pos.entry_time
        quote = symbol.last_quote
        if quote is not None and quote.time < since:
            quote = None
        if time is None:
            if quote is None:
                raise invalid_value(
                    "timestamp",
                    f"a timestamp (no bar or tick of {symbol.spec.symbol} since the order was "
                    "placed or filled)",
                    "None",
                )
            time = quote.time
        self._check_clock("timestamp", time, "")
        if pos.status == "pending":
            pos.status = "cancelled"
            pos.exit_time = time
            pos.exit_reason = why
            self.active = [i for i in self.active if i != idx]
            self._advance(time)
            return
        if price is None:
            if quote is None:
                raise invalid_value(
                    "price",
                    f"a price (no bar or tick of {symbol.spec.symbol} since the fill)",
                    "None",
                )
            price = quote.exit_price(pos.direction)
        if not _finite(price):
            raise invalid_value("price", "a finite price", price)
        if pos.trigger_price is None:
            raise internal(f"open position {position_id} without a fill")
        plan: list[Planned] = []
        level = to_long_space(price, pos.direction)
        filled = _Filled(pos.trigger_price, pos.size)
        self._plan_exit_at(pos, idx, level, SIGNAL, True, filled, time, plan)
        self._check_plan(plan)
        planned = plan[0]
        assert isinstance(planned, Exit)
        self._commit_close(idx, time, planned.price, planned.slippage, planned.fee, why)
        self.active = [i for i in self.active if i != idx]
        self._advance(time)

    def _commit_close(
        self, idx: int, time: int, price: float, slippage: float, fee: float | None, why: str
    ) -> None:
        p = self.positions[idx]
        try:
            self.portfolio.register_exit(p.id, time, price, why)
            if fee is not None:
                self.portfolio.register_fee(fee, time, "exit", p.id)
        except ValueError as exc:
            raise internal(f"checked close failed: {exc}") from exc
        p.status = "closed"
        p.exit_time = time
        p.exit_price = price
        p.exit_slippage = slippage
        p.exit_reason = why
        p.exit_fee = 0.0 if fee is None else fee

    # ----- the portfolio, for its other users ---------------------------------------------

    def register_external_entry(
        self,
        position_id: int,
        symbol: str,
        direction: str,
        size: float,
        entry_time: int,
        entry_price: float,
        stop_loss: float | None,
        take_profit: float | None,
        symbol_spec: SpecTuple | None,
    ) -> None:
        """Registers a position the simulator does not manage."""
        STATE.python_calls.record()
        if position_id in self.id_index:
            raise invalid_value(
                "id", "an id not used by the execution simulator's orders", position_id
            )
        new_spec = None
        if symbol_spec is not None and symbol_spec[0] not in self.symbol_index:
            new_spec = SymbolSpec.from_tuple(symbol_spec)
        self.portfolio.register_entry(
            position_id,
            symbol,
            direction,
            size,
            entry_time,
            entry_price,
            stop_loss,
            take_profit,
            symbol_spec,
        )
        if new_spec is not None:
            self._insert_symbol(new_spec)
        if position_id >= self.next_id:
            self.next_id = min(position_id + 1, 2**64 - 1)

    def register_external_exit(self, position_id: int, time: int, price: float, why: str) -> None:
        """Closes a position the simulator does not manage."""
        STATE.python_calls.record()
        if position_id in self.id_index:
            raise invalid_value(
                "position_id",
                "the id of a position not managed by the execution simulator (close it with "
                "close_position)",
                position_id,
            )
        self.portfolio.register_exit(position_id, time, price, why)

    # ----- state --------------------------------------------------------------------------

    def position(self, position_id: int) -> Position | None:
        """The position with ``position_id``."""
        idx = self.id_index.get(position_id)
        return None if idx is None else self.positions[idx]

    def last_quote(self, symbol: str) -> LastQuote | None:
        """The last quote seen for ``symbol``."""
        index = self.symbol_index.get(symbol)
        return None if index is None else self.symbols[index].last_quote

    def atomically(self, body: Callable[[], T]) -> T:
        """Runs ``body``; if it fails, restores the simulator and portfolio from before."""
        portfolio = self.portfolio
        saved_portfolio = copy.deepcopy(portfolio.__dict__)
        saved = {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "portfolio"}
        try:
            return body()
        except BaseException:
            portfolio.__dict__.clear()
            portfolio.__dict__.update(saved_portfolio)
            self.__dict__.clear()
            self.__dict__.update(saved)
            self.__dict__["portfolio"] = portfolio
            raise


def _finite(x: float) -> bool:
    return math.isfinite(x)
