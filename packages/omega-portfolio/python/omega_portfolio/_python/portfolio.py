"""Mirror of ``omega_portfolio::portfolio`` (and of the binding's argument checks).

Same methods and arguments as ``omega_portfolio._rust.Portfolio``; the public
``omega_portfolio.Portfolio`` normalises user input into them. Validation runs in the Rust
order with the Rust messages; every call changes nothing when it raises.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._backend import STATE
from . import pnl
from .direction import parse_direction
from .equity_curve import EquityCurve
from .errors import fmt, fmt_float, internal, invalid_value, length_mismatch
from .fee import Fee
from .marks import Quote
from .position import OpenPosition, Position
from .statistics import StatsInput, SummaryDict, compute
from .symbol_spec import SpecTuple, SymbolSpec
from .trade import Trade

Columns = dict[str, Any]


@dataclass
class _SymbolState:
    spec: SymbolSpec
    value_per_price: float
    mark: Quote | None


MAX_TIME_US = (1 << 62) - 1
"""Largest accepted timestamp (µs); the smallest is its negation (Rust ``MAX_TIME_US``)."""


def _check_time_range(name: str, time: int, at: str) -> None:
    if not -MAX_TIME_US <= time <= MAX_TIME_US:
        raise invalid_value(name, f"a timestamp within ±{MAX_TIME_US} µs", f"{time}{at}")


def _finite_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0.0):
        raise invalid_value(name, "a finite number > 0", value)


def _non_empty(name: str, value: str) -> None:
    if not value:
        raise invalid_value(name, "a non-empty string", "''")


def _same_length(name: str, got: int, expected: int) -> None:
    if got != expected:
        raise length_mismatch(name, "symbols", expected, got)


def _check_quote(symbol: str, bid: float, ask: float, row: int | None) -> None:
    at = "" if row is None else f" at row {row}"
    for side, price in (("bid", bid), ("ask", ask)):
        if not math.isfinite(price):
            raise invalid_value(f"marks[{symbol}].{side}", "finite prices", f"{fmt(price)}{at}")
    if bid > ask:
        raise invalid_value(
            f"marks[{symbol}]", "bid <= ask", f"bid {fmt(bid)} > ask {fmt(ask)}{at}"
        )


def _check_unique(seen: list[int], index: int, symbol: str) -> None:
    if index in seen:
        raise invalid_value("marks", "each symbol at most once", f"'{symbol}' twice")
    seen.append(index)


class Portfolio:
    """Balance, open positions, closed trades, fees and the equity curve of one account."""

    def __init__(self, initial_balance: float, account_currency: str, annualization: float) -> None:
        STATE.python_calls.record()
        _finite_positive("initial_balance", initial_balance)
        _non_empty("account_currency", account_currency)
        _finite_positive("annualization", annualization)
        self._initial_balance = initial_balance
        self._account_currency = account_currency
        self._annualization = annualization
        self._balance = initial_balance
        self._total_fees = 0.0
        self._symbols: list[_SymbolState] = []
        self._symbol_index: dict[str, int] = {}
        self._open: dict[int, OpenPosition] = {}  # by id, in entry order
        self._closed: dict[int, int] = {}  # id -> index into _trades
        self._trades: list[Trade] = []
        self._fees: list[Fee] = []
        self._curve = EquityCurve()
        self._peak_equity = initial_balance
        self._start_time: int | None = None
        self._clock: int | None = None
        self._exposed_us = 0
        self._exposed_since: int | None = None

    # ----- symbols ------------------------------------------------------------------------

    def _check_symbol(self, spec: SymbolSpec) -> float | None:
        value_per_price = spec.value_per_price(self._account_currency)
        index = self._symbol_index.get(spec.symbol)
        if index is None:
            return value_per_price
        if self._symbols[index].spec == spec:
            return None
        raise invalid_value(
            f"symbol_specs[{spec.symbol}]",
            f"the spec already registered for '{spec.symbol}'",
            "a different spec",
        )

    def _insert_symbol(self, spec: SymbolSpec, value_per_price: float) -> None:
        self._symbol_index[spec.symbol] = len(self._symbols)
        self._symbols.append(_SymbolState(spec, value_per_price, None))

    def _symbol_lookup(self, name: str, symbol: str) -> int:
        index = self._symbol_index.get(symbol)
        if index is None:
            raise invalid_value(name, "a symbol with a registered symbol spec", f"'{symbol}'")
        return index

    def add_symbol(self, spec: SpecTuple) -> None:
        STATE.python_calls.record()
        parsed = SymbolSpec.from_tuple(spec)
        value_per_price = self._check_symbol(parsed)
        if value_per_price is not None:
            self._insert_symbol(parsed, value_per_price)

    # ----- time ---------------------------------------------------------------------------

    def _check_time(self, name: str, time: int, suffix: str = "") -> None:
        _check_time_range(name, time, "")
        if self._clock is not None and time < self._clock:
            raise invalid_value(
                name,
                f"a timestamp >= {self._clock}, the latest time the portfolio has seen "
                "(time must not go backwards)",
                f"{time}{suffix}",
            )

    def _advance(self, time: int) -> None:
        if self._start_time is None:
            self._start_time = time
        self._clock = time

    # ----- entries, exits, fees -----------------------------------------------------------

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
        STATE.python_calls.record()
        parsed_direction = parse_direction(direction)
        position = Position(
            id, symbol, parsed_direction, size, entry_time, entry_price, stop_loss, take_profit
        )
        if id in self._open or id in self._closed:
            raise invalid_value("id", "an id not used by an earlier position", id)
        spec = None if symbol_spec is None else SymbolSpec.from_tuple(symbol_spec)
        new_value: float | None = None
        if spec is not None:
            if spec.symbol != symbol:
                raise invalid_value(
                    "symbol_spec",
                    f"the spec of the position's symbol '{symbol}'",
                    f"a spec for '{spec.symbol}'",
                )
            new_value = self._check_symbol(spec)
        if new_value is not None:
            value_per_price = new_value
        elif symbol in self._symbol_index:
            value_per_price = self._symbols[self._symbol_index[symbol]].value_per_price
        else:
            raise invalid_value(
                "symbol",
                "a symbol with a registered symbol spec (pass symbol_specs or symbol_spec)",
                f"'{symbol}'",
            )
        position.validate_values()
        self._check_time("entry_time", entry_time)
        signed_value = pnl.signed_value(parsed_direction, size, value_per_price)
        if not math.isfinite(signed_value):
            raise invalid_value("size", "a size whose money value per price unit is finite", size)
        initial_risk: float | None = None
        if stop_loss is not None:
            risk = pnl.initial_risk(entry_price, stop_loss, size, value_per_price)
            if not (math.isfinite(risk) and risk > 0.0):
                raise invalid_value(
                    "stop_loss", "a stop whose money risk is finite and > 0", stop_loss
                )
            initial_risk = risk

        if new_value is not None and spec is not None:
            self._insert_symbol(spec, new_value)
        self._open[id] = OpenPosition(
            position=position,
            value_per_price=value_per_price,
            signed_value=signed_value,
            initial_risk=initial_risk,
            fees=0.0,
            symbol_index=self._symbol_index[symbol],
        )
        if self._exposed_since is None:
            self._exposed_since = entry_time
        self._advance(entry_time)

    def _open_position(self, position_id: int) -> OpenPosition:
        open_position = self._open.get(position_id)
        if open_position is not None:
            return open_position
        state = "already closed" if position_id in self._closed else "unknown id"
        raise invalid_value("position_id", "the id of an open position", f"{position_id} ({state})")

    def register_exit(
        self, position_id: int, exit_time: int, exit_price: float, reason: str
    ) -> None:
        STATE.python_calls.record()
        open_position = self._open_position(position_id)
        self._check_time("exit_time", exit_time)
        if not math.isfinite(exit_price):
            raise invalid_value("exit_price", "a finite price", exit_price)
        _non_empty("reason", reason)
        p = open_position.position
        trade_pnl = pnl.pnl(p.entry_price, exit_price, open_position.signed_value)
        balance = self._balance + trade_pnl
        if not (math.isfinite(trade_pnl) and math.isfinite(balance)):
            raise invalid_value("exit_price", "a price giving a finite PnL and balance", exit_price)

        del self._open[position_id]
        self._balance = balance
        self._closed[position_id] = len(self._trades)
        self._trades.append(
            Trade(
                id=p.id,
                symbol=p.symbol,
                direction=p.direction,
                size=p.size,
                entry_time=p.entry_time,
                entry_price=p.entry_price,
                stop_loss=p.stop_loss,
                take_profit=p.take_profit,
                exit_time=exit_time,
                exit_price=exit_price,
                reason=reason,
                pnl=trade_pnl,
                fees=open_position.fees,
                initial_risk=open_position.initial_risk,
            )
        )
        if not self._open and self._exposed_since is not None:
            self._exposed_us += exit_time - self._exposed_since
            self._exposed_since = None
        self._advance(exit_time)

    def register_fee(self, amount: float, time: int, kind: str, position_id: int | None) -> None:
        STATE.python_calls.record()
        if not (math.isfinite(amount) and amount >= 0.0):
            raise invalid_value("amount", "a finite number >= 0", amount)
        self._check_time("time", time)
        _non_empty("kind", kind)
        if (
            position_id is not None
            and position_id not in self._open
            and position_id not in self._closed
        ):
            raise invalid_value(
                "position_id", "the id of a registered position or None", position_id
            )
        balance = self._balance - amount
        if not math.isfinite(balance):
            raise invalid_value("amount", "an amount leaving a finite balance", amount)

        self._balance = balance
        self._total_fees += amount
        if position_id is not None:
            if position_id in self._open:
                self._open[position_id].fees += amount
            else:
                self._trades[self._closed[position_id]].fees += amount
        self._fees.append(Fee(time, amount, kind, position_id))
        self._advance(time)

    # ----- marking ------------------------------------------------------------------------

    def _unrealized_at(self, quotes: Sequence[Quote | None]) -> float:
        total = 0.0
        for open_position in self._open.values():
            total += open_position.unrealized_pnl(quotes[open_position.symbol_index])
        return total

    def update_equity(
        self, timestamp: int, symbols: list[str], bids: list[float], asks: list[float]
    ) -> float:
        STATE.python_calls.record()
        _same_length("bids", len(bids), len(symbols))
        _same_length("asks", len(asks), len(symbols))
        self._check_time("timestamp", timestamp)
        quotes = [s.mark for s in self._symbols]
        seen: list[int] = []
        for symbol, bid, ask in zip(symbols, bids, asks, strict=True):
            index = self._symbol_lookup("marks", symbol)
            _check_unique(seen, index, symbol)
            _check_quote(symbol, bid, ask, None)
            quotes[index] = Quote(bid, ask)
        equity = self._balance + self._unrealized_at(quotes)
        if not math.isfinite(equity):
            raise invalid_value("marks", "prices giving a finite equity", equity)

        for state, quote in zip(self._symbols, quotes, strict=True):
            state.mark = quote
        self._curve.push(timestamp, equity, self._balance)
        self._peak_equity = max(self._peak_equity, equity)  # the peak unless equity is higher
        self._advance(timestamp)
        return equity

    def _batch_equity(
        self,
        timestamps: npt.NDArray[np.int64],
        indices: list[int],
        bids: list[npt.NDArray[np.float64]],
        asks: list[npt.NDArray[np.float64]],
    ) -> npt.NDArray[np.float64]:
        """Row r: balance + (0 + pnl_1(r) + pnl_2(r) + …) over open positions in entry order."""
        unrealized = np.zeros(len(timestamps))
        for open_position in self._open.values():
            p = open_position.position
            if open_position.symbol_index in indices:
                k = indices.index(open_position.symbol_index)
                column = bids[k] if p.direction == "long" else asks[k]
                unrealized += (column - p.entry_price) * open_position.signed_value
            else:
                unrealized += open_position.unrealized_pnl(
                    self._symbols[open_position.symbol_index].mark
                )
        return self._balance + unrealized

    def update_equity_batch(
        self,
        timestamps: npt.NDArray[np.int64],
        symbols: list[str],
        bids: list[npt.NDArray[np.float64]],
        asks: list[npt.NDArray[np.float64]],
    ) -> None:
        STATE.python_calls.record()
        _same_length("bids", len(bids), len(symbols))
        _same_length("asks", len(asks), len(symbols))
        n = len(timestamps)
        indices: list[int] = []
        for symbol, bid, ask in zip(symbols, bids, asks, strict=True):
            index = self._symbol_lookup("marks", symbol)
            _check_unique(indices, index, symbol)
            for side, column in (("bid", bid), ("ask", ask)):
                if len(column) != n:
                    raise length_mismatch(f"marks[{symbol}].{side}", "timestamps", n, len(column))
        if n == 0:
            return
        _check_time_range("timestamps", int(timestamps[0]), " at row 0")
        self._check_time("timestamps", int(timestamps[0]), " at row 0")
        later = timestamps[1:]
        wrong = (later < timestamps[:-1]) | (later < -MAX_TIME_US) | (later > MAX_TIME_US)
        if wrong.any():
            r = int(np.argmax(wrong)) + 1
            _check_time_range("timestamps", int(timestamps[r]), f" at row {r}")
            raise invalid_value(
                "timestamps",
                "non-decreasing timestamps (time must not go backwards)",
                f"{timestamps[r]} after {timestamps[r - 1]} at row {r}",
            )
        for symbol, bid, ask in zip(symbols, bids, asks, strict=True):
            bad = ~(np.isfinite(bid) & np.isfinite(ask) & (bid <= ask))
            if bad.any():
                r = int(np.argmax(bad))
                _check_quote(symbol, float(bid[r]), float(ask[r]), r)
                raise internal("batch flagged invalid without an invalid row")

        with np.errstate(over="ignore", invalid="ignore"):
            equity = self._batch_equity(timestamps, indices, bids, asks)
        not_finite = ~np.isfinite(equity)
        if not_finite.any():
            r = int(np.argmax(not_finite))
            raise invalid_value(
                "marks",
                "prices giving a finite equity",
                f"{fmt_float(float(equity[r]))} at row {r}",
            )

        self._curve.extend(timestamps, equity, self._balance)
        self._peak_equity = max(self._peak_equity, float(equity.max()))
        for index, bid, ask in zip(indices, bids, asks, strict=True):
            self._symbols[index].mark = Quote(float(bid[-1]), float(ask[-1]))
        self._advance(int(timestamps[0]))  # sets the start time if this is the first call
        self._advance(int(timestamps[-1]))

    # ----- state --------------------------------------------------------------------------

    @property
    def initial_balance(self) -> float:
        STATE.python_calls.record()
        return self._initial_balance

    @property
    def account_currency(self) -> str:
        STATE.python_calls.record()
        return self._account_currency

    @property
    def annualization(self) -> float:
        STATE.python_calls.record()
        return self._annualization

    @property
    def balance(self) -> float:
        STATE.python_calls.record()
        return self._balance

    def _unrealized(self) -> float:
        return self._unrealized_at([s.mark for s in self._symbols])

    @property
    def equity(self) -> float:
        STATE.python_calls.record()
        return self._balance + self._unrealized()

    @property
    def unrealized_pnl(self) -> float:
        STATE.python_calls.record()
        return self._unrealized()

    @property
    def total_fees(self) -> float:
        STATE.python_calls.record()
        return self._total_fees

    @property
    def peak_equity(self) -> float:
        STATE.python_calls.record()
        return self._peak_equity

    @property
    def drawdown(self) -> float:
        STATE.python_calls.record()
        equity = self._curve.equity()
        return 0.0 if len(equity) == 0 else self._peak_equity - float(equity[-1])

    @property
    def clock(self) -> int | None:
        STATE.python_calls.record()
        return self._clock

    @property
    def open_count(self) -> int:
        STATE.python_calls.record()
        return len(self._open)

    def symbols(self) -> list[str]:
        STATE.python_calls.record()
        return [s.spec.symbol for s in self._symbols]

    def _exposed(self) -> int:
        open_part = 0
        if self._exposed_since is not None and self._clock is not None:
            open_part = self._clock - self._exposed_since
        return self._exposed_us + open_part

    def summary(self) -> SummaryDict:
        STATE.python_calls.record()
        span = None
        if self._start_time is not None and self._clock is not None:
            span = (self._start_time, self._clock)
        return compute(
            StatsInput(
                initial_balance=self._initial_balance,
                balance=self._balance,
                equity=self._balance + self._unrealized(),
                open_positions=len(self._open),
                trades=self._trades,
                total_fees=self._total_fees,
                curve=self._curve,
                annualization=self._annualization,
                span=span,
                exposed_us=self._exposed(),
            )
        )

    # ----- columns ------------------------------------------------------------------------

    def trade_columns(self) -> Columns:
        STATE.python_calls.record()
        t = self._trades

        def f64(values: list[float]) -> npt.NDArray[np.float64]:
            return np.array(values, dtype=np.float64)

        nan = math.nan
        return {
            "id": np.array([x.id for x in t], dtype=np.uint64),
            "symbol": [x.symbol for x in t],
            "direction": [x.direction for x in t],
            "size": f64([x.size for x in t]),
            "entry_time": np.array([x.entry_time for x in t], dtype=np.int64),
            "entry_price": f64([x.entry_price for x in t]),
            "stop_loss": f64([nan if x.stop_loss is None else x.stop_loss for x in t]),
            "take_profit": f64([nan if x.take_profit is None else x.take_profit for x in t]),
            "exit_time": np.array([x.exit_time for x in t], dtype=np.int64),
            "exit_price": f64([x.exit_price for x in t]),
            "reason": [x.reason for x in t],
            "pnl": f64([x.pnl for x in t]),
            "fees": f64([x.fees for x in t]),
            "net_pnl": f64([x.net_pnl() for x in t]),
            "initial_risk": f64([nan if x.initial_risk is None else x.initial_risk for x in t]),
            "r_multiple": f64([x.r_multiple() for x in t]),
        }

    def open_position_columns(self) -> Columns:
        STATE.python_calls.record()
        o = list(self._open.values())

        def f64(values: list[float]) -> npt.NDArray[np.float64]:
            return np.array(values, dtype=np.float64)

        nan = math.nan
        return {
            "id": np.array([x.position.id for x in o], dtype=np.uint64),
            "symbol": [x.position.symbol for x in o],
            "direction": [x.position.direction for x in o],
            "size": f64([x.position.size for x in o]),
            "entry_time": np.array([x.position.entry_time for x in o], dtype=np.int64),
            "entry_price": f64([x.position.entry_price for x in o]),
            "stop_loss": f64(
                [nan if x.position.stop_loss is None else x.position.stop_loss for x in o]
            ),
            "take_profit": f64(
                [nan if x.position.take_profit is None else x.position.take_profit for x in o]
            ),
            "fees": f64([x.fees for x in o]),
            "initial_risk": f64([nan if x.initial_risk is None else x.initial_risk for x in o]),
            "unrealized_pnl": f64(
                [x.unrealized_pnl(self._symbols[x.symbol_index].mark) for x in o]
            ),
        }

    def equity_curve_columns(self) -> Columns:
        STATE.python_calls.record()
        peak, drawdown, drawdown_pct = self._curve.drawdown_columns(self._initial_balance)
        return {
            "timestamp": self._curve.timestamps().copy(),
            "equity": self._curve.equity().copy(),
            "balance": self._curve.balance().copy(),
            "peak": peak,
            "drawdown": drawdown,
            "drawdown_pct": drawdown_pct,
        }

    def fee_columns(self) -> Columns:
        STATE.python_calls.record()
        fees = self._fees
        return {
            "time": np.array([x.time for x in fees], dtype=np.int64),
            "amount": np.array([x.amount for x in fees], dtype=np.float64),
            "kind": [x.kind for x in fees],
            "position_id": np.array(
                [0 if x.position_id is None else x.position_id for x in fees], dtype=np.uint64
            ),
            "has_position": np.array([x.position_id is not None for x in fees], dtype=bool),
        }
