"""``LiveSession.on_bar`` latency (pytest-benchmark; run by ``nox -s bench``; table:
``write_report.py`` → ``docs/live.md``).

The bundled default (MeanReversionZScore, every scenario, H1 filter, synthetic EURUSD M5 year)
is replayed through a fresh ``LiveSession`` with the Rust backends (streaming indicators,
execution simulator and portfolio in Rust; the strategy rules and the loop step in Python).
Every ``on_bar`` call is timed on its own — input checks, HTF candle building, indicator
updates, the strategy, the simulator and the equity point included; the bars are prepared as
``Candle`` tuples beforehand (the caller's feed is not timed) — once on the wall clock
(``time.perf_counter_ns``) and once on the thread's CPU clock (``time.thread_time_ns``: the
call's own work, without the time slices other processes take on the shared cores).
``extra_info`` holds, per round, the median, p99 and max per-call latency in µs
(``rounds``), and over the rounds the median of the round medians (``median_us``), the median
of the round p99s (``p99_us``: a typical single round's p99) and the worst round's p99
(``worst_p99_us``). ``write_report.py`` gives the verdict against the target ("latency per
on_bar with Rust backends <= 50 µs") from the CPU clock's ``median_us`` and ``p99_us`` — the
calls as a caller sees them in one replay, the other processes' time slices taken out but
nothing else filtered — and reports the wall clock beside it. ``per_bar_min`` (the
percentiles of each bar's fastest round: the code's own cost with the interference filtered
out) is a diagnostic only, never the verdict: taking the minimum over rounds per bar also
drops the slow occurrences that belong to the code. pytest-benchmark's own stats are for one
whole replay of the year.
Each round also checks the replay against the batch backtest's digest (the thing being timed
must produce the right trades).

Run only this: ``pytest packages/omega-engine/benchmarks -o python_files=bench_*.py
--benchmark-only``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import omega_execution
import omega_indicators
import omega_portfolio
import omega_strategy
from omega_engine import Candle, LiveSession, create_engine

TARGET_US = 50.0
ROUNDS = 4
CONFIG = {"output": {"parquet": False, "report": False}}
WAVES = ("INDICATORS", "EXECUTION", "PORTFOLIO")
"""The waves forced onto Rust; not the strategy wave: the live strategy logic is Python and a
session refuses ``OMEGA_USE_RUST_STRATEGY=1`` (it would not honour it)."""


@pytest.fixture(scope="module")
def rust() -> Iterator[None]:
    """The Rust backends of the waves a session can run on Rust, required (a missing extension
    fails instead of falling back)."""
    saved = {w: os.environ.get(f"OMEGA_USE_RUST_{w}") for w in WAVES}
    for w in WAVES:
        os.environ[f"OMEGA_USE_RUST_{w}"] = "1"
    for package in (omega_indicators, omega_execution, omega_portfolio, omega_strategy):
        package._backend.STATE.reset()
    yield
    for w, value in saved.items():
        if value is None:
            os.environ.pop(f"OMEGA_USE_RUST_{w}", None)
        else:
            os.environ[f"OMEGA_USE_RUST_{w}"] = value
    for package in (omega_indicators, omega_execution, omega_portfolio, omega_strategy):
        package._backend.STATE.reset()


@pytest.fixture(scope="module")
def year(rust: None) -> tuple[list[tuple[Candle, Candle]], str]:
    """The default year's bars and the batch backtest's digest."""
    engine = create_engine(CONFIG)
    data = engine.data.candles
    batch = omega_strategy.run_backtest(
        engine.strategy, data, engine.execution_config, engine.portfolio_config
    )
    sides = []
    for side in ("bid", "ask"):
        s = data.series(data.primary_tf, side)
        columns = [s.timestamps.tolist(), *(getattr(s, f).tolist() for f in Candle._fields[1:])]
        sides.append([Candle(*row) for row in zip(*columns, strict=True)])
    return list(zip(*sides, strict=True)), batch.digest()


CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}


def _replay(
    session: LiveSession, bars: list[tuple[Candle, Candle]], clock: Callable[[], int]
) -> np.ndarray[Any, Any]:
    """Feeds every bar; returns each call's latency in ns on ``clock``."""
    on_bar = session.on_bar
    out = np.empty(len(bars), dtype=np.int64)
    for k, (bid, ask) in enumerate(bars):
        start = clock()
        on_bar(bid, ask)
        out[k] = clock() - start
    return out


@pytest.mark.parametrize("clock", ["wall", "cpu"])
def test_live_on_bar_latency(
    benchmark: Any, year: tuple[list[tuple[Candle, Candle]], str], clock: str
) -> None:
    bars, digest = year
    sessions: list[LiveSession] = []
    latencies: list[np.ndarray[Any, Any]] = []

    def setup() -> tuple[tuple[LiveSession], dict[str, Any]]:
        session = LiveSession(CONFIG)
        sessions.append(session)
        return (session,), {}

    def run(session: LiveSession) -> None:
        latencies.append(_replay(session, bars, CLOCKS[clock]))

    benchmark.pedantic(run, setup=setup, rounds=ROUNDS, warmup_rounds=0)
    session = sessions[-1]
    # Measured (the waves' call counters over the session's year), not the selection: every
    # wave the timed calls used was served by Rust alone.
    assert session.backends == {
        "indicators": "rust",
        "execution": "rust",
        "portfolio": "rust",
        "strategy": "python",
    }
    assert session.result().digest() == digest
    per_round = [
        {
            "median_us": float(np.median(ns)) / 1e3,
            "p99_us": float(np.percentile(ns, 99)) / 1e3,
            "max_us": float(ns.max()) / 1e3,
        }
        for ns in latencies
    ]
    # Diagnostic only (see the module docs): each bar's fastest round.
    fastest = np.min(np.stack(latencies), axis=0) / 1e3
    benchmark.extra_info.update(
        clock=clock,
        bars=len(bars),
        target_us=TARGET_US,
        rounds=per_round,
        median_us=float(np.median([r["median_us"] for r in per_round])),
        p99_us=float(np.median([r["p99_us"] for r in per_round])),
        worst_p99_us=max(r["p99_us"] for r in per_round),
        per_bar_min={
            "median_us": float(np.median(fastest)),
            "p99_us": float(np.percentile(fastest, 99)),
            "p999_us": float(np.percentile(fastest, 99.9)),
        },
    )
