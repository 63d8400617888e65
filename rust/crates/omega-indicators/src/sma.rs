//! Simple moving average, TA-Lib `SMA`.
//!
//! `sma[t] = (x[t-period+1] + … + x[t]) / period` over the last `period` valid values.
//! Computed with TA-Lib's running sum and in TA-Lib's order (add the new value, divide,
//! then subtract the value leaving the window), so on NaN-free input the output is
//! bit-identical to TA-Lib's.

use omega_core::OmegaResult;

use crate::fast;
use crate::ring::Ring;
use crate::validate;

/// Lookback of [`sma`]: the first `period - 1` valid positions are NaN.
pub const fn lookback(period: usize) -> usize {
    period.saturating_sub(1)
}

/// Streaming simple moving average; O(1) per update, holds the last `period` values.
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone)]
pub struct SmaState {
    period: usize,
    pf: f64,
    /// Sum of the newest `period - 1` values once the window has been full (TA-Lib order).
    sum: f64,
    ring: Ring,
}

impl SmaState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        Ok(Self {
            period,
            pf: period as f64,
            sum: 0.0,
            ring: Ring::new(period),
        })
    }

    /// The window length.
    pub fn period(&self) -> usize {
        self.period
    }

    /// Feeds one value; returns the SMA of the window ending at it, NaN during warm-up.
    #[inline]
    pub fn update(&mut self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        self.sum += x;
        self.ring.push(x);
        if self.ring.is_full() {
            let out = self.sum / self.pf;
            self.sum -= self.ring.oldest();
            out
        } else {
            f64::NAN
        }
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> f64 {
        if x.is_nan() || self.ring.len() + 1 < self.period {
            return f64::NAN;
        }
        (self.sum + x) / self.pf
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.sum = 0.0;
        self.ring.clear();
    }
}

/// Simple moving average over `period` valid values (TA-Lib `SMA`).
///
/// * Output: same length as `values`, float64; NaN for the first `period - 1` valid values
///   (lookback `period - 1`) and at every NaN input.
/// * NaN rule: computed on the series with NaN removed, then scattered back (the window
///   holds the last `period` valid values).
/// * `period = 1` returns the input.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn sma(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| sma_into(values, period, out))
}

/// [`sma`] into `out` (as long as `values`; every element is written).
pub fn sma_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| sma_fast(v, period, o))
}

/// The fast path of [`sma_into`] (see [`crate::fast`]): the arithmetic of
/// [`SmaState::update`] (TA-Lib's running sum and order).
pub(crate) fn sma_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    if period == 0 || n < period {
        out.fill(f64::NAN);
        return fast::all_finite(v);
    }
    let head = &v[..period - 1];
    let pf = period as f64;
    let mut sum = 0.0;
    for &x in head {
        sum += x;
    }
    out[..period - 1].fill(f64::NAN);
    // Every value goes into the running sum, and a NaN or ±inf keeps it non-finite for good
    // (an infinity leaving gives ∞ − ∞ = NaN): checking it once per chunk validates the input.
    fast::each_chunk_absorbed(period - 1, n, |r| {
        let leaving = &v[r.start + 1 - period..r.end + 1 - period];
        for ((o, &x), &old) in out[r.clone()].iter_mut().zip(&v[r]).zip(leaving) {
            sum += x;
            *o = sum / pf;
            sum -= old;
        }
        sum.is_finite()
    })
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
        let out = sma(&[1.0, 2.0, 3.0, 4.0, 5.0], 3).expect("valid");
        assert!(same(&out, &[f64::NAN, f64::NAN, 2.0, 3.0, 4.0]));
    }

    #[test]
    fn period_one_and_period_equal_length() {
        let x = [1.5, -2.0, 0.0, 7.25];
        assert!(same(&sma(&x, 1).expect("valid"), &x));
        let out = sma(&x, 4).expect("valid");
        assert!(same(
            &out,
            &[f64::NAN, f64::NAN, f64::NAN, (1.5 - 2.0 + 0.0 + 7.25) / 4.0]
        ));
    }

    #[test]
    fn constant_and_zero_series() {
        let out = sma(&[0.0; 6], 3).expect("valid");
        assert!(out[2..].iter().all(|&v| v == 0.0));
        let out = sma(&[2.5; 6], 2).expect("valid");
        assert!(out[1..].iter().all(|&v| v == 2.5));
    }

    #[test]
    fn nan_gaps_behave_as_removed() {
        let x = [1.0, f64::NAN, 2.0, 3.0, f64::NAN, f64::NAN, 4.0, 5.0];
        let out = sma(&x, 2).expect("valid");
        let compact = sma(&[1.0, 2.0, 3.0, 4.0, 5.0], 2).expect("valid");
        assert!(same(
            &out,
            &[
                compact[0],
                f64::NAN,
                compact[1],
                compact[2],
                f64::NAN,
                f64::NAN,
                compact[3],
                compact[4]
            ]
        ));
    }

    #[test]
    fn peek_equals_update_and_does_not_commit() {
        let mut s = SmaState::new(3).expect("valid");
        for (i, x) in [1.0, 4.0, f64::NAN, 2.0, 8.0, 3.0].into_iter().enumerate() {
            let p = s.peek(x);
            let p2 = s.peek(x);
            let u = s.update(x);
            assert!(
                p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()),
                "at {i}"
            );
            assert_eq!(p.to_bits(), p2.to_bits());
        }
        s.reset();
        assert!(s.update(1.0).is_nan());
        assert_eq!(s.period(), 3);
    }

    #[test]
    fn errors() {
        let e = sma(&[], 1).expect_err("empty");
        assert_eq!(
            e.to_string(),
            "values: expected a non-empty array, got length 0"
        );
        let e = sma(&[1.0, 2.0], 3).expect_err("too long");
        assert_eq!(
            e.to_string(),
            "period: expected an integer >= 1 and <= len(values) = 2, got 3"
        );
        let e = sma(&[1.0, f64::INFINITY], 1).expect_err("inf");
        assert_eq!(
            e.to_string(),
            "values: expected finite numbers or NaN, got inf at index 1"
        );
        assert!(SmaState::new(0).is_err());
        // All-NaN input is valid and gives all NaN.
        assert!(
            sma(&[f64::NAN; 3], 2)
                .expect("valid")
                .iter()
                .all(|v| v.is_nan())
        );
    }
}
