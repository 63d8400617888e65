"""IndicatorCache: aligned data in, cached indicators out, on both backends."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import talib

import omega_indicators as oi
from omega_indicators import IndicatorCache, functional
from omega_indicators._backend import STATE
from omega_indicators._specs import NAMES, STEPWISE

Frames = dict[str, dict[str, pd.DataFrame]]


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def test_primary_timeframe_results_equal_the_functional_api(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    bid = frames["M5"]["bid"]
    assert cache.data.primary_tf == "M5"
    assert _same(cache.ema_array("M5", "bid", 20), oi.ema(bid["close"], 20))
    assert _same(cache.atr_array("M5", "bid"), oi.atr(bid["high"], bid["low"], bid["close"]))
    upper, middle, lower = cache.bollinger_array("m5", "BID", 20, 2.5)
    expected = oi.bollinger(bid["close"], 20, 2.5)
    assert _same(upper, expected.upper)
    assert _same(lower, expected.lower)
    assert _same(middle, expected.middle)


def test_series_are_indexed_by_the_primary_utc_timestamps(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    series = cache.rsi("M5", "ask", 14)
    assert isinstance(series, pd.Series)
    assert series.index.equals(frames["M5"]["ask"].index)
    assert isinstance(series.index, pd.DatetimeIndex)
    assert str(series.index.tz) == "UTC"
    assert series.name == "rsi(period=14)"
    _, _, hist = cache.macd("M5", "ask")
    assert _same(hist, oi.macd(frames["M5"]["ask"]["close"]).hist)


def test_htf_indicator_equals_talib_on_htf_closes_forward_filled_without_look_ahead(
    frames: Frames,
) -> None:
    cache = IndicatorCache(frames)
    h1 = frames["H1"]["bid"]
    m5 = frames["M5"]["bid"]
    got = cache.ema("H1", "bid", 10)
    reference = pd.Series(talib.EMA(h1["close"].to_numpy(), timeperiod=10), index=h1.index)
    # An H1 candle opening at T closes at T + 1h; an M5 bar opening at t closes at t + 5min.
    visible_at = reference.index + pd.Timedelta("1h") - pd.Timedelta("5min")
    expected = pd.Series(reference.to_numpy(), index=visible_at).reindex(m5.index, method="ffill")
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, equal_nan=True)
    # No primary bar sees an H1 value before that H1 candle has closed.
    closes = m5.index + pd.Timedelta("5min")
    seen = cache.data.primary_to("H1", "bid")
    seen_close = h1.index[np.maximum(seen, 0)] + pd.Timedelta("1h")
    assert bool(np.all((seen < 0) | (seen_close <= closes)))
    assert _same(cache.ema_stepwise_array("H1", "bid", 10), got.to_numpy())


def test_a_cache_hit_does_no_work_and_returns_the_same_read_only_array(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    first = cache.kalman_zscore_array("M5", "bid", 50)
    calls = oi.backend_calls()
    again = cache.kalman_zscore_array("M5", "bid", 50)
    assert again is first
    assert oi.backend_calls() == calls
    assert not first.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        first[0] = 1.0
    assert cache.kalman_zscore("M5", "bid", 50) is cache.kalman_zscore("M5", "bid", 50)


def test_compute_batch_is_one_crossing_and_equals_single_calls(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    specs: list[dict[str, Any]] = [
        {"name": "ema", "period": 20},
        {"name": "ema", "period": 50, "key": "ema_slow"},
        {"name": "sma", "period": 20},
        {"name": "rsi"},
        {"name": "atr", "period": 14},
        {"name": "macd"},
        {"name": "bollinger", "period": 20, "std_factor": 2.0},
        {"name": "dmi"},
        {"name": "zscore", "window": 100},
        {"name": "kalman_zscore", "window": 100},
    ]
    calls = oi.backend_calls()
    out = cache.compute_batch(specs, "M5", "bid")
    after = oi.backend_calls()
    assert after["rust"] - calls["rust"] == 1
    assert set(out) == {
        "ema", "ema_slow", "sma", "rsi", "atr", "macd_line", "macd_signal", "macd_hist",
        "bollinger_upper", "bollinger_middle", "bollinger_lower", "dmi_plus_di",
        "dmi_minus_di", "dmi_adx", "zscore", "kalman_zscore",
    }  # fmt: skip
    single = IndicatorCache(frames)
    assert _same(out["ema_slow"], single.ema_array("M5", "bid", 50))
    assert _same(out["macd_signal"], single.macd_array("M5", "bid")[1])
    assert _same(out["dmi_adx"], single.dmi_array("M5", "bid")[2])
    # batch results joined the cache: no further work
    settled = oi.backend_calls()
    assert cache.ema_array("M5", "bid", 20) is out["ema"]
    assert oi.backend_calls() == settled


def test_compute_batch_rejects_unknown_names_listing_the_valid_ones(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    with pytest.raises(ValueError, match=r"name: expected one of atr, bollinger, .*, got 'wma'"):
        cache.compute_batch([{"name": "wma", "period": 3}], "M5", "bid")
    with pytest.raises(ValueError, match=r"ema: unknown parameter 'length'"):
        cache.compute_batch([{"name": "ema", "length": 3}], "M5", "bid")
    with pytest.raises(ValueError, match=r"ema: parameter 'period' is required"):
        cache.compute_batch([{"name": "ema"}], "M5", "bid")
    with pytest.raises(ValueError, match="duplicate result key 'ema'"):
        cache.compute_batch(
            [{"name": "ema", "period": 3}, {"name": "ema", "period": 4}], "M5", "bid"
        )
    with pytest.raises(TypeError, match="period: expected an integer"):
        cache.compute_batch([{"name": "ema", "period": "3"}], "M5", "bid")


def test_unknown_timeframe_or_side_names_what_is_valid(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    with pytest.raises(ValueError, match="timeframe: expected one of M1, M5"):
        cache.ema("M7", "bid", 3)
    with pytest.raises(ValueError, match="price_type: expected one of 'bid', 'ask', got 'mid'"):
        cache.ema("M5", "mid", 3)
    with pytest.raises(
        ValueError, match="expected one of H1/ask, H1/bid, M5/ask, M5/bid, got D1/bid"
    ):
        cache.ema("D1", "bid", 3)


def test_arrow_results_share_memory_with_the_cached_arrays(frames: Frames) -> None:
    cache = IndicatorCache(frames)
    arrow = cache.ema_arrow("M5", "bid", 20)
    array = cache.ema_array("M5", "bid", 20)
    assert isinstance(arrow, pa.Array)
    assert arrow.type == pa.float64()
    assert arrow.buffers()[1].address == array.ctypes.data
    assert hasattr(arrow, "__arrow_c_array__")
    assert _same(arrow.to_numpy(zero_copy_only=True), array)


def test_pyarrow_tables_are_read_without_copying(frames: Frames) -> None:
    tables = {
        tf: {side: pa.Table.from_pandas(df.reset_index(), preserve_index=False)
             for side, df in sides.items()}
        for tf, sides in frames.items()
    }  # fmt: skip
    cache = IndicatorCache(tables)
    close = tables["M5"]["bid"].column("close").chunk(0)
    series = cache.data.series("M5", "bid")
    assert series.close.ctypes.data == close.buffers()[1].address
    assert _same(
        cache.ema_array("M5", "bid", 20), IndicatorCache(frames).ema_array("M5", "bid", 20)
    )


def test_seed_style_candle_lists_are_accepted_and_checked_for_look_ahead(frames: Frames) -> None:
    m5 = frames["M5"]["bid"].iloc[:300]
    h1 = frames["H1"]["bid"]
    candles = [
        {"timestamp": t, **row} for t, row in zip(m5.index, m5.to_dict("records"), strict=True)
    ]
    h1_rows = [
        {"timestamp": t, **row} for t, row in zip(h1.index, h1.to_dict("records"), strict=True)
    ]
    data = oi.AlignedMultiCandleData.from_frames({"M5": {"bid": m5}, "H1": {"bid": h1}})
    seen = data.primary_to("H1", "bid")
    aligned = [h1_rows[j] if j >= 0 else None for j in seen]
    cache = IndicatorCache({"M5": {"bid": candles}, "H1": {"bid": aligned}})
    assert _same(cache.ema_array("H1", "bid", 3), IndicatorCache(data).ema_array("H1", "bid", 3))
    peeking = [h1_rows[min(j + 1, len(h1_rows) - 1)] for j in np.maximum(seen, 0)]
    with pytest.raises(ValueError, match="an HTF candle may only appear once it has closed"):
        IndicatorCache({"M5": {"bid": candles}, "H1": {"bid": peeking}})


def test_bad_candles_are_rejected_with_row_and_column(frames: Frames) -> None:
    broken = frames["M5"]["bid"].copy()
    broken.iloc[7, broken.columns.get_loc("high")] = broken["low"].iloc[7] - 1.0
    with pytest.raises(ValueError, match=r"high: expected high >= low, got .* at row 7"):
        IndicatorCache({"M5": {"bid": broken}})
    shuffled = frames["M5"]["bid"].iloc[[1, 0, 2]]
    with pytest.raises(ValueError, match="timestamps: expected strictly increasing"):
        IndicatorCache({"M5": {"bid": shuffled}})
    with pytest.raises(TypeError, match="multi_candle_data: expected"):
        IndicatorCache([1, 2, 3])


def test_both_backends_give_identical_cache_results(
    frames: Frames, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ("ema", "sma", "dema", "rsi", "macd", "atr", "dmi", "kalman_mean", "zscore")
    specs = [{"name": n, **({"period": 10} if n in ("ema", "sma", "dema") else {})} for n in names]
    rust = IndicatorCache(frames)
    rust_out = {**rust.compute_batch(specs, "M5", "bid"), **rust.compute_batch(specs, "H1", "ask")}
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "0")
    STATE.reset()
    try:
        python = IndicatorCache(frames)
        assert python.backend == "python"
        python_out = {
            **python.compute_batch(specs, "M5", "bid"),
            **python.compute_batch(specs, "H1", "ask"),
        }
    finally:
        monkeypatch.undo()
        STATE.reset()
    assert rust.backend == "rust"
    for key, value in rust_out.items():
        assert _same(value, python_out[key]), key


def test_cache_methods_mirror_the_functional_signatures() -> None:
    for name in NAMES:
        function = getattr(functional, STEPWISE.get(name, name))
        params = list(inspect.signature(function).parameters.values())
        expected = params[1:] if params[0].name == "values" else params[3:]
        for suffix in ("", "_array", "_arrow"):
            method = inspect.signature(getattr(IndicatorCache, name + suffix)).parameters
            assert list(method)[:3] == ["self", "tf", "price_type"], name + suffix
            got = list(method.values())[3:]
            assert [(p.name, p.default) for p in got] == [(p.name, p.default) for p in expected], (
                name + suffix
            )


def test_get_cached_indicator_cache_shares_one_instance_per_data_object(frames: Frames) -> None:
    data = oi.AlignedMultiCandleData.from_frames(frames)
    assert oi.get_cached_indicator_cache(data) is oi.get_cached_indicator_cache(data)
    assert oi.get_cached_indicator_cache(frames) is oi.get_cached_indicator_cache(frames)
    assert oi.get_cached_indicator_cache(frames) is not oi.get_cached_indicator_cache(data)


def test_arrow_tables_with_a_wrong_schema_are_rejected(frames: Frames) -> None:
    table = pa.Table.from_pandas(frames["M5"]["bid"].reset_index(), preserve_index=False)
    with pytest.raises(ValueError, match=r"M5/bid: expected columns .* missing close"):
        IndicatorCache({"M5": {"bid": table.drop_columns(["close"])}})
    as_text = table.set_column(
        table.schema.get_field_index("close"), "close", table.column("close").cast(pa.string())
    )
    with pytest.raises(TypeError, match="close: expected a 1-D float array-like"):
        IndicatorCache({"M5": {"bid": as_text}})
    no_time = table.drop_columns(["timestamp"])
    with pytest.raises(ValueError, match="missing timestamp"):
        IndicatorCache({"M5": {"bid": no_time}})
