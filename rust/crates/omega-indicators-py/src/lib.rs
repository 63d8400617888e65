//! Python bindings of `omega-indicators`, importable as `omega_indicators._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-indicators` crate.

use pyo3::prelude::*;

/// Runs the extension's self-check; `True` when the Rust backend is usable.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    Ok(true)
}

/// The `omega_indicators._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_indicators_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    omega_core_py::add_backend_api(m, omega_indicators::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    Ok(())
}
