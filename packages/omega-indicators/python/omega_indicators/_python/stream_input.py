"""Checks of the values fed to the streaming classes one at a time; mirror of
``src/stream_input.rs`` (same checks, same order, byte-identical messages).

What the batch kernels reject in their inputs the streaming classes reject per value, with the
batch message minus the position (a stream has no index):

* ``+-inf``: ``"value: expected a finite number or NaN, got inf"``;
* GARCH family, a price ``<= 0``:
  ``"value: expected a price > 0 or NaN (GARCH returns need positive prices), got 0"``;
* bars, checked high, low, close, then the order: ``"high: expected high >= low, got high 1 <
  low 2"`` (a bar with a NaN side is not compared).

NaN passes every check: it is a missing value (the state ignores it).
"""

from __future__ import annotations

import math

from .errors import fmt_float, invalid_value

EXPECTED_FINITE_VALUE = "a finite number or NaN"
EXPECTED_PRICE_VALUE = "a price > 0 or NaN (GARCH returns need positive prices)"

_INF = math.inf
_INFS = (math.inf, -math.inf)


def check_value(name: str, x: float) -> None:
    """Fails on ``+-inf``."""
    if x in _INFS:
        raise invalid_value(name, EXPECTED_FINITE_VALUE, x)


def check_price(name: str, x: float) -> None:
    """Fails on ``+-inf`` or a value ``<= 0``."""
    if x <= 0.0 or x == _INF:
        if x in _INFS:
            raise invalid_value(name, EXPECTED_FINITE_VALUE, x)
        raise invalid_value(name, EXPECTED_PRICE_VALUE, x)


def check_bar(high: float, low: float, close: float) -> None:
    """``high``, ``low``, ``close`` finite or NaN (in this order), then ``high >= low``."""
    if high < low or math.isinf(high) or math.isinf(low) or math.isinf(close):
        for name, x in (("high", high), ("low", low), ("close", close)):
            check_value(name, x)
        raise invalid_value("high", "high >= low", f"high {fmt_float(high)} < low {fmt_float(low)}")
