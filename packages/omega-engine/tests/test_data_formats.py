"""Each file format round-trips: write a small file, load it, get exactly the same candles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_engine.data import (
    DataError,
    detect_format,
    load_candles,
    parse_timezone,
    parse_utc_offset,
)

SameCandles = Callable[[pd.DataFrame, pd.DataFrame], None]
FIELDS = ("open", "high", "low", "close")


def _both(path: Path, **options: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    loaded = load_candles(path, **options)  # type: ignore[arg-type]
    return loaded.frame("bid"), loaded.frame("ask")


@pytest.mark.parametrize(("delimiter", "suffix"), [(",", ".csv"), (";", ".csv"), ("\t", ".tsv")])
def test_bid_ask_csv_round_trip(
    tmp_path: Path,
    bid_ask: tuple[pd.DataFrame, pd.DataFrame],
    bid_ask_wide: pd.DataFrame,
    same_candles: SameCandles,
    delimiter: str,
    suffix: str,
) -> None:
    path = tmp_path / f"eurusd{suffix}"
    bid_ask_wide.to_csv(path, sep=delimiter, index=False)
    loaded = load_candles(path)
    assert loaded.timeframe == "M5"
    assert loaded.report.layout == "bid_ask"
    assert loaded.report.rows_read == loaded.report.rows_kept == len(bid_ask_wide)
    same_candles(loaded.frame("bid"), bid_ask[0])
    same_candles(loaded.frame("ask"), bid_ask[1])


def test_bid_ask_csv_with_naive_iso_text_and_other_column_names(
    tmp_path: Path, bid_ask: tuple[pd.DataFrame, pd.DataFrame], same_candles: SameCandles
) -> None:
    bid, ask = bid_ask
    table = pd.DataFrame({"Time": pd.DatetimeIndex(bid.index).strftime("%Y-%m-%dT%H:%M:%S")})
    for side, frame in (("Bid", bid), ("Ask", ask)):
        for field in FIELDS:
            table[f"{field.capitalize()} {side}"] = frame[field].to_numpy()  # "Open Bid"
    table["Volume"] = bid["volume"].to_numpy()
    table["comment"] = "x"
    path = tmp_path / "quotes.csv"
    table.to_csv(path, index=False)
    loaded = load_candles(path)
    assert loaded.report.ignored_columns == ("comment",)
    assert loaded.report.time_form == "text (UTC)"
    same_candles(loaded.frame("bid"), bid)
    same_candles(loaded.frame("ask"), ask.assign(volume=bid["volume"]))


@pytest.mark.parametrize("index_kind", ["aware", "naive", "column"])
def test_bid_ask_parquet_round_trip(
    tmp_path: Path,
    bid_ask: tuple[pd.DataFrame, pd.DataFrame],
    bid_ask_wide: pd.DataFrame,
    same_candles: SameCandles,
    index_kind: str,
) -> None:
    table = bid_ask_wide.copy()
    if index_kind == "naive":
        table["timestamp"] = table["timestamp"].dt.tz_localize(None)
    if index_kind == "column":
        table.to_parquet(tmp_path / "x.parquet", index=False)
    else:
        table.set_index("timestamp").to_parquet(tmp_path / "x.parquet")
    detected = detect_format(tmp_path / "x.parquet")
    assert detected.container == "parquet"
    bid, ask = _both(tmp_path / "x.parquet")
    same_candles(bid, bid_ask[0])
    same_candles(ask, bid_ask[1])


@pytest.mark.parametrize(("unit", "factor"), [("s", 10**6), ("ms", 10**3), ("us", 1)])
def test_epoch_timestamps(
    tmp_path: Path,
    bid_ask: tuple[pd.DataFrame, pd.DataFrame],
    bid_ask_wide: pd.DataFrame,
    same_candles: SameCandles,
    unit: str,
    factor: int,
) -> None:
    table = bid_ask_wide.copy()
    table["timestamp"] = table["timestamp"].dt.as_unit("us").astype("int64") // factor
    table.to_csv(tmp_path / "epoch.csv", index=False)
    loaded = load_candles(tmp_path / "epoch.csv")
    assert loaded.report.time_form == f"Unix epoch ({unit})"
    same_candles(loaded.frame("bid"), bid_ask[0])


def test_epoch_timestamps_refuse_a_timezone(tmp_path: Path, bid_ask_wide: pd.DataFrame) -> None:
    table = bid_ask_wide.copy()
    table["timestamp"] = table["timestamp"].dt.as_unit("s").astype("int64")
    table.to_csv(tmp_path / "epoch.csv", index=False)
    with pytest.raises(ValueError, match="only applies to naive local times"):
        load_candles(tmp_path / "epoch.csv", timezone=parse_timezone("Europe/Berlin"))


@pytest.mark.parametrize(
    ("unit", "size", "basis"),
    [
        ("price", 1.0, "mid"),
        ("points", 1e-5, "mid"),
        ("pips", 1e-4, "mid"),
        ("points", 1e-5, "bid"),
    ],
)
def test_one_price_set_plus_spread(
    tmp_path: Path,
    bid_ask: tuple[pd.DataFrame, pd.DataFrame],
    same_candles: SameCandles,
    unit: str,
    size: float,
    basis: str,
) -> None:
    """The synthetic bars have one whole-point spread per bar, so mid/bid + spread written with
    the right decimals gives back exactly the original bid and ask."""
    bid, ask = bid_ask
    spread_points = np.rint((ask["close"] - bid["close"]).to_numpy() * 1e5).astype(np.int64)
    spread = spread_points * 1e-5 / size
    prices = (bid[list(FIELDS)] + ask[list(FIELDS)]) / 2 if basis == "mid" else bid[list(FIELDS)]
    table = prices.round(6 if basis == "mid" else 5).assign(
        volume=bid["volume"], spread=np.round(spread, 6)
    )
    table.to_csv(tmp_path / "mid.csv")
    loaded = load_candles(
        tmp_path / "mid.csv", spread_unit=unit, price_basis=basis, point=1e-5, pip_size=1e-4
    )
    assert loaded.report.layout == "spread"
    same_candles(loaded.frame("bid"), bid)
    same_candles(loaded.frame("ask"), ask)


def test_spread_file_needs_a_unit_and_a_point(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("time,open,high,low,close,spread\n2024-01-02 00:00,1.1,1.2,1.0,1.1,3\n")
    with pytest.raises(DataError, match="set spread_unit"):
        load_candles(path, timeframe="M5")
    with pytest.raises(DataError, match="needs the symbol's point"):
        load_candles(path, timeframe="M5", spread_unit="points")


def test_options_that_do_not_apply_are_errors(tmp_path: Path, bid_ask_wide: pd.DataFrame) -> None:
    bid_ask_wide.to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(DataError, match="spread_unit only applies to files with a spread column"):
        load_candles(tmp_path / "x.csv", spread_unit="points")
    with pytest.raises(DataError, match="expected a one-side file"):
        load_candles(tmp_path / "x.csv", side="bid")


def test_one_side_file_needs_its_side(tmp_path: Path, bid_ask: tuple[pd.DataFrame, pd.DataFrame],
                                      same_candles: SameCandles) -> None:  # fmt: skip
    bid_ask[0].to_csv(tmp_path / "bid.csv")
    with pytest.raises(DataError, match="that is one side"):
        load_candles(tmp_path / "bid.csv")
    loaded = load_candles(tmp_path / "bid.csv", side="bid")
    assert loaded.ask is None
    same_candles(loaded.frame("bid"), bid_ask[0])


def test_timeframe_is_detected_and_checked(tmp_path: Path, bid_ask_wide: pd.DataFrame) -> None:
    bid_ask_wide.to_csv(tmp_path / "x.csv", index=False)
    assert load_candles(tmp_path / "x.csv", timeframe="M5").timeframe == "M5"
    with pytest.raises(DataError, match="timeframe H1 declared, but the bars are mostly 5 minutes"):
        load_candles(tmp_path / "x.csv", timeframe="H1")
    with pytest.raises(DataError, match="timeframe M1 declared"):
        load_candles(tmp_path / "x.csv", timeframe="M1")
    # Bars missing at random: the most common spacing is still one bar.
    sparse = bid_ask_wide[np.random.default_rng(5).random(len(bid_ask_wide)) < 0.4]
    sparse.to_csv(tmp_path / "sparse.csv", index=False)
    assert load_candles(tmp_path / "sparse.csv").timeframe == "M5"
    # Every other bar: indistinguishable from 10-minute bars, which is no timeframe.
    bid_ask_wide.iloc[::2].to_csv(tmp_path / "every_other.csv", index=False)
    with pytest.raises(DataError, match=r"cannot tell the timeframe \(bars are mostly 10 minutes"):
        load_candles(tmp_path / "every_other.csv")
    with pytest.raises(DataError, match="timeframe M5 declared, but the bars are mostly 10"):
        load_candles(tmp_path / "every_other.csv", timeframe="M5")


def test_unreadable_files_name_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv: the file is empty"):
        load_candles(empty)
    no_time = tmp_path / "no_time.csv"
    no_time.write_text("open,high,low,close\n1,2,0.5,1\n")
    with pytest.raises(DataError, match="no timestamp column"):
        load_candles(no_time)
    half = tmp_path / "half.csv"
    half.write_text("time,bid_open,bid_high,bid_low,bid_close,ask_open\n")
    with pytest.raises(DataError, match="misses ask_high, ask_low, ask_close; expected"):
        load_candles(half)
    slashes = tmp_path / "us.csv"
    slashes.write_text("time,open,high,low,close,spread\n01/02/2024 00:00,1,2,0.5,1,3\n")
    with pytest.raises(ValueError, match="ambiguous"):
        load_candles(slashes, spread_unit="price")
    with pytest.raises(DataError, match="not Parquet"):
        load_candles(no_time, format="parquet")


# ---- time zones -------------------------------------------------------------------------------


def test_timezone_specs_parse_and_describe() -> None:
    assert parse_timezone("UTC").is_utc
    assert parse_timezone("+02:00").describe() == "+02:00"
    assert parse_utc_offset(-5.5).describe() == "-05:30"
    assert parse_timezone("Europe/Berlin").describe() == "Europe/Berlin"
    assert parse_timezone("America/New_York+7").describe() == "America/New_York+7"
    assert parse_timezone("Etc/GMT-2").zone == "Etc/GMT-2"  # an IANA name ending in a number
    for bad in ("Mars/Olympus", "+25:00", ""):
        with pytest.raises((ValueError, TypeError)):
            parse_timezone(bad)


def _naive_file(tmp_path: Path, stamps: list[str]) -> Path:
    path = tmp_path / "local.csv"
    rows = [f"{s},1.1,1.2,1.0,1.1,1.0" for s in stamps]
    path.write_text("time,bid_open,bid_high,bid_low,bid_close,volume\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("+02:00", "2024-01-10 02:00", "2024-01-10 00:00"),
        ("Europe/Berlin", "2024-01-10 02:00", "2024-01-10 01:00"),  # CET, UTC+1
        ("Europe/Berlin", "2024-07-10 02:00", "2024-07-10 00:00"),  # CEST, UTC+2
        ("America/New_York+7", "2024-01-10 02:00", "2024-01-10 00:00"),  # broker UTC+2 in winter
        ("America/New_York+7", "2024-07-10 03:00", "2024-07-10 00:00"),  # UTC+3 in US summer
        ("America/New_York+7", "2024-03-20 03:00", "2024-03-20 00:00"),  # US DST, EU not yet
    ],
)
def test_naive_times_are_read_in_the_given_zone(
    tmp_path: Path, zone: str, local: str, utc: str
) -> None:
    stamps = [local, str(pd.Timestamp(local) + pd.Timedelta(minutes=5))]
    path = tmp_path / "local.csv"
    path.write_text(
        "time,open,high,low,close\n" + "".join(f"{s},1.1,1.2,1.0,1.1\n" for s in stamps)
    )
    loaded = load_candles(path, side="bid", timezone=parse_timezone(zone))
    first = loaded.frame("bid").index[0]
    assert first == pd.Timestamp(utc, tz="UTC")


# ---- property: any valid bars survive a CSV round trip ------------------------------------------


@st.composite
def _bars(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(2, 40))
    steps = draw(st.lists(st.integers(1, 30), min_size=n - 1, max_size=n - 1))
    steps[::2] = [1] * len(steps[::2])  # one bar apart most often: the timeframe stays M5
    start = pd.Timestamp("2023-03-01T00:00:00Z")
    times = start + pd.to_timedelta(np.cumsum([0, *steps]) * 5, unit="min")
    price = st.floats(0.5, 2.0, allow_nan=False, allow_infinity=False)
    rows = []
    for _ in range(n):
        a, b, c, d = sorted(draw(st.lists(price, min_size=4, max_size=4)))
        o, cl = draw(st.permutations([b, c]))
        rows.append((o, d, a, cl, float(draw(st.integers(0, 10**6)))))
    frame: pd.DataFrame = pd.DataFrame(rows, columns=["open", "high", "low", "close", "volume"])
    frame.index = pd.DatetimeIndex(times, name="timestamp").as_unit("us")
    return frame


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bars=_bars())
def test_any_valid_bars_round_trip_exactly(
    tmp_path: Path, bars: pd.DataFrame, same_candles: SameCandles
) -> None:
    bars.to_csv(tmp_path / "bars.csv")
    loaded = load_candles(tmp_path / "bars.csv", side="ask", timeframe="M5")
    same_candles(loaded.frame("ask"), bars)
