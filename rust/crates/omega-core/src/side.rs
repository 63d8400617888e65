//! The two sides of the book a candle series is quoted on.

use std::fmt;
use std::str::FromStr;

use crate::error::OmegaError;

/// Bid or ask. Longs are marked and exited on the bid, shorts on the ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The price a seller receives.
    Bid,
    /// The price a buyer pays.
    Ask,
}

impl Side {
    /// Both sides, bid first.
    pub const ALL: [Side; 2] = [Side::Bid, Side::Ask];

    /// Lower-case name: `"bid"` or `"ask"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Bid => "bid",
            Side::Ask => "ask",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Side {
    type Err = OmegaError;

    /// Parses `bid` or `ask`, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bid" => Ok(Side::Bid),
            "ask" => Ok(Side::Ask),
            _ => Err(OmegaError::invalid_value(
                "side",
                "one of 'bid', 'ask'",
                format!("{s:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_round_trips() {
        for side in Side::ALL {
            assert_eq!(side.as_str().parse::<Side>(), Ok(side));
            assert_eq!(side.to_string().to_uppercase().parse::<Side>(), Ok(side));
        }
    }

    #[test]
    fn rejects_unknown_side_naming_the_accepted_values() {
        let err = "mid".parse::<Side>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "side: expected one of 'bid', 'ask', got \"mid\""
        );
    }
}
