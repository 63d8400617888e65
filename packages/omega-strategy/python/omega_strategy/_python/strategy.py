"""The strategy protocol and what it returns for an open position; mirror of
``src/strategy.rs``.

User strategies subclass :class:`BaseStrategy` and implement ``evaluate(slice)`` and, when they
manage positions, ``manage_position(position, slice)``. Signals are omega-execution's
:class:`omega_execution.TradeSignal` (the one signal type of the stack).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from omega_execution import Position, TradeSignal

if TYPE_CHECKING:
    from .cache import InitContext
    from .data_slice import DataSlice


@dataclass(frozen=True, slots=True)
class Hold:
    """Nothing to do."""


@dataclass(frozen=True, slots=True)
class ModifyStopLoss:
    """Move the stop loss (it applies from the next bar on; execution rule R18)."""

    new_sl: float


@dataclass(frozen=True, slots=True)
class ModifyTakeProfit:
    """Move the take profit (from the next bar on)."""

    new_tp: float


@dataclass(frozen=True, slots=True)
class Close:
    """Close at this bar's exit-side close, recording ``reason`` on the trade."""

    reason: str = "signal"


PositionAction: TypeAlias = Hold | ModifyStopLoss | ModifyTakeProfit | Close
HOLD = Hold()
"""The shared :class:`Hold` instance."""


@dataclass(frozen=True, slots=True)
class PositionView:
    """An open position as ``manage_position`` sees it."""

    position: Position
    """The simulator's position (fill price, levels, size, scenario …)."""
    fill_index: int
    """Primary bar index of the fill."""
    bars_held: int
    """Primary bars since the fill bar (0 on the fill bar)."""


class BaseStrategy:
    """Base class of strategies run by :func:`omega_strategy.run_backtest`.

    Subclasses set :attr:`symbol` and :attr:`timeframe` (instance attributes) and override
    :meth:`evaluate`; :meth:`on_init` computes indicators once before the loop,
    :meth:`manage_position` acts on open positions. A class whose :attr:`rust_name` names a
    Rust strategy (``omega_strategy.rust_strategy_names()``) and that provides
    :meth:`rust_config` can run its whole backtest in Rust.
    """

    rust_name: ClassVar[str | None] = None
    """Name of the Rust implementation, if there is one."""

    symbol: str = "EURUSD"
    timeframe: str = "M5"
    risk_per_trade: float | None = None
    """Money at risk per trade; replaces the execution config's ``risk_per_trade`` when set."""
    rust_enabled: bool = True
    """``False`` runs the Python implementation even when Rust could run it."""

    @property
    def name(self) -> str:
        """The strategy's name (its class name)."""
        return type(self).__name__

    def on_init(self, init: InitContext) -> None:
        """Called once before the loop: check the data, compute the indicators."""

    def wants_bar(self, index: int) -> bool:
        """Whether ``evaluate`` or ``manage_position`` can do anything at primary bar ``index``
        (default: always). A strategy driven by sparse events returns ``False`` between them;
        the loops then skip its calls there (and the Rust loop the exit checks of bars where
        nothing can trigger)."""
        return True

    def evaluate(self, slice: DataSlice) -> TradeSignal | None:
        """Called once per valid primary bar after its exits and position management: at most
        one new signal, stamped with ``slice.timestamp``."""
        raise NotImplementedError(f"{self.name}.evaluate")

    def manage_position(self, position: PositionView, slice: DataSlice) -> PositionAction:
        """Called once per valid bar for each open position (in id order), after the bar's
        exits. The default holds."""
        return HOLD

    def rust_config(self) -> tuple[str, dict[str, object]] | None:
        """``(init_args JSON, named arrays)`` for the Rust implementation, or ``None``."""
        return None
