"""Statistical family: z-score, Kalman, GARCH, vol-cluster, stepwise (HTF) and HTF alignment.

Covers the pure-Python fallback (``omega_indicators._python.<module>``) against hand-computed
values and textbook formulas, the NaN rule (``f(x)[valid] == f(x[valid])``), streaming state ==
batch, the stepwise no-look-ahead guarantee, the exact error messages, and — when the compiled
extension exposes the kernels — Rust/Python parity (<= 1e-12 abs or rel, identical NaNs).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAN = np.nan
FloatArray = np.ndarray[Any, np.dtype[np.float64]]

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _mod(name: str) -> ModuleType:
    """A fallback module by file name (``_python/<name>.py``)."""
    return importlib.import_module(f"omega_indicators._python.{name}")


def _same(a: FloatArray, b: FloatArray) -> bool:
    """Bitwise equal, NaN == NaN."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _close(a: FloatArray, b: FloatArray, tol: float) -> None:
    """Identical NaN positions and ``|a - b| <= tol * max(1, |b|)`` elsewhere."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    err = np.abs(a[ok] - b[ok]) / np.maximum(1.0, np.abs(b[ok]))
    assert err.size == 0 or float(err.max()) <= tol, float(err.max())


# ---------------------------------------------------------------- data


@st.composite
def price_series(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 600, nan_prob: float = 0.1
) -> FloatArray:
    """A positive random walk (FX-like level, small steps), flat stretches, some NaN bars."""
    n = draw(st.integers(min_size, max_size))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    level = draw(st.sampled_from([1.1, 100.0, 25_000.0]))
    step = draw(st.sampled_from([1e-5, 1e-3, 2e-2]))
    r = rng.normal(0.0, step, n)
    r[rng.random(n) < 0.15] = 0.0  # flat bars: exercises constant windows
    x = level * np.exp(np.cumsum(r))
    x[rng.random(n) < nan_prob] = NAN
    return x


def _valid(x: FloatArray) -> tuple[np.ndarray[Any, np.dtype[np.bool_]], FloatArray]:
    mask = ~np.isnan(x)
    return mask, x[mask]


# ---------------------------------------------------------------- error text


def test_fmt_float_renders_like_rust_display() -> None:
    fmt = _mod("errors").fmt_float
    cases = {
        -0.0: "-0",
        1e-7: "0.0000001",
        1e20: "100000000000000000000",
        1.0: "1",
        0.1 + 0.2: "0.30000000000000004",
        math.inf: "inf",
        -math.inf: "-inf",
        math.nan: "NaN",
        123456.789: "123456.789",
        -2.5: "-2.5",
        5e-324: "0." + "0" * 323 + "5",
    }
    for value, text in cases.items():
        assert fmt(value) == text


def _error_cases() -> list[tuple[str, str, tuple[Any, ...], dict[str, Any], str]]:
    """(module, function, args, kwargs, exact message) — the Rust kernels must match."""
    x = np.array([1.0, 2.0, 3.0])
    htf = np.array([1.0, 2.0])
    return [
        ("kalman_mean", "kalman_mean", (np.array([]),), {},
         "values: expected a non-empty array, got length 0"),
        ("kalman_mean", "kalman_mean", (x, 0.0, 1.0), {},
         "R: expected a finite number > 0, got 0"),
        ("kalman_mean", "kalman_mean", (x, 1.0, -0.5), {},
         "Q: expected a finite number > 0, got -0.5"),
        ("kalman_mean", "kalman_mean", (np.array([1.0, np.inf]), 1.0, 1.0), {},
         "values: expected finite numbers or NaN, got inf at index 1"),
        ("kalman_zscore", "kalman_zscore", (x, 4, -1.0, 1.0), {},
         "window: expected an integer >= 1 and <= len(values) = 3, got 4"),
        ("kalman_zscore", "kalman_zscore", (np.array([1.0, -np.inf, 2.0]), 2, 1.0, 1.0), {},
         "values: expected finite numbers or NaN, got -inf at index 1"),
        ("garch_volatility", "garch_volatility", (x,), {"alpha": -0.1},
         "alpha: expected a finite number >= 0, got -0.1"),
        ("garch_volatility", "garch_volatility", (x,), {"alpha": 0.5, "beta": 0.5},
         "alpha + beta: expected a sum < 1 (stationary GARCH(1,1)), got 1"),
        ("garch_volatility", "garch_volatility", (x,), {"omega": 0.0},
         "omega: expected a finite number > 0, or None for variance targeting, got 0"),
        ("garch_volatility", "garch_volatility", (x,), {"scale": 0.0},
         "scale: expected a finite number > 0, got 0"),
        ("garch_volatility", "garch_volatility", (x,), {"min_periods": 0, "alpha": -1.0},
         "min_periods: expected an integer >= 1, got 0"),
        ("garch_volatility", "garch_volatility", (x,), {"sigma_floor": -1e-7},
         "sigma_floor: expected a finite number >= 0, got -0.0000001"),
        ("garch_volatility", "garch_volatility", (np.array([1.0, 0.0, 2.0]),), {},
         "values: expected prices > 0 or NaN (GARCH returns need positive prices),"
         " got 0 at index 1"),
        ("garch_volatility_local", "garch_volatility_local", (x, 2), {"min_periods": 1},
         "lookback: expected an integer >= min_periods + 2 = 3 and <= len(values) = 3,"
         " got 2"),
        ("kalman_garch_zscore", "kalman_garch_zscore", (x, 1.0, 0.0), {},
         "Q: expected a finite number > 0, got 0"),
        ("kalman_garch_zscore", "kalman_garch_zscore_local", (x, 3, 0.0, 1.0),
         {"min_periods": 1}, "R: expected a finite number > 0, got 0"),
        ("kalman_garch_zscore", "kalman_garch_zscore_local", (np.array([1.0, -2.0, 3.0]), 3),
         {"min_periods": 1}, "values: expected prices > 0 or NaN (GARCH returns need"
         " positive prices), got -2 at index 1"),
        ("zscore", "zscore", (x, 2), {"mean_source": "sma"},
         'mean_source: expected one of rolling, ema, got "sma"'),
        ("zscore", "zscore", (x, 0), {},
         "window: expected an integer >= 1 and <= len(values) = 3, got 0"),
        ("zscore", "zscore", (x, 2), {"mean_source": "ema", "ema_period": 9},
         "ema_period: expected an integer >= 1 and <= len(values) = 3, got 9"),
        ("stepwise", "ema_stepwise", (np.array([]), np.array([], dtype=np.int64), 1), {},
         "htf_close: expected a non-empty array, got length 0"),
        ("stepwise", "ema_stepwise", (htf, np.array([0, 2]), 1), {},
         "primary_to_htf: expected integers >= -1 and <= len(htf_close) - 1 = 1,"
         " got 2 at index 1"),
        ("stepwise", "ema_stepwise", (htf, np.array([1, 0]), 1), {},
         "primary_to_htf: expected a non-decreasing index map (time order),"
         " got 0 after 1 at index 1"),
        ("stepwise", "ema_stepwise", (htf, np.array([0, 1]), 3), {},
         "period: expected an integer >= 1 and <= len(htf_close) = 2, got 3"),
        ("stepwise", "kalman_zscore_stepwise", (htf, np.array([0, 1]), 2, 1.0, 0.0), {},
         "Q: expected a finite number > 0, got 0"),
        ("stepwise", "bollinger_stepwise", (htf, np.array([0, 1]), 2, -1.0), {},
         "std_factor: expected a finite number >= 0, got -1"),
        ("vol_cluster", "vol_cluster_series", (x, x, x), {"mode": "atr_points"},
         'mode: expected one of atr, garch, got "atr_points"'),
        ("vol_cluster", "vol_cluster_series", (x, x[:2], x), {"mode": "garch"},
         "low: expected length 3 (same as high), got 2"),
        ("vol_cluster", "vol_cluster_series", (x, x, x),
         {"mode": "garch", "garch_lookback": 4, "min_periods": 1},
         "garch_lookback: expected an integer >= min_periods + 2 = 3 and <= len(close) = 3,"
         " got 4"),
        ("htf_alignment", "primary_to_htf_index", (np.array([0, 5, 5]), 5, np.array([0]), 10),
         {}, "primary_timestamps: expected strictly increasing values (no duplicates, sorted),"
         " got 5 after 5 at index 2"),
        ("htf_alignment", "primary_to_htf_index", (np.array([0]), 0, np.array([0]), 10), {},
         "primary_duration_us: expected an integer > 0 (microseconds), got 0"),
    ]  # fmt: skip


@pytest.mark.parametrize("case", _error_cases(), ids=lambda c: f"{c[1]}:{c[4][:30]}")
def test_error_messages_are_exact(
    case: tuple[str, str, tuple[Any, ...], dict[str, Any], str],
) -> None:
    module, func, args, kwargs, message = case
    fn = getattr(_mod(module), func)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        fn(*args, **kwargs)


def test_wrong_argument_types_are_type_errors() -> None:
    km = _mod("kalman_zscore")
    with pytest.raises(TypeError, match=r"^window: expected an integer, got float$"):
        km.kalman_zscore(np.ones(5), 2.0)
    with pytest.raises(TypeError, match=r"^R: expected a float, got str$"):
        km.kalman_zscore(np.ones(5), 2, "0.1")


def test_inputs_are_not_mutated() -> None:
    x = np.array([1.0, NAN, 1.2, 1.1, 1.3, 1.25])
    x.flags.writeable = False
    before = x.copy()
    _mod("kalman_zscore").kalman_zscore(x, 3)
    _mod("garch_volatility_local").garch_volatility_local(x, 4, min_periods=1)
    _mod("kalman_garch_zscore").kalman_garch_zscore(x, min_periods=2)
    assert _same(x, before)


# ---------------------------------------------------------------- hand-computed values


def test_kalman_mean_hand_computed_and_no_warmup() -> None:
    out = _mod("kalman_mean").kalman_mean(np.array([10.0, 13.0, 4.0]), R=1.0, Q=1.0)
    # x0 = 10, P0 = R = 1; K1 = 2/3 -> 12; P1 = 2/3, K2 = 5/8 -> 7
    np.testing.assert_allclose(out, [10.0, 12.0, 7.0], rtol=0, atol=1e-14)


def test_kalman_mean_equals_the_textbook_recursion() -> None:
    rng = np.random.default_rng(3)
    x = 1.1 + np.cumsum(rng.normal(0, 1e-3, 3000))
    for r, q in [(0.01, 1.0), (100.0, 0.01), (0.5, 0.5)]:
        out = _mod("kalman_mean").kalman_mean(x, r, q)
        xhat, p = x[0], r
        ref = [xhat]
        for y in x[1:]:
            pm = p + q
            k = pm / (pm + r)
            xhat = xhat + k * (y - xhat)
            p = (1 - k) * pm
            ref.append(xhat)
        _close(out, np.array(ref), 1e-13)


def test_zscore_hand_computed_and_versus_two_pass() -> None:
    zs = _mod("zscore")
    z = zs.zscore(np.array([1.0, 2.0, 3.0, 5.0]), 3)
    assert np.isnan(z[:2]).all()
    assert z[2] == pytest.approx(1.0 / math.sqrt(2.0 / 3.0), abs=1e-15)
    assert z[3] == pytest.approx(5.0 / math.sqrt(14.0), abs=1e-15)
    rng = np.random.default_rng(5)
    x = 1.1 * np.exp(np.cumsum(rng.normal(0, 1e-4, 2000)))
    w = 50
    win = np.lib.stride_tricks.sliding_window_view(x, w)
    ref = (x[w - 1 :] - win.mean(axis=1)) / win.std(axis=1)
    _close(zs.zscore(x, w)[w - 1 :], ref, 1e-8)


def test_zero_std_gives_nan_never_inf() -> None:
    zs = _mod("zscore")
    flat = np.full(20, 1.2345)
    assert np.isnan(zs.zscore(flat, 5)).all()
    assert np.isnan(zs.zscore(flat, 5, "ema")).all()
    assert np.isnan(zs.zscore(np.array([1.0, 3.0, 2.0]), 1)).all()  # window 1: std 0
    assert np.isnan(_mod("kalman_zscore").kalman_zscore(flat, 5)).all()
    # a flat stretch after movement is exactly flat (no tiny noisy std)
    z = zs.zscore(np.array([1.1, 1.3, 0.7, 0.1, 0.1, 0.1, 0.1]), 3)
    assert np.isnan(z[5:]).all()
    assert np.isfinite(z[4])


def test_garch_hand_computed_recursion_and_warmup() -> None:
    y = np.array([100.0, 101.0, 100.0, 102.0, 101.0])
    out = _mod("garch_volatility").garch_volatility(y, alpha=0.1, beta=0.8, min_periods=2)
    r = np.log(y[1:] / y[:-1]) * 100.0
    sbar = (r[0] ** 2 + r[1] ** 2) / 2
    omega = sbar * (1 - 0.1 - 0.8)
    v3 = omega + 0.1 * r[1] ** 2 + 0.8 * sbar
    v4 = omega + 0.1 * r[2] ** 2 + 0.8 * v3
    assert np.isnan(out[:3]).all()  # warm-up min_periods + 1 = 3 valid bars
    np.testing.assert_allclose(out[3:], np.sqrt([v3, v4]) / 100.0, rtol=1e-13)


def test_garch_constant_prices_hit_the_floor_and_kalman_garch_z_is_nan() -> None:
    flat = np.full(8, 5.0)
    out = _mod("garch_volatility").garch_volatility(flat, min_periods=2)
    assert (out[3:] == 1e-6 / 100.0).all()
    kg = _mod("kalman_garch_zscore")
    z = kg.kalman_garch_zscore(flat, min_periods=2, sigma_floor=0.0)  # sigma * price = 0
    assert np.isnan(z).all()
    assert (kg.kalman_garch_zscore(flat, min_periods=2)[3:] == 0.0).all()  # resid 0 / floor


@SETTINGS
@given(price_series(min_size=12, max_size=150, nan_prob=0.0), st.integers(1, 4))
def test_garch_local_equals_a_fresh_run_on_each_window(x: FloatArray, m: int) -> None:
    gv, gl = _mod("garch_volatility"), _mod("garch_volatility_local")
    lookback = min(x.size, m + 2 + 5)
    local = gl.garch_volatility_local(x, lookback, min_periods=m)
    for t in range(lookback - 1, x.size):
        fresh = gv.garch_volatility(x[t + 1 - lookback : t + 1], min_periods=m)[-1]
        assert local[t] == pytest.approx(fresh, rel=1e-12)
    assert np.isnan(local[: lookback - 1]).all()


def test_kalman_garch_zscore_composes_its_parts() -> None:
    rng = np.random.default_rng(9)
    x = 1.1 * np.exp(np.cumsum(rng.normal(0, 1e-3, 400)))
    x[[5, 77, 78]] = NAN
    km = _mod("kalman_mean").kalman_mean(x, 0.01, 1.0)
    sg = _mod("garch_volatility").garch_volatility(x, min_periods=20)
    sl = _mod("garch_volatility_local").garch_volatility_local(x, 60, min_periods=20)
    kg = _mod("kalman_garch_zscore")
    with np.errstate(invalid="ignore"):
        assert _same(kg.kalman_garch_zscore(x, min_periods=20), (x - km) / (np.abs(x) * sg))
        assert _same(
            kg.kalman_garch_zscore_local(x, 60, min_periods=20), (x - km) / (np.abs(x) * sl)
        )


def test_vol_cluster_routes_to_atr_or_local_garch() -> None:
    vc = _mod("vol_cluster")
    atr = _mod("atr").atr
    rng = np.random.default_rng(2)
    c = 100 * np.exp(np.cumsum(rng.normal(0, 1e-3, 300)))
    h, lo = c * 1.001, c * 0.999
    assert _same(vc.vol_cluster_series(h, lo, c, "atr", atr_period=14), atr(h, lo, c, 14))
    g = _mod("garch_volatility_local").garch_volatility_local(c, 100, min_periods=10)
    assert _same(vc.vol_cluster_series(h, lo, c, "garch", garch_lookback=100, min_periods=10), g)


# ---------------------------------------------------------------- NaN rule and streaming


def _nan_rule_cases(n_valid: int) -> list[tuple[str, Callable[[FloatArray], FloatArray]]]:
    w = max(1, min(n_valid, 7))
    m = 2
    cases: list[tuple[str, Callable[[FloatArray], FloatArray]]] = [
        ("kalman_mean", lambda v: _mod("kalman_mean").kalman_mean(v, 0.05, 0.5)),
        ("kalman_zscore", lambda v: _mod("kalman_zscore").kalman_zscore(v, w, 0.05, 0.5)),
        ("garch", lambda v: _mod("garch_volatility").garch_volatility(v, min_periods=m)),
        ("kalman_garch", lambda v: _mod("kalman_garch_zscore").kalman_garch_zscore(
            v, min_periods=m)),
    ]  # fmt: skip
    if n_valid >= m + 2:
        lb = min(n_valid, m + 2 + 3)
        cases += [
            ("garch_local", lambda v: _mod("garch_volatility_local").garch_volatility_local(
                v, lb, min_periods=m)),
            ("kalman_garch_local", lambda v: _mod("kalman_garch_zscore").kalman_garch_zscore_local(
                v, lb, min_periods=m)),
        ]  # fmt: skip
    return cases


@SETTINGS
@given(price_series(min_size=1, max_size=400, nan_prob=0.3))
def test_nan_rule_output_on_valid_bars_equals_output_on_compressed_series(x: FloatArray) -> None:
    mask, v = _valid(x)
    if v.size == 0:
        return
    for name, f in _nan_rule_cases(v.size):
        full, compressed = f(x), f(v)
        assert np.isnan(full[~mask]).all(), name
        assert _same(full[mask], compressed), name


@SETTINGS
@given(price_series(min_size=1, max_size=400, nan_prob=0.3))
def test_zscore_nan_rule(x: FloatArray) -> None:
    zs = _mod("zscore")
    mask, v = _valid(x)
    if v.size == 0:
        return
    w = min(v.size, 5)
    for src, p in (("rolling", None), ("ema", min(v.size, 3))):
        full = zs.zscore(x, w, src, p)
        assert np.isnan(full[~mask]).all()
        assert _same(full[mask], zs.zscore(v, w, src, p))


@SETTINGS
@given(price_series(min_size=1, max_size=300, nan_prob=0.2), st.integers(1, 40))
def test_vectorised_rolling_moments_equal_the_streaming_state(x: FloatArray, w: int) -> None:
    rm = _mod("rolling_moments")
    _, v = _valid(x)
    dev, mean_dev, var = rm.rolling_moments(v, w)
    state = rm.RollingMoments(w)
    for t, y in enumerate(v):
        m = state.update(float(y))
        if m is None:
            assert t < w - 1
            assert np.isnan(var[t])
            continue
        assert (m.dev, m.mean_dev, m.var) == (dev[t], mean_dev[t], var[t])


def _state_cases() -> list[tuple[str, Callable[[], Any], Callable[[FloatArray], FloatArray]]]:
    gp = _mod("garch_volatility").GarchParams(min_periods=3)
    kg = _mod("kalman_garch_zscore")
    return [
        ("kalman", lambda: _mod("kalman_mean").KalmanState(0.05, 0.5),
         lambda v: _mod("kalman_mean").kalman_mean(v, 0.05, 0.5)),
        ("kalman_z", lambda: _mod("kalman_zscore").KalmanZScoreState(4, 0.05, 0.5),
         lambda v: _mod("kalman_zscore").kalman_zscore(v, 4, 0.05, 0.5)),
        ("garch", lambda: _mod("garch_volatility").GarchState(gp),
         lambda v: _mod("garch_volatility").garch_volatility(v, min_periods=3)),
        ("garch_local", lambda: _mod("garch_volatility_local").GarchLocalState(8, gp),
         lambda v: _mod("garch_volatility_local").garch_volatility_local(v, 8, min_periods=3)),
        ("kg", lambda: kg.KalmanGarchZScoreState(0.05, 0.5, gp),
         lambda v: kg.kalman_garch_zscore(v, 0.05, 0.5, min_periods=3)),
        ("kg_local", lambda: kg.KalmanGarchZScoreLocalState(8, 0.05, 0.5, gp),
         lambda v: kg.kalman_garch_zscore_local(v, 8, 0.05, 0.5, min_periods=3)),
    ]  # fmt: skip


@SETTINGS
@given(price_series(min_size=8, max_size=200, nan_prob=0.2))
def test_streaming_states_equal_batch_and_peek_does_not_commit(x: FloatArray) -> None:
    for name, make, batch in _state_cases():
        state = make()
        streamed = []
        for y in x:
            p1 = state.peek(float(y))
            p2 = state.peek(float(y))
            u = state.update(float(y))
            assert _same(np.array([p1, p2]), np.array([u, u])), name
            streamed.append(u)
        assert _same(np.array(streamed), batch(x)), name


@SETTINGS
@given(price_series(min_size=5, max_size=200, nan_prob=0.2))
def test_zscore_state_equals_batch(x: FloatArray) -> None:
    zs = _mod("zscore")
    for src in ("rolling", "ema"):
        state = zs.ZScoreState(5, src, 3)
        out = []
        for y in x:
            p = state.peek(float(y))
            u = state.update(float(y))
            assert _same(np.array([p]), np.array([u]))
            out.append(u)
        assert _same(np.array(out), zs.zscore(x, 5, src, 3))


# ---------------------------------------------------------------- HTF alignment and stepwise

MIN = 60_000_000


@st.composite
def timeframes(draw: st.DrawFn) -> tuple[np.ndarray, int, np.ndarray, int]:
    """Primary (M1) and HTF (M5/M15/H1) open timestamps with random gaps in both."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    htf_minutes = draw(st.sampled_from([5, 15, 60]))
    n = draw(st.integers(1, 1500))
    start = int(rng.integers(0, 10)) * MIN
    primary = start + np.cumsum(rng.integers(1, 4, n)) * MIN  # gaps of 0..2 minutes
    span = int(primary[-1] // (htf_minutes * MIN)) + 2
    htf = np.arange(span, dtype=np.int64) * htf_minutes * MIN
    keep = rng.random(span) > 0.1  # missing HTF candles
    keep[0] = True
    return primary.astype(np.int64), MIN, htf[keep], htf_minutes * MIN


@SETTINGS
@given(timeframes())
def test_htf_map_is_the_last_closed_htf_bar(tf: tuple[np.ndarray, int, np.ndarray, int]) -> None:
    primary, pd_, htf, hd = tf
    m = _mod("htf_alignment").primary_to_htf_index(primary, pd_, htf, hd)
    primary_close, htf_close = primary + pd_, htf + hd
    for i, j in enumerate(m):
        if j >= 0:
            assert htf_close[j] <= primary_close[i]  # closed: no look-ahead
        if j + 1 < htf.size:
            assert htf_close[j + 1] > primary_close[i]  # and the latest closed one
    assert (np.diff(m) >= 0).all()
    m2 = _mod("htf_alignment").primary_to_htf_index_from_close(primary_close, htf_close)
    assert (m == m2).all()


@SETTINGS
@given(timeframes(), st.integers(1, 6))
def test_ema_stepwise_is_the_htf_ema_forward_filled(
    tf: tuple[np.ndarray, int, np.ndarray, int], period: int
) -> None:
    sw = _mod("stepwise")
    ema = _mod("ema").ema
    primary, pd_, htf, hd = tf
    rng = np.random.default_rng(htf.size)
    h = 1.1 * np.exp(np.cumsum(rng.normal(0, 1e-3, htf.size)))
    h[rng.random(htf.size) < 0.05] = NAN
    period = min(period, h.size)
    m = _mod("htf_alignment").primary_to_htf_index(primary, pd_, htf, hd)
    out = sw.ema_stepwise(h, m, period)
    e = ema(h, period)
    expected = np.where(m >= 0, e[np.maximum(m, 0)], NAN)
    assert _same(out, expected)


@SETTINGS
@given(timeframes(), st.integers(0, 10_000))
def test_no_primary_bar_sees_an_htf_candle_before_it_closed(
    tf: tuple[np.ndarray, int, np.ndarray, int], pick: int
) -> None:
    """Changing HTF candle j changes nothing on primary bars whose close precedes j's close."""
    sw = _mod("stepwise")
    primary, pd_, htf, hd = tf
    rng = np.random.default_rng(pick)
    h = 1.1 * np.exp(np.cumsum(rng.normal(0, 1e-3, htf.size)))
    m = _mod("htf_alignment").primary_to_htf_index(primary, pd_, htf, hd)
    j = pick % htf.size
    h2 = h.copy()
    h2[j] *= 1.5
    not_closed = primary + pd_ < htf[j] + hd
    w = min(3, h.size)
    kernels: tuple[Callable[[FloatArray], FloatArray], ...] = (
        lambda v: sw.ema_stepwise(v, m, w),
        lambda v: sw.kalman_zscore_stepwise(v, m, w, 0.1, 0.1),
        lambda v: sw.bollinger_stepwise(v, m, w, 2.0)[0],
    )
    for f in kernels:
        a, b = f(h), f(h2)
        assert _same(a[not_closed], b[not_closed])


def test_stepwise_small_example_by_hand() -> None:
    sw = _mod("stepwise")
    # M1 bars opening at minutes 0..11, M5 candles opening at 0, 5, 10 (close 5, 10, 15)
    primary = np.arange(12, dtype=np.int64) * MIN
    htf = np.array([0, 5, 10], dtype=np.int64) * MIN
    m = _mod("htf_alignment").primary_to_htf_index(primary, MIN, htf, 5 * MIN)
    assert m.tolist() == [-1, -1, -1, -1, 0, 0, 0, 0, 0, 1, 1, 1]
    out = sw.ema_stepwise(np.array([1.0, 3.0, 5.0]), m, 1)
    assert _same(out, np.array([NAN] * 4 + [1.0] * 5 + [3.0] * 3))
    # Computing on the carried-forward series instead would drift towards the HTF close:
    carried = np.where(m >= 0, np.array([1.0, 3.0, 5.0])[np.maximum(m, 0)], NAN)
    h_back = sw.htf_series_from_aligned(carried, m)
    assert _same(h_back, np.array([1.0, 3.0]))


def test_bollinger_stepwise_forward_fills_each_band() -> None:
    sw = _mod("stepwise")
    bollinger = _mod("bollinger").bollinger
    h = np.array([1.0, 1.2, 1.1, NAN, 1.4, 1.3])
    m = np.array([-1, 0, 0, 1, 2, 2, 3, 4, 5, 5])
    bands = sw.bollinger_stepwise(h, m, 2, 2.0)
    ref = bollinger(h, 2, 2.0)
    for got, band in zip(bands, ref, strict=True):
        want = np.asarray(band)
        assert _same(got, np.where(m >= 0, want[np.maximum(m, 0)], NAN))


# ---------------------------------------------------------------- Rust parity


def _rust() -> ModuleType:
    """The compiled extension (built wherever these tests run; missing it is a failure)."""
    return importlib.import_module("omega_indicators._rust")


def _parity_cases(n_valid: int) -> list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]:
    w = max(1, min(n_valid, 20))
    cases: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
        ("kalman_mean", "kalman_mean", (0.01, 1.0), {}),
        ("kalman_mean", "kalman_mean", (100.0, 0.01), {}),
        ("kalman_zscore", "kalman_zscore", (w, 0.05, 0.5), {}),
        ("zscore", "zscore", (w,), {}),
        ("zscore", "zscore", (w,), {"mean_source": "ema", "ema_period": max(1, w // 2)}),
        ("garch_volatility", "garch_volatility", (), {"min_periods": 5}),
        ("garch_volatility", "garch_volatility", (),
         {"min_periods": 1, "omega": 0.01, "use_log_returns": False, "sigma_floor": 0.0}),
        ("kalman_garch_zscore", "kalman_garch_zscore", (), {"min_periods": 5}),
    ]  # fmt: skip
    if n_valid >= 7:
        lb = min(n_valid, 30)
        cases += [
            ("garch_volatility_local", "garch_volatility_local", (lb,), {"min_periods": 5}),
            ("kalman_garch_zscore", "kalman_garch_zscore_local", (lb,), {"min_periods": 5}),
        ]
    return cases


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(price_series(min_size=1, max_size=2000, nan_prob=0.1))
def test_rust_and_python_agree(x: FloatArray) -> None:
    rust = _rust()
    n_valid = int((~np.isnan(x)).sum())
    for module, func, args, kwargs in _parity_cases(max(n_valid, 1)):
        py_fn = getattr(_mod(module), func)
        _close(getattr(rust, func)(x, *args, **kwargs), py_fn(x, *args, **kwargs), 1e-12)


@SETTINGS
@given(timeframes(), st.integers(1, 5))
def test_rust_and_python_agree_on_alignment_and_stepwise(
    tf: tuple[np.ndarray, int, np.ndarray, int], period: int
) -> None:
    rust = _rust()
    sw = _mod("stepwise")
    primary, pd_, htf, hd = tf
    m_py = _mod("htf_alignment").primary_to_htf_index(primary, pd_, htf, hd)
    assert (np.asarray(rust.primary_to_htf_index(primary, pd_, htf, hd)) == m_py).all()
    h = 1.1 * np.exp(np.cumsum(np.random.default_rng(period).normal(0, 1e-3, htf.size)))
    p = min(period, h.size)
    _close(rust.ema_stepwise(h, m_py, p), sw.ema_stepwise(h, m_py, p), 1e-12)
    _close(
        rust.kalman_zscore_stepwise(h, m_py, p, 0.1, 0.1),
        sw.kalman_zscore_stepwise(h, m_py, p, 0.1, 0.1),
        1e-12,
    )
    for a, b in zip(
        rust.bollinger_stepwise(h, m_py, p, 2.0),
        sw.bollinger_stepwise(h, m_py, p, 2.0),
        strict=True,
    ):
        _close(a, b, 1e-12)


@pytest.mark.parametrize("case", _error_cases(), ids=lambda c: f"{c[1]}:{c[4][:30]}")
def test_rust_error_messages_match(
    case: tuple[str, str, tuple[Any, ...], dict[str, Any], str],
) -> None:
    rust = _rust()
    _, func, args, kwargs, message = case
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        getattr(rust, func)(*args, **kwargs)
