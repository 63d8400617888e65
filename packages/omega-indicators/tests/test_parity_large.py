"""Rust vs Python fallback over lengths 0…50k with NaN gaps: identical values and errors.

CI runs a handful of examples; ``nox -s nightly`` multiplies them through
``OMEGA_HYPOTHESIS_SCALE``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import omega_indicators as oi
from omega_indicators._backend import STATE

SCALE = float(os.environ.get("OMEGA_HYPOTHESIS_SCALE", "1"))

CALLS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], Any]] = {
    "sma": lambda c, h, lo: oi.sma(c, 30),
    "ema": lambda c, h, lo: oi.ema(c, 30),
    "dema": lambda c, h, lo: oi.dema(c, 30),
    "tema": lambda c, h, lo: oi.tema(c, 30),
    "rsi": lambda c, h, lo: oi.rsi(c),
    "roc": lambda c, h, lo: oi.roc(c),
    "momentum": lambda c, h, lo: oi.momentum(c),
    "rolling_std": lambda c, h, lo: oi.rolling_std(c, 30),
    "macd": lambda c, h, lo: oi.macd(c),
    "bollinger": lambda c, h, lo: oi.bollinger(c),
    "true_range": lambda c, h, lo: oi.true_range(h, lo, c),
    "atr": lambda c, h, lo: oi.atr(h, lo, c),
    "dmi": lambda c, h, lo: oi.dmi(h, lo, c),
    "choppiness": lambda c, h, lo: oi.choppiness(h, lo, c),
    "zscore": lambda c, h, lo: oi.zscore(c, 60),
    "zscore_ema": lambda c, h, lo: oi.zscore(c, 60, mean_source="ema"),
    "kalman_mean": lambda c, h, lo: oi.kalman_mean(c),
    "kalman_zscore": lambda c, h, lo: oi.kalman_zscore(c, 60),
    "garch_volatility": lambda c, h, lo: oi.garch_volatility(c, min_periods=20),
    "garch_volatility_local": lambda c, h, lo: oi.garch_volatility_local(c, 60, min_periods=20),
    "kalman_garch_zscore": lambda c, h, lo: oi.kalman_garch_zscore(c, min_periods=20),
    "kalman_garch_zscore_local": lambda c, h, lo: oi.kalman_garch_zscore_local(
        c, 60, min_periods=20
    ),
    "vol_cluster_series": lambda c, h, lo: oi.vol_cluster_series(h, lo, c, "garch", 14, 60),
    "ema_stepwise": lambda c, h, lo: oi.ema_stepwise(c[::6], np.arange(len(c)) // 6, 10),
    "bollinger_stepwise": lambda c, h, lo: oi.bollinger_stepwise(c[::6], np.arange(len(c)) // 6),
    "kalman_zscore_stepwise": lambda c, h, lo: oi.kalman_zscore_stepwise(
        c[::6], np.arange(len(c)) // 6, 20
    ),
}


@st.composite
def bars(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.one_of(st.integers(0, 80), st.integers(0, 50_000)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    close = 1.2 * np.exp(np.cumsum(rng.normal(0.0, 1e-3, n)))
    close[rng.random(n) < draw(st.sampled_from([0.0, 0.01, 0.3]))] = np.nan
    spread = np.abs(rng.normal(0.0, 1e-3, n)) * np.nan_to_num(close, nan=1.0)
    return close, close + spread, close - spread


def _run(call: Callable[..., Any], *args: np.ndarray) -> tuple[str, Any]:
    try:
        return "ok", call(*args)
    except ValueError as exc:
        return "error", str(exc)


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@settings(
    max_examples=max(1, int(8 * SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(bars())
def test_backends_agree_on_every_indicator_for_long_series(
    data: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    rust = {name: _run(call, *data) for name, call in CALLS.items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OMEGA_USE_RUST_INDICATORS", "0")
        STATE.reset()
        try:
            python = {name: _run(call, *data) for name, call in CALLS.items()}
        finally:
            patch.undo()
            STATE.reset()
    for name in CALLS:
        (rust_kind, rust_out), (python_kind, python_out) = rust[name], python[name]
        assert rust_kind == python_kind, (name, rust_out, python_out)
        if rust_kind == "error":
            assert rust_out == python_out, name
        elif isinstance(rust_out, tuple):
            assert all(_same(a, b) for a, b in zip(rust_out, python_out, strict=True)), name
        else:
            assert _same(rust_out, python_out), name
