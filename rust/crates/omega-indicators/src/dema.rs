//! Double exponential moving average, TA-Lib `DEMA`: `2·EMA(x) − EMA(EMA(x))`.
//!
//! Both EMAs are TA-Lib EMAs ([`crate::ema`]): the inner one is seeded with the SMA of its
//! first `period` outputs, so the lookback is `2·(period − 1)`.

use omega_core::OmegaResult;

use crate::ema::EmaState;
use crate::fast;
use crate::recurrence::Affine;

/// Lookback of [`dema`]: `2·(period − 1)` valid values.
pub const fn lookback(period: usize) -> usize {
    2 * period.saturating_sub(1)
}

/// Streaming DEMA; O(1) per update, `Copy`.
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemaState {
    e1: EmaState,
    e2: EmaState,
}

impl DemaState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        Ok(Self {
            e1: EmaState::new(period)?,
            e2: EmaState::new(period)?,
        })
    }

    /// Feeds one value; returns the DEMA after it, NaN during warm-up.
    #[inline]
    pub fn update(&mut self, x: f64) -> f64 {
        let v1 = self.e1.update(x);
        if v1.is_nan() {
            return f64::NAN;
        }
        let v2 = self.e2.update(v1);
        if v2.is_nan() {
            return f64::NAN;
        }
        2.0 * v1 - v2
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> f64 {
        let mut s = *self;
        s.update(x)
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.e1.reset();
        self.e2.reset();
    }
}

/// Double EMA (TA-Lib `DEMA`): `2·e1 − e2` with `e1 = EMA(values)`, `e2 = EMA(e1)`.
///
/// * Output: same length as `values`, float64; lookback `2·(period − 1)` valid values.
/// * NaN rule: computed on the series with NaN removed, then scattered back.
/// * `period = 1` returns the input up to rounding.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn dema(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| dema_into(values, period, out))
}

/// [`dema`] into `out` (as long as `values`; every element is written).
pub fn dema_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| dema_fast(v, period, o))
}

/// The fast path of [`dema_into`] (see [`crate::fast`]): [`DemaState::update`] through the
/// warm-up, then both EMAs one value at a time in one pass. (Stepping two values at a time
/// lets LLVM's SLP vectoriser pack the two chains into one register, with shuffles on both
/// dependency chains.)
fn dema_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let Ok(mut state) = DemaState::new(period) else {
        return false;
    };
    let head = n.min(lookback(period) + 1);
    if !fast::all_finite(&v[..head]) {
        return false;
    }
    for (o, &x) in out[..head].iter_mut().zip(v) {
        *o = state.update(x);
    }
    let (mut e1, mut e2) = (*state.e1.warm_recurrence(), *state.e2.warm_recurrence());
    // The first EMA absorbs every input: checking it once per chunk validates the input.
    fast::each_chunk_absorbed(head, n, |r| {
        steady(&v[r.clone()], &mut out[r], &mut e1, &mut e2);
        e1.is_finite()
    })
}

/// The steady state of [`dema_fast`] over one chunk: [`DemaState::update`] once both EMAs are
/// warm. A function of its own, on local copies of the recurrences, so that their state stays
/// in registers whatever the inlining around it.
#[inline(never)]
fn steady(xs: &[f64], out: &mut [f64], e1: &mut Affine, e2: &mut Affine) {
    let (mut a1, mut a2) = (*e1, *e2);
    for (o, &x) in out.iter_mut().zip(xs) {
        let a = a1.step(x);
        *o = 2.0 * a - a2.step(a);
    }
    (*e1, *e2) = (a1, a2);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ema::ema;

    #[test]
    fn equals_two_ema_minus_ema_of_ema() {
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
        let e1 = ema(&x, 3).expect("valid");
        let e2 = ema(&e1[2..], 3).expect("valid");
        let out = dema(&x, 3).expect("valid");
        assert!(out[..4].iter().all(|v| v.is_nan()));
        for i in 4..x.len() {
            assert_eq!(out[i], 2.0 * e1[i] - e2[i - 2]);
        }
    }

    #[test]
    fn edges_and_nan_gaps() {
        let x = [1.0, 2.0, 3.0];
        assert_eq!(dema(&x, 1).expect("valid"), x.to_vec());
        let out = dema(&x, 2).expect("valid");
        assert!(out[1].is_nan());
        assert!(!out[2].is_nan());
        assert!(
            dema(&[7.0; 9], 3).expect("valid")[4..]
                .iter()
                .all(|&v| v == 7.0)
        );
        let g = dema(&[1.0, f64::NAN, 2.0, 4.0, f64::NAN, 3.0], 2).expect("valid");
        let c = dema(&[1.0, 2.0, 4.0, 3.0], 2).expect("valid");
        assert!(g[1].is_nan() && g[4].is_nan());
        assert_eq!(g[3].to_bits(), c[2].to_bits());
        assert_eq!(g[5].to_bits(), c[3].to_bits());
        assert!(dema(&[], 1).is_err());
        assert!(dema(&[1.0], 2).is_err());
    }

    #[test]
    fn peek_matches_update() {
        let mut s = DemaState::new(2).expect("valid");
        for x in [1.0, 5.0, f64::NAN, 2.0, 8.0, 3.0] {
            let p = s.peek(x);
            let u = s.update(x);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0).is_nan());
    }
}
