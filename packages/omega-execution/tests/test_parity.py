"""Random candle/tick/signal streams (hypothesis): both backends give identical trades (times,
prices, sizes, fees, reasons), identical portfolio columns and summaries, and identical errors;
the batch APIs equal the single-call loop; long/short are mirror images."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pytest
from execution_helpers import H, assert_same, make, snapshot
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from omega_execution import (
    ExecutionSimulator,
    FeeModel,
    FixedLots,
    FixedSlippage,
    FractionOfEquity,
    RandomSlippage,
    TradeSignal,
)
from omega_execution._backend_select import Backend

PIP = 0.0001


@dataclass
class Stream:
    config: dict[str, Any]
    bars: list[tuple[int, tuple[float, float, float, float], tuple[float, float, float, float]]]
    # actions[r]: what happens after bar r is evaluated (r = -1: before the first bar)
    actions: dict[int, list[tuple[str, Any]]] = field(default_factory=dict)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    config: dict[str, Any] = {
        "intrabar_policy": draw(st.sampled_from(["pessimistic", "ohlc", "adaptive"])),
        "fill_at": draw(st.sampled_from(["signal_close", "next_open"])),
        "pip_buffer_factor": draw(st.sampled_from([0.0, 0.5, 1.3])),
        "seed": draw(st.integers(0, 2**64 - 1)),
    }
    slip = draw(st.sampled_from(["none", "fixed", "random"]))
    if slip == "fixed":
        config["slippage_model"] = FixedSlippage(draw(st.sampled_from([0.3, 1.0])))
    elif slip == "random":
        config["slippage_model"] = RandomSlippage(draw(st.sampled_from([0.5, 2.0, 7.0])))
    fee = draw(st.sampled_from([None, "per_lot", "rate"]))
    if fee == "per_lot":
        config["fee_model"] = FeeModel(per_lot=3.5)
    elif fee == "rate":
        config["commission_model"] = FeeModel(rate=0.00002, minimum=0.5)
    sizing = draw(st.sampled_from(["risk", "fixed", "fraction"]))
    if sizing == "fixed":
        config["sizing"] = FixedLots(0.37)
    elif sizing == "fraction":
        config["sizing"] = FractionOfEquity(2.0)
    if draw(st.booleans()):
        config["timeout"] = draw(st.integers(1, 6)) * H
    return config


def _candle(draw: st.DrawFn, previous: float) -> tuple[float, float, float, float]:
    def pips(lo: int, hi: int) -> float:
        return draw(st.integers(lo, hi)) * PIP

    o = round(previous + pips(-30, 30) * (3 if draw(st.integers(0, 9)) == 0 else 1), 5)
    c = round(o + pips(-25, 25), 5)
    h = round(max(o, c) + pips(0, 20), 5)
    low = round(min(o, c) - pips(0, 20), 5)
    return (o, h, low, c)


@st.composite
def streams(draw: st.DrawFn, with_actions: bool = True) -> Stream:
    config = draw(configs())
    n = draw(st.integers(1, 40))
    bars = []
    price = 1.1
    for r in range(n):
        bid = _candle(draw, price)
        spread = draw(st.sampled_from([0.0, 0.00002, 0.0001, 0.0003]))
        ask = tuple(round(p + spread, 5) for p in bid)
        bars.append(((r + 1) * H, bid, ask))
        price = bid[3]
    stream = Stream(config, bars)  # type: ignore[arg-type]
    risk = "sizing" not in config
    for r in range(-1, n):
        actions: list[tuple[str, Any]] = []
        last = bars[max(r, 0)][1][3]
        t = bars[r][0] if r >= 0 else 0
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["signal", "signal", "modify", "modify", "close"]))
            if kind == "signal" or not with_actions:
                direction = draw(st.sampled_from(["long", "short"]))
                order_type = draw(st.sampled_from(["market", "limit", "stop"]))
                sign = 1 if direction == "long" else -1
                offset = draw(st.integers(-15, 15)) * PIP
                entry = round(last + offset, 5)
                sl = (
                    None
                    if (not risk and draw(st.booleans()))
                    else round(entry - sign * draw(st.integers(1, 60)) * PIP, 5)
                )
                tp = (
                    None
                    if draw(st.integers(0, 4)) == 0
                    else round(entry + sign * draw(st.integers(1, 80)) * PIP, 5)
                )
                actions.append(
                    ("signal", TradeSignal(t, direction, "EURUSD", entry, sl, tp, order_type))  # type: ignore[arg-type]
                )
            elif kind == "modify":
                which = draw(st.sampled_from(["sl", "tp"]))
                actions.append(
                    (
                        "modify_" + which,
                        (
                            draw(st.integers(1, 8)),
                            round(last + draw(st.integers(-15, 15)) * PIP, 5),
                        ),
                    )
                )
            else:
                actions.append(("close", draw(st.integers(1, 8))))
        if actions:
            stream.actions[r] = actions
    return stream


def _act(sim: ExecutionSimulator, kind: str, value: Any) -> tuple[str, str] | None:
    """Runs one action; returns the error (type, message) if it was refused."""
    try:
        if kind == "signal":
            sim.process_signal(value)
        elif kind == "modify_sl":
            sim.modify_stop_loss(*value)
        elif kind == "modify_tp":
            sim.modify_take_profit(*value)
        elif kind == "close":
            sim.close_position(value)
    except (ValueError, TypeError) as exc:
        return type(exc).__name__, str(exc)
    return None


def run_loop(stream: Stream, backend: Backend) -> tuple[ExecutionSimulator, list[Any]]:
    sim = make(backend, **stream.config)
    log: list[Any] = []
    for r in range(-1, len(stream.bars)):
        if r >= 0:
            t, bid, ask = stream.bars[r]
            log.append(sim.evaluate_exits((t, *bid), (t, *ask), symbol="EURUSD"))
            sim.portfolio.update_equity(t, {"EURUSD": (bid[3], max(ask[3], bid[3]))})
        for kind, value in stream.actions.get(r, []):
            before = snapshot(sim)
            error = _act(sim, kind, value)
            log.append(error)
            if error is not None:
                assert_same(before, snapshot(sim))
    return sim, log


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=streams())
def test_random_streams_are_identical_on_both_backends(stream: Stream) -> None:
    rust, rust_log = run_loop(stream, "rust")
    python, python_log = run_loop(stream, "python")
    assert rust_log == python_log
    assert_same(snapshot(rust), snapshot(python))


def _tables(stream: Stream) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    t = np.array([b[0] for b in stream.bars], dtype=np.int64)

    def side(k: int) -> dict[str, Any]:
        columns = np.array([b[k] for b in stream.bars], dtype=np.float64)
        return {
            "timestamp": t,
            "open": columns[:, 0],
            "high": columns[:, 1],
            "low": columns[:, 2],
            "close": columns[:, 3],
        }

    signals = [
        s for r in sorted(stream.actions) for kind, s in stream.actions[r] if kind == "signal"
    ]
    nan = math.nan
    table = {
        "timestamp": np.array([s.timestamp for s in signals], dtype=np.int64),
        "direction": [s.direction for s in signals],
        "symbol": [s.symbol for s in signals],
        "entry": np.array([s.entry for s in signals], dtype=np.float64),
        "sl": np.array([nan if s.sl is None else s.sl for s in signals], dtype=np.float64),
        "tp": np.array([nan if s.tp is None else s.tp for s in signals], dtype=np.float64),
        "order_type": [s.order_type for s in signals],
    }
    return side(1), side(2), table


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=streams(with_actions=False))
def test_evaluate_exits_batch_equals_the_single_call_loop(stream: Stream) -> None:
    bid, ask, signals = _tables(stream)
    for backend in ("rust", "python"):
        loop, _ = run_loop_without_marks(stream, backend)
        batch = make(backend, **stream.config)
        closed = batch.evaluate_exits_batch(bid, ask, symbol="EURUSD", signals=signals)
        assert_same(snapshot(loop), snapshot(batch))
        assert sorted(closed.tolist()) == sorted(
            p.id for p in loop.positions if p.status == "closed"
        )


def run_loop_without_marks(stream: Stream, backend: Backend) -> tuple[ExecutionSimulator, None]:
    sim = make(backend, **stream.config)
    for r in range(-1, len(stream.bars)):
        if r >= 0:
            t, bid, ask = stream.bars[r]
            sim.evaluate_exits((t, *bid), (t, *ask), symbol="EURUSD")
        for kind, value in stream.actions.get(r, []):
            if kind == "signal":
                sim.process_signal(value)
    return sim, None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=streams(with_actions=False))
def test_process_signals_batch_equals_single_calls(stream: Stream) -> None:
    _, _, signals = _tables(stream)
    assume(len(signals["timestamp"]) > 0)
    for backend in ("rust", "python"):
        single = make(backend, **stream.config)
        for r in sorted(stream.actions):
            for _, s in stream.actions[r]:
                single.process_signal(s)
        batch = make(backend, **stream.config)
        ids = batch.process_signals_batch(signals)
        assert ids.tolist() == [p.id for p in batch.positions]
        assert_same(snapshot(single), snapshot(batch))


def _mirror_candle(c: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (-c[0], -c[2], -c[1], -c[3])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=streams(with_actions=False), policy=st.sampled_from(["pessimistic", "adaptive"]))
def test_long_and_short_are_mirror_images(stream: Stream, policy: str) -> None:
    """Negating every price, swapping bid and ask and long and short gives the same trades with
    negated prices and identical sizes, PnL and fees (random slippage excluded: its key has
    the order side; adaptive ties excluded: the tie goes to the real high)."""
    config = {k: v for k, v in stream.config.items() if not isinstance(v, RandomSlippage)}
    config["intrabar_policy"] = policy
    for _, bid, ask in stream.bars:
        for c in (bid, ask):
            assume(c[1] - c[0] != c[0] - c[2])
    mirrored = Stream(
        config,
        [(t, _mirror_candle(ask), _mirror_candle(bid)) for t, bid, ask in stream.bars],
        {
            r: [
                (
                    "signal",
                    TradeSignal(
                        s.timestamp,
                        "short" if s.direction == "long" else "long",
                        s.symbol,
                        -s.entry,
                        None if s.sl is None else -s.sl,
                        None if s.tp is None else -s.tp,
                        s.order_type,
                    ),
                )
                for _, s in actions
            ]
            for r, actions in stream.actions.items()
        },
    )
    original = Stream(config, stream.bars, stream.actions)
    a, _ = run_loop_without_marks(original, "rust")
    b, _ = run_loop_without_marks(mirrored, "rust")
    pa, pb = a.positions, b.positions
    assert len(pa) == len(pb)
    for x, y in zip(pa, pb, strict=True):
        assert (x.status, x.size, x.exit_reason, x.trigger_time, x.exit_time) == (
            y.status,
            y.size,
            y.exit_reason,
            y.trigger_time,
            y.exit_time,
        )
        if x.trigger_price is not None:
            assert y.trigger_price == -x.trigger_price
        if x.exit_price is not None:
            assert y.exit_price == -x.exit_price
        assert (x.entry_fee, x.exit_fee) == (y.entry_fee, y.exit_fee)
    ta, tb = a.portfolio.trades, b.portfolio.trades
    assert ta["pnl"].tolist() == tb["pnl"].tolist()
    assert a.portfolio.balance == b.portfolio.balance


@pytest.mark.parametrize("backend", ["rust", "python"])
def test_ticks_and_candles_mix_identically(backend: Backend) -> None:
    """A tick stream through both backends (the candle stream is covered above)."""
    rng = np.random.default_rng(7)
    sims = {b: make(b, slippage_model=RandomSlippage(1.5), seed=11) for b in ("rust", "python")}
    price = 1.1
    for i in range(400):
        price = round(price + rng.integers(-5, 6) * 0.00001, 5)
        tick = (i * 1_000_000, price, round(price + 0.00002, 5))
        for sim in sims.values():
            sim.evaluate_exits_tick(tick, symbol="EURUSD")
            if i % 17 == 0:
                d: Literal["long", "short"] = "long" if i % 34 == 0 else "short"
                sign = 1 if d == "long" else -1
                kind = ["market", "limit", "stop"][i % 3]
                signal = TradeSignal(
                    i * 1_000_000,
                    d,
                    "EURUSD",
                    round(price + sign * 0.00003, 5),
                    round(price - sign * 0.0004, 5),
                    round(price + sign * 0.0006, 5),
                    kind,  # type: ignore[arg-type]
                )
                sim.process_signal_tick(signal, tick)
    assert_same(snapshot(sims["rust"]), snapshot(sims["python"]))
    assert len(sims[backend].portfolio.trades) > 5
