"""omega-indicators.

Technical indicators for trading: TA-Lib-compatible kernels in Rust with a pure-Python
fallback, IndicatorCache over multi-timeframe bid/ask data, streaming updates.
"""

from importlib.metadata import version as _version

from ._backend import backend, backend_calls, rust_available

__version__ = _version("omega-indicators")

__all__ = ["__version__", "backend", "backend_calls", "rust_available"]
