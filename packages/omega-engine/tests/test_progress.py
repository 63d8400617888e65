"""The progress bar stays quiet for short runs and draws one updating line for long ones; the
loops report their progress (the Python loop every few thousand bars, the Rust loop at the
end) and ``Engine.run`` moves the bar."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import omega_strategy as ost
from omega_engine import create_engine
from omega_engine.progress import Progress
from omega_strategy.testing import EURUSD, execution_config, synthetic_data

SetFlags = Callable[..., None]
GBPUSD = replace(EURUSD, symbol="GBPUSD")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TickingClock(Clock):
    """One second later at every reading: every update is due."""

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_nothing_is_printed_in_the_first_second() -> None:
    out, clock = io.StringIO(), Clock()
    with Progress(1_000, "backtest", stream=out, enabled=True, clock=clock) as progress:
        for i in range(1_000):
            clock.now += 0.0009  # 0.9 s in total
            progress.update(i + 1)
    assert out.getvalue() == ""
    assert not progress.drawn


def test_long_runs_draw_a_bar_and_end_the_line() -> None:
    out, clock = io.StringIO(), Clock()
    with Progress(1_000, "backtest", stream=out, enabled=True, clock=clock) as progress:
        for _ in range(1_000):
            clock.now += 0.01  # 10 s in total
            progress.advance()
    text = out.getvalue()
    assert text.startswith("\rbacktest [")
    assert text.endswith("\n")
    frames = text.rstrip("\n").split("\r")[1:]
    assert 50 <= len(frames) <= 100  # at most one redraw per 0.1 s
    assert frames[-1].startswith("backtest [" + "#" * 30 + "] 100.0% 1,000/1,000 0:10")
    assert " eta " in frames[0]


def test_disabled_and_auto_modes() -> None:
    out, clock = io.StringIO(), Clock()  # StringIO is not a terminal: auto draws nothing
    progress = Progress.for_mode("auto", 10, stream=out, clock=clock)
    assert not progress.enabled
    never = Progress.for_mode("never", 10, stream=out, clock=clock)
    always = Progress.for_mode("always", 10, stream=out, clock=clock)
    for bar in (progress, never, always):
        clock.now += 5
        bar.update(5)
        bar.close()
    assert out.getvalue().count("\n") == 1  # only "always" drew
    with pytest.raises(ValueError, match="mode: expected one of auto, always, never"):
        Progress.for_mode("sometimes", 10)


def test_unknown_total_counts_up() -> None:
    clock = Clock()
    progress = Progress(None, "loading", stream=io.StringIO(), enabled=True, clock=clock)
    progress.update(12_345)
    clock.now += 61
    assert progress.render() == "loading 12,345 done, 1:01"


@pytest.mark.parametrize(("flags", "loop"), [({}, "rust"), ({"use_rust_strategy": "0"}, "python")])
def test_the_loops_report_progress(flags: dict[str, str], loop: str, set_flags: SetFlags) -> None:
    set_flags(**flags)
    calls: list[tuple[int, int]] = []
    result = ost.run_backtest(
        ost.MeanReversionZScore(),
        synthetic_data(10_000),
        execution_config(),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result.loop == loop
    # The Python loop: after every 4,096 bars and at the end; the Rust loop: once, at the end.
    every = [(4_096, 10_000), (8_192, 10_000), (10_000, 10_000)]
    assert calls == (every if loop == "python" else [(10_000, 10_000)])


def test_a_long_engine_run_moves_the_bar(tmp_path: Path, set_flags: SetFlags) -> None:
    set_flags(use_rust_strategy="0")  # the Python loop, about 5,700 bars
    out = io.StringIO()
    progress = Progress(None, "backtest", stream=out, enabled=True, clock=TickingClock())
    config = {"backtest": {"start": "2024-01-02", "end": "2024-01-30"},
              "output": {"dir": str(tmp_path), "parquet": False, "report": False}}  # fmt: skip
    result = create_engine(config).run(progress=progress)
    bars = len(result.equity)
    frames = out.getvalue().rstrip("\n").split("\r")[1:]
    assert out.getvalue().endswith("\n")
    assert f" 4,096/{bars:,} " in frames[0]  # drawn while running, not only at the end
    assert f" {bars:,}/{bars:,} " in frames[-1]
    assert "100.0%" in frames[-1]


def test_the_multi_symbol_loop_reports_timeline_rows() -> None:
    calls: list[tuple[int, int]] = []
    config = execution_config(symbol_specs={"EURUSD": EURUSD, "GBPUSD": GBPUSD})
    runs = [(ost.MeanReversionZScore(init_args={"symbol": s}), synthetic_data(5_000, seed))
            for s, seed in (("EURUSD", 7), ("GBPUSD", 8))]  # fmt: skip
    result = ost.run_backtest_symbols(runs, config, progress=lambda *c: calls.append(c))
    assert len(result.equity) == 5_000  # same timestamps: 5,000 rows of two bars each
    assert calls == [(4_096, 5_000), (5_000, 5_000)]
