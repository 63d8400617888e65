//! True range, TA-Lib `TRANGE`: `max(high, prev_close) − min(low, prev_close)` (equivalently
//! `max(high − low, |high − prev_close|, |low − prev_close|)`).
//!
//! The first valid bar has no previous close, so its true range is NaN (TA-Lib's lookback 1);
//! [`crate::atr`] and [`crate::choppiness`] therefore start one bar later, as in TA-Lib.

use omega_core::OmegaResult;

use crate::fast;
use crate::nan_gaps::bar_is_valid;

/// Lookback of [`true_range`]: 1 valid bar.
pub const fn lookback() -> usize {
    1
}

/// `max(high, prev_close) − min(low, prev_close)`: `top = high > prev_close ? high :
/// prev_close`, `bottom = prev_close < low ? prev_close : low` (the same in the Python
/// fallback). A NaN `prev_close` makes the result NaN (ATR's fast path relies on it), and each
/// side is one `maxsd`/`minsd`.
#[inline]
pub fn true_range_value(high: f64, low: f64, prev_close: f64) -> f64 {
    let top = if high > prev_close { high } else { prev_close };
    let bottom = if prev_close < low { prev_close } else { low };
    top - bottom
}

/// Streaming true range; O(1), `Copy`.
///
/// `update` on a bar with a NaN input returns NaN and leaves the state unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueRangeState {
    /// Close of the last valid bar (NaN before the first one).
    prev_close: f64,
}

impl Default for TrueRangeState {
    fn default() -> Self {
        Self::new()
    }
}

impl TrueRangeState {
    /// A fresh state.
    pub fn new() -> Self {
        Self {
            prev_close: f64::NAN,
        }
    }

    /// Feeds one bar; returns its true range, NaN for the first valid bar.
    #[inline]
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        if !bar_is_valid(high, low, close) {
            return f64::NAN;
        }
        let pc = self.prev_close;
        self.prev_close = close;
        if pc.is_nan() {
            return f64::NAN;
        }
        true_range_value(high, low, pc)
    }

    /// The value [`update`](Self::update) would return, without committing the bar.
    #[inline]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        let mut s = *self;
        s.update(high, low, close)
    }

    /// Forgets every bar.
    pub fn reset(&mut self) {
        self.prev_close = f64::NAN;
    }
}

/// True range per bar (TA-Lib `TRANGE`), in price units.
///
/// * Output: same length as the inputs, float64; NaN on the first valid bar (lookback 1) and
///   on every bar with a NaN in high, low or close.
/// * NaN rule: the previous close is that of the previous *valid* bar.
///
/// Errors (in this order): empty `high`; `low`/`close` length differs from `high`; `±inf` in
/// high, low, close; `high < low` on a bar.
pub fn true_range(high: &[f64], low: &[f64], close: &[f64]) -> OmegaResult<Vec<f64>> {
    fast::to_vec(high.len(), |out| true_range_into(high, low, close, out))
}

/// [`true_range`] into `out` (as long as `high`; every element is written).
pub fn true_range_into(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    out: &mut [f64],
) -> OmegaResult<()> {
    fast::bars_into((high, low, close), None, out, tr_fast)
}

/// The fast path of [`true_range_into`] (see [`crate::fast`]); NaN on bar 0. The arithmetic of
/// [`TrueRangeState::update`].
pub(crate) fn tr_fast(high: &[f64], low: &[f64], close: &[f64], out: &mut [f64]) -> bool {
    let n = high.len().min(out.len());
    if n == 0 {
        return true;
    }
    if !fast::bars_ok(&high[..1], &low[..1], &close[..1]) {
        return false;
    }
    out[0] = f64::NAN;
    fast::each_bar_chunk((&high[..n], &low[..n], &close[..n]), 1, |r| {
        let pc = &close[r.start - 1..r.end - 1];
        let bars = high[r.clone()].iter().zip(&low[r.clone()]).zip(pc);
        for (o, ((&h, &l), &pc)) in out[r].iter_mut().zip(bars) {
            *o = true_range_value(h, l, pc);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        let h = [10.0, 11.0, 12.0, 9.0];
        let l = [9.0, 10.0, 10.5, 8.0];
        let c = [9.5, 10.5, 11.0, 8.5];
        let out = true_range(&h, &l, &c).expect("valid");
        assert!(out[0].is_nan());
        // 11-9.5 (gap above prev close: 11 - min(10, 9.5)), 12-10.5, 11-8 (prev close above high)
        assert_eq!(&out[1..], &[1.5, 1.5, 3.0]);
    }

    #[test]
    fn nan_bars_are_skipped() {
        let h = [10.0, f64::NAN, 12.0];
        let l = [9.0, 1.0, 11.0];
        let c = [9.5, 1.0, 11.5];
        let out = true_range(&h, &l, &c).expect("valid");
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(out[2], 12.0 - 9.5);
        let mut s = TrueRangeState::default();
        assert!(s.peek(1.0, 1.0, 1.0).is_nan());
        s.update(1.0, 1.0, 1.0);
        assert_eq!(s.peek(2.0, 1.5, 2.0), 1.0);
        s.reset();
        assert!(s.update(2.0, 1.0, 1.0).is_nan());
        assert_eq!(lookback(), 1);
    }

    #[test]
    fn errors() {
        assert_eq!(
            true_range(&[1.0, 2.0], &[1.0], &[1.0, 2.0])
                .expect_err("len")
                .to_string(),
            "low: expected length 2 (same as high), got 1"
        );
        assert_eq!(
            true_range(&[1.0], &[2.0], &[1.5])
                .expect_err("hl")
                .to_string(),
            "high: expected high >= low, got high 1 < low 2 at index 0"
        );
        assert!(true_range(&[], &[], &[]).is_err());
    }
}
