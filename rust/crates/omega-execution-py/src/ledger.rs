//! `omega_execution._rust.LedgerView`: the simulator's portfolio, seen through the interface of
//! `omega_portfolio._rust.Portfolio`.
//!
//! The two extensions are separate cdylibs, so the simulator cannot borrow a portfolio object
//! of `omega_portfolio._rust` as a Rust struct. Instead the simulator owns its
//! `omega_portfolio::Portfolio` and the user's `omega_portfolio.Portfolio` is re-pointed to this
//! view: every method the Python `Portfolio` calls on its implementation is here, reading and
//! writing the simulator's ledger (see `docs/portfolio_sharing.md`). The methods are
//! omega-portfolio-py's own (`omega_ledger_py::ledger_methods!`); writes go through the
//! simulator, which keeps its own books in step.

use omega_core::{OmegaResult, SymbolSpec};
use omega_core_py::RUST_CALLS;
use omega_ledger_py::{Ledger, LedgerAccess};
use omega_portfolio::{Mark, Portfolio, Position, SymbolMarks};
use pyo3::prelude::*;

use crate::simulator::{Inner, PySimulator, with_sim};

/// The portfolio ledger owned by an `ExecutionSimulator`, with the methods of
/// `omega_portfolio._rust.Portfolio`.
#[pyclass(name = "LedgerView", module = "omega_execution._rust")]
pub struct LedgerView {
    sim: Py<PySimulator>,
}

/// Reads are the simulator's ledger's; writes go through the simulator's guards.
impl Ledger for PySimulator {
    fn account_currency(&self) -> &str {
        with_sim!(&self.inner, s => s.portfolio().account_currency())
    }

    fn symbol_specs(&self) -> OmegaResult<Vec<SymbolSpec>> {
        with_sim!(&self.inner, s => Ledger::symbol_specs(s.portfolio()))
    }

    fn largest_id(&self) -> OmegaResult<Option<u64>> {
        with_sim!(&self.inner, s => s.portfolio().largest_id())
    }

    fn clock(&self) -> OmegaResult<Option<i64>> {
        with_sim!(&self.inner, s => Ledger::clock(s.portfolio()))
    }

    fn balance(&self) -> OmegaResult<f64> {
        with_sim!(&self.inner, s => Ledger::balance(s.portfolio()))
    }

    fn equity(&self) -> OmegaResult<f64> {
        with_sim!(&self.inner, s => Ledger::equity(s.portfolio()))
    }

    fn add_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()> {
        with_sim!(&mut self.inner, s => s.add_symbol(spec))
    }

    fn register_entry(&mut self, position: Position, spec: Option<SymbolSpec>) -> OmegaResult<()> {
        with_sim!(&mut self.inner, s => s.register_external_entry(position, spec))
    }

    fn register_exit(&mut self, id: u64, time: i64, price: f64, reason: &str) -> OmegaResult<()> {
        with_sim!(&mut self.inner, s => s.register_external_exit(id, time, price, reason))
    }

    fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> OmegaResult<()> {
        with_sim!(&mut self.inner, s => s.register_fee(amount, time, kind, position_id))
    }

    fn update_equity(&mut self, timestamp: i64, marks: &[Mark<'_>]) -> OmegaResult<f64> {
        with_sim!(&mut self.inner, s => s.update_equity(timestamp, marks))
    }

    fn update_equity_batch(
        &mut self,
        timestamps: &[i64],
        marks: &[SymbolMarks<'_>],
    ) -> OmegaResult<()> {
        with_sim!(&mut self.inner, s => s.update_equity_batch(timestamps, marks))
    }
}

impl LedgerAccess for LedgerView {
    type Ledger = PySimulator;

    fn read<R>(&self, py: Python<'_>, f: impl FnOnce(&Portfolio) -> PyResult<R>) -> PyResult<R> {
        match &self.sim.bind(py).try_borrow()?.inner {
            Inner::Own(sim) => f(sim.portfolio()),
            Inner::Python(_) => Err(pyo3::exceptions::PyValueError::new_err(
                "LedgerView: this simulator writes into a Python portfolio; read that portfolio",
            )),
        }
    }

    fn write<R>(
        &mut self,
        py: Python<'_>,
        f: impl FnOnce(&mut PySimulator) -> PyResult<R>,
    ) -> PyResult<R> {
        let mut sim = self.sim.bind(py).try_borrow_mut()?;
        f(&mut sim).map_err(|e| sim.reraise(e))
    }
}

omega_ledger_py::ledger_methods! {
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
    }
}
