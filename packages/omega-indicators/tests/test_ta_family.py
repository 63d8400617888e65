"""TA-Lib family: sma, ema, dema, tema, rsi, macd, roc, momentum, rolling_std, bollinger,
true_range, atr, dmi, choppiness.

Covers the pure-Python fallback (``omega_indicators._python.<module>``):

* against the TA-Lib oracle (``TA-Lib`` on PyPI, test-only) on NaN-free data: identical NaN
  positions (lookback) and ``|ours - talib| <= 1e-9 * |talib|``. Outputs that are differences of
  price-scale terms (DEMA, TEMA, MACD, signal, histogram, the lower/upper Bollinger band) cross
  or approach zero, where a relative bound means nothing; for them the bound is
  ``1e-9 * |talib| + 1e-12 * max|x|`` — TA-Lib 0.8 evaluates its EMAs with fused multiply-adds,
  this package without, and the two differ by a few ulps of the *price*. For the rolling std,
  a difference beyond ``1e-9`` must be TA-Lib's rounding (checked against the exact value);
* the NaN rule ``f(x)[valid] == f(x[valid])`` (bit for bit) with NaN at the NaN positions;
* streaming state == batch, ``peek`` == ``update`` without committing (bit for bit);
* hand-computed values, the zero-division rules, the deliberate differences from TA-Lib;
* the exact error messages (shared with the Rust kernels);
* Rust/Python parity (bit for bit, identical errors) when the compiled extension exposes the
  kernels.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable
from fractions import Fraction
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
NAN = math.nan

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _mod(name: str) -> ModuleType:
    """A fallback module by file name (``_python/<name>.py``)."""
    return importlib.import_module(f"omega_indicators._python.{name}")


def _talib() -> Any:
    """TA-Lib, the oracle (a test dependency: missing it is a failure, not a skip)."""
    return importlib.import_module("talib")


def _same(a: Any, b: Any) -> bool:
    """Bitwise equal, NaN == NaN."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _oracle(ours: Any, ref: Any, scale: float = 0.0) -> None:
    """Identical NaN positions; ``|ours - ref| <= 1e-9*|ref| + 1e-12*scale`` elsewhere."""
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(ref, dtype=np.float64)
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    err = np.abs(a[ok] - b[ok])
    bound = 1e-9 * np.abs(b[ok]) + 1e-12 * scale
    assert bool(np.all(err <= bound)), float(np.max(err - bound))


# ---------------------------------------------------------------- data

KINDS = ("walk", "flat", "zeros", "ticks", "spikes")


def _series(seed: int, n: int, kind: str, level: float) -> FloatArray:
    """A non-negative price-like series of length ``n``."""
    rng = np.random.default_rng(seed)
    x = level * (1.0 + np.cumsum(rng.normal(0.0, 0.01, n)))
    x = np.abs(x)
    if kind == "flat":
        x[rng.random(n) < 0.5] = level
        x[: max(1, n // 3)] = level
    elif kind == "zeros":
        x[rng.random(n) < 0.3] = 0.0
    elif kind == "ticks":
        x = np.round(x / level * 100.0) * (level / 100.0)
    elif kind == "spikes":
        x[rng.random(n) < 0.05] *= 1000.0
    return x


def _bars(seed: int, n: int, kind: str, level: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """High, low, close with ``low <= close <= high``."""
    rng = np.random.default_rng(seed + 1)
    c = _series(seed, n, kind, level)
    h = c + np.abs(rng.normal(0.0, 0.005 * level, n))
    lo = c - np.abs(rng.normal(0.0, 0.005 * level, n))
    if kind in ("flat", "ticks"):
        flat = rng.random(n) < 0.4
        h[flat] = c[flat]
        lo[flat] = c[flat]
    return h, lo, c


def _with_nans(seed: int, *arrays: FloatArray) -> tuple[FloatArray, ...]:
    """Copies with NaN holes (single and runs; bars lose one side or all)."""
    rng = np.random.default_rng(seed + 7)
    out = tuple(a.copy() for a in arrays)
    n = out[0].size
    for a in out:
        a[rng.random(n) < 0.08] = NAN
    if n > 10:
        start = int(rng.integers(0, n - 5))
        for a in out:
            a[start : start + 4] = NAN
    return out


series_params = st.tuples(
    st.integers(0, 2**31 - 1),
    st.integers(1, 2000),
    st.sampled_from(KINDS),
    st.sampled_from([1e-4, 0.01, 1.1, 100.0, 5e4]),
)


def _period(draw: st.DrawFn, n: int, minimum: int = 1) -> int:
    return draw(
        st.one_of(
            st.just(minimum),
            st.just(max(minimum, n)),
            st.integers(minimum, max(minimum, min(n, 60))),
        )
    )


@st.composite
def series_and_period(draw: st.DrawFn, minimum: int = 1) -> tuple[FloatArray, int, float]:
    seed, n, kind, level = draw(series_params)
    n = max(n, minimum)
    return _series(seed, n, kind, level), _period(draw, n, minimum), level


@st.composite
def bars_and_period(
    draw: st.DrawFn, minimum: int = 1
) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    seed, n, kind, level = draw(series_params)
    n = max(n, minimum)
    h, lo, c = _bars(seed, n, kind, level)
    return h, lo, c, _period(draw, n, minimum)


# ---------------------------------------------------------------- TA-Lib oracle

SINGLE = [
    # (module, function, TA-Lib name, TA-Lib minimum period, compared with a price-scale floor)
    ("sma", "sma", "SMA", 2, False),
    ("ema", "ema", "EMA", 2, False),
    ("dema", "dema", "DEMA", 2, True),
    ("tema", "tema", "TEMA", 2, True),
    ("rsi", "rsi", "RSI", 2, False),
    ("roc", "roc", "ROC", 1, False),
    ("momentum", "momentum", "MOM", 1, False),
    ("rolling_std", "rolling_std", "STDDEV", 2, False),
]


def _exact_std(window: FloatArray) -> float:
    """Population standard deviation of ``window`` in exact rational arithmetic."""
    w = [Fraction(float(v)) for v in window]
    mean = sum(w) / len(w)
    return math.sqrt(float(sum((v - mean) ** 2 for v in w) / len(w)))


def _oracle_std(ours: FloatArray, ref: FloatArray, x: FloatArray, period: int) -> None:
    """Rolling std against TA-Lib: identical NaN positions and ``1e-9`` relative, except where
    TA-Lib's own running sums have lost digits (after large swings next to a tiny variance):
    there the exact value (rational arithmetic) must show ours right and TA-Lib wrong."""
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    ok = ~np.isnan(ref)
    bad = np.flatnonzero(ok & (np.abs(ours - ref) > 1e-9 * np.abs(ref)))
    for i in bad.tolist():
        exact = _exact_std(x[i + 1 - period : i + 1])
        assert abs(ours[i] - exact) <= 1e-10 * exact, (i, ours[i], exact)
        assert abs(ref[i] - exact) > 1e-9 * exact, (i, ref[i], exact)


@pytest.mark.parametrize(("module", "func", "ta_name", "ta_min", "floor"), SINGLE)
@SETTINGS
@given(data=series_and_period())
def test_single_series_matches_talib(
    module: str, func: str, ta_name: str, ta_min: int, floor: bool, data: Any
) -> None:
    talib = _talib()
    x, period, _ = data
    if period < ta_min:
        period = min(ta_min, x.size)
        if period < ta_min:
            return
    ours = getattr(_mod(module), func)(x, period)
    ref = getattr(talib, ta_name)(x, timeperiod=period)
    if func == "rolling_std":
        _oracle_std(ours, ref, x, period)
    else:
        _oracle(ours, ref, float(np.max(np.abs(x))) if floor else 0.0)


@SETTINGS
@given(data=series_and_period(minimum=2))
def test_bollinger_matches_talib(data: Any) -> None:
    talib = _talib()
    x, period, _ = data
    period = max(period, 2)
    sigma = _mod("rolling_std").rolling_std(x, period)
    _oracle_std(sigma, talib.STDDEV(x, timeperiod=period), x, period)
    for factor in (2.0, 1.0, 0.5):
        ours = _mod("bollinger").bollinger(x, period, factor)
        ref = talib.BBANDS(x, timeperiod=period, nbdevup=factor, nbdevdn=factor, matype=0)
        _oracle(ours.middle, ref[1])
        # The bands are middle +- factor*sigma with the sigma checked above; where TA-Lib's
        # sigma is off (see _oracle_std) its bands are off by the same amount.
        assert _same(ours.upper, ours.middle + sigma * factor)
        assert _same(ours.lower, ours.middle - sigma * factor)
        ta_sigma = talib.STDDEV(x, timeperiod=period)
        good = ~np.isnan(ta_sigma) & (np.abs(sigma - ta_sigma) <= 1e-9 * np.abs(ta_sigma))
        # upper/lower are differences of price-scale terms (lower ~ 0 when k*sigma ~ middle).
        scale = float(np.max(np.abs(x)))
        _oracle(ours.upper[good], ref[0][good], scale)
        _oracle(ours.lower[good], ref[2][good], scale)


@SETTINGS
@given(
    params=series_params,
    periods=st.sampled_from([(12, 26, 9), (2, 3, 1), (3, 10, 4), (5, 6, 2), (8, 21, 5)]),
)
def test_macd_matches_talib(params: Any, periods: tuple[int, int, int]) -> None:
    talib = _talib()
    seed, n, kind, level = params
    x = _series(seed, max(n, periods[1]), kind, level)
    ours = _mod("macd").macd(x, *periods)
    ref = talib.MACD(x, fastperiod=periods[0], slowperiod=periods[1], signalperiod=periods[2])
    for a, b in zip(ours, ref, strict=True):
        _oracle(a, b, float(np.max(np.abs(x))))


@SETTINGS
@given(data=bars_and_period())
def test_bar_indicators_match_talib(data: Any) -> None:
    talib = _talib()
    h, lo, c, period = data
    _oracle(_mod("true_range").true_range(h, lo, c), talib.TRANGE(h, lo, c))
    _oracle(_mod("atr").atr(h, lo, c, period), talib.ATR(h, lo, c, timeperiod=period))
    d = _mod("dmi").dmi(h, lo, c, period)
    if period >= 2:  # TA-Lib's period-1 DI omits the factor 100 (see the next test)
        _oracle(d.plus_di, talib.PLUS_DI(h, lo, c, timeperiod=period))
        _oracle(d.minus_di, talib.MINUS_DI(h, lo, c, timeperiod=period))
        _oracle(d.adx, talib.ADX(h, lo, c, timeperiod=period))


def test_period_one_di_is_percent_unlike_talib() -> None:
    talib = _talib()
    h, lo, c = _bars(3, 200, "walk", 100.0)
    d = _mod("dmi").dmi(h, lo, c, 1)
    _oracle(d.plus_di, 100.0 * talib.PLUS_DI(h, lo, c, timeperiod=1))
    _oracle(d.minus_di, 100.0 * talib.MINUS_DI(h, lo, c, timeperiod=1))


def test_rolling_std_is_exact_where_the_textbook_formula_fails() -> None:
    """Level 1e6, spread 1e-4, and an outlier leaving the window: within 1e-10 of the exact
    population std (rational arithmetic), and of TA-Lib."""
    rng = np.random.default_rng(11)
    x = 1e6 + np.cumsum(rng.normal(0.0, 1e-4, 300))
    x[100] = 1e12
    x[200:210] = 0.1
    out = _mod("rolling_std").rolling_std(x, 5)
    for i in range(4, x.size):
        w = [Fraction(v) for v in x[i - 4 : i + 1]]
        mean = sum(w) / 5
        exact = math.sqrt(float(sum((v - mean) ** 2 for v in w) / 5))
        assert abs(out[i] - exact) <= 1e-10 * exact, i
    _oracle(out, _talib().STDDEV(x, timeperiod=5))


# ---------------------------------------------------------------- hand-computed and rules


def test_hand_computed_values() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    assert _same(_mod("sma").sma(x, 3), [NAN, NAN, 2.0, 3.0, 13.0 / 3.0])
    assert _same(_mod("ema").ema(x, 3), [NAN, NAN, 2.0, 3.0, 4.5])
    assert _same(_mod("momentum").momentum(x, 2), [NAN, NAN, 2.0, 2.0, 3.0])
    assert _same(
        _mod("roc").roc(np.array([2.0, 4.0, 3.0, 0.0, 5.0]), 1), [NAN, 100.0, -25.0, -100.0, 0.0]
    )
    r = _mod("rsi").rsi(np.array([1.0, 2.0, 3.0, 1.0, 2.0]), 2)
    assert _same(r, [NAN, NAN, 100.0, 100.0 * (0.5 / 1.5), 100.0 * (0.75 / 1.25)])
    sd = _mod("rolling_std").rolling_std(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]), 8)
    assert sd[7] == 2.0
    h = np.array([10.0, 11.0, 12.0, 9.0, 10.0])
    lo = np.array([9.0, 10.0, 10.5, 8.0, 9.0])
    c = np.array([9.5, 10.5, 11.0, 8.5, 9.5])
    assert _same(_mod("true_range").true_range(h, lo, c), [NAN, 1.5, 1.5, 3.0, 1.5])
    atr2 = [NAN, NAN, 1.5, 2.25, 1.5 * 0.25 + (3.0 * 0.25 + 1.5 * 0.5)]
    assert _same(_mod("atr").atr(h, lo, c, 2), atr2)


def test_zero_division_rules_and_edges() -> None:
    rsi = _mod("rsi").rsi
    assert np.all(rsi(np.full(8, 5.0), 3)[3:] == 0.0)  # no movement at all
    assert np.all(rsi(np.arange(8.0), 3)[3:] == 100.0)  # no losses
    assert np.all(rsi(np.arange(8.0)[::-1].copy(), 3)[3:] == 0.0)  # no gains
    assert np.all(_mod("roc").roc(np.zeros(5), 2)[2:] == 0.0)  # earlier price 0
    flat = np.full(8, 3.0)
    d = _mod("dmi").dmi(flat, flat, flat, 2)  # TR 0: DI 0, DX undefined
    assert np.all(d.plus_di[2:] == 0.0)
    assert np.all(d.minus_di[2:] == 0.0)
    assert np.all(d.adx[3:] == 0.0)
    assert np.all(_mod("choppiness").choppiness(flat, flat, flat, 3)[3:] == 100.0)
    assert np.all(_mod("rolling_std").rolling_std(np.full(9, 12345.678), 4)[3:] == 0.0)
    b = _mod("bollinger").bollinger(np.full(6, 2.0), 3, 2.0)
    assert (b.upper[5], b.middle[5], b.lower[5]) == (2.0, 2.0, 2.0)


def test_period_one_and_period_equal_length() -> None:
    x = np.array([1.5, 0.0, 7.25, 3.0])
    for name in ("sma", "ema", "dema", "tema"):
        assert _same(getattr(_mod(name), name)(x, 1), x), name
    assert np.all(_mod("rolling_std").rolling_std(x, 1) == 0.0)
    p1 = _mod("rsi").rsi(x, 1)
    assert _same(p1, [NAN, 0.0, 100.0, 0.0])
    for name, lookback in (("sma", 3), ("ema", 3), ("rolling_std", 3), ("rsi", 4), ("roc", 4)):
        out = getattr(_mod(name), name)(x, 4)
        assert np.isnan(out[:lookback]).all(), name
        assert not np.isnan(out[lookback:]).any(), name


def test_macd_seeds_both_emas_on_the_same_bar() -> None:
    x = np.array([100.0 + ((i * 7) % 11) for i in range(60)])
    m = _mod("macd").macd(x, 12, 26, 9)
    assert np.isnan(m.macd[:33]).all()
    assert not np.isnan(m.macd[33:]).any()
    ema = _mod("ema").ema
    assert m.macd[40] == ema(x[14:], 12)[40 - 14] - ema(x, 26)[40]


def test_choppiness_definition() -> None:
    chop = _mod("choppiness").choppiness
    h = np.array([10.0, 11.0, 12.0, 11.5])
    lo = np.array([9.0, 10.0, 11.0, 10.0])
    c = np.array([9.5, 10.5, 11.5, 11.0])
    expected = 100.0 * (math.log10(3.0 / 2.0) / math.log10(2.0))
    assert _same(chop(h, lo, c, 2), [NAN, NAN, expected, expected])
    stair = np.arange(1.0, 7.0)
    out = chop(stair, stair, stair, 4)
    assert out[5] == 100.0 * (math.log10(4.0 / 3.0) / math.log10(4.0))


# ---------------------------------------------------------------- NaN rule, streaming


def _single_calls() -> list[tuple[str, Callable[[FloatArray, int], Any], Callable[[int], Any]]]:
    m = _mod
    return [
        ("sma", m("sma").sma, m("sma").SmaState),
        ("ema", m("ema").ema, m("ema").EmaState),
        ("dema", m("dema").dema, m("dema").DemaState),
        ("tema", m("tema").tema, m("tema").TemaState),
        ("rsi", m("rsi").rsi, m("rsi").RsiState),
        ("roc", m("roc").roc, m("roc").RocState),
        ("momentum", m("momentum").momentum, m("momentum").MomentumState),
        ("rolling_std", m("rolling_std").rolling_std, m("rolling_std").RollingStdState),
        (
            "bollinger",
            lambda x, p: m("bollinger").bollinger(x, p, 2.0),
            lambda p: m("bollinger").BollingerState(p, 2.0),
        ),
        (
            "macd",
            lambda x, p: m("macd").macd(x, max(1, p - 1), p + 1, p) if x.size > p else None,
            lambda p: m("macd").MacdState(max(1, p - 1), p + 1, p),
        ),
    ]


def _columns(out: Any) -> list[FloatArray]:
    if isinstance(out, tuple):
        return [np.asarray(v) for v in out]
    return [np.asarray(out)]


@SETTINGS
@given(data=series_and_period())
def test_nan_rule_and_stream_equal_batch(data: Any) -> None:
    x, period, _ = data
    (xn,) = _with_nans(int(x.size) + period, x)
    valid = np.flatnonzero(~np.isnan(xn))
    for name, batch, state_cls in _single_calls():
        full = batch(xn, period)
        if full is None:
            continue
        cols = _columns(full)
        # NaN rule: equal to the indicator of the compressed series, NaN at the holes.
        if valid.size >= period:
            compact = batch(xn[valid], period)
            if compact is not None:
                for col, ccol in zip(cols, _columns(compact), strict=True):
                    assert _same(col[valid], ccol), name
        for col in cols:
            assert np.isnan(col[np.isnan(xn)]).all(), name
        # Streaming: peek == update == batch, bit for bit.
        state = state_cls(period)
        rows = []
        for v in xn:
            peeked = state.peek(v)
            got = state.update(v)
            assert _same(np.asarray(peeked, dtype=np.float64), np.asarray(got, dtype=np.float64))
            rows.append(got)
        stream = np.asarray(rows, dtype=np.float64).reshape(xn.size, -1)
        for k, col in enumerate(cols):
            assert _same(stream[:, k], col), name


@SETTINGS
@given(data=bars_and_period(minimum=2))
def test_bar_nan_rule_and_stream_equal_batch(data: Any) -> None:
    h, lo, c, period = data
    hn, ln, cn = _with_nans(int(h.size) * 3 + period, h, lo, c)
    valid = np.flatnonzero(~(np.isnan(hn) | np.isnan(ln) | np.isnan(cn)))
    calls: list[tuple[str, Callable[..., Any], Callable[[], Any]]] = [
        (
            "true_range",
            lambda a, b, d: _mod("true_range").true_range(a, b, d),
            _mod("true_range").TrueRangeState,
        ),
        (
            "atr",
            lambda a, b, d: _mod("atr").atr(a, b, d, period),
            lambda: _mod("atr").AtrState(period),
        ),
        (
            "dmi",
            lambda a, b, d: _mod("dmi").dmi(a, b, d, period),
            lambda: _mod("dmi").DmiState(period),
        ),
        (
            "choppiness",
            lambda a, b, d: _mod("choppiness").choppiness(a, b, d, period),
            lambda: _mod("choppiness").ChoppinessState(period),
        ),
    ]
    for name, batch, state_cls in calls:
        cols = _columns(batch(hn, ln, cn))
        if valid.size >= period:
            compact = _columns(batch(hn[valid], ln[valid], cn[valid]))
            for col, ccol in zip(cols, compact, strict=True):
                assert _same(col[valid], ccol), name
        invalid = np.ones(h.size, dtype=bool)
        invalid[valid] = False
        for col in cols:
            assert np.isnan(col[invalid]).all(), name
        state = state_cls()
        rows = []
        for a, b, d in zip(hn, ln, cn, strict=True):
            peeked = state.peek(a, b, d)
            got = state.update(a, b, d)
            assert _same(np.asarray(peeked, dtype=np.float64), np.asarray(got, dtype=np.float64))
            rows.append(got)
        stream = np.asarray(rows, dtype=np.float64).reshape(h.size, -1)
        for k, col in enumerate(cols):
            assert _same(stream[:, k], col), name


def test_inputs_are_not_mutated_and_all_nan_is_fine() -> None:
    h, lo, c = _bars(5, 50, "walk", 10.0)
    h, lo, c = _with_nans(5, h, lo, c)
    copies = (h.copy(), lo.copy(), c.copy())
    _mod("dmi").dmi(h, lo, c, 3)
    _mod("choppiness").choppiness(h, lo, c, 3)
    _mod("bollinger").bollinger(c, 5, 2.0)
    for a, b in zip((h, lo, c), copies, strict=True):
        assert _same(a, b)
    allnan = np.full(5, NAN)
    assert np.isnan(_mod("ema").ema(allnan, 2)).all()
    assert np.isnan(_mod("atr").atr(allnan, allnan, allnan, 2)).all()


# ---------------------------------------------------------------- errors

ERRORS = [
    ("sma", "sma", (np.array([]), 1), "values: expected a non-empty array, got length 0"),
    (
        "ema",
        "ema",
        (np.array([1.0, 2.0]), 3),
        "period: expected an integer >= 1 and <= len(values) = 2, got 3",
    ),
    (
        "rsi",
        "rsi",
        (np.array([1.0, 2.0]), 0),
        "period: expected an integer >= 1 and <= len(values) = 2, got 0",
    ),
    (
        "roc",
        "roc",
        (np.array([1.0, np.inf]), 1),
        "values: expected finite numbers or NaN, got inf at index 1",
    ),
    (
        "momentum",
        "momentum",
        (np.array([np.nan, -np.inf]), 1),
        "values: expected finite numbers or NaN, got -inf at index 1",
    ),
    (
        "rolling_std",
        "rolling_std",
        (np.array([1.0]), 2),
        "period: expected an integer >= 1 and <= len(values) = 1, got 2",
    ),
    ("dema", "dema", (np.array([]), 0), "values: expected a non-empty array, got length 0"),
    (
        "tema",
        "tema",
        (np.array([1.0]), 0),
        "period: expected an integer >= 1 and <= len(values) = 1, got 0",
    ),
    (
        "bollinger",
        "bollinger",
        (np.array([1.0]), 1, -1.0),
        "std_factor: expected a finite number >= 0, got -1",
    ),
    (
        "bollinger",
        "bollinger",
        (np.array([1.0]), 1, math.nan),
        "std_factor: expected a finite number >= 0, got NaN",
    ),
    (
        "bollinger",
        "bollinger",
        (np.array([1.0]), 2, -1.0),
        "period: expected an integer >= 1 and <= len(values) = 1, got 2",
    ),
    ("macd", "macd", (np.ones(10), 3, 3, 2), "fast: expected an integer < slow = 3, got 3"),
    (
        "macd",
        "macd",
        (np.ones(10), 0, 3, 2),
        "fast: expected an integer >= 1 and <= len(values) = 10, got 0",
    ),
    (
        "macd",
        "macd",
        (np.ones(10), 2, 11, 2),
        "slow: expected an integer >= 1 and <= len(values) = 10, got 11",
    ),
    (
        "macd",
        "macd",
        (np.ones(10), 2, 3, 0),
        "signal: expected an integer >= 1 and <= len(values) = 10, got 0",
    ),
    (
        "true_range",
        "true_range",
        (np.array([]), np.array([1.0]), np.array([])),
        "high: expected a non-empty array, got length 0",
    ),
    (
        "true_range",
        "true_range",
        (np.ones(2), np.ones(1), np.ones(2)),
        "low: expected length 2 (same as high), got 1",
    ),
    (
        "atr",
        "atr",
        (np.ones(2), np.ones(2), np.ones(3), 1),
        "close: expected length 2 (same as high), got 3",
    ),
    (
        "atr",
        "atr",
        (np.ones(2), np.ones(2), np.ones(2), 3),
        "period: expected an integer >= 1 and <= len(high) = 2, got 3",
    ),
    (
        "dmi",
        "dmi",
        (np.ones(2), np.array([1.0, np.inf]), np.ones(2), 1),
        "low: expected finite numbers or NaN, got inf at index 1",
    ),
    (
        "dmi",
        "dmi",
        (np.array([3.0, 1.0]), np.array([2.0, 2.5]), np.ones(2), 1),
        "high: expected high >= low, got high 1 < low 2.5 at index 1",
    ),
    (
        "choppiness",
        "choppiness",
        (np.ones(3), np.ones(3), np.ones(3), 1),
        "period: expected an integer >= 2 and <= len(high) = 3, got 1",
    ),
]


@pytest.mark.parametrize(("module", "func", "args", "message"), ERRORS)
def test_error_messages(module: str, func: str, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError) as info:  # noqa: PT011 - exact text checked below
        getattr(_mod(module), func)(*args)
    assert str(info.value) == message


def test_state_parameter_errors() -> None:
    with pytest.raises(ValueError, match=re.escape("period: expected an integer >= 1, got 0")):
        _mod("ema").EmaState(0)
    with pytest.raises(ValueError, match=re.escape("period: expected an integer >= 2, got 1")):
        _mod("choppiness").ChoppinessState(1)
    with pytest.raises(ValueError, match=re.escape("fast: expected an integer < slow = 2, got 5")):
        _mod("macd").MacdState(5, 2, 1)


# ---------------------------------------------------------------- Rust parity


def _rust() -> Any:
    """The compiled extension (built wherever these tests run; missing it is a failure)."""
    return importlib.import_module("omega_indicators._rust")


PARITY_SINGLE = ["sma", "ema", "dema", "tema", "rsi", "roc", "momentum", "rolling_std"]


@pytest.mark.parametrize("func", PARITY_SINGLE)
@SETTINGS
@given(data=series_and_period())
def test_rust_and_python_agree_single(func: str, data: Any) -> None:
    rust = _rust()
    x, period, _ = data
    (xn,) = _with_nans(period, x)
    module = "momentum" if func == "momentum" else func
    for arr in (x, xn):
        assert _same(getattr(rust, func)(arr, period), getattr(_mod(module), func)(arr, period))


@SETTINGS
@given(data=bars_and_period(minimum=2))
def test_rust_and_python_agree_bars_and_multi(data: Any) -> None:
    rust = _rust()
    h, lo, c, period = data
    for args in ((h, lo, c), _with_nans(period, h, lo, c)):
        assert _same(rust.true_range(*args), _mod("true_range").true_range(*args))
        assert _same(rust.atr(*args, period), _mod("atr").atr(*args, period))
        assert _same(rust.choppiness(*args, period), _mod("choppiness").choppiness(*args, period))
        for a, b in zip(rust.dmi(*args, period), _mod("dmi").dmi(*args, period), strict=True):
            assert _same(a, b)
        close = args[2]
        for a, b in zip(
            rust.bollinger(close, period, 2.0),
            _mod("bollinger").bollinger(close, period, 2.0),
            strict=True,
        ):
            assert _same(a, b)
        if close.size >= 26:
            for a, b in zip(
                rust.macd(close, 12, 26, 9), _mod("macd").macd(close, 12, 26, 9), strict=True
            ):
                assert _same(a, b)


@pytest.mark.parametrize(("module", "func", "args", "message"), ERRORS)
def test_rust_error_messages_match(
    module: str, func: str, args: tuple[Any, ...], message: str
) -> None:
    rust = _rust()
    with pytest.raises(ValueError) as info:  # noqa: PT011 - exact text checked below
        getattr(rust, func)(*args)
    assert str(info.value) == message
