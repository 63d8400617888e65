//! Python bindings of `omega-portfolio`, importable as `omega_portfolio._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-portfolio` crate.

use pyo3::prelude::*;

/// Runs the extension's self-check; `True` when the Rust backend is usable.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    Ok(true)
}

/// The `omega_portfolio._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_portfolio_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    omega_core_py::add_backend_api(m, omega_portfolio::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    Ok(())
}
