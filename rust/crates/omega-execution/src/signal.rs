//! What a strategy asks for: a [`TradeSignal`] with its [`OrderType`] (rule R1 of
//! `docs/execution_semantics.md`).

use std::fmt;
use std::str::FromStr;

use omega_core::{Direction, Label, OmegaError, OmegaResult};

/// How a signal enters the market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderType {
    /// Fill now (or at the next open with `fill_at = next_open`).
    Market,
    /// Rest at `entry`; fill at `entry` or better.
    Limit,
    /// Rest at `entry`; fill when the price reaches it, at `entry` or worse.
    Stop,
}

impl OrderType {
    /// The three order types.
    pub const ALL: [OrderType; 3] = [OrderType::Market, OrderType::Limit, OrderType::Stop];

    /// Lower-case name: `market`, `limit` or `stop`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderType::Market => "market",
            OrderType::Limit => "limit",
            OrderType::Stop => "stop",
        }
    }

    /// Whether a fill of this order executes as a market order (and slips): market and stop.
    pub fn slips(self) -> bool {
        !matches!(self, OrderType::Limit)
    }
}

impl fmt::Display for OrderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderType {
    type Err = OmegaError;

    /// Parses exactly `market`, `limit` or `stop`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "market" => Ok(OrderType::Market),
            "limit" => Ok(OrderType::Limit),
            "stop" => Ok(OrderType::Stop),
            _ => Err(OmegaError::invalid_value(
                "order_type",
                "one of 'market', 'limit', 'stop'",
                format!("'{s}'"),
            )),
        }
    }
}

/// A trade signal: direction, symbol, the price asked for and the protective levels.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeSignal {
    /// Decision time, UTC microseconds.
    pub timestamp: i64,
    /// Long or short.
    pub direction: Direction,
    /// Symbol; the simulator must know its spec.
    pub symbol: Label,
    /// Expected fill (market), limit price (limit) or stop price (stop).
    pub entry: f64,
    /// Stop loss: below `entry` for a long, above for a short.
    pub sl: Option<f64>,
    /// Take profit: above `entry` for a long, below for a short.
    pub tp: Option<f64>,
    /// Market, limit or stop.
    pub order_type: OrderType,
    /// Free text carried onto the position.
    pub reason: Label,
    /// Free text carried onto the position.
    pub scenario: Label,
}

impl TradeSignal {
    /// A market signal without levels, reason or scenario.
    pub fn new(timestamp: i64, direction: Direction, symbol: impl Into<Label>, entry: f64) -> Self {
        Self {
            timestamp,
            direction,
            symbol: symbol.into(),
            entry,
            sl: None,
            tp: None,
            order_type: OrderType::Market,
            reason: Label::default(),
            scenario: Label::default(),
        }
    }

    /// Sets the stop loss.
    pub fn with_sl(mut self, sl: f64) -> Self {
        self.sl = Some(sl);
        self
    }

    /// Sets the take profit.
    pub fn with_tp(mut self, tp: f64) -> Self {
        self.tp = Some(tp);
        self
    }

    /// Sets the order type.
    pub fn with_order_type(mut self, order_type: OrderType) -> Self {
        self.order_type = order_type;
        self
    }

    /// Sets reason and scenario (a static text without allocating: [`Label::from_static`]).
    pub fn with_reason(mut self, reason: impl Into<Label>, scenario: impl Into<Label>) -> Self {
        self.reason = reason.into();
        self.scenario = scenario.into();
        self
    }

    /// Checks prices and levels (R1); `needs_sl` when the size comes from the stop distance.
    /// The symbol and the timestamp are checked by the simulator.
    pub fn validate(&self, needs_sl: bool) -> OmegaResult<()> {
        self.borrowed().validate(needs_sl)
    }

    /// The signal with its texts borrowed.
    pub(crate) fn borrowed(&self) -> SignalRef<'_> {
        SignalRef {
            timestamp: self.timestamp,
            direction: self.direction,
            symbol: &self.symbol,
            entry: self.entry,
            sl: self.sl,
            tp: self.tp,
            order_type: self.order_type,
            reason: &self.reason,
            scenario: &self.scenario,
        }
    }
}

/// A [`TradeSignal`] with its texts borrowed: what a batch checks for every row before it
/// builds (and allocates) any signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SignalRef<'a> {
    pub(crate) timestamp: i64,
    pub(crate) direction: Direction,
    pub(crate) symbol: &'a str,
    pub(crate) entry: f64,
    pub(crate) sl: Option<f64>,
    pub(crate) tp: Option<f64>,
    pub(crate) order_type: OrderType,
    pub(crate) reason: &'a str,
    pub(crate) scenario: &'a str,
}

impl SignalRef<'_> {
    /// [`TradeSignal::validate`].
    pub(crate) fn validate(&self, needs_sl: bool) -> OmegaResult<()> {
        check_signal_levels(
            self.direction,
            self.entry,
            self.sl,
            self.tp,
            needs_sl,
            "signal",
        )
    }

    /// The signal (its texts copied).
    pub(crate) fn to_signal(self) -> TradeSignal {
        TradeSignal {
            timestamp: self.timestamp,
            direction: self.direction,
            symbol: Label::from(self.symbol),
            entry: self.entry,
            sl: self.sl,
            tp: self.tp,
            order_type: self.order_type,
            reason: Label::from(self.reason),
            scenario: Label::from(self.scenario),
        }
    }
}

/// `entry` finite; `sl`/`tp` finite and on the correct side of `entry` (long `sl < entry <
/// tp`, short `tp < entry < sl`); `sl` present when `needs_sl`. `what` names the thing in the
/// message (`signal`).
pub fn check_signal_levels(
    direction: Direction,
    entry: f64,
    sl: Option<f64>,
    tp: Option<f64>,
    needs_sl: bool,
    what: &str,
) -> OmegaResult<()> {
    if !entry.is_finite() {
        return Err(OmegaError::invalid_value("entry", "a finite price", entry));
    }
    check_level("sl", direction, entry, sl, true, what)?;
    if sl.is_none() && needs_sl {
        return Err(OmegaError::invalid_value(
            "sl",
            "a stop-loss price (sizing by risk needs the stop distance)",
            "None",
        ));
    }
    check_level("tp", direction, entry, tp, false, what)
}

/// A protective level relative to a reference price: a stop is below the reference for a long
/// and above for a short; a target the other way round. `None` is always fine.
pub fn check_level(
    name: &str,
    direction: Direction,
    reference: f64,
    level: Option<f64>,
    is_stop: bool,
    what: &str,
) -> OmegaResult<()> {
    let Some(level) = level else {
        return Ok(());
    };
    let below = matches!(
        (direction, is_stop),
        (Direction::Long, true) | (Direction::Short, false)
    );
    let ok = if below {
        level < reference
    } else {
        level > reference
    };
    if level.is_finite() && ok {
        return Ok(());
    }
    let relation = if below { "below" } else { "above" };
    let reference_name = if what == "signal" {
        "entry"
    } else {
        "the reference price"
    };
    Err(OmegaError::invalid_value(
        name,
        format!(
            "a finite price {relation} {reference_name} {reference} for a {direction} {what}, or None"
        ),
        level,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_types_round_trip_and_reject_unknown_names() {
        for t in OrderType::ALL {
            assert_eq!(t.as_str().parse::<OrderType>(), Ok(t));
        }
        assert_eq!(
            "Market".parse::<OrderType>().unwrap_err().to_string(),
            "order_type: expected one of 'market', 'limit', 'stop', got 'Market'"
        );
        assert!(OrderType::Stop.slips() && OrderType::Market.slips() && !OrderType::Limit.slips());
    }

    #[test]
    fn levels_must_be_on_the_right_side_of_entry() {
        let long = TradeSignal::new(0, Direction::Long, "X", 1.1)
            .with_sl(1.098)
            .with_tp(1.104);
        assert_eq!(long.validate(true), Ok(()));
        let zero = long.clone().with_sl(1.1);
        assert_eq!(
            zero.validate(true).unwrap_err().to_string(),
            "sl: expected a finite price below entry 1.1 for a long signal, or None, got 1.1"
        );
        let short = TradeSignal::new(0, Direction::Short, "X", 1.1).with_sl(1.098);
        assert_eq!(
            short.validate(true).unwrap_err().to_string(),
            "sl: expected a finite price above entry 1.1 for a short signal, or None, got 1.098"
        );
        let bad_tp = TradeSignal::new(0, Direction::Short, "X", 1.1).with_tp(1.2);
        assert!(bad_tp.validate(false).is_err());
        let nan = TradeSignal::new(0, Direction::Long, "X", f64::NAN);
        assert_eq!(
            nan.validate(false).unwrap_err().to_string(),
            "entry: expected a finite price, got NaN"
        );
        let no_sl = TradeSignal::new(0, Direction::Long, "X", 1.0);
        assert_eq!(no_sl.validate(false), Ok(()));
        assert_eq!(
            no_sl.validate(true).unwrap_err().to_string(),
            "sl: expected a stop-loss price (sizing by risk needs the stop distance), got None"
        );
    }
}
