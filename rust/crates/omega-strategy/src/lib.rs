//! Strategies and the whole backtest loop in Rust.
//!
//! Links `omega-indicators`, `omega-execution` and `omega-portfolio` as plain Rust
//! dependencies so a backtest runs start to finish without crossing into Python.
//! `omega-strategy-py` binds it as `omega_strategy._rust`.

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
