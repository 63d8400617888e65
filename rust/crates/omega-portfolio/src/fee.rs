//! A fee booked against the balance.

use omega_core::Label;

/// One fee (commission, swap, …): a cost taken from the balance when registered.
#[derive(Debug, Clone, PartialEq)]
pub struct Fee {
    /// When it was charged, UTC microseconds.
    pub time: i64,
    /// Amount in account currency, >= 0.
    pub amount: f64,
    /// Free-form kind, e.g. `commission`, `swap`.
    pub kind: Label,
    /// The position it belongs to; `None` for an account-level fee.
    pub position_id: Option<u64>,
}
