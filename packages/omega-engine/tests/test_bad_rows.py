"""Bad rows: one error naming file and line of each, or an explicit drop that is counted."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omega_engine.config import load_config
from omega_engine.data import (
    BadRowsError,
    DroppedRowsWarning,
    inspect_file,
    load_candles,
    load_symbol_data,
    parse_timezone,
)

HEADER = "time,bid_open,bid_high,bid_low,bid_close,ask_open,ask_high,ask_low,ask_close,volume"
GOOD = "1.10000,1.10010,1.09990,1.10005,1.10008,1.10018,1.09998,1.10013,10"


def _stamp(i: int) -> str:
    return f"{pd.Timestamp('2024-02-05 00:00') + pd.Timedelta(minutes=5 * i):%Y-%m-%d %H:%M}"


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    """Twelve data rows (lines 2-13); lines 4, 6, 8, 9, 10, 11, 12 and 13 are bad."""
    rows = [f"{_stamp(i)},{GOOD}" for i in range(12)]
    rows[2] = f"{_stamp(2)},1.10000,1.09980,1.09990,1.09985,1.1,1.1,1.1,1.1,10"  # high < low
    rows[4] = f"{_stamp(4)},1.10000,,1.09990,1.10005,1.1,1.1,1.1,1.1,10"  # empty bid_high
    rows[6] = f"{_stamp(6)},abc,1.10010,1.09990,1.10005,1.1,1.1,1.1,1.1,10"  # not a number
    rows[7] = f"{_stamp(5)},{GOOD}"  # same timestamp as line 7
    rows[8] = f"{_stamp(1)},{GOOD}"  # earlier than line 9 (unsorted)
    rows[9] = f"2024-02-31 00:00,{GOOD}"  # no such date
    rows[10] = f"{_stamp(10)},1.10000,1.10010,1.09990,1.10005,1.09990,1.1001,1.0998,1.1,10"
    rows[11] = f"{_stamp(11)},1.10000,1.10010,1.09990,1.10005,1.10008,1.10018,1.09998,1.10013,-1"
    return _write(tmp_path / "dirty.csv", rows)


def test_every_bad_row_is_named_with_file_and_line(dirty: Path) -> None:
    with pytest.raises(BadRowsError) as caught:
        load_candles(dirty)
    error = caught.value
    lines = {row.location: (row.kind, row.message) for row in error.rows}
    assert lines == {
        "line 4": ("ohlc", "bid_high 1.0998 is below bid_low 1.0999"),
        "line 6": ("missing_value", "bid_high: expected a finite number, got 'nan'"),
        "line 8": ("missing_value", "bid_open: expected a finite number, got 'abc'"),
        "line 9": ("duplicate", "duplicate timestamp '2024-02-05 00:25' (same as line 7)"),
        "line 10": (
            "unsorted",
            "timestamp '2024-02-05 00:05' is earlier than '2024-02-05 00:25' at line 7 "
            "(rows must be in time order)",
        ),
        "line 11": ("timestamp", "expected a timestamp, got '2024-02-31 00:00'"),
        "line 12": ("crossed", "ask_open 1.0999 is below bid_open 1.1 (crossed quotes)"),
        "line 13": ("volume", "volume: negative volume -1.0"),
    }
    message = str(error)
    assert message.startswith(f"{dirty}: 8 bad rows (")
    for location in lines:
        assert f"{dirty}:{location}: " in message
    assert 'on_bad_rows="drop"' in message
    assert error.counts == {
        "timestamp": 1, "missing_value": 2, "volume": 1, "ohlc": 1, "crossed": 1,
        "duplicate": 1, "unsorted": 1,
    }  # fmt: skip


def test_drop_reports_how_many_and_keeps_the_good_rows_unchanged(dirty: Path) -> None:
    with pytest.warns(DroppedRowsWarning, match=r"dropped 8 bad rows \(1 timestamp, 2 missing"):
        loaded = load_candles(dirty, on_bad_rows="drop")
    report = loaded.report
    assert (report.rows_read, report.rows_kept, report.rows_dropped) == (12, 4, 8)
    assert sum(report.dropped.values()) == 8
    assert [row.location for row in report.dropped_rows][:3] == ["line 4", "line 6", "line 8"]
    bid = loaded.frame("bid")
    assert list(bid.index) == [pd.Timestamp(_stamp(i), tz="UTC") for i in (0, 1, 3, 5)]
    assert bid["close"].tolist() == [1.10005] * 4
    assert loaded.frame("ask")["close"].tolist() == [1.10013] * 4
    np.testing.assert_array_equal(loaded.source_rows, [0, 1, 3, 5])


def test_clean_file_loads_without_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "clean.csv", [f"{_stamp(i)},{GOOD}" for i in range(5)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_candles(path, on_bad_rows="drop")
    assert loaded.report.dropped == {}


def test_blank_line_is_a_bad_row_at_its_own_line(tmp_path: Path) -> None:
    rows = [f"{_stamp(0)},{GOOD}", "", f"{_stamp(1)},{GOOD}"]
    path = _write(tmp_path / "blank.csv", rows)
    with pytest.raises(BadRowsError, match=r"blank.csv:line 3: expected a timestamp"):
        load_candles(path)


def test_parquet_rows_are_numbered_from_zero(tmp_path: Path) -> None:
    index = pd.date_range("2024-02-05", periods=4, freq="5min", tz="UTC", name="timestamp")
    frame = pd.DataFrame(
        {"open": [1.0, 1.0, 1.0, 1.0], "high": [1.1, 1.1, 0.9, 1.1], "low": [0.9, 0.9, 0.95, 0.9],
         "close": [1.0, 1.0, 0.95, np.nan]},
        index=index,
    )  # fmt: skip
    frame.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(BadRowsError) as caught:
        load_candles(tmp_path / "bad.parquet", side="bid")
    assert [(r.location, r.kind) for r in caught.value.rows] == [
        ("row 2", "ohlc"),
        ("row 3", "missing_value"),
    ]


def test_nonexistent_local_time_is_a_bad_row(tmp_path: Path) -> None:
    """Europe/Berlin skips 02:00-03:00 on 2024-03-31: such a bar has no instant."""
    path = tmp_path / "berlin.csv"
    stamps = ["2024-03-31 01:55", "2024-03-31 02:00", "2024-03-31 03:00", "2024-03-31 03:05"]
    path.write_text("time,open,high,low,close\n" + "".join(f"{s},1,1,1,1\n" for s in stamps))
    with pytest.raises(BadRowsError, match="line 3: local time '2024-03-31 02:00' does not exist"):
        load_candles(path, side="bid", timezone=parse_timezone("Europe/Berlin"))


def test_inspect_counts_bad_rows_without_raising(dirty: Path) -> None:
    result = inspect_file(dirty)
    assert not result.ok
    assert sum(result.bad_rows.values()) == 8
    assert result.first_bad_rows[0].location == "line 4"


def _side_files(tmp_path: Path, drop_ask: list[int]) -> dict[str, object]:
    index = pd.date_range("2024-02-05", periods=10, freq="5min", tz="UTC", name="timestamp")
    bid = pd.DataFrame({"open": 1.1, "high": 1.2, "low": 1.0, "close": 1.1}, index=index)
    ask = (bid + 0.0001).drop(index[drop_ask])
    bid.to_csv(tmp_path / "bid.csv")
    ask.to_csv(tmp_path / "ask.csv")
    return {"files": {"M5": {"bid": "bid.csv", "ask": "ask.csv"}}}


def _symbol(tmp_path: Path, data: dict[str, object]) -> dict[str, object]:
    return {"name": "X", "data": data, "spec": {"tick_size": 0.00001, "tick_value": 1.0}}


def test_bars_in_only_one_side_file_are_unmatched(tmp_path: Path) -> None:
    data = _side_files(tmp_path, drop_ask=[3, 7])
    config = load_config({"symbols": [_symbol(tmp_path, data)]}, base_dir=tmp_path)
    with pytest.raises(BadRowsError) as caught:
        load_symbol_data(config.symbols[0])
    assert [(r.path.endswith("bid.csv"), r.location, r.kind) for r in caught.value.rows] == [
        (True, "line 5", "unmatched"),
        (True, "line 9", "unmatched"),
    ]
    assert "no ask bar at 2024-02-05T00:15:00+00:00" in str(caught.value)
    dropping = load_config(
        {"symbols": [_symbol(tmp_path, {**data, "on_bad_rows": "drop"})]}, base_dir=tmp_path
    )
    with pytest.warns(DroppedRowsWarning, match="dropped 2 bad rows"):
        symbol = load_symbol_data(dropping.symbols[0])
    assert len(symbol.candles) == 8
