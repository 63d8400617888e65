"""Row checks of a data file: every row gets at most one reason (the first that applies).

Kinds, in the order they are checked: ``timestamp`` (unparseable or missing), ``local_time``
(does not exist / is ambiguous in the file's time zone), ``missing_value`` (empty, NaN,
non-numeric or infinite price, volume or spread), ``volume`` (negative), ``ohlc`` (high < low,
open or close outside [low, high]), ``crossed`` (ask below bid, negative spread), ``duplicate``
(same timestamp as an earlier good row), ``unsorted`` (earlier than an earlier good row) and
``unmatched`` (a bar only in the bid file or only in the ask file).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .errors import BadRow, BadRowsError, DroppedRowsWarning

__all__ = ["KINDS", "RowChecks"]

KINDS = (
    "timestamp",
    "local_time",
    "missing_value",
    "volume",
    "ohlc",
    "crossed",
    "duplicate",
    "unsorted",
    "unmatched",
)
REPORTED_ROWS = 20

BoolArray = NDArray[np.bool_]
Detail = Callable[[int], str]


@dataclass(frozen=True)
class _Entry:
    rows: BoolArray
    kind: str
    detail: Detail


class RowChecks:
    """Bad rows of one file. ``locate(i)`` names row ``i`` (``line 12`` / ``row 11``)."""

    def __init__(self, path: str, n: int, locate: Callable[[int], str]) -> None:
        self.path = path
        self.locate = locate
        self.bad = np.zeros(n, dtype=bool)
        self._entries: list[_Entry] = []

    @property
    def ok(self) -> BoolArray:
        """Rows without a problem."""
        return ~self.bad

    def mark(self, rows: BoolArray, kind: str, detail: Detail) -> None:
        """Marks ``rows`` (those not bad yet) as ``kind``; ``detail(i)`` explains row ``i``."""
        assert kind in KINDS, kind
        new = rows & ~self.bad
        if new.any():
            self.bad |= new
            self._entries.append(_Entry(new, kind, detail))

    def check_order(self, timestamps: NDArray[np.int64], show: Callable[[int], str]) -> None:
        """Marks good rows that repeat or go back in time relative to the good rows before them
        (the first occurrence stays). ``show(i)`` renders the timestamp of row ``i``."""
        rows = np.flatnonzero(self.ok)
        if len(rows) < 2:
            return
        ts = timestamps[rows]
        running = np.maximum.accumulate(ts)
        previous = np.r_[np.iinfo(np.int64).min, running[:-1]]
        new_max = ts > previous
        holder = rows[np.maximum.accumulate(np.where(new_max, np.arange(len(ts)), 0))]
        holder_before = np.r_[rows[0], holder[:-1]]

        def owner(i: int) -> int:
            return int(holder_before[np.searchsorted(rows, i)])

        duplicate = np.zeros(len(self.bad), dtype=bool)
        unsorted = np.zeros(len(self.bad), dtype=bool)
        duplicate[rows[ts == previous]] = True
        unsorted[rows[ts < previous]] = True
        self.mark(
            duplicate,
            "duplicate",
            lambda i: f"duplicate timestamp {show(i)} (same as {self.locate(owner(i))})",
        )
        self.mark(
            unsorted,
            "unsorted",
            lambda i: (
                f"timestamp {show(i)} is earlier than {show(owner(i))} at "
                f"{self.locate(owner(i))} (rows must be in time order)"
            ),
        )

    def counts(self) -> dict[str, int]:
        """Bad rows per kind (kinds without bad rows left out), in check order."""
        totals = {kind: 0 for kind in KINDS}
        for entry in self._entries:
            totals[entry.kind] += int(entry.rows.sum())
        return {kind: n for kind, n in totals.items() if n}

    def rows(self, limit: int = REPORTED_ROWS) -> list[BadRow]:
        """The first ``limit`` bad rows in file order, each with its reason."""
        out = []
        for i in np.flatnonzero(self.bad)[:limit].tolist():
            entry = next(e for e in self._entries if e.rows[i])
            out.append(BadRow(self.path, self.locate(i), entry.kind, entry.detail(i)))
        return out

    def resolve(self, on_bad_rows: str) -> BoolArray:
        """The rows to keep: all when clean; with bad rows, raise :class:`BadRowsError`
        (``"error"``) or drop them with a :class:`DroppedRowsWarning` (``"drop"``)."""
        if not self.bad.any():
            return self.ok
        if on_bad_rows == "error":
            raise BadRowsError(self.path, self.rows(), self.counts())
        if on_bad_rows != "drop":
            raise ValueError(f"on_bad_rows: expected 'error' or 'drop', got {on_bad_rows!r}")
        counts = self.counts()
        total = sum(counts.values())
        kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        first = self.rows(3)
        where = "; ".join(str(row) for row in first)
        warnings.warn(
            f"{self.path}: dropped {total} bad row{'s' if total != 1 else ''} ({kinds}); "
            f"first: {where}",
            DroppedRowsWarning,
            stacklevel=3,
        )
        return self.ok
