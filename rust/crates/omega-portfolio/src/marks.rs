//! Current prices of a symbol: bid and ask, single or as columns over many timestamps.

use omega_core::Direction;

/// Bid and ask of one symbol at one time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quote {
    /// Price a seller receives.
    pub bid: f64,
    /// Price a buyer pays.
    pub ask: f64,
}

impl Quote {
    /// The price an open position of `direction` is marked and closed at: bid for a long, ask
    /// for a short.
    pub fn exit_price(self, direction: Direction) -> f64 {
        match direction {
            Direction::Long => self.bid,
            Direction::Short => self.ask,
        }
    }
}

/// The quote of one symbol, as passed to [`crate::Portfolio::update_equity`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark<'a> {
    /// Symbol the quote belongs to.
    pub symbol: &'a str,
    /// Bid price.
    pub bid: f64,
    /// Ask price.
    pub ask: f64,
}

/// Bid and ask columns of one symbol aligned with a timestamp column, as passed to
/// [`crate::Portfolio::update_equity_batch`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SymbolMarks<'a> {
    /// Symbol the columns belong to.
    pub symbol: &'a str,
    /// Bid per timestamp.
    pub bid: &'a [f64],
    /// Ask per timestamp.
    pub ask: &'a [f64],
}
