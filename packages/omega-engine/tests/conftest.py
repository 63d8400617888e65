"""Shared fixtures of the omega-engine tests: small slices of the synthetic dataset."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator

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


SetFlags = Callable[..., None]
WAVES = ("indicators", "execution", "portfolio", "strategy")


def _reset_backends() -> None:
    for wave in WAVES:  # every wave re-reads its flag (BackendState caches the selection)
        importlib.import_module(f"omega_{wave}")._backend.STATE.reset()


@pytest.fixture
def set_flags(monkeypatch: pytest.MonkeyPatch) -> Iterator[SetFlags]:
    """``set_flags(use_rust_strategy="0", ...)``: exactly these ``OMEGA_<NAME>`` variables,
    every wave re-selecting its backend; the flags and backends are restored afterwards."""

    def set_only(**flags: str) -> None:
        for name in list(os.environ):
            if name.startswith("OMEGA_"):
                monkeypatch.delenv(name)
        for name, value in flags.items():
            monkeypatch.setenv(f"OMEGA_{name.upper()}", value)
        _reset_backends()

    yield set_only
    monkeypatch.undo()
    _reset_backends()
