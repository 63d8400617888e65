"""The Arrow schemas of the batch APIs and of positions (DESIGN §4), defined once on the Python
side; the Rust side defines the same in ``omega_execution::schema`` and a test asserts they
agree. The ``*_FIELDS`` tuples need no pyarrow; the ``*_schema()`` functions build
``pyarrow.Schema`` objects (pyarrow is the optional extra ``omega-execution[arrow]``)."""

from __future__ import annotations

from typing import Any

TRADE_SIGNAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("timestamp", "timestamp[us, tz=UTC]"),
    ("direction", "string"),
    ("symbol", "string"),
    ("entry", "double"),
    ("sl", "double"),
    ("tp", "double"),
    ("order_type", "string"),
    ("reason", "string"),
    ("scenario", "string"),
)
"""Signal table columns; ``sl``/``tp`` null = none; ``direction``/``order_type`` may also be
integer codes (0 long, 1 short; 0 market, 1 limit, 2 stop); only the first four are required."""

BAR_FIELDS: tuple[tuple[str, str], ...] = (
    ("timestamp", "timestamp[us, tz=UTC]"),
    ("open", "double"),
    ("high", "double"),
    ("low", "double"),
    ("close", "double"),
)
"""Bar table columns of one book side (extra columns such as ``volume`` are ignored)."""

POSITION_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "uint64"),
    ("symbol", "string"),
    ("direction", "string"),
    ("order_type", "string"),
    ("status", "string"),
    ("entry_time", "timestamp[us, tz=UTC]"),
    ("entry_price", "double"),
    ("trigger_time", "timestamp[us, tz=UTC]"),
    ("trigger_price", "double"),
    ("exit_time", "timestamp[us, tz=UTC]"),
    ("exit_price", "double"),
    ("exit_reason", "string"),
    ("initial_stop_loss", "double"),
    ("initial_take_profit", "double"),
    ("stop_loss", "double"),
    ("take_profit", "double"),
    ("size", "double"),
    ("entry_fee", "double"),
    ("exit_fee", "double"),
    ("entry_slippage", "double"),
    ("exit_slippage", "double"),
    ("reason", "string"),
    ("scenario", "string"),
)
"""Position table columns (``ExecutionSimulator.positions_arrow()``)."""


def _pyarrow() -> Any:
    try:
        import pyarrow as pa  # noqa: PLC0415 (optional dependency)
    except ImportError as exc:
        raise ImportError(
            "Arrow schemas need pyarrow: pip install 'omega-execution[arrow]'"
        ) from exc
    return pa


def _type(pa: Any, name: str) -> Any:
    if name.startswith("timestamp"):
        return pa.timestamp("us", tz="UTC")
    return {"string": pa.string(), "double": pa.float64(), "uint64": pa.uint64()}[name]


def _schema(fields: tuple[tuple[str, str], ...]) -> Any:
    pa = _pyarrow()
    return pa.schema([pa.field(name, _type(pa, kind)) for name, kind in fields])


def trade_signal_schema() -> Any:
    """``TRADE_SIGNAL_SCHEMA`` as a ``pyarrow.Schema``."""
    return _schema(TRADE_SIGNAL_FIELDS)


def bar_schema() -> Any:
    """``BAR_SCHEMA`` as a ``pyarrow.Schema``."""
    return _schema(BAR_FIELDS)


def position_schema() -> Any:
    """``POSITION_SCHEMA`` as a ``pyarrow.Schema``."""
    return _schema(POSITION_FIELDS)
