"""Benchmarks of omega-portfolio: Rust vs the pure-Python fallback (pytest-benchmark).

- ``update_equity_batch``: 1 000 000 timestamps (one-minute bars), 10 open positions on two
  symbols (ES, EURUSD; longs and shorts), one call. Each round gets a fresh portfolio.
- ``get_summary``: a portfolio with 100 000 closed trades (each with a fee and an initial
  stop) and a 100 000-point equity curve (one mark after each exit) spanning ~2 years.

Run on release builds: ``nox -s bench`` (wheels) or, in a dev venv after
``maturin develop --release``, ``pytest packages/omega-portfolio/benchmarks --benchmark-only``.
``write_report.py`` turns ``--benchmark-json`` output into ``docs/benchmarks.md``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from omega_portfolio import Portfolio, SymbolSpec
from omega_portfolio._backend_select import Backend

SPECS = {
    "ES": SymbolSpec("ES", tick_size=0.25, tick_value=12.5),
    "EURUSD": SymbolSpec("EURUSD", tick_size=0.00001, tick_value=1.0, pip_size=0.0001),
}
BASE = {"ES": 4000.0, "EURUSD": 1.1}
START = 1_704_067_200_000_000  # 2024-01-01T00:00Z
MINUTE = 60_000_000
ROWS = 1_000_000
TRADES = 100_000
BACKENDS: list[Backend] = ["rust", "python"]

Marks = dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]


@pytest.fixture(scope="module")
def batch_input() -> tuple[npt.NDArray[np.int64], Marks]:
    rng = np.random.default_rng(42)
    timestamps = START + np.arange(ROWS, dtype=np.int64) * MINUTE
    marks: Marks = {}
    for symbol, base in BASE.items():
        bid = base * np.exp(np.cumsum(rng.normal(0.0, 2e-4, ROWS)))
        marks[symbol] = (bid, bid + base * 2e-5)
    return timestamps, marks


def _with_open_positions(backend: Backend) -> Portfolio:
    p = Portfolio(100_000.0, symbol_specs=SPECS, backend=backend)
    for i in range(10):
        symbol = "ES" if i % 2 == 0 else "EURUSD"
        p.register_entry(
            {
                "id": i,
                "symbol": symbol,
                "direction": "long" if i % 3 else "short",
                "size": 0.5 + 0.1 * i,
                "entry_time": START - MINUTE,
                "entry_price": BASE[symbol] * (1.0 + 0.001 * (i - 5)),
                "stop_loss": None,
            }
        )
    return p


@pytest.mark.parametrize("backend", BACKENDS)
def test_update_equity_batch_1m_rows_10_positions(
    benchmark: Any, batch_input: tuple[npt.NDArray[np.int64], Marks], backend: Backend
) -> None:
    benchmark.group = "update_equity_batch: 1M timestamps, 10 open positions"
    timestamps, marks = batch_input

    def setup() -> tuple[tuple[Portfolio], dict[str, Any]]:
        return (_with_open_positions(backend),), {}

    def run(p: Portfolio) -> Portfolio:
        p.update_equity_batch(timestamps, marks)
        return p

    rounds = 20 if backend == "rust" else 5
    p = benchmark.pedantic(run, setup=setup, rounds=rounds, iterations=1)
    assert len(p.equity_curve) == ROWS


@pytest.mark.parametrize("threads", [1, 2])
def test_update_equity_batch_memory_floor(
    benchmark: Any, batch_input: tuple[npt.NDArray[np.int64], Marks], threads: int
) -> None:
    """The least any implementation of the batch must do, as numpy does it: read every input
    column once and write a fresh 3 x 1M-row curve (timestamps, equity, balance), on one core
    or split over both. Python / floor bounds the Rust-vs-Python ratio any memory-speed kernel
    could show."""
    benchmark.group = "update_equity_batch: 1M timestamps, 10 open positions"
    timestamps, marks = batch_input
    columns = [timestamps, *(c for pair in marks.values() for c in pair)]
    bounds = np.linspace(0, ROWS, threads + 1).astype(int)
    parts = [(int(lo), int(hi)) for lo, hi in pairwise(bounds)]

    def part(lo: int, hi: int) -> list[npt.NDArray[Any]]:
        for column in columns:
            column[lo:hi].sum()
        return [timestamps[lo:hi].copy(), np.full(hi - lo, 1.0), np.full(hi - lo, 1.0)]

    with ThreadPoolExecutor(threads) as pool:

        def floor() -> list[list[npt.NDArray[Any]]]:
            return list(pool.map(lambda bound: part(*bound), parts))

        curve = benchmark.pedantic(floor, rounds=20, iterations=1)
    assert sum(len(p[0]) for p in curve) == ROWS


@pytest.fixture(scope="module", params=BACKENDS)
def traded(request: pytest.FixtureRequest) -> Portfolio:
    backend: Backend = request.param
    rng = np.random.default_rng(7)
    p = Portfolio(1_000_000.0, symbol_specs=SPECS, backend=backend)
    moves = rng.normal(0.0, 2.0, TRADES)
    stops = rng.uniform(1.0, 5.0, TRADES)
    for i in range(TRADES):
        t = START + i * 10 * MINUTE
        long = bool(i % 2)
        entry = 4000.0
        p.register_entry(
            {
                "id": i,
                "symbol": "ES",
                "direction": "long" if long else "short",
                "size": 1.0,
                "entry_time": t,
                "entry_price": entry,
                "stop_loss": entry - stops[i] if long else entry + stops[i],
            }
        )
        p.register_fee(2.5, t, "commission", i)
        p.register_exit(i, t + 5 * MINUTE, entry + moves[i], "signal")
        p.update_equity(t + 9 * MINUTE, {"ES": (4000.0, 4000.25)})
    return p


def test_get_summary_100k_trades(benchmark: Any, traded: Portfolio) -> None:
    benchmark.group = "get_summary: 100k trades, 100k-point equity curve"
    benchmark.extra_info["backend"] = traded.backend
    summary = benchmark(traded.get_summary)
    assert summary["trades"] == TRADES
