//! Market data the simulator consumes: bid/ask [`Candle`]s and [`Tick`]s, and their checks.

use omega_core::{OmegaError, OmegaResult};

/// Largest accepted timestamp, µs; the smallest is its negation (as in omega-portfolio).
pub use omega_portfolio::MAX_TIME_US;

/// One bar of one book side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candle {
    /// Bar time, UTC microseconds (Omega data: the open time).
    pub timestamp: i64,
    /// First price.
    pub open: f64,
    /// Highest price.
    pub high: f64,
    /// Lowest price.
    pub low: f64,
    /// Last price.
    pub close: f64,
}

impl Candle {
    /// A candle from its time and prices.
    #[inline]
    pub fn new(timestamp: i64, open: f64, high: f64, low: f64, close: f64) -> Self {
        Self {
            timestamp,
            open,
            high,
            low,
            close,
        }
    }

    /// A one-price candle (a tick seen as a bar: R6).
    pub fn point(timestamp: i64, price: f64) -> Self {
        Self::new(timestamp, price, price, price, price)
    }

    /// Finite prices, `low <= high`, `open` and `close` within `[low, high]`; `name` is the
    /// argument the message names (`bid_candle`, `ask_candle`). `at` is appended to the value
    /// (e.g. ` at row 7` in batches).
    pub fn validate(&self, name: &str, at: &str) -> OmegaResult<()> {
        if !(-MAX_TIME_US..=MAX_TIME_US).contains(&self.timestamp) {
            check_time(&format!("{name}.timestamp"), self.timestamp, at)?;
        }
        for (field, value) in [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ] {
            if !value.is_finite() {
                return Err(OmegaError::invalid_value(
                    format!("{name}.{field}"),
                    "a finite price",
                    format!("{value}{at}"),
                ));
            }
        }
        if self.high < self.low {
            return Err(OmegaError::invalid_value(
                name,
                "high >= low",
                format!("high {} < low {}{at}", self.high, self.low),
            ));
        }
        for (field, value) in [("open", self.open), ("close", self.close)] {
            if value < self.low || value > self.high {
                return Err(OmegaError::invalid_value(
                    format!("{name}.{field}"),
                    format!("a price within [low, high] = [{}, {}]", self.low, self.high),
                    format!("{value}{at}"),
                ));
            }
        }
        Ok(())
    }
}

/// Checks a bid/ask pair: each candle valid, same timestamp.
pub fn validate_pair(bid: &Candle, ask: &Candle, at: &str) -> OmegaResult<()> {
    bid.validate("bid_candle", at)?;
    ask.validate("ask_candle", at)?;
    if ask.timestamp != bid.timestamp {
        return Err(OmegaError::invalid_value(
            "ask_candle.timestamp",
            format!("the bid candle's timestamp {}", bid.timestamp),
            format!("{}{at}", ask.timestamp),
        ));
    }
    Ok(())
}

/// One quote: time, bid and ask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    /// Quote time, UTC microseconds.
    pub timestamp: i64,
    /// Price a seller receives.
    pub bid: f64,
    /// Price a buyer pays.
    pub ask: f64,
}

impl Tick {
    /// A tick from its time and prices.
    pub fn new(timestamp: i64, bid: f64, ask: f64) -> Self {
        Self {
            timestamp,
            bid,
            ask,
        }
    }

    /// Finite prices, `bid <= ask`.
    pub fn validate(&self) -> OmegaResult<()> {
        check_time("tick.timestamp", self.timestamp, "")?;
        for (field, value) in [("bid", self.bid), ("ask", self.ask)] {
            if !value.is_finite() {
                return Err(OmegaError::invalid_value(
                    format!("tick.{field}"),
                    "a finite price",
                    value,
                ));
            }
        }
        if self.bid > self.ask {
            return Err(OmegaError::invalid_value(
                "tick",
                "bid <= ask",
                format!("bid {} > ask {}", self.bid, self.ask),
            ));
        }
        Ok(())
    }

    /// The tick as one-price bid and ask candles (R6).
    pub fn candles(&self) -> (Candle, Candle) {
        (
            Candle::point(self.timestamp, self.bid),
            Candle::point(self.timestamp, self.ask),
        )
    }
}

/// A timestamp within `±MAX_TIME_US`.
pub fn check_time(name: &str, time: i64, at: &str) -> OmegaResult<()> {
    if (-MAX_TIME_US..=MAX_TIME_US).contains(&time) {
        Ok(())
    } else {
        Err(OmegaError::invalid_value(
            name,
            format!("a timestamp within ±{MAX_TIME_US} µs"),
            format!("{time}{at}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candles_need_finite_ordered_prices() {
        assert_eq!(
            Candle::new(0, 1.0, 2.0, 0.5, 1.5).validate("bid_candle", ""),
            Ok(())
        );
        assert_eq!(
            Candle::new(0, 1.0, 0.5, 2.0, 1.0)
                .validate("bid_candle", "")
                .unwrap_err()
                .to_string(),
            "bid_candle: expected high >= low, got high 0.5 < low 2"
        );
        assert_eq!(
            Candle::new(0, 3.0, 2.0, 0.5, 1.0)
                .validate("ask_candle", " at row 4")
                .unwrap_err()
                .to_string(),
            "ask_candle.open: expected a price within [low, high] = [0.5, 2], got 3 at row 4"
        );
        assert!(
            Candle::new(0, f64::NAN, 2.0, 0.5, 1.0)
                .validate("x", "")
                .is_err()
        );
        assert!(
            Candle::new(0, 1.0, f64::INFINITY, 0.5, 1.0)
                .validate("x", "")
                .is_err()
        );
        let (b, a) = (Candle::point(0, 1.0), Candle::point(1, 1.0));
        assert_eq!(
            validate_pair(&b, &a, "").unwrap_err().to_string(),
            "ask_candle.timestamp: expected the bid candle's timestamp 0, got 1"
        );
    }

    #[test]
    fn ticks_must_not_be_crossed() {
        assert_eq!(Tick::new(0, 1.0, 1.0).validate(), Ok(()));
        assert_eq!(
            Tick::new(0, 1.1, 1.0).validate().unwrap_err().to_string(),
            "tick: expected bid <= ask, got bid 1.1 > ask 1"
        );
        assert!(Tick::new(0, f64::NAN, 1.0).validate().is_err());
        assert!(Tick::new(i64::MAX, 1.0, 1.0).validate().is_err());
    }
}
