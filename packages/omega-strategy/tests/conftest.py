from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import omega_execution
import omega_indicators
import omega_portfolio
import omega_strategy
from omega_strategy import BacktestResult, BaseStrategy

FLAGS = {
    "strategy": "OMEGA_USE_RUST_STRATEGY",
    "indicators": "OMEGA_USE_RUST_INDICATORS",
    "execution": "OMEGA_USE_RUST_EXECUTION",
    "portfolio": "OMEGA_USE_RUST_PORTFOLIO",
}
PACKAGES = (omega_strategy, omega_indicators, omega_execution, omega_portfolio)

MODES = {
    # the whole loop in Rust
    "rust": {},
    # the Python event loop with every component on Rust (the hybrid path)
    "hybrid": {"strategy": "0"},
    # the Python event loop with every component's Python fallback
    "python": {name: "0" for name in FLAGS},
}
SCALE = float(os.environ.get("OMEGA_HYPOTHESIS_SCALE", "1"))


@pytest.fixture
def wave() -> str:
    """The wave whose package these tests cover (used by the shared backend-contract tests)."""
    return "strategy"


def reset_backends() -> None:
    """Makes every wave re-read its flag."""
    for package in PACKAGES:
        package._backend.STATE.reset()


@pytest.fixture
def use_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``use_mode("rust" | "hybrid" | "python")`` sets the backend flags of the four waves."""

    def apply(mode: str) -> None:
        for flag in FLAGS.values():
            monkeypatch.delenv(flag, raising=False)
        monkeypatch.delenv("OMEGA_REQUIRE_RUST_FFI", raising=False)
        for wave_name, value in MODES[mode].items():
            monkeypatch.setenv(FLAGS[wave_name], value)
        reset_backends()

    yield apply
    monkeypatch.undo()
    reset_backends()


RunMode = Callable[..., BacktestResult]


@pytest.fixture
def run_mode(use_mode: Callable[[str], None]) -> RunMode:
    """``run_mode(mode, strategy, data, execution_config=None, portfolio_config=None)`` runs a
    backtest in ``mode`` and checks that the loop and the backends of that mode ran."""

    def run(
        mode: str,
        strategy: BaseStrategy,
        data: Any,
        execution_config: dict[str, Any] | None = None,
        portfolio_config: dict[str, Any] | None = None,
    ) -> BacktestResult:
        use_mode(mode)
        result = omega_strategy.run_backtest(strategy, data, execution_config, portfolio_config)
        expected_loop = "rust" if mode == "rust" else "python"
        assert result.loop == expected_loop, (mode, result.loop)
        components = "python" if mode == "python" else "rust"
        for wave_name in ("indicators", "execution", "portfolio"):
            assert result.backends[wave_name] in (components, "none"), (mode, result.backends)
        assert result.backends["strategy"] == ("rust" if mode == "rust" else "python")
        return result

    return run
