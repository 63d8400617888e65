"""What :func:`omega_strategy.run_backtest` returns: :class:`BacktestResult`.

Both loops deliver the same column tables (``_python/results.py`` mirrors ``src/results.rs``);
this module turns them into DataFrames: times as ``datetime64[us, UTC]`` (``NaT`` where
missing), text as ``category`` (categories in order of first appearance), ids as ``uint64``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

TIME_COLUMNS = {
    "trades": ("entry_time", "exit_time"),
    "orders": ("entry_time", "trigger_time", "exit_time"),
    "signals": ("timestamp",),
    "actions": ("timestamp",),
    "equity": ("timestamp",),
}
TABLES = tuple(TIME_COLUMNS)
_UTC_US = pd.DatetimeTZDtype(unit="us", tz="UTC")


@functools.lru_cache(maxsize=256)
def _text_dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The dtype of a text column with these categories, in this order: built once per list
    (building one validates the categories; the same few lists recur in every result)."""
    return pd.CategoricalDtype(list(categories))


def frame(name: str, columns: Mapping[str, Any]) -> pd.DataFrame:
    """A results table as a DataFrame (see the module docs)."""
    times = TIME_COLUMNS[name]
    data: dict[str, Any] = {}
    for key, column in columns.items():
        if isinstance(column, tuple):
            codes, categories = column
            data[key] = pd.Categorical.from_codes(
                np.asarray(codes, dtype=np.int32), dtype=_text_dtype(tuple(categories))
            )
        elif key in times:
            micros = np.asarray(column, dtype=np.int64)
            # The µs are UTC already: a naive index over the (fresh, owned) array, viewed as
            # UTC, shares its memory (`tz_localize` would convert into a copy: ~1 ms per 1M).
            naive = pd.DatetimeIndex(micros.view("datetime64[us]"), copy=False)
            data[key] = naive.view(_UTC_US)
        else:
            data[key] = np.asarray(column)
    # The arrays are fresh and owned by the result: no copy, no consolidation into 2-D blocks.
    result: pd.DataFrame = pd.DataFrame(data, copy=False)
    return result


@dataclass(frozen=True)
class BacktestResult:
    """Trades, equity curve and summary of one backtest, plus how it ran.

    Attributes:
        trades: closed trades in closing order (the portfolio's trade columns, then
            ``initial_stop_loss``, ``scenario``, ``signal_reason``, ``entry_bar``, ``exit_bar``).
        equity: one row per valid primary bar: ``timestamp, equity, balance, peak, drawdown,
            drawdown_pct``.
        summary: the portfolio's summary statistics (``omega_portfolio`` docs/statistics.md).
        orders: every order/position of the simulator, including rejected and still-open ones.
        signals: every signal the strategy emitted (bar, id, levels, scenario, reason).
        actions: every position action other than hold (bar, id, action, value, reason).
        loop: ``"rust"`` (the whole loop in Rust) or ``"python"`` (the Python event loop).
        backends: per wave, the backend that actually served the calls of this run
            (measured by call counters, never echoed from the flags).
        counts: bars and calls per component.
        timings: the Rust loop's phases in ms (``init`` = indicators, ``loop``, ``results``,
            ``total`` = everything inside the Rust call); empty for the Python loop.
    """

    trades: pd.DataFrame
    equity: pd.DataFrame
    summary: dict[str, float | int]
    orders: pd.DataFrame
    signals: pd.DataFrame
    actions: pd.DataFrame
    loop: Literal["rust", "python"]
    backends: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_tables(
        cls,
        tables: Mapping[str, Mapping[str, Any]],
        summary: Mapping[str, float | int],
        loop: Literal["rust", "python"],
        backends: Mapping[str, str],
        counts: Mapping[str, int],
        timings: Mapping[str, float] | None = None,
    ) -> BacktestResult:
        """Assembles a result from the loops' column tables."""
        frames = {name: frame(name, tables[name]) for name in TABLES}
        return cls(
            trades=frames["trades"],
            equity=frames["equity"],
            summary=dict(summary),
            orders=frames["orders"],
            signals=frames["signals"],
            actions=frames["actions"],
            loop=loop,
            backends=dict(backends),
            counts=dict(counts),
            timings=dict(timings or {}),
        )

    def digest(self) -> str:
        """SHA-256 of the trades, the equity curve and the summary (bit patterns of every
        number), for golden tests: equal digests mean bit-identical results."""
        h = hashlib.sha256()
        for name in ("trades", "equity"):
            table = getattr(self, name)
            h.update(name.encode())
            for column in table.columns:
                values = table[column]
                h.update(column.encode())
                if isinstance(values.dtype, pd.CategoricalDtype):
                    h.update(json.dumps([str(v) for v in values]).encode())
                elif isinstance(values.dtype, pd.DatetimeTZDtype):
                    h.update(pd.DatetimeIndex(values).as_unit("us").asi8.tobytes())
                else:
                    h.update(np.ascontiguousarray(values.to_numpy()).tobytes())
        items = [[k, _bits(v)] for k, v in self.summary.items()]
        h.update(json.dumps(items).encode())
        return h.hexdigest()


def _bits(value: float | int) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else float.hex(value)
    return str(value)
