//! Python bindings of `omega-portfolio`, importable as `omega_portfolio._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-portfolio` crate.
//! The public Python class `omega_portfolio.Portfolio` normalises user input (dicts, dataclasses,
//! pandas timestamps) into the plain arguments these methods take.

use omega_core::{Direction, SymbolSpec};
use omega_core_py::{RUST_CALLS, to_py_err};
use omega_ledger_py::LedgerAccess;
use pyo3::prelude::*;

/// Runs the extension's self-check; `True` when the Rust backend is usable.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    let fail = |what: String| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("self-check failed: {what}"))
    };
    let mut p =
        omega_portfolio::Portfolio::new(100.0, "USD", 252.0).map_err(|e| fail(e.to_string()))?;
    let spec = SymbolSpec::new("X", 0.5).with_tick_value(1.0);
    let position = omega_portfolio::Position::new(1, "X", Direction::Long, 1.0, 0, 10.0);
    p.register_entry_with_spec(position, Some(spec))
        .map_err(|e| fail(e.to_string()))?;
    let trade_pnl = p
        .register_exit(1, 1, 11.0, "signal")
        .map_err(|e| fail(e.to_string()))?
        .pnl;
    if trade_pnl != 2.0 || p.balance() != 102.0 {
        return Err(fail(format!("pnl {trade_pnl}, balance {}", p.balance())));
    }
    Ok(true)
}

/// The portfolio ledger (see `omega_portfolio.Portfolio` for the documented public API); its
/// methods are those of every ledger class (`omega_ledger_py::ledger_methods!`).
#[pyclass(name = "Portfolio", module = "omega_portfolio._rust")]
struct Portfolio {
    inner: omega_portfolio::Portfolio,
}

impl LedgerAccess for Portfolio {
    type Ledger = omega_portfolio::Portfolio;

    fn read<R>(
        &self,
        _py: Python<'_>,
        f: impl FnOnce(&omega_portfolio::Portfolio) -> PyResult<R>,
    ) -> PyResult<R> {
        f(&self.inner)
    }

    fn write<R>(
        &mut self,
        _py: Python<'_>,
        f: impl FnOnce(&mut omega_portfolio::Portfolio) -> PyResult<R>,
    ) -> PyResult<R> {
        f(&mut self.inner)
    }
}

omega_ledger_py::ledger_methods! {
    impl Portfolio {
        #[new]
        fn new(initial_balance: f64, account_currency: &str, annualization: f64) -> PyResult<Self> {
            RUST_CALLS.record();
            let inner =
                omega_portfolio::Portfolio::new(initial_balance, account_currency, annualization)
                    .map_err(to_py_err)?;
            Ok(Self { inner })
        }
    }
}

/// The `omega_portfolio._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_portfolio_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    omega_core_py::add_backend_api(m, omega_portfolio::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    m.add_class::<Portfolio>()?;
    Ok(())
}
