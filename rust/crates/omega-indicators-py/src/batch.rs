//! `compute_batch`: many indicators over one bar series in one crossing, run in parallel.
//!
//! Specs arrive as `[(name, {param: value, …}), …]` with every parameter present (the public
//! Python layer fills in defaults and checks types); this module only turns them into
//! `omega_indicators::batch::IndicatorSpec` and hands the outputs back as numpy arrays.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use omega_core_py::{RUST_CALLS, as_slice, run_detached, to_py_err};
use omega_indicators::GarchParams;
use omega_indicators::batch::{Bars, IndicatorSpec, compute_batch as compute};
use pyo3::conversion::FromPyObjectOwned;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One parameter of a spec; a missing key is a bug in the caller, named in the error.
fn param<'py, T: FromPyObjectOwned<'py>>(
    name: &str,
    params: &Bound<'py, PyDict>,
    key: &str,
) -> PyResult<T> {
    match params.get_item(key)? {
        Some(value) => value.extract().map_err(Into::into),
        None => Err(PyValueError::new_err(format!(
            "compute_batch: spec {name:?} lacks parameter {key:?}"
        ))),
    }
}

fn garch(name: &str, p: &Bound<'_, PyDict>) -> PyResult<GarchParams> {
    Ok(GarchParams {
        alpha: param(name, p, "alpha")?,
        beta: param(name, p, "beta")?,
        omega: param(name, p, "omega")?,
        use_log_returns: param(name, p, "use_log_returns")?,
        scale: param(name, p, "scale")?,
        min_periods: param(name, p, "min_periods")?,
        sigma_floor: param(name, p, "sigma_floor")?,
    })
}

/// Builds the Rust spec of `name` from its parameter dict.
fn parse(name: &str, p: &Bound<'_, PyDict>) -> PyResult<IndicatorSpec> {
    let period = || param::<usize>(name, p, "period");
    Ok(match name {
        "sma" => IndicatorSpec::Sma { period: period()? },
        "ema" => IndicatorSpec::Ema { period: period()? },
        "dema" => IndicatorSpec::Dema { period: period()? },
        "tema" => IndicatorSpec::Tema { period: period()? },
        "rsi" => IndicatorSpec::Rsi { period: period()? },
        "roc" => IndicatorSpec::Roc { period: period()? },
        "momentum" => IndicatorSpec::Momentum { period: period()? },
        "rolling_std" => IndicatorSpec::RollingStd { period: period()? },
        "macd" => IndicatorSpec::Macd {
            fast: param(name, p, "fast")?,
            slow: param(name, p, "slow")?,
            signal: param(name, p, "signal")?,
        },
        "bollinger" => IndicatorSpec::Bollinger {
            period: period()?,
            std_factor: param(name, p, "std_factor")?,
        },
        "true_range" => IndicatorSpec::TrueRange,
        "atr" => IndicatorSpec::Atr { period: period()? },
        "dmi" => IndicatorSpec::Dmi { period: period()? },
        "choppiness" => IndicatorSpec::Choppiness { period: period()? },
        "zscore" => IndicatorSpec::ZScore {
            window: param(name, p, "window")?,
            mean_source: param::<String>(name, p, "mean_source")?
                .parse()
                .map_err(to_py_err)?,
            ema_period: param(name, p, "ema_period")?,
        },
        "kalman_mean" => IndicatorSpec::KalmanMean {
            r: param(name, p, "R")?,
            q: param(name, p, "Q")?,
        },
        "kalman_zscore" => IndicatorSpec::KalmanZScore {
            window: param(name, p, "window")?,
            r: param(name, p, "R")?,
            q: param(name, p, "Q")?,
        },
        "garch_volatility" => IndicatorSpec::GarchVolatility {
            params: garch(name, p)?,
        },
        "garch_volatility_local" => IndicatorSpec::GarchVolatilityLocal {
            lookback: param(name, p, "lookback")?,
            params: garch(name, p)?,
        },
        "kalman_garch_zscore" => IndicatorSpec::KalmanGarchZScore {
            r: param(name, p, "R")?,
            q: param(name, p, "Q")?,
            params: garch(name, p)?,
        },
        "kalman_garch_zscore_local" => IndicatorSpec::KalmanGarchZScoreLocal {
            lookback: param(name, p, "lookback")?,
            r: param(name, p, "R")?,
            q: param(name, p, "Q")?,
            params: garch(name, p)?,
        },
        "vol_cluster_series" => IndicatorSpec::VolCluster {
            mode: param::<String>(name, p, "mode")?
                .parse()
                .map_err(to_py_err)?,
            atr_period: param(name, p, "atr_period")?,
            garch_lookback: param(name, p, "garch_lookback")?,
            params: garch(name, p)?,
        },
        other => {
            return Err(PyValueError::new_err(format!(
                "internal error: unknown indicator spec {other:?}"
            )));
        }
    })
}

/// Computes every `(name, params)` spec over the same bars; outputs per spec, in spec order.
#[pyfunction]
pub fn compute_batch<'py>(
    py: Python<'py>,
    high: PyReadonlyArray1<'py, f64>,
    low: PyReadonlyArray1<'py, f64>,
    close: PyReadonlyArray1<'py, f64>,
    specs: Vec<(String, Bound<'py, PyDict>)>,
) -> PyResult<Vec<Vec<Bound<'py, PyArray1<f64>>>>> {
    RUST_CALLS.record();
    let specs = specs
        .iter()
        .map(|(name, params)| parse(name, params))
        .collect::<PyResult<Vec<_>>>()?;
    let bars = Bars {
        high: as_slice("high", &high)?,
        low: as_slice("low", &low)?,
        close: as_slice("close", &close)?,
    };
    let outputs = run_detached(py, "compute_batch", || compute(&specs, &bars))?;
    Ok(outputs
        .into_iter()
        .map(|out| out.into_iter().map(|v| v.into_pyarray(py)).collect())
        .collect())
}
