"""Batch inputs: pyarrow Tables/RecordBatches (columns cross as numpy arrays, no IPC), pandas
DataFrames and mappings give the same result; seeds' field names; the single-call API never
builds Arrow data."""

from __future__ import annotations

import math
import sys
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from execution_helpers import H, assert_same, make, snapshot

from omega_execution import TradeSignal
from omega_execution._backend_select import Backend

T = np.array([11 * H, 12 * H, 13 * H], dtype=np.int64)
BID = {
    "timestamp": T,
    "open": [1.1, 1.1005, 1.103],
    "high": [1.1012, 1.1045, 1.104],
    "low": [1.0995, 1.1, 1.096],
    "close": [1.1005, 1.103, 1.097],
}
SIGNALS = {
    "timestamp": np.array([10 * H, 11 * H, 12 * H], dtype=np.int64),
    "direction": ["long", "short", "long"],
    "symbol": ["EURUSD"] * 3,
    "entry": [1.1, 1.1012, 1.1],
    "sl": [1.098, 1.103, 1.0985],
    "tp": [1.104, None, 1.1035],
    "order_type": ["market", "limit", "limit"],
    "reason": ["a", "b", "a"],
    "scenario": ["s", "s", "t"],
}


def _as(kind: str, columns: dict[str, Any]) -> Any:
    if kind == "dict":
        return {
            k: (np.array([math.nan if x is None else x for x in v]) if k == "tp" else v)
            for k, v in columns.items()
        }
    if kind == "pandas":
        frame = pd.DataFrame(columns)
        if "timestamp" in frame:
            frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="us", utc=True)
        return frame
    arrays = {
        k: pa.array(v, type=pa.timestamp("us", tz="UTC")) if k == "timestamp" else pa.array(v)
        for k, v in columns.items()
    }
    table = pa.table(arrays)
    return table if kind == "arrow" else table.to_batches()[0]


@pytest.mark.parametrize("kind", ["arrow", "record_batch", "pandas"])
def test_every_input_form_gives_the_mapping_result(backend: Backend, kind: str) -> None:
    reference = make(backend)
    reference.evaluate_exits_batch(_as("dict", BID), symbol="EURUSD", signals=_as("dict", SIGNALS))
    sim = make(backend)
    sim.evaluate_exits_batch(_as(kind, BID), symbol="EURUSD", signals=_as(kind, SIGNALS))
    assert_same(snapshot(reference), snapshot(sim))
    assert [p.reason for p in sim.positions] == ["a", "b", "a"]
    assert [p.scenario for p in sim.positions] == ["s", "s", "t"]
    assert sim.position(2).take_profit is None


def test_process_signals_batch_over_arrow_with_codes_and_defaults(backend: Backend) -> None:
    table = pa.table(
        {
            "timestamp": pa.array([10 * H, 10 * H], type=pa.int64()),
            "direction": pa.array([0, 1], type=pa.int8()),
            "symbol": pa.array(["EURUSD", "EURUSD"]).dictionary_encode(),
            "entry": [1.1, 1.1],
            "sl": [1.098, 1.102],
        }
    )
    sim = make(backend)
    ids = sim.process_signals_batch(table)
    assert ids.dtype == np.uint64
    assert ids.tolist() == [1, 2]
    assert [(p.direction, p.order_type, p.status, p.size) for p in sim.positions] == [
        ("long", "market", "open", 0.5),
        ("short", "market", "open", 0.5),
    ]


def test_seed_field_names_are_accepted(backend: Backend) -> None:
    sim = make(backend)

    class SeedSignal:  # the seeds' TradeSignal attribute names
        timestamp = 10 * H
        direction = "long"
        symbol = "EURUSD"
        entry_price = 1.1
        stop_loss = 1.098
        take_profit = 1.104
        type = "limit"
        meta: ClassVar[dict[str, str]] = {"why": "seed"}

    pid = sim.process_signal(SeedSignal())
    p = sim.position(pid)
    assert (p.entry_price, p.stop_loss, p.take_profit, p.order_type) == (1.1, 1.098, 1.104, "limit")
    assert p.metadata == {"why": "seed"}
    assert (
        sim.process_signal(
            {
                "timestamp": pd.Timestamp(10 * H, unit="us", tz="UTC"),
                "direction": "short",
                "symbol": "EURUSD",
                "entry_price": 1.1,
                "stop_loss": 1.102,
            }
        )
        == 2
    )


def test_the_single_call_api_never_touches_arrow(backend: Backend, monkeypatch: Any) -> None:
    """The seeds measured per-call Arrow IPC as a regression: single calls must not use it."""
    blocked = {name: None for name in ("pyarrow", "pyarrow.ipc", "pyarrow.compute")}
    sim = make(backend)
    with monkeypatch.context() as m:
        for name, value in blocked.items():
            m.setitem(sys.modules, name, value)
        sim.process_signal(TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.098, 1.104))
        sim.evaluate_exits((11 * H, 1.1, 1.1045, 1.0995, 1.104), symbol="EURUSD")
        sim.process_signal_tick(
            TradeSignal(11 * H, "long", "EURUSD", 1.1, 1.098), (12 * H, 1.1, 1.1)
        )
        sim.evaluate_exits_tick((13 * H, 1.1, 1.1), symbol="EURUSD")
    assert sim.portfolio.get_summary()["trades"] == 1
