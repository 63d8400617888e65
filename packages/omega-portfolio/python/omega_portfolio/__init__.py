"""omega-portfolio.

Portfolio ledger for backtests: cash, positions, fees, equity curve, drawdown and statistics;
Rust with a pure-Python fallback.
"""

from importlib.metadata import version as _version

from ._backend import backend, backend_calls, rust_available

__version__ = _version("omega-portfolio")

__all__ = ["__version__", "backend", "backend_calls", "rust_available"]
