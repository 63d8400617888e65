//! Relative strength index, TA-Lib `RSI` (Wilder smoothing, default compatibility mode).
//!
//! With `d = x[t] − x[t−1]`, gain `= max(d, 0)`, loss `= max(−d, 0)`:
//! * the first averages are the plain means of the first `period` gains and losses
//!   (they need `period + 1` values);
//! * then Wilder: `avg = (avg·(period − 1) + new) / period`, evaluated as
//!   `avg·c + new·r` with `c = (period − 1)/period`, `r = 1/period`, two values at a time
//!   ([`crate::recurrence`]);
//! * `rsi = 100 · avg_gain / (avg_gain + avg_loss)`, and `0` when both averages are 0 (no
//!   movement at all) — TA-Lib's rule. With no losses the RSI is exactly 100.

use omega_core::OmegaResult;

use crate::fast;
use crate::recurrence::Affine;
use crate::validate;

/// Lookback of [`rsi`]: `period` valid values.
pub const fn lookback(period: usize) -> usize {
    period
}

/// `100·g/(g+l)`, or 0 when `g + l == 0`.
#[inline]
fn rsi_value(gain: f64, loss: f64) -> f64 {
    let total = gain + loss;
    if total != 0.0 {
        100.0 * (gain / total)
    } else {
        0.0
    }
}

/// Streaming RSI; O(1) per update, `Copy`.
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RsiState {
    period: usize,
    pf: f64,
    /// Valid values seen, saturating at `period + 1`.
    count: usize,
    prev: f64,
    /// Warm-up sums of gains and losses.
    sum_gain: f64,
    sum_loss: f64,
    gain: Affine,
    loss: Affine,
}

impl RsiState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        let pf = period as f64;
        let (c, r) = ((pf - 1.0) / pf, 1.0 / pf);
        Ok(Self {
            period,
            pf,
            count: 0,
            prev: 0.0,
            sum_gain: 0.0,
            sum_loss: 0.0,
            gain: Affine::new(c, r, 0.0),
            loss: Affine::new(c, r, 0.0),
        })
    }

    /// Feeds one value; returns the RSI after it, NaN during warm-up.
    #[inline(always)]
    pub fn update(&mut self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if self.count == 0 {
            self.prev = x;
            self.count = 1;
            return f64::NAN;
        }
        let d = x - self.prev;
        self.prev = x;
        let (g, l) = split(d);
        if self.count > self.period {
            let gain = self.gain.step(g);
            let loss = self.loss.step(l);
            return rsi_value(gain, loss);
        }
        self.sum_gain += g;
        self.sum_loss += l;
        self.count += 1;
        if self.count > self.period {
            let (gain, loss) = (self.sum_gain / self.pf, self.sum_loss / self.pf);
            self.gain.seed(gain);
            self.loss.seed(loss);
            rsi_value(gain, loss)
        } else {
            f64::NAN
        }
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> f64 {
        let mut s = *self;
        s.update(x)
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.count = 0;
        self.prev = 0.0;
        self.sum_gain = 0.0;
        self.sum_loss = 0.0;
        self.gain.seed(0.0);
        self.loss.seed(0.0);
    }
}

/// Wilder's RSI (TA-Lib `RSI`), in percent (0…100).
///
/// * Output: same length as `values`, float64; lookback `period` valid values (the first
///   RSI needs `period + 1` values).
/// * NaN rule: computed on the series with NaN removed, then scattered back — the change
///   after a gap is measured against the last valid value before it.
/// * Zero division: 0 when there is no movement at all over the averaging (TA-Lib).
/// * `period = 1`: 100 on a rise, 0 on a fall, 0 when unchanged.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn rsi(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| rsi_into(values, period, out))
}

/// [`rsi`] into `out` (as long as `values`; every element is written).
pub fn rsi_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| rsi_fast(v, period, o))
}

/// Gain and loss of a change, TA-Lib style (a zero change is a zero gain).
#[inline(always)]
fn split(d: f64) -> (f64, f64) {
    if d < 0.0 { (0.0, -d) } else { (d, 0.0) }
}

/// The fast path of [`rsi_into`] (see [`crate::fast`]): [`RsiState::update`] through the
/// warm-up, then both Wilder averages one change at a time.
fn rsi_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let Ok(mut state) = RsiState::new(period) else {
        return false;
    };
    let head = n.min(period + 1);
    if !fast::all_finite(&v[..head]) {
        return false;
    }
    for (o, &x) in out[..head].iter_mut().zip(v) {
        *o = state.update(x);
    }
    let mut prev = state.prev;
    let (mut gain, mut loss) = (state.gain, state.loss);
    // A NaN or ±inf input makes a change NaN or ±inf, which the gain or the loss average
    // absorbs: checking both once per chunk validates the input.
    fast::each_chunk_absorbed(head, n, |r| {
        prev = steady(&v[r.clone()], &mut out[r], prev, [&mut gain, &mut loss]);
        gain.is_finite() && loss.is_finite()
    })
}

/// The steady state of [`rsi_fast`] over one chunk; returns the last value. A function of its
/// own, on local copies of the averages (see `dema.rs`).
#[inline(never)]
fn steady(xs: &[f64], out: &mut [f64], mut prev: f64, [gain, loss]: [&mut Affine; 2]) -> f64 {
    let (mut g_avg, mut l_avg) = (*gain, *loss);
    for (o, &x) in out.iter_mut().zip(xs) {
        let (g, l) = split(x - prev);
        prev = x;
        *o = rsi_value(g_avg.step(g), l_avg.step(l));
    }
    (*gain, *loss) = (g_avg, l_avg);
    prev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // period 2: diffs +1, +1, -2, +1
        let out = rsi(&[1.0, 2.0, 3.0, 1.0, 2.0], 2).expect("valid");
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(out[2], 100.0); // gains 1,1 losses 0
        // c = r = 0.5. g = 1·0.5 + 0·0.5 = 0.5, l = 0·0.5 + 2·0.5 = 1 → 100·0.5/1.5
        assert_eq!(out[3], 100.0 * (0.5 / 1.5));
        // second of the pair: g = 1·0.25 + (0·0.25 + 1·0.5) = 0.75, l = 0·0.25 + (2·0.25 + 0) = 0.5
        assert_eq!(out[4], 100.0 * (0.75 / 1.25));
    }

    #[test]
    fn zero_division_rules_and_edges() {
        assert!(
            rsi(&[5.0; 6], 2).expect("valid")[2..]
                .iter()
                .all(|&v| v == 0.0)
        );
        assert!(
            rsi(&[0.0; 6], 3).expect("valid")[3..]
                .iter()
                .all(|&v| v == 0.0)
        );
        assert!(
            rsi(&[1.0, 2.0, 3.0, 4.0], 2).expect("valid")[2..]
                .iter()
                .all(|&v| v == 100.0)
        );
        assert!(
            rsi(&[4.0, 3.0, 2.0, 1.0], 2).expect("valid")[2..]
                .iter()
                .all(|&v| v == 0.0)
        );
        let p1 = rsi(&[1.0, 2.0, 2.0, 1.0], 1).expect("valid");
        assert!(p1[0].is_nan());
        assert_eq!(&p1[1..], &[100.0, 0.0, 0.0]);
        // period = len: all NaN (lookback = period)
        assert!(
            rsi(&[1.0, 2.0, 3.0], 3)
                .expect("valid")
                .iter()
                .all(|v| v.is_nan())
        );
    }

    #[test]
    fn nan_gaps_behave_as_removed() {
        let x = [1.0, f64::NAN, 2.0, 1.5, f64::NAN, f64::NAN, 3.0, 2.0];
        let out = rsi(&x, 2).expect("valid");
        let c = rsi(&[1.0, 2.0, 1.5, 3.0, 2.0], 2).expect("valid");
        assert_eq!(out[3].to_bits(), c[2].to_bits());
        assert_eq!(out[6].to_bits(), c[3].to_bits());
        assert_eq!(out[7].to_bits(), c[4].to_bits());
        assert!(out[4].is_nan() && out[1].is_nan());
    }

    #[test]
    fn peek_matches_update_and_errors() {
        let mut s = RsiState::new(2).expect("valid");
        for x in [1.0, 5.0, f64::NAN, 2.0, 8.0, 3.0] {
            let p = s.peek(x);
            let u = s.update(x);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0).is_nan());
        assert!(rsi(&[], 1).is_err());
        assert!(rsi(&[1.0], 0).is_err());
        assert!(RsiState::new(0).is_err());
    }
}
