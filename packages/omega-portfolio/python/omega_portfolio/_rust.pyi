"""Type stubs of the compiled extension module (built from the Rust binding crate
``rust/crates/omega-portfolio-py``). The public API is ``omega_portfolio.Portfolio``, which
normalises user input into these plain arguments."""

from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

SpecTuple = tuple[str, float, float, float | None, float | None, float, float, float, str, str, str]

def self_check() -> bool:
    """Runs the extension's self-check; raises ``RuntimeError`` when it fails."""

def call_count() -> int:
    """Calls the Rust backend of this extension has served in this process."""

class Portfolio:
    """The Rust portfolio ledger (``omega_portfolio::Portfolio``)."""

    def __init__(
        self, initial_balance: float, account_currency: str, annualization: float
    ) -> None: ...
    def add_symbol(self, spec: SpecTuple) -> None: ...
    def register_entry(
        self,
        id: int,
        symbol: str,
        direction: str,
        size: float,
        entry_time: int,
        entry_price: float,
        stop_loss: float | None,
        take_profit: float | None,
        symbol_spec: SpecTuple | None,
    ) -> None: ...
    def register_exit(
        self, position_id: int, exit_time: int, exit_price: float, reason: str
    ) -> None: ...
    def register_fee(
        self, amount: float, time: int, kind: str, position_id: int | None
    ) -> None: ...
    def update_equity(
        self, timestamp: int, symbols: list[str], bids: list[float], asks: list[float]
    ) -> float: ...
    def update_equity_batch(
        self,
        timestamps: npt.NDArray[np.int64],
        symbols: list[str],
        bids: list[npt.NDArray[np.float64]],
        asks: list[npt.NDArray[np.float64]],
    ) -> None: ...
    def summary(self) -> dict[str, float | int]: ...
    @property
    def initial_balance(self) -> float: ...
    @property
    def account_currency(self) -> str: ...
    @property
    def annualization(self) -> float: ...
    @property
    def balance(self) -> float: ...
    @property
    def equity(self) -> float: ...
    @property
    def unrealized_pnl(self) -> float: ...
    @property
    def total_fees(self) -> float: ...
    @property
    def peak_equity(self) -> float: ...
    @property
    def drawdown(self) -> float: ...
    @property
    def clock(self) -> int | None: ...
    @property
    def open_count(self) -> int: ...
    def symbols(self) -> list[str]: ...
    def trade_columns(self) -> dict[str, Any]: ...
    def open_position_columns(self) -> dict[str, Any]: ...
    def equity_curve_columns(self) -> dict[str, Any]: ...
    def fee_columns(self) -> dict[str, Any]: ...
