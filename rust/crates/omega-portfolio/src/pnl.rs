//! Money arithmetic of a position: the one place PnL and risk are computed.
//!
//! Every formula is a fixed sequence of IEEE-754 double operations, written out so the Python
//! fallback (`omega_portfolio._python.pnl`) performs exactly the same ones in the same order.

use omega_core::Direction;

/// Signed money value of a price move of +1.0 for the whole position:
/// `size * value_per_price` for a long, `-(size * value_per_price)` for a short.
pub fn signed_value(direction: Direction, size: f64, value_per_price: f64) -> f64 {
    let value = size * value_per_price;
    match direction {
        Direction::Long => value,
        Direction::Short => -value,
    }
}

/// PnL in account currency of a move from `entry_price` to `price`:
/// `(price - entry_price) * signed_value`.
pub fn pnl(entry_price: f64, price: f64, signed_value: f64) -> f64 {
    (price - entry_price) * signed_value
}

/// Money lost if the initial stop is hit: `|entry_price - stop_loss| * (size * value_per_price)`.
pub fn initial_risk(entry_price: f64, stop_loss: f64, size: f64, value_per_price: f64) -> f64 {
    (entry_price - stop_loss).abs() * (size * value_per_price)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_gains_when_price_rises_short_when_it_falls() {
        let long = signed_value(Direction::Long, 2.0, 50.0);
        let short = signed_value(Direction::Short, 2.0, 50.0);
        assert_eq!((long, short), (100.0, -100.0));
        assert_eq!(pnl(4000.0, 4010.0, long), 1000.0);
        assert_eq!(pnl(4000.0, 4010.0, short), -1000.0);
        assert_eq!(pnl(4000.0, 3990.5, short), 950.0);
    }

    #[test]
    fn risk_is_the_stop_distance_in_money() {
        assert_eq!(initial_risk(4000.0, 3990.0, 2.0, 50.0), 1000.0);
        assert_eq!(initial_risk(4000.0, 4012.5, 2.0, 50.0), 1250.0);
    }
}
