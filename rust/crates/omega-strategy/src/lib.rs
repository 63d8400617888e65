//! Strategies and the whole backtest loop in Rust.
//!
//! Links `omega-indicators`, `omega-execution` and `omega-portfolio` as plain Rust
//! dependencies so a backtest runs start to finish without crossing into Python:
//! [`run_backtest`] steps a [`Strategy`] through [`MarketData`] with the execution simulator
//! and its portfolio. `omega-strategy-py` binds it as `omega_strategy._rust`, whose
//! `run_backtest_rust` crosses the Python boundary exactly twice (in, out).
//!
//! Strategies: [`MeanReversionZScore`] (the reference strategy, rules in
//! `packages/omega-strategy/docs/mean_reversion_z_score.md`) and [`SignalStrategy`]
//! (precomputed entry/exit masks), found by name through [`registry`].

pub mod backtest;
pub mod bar_scan;
pub mod cache;
pub mod config;
pub mod data;
pub mod data_slice;
pub mod event_scan;
pub mod mean_reversion_z_score;
pub mod registry;
pub mod results;
pub mod signal_strategy;
pub mod strategy;

pub use backtest::{ActionRecord, BacktestConfig, BacktestResult, SignalRecord, run_backtest};
pub use bar_scan::BarScan;
pub use cache::{IndicatorCache, IndicatorId, InitContext, ProvidedIndicators};
pub use data::{MarketData, Series};
pub use data_slice::DataSlice;
pub use mean_reversion_z_score::{MeanReversionConfig, MeanReversionZScore};
pub use omega_execution::{OrderType, TradeSignal};
pub use registry::{StrategyInputs, create, names};
pub use signal_strategy::{SignalConfig, SignalStrategy};
pub use strategy::{PositionAction, PositionView, Strategy};

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Versions of the core crates this strategy crate was linked with, in loop order.
pub fn linked_versions() -> [(&'static str, &'static str); 4] {
    [
        ("omega-indicators", omega_indicators::VERSION),
        ("omega-execution", omega_execution::VERSION),
        ("omega-portfolio", omega_portfolio::VERSION),
        ("omega-strategy", VERSION),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_all_three_component_crates_at_the_workspace_version() {
        for (name, version) in linked_versions() {
            assert_eq!(version, VERSION, "{name}");
        }
    }
}
