"""The recurrence ``y <- y*c + u*r`` evaluated two steps at a time; mirror of
``src/recurrence.rs`` (same operations in the same order, so both backends agree bit for bit).

Steps come in pairs ``(u1, u2)`` counted from the seed ``y0``:

* first step of a pair: output ``y*c + u1*r`` (the chain value ``y`` is not changed);
* second step: ``y = y*c2 + (u1*cr + u2*r)``, output ``y``;

with ``c2 = c*c`` and ``cr = c*r`` rounded once.
"""

from __future__ import annotations

from collections.abc import Sequence


class Affine:
    """State of ``y <- y*c + u*r`` (see the module docstring)."""

    __slots__ = ("c", "c2", "cr", "cur", "half", "pending", "r", "y")

    def __init__(self, c: float, r: float, y0: float) -> None:
        self.c = c
        self.r = r
        self.c2 = c * c
        self.cr = c * r
        self.y = y0
        self.pending = 0.0
        self.half = False
        self.cur = y0

    def copy(self) -> Affine:
        """An independent copy."""
        other = Affine(self.c, self.r, self.y)
        other.pending = self.pending
        other.half = self.half
        other.cur = self.cur
        return other

    def seed(self, y0: float) -> None:
        """Restarts the recurrence at ``y0`` (a new pair starts with the next step)."""
        self.y = y0
        self.cur = y0
        self.half = False
        self.pending = 0.0

    def value(self) -> float:
        """The current value (the seed, or the last output)."""
        return self.cur

    def first(self, u1: float) -> float:
        """Output of the first step of a pair."""
        return self.y * self.c + u1 * self.r

    def pair(self, u1: float, u2: float) -> float:
        """Completes a pair; returns the new chain value."""
        self.y = self.y * self.c2 + (u1 * self.cr + u2 * self.r)
        return self.y

    def step(self, u: float) -> float:
        """Advances by one input; returns the new value."""
        if self.half:
            self.half = False
            self.cur = self.pair(self.pending, u)
        else:
            self.pending = u
            self.half = True
            self.cur = self.first(u)
        return self.cur

    def run(self, inputs: Sequence[float]) -> list[float]:
        """:meth:`step` over ``inputs`` (same outputs, same final state), with local variables."""
        out: list[float] = []
        n = len(inputs)
        i = 0
        if self.half and n > 0:
            out.append(self.step(inputs[0]))
            i = 1
        c, r, c2, cr, y = self.c, self.r, self.c2, self.cr, self.y
        append = out.append
        last_first: float | None = None
        while i + 1 < n:
            u1 = inputs[i]
            u2 = inputs[i + 1]
            append(y * c + u1 * r)
            y = y * c2 + (u1 * cr + u2 * r)
            append(y)
            last_first = u1
            i += 2
        self.y = y
        if last_first is not None:
            self.pending = last_first
            self.cur = y
        if i < n:
            append(self.step(inputs[i]))
        return out
