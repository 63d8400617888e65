"""omega-strategy benchmarks (pytest-benchmark; run by ``nox -s bench``; table:
``write_report.py`` → ``docs/benchmarks.md``).

1. MeanReversionZScore (defaults, every scenario), 1M M5 bars bid+ask with H1, aligned data in
   memory → results: the Rust loop (target <= 100 ms), the Python loop with Python fallbacks
   (target: Rust >= 100x faster) and the hybrid Python loop on Rust components (target >= 1.5x
   faster than pure Python).
2. Peak RSS of a fresh process running the Rust path vs the Python path (target <= 0.7x).
3. SMA(20/50) cross, 0.2 % stop / 0.4 % target, 1M M5 bars: SignalStrategy including the SMA
   and signal computation vs vectorbt's ``Portfolio.from_signals`` on the same data, warm, same
   process (target <= 0.2x vectorbt's time).

Modes are selected with the backend flags (``OMEGA_USE_RUST_*``) for each measurement and
checked against what ran (``BacktestResult.loop`` / ``backends``).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import omega_execution
import omega_indicators
import omega_portfolio
import omega_strategy as ost
from omega_strategy.testing import execution_config, synthetic_data

N_BARS = 1_000_000
SEED = 5
FLAGS = ("STRATEGY", "INDICATORS", "EXECUTION", "PORTFOLIO")
MODES = {"rust": {}, "hybrid": {"STRATEGY": "0"}, "python": dict.fromkeys(FLAGS, "0")}


@pytest.fixture(scope="module")
def data() -> omega_indicators.AlignedMultiCandleData:
    return synthetic_data(N_BARS, SEED)


def _reset() -> None:
    for package in (ost, omega_indicators, omega_execution, omega_portfolio):
        package._backend.STATE.reset()


@pytest.fixture
def mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``mode("rust" | "hybrid" | "python")`` sets the four waves' backend flags."""

    def apply(name: str) -> None:
        for f in FLAGS:
            monkeypatch.delenv(f"OMEGA_USE_RUST_{f}", raising=False)
        for f, value in MODES[name].items():
            monkeypatch.setenv(f"OMEGA_USE_RUST_{f}", value)
        _reset()

    yield apply
    monkeypatch.undo()
    _reset()


def _cpu_timed(function: Callable[..., Any], cpu: list[float]) -> Callable[..., Any]:
    """``function``, recording the process CPU time of each call in ``cpu`` (the machine is
    shared: CPU time is what a contended wall clock cannot show)."""

    def call(*args: Any) -> Any:
        start = time.process_time()
        result = function(*args)
        cpu.append(time.process_time() - start)
        return result

    return call


def _mean_reversion(data: Any) -> ost.BacktestResult:
    return ost.run_backtest(ost.MeanReversionZScore(), data, execution_config())


def _record(benchmark: Any, result: ost.BacktestResult, cpu: list[float]) -> None:
    benchmark.extra_info.update(
        cpu_min_s=min(cpu),
        bars=len(result.equity),
        trades=len(result.trades),
        loop=result.loop,
        backends=result.backends,
        phases_ms=result.timings,
    )


@pytest.mark.benchmark(group="mean_reversion_1m")
def test_mean_reversion_rust_loop(benchmark: Any, data: Any, mode: Callable[[str], None]) -> None:
    mode("rust")
    cpu: list[float] = []
    run = _cpu_timed(_mean_reversion, cpu)
    result = benchmark.pedantic(run, args=(data,), rounds=7, warmup_rounds=1)
    assert result.loop == "rust"
    _record(benchmark, result, cpu)


@pytest.mark.benchmark(group="mean_reversion_1m")
def test_mean_reversion_hybrid_loop(benchmark: Any, data: Any, mode: Callable[[str], None]) -> None:
    mode("hybrid")
    cpu: list[float] = []
    run = _cpu_timed(_mean_reversion, cpu)
    result = benchmark.pedantic(run, args=(data,), rounds=2, iterations=1)
    assert result.loop == "python"
    assert result.backends["indicators"] == result.backends["execution"] == "rust"
    _record(benchmark, result, cpu)


@pytest.mark.benchmark(group="mean_reversion_1m")
def test_mean_reversion_python_loop(benchmark: Any, data: Any, mode: Callable[[str], None]) -> None:
    mode("python")
    cpu: list[float] = []
    run = _cpu_timed(_mean_reversion, cpu)
    result = benchmark.pedantic(run, args=(data,), rounds=2, iterations=1)
    assert result.loop == "python"
    assert set(result.backends.values()) == {"python"}
    _record(benchmark, result, cpu)


_RSS_SCRIPT = textwrap.dedent(
    """
    import omega_strategy as ost
    from omega_strategy.testing import execution_config, synthetic_data

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1])

    data = synthetic_data({n}, {seed})
    ost.run_backtest(ost.MeanReversionZScore(), synthetic_data(2_000, 1), execution_config())
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets the peak-RSS mark (VmHWM) to the current RSS
    before = status("VmRSS")
    result = ost.run_backtest(ost.MeanReversionZScore(), data, execution_config())
    print(result.loop, before, status("VmHWM"))
    """
)


def _peak_rss_kib(flags: dict[str, str]) -> tuple[str, int, int]:
    """``(loop, RSS before the run, peak RSS during it)`` of a fresh process, KiB: the data is
    generated and both loops are warmed up (imports, first calls) before the mark is reset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_USE_RUST_")}
    env.update({f"OMEGA_USE_RUST_{f}": v for f, v in flags.items()})
    script = _RSS_SCRIPT.format(n=N_BARS, seed=SEED)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], int(out[1]), int(out[2])


@pytest.mark.benchmark(group="peak_rss")
def test_peak_rss_rust_vs_python(benchmark: Any) -> None:
    """Fresh processes, same data in memory: the peak RSS a run adds (``VmHWM`` after the run
    minus ``VmRSS`` before it, the mark reset after loading the data)."""
    rust, python = benchmark.pedantic(
        lambda: (_peak_rss_kib(MODES["rust"]), _peak_rss_kib(MODES["python"])),
        rounds=1,
        iterations=1,
    )
    assert rust[0] == "rust"
    assert python[0] == "python"
    rust_extra, python_extra = rust[2] - rust[1], python[2] - python[1]
    benchmark.extra_info.update(
        rust_extra_mib=rust_extra / 1024,
        python_extra_mib=python_extra / 1024,
        rust_peak_mib=rust[2] / 1024,
        python_peak_mib=python[2] / 1024,
        data_mib=rust[1] / 1024,
        ratio=rust_extra / python_extra,
        total_ratio=rust[2] / python[2],
    )


def _masks(close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fast, slow = omega_indicators.sma(close, 20), omega_indicators.sma(close, 50)
    above = fast > slow
    was = np.concatenate([[False], above[:-1]])
    return above & ~was, was & ~above


def _signal_strategy(data: Any) -> ost.BacktestResult:
    entries, exits = _masks(data.series("M5", "bid").close)
    strategy = ost.SignalStrategy(entries, long_exits=exits, sl_stop=0.002, tp_stop=0.004)
    return ost.run_backtest(strategy, data, execution_config())


@pytest.mark.benchmark(group="sma_cross_1m")
def test_sma_cross_signal_strategy(benchmark: Any, data: Any, mode: Callable[[str], None]) -> None:
    mode("rust")
    cpu: list[float] = []
    run = _cpu_timed(_signal_strategy, cpu)
    result = benchmark.pedantic(run, args=(data,), rounds=7, warmup_rounds=1)
    assert result.loop == "rust"
    _record(benchmark, result, cpu)


@pytest.mark.benchmark(group="sma_cross_1m")
def test_sma_cross_vectorbt(benchmark: Any, data: Any) -> None:
    vbt = importlib.import_module("vectorbt")  # installed by nox -s bench
    bid = data.series("M5", "bid")
    index = pd.DatetimeIndex(data.timestamps.view("datetime64[us]"))
    close, high, low, open_ = (
        pd.Series(c, index=index) for c in (bid.close, bid.high, bid.low, bid.open)
    )

    def run() -> Any:
        fast = vbt.MA.run(close, 20).ma
        slow = vbt.MA.run(close, 50).ma
        entries = fast.vbt.crossed_above(slow)
        exits = fast.vbt.crossed_below(slow)
        return vbt.Portfolio.from_signals(
            close, entries, exits, open=open_, high=high, low=low,
            sl_stop=0.002, tp_stop=0.004, freq="5min",
        )  # fmt: skip

    cpu: list[float] = []
    portfolio = benchmark.pedantic(_cpu_timed(run, cpu), rounds=7, warmup_rounds=1)
    benchmark.extra_info.update(
        trades=int(portfolio.trades.count()), vectorbt=vbt.__version__, cpu_min_s=min(cpu)
    )
