"""MetaTrader 5 bar exports: bid prices, SPREAD in points, broker time, UTF-16 files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omega_engine.data import (
    DataError,
    detect_format,
    format_inspection,
    inspect_file,
    load_candles,
    parse_timezone,
    synthetic_eurusd_m5,
    write_mt5,
)

SameCandles = Callable[[pd.DataFrame, pd.DataFrame], None]

# What MT5's "Export Bars" writes (tab-separated; times are the broker's server time).
SAMPLE = """<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>
2024.03.05\t10:00:00\t1.08512\t1.08530\t1.08497\t1.08521\t312\t0\t6
2024.03.05\t10:05:00\t1.08521\t1.08544\t1.08519\t1.08540\t287\t0\t5
2024.03.05\t10:10:00\t1.08540\t1.08541\t1.08503\t1.08509\t341\t0\t7
2024.03.05\t10:20:00\t1.08509\t1.08515\t1.08488\t1.08490\t198\t0\t12
"""


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "EURUSD_M5.csv"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_mt5_sample_becomes_bid_and_ask(sample: Path) -> None:
    detected = detect_format(sample)
    assert detected.mt5
    assert detected.delimiter == "\t"
    assert detected.layout.time == ("<DATE>", "<TIME>")
    assert detected.layout.ignored == ("<VOL>",)
    loaded = load_candles(sample, point=0.00001)
    assert loaded.timeframe == "M5"
    bid, ask = loaded.frame("bid"), loaded.frame("ask")
    assert list(bid.index) == [
        pd.Timestamp(f"2024-03-05 10:{m}", tz="UTC") for m in ("00", "05", "10", "20")
    ]
    assert bid["open"].tolist() == [1.08512, 1.08521, 1.08540, 1.08509]
    assert bid["volume"].tolist() == [312.0, 287.0, 341.0, 198.0]  # <TICKVOL>, not <VOL>
    # ask = bid + SPREAD · point, exactly the decimal result
    assert ask["open"].tolist() == [1.08518, 1.08526, 1.08547, 1.08521]
    assert ask["close"].tolist() == [1.08527, 1.08545, 1.08516, 1.08502]
    assert ask["volume"].tolist() == bid["volume"].tolist()
    assert loaded.report.conversion == "bid = prices, ask = bid + <SPREAD> × 1e-05"


def test_mt5_needs_the_point_size(sample: Path) -> None:
    with pytest.raises(DataError, match="spread in points needs the symbol's point"):
        load_candles(sample)


def test_mt5_spread_can_be_read_as_mid_when_asked(sample: Path) -> None:
    loaded = load_candles(sample, point=0.00001, price_basis="mid")
    assert loaded.frame("bid")["open"].iloc[0] == 1.08509
    assert loaded.frame("ask")["open"].iloc[0] == 1.08515


def test_mt5_broker_time(sample: Path) -> None:
    """New-York-close servers: UTC+2 in winter, UTC+3 from the second Sunday of March (US)."""
    loaded = load_candles(sample, point=0.00001, timezone=parse_timezone("America/New_York+7"))
    assert loaded.frame("bid").index[0] == pd.Timestamp("2024-03-05 08:00", tz="UTC")
    fixed = load_candles(sample, point=0.00001, timezone=parse_timezone("+03:00"))
    assert fixed.frame("bid").index[0] == pd.Timestamp("2024-03-05 07:00", tz="UTC")


def test_mt5_utf16_export(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_text(SAMPLE.replace("\n", "\r\n"), encoding="utf-16")  # with a BOM
    loaded = load_candles(path, point=0.00001)
    assert loaded.frame("bid")["close"].tolist() == [1.08521, 1.08540, 1.08509, 1.08490]


def test_mt5_daily_export_without_time_column(tmp_path: Path) -> None:
    path = tmp_path / "d1.csv"
    path.write_text(
        "<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n"
        "2024.03.04\t1.0850\t1.0870\t1.0840\t1.0860\t50000\t0\t5\n"
        "2024.03.05\t1.0860\t1.0880\t1.0845\t1.0850\t52000\t0\t5\n"
        "2024.03.06\t1.0850\t1.0900\t1.0849\t1.0890\t61000\t0\t6\n"
    )
    loaded = load_candles(path, point=0.00001)
    assert loaded.timeframe == "D1"
    assert loaded.frame("ask")["close"].tolist() == [1.08605, 1.08505, 1.08906]


def test_mt5_tick_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ticks.csv"
    path.write_text("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n")
    with pytest.raises(DataError, match="tick export"):
        load_candles(path)


def test_format_mt5_checks_the_header(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("time,open,high,low,close,spread\n2024-01-02 00:00,1,2,0.5,1,3\n")
    with pytest.raises(DataError, match="not a MetaTrader 5 bar export"):
        load_candles(path, format="mt5")


def test_write_mt5_round_trip(tmp_path: Path, same_candles: SameCandles) -> None:
    dataset = synthetic_eurusd_m5()
    path = write_mt5(tmp_path / "eurusd.csv", dataset.bid, dataset.ask, 0.00001)
    loaded = load_candles(path, point=0.00001)
    same_candles(loaded.frame("bid"), dataset.frame("bid"))
    same_candles(loaded.frame("ask"), dataset.frame("ask"))
    np.testing.assert_array_equal(
        np.rint((loaded.frame("ask")["close"] - loaded.frame("bid")["close"]) * 1e5),
        dataset.spread_points,
    )


def test_inspect_mt5_reports_broker_time_and_spread_in_points(sample: Path) -> None:
    result = inspect_file(sample)
    assert result.ok
    assert result.timeframe == "M5"
    assert result.rows == 4
    assert result.other_gaps == 1  # 10:15 is missing
    assert result.missing_bars == 1
    assert result.spread == pytest.approx({"min": 5.0, "median": 6.5, "p95": 11.25, "max": 12.0})
    text = format_inspection(result)
    assert "MetaTrader 5 export" in text
    assert "broker's server time" in text
    assert "points: min 5" in text
