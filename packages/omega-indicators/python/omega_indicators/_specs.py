"""Indicator specs for ``IndicatorCache``: names, inputs, outputs and normalised parameters.

Everything is derived from the functional API (``functional.py``): a spec's parameters are the
function's parameters after its inputs, with the function's defaults, converted and type
checked the same way. A stepwise name resolves to its base indicator, because the cache always
computes on the native candles of the requested timeframe (see ``data.py``).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from . import functional
from ._convert import as_count, as_float

Params = tuple[tuple[str, object], ...]

STEPWISE = {
    "ema_stepwise": "ema",
    "bollinger_stepwise": "bollinger",
    "kalman_zscore_stepwise": "kalman_zscore",
}
BASE_NAMES = (
    "sma", "ema", "dema", "tema", "rsi", "roc", "momentum", "rolling_std", "macd", "bollinger",
    "true_range", "atr", "dmi", "choppiness", "zscore", "kalman_mean", "kalman_zscore",
    "garch_volatility", "garch_volatility_local", "kalman_garch_zscore",
    "kalman_garch_zscore_local", "vol_cluster_series",
)  # fmt: skip
NAMES = tuple(sorted((*BASE_NAMES, *STEPWISE)))
OUTPUTS = {
    "macd": ("line", "signal", "hist"),
    "bollinger": ("upper", "middle", "lower"),
    "dmi": ("plus_di", "minus_di", "adx"),
}
_INPUTS: dict[str, Literal["close", "bars"]] = {"values": "close", "high": "bars"}


@dataclass(frozen=True)
class Spec:
    """One indicator with all of its parameters (the cache key, minus timeframe and side)."""

    name: str
    params: Params
    inputs: Literal["close", "bars"]

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output names of a multi-output indicator; empty for single-output ones."""
        return OUTPUTS.get(self.name, ())

    def kwargs(self) -> dict[str, object]:
        """The parameters as keyword arguments."""
        return dict(self.params)


@dataclass(frozen=True)
class _Signature:
    inputs: Literal["close", "bars"]
    names: tuple[str, ...]
    defaults: Mapping[str, object]
    converters: Mapping[str, Callable[[object], object]]


def canonical_name(name: object) -> str:
    """The base indicator ``name`` stands for; ``ValueError`` listing valid names if unknown."""
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(f"name: expected one of {', '.join(NAMES)}, got {name!r}")
    return STEPWISE.get(name, name)


def make_spec(name: object, params: Mapping[str, object]) -> Spec:
    """A normalised spec; ``TypeError``/``ValueError`` naming the bad parameter."""
    base = canonical_name(name)
    signature = _signature(base)
    unknown = sorted(set(params) - set(signature.names))
    if unknown:
        accepted = ", ".join(signature.names) or "none"
        raise ValueError(f"{name}: unknown parameter {unknown[0]!r} (accepted: {accepted})")
    values = []
    for key in signature.names:
        if key in params:
            value = signature.converters[key](params[key])
        elif key in signature.defaults:
            value = signature.defaults[key]
        else:
            raise ValueError(f"{name}: parameter {key!r} is required")
        values.append((key, value))
    return Spec(base, tuple(values), signature.inputs)


@cache
def _signature(base: str) -> _Signature:
    function = getattr(functional, base)
    hints = typing.get_type_hints(function)
    parameters = list(inspect.signature(function).parameters.values())
    inputs = _INPUTS[parameters[0].name]
    rest = parameters[1 if inputs == "close" else 3 :]
    return _Signature(
        inputs=inputs,
        names=tuple(p.name for p in rest),
        defaults={p.name: p.default for p in rest if p.default is not inspect.Parameter.empty},
        converters={p.name: _converter(p.name, hints[p.name]) for p in rest},
    )


def _converter(name: str, hint: Any) -> Callable[[object], object]:
    """The argument check of a parameter annotated ``hint`` (as the functional API does it)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = _converter(name, next(a for a in typing.get_args(hint) if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if typing.get_origin(hint) is Literal:
        return lambda v: _text(name, v)
    if hint is bool:
        return lambda v: _flag(name, v)
    if hint is int:
        return lambda v: as_count(name, v)
    if hint is float:
        return lambda v: as_float(name, v)
    raise TypeError(f"internal error: no converter for {name}: {hint}")


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string, got {type(value).__name__} {value!r}")
    return value


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected a bool, got {type(value).__name__} {value!r}")
    return value
