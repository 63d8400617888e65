//! Triple exponential moving average, TA-Lib `TEMA`: `3·e1 − 3·e2 + e3` with
//! `e1 = EMA(x)`, `e2 = EMA(e1)`, `e3 = EMA(e2)` (TA-Lib EMAs, see [`crate::ema`]).

use omega_core::OmegaResult;

use crate::ema::EmaState;
use crate::fast;
use crate::recurrence::Affine;

/// Lookback of [`tema`]: `3·(period − 1)` valid values.
pub const fn lookback(period: usize) -> usize {
    3 * period.saturating_sub(1)
}

/// Streaming TEMA; O(1) per update, `Copy`.
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemaState {
    e1: EmaState,
    e2: EmaState,
    e3: EmaState,
}

impl TemaState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        Ok(Self {
            e1: EmaState::new(period)?,
            e2: EmaState::new(period)?,
            e3: EmaState::new(period)?,
        })
    }

    /// Feeds one value; returns the TEMA after it, NaN during warm-up.
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
        let v3 = self.e3.update(v2);
        if v3.is_nan() {
            return f64::NAN;
        }
        3.0 * v1 - 3.0 * v2 + v3
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
        self.e3.reset();
    }
}

/// Triple EMA (TA-Lib `TEMA`).
///
/// * Output: same length as `values`, float64; lookback `3·(period − 1)` valid values.
/// * NaN rule: computed on the series with NaN removed, then scattered back.
/// * `period = 1` returns the input up to rounding.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn tema(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| tema_into(values, period, out))
}

/// [`tema`] into `out` (as long as `values`; every element is written).
pub fn tema_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| tema_fast(v, period, o))
}

/// The fast path of [`tema_into`] (see [`crate::fast`]): [`TemaState::update`] through the
/// warm-up, then the three EMAs one value at a time in one pass (see `dema.rs`).
fn tema_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let Ok(mut state) = TemaState::new(period) else {
        return false;
    };
    let head = n.min(lookback(period) + 1);
    if !fast::all_finite(&v[..head]) {
        return false;
    }
    for (o, &x) in out[..head].iter_mut().zip(v) {
        *o = state.update(x);
    }
    let mut e1 = *state.e1.warm_recurrence();
    let mut e2 = *state.e2.warm_recurrence();
    let mut e3 = *state.e3.warm_recurrence();
    // The first EMA absorbs every input: checking it once per chunk validates the input.
    fast::each_chunk_absorbed(head, n, |r| {
        steady(&v[r.clone()], &mut out[r], [&mut e1, &mut e2, &mut e3]);
        e1.is_finite()
    })
}

/// The steady state of [`tema_fast`] over one chunk (see `dema.rs`).
#[inline(never)]
fn steady(xs: &[f64], out: &mut [f64], [e1, e2, e3]: [&mut Affine; 3]) {
    let (mut a1, mut a2, mut a3) = (*e1, *e2, *e3);
    for (o, &x) in out.iter_mut().zip(xs) {
        let a = a1.step(x);
        let b = a2.step(a);
        *o = 3.0 * a - 3.0 * b + a3.step(b);
    }
    (*e1, *e2, *e3) = (a1, a2, a3);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ema::ema;

    #[test]
    fn equals_the_three_emas() {
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0];
        let e1 = ema(&x, 3).expect("valid");
        let e2 = ema(&e1[2..], 3).expect("valid");
        let e3 = ema(&e2[2..], 3).expect("valid");
        let out = tema(&x, 3).expect("valid");
        assert!(out[..6].iter().all(|v| v.is_nan()));
        for i in 6..x.len() {
            assert_eq!(out[i], 3.0 * e1[i] - 3.0 * e2[i - 2] + e3[i - 4]);
        }
    }

    #[test]
    fn edges_and_nan_gaps() {
        let x = [1.0, 2.0, 3.0];
        assert_eq!(tema(&x, 1).expect("valid"), x.to_vec());
        assert!(tema(&x, 2).expect("valid")[..3].iter().all(|v| v.is_nan()));
        assert!(
            tema(&[0.0; 9], 3).expect("valid")[6..]
                .iter()
                .all(|&v| v == 0.0)
        );
        let g = tema(&[1.0, f64::NAN, 2.0, 4.0, 3.0, f64::NAN, 6.0], 2).expect("valid");
        let c = tema(&[1.0, 2.0, 4.0, 3.0, 6.0], 2).expect("valid");
        assert_eq!(g[4].to_bits(), c[3].to_bits());
        assert_eq!(g[6].to_bits(), c[4].to_bits());
        assert!(g[5].is_nan());
        assert!(tema(&[], 1).is_err());
    }

    #[test]
    fn peek_matches_update() {
        let mut s = TemaState::new(2).expect("valid");
        for x in [1.0, 5.0, f64::NAN, 2.0, 8.0, 3.0, 4.0] {
            let p = s.peek(x);
            let u = s.update(x);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0).is_nan());
    }
}
