"""Timestamps of a data file → int64 UTC microseconds, per row, without guessing.

Accepted forms (rules in ``docs/data.md``):

- text, year first: ``2024-01-02 00:05[:00[.ffffff]]`` (``T`` or space), ``2024.01.02 00:05:00``
  (MetaTrader), ``2024/01/02 00:05``, ``20240102 000500``; day first only with dots and a
  four-digit year at the end: ``02.01.2024 00:05:00.000`` (Dukascopy). ``DD/MM/YYYY`` vs
  ``MM/DD/YYYY`` is ambiguous and refused;
- text with an offset or ``Z`` (``2024-01-02T00:05:00+02:00``): converted to UTC;
- a date column plus a time column (joined with a space);
- numbers: Unix epoch, unit chosen by magnitude (s < 1e11 ≤ ms < 1e14 ≤ µs < 1e17 ≤ ns);
- datetime columns (Parquet): naive or time-zone aware.

Naive times are read in the file's time zone (:class:`TimeZoneSpec`, default UTC). A row whose
timestamp cannot be parsed, or whose local time does not exist or is ambiguous in that zone, is
reported as a bad row — never shifted or guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["ParsedTimes", "TimeZoneSpec", "parse_timestamps", "parse_timezone", "parse_utc_offset"]

_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$")
_SHIFTED_ZONE = re.compile(r"^(.+?)([+-]\d{1,2}(?::?\d{2})?)$")
_AWARE = r"(?:Z|[+-]\d{2}:?\d{2})$"
# Text forms rewritten to ISO 8601 before parsing (pattern, replacement).
_REWRITES = (
    (r"^(\d{4})[./](\d{2})[./](\d{2})", r"\1-\2-\3"),  # 2024.01.02 / 2024/01/02
    (r"^(\d{2})\.(\d{2})\.(\d{4})", r"\3-\2-\1"),  # 02.01.2024 (day first, dots only)
    (r"^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})$", r"\1-\2-\3 \4:\5:\6"),  # 20240102 000500
)
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_EPOCH_TEXT = re.compile(r"^-?\d{9,}(?:\.\d+)?$")  # 9+ digits, no separators: a Unix time
_AMBIGUOUS_SLASHES = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}")
# (magnitude limit, unit, multiplier to µs, divisor to µs)
_EPOCH_UNITS = (
    (1e11, "s", 1_000_000, 1),
    (1e14, "ms", 1_000, 1),
    (1e17, "us", 1, 1),
    (np.inf, "ns", 1, 1_000),
)
_MAX_OFFSET = dt.timedelta(hours=14)

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class TimeZoneSpec:
    """How naive timestamps are read: ``local = time in zone (UTC if None) + shift``.

    ``UTC``: no zone, no shift. ``+02:00``: fixed offset (shift 2 h). ``Europe/Berlin``: an IANA
    zone with its daylight-saving rules. ``America/New_York+7``: New York time plus 7 hours —
    the "New York close" server time of many MetaTrader brokers (UTC+2 in winter, UTC+3 in
    summer, switching on the US dates).
    """

    zone: str | None = None
    shift: dt.timedelta = dt.timedelta(0)

    def describe(self) -> str:
        """The spec as written in a config (``UTC``, ``+02:00``, ``America/New_York+7``)."""
        minutes = int(self.shift.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        hours, rest = divmod(abs(minutes), 60)
        if self.zone is None:
            return f"{sign}{hours:02d}:{rest:02d}" if minutes else "UTC"
        if not minutes:
            return self.zone
        return f"{self.zone}{sign}{hours}" + (f":{rest:02d}" if rest else "")

    @property
    def is_utc(self) -> bool:
        """True when naive times are UTC already."""
        return self.zone is None and not self.shift


UTC = TimeZoneSpec()


def parse_utc_offset(value: Any) -> TimeZoneSpec:
    """A fixed offset: hours as a number (``2``, ``-5``, ``5.5``) or text ``+02:00``/``-0530``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected hours as a number or text like '+02:00', got {value!r}")
    if isinstance(value, str):
        match = _OFFSET.match(value.strip())
        if not match:
            raise ValueError(f"expected an offset like '+02:00' or '-0530', got {value!r}")
        sign = -1 if match.group(1) == "-" else 1
        shift = sign * dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    else:
        if not np.isfinite(value):
            raise ValueError(f"expected a finite number of hours, got {value!r}")
        shift = dt.timedelta(hours=float(value))
    if abs(shift) > _MAX_OFFSET or shift % dt.timedelta(minutes=1):
        raise ValueError(f"expected whole minutes within ±14 hours, got {value!r}")
    return TimeZoneSpec(None, shift)


def parse_timezone(value: Any) -> TimeZoneSpec:
    """``UTC``, an IANA zone (``Europe/Berlin``), a fixed offset (``+02:00``) or an IANA zone
    plus whole hours (``America/New_York+7``)."""
    if not isinstance(value, str) or not value.strip():
        raise TypeError(
            f"expected a time zone name such as 'UTC' or 'Europe/Berlin', got {value!r}"
        )
    name = value.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return UTC
    if _OFFSET.match(name):
        return parse_utc_offset(name)
    if _is_zone(name):
        return TimeZoneSpec(name)
    match = _SHIFTED_ZONE.match(name)
    if match and _is_zone(match.group(1)):
        return TimeZoneSpec(match.group(1), parse_utc_offset(match.group(2)).shift)
    raise ValueError(
        f"expected 'UTC', an IANA zone such as 'Europe/Berlin', an offset such as '+02:00' or a "
        f"zone plus hours such as 'America/New_York+7', got {value!r}"
    )


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class ParsedTimes:
    """Per row: UTC microseconds (meaningless where ``reason`` is set) and why a row failed."""

    micros: IntArray
    unparsed: BoolArray
    """The text (or number) is not a timestamp in the detected form."""
    nonlocal_: BoolArray
    """The local time does not exist (spring forward) or is ambiguous (fall back) in the zone."""
    form: str
    """What was detected: ``text``, ``text with UTC offsets``, ``epoch s`` …, ``datetime``."""


def parse_timestamps(
    values: pd.Series[Any], timezone: TimeZoneSpec | None, where: str
) -> ParsedTimes:
    """Parses one time column. ``timezone`` given explicitly for timestamps that carry their
    own offset (or epoch numbers, which are UTC by definition) is an error, not ignored."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        index = pd.DatetimeIndex(values)
        if index.tz is not None:
            _refuse_zone(timezone, where, "time-zone aware datetimes")
            return _finish(index.tz_convert("UTC").tz_localize(None), "datetime (time-zone aware)")
        return _localize(index, timezone, "datetime")
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        _refuse_zone(timezone, where, "Unix epoch numbers (UTC by definition)")
        return _epoch(values)
    text = values.astype("string").str.strip()
    first = text.dropna()
    first = first[first != ""]
    if len(first) and _EPOCH_TEXT.match(str(first.iloc[0])):
        _refuse_zone(timezone, where, "Unix epoch numbers (UTC by definition)")
        return _epoch(pd.Series(pd.to_numeric(text, errors="coerce")))
    if len(first) and _AMBIGUOUS_SLASHES.match(str(first.iloc[0])):
        raise ValueError(
            f"{where}: timestamps like {first.iloc[0]!r} are ambiguous (day/month or month/day); "
            "expected year-first text such as 2024-01-02 00:05:00"
        )
    for pattern, replacement in _REWRITES:
        text = text.str.replace(pattern, replacement, regex=True)
    iso = text.str.fullmatch(_ISO.pattern).fillna(False).to_numpy(dtype=bool)
    aware = text.str.contains(_AWARE, regex=True).fillna(False).to_numpy(dtype=bool) & iso
    if aware.any():
        _refuse_zone(timezone, where, "timestamps with a UTC offset")
        parsed = pd.to_datetime(text.where(aware), format="ISO8601", utc=True, errors="coerce")
        index = pd.DatetimeIndex(parsed).tz_convert("UTC").tz_localize(None)
        result = _finish(index, "text with UTC offsets")
        # A naive row among rows with offsets has no defined instant: a bad row.
        return ParsedTimes(result.micros, result.unparsed | ~aware, result.nonlocal_, result.form)
    parsed = pd.to_datetime(text.where(iso), format="ISO8601", errors="coerce")
    return _localize(pd.DatetimeIndex(parsed), timezone, "text")


def _refuse_zone(timezone: TimeZoneSpec | None, where: str, what: str) -> None:
    if timezone is not None and not timezone.is_utc:
        raise ValueError(
            f"{where}: timezone/utc_offset {timezone.describe()!r} only applies to naive local "
            f"times, but the file has {what}; remove the option"
        )


def _epoch(values: pd.Series[Any]) -> ParsedTimes:
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = np.isfinite(numbers)
    magnitude = float(np.median(np.abs(numbers[finite]))) if finite.any() else 0.0
    unit, mul, div = next((u, m, d) for limit, u, m, d in _EPOCH_UNITS if magnitude < limit)
    micros = np.zeros(len(numbers), dtype=np.int64)
    if pd.api.types.is_integer_dtype(values.dtype):  # exact integer arithmetic
        ints = values.to_numpy(dtype=np.int64)
        micros[finite] = ints[finite] * mul // div
    else:
        micros[finite] = np.floor(numbers[finite] * mul / div).astype(np.int64)
    empty = np.zeros(len(numbers), dtype=bool)
    return ParsedTimes(micros, ~finite, empty, f"Unix epoch ({unit})")


def _localize(index: pd.DatetimeIndex, timezone: TimeZoneSpec | None, form: str) -> ParsedTimes:
    spec = timezone or UTC
    if spec.is_utc:
        return _finish(index, f"{form} (UTC)")
    shifted = index - pd.Timedelta(spec.shift)
    if spec.zone is None:
        return _finish(shifted, f"{form} ({spec.describe()})")
    missing = np.asarray(index.isna(), dtype=np.bool_)
    try:
        local = shifted.tz_localize(spec.zone, ambiguous="infer", nonexistent="NaT")
    except ValueError:  # an ambiguous hour without its repetition: cannot tell which one
        local = shifted.tz_localize(spec.zone, ambiguous="NaT", nonexistent="NaT")
    utc = local.tz_convert("UTC").tz_localize(None)
    result = _finish(utc, f"{form} ({spec.describe()})")
    nonlocal_ = np.asarray(utc.isna(), dtype=np.bool_) & ~missing
    return ParsedTimes(result.micros, missing, nonlocal_, result.form)


def _finish(index: pd.DatetimeIndex, form: str) -> ParsedTimes:
    missing = np.asarray(index.isna(), dtype=np.bool_)
    micros = np.asarray(index.as_unit("us").asi8, dtype=np.int64).copy()
    micros[missing] = 0
    return ParsedTimes(micros, missing, np.zeros(len(index), dtype=bool), form)
