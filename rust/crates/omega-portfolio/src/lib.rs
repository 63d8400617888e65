//! Portfolio ledger as a plain Rust library: balance, open positions, closed trades, fees,
//! equity curve, drawdown and summary statistics, with deterministic money math.
//!
//! No Python dependency; `omega-portfolio-py` binds it as `omega_portfolio._rust`, and the
//! execution simulator and the Rust backtest loop use [`Portfolio`] directly.
//!
//! ```
//! use omega_core::{Direction, SymbolSpec};
//! use omega_portfolio::{Mark, Portfolio, Position};
//!
//! let mut p = Portfolio::new(10_000.0, "USD", 252.0)?;
//! p.add_symbol(SymbolSpec::new("ES", 0.25).with_tick_value(12.5))?; // 50 USD per point
//! p.register_entry(Position::new(1, "ES", Direction::Long, 1.0, 0, 4000.0).with_stop_loss(3990.0))?;
//! p.register_fee(2.5, 0, "commission", Some(1))?;
//! let equity = p.update_equity(60_000_000, &[Mark { symbol: "ES", bid: 4004.0, ask: 4004.25 }])?;
//! assert_eq!(equity, 10_000.0 - 2.5 + 200.0);
//! let trade = p.register_exit(1, 120_000_000, 4010.0, "take_profit")?;
//! assert_eq!((trade.pnl, trade.net_pnl(), trade.r_multiple()), (500.0, 497.5, 0.995));
//! assert_eq!(p.balance(), 10_497.5);
//! # Ok::<(), omega_core::OmegaError>(())
//! ```

pub mod equity_curve;
pub mod fee;
pub mod ledger;
pub mod marks;
mod open_book;
pub mod pnl;
pub mod portfolio;
pub mod position;
pub mod statistics;
pub mod trade;

pub use equity_curve::{DrawdownColumns, DrawdownStats, EquityCurve};
pub use fee::Fee;
pub use ledger::Ledger;
pub use marks::{Mark, Quote, SymbolMarks};
pub use omega_core::{Direction, Label, OmegaError, OmegaResult, SymbolSpec};
pub use portfolio::{MAX_TIME_US, Portfolio};
pub use position::{OpenPosition, Position};
pub use statistics::{StatsInput, Summary, SummaryValue};
pub use trade::Trade;

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
