"""Mirror of ``config.rs``: the simulator's configuration and its checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .errors import invalid_value
from .fees import FeeModel
from .path import IntrabarPolicy
from .sizing import Sizing
from .slippage import SlippageModel

FillAt = Literal["signal_close", "next_open"]
MAX_TIMEOUT_US = 1 << 62


def parse_fill_at(text: str) -> FillAt:
    """``signal_close`` or ``next_open`` exactly."""
    if text == "signal_close":
        return "signal_close"
    if text == "next_open":
        return "next_open"
    raise invalid_value("fill_at", "one of 'signal_close', 'next_open'", f"'{text}'")


RISK_SIZING = Sizing("risk", 0.0)
NO_SLIPPAGE = SlippageModel("none", 0.0)


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything that shapes fills, besides the symbol specs."""

    risk_per_trade: float = 100.0
    pip_buffer_factor: float = 0.5
    intrabar_policy: IntrabarPolicy = "pessimistic"
    fill_at: FillAt = "signal_close"
    sizing: Sizing = RISK_SIZING
    slippage: SlippageModel = NO_SLIPPAGE
    fees: FeeModel | None = None
    seed: int = 0
    timeout_us: int | None = None

    def validate(self) -> None:
        """Checks every parameter; the error names it."""
        if not (math.isfinite(self.risk_per_trade) and self.risk_per_trade > 0.0):
            raise invalid_value("risk_per_trade", "a finite amount > 0", self.risk_per_trade)
        if not (math.isfinite(self.pip_buffer_factor) and self.pip_buffer_factor >= 0.0):
            raise invalid_value("pip_buffer_factor", "a finite number >= 0", self.pip_buffer_factor)
        self.sizing.validate()
        self.slippage.validate()
        if self.fees is not None:
            self.fees.validate()
        if self.timeout_us is not None and not 0 < self.timeout_us <= MAX_TIMEOUT_US:
            raise invalid_value(
                "timeout",
                f"a duration > 0 and <= {MAX_TIMEOUT_US} µs, or None",
                self.timeout_us,
            )
