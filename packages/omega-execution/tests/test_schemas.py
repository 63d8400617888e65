"""The Arrow schemas are defined once per side and agree (DESIGN §4); positions export with
them."""

from __future__ import annotations

import importlib

import pytest
from execution_helpers import H, make

from omega_execution import TradeSignal, schemas
from omega_execution._backend_select import Backend


def test_python_and_rust_schemas_agree() -> None:
    rust = dict(importlib.import_module("omega_execution._rust").schemas())
    assert rust == {
        "TRADE_SIGNAL_SCHEMA": list(schemas.TRADE_SIGNAL_FIELDS),
        "BAR_SCHEMA": list(schemas.BAR_FIELDS),
        "POSITION_SCHEMA": list(schemas.POSITION_FIELDS),
    }
    for build, fields in [
        (schemas.trade_signal_schema, schemas.TRADE_SIGNAL_FIELDS),
        (schemas.bar_schema, schemas.BAR_FIELDS),
        (schemas.position_schema, schemas.POSITION_FIELDS),
    ]:
        schema = build()
        assert [(f.name, str(f.type)) for f in schema] == list(fields)


def test_position_fields_follow_the_position_type() -> None:
    from omega_execution import Position

    names = [n for n in Position.__dataclass_fields__ if n != "metadata"]
    assert names == [name for name, _ in schemas.POSITION_FIELDS]


def test_positions_export_to_arrow(backend: Backend) -> None:
    sim = make(backend)
    sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104))
    sim.process_signal(TradeSignal(10 * H, "short", "EURUSD", 1.099, 1.101, None, "stop"))
    sim.evaluate_exits((11 * H, 1.1, 1.1045, 1.0995, 1.104), symbol="EURUSD")
    table = sim.positions_arrow()
    assert table.schema == schemas.position_schema()
    assert table.column("status").to_pylist() == ["closed", "pending"]
    assert table.column("exit_time").null_count == 1
    assert table.column("take_profit").to_pylist() == [1.104, None]
    frame = sim.positions_frame()
    assert list(frame["status"]) == ["closed", "pending"]


def test_positions_are_complete_position_objects(backend: Backend) -> None:
    """``sim.position`` fills every field (it bypasses the dataclass ``__init__`` for speed)."""
    import dataclasses

    from omega_execution import Position

    sim = make(backend)
    pid = sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104))
    p = sim.position(pid)
    assert type(p) is Position
    assert list(vars(p)) == [f.name for f in dataclasses.fields(Position)]
    assert (p.id, p.symbol, p.direction, p.status) == (pid, "EURUSD", "long", "open")
    assert (p.entry_time, p.stop_loss, p.take_profit) == (10 * H, 1.098, 1.104)
    assert p.size > 0
    assert (p.exit_time, p.exit_reason) == (None, None)
    assert p == sim.position(pid)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.size = 2.0  # type: ignore[misc]
