"""Turns user input (dataclasses, mappings, pandas/numpy values) into the plain arguments both
backends take. Type errors are raised here; value checks are the backends' job."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._python.symbol_spec import SpecTuple
from .types import Position, SymbolSpec

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_POSITION_FIELDS = (
    "id",
    "symbol",
    "direction",
    "size",
    "entry_time",
    "entry_price",
    "stop_loss",
    "take_profit",
    "symbol_spec",
)
_POSITION_REQUIRED = _POSITION_FIELDS[:6]
_SPEC_FIELDS = (
    "symbol",
    "tick_size",
    "tick_value",
    "contract_size",
    "pip_size",
    "volume_min",
    "volume_max",
    "volume_step",
    "base_currency",
    "quote_currency",
    "account_currency",
)

PositionArgs = tuple[int, str, str, float, int, float, float | None, float | None, SpecTuple | None]


def _type_name(value: object) -> str:
    return type(value).__name__


def to_float(value: object, name: str) -> float:
    """A real number (not bool) as ``float``; ``TypeError`` naming ``name`` otherwise."""
    if type(value) is float:  # the common case, without the ABC checks below
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {_type_name(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name}: expected a number within float range, got {value}") from None


def to_optional_float(value: object, name: str) -> float | None:
    """``None`` or :func:`to_float`."""
    return None if value is None else to_float(value, name)


def to_str(value: object, name: str) -> str:
    """A ``str``; ``TypeError`` otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string, got {_type_name(value)}")
    return value


def to_id(value: object, name: str) -> int:
    """An integer in ``[0, 2**64)``."""
    if type(value) is int and 0 <= value < 2**64:  # the common case, without the ABC checks
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer id, got {_type_name(value)}")
    number = int(value)
    if not 0 <= number < 2**64:
        raise ValueError(f"{name}: expected an integer in [0, 2**64), got {number}")
    return number


def to_micros(value: object, name: str) -> int:
    """An instant as int µs since the epoch (UTC); naive datetimes are taken as UTC and
    sub-microsecond parts are floored."""
    if type(value) is int:  # the common case, without the ABC checks below
        return value
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name}: expected a timestamp, got bool")
    if isinstance(value, numbers.Integral):
        micros = int(value)
    elif isinstance(value, pd.Timestamp | dt.datetime | np.datetime64):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            raise ValueError(f"{name}: expected a timestamp, got NaT")
        micros = stamp.value // 1000  # .value is ns since the epoch, UTC
    else:
        raise TypeError(
            f"{name}: expected int microseconds since the epoch (UTC) or a timestamp "
            f"(pandas.Timestamp, datetime, numpy.datetime64), got {_type_name(value)}"
        )
    if not _I64_MIN <= micros <= _I64_MAX:
        raise ValueError(f"{name}: expected microseconds within int64 range, got {micros}")
    return micros


def to_micros_array(values: object, name: str) -> npt.NDArray[np.int64]:
    """Timestamps as a C-contiguous int64 µs array (never the caller's buffer if converted)."""
    if isinstance(values, pd.Series | pd.Index):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            array = pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None).to_numpy()
        else:
            array = values.to_numpy()
    else:
        array = np.asarray(values)
    if array.ndim != 1:
        raise TypeError(f"{name}: expected a 1-D array, got {array.ndim} dimensions")
    if np.issubdtype(array.dtype, np.datetime64):
        if np.isnat(array).any():
            raise ValueError(f"{name}: expected timestamps, got NaT")
        return np.ascontiguousarray(array.astype("datetime64[us]").view(np.int64))
    if array.size == 0 and array.dtype == np.float64:
        return np.empty(0, dtype=np.int64)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(
            f"{name}: expected int64 microseconds or datetime64 values, got dtype {array.dtype}"
        )
    if array.dtype == np.uint64 and array.size and int(array.max()) > _I64_MAX:
        raise ValueError(f"{name}: expected microseconds within int64 range")
    return np.ascontiguousarray(array, dtype=np.int64)


def to_price_array(values: object, name: str) -> npt.NDArray[np.float64]:
    """Prices as a C-contiguous native float64 array."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise TypeError(f"{name}: expected a 1-D array, got {array.ndim} dimensions")
    if array.size == 0 and array.dtype == np.float64:
        return np.ascontiguousarray(array)
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise TypeError(f"{name}: expected real numbers, got dtype {array.dtype}")
    return np.ascontiguousarray(array, dtype=np.float64)


def spec_tuple(spec: object, symbol: str | None = None) -> SpecTuple:
    """A :class:`SymbolSpec` or mapping as the backends' spec tuple; ``symbol`` (a mapping key)
    fills in or must equal the spec's own symbol."""
    where = "symbol_spec" if symbol is None else f"symbol_specs[{symbol}]"
    if isinstance(spec, SymbolSpec):
        fields: dict[str, Any] = {f: getattr(spec, f) for f in _SPEC_FIELDS}
    elif isinstance(spec, Mapping):
        unknown = sorted(str(k) for k in spec if k not in _SPEC_FIELDS)
        if unknown:
            raise ValueError(
                f"{where}: expected keys among {', '.join(_SPEC_FIELDS)}, got unknown "
                f"{', '.join(repr(k) for k in unknown)}"
            )
        fields = dict(spec)
        fields.setdefault("symbol", symbol)
        if "tick_size" not in fields:
            raise ValueError(f"{where}: expected a 'tick_size' key, got none")
    else:
        raise TypeError(f"{where}: expected a SymbolSpec or a mapping, got {_type_name(spec)}")
    own = fields.get("symbol")
    if own is None:
        raise ValueError(f"{where}: expected a 'symbol' key, got none")
    own = to_str(own, f"{where}.symbol")
    if symbol is not None and own != symbol:
        raise ValueError(f"{where}: expected the spec of '{symbol}', got one for '{own}'")
    tick_size = to_float(fields["tick_size"], f"{where}.tick_size")
    pip_size = to_optional_float(fields.get("pip_size"), f"{where}.pip_size")

    def number(key: str, default: float) -> float:
        value = fields.get(key)
        return default if value is None else to_float(value, f"{where}.{key}")

    def text(key: str) -> str:
        value = fields.get(key)
        return "" if value is None else to_str(value, f"{where}.{key}")

    return (
        own,
        tick_size if pip_size is None else pip_size,
        tick_size,
        to_optional_float(fields.get("tick_value"), f"{where}.tick_value"),
        to_optional_float(fields.get("contract_size"), f"{where}.contract_size"),
        number("volume_min", 0.0),
        number("volume_max", math.inf),
        number("volume_step", 0.0),
        text("base_currency"),
        text("quote_currency"),
        text("account_currency"),
    )


def position_args(position: object) -> PositionArgs:
    """A :class:`Position`, mapping or attribute object as the backends' entry arguments."""
    if isinstance(position, Mapping):
        unknown = sorted(str(k) for k in position if k not in _POSITION_FIELDS)
        if unknown:
            raise ValueError(
                f"position: expected keys among {', '.join(_POSITION_FIELDS)}, got unknown "
                f"{', '.join(repr(k) for k in unknown)}"
            )
        missing = [k for k in _POSITION_REQUIRED if k not in position]
        if missing:
            raise ValueError(f"position: expected keys {', '.join(missing)}, got none")
        fields: dict[str, Any] = {k: position.get(k) for k in _POSITION_FIELDS}
    elif isinstance(position, Position):
        fields = {k: getattr(position, k) for k in _POSITION_FIELDS}
    else:
        missing = [k for k in _POSITION_REQUIRED if not hasattr(position, k)]
        if missing:
            raise TypeError(
                "position: expected a Position, a mapping or an object with attributes "
                f"{', '.join(_POSITION_REQUIRED)}; {_type_name(position)} lacks "
                f"{', '.join(missing)}"
            )
        fields = {k: getattr(position, k, None) for k in _POSITION_FIELDS}
    spec = fields["symbol_spec"]
    return (
        to_id(fields["id"], "id"),
        to_str(fields["symbol"], "symbol"),
        to_str(fields["direction"], "direction"),
        to_float(fields["size"], "size"),
        to_micros(fields["entry_time"], "entry_time"),
        to_float(fields["entry_price"], "entry_price"),
        to_optional_float(fields["stop_loss"], "stop_loss"),
        to_optional_float(fields["take_profit"], "take_profit"),
        None if spec is None else spec_tuple(spec),
    )


def quote(value: object, symbol: str) -> tuple[float, float]:
    """``(bid, ask)`` from a pair or a mapping with ``bid`` and ``ask``."""
    name = f"marks[{symbol}]"
    if type(value) is tuple and len(value) == 2:  # the common case
        return to_float(value[0], f"{name}.bid"), to_float(value[1], f"{name}.ask")
    if isinstance(value, Mapping):
        if set(value) != {"bid", "ask"}:
            raise ValueError(
                f"{name}: expected keys 'bid' and 'ask', got {sorted(map(str, value))}"
            )
        bid, ask = value["bid"], value["ask"]
    elif (
        isinstance(value, Sequence | np.ndarray) and not isinstance(value, str) and len(value) == 2
    ):
        bid, ask = value[0], value[1]
    else:
        raise TypeError(f"{name}: expected a (bid, ask) pair or a mapping, got {_type_name(value)}")
    return to_float(bid, f"{name}.bid"), to_float(ask, f"{name}.ask")


def symbol_key(value: object) -> str:
    """A marks mapping key."""
    return to_str(value, "marks key")
