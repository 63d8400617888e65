//! The functional kernels (`omega_indicators._rust.ema`, …): numpy arrays in, numpy arrays out.
//!
//! Each function borrows its inputs without copying, runs the `omega-indicators` kernel with
//! the GIL released, and hands the result to numpy without copying. The TA-Lib family writes
//! straight into arrays made by `numpy.empty` (the `*_into` kernels write every element, so
//! nothing is zero-filled first — TA-Lib's wrapper allocates the same way); the others return a
//! vector that numpy adopts. Names, parameters and defaults are those of the fallback
//! `omega_indicators._python` (a test compares them).

// The GARCH family mirrors Python keyword APIs with up to a dozen parameters.
#![allow(clippy::too_many_arguments)]

use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArray1};
use omega_core::OmegaResult;
use omega_core_py::{RUST_CALLS, as_slice, run_detached, to_py_err};
use omega_indicators as ind;
use omega_indicators::GarchParams;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

type Array<'py> = Bound<'py, PyArray1<f64>>;
type Input<'py> = PyReadonlyArray1<'py, f64>;
type Triple<'py> = (Array<'py>, Array<'py>, Array<'py>);

/// Runs a kernel over one series.
fn series<'py>(
    py: Python<'py>,
    name: &str,
    values: &Input<'py>,
    kernel: impl FnOnce(&[f64]) -> OmegaResult<Vec<f64>> + Send,
) -> PyResult<Array<'py>> {
    RUST_CALLS.record();
    let values = as_slice("values", values)?;
    Ok(run_detached(py, name, || kernel(values))?.into_pyarray(py))
}

/// Runs a kernel over high/low/close bars.
fn bars<'py, T: Send>(
    py: Python<'py>,
    name: &str,
    (high, low, close): (&Input<'py>, &Input<'py>, &Input<'py>),
    kernel: impl FnOnce(&[f64], &[f64], &[f64]) -> OmegaResult<T> + Send,
) -> PyResult<T> {
    RUST_CALLS.record();
    let (high, low) = (as_slice("high", high)?, as_slice("low", low)?);
    let close = as_slice("close", close)?;
    run_detached(py, name, || kernel(high, low, close))
}

/// `numpy.empty`, looked up once.
static NUMPY_EMPTY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `numpy.empty(len)`: a new float64 array for a `*_into` kernel to fill (it writes every
/// element, so the array is never zero-filled first).
fn empty<'py>(py: Python<'py>, len: usize) -> PyResult<Array<'py>> {
    let empty = NUMPY_EMPTY.get_or_try_init(py, || {
        py.import("numpy")?.getattr("empty").map(Bound::unbind)
    })?;
    Ok(empty.bind(py).call1((len,))?.cast_into::<PyArray1<f64>>()?)
}

/// Runs a `*_into` kernel (GIL released) on `K` new arrays as long as `len`; returns them.
fn filled<'py, const K: usize>(
    py: Python<'py>,
    name: &str,
    len: usize,
    kernel: impl FnOnce([&mut [f64]; K]) -> OmegaResult<()> + Send,
) -> PyResult<[Array<'py>; K]> {
    let mut arrays = Vec::with_capacity(K);
    for _ in 0..K {
        arrays.push(empty(py, len)?);
    }
    {
        let mut guards = Vec::with_capacity(K);
        for a in &arrays {
            guards.push(
                a.try_readwrite()
                    .map_err(|e| PyRuntimeError::new_err(e.to_string()))?,
            );
        }
        let mut slices = Vec::with_capacity(K);
        for g in &mut guards {
            slices.push(
                g.as_slice_mut()
                    .map_err(|e| PyRuntimeError::new_err(e.to_string()))?,
            );
        }
        let outs: [&mut [f64]; K] = slices
            .try_into()
            .map_err(|_| PyRuntimeError::new_err("internal error: output count"))?;
        run_detached(py, name, || kernel(outs))?;
    }
    arrays
        .try_into()
        .map_err(|_| PyRuntimeError::new_err("internal error: output count"))
}

/// A single-series `*_into` kernel.
fn series_into<'py>(
    py: Python<'py>,
    name: &str,
    values: &Input<'py>,
    kernel: impl FnOnce(&[f64], &mut [f64]) -> OmegaResult<()> + Send,
) -> PyResult<Array<'py>> {
    RUST_CALLS.record();
    let values = as_slice("values", values)?;
    let [out] = filled(py, name, values.len(), |[out]| kernel(values, out))?;
    Ok(out)
}

/// A bar `*_into` kernel with one output.
fn bars_into<'py>(
    py: Python<'py>,
    name: &str,
    (high, low, close): (&Input<'py>, &Input<'py>, &Input<'py>),
    kernel: impl FnOnce(&[f64], &[f64], &[f64], &mut [f64]) -> OmegaResult<()> + Send,
) -> PyResult<Array<'py>> {
    RUST_CALLS.record();
    let (high, low) = (as_slice("high", high)?, as_slice("low", low)?);
    let close = as_slice("close", close)?;
    let [out] = filled(py, name, high.len(), |[out]| kernel(high, low, close, out))?;
    Ok(out)
}

/// Simple moving average (TA-Lib SMA).
#[pyfunction]
pub fn sma<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "sma", &values, |x, o| ind::sma::sma_into(x, period, o))
}

/// Exponential moving average seeded with the SMA (TA-Lib EMA).
#[pyfunction]
pub fn ema<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "ema", &values, |x, o| ind::ema::ema_into(x, period, o))
}

/// Double EMA (TA-Lib DEMA).
#[pyfunction]
pub fn dema<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "dema", &values, |x, o| {
        ind::dema::dema_into(x, period, o)
    })
}

/// Triple EMA (TA-Lib TEMA).
#[pyfunction]
pub fn tema<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "tema", &values, |x, o| {
        ind::tema::tema_into(x, period, o)
    })
}

/// Wilder RSI (TA-Lib RSI).
#[pyfunction]
#[pyo3(signature = (values, period=14))]
pub fn rsi<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "rsi", &values, |x, o| ind::rsi::rsi_into(x, period, o))
}

/// Rate of change in percent (TA-Lib ROC).
#[pyfunction]
#[pyo3(signature = (values, period=10))]
pub fn roc<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "roc", &values, |x, o| ind::roc::roc_into(x, period, o))
}

/// Momentum `x[t] - x[t - period]` (TA-Lib MOM).
#[pyfunction]
#[pyo3(signature = (values, period=10))]
pub fn momentum<'py>(py: Python<'py>, values: Input<'py>, period: usize) -> PyResult<Array<'py>> {
    series_into(py, "momentum", &values, |x, o| {
        ind::momentum::momentum_into(x, period, o)
    })
}

/// Rolling population standard deviation (TA-Lib STDDEV, nbdev 1).
#[pyfunction]
pub fn rolling_std<'py>(
    py: Python<'py>,
    values: Input<'py>,
    period: usize,
) -> PyResult<Array<'py>> {
    series_into(py, "rolling_std", &values, |x, o| {
        ind::rolling_std::rolling_std_into(x, period, o)
    })
}

/// MACD line, signal line and histogram (TA-Lib MACD).
#[pyfunction]
#[pyo3(signature = (values, fast=12, slow=26, signal=9))]
pub fn macd<'py>(
    py: Python<'py>,
    values: Input<'py>,
    fast: usize,
    slow: usize,
    signal: usize,
) -> PyResult<Triple<'py>> {
    RUST_CALLS.record();
    let x = as_slice("values", &values)?;
    let [m, g, h] = filled(py, "macd", x.len(), |outs| {
        ind::macd::macd_into(x, fast, slow, signal, outs)
    })?;
    Ok((m, g, h))
}

/// Bollinger bands (upper, middle, lower) with population std (TA-Lib BBANDS).
#[pyfunction]
#[pyo3(signature = (values, period=20, std_factor=2.0))]
pub fn bollinger<'py>(
    py: Python<'py>,
    values: Input<'py>,
    period: usize,
    std_factor: f64,
) -> PyResult<Triple<'py>> {
    RUST_CALLS.record();
    let x = as_slice("values", &values)?;
    let [u, m, l] = filled(py, "bollinger", x.len(), |outs| {
        ind::bollinger::bollinger_into(x, period, std_factor, outs)
    })?;
    Ok((u, m, l))
}

/// True range per bar (bar 0: high − low).
#[pyfunction]
pub fn true_range<'py>(
    py: Python<'py>,
    high: Input<'py>,
    low: Input<'py>,
    close: Input<'py>,
) -> PyResult<Array<'py>> {
    bars_into(py, "true_range", (&high, &low, &close), |h, l, c, o| {
        ind::true_range::true_range_into(h, l, c, o)
    })
}

/// Wilder average true range (TA-Lib ATR).
#[pyfunction]
#[pyo3(signature = (high, low, close, period=14))]
pub fn atr<'py>(
    py: Python<'py>,
    high: Input<'py>,
    low: Input<'py>,
    close: Input<'py>,
    period: usize,
) -> PyResult<Array<'py>> {
    bars_into(py, "atr", (&high, &low, &close), |h, l, c, o| {
        ind::atr::atr_into(h, l, c, period, o)
    })
}

/// +DI, −DI and ADX (TA-Lib PLUS_DI, MINUS_DI, ADX).
#[pyfunction]
#[pyo3(signature = (high, low, close, period=14))]
pub fn dmi<'py>(
    py: Python<'py>,
    high: Input<'py>,
    low: Input<'py>,
    close: Input<'py>,
    period: usize,
) -> PyResult<Triple<'py>> {
    RUST_CALLS.record();
    let (h, l) = (as_slice("high", &high)?, as_slice("low", &low)?);
    let c = as_slice("close", &close)?;
    let [p, m, a] = filled(py, "dmi", h.len(), |outs| {
        ind::dmi::dmi_into(h, l, c, period, outs)
    })?;
    Ok((p, m, a))
}

/// Choppiness index over `period` bars.
#[pyfunction]
#[pyo3(signature = (high, low, close, period=14))]
pub fn choppiness<'py>(
    py: Python<'py>,
    high: Input<'py>,
    low: Input<'py>,
    close: Input<'py>,
    period: usize,
) -> PyResult<Array<'py>> {
    let out = bars(py, "choppiness", (&high, &low, &close), |h, l, c| {
        ind::choppiness(h, l, c, period)
    })?;
    Ok(out.into_pyarray(py))
}

/// Z-score of each value against a rolling or EMA mean and the rolling population std.
#[pyfunction]
#[pyo3(signature = (values, window=100, mean_source="rolling", ema_period=None))]
pub fn zscore<'py>(
    py: Python<'py>,
    values: Input<'py>,
    window: usize,
    mean_source: &str,
    ema_period: Option<usize>,
) -> PyResult<Array<'py>> {
    let source = mean_source.parse().map_err(to_py_err)?;
    series(py, "zscore", &values, |x| {
        ind::zscore(x, window, source, ema_period)
    })
}

/// Local-level Kalman filter mean.
#[pyfunction]
#[pyo3(signature = (values, R=0.01, Q=1.0))]
#[allow(non_snake_case)]
pub fn kalman_mean<'py>(
    py: Python<'py>,
    values: Input<'py>,
    R: f64,
    Q: f64,
) -> PyResult<Array<'py>> {
    series_into(py, "kalman_mean", &values, |x, o| {
        ind::kalman_mean::kalman_mean_into(x, R, Q, o)
    })
}

/// Rolling z-score of the distance to the Kalman mean.
#[pyfunction]
#[pyo3(signature = (values, window=100, R=0.01, Q=1.0))]
#[allow(non_snake_case)]
pub fn kalman_zscore<'py>(
    py: Python<'py>,
    values: Input<'py>,
    window: usize,
    R: f64,
    Q: f64,
) -> PyResult<Array<'py>> {
    series_into(py, "kalman_zscore", &values, |x, o| {
        ind::kalman_zscore::kalman_zscore_into(x, window, R, Q, o)
    })
}

/// The GARCH(1,1) parameters, flattened as the Python API spells them.
fn garch(
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> GarchParams {
    GarchParams {
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    }
}

/// GARCH(1,1) conditional volatility with fixed parameters.
#[pyfunction]
#[pyo3(signature = (
    values, alpha=0.05, beta=0.90, omega=None, use_log_returns=true, scale=100.0,
    min_periods=50, sigma_floor=1e-6
))]
pub fn garch_volatility<'py>(
    py: Python<'py>,
    values: Input<'py>,
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> PyResult<Array<'py>> {
    let params = garch(
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    );
    series_into(py, "garch_volatility", &values, |x, o| {
        ind::garch_volatility::garch_volatility_into(x, &params, o)
    })
}

/// GARCH(1,1) volatility refitted on the trailing `lookback` bars at every bar.
#[pyfunction]
#[pyo3(signature = (
    values, lookback=400, alpha=0.05, beta=0.90, omega=None, use_log_returns=true,
    scale=100.0, min_periods=50, sigma_floor=1e-6
))]
pub fn garch_volatility_local<'py>(
    py: Python<'py>,
    values: Input<'py>,
    lookback: usize,
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> PyResult<Array<'py>> {
    let params = garch(
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    );
    series(py, "garch_volatility_local", &values, |x| {
        ind::garch_volatility_local(x, lookback, &params)
    })
}

/// `(price − kalman_mean) / (σ_garch · price)`.
#[pyfunction]
#[pyo3(signature = (
    values, R=0.01, Q=1.0, alpha=0.05, beta=0.90, omega=None, use_log_returns=true,
    scale=100.0, min_periods=50, sigma_floor=1e-6
))]
#[allow(non_snake_case)]
pub fn kalman_garch_zscore<'py>(
    py: Python<'py>,
    values: Input<'py>,
    R: f64,
    Q: f64,
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> PyResult<Array<'py>> {
    let params = garch(
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    );
    series(py, "kalman_garch_zscore", &values, |x| {
        ind::kalman_garch_zscore(x, R, Q, &params)
    })
}

/// Like `kalman_garch_zscore` with the local-window GARCH σ.
#[pyfunction]
#[pyo3(signature = (
    values, lookback=400, R=0.01, Q=1.0, alpha=0.05, beta=0.90, omega=None,
    use_log_returns=true, scale=100.0, min_periods=50, sigma_floor=1e-6
))]
#[allow(non_snake_case)]
pub fn kalman_garch_zscore_local<'py>(
    py: Python<'py>,
    values: Input<'py>,
    lookback: usize,
    R: f64,
    Q: f64,
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> PyResult<Array<'py>> {
    let params = garch(
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    );
    series(py, "kalman_garch_zscore_local", &values, |x| {
        ind::kalman_garch_zscore_local(x, lookback, R, Q, &params)
    })
}

/// Volatility feature: ATR (`mode="atr"`) or local GARCH σ (`mode="garch"`).
#[pyfunction]
#[pyo3(signature = (
    high, low, close, mode, atr_period=14, garch_lookback=400, alpha=0.05, beta=0.90,
    omega=None, use_log_returns=true, scale=100.0, min_periods=50, sigma_floor=1e-6
))]
pub fn vol_cluster_series<'py>(
    py: Python<'py>,
    high: Input<'py>,
    low: Input<'py>,
    close: Input<'py>,
    mode: &str,
    atr_period: usize,
    garch_lookback: usize,
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> PyResult<Array<'py>> {
    let mode = mode.parse().map_err(to_py_err)?;
    let params = garch(
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    );
    let out = bars(
        py,
        "vol_cluster_series",
        (&high, &low, &close),
        |h, l, c| ind::vol_cluster_series(h, l, c, mode, atr_period, garch_lookback, &params),
    )?;
    Ok(out.into_pyarray(py))
}

type Map<'py> = PyReadonlyArray1<'py, i64>;

/// Runs a stepwise `*_into` kernel on `K` new arrays as long as `primary_to_htf`.
fn stepwise_into<'py, const K: usize>(
    py: Python<'py>,
    name: &str,
    (htf_close, primary_to_htf): (&Input<'py>, &Map<'py>),
    kernel: impl FnOnce(&[f64], &[i64], [&mut [f64]; K]) -> OmegaResult<()> + Send,
) -> PyResult<[Array<'py>; K]> {
    RUST_CALLS.record();
    let h = as_slice("htf_close", htf_close)?;
    let m = as_slice("primary_to_htf", primary_to_htf)?;
    filled(py, name, m.len(), |outs| kernel(h, m, outs))
}

/// EMA of the HTF closes, forward-filled onto the primary index through `primary_to_htf`.
#[pyfunction]
pub fn ema_stepwise<'py>(
    py: Python<'py>,
    htf_close: Input<'py>,
    primary_to_htf: Map<'py>,
    period: usize,
) -> PyResult<Array<'py>> {
    let inputs = (&htf_close, &primary_to_htf);
    let [out] = stepwise_into(py, "ema_stepwise", inputs, |h, m, [o]| {
        ind::stepwise::ema_stepwise_into(h, m, period, o)
    })?;
    Ok(out)
}

/// Bollinger bands of the HTF closes, forward-filled onto the primary index.
#[pyfunction]
#[pyo3(signature = (htf_close, primary_to_htf, period=20, std_factor=2.0))]
pub fn bollinger_stepwise<'py>(
    py: Python<'py>,
    htf_close: Input<'py>,
    primary_to_htf: Map<'py>,
    period: usize,
    std_factor: f64,
) -> PyResult<Triple<'py>> {
    let inputs = (&htf_close, &primary_to_htf);
    let [u, m, l] = stepwise_into(py, "bollinger_stepwise", inputs, |h, m, outs| {
        ind::stepwise::bollinger_stepwise_into(h, m, period, std_factor, outs)
    })?;
    Ok((u, m, l))
}

/// Kalman z-score of the HTF closes, forward-filled onto the primary index.
#[pyfunction]
#[pyo3(signature = (htf_close, primary_to_htf, window=100, R=0.01, Q=1.0))]
#[allow(non_snake_case)]
pub fn kalman_zscore_stepwise<'py>(
    py: Python<'py>,
    htf_close: Input<'py>,
    primary_to_htf: Map<'py>,
    window: usize,
    R: f64,
    Q: f64,
) -> PyResult<Array<'py>> {
    let inputs = (&htf_close, &primary_to_htf);
    let [out] = stepwise_into(py, "kalman_zscore_stepwise", inputs, |h, m, [o]| {
        ind::stepwise::kalman_zscore_stepwise_into(h, m, window, R, Q, o)
    })?;
    Ok(out)
}

/// For each primary bar, the index of the last HTF bar closed by then (−1: none yet).
#[pyfunction]
pub fn primary_to_htf_index<'py>(
    py: Python<'py>,
    primary_timestamps: Map<'py>,
    primary_duration_us: i64,
    htf_timestamps: Map<'py>,
    htf_duration_us: i64,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    RUST_CALLS.record();
    let p = as_slice("primary_timestamps", &primary_timestamps)?;
    let h = as_slice("htf_timestamps", &htf_timestamps)?;
    let out = run_detached(py, "primary_to_htf_index", || {
        ind::primary_to_htf_index(p, primary_duration_us, h, htf_duration_us)
    })?;
    Ok(out.into_pyarray(py))
}

/// OHLCV validation of one series; returns the row count (see `omega_core::OhlcvColumns`).
#[pyfunction]
pub fn validate_ohlcv(
    py: Python<'_>,
    timestamps: Map<'_>,
    open: Input<'_>,
    high: Input<'_>,
    low: Input<'_>,
    close: Input<'_>,
    volume: Input<'_>,
) -> PyResult<usize> {
    RUST_CALLS.record();
    let timestamps = as_slice("timestamps", &timestamps)?;
    let (open, high) = (as_slice("open", &open)?, as_slice("high", &high)?);
    let (low, close) = (as_slice("low", &low)?, as_slice("close", &close)?);
    let volume = as_slice("volume", &volume)?;
    run_detached(py, "validate_ohlcv", || {
        omega_core::OhlcvColumns::new(timestamps, open, high, low, close, volume).map(|c| c.len())
    })
}
