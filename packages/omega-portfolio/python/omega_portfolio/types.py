"""Input types of the public API: :class:`SymbolSpec` and :class:`Position`.

Both are plain frozen dataclasses; anywhere they are accepted, a mapping with the same keys
(or, for positions, any object with the same attributes) works too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

TimestampLike: TypeAlias = int | np.integer[Any] | pd.Timestamp | dt.datetime | np.datetime64
"""An instant: int microseconds since the Unix epoch (UTC), a ``pandas.Timestamp``, a
``datetime`` or a ``numpy.datetime64`` (naive values are taken as UTC)."""


@dataclass(frozen=True)
class SymbolSpec:
    """Contract specification of one symbol.

    The money value of a price move of 1.0 for one lot is ``tick_value / tick_size`` when
    ``tick_value`` is given (in the account currency), else ``contract_size`` (in the quote
    currency, which must then be the account currency or unspecified — there is no FX
    conversion). ``pip_size`` defaults to ``tick_size``.
    """

    symbol: str
    tick_size: float
    tick_value: float | None = None
    contract_size: float | None = None
    pip_size: float | None = None
    volume_min: float = 0.0
    volume_max: float = math.inf
    volume_step: float = 0.0
    base_currency: str = ""
    quote_currency: str = ""
    account_currency: str = ""
    """Currency ``tick_value`` is in (``""``: the portfolio's account currency)."""


SymbolSpecLike: TypeAlias = SymbolSpec | Mapping[str, Any]


@dataclass(frozen=True)
class Position:
    """A position to register with :meth:`omega_portfolio.Portfolio.register_entry`."""

    id: int
    """Unique over the portfolio's lifetime; an integer in ``[0, 2**64)``."""
    symbol: str
    direction: Literal["long", "short"]
    size: float
    """Lots, > 0."""
    entry_time: TimestampLike
    entry_price: float
    stop_loss: float | None = None
    """Initial stop: below the entry for a long, above for a short; defines the trade's R."""
    take_profit: float | None = None
    symbol_spec: SymbolSpecLike | None = None
    """Spec of ``symbol`` if the portfolio was not given one at construction."""
