//! Choppiness index (E. W. Dreiss), no TA-Lib equivalent in the TA-Lib 0.8 wheels:
//!
//! `chop = 100 · log10( Σ TR / (max high − min low) ) / log10(period)` over the last `period`
//! valid bars.
//!
//! Decisions (they follow the CHOP function of the TA-Lib C sources, so a future TA-Lib CHOP
//! agrees):
//! * `TR` is the true range of [`crate::true_range`]; every bar of the window uses the close of
//!   the bar before it, so the first value needs `period + 1` valid bars (lookback `period`).
//! * `Σ TR` is re-summed oldest to newest for every window (no running total, so a window of
//!   zero ranges sums to exactly 0), `max high`/`min low` are over the same `period` bars.
//! * Zero range: when `max high − min low <= 0` (a window of identical flat bars) or
//!   `Σ TR <= 0`, the value is 100 (maximally choppy: no directional travel at all).
//! * `period >= 2` (`log10(1) = 0`).
//!
//! Values lie in `[0, ∞)`; they can exceed 100 when a gap from the close before the window
//! adds true range outside the window's high–low box.

use omega_core::OmegaResult;

use crate::nan_gaps::apply_compressed_bars;
use crate::ring::Ring;
use crate::true_range::{TrueRangeState, true_range_value};
use crate::validate;

/// Lookback of [`choppiness`]: `period` valid bars.
pub const fn lookback(period: usize) -> usize {
    period
}

/// The index from a window's `Σ TR`, max high and min low.
#[inline]
fn chop_value(sum_tr: f64, highest: f64, lowest: f64, log_period: f64) -> f64 {
    let range = highest - lowest;
    if range <= 0.0 || sum_tr <= 0.0 {
        100.0
    } else {
        100.0 * ((sum_tr / range).log10() / log_period)
    }
}

/// Streaming choppiness index; O(period) per update (the window is re-summed, see the
/// module docs), holds the last `period` bars.
///
/// `update` on a bar with a NaN input returns NaN and leaves the state unchanged.
#[derive(Debug, Clone)]
pub struct ChoppinessState {
    period: usize,
    log_period: f64,
    tr_state: TrueRangeState,
    tr: Ring,
    high: Ring,
    low: Ring,
}

impl ChoppinessState {
    /// A fresh state; `period >= 2`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 2)?;
        Ok(Self {
            period,
            log_period: (period as f64).log10(),
            tr_state: TrueRangeState::new(),
            tr: Ring::new(period),
            high: Ring::new(period),
            low: Ring::new(period),
        })
    }

    /// The index of the stored window (oldest first), minus its oldest bar when `extra`
    /// (tr, high, low) is appended to a full window.
    fn window_value(&self, extra: Option<(f64, f64, f64)>) -> f64 {
        let skip = usize::from(extra.is_some() && self.tr.is_full());
        let mut sum = 0.0;
        for t in self.tr.iter().skip(skip).chain(extra.map(|e| e.0)) {
            sum += t;
        }
        let mut highest = f64::NEG_INFINITY;
        for h in self.high.iter().skip(skip).chain(extra.map(|e| e.1)) {
            if h > highest {
                highest = h;
            }
        }
        let mut lowest = f64::INFINITY;
        for l in self.low.iter().skip(skip).chain(extra.map(|e| e.2)) {
            if l < lowest {
                lowest = l;
            }
        }
        chop_value(sum, highest, lowest, self.log_period)
    }

    /// Feeds one bar; returns the index after it, NaN during warm-up.
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        let tr = self.tr_state.update(high, low, close);
        if tr.is_nan() {
            return f64::NAN;
        }
        self.tr.push(tr);
        self.high.push(high);
        self.low.push(low);
        if self.tr.is_full() {
            self.window_value(None)
        } else {
            f64::NAN
        }
    }

    /// The value [`update`](Self::update) would return, without committing the bar.
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        let tr = self.tr_state.peek(high, low, close);
        if tr.is_nan() || self.tr.len() + 1 < self.period {
            return f64::NAN;
        }
        self.window_value(Some((tr, high, low)))
    }

    /// Forgets every bar.
    pub fn reset(&mut self) {
        self.tr_state.reset();
        self.tr.clear();
        self.high.clear();
        self.low.clear();
    }
}

/// Choppiness index over `period` valid bars (see the module docs for the exact definition);
/// the usual period is 14.
///
/// * Output: same length as the inputs, float64; lookback `period` valid bars; 100 on a
///   window without any range.
/// * NaN rule: a bar with a NaN in high, low or close is skipped (NaN out); windows and the
///   previous close count valid bars only.
/// * Cost O(len · period) (each window is re-summed so that flat windows are exact).
///
/// Errors (in this order): empty `high`; `low`/`close` length differs from `high`;
/// `period < 2` or `> len(high)`; `±inf` in high, low, close; `high < low` on a bar.
pub fn choppiness(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    period: usize,
) -> OmegaResult<Vec<f64>> {
    let any_nan = validate::check_hlc(high, low, close, Some((period, 2)))?;
    Ok(apply_compressed_bars(
        high,
        low,
        close,
        any_nan,
        |h, l, c| chop_valid(h, l, c, period),
    ))
}

#[inline(always)]
fn fmax(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

#[inline(always)]
fn fmin(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// Max and min of `h[lo..=hi]`, `l[lo..=hi]` (exact; order does not matter).
#[inline(always)]
fn extremes(h: &[f64], l: &[f64], lo: usize, hi: usize) -> (f64, f64) {
    let (mut top, mut bottom) = (f64::NEG_INFINITY, f64::INFINITY);
    for (&a, &b) in h[lo..=hi].iter().zip(&l[lo..=hi]) {
        top = fmax(top, a);
        bottom = fmin(bottom, b);
    }
    (top, bottom)
}

/// [`choppiness`] on NaN-free bars, `period >= 2`: the arithmetic of
/// [`ChoppinessState::update`] (each window's true ranges summed oldest first from 0.0; four
/// windows are summed side by side, which changes nothing in any single sum; max and min are
/// exact in any order).
fn chop_valid(high: &[f64], low: &[f64], close: &[f64], period: usize) -> Vec<f64> {
    let m = high.len();
    let mut out = vec![f64::NAN; m];
    if period < 2 || m <= period {
        return out;
    }
    let log_period = (period as f64).log10();
    let p = period;
    // The true ranges of one block of windows at a time (the windows ending at `j0..j1` read
    // bars `j0 + 1 − p .. j1`), so the kernel needs O(BLOCK + period) memory beyond its output.
    const BLOCK: usize = 4096;
    let mut trs: Vec<f64> = Vec::with_capacity(BLOCK + p);
    let mut j0 = period;
    while j0 < m {
        let j1 = m.min(j0 + BLOCK);
        let base = j0 + 1 - p;
        trs.clear();
        trs.extend((base..j1).map(|i| true_range_value(high[i], low[i], close[i - 1])));
        let tr = |i: usize| &trs[i - base..];
        let mut j = j0;
        while j + 4 <= j1 {
            // Windows end at j..j+3; they share bars b+3..=j (b = first bar of window j).
            let b = j + 1 - p;
            let (mut s0, mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0, 0.0);
            let w0 = &tr(b)[..p];
            let w1 = &tr(b + 1)[..p];
            let w2 = &tr(b + 2)[..p];
            let w3 = &tr(b + 3)[..p];
            for t in 0..p {
                s0 += w0[t];
                s1 += w1[t];
                s2 += w2[t];
                s3 += w3[t];
            }
            let mut tops = [f64::NEG_INFINITY; 4];
            let mut bottoms = [f64::INFINITY; 4];
            if p >= 4 {
                // Windows q = 0..4 cover b+q ..= j+q; they share the core b+3 ..= j.
                let (ct, cb) = extremes(high, low, b + 3, j);
                for q in 0..4 {
                    tops[q] = ct;
                    bottoms[q] = cb;
                    for i in (b + q..b + 3).chain(j + 1..=j + q) {
                        tops[q] = fmax(tops[q], high[i]);
                        bottoms[q] = fmin(bottoms[q], low[i]);
                    }
                }
            } else {
                for q in 0..4 {
                    (tops[q], bottoms[q]) = extremes(high, low, b + q, j + q);
                }
            }
            for (q, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                out[j + q] = chop_value(s, tops[q], bottoms[q], log_period);
            }
            j += 4;
        }
        while j < j1 {
            let b = j + 1 - p;
            let mut sum = 0.0;
            for &t in &tr(b)[..p] {
                sum += t;
            }
            let (top, bottom) = extremes(high, low, b, j);
            out[j] = chop_value(sum, top, bottom, log_period);
            j += 1;
        }
        j0 = j1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn hand_computed() {
        let h = [10.0, 11.0, 12.0, 11.5];
        let l = [9.0, 10.0, 11.0, 10.0];
        let c = [9.5, 10.5, 11.5, 11.0];
        // TR: -, 1.5, 1.5, 1.5 ; window of 2 at bar 2: ΣTR 3, range 12 - 10 = 2
        let out = choppiness(&h, &l, &c, 2).expect("valid");
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(out[2], 100.0 * ((3.0f64 / 2.0).log10() / 2f64.log10()));
        assert_eq!(out[3], 100.0 * ((3.0f64 / 2.0).log10() / 2f64.log10()));
        assert!(
            choppiness(&h, &l, &c, 4)
                .expect("valid")
                .iter()
                .all(|v| v.is_nan())
        );
    }

    #[test]
    fn flat_window_is_100_and_trend_is_low() {
        let f = [5.0; 6];
        assert!(
            choppiness(&f, &f, &f, 3).expect("valid")[3..]
                .iter()
                .all(|&v| v == 100.0)
        );
        // A clean staircase of n bars travels n steps (the first from the close before the
        // window) inside a box of n − 1 steps: 100·log10(n/(n − 1))/log10(n), low.
        let h = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let out = choppiness(&h, &h, &h, 4).expect("valid");
        let expected = 100.0 * ((4.0f64 / 3.0).log10() / 4f64.log10());
        assert_eq!(out[4], expected);
        assert_eq!(out[5], expected);
        assert!(expected < 21.0);
    }

    #[test]
    fn stream_equals_batch_and_nan_gaps() {
        let h = [10.0, 11.0, f64::NAN, 12.0, 11.5, 13.0, 12.0, 12.0];
        let l = [9.0, 10.0, 1.0, 11.0, 10.0, 12.0, 11.0, 12.0];
        let c = [9.5, 10.5, 1.0, 11.5, 11.0, 12.5, 11.5, 12.0];
        let batch = choppiness(&h, &l, &c, 3).expect("valid");
        let mut s = ChoppinessState::new(3).expect("valid");
        let mut stream = Vec::new();
        for i in 0..h.len() {
            let p = s.peek(h[i], l[i], c[i]);
            let u = s.update(h[i], l[i], c[i]);
            assert!(
                p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()),
                "bar {i}"
            );
            stream.push(u);
        }
        assert!(same(&batch, &stream));
        let k = choppiness(
            &[10.0, 11.0, 12.0, 11.5, 13.0, 12.0, 12.0],
            &[9.0, 10.0, 11.0, 10.0, 12.0, 11.0, 12.0],
            &[9.5, 10.5, 11.5, 11.0, 12.5, 11.5, 12.0],
            3,
        )
        .expect("valid");
        assert!(batch[2].is_nan());
        assert_eq!(batch[7].to_bits(), k[6].to_bits());
        s.reset();
        assert!(s.update(1.0, 1.0, 1.0).is_nan());
    }

    #[test]
    fn errors() {
        assert_eq!(
            choppiness(&[1.0, 2.0], &[1.0, 1.0], &[1.0, 1.0], 1)
                .expect_err("p")
                .to_string(),
            "period: expected an integer >= 2 and <= len(high) = 2, got 1"
        );
        assert!(ChoppinessState::new(1).is_err());
    }
}
