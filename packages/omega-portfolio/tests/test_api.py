"""The public API on each backend: semantics (marking, PnL, fees, exposure), statistics edge
cases, DataFrame and Arrow outputs, accepted input forms, backend selection and call counts."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import omega_portfolio
from omega_portfolio import Portfolio, Position, SymbolSpec
from omega_portfolio._backend_select import Backend

D = 86_400_000_000
H = 3_600_000_000
ES = SymbolSpec("ES", tick_size=0.25, tick_value=12.5)
EURUSD = SymbolSpec(
    "EURUSD",
    tick_size=0.00001,
    tick_value=1.0,
    pip_size=0.0001,
    contract_size=100_000.0,
    base_currency="EUR",
    quote_currency="USD",
    account_currency="USD",
)


def make(backend: Backend) -> Portfolio:
    return Portfolio(10_000.0, symbol_specs={"ES": ES, "EURUSD": EURUSD}, backend=backend)


# ----- semantics ----------------------------------------------------------------------------


def test_longs_are_marked_at_the_bid_and_shorts_at_the_ask(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
    p.register_entry(Position(2, "ES", "short", 1.0, 0, 4000.0))
    assert p.update_equity(1, {"ES": (4001.0, 4002.0)}) == 10_000.0 + 50.0 - 100.0
    positions = p.open_positions.set_index("id")
    assert positions.loc[1, "unrealized_pnl"] == 50.0
    assert positions.loc[2, "unrealized_pnl"] == -100.0


def test_pnl_in_account_currency_from_tick_value_or_contract_size(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "EURUSD", "short", 0.5, 0, 1.10000))
    p.register_exit(1, 1, 1.09000, "take_profit")
    # 0.5 lot × (1 USD per 0.00001) × 0.01 = 500 USD
    assert p.trades["pnl"].iloc[0] == pytest.approx(500.0, rel=1e-12)
    nq = {"symbol": "NQ", "tick_size": 0.25, "contract_size": 20.0}
    p.register_entry(Position(2, "NQ", "long", 2.0, 2, 15_000.0, symbol_spec=nq))
    p.register_exit(2, 3, 15_010.5, "signal")
    assert p.trades["pnl"].iloc[1] == 2.0 * 20.0 * 10.5
    assert "NQ" in p.symbols


def test_unlisted_symbols_keep_their_last_mark_and_unmarked_ones_sit_at_entry(
    backend: Backend,
) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
    p.register_entry(Position(2, "EURUSD", "long", 1.0, 0, 1.1))
    assert p.update_equity(1, {"ES": (4010.0, 4010.25)}) == 10_500.0  # EURUSD: no mark yet
    assert p.update_equity(2, {"EURUSD": (1.1001, 1.1002)}) == pytest.approx(10_510.0, rel=1e-12)
    assert p.update_equity(3) == pytest.approx(10_510.0, rel=1e-12)  # both carried forward
    assert p.equity == p.balance + p.unrealized_pnl


def test_fees_reduce_balance_and_attach_to_trades_even_after_the_exit(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0, stop_loss=3990.0))
    p.register_fee(2.0, 0, "commission", 1)
    p.register_exit(1, 5, 4000.0, "signal")
    p.register_fee(2.0, 5, "commission", 1)  # exit commission booked after the exit
    p.register_fee(1.0, 6, "swap")  # account level
    trade = p.trades.iloc[0]
    assert (trade["pnl"], trade["fees"], trade["net_pnl"], trade["r_multiple"]) == (
        0.0,
        4.0,
        -4.0,
        -4.0 / 500.0,
    )
    assert p.balance == 10_000.0 - 5.0
    assert p.total_fees == 5.0
    summary = p.get_summary()
    assert summary["losses"] == 1  # classified by net PnL
    assert summary["net_profit"] == -4.0  # account-level fees are not a trade's
    fees = p.fees
    assert fees["kind"].tolist() == ["commission", "commission", "swap"]
    assert fees["position_id"].tolist()[:2] == [1, 1]
    assert pd.isna(fees["position_id"].iloc[2])


def test_exposure_is_time_with_any_position_open_over_the_whole_span(backend: Backend) -> None:
    p = make(backend)
    p.update_equity(0)
    p.register_entry(Position(1, "ES", "long", 1.0, 10 * H, 4000.0))
    p.register_entry(Position(2, "EURUSD", "long", 1.0, 12 * H, 1.1))
    p.register_exit(1, 14 * H, 4000.0, "signal")
    p.register_exit(2, 16 * H, 1.1, "signal")
    p.register_entry(Position(3, "ES", "short", 1.0, 20 * H, 4000.0))
    p.update_equity(24 * H)
    assert p.get_summary()["exposure_pct"] == (6 + 4) / 24 * 100


# ----- statistics edge cases ----------------------------------------------------------------


def test_no_trades_no_curve(backend: Backend) -> None:
    s = make(backend).get_summary()
    assert (s["trades"], s["wins"], s["losses"], s["breakeven"]) == (0, 0, 0, 0)
    for key in ("win_rate_pct", "profit_factor", "expectancy", "avg_win", "avg_loss", "avg_r",
                "largest_win", "largest_loss", "cagr_pct", "sharpe", "sortino", "calmar",
                "exposure_pct"):  # fmt: skip
        assert math.isnan(s[key]), key
    assert (s["gross_profit"], s["gross_loss"], s["net_profit"], s["total_fees"]) == (0, 0, 0, 0)
    assert (s["max_drawdown"], s["max_drawdown_pct"], s["max_drawdown_duration_days"]) == (0, 0, 0)
    assert s["return_pct"] == 0.0


def test_wins_without_losses_give_infinite_profit_factor(backend: Backend) -> None:
    p = make(backend)
    for i in range(3):
        p.register_entry(Position(i, "ES", "long", 1.0, i * D, 4000.0))
        p.register_exit(i, i * D + H, 4001.0, "signal")
    s = p.get_summary()
    assert s["profit_factor"] == math.inf
    assert s["avg_loss"] != s["avg_loss"]  # NaN
    assert s["max_consecutive_wins"] == 3


def test_only_breakeven_trades_have_nan_profit_factor(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
    p.register_exit(1, 1, 4000.0, "signal")
    s = p.get_summary()
    assert (s["trades"], s["breakeven"]) == (1, 1)
    assert math.isnan(s["profit_factor"])
    assert s["win_rate_pct"] == 0.0
    assert s["expectancy"] == 0.0


def test_flat_equity_gives_nan_sharpe_and_sortino(backend: Backend) -> None:
    p = make(backend)
    p.update_equity_batch(np.arange(10) * D, {})
    s = p.get_summary()
    assert math.isnan(s["sharpe"])
    assert math.isnan(s["sortino"])
    assert s["max_drawdown"] == 0.0
    assert s["return_pct"] == 0.0
    assert s["cagr_pct"] == 0.0
    assert math.isnan(s["calmar"])


def test_rising_equity_without_down_days_has_infinite_sortino(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
    days = np.arange(1, 6) * D
    bid = 4000.0 + np.array([1.0, 3.0, 4.0, 8.0, 9.0])
    p.update_equity_batch(days, {"ES": (bid, bid + 0.25)})
    s = p.get_summary()
    assert s["sortino"] == math.inf
    assert s["sharpe"] > 0
    assert s["calmar"] == math.inf


def test_equity_at_or_below_zero(backend: Backend) -> None:
    p = Portfolio(100.0, symbol_specs={"ES": ES}, backend=backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
    p.update_equity(D, {"ES": (3990.0, 3990.25)})  # −500: equity −400
    p.register_exit(1, 2 * D, 3990.0, "stop_loss")
    s = p.get_summary()
    assert s["final_equity"] == -400.0
    assert s["return_pct"] == -500.0
    assert s["cagr_pct"] == -100.0
    assert math.isnan(s["sharpe"])  # returns undefined once a day closes at or below zero
    assert s["max_drawdown"] == 500.0
    assert s["max_drawdown_pct"] == 500.0


def test_drawdown_duration_runs_to_recovery_or_the_end(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
    bid = np.array([4010.0, 4000.0, 3990.0, 4010.0, 4020.0, 4015.0])
    p.update_equity_batch(np.arange(6) * D, {"ES": (bid, bid)})
    # peak at day 0, under water days 1-2, regained on day 3 → 3 days; then day 4 → 5: 1 day
    assert p.get_summary()["max_drawdown_duration_days"] == 3.0
    curve = p.equity_curve
    assert curve["drawdown"].tolist() == [0.0, 500.0, 1000.0, 0.0, 0.0, 250.0]
    assert p.drawdown == 250.0
    assert p.peak_equity == 11_000.0


# ----- outputs ------------------------------------------------------------------------------


def test_dataframe_columns_and_dtypes(backend: Backend) -> None:
    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0, 3990.0, 4020.0))
    p.update_equity(1, {"ES": (4001.0, 4001.25)})
    p.register_exit(1, 2, 4005.0, "take_profit")
    trades = p.trades
    assert list(trades.columns) == [
        "id", "symbol", "direction", "size", "entry_time", "entry_price", "stop_loss",
        "take_profit", "exit_time", "exit_price", "reason", "pnl", "fees", "net_pnl",
        "initial_risk", "r_multiple",
    ]  # fmt: skip
    assert trades["id"].dtype == np.uint64
    assert str(trades["entry_time"].dtype) == "datetime64[us, UTC]"
    assert trades["exit_time"].iloc[0] == pd.Timestamp(2, unit="us", tz="UTC")
    curve = p.equity_curve
    assert list(curve.columns) == [
        "timestamp", "equity", "balance", "peak", "drawdown", "drawdown_pct",
    ]  # fmt: skip
    assert str(curve["timestamp"].dtype) == "datetime64[us, UTC]"
    assert list(p.open_positions.columns) == [
        "id", "symbol", "direction", "size", "entry_time", "entry_price", "stop_loss",
        "take_profit", "fees", "initial_risk", "unrealized_pnl",
    ]  # fmt: skip
    assert len(p.open_positions) == 0
    assert list(p.fees.columns) == ["time", "amount", "kind", "position_id"]


def test_arrow_tables_match_the_dataframes_and_share_numeric_buffers(backend: Backend) -> None:
    import pyarrow as pa

    p = make(backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0, 3990.0))
    p.update_equity_batch(np.arange(1, 101), {"ES": (np.full(100, 4001.0), np.full(100, 4001.5))})
    p.register_exit(1, 200, 4002.0, "signal")
    curve = p.equity_curve_arrow()
    assert curve.schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    assert curve.column("equity").to_pylist() == p.equity_curve["equity"].tolist()
    assert curve.to_pandas()["timestamp"].tolist() == p.equity_curve["timestamp"].tolist()
    trades = p.trades_arrow()
    assert trades.column_names == list(p.trades.columns)
    assert trades.column("r_multiple").to_pylist() == [100.0 / 500.0]
    assert trades.column("symbol").to_pylist() == ["ES"]

    # Zero-copy: the Arrow buffer is the numpy array's memory.
    columns = p._impl.equity_curve_columns()
    equity = columns["equity"]
    table = omega_portfolio.portfolio._arrow_table(columns, ("timestamp",))
    assert table.column("equity").chunk(0).buffers()[1].address == equity.ctypes.data
    timestamps = columns["timestamp"]
    assert table.column("timestamp").chunk(0).buffers()[1].address == timestamps.ctypes.data


# ----- input forms --------------------------------------------------------------------------


@dataclass
class ExecutionFill:
    """Some other library's position object: only the attributes matter."""

    id: int
    symbol: str
    direction: str
    size: float
    entry_time: object
    entry_price: float
    stop_loss: float | None = None
    order_type: str = "market"  # extra attributes are ignored


def test_positions_from_dataclasses_mappings_and_foreign_objects(backend: Backend) -> None:
    p = make(backend)
    t0 = pd.Timestamp("2024-01-02 09:30", tz="America/New_York")
    p.register_entry(Position(1, "ES", "long", 1.0, t0, 4000.0))
    p.register_entry(
        {
            "id": np.uint32(2),
            "symbol": "ES",
            "direction": "short",
            "size": np.float32(2),
            "entry_time": t0.to_pydatetime(),
            "entry_price": 4000,
        }
    )
    p.register_entry(
        ExecutionFill(3, "ES", "long", 1.0, np.datetime64(t0.tz_convert(None), "ns"), 4000.0)
    )
    times = p.open_positions["entry_time"]
    assert times.tolist() == [t0.tz_convert("UTC")] * 3
    assert p.clock == t0.value // 1000


def test_naive_timestamps_are_utc_and_batches_accept_datetime_indexes(backend: Backend) -> None:
    p = make(backend)
    p.update_equity(dt.datetime(2024, 1, 1, 12))
    assert p.clock == pd.Timestamp("2024-01-01 12:00", tz="UTC").value // 1000
    index = pd.date_range("2024-01-02", periods=3, freq="h", tz="Europe/Berlin")
    p.update_equity_batch(index, {"ES": {"bid": [1.0, 2.0, 3.0], "ask": [1.5, 2.5, 3.5]}})
    assert p.equity_curve["timestamp"].iloc[1:].tolist() == list(index.tz_convert("UTC"))
    p.update_equity_batch(pd.Series(index + pd.Timedelta(days=1)).dt.tz_localize(None), {})
    assert len(p.equity_curve) == 7


def test_symbol_specs_as_a_sequence_and_repeated_identical_specs(backend: Backend) -> None:
    p = Portfolio(1000.0, symbol_specs=[ES, EURUSD], backend=backend)
    p.add_symbol(ES)  # identical: no-op
    p.register_entry(Position(1, "ES", "long", 1.0, 0, 1.0, symbol_spec=ES))  # identical again
    assert p.symbols == ["ES", "EURUSD"]


# ----- backends -----------------------------------------------------------------------------


def test_each_backend_counts_its_own_calls() -> None:
    backends: tuple[Backend, Backend] = ("rust", "python")
    for backend, other in (backends, backends[::-1]):
        before = omega_portfolio.backend_calls()
        p = make(backend)  # constructor + 2 add_symbol
        p.register_entry(Position(1, "ES", "long", 1.0, 0, 4000.0))
        p.update_equity(1, {"ES": (4000.0, 4000.25)})
        p.update_equity_batch([2, 3], {"ES": ([4000.0, 4001.0], [4000.25, 4001.25])})
        p.register_fee(1.0, 3, "commission", 1)
        p.register_exit(1, 4, 4001.0, "signal")
        p.get_summary()
        _ = p.trades, p.equity_curve, p.balance
        after = omega_portfolio.backend_calls()
        assert after[backend] - before[backend] == 3 + 6 + 3
        assert after[other] == before[other]
        assert p.backend == backend


def test_default_backend_follows_the_package_selection() -> None:
    assert Portfolio(1.0).backend == omega_portfolio.backend()


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


CODE = (
    "import omega_portfolio as op\n"
    "p = op.Portfolio(100.0, symbol_specs={'X': {'tick_size': 1.0, 'tick_value': 1.0}})\n"
    "p.register_entry({'id': 1, 'symbol': 'X', 'direction': 'long', 'size': 1.0,"
    " 'entry_time': 0, 'entry_price': 1.0})\n"
    "print(p.backend, op.backend_calls())\n"
)


@pytest.mark.parametrize(("flag", "expected"), [("0", "python"), ("1", "rust"), ("auto", "rust")])
def test_environment_flag_selects_the_backend_that_serves_the_portfolio(
    flag: str, expected: str
) -> None:
    result = _run(CODE, OMEGA_USE_RUST_PORTFOLIO=flag)
    assert result.returncode == 0, result.stderr
    backend, calls = result.stdout.split(" ", 1)
    assert backend == expected
    other = "rust" if expected == "python" else "python"
    assert f"'{expected}': 3" in calls
    assert f"'{other}': 0" in calls


def test_require_rust_forbids_an_explicit_python_backend() -> None:
    code = "import omega_portfolio as op\nop.Portfolio(1.0, backend='python')\n"
    result = _run(code, OMEGA_REQUIRE_RUST_FFI="1")
    assert result.returncode != 0
    assert "OMEGA_REQUIRE_RUST_FFI=1 forbids running any wave on Python" in result.stderr
    assert (
        _run(
            CODE.replace("100.0,", "100.0, backend='rust',"), OMEGA_REQUIRE_RUST_FFI="1"
        ).returncode
        == 0
    )
