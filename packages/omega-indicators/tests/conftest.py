import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def wave() -> str:
    """The wave whose package these tests cover (used by the shared backend-contract tests)."""
    return "indicators"


def make_frames(n_primary: int = 2_000, seed: int = 3) -> dict[str, dict[str, pd.DataFrame]]:
    """Synthetic M5 bid/ask candles plus the H1 candles resampled from them (bar open times)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01T00:00:00Z")
    index = pd.date_range(start, periods=n_primary, freq="5min", name="timestamp")
    mid = 1.1 * np.exp(np.cumsum(rng.normal(0.0, 2e-4, n_primary)))
    spread = 1e-4
    frames: dict[str, dict[str, pd.DataFrame]] = {"M5": {}, "H1": {}}
    for side, shift in (("bid", -spread / 2), ("ask", spread / 2)):
        close = mid + shift
        open_ = np.concatenate([[close[0]], close[:-1]])
        wiggle = np.abs(rng.normal(0.0, 1e-4, n_primary))
        m5 = pd.DataFrame(
            {
                "open": open_,
                "high": np.maximum(open_, close) + wiggle,
                "low": np.minimum(open_, close) - wiggle,
                "close": close,
                "volume": rng.integers(1, 100, n_primary).astype(float),
            },
            index=index,
        )
        frames["M5"][side] = m5
        frames["H1"][side] = m5.resample("1h", label="left", closed="left").agg(
            {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
        )
    return frames


@pytest.fixture(scope="session")
def frames() -> dict[str, dict[str, pd.DataFrame]]:
    """M5 + H1 bid/ask frames (2,000 M5 bars)."""
    return make_frames()
