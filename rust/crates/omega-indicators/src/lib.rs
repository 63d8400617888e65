//! Technical indicators over `f64` series, as plain Rust functions (slices in, vectors out).
//!
//! Where TA-Lib has an indicator, the kernel matches TA-Lib's output (lookback, seeding,
//! zero-division rules); where a NaN appears in the input, the output is NaN at that position
//! and the recursive state carries across it. This crate has no Python dependency; the
//! `omega-indicators-py` crate binds it as `omega_indicators._rust`.

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

// Statistical family (z-score, Kalman, GARCH, stepwise HTF) and its helpers.
pub mod batch;
pub mod garch_volatility;
pub mod garch_volatility_local;
pub mod htf_alignment;
pub mod kalman_garch_zscore;
pub mod kalman_mean;
pub mod kalman_zscore;
pub mod rolling_moments;
#[cfg(test)]
mod stat_stream_tests;
mod stat_validate;
pub mod stepwise;
pub mod vol_cluster;
pub mod zscore;

pub use garch_volatility::{GarchParams, garch_volatility};
pub use garch_volatility_local::garch_volatility_local;
pub use htf_alignment::{primary_to_htf_index, primary_to_htf_index_from_close};
pub use kalman_garch_zscore::{kalman_garch_zscore, kalman_garch_zscore_local};
pub use kalman_mean::kalman_mean;
pub use kalman_zscore::kalman_zscore;
pub use stepwise::{bollinger_stepwise, ema_stepwise, kalman_zscore_stepwise};
pub use vol_cluster::{VolClusterMode, VolClusterState, vol_cluster_series};
pub use zscore::{MeanSource, zscore};

// TA-Lib family (sma … choppiness) and its shared helpers.
pub mod atr;
pub mod bollinger;
pub mod choppiness;
pub mod dema;
pub mod dmi;
pub mod ema;
mod fast;
pub mod macd;
pub mod momentum;
pub mod nan_gaps;
mod recurrence;
mod ring;
pub mod roc;
pub mod rolling_std;
pub mod rsi;
pub mod sma;
pub mod stream_input;
#[cfg(test)]
mod ta_stream_tests;
pub mod tema;
pub mod true_range;
pub mod validate;

pub use atr::atr;
pub use bollinger::{Bollinger, bollinger};
pub use choppiness::choppiness;
pub use dema::dema;
pub use dmi::{Dmi, dmi};
pub use ema::ema;
pub use macd::{Macd, macd};
pub use momentum::momentum;
pub use roc::roc;
pub use rolling_std::rolling_std;
pub use rsi::rsi;
pub use sma::sma;
pub use tema::tema;
pub use true_range::true_range;
