"""A small text progress bar for runs that take longer than a second.

    with Progress(total=len(bars), label="backtest") as progress:
        for i in range(len(bars)):
            ...
            progress.update(i + 1)        # or progress.advance()

Nothing is printed until ``delay`` seconds (default 1) have passed, so short runs stay quiet;
afterwards the bar is redrawn at most every ``interval`` seconds on one line (``\\r``) of
``stream`` (default: stderr) and finished with a newline. ``enabled=None`` draws only when the
stream is a terminal; the config's ``output.progress`` (``auto``/``always``/``never``) maps to
``None``/``True``/``False`` via :meth:`Progress.for_mode`. ``update`` is cheap (one clock read)
when nothing is drawn, so it can be called every bar.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]

_MODES = {"auto": None, "always": True, "never": False}


class Progress:
    """A one-line progress bar (see the module docstring)."""

    def __init__(
        self,
        total: int | None,
        label: str = "",
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        delay: float = 1.0,
        interval: float = 0.1,
        width: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if total is not None and total < 0:
            raise ValueError(f"total: expected a count >= 0 or None, got {total}")
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty()) if callable(isatty) else False
        self.enabled = enabled
        self.width = width
        self.interval = interval
        self._clock = clock
        self._start = clock()
        self._next_draw = self._start + delay if enabled else float("inf")
        self.done = 0
        self.drawn = False
        self._last_line = ""

    @classmethod
    def for_mode(
        cls,
        mode: str,
        total: int | None,
        label: str = "",
        *,
        stream: TextIO | None = None,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> Progress:
        """``mode``: ``auto`` (draw on a terminal), ``always`` or ``never``."""
        if mode not in _MODES:
            raise ValueError(f"mode: expected one of {', '.join(_MODES)}, got {mode!r}")
        return cls(total, label, stream=stream, enabled=_MODES[mode], delay=delay, clock=clock)

    def update(self, done: int) -> None:
        """Sets the number of finished steps; redraws when due."""
        self.done = done
        if self._next_draw == float("inf"):
            return
        now = self._clock()
        if now >= self._next_draw:
            self._draw(now)
            self._next_draw = now + self.interval

    def advance(self, steps: int = 1) -> None:
        """Adds ``steps`` finished steps."""
        self.update(self.done + steps)

    def close(self) -> None:
        """Draws the final state (only if the bar was shown) and ends the line."""
        if self.drawn:
            self._draw(self._clock())
            self.stream.write("\n")
            self.stream.flush()
        self._next_draw = float("inf")

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def render(self, now: float | None = None) -> str:
        """The current line (without ``\\r``)."""
        elapsed = (self._clock() if now is None else now) - self._start
        prefix = f"{self.label} " if self.label else ""
        if not self.total:
            return f"{prefix}{self.done:,} done, {_clock_text(elapsed)}"
        fraction = min(1.0, self.done / self.total)
        filled = round(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        text = (
            f"{prefix}[{bar}] {fraction:6.1%} {self.done:,}/{self.total:,} {_clock_text(elapsed)}"
        )
        if 0 < fraction < 1:
            text += f" eta {_clock_text(elapsed / fraction - elapsed)}"
        return text

    def _draw(self, now: float) -> None:
        line = self.render(now)
        padding = " " * max(0, len(self._last_line) - len(line))
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self._last_line = line
        self.drawn = True


def _clock_text(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
