"""Exceptions with the exact text of the Rust ``OmegaError`` (``omega_core::error``).

``Display`` is ``"{name}: expected {expected}, got {got}"``; numbers are rendered like Rust's
``format!("{}", x)``: an ``f64`` as the shortest round-tripping decimal without exponent and
without a trailing ``.0`` (``1.0`` → ``1``, NaN → ``NaN``, ``inf``).
"""

from __future__ import annotations

import math
from decimal import Decimal


def fmt_float(x: float) -> str:
    """Render ``x`` like Rust's ``format!("{}", x)`` for an ``f64``."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = format(Decimal(repr(float(x))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt(value: object) -> str:
    """Render a value for a message: floats like Rust, everything else with ``str``."""
    if isinstance(value, float):
        return fmt_float(value)
    return str(value)


def invalid_value(name: str, expected: str, got: object) -> ValueError:
    """``OmegaError::InvalidValue`` as a ``ValueError``."""
    return ValueError(f"{name}: expected {expected}, got {fmt(got)}")


def length_mismatch(name: str, reference: str, expected: int, got: int) -> ValueError:
    """``OmegaError::LengthMismatch`` as a ``ValueError``."""
    return ValueError(f"{name}: expected length {expected} (same as {reference}), got {got}")


def internal(message: str) -> RuntimeError:
    """``OmegaError::Internal`` as a ``RuntimeError``."""
    return RuntimeError(f"internal error: {message}")


def with_suffix(error: ValueError, at: str) -> ValueError:
    """Appends ``at`` (e.g. `` at row 3``) to the value the message reports (the message ends
    with it, as in Rust's ``with_suffix``)."""
    if not at:
        return error
    return ValueError(f"{error}{at}")
