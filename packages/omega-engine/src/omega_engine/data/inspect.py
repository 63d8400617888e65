"""``omega data inspect FILE``: what a data file is and what is in it, without loading it into a
backtest — format, columns, timestamps, timeframe, rows, bad rows, gaps and spreads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from omega_indicators.data import TIMEFRAME_MINUTES, duration_us

from .errors import BadRow
from .formats import detect_format, detect_timeframe
from .loaders import read_rows
from .timestamps import TimeZoneSpec

__all__ = ["Gap", "Inspection", "format_inspection", "inspect_file"]

_DAY_US = 86_400_000_000
_SATURDAY = 5  # Monday = 0


@dataclass(frozen=True)
class Gap:
    """A stretch without bars: from the close of one bar to the open of the next."""

    start: pd.Timestamp
    end: pd.Timestamp
    missing_bars: int
    weekend: bool
    """The gap spans a Saturday (a market weekend, not missing data)."""


@dataclass(frozen=True)
class Inspection:
    """The result of :func:`inspect_file`; ``str()`` of it via :func:`format_inspection`."""

    path: str
    format: str
    container: str
    encoding: str | None
    layout: str
    time_columns: tuple[str, ...]
    columns: dict[str, str]
    ignored_columns: tuple[str, ...]
    time_form: str
    rows: int
    bad_rows: dict[str, int]
    first_bad_rows: tuple[BadRow, ...]
    timeframe: str | None
    spacing_minutes: int | None
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    weekend_gaps: int = 0
    """Gaps spanning a Saturday (market weekends)."""
    other_gaps: int = 0
    missing_bars: int = 0
    """Bars missing in the other (non-weekend) gaps."""
    largest_gaps: tuple[Gap, ...] = ()
    """The five longest non-weekend gaps."""
    spread: dict[str, float] = field(default_factory=dict)
    spread_unit: str = ""
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No bad rows and a recognizable timeframe."""
        return not self.bad_rows and self.timeframe is not None


def inspect_file(
    path: str | Path, *, format: str = "auto", timezone: TimeZoneSpec | None = None
) -> Inspection:
    """Inspects one file (never raises for bad rows: they are counted and listed)."""
    detected = detect_format(path, format)
    parsed = read_rows(detected, timezone)
    layout = detected.layout
    good = parsed.checks.ok
    ts = parsed.times.micros[good]
    tf, spacing = detect_timeframe(
        parsed.times.micros[~(parsed.times.unparsed | parsed.times.nonlocal_)]
    )
    gaps = _gaps(ts, tf) if tf is not None else []
    other = [g for g in gaps if not g.weekend]
    spread, unit = _spread(parsed.values, layout.kind, detected.mt5, good)
    notes = []
    if detected.mt5:
        notes.append(
            "MetaTrader exports are in the broker's server time: set timezone (e.g. "
            "'America/New_York+7' for New-York-close servers, UTC+2/UTC+3) unless it is UTC"
        )
        notes.append("MT5 prices are bid prices: ask = bid + SPREAD × point (spec.point)")
    elif layout.kind == "spread":
        notes.append(
            "one OHLC set plus spread: set price_basis (mid, the default, or bid) and "
            "spread_unit (price, points or pips) when loading"
        )
    if layout.kind == "single":
        notes.append("one side only: load it with its partner file as files = {TF = {bid, ask}}")
    if tf is None and spacing is not None:
        notes.append(f"the most common spacing ({spacing} min) is no timeframe; set timeframe")
    stamp = [pd.Timestamp(int(t), unit="us", tz="UTC") for t in ts[[0, -1]]] if len(ts) else []
    return Inspection(
        path=str(detected.path),
        format=detected.name,
        container=detected.container,
        encoding=detected.encoding,
        layout=layout.kind,
        time_columns=layout.time,
        columns=dict(layout.columns),
        ignored_columns=layout.ignored,
        time_form=parsed.times.form,
        rows=parsed.rows,
        bad_rows=parsed.checks.counts(),
        first_bad_rows=tuple(parsed.checks.rows(10)),
        timeframe=tf,
        spacing_minutes=spacing,
        first=stamp[0] if stamp else None,
        last=stamp[1] if stamp else None,
        weekend_gaps=len(gaps) - len(other),
        other_gaps=len(other),
        missing_bars=sum(g.missing_bars for g in other),
        largest_gaps=tuple(sorted(other, key=lambda g: g.end - g.start, reverse=True)[:5]),
        spread=spread,
        spread_unit=unit,
        notes=tuple(notes),
    )


def _gaps(ts: NDArray[np.int64], tf: str) -> list[Gap]:
    """Gaps between good bars (intraday timeframes only; D1/W1 have no meaningful gaps)."""
    if len(ts) < 2 or TIMEFRAME_MINUTES[tf] >= TIMEFRAME_MINUTES["D1"]:
        return []
    step = duration_us(tf)
    ordered = np.sort(ts)
    at = np.flatnonzero(np.diff(ordered) > step)
    starts, ends = ordered[at] + step, ordered[at + 1]
    first_day, last_day = starts // _DAY_US, (ends - 1) // _DAY_US
    saturday = first_day + (_SATURDAY - (first_day + 3) % 7) % 7  # 1970-01-01 was a Thursday
    weekend = saturday <= last_day
    missing = (ends - starts) // step
    return [
        Gap(pd.Timestamp(int(a), unit="us", tz="UTC"), pd.Timestamp(int(b), unit="us", tz="UTC"),
            int(m), bool(w))
        for a, b, m, w in zip(starts, ends, missing, weekend, strict=True)
    ]  # fmt: skip


def _spread(
    values: dict[str, NDArray[np.float64]], kind: str, mt5: bool, good: NDArray[np.bool_]
) -> tuple[dict[str, float], str]:
    if kind == "bid_ask":
        spread = values["ask_close"][good] - values["bid_close"][good]
        unit = "price (ask_close − bid_close)"
    elif kind == "spread":
        spread = values["spread"][good]
        unit = "points" if mt5 else "as in the file"
    else:
        return {}, ""
    if not len(spread):
        return {}, unit
    stats = {
        "min": float(np.min(spread)),
        "median": float(np.median(spread)),
        "p95": float(np.quantile(spread, 0.95)),
        "max": float(np.max(spread)),
    }
    return stats, unit


def format_inspection(result: Inspection) -> str:
    """``result`` as the aligned text ``omega data inspect`` prints."""
    rows: list[tuple[str, str]] = [("file", result.path)]
    fmt = result.format
    if result.encoding and result.encoding != "utf-8":
        fmt += f", encoding {result.encoding}"
    rows.append(("format", fmt))
    used = ", ".join(
        key if key == name else f"{key}={name}" for key, name in result.columns.items()
    )
    rows.append(("columns", f"time={' + '.join(result.time_columns)}, {used}"))
    if result.ignored_columns:
        rows.append(("ignored", ", ".join(result.ignored_columns)))
    rows.append(("timestamps", result.time_form))
    if result.timeframe:
        rows.append(("timeframe", f"{result.timeframe} (detected from the bar spacing)"))
    else:
        spacing = (
            f"most common spacing {result.spacing_minutes} min"
            if result.spacing_minutes
            else "too few rows"
        )
        rows.append(("timeframe", f"unknown ({spacing})"))
    bad = sum(result.bad_rows.values())
    kinds = ", ".join(f"{n} {k}" for k, n in result.bad_rows.items())
    rows.append(("rows", f"{result.rows:,} ({bad:,} bad{': ' + kinds if bad else ''})"))
    if result.first is not None and result.last is not None:
        rows.append(("range", f"{_when(result.first)} → {_when(result.last)} (bar open times)"))
    if result.timeframe:
        rows.append(
            (
                "gaps",
                f"{result.weekend_gaps} spanning a weekend; {result.other_gaps} other "
                f"({result.missing_bars:,} missing {result.timeframe} bars)",
            )
        )
        for gap in result.largest_gaps:
            bars = f"{gap.missing_bars} bar{'s' if gap.missing_bars != 1 else ''}"
            rows.append(("", f"  {_when(gap.start)} → {_when(gap.end)}: {bars}"))
    if result.spread:
        s = result.spread
        rows.append(
            (
                "spread",
                f"{result.spread_unit}: min {s['min']:g}, median {s['median']:g}, "
                f"p95 {s['p95']:g}, max {s['max']:g}",
            )
        )
    for row in result.first_bad_rows:
        rows.append(("bad row", str(row)))
    for note in result.notes:
        rows.append(("note", note))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}".rstrip() for k, v in rows)


def _when(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M UTC")
