"""What a data file is: container (CSV or Parquet), encoding, delimiter and column layout.

Detection reads only the header (CSV) or the schema (Parquet); the rules are in
``docs/data.md``. Column names are compared after normalization: surrounding ``<>`` removed
(MetaTrader), lower case, spaces and dashes → ``_``.

Layouts:

- ``bid_ask``: ``bid_open … bid_close`` and ``ask_open … ask_close`` (also ``open_bid``,
  ``bidopen``), volumes ``bid_volume``/``ask_volume`` or one shared ``volume``;
- ``spread``: one OHLC set plus a ``spread`` column (mid prices, or bid prices in MT5 exports);
- ``single``: one OHLC set without spread — one side; the side must be given by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from omega_indicators.data import SIDES, TIMEFRAME_MINUTES

from .errors import DataError
from .mt5 import is_mt5_header, is_mt5_tick_header

__all__ = [
    "DetectedFormat",
    "Layout",
    "detect_format",
    "detect_timeframe",
    "normalize_column",
]

FIELDS = ("open", "high", "low", "close")
TIME_CANDIDATES = ("timestamp", "datetime", "date_time", "time", "gmt_time", "date")
VOLUME_CANDIDATES = ("volume", "tick_volume", "tickvol", "tickvolume", "vol", "real_volume")
PANDAS_INDEX = "__index_level_0__"
_SIDE_FIRST = re.compile(r"^(bid|ask)_?(open|high|low|close|volume)$")
_FIELD_FIRST = re.compile(r"^(open|high|low|close|volume)_?(bid|ask)$")
_DELIMITERS = (",", ";", "\t", "|")


def normalize_column(name: str) -> str:
    """``"<TICKVOL>"`` → ``"tickvol"``, ``"Bid Open"`` → ``"bid_open"``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().strip("<>").strip().lower())


@dataclass(frozen=True)
class Layout:
    """Which columns hold what. ``columns`` maps canonical names (``bid_open`` …, or ``open``
    … ``volume``, ``spread``) to the file's own column names."""

    kind: Literal["bid_ask", "spread", "single"]
    time: tuple[str, ...]
    """One timestamp column, or a date column and a time column."""
    columns: dict[str, str] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class DetectedFormat:
    """The result of :func:`detect_format`."""

    path: Path
    container: Literal["csv", "parquet"]
    mt5: bool
    layout: Layout
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def name(self) -> str:
        """A one-line description, e.g. ``MetaTrader 5 export (tab-separated)``."""
        if self.mt5:
            return "MetaTrader 5 export (tab-separated, bid OHLC + spread in points)"
        what = {
            "bid_ask": "bid/ask OHLC columns",
            "spread": "OHLC + spread column",
            "single": "one-side OHLC columns",
        }[self.layout.kind]
        if self.container == "parquet":
            return f"Parquet, {what}"
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[
            self.delimiter or ","
        ]
        return f"CSV ({delimiter}-separated), {what}"


def detect_format(path: str | Path, format: str = "auto") -> DetectedFormat:
    """Detects container and layout of ``path``; :class:`DataError` naming the file if it is
    not a readable bar file. ``format``: ``auto``, ``csv``, ``parquet`` or ``mt5``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise DataError(f"{path}: the file is empty")
    is_parquet = head[:4] == b"PAR1"
    if format == "parquet" or (format == "auto" and is_parquet):
        if not is_parquet:
            raise DataError(f"{path}: format 'parquet' given, but the file is not Parquet")
        return DetectedFormat(path, "parquet", False, _layout(path, _parquet_columns(path)))
    if is_parquet:
        raise DataError(f"{path}: format {format!r} given, but the file is Parquet")
    encoding = _encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    header = text.splitlines()[0] if text.splitlines() else ""
    if is_mt5_tick_header(header):
        raise DataError(
            f"{path}: a MetaTrader tick export (<BID>/<ASK> columns); expected bars — export "
            "bars from the MetaTrader symbol window (<OPEN> <HIGH> <LOW> <CLOSE> … <SPREAD>)"
        )
    mt5 = is_mt5_header(header)
    if format == "mt5" and not mt5:
        raise DataError(
            f"{path}: format 'mt5' given, but the header is not a MetaTrader 5 bar export "
            f"(<DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>): {header!r}"
        )
    delimiter = max(_DELIMITERS, key=header.count)
    if header.count(delimiter) == 0:
        raise DataError(
            f"{path}: expected a header row of column names separated by , ; tab or |, "
            f"got {header[:80]!r}"
        )
    columns = [c.strip() for c in header.split(delimiter)]
    return DetectedFormat(path, "csv", mt5, _layout(path, columns), encoding, delimiter)


def _encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # MetaTrader writes UTF-16 with a byte-order mark on some versions
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return "utf-8"


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq  # noqa: PLC0415  (pyarrow is only needed for Parquet)

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError subclasses
        raise DataError(f"{path}: not a readable Parquet file: {exc}") from exc
    return list(schema.names)


def _layout(path: Path, columns: list[str]) -> Layout:
    names: dict[str, str] = {}
    for column in columns:
        key = normalize_column(column)
        if key in names:
            raise DataError(f"{path}: two columns named {key!r} ({names[key]!r}, {column!r})")
        names[key] = column
    time = _time_columns(names)
    if time is None:
        raise DataError(
            f"{path}: no timestamp column; expected one of {', '.join(TIME_CANDIDATES)} (or date "
            f"+ time), found {', '.join(columns)}"
        )
    side_columns = {}
    for key, column in names.items():
        match = _SIDE_FIRST.match(key) or _FIELD_FIRST.match(key)
        if match:
            a, b = match.groups()
            side, what = (a, b) if a in SIDES else (b, a)
            side_columns[f"{side}_{what}"] = column
    kind: Literal["bid_ask", "spread", "single"]
    if side_columns:
        kind, used = "bid_ask", _bid_ask_columns(path, names, side_columns)
    else:
        missing = [f for f in FIELDS if f not in names]
        if missing:
            raise DataError(
                f"{path}: no price columns found; expected open, high, low, close (plus spread), "
                f"or bid_open … ask_close; found {', '.join(columns)}"
            )
        used = {f: names[f] for f in FIELDS}
        volume = _volume(names)
        if volume:
            used["volume"] = volume
        kind = "single"
        if "spread" in names:
            used["spread"] = names["spread"]
            kind = "spread"
    taken = set(used.values()) | set(time)
    ignored = tuple(c for c in columns if c not in taken)
    return Layout(kind, time, used, ignored)


def _bid_ask_columns(
    path: Path, names: dict[str, str], side_columns: dict[str, str]
) -> dict[str, str]:
    wanted = [f"{side}_{f}" for side in SIDES for f in FIELDS]
    missing = [w for w in wanted if w not in side_columns]
    if missing:
        raise DataError(
            f"{path}: has bid/ask columns but misses {', '.join(missing)}; expected "
            f"{', '.join(wanted)}"
        )
    used = {w: side_columns[w] for w in wanted}
    for side in SIDES:
        if f"{side}_volume" in side_columns:
            used[f"{side}_volume"] = side_columns[f"{side}_volume"]
    shared = _volume(names)
    if shared and "bid_volume" not in used and "ask_volume" not in used:
        used["volume"] = shared
    return used


def _time_columns(names: dict[str, str]) -> tuple[str, ...] | None:
    if "date" in names and "time" in names and not {"timestamp", "datetime"} & names.keys():
        return (names["date"], names["time"])
    for key in TIME_CANDIDATES:
        if key in names:
            return (names[key],)
    if PANDAS_INDEX in names:
        return (names[PANDAS_INDEX],)
    return None


def _volume(names: dict[str, str]) -> str | None:
    return next((names[k] for k in VOLUME_CANDIDATES if k in names), None)


def detect_timeframe(timestamps: NDArray[np.int64]) -> tuple[str | None, int | None]:
    """``(timeframe, spacing_minutes)``: the most common spacing between consecutive bars and
    the timeframe it matches (``None`` if it matches none, or fewer than two bars)."""
    if len(timestamps) < 2:
        return None, None
    steps = np.diff(timestamps)
    steps = steps[steps > 0]
    if not len(steps):
        return None, None
    values, counts = np.unique(steps, return_counts=True)
    step = int(values[int(np.argmax(counts))])  # the smallest of equally common spacings
    minutes, rest = divmod(step, 60_000_000)
    if rest:
        return None, None
    match = next((tf for tf, m in TIMEFRAME_MINUTES.items() if m == minutes), None)
    return match, minutes
