//! [`DataSlice`]: what a strategy sees at one primary bar.
//!
//! The slice of bar `t` gives that bar's bid and ask candles and reads indicator values at `t`
//! or earlier bars only: there is no method that reaches a later bar, so a strategy cannot look
//! ahead through it.

use omega_core::{Side, Timeframe};
use omega_execution::Candle;

use crate::cache::{IndicatorCache, IndicatorId};
use crate::data::MarketData;

/// The view of one primary bar (DESIGN §8, ADR-0006).
#[derive(Debug, Clone, Copy)]
pub struct DataSlice<'a> {
    /// The instrument.
    pub symbol: &'a str,
    /// The primary timeframe.
    pub timeframe: Timeframe,
    /// Primary bar index `t` (0-based; missing bars keep their index).
    pub index: usize,
    /// Bar `t`'s open time, UTC µs; signals decided on this bar carry it.
    pub timestamp: i64,
    /// Pending and open positions of the strategy when it is asked (after this bar's exits
    /// and management actions).
    pub active_positions: usize,
    data: &'a MarketData<'a>,
    cache: &'a IndicatorCache,
}

impl<'a> DataSlice<'a> {
    /// The slice of primary bar `index` of `data`.
    pub fn new(
        symbol: &'a str,
        index: usize,
        active_positions: usize,
        data: &'a MarketData<'a>,
        cache: &'a IndicatorCache,
    ) -> Self {
        Self {
            symbol,
            timeframe: data.primary_timeframe(),
            index,
            timestamp: data.timestamps()[index],
            active_positions,
            data,
            cache,
        }
    }

    /// Bar `t`'s bid candle.
    #[inline]
    pub fn bid(&self) -> Candle {
        self.data.candle(Side::Bid, self.index)
    }

    /// Bar `t`'s ask candle.
    #[inline]
    pub fn ask(&self) -> Candle {
        self.data.candle(Side::Ask, self.index)
    }

    /// Bar `t`'s bid close.
    #[inline]
    pub fn bid_close(&self) -> f64 {
        self.data.primary(Side::Bid).close[self.index]
    }

    /// Bar `t`'s ask close.
    #[inline]
    pub fn ask_close(&self) -> f64 {
        self.data.primary(Side::Ask).close[self.index]
    }

    /// The value of indicator `id` at this bar.
    #[inline]
    pub fn value(&self, id: IndicatorId) -> f64 {
        self.cache.series(id)[self.index]
    }

    /// The value of indicator `id` `back` bars before this one (NaN before the first bar).
    #[inline]
    pub fn previous(&self, id: IndicatorId, back: usize) -> f64 {
        match self.index.checked_sub(back) {
            Some(i) => self.cache.series(id)[i],
            None => f64::NAN,
        }
    }
}
