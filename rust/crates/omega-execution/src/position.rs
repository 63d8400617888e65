//! A signal's life in the simulator (R2): pending → open → closed, or cancelled / rejected.

use omega_core::{Direction, Label};

use crate::signal::{OrderType, SignalRef};

/// Where a position is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PositionStatus {
    /// An order waiting for its trigger (limit, stop, or a market order for the next open).
    Pending,
    /// Filled and in the portfolio.
    Open,
    /// Exited.
    Closed,
    /// A pending order cancelled by `close_position`.
    Cancelled,
    /// A fill refused (`stops_crossed_at_fill`, `size_below_minimum`, `invalid_size`).
    Rejected,
}

impl std::str::FromStr for PositionStatus {
    type Err = omega_core::OmegaError;

    /// Parses `pending`, `open`, `closed`, `cancelled` or `rejected`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => Self::Pending,
            "open" => Self::Open,
            "closed" => Self::Closed,
            "cancelled" => Self::Cancelled,
            "rejected" => Self::Rejected,
            other => {
                return Err(omega_core::OmegaError::invalid_value(
                    "status",
                    "one of pending, open, closed, cancelled, rejected",
                    format!("'{other}'"),
                ));
            }
        })
    }
}

impl PositionStatus {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PositionStatus::Pending => "pending",
            PositionStatus::Open => "open",
            PositionStatus::Closed => "closed",
            PositionStatus::Cancelled => "cancelled",
            PositionStatus::Rejected => "rejected",
        }
    }

    /// Pending or open: still examined by bars.
    pub fn is_active(self) -> bool {
        matches!(self, PositionStatus::Pending | PositionStatus::Open)
    }
}

/// Exit and rejection reasons (R13).
pub mod reason {
    /// The stop set at the fill was hit.
    pub const STOP_LOSS: &str = "stop_loss";
    /// A moved stop was hit.
    pub const BREAK_EVEN_STOP_LOSS: &str = "break_even_stop_loss";
    /// The target was hit.
    pub const TAKE_PROFIT: &str = "take_profit";
    /// Held for the configured timeout.
    pub const TIMEOUT: &str = "timeout";
    /// `close_position`'s default.
    pub const SIGNAL: &str = "signal";
    /// Rejected: the fill was not strictly between stop and target.
    pub const STOPS_CROSSED_AT_FILL: &str = "stops_crossed_at_fill";
    /// Rejected: the floored size is below the symbol's minimum.
    pub const SIZE_BELOW_MINIMUM: &str = "size_below_minimum";
    /// Rejected: the size or its money values are not finite.
    pub const INVALID_SIZE: &str = "invalid_size";
}

/// One order / position.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// Simulator-assigned id (also the portfolio's position id).
    pub id: u64,
    /// Symbol.
    pub symbol: Label,
    /// Long or short.
    pub direction: Direction,
    /// Order type of the signal.
    pub order_type: OrderType,
    /// Lifecycle state.
    pub status: PositionStatus,
    /// When the order was placed.
    pub entry_time: i64,
    /// The price asked for (`signal.entry`).
    pub entry_price: f64,
    /// When it filled.
    pub trigger_time: Option<i64>,
    /// Fill price, slippage included.
    pub trigger_price: Option<f64>,
    /// When it was closed, cancelled or rejected.
    pub exit_time: Option<i64>,
    /// Exit price, slippage included.
    pub exit_price: Option<f64>,
    /// Why it was closed, cancelled or rejected.
    pub exit_reason: Option<Label>,
    /// Stop at the fill (the signal's stop while pending).
    pub initial_stop_loss: Option<f64>,
    /// Target at the fill (the signal's target while pending).
    pub initial_take_profit: Option<f64>,
    /// Current stop.
    pub stop_loss: Option<f64>,
    /// Current target.
    pub take_profit: Option<f64>,
    /// Lots; 0 unless filled.
    pub size: f64,
    /// Fee charged at the fill.
    pub entry_fee: f64,
    /// Fee charged at the exit.
    pub exit_fee: f64,
    /// Price slip of the fill (>= 0, against the trader).
    pub entry_slippage: f64,
    /// Price slip of the exit (>= 0, against the trader).
    pub exit_slippage: f64,
    /// The signal's reason.
    pub reason: Label,
    /// The signal's scenario.
    pub scenario: Label,
    pub(crate) symbol_index: usize,
}

impl Position {
    /// A position described outside a simulator (e.g. one a Python simulator holds, handed to
    /// a Rust strategy's `manage_position`): the given identity and entry, every other field
    /// empty (status `Pending`, size 0) for the caller to set. It has no slot in any
    /// simulator, so it cannot be given to one.
    pub fn described(
        id: u64,
        symbol: Label,
        direction: Direction,
        order_type: OrderType,
        entry_time: i64,
        entry_price: f64,
    ) -> Self {
        Self {
            id,
            symbol,
            direction,
            order_type,
            status: PositionStatus::Pending,
            entry_time,
            entry_price,
            trigger_time: None,
            trigger_price: None,
            exit_time: None,
            exit_price: None,
            exit_reason: None,
            initial_stop_loss: None,
            initial_take_profit: None,
            stop_loss: None,
            take_profit: None,
            size: 0.0,
            entry_fee: 0.0,
            exit_fee: 0.0,
            entry_slippage: 0.0,
            exit_slippage: 0.0,
            reason: Label::default(),
            scenario: Label::default(),
            symbol_index: usize::MAX,
        }
    }

    /// A pending order as placed; `symbol` is the simulator's label of the signal's symbol,
    /// `texts` its labels of the signal's reason and scenario.
    pub(crate) fn placed(
        id: u64,
        signal: &SignalRef<'_>,
        symbol: Label,
        texts: [Label; 2],
        entry_time: i64,
        symbol_index: usize,
    ) -> Self {
        let [reason, scenario] = texts;
        Self {
            id,
            symbol,
            direction: signal.direction,
            order_type: signal.order_type,
            status: PositionStatus::Pending,
            entry_time,
            entry_price: signal.entry,
            trigger_time: None,
            trigger_price: None,
            exit_time: None,
            exit_price: None,
            exit_reason: None,
            initial_stop_loss: signal.sl,
            initial_take_profit: signal.tp,
            stop_loss: signal.sl,
            take_profit: signal.tp,
            size: 0.0,
            entry_fee: 0.0,
            exit_fee: 0.0,
            entry_slippage: 0.0,
            exit_slippage: 0.0,
            reason,
            scenario,
            symbol_index,
        }
    }
}
