"""``omega_indicators.stream``: replaying a series through ``update`` equals the batch function
bit for bit (NaN positions included) for every indicator, on both backends; ``peek`` equals the
next ``update`` and changes nothing; ``reset``/``copy``; stepwise replay on HTF closes equals
the batch stepwise output; Rust and Python streams agree bit for bit; bad input and bad
parameters raise the same errors on both backends.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import omega_indicators as oi
from omega_indicators import stream as sm
from omega_indicators._backend import STATE
from omega_indicators._backend_select import Backend
from omega_indicators._python import stream as py_stream

NAN = math.nan
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BACKENDS = ["rust", "python"]


# ---------------------------------------------------------------- backend selection


def _select(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    """Selects ``backend`` for the objects constructed from now on."""
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "1" if backend == "rust" else "0")
    monkeypatch.delenv("OMEGA_REQUIRE_RUST_FFI", raising=False)
    STATE.reset()
    assert oi.backend() == backend


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs the test on the Rust backend (default) and on the Python fallback."""
    _select(monkeypatch, request.param)
    yield request.param
    STATE.reset()


@pytest.fixture
def both(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """A function switching the backend mid-test (Rust skipped when unavailable)."""
    yield lambda name: _select(monkeypatch, name)
    STATE.reset()


# ---------------------------------------------------------------- comparison


def _same(a: Any, b: Any) -> bool:
    """Bit for bit (``-0.0 != 0.0``), NaN == NaN (any payload), same shape."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | (a.view(np.int64) == b.view(np.int64))))


def _columns(outputs: list[Any]) -> tuple[FloatArray, ...]:
    """Per-field arrays of a list of floats or of NamedTuples."""
    if outputs and isinstance(outputs[0], tuple):
        return tuple(np.array(col, dtype=np.float64) for col in zip(*outputs, strict=True))
    return (np.array(outputs, dtype=np.float64),)


def _batch_columns(out: Any) -> tuple[FloatArray, ...]:
    if isinstance(out, tuple):
        return tuple(np.asarray(c, dtype=np.float64) for c in out)
    return (np.asarray(out, dtype=np.float64),)


def _assert_same(stream_out: list[Any], batch_out: Any) -> None:
    got, want = _columns(stream_out), _batch_columns(batch_out)
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g.shape == w.shape, k
        bad = np.flatnonzero(~(np.isnan(g) & np.isnan(w)) & (g.view(np.int64) != w.view(np.int64)))
        assert bad.size == 0, f"output {k} differs at {bad[:5]}: {g[bad[:5]]} vs {w[bad[:5]]}"


def _same_out(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return isinstance(b, tuple) and type(a) is type(b) and _same(list(a), list(b))
    return isinstance(b, float) and _same(a, b)


# ---------------------------------------------------------------- data


class Bars(NamedTuple):
    high: FloatArray
    low: FloatArray
    close: FloatArray


def _prices(rng: np.random.Generator, n: int, nan_prob: float, zeros: bool) -> FloatArray:
    """A positive random walk with flat stretches, NaN gaps and (optionally) zeros."""
    level = rng.choice([1.1, 100.0, 25_000.0])
    r = rng.normal(0.0, rng.choice([1e-5, 1e-3, 2e-2]), n)
    r[rng.random(n) < 0.15] = 0.0
    x: FloatArray = level * np.exp(np.cumsum(r))
    if n > 20:
        start = int(rng.integers(0, n - 12))
        x[start : start + 12] = x[start]  # a long flat stretch (std 0 windows)
    if zeros:
        x[rng.random(n) < 0.03] = 0.0
    x[rng.random(n) < nan_prob] = NAN
    if n > 30 and nan_prob > 0:
        x[10:14] = NAN  # a gap longer than one bar
    return x


def _bars(rng: np.random.Generator, n: int, nan_prob: float, zeros: bool) -> Bars:
    close = _prices(rng, n, 0.0, zeros)
    spread = np.abs(rng.normal(0.0, 1e-3, n)) * close
    high = close + spread * rng.random(n)
    low = close - spread * rng.random(n)
    flat = rng.random(n) < 0.1
    high[flat] = low[flat] = close[flat]
    for arr in (high, low, close):
        arr[rng.random(n) < nan_prob / 3] = NAN
    return Bars(high, low, close)


@st.composite
def data(draw: st.DrawFn, min_size: int = 40, max_size: int = 500) -> tuple[int, int, float, bool]:
    """(seed, length, NaN probability, zeros): the data is generated from these."""
    return (
        draw(st.integers(0, 2**32 - 1)),
        draw(st.integers(min_size, max_size)),
        draw(st.sampled_from([0.0, 0.05, 0.3])),
        draw(st.booleans()),
    )


# ---------------------------------------------------------------- the cases


@dataclasses.dataclass(frozen=True)
class Case:
    """A streaming class, its parameters and the batch function it must reproduce."""

    name: str
    make: Callable[[], Any]
    batch: Callable[[Any], Any]
    kind: str  # "series", "prices" (> 0: the GARCH family), "bars"

    def __repr__(self) -> str:
        return self.name


CASES = [
    Case("sma", lambda: sm.SMA(4), lambda x: oi.sma(x, 4), "series"),
    Case("ema", lambda: sm.EMA(5), lambda x: oi.ema(x, 5), "series"),
    Case("dema", lambda: sm.DEMA(4), lambda x: oi.dema(x, 4), "series"),
    Case("tema", lambda: sm.TEMA(3), lambda x: oi.tema(x, 3), "series"),
    Case("rsi", lambda: sm.RSI(6), lambda x: oi.rsi(x, 6), "series"),
    Case("roc", lambda: sm.ROC(3), lambda x: oi.roc(x, 3), "series"),
    Case("momentum", lambda: sm.Momentum(3), lambda x: oi.momentum(x, 3), "series"),
    Case("rolling_std", lambda: sm.RollingStd(5), lambda x: oi.rolling_std(x, 5), "series"),
    Case("macd", lambda: sm.MACD(3, 7, 4), lambda x: oi.macd(x, 3, 7, 4), "series"),
    Case(
        "bollinger",
        lambda: sm.Bollinger(5, 1.5),
        lambda x: oi.bollinger(x, 5, 1.5),
        "series",
    ),
    Case("zscore", lambda: sm.ZScore(8), lambda x: oi.zscore(x, 8), "series"),
    Case(
        "zscore_ema",
        lambda: sm.ZScore(8, "ema", 5),
        lambda x: oi.zscore(x, 8, "ema", 5),
        "series",
    ),
    Case(
        "kalman_mean",
        lambda: sm.KalmanMean(0.3, 0.2),
        lambda x: oi.kalman_mean(x, 0.3, 0.2),
        "series",
    ),
    Case("kalman_zscore", lambda: sm.KalmanZScore(10), lambda x: oi.kalman_zscore(x, 10), "series"),
    Case(
        "garch_volatility",
        lambda: sm.GarchVolatility(min_periods=5),
        lambda x: oi.garch_volatility(x, min_periods=5),
        "prices",
    ),
    Case(
        "garch_volatility_omega_simple",
        lambda: sm.GarchVolatility(0.1, 0.8, 0.02, False, 10.0, 3, 0.0),
        lambda x: oi.garch_volatility(x, 0.1, 0.8, 0.02, False, 10.0, 3, 0.0),
        "prices",
    ),
    Case(
        "garch_volatility_local",
        lambda: sm.GarchVolatilityLocal(15, min_periods=5),
        lambda x: oi.garch_volatility_local(x, 15, min_periods=5),
        "prices",
    ),
    Case(
        "kalman_garch_zscore",
        lambda: sm.KalmanGarchZScore(min_periods=5),
        lambda x: oi.kalman_garch_zscore(x, min_periods=5),
        "prices",
    ),
    Case(
        "kalman_garch_zscore_local",
        lambda: sm.KalmanGarchZScoreLocal(15, min_periods=5),
        lambda x: oi.kalman_garch_zscore_local(x, 15, min_periods=5),
        "prices",
    ),
    Case("true_range", sm.TrueRange, lambda b: oi.true_range(b.high, b.low, b.close), "bars"),
    Case("atr", lambda: sm.ATR(5), lambda b: oi.atr(b.high, b.low, b.close, 5), "bars"),
    Case("dmi", lambda: sm.DMI(4), lambda b: oi.dmi(b.high, b.low, b.close, 4), "bars"),
    Case(
        "choppiness",
        lambda: sm.Choppiness(5),
        lambda b: oi.choppiness(b.high, b.low, b.close, 5),
        "bars",
    ),
    Case(
        "vol_cluster_atr",
        lambda: sm.VolCluster("atr", atr_period=5),
        lambda b: oi.vol_cluster_series(b.high, b.low, b.close, "atr", atr_period=5),
        "bars",
    ),
    Case(
        "vol_cluster_garch",
        lambda: sm.VolCluster("garch", garch_lookback=15, min_periods=5),
        lambda b: oi.vol_cluster_series(
            b.high, b.low, b.close, "garch", garch_lookback=15, min_periods=5
        ),
        "bars",
    ),
    # The stepwise classes are the base indicator on HTF closes: as plain series here, and
    # through the primary->HTF map in test_stepwise_replay_equals_batch_stepwise.
    Case("ema_stepwise", lambda: sm.EMAStepwise(5), lambda x: oi.ema(x, 5), "series"),
    Case(
        "bollinger_stepwise",
        lambda: sm.BollingerStepwise(5, 1.5),
        lambda x: oi.bollinger(x, 5, 1.5),
        "series",
    ),
    Case(
        "kalman_zscore_stepwise",
        lambda: sm.KalmanZScoreStepwise(10),
        lambda x: oi.kalman_zscore(x, 10),
        "series",
    ),
]
BY_NAME = {c.name: c for c in CASES}


def _input(case: Case, draw: tuple[int, int, float, bool]) -> Any:
    seed, n, nan_prob, zeros = draw
    rng = np.random.default_rng(seed)
    if case.kind == "bars":
        # GARCH mode takes log returns of the closes: no zeros there.
        return _bars(rng, n, nan_prob, zeros and case.name != "vol_cluster_garch")
    return _prices(rng, n, nan_prob, zeros and case.kind == "series")


def _feed(stream: Any, case: Case, data: Any) -> list[Any]:
    """``update`` over the whole input, in order."""
    if case.kind == "bars":
        h, lo, c = (a.tolist() for a in data)
        return [stream.update(h[i], lo[i], c[i]) for i in range(len(h))]
    return [stream.update(x) for x in data.tolist()]


def _step(case: Case, data: Any, i: int) -> tuple[Any, ...]:
    if case.kind == "bars":
        return (float(data.high[i]), float(data.low[i]), float(data.close[i]))
    return (float(data[i]),)


def _length(case: Case, data: Any) -> int:
    return len(data.close) if case.kind == "bars" else len(data)


# ---------------------------------------------------------------- replay == batch


@pytest.mark.parametrize("case", CASES, ids=repr)
@HYPOTHESIS
@given(draw=data())
def test_replay_equals_batch_bit_for_bit(
    case: Case, backend: str, draw: tuple[int, int, float, bool]
) -> None:
    x = _input(case, draw)
    s = case.make()
    assert s.backend == backend
    out = _feed(s, case, x)
    _assert_same(out, case.batch(x))
    assert _same_out(s.value, out[-1])


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_every_class_with_default_parameters_equals_batch(
    backend_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _select(monkeypatch, backend_name)
    rng = np.random.default_rng(7)
    x = _prices(rng, 1200, 0.05, zeros=False)
    b = _bars(rng, 1200, 0.05, zeros=False)
    defaults: list[tuple[Any, Any, Any]] = [
        (sm.RSI(), x, oi.rsi(x)),
        (sm.ROC(), x, oi.roc(x)),
        (sm.Momentum(), x, oi.momentum(x)),
        (sm.MACD(), x, oi.macd(x)),
        (sm.Bollinger(), x, oi.bollinger(x)),
        (sm.ZScore(), x, oi.zscore(x)),
        (sm.ZScore(mean_source="ema"), x, oi.zscore(x, mean_source="ema")),
        (sm.KalmanMean(), x, oi.kalman_mean(x)),
        (sm.KalmanZScore(), x, oi.kalman_zscore(x)),
        (sm.GarchVolatility(), x, oi.garch_volatility(x)),
        (sm.GarchVolatilityLocal(), x, oi.garch_volatility_local(x)),
        (sm.KalmanGarchZScore(), x, oi.kalman_garch_zscore(x)),
        (sm.KalmanGarchZScoreLocal(), x, oi.kalman_garch_zscore_local(x)),
        (sm.ATR(), b, oi.atr(*b)),
        (sm.DMI(), b, oi.dmi(*b)),
        (sm.Choppiness(), b, oi.choppiness(*b)),
        (sm.VolCluster("atr"), b, oi.vol_cluster_series(*b, "atr")),
        (sm.VolCluster("garch"), b, oi.vol_cluster_series(*b, "garch")),
    ]
    for s, inp, want in defaults:
        assert s.backend == backend_name
        if isinstance(inp, Bars):
            out = [s.update(*bar) for bar in zip(*(a.tolist() for a in inp), strict=True)]
        else:
            out = [s.update(v) for v in inp.tolist()]
        _assert_same(out, want)
        # warm-up is over and the output is not all NaN
        assert any(not math.isnan(v if isinstance(v, float) else v[-1]) for v in out), s


@pytest.mark.parametrize("case", CASES, ids=repr)
@HYPOTHESIS
@given(draw=data(min_size=40, max_size=300))
def test_rust_and_python_streams_agree_bit_for_bit(
    case: Case, both: Callable[[str], None], draw: tuple[int, int, float, bool]
) -> None:
    x = _input(case, draw)
    both("python")
    py = _feed(case.make(), case, x)
    both("rust")
    rs = _feed(case.make(), case, x)
    _assert_same(rs, _columns(py))


# ---------------------------------------------------------------- peek, reset, copy


@pytest.mark.parametrize("case", CASES, ids=repr)
@HYPOTHESIS
@given(draw=data(min_size=40, max_size=200), probe=st.sampled_from([0.999, 1.0, 1.02]))
def test_peek_equals_update_and_changes_nothing(
    case: Case, backend: str, draw: tuple[int, int, float, bool], probe: float
) -> None:
    x = _input(case, draw)
    s = case.make()
    twin = case.make()  # never peeked at
    for i in range(_length(case, x)):
        args = _step(case, x, i)
        before = s.value
        # Peek at other values (a forming bar moving around), a NaN and the real one.
        for moved in ([a * probe for a in args], [NAN] * len(args)):
            s.peek(*([max(moved), min(moved), moved[2]] if case.kind == "bars" else moved))
        p = s.peek(*args)
        assert _same_out(s.value, before)
        u = s.update(*args)
        assert _same_out(p, u), (i, p, u)
        assert _same_out(twin.update(*args), u), i


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_reset_gives_a_fresh_object_and_copy_is_independent(case: Case, backend: str) -> None:
    x = _input(case, (11, 300, 0.05, False))
    s = case.make()
    first = _feed(s, case, x)
    nan_value = case.make().value
    s.reset()
    assert _same_out(s.value, nan_value)
    assert math.isnan(nan_value if isinstance(nan_value, float) else nan_value[0])
    _assert_same(_feed(s, case, x), _columns(first))

    # copy half-way: both continue identically, and feeding one does not move the other
    s.reset()
    half = _length(case, x) // 2
    for i in range(half):
        s.update(*_step(case, x, i))
    c = s.copy()
    assert type(c) is type(s)
    assert c.backend == s.backend
    at_half = s.value
    assert _same_out(c.value, at_half)
    rest = [s.update(*_step(case, x, i)) for i in range(half, _length(case, x))]
    assert _same_out(c.value, at_half)  # feeding the original did not move the copy
    rest_copy = [c.update(*_step(case, x, i)) for i in range(half, _length(case, x))]
    _assert_same(rest_copy, _columns(rest))


def test_nan_input_keeps_the_state_and_value_shows_the_gap(backend: str) -> None:
    s = sm.EMA(2)
    assert math.isnan(s.update(1.0))  # warm-up
    assert s.update(2.0) == 1.5  # the seed
    assert s.update(3.0) == s.value
    assert math.isnan(s.update(NAN))
    assert math.isnan(s.value)  # the batch output is NaN at a NaN input
    assert s.update(5.0) == oi.ema(np.array([1.0, 2.0, 3.0, 5.0]), 2)[-1]


# ---------------------------------------------------------------- stepwise (HTF)


def _htf_fixture(rng: np.random.Generator, n_primary: int, factor: int) -> tuple[FloatArray, Any]:
    """HTF closes and the primary->HTF index map of M1 bars with gaps under an HTF of
    ``factor`` minutes with missing bars (close time <= primary close time)."""
    minute = 60_000_000
    primary = np.sort(rng.choice(np.arange(3 * n_primary), n_primary, replace=False)) * minute
    n_htf = int(primary[-1] // (factor * minute)) + 2
    keep = rng.random(n_htf) > 0.1
    htf_open = (np.arange(n_htf) * factor * minute)[keep]
    htf_close_time = htf_open + factor * minute
    primary_to_htf = np.searchsorted(htf_close_time, primary + minute, side="right") - 1
    closes = _prices(rng, len(htf_open), 0.05, zeros=False)
    return closes, primary_to_htf.astype(np.int64)


STEPWISE = [
    ("ema", lambda: sm.EMAStepwise(4), lambda h, m: oi.ema_stepwise(h, m, 4)),
    (
        "bollinger",
        lambda: sm.BollingerStepwise(4, 2.0),
        lambda h, m: oi.bollinger_stepwise(h, m, 4, 2.0),
    ),
    (
        "kalman_zscore",
        lambda: sm.KalmanZScoreStepwise(6),
        lambda h, m: oi.kalman_zscore_stepwise(h, m, 6),
    ),
]


@pytest.mark.parametrize(("name", "make", "batch"), STEPWISE, ids=[s[0] for s in STEPWISE])
@HYPOTHESIS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(60, 500), factor=st.sampled_from([3, 5, 15]))
def test_stepwise_replay_equals_batch_stepwise(
    name: str,
    make: Callable[[], Any],
    batch: Callable[[Any, Any], Any],
    backend: str,
    seed: int,
    n: int,
    factor: int,
) -> None:
    rng = np.random.default_rng(seed)
    htf, primary_to_htf = _htf_fixture(rng, n, factor)
    if len(htf) < 6:
        return
    s = make()
    nan_value = s.value
    closed = -1
    seen = []
    for j in primary_to_htf.tolist():
        while closed < j:  # every HTF bar that closed since the last primary bar, in order
            closed += 1
            s.update(float(htf[closed]))
        seen.append(s.value if j >= 0 else nan_value)
    _assert_same(seen, batch(htf, primary_to_htf))


def test_stepwise_peek_is_the_live_htf_value(backend: str) -> None:
    htf = [1.0, 1.2, 1.1, 1.4, 1.3]
    s = sm.EMAStepwise(3)
    for close in htf[:-1]:
        s.update(close)
    committed = s.value
    # primary bars inside the forming HTF bar: the live value moves, the committed one stays
    for forming in (1.25, 1.5, 1.3):
        live = s.peek(forming)
        assert live == oi.ema(np.array([*htf[:-1], forming]), 3)[-1]
        assert s.value == committed
    live = s.peek(1.3)
    assert s.update(1.3) == live == oi.ema(np.array(htf), 3)[-1]
    assert s.value == live


# ---------------------------------------------------------------- candles


@dataclasses.dataclass
class DataclassCandle:
    open: float
    high: float
    low: float
    close: float


class TupleCandle(NamedTuple):
    open: float
    high: float
    low: float
    close: float


class FrozenMapping(Mapping[str, float]):
    def __init__(self, **kw: float) -> None:
        self._d = kw

    def __getitem__(self, key: str) -> float:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)


Bar3 = tuple[float, float, float]
CANDLES: list[Callable[[float, float, float], tuple[Any, Bar3]]] = [
    # (candle, the high/low/close it stands for)
    lambda h, lo, c: (DataclassCandle(c, h, lo, c), (h, lo, c)),
    lambda h, lo, c: (TupleCandle(c, h, lo, c), (h, lo, c)),
    lambda h, lo, c: ({"open": c, "high": h, "low": lo, "close": c}, (h, lo, c)),
    lambda h, lo, c: (FrozenMapping(high=h, low=lo, close=c), (h, lo, c)),
    lambda h, lo, c: (
        {"high": np.float64(h), "low": lo, "close": _int_or_nan(c)},
        (h, lo, float(_int_or_nan(c))),
    ),
]


def _int_or_nan(x: float) -> int | float:
    """An ``int`` close (converted through ``__index__``/``__float__``), NaN kept."""
    return x if math.isnan(x) else round(x)


@pytest.mark.parametrize("make_candle", CANDLES)
@pytest.mark.parametrize(
    "case_name", ["atr", "dmi", "choppiness", "true_range", "vol_cluster_atr", "vol_cluster_garch"]
)
def test_candles_equal_high_low_close(
    case_name: str, make_candle: Callable[[float, float, float], tuple[Any, Bar3]], backend: str
) -> None:
    case = BY_NAME[case_name]
    b = _bars(np.random.default_rng(3), 200, 0.05, zeros=False)
    by_numbers, by_candle = case.make(), case.make()
    for bar in zip(b.high.tolist(), b.low.tolist(), b.close.tolist(), strict=True):
        candle, numbers = make_candle(*bar)
        want = by_numbers.update(*numbers)
        assert _same_out(by_candle.peek(candle), want)
        assert _same_out(by_candle.update(candle), want)
        assert _same_out(by_candle.value, by_numbers.value)


def test_a_none_candle_is_a_missing_bar(backend: str) -> None:
    a, b = sm.ATR(3), sm.ATR(3)
    bars = [(2.0, 1.0, 1.5), (3.0, 1.0, 2.0), (2.5, 1.5, 2.0), (3.0, 2.0, 2.5), (3.5, 2.5, 3.0)]
    for i, bar in enumerate(bars):
        want = a.update(*bar)
        if i == 2:
            assert math.isnan(b.peek(None))
            assert math.isnan(b.update(None))
            assert math.isnan(b.value)
            assert math.isnan(a.update(NAN, 1.0, 1.0))
        assert _same_out(b.update(*bar), want)


# ---------------------------------------------------------------- bad input


def _error(fn: Callable[[], Any]) -> tuple[type[BaseException], str]:
    with pytest.raises((ValueError, TypeError, OverflowError)) as info:
        fn()
    return info.type, str(info.value)


BAD_VALUES: list[tuple[str, Callable[[], Any], tuple[Any, ...], type[BaseException], str]] = [
    (
        "ema inf",
        lambda: sm.EMA(3),
        (math.inf,),
        ValueError,
        "value: expected a finite number or NaN, got inf",
    ),
    (
        "macd -inf",
        sm.MACD,
        (-math.inf,),
        ValueError,
        "value: expected a finite number or NaN, got -inf",
    ),
    ("ema str", lambda: sm.EMA(3), ("1.5",), TypeError, "value: expected a real number, got str"),
    (
        "ema None",
        lambda: sm.EMA(3),
        (None,),
        TypeError,
        "value: expected a real number, got NoneType",
    ),
    (
        "ema huge int",
        lambda: sm.EMA(3),
        (10**400,),
        OverflowError,
        "int too large to convert to float",
    ),
    (
        "stepwise inf",
        lambda: sm.EMAStepwise(3),
        (math.inf,),
        ValueError,
        "htf_close: expected a finite number or NaN, got inf",
    ),
    (
        "stepwise list",
        sm.KalmanZScoreStepwise,
        ([1.0],),
        TypeError,
        "htf_close: expected a real number, got list",
    ),
    (
        "garch zero",
        sm.GarchVolatility,
        (0.0,),
        ValueError,
        "value: expected a price > 0 or NaN (GARCH returns need positive prices), got 0",
    ),
    (
        "garch negative",
        sm.KalmanGarchZScoreLocal,
        (-1.5,),
        ValueError,
        "value: expected a price > 0 or NaN (GARCH returns need positive prices), got -1.5",
    ),
    (
        "garch inf",
        sm.KalmanGarchZScore,
        (math.inf,),
        ValueError,
        "value: expected a finite number or NaN, got inf",
    ),
    (
        "garch local -inf",
        sm.GarchVolatilityLocal,
        (-math.inf,),
        ValueError,
        "value: expected a finite number or NaN, got -inf",
    ),
    (
        "atr high inf",
        sm.ATR,
        (math.inf, 1.0, 1.0),
        ValueError,
        "high: expected a finite number or NaN, got inf",
    ),
    (
        "atr low -inf",
        sm.ATR,
        (1.0, -math.inf, 1.0),
        ValueError,
        "low: expected a finite number or NaN, got -inf",
    ),
    (
        "dmi close inf",
        sm.DMI,
        (2.0, 1.0, math.inf),
        ValueError,
        "close: expected a finite number or NaN, got inf",
    ),
    (
        "chop high < low",
        sm.Choppiness,
        (1.0, 2.5, 1.0),
        ValueError,
        "high: expected high >= low, got high 1 < low 2.5",
    ),
    (
        "tr high < low (NaN close)",
        sm.TrueRange,
        (1.0, 2.0, NAN),
        ValueError,
        "high: expected high >= low, got high 1 < low 2",
    ),
    ("atr str low", sm.ATR, (2.0, "1", 1.0), TypeError, "low: expected a real number, got str"),
    ("atr str high", sm.ATR, ("2", 1.0, 1.0), TypeError, "high: expected a real number, got str"),
    (
        "atr two numbers",
        sm.ATR,
        (2.0, 1.0),
        TypeError,
        "close: expected a number after high and low (or a single candle), got None",
    ),
    (
        "atr a float",
        sm.ATR,
        (2.0,),
        TypeError,
        "candle: expected high, low and close as attributes or mapping keys, got float without"
        " 'high'",
    ),
    (
        "atr dict without close",
        sm.ATR,
        ({"high": 2.0, "low": 1.0},),
        TypeError,
        "candle: expected high, low and close as attributes or mapping keys, got dict without"
        " 'close'",
    ),
    (
        "atr candle str field",
        sm.ATR,
        ({"high": 2.0, "low": "x", "close": 1.0},),
        TypeError,
        "candle.low: expected a real number, got str",
    ),
    (
        "atr candle high < low",
        sm.ATR,
        (TupleCandle(1.0, 1.0, 2.0, 1.5),),
        ValueError,
        "high: expected high >= low, got high 1 < low 2",
    ),
    (
        "vol garch close 0",
        lambda: sm.VolCluster("garch"),
        (2.0, 1.0, 0.0),
        ValueError,
        "close: expected a price > 0 or NaN (GARCH returns need positive prices), got 0",
    ),
    (
        "vol atr high < low",
        lambda: sm.VolCluster("atr"),
        (1.0, 2.0, 1.5),
        ValueError,
        "high: expected high >= low, got high 1 < low 2",
    ),
]


@pytest.mark.parametrize(
    ("label", "make", "args", "exc", "message"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES]
)
def test_bad_values_raise_the_documented_error_and_change_nothing(
    label: str,
    make: Callable[[], Any],
    args: tuple[Any, ...],
    exc: type[BaseException],
    message: str,
    backend: str,
) -> None:
    s = make()
    fresh = make()
    assert _error(lambda: s.update(*args)) == (exc, message)
    assert _error(lambda: s.peek(*args)) == (exc, message)
    assert _same_out(s.value, fresh.value)
    # nothing was committed: the object still behaves like a fresh one
    warm = (
        [(2.0, 1.0, 1.5), (2.2, 1.1, 2.0), (2.1, 1.9, 2.0)] * 30
        if isinstance(s, sm._BarStream)
        else [(1.0 + 0.01 * (i % 7),) for i in range(90)]
    )
    for bar in warm:
        assert _same_out(s.update(*bar), fresh.update(*bar))


def test_garch_mode_of_vol_cluster_ignores_high_and_low(backend: str) -> None:
    s = sm.VolCluster("garch", garch_lookback=7, min_periods=2)
    ref = sm.GarchVolatilityLocal(7, min_periods=2)
    for i in range(30):
        close = 100.0 + (i * 7) % 5
        assert _same_out(s.update(math.inf, -math.inf, close), ref.update(close))


BAD_PARAMS: list[tuple[Callable[..., Any], dict[str, Any]]] = [
    (sm.EMA, {"period": 0}),
    (sm.EMA, {"period": -1}),
    (sm.EMA, {"period": 2.5}),
    (sm.SMA, {"period": True}),
    (sm.RSI, {"period": 0}),
    (sm.ROC, {"period": 0}),
    (sm.Momentum, {"period": 0}),
    (sm.RollingStd, {"period": 0}),
    (sm.DEMA, {"period": 0}),
    (sm.TEMA, {"period": 0}),
    (sm.MACD, {"fast": 0}),
    (sm.MACD, {"signal": 0}),
    (sm.MACD, {"fast": 26, "slow": 26}),
    (sm.Bollinger, {"period": 0}),
    (sm.Bollinger, {"std_factor": -1.0}),
    (sm.Bollinger, {"std_factor": math.nan}),
    (sm.Bollinger, {"std_factor": "2"}),
    (sm.ATR, {"period": 0}),
    (sm.DMI, {"period": 0}),
    (sm.Choppiness, {"period": 1}),
    (sm.ZScore, {"window": 0}),
    (sm.ZScore, {"mean_source": "Rolling"}),
    (sm.ZScore, {"mean_source": 1}),
    (sm.ZScore, {"mean_source": "ema", "ema_period": 0}),
    (sm.ZScore, {"ema_period": 0}),
    (sm.KalmanMean, {"R": 0.0}),
    (sm.KalmanMean, {"Q": math.inf}),
    (sm.KalmanZScore, {"window": 0, "R": -1.0}),
    (sm.KalmanZScore, {"R": math.nan}),
    (sm.GarchVolatility, {"alpha": -0.1}),
    (sm.GarchVolatility, {"alpha": 0.5, "beta": 0.5}),
    (sm.GarchVolatility, {"omega": 0.0}),
    (sm.GarchVolatility, {"scale": 0.0}),
    (sm.GarchVolatility, {"min_periods": 0, "alpha": -1.0}),
    (sm.GarchVolatility, {"sigma_floor": -1e-7}),
    (sm.GarchVolatility, {"use_log_returns": 1}),
    (sm.GarchVolatilityLocal, {"lookback": 51}),
    (sm.GarchVolatilityLocal, {"lookback": 3, "min_periods": 0}),
    (sm.KalmanGarchZScore, {"Q": 0.0, "alpha": -1.0}),
    (sm.KalmanGarchZScore, {"beta": 1.0}),
    (sm.KalmanGarchZScoreLocal, {"lookback": 10, "R": 0.0}),
    (sm.KalmanGarchZScoreLocal, {"R": 0.0, "beta": 2.0}),
    (sm.VolCluster, {"mode": "atr_points"}),
    (sm.VolCluster, {"mode": "atr", "atr_period": 0}),
    (sm.VolCluster, {"mode": "garch", "garch_lookback": 10}),
    (sm.VolCluster, {"mode": "garch", "alpha": 2.0}),
    (sm.EMAStepwise, {"period": 0}),
    (sm.BollingerStepwise, {"std_factor": -2.0}),
    (sm.KalmanZScoreStepwise, {"window": 0}),
]

# What a few of them must say (the state constructors' texts).
PARAM_MESSAGES = {
    0: "period: expected an integer >= 1, got 0",
    1: "period: expected a non-negative integer, got -1",
    12: "fast: expected an integer < slow = 26, got 26",
    19: "period: expected an integer >= 2, got 1",
    21: 'mean_source: expected one of rolling, ema, got "Rolling"',
    31: "omega: expected a finite number > 0, or None for variance targeting, got 0",
    36: "lookback: expected an integer >= min_periods + 2 = 52, got 51",
    42: 'mode: expected one of atr, garch, got "atr_points"',
    43: "atr_period: expected an integer >= 1, got 0",
    44: "garch_lookback: expected an integer >= min_periods + 2 = 52, got 10",
}


@pytest.mark.parametrize("index", range(len(BAD_PARAMS)))
def test_bad_parameters_raise_the_same_error_on_both_backends(
    index: int, both: Callable[[str], None]
) -> None:
    cls, kwargs = BAD_PARAMS[index]
    both("python")
    python = _error(lambda: cls(**kwargs))
    both("rust")
    rust = _error(lambda: cls(**kwargs))
    assert rust == python
    if index in PARAM_MESSAGES:
        assert rust == (ValueError, PARAM_MESSAGES[index])


def test_parameters_of_the_other_vol_cluster_mode_are_not_checked(backend: str) -> None:
    assert sm.VolCluster("atr", garch_lookback=0, alpha=5.0).backend == backend
    assert sm.VolCluster("garch", atr_period=0).backend == backend


# ---------------------------------------------------------------- API shape


PUBLIC: list[tuple[Any, Any, int, str]] = [
    # (stream class, functional function, data arguments to drop, backend class name)
    (sm.SMA, oi.sma, 1, "SmaStream"),
    (sm.EMA, oi.ema, 1, "EmaStream"),
    (sm.DEMA, oi.dema, 1, "DemaStream"),
    (sm.TEMA, oi.tema, 1, "TemaStream"),
    (sm.RSI, oi.rsi, 1, "RsiStream"),
    (sm.ROC, oi.roc, 1, "RocStream"),
    (sm.Momentum, oi.momentum, 1, "MomentumStream"),
    (sm.RollingStd, oi.rolling_std, 1, "RollingStdStream"),
    (sm.MACD, oi.macd, 1, "MacdStream"),
    (sm.Bollinger, oi.bollinger, 1, "BollingerStream"),
    (sm.ZScore, oi.zscore, 1, "ZScoreStream"),
    (sm.KalmanMean, oi.kalman_mean, 1, "KalmanMeanStream"),
    (sm.KalmanZScore, oi.kalman_zscore, 1, "KalmanZScoreStream"),
    (sm.GarchVolatility, oi.garch_volatility, 1, "GarchVolatilityStream"),
    (sm.GarchVolatilityLocal, oi.garch_volatility_local, 1, "GarchVolatilityLocalStream"),
    (sm.KalmanGarchZScore, oi.kalman_garch_zscore, 1, "KalmanGarchZScoreStream"),
    (
        sm.KalmanGarchZScoreLocal,
        oi.kalman_garch_zscore_local,
        1,
        "KalmanGarchZScoreLocalStream",
    ),
    (sm.TrueRange, oi.true_range, 3, "TrueRangeStream"),
    (sm.ATR, oi.atr, 3, "AtrStream"),
    (sm.DMI, oi.dmi, 3, "DmiStream"),
    (sm.Choppiness, oi.choppiness, 3, "ChoppinessStream"),
    (sm.VolCluster, oi.vol_cluster_series, 3, "VolClusterStream"),
    (sm.EMAStepwise, oi.ema_stepwise, 2, "EmaStepwiseStream"),
    (sm.BollingerStepwise, oi.bollinger_stepwise, 2, "BollingerStepwiseStream"),
    (sm.KalmanZScoreStepwise, oi.kalman_zscore_stepwise, 2, "KalmanZScoreStepwiseStream"),
]


def _params(fn: Any, drop: int = 0) -> list[tuple[str, Any]]:
    ps = list(inspect.signature(fn).parameters.values())[drop:]
    return [(p.name, p.default) for p in ps]


@pytest.mark.parametrize(("cls", "fn", "drop", "kind"), PUBLIC, ids=[p[3] for p in PUBLIC])
def test_parameters_and_defaults_are_those_of_the_functional_api(
    cls: Any, fn: Any, drop: int, kind: str
) -> None:
    assert _params(cls) == _params(fn, drop)
    python_cls = getattr(py_stream, kind)
    assert _params(python_cls) == _params(cls)
    if STATE.rust_available():
        rust_cls = getattr(importlib.import_module("omega_indicators._rust"), kind)
        assert _params(rust_cls) == _params(cls)
        for method in ("update", "peek"):
            rust_method, python_method = getattr(rust_cls, method), getattr(python_cls, method)
            assert _params(rust_method, 1) == _params(python_method, 1)
            assert _params(getattr(cls, method), 1)[0][0] == _params(python_method, 1)[0][0]


def test_all_public_classes_are_listed() -> None:
    classes = {name for name in sm.__all__ if isinstance(getattr(sm, name), type)}
    covered = {cls.__name__ for cls, *_ in PUBLIC}
    points = {"MacdPoint", "BollingerPoint", "DmiPoint", "CandleLike"}
    assert classes - points == covered
    assert set(py_stream.__all__) == {p[3] for p in PUBLIC}


def test_multi_output_classes_return_named_tuples(backend: str) -> None:
    m, b, d = sm.MACD(2, 3, 2), sm.Bollinger(2), sm.DMI(2)
    assert type(m.value) is sm.MacdPoint
    assert math.isnan(m.value.hist)
    assert type(b.update(1.0)) is sm.BollingerPoint
    assert type(d.update(2.0, 1.0, 1.5)) is sm.DmiPoint
    for x in (1.0, 2.0, 4.0, 8.0):
        m.update(x)
    assert m.value._fields == ("macd", "signal", "hist")
    assert m.value.hist == m.value.macd - m.value.signal


def test_calls_are_counted_in_the_backend_that_served_them(backend: str) -> None:
    before = oi.backend_calls()
    s = sm.EMA(3)
    for x in (1.0, 2.0, 3.0):
        s.update(x)
    s.peek(4.0)
    s.reset()
    after = oi.backend_calls()
    served: Backend = "rust" if backend == "rust" else "python"
    other: Backend = "python" if backend == "rust" else "rust"
    assert after[served] - before[served] == 6  # construction, 3 updates, peek, reset
    assert after[other] == before[other]


def test_the_backend_is_fixed_at_construction(both: Callable[[str], None]) -> None:
    both("python")
    p = sm.RSI(3)
    both("rust")
    r = sm.RSI(3)
    assert (p.backend, r.backend) == ("python", "rust")
    assert type(p._impl).__module__ == "omega_indicators._python.stream"
    assert repr(r) == "RSI(period=3) [rust] value=nan"
    for x in (1.0, 2.0, 1.5, 3.0, 2.5):
        assert _same_out(p.update(x), r.update(x))
