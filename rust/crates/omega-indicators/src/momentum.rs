//! Momentum, TA-Lib `MOM`: `x[t] − x[t−period]` (`period` valid values ago).

use omega_core::OmegaResult;

use crate::fast;
use crate::ring::Ring;
use crate::validate;

/// Lookback of [`momentum`]: `period` valid values.
pub const fn lookback(period: usize) -> usize {
    period
}

/// Streaming momentum; O(1) per update, holds the last `period` values.
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone)]
pub struct MomentumState {
    ring: Ring,
}

impl MomentumState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        Ok(Self {
            ring: Ring::new(period),
        })
    }

    /// Feeds one value; returns `x − (value period valid values ago)`, NaN during warm-up.
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
        x - self.ring.oldest()
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.ring.clear();
    }
}

/// Momentum (TA-Lib `MOM`): `x[t] − x[t−period]`, in price units.
///
/// * Output: same length as `values`, float64; lookback `period` valid values.
/// * NaN rule: "`period` values ago" counts valid values only.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn momentum(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| momentum_into(values, period, out))
}

/// [`momentum`] into `out` (as long as `values`; every element is written).
pub fn momentum_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| momentum_fast(v, period, o))
}

/// The fast path of [`momentum_into`] (see [`crate::fast`]; vectorises).
fn momentum_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let head = n.min(period);
    if !fast::all_finite(&v[..head]) {
        return false;
    }
    out[..head].fill(f64::NAN);
    fast::each_finite_chunk(&v[..n], head, |r| {
        let earlier = &v[r.start - period..r.end - period];
        for ((o, &x), &prev) in out[r.clone()].iter_mut().zip(&v[r]).zip(earlier) {
            *o = x - prev;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_and_edges() {
        let out = momentum(&[1.0, 4.0, 2.0, 8.0], 2).expect("valid");
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(&out[2..], &[1.0, 4.0]);
        assert!(
            momentum(&[1.0, 2.0], 2)
                .expect("valid")
                .iter()
                .all(|v| v.is_nan())
        );
        assert_eq!(
            &momentum(&[0.0, 0.0, 3.0], 1).expect("valid")[1..],
            &[0.0, 3.0]
        );
    }

    #[test]
    fn nan_gaps_count_valid_values() {
        let out = momentum(&[1.0, f64::NAN, 4.0, 2.0, f64::NAN, 8.0], 2).expect("valid");
        assert!(out[..3].iter().all(|v| v.is_nan()));
        assert_eq!(out[3], 1.0);
        assert!(out[4].is_nan());
        assert_eq!(out[5], 4.0);
    }

    #[test]
    fn peek_and_errors() {
        let mut s = MomentumState::new(1).expect("valid");
        assert!(s.peek(1.0).is_nan());
        s.update(1.0);
        assert_eq!(s.peek(3.0), 2.0);
        assert_eq!(s.update(3.0), 2.0);
        s.reset();
        assert!(s.update(1.0).is_nan());
        assert!(momentum(&[], 1).is_err());
        assert!(momentum(&[1.0], 2).is_err());
        assert!(MomentumState::new(0).is_err());
    }
}
