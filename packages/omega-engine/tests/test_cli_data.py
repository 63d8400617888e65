"""``omega data inspect FILE`` and ``omega config check CONFIG``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from omega_engine import EngineConfig, create_engine, load_config
from omega_engine.cli import main, with_data_file
from omega_engine.data.default_dataset import EURUSD_SPEC_FIELDS

NO_OUTPUT = {"parquet": False, "report": False}
SPEC = dict(EURUSD_SPEC_FIELDS)


def test_inspect_a_clean_file(
    tmp_path: Path, bid_ask_wide: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    bid_ask_wide.to_csv(tmp_path / "eurusd.csv", index=False)
    assert main(["data", "inspect", str(tmp_path / "eurusd.csv")]) == 0
    out = capsys.readouterr().out
    lines = dict(line.split(None, 1) for line in out.splitlines() if not line.startswith(" "))
    assert lines["format"] == "CSV (comma-separated), bid/ask OHLC columns"
    assert lines["timeframe"] == "M5 (detected from the bar spacing)"
    assert lines["rows"] == "3,000 (0 bad)"
    assert lines["range"] == "2024-01-01 22:00 UTC → 2024-01-16 09:00 UTC (bar open times)"
    assert lines["gaps"].startswith("2 spanning a weekend; ")
    assert lines["spread"].startswith("price (ask_close − bid_close): min 4e-05")


def test_inspect_reports_bad_rows_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "time,open,high,low,close\n2024-01-02 00:00,1,2,0.5,1\n2024-01-02 00:05,1,0.4,0.5,1\n"
        "2024-01-02 00:10,1,2,0.5,1\n"
    )
    assert main(["data", "inspect", str(path)]) == 1
    out = capsys.readouterr().out
    assert "rows        3 (1 bad: 1 ohlc)" in out
    assert f"bad row     {path}:line 3: high 0.4 is below low 0.5" in out
    assert "one side only" in out


def test_inspect_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "inspect", str(tmp_path / "missing.csv")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["data", "inspect", "--timezone", "Nowhere/City", str(tmp_path)]) == 2


def test_config_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[portfolio]\ninitial_balance = 5000\n[strategy]\nname = "MeanReversionZScore"\n'
    )
    assert main(["config", "check", str(good)]) == 0
    assert "ok (1 symbol(s): EURUSD; strategy MeanReversionZScore)" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[portfolio]\ninitial_balanse = 5000\n[output]\nreport = 1\n")
    assert main(["config", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "(2 problems)" in err
    assert "portfolio.initial_balanse: unknown key (did you mean 'initial_balance'?)" in err
    assert "output.report: expected true or false, got 1" in err


def test_backtest_data_option_runs_the_default_strategy_on_a_file(
    tmp_path: Path, bid_ask_wide: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    bid_ask_wide.to_csv(tmp_path / "eurusd.csv", index=False)
    out = tmp_path / "out"
    assert main(["backtest", "--data", str(tmp_path / "eurusd.csv"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "MeanReversionZScore on EURUSD M5: 3,000 bars" in printed
    assert (out / "trades.parquet").is_file()


def test_backtest_data_option_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--data", str(tmp_path / "missing.csv")]) == 2
    assert "--data: file not found" in capsys.readouterr().err
    two = tmp_path / "two.json"
    builtin = {"builtin": "synthetic_eurusd_m5"}
    spec = {"tick_size": 0.00001, "tick_value": 1.0, "pip_size": 0.0001}
    symbols = [{"name": n, "data": builtin, "spec": spec} for n in ("EURUSD", "GBPUSD")]
    two.write_text(json.dumps({"symbols": symbols}), encoding="utf-8")
    (tmp_path / "x.csv").write_text("timestamp,open\n", encoding="utf-8")
    assert main(["backtest", str(two), "--data", str(tmp_path / "x.csv")]) == 2
    assert "--data: expected a config with one symbol, got 2" in capsys.readouterr().err


def test_backtest_data_option_keeps_the_configs_reading_settings(
    tmp_path: Path, bid_ask_wide: pd.DataFrame
) -> None:
    """``--data`` replaces the file, not how it is read: a naive-timestamp CSV with the config's
    ``timezone`` gives the same candles through ``--data`` as through the config's path."""
    time = bid_ask_wide.columns[0]
    naive = bid_ask_wide.assign(**{time: pd.to_datetime(bid_ask_wide[time]).dt.tz_localize(None)})
    path = tmp_path / "eurusd_berlin.csv"
    naive.to_csv(path, index=False)

    def config(**data: str) -> EngineConfig:
        symbol = {"name": "EURUSD", "data": {"path": str(path), **data}, "spec": SPEC}
        return load_config({"symbols": [symbol], "output": NO_OUTPUT})

    full = config(
        timezone="Europe/Berlin", price_basis="bid", spread_unit="points", on_bad_rows="drop"
    )
    kept = ("timezone", "price_basis", "spread_unit", "on_bad_rows")
    given, used = full.symbols[0].data, with_data_file(full, path).symbols[0].data
    assert [getattr(used, k) for k in kept] == [getattr(given, k) for k in kept]
    berlin = config(timezone="Europe/Berlin", on_bad_rows="drop")
    expected = create_engine(berlin).data.candles.series("M5", "bid")
    loaded = create_engine(with_data_file(berlin, path)).data.candles.series("M5", "bid")
    assert loaded.timestamps.tolist() == expected.timestamps.tolist()
    assert loaded.close.tolist() == expected.close.tolist()
    utc = create_engine(with_data_file(load_config({"output": NO_OUTPUT}), path))
    assert utc.data.candles.series("M5", "bid").timestamps[0] != expected.timestamps[0]
