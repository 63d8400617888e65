//! Candle timeframes in MetaTrader notation (`M1` … `MN1`).

use std::fmt;
use std::str::FromStr;

use crate::error::OmegaError;

const MICROS_PER_MINUTE: i64 = 60_000_000;

/// A candle timeframe. Ordered from shortest to longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timeframe {
    /// One minute.
    M1,
    /// Five minutes.
    M5,
    /// Fifteen minutes.
    M15,
    /// Thirty minutes.
    M30,
    /// One hour.
    H1,
    /// Four hours.
    H4,
    /// One day.
    D1,
    /// One week.
    W1,
    /// One calendar month (no fixed length).
    MN1,
}

impl Timeframe {
    /// Every timeframe, shortest first.
    pub const ALL: [Timeframe; 9] = [
        Timeframe::M1,
        Timeframe::M5,
        Timeframe::M15,
        Timeframe::M30,
        Timeframe::H1,
        Timeframe::H4,
        Timeframe::D1,
        Timeframe::W1,
        Timeframe::MN1,
    ];

    /// The MetaTrader name, e.g. `"M5"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Timeframe::M1 => "M1",
            Timeframe::M5 => "M5",
            Timeframe::M15 => "M15",
            Timeframe::M30 => "M30",
            Timeframe::H1 => "H1",
            Timeframe::H4 => "H4",
            Timeframe::D1 => "D1",
            Timeframe::W1 => "W1",
            Timeframe::MN1 => "MN1",
        }
    }

    /// Length in whole minutes; `None` for `MN1`, whose length depends on the calendar month.
    pub fn minutes(self) -> Option<i64> {
        match self {
            Timeframe::M1 => Some(1),
            Timeframe::M5 => Some(5),
            Timeframe::M15 => Some(15),
            Timeframe::M30 => Some(30),
            Timeframe::H1 => Some(60),
            Timeframe::H4 => Some(240),
            Timeframe::D1 => Some(1_440),
            Timeframe::W1 => Some(10_080),
            Timeframe::MN1 => None,
        }
    }

    /// Length in microseconds (the unit of timestamps at the Rust boundary); `None` for `MN1`.
    pub fn duration_us(self) -> Option<i64> {
        self.minutes().map(|m| m * MICROS_PER_MINUTE)
    }

    fn accepted_values() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|tf| tf.as_str()).collect();
        format!("one of {}", names.join(", "))
    }
}

impl fmt::Display for Timeframe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Timeframe {
    type Err = OmegaError;

    /// Parses a MetaTrader name, case-insensitive (`"m5"` → `M5`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|tf| tf.as_str() == wanted)
            .ok_or_else(|| {
                OmegaError::invalid_value("timeframe", Self::accepted_values(), format!("{s:?}"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_timeframe_round_trips_through_its_name() {
        for tf in Timeframe::ALL {
            assert_eq!(tf.as_str().parse::<Timeframe>(), Ok(tf));
            assert_eq!(tf.as_str().to_lowercase().parse::<Timeframe>(), Ok(tf));
            assert_eq!(tf.to_string(), tf.as_str());
        }
    }

    #[test]
    fn durations_are_in_microseconds_and_increase() {
        assert_eq!(Timeframe::M1.duration_us(), Some(60_000_000));
        assert_eq!(Timeframe::H4.duration_us(), Some(4 * 3_600_000_000));
        assert_eq!(Timeframe::MN1.duration_us(), None);
        let fixed: Vec<i64> = Timeframe::ALL
            .iter()
            .filter_map(|tf| tf.minutes())
            .collect();
        assert!(fixed.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unknown_timeframe_lists_the_accepted_values() {
        let err = "M7".parse::<Timeframe>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "timeframe: expected one of M1, M5, M15, M30, H1, H4, D1, W1, MN1, got \"M7\""
        );
    }
}
