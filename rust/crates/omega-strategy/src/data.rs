//! Multi-timeframe bid/ask candles aligned onto the primary timeframe (DESIGN §4), borrowed.
//!
//! Each timeframe keeps its native candles; a higher timeframe (HTF) is reached from the
//! primary index through the map of omega-indicators' [`primary_to_htf_index`]: an HTF candle
//! becomes visible at the first primary bar whose close time is `>=` its own close time. This
//! is the same map the Python `AlignedMultiCandleData.primary_to` builds (with the same kernel),
//! so both loops see exactly the same HTF values at every bar.

use std::sync::OnceLock;

use omega_core::{OhlcvColumns, OmegaError, OmegaResult, Side, Timeframe};
use omega_execution::Candle;
use omega_indicators::primary_to_htf_index;

/// Native candles of one timeframe and one book side.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// The timeframe of the candles.
    pub timeframe: Timeframe,
    /// Bid or ask.
    pub side: Side,
    /// The validated columns (timestamps are bar open times, UTC µs).
    pub columns: OhlcvColumns<'a>,
}

/// Aligned multi-timeframe data of one instrument.
#[derive(Debug, Clone)]
pub struct MarketData<'a> {
    primary: Timeframe,
    series: Vec<Series<'a>>,
    /// Per series: the primary → series index map, built on first use (never for the primary
    /// timeframe).
    maps: Vec<OnceLock<Vec<i64>>>,
    bid: usize,
    ask: usize,
}

fn duration(tf: Timeframe) -> OmegaResult<i64> {
    tf.duration_us().ok_or_else(|| {
        OmegaError::invalid_value(
            "timeframe",
            "a timeframe of fixed length (MN1 is not supported by the backtest loop)",
            tf,
        )
    })
}

impl<'a> MarketData<'a> {
    /// Bundles `series` (each `(timeframe, side)` at most once). The primary timeframe must
    /// have both a bid and an ask series on identical timestamps, at least one bar long.
    pub fn new(primary: Timeframe, series: Vec<Series<'a>>) -> OmegaResult<Self> {
        for (i, s) in series.iter().enumerate() {
            if series[..i]
                .iter()
                .any(|o| o.timeframe == s.timeframe && o.side == s.side)
            {
                return Err(OmegaError::invalid_value(
                    "data",
                    "each (timeframe, side) at most once",
                    format!("{}/{} twice", s.timeframe, s.side),
                ));
            }
        }
        let find = |side: Side| {
            series
                .iter()
                .position(|s| s.timeframe == primary && s.side == side)
                .ok_or_else(|| {
                    OmegaError::invalid_value(
                        "data",
                        format!("{primary} bid and ask candles (the primary timeframe)"),
                        format!("no {primary}/{side} series"),
                    )
                })
        };
        let (bid, ask) = (find(Side::Bid)?, find(Side::Ask)?);
        let ts = series[bid].columns.timestamps;
        if ts.is_empty() {
            return Err(OmegaError::invalid_value(
                "data",
                format!("at least one {primary} bar"),
                "no bars",
            ));
        }
        // The same array on both sides (the usual case) needs no element-wise comparison.
        let ask_ts = series[ask].columns.timestamps;
        if !(std::ptr::eq(ask_ts, ts) || ask_ts == ts) {
            return Err(OmegaError::invalid_value(
                "data",
                format!("{primary} bid and ask candles on the same timestamps"),
                "different timestamps",
            ));
        }
        duration(primary)?;
        for s in &series {
            if s.timeframe < primary {
                return Err(OmegaError::invalid_value(
                    "data",
                    format!("timeframes at least as long as the primary {primary}"),
                    s.timeframe,
                ));
            }
            duration(s.timeframe)?;
        }
        let maps = series.iter().map(|_| OnceLock::new()).collect();
        Ok(Self {
            primary,
            series,
            maps,
            bid,
            ask,
        })
    }

    /// Number of primary bars.
    pub fn len(&self) -> usize {
        self.series[self.bid].columns.timestamps.len()
    }

    /// Never true (a `MarketData` has at least one primary bar).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The primary timeframe.
    pub fn primary_timeframe(&self) -> Timeframe {
        self.primary
    }

    /// Primary bar open times (UTC µs).
    pub fn timestamps(&self) -> &'a [i64] {
        self.series[self.bid].columns.timestamps
    }

    /// The primary series of `side`.
    pub fn primary(&self, side: Side) -> &OhlcvColumns<'a> {
        match side {
            Side::Bid => &self.series[self.bid].columns,
            Side::Ask => &self.series[self.ask].columns,
        }
    }

    fn position(&self, tf: Timeframe, side: Side) -> Option<usize> {
        self.series
            .iter()
            .position(|s| s.timeframe == tf && s.side == side)
    }

    /// The native series of `tf`/`side`, with its primary index map (`None` for the primary
    /// timeframe; built on first use); an error naming what is available when absent.
    pub fn series(&self, tf: Timeframe, side: Side) -> OmegaResult<(&Series<'a>, Option<&[i64]>)> {
        let Some(i) = self.position(tf, side) else {
            let available: Vec<String> = self
                .series
                .iter()
                .map(|s| format!("{}/{}", s.timeframe, s.side))
                .collect();
            return Err(OmegaError::invalid_value(
                "data",
                format!("{tf}/{side} candles (available: {})", available.join(", ")),
                "none",
            ));
        };
        let s = &self.series[i];
        if s.timeframe == self.primary {
            return Ok((s, None));
        }
        if let Some(map) = self.maps[i].get() {
            return Ok((s, Some(map)));
        }
        let map = self.build_map(s)?;
        Ok((s, Some(self.maps[i].get_or_init(|| map))))
    }

    fn build_map(&self, s: &Series<'a>) -> OmegaResult<Vec<i64>> {
        let ts = self.timestamps();
        if s.columns.timestamps.is_empty() {
            return Ok(vec![-1; ts.len()]);
        }
        primary_to_htf_index(
            ts,
            duration(self.primary)?,
            s.columns.timestamps,
            duration(s.timeframe)?,
        )
    }

    /// The native series of `tf`/`side` without its primary index map (none is built).
    pub fn native(&self, tf: Timeframe, side: Side) -> Option<&Series<'a>> {
        self.position(tf, side).map(|i| &self.series[i])
    }

    /// The primary bid and ask series alone, rebuilt in O(1) from series that already passed
    /// [`MarketData::new`]'s checks (a per-bar caller that owns its candles builds this view
    /// for each bar instead of re-checking them). Both must be the primary series of one
    /// checked `MarketData`, else later reads may index out of bounds.
    pub fn checked_primary_pair(primary: Timeframe, bid: Series<'a>, ask: Series<'a>) -> Self {
        MarketData {
            primary,
            series: vec![bid, ask],
            maps: vec![OnceLock::new(), OnceLock::new()],
            bid: 0,
            ask: 1,
        }
    }

    /// Whether the data has `tf`/`side` candles.
    pub fn has(&self, tf: Timeframe, side: Side) -> bool {
        self.position(tf, side).is_some()
    }

    /// Primary bar `i` of `side` as a candle.
    #[inline]
    pub fn candle(&self, side: Side, i: usize) -> Candle {
        let c = self.primary(side);
        Candle::new(c.timestamps[i], c.open[i], c.high[i], c.low[i], c.close[i])
    }

    /// Whether primary bar `i` is complete on both sides. A row is either a complete candle or
    /// a missing bar with every price NaN (checked by [`OhlcvColumns::new`]), so the closes
    /// tell.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        !(self.primary(Side::Bid).close[i].is_nan() || self.primary(Side::Ask).close[i].is_nan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M5: i64 = 300_000_000;

    #[test]
    fn aligns_htf_candles_at_their_close_and_checks_the_primary_pair() {
        let ts: Vec<i64> = (0..24).map(|k| k * M5).collect();
        let p = vec![1.0; 24];
        let v = vec![0.0; 24];
        let m5 = OhlcvColumns::new(&ts, &p, &p, &p, &p, &v).unwrap();
        let hts = [0, 12 * M5];
        let hp = [1.0, 1.0];
        let hv = [0.0, 0.0];
        let h1 = OhlcvColumns::new(&hts, &hp, &hp, &hp, &hp, &hv).unwrap();
        let s = |timeframe, side, columns| Series {
            timeframe,
            side,
            columns,
        };
        let data = MarketData::new(
            Timeframe::M5,
            vec![
                s(Timeframe::M5, Side::Bid, m5),
                s(Timeframe::M5, Side::Ask, m5),
                s(Timeframe::H1, Side::Bid, h1),
            ],
        )
        .unwrap();
        let (_, map) = data.series(Timeframe::H1, Side::Bid).unwrap();
        let map = map.unwrap();
        // The H1 bar opening at 0 closes at 60 min: visible from the M5 bar opening at 55 min.
        assert_eq!(map[10], -1);
        assert_eq!(map[11], 0);
        assert_eq!(map[23], 1);
        assert!(data.series(Timeframe::H4, Side::Bid).is_err());
        let err = MarketData::new(Timeframe::M5, vec![s(Timeframe::M5, Side::Bid, m5)])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "data: expected M5 bid and ask candles (the primary timeframe), got no M5/ask series"
        );
        let dup = MarketData::new(
            Timeframe::M5,
            vec![
                s(Timeframe::M5, Side::Bid, m5),
                s(Timeframe::M5, Side::Bid, m5),
            ],
        );
        assert!(dup.is_err());
    }
}
