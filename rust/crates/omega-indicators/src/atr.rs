//! Average true range, TA-Lib `ATR` (Wilder).
//!
//! * True range as in [`crate::true_range`]; bar 0 has none (TA-Lib ignores it).
//! * The first ATR is the plain mean of the first `period` true ranges (bars `1..=period`),
//!   emitted at bar `period`; then Wilder: `atr = (atr·(period − 1) + tr) / period`,
//!   evaluated as `atr·c + tr·r` with `c = (period − 1)/period`, `r = 1/period`, two bars at a
//!   time ([`crate::recurrence`]).

use omega_core::OmegaResult;

use crate::fast;
use crate::recurrence::Affine;
use crate::true_range::{TrueRangeState, true_range_value};
use crate::validate;

/// Lookback of [`atr`]: `period` valid bars.
pub const fn lookback(period: usize) -> usize {
    period
}

/// Streaming ATR; O(1) per update, `Copy`.
///
/// `update` on a bar with a NaN input returns NaN and leaves the state unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtrState {
    period: usize,
    pf: f64,
    tr: TrueRangeState,
    /// True ranges seen, saturating at `period`.
    count: usize,
    sum: f64,
    atr: Affine,
}

impl AtrState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        let pf = period as f64;
        Ok(Self {
            period,
            pf,
            tr: TrueRangeState::new(),
            count: 0,
            sum: 0.0,
            atr: Affine::new((pf - 1.0) / pf, 1.0 / pf, f64::NAN),
        })
    }

    /// Feeds one bar; returns the ATR after it, NaN during warm-up.
    #[inline(always)]
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        let tr = self.tr.update(high, low, close);
        if tr.is_nan() {
            return f64::NAN;
        }
        if self.count >= self.period {
            return self.atr.step(tr);
        }
        self.sum += tr;
        self.count += 1;
        if self.count == self.period {
            let seed = self.sum / self.pf;
            self.atr.seed(seed);
            seed
        } else {
            f64::NAN
        }
    }

    /// The value [`update`](Self::update) would return, without committing the bar.
    #[inline]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        let mut s = *self;
        s.update(high, low, close)
    }

    /// Forgets every bar.
    pub fn reset(&mut self) {
        self.tr.reset();
        self.count = 0;
        self.sum = 0.0;
        self.atr.seed(f64::NAN);
    }
}

/// Average true range (TA-Lib `ATR`, Wilder smoothing), in price units.
///
/// * Output: same length as the inputs, float64; lookback `period` valid bars (bar 0's true
///   range does not exist, as in TA-Lib).
/// * NaN rule: a bar with a NaN in high, low or close is skipped (NaN out, state unchanged);
///   the next valid bar's true range uses the last valid close.
/// * `period = 1` returns the true range.
///
/// Errors (in this order): empty `high`; `low`/`close` length differs from `high`;
/// `period < 1` or `> len(high)`; `±inf` in high, low, close; `high < low` on a bar.
pub fn atr(high: &[f64], low: &[f64], close: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(high.len(), |out| atr_into(high, low, close, period, out))
}

/// [`atr`] into `out` (as long as `high`; every element is written).
pub fn atr_into(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    period: usize,
    out: &mut [f64],
) -> OmegaResult<()> {
    fast::bars_into((high, low, close), Some((period, 1)), out, |h, l, c, o| {
        atr_fast(h, l, c, period, o)
    })
}

/// The fast path of [`atr_into`] (see [`crate::fast`]): [`AtrState::update`] through the
/// warm-up, then the Wilder recurrence over the true ranges, two bars at a time.
fn atr_fast(high: &[f64], low: &[f64], close: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = high.len().min(out.len());
    let Ok(mut state) = AtrState::new(period) else {
        return false;
    };
    let head = n.min(period + 1);
    if !fast::bars_ok(&high[..head], &low[..head], &close[..head]) {
        return false;
    }
    for i in 0..head {
        out[i] = state.update(high[i], low[i], close[i]);
    }
    let mut atr = state.atr;
    // `high >= low` is checked per bar (it fails on a NaN high or low too); a ±inf high or low,
    // and a NaN or ±inf previous close, make the true range NaN or ±inf, which the recurrence
    // absorbs. The last close is no previous close: checked on its own.
    fast::each_chunk_absorbed(head, n, |r| {
        let (h, l) = (&high[r.clone()], &low[r.clone()]);
        let pc = &close[r.start - 1..r.end - 1];
        steady([h, l, pc], &mut out[r], &mut atr) && atr.is_finite()
    }) && (n == 0 || close[n - 1].is_finite())
}

/// The Wilder recurrence over the true ranges of one chunk (`pc`: the previous closes); false
/// when a bar has `!(high >= low)`. A function of its own, on a local copy, so that the state
/// stays in registers.
#[inline(never)]
fn steady([h, l, pc]: [&[f64]; 3], out: &mut [f64], atr: &mut Affine) -> bool {
    let n = h.len().min(l.len()).min(pc.len()).min(out.len());
    let (h, l, pc) = (&h[..n], &l[..n], &pc[..n]);
    let mut a = *atr;
    let mut bad = false;
    // `!(h >= l)`, not `h < l`: it is also true when either is NaN.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let tr = |i: usize| {
        bad |= !(h[i] >= l[i]);
        true_range_value(h[i], l[i], pc[i])
    };
    a.run_into(n, tr, out);
    *atr = a;
    !bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::true_range::true_range;

    #[test]
    fn hand_computed() {
        let h = [10.0, 11.0, 12.0, 9.0, 10.0];
        let l = [9.0, 10.0, 10.5, 8.0, 9.0];
        let c = [9.5, 10.5, 11.0, 8.5, 9.5];
        // tr = [NaN, 1.5, 1.5, 3.0, 1.5]
        let out = atr(&h, &l, &c, 2).expect("valid");
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(out[2], 1.5);
        assert_eq!(out[3], 1.5 * 0.5 + 3.0 * 0.5);
        assert_eq!(out[4], 1.5 * 0.25 + (3.0 * 0.25 + 1.5 * 0.5));
        let tr = true_range(&h, &l, &c).expect("valid");
        let p1 = atr(&h, &l, &c, 1).expect("valid");
        assert!(p1[0].is_nan());
        assert_eq!(&p1[1..], &tr[1..]);
        // period = len: lookback = period, so all NaN
        assert!(
            atr(&h, &l, &c, 5)
                .expect("valid")
                .iter()
                .all(|v| v.is_nan())
        );
    }

    #[test]
    fn flat_bars_and_nan_gaps() {
        let f = [3.0; 6];
        assert!(
            atr(&f, &f, &f, 2).expect("valid")[2..]
                .iter()
                .all(|&v| v == 0.0)
        );
        let h = [10.0, f64::NAN, 11.0, 12.0, 9.0];
        let l = [9.0, 5.0, 10.0, 10.5, 8.0];
        let c = [9.5, 5.0, 10.5, 11.0, 8.5];
        let g = atr(&h, &l, &c, 2).expect("valid");
        let k = atr(
            &[10.0, 11.0, 12.0, 9.0],
            &[9.0, 10.0, 10.5, 8.0],
            &[9.5, 10.5, 11.0, 8.5],
            2,
        )
        .expect("valid");
        assert!(g[1].is_nan());
        assert_eq!(g[3].to_bits(), k[2].to_bits());
        assert_eq!(g[4].to_bits(), k[3].to_bits());
    }

    #[test]
    fn peek_and_errors() {
        let mut s = AtrState::new(2).expect("valid");
        for (h, l, c) in [
            (2.0, 1.0, 1.5),
            (3.0, 2.0, 2.5),
            (f64::NAN, 1.0, 1.0),
            (4.0, 2.0, 3.0),
        ] {
            let p = s.peek(h, l, c);
            let u = s.update(h, l, c);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0, 1.0, 1.0).is_nan());
        assert_eq!(
            atr(&[1.0, 2.0], &[1.0, 1.0], &[1.0, 1.0], 3)
                .expect_err("period")
                .to_string(),
            "period: expected an integer >= 1 and <= len(high) = 2, got 3"
        );
        assert!(AtrState::new(0).is_err());
    }
}
