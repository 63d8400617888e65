"""Golden file of a seeded 10 000-bar run (``golden/run_10k.json``): both backends, batch and
single-call, reproduce the committed hash of every position and the portfolio summary.

Regenerate (only after a deliberate change of the rules, reviewed in the diff):
``python packages/omega-execution/tests/test_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from omega_execution import ExecutionSimulator, FeeModel, RandomSlippage
from omega_execution._backend_select import Backend
from omega_portfolio import Portfolio

sys.path.insert(0, str(Path(__file__).parent))
from execution_helpers import ACME, EURUSD

GOLDEN = Path(__file__).parent / "golden" / "run_10k.json"
N = 10_000
MINUTE = 60_000_000


def data() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """10 000 one-minute EURUSD bid/ask bars and ~600 signals, from a fixed seed."""
    rng = np.random.default_rng(20260101)
    t = 1_700_000_000_000_000 + np.arange(N, dtype=np.int64) * MINUTE
    steps = rng.integers(-8, 9, size=N) * 0.00001
    close = np.round(1.1 + np.cumsum(steps), 5)
    open_ = np.round(np.concatenate([[1.1], close[:-1]]) + rng.integers(-2, 3, N) * 0.00001, 5)
    high = np.round(np.maximum(open_, close) + rng.integers(0, 6, N) * 0.00001, 5)
    low = np.round(np.minimum(open_, close) - rng.integers(0, 6, N) * 0.00001, 5)
    spread = rng.integers(1, 4, N) * 0.00001
    bid = {"timestamp": t, "open": open_, "high": high, "low": low, "close": close}
    ask = {k: (v if k == "timestamp" else np.round(v + spread, 5)) for k, v in bid.items()}
    rows = np.sort(rng.choice(N, size=600, replace=False))
    direction = rng.choice(["long", "short"], size=rows.size)
    order_type = rng.choice(["market", "limit", "stop"], size=rows.size, p=[0.5, 0.25, 0.25])
    sign = np.where(direction == "long", 1.0, -1.0)
    offset = np.where(order_type == "market", 0.0, rng.integers(-8, 9, rows.size) * 0.00001)
    entry = np.round(np.where(sign > 0, ask["close"][rows], close[rows]) + offset, 5)
    sl = np.round(entry - sign * rng.integers(5, 40, rows.size) * 0.00001, 5)
    tp = np.round(entry + sign * rng.integers(5, 60, rows.size) * 0.00001, 5)
    tp[rng.random(rows.size) < 0.1] = math.nan
    signals = {
        "timestamp": t[rows],
        "direction": direction.tolist(),
        "symbol": ["EURUSD"] * rows.size,
        "entry": entry,
        "sl": sl,
        "tp": tp,
        "order_type": order_type.tolist(),
        "reason": [f"r{i % 3}" for i in range(rows.size)],
        "scenario": ["golden"] * rows.size,
    }
    return bid, ask, signals


def simulator(backend: Backend) -> ExecutionSimulator:
    return ExecutionSimulator(
        Portfolio(10_000.0, backend=backend),
        risk_per_trade=50.0,
        symbol_specs=[EURUSD, ACME],
        slippage_model=RandomSlippage(0.8),
        fee_model=FeeModel(per_lot=3.5, minimum=0.1),
        seed=1234,
        intrabar_policy="adaptive",
        timeout=240 * MINUTE,
        backend=backend,
    )


def _hash(values: list[Any]) -> str:
    h = hashlib.sha256()
    for v in values:
        if isinstance(v, float):
            h.update(struct.pack("<d", math.nan if math.isnan(v) else v))
        else:
            h.update(repr(v).encode())
        h.update(b"|")
    return h.hexdigest()


def fingerprint(sim: ExecutionSimulator) -> dict[str, Any]:
    positions: list[Any] = []
    for p in sim.positions:
        positions.extend(tuple(p.__dict__.values())[:-1])  # all but metadata
    summary = sim.portfolio.get_summary()
    return {
        "positions": len(sim.positions),
        "trades": summary["trades"],
        "net_profit": summary["net_profit"],
        "total_fees": summary["total_fees"],
        "statuses": {
            s: sum(1 for p in sim.positions if p.status == s)
            for s in ("pending", "open", "closed", "cancelled", "rejected")
        },
        "positions_sha256": _hash(positions),
        "summary_sha256": _hash([summary[k] for k in sorted(summary)]),
    }


def run_batch(backend: Backend) -> ExecutionSimulator:
    bid, ask, signals = data()
    sim = simulator(backend)
    sim.evaluate_exits_batch(bid, ask, symbol="EURUSD", signals=signals)
    return sim


@pytest.mark.parametrize("backend", ["rust", "python"])
def test_seeded_10k_bar_run_matches_the_golden_file(backend: Backend) -> None:
    golden = json.loads(GOLDEN.read_text())
    got = fingerprint(run_batch(backend))
    assert got == golden
    assert golden["trades"] > 300  # the run exercises exits, not just entries
    assert golden["statuses"]["rejected"] > 0


def test_single_calls_reproduce_the_golden_run() -> None:
    bid, ask, signals = data()
    sim = simulator("rust")
    rows = iter(range(len(signals["timestamp"])))
    pending = next(rows, None)
    for r in range(N):
        t = int(bid["timestamp"][r])
        sim.evaluate_exits(
            (t, *(float(bid[k][r]) for k in ("open", "high", "low", "close"))),
            (t, *(float(ask[k][r]) for k in ("open", "high", "low", "close"))),
            symbol="EURUSD",
        )
        while pending is not None and signals["timestamp"][pending] == t:
            i = pending
            tp = float(signals["tp"][i])
            sim.process_signal(
                {
                    "timestamp": t,
                    "direction": signals["direction"][i],
                    "symbol": "EURUSD",
                    "entry": float(signals["entry"][i]),
                    "sl": float(signals["sl"][i]),
                    "tp": None if math.isnan(tp) else tp,
                    "order_type": signals["order_type"][i],
                    "reason": signals["reason"][i],
                    "scenario": signals["scenario"][i],
                }
            )
            pending = next(rows, None)
    assert fingerprint(sim) == json.loads(GOLDEN.read_text())


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(fingerprint(run_batch("rust")), indent=1, sort_keys=True) + "\n")
    print(GOLDEN.read_text())
