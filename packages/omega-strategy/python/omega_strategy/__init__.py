"""omega-strategy.

Strategy protocol, reference strategies and the whole backtest loop in Rust, with a pure-Python
event loop as fallback.

>>> import omega_strategy as ost
>>> from omega_strategy.testing import execution_config, synthetic_data
>>> result = ost.run_backtest(ost.MeanReversionZScore(), synthetic_data(5_000), execution_config())
>>> result.loop in ("rust", "python"), len(result.equity)
(True, 5000)

``run_backtest`` runs the whole loop in Rust (two boundary crossings) when the strategy has a
Rust implementation and every wave is on Rust; otherwise the Python event loop runs the strategy
bar by bar against whichever backends are active. ``run_backtest_symbols`` runs one strategy
per symbol on one simulator and portfolio (several symbols: the Python loop). ``LiveRunner``
runs the same per-bar step on bars fed one at a time, with streaming indicators
(``streaming.py``). Rules: ``docs/``.
"""

from importlib.metadata import version as _version

from omega_execution import TradeSignal

from ._backend import backend, backend_calls, rust_available
from ._python.cache import IndicatorCache, IndicatorId, InitContext
from ._python.data_slice import Bar, DataSlice
from ._python.mean_reversion_z_score import MeanReversionConfig, MeanReversionZScore
from ._python.signal_strategy import SignalConfig, SignalStrategy, Stop
from ._python.strategy import (
    HOLD,
    BaseStrategy,
    Close,
    Hold,
    ModifyStopLoss,
    ModifyTakeProfit,
    PositionAction,
    PositionView,
)
from .live import Action, LiveRunner
from .multi_symbol import run_backtest_symbols
from .results import BacktestResult
from .runner import choose_loop, run_backtest, rust_strategy_names, strategy_from_config

__version__ = _version("omega-strategy")

__all__ = [
    "HOLD",
    "Action",
    "BacktestResult",
    "Bar",
    "BaseStrategy",
    "Close",
    "DataSlice",
    "Hold",
    "IndicatorCache",
    "IndicatorId",
    "InitContext",
    "LiveRunner",
    "MeanReversionConfig",
    "MeanReversionZScore",
    "ModifyStopLoss",
    "ModifyTakeProfit",
    "PositionAction",
    "PositionView",
    "SignalConfig",
    "SignalStrategy",
    "Stop",
    "TradeSignal",
    "__version__",
    "backend",
    "backend_calls",
    "choose_loop",
    "run_backtest",
    "run_backtest_symbols",
    "rust_available",
    "rust_strategy_names",
    "strategy_from_config",
]
