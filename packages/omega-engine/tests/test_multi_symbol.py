"""Several symbols on one account (docs/engine.md, "Several symbols"): one balance, each
symbol's own spec, bars in time order, equity marking every open position at its symbol's
latest close, measured backends, Rust and Python strategies alike, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

import omega_strategy as ost
from omega_engine import BacktestResult, ConfigError, DataError, create_engine
from omega_engine.data import resample, synthetic_eurusd_m5
from omega_engine.data.frames import candles_frame
from omega_execution import FractionOfEquity
from omega_indicators import AlignedMultiCandleData
from omega_strategy._settings import Settings
from omega_strategy.multi_symbol import _Book
from omega_strategy.testing import EURUSD, resample_h1, synthetic_columns

SetFlags = Callable[..., None]

WINDOW = {"start": "2024-01-02", "end": "2024-01-12"}
SPEC = {"tick_size": 0.00001, "tick_value": 1.0, "pip_size": 0.0001, "volume_step": 0.01}
TRADE_COLUMNS = ["symbol", "direction", "size", "entry_time", "entry_price", "exit_time",
                 "exit_price", "reason", "pnl", "fees", "net_pnl", "r_multiple"]  # fmt: skip


WAVES = ("indicators", "execution", "portfolio", "strategy")


@pytest.fixture(autouse=True)
def _no_flags(set_flags: SetFlags) -> None:
    set_flags()


def _symbol(name: str, seed: int | None = None, **spec: float) -> dict[str, Any]:
    data: dict[str, Any] = {"builtin": "synthetic_eurusd_m5"}
    if seed is not None:
        data["seed"] = seed
    return {"name": name, "data": data, "spec": SPEC | spec}


def _config(tmp_path: Path, *symbols: dict[str, Any], **sections: Any) -> dict[str, Any]:
    return {
        "symbols": list(symbols),
        "backtest": WINDOW,
        "execution": {"fees": {"model": "per_lot", "amount": 3.0}},
        "output": {"dir": str(tmp_path / "out"), "parquet": False, "report": False},
        **sections,
    }


TWO = (_symbol("EURUSD"), _symbol("GBPUSD", seed=5, tick_value=2.0))


def _trades(result: BacktestResult, symbol: str) -> pd.DataFrame:
    trades = result.trades
    mine = trades[trades["symbol"].astype(str) == symbol][TRADE_COLUMNS]
    mine = mine.assign(symbol=mine["symbol"].astype(str), direction=mine["direction"].astype(str),
                       reason=mine["reason"].astype(str))  # fmt: skip
    out: pd.DataFrame = mine.reset_index(drop=True)
    return out


def _stamps(data: AlignedMultiCandleData) -> NDArray[np.int64]:
    bid, ask = data.series(data.primary_tf, "bid"), data.series(data.primary_tf, "ask")
    valid = ~(np.isnan(bid.close) | np.isnan(ask.close))
    return np.asarray(data.timestamps[valid], dtype=np.int64)


def _micros(column: pd.Series) -> NDArray[np.int64]:
    return np.asarray(pd.DatetimeIndex(column).as_unit("us").asi8, dtype=np.int64)


# ---- the engine -------------------------------------------------------------------------------


def test_with_fixed_risk_each_symbol_trades_as_it_does_alone(tmp_path: Path) -> None:
    both = create_engine(_config(tmp_path, *TWO)).run()
    assert both.metadata["loop"] == "python"
    assert both.metadata["symbols"] == ["EURUSD", "GBPUSD"]
    for symbol in TWO:
        alone = create_engine(_config(tmp_path, symbol)).run()
        name = symbol["name"]
        assert len(_trades(alone, name)) > 10
        pd.testing.assert_frame_equal(_trades(both, name), _trades(alone, name), check_exact=True)
        # Per-symbol statistics: the single run's trade statistics, bit for bit (fees: the
        # trades' fees, summed per trade rather than per fee event).
        for key, value in both.symbol_summaries[name].items():
            single = alone.summary[key]
            if key == "total_fees":
                assert value == pytest.approx(single, rel=1e-12)
            else:
                assert value == single or (np.isnan(value) and np.isnan(single)), key
        assert alone.symbol_summaries[name] == both.symbol_summaries[name]
    # One balance: every trade of both symbols (and its fees) is booked on it.
    net = sum(both.trades["net_pnl"].tolist(), 0.0)
    initial = both.summary["initial_balance"]
    assert both.summary["final_balance"] == pytest.approx(initial + net, abs=1e-6)
    assert both.summary["trades"] == len(both.trades)


def test_each_symbol_uses_its_own_spec_for_pnl(tmp_path: Path) -> None:
    result = create_engine(_config(tmp_path, *TWO)).run()
    for name, tick_value in (("EURUSD", 1.0), ("GBPUSD", 2.0)):
        t = _trades(result, name)
        sign = np.where(t["direction"] == "long", 1.0, -1.0)
        move = (t["exit_price"] - t["entry_price"]).to_numpy() * sign
        expected = move * t["size"].to_numpy() * tick_value / SPEC["tick_size"]
        np.testing.assert_allclose(t["pnl"].to_numpy(), expected, rtol=1e-9, atol=1e-9)


def test_the_timeline_is_the_union_of_the_symbols_bars(tmp_path: Path) -> None:
    engine = create_engine(_config(tmp_path, *TWO))
    eur, gbp = (_stamps(s.data.candles) for s in engine.symbols)
    # The generated data drops different late-evening bars per seed: each symbol lacks some
    # timestamps the other has.
    assert len(np.setdiff1d(eur, gbp)) > 0
    assert len(np.setdiff1d(gbp, eur)) > 0
    result = engine.run()
    np.testing.assert_array_equal(_micros(result.equity["timestamp"]), np.union1d(eur, gbp))
    assert result.metadata["bars"] == len(np.union1d(eur, gbp))


ALL_RUST = dict.fromkeys(WAVES, "rust")
# (flags, measured backends): the strategy on Rust is served bar by bar through its Rust
# handle by the Python loop (the whole loop in Rust is single-symbol).
ROWS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "all auto": ({}, ALL_RUST),
    "require rust": ({"require_rust_ffi": "1"}, ALL_RUST),
    "indicators 0": ({"use_rust_indicators": "0"}, {**ALL_RUST, "indicators": "python"}),
    "execution 0": ({"use_rust_execution": "0"}, {**ALL_RUST, "execution": "python"}),
    "portfolio 0": ({"use_rust_portfolio": "0"}, {**ALL_RUST, "portfolio": "python"}),
    "strategy 0": ({"use_rust_strategy": "0"}, {**ALL_RUST, "strategy": "python"}),
    "all 0": ({f"use_rust_{w}": "0" for w in WAVES}, dict.fromkeys(WAVES, "python")),
}


def test_backends_are_measured_and_every_row_gives_identical_results(
    tmp_path: Path, set_flags: SetFlags
) -> None:
    results = {}
    for name, (flags, backends) in ROWS.items():
        set_flags(**flags)
        result = create_engine(_config(tmp_path, *TWO)).run()
        assert result.metadata["loop"] == "python"
        assert dict(result.backends) == backends, name
        results[name] = result
    first = results["all auto"]
    for name, result in results.items():
        pd.testing.assert_frame_equal(result.trades, first.trades, check_exact=True, obj=name)
        pd.testing.assert_frame_equal(result.equity, first.equity, check_exact=True, obj=name)
        assert json.dumps(result.summary) == json.dumps(first.summary), name
        assert json.dumps(result.symbol_summaries) == json.dumps(first.symbol_summaries), name
    set_flags(require_rust_ffi="1", use_rust_indicators="0")
    with pytest.raises((RuntimeError, ValueError), match="OMEGA_"):
        create_engine(_config(tmp_path, *TWO)).run()


def test_duplicate_symbols_and_mismatched_timeframes_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"symbols\[1\].name: duplicate symbol 'EURUSD'"):
        create_engine(_config(tmp_path, _symbol("EURUSD"), _symbol("EURUSD", seed=5)))
    # An H1-only file next to M5 data: the symbols cannot share one primary timeframe.
    dataset = synthetic_eurusd_m5()
    for side in ("bid", "ask"):
        h1 = candles_frame(resample(getattr(dataset, side), "M5", "H1")).iloc[:500]
        h1.to_csv(tmp_path / f"h1_{side}.csv")
    files = {"H1": {"bid": str(tmp_path / "h1_bid.csv"), "ask": str(tmp_path / "h1_ask.csv")}}
    hourly = {"name": "GBPUSD", "data": {"files": files}, "spec": SPEC}
    config = _config(tmp_path, _symbol("EURUSD"), hourly, backtest={})
    with pytest.raises(DataError, match=r"one primary timeframe for all symbols.*EURUSD: M5"):
        create_engine(config)


def test_the_cli_prints_the_table_and_the_symbols(tmp_path: Path) -> None:
    config = _config(tmp_path, *TWO)
    config["output"]["parquet"] = True
    path = tmp_path / "two.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    script = shutil.which("omega")
    command = [script] if script else [sys.executable, "-m", "omega_engine"]
    done = subprocess.run([*command, "backtest", str(path)], env=clean, capture_output=True,
                          text=True, check=False, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("MeanReversionZScore on EURUSD, GBPUSD M5:")
    assert any(line.startswith("net profit") for line in lines)
    header = next(i for i, line in enumerate(lines) if line.startswith("symbol "))
    assert lines[header + 1].startswith("EURUSD")
    assert lines[header + 2].startswith("GBPUSD")
    assert f"to {tmp_path / 'out'}" in lines[-1]
    meta = json.loads((tmp_path / "out" / "result.json").read_text("utf-8"))
    assert list(meta["symbol_summaries"]) == ["EURUSD", "GBPUSD"]
    assert (
        BacktestResult.from_parquet(tmp_path / "out").symbol_summaries == meta["symbol_summaries"]
    )


# ---- omega_strategy.run_backtest_symbols: shared balance, marks, gaps --------------------------

GBPUSD = replace(EURUSD, symbol="GBPUSD", tick_value=2.0)
SPECS = {"EURUSD": EURUSD, "GBPUSD": GBPUSD}


def _data(n: int, seed: int, start: int = 0, missing: float = 0.0) -> AlignedMultiCandleData:
    """Bars ``start..n`` of the strategy tests' synthetic M5 data (NaN rows: no bar)."""
    timestamps, m5 = synthetic_columns(n, seed, missing)
    frames: dict[str, dict[str, Any]] = {"M5": {}, "H1": {}}
    for side, columns in m5.items():
        cut = {k: v[start:] for k, v in columns.items()}
        frames["M5"][side] = {"timestamp": timestamps[start:], **cut}
        frames["H1"][side] = resample_h1(timestamps[start:], cut)
    return AlignedMultiCandleData.from_frames(frames, "M5")


def _strategy(symbol: str) -> ost.MeanReversionZScore:
    return ost.MeanReversionZScore(init_args={"symbol": symbol})


def test_sizing_on_equity_sees_the_other_symbols_results() -> None:
    data = {"EURUSD": _data(4_000, 7), "GBPUSD": _data(4_000, 8)}
    config = {"symbol_specs": SPECS, "sizing": FractionOfEquity(5.0)}
    both = ost.run_backtest_symbols([(_strategy(s), d) for s, d in data.items()], config)
    orders = both.orders[both.orders["trigger_time"].notna()]
    early_trades = 0
    for symbol, other in (("EURUSD", "GBPUSD"), ("GBPUSD", "EURUSD")):
        alone = ost.run_backtest(_strategy(symbol), data[symbol], config).trades
        mine = both.trades[both.trades["symbol"] == symbol].reset_index(drop=True)
        assert len(mine) == len(alone) > 10
        # Until the other symbol's first fill the shared equity is this symbol's alone: same
        # sizes. Afterwards the other symbol's results move it, and the sizes differ.
        other_fill = orders[orders["symbol"] == other]["trigger_time"].min()
        early = (mine["entry_time"] < other_fill).to_numpy()
        early_trades += int(early.sum())
        np.testing.assert_array_equal(mine["size"][early], alone["size"][early])
        assert (mine["size"][~early].to_numpy() != alone["size"][~early].to_numpy()).any()
    assert early_trades > 0


def test_equity_marks_every_open_position_at_its_symbols_latest_close() -> None:
    # GBPUSD starts 300 bars later and misses about one bar in ten.
    data = {"EURUSD": _data(3_000, 7), "GBPUSD": _data(3_000, 8, start=300, missing=0.1)}
    runs = [(_strategy(s), d) for s, d in data.items()]
    result = ost.run_backtest_symbols(runs, {"symbol_specs": SPECS})
    stamps = {s: _stamps(d) for s, d in data.items()}
    timeline = _micros(result.equity["timestamp"])
    np.testing.assert_array_equal(timeline, np.union1d(*stamps.values()))
    assert len(np.setdiff1d(stamps["EURUSD"], stamps["GBPUSD"])) > 300
    # Rows in time order, symbols in the given order within a row.
    signals = result.signals
    assert (np.diff(signals["bar"].to_numpy()) >= 0).all()
    assert set(signals["symbol"].astype(str)) == {"EURUSD", "GBPUSD"}

    unrealized = np.zeros(len(timeline))
    orders = result.orders
    for symbol, d in data.items():
        bid, ask = d.series("M5", "bid"), d.series("M5", "ask")
        valid = ~(np.isnan(bid.close) | np.isnan(ask.close))
        # The latest valid close at or before each row (never a later one).
        latest = np.searchsorted(d.timestamps[valid], timeline, side="right") - 1
        marks = {"long": bid.close[valid][latest], "short": ask.close[valid][latest]}
        mine = orders[(orders["symbol"] == symbol) & orders["trigger_time"].notna()]
        for p in mine.itertuples():
            opened = timeline >= pd.Timestamp(p.trigger_time).value // 1_000
            if not pd.isna(p.exit_time):
                opened &= timeline < pd.Timestamp(p.exit_time).value // 1_000
            sign = 1.0 if p.direction == "long" else -1.0
            value = sign * p.size * SPECS[symbol].tick_value / SPECS[symbol].tick_size
            move = marks[str(p.direction)] - p.trigger_price
            unrealized += np.where(opened, move * value, 0.0)
    assert (unrealized != 0.0).sum() > 100
    equity = result.equity
    expected = equity["balance"].to_numpy() + unrealized
    np.testing.assert_allclose(equity["equity"].to_numpy(), expected, rtol=0, atol=1e-6)


def test_bad_symbol_runs_are_clear_errors() -> None:
    eur = _data(500, 7)
    with pytest.raises(ValueError, match="one strategy per symbol, got 'EURUSD' twice"):
        ost.run_backtest_symbols([(_strategy("EURUSD"), eur)] * 2, {"symbol_specs": SPECS})
    h1 = ost.MeanReversionZScore(init_args={"symbol": "GBPUSD", "timeframe": "H1", "htf": "H4"})
    with pytest.raises(ValueError, match=r"one primary timeframe.*EURUSD: M5, GBPUSD: H1"):
        ost.run_backtest_symbols([(_strategy("EURUSD"), eur), (h1, eur)], {"symbol_specs": SPECS})
    with pytest.raises(ValueError, match=r"symbol_specs: expected a spec for .*'GBPUSD'"):
        ost.run_backtest_symbols(
            [(_strategy("EURUSD"), eur), (_strategy("GBPUSD"), eur)],
            {"symbol_specs": {"EURUSD": EURUSD}},
        )


def test_the_multi_symbol_loop_on_one_symbol_is_the_single_symbol_loop(
    set_flags: SetFlags,
) -> None:
    # run_backtest_symbols hands one symbol to run_backtest; the multi-symbol loop itself
    # applies the same rules: on one symbol (with gaps) it gives the same trades and curve.
    set_flags(use_rust_strategy="0")
    data, config = _data(3_000, 7, missing=0.05), {"symbol_specs": SPECS}
    single = ost.run_backtest(_strategy("EURUSD"), data, config)
    assert single.loop == "python"
    book = _Book([_strategy("EURUSD")], [data], Settings.from_configs(config, None))
    book.run(None)
    run = book.result()
    multi = ost.BacktestResult.from_tables(run.tables, run.summary, "python", {}, {})
    bars = ["entry_bar", "exit_bar"]  # rows of the timeline vs indices of the data (gaps)
    assert len(single.trades) > 10
    pd.testing.assert_frame_equal(multi.trades.drop(columns=bars),
                                  single.trades.drop(columns=bars), check_exact=True)  # fmt: skip
    pd.testing.assert_frame_equal(multi.equity, single.equity, check_exact=True)
    assert json.dumps(multi.summary) == json.dumps(single.summary)
