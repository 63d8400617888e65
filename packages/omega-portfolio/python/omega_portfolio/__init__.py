"""omega-portfolio.

Portfolio ledger for backtests: cash, positions, fees, equity curve, drawdown and statistics;
Rust with a pure-Python fallback giving bit-identical numbers.
"""

from importlib.metadata import version as _version

from ._backend import backend, backend_calls, rust_available
from .portfolio import Portfolio
from .types import Position, SymbolSpec

__version__ = _version("omega-portfolio")

__all__ = [
    "Portfolio",
    "Position",
    "SymbolSpec",
    "__version__",
    "backend",
    "backend_calls",
    "rust_available",
]
