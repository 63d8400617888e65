"""Golden file: SHA-256 of every indicator output on a fixed seeded 50k-bar dataset.

Any change in any output bit fails this test, on either backend. After a deliberate change of
arithmetic, regenerate and commit the file (and say why in the commit):

    OMEGA_UPDATE_GOLDEN=1 uv run pytest packages/omega-indicators/tests/test_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import omega_indicators as oi
from omega_indicators._backend import STATE

GOLDEN = Path(__file__).parent / "golden" / "indicators_sha256.json"
N_BARS = 50_000


def _dataset() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20_261_121)
    vol = 1e-4 * np.exp(np.cumsum(rng.normal(0.0, 0.02, N_BARS)))
    close = 1.1 * np.exp(np.cumsum(rng.normal(0.0, 1.0, N_BARS) * vol))
    close[rng.random(N_BARS) < 0.002] = np.nan
    wiggle = np.abs(rng.normal(0.0, 1.0, N_BARS)) * vol * close
    return {"close": close, "high": close + wiggle, "low": close - wiggle}


def _outputs(d: dict[str, np.ndarray]) -> Iterator[tuple[str, np.ndarray]]:
    c, h, lo = d["close"], d["high"], d["low"]
    htf_map = np.arange(N_BARS, dtype=np.int64) // 12 - 1
    htf = c[11::12].copy()
    calls: dict[str, Any] = {
        "sma": oi.sma(c, 20),
        "ema": oi.ema(c, 20),
        "dema": oi.dema(c, 20),
        "tema": oi.tema(c, 20),
        "rsi": oi.rsi(c),
        "roc": oi.roc(c),
        "momentum": oi.momentum(c),
        "rolling_std": oi.rolling_std(c, 20),
        "macd": oi.macd(c),
        "bollinger": oi.bollinger(c),
        "true_range": oi.true_range(h, lo, c),
        "atr": oi.atr(h, lo, c),
        "dmi": oi.dmi(h, lo, c),
        "choppiness": oi.choppiness(h, lo, c),
        "zscore": oi.zscore(c, 100),
        "zscore_ema": oi.zscore(c, 100, mean_source="ema", ema_period=50),
        "kalman_mean": oi.kalman_mean(c),
        "kalman_zscore": oi.kalman_zscore(c, 100),
        "garch_volatility": oi.garch_volatility(c),
        "garch_volatility_local": oi.garch_volatility_local(c),
        "kalman_garch_zscore": oi.kalman_garch_zscore(c),
        "kalman_garch_zscore_local": oi.kalman_garch_zscore_local(c),
        "vol_cluster_series_atr": oi.vol_cluster_series(h, lo, c, "atr"),
        "vol_cluster_series_garch": oi.vol_cluster_series(h, lo, c, "garch"),
        "ema_stepwise": oi.ema_stepwise(htf, htf_map, 20),
        "bollinger_stepwise": oi.bollinger_stepwise(htf, htf_map),
        "kalman_zscore_stepwise": oi.kalman_zscore_stepwise(htf, htf_map, 50),
    }
    for name, value in calls.items():
        if isinstance(value, tuple):
            fields: tuple[str, ...] = getattr(value, "_fields")  # noqa: B009 - NamedTuples
            for field, array in zip(fields, value, strict=True):
                yield f"{name}.{field}", array
        else:
            yield name, value


def _digest(array: np.ndarray) -> str:
    canonical = np.where(np.isnan(array), np.nan, array).astype("<f8")
    return hashlib.sha256(canonical.tobytes()).hexdigest()


def _hashes() -> dict[str, str]:
    return {name: _digest(array) for name, array in _outputs(_dataset())}


@pytest.mark.parametrize("backend", ["rust", "python"])
def test_every_output_matches_the_golden_hashes(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "1" if backend == "rust" else "0")
    STATE.reset()
    try:
        assert oi.backend() == backend
        hashes = _hashes()
    finally:
        monkeypatch.undo()
        STATE.reset()
    if os.environ.get("OMEGA_UPDATE_GOLDEN") == "1" and backend == "rust":
        GOLDEN.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n")
    golden = json.loads(GOLDEN.read_text())
    assert sorted(hashes) == sorted(golden)
    drifted = [name for name in golden if hashes[name] != golden[name]]
    assert not drifted, f"{backend}: outputs drifted from the golden file: {drifted}"


def test_outputs_are_deterministic_across_runs() -> None:
    assert _hashes() == _hashes()
