"""Backend selection for one Omega wave package (the contract of DESIGN.md §3).

One source file, ``common/_backend_select.py`` at the repository root, linked into every wave
package as ``omega_<wave>/_backend_select.py`` so each wheel stands alone with the same logic.

Environment:

- ``OMEGA_USE_RUST_<WAVE>``: ``auto`` (default) uses Rust when the extension imports and passes
  its self-check, else Python; ``1``/``true``/``always`` forces Rust and raises ``RuntimeError``
  when the extension is not usable; ``0``/``false`` forces Python. Anything else: ``ValueError``.
- ``OMEGA_REQUIRE_RUST_FFI``: ``0`` (default) or ``1``; with ``1`` a wave that would run on
  Python raises instead.

The selection is made on first use and cached; :meth:`BackendState.reset` re-reads the
environment. There is no per-call fallback: once Rust is selected, a Rust error is raised.
"""

from __future__ import annotations

import importlib
import itertools
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import Literal

Backend = Literal["rust", "python"]
Mode = Literal["auto", "rust", "python"]

REQUIRE_FLAG = "OMEGA_REQUIRE_RUST_FFI"
_MODE_BY_VALUE: dict[str, Mode] = {
    "auto": "auto",
    "1": "rust",
    "true": "rust",
    "always": "rust",
    "0": "python",
    "false": "python",
}
_REQUIRE_BY_VALUE = {"0": False, "1": True}


class CallCounter:
    """Counts calls served by the pure-Python fallback of one wave.

    Lock-free and thread-safe under the GIL: ``next()`` on an ``itertools.count`` is atomic.
    ``get()`` advances a second counter for its own reads and subtracts them, so the result is
    the number of ``record()`` calls (streaming updates call ``record()`` per value, so it must
    cost next to nothing).
    """

    def __init__(self) -> None:
        self._ticks = itertools.count()
        self._reads = itertools.count()

    def record(self) -> None:
        """Records one served call."""
        next(self._ticks)

    def get(self) -> int:
        """Calls recorded so far."""
        return next(self._ticks) - next(self._reads)


@dataclass(frozen=True)
class Selection:
    """Which backend a wave uses, and why."""

    wave: str
    flag_name: str
    flag_value: str
    require_rust: bool
    backend: Backend
    rust_error: str | None
    """Why the extension is not usable (``None`` when it is)."""


def flag_name(wave: str) -> str:
    """The environment variable that selects ``wave``'s backend."""
    return f"OMEGA_USE_RUST_{wave.upper()}"


def read_mode(wave: str, environ: Mapping[str, str]) -> tuple[str, Mode]:
    """Returns the raw flag value (default ``auto``) and the mode it asks for."""
    name = flag_name(wave)
    raw = environ.get(name, "auto")
    mode = _MODE_BY_VALUE.get(raw.strip().lower())
    if mode is None:
        accepted = ", ".join(_MODE_BY_VALUE)
        raise ValueError(f"{name}: expected one of {accepted}, got {raw!r}")
    return raw, mode


def read_require(environ: Mapping[str, str]) -> bool:
    """Whether ``OMEGA_REQUIRE_RUST_FFI`` forbids running any wave on Python."""
    raw = environ.get(REQUIRE_FLAG, "0")
    require = _REQUIRE_BY_VALUE.get(raw.strip())
    if require is None:
        accepted = ", ".join(_REQUIRE_BY_VALUE)
        raise ValueError(f"{REQUIRE_FLAG}: expected one of {accepted}, got {raw!r}")
    return require


class BackendState:
    """Lazily selects and remembers the backend of one wave package."""

    def __init__(
        self,
        wave: str,
        importer: Callable[[str], ModuleType] = importlib.import_module,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self.wave = wave
        self.distribution = f"omega-{wave}"
        self.extension = f"omega_{wave}._rust"
        self.python_calls = CallCounter()
        self._importer = importer
        self._environ = environ
        self._lock = threading.Lock()
        self._probed = False
        self._rust: ModuleType | None = None
        self._rust_error: str | None = None
        self._selection: Selection | None = None

    def reset(self) -> None:
        """Forgets the selection so the next call re-reads the environment."""
        with self._lock:
            self._selection = None

    def rust_available(self) -> bool:
        """True when the extension imports, matches the package version and passes self-check."""
        return self._probe() is not None

    def rust_error(self) -> str | None:
        """Why the extension is not usable, or ``None`` when it is."""
        self._probe()
        return self._rust_error

    def selection(self) -> Selection:
        """The cached selection; raises ``ValueError``/``RuntimeError`` on a bad or unmet flag."""
        with self._lock:
            if self._selection is None:
                self._selection = self._select()
            return self._selection

    def backend(self) -> Backend:
        """``"rust"`` or ``"python"``: the backend this wave's calls go to."""
        return self.selection().backend

    def rust(self) -> ModuleType:
        """The extension module; only valid when the selected backend is Rust."""
        if self.backend() != "rust" or self._rust is None:
            raise RuntimeError(f"{self.distribution}: the Rust backend is not selected")
        return self._rust

    def calls(self) -> dict[Backend, int]:
        """Calls actually served so far by each backend (counted inside each backend)."""
        rust = self._probe()
        rust_calls = int(rust.call_count()) if rust is not None else 0
        return {"rust": rust_calls, "python": self.python_calls.get()}

    def _select(self) -> Selection:
        raw, mode = read_mode(self.wave, self._environ)
        require = read_require(self._environ)
        name = flag_name(self.wave)
        if mode == "python" and require:
            raise RuntimeError(
                f"{self.distribution}: {name}={raw} asks for the Python backend, "
                f"but {REQUIRE_FLAG}=1 forbids running any wave on Python"
            )
        rust = None if mode == "python" else self._probe()
        if rust is None and mode != "python" and (mode == "rust" or require):
            asked_by = f"{name}={raw}" if mode == "rust" else f"{REQUIRE_FLAG}=1"
            raise RuntimeError(
                f"{self.distribution}: {asked_by} requires the Rust backend, but the "
                f"extension {self.extension} is not usable: {self._rust_error}"
            )
        return Selection(
            wave=self.wave,
            flag_name=name,
            flag_value=raw,
            require_rust=require,
            backend="rust" if rust is not None else "python",
            rust_error=self._rust_error,
        )

    def _probe(self) -> ModuleType | None:
        if not self._probed:
            self._rust, self._rust_error = self._load_extension()
            self._probed = True
        return self._rust

    def _load_extension(self) -> tuple[ModuleType | None, str | None]:
        try:
            module = self._importer(self.extension)
        except ImportError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        try:
            expected = version(self.distribution)
        except PackageNotFoundError:
            return None, f"the distribution {self.distribution} is not installed"
        found = getattr(module, "__version__", None)
        if found != expected:
            return None, f"extension version {found!r} does not match package version {expected!r}"
        try:
            module.self_check()
        except Exception as exc:  # the probe reports any failure of a foreign module
            return None, f"self_check failed: {type(exc).__name__}: {exc}"
        return module, None
