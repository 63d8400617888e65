//! Double exponential moving average, TA-Lib `DEMA`: `2·EMA(x) − EMA(EMA(x))`.
//!
//! Both EMAs are TA-Lib EMAs ([`crate::ema`]): the inner one is seeded with the SMA of its
//! first `period` outputs, so the lookback is `2·(period − 1)`.

use omega_core::OmegaResult;

use crate::ema::{EmaState, ema_in_place, ema_into};
use crate::nan_gaps::apply_compressed_known;
use crate::validate;

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
    let any_nan = validate::check_series_period(values, period, 1)?;
    Ok(apply_compressed_known(values, any_nan, |v| {
        let n = v.len();
        let mut out = vec![f64::NAN; n];
        let lb = lookback(period);
        if period == 0 || n <= lb {
            return out;
        }
        ema_into(v, period, &mut out);
        ema_in_place(&mut out[period - 1..], period, |e1, e2| 2.0 * e1 - e2);
        out[..lb].fill(f64::NAN);
        out
    }))
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
