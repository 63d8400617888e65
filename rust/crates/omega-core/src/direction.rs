//! The direction of a position: long (bought, profits when the price rises) or short.

use std::fmt;
use std::str::FromStr;

use crate::error::OmegaError;
use crate::side::Side;

/// Long or short.
///
/// A long is opened at the ask and marked and closed at the bid; a short the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Bought; gains when the price rises.
    Long,
    /// Sold; gains when the price falls.
    Short,
}

impl Direction {
    /// Both directions, long first.
    pub const ALL: [Direction; 2] = [Direction::Long, Direction::Short];

    /// Lower-case name: `"long"` or `"short"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Long => "long",
            Direction::Short => "short",
        }
    }

    /// The side of the book an open position is marked and closed on: bid for a long, ask for
    /// a short.
    pub fn exit_side(self) -> Side {
        match self {
            Direction::Long => Side::Bid,
            Direction::Short => Side::Ask,
        }
    }

    /// The side of the book a position is opened on: ask for a long, bid for a short.
    pub fn entry_side(self) -> Side {
        match self {
            Direction::Long => Side::Ask,
            Direction::Short => Side::Bid,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Direction {
    type Err = OmegaError;

    /// Parses exactly `long` or `short` (lower case, no surrounding blanks).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "long" => Ok(Direction::Long),
            "short" => Ok(Direction::Short),
            _ => Err(OmegaError::invalid_value(
                "direction",
                "one of 'long', 'short'",
                format!("'{s}'"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_maps_to_book_sides() {
        for d in Direction::ALL {
            assert_eq!(d.as_str().parse::<Direction>(), Ok(d));
            assert_eq!(d.to_string(), d.as_str());
            assert_ne!(d.entry_side(), d.exit_side());
        }
        assert_eq!(Direction::Long.exit_side(), Side::Bid);
        assert_eq!(Direction::Short.exit_side(), Side::Ask);
    }

    #[test]
    fn rejects_anything_but_the_two_exact_names() {
        for bad in ["buy", "Long", " long", ""] {
            let err = bad.parse::<Direction>().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("direction: expected one of 'long', 'short', got '{bad}'")
            );
        }
    }
}
