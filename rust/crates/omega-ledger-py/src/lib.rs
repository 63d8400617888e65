//! The Python methods of a portfolio ledger, written once for the two classes that have them:
//! `omega_portfolio._rust.Portfolio` (omega-portfolio-py: owns its `omega_portfolio::Portfolio`)
//! and `omega_execution._rust.LedgerView` (omega-execution-py: the ledger an
//! `ExecutionSimulator` owns, see `packages/omega-execution/docs/portfolio_sharing.md`).
//!
//! A plain rlib with no `#[pymodule]`; each extension module links its own copy.
//! - [`Ledger`] (omega-portfolio's): what a ledger takes. `omega_portfolio::Portfolio` is one;
//!   the simulator of omega-execution-py is another (it keeps its own books in step).
//! - [`LedgerAccess`]: how a Python class reaches its ledger.
//! - The functions: plain arguments in (as `omega_portfolio.Portfolio` normalises them), dicts
//!   of numpy columns out.
//! - [`ledger_methods!`]: the `#[pymethods]` block of such a class, each method one line over
//!   those functions, so both classes have exactly the same methods.

use numpy::{Element, PyArray1, PyReadonlyArray1};
use omega_core::{Direction, OmegaError, SymbolSpec};
use omega_core_py::{RUST_CALLS, as_slice, run_detached, to_py_err};
use omega_portfolio::{Mark, OpenPosition, Portfolio, SummaryValue, SymbolMarks, Trade};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// What [`ledger_methods!`] names in the crate that calls it.
#[doc(hidden)]
pub mod __private {
    pub use numpy;
    pub use omega_core_py::to_py_err;
    pub use omega_portfolio::Position;
}

/// A symbol spec as a tuple: `(symbol, pip_size, tick_size, tick_value, contract_size,
/// volume_min, volume_max, volume_step, base_currency, quote_currency, account_currency)`.
pub type SpecTuple = (
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

/// The spec of a tuple.
pub fn spec_from(t: SpecTuple) -> SymbolSpec {
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

/// The tuple of a spec (the inverse of [`spec_from`]).
pub fn spec_tuple(s: &SymbolSpec) -> SpecTuple {
    (
        s.symbol.clone(),
        s.pip_size,
        s.tick_size,
        s.tick_value,
        s.contract_size,
        s.volume_min,
        s.volume_max,
        s.volume_step,
        s.base_currency.clone(),
        s.quote_currency.clone(),
        s.account_currency.clone(),
    )
}

/// The names of `specs`, in their order.
pub fn symbol_names<'a>(specs: impl Iterator<Item = &'a SymbolSpec>) -> Vec<String> {
    specs.map(|s| s.symbol.clone()).collect()
}

/// Records one call served by the extension this crate is linked into.
pub fn record() {
    RUST_CALLS.record();
}

pub use omega_portfolio::Ledger;

/// How a Python class reaches its ledger: the portfolio it reads, the [`Ledger`] it writes.
pub trait LedgerAccess {
    /// What the writes go to.
    type Ledger: Ledger;

    /// Runs `f` on the portfolio.
    fn read<R>(&self, py: Python<'_>, f: impl FnOnce(&Portfolio) -> PyResult<R>) -> PyResult<R>;

    /// Runs `f` on the ledger.
    fn write<R>(
        &mut self,
        py: Python<'_>,
        f: impl FnOnce(&mut Self::Ledger) -> PyResult<R>,
    ) -> PyResult<R>;
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

/// A direction parsed exactly (`"long"` or `"short"`).
pub fn direction(text: &str) -> PyResult<Direction> {
    text.parse().map_err(to_py_err)
}

/// `update_equity`'s quotes: one per symbol.
pub fn marks<'a>(symbols: &'a [String], bids: &[f64], asks: &[f64]) -> PyResult<Vec<Mark<'a>>> {
    same_length("bids", bids.len(), symbols.len())?;
    same_length("asks", asks.len(), symbols.len())?;
    Ok(symbols
        .iter()
        .zip(bids.iter().zip(asks))
        .map(|(symbol, (&bid, &ask))| Mark { symbol, bid, ask })
        .collect())
}

/// `update_equity_batch`'s timestamps and columns, borrowed from the numpy arrays.
pub fn batch_marks<'a>(
    timestamps: &'a PyReadonlyArray1<'_, i64>,
    symbols: &'a [String],
    bids: &'a [PyReadonlyArray1<'_, f64>],
    asks: &'a [PyReadonlyArray1<'_, f64>],
) -> PyResult<(&'a [i64], Vec<SymbolMarks<'a>>)> {
    same_length("bids", bids.len(), symbols.len())?;
    same_length("asks", asks.len(), symbols.len())?;
    let timestamps = as_slice("timestamps", timestamps)?;
    let mut marks = Vec::with_capacity(symbols.len());
    for ((symbol, bid), ask) in symbols.iter().zip(bids).zip(asks) {
        marks.push(SymbolMarks {
            symbol,
            bid: as_slice(&format!("marks[{symbol}].bid"), bid)?,
            ask: as_slice(&format!("marks[{symbol}].ask"), ask)?,
        });
    }
    Ok((timestamps, marks))
}

/// [`Ledger::update_equity_batch`] with the GIL released.
pub fn update_equity_batch(
    py: Python<'_>,
    ledger: &mut impl Ledger,
    timestamps: &[i64],
    marks: &[SymbolMarks<'_>],
) -> PyResult<()> {
    run_detached(py, "update_equity_batch", move || {
        ledger.update_equity_batch(timestamps, marks)
    })
}

/// The summary as `{name: int | float}`, in the documented order.
pub fn summary<'py>(py: Python<'py>, portfolio: &Portfolio) -> PyResult<Bound<'py, PyDict>> {
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

/// The numpy column of `get` over `rows`.
fn column<'py, R, T: Element>(
    py: Python<'py>,
    rows: &[R],
    get: impl Fn(&R) -> T,
) -> Bound<'py, PyArray1<T>> {
    PyArray1::from_vec(py, rows.iter().map(get).collect())
}

/// The list-of-str column of `get` over `rows`.
fn texts<'a, R>(rows: &'a [R], get: impl Fn(&'a R) -> &'a str) -> Vec<&'a str> {
    rows.iter().map(get).collect()
}

/// `None` as NaN, for float columns.
fn or_nan(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

/// The closed trades as `{column: numpy array | list of str}`.
pub fn trade_columns<'py>(py: Python<'py>, portfolio: &Portfolio) -> PyResult<Bound<'py, PyDict>> {
    let t = portfolio.trades();
    let d = PyDict::new(py);
    d.set_item("id", column(py, t, |x| x.id))?;
    d.set_item("symbol", texts(t, |x| x.symbol.as_str()))?;
    d.set_item("direction", texts(t, |x| x.direction.as_str()))?;
    d.set_item("size", column(py, t, |x| x.size))?;
    d.set_item("entry_time", column(py, t, |x| x.entry_time))?;
    d.set_item("entry_price", column(py, t, |x| x.entry_price))?;
    d.set_item("stop_loss", column(py, t, |x| or_nan(x.stop_loss)))?;
    d.set_item("take_profit", column(py, t, |x| or_nan(x.take_profit)))?;
    d.set_item("exit_time", column(py, t, |x| x.exit_time))?;
    d.set_item("exit_price", column(py, t, |x| x.exit_price))?;
    d.set_item("reason", texts(t, |x| x.reason.as_str()))?;
    d.set_item("pnl", column(py, t, |x| x.pnl))?;
    d.set_item("fees", column(py, t, |x| x.fees))?;
    d.set_item("net_pnl", column(py, t, Trade::net_pnl))?;
    d.set_item("initial_risk", column(py, t, |x| or_nan(x.initial_risk)))?;
    d.set_item("r_multiple", column(py, t, Trade::r_multiple))?;
    Ok(d)
}

/// The open positions (entry order) as `{column: numpy array | list of str}`.
pub fn open_position_columns<'py>(
    py: Python<'py>,
    portfolio: &Portfolio,
) -> PyResult<Bound<'py, PyDict>> {
    let open: Vec<&OpenPosition> = portfolio.open_positions().collect();
    let o = open.as_slice();
    let d = PyDict::new(py);
    d.set_item("id", column(py, o, |x| x.position.id))?;
    d.set_item("symbol", texts(o, |x| x.position.symbol.as_str()))?;
    d.set_item("direction", texts(o, |x| x.position.direction.as_str()))?;
    d.set_item("size", column(py, o, |x| x.position.size))?;
    d.set_item("entry_time", column(py, o, |x| x.position.entry_time))?;
    d.set_item("entry_price", column(py, o, |x| x.position.entry_price))?;
    d.set_item("stop_loss", column(py, o, |x| or_nan(x.position.stop_loss)))?;
    d.set_item(
        "take_profit",
        column(py, o, |x| or_nan(x.position.take_profit)),
    )?;
    d.set_item("fees", column(py, o, |x| x.fees))?;
    d.set_item("initial_risk", column(py, o, |x| or_nan(x.initial_risk)))?;
    d.set_item(
        "unrealized_pnl",
        column(py, o, |x| portfolio.position_unrealized_pnl(x)),
    )?;
    Ok(d)
}

/// The equity curve with its running peak and drawdowns as `{column: numpy array}`.
pub fn equity_curve_columns<'py>(
    py: Python<'py>,
    portfolio: &Portfolio,
) -> PyResult<Bound<'py, PyDict>> {
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

/// The fees as `{column: numpy array | list of str}` (`position_id` 0 where `has_position` is
/// false).
pub fn fee_columns<'py>(py: Python<'py>, portfolio: &Portfolio) -> PyResult<Bound<'py, PyDict>> {
    let f = portfolio.fees();
    let d = PyDict::new(py);
    d.set_item("time", column(py, f, |x| x.time))?;
    d.set_item("amount", column(py, f, |x| x.amount))?;
    d.set_item("kind", texts(f, |x| x.kind.as_str()))?;
    d.set_item("position_id", column(py, f, |x| x.position_id.unwrap_or(0)))?;
    d.set_item("has_position", column(py, f, |x| x.position_id.is_some()))?;
    Ok(d)
}

/// The `#[pymethods]` block of a ledger class: the class's own items (its constructor, …)
/// followed by every method of `omega_portfolio._rust.Portfolio`, each counting one Rust call
/// and delegating through the class's [`LedgerAccess`].
///
/// ```ignore
/// omega_ledger_py::ledger_methods! {
///     impl Portfolio {
///         #[new]
///         fn new(initial_balance: f64, account_currency: &str, annualization: f64) -> PyResult<Self> { … }
///     }
/// }
/// ```
#[macro_export]
macro_rules! ledger_methods {
    (impl $class:ident { $($own:tt)* }) => {
        $crate::ledger_methods! {
            @class $class { $($own)* }
            // Getters `p.<name>()` of `omega_portfolio::Portfolio`.
            numbers {
                initial_balance: f64,
                annualization: f64,
                balance: f64,
                equity: f64,
                unrealized_pnl: f64,
                total_fees: f64,
                peak_equity: f64,
                drawdown: f64,
                clock: Option<i64>,
                open_count: usize,
            }
            // Methods returning the dict of the function of this crate with the same name.
            dicts { summary, trade_columns, open_position_columns, equity_curve_columns, fee_columns }
        }
    };
    (
        @class $class:ident { $($own:tt)* }
        numbers { $($number:ident: $type:ty),* $(,)? }
        dicts { $($dict:ident),* $(,)? }
    ) => {
        #[::pyo3::pymethods]
        impl $class {
            $($own)*

            fn add_symbol(
                &mut self,
                py: ::pyo3::Python<'_>,
                spec: $crate::SpecTuple,
            ) -> ::pyo3::PyResult<()> {
                $crate::record();
                $crate::LedgerAccess::write(self, py, |l| {
                    $crate::Ledger::add_symbol(l, $crate::spec_from(spec))
                        .map_err($crate::__private::to_py_err)
                })
            }

            #[allow(clippy::too_many_arguments)]
            #[pyo3(signature = (
                id, symbol, direction, size, entry_time, entry_price, stop_loss, take_profit,
                symbol_spec
            ))]
            fn register_entry(
                &mut self,
                py: ::pyo3::Python<'_>,
                id: u64,
                symbol: String,
                direction: &str,
                size: f64,
                entry_time: i64,
                entry_price: f64,
                stop_loss: Option<f64>,
                take_profit: Option<f64>,
                symbol_spec: Option<$crate::SpecTuple>,
            ) -> ::pyo3::PyResult<()> {
                $crate::record();
                let position = $crate::__private::Position {
                    id,
                    symbol: symbol.into(),
                    direction: $crate::direction(direction)?,
                    size,
                    entry_time,
                    entry_price,
                    stop_loss,
                    take_profit,
                };
                $crate::LedgerAccess::write(self, py, |l| {
                    $crate::Ledger::register_entry(l, position, symbol_spec.map($crate::spec_from))
                        .map_err($crate::__private::to_py_err)
                })
            }

            fn register_exit(
                &mut self,
                py: ::pyo3::Python<'_>,
                position_id: u64,
                exit_time: i64,
                exit_price: f64,
                reason: &str,
            ) -> ::pyo3::PyResult<()> {
                $crate::record();
                $crate::LedgerAccess::write(self, py, |l| {
                    $crate::Ledger::register_exit(l, position_id, exit_time, exit_price, reason)
                        .map_err($crate::__private::to_py_err)
                })
            }

            #[pyo3(signature = (amount, time, kind, position_id))]
            fn register_fee(
                &mut self,
                py: ::pyo3::Python<'_>,
                amount: f64,
                time: i64,
                kind: &str,
                position_id: Option<u64>,
            ) -> ::pyo3::PyResult<()> {
                $crate::record();
                $crate::LedgerAccess::write(self, py, |l| {
                    $crate::Ledger::register_fee(l, amount, time, kind, position_id)
                        .map_err($crate::__private::to_py_err)
                })
            }

            fn update_equity(
                &mut self,
                py: ::pyo3::Python<'_>,
                timestamp: i64,
                symbols: Vec<String>,
                bids: Vec<f64>,
                asks: Vec<f64>,
            ) -> ::pyo3::PyResult<f64> {
                $crate::record();
                let marks = $crate::marks(&symbols, &bids, &asks)?;
                $crate::LedgerAccess::write(self, py, |l| {
                    $crate::Ledger::update_equity(l, timestamp, &marks)
                        .map_err($crate::__private::to_py_err)
                })
            }

            fn update_equity_batch(
                &mut self,
                py: ::pyo3::Python<'_>,
                timestamps: $crate::__private::numpy::PyReadonlyArray1<'_, i64>,
                symbols: Vec<String>,
                bids: Vec<$crate::__private::numpy::PyReadonlyArray1<'_, f64>>,
                asks: Vec<$crate::__private::numpy::PyReadonlyArray1<'_, f64>>,
            ) -> ::pyo3::PyResult<()> {
                $crate::record();
                let (timestamps, marks) = $crate::batch_marks(&timestamps, &symbols, &bids, &asks)?;
                $crate::LedgerAccess::write(self, py, |l| {
                    $crate::update_equity_batch(py, l, timestamps, &marks)
                })
            }

            #[getter]
            fn account_currency(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<String> {
                $crate::record();
                $crate::LedgerAccess::read(self, py, |p| Ok(p.account_currency().to_owned()))
            }

            fn symbols(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<Vec<String>> {
                $crate::record();
                $crate::LedgerAccess::read(self, py, |p| Ok($crate::symbol_names(p.symbol_specs())))
            }

            $(
                #[getter]
                fn $number(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<$type> {
                    $crate::record();
                    $crate::LedgerAccess::read(self, py, |p| Ok(p.$number()))
                }
            )*

            $(
                fn $dict<'py>(
                    &self,
                    py: ::pyo3::Python<'py>,
                ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::types::PyDict>> {
                    $crate::record();
                    $crate::LedgerAccess::read(self, py, |p| $crate::$dict(py, p))
                }
            )*
        }
    };
}
