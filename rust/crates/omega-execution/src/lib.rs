//! Execution simulator as a plain Rust library: trade signals become orders and positions;
//! pending limit/stop orders trigger; stop-loss, take-profit and break-even exits are
//! detected on bid/ask candles and ticks; slippage, fees and risk-based sizing are applied.
//!
//! No Python dependency; `omega-execution-py` binds it as `omega_execution._rust`.

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
