"""omega-execution.

Execution simulator for backtests: orders, fills, SL/TP exits on bid/ask candles and ticks,
sizing, slippage and fees; Rust with a pure-Python fallback.
"""

from importlib.metadata import version as _version

from ._backend import backend, backend_calls, rust_available

__version__ = _version("omega-execution")

__all__ = ["__version__", "backend", "backend_calls", "rust_available"]
