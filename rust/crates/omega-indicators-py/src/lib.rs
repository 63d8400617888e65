//! Python bindings of `omega-indicators`, importable as `omega_indicators._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-indicators` crate.

use numpy::PyReadonlyArray1;
use omega_core::OhlcvColumns;
use omega_core_py::{RUST_CALLS, as_slice, run_detached};
use pyo3::prelude::*;

/// Runs the extension's self-check; `True` when the Rust backend is usable.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    Ok(true)
}

/// Validates one OHLCV series (see `omega_core::OhlcvColumns`) and returns its row count.
///
/// Raises `ValueError` naming the column and row of the first bad value, `TypeError` for a
/// wrong dtype or a non-contiguous array.
#[pyfunction]
fn validate_ohlcv(
    py: Python<'_>,
    timestamps: PyReadonlyArray1<'_, i64>,
    open: PyReadonlyArray1<'_, f64>,
    high: PyReadonlyArray1<'_, f64>,
    low: PyReadonlyArray1<'_, f64>,
    close: PyReadonlyArray1<'_, f64>,
    volume: PyReadonlyArray1<'_, f64>,
) -> PyResult<usize> {
    RUST_CALLS.record();
    let timestamps = as_slice("timestamps", &timestamps)?;
    let (open, high) = (as_slice("open", &open)?, as_slice("high", &high)?);
    let (low, close) = (as_slice("low", &low)?, as_slice("close", &close)?);
    let volume = as_slice("volume", &volume)?;
    run_detached(py, "validate_ohlcv", || {
        OhlcvColumns::new(timestamps, open, high, low, close, volume).map(|c| c.len())
    })
}

/// The `omega_indicators._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_indicators_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    omega_core_py::add_backend_api(m, omega_indicators::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    m.add_function(wrap_pyfunction!(validate_ohlcv, m)?)?;
    Ok(())
}
