"""The hand-checked scenario table (``scenarios/scenarios.json``, built by
``scenarios/make_scenarios.py`` from the worked examples of ``docs/execution_semantics.md``) on
both backends through the public API; the same table runs against the Rust core in
``rust/crates/omega-execution/tests/scenarios.rs``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from execution_helpers import assert_same, snapshot

from omega_execution import (
    ExecutionSimulator,
    FeeModel,
    FixedLots,
    FixedSlippage,
    FractionOfEquity,
    RandomSlippage,
    TradeSignal,
)
from omega_execution._backend_select import Backend
from omega_portfolio import Portfolio, SymbolSpec

TABLE = json.loads((Path(__file__).parent / "scenarios" / "scenarios.json").read_text())
HOUR = TABLE["hour_us"]
SCENARIOS = TABLE["scenarios"]


def _simulator(config: dict[str, Any], backend: Backend) -> ExecutionSimulator:
    kwargs: dict[str, Any] = {}
    for key in ("intrabar_policy", "fill_at", "pip_buffer_factor"):
        if key in config:
            kwargs[key] = config[key]
    if "timeout_hours" in config:
        kwargs["timeout"] = config["timeout_hours"] * HOUR
    if "slippage" in config:
        s = config["slippage"]
        kwargs["slippage_model"] = (
            FixedSlippage(s["pips"]) if s["kind"] == "fixed" else RandomSlippage(s["max_pips"])
        )
    if "sizing" in config:
        s = config["sizing"]
        kwargs["sizing"] = (
            FixedLots(s["value"]) if s["kind"] == "fixed_lots" else FractionOfEquity(s["value"])
        )
    if "fee" in config:
        kwargs["fee_model"] = FeeModel(**config["fee"])
    specs = {name: SymbolSpec(**spec) for name, spec in TABLE["specs"].items()}
    portfolio = Portfolio(10_000.0, backend=backend)
    return ExecutionSimulator(portfolio, symbol_specs=specs, backend=backend, **kwargs)


def _signal(v: dict[str, Any]) -> TradeSignal:
    return TradeSignal(
        v["t"] * HOUR,
        v["direction"],
        v["symbol"],
        v["entry"],
        v["sl"],
        v["tp"],
        v["order_type"],
    )


def _run_step(sim: ExecutionSimulator, kind: str, v: dict[str, Any]) -> None:
    if kind == "signal":
        sim.process_signal(_signal(v))
    elif kind == "signal_tick":
        t = v["tick"]
        sim.process_signal_tick(_signal(v), (t["t"] * HOUR, t["bid"], t["ask"]))
    elif kind == "bar":
        t = v["t"] * HOUR
        ask = None if "ask" not in v else (t, *v["ask"])
        sim.evaluate_exits((t, *v["bid"]), ask, symbol=v["symbol"])
    elif kind == "tick":
        sim.evaluate_exits_tick((v["t"] * HOUR, v["bid"], v["ask"]), symbol=v["symbol"])
    elif kind == "modify_sl":
        sim.modify_stop_loss(v["id"], v.get("sl"))
    elif kind == "modify_tp":
        sim.modify_take_profit(v["id"], v.get("tp"))
    elif kind == "close":
        t = v.get("t")
        sim.close_position(
            v["id"], None if t is None else t * HOUR, v.get("price"), v.get("reason", "signal")
        )
    else:
        raise AssertionError(f"unknown step {kind}")


def run_scenario(scenario: dict[str, Any], backend: Backend) -> ExecutionSimulator:
    sim = _simulator(scenario["config"], backend)
    for step in scenario["steps"]:
        ((kind, v),) = step.items()
        if "error" in v:
            before = snapshot(sim)
            with pytest.raises(ValueError, match=re.escape(v["error"])) as info:
                _run_step(sim, kind, v)
            assert str(info.value) == v["error"]
            assert_same(before, snapshot(sim))
        else:
            _run_step(sim, kind, v)
    return sim


def test_the_table_covers_every_rule_long_and_short() -> None:
    assert len(SCENARIOS) >= 40
    rules = {s["rule"] for s in SCENARIOS}
    assert rules >= {f"R{i}" for i in (3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 20)}
    for rule in rules - {"R20"}:
        names = " ".join(s["name"] for s in SCENARIOS if s["rule"] == rule)
        assert " long" in names, rule
        assert " short" in names, rule


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario: dict[str, Any], backend: Backend) -> None:
    sim = run_scenario(scenario, backend)
    trades = sim.portfolio.trades.set_index("id")
    for expected in scenario["expect"]:
        p = sim.position(expected["id"])
        for key, value in expected.items():
            if key == "id":
                continue
            if key in ("pnl", "fees"):
                got: Any = trades.loc[p.id, key]
            else:
                got = getattr(p, key)
            if key in ("trigger_time", "exit_time"):
                assert got == value * HOUR, (key, got, value)
            elif isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-9, abs=1e-12), (key, got, value)
            else:
                assert got == value, (key, got, value)
        if p.status == "closed":
            # The user's portfolio object shows the trade the simulator wrote.
            row = trades.loc[p.id]
            assert row["exit_price"] == p.exit_price
            assert row["entry_price"] == p.trigger_price
            assert row["reason"] == p.exit_reason
            assert row["size"] == p.size
        else:
            assert p.id not in trades.index


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario_is_bit_identical_on_both_backends(scenario: dict[str, Any]) -> None:
    assert_same(
        snapshot(run_scenario(scenario, "rust")), snapshot(run_scenario(scenario, "python"))
    )
