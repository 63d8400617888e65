"""omega-engine: composes the four Omega waves behind one factory and proves which backend ran."""

from importlib.metadata import version as _version

from .backends import WaveBackend, detect_backends, format_backends

__version__ = _version("omega-engine")

__all__ = ["WaveBackend", "__version__", "detect_backends", "format_backends"]
