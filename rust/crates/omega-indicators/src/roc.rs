//! Rate of change, TA-Lib `ROC`: `((x[t] / x[t−period]) − 1) · 100`, and `0` when the earlier
//! price is 0 (TA-Lib's zero-division rule).

use omega_core::OmegaResult;

use crate::fast;
use crate::ring::Ring;
use crate::validate;

/// Lookback of [`roc`]: `period` valid values.
pub const fn lookback(period: usize) -> usize {
    period
}

/// `((x / prev) − 1)·100`, or 0 when `prev == 0`.
#[inline]
fn roc_value(x: f64, prev: f64) -> f64 {
    let value = ((x / prev) - 1.0) * 100.0;
    if prev != 0.0 { value } else { 0.0 }
}

/// Streaming rate of change; O(1) per update, holds the last `period` values.
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone)]
pub struct RocState {
    ring: Ring,
}

impl RocState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        Ok(Self {
            ring: Ring::new(period),
        })
    }

    /// Feeds one value; returns the ROC in percent, NaN during warm-up.
    #[inline]
    pub fn update(&mut self, x: f64) -> f64 {
        let out = self.peek(x);
        if !x.is_nan() {
            self.ring.push(x);
        }
        out
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> f64 {
        if x.is_nan() || !self.ring.is_full() {
            return f64::NAN;
        }
        roc_value(x, self.ring.oldest())
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.ring.clear();
    }
}

/// Rate of change in percent (TA-Lib `ROC`).
///
/// * Output: same length as `values`, float64; lookback `period` valid values.
/// * NaN rule: "`period` values ago" counts valid values only.
/// * Zero division: 0 when the earlier price is 0 (TA-Lib).
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn roc(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| roc_into(values, period, out))
}

/// [`roc`] into `out` (as long as `values`; every element is written).
pub fn roc_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| roc_fast(v, period, o))
}

/// The fast path of [`roc_into`] (see [`crate::fast`]): the arithmetic of
/// [`RocState::update`], branch-free so that it vectorises.
fn roc_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let head = n.min(period);
    if !fast::all_finite(&v[..head]) {
        return false;
    }
    out[..head].fill(f64::NAN);
    fast::each_finite_chunk(&v[..n], head, |r| {
        let earlier = &v[r.start - period..r.end - period];
        for ((o, &x), &prev) in out[r.clone()].iter_mut().zip(&v[r]).zip(earlier) {
            *o = roc_value(x, prev);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_and_zero_rule() {
        let out = roc(&[2.0, 4.0, 3.0, 0.0, 5.0, 1.0], 1).expect("valid");
        assert!(out[0].is_nan());
        assert_eq!(&out[1..], &[100.0, -25.0, -100.0, 0.0, -80.0]);
        assert!(
            roc(&[0.0; 4], 2).expect("valid")[2..]
                .iter()
                .all(|&v| v == 0.0)
        );
        assert!(
            roc(&[1.0, 2.0], 2)
                .expect("valid")
                .iter()
                .all(|v| v.is_nan())
        );
    }

    #[test]
    fn nan_gaps_count_valid_values() {
        let out = roc(&[1.0, f64::NAN, 2.0, f64::NAN, 4.0], 1).expect("valid");
        assert!(out[0].is_nan() && out[1].is_nan() && out[3].is_nan());
        assert_eq!(out[2], 100.0);
        assert_eq!(out[4], 100.0);
    }

    #[test]
    fn peek_and_errors() {
        let mut s = RocState::new(2).expect("valid");
        for x in [1.0, 2.0, f64::NAN, 4.0, 3.0] {
            let p = s.peek(x);
            let u = s.update(x);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0).is_nan());
        assert!(roc(&[], 1).is_err());
        assert!(roc(&[f64::INFINITY], 1).is_err());
        assert!(RocState::new(0).is_err());
    }
}
