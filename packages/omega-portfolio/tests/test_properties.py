"""Property tests over random call sequences (hypothesis), valid and invalid calls mixed.

1. Parity: the Rust and the Python backend, fed the same sequence in one process, give the
   same outcome for every call (return value bit for bit, or the same exception and message),
   and bit-identical trades, equity curve, fees, open positions and summary.
2. Invariants, on each backend, checked against an independent model kept by the test:
   equity = balance + unrealized PnL at every curve point; the balance moves only by realized
   PnL and fees; drawdown >= 0, and <= peak while equity >= 0; every entry ends in exactly one
   trade or stays open;
   fees are neither lost nor double counted; a rejected call changes nothing.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_portfolio import Portfolio, SymbolSpec
from omega_portfolio._backend_select import Backend

H = 3_600_000_000
SPECS = {
    "ES": SymbolSpec("ES", tick_size=0.25, tick_value=12.5),
    "EURUSD": SymbolSpec(
        "EURUSD",
        tick_size=0.00001,
        tick_value=1.0,
        pip_size=0.0001,
        contract_size=100_000.0,
        base_currency="EUR",
        quote_currency="USD",
    ),
    "NQ": SymbolSpec("NQ", tick_size=0.25, contract_size=20.0, quote_currency="USD"),
}
# Registered only through a position's own symbol_spec (or never: "XX").
LATE_SPEC = SymbolSpec("GC", tick_size=0.1, tick_value=10.0)
VALUE_PER_PRICE = {"ES": 50.0, "EURUSD": 1.0 / 0.00001, "NQ": 20.0, "GC": 10.0 / 0.1}
BASE_PRICE = {"ES": 4000.0, "EURUSD": 1.1, "NQ": 15000.0, "GC": 2000.0, "XX": 10.0}
MARKABLE = ("ES", "EURUSD", "NQ", "ES", "EURUSD", "NQ", "GC")

finite_x = st.floats(-0.03, 0.03, allow_nan=False)
bad_float = st.sampled_from([math.nan, math.inf, -math.inf])


def mostly(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, sometimes ``bad`` (hypothesis favours small integers, so the rare
    branch is the largest one)."""
    return st.tuples(st.integers(0, 9), valid, bad).map(lambda t: t[2] if t[0] == 9 else t[1])


def price(symbol: str, x: float) -> float:
    return BASE_PRICE[symbol] * (1.0 + x)


# Mostly forward in time (often by hours, sometimes by a few µs, now and then backwards).
deltas = st.tuples(st.integers(0, 19), st.integers(0, 30 * H), st.integers(0, 3)).map(
    lambda t: -1 if t[0] == 19 else t[2] if t[0] > 15 else t[1]
)
# Which position an exit or fee refers to: an index into the ids entries used so far, or
# (rarely) a raw id that may be unknown.
target = mostly(
    st.tuples(st.sampled_from(["open", "open", "open", "entered"]), st.integers(0, 20)),
    st.tuples(st.just("raw"), st.integers(0, 12)),
)

entry_op = st.tuples(
    st.just("entry"),
    st.integers(0, 11),  # id (small range: duplicates happen)
    st.sampled_from(["ES", "ES", "ES", "EURUSD", "EURUSD", "NQ", "GC", "GC", "XX"]),
    mostly(st.sampled_from(["long", "short"]), st.sampled_from(["buy", "Long"])),
    mostly(st.floats(0.01, 5.0), st.sampled_from([0.0, -1.0, math.nan, math.inf])),
    deltas,
    mostly(finite_x, bad_float),
    mostly(st.one_of(st.none(), st.floats(0.001, 0.02)), st.floats(-0.01, 0.0)),  # stop (x)
    mostly(st.one_of(st.none(), st.floats(-0.02, 0.02)), bad_float),  # take profit (x)
    mostly(st.just(True), st.just(False)),  # pass the late symbol's spec with the position
)
exit_op = st.tuples(
    st.just("exit"),
    target,
    deltas,
    mostly(finite_x, bad_float),
    mostly(st.sampled_from(["signal", "stop_loss", "take_profit"]), st.just("")),
)
fee_op = st.tuples(
    st.just("fee"),
    mostly(st.floats(0.0, 50.0), st.sampled_from([-1.0, math.nan, math.inf])),
    deltas,
    mostly(st.sampled_from(["commission", "swap"]), st.just("")),
    st.one_of(st.none(), target),
)
quote_x = st.tuples(
    finite_x, st.floats(0.0, 0.001), mostly(st.just("ok"), st.sampled_from(["cross", "nan"]))
)
mark_op = st.tuples(
    st.just("mark"),
    deltas,
    st.dictionaries(
        mostly(st.sampled_from(MARKABLE), st.just("XX")), quote_x, min_size=1, max_size=3
    ),
)
batch_op = st.tuples(
    st.just("batch"),
    st.lists(st.one_of(st.integers(0, 12 * H), st.just(0)), max_size=12),
    st.lists(st.sampled_from(sorted(set(MARKABLE))), min_size=1, max_size=2, unique=True),
    st.integers(0, 2**32),  # seed for the price columns
    mostly(st.none(), st.sampled_from(["nan", "cross", "back", "short_column"])),
)
ops = st.lists(
    st.one_of(entry_op, entry_op, exit_op, exit_op, fee_op, mark_op, mark_op, batch_op),
    min_size=5,
    max_size=40,
)


def _bits(value: float) -> bytes:
    return struct.pack("<d", value)


@dataclass
class Model:
    """What the test itself expects, kept independently of both backends."""

    balance: float = 10_000.0
    total_fees: float = 0.0
    open: dict[int, dict[str, Any]] = field(default_factory=dict)
    closed: dict[int, float] = field(default_factory=dict)  # id -> gross pnl
    fee_of: dict[int, float] = field(default_factory=dict)
    fees: list[float] = field(default_factory=list)
    marks: dict[str, tuple[float, float]] = field(default_factory=dict)
    entered: list[int] = field(default_factory=list)
    curve_points: int = 0

    def unrealized(self, marks: dict[str, tuple[float, float]]) -> float:
        total = 0.0
        for p in self.open.values():
            quote = marks.get(p["symbol"])
            mark = p["entry"] if quote is None else quote[0 if p["long"] else 1]
            total += (mark - p["entry"]) * p["signed"]
        return total


def _batch_columns(
    timestamps: list[int], symbols: list[str], seed: int, corrupt: str | None, start: int
) -> tuple[npt.NDArray[np.int64], dict[str, tuple[npt.NDArray[np.float64], ...]]]:
    rng = np.random.default_rng(seed)
    n = len(timestamps)
    ts = start + np.cumsum(np.array(timestamps, dtype=np.int64))
    marks: dict[str, tuple[npt.NDArray[np.float64], ...]] = {}
    for symbol in symbols:
        bid = BASE_PRICE[symbol] * (1.0 + rng.uniform(-0.03, 0.03, n))
        ask = bid + BASE_PRICE[symbol] * rng.uniform(0.0, 0.001, n)
        marks[symbol] = (bid, ask)
    if n and corrupt is not None:
        row = int(rng.integers(0, n))
        if corrupt == "back" and n > 1:
            ts[max(row, 1)] = ts[max(row, 1) - 1] - 1
        elif symbols and corrupt in ("nan", "cross"):
            bid, ask = marks[symbols[0]]
            if corrupt == "nan":
                bid[row] = math.nan
            else:
                bid[row] = ask[row] + 1.0
        elif symbols and corrupt == "short_column":
            bid, ask = marks[symbols[0]]
            marks[symbols[0]] = (bid[:-1], ask)
    return ts, marks


class Runner:
    """Applies ops to one portfolio and records each call's outcome."""

    def __init__(self, backend: Backend) -> None:
        self.p = Portfolio(
            10_000.0,
            symbol_specs={s: SPECS[s] for s in ("ES", "EURUSD", "NQ")},
            backend=backend,
        )
        self.time = 1_700_000_000_000_000
        self.outcomes: list[tuple[Any, ...]] = []
        self.entered: list[tuple[int, str]] = []  # (id, symbol) of accepted entries
        self.open: list[tuple[int, str]] = []

    def resolve(self, ref: tuple[str, int]) -> tuple[int, str]:
        """An id for an exit or fee: mostly a recent open position, sometimes any entered one
        (maybe closed), now and then a raw id (maybe unknown)."""
        kind, k = ref
        if kind == "id":
            return k, dict(self.entered)[k]
        pool = self.open if kind == "open" and self.open else self.entered
        if kind != "raw" and pool:
            return pool[-1 - k % len(pool)]
        return k, dict(self.entered).get(k, "ES")

    def call(self, fn: Any, *args: Any) -> Any:
        try:
            result = fn(*args)
        except (ValueError, TypeError) as exc:
            self.outcomes.append(("error", type(exc).__name__, str(exc)))
            return exc
        self.outcomes.append(("ok", _bits(result) if isinstance(result, float) else result))
        return result

    def apply(self, op: tuple[Any, ...]) -> tuple[Any, ...]:
        """Runs one op; returns ``(kind, result or exception, *what the model needs)``."""
        handlers: dict[str, Callable[..., tuple[Any, ...]]] = {
            "entry": self._entry,
            "exit": self._exit,
            "fee": self._fee,
            "mark": self._mark,
            "batch": self._batch,
        }
        return handlers[op[0]](*op[1:])

    def _entry(
        self,
        pid: int,
        symbol: str,
        direction: str,
        size: float,
        delta: int,
        x: float,
        stop: float | None,
        tp: float | None,
        with_spec: bool,
    ) -> tuple[Any, ...]:
        self.time += delta
        entry = price(symbol, x)
        position: dict[str, Any] = {
            "id": pid,
            "symbol": symbol,
            "direction": direction,
            "size": size,
            "entry_time": self.time,
            "entry_price": entry,
        }
        if stop is not None:
            sign = -1.0 if direction == "long" else 1.0
            position["stop_loss"] = entry + sign * BASE_PRICE[symbol] * stop
        if tp is not None:
            position["take_profit"] = entry + BASE_PRICE[symbol] * tp
        if with_spec and symbol == "GC":
            position["symbol_spec"] = LATE_SPEC
        result = self.call(self.p.register_entry, position)
        if not isinstance(result, Exception):
            self.entered.append((pid, symbol))
            self.open.append((pid, symbol))
        return ("entry", result, position)

    def _exit(self, ref: tuple[str, int], delta: int, x: float, reason: str) -> tuple[Any, ...]:
        self.time += delta
        pid, symbol = self.resolve(ref)
        exit_price = price(symbol, x) if math.isfinite(x) else x
        result = self.call(self.p.register_exit, pid, self.time, exit_price, reason)
        if not isinstance(result, Exception):
            self.open = [o for o in self.open if o[0] != pid]
        return ("exit", result, pid, exit_price)

    def _fee(
        self, amount: float, delta: int, fee_kind: str, ref: tuple[str, int] | None
    ) -> tuple[Any, ...]:
        self.time += delta
        pid = None if ref is None else self.resolve(ref)[0]
        return (
            "fee",
            self.call(self.p.register_fee, amount, self.time, fee_kind, pid),
            amount,
            pid,
        )

    def _mark(self, delta: int, quotes: dict[str, tuple[float, float, str]]) -> tuple[Any, ...]:
        self.time += delta
        marks: dict[str, tuple[float, float]] = {}
        for symbol, (x, spread, flaw) in quotes.items():
            bid = price(symbol, x)
            ask = bid + BASE_PRICE[symbol] * spread
            if flaw == "cross":
                bid = ask + 1.0
            elif flaw == "nan":
                ask = math.nan
            marks[symbol] = (bid, ask)
        return ("mark", self.call(self.p.update_equity, self.time, marks), marks)

    def _batch(
        self, steps: list[int], symbols: list[str], seed: int, corrupt: str | None
    ) -> tuple[Any, ...]:
        ts, columns = _batch_columns(steps, symbols, seed, corrupt, self.time)
        result = self.call(self.p.update_equity_batch, ts, columns)
        if not isinstance(result, Exception) and len(ts):
            self.time = int(ts[-1])
        return ("batch", result, ts, columns)


def _frame_bytes(frame: pd.DataFrame) -> list[tuple[str, str, bytes]]:
    out = []
    for name in frame.columns:
        column = frame[name]
        if str(column.dtype).startswith("datetime64"):
            data = pd.DatetimeIndex(column).asi8.tobytes()
        elif column.dtype.kind in "fiu":
            data = column.to_numpy().tobytes()
        else:
            data = repr(column.tolist()).encode()
        out.append((name, str(column.dtype), data))
    return out


def snapshot(p: Portfolio) -> tuple[Any, ...]:
    """Everything observable about a portfolio, floats as bits."""
    summary = p.get_summary()
    return (
        _bits(p.balance),
        _bits(p.equity),
        _bits(p.unrealized_pnl),
        _bits(p.total_fees),
        _bits(p.peak_equity),
        _bits(p.drawdown),
        p.clock,
        tuple(p.symbols),
        tuple((k, _bits(v) if isinstance(v, float) else v) for k, v in summary.items()),
        _frame_bytes(p.trades),
        _frame_bytes(p.equity_curve),
        _frame_bytes(p.open_positions),
        _frame_bytes(p.fees),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_rust_and_python_agree_bit_for_bit_on_any_call_sequence(
    sequence: list[tuple[Any, ...]],
) -> None:
    rust, python = Runner("rust"), Runner("python")
    for op in sequence:
        rust.apply(op)
        python.apply(op)
        assert rust.outcomes[-1] == python.outcomes[-1], op
    assert snapshot(rust.p) == snapshot(python.p)


def _check_invariants(p: Portfolio, model: Model) -> None:
    assert p.balance == model.balance
    assert p.total_fees == model.total_fees
    assert p.unrealized_pnl == model.unrealized(model.marks)
    assert p.equity == p.balance + p.unrealized_pnl

    trades = p.trades
    open_positions = p.open_positions
    trade_ids = trades["id"].tolist()
    open_ids = open_positions["id"].tolist()
    # Every entry is exactly one trade or still open; nothing invented, nothing lost.
    assert sorted(trade_ids + open_ids) == sorted(model.entered)
    assert len(set(trade_ids)) == len(trade_ids)
    assert set(open_ids) == set(model.open)
    assert dict(zip(trade_ids, trades["pnl"].tolist(), strict=True)) == model.closed
    assert (trades["entry_time"] <= trades["exit_time"]).all()
    for pid, fees in zip(
        trade_ids + open_ids, [*trades["fees"], *open_positions["fees"]], strict=True
    ):
        assert fees == model.fee_of.get(pid, 0.0)
    assert p.fees["amount"].tolist() == model.fees

    curve = p.equity_curve
    assert len(curve) == model.curve_points
    assert (curve["drawdown"] >= 0.0).all()
    assert (curve["drawdown"] == curve["peak"] - curve["equity"]).all()
    # drawdown <= peak wherever equity >= 0 (there is no margin model: an over-leveraged
    # account can go below zero, and then its drawdown exceeds the peak).
    solvent = curve["equity"] >= 0.0
    assert (curve["drawdown"][solvent] <= curve["peak"][solvent]).all()
    assert (curve["peak"] >= p.initial_balance).all()
    assert curve["peak"].is_monotonic_increasing
    assert curve["timestamp"].is_monotonic_increasing
    assert p.peak_equity == max([p.initial_balance, *curve["equity"]])

    s = p.get_summary()
    assert s["trades"] == len(trades)
    assert s["wins"] + s["losses"] + s["breakeven"] == s["trades"]
    assert s["open_positions"] == len(open_positions)
    assert s["gross_profit"] >= 0.0 >= s["gross_loss"]
    assert s["max_drawdown"] >= 0.0
    assert math.isnan(s["exposure_pct"]) or 0.0 <= s["exposure_pct"] <= 100.0
    scale = 1e-9 * (abs(p.initial_balance) + math.fsum(abs(v) for v in trades["pnl"]) + 1.0)
    net = trades["net_pnl"].tolist()
    assert abs(s["net_profit"] - math.fsum(net)) <= scale
    assert abs(s["gross_profit"] + s["gross_loss"] - s["net_profit"]) <= scale
    # Balance identity: initial + realized gross PnL − every fee.
    realized = math.fsum(trades["pnl"])
    assert abs(p.balance - (p.initial_balance + realized - math.fsum(model.fees))) <= scale
    # Fees: in trades, in open positions, or account-level; each exactly once.
    account = math.fsum(
        a for a, pid in zip(p.fees["amount"], p.fees["position_id"], strict=True) if pd.isna(pid)
    )
    attributed = math.fsum([*trades["fees"], *open_positions["fees"]])
    assert abs(attributed + account - p.total_fees) <= scale


def _check_new_points(p: Portfolio, model: Model, record: tuple[Any, ...]) -> None:
    """Each point a successful mark/batch appended: equity = balance + the model's unrealized
    PnL at that row's marks (the model still holds the marks from before the call)."""
    kind, result = record[0], record[1]
    if kind not in ("mark", "batch") or isinstance(result, Exception):
        return
    curve = p.equity_curve
    if kind == "mark":
        rows = [dict(record[2])]
    else:
        ts, columns = record[2], record[3]
        rows = [
            {s: (float(bid[r]), float(ask[r])) for s, (bid, ask) in columns.items()}
            for r in range(len(ts))
        ]
    new = curve.iloc[len(curve) - len(rows) :]
    marks = dict(model.marks)
    for row, (equity, balance) in zip(
        rows, zip(new["equity"], new["balance"], strict=True), strict=True
    ):
        marks.update(row)
        assert balance == model.balance
        assert equity == model.balance + model.unrealized(marks)


def _update_model(model: Model, record: tuple[Any, ...]) -> None:
    kind, result = record[0], record[1]
    if isinstance(result, Exception):
        return
    if kind == "entry":
        position = record[2]
        symbol = position["symbol"]
        value = position["size"] * VALUE_PER_PRICE[symbol]
        long = position["direction"] == "long"
        model.open[position["id"]] = {
            "symbol": symbol,
            "entry": position["entry_price"],
            "long": long,
            "signed": value if long else -value,
        }
        model.entered.append(position["id"])
    elif kind == "exit":
        pid, exit_price = record[2], record[3]
        p = model.open.pop(pid)
        pnl = (exit_price - p["entry"]) * p["signed"]
        model.closed[pid] = pnl
        model.balance += pnl
    elif kind == "fee":
        amount, pid = record[2], record[3]
        model.balance -= amount
        model.total_fees += amount
        model.fees.append(amount)
        if pid is not None:
            model.fee_of[pid] = model.fee_of.get(pid, 0.0) + amount
    elif kind == "mark":
        model.marks.update(record[2])
        model.curve_points += 1
    else:
        ts, columns = record[2], record[3]
        if len(ts):
            for symbol, (bid, ask) in columns.items():
                model.marks[symbol] = (float(bid[-1]), float(ask[-1]))
            model.curve_points += len(ts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, st.sampled_from(["rust", "python"]))
def test_ledger_invariants_hold_after_every_call(
    sequence: list[tuple[Any, ...]], backend: Backend
) -> None:
    runner, model = Runner(backend), Model()
    for op in sequence:
        before = snapshot(runner.p)
        record = runner.apply(op)
        if isinstance(record[1], Exception):
            assert snapshot(runner.p) == before, f"rejected call changed the state: {op}"
        _check_new_points(runner.p, model, record)
        _update_model(model, record)
        _check_invariants(runner.p, model)


round_trip = st.tuples(
    st.sampled_from(["ES", "EURUSD", "NQ"]),
    st.sampled_from(["long", "short"]),
    st.floats(0.01, 3.0),
    finite_x,  # entry
    finite_x,  # exit
    st.one_of(st.none(), st.floats(0.001, 0.02)),  # stop distance
    st.lists(st.floats(0.0, 10.0), max_size=3),  # fees on the position
    st.integers(0, 3),  # how many trades later it closes
    st.lists(
        st.tuples(st.sampled_from(["ES", "EURUSD", "NQ"]), finite_x, st.floats(0, 0.001)),
        max_size=3,
    ),
)


def _round_trip_ops(trips: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Valid, overlapping trades as an op sequence: entry, fees, marks, then exits later."""
    sequence: list[tuple[Any, ...]] = []
    pending: list[tuple[int, int, float]] = []  # (close after step, id, exit x)
    for step, (symbol, direction, size, x_in, x_out, stop, fees, hold, marks) in enumerate(trips):
        sequence.append(("entry", step, symbol, direction, size, 3 * H, x_in, stop, None, True))
        sequence.extend(("fee", amount, 60_000_000, "commission", ("open", 0)) for amount in fees)
        for mark_symbol, x, spread in marks:
            sequence.append(("mark", 5 * H, {mark_symbol: (x, spread, "ok")}))
        pending.append((step + hold, step, x_out))
        for due in [p for p in pending if p[0] <= step]:
            pending.remove(due)
            sequence.append(("exit", ("id", due[1]), 2 * H, due[2], "signal"))
    return sequence


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(round_trip, min_size=1, max_size=25))
def test_valid_round_trips_agree_and_keep_the_invariants(trips: list[tuple[Any, ...]]) -> None:
    sequence = _round_trip_ops(trips)
    rust, python, model = Runner("rust"), Runner("python"), Model()
    for op in sequence:
        rust_record = rust.apply(op)
        python.apply(op)
        assert rust.outcomes[-1] == python.outcomes[-1], op
        assert rust.outcomes[-1][0] == "ok", rust.outcomes[-1]
        _check_new_points(rust.p, model, rust_record)
        _update_model(model, rust_record)
        _check_invariants(rust.p, model)
    assert len(rust.p.trades) == sum(1 for op in sequence if op[0] == "exit")
    assert snapshot(rust.p) == snapshot(python.p)


def test_large_batch_matches_on_both_backends() -> None:
    rng = np.random.default_rng(7)
    n = 50_000
    ts = 1_700_000_000_000_000 + np.cumsum(rng.integers(0, 120_000_000, n))
    marks = {}
    for symbol in ("ES", "EURUSD", "NQ"):
        bid = BASE_PRICE[symbol] * np.exp(np.cumsum(rng.normal(0, 1e-4, n)))
        marks[symbol] = (bid, bid + BASE_PRICE[symbol] * 1e-5)
    results = []
    for backend in ("rust", "python"):
        p = Portfolio(1e6, symbol_specs=SPECS, backend=backend)
        for i, symbol in enumerate(["ES", "EURUSD", "NQ", "ES", "EURUSD"]):
            p.register_entry(
                {
                    "id": i,
                    "symbol": symbol,
                    "direction": "long" if i % 2 else "short",
                    "size": 0.37 * (i + 1),
                    "entry_time": 1_600_000_000_000_000,
                    "entry_price": BASE_PRICE[symbol] * 1.0001,
                    "stop_loss": None,
                }
            )
        p.update_equity_batch(
            ts[: n // 2], {s: (b[: n // 2], a[: n // 2]) for s, (b, a) in marks.items()}
        )
        p.register_exit(3, int(ts[n // 2]), 4001.0, "signal")
        p.update_equity_batch(
            ts[n // 2 :], {"ES": (marks["ES"][0][n // 2 :], marks["ES"][1][n // 2 :])}
        )
        results.append(snapshot(p))
    assert results[0] == results[1]
