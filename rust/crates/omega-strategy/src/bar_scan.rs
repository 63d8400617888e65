//! [`BarScan`]: whole series, for a strategy telling the loop when it next acts.
//!
//! Decisions are made on a [`crate::DataSlice`], which never reaches a later bar. A strategy
//! that can tell, while it holds positions, the next bar on which it will act
//! ([`crate::Strategy::next_acting_bar`]) reads the series through a `BarScan` instead. The
//! loop only uses that answer to skip bars on which the strategy would hold and not signal;
//! what happens at the bar it jumps to is still decided on that bar's slice, so the answer
//! changes no result (the truncation tests check that nothing depends on later bars).

use omega_core::Side;

use crate::cache::{IndicatorCache, IndicatorId};
use crate::data::MarketData;

/// Read access to every bar of the indicator series and the primary closes.
#[derive(Debug, Clone, Copy)]
pub struct BarScan<'a> {
    data: &'a MarketData<'a>,
    cache: &'a IndicatorCache,
}

impl<'a> BarScan<'a> {
    /// The series of `data` and `cache`.
    pub fn new(data: &'a MarketData<'a>, cache: &'a IndicatorCache) -> Self {
        Self { data, cache }
    }

    /// The whole series of indicator `id` (one value per primary bar).
    #[inline]
    pub fn series(&self, id: IndicatorId) -> &'a [f64] {
        self.cache.series(id)
    }

    /// The primary closes of `side` (NaN on missing bars).
    #[inline]
    pub fn close(&self, side: Side) -> &'a [f64] {
        self.data.primary(side).close
    }
}
