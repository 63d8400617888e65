"""Streaming updates per second through the public classes (pytest-benchmark; ``nox -s bench``).

Each benchmark feeds ``N`` values (or bars) to one ``omega_indicators.stream`` object, on the
Rust backend and on the Python fallback, for EMA (one value in, one float out), ATR (one bar
in) and MACD (a three-field NamedTuple out). ``extra_info["updates_per_s"]`` is ``N`` over the
mean time of one round; the loop itself (``for`` + call) is included, as it is in any caller.

For comparison: talipp, the usual pure-Python incremental TA library, is quoted at about
1 µs per update (~1M updates/s) — a figure from the brief, not re-measured here.

Run only these: ``pytest packages/omega-indicators/benchmarks/bench_stream.py
-o python_files=bench_*.py --benchmark-only``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from omega_indicators import stream
from omega_indicators._backend import STATE

N = 20_000


def _data() -> tuple[list[float], list[float], list[float]]:
    rng = np.random.default_rng(5)
    close = 1.1 * np.exp(np.cumsum(rng.normal(0.0, 2e-4, N)))
    wiggle = np.abs(rng.normal(0.0, 1e-4, N))
    return (close + wiggle).tolist(), (close - wiggle).tolist(), close.tolist()


HIGH, LOW, CLOSE = _data()


@pytest.fixture(params=["rust", "python"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "1" if request.param == "rust" else "0")
    STATE.reset()
    yield request.param
    STATE.reset()


def _series(make: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        update = make().update
        for x in CLOSE:
            update(x)

    return run


def _bars(make: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        update = make().update
        for h, lo, c in zip(HIGH, LOW, CLOSE, strict=True):
            update(h, lo, c)

    return run


CASES: dict[str, Callable[[], None]] = {
    "EMA(20)": _series(lambda: stream.EMA(20)),
    "ATR(14)": _bars(lambda: stream.ATR(14)),
    "MACD(12,26,9)": _series(stream.MACD),
}


@pytest.mark.parametrize("case", list(CASES))
def test_updates_per_second(benchmark: Any, backend: str, case: str) -> None:
    run = CASES[case]
    benchmark.group = f"stream {case}"
    benchmark.pedantic(run, rounds=5 if backend == "rust" else 3, warmup_rounds=1)
    rate = N / benchmark.stats.stats.mean
    benchmark.extra_info["updates_per_s"] = round(rate)
    benchmark.extra_info["ns_per_update"] = round(1e9 / rate, 1)
