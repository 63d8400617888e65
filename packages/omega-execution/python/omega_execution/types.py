"""Input and output types of the public API.

Inputs are plain frozen dataclasses; anywhere they are accepted, a mapping with the same keys
(or any object with the same attributes) works too. :class:`SymbolSpec` is omega-portfolio's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from omega_portfolio import SymbolSpec

__all__ = [
    "Candle",
    "DurationLike",
    "FeeModel",
    "FixedLots",
    "FixedSlippage",
    "FractionOfEquity",
    "NoSlippage",
    "Position",
    "RandomSlippage",
    "RiskSizing",
    "SymbolSpec",
    "Tick",
    "TimestampLike",
    "TradeSignal",
]

TimestampLike: TypeAlias = int | np.integer[Any] | pd.Timestamp | dt.datetime | np.datetime64
"""An instant: int microseconds since the Unix epoch (UTC), a ``pandas.Timestamp``, a
``datetime`` or a ``numpy.datetime64`` (naive values are taken as UTC)."""

DurationLike: TypeAlias = int | dt.timedelta | pd.Timedelta | np.timedelta64
"""A duration: int microseconds, a ``timedelta``, ``pandas.Timedelta`` or ``numpy.timedelta64``."""

Direction = Literal["long", "short"]
OrderType = Literal["market", "limit", "stop"]
Status = Literal["pending", "open", "closed", "cancelled", "rejected"]


@dataclass(frozen=True)
class TradeSignal:
    """What a strategy asks for (rule R1 of ``docs/execution_semantics.md``).

    ``entry`` is the expected fill of a market order (the signal bar's close on the entry side),
    the limit price of a limit order or the stop price of a stop order. ``sl``/``tp`` are
    ``None`` or on the correct side of ``entry``. Mappings and objects may use the seeds' names
    ``entry_price``, ``stop_loss``, ``take_profit``, ``type``, ``meta``.
    """

    timestamp: TimestampLike
    direction: Direction
    symbol: str
    entry: float
    sl: float | None = None
    tp: float | None = None
    order_type: OrderType = "market"
    reason: str = ""
    scenario: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Candle:
    """One bar of one book side (``volume`` is accepted and not used)."""

    timestamp: TimestampLike
    open: float
    high: float
    low: float
    close: float
    volume: float = 0.0


@dataclass(frozen=True)
class Tick:
    """One quote."""

    timestamp: TimestampLike
    bid: float
    ask: float


@dataclass(frozen=True)
class Position:
    """A signal's life in the simulator (R2). Times are int µs since the epoch (UTC).

    ``entry_time``/``entry_price``: when the order was placed and the price it asked for;
    ``trigger_time``/``trigger_price``: the fill (the portfolio's trade entry);
    ``exit_*``: the exit, cancellation or rejection.
    """

    id: int
    symbol: str
    direction: Direction
    order_type: OrderType
    status: Status
    entry_time: int
    entry_price: float
    trigger_time: int | None
    trigger_price: float | None
    exit_time: int | None
    exit_price: float | None
    exit_reason: str | None
    initial_stop_loss: float | None
    initial_take_profit: float | None
    stop_loss: float | None
    take_profit: float | None
    size: float
    entry_fee: float
    exit_fee: float
    entry_slippage: float
    exit_slippage: float
    reason: str
    scenario: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fees(self) -> float:
        """Entry plus exit fee."""
        return self.entry_fee + self.exit_fee

    @property
    def is_active(self) -> bool:
        """Pending or open."""
        return self.status in ("pending", "open")


# ----- costs and sizing ---------------------------------------------------------------------


@dataclass(frozen=True)
class NoSlippage:
    """Fills at the reference price."""


@dataclass(frozen=True)
class FixedSlippage:
    """Every market-type fill is ``pips`` pips worse."""

    pips: float


@dataclass(frozen=True)
class RandomSlippage:
    """Every market-type fill is ``u · max_pips`` pips worse, ``u`` uniform in [0, 1) from a
    ChaCha8 generator keyed by (seed, symbol, time, position id, side)."""

    max_pips: float


@dataclass(frozen=True)
class FeeModel:
    """Per side: ``max(per_lot · size + rate · size · |price| · vpp, minimum)``."""

    per_lot: float = 0.0
    rate: float = 0.0
    minimum: float = 0.0


@dataclass(frozen=True)
class RiskSizing:
    """``risk_per_trade / (|fill − sl| · vpp)`` lots (the default)."""


@dataclass(frozen=True)
class FixedLots:
    """Always ``lots`` (shares for a share), floored to the volume step."""

    lots: float


@dataclass(frozen=True)
class FractionOfEquity:
    """A notional of ``fraction · equity``: ``(fraction · equity) / (|fill| · vpp)`` lots."""

    fraction: float
