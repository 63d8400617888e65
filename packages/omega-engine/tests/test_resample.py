"""Resampling agrees with pandas on complete data and never invents a bar for a gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omega_engine.data import resample, synthetic_eurusd_m5
from omega_engine.data.frames import candles_frame
from omega_indicators import CandleSeries

AGG = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
RULES = {"M15": "15min", "M30": "30min", "H1": "1h", "H4": "4h", "D1": "1D"}


def _pandas(frame: pd.DataFrame, rule: str, origin: str = "epoch") -> pd.DataFrame:
    """pandas' own resample (left-closed, labelled by bucket start), empty buckets removed.
    Computed on naive UTC times: pandas ignores ``origin`` for day rules on aware indexes."""
    naive = frame.tz_convert("UTC").tz_localize(None)
    out = naive.resample(rule, label="left", closed="left", origin=origin).agg(AGG)
    counts = naive["close"].resample(rule, label="left", closed="left", origin=origin).count()
    result: pd.DataFrame = out[counts > 0].tz_localize("UTC")
    return result


def _series(frame: pd.DataFrame) -> CandleSeries:
    return CandleSeries.from_columns(frame.index, **{c: frame[c] for c in AGG})


def _check(got: CandleSeries, expected: pd.DataFrame) -> None:
    frame = candles_frame(got)
    assert frame.index.equals(pd.DatetimeIndex(expected.index).as_unit("us"))
    for column in AGG:
        np.testing.assert_array_equal(frame[column].to_numpy(), expected[column].to_numpy())


@pytest.mark.parametrize("target", list(RULES))
def test_complete_data_matches_pandas(target: str) -> None:
    """The synthetic year: contiguous within sessions, weekend and holiday gaps in between."""
    dataset = synthetic_eurusd_m5()
    for side in ("bid", "ask"):
        frame = dataset.frame(side)
        _check(resample(getattr(dataset, side), "M5", target), _pandas(frame, RULES[target]))


def test_weekly_buckets_start_on_sunday() -> None:
    dataset = synthetic_eurusd_m5()
    weekly = resample(dataset.bid, "M5", "W1")
    expected = _pandas(dataset.frame("bid"), "7D", origin="1970-01-04")  # a Sunday
    _check(weekly, expected)
    stamps = pd.DatetimeIndex(candles_frame(weekly).index)
    assert (stamps.day_of_week == 6).all()  # Sunday
    assert (stamps.hour == 0).all()
    assert 50 <= len(stamps) <= 53


def test_no_bar_is_invented_for_a_gap() -> None:
    index = pd.DatetimeIndex(
        ["2024-01-08 09:00", "2024-01-08 09:05", "2024-01-08 11:55", "2024-01-08 12:00"],
        tz="UTC",
    )
    frame = pd.DataFrame(
        {"open": [1.0, 2.0, 3.0, 4.0], "high": [1.5, 2.5, 3.5, 4.5], "low": [0.5, 1.5, 2.5, 3.5],
         "close": [1.2, 2.2, 3.2, 4.2], "volume": [1.0, 2.0, 3.0, 4.0]},
        index=index,
    )  # fmt: skip
    hourly = candles_frame(resample(_series(frame), "M5", "H1"))
    # 10:00-11:00 has no M5 bar: no H1 bar either; 11:00 holds one bar; 12:00 one bar.
    assert list(pd.DatetimeIndex(hourly.index).hour) == [9, 11, 12]
    assert hourly.loc["2024-01-08 09:00"].tolist() == [1.0, 2.5, 0.5, 2.2, 3.0]
    assert hourly.loc["2024-01-08 11:00"].tolist() == [3.0, 3.5, 2.5, 3.2, 3.0]


@settings(max_examples=60, deadline=None)
@given(
    keep=st.lists(st.booleans(), min_size=1, max_size=400),
    target=st.sampled_from(["M15", "H1", "H4"]),
)
def test_gapped_data_matches_pandas_without_empty_buckets(keep: list[bool], target: str) -> None:
    dataset = synthetic_eurusd_m5()
    frame = dataset.frame("ask").iloc[: len(keep)][np.array(keep)]
    if frame.empty:
        return
    got = resample(_series(frame), "M5", target)
    expected = _pandas(frame, RULES[target])
    _check(got, expected)
    buckets = frame.index.as_unit("us").asi8 // (pd.Timedelta(RULES[target]).value // 1000)
    assert len(got) == len(np.unique(buckets))  # exactly one candle per non-empty bucket


def test_invalid_targets_are_refused() -> None:
    dataset = synthetic_eurusd_m5()
    with pytest.raises(ValueError, match="expected a timeframe longer than M5"):
        resample(dataset.bid, "M5", "M1")
    with pytest.raises(ValueError, match="timeframe: expected one of"):
        resample(dataset.bid, "M5", "H2")
