//! Plain-argument conversions of the simulator (the ledger view's are omega-ledger-py's).

use omega_core_py::to_py_err;
use omega_execution::{Direction, OrderType, Position, TradeSignal};
use pyo3::prelude::*;

/// A signal from plain arguments (direction and order type parsed exactly).
#[allow(clippy::too_many_arguments)]
pub fn signal(
    timestamp: i64,
    direction: &str,
    symbol: String,
    entry: f64,
    sl: Option<f64>,
    tp: Option<f64>,
    order_type: &str,
    reason: String,
    scenario: String,
) -> PyResult<TradeSignal> {
    let direction: Direction = direction.parse().map_err(to_py_err)?;
    let order_type: OrderType = order_type.parse().map_err(to_py_err)?;
    Ok(TradeSignal {
        timestamp,
        direction,
        symbol: symbol.into(),
        entry,
        sl,
        tp,
        order_type,
        reason: reason.into(),
        scenario: scenario.into(),
    })
}

/// A position as the tuple the Python layer turns into `omega_execution.Position`.
pub type PositionTuple = (
    (u64, String, &'static str, &'static str, &'static str),
    (
        i64,
        f64,
        Option<i64>,
        Option<f64>,
        Option<i64>,
        Option<f64>,
        Option<String>,
    ),
    (Option<f64>, Option<f64>, Option<f64>, Option<f64>),
    (f64, f64, f64, f64, f64),
    (String, String),
);

/// `((id, symbol, direction, order_type, status), (entry_time, entry_price, trigger_time,
/// trigger_price, exit_time, exit_price, exit_reason), (initial_stop_loss,
/// initial_take_profit, stop_loss, take_profit), (size, entry_fee, exit_fee, entry_slippage,
/// exit_slippage), (reason, scenario))`.
pub fn position_tuple(p: &Position) -> PositionTuple {
    (
        (
            p.id,
            p.symbol.as_str().to_owned(),
            p.direction.as_str(),
            p.order_type.as_str(),
            p.status.as_str(),
        ),
        (
            p.entry_time,
            p.entry_price,
            p.trigger_time,
            p.trigger_price,
            p.exit_time,
            p.exit_price,
            p.exit_reason.as_deref().map(str::to_owned),
        ),
        (
            p.initial_stop_loss,
            p.initial_take_profit,
            p.stop_loss,
            p.take_profit,
        ),
        (
            p.size,
            p.entry_fee,
            p.exit_fee,
            p.entry_slippage,
            p.exit_slippage,
        ),
        (p.reason.as_str().to_owned(), p.scenario.as_str().to_owned()),
    )
}
