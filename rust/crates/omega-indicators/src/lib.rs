//! Technical indicators over `f64` series, as plain Rust functions (slices in, vectors out).
//!
//! Where TA-Lib has an indicator, the kernel matches TA-Lib's output (lookback, seeding,
//! zero-division rules); where a NaN appears in the input, the output is NaN at that position
//! and the recursive state carries across it. This crate has no Python dependency; the
//! `omega-indicators-py` crate binds it as `omega_indicators._rust`.

/// Version of this crate; the Python package checks it against its own at import.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
