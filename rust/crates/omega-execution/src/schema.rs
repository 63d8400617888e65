//! The Arrow schemas of the batch APIs and of positions (DESIGN §4), as `(column, Arrow type)`
//! pairs in pyarrow's spelling. Python defines the same in `omega_execution.schemas`; a test
//! asserts the two agree. The Rust crate itself reads plain column slices (no arrow-rs).

/// Columns of a signal table (`process_signals_batch`, `evaluate_exits_batch(signals=…)`);
/// `sl`/`tp` null = none; `direction` / `order_type` may also be integer codes.
pub const TRADE_SIGNAL_SCHEMA: &[(&str, &str)] = &[
    ("timestamp", "timestamp[us, tz=UTC]"),
    ("direction", "string"),
    ("symbol", "string"),
    ("entry", "double"),
    ("sl", "double"),
    ("tp", "double"),
    ("order_type", "string"),
    ("reason", "string"),
    ("scenario", "string"),
];

/// Columns of a bar table of one book side (`evaluate_exits_batch`).
pub const BAR_SCHEMA: &[(&str, &str)] = &[
    ("timestamp", "timestamp[us, tz=UTC]"),
    ("open", "double"),
    ("high", "double"),
    ("low", "double"),
    ("close", "double"),
];

/// Columns of a position table (`ExecutionSimulator.positions_arrow()`), in the order of
/// [`crate::Position`]'s fields; times, trigger/exit prices, levels and `exit_reason` are
/// nullable.
pub const POSITION_SCHEMA: &[(&str, &str)] = &[
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
];
