"""``SignalStrategy``: a strategy driven by precomputed entry/exit masks (the vectorbt habit);
mirror of ``src/signal_strategy.rs``. Rules in ``docs/signal_strategy.md``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from omega_execution import TradeSignal

from .cache import InitContext
from .config import ConfigObject, parse_object, positive
from .data_slice import DataSlice
from .strategy import HOLD, BaseStrategy, Close, PositionAction, PositionView

NAME = "SignalStrategy"
BOOL_ARRAYS = ("long_entries", "short_entries", "long_exits", "short_exits")


@dataclass(frozen=True)
class Stop:
    """A stop-loss or take-profit rule: ``value`` in ``mode`` units (offset, pct, atr)."""

    value: float
    mode: str

    def level(self, direction: str, entry: float, atr: float, is_stop: bool) -> float:
        """The level for an entry at ``entry`` (long stop below, long target above; mirrored
        for a short). Percentages are ``entry * (1 ∓ value)``."""
        below = (direction == "long") == is_stop
        if self.mode == "pct":
            return entry * (1.0 - self.value) if below else entry * (1.0 + self.value)
        distance = self.value * atr if self.mode == "atr" else self.value
        return entry - distance if below else entry + distance


@dataclass(frozen=True)
class SignalConfig:
    """The validated ``init_args``."""

    symbol: str
    timeframe: str
    order_type: str
    sl: Stop | None
    tp: Stop | None
    atr_length: int
    max_open_positions: int
    risk_per_trade: float | None

    @classmethod
    def from_init_args(cls, init_args: object) -> SignalConfig:
        """Parses and validates ``init_args`` (a mapping or JSON text)."""
        c = ConfigObject("init_args", NAME, parse_object("init_args", init_args))
        symbol = c.non_empty_string("symbol", "EURUSD")
        timeframe = c.timeframe("timeframe", "M5")
        order_type = c.choice("order_type", "market", ("market", "limit", "stop"))
        sl = _stop(c, "sl_stop", "sl_mode")
        tp = _stop(c, "tp_stop", "tp_mode")
        atr_length = c.integer("atr_length", 14, 1)
        max_open_positions = c.integer("max_open_positions", 1, 1)
        risk_per_trade = c.opt_number("risk_per_trade", None, positive)
        c.finish()
        return cls(
            symbol, timeframe, order_type, sl, tp, atr_length, max_open_positions, risk_per_trade
        )

    def needs_atr(self) -> bool:
        """Whether a level is in ATR multiples."""
        return any(s is not None and s.mode == "atr" for s in (self.sl, self.tp))


def _stop(c: ConfigObject, key: str, mode_key: str) -> Stop | None:
    value = c.opt_number(key, None, positive)
    mode = c.choice(mode_key, "pct", ("offset", "pct", "atr"))
    return None if value is None else Stop(value, mode)


def _mask(name: str, values: object) -> NDArray[np.bool_]:
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype != np.bool_:
        raise TypeError(
            f"{name}: expected a 1-D boolean array, got {array.ndim}-D dtype {array.dtype}"
        )
    return np.ascontiguousarray(array)


class SignalStrategy(BaseStrategy):
    """Entries and exits from precomputed boolean masks, one value per primary bar.

    Args:
        long_entries, short_entries: where to enter (at least one of them).
        long_exits, short_exits: where to close open positions of that direction.
        entry_price: limit/stop prices per bar (required for ``order_type`` limit or stop).
        **init_args: ``symbol``, ``timeframe``, ``order_type``, ``sl_stop``/``sl_mode``,
            ``tp_stop``/``tp_mode`` (``offset`` price units, ``pct`` fraction of the entry,
            ``atr`` multiples of ATR(``atr_length``)), ``max_open_positions``,
            ``risk_per_trade`` (``docs/signal_strategy.md``).
    """

    rust_name: ClassVar[str | None] = NAME

    def __init__(
        self,
        long_entries: object = None,
        short_entries: object = None,
        long_exits: object = None,
        short_exits: object = None,
        entry_price: object = None,
        *,
        init_args: Mapping[str, Any] | str | None = None,
        rust_enabled: bool = True,
        **kwargs: Any,
    ) -> None:
        given: dict[str, Any] = {} if init_args is None else parse_object("init_args", init_args)
        given.update(kwargs)
        self.init_args: dict[str, Any] = json.loads(json.dumps(given))
        self.config = SignalConfig.from_init_args(self.init_args)
        self.symbol = self.config.symbol
        self.timeframe = self.config.timeframe
        self.risk_per_trade = self.config.risk_per_trade
        self.rust_enabled = bool(rust_enabled)
        masks = dict(
            zip(BOOL_ARRAYS, (long_entries, short_entries, long_exits, short_exits), strict=True)
        )
        self.masks = {k: _mask(k, v) for k, v in masks.items() if v is not None}
        if "long_entries" not in self.masks and "short_entries" not in self.masks:
            raise ValueError("arrays: expected long_entries and/or short_entries, got neither")
        self.entry_price = (
            None
            if entry_price is None
            else np.ascontiguousarray(np.asarray(entry_price, dtype=np.float64))
        )
        market = self.config.order_type == "market"
        if market and self.entry_price is not None:
            raise ValueError(
                "entry_price: expected no entry prices for market orders (they fill at the "
                "close), got an array"
            )
        if not market and self.entry_price is None:
            raise ValueError(
                f"entry_price: expected an array of {self.config.order_type} prices, got None"
            )
        self._long_entries: list[bool] | None = None
        self._short_entries: list[bool] | None = None
        self._long_exits: list[bool] | None = None
        self._short_exits: list[bool] | None = None
        self._entry_price: list[float] | None = None
        self._atr: list[float] | None = None
        self._lists: list[list[bool]] = []

    def rust_config(self) -> tuple[str, dict[str, object]]:
        """The ``init_args`` JSON and the named arrays for the Rust implementation."""
        arrays: dict[str, object] = dict(self.masks)
        if self.entry_price is not None:
            arrays["entry_price"] = self.entry_price
        return json.dumps(self.init_args), arrays

    def on_init(self, init: InitContext) -> None:
        n = len(init.data)
        arrays: dict[str, Any] = dict(self.masks)
        if self.entry_price is not None:
            arrays["entry_price"] = self.entry_price
        for name in (*BOOL_ARRAYS, "entry_price"):
            if name in arrays and len(arrays[name]) != n:
                raise ValueError(
                    f"{name}: expected length {n} (same as the primary timestamps), "
                    f"got {len(arrays[name])}"
                )
        lists = {k: v.tolist() for k, v in self.masks.items()}
        self._long_entries = lists.get("long_entries")
        self._short_entries = lists.get("short_entries")
        self._long_exits = lists.get("long_exits")
        self._short_exits = lists.get("short_exits")
        self._entry_price = None if self.entry_price is None else self.entry_price.tolist()
        self._lists = [
            m
            for m in (self._long_entries, self._short_entries, self._long_exits, self._short_exits)
            if m is not None
        ]
        self._atr = None
        if self.config.needs_atr():
            if self.config.atr_length <= n:
                spec = {"name": "atr", "period": self.config.atr_length}
                atr = init.compute_each(self.config.timeframe, "bid", [spec])[0]
            else:
                atr = init.not_warmed_up("atr")
            self._atr = init.cache.lists[atr]

    def wants_bar(self, index: int) -> bool:
        return any(m is not None and m[index] for m in self._lists)

    def evaluate(self, slice: DataSlice) -> TradeSignal | None:
        c = self.config
        if slice.active_positions >= c.max_open_positions:
            return None
        i = slice.index
        long = self._long_entries is not None and self._long_entries[i]
        short = self._short_entries is not None and self._short_entries[i]
        if long == short:
            return None
        direction = "long" if long else "short"
        if c.order_type == "market" or self._entry_price is None:
            entry = slice.ask.close if long else slice.bid.close
        else:
            entry = self._entry_price[i]
        if not math.isfinite(entry):
            return None
        atr = math.nan if self._atr is None else self._atr[i]
        sl = None if c.sl is None else c.sl.level(direction, entry, atr, True)
        tp = None if c.tp is None else c.tp.level(direction, entry, atr, False)
        if long:
            if (sl is not None and not entry - sl > 0.0) or (
                tp is not None and not tp - entry > 0.0
            ):
                return None
        elif (sl is not None and not sl - entry > 0.0) or (tp is not None and not entry - tp > 0.0):
            return None
        return TradeSignal(
            timestamp=slice.timestamp,
            direction="long" if long else "short",
            symbol=c.symbol,
            entry=entry,
            sl=sl,
            tp=tp,
            order_type="market"
            if c.order_type == "market"
            else ("limit" if c.order_type == "limit" else "stop"),
            reason="long_entry" if long else "short_entry",
            scenario="signal",
        )

    def manage_position(self, position: PositionView, slice: DataSlice) -> PositionAction:
        exits = self._long_exits if position.position.direction == "long" else self._short_exits
        if exits is not None and exits[slice.index]:
            return Close("exit_signal")
        return HOLD
