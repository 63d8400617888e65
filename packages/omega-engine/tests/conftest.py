"""Shared fixtures of the omega-engine tests: small slices of the synthetic dataset."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from omega_engine.data import synthetic_eurusd_m5


@pytest.fixture(scope="session")
def bid_ask() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first 3,000 bars (about two trading weeks, one weekend) of the synthetic dataset."""
    dataset = synthetic_eurusd_m5()
    return dataset.frame("bid").iloc[:3_000], dataset.frame("ask").iloc[:3_000]


@pytest.fixture(scope="session")
def bid_ask_wide(bid_ask: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """The same bars as one table: ``timestamp`` column, ``bid_*`` and ``ask_*`` columns."""
    bid, ask = bid_ask
    wide = pd.concat([bid.add_prefix("bid_"), ask.add_prefix("ask_")], axis=1)
    table: pd.DataFrame = wide.reset_index()
    return table


SameCandles = Callable[[pd.DataFrame, pd.DataFrame], None]


def _same_candles(loaded: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert loaded.index.equals(expected.index)
    for column in ("open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(loaded[column].to_numpy(), expected[column].to_numpy())


@pytest.fixture
def same_candles() -> SameCandles:
    """Asserts exactly the same timestamps and values (no tolerance: loading never changes
    data)."""
    return _same_candles
