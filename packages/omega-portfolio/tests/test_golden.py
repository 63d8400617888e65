"""The worked example of docs/statistics.md, computed by hand, asserted exactly on both backends.

ES: tick 0.25 worth 12.5 USD → 50 USD per point per lot. Initial balance 10 000 USD.

| time      | event                                        | balance  | equity   |
|-----------|----------------------------------------------|----------|----------|
| d0 10:00  | #1 long 1 @ 4000, SL 3990, TP 4020; fee 2.5  | 9 997.5  |          |
| d0 20:00  | mark ES 4004 / 4004.25 → #1 +200             |          | 10 197.5 |
| d1 10:00  | #1 exit 4010 (+500); fee 2.5 on #1           | 10 495   |          |
| d1 11:00  | #2 short 2 @ 4012, SL 4017; fee 5            | 10 490   |          |
| d1 20:00  | mark 4014.75 / 4015 → #2 at ask −300         |          | 10 190   |
| d2 10:00  | #2 exit 4017 (−500)                          | 9 990    |          |
| d2 12:00  | account fee 10                               | 9 980    |          |
| d2 20:00  | mark (flat)                                  |          | 9 980    |
| d3 10:00  | #3 long 1 @ 4000, no stop                    |          |          |
| d3 20:00  | mark 3990 → #3 −500                          |          | 9 480    |
| d4 10:00  | #3 exit 4030 (+1500)                         | 11 480   |          |
| d4 11:00  | #4 long 2 @ 4030, SL 4020                    |          |          |
| d4 20:00  | mark 4035 → #4 +500                          |          | 11 980   |
| d5 10:00  | #4 exit 4031 (+100)                          | 11 580   |          |
| d5 11:00  | #5 short 1 @ 4030, SL 4040; 15:00 exit 4030  | 11 580   |          |
| d5 16:00  | #6 short 1 @ 4030, SL 4040 (stays open)      |          |          |
| d5 20:00  | mark 4024.75 / 4025 → #6 at ask +250         |          | 11 830   |

Trades (net): +495 (R 0.99), −505 (R −1.01), +1500 (no stop), +100 (R 0.1), 0 (R 0).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from omega_portfolio import Portfolio, Position, SymbolSpec
from omega_portfolio._backend_select import Backend

BASE = pd.Timestamp("2024-03-04T00:00:00Z")
H_US = 3_600_000_000


def seq_sum(values: list[float]) -> float:
    """Left-to-right sum from 0.0 (``sum()`` compensates rounding on Python >= 3.12)."""
    total = 0.0
    for v in values:
        total += v
    return total


def at(day: int, hour: int) -> pd.Timestamp:
    stamp: pd.Timestamp = BASE + pd.Timedelta(days=day, hours=hour)
    return stamp


def golden(backend: Backend) -> Portfolio:
    p = Portfolio(
        10_000.0,
        symbol_specs={"ES": SymbolSpec("ES", tick_size=0.25, tick_value=12.5)},
        backend=backend,
    )
    p.register_entry(Position(1, "ES", "long", 1.0, at(0, 10), 4000.0, 3990.0, 4020.0))
    p.register_fee(2.5, at(0, 10), "commission", 1)
    assert p.update_equity(at(0, 20), {"ES": (4004.0, 4004.25)}) == 10_197.5
    p.register_exit(1, at(1, 10), 4010.0, "take_profit")
    p.register_fee(2.5, at(1, 10), "commission", 1)
    p.register_entry(
        {
            "id": 2,
            "symbol": "ES",
            "direction": "short",
            "size": 2.0,
            "entry_time": at(1, 11),
            "entry_price": 4012.0,
            "stop_loss": 4017.0,
        }
    )
    p.register_fee(5.0, at(1, 11), "commission", 2)
    assert p.update_equity(at(1, 20), {"ES": {"bid": 4014.75, "ask": 4015.0}}) == 10_190.0
    p.register_exit(2, at(2, 10), 4017.0, "stop_loss")
    p.register_fee(10.0, at(2, 12), "platform")
    assert p.update_equity(at(2, 20), {"ES": (4001.0, 4001.25)}) == 9_980.0
    p.register_entry(Position(3, "ES", "long", 1.0, at(3, 10), 4000.0))
    assert p.update_equity(at(3, 20), {"ES": (3990.0, 3990.25)}) == 9_480.0
    p.register_exit(3, at(4, 10), 4030.0, "signal")
    p.register_entry(Position(4, "ES", "long", 2.0, at(4, 11), 4030.0, stop_loss=4020.0))
    assert p.update_equity(at(4, 20), {"ES": (4035.0, 4035.25)}) == 11_980.0
    p.register_exit(4, at(5, 10), 4031.0, "signal")
    p.register_entry(Position(5, "ES", "short", 1.0, at(5, 11), 4030.0, stop_loss=4040.0))
    p.register_exit(5, at(5, 15), 4030.0, "timeout")
    p.register_entry(Position(6, "ES", "short", 1.0, at(5, 16), 4030.0, stop_loss=4040.0))
    assert p.update_equity(at(5, 20), {"ES": (4024.75, 4025.0)}) == 11_830.0
    return p


def test_golden_state_and_trades(backend: Backend) -> None:
    p = golden(backend)
    assert p.backend == backend
    assert (p.balance, p.unrealized_pnl, p.equity) == (11_580.0, 250.0, 11_830.0)
    assert (p.total_fees, p.peak_equity, p.drawdown) == (20.0, 11_980.0, 150.0)
    trades = p.trades
    assert trades["id"].tolist() == [1, 2, 3, 4, 5]
    assert trades["pnl"].tolist() == [500.0, -500.0, 1500.0, 100.0, 0.0]
    assert trades["fees"].tolist() == [5.0, 5.0, 0.0, 0.0, 0.0]
    assert trades["net_pnl"].tolist() == [495.0, -505.0, 1500.0, 100.0, 0.0]
    assert trades["initial_risk"].tolist()[:2] == [500.0, 500.0]
    r = trades["r_multiple"].tolist()
    assert (r[0], r[1], r[3], r[4]) == (0.99, -1.01, 0.1, 0.0)
    assert math.isnan(r[2])
    assert trades["reason"].tolist() == ["take_profit", "stop_loss", "signal", "signal", "timeout"]
    assert trades["exit_time"].iloc[1] == at(2, 10)
    curve = p.equity_curve
    assert curve["equity"].tolist() == [10_197.5, 10_190.0, 9_980.0, 9_480.0, 11_980.0, 11_830.0]
    assert curve["drawdown"].tolist() == [0.0, 7.5, 217.5, 717.5, 0.0, 150.0]
    assert curve["peak"].tolist() == [10_197.5] * 4 + [11_980.0] * 2
    open_positions = p.open_positions
    assert open_positions["id"].tolist() == [6]
    assert open_positions["unrealized_pnl"].tolist() == [250.0]
    fees = p.fees
    assert fees["amount"].tolist() == [2.5, 2.5, 5.0, 10.0]
    assert fees["position_id"].isna().tolist() == [False, False, False, True]


def test_golden_summary(backend: Backend) -> None:
    s = golden(backend).get_summary()
    span_hours = 5 * 24 + 10  # d0 10:00 → d5 20:00
    years = span_hours * H_US / (365.25 * 24 * H_US)
    cagr = ((11_830.0 / 10_000.0) ** (1.0 / years) - 1.0) * 100.0
    max_dd_pct = 717.5 / 10_197.5 * 100.0
    daily = [10_000.0, 10_197.5, 10_190.0, 9_980.0, 9_480.0, 11_980.0, 11_830.0]
    returns = [(b - a) / a for a, b in itertools.pairwise(daily)]
    mean = seq_sum(returns) / 6
    std = math.sqrt(seq_sum([(x - mean) * (x - mean) for x in returns]) / 5)
    downside = math.sqrt(seq_sum([x * x if x < 0 else 0.0 for x in returns]) / 6)
    expected = {
        "initial_balance": 10_000.0,
        "final_balance": 11_580.0,
        "final_equity": 11_830.0,
        "open_positions": 1,
        "trades": 5,
        "wins": 3,
        "losses": 1,
        "breakeven": 1,
        "win_rate_pct": 60.0,
        "gross_profit": 2095.0,
        "gross_loss": -505.0,
        "net_profit": 1590.0,
        "profit_factor": 2095.0 / 505.0,
        "expectancy": 318.0,
        "avg_win": 2095.0 / 3.0,
        "avg_loss": -505.0,
        "avg_r": (0.99 + -1.01 + 0.1 + 0.0) / 4.0,
        "largest_win": 1500.0,
        "largest_loss": -505.0,
        "max_consecutive_wins": 2,
        "max_consecutive_losses": 1,
        "total_fees": 20.0,
        "max_drawdown": 717.5,
        "max_drawdown_pct": max_dd_pct,
        "max_drawdown_duration_days": 4.0,
        "return_pct": 1830.0 / 10_000.0 * 100.0,
        "cagr_pct": cagr,
        "sharpe": mean / std * math.sqrt(252.0),
        "sortino": mean / downside * math.sqrt(252.0),
        "calmar": cagr / max_dd_pct,
        "exposure_pct": 102.0 / 130.0 * 100.0,
    }
    assert list(s) == list(expected)
    for key, value in expected.items():
        assert s[key] == value, key
        assert type(s[key]) is type(value), key
    # A readable sanity anchor for the derived ones.
    assert s["sharpe"] == pytest.approx(4.5805, abs=1e-4)
    assert s["exposure_pct"] == pytest.approx(78.46, abs=0.01)


def test_golden_backends_agree_bit_for_bit() -> None:
    rust, python = golden("rust"), golden("python")
    pd.testing.assert_frame_equal(rust.trades, python.trades, check_exact=True)
    pd.testing.assert_frame_equal(rust.equity_curve, python.equity_curve, check_exact=True)
    rs, ps = rust.get_summary(), python.get_summary()
    assert (
        np.array(list(rs.values()), dtype=float).tobytes()
        == np.array(list(ps.values()), dtype=float).tobytes()
    )
