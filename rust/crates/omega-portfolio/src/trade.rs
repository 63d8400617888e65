//! A closed position: the record the statistics are computed from.

use omega_core::{Direction, Label};

/// One closed trade.
#[derive(Debug, Clone, PartialEq)]
pub struct Trade {
    /// Position id.
    pub id: u64,
    /// Symbol.
    pub symbol: Label,
    /// Long or short.
    pub direction: Direction,
    /// Size in lots.
    pub size: f64,
    /// Entry time, UTC microseconds.
    pub entry_time: i64,
    /// Entry price.
    pub entry_price: f64,
    /// Initial stop loss, if any.
    pub stop_loss: Option<f64>,
    /// Take profit, if any.
    pub take_profit: Option<f64>,
    /// Exit time, UTC microseconds.
    pub exit_time: i64,
    /// Exit price.
    pub exit_price: f64,
    /// Why the position was closed (`stop_loss`, `take_profit`, `signal`, …).
    pub reason: Label,
    /// Gross PnL in account currency: [`crate::pnl::pnl`] of entry → exit.
    pub pnl: f64,
    /// Fees registered against this position (before or after its exit).
    pub fees: f64,
    /// Money at risk to the initial stop (`None` without a stop).
    pub initial_risk: Option<f64>,
}

impl Trade {
    /// `pnl - fees`: what the trade earned the account.
    pub fn net_pnl(&self) -> f64 {
        self.pnl - self.fees
    }

    /// `net_pnl / initial_risk`; NaN without a stop.
    pub fn r_multiple(&self) -> f64 {
        match self.initial_risk {
            Some(risk) => self.net_pnl() / risk,
            None => f64::NAN,
        }
    }
}
