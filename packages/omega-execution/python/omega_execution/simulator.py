"""The public :class:`ExecutionSimulator`: a thin layer over the Rust or the Python backend.

The backend is chosen once, at construction (``OMEGA_USE_RUST_EXECUTION`` or ``backend=``). With
a :class:`omega_portfolio.Portfolio` on the same backend the simulator builds its own ledger (an
``omega_portfolio`` portfolio of that backend, inside the Rust extension for Rust) and re-points
the portfolio object to a view of it, so ``portfolio.get_summary()``, ``portfolio.trades`` …
show every fill, exit and fee the simulator writes, with no Python between the Rust simulator
and its Rust ledger. With a portfolio on the other backend it writes into that portfolio's own
implementation instead, which the portfolio keeps reading through a guard sending its entries,
exits and symbols through the simulator (``docs/portfolio_sharing.md``). This layer only converts
input and output; every rule is in the backend (``docs/execution_semantics.md``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from omega_portfolio import Portfolio

from . import _convert, schemas
from ._backend import STATE
from ._backend_select import REQUIRE_FLAG, Backend, read_require
from ._guarded_ledger import GuardedLedger
from ._python import binding as _python_binding
from ._python.config import parse_fill_at
from ._python.path import parse_policy
from .types import DurationLike, Position, SymbolSpec

if TYPE_CHECKING:
    from ._python.binding import PositionTuple

Quad = tuple[float, float, float, float]


class _Impl(Protocol):
    """What both backends implement (``omega_execution._rust.ExecutionSimulator`` and
    ``omega_execution._python.binding.PySimulator``)."""

    def add_symbol(self, spec: Any) -> None: ...
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
    def process_signals_batch(self, signals: Any) -> npt.NDArray[np.uint64]: ...
    def evaluate_exits_batch(
        self, symbol: str, bid: Any, ask: Any, signals: Any
    ) -> npt.NDArray[np.uint64]: ...
    def position(self, position_id: int) -> PositionTuple | None: ...
    def positions(self) -> list[PositionTuple]: ...
    def active_ids(self) -> list[int]: ...
    @property
    def next_id(self) -> int: ...
    def last_quote(self, symbol: str) -> tuple[int, float, float] | None: ...
    def symbols(self) -> list[str]: ...


def _resolve_backend(requested: object) -> Backend:
    if requested is None:
        return STATE.backend()
    if requested == "python":
        if read_require(os.environ):
            raise RuntimeError(
                "omega-execution: backend='python' was asked for, but "
                f"{REQUIRE_FLAG}=1 forbids running any wave on Python"
            )
        return "python"
    if requested == "rust":
        if not STATE.rust_available():
            raise RuntimeError(
                "omega-execution: backend='rust' requires the Rust backend, but the extension "
                f"{STATE.extension} is not usable: {STATE.rust_error()}"
            )
        return "rust"
    raise ValueError(f"backend: expected one of 'rust', 'python' or None, got {requested!r}")


def _is_view(impl: object) -> bool:
    if isinstance(impl, (_python_binding.LedgerView, GuardedLedger)):
        return True
    return type(impl).__name__ == "LedgerView" and type(impl).__module__ == "omega_execution._rust"


def _position(t: PositionTuple, metadata: Mapping[str, Any]) -> Position:
    (pid, symbol, direction, order_type, status), times, levels, money, texts = t
    entry_time, entry_price, trigger_time, trigger_price, exit_time, exit_price, exit_reason = times
    # Filled through ``__dict__`` (every field, as the generated ``__init__`` would, which costs
    # one ``object.__setattr__`` per field on a frozen dataclass): about 8x faster, and this is
    # on the loops' per-bar path. Position has no ``__post_init__`` and no slots.
    position: Position = object.__new__(Position)
    position.__dict__.update(
        id=pid,
        symbol=symbol,
        direction=direction,
        order_type=order_type,
        status=status,
        entry_time=entry_time,
        entry_price=entry_price,
        trigger_time=trigger_time,
        trigger_price=trigger_price,
        exit_time=exit_time,
        exit_price=exit_price,
        exit_reason=exit_reason,
        initial_stop_loss=levels[0],
        initial_take_profit=levels[1],
        stop_loss=levels[2],
        take_profit=levels[3],
        size=money[0],
        entry_fee=money[1],
        exit_fee=money[2],
        entry_slippage=money[3],
        exit_slippage=money[4],
        reason=texts[0],
        scenario=texts[1],
        metadata=metadata,
    )
    return position


_FRAME_TIMES = ("entry_time", "trigger_time", "exit_time")


class ExecutionSimulator:
    """Simulated execution of trade signals against bid/ask candles or ticks.

    Args:
        portfolio: an :class:`omega_portfolio.Portfolio` (either backend) that has recorded
            nothing yet (its clock is ``None``); every fill, exit and fee is written into it
            (on the simulator's backend it is re-pointed to the simulator's ledger); its own
            ``register_exit`` refuses the simulator's positions on either backend.
        risk_per_trade: money at risk to the stop per trade (risk sizing), > 0.
        symbol_specs: ``{symbol: SymbolSpec | mapping}`` or a sequence of :class:`SymbolSpec`;
            every symbol the portfolio already knows must be among them (with the same spec).
        pip_buffer_factor: SL/TP trip within ``pip_size · factor`` of their level (>= 0).
        slippage_model: ``NoSlippage()`` (default), ``FixedSlippage(pips)``,
            ``RandomSlippage(max_pips)``.
        fee_model / commission_model: a :class:`FeeModel` (per side), not both.
        seed: seed of the random slippage, an integer in ``[0, 2**64)``.
        intrabar_policy: ``"pessimistic"`` (default), ``"ohlc"`` or ``"adaptive"``.
        fill_at: market orders fill at ``"signal_close"`` (default) or ``"next_open"``.
        sizing: ``"risk"`` (default), ``FixedLots(lots)`` or ``FractionOfEquity(fraction)``.
        timeout: close positions this long after their fill (µs or a timedelta).
        backend: ``"rust"`` or ``"python"`` to override ``OMEGA_USE_RUST_EXECUTION``.

    Bad input raises ``ValueError``/``TypeError`` naming the argument and leaves the simulator
    and the portfolio unchanged. Rules: ``docs/execution_semantics.md``.
    """

    def __init__(
        self,
        portfolio: Portfolio,
        risk_per_trade: float = 100.0,
        symbol_specs: Mapping[str, Any] | Sequence[SymbolSpec] | None = None,
        pip_buffer_factor: float = 0.5,
        slippage_model: object = None,
        fee_model: object = None,
        commission_model: object = None,
        seed: int = 0,
        *,
        intrabar_policy: str = "pessimistic",
        fill_at: str = "signal_close",
        sizing: object = "risk",
        timeout: DurationLike | None = None,
        backend: Backend | None = None,
    ) -> None:
        self._backend: Backend = _resolve_backend(backend)
        if not isinstance(portfolio, Portfolio):
            raise TypeError(
                f"portfolio: expected an omega_portfolio.Portfolio, got {type(portfolio).__name__}"
            )
        impl_of_portfolio: Any = cast(Any, portfolio)._impl
        if _is_view(impl_of_portfolio):
            raise ValueError(
                "portfolio: expected a portfolio not yet driven by an ExecutionSimulator, got one "
                "that is"
            )
        if portfolio.clock is not None:
            raise ValueError(
                "portfolio: expected a portfolio that has recorded nothing yet (no entries, fees "
                f"or equity points), got one whose clock is at {portfolio.clock}"
            )
        if fee_model is not None and commission_model is not None:
            raise TypeError("fee_model: give fee_model or commission_model, not both")
        fee = (
            _convert.fee_args(fee_model, "fee_model")
            if commission_model is None
            else _convert.fee_args(commission_model, "commission_model")
        )
        policy = parse_policy(_convert.to_str(intrabar_policy, "intrabar_policy"))
        when = parse_fill_at(_convert.to_str(fill_at, "fill_at"))
        sizing_kind, sizing_value = _convert.sizing_args(sizing)
        slippage_kind, slippage_pips = _convert.slippage_args(slippage_model)
        specs = self._spec_tuples(symbol_specs)
        known = portfolio.symbols
        missing = sorted(set(known) - {t[0] for t in specs})
        if missing:
            raise ValueError(
                "symbol_specs: expected a spec for every symbol the portfolio knows, missing "
                f"{', '.join(repr(m) for m in missing)}"
            )
        args = (
            portfolio.initial_balance,
            portfolio.account_currency,
            portfolio.annualization,
            _convert.to_float(risk_per_trade, "risk_per_trade"),
            _convert.to_float(pip_buffer_factor, "pip_buffer_factor"),
            policy,
            when,
            sizing_kind,
            sizing_value,
            slippage_kind,
            slippage_pips,
            fee,
            _convert.seed_arg(seed),
            _convert.duration_us(timeout, "timeout"),
        )
        # The portfolio must agree with every spec it already has (a no-op when identical),
        # checked before anything is written.
        for spec in specs:
            if spec[0] in known:
                impl_of_portfolio.add_symbol(spec)
        # Same backend: the simulator owns the ledger and the portfolio becomes a view of it.
        # Different backends: the simulator writes into the portfolio's own implementation
        # (docs/portfolio_sharing.md), so the portfolio wave's backend computes every number,
        # and the portfolio reads it through a guard whose writes go through the view.
        shared = portfolio.backend == self._backend
        ledger = None if shared else impl_of_portfolio
        impl: _Impl
        view: object
        if self._backend == "rust":
            rust = STATE.rust()
            impl = rust.ExecutionSimulator(*args, ledger=ledger)
            view = rust.LedgerView(impl)
        else:
            python_impl = _python_binding.PySimulator(*args, ledger=ledger)
            impl = python_impl
            view = _python_binding.LedgerView(python_impl)
        if not shared:
            view = GuardedLedger(impl_of_portfolio, view)
        for spec in specs:
            impl.add_symbol(spec)
        self._impl = impl
        self._metadata: dict[int, Mapping[str, Any]] = {}
        self._portfolio = portfolio
        cast(Any, portfolio)._impl = view

    @staticmethod
    def _spec_tuples(symbol_specs: object) -> list[Any]:
        if symbol_specs is None:
            return []
        if isinstance(symbol_specs, Mapping):
            return [
                _convert.spec_tuple(spec, _convert.to_str(symbol, "symbol_specs key"))
                for symbol, spec in symbol_specs.items()
            ]
        if isinstance(symbol_specs, Sequence) and not isinstance(symbol_specs, str):
            return [_convert.spec_tuple(spec) for spec in symbol_specs]
        raise TypeError(
            "symbol_specs: expected a mapping {symbol: spec} or a sequence of SymbolSpec, got "
            f"{type(symbol_specs).__name__}"
        )

    # ----- identity -----------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """``"rust"`` or ``"python"``: the implementation serving this simulator."""
        return self._backend

    @property
    def portfolio(self) -> Portfolio:
        """The portfolio the simulator writes into."""
        return self._portfolio

    def __repr__(self) -> str:
        return (
            f"ExecutionSimulator(backend={self._backend!r}, symbols={self.symbols!r}, "
            f"active={len(self._impl.active_ids())})"
        )

    def _symbol(self, symbol: str | None) -> str:
        if symbol is not None:
            return _convert.to_str(symbol, "symbol")
        symbols = self._impl.symbols()
        if len(symbols) == 1:
            return symbols[0]
        raise ValueError(
            "symbol: expected the symbol of the candle or tick (the simulator knows "
            f"{len(symbols)} symbols: {', '.join(map(repr, symbols))}), got None"
        )

    # ----- symbols ------------------------------------------------------------------------

    def add_symbol(self, spec: Any, symbol: str | None = None) -> None:
        """Registers a symbol spec in the simulator and its portfolio."""
        self._impl.add_symbol(_convert.spec_tuple(spec, symbol))

    @property
    def symbols(self) -> list[str]:
        """Symbols with a registered spec."""
        return self._impl.symbols()

    # ----- signals ------------------------------------------------------------------------

    def process_signal(self, signal: object) -> int:
        """Processes a signal (candle mode, R4/R5/R7); returns the position id."""
        args, metadata = _convert.signal_args(signal)
        position_id = self._impl.process_signal(*args)
        if metadata:
            self._metadata[position_id] = metadata
        return position_id

    def process_signal_tick(self, signal: object, tick: object) -> int:
        """Processes a signal against a tick (tick mode, R6); returns the position id."""
        args, metadata = _convert.signal_args(signal)
        position_id = self._impl.process_signal_tick(*args, *_convert.tick_args(tick))
        if metadata:
            self._metadata[position_id] = metadata
        return position_id

    def process_signals_batch(self, signals: object) -> npt.NDArray[np.uint64]:
        """:meth:`process_signal` for every row of a table (pyarrow Table/RecordBatch, pandas
        DataFrame or mapping of columns); returns the position ids (R19)."""
        return self._impl.process_signals_batch(_convert.signal_arrays(signals))

    # ----- bars and ticks -----------------------------------------------------------------

    def evaluate_exits(
        self, bid_candle: object, ask_candle: object = None, symbol: str | None = None
    ) -> list[int]:
        """Evaluates one bar (R7–R14): triggers pending orders, closes positions. ``ask_candle``
        ``None`` means the bid candle (zero spread). Returns the ids closed."""
        t, bid = _convert.candle_args(bid_candle, "bid_candle")
        if ask_candle is None:
            ask_t, ask = t, bid
        else:
            ask_t, ask = _convert.candle_args(ask_candle, "ask_candle")
        if ask_t != t:
            raise ValueError(
                f"ask_candle.timestamp: expected the bid candle's timestamp {t}, got {ask_t}"
            )
        return self._impl.evaluate_exits(self._symbol(symbol), t, bid, ask)

    def evaluate_exits_tick(self, tick: object, symbol: str | None = None) -> list[int]:
        """Evaluates one tick (R6). Returns the ids closed."""
        return self._impl.evaluate_exits_tick(self._symbol(symbol), *_convert.tick_args(tick))

    def evaluate_exits_batch(
        self,
        bid: object,
        ask: object = None,
        symbol: str | None = None,
        signals: object = None,
    ) -> npt.NDArray[np.uint64]:
        """:meth:`evaluate_exits` for every bar of a table, processing ``signals`` (a table)
        after the bar they follow (R19). Returns the ids closed, in closing order."""
        bid_arrays = _convert.bar_arrays(bid, "bid")
        ask_arrays = bid_arrays if ask is None else _convert.bar_arrays(ask, "ask")
        signal_arrays = None if signals is None else _convert.signal_arrays(signals)
        return self._impl.evaluate_exits_batch(
            self._symbol(symbol), bid_arrays, ask_arrays, signal_arrays
        )

    # ----- position actions ---------------------------------------------------------------

    def modify_stop_loss(self, position_id: int, sl: float | None) -> None:
        """Moves (``None``: removes) the stop of a pending or open position (R18)."""
        self._impl.modify_stop_loss(
            _convert.to_id(position_id, "position_id"), _convert.to_optional_float(sl, "sl")
        )

    def modify_take_profit(self, position_id: int, tp: float | None) -> None:
        """Moves (``None``: removes) the target of a pending or open position (R18)."""
        self._impl.modify_take_profit(
            _convert.to_id(position_id, "position_id"), _convert.to_optional_float(tp, "tp")
        )

    def close_position(
        self,
        position_id: int,
        timestamp: object = None,
        price: float | None = None,
        reason: str = "signal",
    ) -> None:
        """Closes an open position at ``price`` (default: the last exit-side close) at
        ``timestamp`` (default: that bar's time), or cancels a pending order (R18)."""
        self._impl.close_position(
            _convert.to_id(position_id, "position_id"),
            None if timestamp is None else _convert.to_micros(timestamp, "timestamp"),
            _convert.to_optional_float(price, "price"),
            _convert.to_str(reason, "reason"),
        )

    # ----- state --------------------------------------------------------------------------

    def position(self, position_id: int) -> Position:
        """The position with ``position_id``."""
        pid = _convert.to_id(position_id, "position_id")
        t = self._impl.position(pid)
        if t is None:
            raise ValueError(f"position_id: expected the id of a position, got {pid} (unknown id)")
        return _position(t, self._metadata.get(pid, {}))

    @property
    def positions(self) -> list[Position]:
        """Every position (any status), in id order."""
        return [_position(t, self._metadata.get(t[0][0], {})) for t in self._impl.positions()]

    @property
    def active_positions(self) -> list[Position]:
        """Pending and open positions, in id order."""
        impl, metadata = self._impl, self._metadata
        # Active ids always have a position (``position`` returns None only for unknown ids).
        return [
            _position(cast("PositionTuple", impl.position(i)), metadata.get(i, {}))
            for i in impl.active_ids()
        ]

    def positions_frame(self) -> pd.DataFrame:
        """:attr:`positions` as a DataFrame (times as ``datetime64[us, UTC]``)."""
        rows = [p.__dict__ for p in self.positions]
        frame: pd.DataFrame = pd.DataFrame(rows, columns=list(Position.__dataclass_fields__))
        for column in _FRAME_TIMES:
            frame[column] = pd.to_datetime(frame[column], unit="us", utc=True)
        return frame

    def positions_arrow(self) -> Any:
        """:attr:`positions` as a ``pyarrow.Table`` with ``schemas.position_schema()`` (needs
        pyarrow)."""
        schema = schemas.position_schema()
        rows = [p.__dict__ for p in self.positions]
        columns = {name: [row[name] for row in rows] for name, _ in schemas.POSITION_FIELDS}
        return schemas._pyarrow().table(columns, schema=schema)

    def last_quote(self, symbol: str | None = None) -> tuple[int, float, float] | None:
        """``(time, bid close, ask close)`` of the last bar or tick seen for ``symbol``."""
        return self._impl.last_quote(self._symbol(symbol))

    @property
    def next_id(self) -> int:
        """The id the next signal gets."""
        return self._impl.next_id
