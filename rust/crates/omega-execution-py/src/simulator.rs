//! `omega_execution._rust.ExecutionSimulator`: the core simulator behind plain arguments.

use numpy::{PyArray1, PyReadonlyArray1};
use omega_core::OmegaError;
use omega_core_py::{RUST_CALLS, as_slice, run_attached, run_detached, to_py_err};
use omega_execution::{
    BarColumns, Candle, FeeModel, FillAt, IntrabarPolicy, SignalColumns, Simulator,
    SimulatorConfig, Sizing, SlippageModel, Tick,
};
use omega_ledger_py::{SpecTuple, spec_from, symbol_names};
use omega_portfolio::Portfolio;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert::{PositionTuple, position_tuple, signal};
use crate::python_ledger::PythonLedger;

/// The core simulator and where its ledger is. One per simulator object, so the variants'
/// size difference costs nothing, and neither is boxed (no extra indirection on every call).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Inner {
    /// It owns an `omega_portfolio::Portfolio` (the portfolio wave on Rust too).
    Own(Simulator),
    /// It writes into a Python portfolio (the portfolio wave on its Python fallback).
    Python(Simulator<PythonLedger>),
}

/// `$body` with `$s` bound to the core simulator, whichever its ledger.
macro_rules! with_sim {
    ($inner:expr, $s:ident => $body:expr) => {
        match $inner {
            Inner::Own($s) => $body,
            Inner::Python($s) => $body,
        }
    };
}
pub(crate) use with_sim;

/// The execution simulator; owns the portfolio ledger it writes into, or writes into a Python
/// portfolio given as `ledger`.
#[pyclass(name = "ExecutionSimulator", module = "omega_execution._rust")]
pub struct PySimulator {
    pub(crate) inner: Inner,
}

impl PySimulator {
    /// `err` of a failed call, or the exception the Python portfolio raised behind it (see
    /// [`crate::python_ledger::Raised`]), re-raised unchanged.
    pub(crate) fn reraise(&self, err: PyErr) -> PyErr {
        match &self.inner {
            Inner::Own(_) => err,
            Inner::Python(s) => s.portfolio().raised().reraise(err),
        }
    }

    /// The simulator over its own Rust ledger; an error naming the call otherwise.
    fn own(&mut self, what: &str) -> PyResult<&mut Simulator> {
        match &mut self.inner {
            Inner::Own(sim) => Ok(sim),
            Inner::Python(_) => Err(PyValueError::new_err(format!(
                "{what}: the batch APIs need the execution and portfolio waves on the same \
                 backend (this simulator writes into a Python portfolio)"
            ))),
        }
    }
}

fn sizing(kind: &str, value: f64) -> PyResult<Sizing> {
    match kind {
        "risk" => Ok(Sizing::Risk),
        "fixed_lots" => Ok(Sizing::FixedLots(value)),
        "fraction_of_equity" => Ok(Sizing::FractionOfEquity(value)),
        other => Err(to_py_err(OmegaError::invalid_value(
            "sizing",
            "one of 'risk', 'fixed_lots', 'fraction_of_equity'",
            format!("'{other}'"),
        ))),
    }
}

fn slippage(kind: &str, pips: f64) -> PyResult<SlippageModel> {
    match kind {
        "none" => Ok(SlippageModel::None),
        "fixed" => Ok(SlippageModel::Fixed { pips }),
        "random" => Ok(SlippageModel::Random { max_pips: pips }),
        other => Err(to_py_err(OmegaError::invalid_value(
            "slippage_model",
            "one of 'none', 'fixed', 'random'",
            format!("'{other}'"),
        ))),
    }
}

/// Signal columns borrowed from numpy arrays.
type SignalArrays<'py> = (
    PyReadonlyArray1<'py, i64>,
    PyReadonlyArray1<'py, u8>,
    PyReadonlyArray1<'py, u32>,
    Vec<String>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, u8>,
    PyReadonlyArray1<'py, u32>,
    Vec<String>,
    PyReadonlyArray1<'py, u32>,
    Vec<String>,
);

fn signal_columns<'a>(s: &'a SignalArrays<'_>) -> PyResult<SignalColumns<'a>> {
    Ok(SignalColumns {
        timestamp: as_slice("signals.timestamp", &s.0)?,
        direction: as_slice("signals.direction", &s.1)?,
        symbol: as_slice("signals.symbol", &s.2)?,
        symbol_values: &s.3,
        entry: as_slice("signals.entry", &s.4)?,
        sl: as_slice("signals.sl", &s.5)?,
        tp: as_slice("signals.tp", &s.6)?,
        order_type: as_slice("signals.order_type", &s.7)?,
        reason: as_slice("signals.reason", &s.8)?,
        reason_values: &s.9,
        scenario: as_slice("signals.scenario", &s.10)?,
        scenario_values: &s.11,
    })
}

/// Bar columns borrowed from numpy arrays.
type BarArrays<'py> = (
    PyReadonlyArray1<'py, i64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, f64>,
);

fn bar_columns<'a>(name: &str, b: &'a BarArrays<'_>) -> PyResult<BarColumns<'a>> {
    Ok(BarColumns {
        timestamp: as_slice(&format!("{name}.timestamp"), &b.0)?,
        open: as_slice(&format!("{name}.open"), &b.1)?,
        high: as_slice(&format!("{name}.high"), &b.2)?,
        low: as_slice(&format!("{name}.low"), &b.3)?,
        close: as_slice(&format!("{name}.close"), &b.4)?,
    })
}

#[pymethods]
impl PySimulator {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (
        initial_balance, account_currency, annualization, risk_per_trade, pip_buffer_factor,
        intrabar_policy, fill_at, sizing_kind, sizing_value, slippage_kind, slippage_pips, fee,
        seed, timeout_us, ledger=None
    ))]
    fn new(
        initial_balance: f64,
        account_currency: &str,
        annualization: f64,
        risk_per_trade: f64,
        pip_buffer_factor: f64,
        intrabar_policy: &str,
        fill_at: &str,
        sizing_kind: &str,
        sizing_value: f64,
        slippage_kind: &str,
        slippage_pips: f64,
        fee: Option<(f64, f64, f64)>,
        seed: u64,
        timeout_us: Option<i64>,
        ledger: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        RUST_CALLS.record();
        let config = SimulatorConfig {
            risk_per_trade,
            pip_buffer_factor,
            intrabar_policy: intrabar_policy
                .parse::<IntrabarPolicy>()
                .map_err(to_py_err)?,
            fill_at: fill_at.parse::<FillAt>().map_err(to_py_err)?,
            sizing: sizing(sizing_kind, sizing_value)?,
            slippage: slippage(slippage_kind, slippage_pips)?,
            fees: fee.map(|(per_lot, rate, minimum)| FeeModel {
                per_lot,
                rate,
                minimum,
            }),
            seed,
            timeout_us,
        };
        let inner = match ledger {
            None => {
                let portfolio = Portfolio::new(initial_balance, account_currency, annualization)
                    .map_err(to_py_err)?;
                Inner::Own(Simulator::new(portfolio, config).map_err(to_py_err)?)
            }
            Some(ledger) => {
                let ledger = PythonLedger::new(ledger)?;
                let raised = ledger.raised().clone();
                let sim = Simulator::new(ledger, config);
                Inner::Python(sim.map_err(|e| raised.reraise(to_py_err(e)))?)
            }
        };
        Ok(Self { inner })
    }

    fn add_symbol(&mut self, spec: SpecTuple) -> PyResult<()> {
        RUST_CALLS.record();
        with_sim!(&mut self.inner, s => s.add_symbol(spec_from(spec)).map_err(to_py_err))
            .map_err(|e| self.reraise(e))
    }

    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario))]
    fn process_signal(
        &mut self,
        timestamp: i64,
        direction: &str,
        symbol: String,
        entry: f64,
        sl: Option<f64>,
        tp: Option<f64>,
        order_type: &str,
        reason: String,
        scenario: String,
    ) -> PyResult<u64> {
        RUST_CALLS.record();
        let s = signal(
            timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario,
        )?;
        with_sim!(&mut self.inner, sim => sim.process_signal(&s).map_err(to_py_err))
            .map_err(|e| self.reraise(e))
    }

    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (
        timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario, tick_time,
        bid, ask
    ))]
    fn process_signal_tick(
        &mut self,
        timestamp: i64,
        direction: &str,
        symbol: String,
        entry: f64,
        sl: Option<f64>,
        tp: Option<f64>,
        order_type: &str,
        reason: String,
        scenario: String,
        tick_time: i64,
        bid: f64,
        ask: f64,
    ) -> PyResult<u64> {
        RUST_CALLS.record();
        let s = signal(
            timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario,
        )?;
        let tick = Tick::new(tick_time, bid, ask);
        with_sim!(&mut self.inner, sim => sim.process_signal_tick(&s, &tick).map_err(to_py_err))
            .map_err(|e| self.reraise(e))
    }

    #[allow(clippy::too_many_arguments)]
    fn evaluate_exits(
        &mut self,
        py: Python<'_>,
        symbol: &str,
        timestamp: i64,
        bid: (f64, f64, f64, f64),
        ask: (f64, f64, f64, f64),
    ) -> PyResult<Vec<u64>> {
        RUST_CALLS.record();
        let b = Candle::new(timestamp, bid.0, bid.1, bid.2, bid.3);
        let a = Candle::new(timestamp, ask.0, ask.1, ask.2, ask.3);
        match &mut self.inner {
            Inner::Own(sim) => run_detached(py, "evaluate_exits", move || {
                sim.evaluate_exits(symbol, &b, &a)
            }),
            // Every call into the Python portfolio needs the GIL: keep it for the bar rather
            // than release it and take it back for each ledger call.
            Inner::Python(sim) => {
                run_attached("evaluate_exits", || sim.evaluate_exits(symbol, &b, &a))
                    .map_err(|e| sim.portfolio().raised().reraise(e))
            }
        }
    }

    fn evaluate_exits_tick(
        &mut self,
        symbol: &str,
        timestamp: i64,
        bid: f64,
        ask: f64,
    ) -> PyResult<Vec<u64>> {
        RUST_CALLS.record();
        let tick = Tick::new(timestamp, bid, ask);
        with_sim!(&mut self.inner, sim => sim.evaluate_exits_tick(symbol, &tick).map_err(to_py_err))
            .map_err(|e| self.reraise(e))
    }

    fn modify_stop_loss(&mut self, position_id: u64, sl: Option<f64>) -> PyResult<()> {
        RUST_CALLS.record();
        with_sim!(&mut self.inner, s => s.modify_stop_loss(position_id, sl).map_err(to_py_err))
            .map_err(|e| self.reraise(e))
    }

    fn modify_take_profit(&mut self, position_id: u64, tp: Option<f64>) -> PyResult<()> {
        RUST_CALLS.record();
        with_sim!(&mut self.inner, s => s.modify_take_profit(position_id, tp).map_err(to_py_err))
            .map_err(|e| self.reraise(e))
    }

    #[pyo3(signature = (position_id, timestamp, price, reason))]
    fn close_position(
        &mut self,
        position_id: u64,
        timestamp: Option<i64>,
        price: Option<f64>,
        reason: &str,
    ) -> PyResult<()> {
        RUST_CALLS.record();
        with_sim!(&mut self.inner, s => s
            .close_position(position_id, timestamp, price, reason)
            .map_err(to_py_err))
        .map_err(|e| self.reraise(e))
    }

    fn process_signals_batch<'py>(
        &mut self,
        py: Python<'py>,
        signals: SignalArrays<'py>,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        RUST_CALLS.record();
        let columns = signal_columns(&signals)?;
        let inner = self.own("process_signals_batch")?;
        let ids = run_detached(py, "process_signals_batch", move || {
            inner.process_signals_batch(&columns)
        })?;
        Ok(PyArray1::from_vec(py, ids))
    }

    #[pyo3(signature = (symbol, bid, ask, signals))]
    fn evaluate_exits_batch<'py>(
        &mut self,
        py: Python<'py>,
        symbol: &str,
        bid: BarArrays<'py>,
        ask: BarArrays<'py>,
        signals: Option<SignalArrays<'py>>,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        RUST_CALLS.record();
        let b = bar_columns("bid", &bid)?;
        let a = bar_columns("ask", &ask)?;
        let s = signals.as_ref().map(signal_columns).transpose()?;
        let inner = self.own("evaluate_exits_batch")?;
        let closed = run_detached(py, "evaluate_exits_batch", move || {
            inner.evaluate_exits_batch(symbol, &b, &a, s.as_ref())
        })?;
        Ok(PyArray1::from_vec(py, closed))
    }

    fn position(&self, position_id: u64) -> Option<PositionTuple> {
        RUST_CALLS.record();
        with_sim!(&self.inner, s => s.position(position_id).map(position_tuple))
    }

    fn positions(&self) -> Vec<PositionTuple> {
        RUST_CALLS.record();
        with_sim!(&self.inner, s => s.positions().iter().map(position_tuple).collect())
    }

    fn active_ids(&self) -> Vec<u64> {
        RUST_CALLS.record();
        with_sim!(&self.inner, s => s.active_positions().map(|p| p.id).collect())
    }

    #[getter]
    fn next_id(&self) -> u64 {
        RUST_CALLS.record();
        with_sim!(&self.inner, s => s.next_id())
    }

    fn last_quote(&self, symbol: &str) -> Option<(i64, f64, f64)> {
        RUST_CALLS.record();
        with_sim!(&self.inner, s => s.last_quote(symbol).map(|q| (q.time, q.bid, q.ask)))
    }

    fn symbols(&self) -> Vec<String> {
        RUST_CALLS.record();
        with_sim!(&self.inner, s => symbol_names(s.symbol_specs()))
    }
}
