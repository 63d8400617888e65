"""Errors and warnings of the data loaders."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BadRow", "BadRowsError", "DataError", "DroppedRowsWarning"]


class DataError(ValueError):
    """A data file that cannot be used as it is; the message names the file."""


@dataclass(frozen=True)
class BadRow:
    """One rejected row: where it is and why."""

    path: str
    location: str
    """``line 12`` (CSV: physical line, header = line 1) or ``row 11`` (Parquet: 0-based)."""
    kind: str
    """``timestamp``, ``local_time``, ``missing_value``, ``ohlc``, ``volume``, ``crossed``,
    ``duplicate``, ``unsorted`` or ``unmatched``."""
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.location}: {self.message}"


class BadRowsError(DataError):
    """Rows that break the data contract, with ``on_bad_rows="error"`` (the default).

    ``rows`` holds the first bad rows (up to ``limit``), ``counts`` every bad row by kind.
    """

    def __init__(self, path: str, rows: list[BadRow], counts: dict[str, int]) -> None:
        self.path = path
        self.rows = rows
        self.counts = counts
        total = sum(counts.values())
        kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        lines = "\n".join(f"  {row}" for row in rows)
        more = f"\n  … and {total - len(rows)} more" if total > len(rows) else ""
        super().__init__(
            f"{path}: {total} bad row{'s' if total != 1 else ''} ({kinds}):\n{lines}{more}\n"
            'Fix the file, or set on_bad_rows="drop" to drop these rows (they are counted '
            "and reported)."
        )


class DroppedRowsWarning(UserWarning):
    """Rows were dropped because ``on_bad_rows="drop"`` was asked for."""
