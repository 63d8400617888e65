//! Bars in "long space" and the price path inside a bar (R11, R12).
//!
//! Every rule is written once, for a long: a short is evaluated as a long on negated prices
//! (`O/H/L/C` → `−O/−L/−H/−C`). Negation is exact in IEEE-754 and `a − b = −(b − a)`, so the
//! mirrored arithmetic gives exactly the mirrored numbers.

use omega_core::{Direction, OmegaError};
use std::str::FromStr;

use crate::candle::Candle;

/// A candle seen from one position's direction (negated for a short).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Open.
    pub o: f64,
    /// High (the real low for a short).
    pub h: f64,
    /// Low (the real high for a short).
    pub l: f64,
    /// Close.
    pub c: f64,
}

impl Bar {
    /// `candle` for a position of `direction`.
    #[inline]
    pub fn long_space(candle: &Candle, direction: Direction) -> Self {
        match direction {
            Direction::Long => Self {
                o: candle.open,
                h: candle.high,
                l: candle.low,
                c: candle.close,
            },
            Direction::Short => Self {
                o: -candle.open,
                h: -candle.low,
                l: -candle.high,
                c: -candle.close,
            },
        }
    }

    /// The path's four points: open, first extreme, second extreme, close.
    #[inline]
    pub fn points(&self, up_first: bool) -> [f64; 4] {
        if up_first {
            [self.o, self.h, self.l, self.c]
        } else {
            [self.o, self.l, self.h, self.c]
        }
    }
}

/// A price in long space for `direction` (its own inverse).
#[inline]
pub fn to_long_space(price: f64, direction: Direction) -> f64 {
    match direction {
        Direction::Long => price,
        Direction::Short => -price,
    }
}

/// How the price moved inside a bar when both a stop and a target were in range (R11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntrabarPolicy {
    /// The stop first; the entry bar only takes unambiguous exits.
    Pessimistic,
    /// Open → high → low → close.
    Ohlc,
    /// Open → the extreme nearer to the open → the other → close (ties: high first).
    Adaptive,
}

impl IntrabarPolicy {
    /// The three policies.
    pub const ALL: [IntrabarPolicy; 3] = [
        IntrabarPolicy::Pessimistic,
        IntrabarPolicy::Ohlc,
        IntrabarPolicy::Adaptive,
    ];

    /// `pessimistic`, `ohlc` or `adaptive`.
    pub fn as_str(self) -> &'static str {
        match self {
            IntrabarPolicy::Pessimistic => "pessimistic",
            IntrabarPolicy::Ohlc => "ohlc",
            IntrabarPolicy::Adaptive => "adaptive",
        }
    }

    /// Whether the real high comes before the real low on `exit_side` (the candle the position
    /// exits on). Pessimistic has no path; it answers like `ohlc` (the answer is only used to
    /// locate a pending order's fill, never to pick an exit).
    #[inline]
    pub fn high_first(self, exit_side: &Candle) -> bool {
        match self {
            IntrabarPolicy::Pessimistic | IntrabarPolicy::Ohlc => true,
            IntrabarPolicy::Adaptive => {
                exit_side.high - exit_side.open <= exit_side.open - exit_side.low
            }
        }
    }

    /// In long space for `direction`: does the path go up first?
    #[inline]
    pub fn up_first(self, exit_side: &Candle, direction: Direction) -> bool {
        let high_first = self.high_first(exit_side);
        match direction {
            Direction::Long => high_first,
            Direction::Short => !high_first,
        }
    }
}

impl FromStr for IntrabarPolicy {
    type Err = OmegaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pessimistic" => Ok(IntrabarPolicy::Pessimistic),
            "ohlc" => Ok(IntrabarPolicy::Ohlc),
            "adaptive" => Ok(IntrabarPolicy::Adaptive),
            _ => Err(OmegaError::invalid_value(
                "intrabar_policy",
                "one of 'pessimistic', 'ohlc', 'adaptive'",
                format!("'{s}'"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_is_a_long_on_negated_prices() {
        let c = Candle::new(0, 1.1, 1.2, 1.0, 1.15);
        let b = Bar::long_space(&c, Direction::Short);
        assert_eq!((b.o, b.h, b.l, b.c), (-1.1, -1.0, -1.2, -1.15));
        assert_eq!(b.points(true), [-1.1, -1.0, -1.2, -1.15]);
        assert_eq!(
            to_long_space(to_long_space(1.5, Direction::Short), Direction::Short),
            1.5
        );
    }

    #[test]
    fn adaptive_takes_the_nearer_extreme_first_and_high_on_ties() {
        let low_nearer = Candle::new(0, 1.1, 1.1045, 1.0975, 1.101);
        assert!(!IntrabarPolicy::Adaptive.high_first(&low_nearer));
        assert!(IntrabarPolicy::Adaptive.up_first(&low_nearer, Direction::Short));
        assert!(IntrabarPolicy::Ohlc.high_first(&low_nearer));
        let tie = Candle::new(0, 2.0, 3.0, 1.0, 2.0);
        assert!(IntrabarPolicy::Adaptive.high_first(&tie));
        for p in IntrabarPolicy::ALL {
            assert_eq!(p.as_str().parse::<IntrabarPolicy>(), Ok(p));
        }
        assert!("OHLC".parse::<IntrabarPolicy>().is_err());
    }
}
