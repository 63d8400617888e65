"""Type stubs of the compiled extension module (built from the Rust binding crate)."""

from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

__version__: str

def self_check() -> bool:
    """Runs the extension's self-check; raises ``RuntimeError`` when it fails."""

def call_count() -> int:
    """Calls the Rust backend of this extension has served in this process."""

def strategy_names() -> list[str]:
    """Names of the strategies implemented in Rust (the Python class names)."""

def boundary_crossings() -> int:
    """Python → Rust entries and Rust → Python returns of ``run_backtest_rust`` so far."""

CandleArgs: TypeAlias = list[
    tuple[
        str,
        str,
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
    ]
]
"""Every native series of the data: (timeframe, side, timestamps µs, open, high, low, close,
volume)."""

def run_backtest_rust(
    strategy: str,
    init_args: str,
    arrays: dict[str, NDArray[np.bool_] | NDArray[np.float64]],
    primary_tf: str,
    candles: CandleArgs,
    execution_config: str,
    portfolio_config: str,
) -> dict[str, Any]:
    """The whole backtest in Rust: tables of columns, the summary and the call counts."""

class StrategyHandle:
    """A registered Rust strategy (no arrays) run bar by bar by the Python event loop."""

    def __init__(
        self,
        strategy: str,
        init_args: str,
        primary_tf: str,
        candles: CandleArgs,
        fill_at: str,
        provided: dict[str, NDArray[np.float64]] | None = None,
    ) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def indicator_calls(self) -> int: ...
    def wants_bar(self, index: int) -> bool: ...
    def evaluate(
        self, index: int, active_positions: int
    ) -> tuple[int, str, str, float, float | None, float | None, str, str, str] | None: ...
    def manage_position(
        self,
        index: int,
        active_positions: int,
        position: tuple[Any, ...],
        fill_index: int,
        bars_held: int,
    ) -> tuple[str, float | None, str | None]: ...
