//! 1-D local-level Kalman filter: a smoothed "mean" of a price series.
//!
//! Model: level `x_t = x_{t-1} + w_t` (`w ~ N(0, Q)`), observation `y_t = x_t + v_t`
//! (`v ~ N(0, R)`). `R` is the measurement-noise variance, `Q` the process-noise variance,
//! both in squared price units; the ratio `Q / R` sets the smoothing (small = smoother).
//!
//! Initialisation (as the original Omega `IndicatorCache` did): at the first valid value
//! `x̂ = y_0` and `P = R`; the output there is `y_0` itself, so there is no warm-up.
//! Every later valid value runs, in this exact order,
//!
//! ```text
//! P⁻ = P + Q
//! K  = P⁻ / (P⁻ + R)
//! x̂  = x̂ + K · (y − x̂)
//! P  = (1 − K) · P⁻
//! ```
//!
//! and outputs the filtered `x̂` (it includes the current value; no look-ahead). The gain
//! form `x̂ + K·(y − x̂)` is kept on purpose: a constant input gives exactly that constant (the
//! residual `y − x̂` is exactly 0), so [`crate::kalman_zscore`] sees exact zeros on flat
//! stretches instead of rounding noise. (An affine form `(1 − K)·x̂ + K·y`, or its pairwise
//! evaluation, shortens the dependency chain but loses that property.)
//!
//! `P` and `K` do not depend on the data, only on `R`, `Q` and the number of valid values;
//! once `P` reaches its floating-point fixed point (`(1 − K)·(P + Q) == P` — after 5 steps for
//! `R = 0.01, Q = 1`, ~1700 for `R = 100, Q = 0.01`) the state keeps `K` and skips the
//! division. The outputs are the same bits either way.
//!
//! NaN input: output NaN, state unchanged; the filter resumes at the next valid value as if the
//! NaN bars were removed (no extra `Q` is added for the gap).

use omega_core::OmegaResult;

use crate::stat_validate::check_positive;
use crate::validate::{check_finite, check_non_empty};

/// O(1) streaming state of the local-level Kalman filter (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct KalmanState {
    r: f64,
    q: f64,
    xhat: f64,
    p: f64,
    /// The gain, once `P` has reached its fixed point.
    k: f64,
    frozen: bool,
    started: bool,
}

impl KalmanState {
    /// A fresh filter with measurement variance `R = r` and process variance `Q = q`, both
    /// finite and `> 0`.
    pub fn new(r: f64, q: f64) -> OmegaResult<Self> {
        check_positive("R", r)?;
        check_positive("Q", q)?;
        Ok(Self::build(r, q))
    }

    /// Unvalidated constructor (parameters checked by the caller).
    pub(crate) fn build(r: f64, q: f64) -> Self {
        Self {
            r,
            q,
            xhat: f64::NAN,
            p: f64::NAN,
            k: f64::NAN,
            frozen: false,
            started: false,
        }
    }

    /// `(K, P_new)` of the next step.
    #[inline]
    fn gain(&self) -> (f64, f64) {
        if self.frozen {
            return (self.k, self.p);
        }
        let p_minus = self.p + self.q;
        let k = p_minus / (p_minus + self.r);
        (k, (1.0 - k) * p_minus)
    }

    /// Consumes `y` and returns the filtered mean; NaN returns NaN and changes nothing.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        if !self.started {
            self.started = true;
            self.xhat = y;
            self.p = self.r;
            return y;
        }
        let (k, p) = self.gain();
        self.xhat += k * (y - self.xhat);
        if !self.frozen && p == self.p {
            self.frozen = true;
            self.k = k;
        }
        self.p = p;
        self.xhat
    }

    /// The value [`KalmanState::update`] would return for `y`, without committing it.
    #[inline]
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        if !self.started {
            return y;
        }
        let (k, _) = self.gain();
        self.xhat + k * (y - self.xhat)
    }

    /// Current filtered mean (NaN before the first valid value).
    pub fn mean(&self) -> f64 {
        self.xhat
    }

    /// Current error variance `P` (NaN before the first valid value).
    pub fn variance(&self) -> f64 {
        self.p
    }
}

/// Kalman-filtered mean of `values` (same length, float64).
///
/// * `r` — measurement-noise variance `R` (> 0, finite); Python default `R=0.01`.
/// * `q` — process-noise variance `Q` (> 0, finite); Python default `Q=1.0`.
///
/// Warm-up: none — the first valid value is returned unchanged. NaN positions stay NaN and the
/// filter continues after them. Errors (in this order): empty input, `R`, `Q` (finite, `> 0`),
/// ±inf in `values`.
pub fn kalman_mean(values: &[f64], r: f64, q: f64) -> OmegaResult<Vec<f64>> {
    check_non_empty("values", values)?;
    let mut state = KalmanState::new(r, q)?;
    check_finite("values", values)?;
    Ok(values.iter().map(|&y| state.update(y)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freezing_the_gain_changes_no_bit() {
        for (r, q) in [
            (0.01, 1.0),
            (1.0, 1.0),
            (100.0, 0.01),
            (3.3, 7.7),
            (1e4, 1e-8),
        ] {
            let ys: Vec<f64> = (0..3000)
                .map(|i| 1.0 + ((i * 37) % 101) as f64 * 0.01)
                .collect();
            let out = kalman_mean(&ys, r, q).unwrap();
            let (mut xhat, mut p) = (ys[0], r);
            assert_eq!(out[0], ys[0]);
            for t in 1..ys.len() {
                let p_minus = p + q;
                let k = p_minus / (p_minus + r);
                xhat += k * (ys[t] - xhat);
                p = (1.0 - k) * p_minus;
                assert_eq!(out[t].to_bits(), xhat.to_bits(), "r={r} q={q} t={t}");
            }
        }
    }

    #[test]
    fn constant_stretches_are_reproduced_exactly() {
        let mut ys = vec![1.0, 1.3, 0.9];
        ys.extend([1.1; 40]);
        let out = kalman_mean(&ys, 0.01, 1.0).unwrap();
        assert!(out[10..].iter().all(|&v| v == 1.1));
        assert!(
            kalman_mean(&[0.3; 50], 100.0, 0.01)
                .unwrap()
                .iter()
                .all(|&v| v == 0.3)
        );
    }

    #[test]
    fn hand_computed_first_steps() {
        // R = 1, Q = 1: x̂0 = 10, P0 = 1; P⁻ = 2, K = 2/3, x̂1 = 10 + 2/3·(13 − 10) = 12,
        // P1 = 2/3; P⁻ = 5/3, K = 5/8, x̂2 = 12 + 5/8·(4 − 12) = 7.
        let out = kalman_mean(&[10.0, 13.0, 4.0], 1.0, 1.0).unwrap();
        assert_eq!(out[0], 10.0);
        assert!((out[1] - 12.0).abs() < 1e-15);
        assert!((out[2] - 7.0).abs() < 1e-14);
    }

    #[test]
    fn nan_gap_behaves_as_if_removed() {
        let full = [f64::NAN, 1.0, 2.0, f64::NAN, f64::NAN, 5.0, 4.0];
        let compressed: Vec<f64> = full.iter().copied().filter(|v| !v.is_nan()).collect();
        let a = kalman_mean(&full, 0.5, 0.1).unwrap();
        let b = kalman_mean(&compressed, 0.5, 0.1).unwrap();
        let a_valid: Vec<f64> = a.iter().copied().filter(|v| !v.is_nan()).collect();
        assert_eq!(a_valid, b);
        assert!(a[0].is_nan() && a[3].is_nan() && a[4].is_nan());
    }

    #[test]
    fn constant_series_stays_constant_and_all_nan_stays_nan() {
        let out = kalman_mean(&[2.5; 6], 0.01, 1.0).unwrap();
        assert!(out.iter().all(|&v| v == 2.5));
        let out = kalman_mean(&[f64::NAN; 3], 0.01, 1.0).unwrap();
        assert!(out.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn peek_equals_update() {
        for (r, q) in [(0.3, 0.2), (0.01, 1.0)] {
            let mut s = KalmanState::new(r, q).unwrap();
            for i in 0..300 {
                let y = if i % 7 == 3 {
                    f64::NAN
                } else {
                    1.0 + ((i * 13) % 17) as f64 * 0.1
                };
                let p = s.peek(y);
                assert_eq!(p.to_bits(), s.peek(y).to_bits());
                let u = s.update(y);
                assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
            }
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            kalman_mean(&[], 1.0, 1.0).unwrap_err().to_string(),
            "values: expected a non-empty array, got length 0"
        );
        assert_eq!(
            kalman_mean(&[1.0], 0.0, 1.0).unwrap_err().to_string(),
            "R: expected a finite number > 0, got 0"
        );
        assert_eq!(
            kalman_mean(&[1.0], 1.0, f64::NAN).unwrap_err().to_string(),
            "Q: expected a finite number > 0, got NaN"
        );
        assert_eq!(
            kalman_mean(&[1.0, f64::INFINITY], 1.0, 1.0)
                .unwrap_err()
                .to_string(),
            "values: expected finite numbers or NaN, got inf at index 1"
        );
    }
}
