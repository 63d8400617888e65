"""Turns user input (dataclasses, mappings, objects, pandas/numpy/Arrow values) into the plain
arguments both backends take. Type errors are raised here; value checks are the backends'."""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from omega_portfolio import _convert as portfolio_convert

from .types import (
    Candle,
    FeeModel,
    FixedLots,
    FixedSlippage,
    FractionOfEquity,
    NoSlippage,
    RandomSlippage,
    RiskSizing,
    Tick,
    TradeSignal,
)

to_float = portfolio_convert.to_float
to_optional_float = portfolio_convert.to_optional_float
to_str = portfolio_convert.to_str
to_micros = portfolio_convert.to_micros
to_id = portfolio_convert.to_id
spec_tuple = portfolio_convert.spec_tuple

SignalArgs = tuple[int, str, str, float, float | None, float | None, str, str, str]
Quad = tuple[float, float, float, float]

_SIGNAL_FIELDS = (
    "timestamp",
    "direction",
    "symbol",
    "entry",
    "sl",
    "tp",
    "order_type",
    "reason",
    "scenario",
    "metadata",
)
_ALIASES = {
    "entry": "entry_price",
    "sl": "stop_loss",
    "tp": "take_profit",
    "order_type": "type",
    "metadata": "meta",
}
_SIGNAL_REQUIRED = ("timestamp", "direction", "symbol", "entry")
_DEFAULTS: dict[str, Any] = {
    "sl": None,
    "tp": None,
    "order_type": "market",
    "reason": "",
    "scenario": "",
    "metadata": None,
}


def _type_name(value: object) -> str:
    return type(value).__name__


def _signal_fields(signal: object) -> dict[str, Any]:
    if isinstance(signal, TradeSignal):
        return {k: getattr(signal, k) for k in _SIGNAL_FIELDS}
    known = set(_SIGNAL_FIELDS) | set(_ALIASES.values())
    if isinstance(signal, Mapping):
        unknown = sorted(str(k) for k in signal if k not in known)
        if unknown:
            raise ValueError(
                f"signal: expected keys among {', '.join(_SIGNAL_FIELDS)} (or the aliases "
                f"{', '.join(_ALIASES.values())}), got unknown {', '.join(map(repr, unknown))}"
            )
        present = {k: signal[k] for k in signal if k in known}
    else:
        present = {k: getattr(signal, k) for k in known if hasattr(signal, k)}
    fields: dict[str, Any] = {}
    for name in _SIGNAL_FIELDS:
        alias = _ALIASES.get(name)
        if name in present:
            fields[name] = present[name]
        elif alias is not None and alias in present:
            fields[name] = present[alias]
    missing = [k for k in _SIGNAL_REQUIRED if k not in fields]
    if missing:
        raise TypeError(
            "signal: expected a TradeSignal, a mapping or an object with "
            f"{', '.join(_SIGNAL_REQUIRED)}; {_type_name(signal)} lacks {', '.join(missing)}"
        )
    for name, default in _DEFAULTS.items():
        if fields.get(name) is None:
            fields[name] = default
    return fields


def signal_args(signal: object) -> tuple[SignalArgs, Mapping[str, Any]]:
    """The backends' signal arguments and the signal's metadata."""
    f = _signal_fields(signal)
    metadata = f["metadata"]
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, Mapping):
        raise TypeError(f"metadata: expected a mapping or None, got {_type_name(metadata)}")
    args: SignalArgs = (
        to_micros(f["timestamp"], "timestamp"),
        to_str(f["direction"], "direction"),
        to_str(f["symbol"], "symbol"),
        to_float(f["entry"], "entry"),
        to_optional_float(f["sl"], "sl"),
        to_optional_float(f["tp"], "tp"),
        to_str(f["order_type"], "order_type"),
        to_str(f["reason"], "reason"),
        to_str(f["scenario"], "scenario"),
    )
    return args, metadata


_CANDLE_FIELDS = ("timestamp", "open", "high", "low", "close")


def candle_args(candle: object, name: str) -> tuple[int, Quad]:
    """``(timestamp, (open, high, low, close))`` of a candle-like value."""
    if isinstance(candle, tuple) and len(candle) in (5, 6):  # the common case, no ABC checks
        t, o, h, low, c = candle[:5]
        if type(t) is int and type(o) is type(h) is type(low) is type(c) is float:
            return t, (o, h, low, c)
        values: Sequence[Any] = candle[:5]
    elif isinstance(candle, Candle):
        values = [getattr(candle, k) for k in _CANDLE_FIELDS]
    elif isinstance(candle, Mapping):
        missing = [k for k in _CANDLE_FIELDS if k not in candle]
        if missing:
            raise ValueError(f"{name}: expected keys {', '.join(missing)}, got none")
        values = [candle[k] for k in _CANDLE_FIELDS]
    elif isinstance(candle, Sequence | np.ndarray) and not isinstance(candle, str):
        if len(candle) not in (5, 6):
            raise TypeError(
                f"{name}: expected (timestamp, open, high, low, close[, volume]), got "
                f"{len(candle)} values"
            )
        values = list(candle[:5])
    elif all(hasattr(candle, k) for k in _CANDLE_FIELDS):
        values = [getattr(candle, k) for k in _CANDLE_FIELDS]
    else:
        raise TypeError(
            f"{name}: expected a Candle, a mapping, a (timestamp, open, high, low, close) "
            f"sequence or an object with those attributes, got {_type_name(candle)}"
        )
    t = to_micros(values[0], f"{name}.timestamp")
    o, h, low, c = (
        to_float(v, f"{name}.{k}") for v, k in zip(values[1:], _CANDLE_FIELDS[1:], strict=True)
    )
    return t, (o, h, low, c)


def tick_args(tick: object) -> tuple[int, float, float]:
    """``(timestamp, bid, ask)`` of a tick-like value."""
    if isinstance(tick, Tick):
        values: Sequence[Any] = [tick.timestamp, tick.bid, tick.ask]
    elif isinstance(tick, Mapping):
        missing = [k for k in ("timestamp", "bid", "ask") if k not in tick]
        if missing:
            raise ValueError(f"tick: expected keys {', '.join(missing)}, got none")
        values = [tick["timestamp"], tick["bid"], tick["ask"]]
    elif isinstance(tick, Sequence) and not isinstance(tick, str) and len(tick) == 3:
        values = list(tick)
    elif all(hasattr(tick, k) for k in ("timestamp", "bid", "ask")):
        values = [getattr(tick, "timestamp"), getattr(tick, "bid"), getattr(tick, "ask")]  # noqa: B009
    else:
        raise TypeError(
            f"tick: expected a Tick, a mapping, a (timestamp, bid, ask) sequence or an object "
            f"with those attributes, got {_type_name(tick)}"
        )
    return (
        to_micros(values[0], "tick.timestamp"),
        to_float(values[1], "tick.bid"),
        to_float(values[2], "tick.ask"),
    )


def duration_us(value: object, name: str) -> int | None:
    """``None`` or a duration as int µs."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name}: expected a duration, got bool")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, dt.timedelta | pd.Timedelta | np.timedelta64):
        delta = pd.Timedelta(value)
        if pd.isna(delta):
            raise ValueError(f"{name}: expected a duration, got NaT")
        return int(delta.value // 1000)
    raise TypeError(f"{name}: expected int microseconds or a timedelta, got {_type_name(value)}")


def sizing_args(sizing: object) -> tuple[str, float]:
    """``(kind, value)`` for the backends."""
    if sizing is None or sizing == "risk" or isinstance(sizing, RiskSizing):
        return "risk", 0.0
    if isinstance(sizing, FixedLots):
        return "fixed_lots", to_float(sizing.lots, "sizing.lots")
    if isinstance(sizing, FractionOfEquity):
        return "fraction_of_equity", to_float(sizing.fraction, "sizing.fraction")
    raise TypeError(
        "sizing: expected 'risk', RiskSizing(), FixedLots(lots) or FractionOfEquity(fraction), "
        f"got {sizing!r}"
    )


def slippage_args(model: object) -> tuple[str, float]:
    """``(kind, pips)`` for the backends."""
    if model is None or isinstance(model, NoSlippage):
        return "none", 0.0
    if isinstance(model, FixedSlippage):
        return "fixed", to_float(model.pips, "slippage_model.pips")
    if isinstance(model, RandomSlippage):
        return "random", to_float(model.max_pips, "slippage_model.max_pips")
    raise TypeError(
        "slippage_model: expected NoSlippage(), FixedSlippage(pips), RandomSlippage(max_pips) "
        f"or None, got {model!r}"
    )


def fee_args(model: object, name: str) -> tuple[float, float, float] | None:
    """``(per_lot, rate, minimum)`` or ``None``."""
    if model is None:
        return None
    if isinstance(model, FeeModel):
        return (
            to_float(model.per_lot, f"{name}.per_lot"),
            to_float(model.rate, f"{name}.rate"),
            to_float(model.minimum, f"{name}.minimum"),
        )
    raise TypeError(f"{name}: expected a FeeModel or None, got {_type_name(model)}")


def seed_arg(seed: object) -> int:
    """An integer in ``[0, 2**64)``."""
    return to_id(seed, "seed")


# ----- columns ------------------------------------------------------------------------------


def _is_arrow(data: object) -> bool:
    return hasattr(data, "column_names") and hasattr(data, "column")


def _columns(data: object, name: str) -> list[str]:
    if _is_arrow(data):
        return list(data.column_names)  # type: ignore[attr-defined]
    if isinstance(data, pd.DataFrame):
        return [str(c) for c in data.columns]
    if isinstance(data, Mapping):
        return [str(k) for k in data]
    raise TypeError(
        f"{name}: expected a pyarrow Table/RecordBatch, a pandas DataFrame or a mapping of "
        f"columns, got {_type_name(data)}"
    )


def _raw(data: object, column: str, arrow: bool) -> Any:
    """Column ``column`` of ``data``; ``arrow`` is ``_is_arrow(data)``, checked once per table
    (a pyarrow Table builds its ``column_names`` list on every access)."""
    if arrow:
        values = data.column(column)  # type: ignore[attr-defined]
        if hasattr(values, "num_chunks"):  # ChunkedArray: one contiguous array
            values = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
        return values
    if isinstance(data, pd.DataFrame):
        return data[column]
    return data[column]  # type: ignore[index]


def _numbers(values: Any, name: str, fill_null: float | None = None) -> npt.NDArray[np.float64]:
    if hasattr(values, "to_numpy") and hasattr(values, "null_count"):  # pyarrow Array
        if values.null_count:
            if fill_null is None:
                raise ValueError(f"{name}: expected no nulls, got {values.null_count}")
            import pyarrow.compute as pc  # noqa: PLC0415 (only for Arrow input)

            values = pc.fill_null(values, fill_null)
        values = values.to_numpy(zero_copy_only=False)
    elif isinstance(values, pd.Series):
        if fill_null is not None:
            values = values.astype("float64").fillna(fill_null)
        values = values.to_numpy()
    elif fill_null is not None and isinstance(values, Sequence):
        values = [fill_null if v is None else v for v in values]
    return portfolio_convert.to_price_array(values, name)


def _times(values: Any, name: str) -> npt.NDArray[np.int64]:
    if hasattr(values, "to_numpy") and hasattr(values, "null_count"):
        if values.null_count:
            raise ValueError(f"{name}: expected timestamps, got {values.null_count} nulls")
        values = values.to_numpy(zero_copy_only=False)
    return portfolio_convert.to_micros_array(values, name)


def _strings(values: Any, name: str, n: int) -> tuple[npt.NDArray[np.uint32], list[str]]:
    """Dictionary-encodes a string column: codes and the distinct values."""
    if hasattr(values, "dictionary_encode") and hasattr(values, "null_count"):
        if values.null_count:
            raise ValueError(f"{name}: expected strings, got {values.null_count} nulls")
        encoded = values if hasattr(values, "indices") else values.dictionary_encode()
        dictionary = encoded.dictionary.to_pylist()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
    else:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        dictionary = list(uniques)
        if (codes < 0).any():
            raise ValueError(f"{name}: expected strings, got missing values")
    for value in dictionary:
        if not isinstance(value, str):
            raise TypeError(f"{name}: expected strings, got {_type_name(value)}")
    if len(codes) != n:
        raise ValueError(f"{name}: expected length {n} (same as timestamp), got {len(codes)}")
    return np.ascontiguousarray(codes, dtype=np.uint32), dictionary


@functools.cache
def _value_set(names: tuple[str, ...]) -> Any:
    """``names`` as a pyarrow array (built once per tuple of names)."""
    import pyarrow as pa  # noqa: PLC0415 (only for Arrow input)

    return pa.array(names)


def _enum_codes(values: Any, name: str, names: tuple[str, ...], n: int) -> npt.NDArray[np.uint8]:
    """Codes of an enum column given as strings (``names``) or integer codes."""
    if hasattr(values, "null_count") and hasattr(values, "type"):  # pyarrow Array
        import pyarrow as pa  # noqa: PLC0415 (only for Arrow input)
        import pyarrow.compute as pc  # noqa: PLC0415

        if pa.types.is_integer(values.type):
            array = values.to_numpy(zero_copy_only=False)
        else:
            if values.null_count:
                raise ValueError(f"{name}: expected strings, got {values.null_count} nulls")
            if pa.types.is_dictionary(values.type):
                values = values.cast(values.type.value_type)
            index = pc.index_in(values, value_set=_value_set(names))
            if index.null_count:
                unknown = values.filter(pc.is_null(index))[0].as_py()
                raise ValueError(
                    f"{name}: expected one of {', '.join(repr(x) for x in names)}, got {unknown!r}"
                )
            return np.ascontiguousarray(index.to_numpy(zero_copy_only=False), dtype=np.uint8)
    else:
        array = np.asarray(values)
    if np.issubdtype(array.dtype, np.integer):
        if array.size and (array.min() < 0 or array.max() > 255):
            raise ValueError(f"{name}: expected codes 0..{len(names) - 1}, got {array.max()}")
        return np.ascontiguousarray(array, dtype=np.uint8)
    codes, dictionary = _strings(values, name, n)
    lookup = []
    for value in dictionary:
        if value not in names:
            raise ValueError(
                f"{name}: expected one of {', '.join(repr(x) for x in names)}, got {value!r}"
            )
        lookup.append(names.index(value))
    return np.asarray(lookup, dtype=np.uint8)[codes] if lookup else codes.astype(np.uint8)


def signal_arrays(signals: object) -> tuple[Any, ...]:
    """A signal table as the backends' column tuple (strings dictionary-encoded)."""
    name = "signals"
    columns = _columns(signals, name)
    arrow = _is_arrow(signals)
    for required in ("timestamp", "direction", "symbol", "entry"):
        if required not in columns:
            raise ValueError(f"{name}: expected a column '{required}', got none")
    known = {
        "timestamp",
        "direction",
        "symbol",
        "entry",
        "sl",
        "tp",
        "order_type",
        "reason",
        "scenario",
    }
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ValueError(
            f"{name}: expected columns among {', '.join(sorted(known))}, got unknown "
            f"{', '.join(map(repr, unknown))}"
        )
    ts = _times(_raw(signals, "timestamp", arrow), "signals.timestamp")
    n = len(ts)
    nan = math.nan

    def optional_prices(column: str) -> npt.NDArray[np.float64]:
        if column not in columns:
            return np.full(n, nan)
        return _numbers(_raw(signals, column, arrow), f"signals.{column}", fill_null=nan)

    def strings(column: str) -> tuple[npt.NDArray[np.uint32], list[str]]:
        if column not in columns:
            return np.zeros(n, dtype=np.uint32), [""]
        return _strings(_raw(signals, column, arrow), f"signals.{column}", n)

    direction = _enum_codes(
        _raw(signals, "direction", arrow), "signals.direction", ("long", "short"), n
    )
    if "order_type" in columns:
        order_type = _enum_codes(
            _raw(signals, "order_type", arrow), "signals.order_type", ("market", "limit", "stop"), n
        )
    else:
        order_type = np.zeros(n, dtype=np.uint8)
    symbol, symbol_values = strings("symbol")
    reason, reason_values = strings("reason")
    scenario, scenario_values = strings("scenario")
    return (
        ts,
        direction,
        symbol,
        symbol_values,
        _numbers(_raw(signals, "entry", arrow), "signals.entry"),
        optional_prices("sl"),
        optional_prices("tp"),
        order_type,
        reason,
        reason_values,
        scenario,
        scenario_values,
    )


def bar_arrays(bars: object, name: str) -> tuple[Any, ...]:
    """A bar table as ``(timestamp, open, high, low, close)`` arrays."""
    columns = _columns(bars, name)
    arrow = _is_arrow(bars)
    for required in _CANDLE_FIELDS:
        if required not in columns:
            raise ValueError(f"{name}: expected a column '{required}', got none")
    return (
        _times(_raw(bars, "timestamp", arrow), f"{name}.timestamp"),
        *(_numbers(_raw(bars, c, arrow), f"{name}.{c}") for c in _CANDLE_FIELDS[1:]),
    )
