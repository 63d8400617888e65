"""Benchmarks of omega-execution: Rust vs the pure-Python fallback (pytest-benchmark).

- ``process_signals_batch``: 1 000 market signals (EURUSD, long and short, SL and TP, per-lot
  fee, random slippage) as a pyarrow Table, one call into a fresh simulator per round.
- ``evaluate_exits``: one bar (single call, candles as tuples) over 1 000 open positions; no
  level is reached, so every position is examined and stays open.
- ``evaluate_exits_batch``: 1 000 000 one-minute bars (numpy columns) with a market signal
  every 50 bars whose tight SL/TP close it within the next bars: one position open at a time,
  ~20 000 round trips (a 49-minute timeout guarantees it), one call into a fresh simulator
  per round. The Python fallback runs 100 000 bars (1M would need GBs of Python objects);
  the report compares time per bar.
- ``evaluate_exits_batch`` (held): the same 1 000 000 bars with one position opened before the
  first bar and held to the end (no SL/TP): the per-bar cost of an open position.

Run on release builds: ``nox -s bench`` (wheels) or, in a dev venv after
``maturin develop --release``::

    pytest packages/omega-execution/benchmarks -o python_files='bench_*.py' \\
        --benchmark-only --benchmark-json=/tmp/execution-bench.json
    python packages/omega-execution/benchmarks/write_report.py /tmp/execution-bench.json
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from omega_execution import (
    ExecutionSimulator,
    FeeModel,
    FixedLots,
    RandomSlippage,
    TradeSignal,
)
from omega_execution._backend_select import Backend
from omega_portfolio import Portfolio, SymbolSpec

EURUSD = SymbolSpec(
    "EURUSD",
    tick_size=0.00001,
    tick_value=1.0,
    pip_size=0.0001,
    volume_min=0.01,
    volume_max=100.0,
    volume_step=0.01,
)
START = 1_704_067_200_000_000  # 2024-01-01T00:00Z
MINUTE = 60_000_000
BACKENDS: list[Backend] = ["rust", "python"]
BATCH_ROWS: dict[Backend, int] = {"rust": 1_000_000, "python": 100_000}


def _simulator(backend: Backend, **kwargs: Any) -> ExecutionSimulator:
    return ExecutionSimulator(
        Portfolio(1_000_000.0, backend=backend), symbol_specs=[EURUSD], backend=backend, **kwargs
    )


@pytest.fixture(scope="module")
def signal_table() -> Any:
    n = 1000
    long = np.arange(n) % 2 == 0
    sign = np.where(long, 1.0, -1.0)
    entry = np.round(1.1 + (np.arange(n) % 7) * 0.00001, 5)
    return pa.table(
        {
            "timestamp": pa.array(np.full(n, START, dtype=np.int64), type=pa.timestamp("us")),
            "direction": pa.array(np.where(long, "long", "short")),
            "symbol": pa.array(["EURUSD"] * n),
            "entry": entry,
            "sl": np.round(entry - sign * 0.002, 5),
            "tp": np.round(entry + sign * 0.004, 5),
            "order_type": pa.array(["market"] * n),
        }
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_process_signals_batch_1000_market_signals(
    benchmark: Any, backend: Backend, signal_table: Any
) -> None:
    benchmark.group = "process_signals_batch: 1 000 market signals"

    def setup() -> tuple[tuple[ExecutionSimulator, Any], dict[str, Any]]:
        sim = _simulator(
            backend, fee_model=FeeModel(per_lot=3.5), slippage_model=RandomSlippage(1.0)
        )
        return (sim, signal_table), {}

    def run(sim: ExecutionSimulator, table: Any) -> None:
        sim.process_signals_batch(table)

    benchmark.pedantic(run, setup=setup, rounds=200 if backend == "rust" else 10)
    sim = _simulator(backend)
    sim.process_signals_batch(signal_table)
    assert len(sim.active_positions) == 1000


@pytest.mark.parametrize("backend", BACKENDS)
def test_evaluate_exits_one_bar_1000_open_positions(benchmark: Any, backend: Backend) -> None:
    benchmark.group = "evaluate_exits: one bar, 1 000 open positions"
    sim = _simulator(backend)
    for i in range(1000):
        d = "long" if i % 2 == 0 else "short"
        s = 1.0 if d == "long" else -1.0
        sim.process_signal(TradeSignal(START, d, "EURUSD", 1.1, 1.1 - s * 0.01, 1.1 + s * 0.01))
    clock = iter(range(1, 10**9))
    bar = (1.1, 1.1008, 1.0992, 1.1003)

    def run() -> list[int]:
        t = START + next(clock) * MINUTE
        return sim.evaluate_exits((t, *bar), (t, *(p + 0.00002 for p in bar)), symbol="EURUSD")

    closed = benchmark(run)
    assert closed == []
    assert len(sim.active_positions) == 1000


def _bars(rows: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    rng = np.random.default_rng(7)
    t = START + np.arange(rows, dtype=np.int64) * MINUTE
    close = np.round(1.1 + np.cumsum(rng.integers(-5, 6, rows)) * 0.00001, 5)
    open_ = np.concatenate([[1.1], close[:-1]])
    high = np.round(np.maximum(open_, close) + rng.integers(0, 4, rows) * 0.00001, 5)
    low = np.round(np.minimum(open_, close) - rng.integers(0, 4, rows) * 0.00001, 5)
    bid = {"timestamp": t, "open": open_, "high": high, "low": low, "close": close}
    ask = {k: (v if k == "timestamp" else np.round(v + 0.00002, 5)) for k, v in bid.items()}
    rows_with_signal = np.arange(0, rows, 50)
    k = rows_with_signal.size
    long = np.arange(k) % 2 == 0
    sign = np.where(long, 1.0, -1.0)
    entry = np.where(long, ask["close"][rows_with_signal], close[rows_with_signal])
    signals = {
        "timestamp": t[rows_with_signal],
        "direction": np.where(long, 0, 1).astype(np.uint8),
        "symbol": ["EURUSD"] * k,
        "entry": entry,
        "sl": np.round(entry - sign * 0.0002, 5),
        "tp": np.round(entry + sign * 0.0002, 5),
    }
    return bid, ask, signals


@pytest.mark.parametrize("backend", BACKENDS)
def test_evaluate_exits_batch_1m_bars(benchmark: Any, backend: Backend) -> None:
    rows = BATCH_ROWS[backend]
    benchmark.group = "evaluate_exits_batch: 1M bars, 1 position open at a time"
    benchmark.extra_info["rows"] = rows
    bid, ask, signals = _bars(rows)

    def setup() -> tuple[tuple[ExecutionSimulator], dict[str, Any]]:
        return (_simulator(backend, timeout=49 * MINUTE),), {}

    def run(sim: ExecutionSimulator) -> Any:
        return sim.evaluate_exits_batch(bid, ask, symbol="EURUSD", signals=signals)

    benchmark.pedantic(run, setup=setup, rounds=15 if backend == "rust" else 2)
    sim = _simulator(backend, timeout=49 * MINUTE)
    closed = run(sim)
    assert closed.size > 0.9 * signals["timestamp"].size
    assert len(sim.active_positions) <= 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_evaluate_exits_batch_1m_bars_one_held_position(benchmark: Any, backend: Backend) -> None:
    rows = BATCH_ROWS[backend]
    benchmark.group = "evaluate_exits_batch: 1M bars, 1 position held throughout"
    benchmark.extra_info["rows"] = rows
    bid, ask, _ = _bars(rows)

    def setup() -> tuple[tuple[ExecutionSimulator], dict[str, Any]]:
        sim = _simulator(backend, sizing=FixedLots(1.0))
        sim.process_signal(TradeSignal(START - MINUTE, "long", "EURUSD", 1.1))  # no SL/TP
        return (sim,), {}

    def run(sim: ExecutionSimulator) -> Any:
        return sim.evaluate_exits_batch(bid, ask, symbol="EURUSD")

    benchmark.pedantic(run, setup=setup, rounds=15 if backend == "rust" else 2)
    sim = setup()[0][0]
    assert run(sim).size == 0
    assert len(sim.active_positions) == 1
