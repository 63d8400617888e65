"""omega-strategy.

Strategy protocol, reference strategies and the whole backtest loop in Rust, with a pure-Python
event loop as fallback.
"""

from importlib.metadata import version as _version

from ._backend import backend, backend_calls, rust_available

__version__ = _version("omega-strategy")

__all__ = ["__version__", "backend", "backend_calls", "rust_available"]
