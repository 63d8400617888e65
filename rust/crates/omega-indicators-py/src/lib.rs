//! Python bindings of `omega-indicators`, importable as `omega_indicators._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-indicators`
//! crate. The pure-Python fallback `omega_indicators._python` exposes the same functions with
//! the same signatures.

mod batch;
mod functional;
mod stream;

use pyo3::prelude::*;

/// Runs the extension's self-check; `True` when the Rust backend is usable.
///
/// Beyond the shared core types it runs one kernel on a known input, so an extension whose
/// kernels are broken is not selected.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    let ema = omega_indicators::ema(&[1.0, 2.0, 3.0, 4.0], 2).map_err(omega_core_py::to_py_err)?;
    let near = |got: f64, want: f64| (got - want).abs() <= 1e-12;
    if !(ema[0].is_nan() && near(ema[1], 1.5) && near(ema[2], 2.5) && near(ema[3], 3.5)) {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
            "self-check failed: ema([1, 2, 3, 4], 2) gave {ema:?}"
        )));
    }
    Ok(true)
}

/// The `omega_indicators._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_indicators_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    use functional::*;
    omega_core_py::add_backend_api(m, omega_indicators::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    for function in [
        wrap_pyfunction!(validate_ohlcv, m)?,
        wrap_pyfunction!(primary_to_htf_index, m)?,
        wrap_pyfunction!(sma, m)?,
        wrap_pyfunction!(ema, m)?,
        wrap_pyfunction!(dema, m)?,
        wrap_pyfunction!(tema, m)?,
        wrap_pyfunction!(rsi, m)?,
        wrap_pyfunction!(roc, m)?,
        wrap_pyfunction!(momentum, m)?,
        wrap_pyfunction!(rolling_std, m)?,
        wrap_pyfunction!(macd, m)?,
        wrap_pyfunction!(bollinger, m)?,
        wrap_pyfunction!(true_range, m)?,
        wrap_pyfunction!(atr, m)?,
        wrap_pyfunction!(dmi, m)?,
        wrap_pyfunction!(choppiness, m)?,
        wrap_pyfunction!(zscore, m)?,
        wrap_pyfunction!(kalman_mean, m)?,
        wrap_pyfunction!(kalman_zscore, m)?,
        wrap_pyfunction!(garch_volatility, m)?,
        wrap_pyfunction!(garch_volatility_local, m)?,
        wrap_pyfunction!(kalman_garch_zscore, m)?,
        wrap_pyfunction!(kalman_garch_zscore_local, m)?,
        wrap_pyfunction!(vol_cluster_series, m)?,
        wrap_pyfunction!(ema_stepwise, m)?,
        wrap_pyfunction!(bollinger_stepwise, m)?,
        wrap_pyfunction!(kalman_zscore_stepwise, m)?,
        wrap_pyfunction!(batch::compute_batch, m)?,
    ] {
        m.add_function(function)?;
    }
    stream::register(m)?;
    Ok(())
}
