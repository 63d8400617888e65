//! A position as registered on entry, and the state the portfolio keeps while it is open.

use omega_core::{Direction, Label, OmegaError, OmegaResult};

use crate::marks::Quote;
use crate::pnl;

/// A position to register: what the execution layer knows at the fill.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// Identifier, unique over the portfolio's lifetime.
    pub id: u64,
    /// Symbol; the portfolio must know its [`omega_core::SymbolSpec`].
    pub symbol: Label,
    /// Long or short.
    pub direction: Direction,
    /// Size in lots, > 0.
    pub size: f64,
    /// Fill time, UTC microseconds.
    pub entry_time: i64,
    /// Fill price.
    pub entry_price: f64,
    /// Initial stop loss (defines the R of the trade); below the entry for a long, above for a
    /// short.
    pub stop_loss: Option<f64>,
    /// Initial take profit (informational).
    pub take_profit: Option<f64>,
}

impl Position {
    /// A position without stop loss or take profit.
    pub fn new(
        id: u64,
        symbol: impl Into<Label>,
        direction: Direction,
        size: f64,
        entry_time: i64,
        entry_price: f64,
    ) -> Self {
        Self {
            id,
            symbol: symbol.into(),
            direction,
            size,
            entry_time,
            entry_price,
            stop_loss: None,
            take_profit: None,
        }
    }

    /// Sets the initial stop loss.
    pub fn with_stop_loss(mut self, stop_loss: f64) -> Self {
        self.stop_loss = Some(stop_loss);
        self
    }

    /// Sets the take profit.
    pub fn with_take_profit(mut self, take_profit: f64) -> Self {
        self.take_profit = Some(take_profit);
        self
    }

    /// Checks size and prices (not the id, symbol or time, which need the portfolio).
    pub(crate) fn validate_values(&self) -> OmegaResult<()> {
        if !(self.size.is_finite() && self.size > 0.0) {
            return Err(OmegaError::invalid_value(
                "size",
                "a finite number of lots > 0",
                self.size,
            ));
        }
        if !self.entry_price.is_finite() {
            return Err(OmegaError::invalid_value(
                "entry_price",
                "a finite price",
                self.entry_price,
            ));
        }
        if let Some(stop) = self.stop_loss {
            let (ok, relation) = match self.direction {
                Direction::Long => (stop < self.entry_price, "below"),
                Direction::Short => (stop > self.entry_price, "above"),
            };
            if !(stop.is_finite() && ok) {
                return Err(OmegaError::invalid_value(
                    "stop_loss",
                    format!(
                        "a finite price {relation} entry_price {} for a {} position, or None",
                        self.entry_price, self.direction
                    ),
                    stop,
                ));
            }
        }
        match self.take_profit {
            Some(take_profit) if !take_profit.is_finite() => Err(OmegaError::invalid_value(
                "take_profit",
                "a finite price or None",
                take_profit,
            )),
            _ => Ok(()),
        }
    }
}

/// An open position and the money values the portfolio derived for it at entry.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenPosition {
    /// The position as registered.
    pub position: Position,
    /// Money value of a +1.0 price move for one lot (from the symbol spec).
    pub value_per_price: f64,
    /// [`pnl::signed_value`] of the position.
    pub signed_value: f64,
    /// [`pnl::initial_risk`] of the position (`None` without a stop).
    pub initial_risk: Option<f64>,
    /// Fees registered against this position so far.
    pub fees: f64,
    pub(crate) symbol_index: usize,
}

impl OpenPosition {
    /// The price this position is marked at given its symbol's last quote; the entry price
    /// while the symbol has no quote yet.
    pub fn mark_price(&self, quote: Option<Quote>) -> f64 {
        match quote {
            Some(q) => q.exit_price(self.position.direction),
            None => self.position.entry_price,
        }
    }

    /// Unrealized PnL at the symbol's last quote (see [`OpenPosition::mark_price`]).
    pub fn unrealized_pnl(&self, quote: Option<Quote>) -> f64 {
        pnl::pnl(
            self.position.entry_price,
            self.mark_price(quote),
            self.signed_value,
        )
    }
}
