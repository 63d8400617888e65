"""Routes kernel calls to the backend selected for this package (see ``_backend``).

Both backends expose the same functions with the same signatures: the compiled extension
``omega_indicators._rust`` and the pure-Python fallback package ``omega_indicators._python``.
There is no per-call fallback: an error from the selected backend is raised as is.
"""

from __future__ import annotations

from types import ModuleType

from . import _python
from ._backend import STATE


def kernels() -> ModuleType:
    """The module that serves kernel calls under the current backend selection."""
    if STATE.backend() == "rust":
        return STATE.rust()
    return _python
