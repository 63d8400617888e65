"""The simulator writes into the user's ``omega_portfolio.Portfolio``
(``docs/portfolio_sharing.md``): the portfolio object shows every fill, exit and fee; its view
behaves exactly like an omega-portfolio implementation; on Rust, no Python runs between the
simulator and its ledger."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import numpy as np
import pytest
from execution_helpers import ACME, EURUSD, H, _same, assert_same, make, snapshot

import omega_execution
import omega_portfolio
from omega_execution import ExecutionSimulator, FeeModel, FractionOfEquity, TradeSignal
from omega_execution._backend_select import Backend
from omega_execution._guarded_ledger import GuardedLedger
from omega_execution._python.binding import LedgerView as PythonLedgerView
from omega_portfolio import Portfolio, Position, SymbolSpec


def _run(sim: ExecutionSimulator) -> None:
    sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104))
    sim.process_signal(TradeSignal(10 * H, "short", "EURUSD", 1.1, 1.102, 1.096, "limit"))
    for hour, bar in [
        (11, (1.1, 1.1015, 1.0995, 1.101)),
        (12, (1.101, 1.1045, 1.1005, 1.104)),
        (13, (1.104, 1.105, 1.095, 1.0958)),
    ]:
        sim.evaluate_exits((hour * H, *bar), symbol="EURUSD")
        sim.portfolio.update_equity(hour * H, {"EURUSD": (bar[3], bar[3] + 0.00002)})


def test_the_users_portfolio_shows_the_simulators_trades(backend: Backend) -> None:
    portfolio = Portfolio(10_000.0, backend=backend)
    sim = ExecutionSimulator(
        portfolio, symbol_specs=[EURUSD, ACME], fee_model=FeeModel(per_lot=3.5), backend=backend
    )
    _run(sim)
    assert sim.portfolio is portfolio
    summary = portfolio.get_summary()
    assert summary["trades"] == 2
    trades = portfolio.trades
    assert trades["id"].tolist() == [1, 2]
    # The long reaches its target at 12:00; the short limit (filled at the 11:00 open) its stop.
    assert trades["reason"].tolist() == ["take_profit", "stop_loss"]
    assert trades["fees"].tolist() == [3.5, 3.5]
    assert portfolio.balance == pytest.approx(10_000 + 200 - 100 - 7.0, rel=1e-12)
    assert len(portfolio.equity_curve) == 3
    assert portfolio.fees["kind"].tolist() == ["entry", "entry", "exit", "exit"]
    assert portfolio.backend == backend
    assert "ExecutionSimulator" not in repr(portfolio)


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def test_views_have_every_member_of_the_portfolio_implementations() -> None:
    rust_portfolio = importlib.import_module("omega_portfolio._rust").Portfolio
    python_portfolio = importlib.import_module("omega_portfolio._python.portfolio").Portfolio
    rust_view = importlib.import_module("omega_execution._rust").LedgerView
    assert _public(rust_portfolio) <= _public(rust_view)
    assert _public(python_portfolio) <= _public(PythonLedgerView)
    # The protocol the public Portfolio calls.
    protocol = importlib.import_module("omega_portfolio.portfolio")._Impl
    members = {n for n, _ in inspect.getmembers(protocol) if not n.startswith("_")}
    assert members <= _public(rust_view)
    assert members <= _public(PythonLedgerView)


def _replay(sim: ExecutionSimulator, backend: Backend) -> Portfolio:
    """An independent portfolio fed, by hand, exactly the calls the simulator made."""
    p = Portfolio(10_000.0, backend=backend, symbol_specs=[EURUSD, ACME])
    events: list[tuple[int, int, str, Any]] = []  # (time, id, kind, position)
    for pos in sim.positions:
        if pos.trigger_time is not None:
            events.append((pos.trigger_time, pos.id, "entry", pos))
        if pos.status == "closed":
            events.append((pos.exit_time or 0, pos.id, "exit", pos))
    curve = sim.portfolio.equity_curve
    marks: list[tuple[int, int, str, Any]] = [
        (int(t.value // 1000), 0, "mark", None) for t in curve["timestamp"]
    ]
    # Within a bar the simulator writes first, then the test loop marks equity.
    for time, pid, kind, pos in sorted(events + marks, key=lambda e: (e[0], e[2] == "mark", e[1])):
        if kind == "entry":
            p.register_entry(
                Position(
                    pid,
                    pos.symbol,
                    pos.direction,
                    pos.size,
                    time,
                    pos.trigger_price,
                    pos.initial_stop_loss,
                    pos.initial_take_profit,
                )
            )
            p.register_fee(pos.entry_fee, time, "entry", pid)
        elif kind == "exit":
            p.register_exit(pid, time, pos.exit_price, pos.exit_reason)
            p.register_fee(pos.exit_fee, time, "exit", pid)
    return p


def test_the_view_answers_exactly_like_an_omega_portfolio(backend: Backend) -> None:
    sim = make(backend, fee_model=FeeModel(per_lot=3.5))
    sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104))
    sim.process_signal(TradeSignal(10 * H, "short", "EURUSD", 1.1, 1.102, 1.096, "limit"))
    for hour, bar in [(11, (1.1, 1.1015, 1.0995, 1.101)), (12, (1.101, 1.1045, 1.1005, 1.104))]:
        sim.evaluate_exits((hour * H, *bar), symbol="EURUSD")
    replayed = _replay(sim, backend)
    view: Any = sim.portfolio._impl
    reference: Any = replayed._impl
    for method in (
        "trade_columns",
        "open_position_columns",
        "fee_columns",
        "equity_curve_columns",
        "summary",
        "symbols",
    ):
        assert _same(getattr(view, method)(), getattr(reference, method)()), method
    properties = (
        "initial_balance",
        "account_currency",
        "annualization",
        "balance",
        "equity",
        "unrealized_pnl",
        "total_fees",
        "peak_equity",
        "drawdown",
        "clock",
        "open_count",
    )
    for prop in properties:
        assert _same(getattr(view, prop), getattr(reference, prop)), prop


def test_rust_writes_reach_the_ledger_without_python_or_the_portfolio_extension() -> None:
    sim = make("rust")
    portfolio_calls = omega_portfolio.backend_calls()
    execution_calls = omega_execution.backend_calls()
    sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104))
    sim.evaluate_exits((11 * H, 1.1, 1.1045, 1.0995, 1.104), symbol="EURUSD")
    # Entry, fee-less exit: written by omega_execution._rust into its own ledger.
    assert omega_portfolio.backend_calls() == portfolio_calls
    after = omega_execution.backend_calls()
    assert after["rust"] == execution_calls["rust"] + 2
    assert after["python"] == execution_calls["python"]
    assert sim.portfolio.get_summary()["trades"] == 1


@pytest.mark.parametrize("portfolio_on", ["same", "other"])
def test_the_portfolio_keeps_working_for_its_own_users(backend: Backend, portfolio_on: str) -> None:
    """On the simulator's backend (a view of its ledger) and on the other one (the portfolio's
    own implementation, guarded), the same rules hold for the portfolio's own users."""
    other: Backend = "python" if backend == "rust" else "rust"
    p = Portfolio(10_000.0, backend=backend if portfolio_on == "same" else other)
    sim = ExecutionSimulator(
        p, symbol_specs=[EURUSD, ACME], sizing=FractionOfEquity(2.0), backend=backend
    )
    # A position registered by hand: the simulator's ids continue after it.
    p.register_entry(Position(7, "ACME", "long", 10.0, 9 * H, 50.0))
    p.register_fee(1.0, 9 * H, "commission", 7)
    assert sim.next_id == 8
    pid = sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1))
    assert pid == 8
    # Equity after a mark feeds fraction-of-equity sizing.
    p.update_equity(11 * H, {"ACME": (60.0, 60.0)})
    assert p.equity == pytest.approx(10_000 - 1.0 + 100.0)
    pid = sim.process_signal(TradeSignal(11 * H, "long", "EURUSD", 1.1))
    expected = np.floor((2.0 * p.equity) / (1.1 * 100_000.0) / 0.01 + 1e-9) * 0.01
    assert sim.position(pid).size == pytest.approx(expected)
    # The simulator's own positions are closed through the simulator only.
    with pytest.raises(ValueError, match="not managed by the execution simulator"):
        p.register_exit(8, 12 * H, 1.2, "manual")
    with pytest.raises(ValueError, match="an id not used by the execution simulator's orders"):
        p.register_entry(Position(8, "EURUSD", "long", 1.0, 12 * H, 1.1))
    p.register_fee(0.5, 12 * H, "swap", 8)  # fees on them are fine
    p.register_exit(7, 12 * H, 61.0, "manual")
    assert p.trades["id"].tolist() == [7]
    # A symbol added through the portfolio is known to the simulator.
    p.add_symbol(SymbolSpec("GBPUSD", tick_size=0.00001, tick_value=1.0, pip_size=0.0001))
    assert "GBPUSD" in sim.symbols
    assert "GBPUSD" in p.symbols
    # An entry's error is the portfolio's own (a duplicate id), unchanged.
    with pytest.raises(ValueError, match="not used by an earlier position"):
        p.register_entry(Position(7, "ACME", "long", 10.0, 12 * H, 50.0))
    with pytest.raises(ValueError, match="not yet driven by an ExecutionSimulator"):
        ExecutionSimulator(p, symbol_specs=[EURUSD, ACME], backend=backend)


def test_construction_checks_the_portfolio(backend: Backend) -> None:
    used = Portfolio(1000.0, backend=backend, symbol_specs=[EURUSD])
    used.update_equity(5, {})
    with pytest.raises(ValueError, match="has recorded nothing yet"):
        ExecutionSimulator(used, symbol_specs=[EURUSD], backend=backend)
    p = Portfolio(1000.0, backend=backend, symbol_specs=[EURUSD])
    with pytest.raises(ValueError, match="missing 'EURUSD'"):
        ExecutionSimulator(p, symbol_specs=[ACME], backend=backend)
    different = SymbolSpec("EURUSD", tick_size=0.00001, tick_value=2.0)
    with pytest.raises(ValueError, match="the spec already registered for 'EURUSD'"):
        ExecutionSimulator(p, symbol_specs=[different], backend=backend)
    with pytest.raises(TypeError, match=r"expected an omega_portfolio\.Portfolio"):
        ExecutionSimulator(object(), backend=backend)  # type: ignore[arg-type]
    sim = ExecutionSimulator(p, symbol_specs=[EURUSD], backend=backend)
    with pytest.raises(ValueError, match="not yet driven by an ExecutionSimulator"):
        ExecutionSimulator(p, symbol_specs=[EURUSD], backend=backend)
    assert sim.backend == backend


def test_a_portfolio_on_the_other_backend_keeps_its_own_implementation(backend: Backend) -> None:
    """Execution and portfolio on different backends: the simulator writes into the
    portfolio's own implementation, so every number is the portfolio backend's, counted there,
    and bit-identical to the same-backend run."""
    other: Backend = "python" if backend == "rust" else "rust"
    kwargs: dict[str, Any] = {"symbol_specs": [EURUSD, ACME], "fee_model": FeeModel(per_lot=3.5)}
    same = ExecutionSimulator(Portfolio(10_000.0, backend=backend), backend=backend, **kwargs)
    _run(same)
    portfolio = Portfolio(10_000.0, backend=other)
    own_impl = portfolio._impl
    sim = ExecutionSimulator(portfolio, backend=backend, **kwargs)
    # Not re-pointed to a view of a ledger of the simulator's: a guard over its own one.
    assert isinstance(portfolio._impl, GuardedLedger)
    assert portfolio._impl.own is own_impl
    before = omega_portfolio.backend_calls()
    _run(sim)
    after = omega_portfolio.backend_calls()
    assert after[other] > before[other]
    assert after[backend] == before[backend]
    assert_same(snapshot(sim), snapshot(same))
    with pytest.raises(ValueError, match="need the execution and portfolio waves on the same"):
        sim.process_signals_batch(
            {"timestamp": [14 * H], "direction": ["long"], "symbol": ["EURUSD"], "entry": [1.1]}
        )
    assert_same(snapshot(sim), snapshot(same))  # nothing written


class _Interrupt(KeyboardInterrupt):
    """Stands for Ctrl-C arriving while the portfolio runs."""


def _raising(error: BaseException) -> Any:
    def fail(*args: object) -> None:
        raise error

    return fail


def test_an_error_of_a_python_portfolio_reaches_the_caller_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rust simulator, Python portfolio: an exception the portfolio raises (a ValueError, a
    KeyboardInterrupt) is re-raised as itself, not as the simulator's internal error."""
    python_portfolio = importlib.import_module("omega_portfolio._python.portfolio").Portfolio
    sim = ExecutionSimulator(
        Portfolio(10_000.0, backend="python"), symbol_specs=[EURUSD], backend="rust"
    )
    signal = TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104)
    refused = ValueError("the portfolio refuses")
    monkeypatch.setattr(python_portfolio, "register_entry", _raising(refused))
    with pytest.raises(ValueError, match="the portfolio refuses") as raised:
        sim.process_signal(signal)
    assert raised.value is refused
    monkeypatch.undo()
    sim.process_signal(signal)
    interrupt = _Interrupt()
    monkeypatch.setattr(python_portfolio, "register_exit", _raising(interrupt))
    with pytest.raises(_Interrupt) as interrupted:
        sim.evaluate_exits((11 * H, 1.1, 1.1045, 1.0995, 1.104), symbol="EURUSD")
    assert interrupted.value is interrupt
    monkeypatch.undo()
    # Raised once: the next failure of the simulator's own is its own error again.
    with pytest.raises(ValueError, match="symbol"):
        sim.process_signal(TradeSignal(12 * H, "long", "NOPE", 1.1, 1.098, 1.104))
