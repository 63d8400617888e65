//! Portfolio ledger as a plain Rust library: balance, open positions, closed trades, fees,
//! equity curve, drawdown and summary statistics, with deterministic money math.
//!
//! No Python dependency; `omega-portfolio-py` binds it as `omega_portfolio._rust`.

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
