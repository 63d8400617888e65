//! Python bindings of `omega-strategy`, importable as `omega_strategy._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-strategy`
//! crate. [`run_backtest_rust`] is the whole backtest in one call: the arguments cross into
//! Rust once (numpy arrays borrowed, not copied), the loop runs with the GIL released — so it
//! cannot touch a Python object — and the results cross back once as numpy arrays and small
//! dicts. [`boundary_crossings`] counts those crossings.

mod handle;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use numpy::{PyArray1, PyReadonlyArray1};
use omega_core::{OhlcvColumns, OmegaError, Side, Timeframe};
use omega_core_py::{RUST_CALLS, as_slice, run_detached, to_py_err};
use omega_strategy::results::{self, Column, SummaryValue};
use omega_strategy::{BacktestConfig, MarketData, Series, StrategyInputs};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rayon::prelude::*;

/// Python → Rust entries and Rust → Python returns of [`run_backtest_rust`], process-wide.
static CROSSINGS: AtomicU64 = AtomicU64::new(0);

/// Boundary crossings made by `run_backtest_rust` so far in this process: one when a call
/// enters Rust with its arguments, one when it returns its results. The loop runs with the GIL
/// released, so there is no third kind (no callback into Python is possible).
#[pyfunction]
fn boundary_crossings() -> u64 {
    CROSSINGS.load(Ordering::SeqCst)
}

/// Runs the extension's self-check; `True` when the Rust backend is usable.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    omega_core_py::core_self_check()?;
    // Every registered strategy's default config parses (SignalStrategy also needs arrays).
    omega_strategy::MeanReversionConfig::from_json("{}").map_err(to_py_err)?;
    omega_strategy::SignalConfig::from_json("{}").map_err(to_py_err)?;
    Ok(true)
}

/// Names of the strategies implemented in Rust (the Python class names).
#[pyfunction]
fn strategy_names() -> Vec<&'static str> {
    omega_strategy::names()
}

/// `(timeframe, side, timestamps, open, high, low, close, volume)` of one candle series.
pub(crate) type CandleArg<'py> = (
    String,
    String,
    PyReadonlyArray1<'py, i64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
);

fn column<'py>(py: Python<'py>, column: Column) -> PyResult<Bound<'py, PyAny>> {
    Ok(match column {
        Column::I64(v) => PyArray1::from_vec(py, v).into_any(),
        Column::U64(v) => PyArray1::from_vec(py, v).into_any(),
        Column::F64(v) => PyArray1::from_vec(py, v).into_any(),
        Column::Categorical(codes, categories) => PyTuple::new(
            py,
            [
                PyArray1::from_vec(py, codes).into_any(),
                PyList::new(py, categories)?.into_any(),
            ],
        )?
        .into_any(),
    })
}

/// Runs a registered Rust strategy over aligned candles: the whole backtest in one call.
///
/// * `strategy` — a registered name (`strategy_names()`); `init_args` — its JSON config;
///   `arrays` — named 1-D arrays the strategy takes (bool or float64), e.g. entry masks.
/// * `primary_tf` — the timeframe the loop steps through; `candles` — a list of
///   `(timeframe, side, timestamps int64 µs, open, high, low, close, volume)` with native
///   candles per timeframe and side (float64, C-contiguous; borrowed, not copied).
/// * `execution_config`, `portfolio_config` — JSON objects (`docs/backtest_loop.md`).
///
/// Returns `{"trades", "orders", "signals", "actions", "equity": {column: array |
/// (codes, categories)}, "summary": {name: number}, "counts": {...}}`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn run_backtest_rust<'py>(
    py: Python<'py>,
    strategy: &str,
    init_args: &str,
    arrays: &Bound<'py, PyDict>,
    primary_tf: &str,
    candles: Vec<CandleArg<'py>>,
    execution_config: &str,
    portfolio_config: &str,
) -> PyResult<Bound<'py, PyDict>> {
    CROSSINGS.fetch_add(1, Ordering::SeqCst);
    RUST_CALLS.record();
    let outcome = run(
        py,
        strategy,
        init_args,
        arrays,
        primary_tf,
        &candles,
        execution_config,
        portfolio_config,
    );
    CROSSINGS.fetch_add(1, Ordering::SeqCst);
    outcome
}

enum Borrowed<'py> {
    Bool(String, PyReadonlyArray1<'py, bool>),
    Float(String, PyReadonlyArray1<'py, f64>),
}

#[allow(clippy::too_many_arguments)]
fn run<'py>(
    py: Python<'py>,
    strategy: &str,
    init_args: &str,
    arrays: &Bound<'py, PyDict>,
    primary_tf: &str,
    candles: &[CandleArg<'py>],
    execution_config: &str,
    portfolio_config: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let primary: Timeframe = primary_tf.parse().map_err(to_py_err)?;
    let mut borrowed = Vec::new();
    for (key, value) in arrays.iter() {
        let name: String = key.extract()?;
        if let Ok(a) = value.extract::<PyReadonlyArray1<'py, bool>>() {
            borrowed.push(Borrowed::Bool(name, a));
        } else if let Ok(a) = value.extract::<PyReadonlyArray1<'py, f64>>() {
            borrowed.push(Borrowed::Float(name, a));
        } else {
            return Err(PyTypeError::new_err(format!(
                "arrays[{name}]: expected a 1-D numpy array of bool or float64"
            )));
        }
    }
    let mut inputs = StrategyInputs::default();
    for b in &borrowed {
        match b {
            Borrowed::Bool(name, a) => inputs.bools.push((name.as_str(), as_slice(name, a)?)),
            Borrowed::Float(name, a) => inputs.floats.push((name.as_str(), as_slice(name, a)?)),
        }
    }
    let mut raw = Vec::with_capacity(candles.len());
    for (tf, side, ts, o, h, l, c, v) in candles {
        let timeframe: Timeframe = tf.parse().map_err(to_py_err)?;
        let side: Side = side.parse().map_err(to_py_err)?;
        let at = |name: &str| format!("candles[{timeframe}/{side}].{name}");
        let prices = [
            as_slice(&at("open"), o)?,
            as_slice(&at("high"), h)?,
            as_slice(&at("low"), l)?,
            as_slice(&at("close"), c)?,
            as_slice(&at("volume"), v)?,
        ];
        raw.push((timeframe, side, as_slice(&at("timestamps"), ts)?, prices));
    }
    let outcome = run_detached(py, "run_backtest_rust", || {
        let started = Instant::now();
        // Every series is validated (in parallel: one per core) before anything runs; the
        // error reported is the first bad series in argument order.
        let checked: Vec<Result<Series<'_>, OmegaError>> = raw
            .par_iter()
            .map(|&(timeframe, side, ts, [o, h, l, c, v])| {
                let columns = OhlcvColumns::new(ts, o, h, l, c, v)
                    .map_err(|e| prefix(&format!("candles[{timeframe}/{side}]"), e))?;
                Ok(Series {
                    timeframe,
                    side,
                    columns,
                })
            })
            .collect();
        let series = checked
            .into_iter()
            .collect::<Result<Vec<_>, OmegaError>>()?;
        let config = BacktestConfig::from_json(execution_config, portfolio_config)?;
        let data = MarketData::new(primary, series)?;
        let mut strategy = omega_strategy::create(strategy, init_args, &inputs)?;
        let result = omega_strategy::run_backtest(strategy.as_mut(), &data, &config)?;
        let ran = Instant::now();
        let counts = [
            ("bars", result.bars as u64),
            ("indicators", result.indicator_calls),
            ("execution", result.execution_calls),
            ("portfolio", result.portfolio_calls),
        ];
        let (init_nanos, loop_nanos) = (result.init_nanos, result.loop_nanos);
        let (summary, tables) = results::summary_and_tables(result, data.timestamps());
        let timings = [
            ("init", init_nanos),
            ("loop", loop_nanos),
            ("results", nanos(ran.elapsed())),
            ("total", nanos(started.elapsed())),
        ];
        Ok((tables, summary, counts, timings))
    })?;
    let (tables, summary, counts, timings) = outcome;
    let out = PyDict::new(py);
    for (name, table) in tables {
        let d = PyDict::new(py);
        for (key, col) in table {
            d.set_item(key, column(py, col)?)?;
        }
        out.set_item(name, d)?;
    }
    let s = PyDict::new(py);
    for (key, value) in summary {
        match value {
            SummaryValue::Int(v) => s.set_item(key, v)?,
            SummaryValue::Float(v) => s.set_item(key, v)?,
        }
    }
    out.set_item("summary", s)?;
    let c = PyDict::new(py);
    for (key, value) in counts {
        c.set_item(key, value)?;
    }
    out.set_item("counts", c)?;
    let t = PyDict::new(py);
    for (key, value) in timings {
        t.set_item(key, value)?;
    }
    out.set_item("nanos", t)?;
    Ok(out)
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Prefixes a validation error's argument name with where it came from.
fn prefix(what: &str, e: OmegaError) -> OmegaError {
    match e {
        OmegaError::InvalidValue {
            name,
            expected,
            got,
        } => OmegaError::InvalidValue {
            name: format!("{what}.{name}"),
            expected,
            got,
        },
        OmegaError::LengthMismatch {
            name,
            reference,
            expected,
            got,
        } => OmegaError::LengthMismatch {
            name: format!("{what}.{name}"),
            reference,
            expected,
            got,
        },
        other => other,
    }
}

/// The `omega_strategy._rust` extension module.
#[pymodule]
#[pyo3(name = "_rust")]
fn omega_strategy_rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // rust-numpy initialises its numpy API table on first use, which runs Python code
    // (numpy's version check). Do it at import, so `run_backtest_rust` never calls into Python.
    let _ = PyArray1::<f64>::from_vec(m.py(), Vec::new());
    omega_core_py::add_backend_api(m, omega_strategy::VERSION)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    m.add_function(wrap_pyfunction!(strategy_names, m)?)?;
    m.add_function(wrap_pyfunction!(run_backtest_rust, m)?)?;
    m.add_function(wrap_pyfunction!(boundary_crossings, m)?)?;
    m.add_class::<handle::StrategyHandle>()?;
    Ok(())
}
