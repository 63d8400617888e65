"""Shared test helpers: specs, simulators on a backend, comparable state snapshots."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from omega_execution import ExecutionSimulator
from omega_execution._backend_select import Backend
from omega_portfolio import Portfolio, SymbolSpec

H = 3_600_000_000
EURUSD = SymbolSpec(
    "EURUSD",
    tick_size=0.00001,
    tick_value=1.0,
    contract_size=100_000.0,
    pip_size=0.0001,
    volume_min=0.01,
    volume_max=100.0,
    volume_step=0.01,
)
ACME = SymbolSpec(
    "ACME",
    tick_size=0.01,
    contract_size=1.0,
    volume_min=1.0,
    volume_max=1_000_000.0,
    volume_step=1.0,
)


def make(backend: Backend, **kwargs: Any) -> ExecutionSimulator:
    """A simulator on ``backend`` over a fresh 10 000 USD portfolio with EURUSD and ACME."""
    portfolio = Portfolio(10_000.0, backend=backend)
    kwargs.setdefault("symbol_specs", {"EURUSD": EURUSD, "ACME": ACME})
    return ExecutionSimulator(portfolio, backend=backend, **kwargs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) and type(a) is type(b)


def snapshot(sim: ExecutionSimulator) -> dict[str, Any]:
    """Everything observable: positions, portfolio columns, summary, balances."""
    p = sim.portfolio
    impl: Any = p._impl
    return {
        "positions": [tuple(v.__dict__.values()) for v in sim.positions],
        "active": [v.id for v in sim.active_positions],
        "next_id": sim.next_id,
        "trades": impl.trade_columns(),
        "open": impl.open_position_columns(),
        "fees": impl.fee_columns(),
        "curve": impl.equity_curve_columns(),
        "summary": p.get_summary(),
        "balance": p.balance,
        "clock": p.clock,
    }


def assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Bit-identical snapshots (NaN equal to NaN)."""
    assert a.keys() == b.keys()
    for key, value in a.items():
        assert _same(value, b[key]), f"{key} differs:\n{value}\n!=\n{b[key]}"
