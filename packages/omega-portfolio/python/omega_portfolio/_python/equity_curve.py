"""Mirror of ``omega_portfolio::equity_curve``: the equity curve and its drawdown measures.

``peak_k = max(peak_{k-1}, equity_k)`` with ``peak_{-1} = initial_balance``,
``drawdown_k = peak_k - equity_k``, ``drawdown_pct_k = drawdown_k / peak_k * 100``. Maxima are
exact in any order, so numpy's vectorised forms give the Rust loop's numbers bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

MICROS_PER_DAY = 86_400_000_000

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


class _Column:
    """A growable 1-D numpy buffer (amortised O(1) append and extend)."""

    def __init__(self, dtype: type[Any]) -> None:
        self._data: npt.NDArray[Any] = np.empty(16, dtype=dtype)
        self._len = 0

    def _reserve(self, extra: int) -> None:
        needed = self._len + extra
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self._len] = self._data[: self._len]
            self._data = grown

    def append(self, value: float) -> None:
        self._reserve(1)
        self._data[self._len] = value
        self._len += 1

    def extend(self, values: npt.NDArray[Any]) -> None:
        self._reserve(len(values))
        self._data[self._len : self._len + len(values)] = values
        self._len += len(values)

    def view(self) -> npt.NDArray[Any]:
        return self._data[: self._len]


@dataclass(frozen=True)
class DrawdownStats:
    """Largest drawdown (absolute, %) and longest time under water (µs)."""

    max_drawdown: float
    max_drawdown_pct: float
    max_duration_us: int


class EquityCurve:
    """Timestamps (UTC µs, non-decreasing), equity and balance, one entry per point."""

    def __init__(self) -> None:
        self._timestamps = _Column(np.int64)
        self._equity = _Column(np.float64)
        self._balance = _Column(np.float64)

    def __len__(self) -> int:
        return len(self._timestamps.view())

    def timestamps(self) -> I64:
        """Point timestamps (a view; copy before handing out)."""
        return self._timestamps.view()

    def equity(self) -> F64:
        """Equity per point (a view)."""
        return self._equity.view()

    def balance(self) -> F64:
        """Balance per point (a view)."""
        return self._balance.view()

    def push(self, timestamp: int, equity: float, balance: float) -> None:
        self._timestamps.append(timestamp)
        self._equity.append(equity)
        self._balance.append(balance)

    def extend(self, timestamps: I64, equity: F64, balance: float) -> None:
        self._timestamps.extend(timestamps)
        self._equity.extend(equity)
        self._balance.extend(np.full(len(timestamps), balance))

    def drawdown_columns(self, initial_balance: float) -> tuple[F64, F64, F64]:
        """Running peak, drawdown and drawdown % per point."""
        equity = self.equity()
        peak = np.maximum.accumulate(np.concatenate(([initial_balance], equity)))[1:]
        drawdown = peak - equity
        return peak, drawdown, drawdown / peak * 100.0

    def drawdown_stats(self, initial_balance: float) -> DrawdownStats:
        """Maximum drawdown (absolute and %) and the longest time under water."""
        n = len(self)
        if n == 0:
            return DrawdownStats(0.0, 0.0, 0)
        times, equity = self.timestamps(), self.equity()
        peak, drawdown, drawdown_pct = self.drawdown_columns(initial_balance)
        previous_peak = np.concatenate(([initial_balance], peak[:-1]))
        new_high = equity >= previous_peak
        # Index of the point that set the current peak (point 0 while it is still the
        # initial balance).
        peak_index = np.maximum.accumulate(np.where(new_high, np.arange(n), 0))
        underwater = ~new_high
        durations = times[underwater] - times[peak_index[underwater]]
        recovered = np.flatnonzero(new_high[1:] & underwater[:-1]) + 1
        recoveries = times[recovered] - times[peak_index[recovered - 1]]
        longest = 0
        if durations.size:
            longest = max(longest, int(durations.max()))
        if recoveries.size:
            longest = max(longest, int(recoveries.max()))
        return DrawdownStats(
            max_drawdown=max(0.0, float(drawdown.max())),
            max_drawdown_pct=max(0.0, float(drawdown_pct.max())),
            max_duration_us=longest,
        )

    def daily_closes(self) -> F64:
        """The last equity of each UTC day that has points, in time order."""
        days = self.timestamps() // MICROS_PER_DAY
        last = np.append(days[1:] != days[:-1], True) if len(days) else days.astype(bool)
        closes: F64 = self.equity()[last]
        return closes
