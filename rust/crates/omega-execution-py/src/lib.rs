//! Python bindings of `omega-execution`, importable as `omega_execution._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-execution`
//! crate. `ExecutionSimulator` owns the simulator (and the portfolio ledger it writes into, an
//! `omega_portfolio::Portfolio`); `LedgerView` exposes that ledger with the methods of
//! `omega_portfolio._rust.Portfolio`, so the user's `omega_portfolio.Portfolio` can be
//! re-pointed to it (see `docs/portfolio_sharing.md`).

mod convert;
mod ledger;
mod python_ledger;
mod simulator;

use omega_core::{Direction, SymbolSpec};
use omega_execution::{Candle, Simulator, SimulatorConfig, TradeSignal};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// Runs the extension's self-check; `True` when the Rust backend is usable.
///
/// Beyond the shared core types it runs one signal through a simulator and one bar that stops
/// it out, so an extension whose simulator is broken is not selected.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    let fail = |what: String| PyRuntimeError::new_err(format!("self-check failed: {what}"));
    let portfolio =
        omega_portfolio::Portfolio::new(10_000.0, "USD", 252.0).map_err(|e| fail(e.to_string()))?;
    let mut sim =
        Simulator::new(portfolio, SimulatorConfig::default()).map_err(|e| fail(e.to_string()))?;
    sim.add_symbol(SymbolSpec::new("X", 0.5).with_tick_value(1.0))
        .map_err(|e| fail(e.to_string()))?;
    let signal = TradeSignal::new(0, Direction::Long, "X", 100.0).with_sl(90.0);
    sim.process_signal(&signal)
        .map_err(|e| fail(e.to_string()))?;
    let bar = Candle::new(1, 95.0, 96.0, 80.0, 85.0);
    sim.evaluate_exits("X", &bar, &bar)
        .map_err(|e| fail(e.to_string()))?;
    let trades = sim.portfolio().trades();
    // 100 risk over a 10-point stop at 2 per point per lot: 5 lots, -100 at the stop.
    if trades.len() != 1 || trades[0].pnl != -100.0 || trades[0].size != 5.0 {
        return Err(fail(format!("unexpected trades {trades:?}")));
    }
    Ok(true)
}

/// The Arrow schemas of the Rust side: `{name: [(column, type), …]}` (see
/// `omega_execution::schema`); `omega_execution.schemas` must agree.
#[pyfunction]
fn schemas() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    use omega_execution::schema::{BAR_SCHEMA, POSITION_SCHEMA, TRADE_SIGNAL_SCHEMA};
    vec![
        ("TRADE_SIGNAL_SCHEMA", TRADE_SIGNAL_SCHEMA.to_vec()),
        ("BAR_SCHEMA", BAR_SCHEMA.to_vec()),
        ("POSITION_SCHEMA", POSITION_SCHEMA.to_vec()),
    ]
}

/// The `omega_execution._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_execution_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    omega_core_py::add_backend_api(m, omega_execution::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    m.add_function(wrap_pyfunction!(schemas, m)?)?;
    m.add_class::<simulator::PySimulator>()?;
    m.add_class::<ledger::LedgerView>()?;
    Ok(())
}
