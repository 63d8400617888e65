"""Type stubs of the compiled extension module (built from the Rust binding crate
``rust/crates/omega-execution-py``). ``omega_execution._python.binding`` implements the same
classes in Python."""

from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

SpecTuple = tuple[str, float, float, float | None, float | None, float, float, float, str, str, str]
PositionTuple = tuple[
    tuple[int, str, str, str, str],
    tuple[int, float, int | None, float | None, int | None, float | None, str | None],
    tuple[float | None, float | None, float | None, float | None],
    tuple[float, float, float, float, float],
    tuple[str, str],
]
Quad = tuple[float, float, float, float]
BarArrays = tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]
SignalArrays = tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.uint8],
    npt.NDArray[np.uint32],
    list[str],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.uint8],
    npt.NDArray[np.uint32],
    list[str],
    npt.NDArray[np.uint32],
    list[str],
]

def self_check() -> bool:
    """Runs the extension's self-check; raises ``RuntimeError`` when it fails."""

def call_count() -> int:
    """Calls the Rust backend of this extension has served in this process."""

class ExecutionSimulator:
    """The core simulator; owns the portfolio ledger it writes into."""

    def __init__(
        self,
        initial_balance: float,
        account_currency: str,
        annualization: float,
        risk_per_trade: float,
        pip_buffer_factor: float,
        intrabar_policy: str,
        fill_at: str,
        sizing_kind: str,
        sizing_value: float,
        slippage_kind: str,
        slippage_pips: float,
        fee: tuple[float, float, float] | None,
        seed: int,
        timeout_us: int | None,
        ledger: Any = None,
    ) -> None: ...
    def add_symbol(self, spec: SpecTuple) -> None: ...
    def process_signal(
        self,
        timestamp: int,
        direction: str,
        symbol: str,
        entry: float,
        sl: float | None,
        tp: float | None,
        order_type: str,
        reason: str,
        scenario: str,
    ) -> int: ...
    def process_signal_tick(
        self,
        timestamp: int,
        direction: str,
        symbol: str,
        entry: float,
        sl: float | None,
        tp: float | None,
        order_type: str,
        reason: str,
        scenario: str,
        tick_time: int,
        bid: float,
        ask: float,
    ) -> int: ...
    def evaluate_exits(self, symbol: str, timestamp: int, bid: Quad, ask: Quad) -> list[int]: ...
    def evaluate_exits_tick(
        self, symbol: str, timestamp: int, bid: float, ask: float
    ) -> list[int]: ...
    def modify_stop_loss(self, position_id: int, sl: float | None) -> None: ...
    def modify_take_profit(self, position_id: int, tp: float | None) -> None: ...
    def close_position(
        self, position_id: int, timestamp: int | None, price: float | None, reason: str
    ) -> None: ...
    def process_signals_batch(self, signals: SignalArrays) -> npt.NDArray[np.uint64]: ...
    def evaluate_exits_batch(
        self, symbol: str, bid: BarArrays, ask: BarArrays, signals: SignalArrays | None
    ) -> npt.NDArray[np.uint64]: ...
    def position(self, position_id: int) -> PositionTuple | None: ...
    def positions(self) -> list[PositionTuple]: ...
    def active_ids(self) -> list[int]: ...
    @property
    def next_id(self) -> int: ...
    def last_quote(self, symbol: str) -> tuple[int, float, float] | None: ...
    def symbols(self) -> list[str]: ...

class LedgerView:
    """The simulator's ledger with the interface of ``omega_portfolio._rust.Portfolio``."""

    def __init__(self, simulator: ExecutionSimulator) -> None: ...
    @property
    def simulator(self) -> ExecutionSimulator: ...
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

def schemas() -> list[tuple[str, list[tuple[str, str]]]]:
    """The Rust side's Arrow schemas: ``[(name, [(column, type), …]), …]``."""
