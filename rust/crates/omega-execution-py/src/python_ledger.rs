//! [`PythonLedger`]: the simulator's [`omega_execution::Ledger`] over a Python portfolio.
//!
//! When the execution wave runs on Rust and the portfolio wave on its Python fallback
//! (`OMEGA_USE_RUST_PORTFOLIO=0`), the Rust simulator writes into the user's portfolio
//! implementation (`omega_portfolio._python.portfolio.Portfolio`) through its Python methods:
//! every number the ledger records (balance, equity, trades, summary) is computed by that
//! fallback (and counted by omega-portfolio's Python counter). The simulator's own exit
//! pre-check still prices positions with `omega_portfolio::pnl` (linked into this extension),
//! exactly as the Python simulator does with the fallback's `pnl`. Each call takes the GIL; a
//! Python exception fails the simulator's call (no panic) and is kept, so the binding re-raises
//! it unchanged ([`Raised::reraise`]). See
//! `packages/omega-execution/docs/portfolio_sharing.md`.

use std::sync::{Arc, Mutex, MutexGuard};

use omega_core::{OmegaError, OmegaResult, SymbolSpec};
use omega_execution::Ledger;
use omega_ledger_py::spec_tuple;
use omega_portfolio::{Mark, Position, SymbolMarks};
use pyo3::prelude::*;

/// Where a failing portfolio call keeps the exception it raised, until the binding re-raises
/// it (shared, so it outlives a ledger consumed by a failed `Simulator::new`).
#[derive(Debug, Clone, Default)]
pub struct Raised(Arc<Mutex<Option<PyErr>>>);

impl Raised {
    fn slot(&self) -> MutexGuard<'_, Option<PyErr>> {
        // A poisoned lock only means a panic while it was held; the slot is still valid.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `err` (the simulator's error for a failed call) replaced by the exception the Python
    /// portfolio raised, when it raised one: a `ValueError` or `KeyboardInterrupt` of the
    /// portfolio reaches the caller as itself. Takes the kept exception (it is raised once).
    pub fn reraise(&self, err: PyErr) -> PyErr {
        self.slot().take().unwrap_or(err)
    }
}

/// A Python portfolio implementation (the methods of `omega_portfolio.portfolio._Impl`).
#[derive(Debug)]
pub struct PythonLedger {
    portfolio: Py<PyAny>,
    account_currency: String,
    raised: Raised,
}

impl PythonLedger {
    /// The ledger over `portfolio`, whose account currency is read once (it never changes).
    pub fn new(portfolio: Bound<'_, PyAny>) -> PyResult<Self> {
        let account_currency = portfolio.getattr("account_currency")?.extract()?;
        Ok(Self {
            portfolio: portfolio.unbind(),
            account_currency,
            raised: Raised::default(),
        })
    }

    /// Where this ledger keeps the exception of a failed portfolio call.
    pub fn raised(&self) -> &Raised {
        &self.raised
    }

    fn with<R>(&self, f: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<R>) -> OmegaResult<R> {
        Python::attach(|py| f(self.portfolio.bind(py))).map_err(|e| {
            let message = format!("the Python portfolio raised {e}");
            *self.raised.slot() = Some(e);
            OmegaError::Internal(message)
        })
    }

    fn ids(columns: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
        let ids: Vec<u64> = columns.get_item("id")?.call_method0("tolist")?.extract()?;
        Ok(ids.into_iter().max())
    }
}

impl Ledger for PythonLedger {
    fn account_currency(&self) -> &str {
        &self.account_currency
    }

    /// None: the Python wrapper registers every spec the portfolio knows through the
    /// simulator (`ExecutionSimulator` requires them in `symbol_specs`).
    fn symbol_specs(&self) -> OmegaResult<Vec<SymbolSpec>> {
        Ok(Vec::new())
    }

    fn largest_id(&self) -> OmegaResult<Option<u64>> {
        self.with(|p| {
            let closed = Self::ids(&p.call_method0("trade_columns")?)?;
            let open = Self::ids(&p.call_method0("open_position_columns")?)?;
            Ok(closed.max(open))
        })
    }

    fn clock(&self) -> OmegaResult<Option<i64>> {
        self.with(|p| p.getattr("clock")?.extract())
    }

    fn balance(&self) -> OmegaResult<f64> {
        self.with(|p| p.getattr("balance")?.extract())
    }

    fn equity(&self) -> OmegaResult<f64> {
        self.with(|p| p.getattr("equity")?.extract())
    }

    fn add_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()> {
        self.with(|p| {
            p.call_method1("add_symbol", (spec_tuple(&spec),))
                .map(|_| ())
        })
    }

    fn register_entry(&mut self, position: Position, spec: Option<SymbolSpec>) -> OmegaResult<()> {
        self.with(|p| {
            let args = (
                position.id,
                position.symbol.as_str(),
                position.direction.as_str(),
                position.size,
                position.entry_time,
                position.entry_price,
                position.stop_loss,
                position.take_profit,
                spec.as_ref().map(spec_tuple),
            );
            p.call_method1("register_entry", args).map(|_| ())
        })
    }

    fn register_exit(&mut self, id: u64, time: i64, price: f64, reason: &str) -> OmegaResult<()> {
        self.with(|p| {
            p.call_method1("register_exit", (id, time, price, reason))
                .map(|_| ())
        })
    }

    fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> OmegaResult<()> {
        self.with(|p| {
            p.call_method1("register_fee", (amount, time, kind, position_id))
                .map(|_| ())
        })
    }

    fn update_equity(&mut self, timestamp: i64, marks: &[Mark<'_>]) -> OmegaResult<f64> {
        let symbols: Vec<&str> = marks.iter().map(|m| m.symbol).collect();
        let bids: Vec<f64> = marks.iter().map(|m| m.bid).collect();
        let asks: Vec<f64> = marks.iter().map(|m| m.ask).collect();
        self.with(|p| {
            p.call_method1("update_equity", (timestamp, symbols, bids, asks))?
                .extract()
        })
    }

    fn update_equity_batch(
        &mut self,
        timestamps: &[i64],
        marks: &[SymbolMarks<'_>],
    ) -> OmegaResult<()> {
        self.with(|p| {
            let py = p.py();
            let array = |v: &[f64]| numpy::PyArray1::from_slice(py, v);
            let symbols: Vec<&str> = marks.iter().map(|m| m.symbol).collect();
            let bids: Vec<_> = marks.iter().map(|m| array(m.bid)).collect();
            let asks: Vec<_> = marks.iter().map(|m| array(m.ask)).collect();
            let ts = numpy::PyArray1::from_slice(py, timestamps);
            p.call_method1("update_equity_batch", (ts, symbols, bids, asks))
                .map(|_| ())
        })
    }
}
