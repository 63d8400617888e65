//! `SignalStrategy`: a strategy driven by precomputed arrays — entry and exit masks built
//! vectorised in numpy/pandas (the vectorbt habit) — so the whole loop still runs in Rust.
//! Rules in `packages/omega-strategy/docs/signal_strategy.md`; mirrored by
//! `omega_strategy/_python/signal_strategy.py`.

use std::borrow::Cow;

use omega_core::{Direction, Label, OmegaError, OmegaResult, Side, Timeframe};
use omega_execution::{OrderType, TradeSignal};
use omega_indicators::batch::IndicatorSpec;

use crate::cache::{IndicatorId, InitContext};
use crate::config::{ConfigObject, parse_object, positive};
use crate::data_slice::DataSlice;
use crate::event_scan::EventCursor;
use crate::registry::StrategyInputs;
use crate::strategy::{PositionAction, PositionView, Strategy};

/// The registered name (the Python class name).
pub const NAME: &str = "SignalStrategy";

/// How a stop or target distance is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopMode {
    /// A distance in price units.
    Offset,
    /// A fraction of the entry price (`0.002` = 0.2 %).
    Pct,
    /// A multiple of the ATR at the signal bar.
    Atr,
}

/// A stop-loss or take-profit rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// The distance.
    pub value: f64,
    /// Its unit.
    pub mode: StopMode,
}

impl Stop {
    /// The level for an entry at `entry`: `towards_loss` for the stop. Long stop: `entry −
    /// distance`; long target: `entry + distance`; mirrored for a short. Percentages are
    /// `entry * (1 ∓ value)`.
    #[inline]
    fn level(&self, direction: Direction, entry: f64, atr: f64, is_stop: bool) -> f64 {
        let below = (direction == Direction::Long) == is_stop;
        match self.mode {
            StopMode::Pct => {
                if below {
                    entry * (1.0 - self.value)
                } else {
                    entry * (1.0 + self.value)
                }
            }
            StopMode::Offset | StopMode::Atr => {
                let distance = if self.mode == StopMode::Atr {
                    self.value * atr
                } else {
                    self.value
                };
                if below {
                    entry - distance
                } else {
                    entry + distance
                }
            }
        }
    }
}

/// The validated `init_args`.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalConfig {
    /// Instrument.
    pub symbol: String,
    /// Primary timeframe.
    pub timeframe: Timeframe,
    /// Order type of the entries.
    pub order_type: OrderType,
    /// Stop loss (none when `None`).
    pub sl: Option<Stop>,
    /// Take profit (none when `None`).
    pub tp: Option<Stop>,
    /// ATR period for `atr` stops.
    pub atr_length: usize,
    /// Pending + open positions allowed.
    pub max_open_positions: usize,
    /// Override of the execution config's risk per trade.
    pub risk_per_trade: Option<f64>,
}

fn stop(
    c: &mut ConfigObject,
    key: &'static str,
    mode_key: &'static str,
) -> OmegaResult<Option<Stop>> {
    let value = c.opt_float(key, None, positive)?;
    let mode = match c
        .choice(mode_key, "pct", &["offset", "pct", "atr"])?
        .as_str()
    {
        "offset" => StopMode::Offset,
        "atr" => StopMode::Atr,
        _ => StopMode::Pct,
    };
    Ok(value.map(|value| Stop { value, mode }))
}

impl SignalConfig {
    /// Parses and validates `init_args` (a JSON object).
    pub fn from_json(init_args: &str) -> OmegaResult<Self> {
        let map = parse_object("init_args", init_args)?;
        let mut c = ConfigObject::new("init_args", NAME, map);
        let symbol = c.non_empty_string("symbol", "EURUSD")?;
        let timeframe = c.timeframe("timeframe", "M5")?;
        let order_type = match c
            .choice("order_type", "market", &["market", "limit", "stop"])?
            .as_str()
        {
            "limit" => OrderType::Limit,
            "stop" => OrderType::Stop,
            _ => OrderType::Market,
        };
        let sl = stop(&mut c, "sl_stop", "sl_mode")?;
        let tp = stop(&mut c, "tp_stop", "tp_mode")?;
        let atr_length = usize::try_from(c.int("atr_length", 14, 1)?).unwrap_or(usize::MAX);
        let max_open_positions =
            usize::try_from(c.int("max_open_positions", 1, 1)?).unwrap_or(usize::MAX);
        let risk_per_trade = c.opt_float("risk_per_trade", None, positive)?;
        c.finish()?;
        Ok(Self {
            symbol,
            timeframe,
            order_type,
            sl,
            tp,
            atr_length,
            max_open_positions,
            risk_per_trade,
        })
    }

    fn needs_atr(&self) -> bool {
        [self.sl, self.tp]
            .iter()
            .any(|s| s.is_some_and(|s| s.mode == StopMode::Atr))
    }
}

/// The masks and prices, borrowed from the caller (numpy arrays in Python).
#[derive(Debug, Clone, Copy, Default)]
struct Arrays<'a> {
    long_entries: Option<&'a [bool]>,
    short_entries: Option<&'a [bool]>,
    long_exits: Option<&'a [bool]>,
    short_exits: Option<&'a [bool]>,
    entry_price: Option<&'a [f64]>,
}

/// The strategy.
#[derive(Debug, Clone)]
pub struct SignalStrategy<'a> {
    config: SignalConfig,
    /// The config's symbol, shared by every signal.
    symbol: Label,
    arrays: Arrays<'a>,
    atr: Option<IndicatorId>,
    /// The next `true` of `long_entries`, `short_entries`, `long_exits`, `short_exits`.
    cursors: [EventCursor; 4],
}

const BOOL_ARRAYS: [&str; 4] = ["long_entries", "short_entries", "long_exits", "short_exits"];

/// The first `true` in `from..end` of any of `masks` (each found through its cursor), else
/// `end`.
fn next_true(
    cursors: &mut [EventCursor],
    masks: &[Option<&[bool]>],
    from: usize,
    end: usize,
) -> usize {
    cursors
        .iter_mut()
        .zip(masks)
        .fold(end, |next, (cursor, mask)| {
            mask.map_or(next, |m| next.min(cursor.next(m, from)))
        })
}

#[inline]
fn at(mask: Option<&[bool]>, i: usize) -> bool {
    mask.is_some_and(|m| m[i])
}

impl<'a> SignalStrategy<'a> {
    /// From `init_args` JSON and the named arrays: boolean `long_entries`, `short_entries`
    /// (at least one), `long_exits`, `short_exits`, and float `entry_price` (required for
    /// limit and stop orders, refused for market orders).
    pub fn from_json(init_args: &str, inputs: &StrategyInputs<'a>) -> OmegaResult<Self> {
        let config = SignalConfig::from_json(init_args)?;
        for (name, _) in &inputs.bools {
            if !BOOL_ARRAYS.contains(name) {
                return Err(OmegaError::invalid_value(
                    "arrays",
                    format!("boolean arrays named {}", BOOL_ARRAYS.join(", ")),
                    format!("'{name}'"),
                ));
            }
        }
        for (name, _) in &inputs.floats {
            if *name != "entry_price" {
                return Err(OmegaError::invalid_value(
                    "arrays",
                    "a float array named entry_price",
                    format!("'{name}'"),
                ));
            }
        }
        let arrays = Arrays {
            long_entries: inputs.bool_array("long_entries"),
            short_entries: inputs.bool_array("short_entries"),
            long_exits: inputs.bool_array("long_exits"),
            short_exits: inputs.bool_array("short_exits"),
            entry_price: inputs.float_array("entry_price"),
        };
        if arrays.long_entries.is_none() && arrays.short_entries.is_none() {
            return Err(OmegaError::invalid_value(
                "arrays",
                "long_entries and/or short_entries",
                "neither",
            ));
        }
        match (config.order_type, arrays.entry_price.is_some()) {
            (OrderType::Market, true) => {
                return Err(OmegaError::invalid_value(
                    "entry_price",
                    "no entry prices for market orders (they fill at the close)",
                    "an array",
                ));
            }
            (OrderType::Limit | OrderType::Stop, false) => {
                return Err(OmegaError::invalid_value(
                    "entry_price",
                    format!("an array of {} prices", config.order_type),
                    "None",
                ));
            }
            _ => {}
        }
        Ok(Self {
            symbol: Label::from(config.symbol.as_str()),
            config,
            arrays,
            atr: None,
            cursors: [EventCursor::default(); 4],
        })
    }

    /// The configuration.
    pub fn config(&self) -> &SignalConfig {
        &self.config
    }
}

impl Strategy for SignalStrategy<'_> {
    fn name(&self) -> &str {
        NAME
    }

    fn symbol(&self) -> &str {
        &self.config.symbol
    }

    fn primary_timeframe(&self) -> Timeframe {
        self.config.timeframe
    }

    fn risk_per_trade(&self) -> Option<f64> {
        self.config.risk_per_trade
    }

    fn on_init(&mut self, init: &mut InitContext<'_, '_>) -> OmegaResult<()> {
        let n = init.data().len();
        let a = &self.arrays;
        let lengths = BOOL_ARRAYS
            .iter()
            .zip([a.long_entries, a.short_entries, a.long_exits, a.short_exits])
            .filter_map(|(name, m)| m.map(|m| (*name, m.len())))
            .chain(a.entry_price.map(|p| ("entry_price", p.len())));
        for (name, len) in lengths {
            if len != n {
                return Err(OmegaError::LengthMismatch {
                    name: name.to_owned(),
                    reference: "the primary timestamps".into(),
                    expected: n,
                    got: len,
                });
            }
        }
        if self.config.needs_atr() {
            self.atr = Some(if self.config.atr_length <= n {
                let spec = IndicatorSpec::Atr {
                    period: self.config.atr_length,
                };
                init.compute_each(self.config.timeframe, Side::Bid, &[spec])?[0]
            } else {
                init.not_warmed_up("atr")
            });
        }
        Ok(())
    }

    fn wants_bar(&self, index: usize) -> bool {
        let a = &self.arrays;
        at(a.long_entries, index)
            || at(a.short_entries, index)
            || at(a.long_exits, index)
            || at(a.short_exits, index)
    }

    /// The next `true` of any mask.
    fn next_wanted_bar(&mut self, from: usize, end: usize) -> usize {
        let a = &self.arrays;
        let masks = [a.long_entries, a.short_entries, a.long_exits, a.short_exits];
        next_true(&mut self.cursors, &masks, from, end)
    }

    /// The next `true` of either entry mask (`evaluate` signals only there).
    fn next_entry_bar(&mut self, from: usize, end: usize) -> usize {
        let a = &self.arrays;
        let masks = [a.long_entries, a.short_entries];
        next_true(&mut self.cursors[..2], &masks, from, end)
    }

    /// The bars of either entry mask (`evaluate` signals only there, at most once each).
    fn max_signals(&self) -> Option<usize> {
        let a = &self.arrays;
        let trues = |mask: Option<&[bool]>| mask.map_or(0, |m| m.iter().filter(|&&x| x).count());
        Some(trues(a.long_entries) + trues(a.short_entries))
    }

    fn evaluate(&mut self, slice: &DataSlice<'_>) -> Option<TradeSignal> {
        let c = &self.config;
        if slice.active_positions >= c.max_open_positions {
            return None;
        }
        let i = slice.index;
        let long = at(self.arrays.long_entries, i);
        let short = at(self.arrays.short_entries, i);
        let direction = match (long, short) {
            (true, false) => Direction::Long,
            (false, true) => Direction::Short,
            _ => return None,
        };
        let entry = match (c.order_type, self.arrays.entry_price) {
            (OrderType::Market, _) | (_, None) => match direction {
                Direction::Long => slice.ask_close(),
                Direction::Short => slice.bid_close(),
            },
            (_, Some(prices)) => prices[i],
        };
        if !entry.is_finite() {
            return None;
        }
        let atr = self.atr.map_or(f64::NAN, |id| slice.value(id));
        let sl = c.sl.map(|s| s.level(direction, entry, atr, true));
        let tp = c.tp.map(|s| s.level(direction, entry, atr, false));
        // Each level strictly on its side of the entry; a NaN level (ATR not warmed up) is not.
        let beyond = |level: f64, is_stop: bool| {
            if (direction == Direction::Long) == is_stop {
                level < entry
            } else {
                level > entry
            }
        };
        if sl.is_some_and(|sl| !beyond(sl, true)) || tp.is_some_and(|tp| !beyond(tp, false)) {
            return None;
        }
        let reason = match direction {
            Direction::Long => "long_entry",
            Direction::Short => "short_entry",
        };
        let mut signal = TradeSignal::new(slice.timestamp, direction, self.symbol.clone(), entry)
            .with_order_type(c.order_type)
            .with_reason(Label::from_static(reason), Label::from_static("signal"));
        signal.sl = sl;
        signal.tp = tp;
        Some(signal)
    }

    fn manage_position(
        &mut self,
        view: &PositionView<'_>,
        slice: &DataSlice<'_>,
    ) -> PositionAction {
        let exit = match view.position.direction {
            Direction::Long => at(self.arrays.long_exits, slice.index),
            Direction::Short => at(self.arrays.short_exits, slice.index),
        };
        if exit {
            PositionAction::Close {
                reason: Cow::Borrowed("exit_signal"),
            }
        } else {
            PositionAction::Hold
        }
    }
}
