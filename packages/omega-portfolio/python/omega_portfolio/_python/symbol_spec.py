"""Mirror of ``omega_core::symbol_spec``: validation and the money value of a price move."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import fmt_float, invalid_value

SpecTuple = tuple[str, float, float, float | None, float | None, float, float, float, str, str, str]
"""``(symbol, pip_size, tick_size, tick_value, contract_size, volume_min, volume_max,
volume_step, base_currency, quote_currency, account_currency)``."""


@dataclass(frozen=True)
class SymbolSpec:
    """The specification of one symbol (fields as in the Rust struct)."""

    symbol: str
    pip_size: float
    tick_size: float
    tick_value: float | None
    contract_size: float | None
    volume_min: float
    volume_max: float
    volume_step: float
    base_currency: str
    quote_currency: str
    account_currency: str

    @classmethod
    def from_tuple(cls, spec: SpecTuple) -> SymbolSpec:
        """Builds the spec from the tuple the binding layer passes."""
        return cls(*spec)

    def _field(self, name: str) -> str:
        return f"symbol_specs[{self.symbol}].{name}"

    def validate(self) -> None:
        """Checks every field; the error names the symbol and the field."""
        if not self.symbol:
            raise invalid_value("symbol_specs", "a non-empty symbol name", "''")
        positive = "a finite number > 0"
        for name, value in (("tick_size", self.tick_size), ("pip_size", self.pip_size)):
            if not (math.isfinite(value) and value > 0.0):
                raise invalid_value(self._field(name), positive, value)
        for name, optional in (
            ("tick_value", self.tick_value),
            ("contract_size", self.contract_size),
        ):
            if optional is not None and not (math.isfinite(optional) and optional > 0.0):
                raise invalid_value(self._field(name), positive, optional)
        if self.tick_value is None and self.contract_size is None:
            raise invalid_value(
                self._field("tick_value"),
                "a tick_value or a contract_size (the money value of a price move)",
                "neither",
            )
        for name, value in (("volume_min", self.volume_min), ("volume_step", self.volume_step)):
            if not (math.isfinite(value) and value >= 0.0):
                raise invalid_value(self._field(name), "a finite number >= 0", value)
        if not (self.volume_max > 0.0 and self.volume_max >= self.volume_min):
            raise invalid_value(
                self._field("volume_max"),
                f"a number > 0 and >= volume_min {fmt_float(self.volume_min)}",
                self.volume_max,
            )

    def value_per_price(self, account_currency: str) -> float:
        """Money value in ``account_currency`` of a price move of 1.0 for one lot."""
        self.validate()
        if self.tick_value is not None:
            if self.account_currency and self.account_currency != account_currency:
                raise invalid_value(
                    self._field("account_currency"),
                    f"the account currency '{account_currency}' (tick_value is in it)",
                    f"'{self.account_currency}'",
                )
            value = self.tick_value / self.tick_size
        else:
            if self.quote_currency and self.quote_currency != account_currency:
                raise invalid_value(
                    self._field("quote_currency"),
                    f"the account currency '{account_currency}' when PnL comes from "
                    f"contract_size (no FX conversion; give tick_value in "
                    f"{account_currency} instead)",
                    f"'{self.quote_currency}'",
                )
            value = self.contract_size if self.contract_size is not None else math.nan
        if not math.isfinite(value):
            raise invalid_value(
                self._field("tick_value"), "tick_value / tick_size to be finite", value
            )
        return value
