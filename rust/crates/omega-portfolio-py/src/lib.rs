//! Python bindings of `omega-portfolio`, importable as `omega_portfolio._rust`.
//!
//! Only argument conversion and delegation live here; the logic is in the `omega-portfolio` crate.
//! The public Python class `omega_portfolio.Portfolio` normalises user input (dicts, dataclasses,
//! pandas timestamps) into the plain arguments these methods take.

use numpy::{PyArray1, PyReadonlyArray1};
use omega_core::{Direction, OmegaError, SymbolSpec};
use omega_core_py::{RUST_CALLS, as_slice, run_detached, to_py_err};
use omega_portfolio::{Mark, SummaryValue, SymbolMarks};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A symbol spec as a tuple: `(symbol, pip_size, tick_size, tick_value, contract_size,
/// volume_min, volume_max, volume_step, base_currency, quote_currency, account_currency)`.
type SpecTuple = (
    String,
    f64,
    f64,
    Option<f64>,
    Option<f64>,
    f64,
    f64,
    f64,
    String,
    String,
    String,
);

fn spec_from(t: SpecTuple) -> SymbolSpec {
    let (symbol, pip_size, tick_size, tick_value, contract_size, vmin, vmax, vstep, b, q, a) = t;
    SymbolSpec {
        symbol,
        pip_size,
        tick_size,
        tick_value,
        contract_size,
        volume_min: vmin,
        volume_max: vmax,
        volume_step: vstep,
        base_currency: b,
        quote_currency: q,
        account_currency: a,
    }
}

fn same_length(name: &str, got: usize, expected: usize) -> PyResult<()> {
    if got == expected {
        Ok(())
    } else {
        Err(to_py_err(OmegaError::LengthMismatch {
            name: name.into(),
            reference: "symbols".into(),
            expected,
            got,
        }))
    }
}

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

/// The portfolio ledger (see `omega_portfolio.Portfolio` for the documented public API).
#[pyclass(name = "Portfolio", module = "omega_portfolio._rust")]
struct Portfolio {
    inner: omega_portfolio::Portfolio,
}

#[pymethods]
impl Portfolio {
    #[new]
    fn new(initial_balance: f64, account_currency: &str, annualization: f64) -> PyResult<Self> {
        RUST_CALLS.record();
        let inner =
            omega_portfolio::Portfolio::new(initial_balance, account_currency, annualization)
                .map_err(to_py_err)?;
        Ok(Self { inner })
    }

    fn add_symbol(&mut self, spec: SpecTuple) -> PyResult<()> {
        RUST_CALLS.record();
        self.inner.add_symbol(spec_from(spec)).map_err(to_py_err)
    }

    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (
        id, symbol, direction, size, entry_time, entry_price, stop_loss, take_profit, symbol_spec
    ))]
    fn register_entry(
        &mut self,
        id: u64,
        symbol: String,
        direction: &str,
        size: f64,
        entry_time: i64,
        entry_price: f64,
        stop_loss: Option<f64>,
        take_profit: Option<f64>,
        symbol_spec: Option<SpecTuple>,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        let direction: Direction = direction.parse().map_err(to_py_err)?;
        let position = omega_portfolio::Position {
            id,
            symbol,
            direction,
            size,
            entry_time,
            entry_price,
            stop_loss,
            take_profit,
        };
        self.inner
            .register_entry_with_spec(position, symbol_spec.map(spec_from))
            .map_err(to_py_err)
    }

    fn register_exit(
        &mut self,
        position_id: u64,
        exit_time: i64,
        exit_price: f64,
        reason: &str,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        self.inner
            .register_exit(position_id, exit_time, exit_price, reason)
            .map(|_| ())
            .map_err(to_py_err)
    }

    #[pyo3(signature = (amount, time, kind, position_id))]
    fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        self.inner
            .register_fee(amount, time, kind, position_id)
            .map_err(to_py_err)
    }

    fn update_equity(
        &mut self,
        timestamp: i64,
        symbols: Vec<String>,
        bids: Vec<f64>,
        asks: Vec<f64>,
    ) -> PyResult<f64> {
        RUST_CALLS.record();
        same_length("bids", bids.len(), symbols.len())?;
        same_length("asks", asks.len(), symbols.len())?;
        let marks: Vec<Mark<'_>> = symbols
            .iter()
            .zip(bids.iter().zip(&asks))
            .map(|(symbol, (&bid, &ask))| Mark { symbol, bid, ask })
            .collect();
        self.inner
            .update_equity(timestamp, &marks)
            .map_err(to_py_err)
    }

    fn update_equity_batch(
        &mut self,
        py: Python<'_>,
        timestamps: PyReadonlyArray1<'_, i64>,
        symbols: Vec<String>,
        bids: Vec<PyReadonlyArray1<'_, f64>>,
        asks: Vec<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        same_length("bids", bids.len(), symbols.len())?;
        same_length("asks", asks.len(), symbols.len())?;
        let timestamps = as_slice("timestamps", &timestamps)?;
        let mut marks = Vec::with_capacity(symbols.len());
        for ((symbol, bid), ask) in symbols.iter().zip(&bids).zip(&asks) {
            marks.push(SymbolMarks {
                symbol,
                bid: as_slice(&format!("marks[{symbol}].bid"), bid)?,
                ask: as_slice(&format!("marks[{symbol}].ask"), ask)?,
            });
        }
        let inner = &mut self.inner;
        run_detached(py, "update_equity_batch", move || {
            inner.update_equity_batch(timestamps, &marks)
        })
    }

    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let inner = &self.inner;
        let summary = run_detached(py, "summary", || Ok(inner.summary()))?;
        let dict = PyDict::new(py);
        for (key, value) in summary.fields() {
            match value {
                SummaryValue::Int(v) => dict.set_item(key, v)?,
                SummaryValue::Float(v) => dict.set_item(key, v)?,
            }
        }
        Ok(dict)
    }

    #[getter]
    fn initial_balance(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.initial_balance()
    }

    #[getter]
    fn account_currency(&self) -> String {
        RUST_CALLS.record();
        self.inner.account_currency().to_owned()
    }

    #[getter]
    fn annualization(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.annualization()
    }

    #[getter]
    fn balance(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.balance()
    }

    #[getter]
    fn equity(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.equity()
    }

    #[getter]
    fn unrealized_pnl(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.unrealized_pnl()
    }

    #[getter]
    fn total_fees(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.total_fees()
    }

    #[getter]
    fn peak_equity(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.peak_equity()
    }

    #[getter]
    fn drawdown(&self) -> f64 {
        RUST_CALLS.record();
        self.inner.drawdown()
    }

    #[getter]
    fn clock(&self) -> Option<i64> {
        RUST_CALLS.record();
        self.inner.clock()
    }

    #[getter]
    fn open_count(&self) -> usize {
        RUST_CALLS.record();
        self.inner.open_count()
    }

    fn symbols(&self) -> Vec<String> {
        RUST_CALLS.record();
        self.inner
            .symbol_specs()
            .map(|s| s.symbol.clone())
            .collect()
    }

    fn trade_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let t = self.inner.trades();
        let f =
            |get: fn(&omega_portfolio::Trade) -> f64| -> Vec<f64> { t.iter().map(get).collect() };
        let d = PyDict::new(py);
        d.set_item(
            "id",
            PyArray1::from_vec(py, t.iter().map(|x| x.id).collect()),
        )?;
        d.set_item(
            "symbol",
            t.iter().map(|x| x.symbol.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "direction",
            t.iter().map(|x| x.direction.as_str()).collect::<Vec<_>>(),
        )?;
        d.set_item("size", PyArray1::from_vec(py, f(|x| x.size)))?;
        d.set_item(
            "entry_time",
            PyArray1::from_vec(py, t.iter().map(|x| x.entry_time).collect()),
        )?;
        d.set_item("entry_price", PyArray1::from_vec(py, f(|x| x.entry_price)))?;
        d.set_item(
            "stop_loss",
            PyArray1::from_vec(py, f(|x| x.stop_loss.unwrap_or(f64::NAN))),
        )?;
        d.set_item(
            "take_profit",
            PyArray1::from_vec(py, f(|x| x.take_profit.unwrap_or(f64::NAN))),
        )?;
        d.set_item(
            "exit_time",
            PyArray1::from_vec(py, t.iter().map(|x| x.exit_time).collect()),
        )?;
        d.set_item("exit_price", PyArray1::from_vec(py, f(|x| x.exit_price)))?;
        d.set_item(
            "reason",
            t.iter().map(|x| x.reason.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item("pnl", PyArray1::from_vec(py, f(|x| x.pnl)))?;
        d.set_item("fees", PyArray1::from_vec(py, f(|x| x.fees)))?;
        d.set_item("net_pnl", PyArray1::from_vec(py, f(|x| x.net_pnl())))?;
        d.set_item(
            "initial_risk",
            PyArray1::from_vec(py, f(|x| x.initial_risk.unwrap_or(f64::NAN))),
        )?;
        d.set_item("r_multiple", PyArray1::from_vec(py, f(|x| x.r_multiple())))?;
        Ok(d)
    }

    fn open_position_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let open: Vec<&omega_portfolio::OpenPosition> = self.inner.open_positions().collect();
        let f = |get: &dyn Fn(&omega_portfolio::OpenPosition) -> f64| -> Vec<f64> {
            open.iter().map(|o| get(o)).collect()
        };
        let d = PyDict::new(py);
        d.set_item(
            "id",
            PyArray1::from_vec(py, open.iter().map(|o| o.position.id).collect()),
        )?;
        d.set_item(
            "symbol",
            open.iter()
                .map(|o| o.position.symbol.clone())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "direction",
            open.iter()
                .map(|o| o.position.direction.as_str())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("size", PyArray1::from_vec(py, f(&|o| o.position.size)))?;
        d.set_item(
            "entry_time",
            PyArray1::from_vec(py, open.iter().map(|o| o.position.entry_time).collect()),
        )?;
        d.set_item(
            "entry_price",
            PyArray1::from_vec(py, f(&|o| o.position.entry_price)),
        )?;
        d.set_item(
            "stop_loss",
            PyArray1::from_vec(py, f(&|o| o.position.stop_loss.unwrap_or(f64::NAN))),
        )?;
        d.set_item(
            "take_profit",
            PyArray1::from_vec(py, f(&|o| o.position.take_profit.unwrap_or(f64::NAN))),
        )?;
        d.set_item("fees", PyArray1::from_vec(py, f(&|o| o.fees)))?;
        d.set_item(
            "initial_risk",
            PyArray1::from_vec(py, f(&|o| o.initial_risk.unwrap_or(f64::NAN))),
        )?;
        d.set_item(
            "unrealized_pnl",
            PyArray1::from_vec(py, f(&|o| self.inner.position_unrealized_pnl(o))),
        )?;
        Ok(d)
    }

    fn equity_curve_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let inner = &self.inner;
        let dd = run_detached(py, "equity_curve_columns", || {
            Ok(inner
                .equity_curve()
                .drawdown_columns(inner.initial_balance()))
        })?;
        let curve = inner.equity_curve();
        let d = PyDict::new(py);
        d.set_item("timestamp", PyArray1::from_slice(py, curve.timestamps()))?;
        d.set_item("equity", PyArray1::from_slice(py, curve.equity()))?;
        d.set_item("balance", PyArray1::from_slice(py, curve.balance()))?;
        d.set_item("peak", PyArray1::from_vec(py, dd.peak))?;
        d.set_item("drawdown", PyArray1::from_vec(py, dd.drawdown))?;
        d.set_item("drawdown_pct", PyArray1::from_vec(py, dd.drawdown_pct))?;
        Ok(d)
    }

    fn fee_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let fees = self.inner.fees();
        let d = PyDict::new(py);
        d.set_item(
            "time",
            PyArray1::from_vec(py, fees.iter().map(|x| x.time).collect()),
        )?;
        d.set_item(
            "amount",
            PyArray1::from_vec(py, fees.iter().map(|x| x.amount).collect()),
        )?;
        d.set_item(
            "kind",
            fees.iter().map(|x| x.kind.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "position_id",
            PyArray1::from_vec(
                py,
                fees.iter().map(|x| x.position_id.unwrap_or(0)).collect(),
            ),
        )?;
        d.set_item(
            "has_position",
            PyArray1::from_vec(py, fees.iter().map(|x| x.position_id.is_some()).collect()),
        )?;
        Ok(d)
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
