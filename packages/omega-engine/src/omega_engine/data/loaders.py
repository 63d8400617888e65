"""Loading bid/ask candles from CSV, Parquet and MetaTrader 5 files, and building a symbol's
aligned multi-timeframe data (DESIGN §4).

- :func:`load_candles` reads one file: every row is checked (``validation.py``); bad rows raise
  one :class:`BadRowsError` naming file and line, or — with ``on_bad_rows="drop"`` — are dropped,
  counted in the report and announced with a :class:`DroppedRowsWarning`. Nothing else is
  changed: prices are parsed round-trip exactly, never rounded, sorted or filled.
- :func:`load_symbol_data` turns one configured symbol into ``AlignedMultiCandleData``: loads
  its file(s) or the builtin dataset, cuts the backtest window, resamples the primary timeframe
  to the higher timeframes asked for (``resample.py``) and aligns them without look-ahead.
- :func:`load_market_data` does that for every symbol of a config.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from omega_indicators import AlignedMultiCandleData, CandleSeries
from omega_indicators.data import SIDES, TIMEFRAME_MINUTES

from .default_dataset import DATASET_NAME, synthetic_eurusd_m5
from .errors import BadRow, BadRowsError, DataError
from .formats import FIELDS, DetectedFormat, detect_format, detect_timeframe
from .frames import candles_frame
from .mt5 import MT5_DEFAULTS
from .resample import resample
from .timestamps import ParsedTimes, TimeZoneSpec, parse_timestamps
from .validation import Detail, RowChecks

if TYPE_CHECKING:
    from ..config import BacktestWindow, EngineConfig, SymbolConfig, SymbolSpecConfig

__all__ = [
    "LoadReport",
    "LoadedCandles",
    "SymbolData",
    "load_candles",
    "load_market_data",
    "load_symbol_data",
]

FloatArray = NDArray[np.float64]
# Exact float parsing: pandas < 3.1 needs float_precision="round_trip" for it; from 3.1 every
# mode uses the same (exact) converter and the argument is deprecated.
_PANDAS = tuple(int(part) for part in pd.__version__.split(".")[:2])
_ROUND_TRIP: dict[str, Any] = {"float_precision": "round_trip"} if _PANDAS < (3, 1) else {}


@dataclass(frozen=True)
class LoadReport:
    """What was read from one file and what happened to it."""

    path: str
    container: str
    """``csv``, ``parquet`` or ``memory`` (the builtin dataset)."""
    format: str
    layout: str
    time_form: str
    timeframe: str
    rows_read: int
    rows_kept: int
    dropped: dict[str, int] = field(default_factory=dict)
    """Dropped rows per kind (``on_bad_rows="drop"``); empty when the file was clean."""
    dropped_rows: tuple[BadRow, ...] = ()
    """The first dropped rows with their reasons."""
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: tuple[str, ...] = ()
    conversion: str = ""
    """How the file's prices became bid/ask, e.g. ``ask = bid + SPREAD × 0.00001``."""

    @property
    def rows_dropped(self) -> int:
        """How many rows were dropped."""
        return self.rows_read - self.rows_kept

    def locate(self, row: int) -> str:
        """Where data row ``row`` (0-based) is in the file."""
        return location(self.container, row)


def location(container: str, row: int) -> str:
    """``line N`` in a CSV (physical line, header = line 1, so ``N = row + 2``), ``row N``
    (0-based) in Parquet."""
    return f"line {row + 2}" if container == "csv" else f"row {row}"


@dataclass(frozen=True)
class LoadedCandles:
    """Candles of one file: both sides, or one side for a one-side file."""

    timeframe: str
    bid: CandleSeries | None
    ask: CandleSeries | None
    report: LoadReport
    source_rows: NDArray[np.int64]
    """For each kept candle, its row in the file (0-based data row)."""

    def frame(self, side: str) -> pd.DataFrame:
        """``side`` as a DataFrame indexed by UTC open time (``open high low close volume``)."""
        candles = {"bid": self.bid, "ask": self.ask}[side]
        if candles is None:
            raise ValueError(f"side: {self.report.path} has no {side} candles")
        return candles_frame(candles)


def load_candles(
    path: str | Path,
    *,
    format: str = "auto",
    timeframe: str | None = None,
    timezone: TimeZoneSpec | None = None,
    price_basis: str | None = None,
    spread_unit: str | None = None,
    point: float | None = None,
    pip_size: float | None = None,
    side: str | None = None,
    on_bad_rows: str = "error",
) -> LoadedCandles:
    """Reads one bar file (rules in ``docs/data.md``).

    ``format``: ``auto``/``csv``/``parquet``/``mt5``. ``timeframe``: checked against the
    timestamps (detected when ``None``). ``timezone``: how naive times are read (UTC when
    ``None``). For a file with one OHLC set and a spread: ``price_basis`` (``mid`` — bid/ask =
    mid ∓ spread/2 — or ``bid`` — ask = bid + spread; MT5: ``bid``) and ``spread_unit``
    (``price``, ``points`` × ``point``, ``pips`` × ``pip_size``; MT5: ``points``). For a file
    with one OHLC set and no spread: ``side`` (``bid``/``ask``). ``on_bad_rows``: ``error``
    or ``drop``.
    """
    if on_bad_rows not in ("error", "drop"):
        raise ValueError(f"on_bad_rows: expected 'error' or 'drop', got {on_bad_rows!r}")
    detected = detect_format(path, format)
    _check_options(detected, price_basis, spread_unit, side)
    parsed = read_rows(detected, timezone)
    checks, values, times, n = parsed.checks, parsed.values, parsed.times, parsed.rows
    layout, where = detected.layout, str(detected.path)
    keep = checks.resolve(on_bad_rows)
    ts = times.micros[keep]
    if not len(ts):
        raise DataError(f"{where}: no usable rows (read {n})")
    # The timeframe is a property of the file: detected over every row with a timestamp.
    tf = _timeframe(where, times.micros[~(times.unparsed | times.nonlocal_)], timeframe)
    kept = {key: array[keep] for key, array in values.items()}
    sides, conversion = _sides(detected, kept, price_basis, spread_unit, point, pip_size, side)
    candles = {s: CandleSeries.from_columns(ts, **columns) for s, columns in sides.items()}
    dropped = checks.rows() if on_bad_rows == "drop" else []
    report = LoadReport(
        path=where,
        container=detected.container,
        format=detected.name,
        layout=layout.kind,
        time_form=times.form,
        timeframe=tf,
        rows_read=n,
        rows_kept=len(ts),
        dropped=checks.counts(),
        dropped_rows=tuple(dropped),
        columns=dict(layout.columns),
        ignored_columns=layout.ignored,
        conversion=conversion,
    )
    return LoadedCandles(
        tf, candles.get("bid"), candles.get("ask"), report, np.flatnonzero(keep).astype(np.int64)
    )


@dataclass(frozen=True)
class ParsedRows:
    """A file read and checked row by row, before bad rows are resolved."""

    detected: DetectedFormat
    rows: int
    times: ParsedTimes
    values: dict[str, FloatArray]
    """Canonical column name → float values (NaN where not a number)."""
    checks: RowChecks


def read_rows(detected: DetectedFormat, timezone: TimeZoneSpec | None = None) -> ParsedRows:
    """Reads the file ``detected`` describes and checks every row (``validation.py``)."""
    layout = detected.layout
    where = str(detected.path)
    frame = _read(detected)
    n = len(frame)
    checks = RowChecks(where, n, lambda i: location(detected.container, i))
    if len(layout.time) == 2:
        date, time = (frame[c].astype("string").str.strip() for c in layout.time)
        raw_time = date + " " + time
    else:
        raw_time = frame[layout.time[0]]
    times = parse_timestamps(raw_time, timezone, where)

    def show(i: int) -> str:
        return repr(str(raw_time.iloc[i]))

    checks.mark(times.unparsed, "timestamp", lambda i: f"expected a timestamp, got {show(i)}")
    zone = (timezone or TimeZoneSpec()).describe()
    checks.mark(
        times.nonlocal_,
        "local_time",
        lambda i: f"local time {show(i)} does not exist or is ambiguous in {zone}",
    )
    values = {key: _numbers(frame[column]) for key, column in layout.columns.items()}
    for key, column in layout.columns.items():

        def missing(i: int, column: str = column) -> str:
            return f"{column}: expected a finite number, got {str(frame[column].iloc[i])!r}"

        checks.mark(~np.isfinite(values[key]), "missing_value", missing)
    for key, column in layout.columns.items():
        if key.endswith("volume"):
            checks.mark(values[key] < 0, "volume", _negative(column, values[key], "volume"))
    prefixes = ("bid_", "ask_") if layout.kind == "bid_ask" else ("",)
    for prefix in prefixes:
        _check_ohlc(checks, values, layout.columns, prefix)
    if layout.kind == "bid_ask":
        for f in FIELDS:
            ask, bid = values[f"ask_{f}"], values[f"bid_{f}"]
            names = layout.columns[f"ask_{f}"], layout.columns[f"bid_{f}"]
            checks.mark(ask < bid, "crossed", _below(names, ask, bid, " (crossed quotes)"))
    if layout.kind == "spread":
        spread = values["spread"]
        checks.mark(spread < 0, "crossed", _negative(layout.columns["spread"], spread, "spread"))
    checks.check_order(times.micros, show)
    return ParsedRows(detected, n, times, values, checks)


def _num(value: float | np.floating[Any]) -> str:
    """A number as it would be written in the file (not ``np.float64(...)``)."""
    return repr(float(value))


def _check_options(
    detected: DetectedFormat, price_basis: str | None, spread_unit: str | None, side: str | None
) -> None:
    """Options that do not apply to the file's layout are errors, not silently ignored."""
    kind = detected.layout.kind
    where = str(detected.path)
    if kind != "spread":
        for name, value in (("price_basis", price_basis), ("spread_unit", spread_unit)):
            if value is not None:
                raise DataError(f"{where}: {name} only applies to files with a spread column")
    if kind == "single" and side not in SIDES:
        raise DataError(
            f"{where}: one OHLC set without a spread column — that is one side; give it as "
            "files = {TF = {bid = …, ask = …}}, or use a file with a spread or bid_/ask_ columns"
        )
    if kind != "single" and side is not None:
        raise DataError(
            f"{where}: expected a one-side file (open/high/low/close, no spread) for the {side} "
            f"side, got {detected.name}"
        )


def _read(detected: DetectedFormat) -> pd.DataFrame:
    layout = detected.layout
    columns = list(dict.fromkeys([*layout.time, *layout.columns.values()]))
    if detected.container == "parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        table = pq.read_table(detected.path, columns=columns)
        frame: pd.DataFrame = table.to_pandas(ignore_metadata=True)
        return frame
    try:
        frame = pd.read_csv(
            detected.path,
            sep=detected.delimiter,
            encoding=detected.encoding,
            usecols=columns,
            dtype=dict.fromkeys(layout.time, str),
            skip_blank_lines=False,
            skipinitialspace=True,
            **_ROUND_TRIP,
        )
        return frame
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{detected.path}: cannot be read as CSV: {exc}") from exc


def _numbers(column: pd.Series[Any]) -> FloatArray:
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _check_ohlc(
    checks: RowChecks, values: Mapping[str, FloatArray], names: Mapping[str, str], prefix: str
) -> None:
    o, h, l, c = (values[f"{prefix}{f}"] for f in FIELDS)  # noqa: E741
    high, low = names[f"{prefix}high"], names[f"{prefix}low"]
    checks.mark(h < l, "ohlc", _below((high, low), h, l))
    for name, v in ((names[f"{prefix}open"], o), (names[f"{prefix}close"], c)):
        checks.mark((v > h) | (v < l), "ohlc", _outside(name, v, (low, high), l, h))


def _negative(column: str, values: FloatArray, what: str) -> Detail:
    return lambda i: f"{column}: negative {what} {_num(values[i])}"


def _below(names: tuple[str, str], a: FloatArray, b: FloatArray, note: str = "") -> Detail:
    return lambda i: f"{names[0]} {_num(a[i])} is below {names[1]} {_num(b[i])}{note}"


def _outside(
    name: str, v: FloatArray, bounds: tuple[str, str], low: FloatArray, high: FloatArray
) -> Detail:
    return lambda i: (
        f"{name} {_num(v[i])} is outside [{bounds[0]}, {bounds[1]}] = "
        f"[{_num(low[i])}, {_num(high[i])}]"
    )


def _timeframe(where: str, ts: NDArray[np.int64], declared: str | None) -> str:
    detected, spacing = detect_timeframe(ts)
    if declared is None:
        if detected is None:
            what = f"bars are mostly {spacing} minutes apart" if spacing else "too few bars"
            raise DataError(
                f"{where}: cannot tell the timeframe ({what}); set timeframe to one of "
                f"{', '.join(TIMEFRAME_MINUTES)}"
            )
        return detected
    if spacing is None or spacing == TIMEFRAME_MINUTES[declared]:
        return declared
    raise DataError(
        f"{where}: timeframe {declared} declared, but the bars are mostly {spacing} minutes apart"
        + (f" ({detected})" if detected else "")
    )


def _sides(
    detected: DetectedFormat,
    values: Mapping[str, FloatArray],
    price_basis: str | None,
    spread_unit: str | None,
    point: float | None,
    pip_size: float | None,
    side: str | None,
) -> tuple[dict[str, dict[str, FloatArray | None]], str]:
    """Per side ``{open high low close volume}`` columns (volume ``None`` when the file has
    none: zeros), and how they were derived."""
    kind = detected.layout.kind
    where = str(detected.path)
    shared = values.get("volume")
    sides: dict[str, dict[str, FloatArray | None]]
    if kind == "bid_ask":
        sides = {
            s: {**{f: values[f"{s}_{f}"] for f in FIELDS},
                "volume": values.get(f"{s}_volume", shared)}
            for s in SIDES
        }  # fmt: skip
        return sides, "bid/ask columns as they are"
    prices: dict[str, FloatArray | None] = {f: values[f] for f in FIELDS}
    if kind == "single":
        assert side is not None
        return {side: {**prices, "volume": shared}}, f"{side} prices as they are"
    defaults = MT5_DEFAULTS if detected.mt5 else {"price_basis": "mid"}
    basis = price_basis or defaults["price_basis"]
    unit = spread_unit or defaults.get("spread_unit")
    if unit is None:
        raise DataError(
            f"{where}: has a spread column; set spread_unit to 'price', 'points' or 'pips' "
            "(the unit of the spread values)"
        )
    size = {"price": 1.0, "points": point, "pips": pip_size}[unit]
    if size is None:
        need = "point (spec.point or spec.tick_size)" if unit == "points" else "spec.pip_size"
        raise DataError(f"{where}: spread in {unit} needs the symbol's {need}")
    spread_column = detected.layout.columns["spread"]
    factor = "" if unit == "price" else f" × {size:g}"
    if basis == "mid":
        half = _decimal_product(values["spread"], size / 2.0)
        bid = {f: _decimal_sum(values[f], -half) for f in FIELDS}
        ask = {f: _decimal_sum(values[f], half) for f in FIELDS}
        how = f"bid/ask = mid ∓ {spread_column}{factor} / 2"
    else:
        spread = _decimal_product(values["spread"], size)
        bid = {f: values[f] for f in FIELDS}
        ask = {f: _decimal_sum(values[f], spread) for f in FIELDS}
        how = f"bid = prices, ask = bid + {spread_column}{factor}"
    return {"bid": {**bid, "volume": shared}, "ask": {**ask, "volume": shared}}, how


# Decimal-exact arithmetic for the spread conversion. Prices in files are decimals (1.09973);
# a float sum such as 1.09973 + 54 × 0.00001 gives 1.1002700000000001, not the double nearest to
# 1.10027. When both operands are decimals with at most _DECIMALS digits after the point (true
# for every price written as text with ≤ 10 decimals), the exact decimal result has at most
# _DECIMALS digits too, and rounding the float result to _DECIMALS digits yields the double
# nearest to it. Anything else keeps the plain float result — nothing is rounded beyond that.
_DECIMALS = 10
_EXACT_LIMIT = 1e5  # |result| · 10**_DECIMALS stays far below 2**53


def _decimal_places(value: float) -> int | None:
    return next((d for d in range(_DECIMALS + 1) if round(value, d) == value), None)


def _decimal_product(values: FloatArray, factor: float) -> FloatArray:
    result = values * factor
    places = _decimal_places(factor)
    if places is None:
        return result
    exact = (np.round(values, _DECIMALS - places) == values) & (np.abs(result) < _EXACT_LIMIT)
    return np.where(exact, np.round(result, _DECIMALS), result)


def _decimal_sum(a: FloatArray, b: FloatArray) -> FloatArray:
    result = a + b
    exact = (np.round(a, _DECIMALS) == a) & (np.round(b, _DECIMALS) == b)
    exact &= np.abs(result) < _EXACT_LIMIT
    return np.where(exact, np.round(result, _DECIMALS), result)


# --------------------------------------------------------------------------------------------
# One configured symbol → AlignedMultiCandleData
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SymbolData:
    """One symbol's aligned candles, its spec and where the candles came from."""

    name: str
    spec: SymbolSpecConfig
    candles: AlignedMultiCandleData
    reports: tuple[LoadReport, ...]
    synthetic: bool
    """True for the builtin generated dataset (not market data)."""

    @property
    def primary_tf(self) -> str:
        """The primary timeframe of ``candles``."""
        return self.candles.primary_tf


def load_symbol_data(
    symbol: SymbolConfig,
    *,
    timeframe: str | None = None,
    higher_timeframes: Iterable[str] = (),
    window: BacktestWindow | None = None,
) -> SymbolData:
    """``symbol``'s candles aligned onto its primary timeframe.

    ``timeframe``: the primary timeframe (default: the data's finest); a finer file is
    resampled up to it, a coarser one is an error. ``higher_timeframes``: resampled from the
    primary unless a file gives them. ``window``: keep bars with ``start <= open < end``
    (cut before resampling, so every candle is built from bars inside the window).
    """
    data = symbol.data
    where = f"symbols[{symbol.name}]"
    native: dict[str, dict[str, CandleSeries]]
    if data.builtin is not None:
        dataset = synthetic_eurusd_m5(*(() if data.seed is None else (data.seed,)))
        native = {dataset.timeframe: {"bid": dataset.bid, "ask": dataset.ask}}
        reports: tuple[LoadReport, ...] = (_builtin_report(dataset.seed, len(dataset.bid)),)
    elif data.path is not None:
        loaded = load_candles(data.path, **_file_options(symbol))
        assert loaded.bid is not None
        assert loaded.ask is not None
        native = {loaded.timeframe: {"bid": loaded.bid, "ask": loaded.ask}}
        reports = (loaded.report,)
    else:
        native, reports = _load_side_files(symbol)
    base = min(native, key=TIMEFRAME_MINUTES.__getitem__)
    primary = timeframe or base
    if TIMEFRAME_MINUTES[primary] < TIMEFRAME_MINUTES[base]:
        raise DataError(
            f"{where}: primary timeframe {primary} is finer than the data ({base}); candles "
            "cannot be split"
        )
    if window is not None and (window.start is not None or window.end is not None):
        cut = {tf: {s: _cut(c, window) for s, c in sides.items()} for tf, sides in native.items()}
        if not len(cut[base]["bid"]):
            first, last = native[base]["bid"].timestamps[[0, -1]]
            raise DataError(
                f"{where}: no {base} bars between {window.start} and {window.end}; the data "
                f"covers {_iso(first)} to {_iso(last)}"
            )
        native = cut
    series = {tf: sides for tf, sides in native.items()
              if TIMEFRAME_MINUTES[tf] >= TIMEFRAME_MINUTES[primary]}  # fmt: skip
    if primary not in series:
        series[primary] = {s: resample(c, base, primary) for s, c in native[base].items()}
    for tf in higher_timeframes:
        if TIMEFRAME_MINUTES[tf] < TIMEFRAME_MINUTES[primary]:
            raise DataError(f"{where}: higher timeframe {tf} is finer than the primary {primary}")
        if tf not in series:
            series[tf] = {s: resample(c, primary, tf) for s, c in series[primary].items()}
    return SymbolData(
        name=symbol.name,
        spec=symbol.spec,
        candles=AlignedMultiCandleData(series, primary),
        reports=reports,
        synthetic=data.builtin is not None,
    )


def load_market_data(
    config: EngineConfig, higher_timeframes: Iterable[str] = ()
) -> dict[str, SymbolData]:
    """Every symbol of ``config`` (same primary timeframe for all), by name.

    Timeframes: ``config.strategy.timeframe`` (primary) and the union of
    ``config.strategy.higher_timeframes`` and ``higher_timeframes`` (what the strategy needs).
    """
    wanted = tuple(dict.fromkeys([*config.strategy.higher_timeframes, *higher_timeframes]))
    result = {
        s.name: load_symbol_data(
            s,
            timeframe=config.strategy.timeframe,
            higher_timeframes=wanted,
            window=config.backtest,
        )
        for s in config.symbols
    }
    primaries = {name: data.primary_tf for name, data in result.items()}
    if len(set(primaries.values())) > 1:
        listed = ", ".join(f"{name}: {tf}" for name, tf in primaries.items())
        raise DataError(
            f"symbols: expected one primary timeframe for all symbols, got {listed}; set "
            "strategy.timeframe"
        )
    return result


def _file_options(symbol: SymbolConfig) -> dict[str, Any]:
    data = symbol.data
    return {
        "format": data.format,
        "timeframe": data.timeframe,
        "timezone": data.timezone,
        "price_basis": data.price_basis,
        "spread_unit": data.spread_unit,
        "point": symbol.spec.point_size,
        "pip_size": symbol.spec.pip_size,
        "on_bad_rows": data.on_bad_rows,
    }


def _load_side_files(
    symbol: SymbolConfig,
) -> tuple[dict[str, dict[str, CandleSeries]], tuple[LoadReport, ...]]:
    """``files = {tf: {bid, ask}}``: each file one side; bid and ask bars must pair up."""
    options = _file_options(symbol)
    native: dict[str, dict[str, CandleSeries]] = {}
    reports: list[LoadReport] = []
    for tf, paths in symbol.data.files.items():
        loaded = {
            side: load_candles(paths[side], **{**options, "timeframe": tf}, side=side)
            for side in SIDES
        }
        native[tf] = _pair(loaded, symbol.data.on_bad_rows)
        reports.extend(item.report for item in loaded.values())
    return native, tuple(reports)


def _pair(loaded: Mapping[str, LoadedCandles], on_bad_rows: str) -> dict[str, CandleSeries]:
    """Bid and ask series on the same timestamps; a bar in only one file is ``unmatched``."""
    series = {side: _side(loaded[side], side) for side in SIDES}
    checks: dict[str, RowChecks] = {}
    for side, other in (("bid", "ask"), ("ask", "bid")):
        item = loaded[side]
        ts = series[side].timestamps
        rows = item.source_rows

        def locate(i: int, rows: NDArray[np.int64] = rows, item: LoadedCandles = item) -> str:
            return item.report.locate(int(rows[i]))

        check = RowChecks(item.report.path, len(ts), locate)
        check.mark(~np.isin(ts, series[other].timestamps), "unmatched", _unmatched(ts, other))
        checks[side] = check
    if any(check.bad.any() for check in checks.values()):
        if on_bad_rows == "error":
            bad = [row for check in checks.values() for row in check.rows()]
            counts = {"unmatched": sum(int(check.bad.sum()) for check in checks.values())}
            paths = " and ".join(loaded[side].report.path for side in SIDES)
            raise BadRowsError(paths, bad, counts)
        for side in SIDES:
            keep = checks[side].resolve(on_bad_rows)
            series[side] = _take(series[side], keep)
    return series


def _unmatched(ts: NDArray[np.int64], other: str) -> Detail:
    return lambda i: f"no {other} bar at {_iso(int(ts[i]))}"


def _side(item: LoadedCandles, side: str) -> CandleSeries:
    candles = item.bid if side == "bid" else item.ask
    assert candles is not None
    return candles


def _take(candles: CandleSeries, keep: NDArray[np.bool_]) -> CandleSeries:
    return CandleSeries.from_columns(
        candles.timestamps[keep], **{f: candles.column(f)[keep] for f in (*FIELDS, "volume")}
    )


def _cut(candles: CandleSeries, window: BacktestWindow) -> CandleSeries:
    ts = candles.timestamps
    keep = np.ones(len(ts), dtype=bool)
    if window.start is not None:
        keep &= ts >= window.start.value // 1_000
    if window.end is not None:
        keep &= ts < window.end.value // 1_000
    return candles if keep.all() else _take(candles, keep)


def _iso(micros: int) -> str:
    return str(pd.Timestamp(int(micros), unit="us", tz="UTC").isoformat())


def _builtin_report(seed: int, rows: int) -> LoadReport:
    return LoadReport(
        path=f"<builtin {DATASET_NAME} seed={seed}>",
        container="memory",
        format="synthetic (generated in memory; not market data)",
        layout="bid_ask",
        time_form="int64 µs (UTC)",
        timeframe="M5",
        rows_read=rows,
        rows_kept=rows,
        conversion="ask = bid + spread (whole points)",
    )
