"""Validated reading of JSON configuration objects; mirror of ``src/config.rs``
(``int``/``float`` there are ``integer``/``number`` here).

Messages are the same text the Rust validator produces for the same input: unknown key →
``ValueError``, wrong JSON type → ``TypeError``, out of range → ``ValueError``, each naming
``<object>.<key>``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

TIMEFRAMES = ("M1", "M5", "M15", "M30", "H1", "H4", "D1", "W1")
"""The timeframes of fixed length, shortest first (``omega_core::Timeframe`` without MN1)."""

Check = Callable[[float], str | None]
"""Returns ``None`` when the value is accepted, else the expected form."""


def json_type(value: object) -> str:
    """The JSON type name of a value (``integer`` for whole numbers, as serde_json reads it)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def render(value: object) -> str:
    """Compact JSON text of a value (serde_json's ``Display``)."""
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return repr(value)


def describe(value: object) -> str:
    """``<json type> <json text>``."""
    return f"{json_type(value)} {render(value)}"


def number_text(x: float) -> str:
    """A float as JSON renders it (``2.0``, ``-1.5``)."""
    return render(float(x))


def parse_object(what: str, config: object) -> dict[str, Any]:
    """A JSON object from text or a mapping (a copy; the input is never changed)."""
    if isinstance(config, str):
        try:
            value = json.loads(config)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{what}: expected a JSON object, got invalid JSON ({exc})") from None
    else:
        value = config
    if not isinstance(value, Mapping):
        raise TypeError(f"{what}: expected a JSON object, got {describe(value)}")
    return dict(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ConfigObject:
    """A JSON object whose keys are taken one at a time (mirror of ``ConfigObject``)."""

    def __init__(self, name: str, owner: str, values: Mapping[str, Any]) -> None:
        self.name = name
        self.owner = owner
        self._map = dict(values)
        self._accepted: list[str] = []

    def key_name(self, key: str) -> str:
        """The full name of ``key`` in messages."""
        return f"{self.name}.{key}"

    def _take(self, key: str) -> tuple[bool, Any]:
        self._accepted.append(key)
        if key in self._map:
            return True, self._map.pop(key)
        return False, None

    def _wrong_type(self, key: str, expected: str, value: object) -> TypeError:
        return TypeError(f"{self.key_name(key)}: expected {expected}, got {describe(value)}")

    def _bad_value(self, key: str, expected: str, got: str) -> ValueError:
        return ValueError(f"{self.key_name(key)}: expected {expected}, got {got}")

    def raw(self, key: str) -> Any:
        """The raw value of ``key`` (``None`` when absent or null)."""
        return self._take(key)[1]

    def integer(self, key: str, default: int, minimum: int) -> int:
        """A JSON integer ``>= minimum``."""
        value = self._int_value(key, default, False, minimum)
        return default if value is None else value

    def opt_integer(self, key: str, default: int | None, minimum: int) -> int | None:
        """A JSON integer ``>= minimum`` or null; an absent key gives ``default``."""
        return self._int_value(key, default, True, minimum)

    def _int_value(self, key: str, default: int | None, nullable: bool, minimum: int) -> int | None:
        present, value = self._take(key)
        if not present:
            return default
        if value is None and nullable:
            return None
        if not _is_int(value):
            expected = "an integer or null" if nullable else "an integer"
            raise self._wrong_type(key, expected, value)
        if value < minimum or value > 2**63 - 1:
            raise self._bad_value(key, f"an integer >= {minimum}", render(value))
        return int(value)

    def number(self, key: str, default: float, check: Check) -> float:
        """A JSON number (integers accepted) that ``check`` accepts."""
        value = self._num_value(key, default, False, check)
        return default if value is None else value

    def opt_number(self, key: str, default: float | None, check: Check) -> float | None:
        """A JSON number or null; an absent key gives ``default``."""
        return self._num_value(key, default, True, check)

    def _num_value(
        self, key: str, default: float | None, nullable: bool, check: Check
    ) -> float | None:
        present, value = self._take(key)
        if not present:
            return default
        if value is None and nullable:
            return None
        if not _is_number(value):
            expected = "a number or null" if nullable else "a number"
            raise self._wrong_type(key, expected, value)
        x = float(value)
        problem = check(x)
        if problem is not None:
            raise self._bad_value(key, problem, render(value))
        return x

    def boolean(self, key: str, default: bool) -> bool:
        """A JSON boolean."""
        present, value = self._take(key)
        if not present:
            return default
        if not isinstance(value, bool):
            raise self._wrong_type(key, "a boolean", value)
        return value

    def string(self, key: str, default: str) -> str:
        """A JSON string."""
        present, value = self._take(key)
        if not present:
            return default
        if not isinstance(value, str):
            raise self._wrong_type(key, "a string", value)
        return value

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        """A JSON string among ``choices``."""
        s = self.string(key, default)
        if s not in choices:
            raise self._bad_value(key, f"one of {', '.join(choices)}", render(s))
        return s

    def int_list(self, key: str) -> list[int] | None:
        """A JSON array of integers (``None`` when absent)."""
        present, value = self._take(key)
        if not present:
            return None
        expected = "an array of integers"
        if not isinstance(value, list | tuple) or not all(_is_int(v) for v in value):
            raise self._wrong_type(
                key, expected, list(value) if isinstance(value, tuple) else value
            )
        return [int(v) for v in value]

    def timeframe(self, key: str, default: str) -> str:
        """A timeframe the backtest loop supports (fixed length: ``MN1`` excluded),
        case-insensitive; returns the canonical name."""
        s = self.string(key, default)
        wanted = s.strip().upper()
        if wanted not in TIMEFRAMES:
            raise self._bad_value(key, f"one of {', '.join(TIMEFRAMES)}", render(s))
        return wanted

    def non_empty_string(self, key: str, default: str) -> str:
        """A non-empty JSON string."""
        s = self.string(key, default)
        if s == "":
            raise self._bad_value(key, "a non-empty string", '""')
        return s

    def finish(self) -> None:
        """Fails on the first key (sorted) that was not taken."""
        if self._map:
            key = sorted(self._map)[0]
            accepted = ", ".join(sorted(self._accepted))
            raise ValueError(
                f"{self.name}: expected only known keys for {self.owner} (accepted: {accepted}), "
                f"got unknown key '{key}'"
            )


def positive(x: float) -> str | None:
    """``x`` finite and ``> 0``."""
    return None if math.isfinite(x) and x > 0.0 else "a finite number > 0"


def non_negative(x: float) -> str | None:
    """``x`` finite and ``>= 0``."""
    return None if math.isfinite(x) and x >= 0.0 else "a finite number >= 0"


def finite(x: float) -> str | None:
    """``x`` finite."""
    return None if math.isfinite(x) else "a finite number"
