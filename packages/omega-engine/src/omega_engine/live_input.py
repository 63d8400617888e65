"""The candles :meth:`omega_engine.LiveSession.on_bar` accepts, checked one at a time.

A candle is a :class:`Candle` (``Candle(timestamp, open, high, low, close, volume=0.0)``), any
tuple/list ``(timestamp, open, high, low, close[, volume])``, a mapping with keys
``timestamp`` (or ``time``), ``open``, ``high``, ``low``, ``close`` and optionally ``volume``,
or an object with those attributes. ``timestamp``: the bar's **open** time as int µs UTC or a
timezone-aware ``datetime``/``pandas.Timestamp``, in ``[0, 2**62)`` (from 1970; the simulator
and ledger take ``|t| < 2**62``).

Rules (the batch loaders' OHLCV rules, ``validate_ohlcv``, for one row; a missing bar is not
sent rather than sent as NaN): prices finite, ``high >= low``, open and close within
``[low, high]``, volume finite and ``>= 0``. Violations raise ``ValueError`` (a non-number or a
wrong shape ``TypeError``) naming the argument and field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from numbers import Integral, Real
from typing import Any

import numpy as np

from .data.htf_builder import Candle

__all__ = ["Candle", "parse_candle"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)
_PRICES = ("open", "high", "low", "close")
_NUMBERS = (*_PRICES, "volume")


def _timestamp(name: str, value: object) -> int:
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name}.timestamp: expected int µs UTC or a datetime, got bool")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(
                f"{name}.timestamp: expected int µs UTC or a timezone-aware datetime, got the "
                f"naive datetime {value!r}"
            )
        return (value - _EPOCH) // _MICRO
    raise TypeError(
        f"{name}.timestamp: expected int µs UTC or a timezone-aware datetime, got "
        f"{type(value).__name__}"
    )


def _number(name: str, field: str, value: object) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise TypeError(f"{name}.{field}: expected a real number, got {type(value).__name__}")
    return float(value)


def _fields(name: str, value: object) -> tuple[object, ...]:
    """``(timestamp, open, high, low, close, volume)`` of any accepted candle form."""
    if type(value) is Candle:
        return value
    if isinstance(value, tuple | list):
        if len(value) not in (5, 6):
            raise TypeError(
                f"{name}: expected (timestamp, open, high, low, close[, volume]), got a "
                f"sequence of {len(value)} items"
            )
        return (*value, 0.0) if len(value) == 5 else tuple(value)
    if isinstance(value, Mapping):
        time_key = "timestamp" if "timestamp" in value else "time"
        missing = [k for k in (time_key, *_PRICES) if k not in value]
        if missing:
            raise TypeError(
                f"{name}: expected a mapping with timestamp, open, high, low, close[, volume], "
                f"missing {', '.join(missing)}"
            )
        return (value[time_key], *(value[k] for k in _PRICES), value.get("volume", 0.0))
    missing = [k for k in ("timestamp", *_PRICES) if not hasattr(value, k)]
    if missing:
        raise TypeError(
            f"{name}: expected a Candle, a (timestamp, open, high, low, close[, volume]) tuple, "
            f"a mapping or an object with those attributes, got {type(value).__name__}"
        )
    candle: Any = value
    return (
        candle.timestamp,
        *(getattr(candle, k) for k in _PRICES),
        getattr(candle, "volume", 0.0),
    )


_INF = math.inf
_TIME_LIMIT = 2**62
"""Exclusive bound of the simulator's and ledger's timestamps (``±(2**62 - 1)`` µs)."""


def parse_candle(name: str, value: object) -> Candle:
    """``value`` as a checked :class:`Candle` (module docs); ``name`` names the argument."""
    raw = _fields(name, value)
    stamp = raw[0] if type(raw[0]) is int else _timestamp(name, raw[0])
    if not 0 <= stamp < _TIME_LIMIT:
        raise ValueError(
            f"{name}.timestamp: expected µs UTC in [0, 2**62) (1970 onwards), got {stamp}"
        )
    o, h, lo, c, v = raw[1:]
    if not (
        type(o) is float
        and type(h) is float
        and type(lo) is float
        and type(c) is float
        and type(v) is float
    ):
        o, h, lo, c, v = (
            x if type(x) is float else _number(name, f, x)
            for f, x in zip(_NUMBERS, raw[1:], strict=True)
        )
    # One chained comparison accepts every valid candle (NaN fails any comparison, and finite
    # low/high bound the other prices); anything else is diagnosed in the rules' order.
    if -_INF < lo <= o <= h < _INF and lo <= c <= h and 0.0 <= v < _INF:
        return Candle(stamp, o, h, lo, c, v)
    for field, price in zip(_PRICES, (o, h, lo, c), strict=True):
        if not math.isfinite(price):
            raise ValueError(f"{name}.{field}: expected a finite price, got {price}")
    if not (math.isfinite(v) and v >= 0.0):
        raise ValueError(f"{name}.volume: expected a finite value >= 0, got {v}")
    if h < lo:
        raise ValueError(f"{name}.high: expected high >= low, got high {h} < low {lo}")
    for field, price in (("open", o), ("close", c)):
        if price > h or price < lo:
            raise ValueError(
                f"{name}.{field}: expected a price within [low, high], got {price} outside "
                f"[{lo}, {h}]"
            )
    raise AssertionError("unreachable: the candle passed every rule")  # pragma: no cover
