"""The public :class:`Portfolio`: a thin layer over the Rust or the Python implementation.

The backend is chosen once, at construction (``OMEGA_USE_RUST_PORTFOLIO``, see the package
README, or the ``backend=`` argument), and recorded in :attr:`Portfolio.backend`. This layer
only converts input (dataclasses, mappings, pandas/numpy values) and output (DataFrames, Arrow
tables); all state and every number live in the backend. See ``docs/portfolio.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _convert
from ._backend import STATE
from ._backend_select import REQUIRE_FLAG, Backend, read_require
from ._python.portfolio import Portfolio as _PythonPortfolio
from ._python.symbol_spec import SpecTuple
from .types import Position, SymbolSpec, SymbolSpecLike, TimestampLike

if TYPE_CHECKING:
    from ._rust import Portfolio as _RustPortfolio

Columns = dict[str, Any]
Summary = dict[str, float | int]

_TRADE_TIMES = ("entry_time", "exit_time")
_CURVE_TIMES = ("timestamp",)
_FEE_TIMES = ("time",)


class _Impl(Protocol):
    """What both backends implement (``omega_portfolio._rust.Portfolio`` and
    ``omega_portfolio._python.portfolio.Portfolio``)."""

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
    def summary(self) -> Summary: ...
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
    def trade_columns(self) -> Columns: ...
    def open_position_columns(self) -> Columns: ...
    def equity_curve_columns(self) -> Columns: ...
    def fee_columns(self) -> Columns: ...


def _resolve_backend(requested: object) -> Backend:
    if requested is None:
        return STATE.backend()
    if requested == "python":
        if read_require(os.environ):
            raise RuntimeError(
                "omega-portfolio: backend='python' was asked for, but "
                f"{REQUIRE_FLAG}=1 forbids running any wave on Python"
            )
        return "python"
    if requested == "rust":
        if not STATE.rust_available():
            raise RuntimeError(
                "omega-portfolio: backend='rust' requires the Rust backend, but the extension "
                f"{STATE.extension} is not usable: {STATE.rust_error()}"
            )
        return "rust"
    raise ValueError(f"backend: expected one of 'rust', 'python' or None, got {requested!r}")


def _rust_class() -> type[_RustPortfolio]:
    from ._rust import Portfolio as RustPortfolio  # noqa: PLC0415 (only when Rust is selected)

    return RustPortfolio


def _utc(micros: npt.NDArray[np.int64]) -> pd.DatetimeIndex:
    index: pd.DatetimeIndex = pd.DatetimeIndex(micros.view("datetime64[us]")).tz_localize("UTC")
    return index


def _frame(columns: Columns, times: Sequence[str]) -> pd.DataFrame:
    data = {name: _utc(values) if name in times else values for name, values in columns.items()}
    frame: pd.DataFrame = pd.DataFrame(data)
    return frame


def _arrow_table(columns: Columns, times: Sequence[str]) -> Any:
    try:
        import pyarrow as pa  # noqa: PLC0415 (optional dependency)
    except ImportError as exc:
        raise ImportError(
            "Arrow output needs pyarrow: pip install 'omega-portfolio[arrow]'"
        ) from exc
    arrays: dict[str, Any] = {}
    for name, values in columns.items():
        if name in times:
            # Zero-copy: the int64 µs buffer becomes the timestamp array's data buffer.
            arrays[name] = pa.Array.from_buffers(
                pa.timestamp("us", tz="UTC"), len(values), [None, pa.py_buffer(values)]
            )
        elif isinstance(values, np.ndarray):
            arrays[name] = pa.array(values)  # zero-copy for numeric columns without nulls
        else:
            arrays[name] = pa.array(values, type=pa.string())
    return pa.table(arrays)


class Portfolio:
    """Cash, positions on any number of symbols, fees, equity curve and statistics.

    Args:
        initial_balance: starting cash (> 0), in ``account_currency``.
        account_currency: currency of balance, PnL and fees.
        annualization: daily returns per year for Sharpe and Sortino (default 252).
        symbol_specs: ``{symbol: SymbolSpec | mapping}`` or a sequence of :class:`SymbolSpec`.
        backend: ``"rust"`` or ``"python"`` to override ``OMEGA_USE_RUST_PORTFOLIO`` for this
            object (``OMEGA_REQUIRE_RUST_FFI=1`` still forbids ``"python"``); ``None`` follows
            the flag.

    Timestamps are int µs since the epoch (UTC) or pandas/datetime/numpy instants; they must
    never go backwards across calls. Bad input raises ``ValueError``/``TypeError`` and leaves
    the portfolio unchanged.
    """

    def __init__(
        self,
        initial_balance: float,
        account_currency: str = "USD",
        annualization: float = 252.0,
        symbol_specs: Mapping[str, SymbolSpecLike] | Sequence[SymbolSpec] | None = None,
        *,
        backend: Backend | None = None,
    ) -> None:
        self._backend: Backend = _resolve_backend(backend)
        cls: type[_Impl] = _rust_class() if self._backend == "rust" else _PythonPortfolio
        self._impl: _Impl = cls(
            _convert.to_float(initial_balance, "initial_balance"),
            _convert.to_str(account_currency, "account_currency"),
            _convert.to_float(annualization, "annualization"),
        )
        specs: object = symbol_specs
        if specs is None:
            return
        if isinstance(specs, Mapping):
            for symbol, spec in specs.items():
                self.add_symbol(spec, _convert.to_str(symbol, "symbol_specs key"))
        elif isinstance(specs, Sequence) and not isinstance(specs, str):
            for spec in specs:
                self.add_symbol(spec)
        else:
            raise TypeError(
                "symbol_specs: expected a mapping {symbol: spec} or a sequence of SymbolSpec, "
                f"got {type(specs).__name__}"
            )

    @property
    def backend(self) -> Backend:
        """``"rust"`` or ``"python"``: the implementation serving this portfolio."""
        return self._backend

    def __repr__(self) -> str:
        return (
            f"Portfolio(backend={self._backend!r}, balance={self._impl.balance!r}, "
            f"open_positions={self._impl.open_count})"
        )

    # ----- calls --------------------------------------------------------------------------

    def add_symbol(self, spec: SymbolSpecLike, symbol: str | None = None) -> None:
        """Registers a symbol spec (the same spec again is a no-op, a different one an error)."""
        self._impl.add_symbol(_convert.spec_tuple(spec, symbol))

    def register_entry(self, position: Position | Mapping[str, Any] | object) -> None:
        """Opens a position (a :class:`Position`, a mapping or an object with its fields)."""
        self._impl.register_entry(*_convert.position_args(position))

    def register_exit(
        self, position_id: int, exit_time: TimestampLike, exit_price: float, reason: str
    ) -> None:
        """Closes an open position; its gross PnL goes to the balance and a trade is recorded."""
        self._impl.register_exit(
            _convert.to_id(position_id, "position_id"),
            _convert.to_micros(exit_time, "exit_time"),
            _convert.to_float(exit_price, "exit_price"),
            _convert.to_str(reason, "reason"),
        )

    def register_fee(
        self,
        amount: float,
        time: TimestampLike,
        kind: str = "commission",
        position_id: int | None = None,
    ) -> None:
        """Takes a fee (>= 0) from the balance; with ``position_id`` it is also charged to that
        position's trade (open or already closed)."""
        self._impl.register_fee(
            _convert.to_float(amount, "amount"),
            _convert.to_micros(time, "time"),
            _convert.to_str(kind, "kind"),
            None if position_id is None else _convert.to_id(position_id, "position_id"),
        )

    def update_equity(
        self, timestamp: TimestampLike, marks: Mapping[str, Any] | None = None
    ) -> float:
        """Records ``marks`` (``{symbol: (bid, ask)}``; longs are marked at the bid, shorts at
        the ask, unlisted symbols keep their last quote) and appends an equity point at
        ``timestamp``. Returns the equity."""
        symbols: list[str] = []
        bids: list[float] = []
        asks: list[float] = []
        for key, value in (marks or {}).items():
            symbol = _convert.symbol_key(key)
            bid, ask = _convert.quote(value, symbol)
            symbols.append(symbol)
            bids.append(bid)
            asks.append(ask)
        return self._impl.update_equity(
            _convert.to_micros(timestamp, "timestamp"), symbols, bids, asks
        )

    def update_equity_batch(self, timestamps: Any, marks: Mapping[str, Any]) -> None:
        """:meth:`update_equity` for many rows in one call: ``timestamps`` (int64 µs or
        datetime64, non-decreasing) and ``{symbol: (bid_array, ask_array)}`` of the same
        length. All rows are validated before any is recorded."""
        ts = _convert.to_micros_array(timestamps, "timestamps")
        symbols: list[str] = []
        bids: list[npt.NDArray[np.float64]] = []
        asks: list[npt.NDArray[np.float64]] = []
        for key, value in marks.items():
            symbol = _convert.symbol_key(key)
            name = f"marks[{symbol}]"
            if isinstance(value, Mapping):
                bid, ask = value.get("bid"), value.get("ask")
            elif isinstance(value, Sequence) and len(value) == 2:
                bid, ask = value
            else:
                raise TypeError(
                    f"{name}: expected a (bid_array, ask_array) pair or a mapping with 'bid' "
                    f"and 'ask', got {type(value).__name__}"
                )
            symbols.append(symbol)
            bids.append(_convert.to_price_array(bid, f"{name}.bid"))
            asks.append(_convert.to_price_array(ask, f"{name}.ask"))
        self._impl.update_equity_batch(ts, symbols, bids, asks)

    def get_summary(self) -> Summary:
        """The summary statistics (keys and formulas in ``docs/statistics.md``)."""
        return self._impl.summary()

    # ----- state --------------------------------------------------------------------------

    @property
    def initial_balance(self) -> float:
        """Starting cash."""
        return self._impl.initial_balance

    @property
    def account_currency(self) -> str:
        """Currency of balance, PnL and fees."""
        return self._impl.account_currency

    @property
    def annualization(self) -> float:
        """Daily returns per year used by Sharpe and Sortino."""
        return self._impl.annualization

    @property
    def balance(self) -> float:
        """Cash: initial balance + realized gross PnL − fees."""
        return self._impl.balance

    @property
    def equity(self) -> float:
        """``balance + unrealized_pnl`` at the last marks."""
        return self._impl.equity

    @property
    def unrealized_pnl(self) -> float:
        """PnL of the open positions at their symbols' last marks."""
        return self._impl.unrealized_pnl

    @property
    def total_fees(self) -> float:
        """Sum of every fee registered."""
        return self._impl.total_fees

    @property
    def peak_equity(self) -> float:
        """Highest equity on the curve (at least the initial balance)."""
        return self._impl.peak_equity

    @property
    def drawdown(self) -> float:
        """``peak_equity`` minus the last equity point (0 before any point)."""
        return self._impl.drawdown

    @property
    def clock(self) -> int | None:
        """Latest timestamp seen (µs UTC); later calls must not go before it."""
        return self._impl.clock

    @property
    def symbols(self) -> list[str]:
        """Symbols with a registered spec."""
        return self._impl.symbols()

    @property
    def trades(self) -> pd.DataFrame:
        """Closed trades in closing order (one row per exit)."""
        return _frame(self._impl.trade_columns(), _TRADE_TIMES)

    @property
    def open_positions(self) -> pd.DataFrame:
        """Open positions in entry order, with fees so far and unrealized PnL."""
        return _frame(self._impl.open_position_columns(), _TRADE_TIMES)

    @property
    def equity_curve(self) -> pd.DataFrame:
        """One row per equity point: timestamp, equity, balance, peak, drawdown, drawdown_pct."""
        return _frame(self._impl.equity_curve_columns(), _CURVE_TIMES)

    @property
    def fees(self) -> pd.DataFrame:
        """Every fee in registration order (``position_id`` is <NA> for account-level fees)."""
        columns = self._impl.fee_columns()
        has_position = columns.pop("has_position")
        columns["position_id"] = pd.arrays.IntegerArray(columns["position_id"], ~has_position)
        return _frame(columns, _FEE_TIMES)

    def trades_arrow(self) -> Any:
        """:attr:`trades` as a ``pyarrow.Table`` (numeric columns zero-copy; needs pyarrow)."""
        return _arrow_table(self._impl.trade_columns(), _TRADE_TIMES)

    def equity_curve_arrow(self) -> Any:
        """:attr:`equity_curve` as a ``pyarrow.Table`` (zero-copy columns; needs pyarrow)."""
        return _arrow_table(self._impl.equity_curve_columns(), _CURVE_TIMES)
