//! [`Ledger`]: a portfolio ledger as its writers use it — omega-execution's simulator (generic
//! over it) and the Python bindings' shared ledger methods (omega-ledger-py).
//!
//! [`Portfolio`] implements it by plain delegation (`#[inline]`, so code generic over it
//! compiles to direct calls). Other implementations: the execution simulator itself (writes
//! through its guards, omega-execution-py) and a Python portfolio called through its methods
//! (omega-execution-py's `PythonLedger`, when the execution and portfolio waves run on
//! different backends). Reads are fallible because an implementation outside Rust can fail.

use omega_core::{OmegaResult, SymbolSpec};

use crate::marks::{Mark, SymbolMarks};
use crate::portfolio::Portfolio;
use crate::position::Position;

/// A portfolio ledger: what a writer reads and writes.
pub trait Ledger: Send {
    /// The account currency (fixed for the ledger's life).
    fn account_currency(&self) -> &str;
    /// The symbol specs registered so far.
    fn symbol_specs(&self) -> OmegaResult<Vec<SymbolSpec>>;
    /// The largest position id the ledger has seen (closed or open), if any.
    fn largest_id(&self) -> OmegaResult<Option<u64>>;
    /// The latest time the ledger has recorded.
    fn clock(&self) -> OmegaResult<Option<i64>>;
    /// Cash.
    fn balance(&self) -> OmegaResult<f64>;
    /// Cash plus the open positions' PnL at the last marks.
    fn equity(&self) -> OmegaResult<f64>;
    /// Registers a symbol spec (the same again is a no-op, a different one an error).
    fn add_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()>;
    /// Opens `position`, with `spec` registered first when given.
    fn register_entry(&mut self, position: Position, spec: Option<SymbolSpec>) -> OmegaResult<()>;
    /// Closes position `id`.
    fn register_exit(&mut self, id: u64, time: i64, price: f64, reason: &str) -> OmegaResult<()>;
    /// Charges a fee.
    fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> OmegaResult<()>;
    /// Marks the open positions and appends an equity point; returns the equity.
    fn update_equity(&mut self, timestamp: i64, marks: &[Mark<'_>]) -> OmegaResult<f64>;
    /// [`Ledger::update_equity`] for every timestamp.
    fn update_equity_batch(
        &mut self,
        timestamps: &[i64],
        marks: &[SymbolMarks<'_>],
    ) -> OmegaResult<()>;
    /// Makes room for this many more entries, exits and fees (a hint; default: nothing).
    fn reserve(&mut self, _entries: usize, _exits: usize, _fees: usize) {}
}

impl Ledger for Portfolio {
    #[inline]
    fn account_currency(&self) -> &str {
        Portfolio::account_currency(self)
    }

    fn symbol_specs(&self) -> OmegaResult<Vec<SymbolSpec>> {
        Ok(Portfolio::symbol_specs(self).cloned().collect())
    }

    fn largest_id(&self) -> OmegaResult<Option<u64>> {
        Ok(self
            .trades()
            .iter()
            .map(|t| t.id)
            .chain(self.open_positions().map(|o| o.position.id))
            .max())
    }

    #[inline]
    fn clock(&self) -> OmegaResult<Option<i64>> {
        Ok(Portfolio::clock(self))
    }

    #[inline]
    fn balance(&self) -> OmegaResult<f64> {
        Ok(Portfolio::balance(self))
    }

    #[inline]
    fn equity(&self) -> OmegaResult<f64> {
        Ok(Portfolio::equity(self))
    }

    #[inline]
    fn add_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()> {
        Portfolio::add_symbol(self, spec)
    }

    #[inline]
    fn register_entry(&mut self, position: Position, spec: Option<SymbolSpec>) -> OmegaResult<()> {
        self.register_entry_with_spec(position, spec)
    }

    #[inline]
    fn register_exit(&mut self, id: u64, time: i64, price: f64, reason: &str) -> OmegaResult<()> {
        Portfolio::register_exit(self, id, time, price, reason).map(|_| ())
    }

    #[inline]
    fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> OmegaResult<()> {
        Portfolio::register_fee(self, amount, time, kind, position_id)
    }

    #[inline]
    fn update_equity(&mut self, timestamp: i64, marks: &[Mark<'_>]) -> OmegaResult<f64> {
        Portfolio::update_equity(self, timestamp, marks)
    }

    #[inline]
    fn update_equity_batch(
        &mut self,
        timestamps: &[i64],
        marks: &[SymbolMarks<'_>],
    ) -> OmegaResult<()> {
        Portfolio::update_equity_batch(self, timestamps, marks)
    }

    #[inline]
    fn reserve(&mut self, entries: usize, exits: usize, fees: usize) {
        Portfolio::reserve(self, entries, exits, fees);
    }
}
