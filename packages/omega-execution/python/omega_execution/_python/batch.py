"""Mirror of ``batch.rs``: many signals or many bars in one call (R19)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .._backend import STATE
from .candle import MAX_TIME_US, Candle, validate_pair
from .errors import internal, invalid_value, length_mismatch, with_suffix
from .signal import Direction, OrderType, TradeSignal
from .simulator import Simulator

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


class BarColumns(NamedTuple):
    """Bar columns of one book side."""

    timestamp: I64
    open: F64
    high: F64
    low: F64
    close: F64

    def check_lengths(self, name: str, n: int) -> None:
        for column, values in zip(self._fields, self, strict=True):
            if len(values) != n:
                raise length_mismatch(f"{name}.{column}", "bid.timestamp", n, len(values))


class SignalColumns(NamedTuple):
    """Signal columns, dictionary-encoded strings."""

    timestamp: I64
    direction: npt.NDArray[np.uint8]
    symbol: npt.NDArray[np.uint32]
    symbol_values: list[str]
    entry: F64
    sl: F64
    tp: F64
    order_type: npt.NDArray[np.uint8]
    reason: npt.NDArray[np.uint32]
    reason_values: list[str]
    scenario: npt.NDArray[np.uint32]
    scenario_values: list[str]

    def check_lengths(self) -> None:
        n = len(self.timestamp)
        for column in (
            "direction",
            "symbol",
            "entry",
            "sl",
            "tp",
            "order_type",
            "reason",
            "scenario",
        ):
            got = len(getattr(self, column))
            if got != n:
                raise length_mismatch(f"signals.{column}", "signals.timestamp", n, got)


def _lookup(name: str, values: list[str], code: int, at: str) -> str:
    if code < len(values):
        return values[code]
    raise invalid_value(name, f"a code < {len(values)}", f"{code}{at}")


def _optional(price: float) -> float | None:
    return None if math.isnan(price) else price


_DIRECTIONS: tuple[Direction, Direction] = ("long", "short")
_ORDER_TYPES: tuple[OrderType, OrderType, OrderType] = ("market", "limit", "stop")


def decode_signals(
    sim: Simulator, signals: SignalColumns, symbol: str | None
) -> list[tuple[TradeSignal, int]]:
    """Decodes and validates every signal of a batch."""
    signals.check_lengths()
    ts = signals.timestamp.tolist()
    direction = signals.direction.tolist()
    order_type = signals.order_type.tolist()
    symbols = signals.symbol.tolist()
    reasons = signals.reason.tolist()
    scenarios = signals.scenario.tolist()
    entry = signals.entry.tolist()
    sl = signals.sl.tolist()
    tp = signals.tp.tolist()
    decoded: list[tuple[TradeSignal, int]] = []
    for r in range(len(ts)):
        at = f" at row {r}"
        if direction[r] > 1:
            raise invalid_value("signals.direction", "0 (long) or 1 (short)", f"{direction[r]}{at}")
        if order_type[r] > 2:
            raise invalid_value(
                "signals.order_type", "0 (market), 1 (limit) or 2 (stop)", f"{order_type[r]}{at}"
            )
        signal = TradeSignal(
            ts[r],
            _DIRECTIONS[direction[r]],
            _lookup("signals.symbol", signals.symbol_values, symbols[r], at),
            entry[r],
            _optional(sl[r]),
            _optional(tp[r]),
            _ORDER_TYPES[order_type[r]],
            _lookup("signals.reason", signals.reason_values, reasons[r], at),
            _lookup("signals.scenario", signals.scenario_values, scenarios[r], at),
        )
        if symbol is not None and signal.symbol != symbol:
            raise invalid_value(
                "signals.symbol", f"'{symbol}' (the batch's symbol)", f"'{signal.symbol}'{at}"
            )
        sym = sim.check_signal(signal, at)
        if r == 0:
            sim._check_clock("signals.timestamp", signal.timestamp, at)
        elif signal.timestamp < ts[r - 1]:
            raise invalid_value(
                "signals.timestamp",
                "non-decreasing timestamps (time must not go backwards)",
                f"{signal.timestamp} after {ts[r - 1]}{at}",
            )
        decoded.append((signal, sym))
    return decoded


def process_signals_batch(sim: Simulator, signals: SignalColumns) -> list[int]:
    """``process_signal`` for every row, in order; returns the ids."""
    STATE.python_calls.record()
    decoded = decode_signals(sim, signals, None)

    def body() -> list[int]:
        ids: list[int] = []
        for r, (signal, sym) in enumerate(decoded):
            try:
                ids.append(sim.process_checked(signal, sym))
            except ValueError as exc:
                raise with_suffix(exc, f" at row {r}") from None
        return ids

    return sim.atomically(body)


def _row_ok(b: Candle, a: Candle, previous: int | None) -> bool:
    """Mirror of ``row_ok``: every check of ``validate_pair`` and after ``previous``."""
    for c in (b, a):
        o, h, low, cl = c.open, c.high, c.low, c.close
        if not (
            math.isfinite(o)
            and math.isfinite(h)
            and math.isfinite(low)
            and math.isfinite(cl)
            and low <= o <= h
            and low <= cl <= h
        ):
            return False
    t = b.timestamp
    return (
        a.timestamp == t and (previous is None or t > previous) and -MAX_TIME_US <= t <= MAX_TIME_US
    )


def _row_error(b: Candle, a: Candle, previous: int | None, row: int) -> Exception:
    """Mirror of ``row_error``: the message of an invalid row."""
    at = f" at row {row}"
    try:
        validate_pair(b, a, "")
    except ValueError as exc:
        return with_suffix(exc, at)
    if previous is not None and b.timestamp <= previous:
        return invalid_value(
            "bid.timestamp", "strictly increasing bar times", f"{b.timestamp} after {previous}{at}"
        )
    return internal(f"bar row {row} flagged invalid without a reason")


def evaluate_exits_batch(
    sim: Simulator,
    symbol: str,
    bid: BarColumns,
    ask: BarColumns,
    signals: SignalColumns | None,
) -> list[int]:
    """``evaluate_exits`` for every bar, signals merged after the bar they follow."""
    STATE.python_calls.record()
    sym = sim._symbol_lookup("symbol", symbol)
    n = len(bid.timestamp)
    bid.check_lengths("bid", n)
    ask.check_lengths("ask", n)
    b = [column.tolist() for column in bid]
    a = [column.tolist() for column in ask]
    if n:
        sim._check_bar_time(sym, "bid.timestamp", b[0][0], " at row 0")
    decoded = [] if signals is None else decode_signals(sim, signals, symbol)

    def body() -> list[int]:
        closed: list[int] = []
        state = {"next": 0}

        def process_until(limit: int | None) -> None:
            while state["next"] < len(decoded) and (
                limit is None or decoded[state["next"]][0].timestamp < limit
            ):
                signal, s = decoded[state["next"]]
                try:
                    sim.process_checked(signal, s)
                except ValueError as exc:
                    raise with_suffix(exc, f" at signal row {state['next']}") from None
                state["next"] += 1

        # Signals before bar 0 (all of them when there are no bars).
        process_until(b[0][0] if n else None)
        previous: int | None = None
        last: tuple[Candle, Candle] | None = None
        for row in range(n):
            bar = Candle(b[0][row], b[1][row], b[2][row], b[3][row], b[4][row])
            quote = Candle(a[0][row], a[1][row], a[2][row], a[3][row], a[4][row])
            # Rows are validated as they are reached; a failure restores the state.
            if not _row_ok(bar, quote, previous):
                raise _row_error(bar, quote, previous, row)
            previous = bar.timestamp
            # A bar with no pending or open position changes nothing but the symbol's last bar
            # and quote, which only the last bar leaves behind (set below).
            if sim.has_active(sym):
                try:
                    sim.step_bar(sym, bar, quote, closed)
                except ValueError as exc:
                    raise with_suffix(exc, f" at row {row}") from None
            process_until(b[0][row + 1] if row + 1 < n else None)
            last = (bar, quote)
        if last is not None:
            sim.finish_bar(sym, last[0], last[1], True)
        return closed

    return sim.atomically(body)
