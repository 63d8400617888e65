"""Mirror of ``omega_core::direction``: ``"long"`` or ``"short"``, parsed exactly."""

from __future__ import annotations

from typing import Literal

from .errors import invalid_value

Direction = Literal["long", "short"]


def parse_direction(text: str) -> Direction:
    """``"long"`` or ``"short"`` (exact, lower case); ``ValueError`` otherwise."""
    if text == "long":
        return "long"
    if text == "short":
        return "short"
    raise invalid_value("direction", "one of 'long', 'short'", f"'{text}'")
