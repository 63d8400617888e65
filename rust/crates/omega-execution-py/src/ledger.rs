//! `omega_execution._rust.LedgerView`: the simulator's portfolio, seen through the interface of
//! `omega_portfolio._rust.Portfolio`.
//!
//! The two extensions are separate cdylibs, so the simulator cannot borrow a portfolio object
//! of `omega_portfolio._rust` as a Rust struct. Instead the simulator owns its
//! `omega_portfolio::Portfolio` and the user's `omega_portfolio.Portfolio` is re-pointed to this
//! view: every method the Python `Portfolio` calls on its implementation is here, reading and
//! writing the simulator's ledger (see `docs/portfolio_sharing.md`). Methods and outputs are
//! those of `omega-portfolio-py`; a test checks the two agree.

use numpy::{PyArray1, PyReadonlyArray1};
use omega_core::Direction;
use omega_core_py::{RUST_CALLS, as_slice, run_detached, to_py_err};
use omega_portfolio::{Mark, SummaryValue, SymbolMarks};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{SpecTuple, same_length, spec_from};
use crate::simulator::PySimulator;

/// The portfolio ledger owned by an `ExecutionSimulator`, with the methods of
/// `omega_portfolio._rust.Portfolio`.
#[pyclass(name = "LedgerView", module = "omega_execution._rust")]
pub struct LedgerView {
    sim: Py<PySimulator>,
}

#[pymethods]
impl LedgerView {
    #[new]
    fn new(simulator: Py<PySimulator>) -> Self {
        RUST_CALLS.record();
        Self { sim: simulator }
    }

    /// The simulator whose ledger this is.
    #[getter]
    fn simulator(&self, py: Python<'_>) -> Py<PySimulator> {
        self.sim.clone_ref(py)
    }

    fn add_symbol(&self, py: Python<'_>, spec: SpecTuple) -> PyResult<()> {
        RUST_CALLS.record();
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        sim.inner.add_symbol(spec_from(spec)).map_err(to_py_err)
    }

    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (
        id, symbol, direction, size, entry_time, entry_price, stop_loss, take_profit, symbol_spec
    ))]
    fn register_entry(
        &self,
        py: Python<'_>,
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
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        sim.inner
            .register_external_entry(position, symbol_spec.map(spec_from))
            .map_err(to_py_err)
    }

    fn register_exit(
        &self,
        py: Python<'_>,
        position_id: u64,
        exit_time: i64,
        exit_price: f64,
        reason: &str,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        sim.inner
            .register_external_exit(position_id, exit_time, exit_price, reason)
            .map_err(to_py_err)
    }

    #[pyo3(signature = (amount, time, kind, position_id))]
    fn register_fee(
        &self,
        py: Python<'_>,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        sim.inner
            .register_fee(amount, time, kind, position_id)
            .map_err(to_py_err)
    }

    fn update_equity(
        &self,
        py: Python<'_>,
        timestamp: i64,
        symbols: Vec<String>,
        bids: Vec<f64>,
        asks: Vec<f64>,
    ) -> PyResult<f64> {
        RUST_CALLS.record();
        same_length("bids", "symbols", bids.len(), symbols.len())?;
        same_length("asks", "symbols", asks.len(), symbols.len())?;
        let marks: Vec<Mark<'_>> = symbols
            .iter()
            .zip(bids.iter().zip(&asks))
            .map(|(symbol, (&bid, &ask))| Mark { symbol, bid, ask })
            .collect();
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        sim.inner
            .update_equity(timestamp, &marks)
            .map_err(to_py_err)
    }

    fn update_equity_batch(
        &self,
        py: Python<'_>,
        timestamps: PyReadonlyArray1<'_, i64>,
        symbols: Vec<String>,
        bids: Vec<PyReadonlyArray1<'_, f64>>,
        asks: Vec<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        same_length("bids", "symbols", bids.len(), symbols.len())?;
        same_length("asks", "symbols", asks.len(), symbols.len())?;
        let timestamps = as_slice("timestamps", &timestamps)?;
        let mut marks = Vec::with_capacity(symbols.len());
        for ((symbol, bid), ask) in symbols.iter().zip(&bids).zip(&asks) {
            marks.push(SymbolMarks {
                symbol,
                bid: as_slice(&format!("marks[{symbol}].bid"), bid)?,
                ask: as_slice(&format!("marks[{symbol}].ask"), ask)?,
            });
        }
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        let inner = &mut sim.inner;
        run_detached(py, "update_equity_batch", move || {
            inner.update_equity_batch(timestamps, &marks)
        })
    }

    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let sim = self.sim.bind(py).try_borrow()?;
        let portfolio = sim.inner.portfolio();
        let summary = run_detached(py, "summary", || Ok(portfolio.summary()))?;
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
    fn initial_balance(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .initial_balance())
    }

    #[getter]
    fn account_currency(&self, py: Python<'_>) -> PyResult<String> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .account_currency()
            .to_owned())
    }

    #[getter]
    fn annualization(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .annualization())
    }

    #[getter]
    fn balance(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self.sim.bind(py).try_borrow()?.inner.portfolio().balance())
    }

    #[getter]
    fn equity(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self.sim.bind(py).try_borrow()?.inner.portfolio().equity())
    }

    #[getter]
    fn unrealized_pnl(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .unrealized_pnl())
    }

    #[getter]
    fn total_fees(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .total_fees())
    }

    #[getter]
    fn peak_equity(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .peak_equity())
    }

    #[getter]
    fn drawdown(&self, py: Python<'_>) -> PyResult<f64> {
        RUST_CALLS.record();
        Ok(self.sim.bind(py).try_borrow()?.inner.portfolio().drawdown())
    }

    #[getter]
    fn clock(&self, py: Python<'_>) -> PyResult<Option<i64>> {
        RUST_CALLS.record();
        Ok(self.sim.bind(py).try_borrow()?.inner.portfolio().clock())
    }

    #[getter]
    fn open_count(&self, py: Python<'_>) -> PyResult<usize> {
        RUST_CALLS.record();
        Ok(self
            .sim
            .bind(py)
            .try_borrow()?
            .inner
            .portfolio()
            .open_count())
    }

    fn symbols(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        RUST_CALLS.record();
        let sim = self.sim.bind(py).try_borrow()?;
        Ok(sim
            .inner
            .portfolio()
            .symbol_specs()
            .map(|s| s.symbol.clone())
            .collect())
    }

    fn trade_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let sim = self.sim.bind(py).try_borrow()?;
        let t = sim.inner.portfolio().trades();
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
        let sim = self.sim.bind(py).try_borrow()?;
        let portfolio = sim.inner.portfolio();
        let open: Vec<&omega_portfolio::OpenPosition> = portfolio.open_positions().collect();
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
            PyArray1::from_vec(py, f(&|o| portfolio.position_unrealized_pnl(o))),
        )?;
        Ok(d)
    }

    fn equity_curve_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        RUST_CALLS.record();
        let sim = self.sim.bind(py).try_borrow()?;
        let portfolio = sim.inner.portfolio();
        let dd = run_detached(py, "equity_curve_columns", || {
            Ok(portfolio
                .equity_curve()
                .drawdown_columns(portfolio.initial_balance()))
        })?;
        let curve = portfolio.equity_curve();
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
        let sim = self.sim.bind(py).try_borrow()?;
        let fees = sim.inner.portfolio().fees();
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
