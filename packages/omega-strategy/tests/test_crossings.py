"""The Rust loop crosses the Python boundary exactly twice: once in with the arguments, once
out with the results. Measured three ways: the binding's crossing counter, Python's own
profiler (no Python function runs while the call is in Rust), and the other waves' call
counters (the Rust loop never goes through their Python packages). The loop also releases
the GIL: another Python thread keeps running meanwhile.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import omega_execution
import omega_indicators
import omega_portfolio
import omega_strategy as st
from omega_strategy._backend import STATE
from omega_strategy._settings import Settings
from omega_strategy.testing import execution_config, synthetic_data

SMALL = {"window_length": 40, "garch_lookback": 120, "garch_min_periods": 30, "vol_window": 100}


def _arguments(n: int) -> tuple[Any, ...]:
    data = synthetic_data(n, 11)
    strategy = st.MeanReversionZScore(SMALL)
    init_args, arrays = strategy.rust_config()
    settings = Settings.from_configs(execution_config(), None)
    candles = []
    for tf in data.timeframes:
        for side in data.sides(tf):
            s = data.series(tf, side)
            candles.append((tf, side, s.timestamps, s.open, s.high, s.low, s.close, s.volume))
    return (
        "MeanReversionZScore", init_args, arrays, "M5", candles,
        settings.execution_json(), settings.portfolio_json(),
    )  # fmt: skip


def _other_waves() -> dict[str, dict[str, int]]:
    return {
        m.__name__: dict(m.backend_calls())
        for m in (omega_indicators, omega_execution, omega_portfolio)
    }


def test_run_backtest_rust_crosses_exactly_twice(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    rust = STATE.rust()
    args = _arguments(5_000)
    waves_before = _other_waves()
    events: list[tuple[str, str]] = []

    def profiler(frame: FrameType, event: str, arg: Any) -> None:
        name = getattr(arg, "__name__", None) if event.startswith("c_") else frame.f_code.co_name
        events.append((event, str(name)))

    before = rust.boundary_crossings()
    sys.setprofile(profiler)
    try:
        raw = rust.run_backtest_rust(*args)
    finally:
        sys.setprofile(None)
    after = rust.boundary_crossings()

    assert after - before == 2, events
    # Python saw one call into the extension and its return; no Python code ran in between.
    assert events[:2] == [("c_call", "run_backtest_rust"), ("c_return", "run_backtest_rust")]
    assert [e for e in events if e[0] in ("call", "return")] == []
    assert _other_waves() == waves_before
    assert len(raw["trades"]["id"]) > 0
    assert len(raw["equity"]["timestamp"]) == 5_000


def test_run_backtest_uses_exactly_one_rust_call(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    rust = STATE.rust()
    data = synthetic_data(5_000, 12)
    strategy = st.MeanReversionZScore(SMALL)
    before = rust.boundary_crossings()
    calls = STATE.calls()["rust"]
    result = st.run_backtest(strategy, data, execution_config())
    assert result.loop == "rust"
    assert rust.boundary_crossings() - before == 2
    assert STATE.calls()["rust"] - calls == 1


def test_the_loop_releases_the_gil(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    rust = STATE.rust()
    args = _arguments(300_000)
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0)

    worker = threading.Thread(target=spin)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    worker.start()
    try:
        time.sleep(0.01)
        start = ticks
        t0 = time.perf_counter()
        rust.run_backtest_rust(*args)
        elapsed = time.perf_counter() - t0
        during = ticks - start
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(old)
    # With the GIL held for the whole call the other thread could not run at all.
    assert elapsed > 0
    assert during > 100, (during, elapsed)
