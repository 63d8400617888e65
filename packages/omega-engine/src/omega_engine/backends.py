"""Which backend each Omega wave uses, read from the wave packages themselves."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

WAVES = ("indicators", "execution", "portfolio", "strategy")


@dataclass(frozen=True)
class WaveBackend:
    """One row of the backend table.

    ``backend`` is ``"rust"`` or ``"python"``, or ``None`` when the wave's flags are invalid or
    cannot be satisfied; ``error`` then says why.
    """

    wave: str
    distribution: str
    version: str | None
    rust_available: bool
    flag: str
    backend: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        """True when the wave has a usable backend under the current flags."""
        return self.error is None


def _detect(wave: str) -> WaveBackend:
    distribution = f"omega-{wave}"
    try:
        installed = version(distribution)
    except PackageNotFoundError:
        installed = None
    package = importlib.import_module(f"omega_{wave}")
    flag_name = f"OMEGA_USE_RUST_{wave.upper()}"
    flag_value = os.environ.get(flag_name, "auto")
    try:
        chosen: str | None = package.backend()
        error = None
    except (ValueError, RuntimeError) as exc:
        chosen, error = None, f"{type(exc).__name__}: {exc}"
    return WaveBackend(
        wave=wave,
        distribution=distribution,
        version=installed,
        rust_available=bool(package.rust_available()),
        flag=f"{flag_name}={flag_value}",
        backend=chosen,
        error=error,
    )


def detect_backends() -> list[WaveBackend]:
    """One :class:`WaveBackend` per wave, in loop order; never raises for a bad flag."""
    return [_detect(wave) for wave in WAVES]


def format_backends(rows: list[WaveBackend]) -> str:
    """The rows as an aligned text table (what ``omega backends`` prints)."""
    header = ("wave", "package", "version", "rust available", "flag", "backend")
    body = [
        (
            row.wave,
            row.distribution,
            row.version or "-",
            "yes" if row.rust_available else "no",
            row.flag,
            row.backend or "error",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *body]
    )
