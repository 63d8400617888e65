"""``LiveSession``: replaying a dataset bar by bar gives exactly the batch backtest (trades,
equity, summary, orders, signals, management actions), HTF candles never leak before they
close, bad bars are rejected with the session unchanged, and the actions describe the trades.

The full bundled year is replayed here (a few seconds on either backend), so CI, the nightly
session and the benchmark session all check the whole year.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

import omega_execution
import omega_indicators
import omega_portfolio
import omega_strategy
from omega_engine import Action, Candle, LiveSession, create_engine
from omega_engine.data import resample
from omega_engine.data.default_dataset import EURUSD_SPEC_FIELDS
from omega_engine.data.htf_builder import HtfCandleBuilder
from omega_indicators import AlignedMultiCandleData, CandleSeries
from omega_indicators.data import duration_us
from omega_portfolio._python.portfolio import Portfolio as PythonPortfolio
from omega_strategy import IndicatorCache, InitContext
from omega_strategy.testing import assert_same_results, execution_config

NO_OUTPUT = {"parquet": False, "report": False}
MULTI_PARAMS = {
    "enabled_scenarios": [1, 2, 3],
    "direction_filter": "both",
    "window_length": 60,
    "z_score_long": -1.5,
    "z_score_short": 1.5,
    "garch_lookback": 200,
    "vol_window": 100,
    "vol_cluster_k": 0.9,
    "break_even_at_r": 0.5,
    "trailing_atr_mult": 1.5,
    "max_holding_bars": 12,
    "max_open_positions": 2,
}
Bars = list[tuple[Candle, Candle]]


def _config(**sections: Any) -> dict[str, Any]:
    return {"output": NO_OUTPUT, **sections}


def _multi_config(fill_at: str) -> dict[str, Any]:
    return _config(
        symbols=[
            {
                "name": "EURUSD",
                "data": {"builtin": "synthetic_eurusd_m5", "seed": 7},
                "spec": dict(EURUSD_SPEC_FIELDS),
            }
        ],
        strategy={"name": "MeanReversionZScore", "params": MULTI_PARAMS},
        execution={"fill_at": fill_at, "slippage": {"model": "fixed", "pips": 0.2}},
        backtest={"start": "2024-03-01", "end": "2024-05-01"},
    )


def _bars(data: AlignedMultiCandleData) -> Bars:
    """The primary bid/ask candles of ``data`` as the session takes them."""
    tf = data.primary_tf
    sides = [data.series(tf, side) for side in ("bid", "ask")]
    columns = [
        [s.timestamps.tolist(), *(getattr(s, f).tolist() for f in Candle._fields[1:])]
        for s in sides
    ]
    bid, ask = ([Candle(*row) for row in zip(*c, strict=True)] for c in columns)
    return list(zip(bid, ask, strict=True))


def _replay(session: LiveSession, bars: Bars) -> list[list[Action]]:
    return [session.on_bar(bid, ask) for bid, ask in bars]


def _batch(config: dict[str, Any]) -> tuple[omega_strategy.BacktestResult, Bars]:
    """The batch backtest of ``config`` (whichever loop the flags select) and its bars."""
    engine = create_engine(config)
    result = omega_strategy.run_backtest(
        engine.strategy, engine.data.candles, engine.execution_config, engine.portfolio_config
    )
    return result, _bars(engine.data.candles)


def _assert_same_run(live: omega_strategy.BacktestResult, batch: Any) -> None:
    assert_same_results(live, batch)
    assert live.digest() == batch.digest()


@pytest.fixture(scope="module")
def default_replay() -> tuple[LiveSession, list[list[Action]], omega_strategy.BacktestResult]:
    batch, bars = _batch(_config())
    session = LiveSession()
    return session, _replay(session, bars), batch


def test_default_year_replay_equals_batch(
    default_replay: tuple[LiveSession, list[list[Action]], omega_strategy.BacktestResult],
) -> None:
    session, _, batch = default_replay
    assert session.bars == len(batch.equity) > 70_000
    assert len(batch.trades) > 100
    _assert_same_run(session.result(), batch)
    # The engine's own run (its result type) has the same trades and summary.
    engine_run = create_engine(_config()).run()
    pd.testing.assert_frame_equal(session.trades, engine_run.trades)
    assert session.summary == engine_run.summary


def _trade_rows(trades: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(row) for _, row in trades.iterrows()]


def test_actions_describe_the_trades(
    default_replay: tuple[LiveSession, list[list[Action]], omega_strategy.BacktestResult],
) -> None:
    session, per_bar, _ = default_replay
    actions = [a for bar in per_bar for a in bar]
    entries = {a.position_id: a for a in actions if a.kind in ("open", "fill")}
    exits = {a.position_id: a for a in actions if a.kind in ("exit", "close")}
    positions = {p.id: p for p in session.simulator.positions}
    closed = [p for p in positions.values() if p.status == "closed"]
    assert closed
    assert set(exits) == {p.id for p in closed}
    for p in closed:
        entry, exit_ = entries[p.id], exits[p.id]
        assert (entry.time, entry.price, entry.size, entry.side) == (
            p.trigger_time,
            p.trigger_price,
            p.size,
            p.direction,
        )
        assert (exit_.time, exit_.price, exit_.reason) == (p.exit_time, p.exit_price, p.exit_reason)
    # Every order is announced once, on the bar of its signal, before its fill.
    orders = [a for a in actions if a.kind in ("order", "open", "reject")]
    assert sorted(a.position_id for a in orders) == sorted(positions)
    modified = [a for a in actions if a.kind == "modify_sl"]
    assert modified
    assert all(a.price is not None for a in modified)


@pytest.mark.parametrize("fill_at", ["close", "next_open"])
def test_multi_scenario_replay_equals_batch(fill_at: str) -> None:
    config = _multi_config(fill_at)
    batch, bars = _batch(config)
    session = LiveSession(config)
    per_bar = _replay(session, bars)
    _assert_same_run(session.result(), batch)
    trades = batch.trades
    assert set(trades["direction"].astype(str)) == {"long", "short"}
    assert set(trades["scenario"].astype(str)) == {"1", "2", "3"}
    reasons = set(trades["reason"].astype(str))
    assert {"timeout", "exit_z"} <= reasons
    assert any(a.kind == "modify_sl" for bar in per_bar for a in bar)


def test_streamed_indicators_equal_the_batch_series() -> None:
    """Every series the strategy reads, streamed, equals the batch series bit for bit."""
    config = _multi_config("close")
    engine = create_engine(config)
    data = engine.data.candles
    cache = IndicatorCache()
    engine.strategy.on_init(InitContext(data, cache, "signal_close"))
    session = LiveSession(config)
    _replay(session, _bars(data))
    live = session._runner.cache
    assert live.names == cache.names
    for k, name in enumerate(cache.names):
        np.testing.assert_array_equal(live.series(k), cache.series(k), err_msg=name)  # type: ignore[arg-type]


def test_htf_candles_equal_resample_and_alignment() -> None:
    engine = create_engine(_config())
    data = engine.data.candles
    primary = data.series("M5", "bid")
    expected = resample(primary, "M5", "H1")
    visible_at = data.primary_to("H1", "bid")
    builder = HtfCandleBuilder("M5", "H1")
    released: list[tuple[int, Candle]] = []
    for i, row in enumerate(_bars(data)):
        released.extend((i, c) for c in builder.push(*row[0]))
    # Every HTF candle closed by the last bar's close, each at the first bar that sees it.
    assert len(released) == visible_at[-1] + 1 > 6_000
    for j, (i, candle) in enumerate(released):
        assert candle == tuple(
            [int(expected.timestamps[j])]
            + [float(getattr(expected, f)[j]) for f in Candle._fields[1:]]
        )
        assert visible_at[i] == j
        assert i == 0 or visible_at[i - 1] == j - 1
    assert (builder.forming is None) == (len(released) == len(expected))


def test_off_grid_bars_build_the_batch_htf_candles() -> None:
    """Live accepts M5 bars off the 5-minute grid (at :02, :07 …) as the batch loaders do, and
    builds the HTF candles ``resample`` + ``primary_to`` give for them."""
    bid = create_engine(_config()).data.candles.series("M5", "bid")
    n, shift = 3_000, 2 * 60_000_000
    m5 = CandleSeries.from_columns(
        bid.timestamps[:n] + shift,
        **{f: getattr(bid, f)[:n] for f in Candle._fields[1:]},
    )
    h1 = resample(m5, "M5", "H1")
    visible_at = AlignedMultiCandleData({"M5": {"bid": m5}, "H1": {"bid": h1}}, "M5").primary_to(
        "H1", "bid"
    )
    builder = HtfCandleBuilder("M5", "H1")
    released: list[tuple[int, Candle]] = []
    for i in range(n):
        row = Candle(int(m5.timestamps[i]), *(float(getattr(m5, f)[i]) for f in Candle._fields[1:]))
        released.extend((i, c) for c in builder.push(*row))
    assert len(released) == visible_at[-1] + 1 > 200
    assert [c.timestamp for _, c in released] == h1.timestamps[: len(released)].tolist()
    assert [c.close for _, c in released] == h1.close[: len(released)].tolist()
    assert all(visible_at[i] == j for j, (i, _) in enumerate(released))


def _utc(text: str) -> int:
    return int(pd.Timestamp(text, tz="UTC").value // 1_000)


def test_htf_candle_with_missing_last_bar_waits_for_the_next_bar() -> None:
    """No look-ahead, no invented bar: the 10:00 hour without its 10:55 bar closes at 11:00,
    so it becomes visible at the 11:05 bar (the first whose close is >= 11:00), not at 10:50."""
    builder = HtfCandleBuilder("M5", "H1")
    stamps = [_utc(f"2024-01-02 10:{m:02d}") for m in range(0, 55, 5)] + [_utc("2024-01-02 11:05")]
    rows = [(t, 1.0, 1.0 + k * 1e-4, 1.0 - 1e-4, 1.0, 1.0) for k, t in enumerate(stamps)]
    out = [builder.push(*row) for row in rows]
    assert all(not released for released in out[:-1])
    (hour,) = out[-1]
    assert hour.timestamp == _utc("2024-01-02 10:00")
    assert hour.high == 1.0 + 10 * 1e-4
    assert hour.volume == 11.0
    assert builder.forming is not None
    assert builder.forming.timestamp == _utc("2024-01-02 11:00")
    # The batch data agree: same candle from resample, visible from the same bar.
    ones = np.ones(len(stamps))
    m5 = CandleSeries.from_columns(
        stamps, open=ones, high=[r[2] for r in rows], low=ones - 1e-4, close=ones, volume=ones
    )
    h1 = resample(m5, "M5", "H1")
    assert (int(h1.timestamps[0]), float(h1.high[0]), float(h1.volume[0])) == (
        hour.timestamp,
        hour.high,
        hour.volume,
    )
    aligned = AlignedMultiCandleData({"M5": {"bid": m5}, "H1": {"bid": h1}}, "M5")
    assert aligned.primary_to("H1", "bid").tolist() == [-1] * 11 + [0]


def test_forming_htf_candle_is_never_seen() -> None:
    """At a mid-hour bar, the strategy's HTF close is the last *closed* hour's close, even when
    the current hour's bars so far are extreme."""
    session = LiveSession()
    lists = session._runner.cache.lists
    htf_close = session._runner.cache.names.index("close@H1/bid")
    base = _utc("2024-01-02 09:00")
    step = duration_us("M5")
    for k in range(12):  # the 09:00 hour, closing at its 09:55 bar
        t = base + k * step
        session.on_bar((t, 1.1, 1.1001, 1.0999, 1.1), (t, 1.1001, 1.1002, 1.1, 1.1001))
    assert lists[htf_close][-1] == 1.1
    for k in range(12, 18):  # the 10:00 hour so far: far higher prices
        t = base + k * step
        session.on_bar((t, 1.2, 1.2001, 1.1999, 1.2), (t, 1.2001, 1.2002, 1.2, 1.2001))
        assert lists[htf_close][-1] == 1.1
    assert [math.isnan(v) for v in lists[htf_close][:11]] == [True] * 11


M5 = duration_us("M5")
Maker = Callable[[int, int], tuple[Any, Any]]


def _pair(t: int, **bid_changes: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """A valid bid/ask bar at ``t`` with ``bid_changes`` applied to the bid candle."""
    bid = dict(zip(Candle._fields, (t, 1.1, 1.1002, 1.0998, 1.1001, 3.0), strict=True))
    bid.update(bid_changes)
    return tuple(bid.values()), (t, 1.1001, 1.1003, 1.0999, 1.1002, 3.0)


def _bad_ask(t: int, **changes: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    bid, ask = _pair(t)
    fields = dict(zip(Candle._fields, ask, strict=True))
    fields.update(changes)
    return bid, tuple(fields.values())


def _both(t: int, price: float) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Bid and ask candles at ``t`` with every price ``price``."""
    candle = (t, price, price, price, price, 3.0)
    return candle, candle


# Each case builds a bad bar from (the next bar's time, the last bar's time).
BAD_BARS: list[tuple[str, Maker, type[Exception], str]] = [
    ("same timestamp", lambda t, last: _pair(last), ValueError, "strictly increasing"),
    ("earlier timestamp", lambda t, last: _pair(last - M5), ValueError, "bid.timestamp"),
    ("bid/ask timestamps differ", lambda t, last: _bad_ask(t, timestamp=t + M5), ValueError,
     "ask.timestamp: expected the bid candle's timestamp"),
    ("high < low", lambda t, last: _pair(t, high=1.0990), ValueError,
     "bid.high: expected high >= low"),
    ("NaN", lambda t, last: _bad_ask(t, close=math.nan), ValueError,
     "ask.close: expected a finite price"),
    ("inf", lambda t, last: _pair(t, low=-math.inf), ValueError, "bid.low: expected a finite"),
    ("open outside [low, high]", lambda t, last: _pair(t, open=1.2), ValueError,
     "bid.open: expected a price within"),
    ("negative volume", lambda t, last: _pair(t, volume=-1.0), ValueError, "bid.volume"),
    ("price not a number", lambda t, last: _pair(t, close="1.1"), TypeError,
     "bid.close: expected a real number"),
    ("too few fields", lambda t, last: (_pair(t)[0][:4], _pair(t)[1]), TypeError,
     "bid: expected \\(timestamp"),
    ("naive datetime", lambda t, last: _pair(t, timestamp=datetime(2024, 1, 2, 10)), ValueError,
     "naive datetime"),
    ("not a candle", lambda t, last: (_pair(t)[0], "bar"), TypeError, "ask: expected a Candle"),
    ("bid close above ask close", lambda t, last: _bad_ask(t, close=1.1000), ValueError,
     "ask.close: expected a price >= the bid close"),
    ("bid high above ask high", lambda t, last: _bad_ask(t, high=1.10015, close=1.1001),
     ValueError, "ask.high: expected a price >= the bid high"),
    ("zero prices", lambda t, last: _both(t, 0.0), ValueError, "close: expected a price > 0"),
    ("negative prices", lambda t, last: _both(t, -1.1), ValueError,
     "close: expected a price > 0"),
    ("timestamp 2**62", lambda t, last: _pair(2**62), ValueError,
     "bid.timestamp: expected µs UTC in \\[0, 2\\*\\*62\\)"),
    ("timestamp 2**63", lambda t, last: _pair(2**63), ValueError, "bid.timestamp"),
    ("negative timestamp", lambda t, last: _pair(-M5), ValueError, "bid.timestamp"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [case[1:] for case in BAD_BARS],
    ids=[case[0] for case in BAD_BARS],
)
def test_bad_bar_raises_and_leaves_the_session_unchanged(
    make: Maker, error: type[Exception], message: str
) -> None:
    config = _config(backtest={"start": "2024-01-02", "end": "2024-01-04"})
    batch, bars = _batch(config)
    session = LiveSession(config)
    first, rest = bars[:200], bars[200:]
    _replay(session, first)
    before = (session.bars, session.last_timestamp, session.result().digest())
    bid, ask = make(rest[0][0].timestamp, first[-1][0].timestamp)
    with pytest.raises(error, match=message):
        session.on_bar(bid, ask)
    assert (session.bars, session.last_timestamp, session.result().digest()) == before
    _replay(session, rest)
    _assert_same_run(session.result(), batch)


def test_a_bar_the_strategy_raised_on_is_not_taken_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Input errors change nothing; a strategy error happens after the bar went in (docs), so
    the session refuses that bar again instead of feeding the indicators twice."""
    config = _config(backtest={"start": "2024-01-02", "end": "2024-01-03"})
    _, bars = _batch(config)
    session = LiveSession(config)
    _replay(session, bars[:10])

    def broken(*args: Any) -> None:
        raise RuntimeError("strategy bug")

    monkeypatch.setattr(session.strategy, "evaluate", broken)
    with pytest.raises(RuntimeError, match="strategy bug"):
        session.on_bar(*bars[10])
    assert session.last_timestamp == bars[10][0].timestamp
    with pytest.raises(ValueError, match="strictly increasing"):
        session.on_bar(*bars[10])


def test_candle_forms_are_equivalent() -> None:
    t = _utc("2024-01-02 10:00")
    row = (t, 1.1, 1.1002, 1.0998, 1.1001, 2.0)
    ask = (t, 1.1001, 1.1003, 1.0999, 1.1002, 2.0)
    forms = [
        Candle(*row),
        row,
        [*list(row[:5]), 2.0],
        dict(zip(Candle._fields, row, strict=True)),
        {"time": t, **dict(zip(Candle._fields[1:], row[1:], strict=True))},
        SimpleNamespace(**dict(zip(Candle._fields, row, strict=True))),
        (datetime(2024, 1, 2, 10, 0, tzinfo=timezone.utc), *row[1:]),
        (pd.Timestamp("2024-01-02 10:00", tz="UTC"), *row[1:]),
        (np.int64(t), *row[1:]),
    ]
    digests = set()
    for form in forms:
        session = LiveSession()
        session.on_bar(form, ask)
        assert session.last_timestamp == t
        digests.add(session.result().digest())
    assert len(digests) == 1


def test_session_rejects_strategies_that_need_whole_arrays() -> None:
    signal = omega_strategy.SignalStrategy(long_entries=np.zeros(10, dtype=bool))
    with pytest.raises(TypeError, match="cannot run live"):
        omega_strategy.LiveRunner(signal, execution_config())


def test_session_reports_backends() -> None:
    """Measured from the waves' call counters: exactly the backends that served the bars."""
    config = _config(backtest={"start": "2024-01-02", "end": "2024-01-03"})
    _, bars = _batch(config)
    session = LiveSession(config)
    _replay(session, bars[:50])
    expected = {
        "indicators": omega_indicators.backend(),
        "execution": omega_execution.backend(),
        "portfolio": omega_portfolio.backend(),
        "strategy": "python",
    }
    assert session.backends == expected
    assert {s.backend for s in session._runner.indicators.streams} == {expected["indicators"]}
    # A Python portfolio call made meanwhile is measured, not hidden behind the selection.
    PythonPortfolio(10_000.0, "USD", 252.0)
    served = {expected["portfolio"], "python"}
    assert session.backends["portfolio"] == "+".join(b for b in ("rust", "python") if b in served)


@pytest.mark.parametrize(
    ("flag", "value"),
    [("OMEGA_USE_RUST_STRATEGY", "1"), ("OMEGA_REQUIRE_RUST_FFI", "1")],
)
def test_session_refuses_a_flag_it_cannot_honour(
    monkeypatch: pytest.MonkeyPatch, flag: str, value: str
) -> None:
    """The live strategy logic is Python: forcing Rust for the strategy wave fails at once,
    naming the wave, instead of running Python silently."""
    monkeypatch.setenv(flag, value)
    with pytest.raises(RuntimeError, match="wave 'strategy'"):
        LiveSession()


def test_session_reports_a_portfolio_on_another_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMEGA_USE_RUST_PORTFOLIO", "0")
    module = importlib.import_module("omega_portfolio")
    module._backend.STATE.reset()
    try:
        session = LiveSession()
        assert session.backends["portfolio"] == "python"
        assert session.backends["execution"] == omega_execution.backend()
        # result() checks the measured backends against the flags in force.
        monkeypatch.setenv("OMEGA_USE_RUST_PORTFOLIO", "1")
        with pytest.raises(RuntimeError, match="wave 'portfolio'"):
            session.result()
    finally:
        monkeypatch.delenv("OMEGA_USE_RUST_PORTFOLIO")
        module._backend.STATE.reset()
