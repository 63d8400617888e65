//! Execution simulator as a plain Rust library: trade signals become orders and positions;
//! pending limit/stop orders trigger; stop-loss, take-profit, break-even and timeout exits are
//! detected on bid/ask candles and ticks; slippage, fees and risk-based sizing are applied; every
//! fill, exit and fee is written into an [`omega_portfolio::Portfolio`] the simulator owns.
//!
//! The rules are specified, with a worked example each, in
//! `packages/omega-execution/docs/execution_semantics.md`; the pure-Python fallback
//! (`omega_execution._python`) mirrors this crate file for file with the same floating-point
//! operations in the same order.
//!
//! ```
//! use omega_core::{Direction, SymbolSpec};
//! use omega_execution::{Candle, Simulator, SimulatorConfig, TradeSignal};
//! use omega_portfolio::Portfolio;
//!
//! let spec = SymbolSpec::new("EURUSD", 0.00001)
//!     .with_pip_size(0.0001)
//!     .with_tick_value(1.0)
//!     .with_volume(0.01, 100.0, 0.01);
//! let mut sim = Simulator::new(Portfolio::new(10_000.0, "USD", 252.0)?, SimulatorConfig::default())?;
//! sim.add_symbol(spec)?;
//! let signal = TradeSignal::new(0, Direction::Long, "EURUSD", 1.1).with_sl(1.098).with_tp(1.104);
//! let id = sim.process_signal(&signal)?;
//! let bar = Candle::new(3_600_000_000, 1.1, 1.1005, 1.0979, 1.099);
//! assert_eq!(sim.evaluate_exits("EURUSD", &bar, &bar)?, vec![id]);
//! let trade = &sim.portfolio().trades()[0];
//! assert_eq!((trade.size, trade.exit_price, trade.reason.as_str()), (0.5, 1.098, "stop_loss"));
//! # Ok::<(), omega_core::OmegaError>(())
//! ```

pub mod batch;
pub mod candle;
pub mod config;
pub mod exits;
pub mod fees;
mod label_table;
pub mod path;
pub mod pending;
pub mod position;
pub mod schema;
pub mod signal;
pub mod simulator;
pub mod sizing;
pub mod slippage;

pub use batch::{BarColumns, SignalColumns};
pub use candle::{Candle, Tick};
pub use config::{FillAt, SimulatorConfig};
pub use fees::FeeModel;
pub use omega_core::{Direction, OmegaError, OmegaResult, SymbolSpec};
pub use omega_portfolio::Ledger;
pub use path::IntrabarPolicy;
pub use position::{Position, PositionStatus, reason};
pub use signal::{OrderType, TradeSignal};
pub use simulator::{LastQuote, Simulator};
pub use sizing::Sizing;
pub use slippage::SlippageModel;

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
