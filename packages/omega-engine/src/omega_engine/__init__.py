"""omega-engine: composes the four Omega waves behind one factory and proves which backend ran.

``create_engine(config).run()`` runs a backtest (``omega backtest`` on the command line);
``LiveSession(config).on_bar(bid, ask)`` runs the same strategy fed one bar at a time.
Also: the engine configuration (``load_config``), market data loading (``omega_engine.data``),
the backtest result with Parquet output and HTML/PNG reports, and a progress bar.
"""

from importlib.metadata import version as _version

from .backends import WaveBackend, detect_backends, format_backends
from .config import ConfigError, EngineConfig, default_config, load_config
from .data import (
    BadRowsError,
    DataError,
    DroppedRowsWarning,
    SymbolData,
    inspect_file,
    load_candles,
    load_market_data,
    load_symbol_data,
    synthetic_eurusd_m5,
)
from .engine import Engine, create_engine
from .live import Action, Candle, LiveSession
from .progress import Progress
from .result import BacktestResult, ReportFiles

__version__ = _version("omega-engine")

__all__ = [
    "Action",
    "BacktestResult",
    "BadRowsError",
    "Candle",
    "ConfigError",
    "DataError",
    "DroppedRowsWarning",
    "Engine",
    "EngineConfig",
    "LiveSession",
    "Progress",
    "ReportFiles",
    "SymbolData",
    "WaveBackend",
    "__version__",
    "create_engine",
    "default_config",
    "detect_backends",
    "format_backends",
    "inspect_file",
    "load_candles",
    "load_config",
    "load_market_data",
    "load_symbol_data",
    "synthetic_eurusd_m5",
]
