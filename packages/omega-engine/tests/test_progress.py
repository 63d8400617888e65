"""The progress bar stays quiet for short runs and draws one updating line for long ones."""

from __future__ import annotations

import io

import pytest

from omega_engine.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
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
