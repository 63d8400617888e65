"""A Rust strategy run bar by bar by the Python event loop (``docs/backtest_loop.md``).

The whole loop runs in Rust only when every wave is on Rust. When another wave runs on its
Python fallback (e.g. ``OMEGA_USE_RUST_INDICATORS=0``) but the strategy wave is on Rust, the
Python event loop drives the strategy's Rust implementation through
``omega_strategy._rust.StrategyHandle``: :class:`PerBarRustStrategy` is a :class:`BaseStrategy`
whose ``wants_bar``, ``evaluate`` and ``manage_position`` are each one call into Rust (counted
by omega-strategy's Rust counter), so the loop runs it unchanged.

Indicators: the Rust strategy computes none itself here. The strategy's Python mirror (same
rules, same requests — the parity tests hold them equal) names the series in its ``on_init``;
they are computed by omega-indicators' active backend (so ``OMEGA_USE_RUST_INDICATORS`` decides
who computes them, and omega-indicators' own counters show it) and handed to the Rust strategy
by name in one crossing (``ProvidedIndicators`` in ``src/cache.rs``); a name the Rust strategy
asks for that is missing is an error. The names (``"<indicator>[<output>]@<tf>/<side>"``) carry
no parameters, so two different series under one name (EMA 10 and EMA 50 on one timeframe and
side) are refused on both sides rather than one served for the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from omega_execution import Position, TradeSignal
from omega_indicators import AlignedMultiCandleData

from ._backend import STATE
from ._python.cache import IndicatorCache, InitContext
from ._python.data_slice import DataSlice
from ._python.strategy import (
    HOLD,
    BaseStrategy,
    Close,
    ModifyStopLoss,
    ModifyTakeProfit,
    PositionAction,
    PositionView,
)

if TYPE_CHECKING:
    from ._rust import CandleArgs


def candle_args(data: AlignedMultiCandleData) -> CandleArgs:
    """Every native series of ``data`` as the Rust entry points take them."""
    candles: CandleArgs = []
    for tf in data.timeframes:
        for side in data.sides(tf):
            s = data.series(tf, side)
            candles.append((tf, side, s.timestamps, s.open, s.high, s.low, s.close, s.volume))
    return candles


def runs_per_bar(strategy: BaseStrategy) -> bool:
    """Whether ``strategy`` has a per-bar Rust implementation (a registered Rust strategy that
    takes no arrays, with ``rust_enabled``)."""
    if not strategy.rust_enabled or strategy.rust_name is None:
        return False
    if not STATE.rust_available() or strategy.rust_name not in STATE.rust().strategy_names():
        return False
    config = strategy.rust_config()
    return config is not None and not config[1]


def _position_arg(p: Position) -> tuple[Any, ...]:
    return (
        (p.id, p.symbol, p.direction, p.order_type, p.status),
        (p.entry_time, p.entry_price, p.trigger_time, p.trigger_price, p.exit_time,
         p.exit_price, p.exit_reason),
        (p.initial_stop_loss, p.initial_take_profit, p.stop_loss, p.take_profit),
        (p.size, p.entry_fee, p.exit_fee, p.entry_slippage, p.exit_slippage),
        (p.reason, p.scenario),
    )  # fmt: skip


def _by_name(names: list[str], arrays: list[NDArray[np.float64]]) -> dict[str, Any]:
    """``{name: series}``; ``ValueError`` when one name holds two different series."""
    provided: dict[str, NDArray[np.float64]] = {}
    for name, values in zip(names, arrays, strict=True):
        earlier = provided.setdefault(name, values)
        if earlier is not values and not np.array_equal(earlier, values, equal_nan=True):
            raise ValueError(
                f"indicators: expected one series per provided name, got two different series "
                f"named '{name}' (two specs of one indicator on one timeframe and side: the "
                "names carry no parameters)"
            )
    return provided


class PerBarRustStrategy(BaseStrategy):
    """``source``'s Rust implementation, called bar by bar (module docs)."""

    def __init__(self, source: BaseStrategy) -> None:
        if not runs_per_bar(source):
            raise ValueError(f"strategy: {source.name} has no per-bar Rust implementation")
        self.source = source
        self.symbol = source.symbol
        self.timeframe = source.timeframe
        self.risk_per_trade = source.risk_per_trade
        self._handle: Any = None

    @property
    def name(self) -> str:
        return self.source.name

    def on_init(self, init: InitContext) -> None:
        config = self.source.rust_config()
        if config is None or self.source.rust_name is None:  # pragma: no cover - checked above
            raise RuntimeError(f"{self.name}: no Rust configuration")
        requests = InitContext(init.data, IndicatorCache(), init.fill_at, init.indicators)
        self.source.on_init(requests)
        provided = _by_name(requests.cache.names, requests.cache.arrays)
        init.cache.kernel_calls += requests.cache.kernel_calls
        self._handle = STATE.rust().StrategyHandle(
            self.source.rust_name,
            config[0],
            init.data.primary_tf,
            candle_args(init.data),
            init.fill_at,
            provided,
        )

    def wants_bar(self, index: int) -> bool:
        return bool(self._handle.wants_bar(index))

    def evaluate(self, slice: DataSlice) -> TradeSignal | None:
        signal = self._handle.evaluate(slice.index, slice.active_positions)
        if signal is None:
            return None
        timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario = signal
        return TradeSignal(
            timestamp, direction, symbol, entry, sl=sl, tp=tp, order_type=order_type,
            reason=reason, scenario=scenario,
        )  # fmt: skip

    def manage_position(self, position: PositionView, slice: DataSlice) -> PositionAction:
        kind, level, reason = self._handle.manage_position(
            slice.index,
            slice.active_positions,
            _position_arg(position.position),
            position.fill_index,
            position.bars_held,
        )
        if kind == "modify_stop_loss":
            return ModifyStopLoss(level)
        if kind == "modify_take_profit":
            return ModifyTakeProfit(level)
        if kind == "close":
            return Close(reason)
        return HOLD
