"""Execution and portfolio settings of a backtest, normalised once for both loops.

``execution_config`` takes the keyword arguments of :class:`omega_execution.ExecutionSimulator`
(``risk_per_trade``, ``symbol_specs``, ``pip_buffer_factor``, ``slippage_model``, ``fee_model``
/ ``commission_model``, ``seed``, ``intrabar_policy``, ``fill_at``, ``sizing``, ``timeout``);
``portfolio_config`` those of :class:`omega_portfolio.Portfolio` (``initial_balance``,
``account_currency``, ``annualization``). The Python loop builds the simulator from them; the
Rust loop receives the same values as JSON (the schema of ``docs/backtest_loop.md``), so both
loops run on exactly the same settings.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omega_execution import (
    FeeModel,
    FixedLots,
    FixedSlippage,
    FractionOfEquity,
    NoSlippage,
    RandomSlippage,
    RiskSizing,
    SymbolSpec,
)

# The simulator's own argument conversions, so both loops read the config the same way.
from omega_execution._convert import duration_us, fee_args, seed_arg, sizing_args, slippage_args

EXECUTION_KEYS = (
    "risk_per_trade", "symbol_specs", "pip_buffer_factor", "slippage_model", "fee_model",
    "commission_model", "seed", "intrabar_policy", "fill_at", "sizing", "timeout",
)  # fmt: skip
PORTFOLIO_KEYS = ("initial_balance", "account_currency", "annualization")
_SPEC_FIELDS = tuple(f.name for f in dataclasses.fields(SymbolSpec) if f.name != "symbol")


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def _keys(config: Mapping[str, Any] | None, accepted: tuple[str, ...], what: str) -> dict[str, Any]:
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise TypeError(f"{what}: expected a mapping, got {type(config).__name__}")
    unknown = sorted(set(config) - set(accepted))
    if unknown:
        raise ValueError(
            f"{what}: unknown key {unknown[0]!r} (accepted: {', '.join(sorted(accepted))})"
        )
    return dict(config)


def _spec(symbol: str, spec: object) -> SymbolSpec:
    if isinstance(spec, SymbolSpec):
        return spec if spec.symbol == symbol else dataclasses.replace(spec, symbol=symbol)
    if isinstance(spec, Mapping):
        fields = {k: v for k, v in spec.items() if k != "symbol"}
        unknown = sorted(set(fields) - set(_SPEC_FIELDS))
        if unknown:
            raise ValueError(
                f"symbol_specs[{symbol}]: unknown field {unknown[0]!r} "
                f"(accepted: {', '.join(_SPEC_FIELDS)})"
            )
        return SymbolSpec(symbol=symbol, **fields)
    raise TypeError(
        f"symbol_specs[{symbol}]: expected a SymbolSpec or a mapping, got {type(spec).__name__}"
    )


@dataclass(frozen=True)
class Settings:
    """Normalised execution and portfolio settings."""

    risk_per_trade: float = 100.0
    symbol_specs: tuple[SymbolSpec, ...] = ()
    pip_buffer_factor: float = 0.5
    slippage: tuple[str, float] = ("none", 0.0)
    fee: tuple[float, float, float] | None = None
    seed: int = 0
    intrabar_policy: str = "pessimistic"
    fill_at: str = "signal_close"
    sizing: tuple[str, float] = ("risk", 0.0)
    timeout_us: int | None = None
    initial_balance: float = 10_000.0
    account_currency: str = "USD"
    annualization: float = 252.0

    @classmethod
    def from_configs(
        cls,
        execution_config: Mapping[str, Any] | None,
        portfolio_config: Mapping[str, Any] | None,
    ) -> Settings:
        """Normalises the two configs; bad keys or types raise ``ValueError``/``TypeError``."""
        e = _keys(execution_config, EXECUTION_KEYS, "execution_config")
        p = _keys(portfolio_config, PORTFOLIO_KEYS, "portfolio_config")
        if e.get("fee_model") is not None and e.get("commission_model") is not None:
            raise TypeError("execution_config: give fee_model or commission_model, not both")
        specs_in = e.get("symbol_specs") or {}
        if isinstance(specs_in, Mapping):
            specs = tuple(_spec(str(k), v) for k, v in specs_in.items())
        elif isinstance(specs_in, Sequence) and not isinstance(specs_in, str):
            specs = tuple(_spec(s.symbol, s) for s in specs_in)
        else:
            raise TypeError(
                "execution_config.symbol_specs: expected a mapping {symbol: spec} or a sequence "
                f"of SymbolSpec, got {type(specs_in).__name__}"
            )
        return cls(
            risk_per_trade=_number(e.get("risk_per_trade", 100.0), "risk_per_trade"),
            symbol_specs=specs,
            pip_buffer_factor=_number(e.get("pip_buffer_factor", 0.5), "pip_buffer_factor"),
            slippage=slippage_args(e.get("slippage_model")),
            fee=_fee(e),
            seed=_seed(e.get("seed", 0)),
            intrabar_policy=str(e.get("intrabar_policy", "pessimistic")),
            fill_at=str(e.get("fill_at", "signal_close")),
            sizing=sizing_args(e.get("sizing", "risk")),
            timeout_us=duration_us(e.get("timeout"), "timeout"),
            initial_balance=_number(p.get("initial_balance", 10_000.0), "initial_balance"),
            account_currency=str(p.get("account_currency", "USD")),
            annualization=_number(p.get("annualization", 252.0), "annualization"),
        )

    def simulator_kwargs(self, risk_per_trade: float | None) -> dict[str, Any]:
        """Keyword arguments of :class:`omega_execution.ExecutionSimulator` (without the
        portfolio); ``risk_per_trade`` replaces the configured one when given."""
        kind, value = self.slippage
        slippage: object = {
            "none": NoSlippage(),
            "fixed": FixedSlippage(value),
            "random": RandomSlippage(value),
        }[kind]
        sizing_kind, sizing_value = self.sizing
        sizing: object = {
            "risk": RiskSizing(),
            "fixed_lots": FixedLots(sizing_value),
            "fraction_of_equity": FractionOfEquity(sizing_value),
        }[sizing_kind]
        return {
            "risk_per_trade": self.risk_per_trade if risk_per_trade is None else risk_per_trade,
            "symbol_specs": {s.symbol: s for s in self.symbol_specs},
            "pip_buffer_factor": self.pip_buffer_factor,
            "slippage_model": slippage,
            "fee_model": None if self.fee is None else FeeModel(*self.fee),
            "seed": self.seed,
            "intrabar_policy": self.intrabar_policy,
            "fill_at": self.fill_at,
            "sizing": sizing,
            "timeout": self.timeout_us,
        }

    def execution_json(self) -> str:
        """The execution config as the Rust loop reads it."""
        slip_kind, slip = self.slippage
        size_kind, size = self.sizing
        specs = {}
        for s in self.symbol_specs:
            spec = {name: getattr(s, name) for name in _SPEC_FIELDS}
            if spec["volume_max"] is not None and math.isinf(spec["volume_max"]):
                spec["volume_max"] = None
            specs[s.symbol] = {k: v for k, v in spec.items() if v is not None}
        body: dict[str, Any] = {
            "risk_per_trade": self.risk_per_trade,
            "pip_buffer_factor": self.pip_buffer_factor,
            "intrabar_policy": self.intrabar_policy,
            "fill_at": self.fill_at,
            "sizing": {"mode": size_kind}
            | ({"lots": size} if size_kind == "fixed_lots" else {})
            | ({"fraction": size} if size_kind == "fraction_of_equity" else {}),
            "slippage": {"mode": slip_kind}
            | ({"pips": slip} if slip_kind == "fixed" else {})
            | ({"max_pips": slip} if slip_kind == "random" else {}),
            "fee": None
            if self.fee is None
            else dict(zip(("per_lot", "rate", "minimum"), self.fee, strict=True)),
            "seed": self.seed,
            "timeout_us": self.timeout_us,
            "symbol_specs": specs,
        }
        return json.dumps(body, allow_nan=False)

    def portfolio_json(self) -> str:
        """The portfolio config as the Rust loop reads it."""
        return json.dumps(
            {
                "initial_balance": self.initial_balance,
                "account_currency": self.account_currency,
                "annualization": self.annualization,
            },
            allow_nan=False,
        )


def _fee(e: Mapping[str, Any]) -> tuple[float, float, float] | None:
    if e.get("commission_model") is not None:
        return fee_args(e["commission_model"], "commission_model")
    return fee_args(e.get("fee_model"), "fee_model")


def _seed(seed: object) -> int:
    """An integer in ``[0, 2**63)`` (the Rust loop's JSON config reads it as an ``i64``)."""
    value = seed_arg(seed)
    if value >= 2**63:
        raise ValueError(f"seed: expected an integer in [0, 2**63), got {value}")
    return value
