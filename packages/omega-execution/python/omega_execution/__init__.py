"""omega-execution.

Execution simulator for backtests: orders, fills, SL/TP exits on bid/ask candles and ticks,
sizing, slippage and fees; Rust with a pure-Python fallback giving trade-for-trade identical
results. Rules: ``docs/execution_semantics.md``.
"""

from importlib.metadata import version as _version

from ._backend import backend, backend_calls, rust_available
from .simulator import ExecutionSimulator
from .types import (
    Candle,
    FeeModel,
    FixedLots,
    FixedSlippage,
    FractionOfEquity,
    NoSlippage,
    Position,
    RandomSlippage,
    RiskSizing,
    SymbolSpec,
    Tick,
    TradeSignal,
)

__version__ = _version("omega-execution")

__all__ = [
    "Candle",
    "ExecutionSimulator",
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
    "TradeSignal",
    "__version__",
    "backend",
    "backend_calls",
    "rust_available",
]
