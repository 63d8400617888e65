//! Kalman z-score: the Kalman residual in units of its own rolling standard deviation.
//!
//! ```text
//! resid_t = y_t − x̂_t                      (x̂ = kalman_mean(R, Q), filtered, includes y_t)
//! z_t     = resid_t / std_pop(resid over the last `window` valid bars)
//! ```
//!
//! The Kalman mean *is* the mean, so the numerator is the residual itself (not the residual
//! minus its rolling mean) — as in the original Omega `IndicatorCache`. The standard deviation
//! is the population one (divisor `window`) computed by [`crate::rolling_moments`], like
//! [`crate::zscore`]; the original used pandas' sample std (divisor `window − 1`).
//!
//! Warm-up: the first `window − 1` valid bars are NaN. A window whose residuals are all equal
//! (std 0, e.g. a constant price series, or `window = 1`) gives NaN. NaN input: NaN output,
//! the Kalman filter and the residual window carry across the gap (as if the bar were removed).

use omega_core::OmegaResult;

use crate::kalman_mean::KalmanState;
use crate::rolling_moments::RollingMoments;
use crate::stat_validate::check_positive;
use crate::validate::{check_finite, check_non_empty, check_period, check_state_period};

/// O(1)-amortised streaming state of [`kalman_zscore`].
#[derive(Debug, Clone)]
pub struct KalmanZScoreState {
    kalman: KalmanState,
    moments: RollingMoments,
}

impl KalmanZScoreState {
    /// A fresh state: `window >= 1`, `R` and `Q` finite and `> 0` (checked in this order).
    pub fn new(window: usize, r: f64, q: f64) -> OmegaResult<Self> {
        check_state_period("window", window, 1)?;
        check_positive("R", r)?;
        check_positive("Q", q)?;
        Ok(Self {
            kalman: KalmanState::build(r, q),
            moments: RollingMoments::new(window)?,
        })
    }

    /// Consumes `y`; NaN returns NaN and changes nothing.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let resid = y - self.kalman.update(y);
        match self.moments.update(resid) {
            Some(m) => m.scaled(resid),
            None => f64::NAN,
        }
    }

    /// What [`KalmanZScoreState::update`] would return for `y`, without committing it.
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let resid = y - self.kalman.peek(y);
        match self.moments.peek(resid) {
            Some(m) => m.scaled(resid),
            None => f64::NAN,
        }
    }
}

/// Kalman z-score of `values` over `window` valid bars (same length, float64).
///
/// * `window` — `1 <= window <= len(values)`; Python default 100.
/// * `r`, `q` — Kalman `R` and `Q` (finite, `> 0`); Python defaults 0.01 and 1.0.
///
/// Output is dimensionless. Warm-up `window − 1` valid bars; std 0 → NaN. Errors (in this
/// order): empty input, `window` out of range, `R`, `Q`, ±inf in `values`.
pub fn kalman_zscore(values: &[f64], window: usize, r: f64, q: f64) -> OmegaResult<Vec<f64>> {
    check_non_empty("values", values)?;
    check_period("window", window, 1, "values", values.len())?;
    let mut state = KalmanZScoreState::new(window, r, q)?;
    check_finite("values", values)?;
    Ok(values.iter().map(|&y| state.update(y)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kalman_mean::kalman_mean;

    #[test]
    fn equals_residual_over_population_std() {
        let ys = [1.0, 1.2, 0.9, 1.4, 1.1, 1.6, 1.3, f64::NAN, 1.2, 1.8];
        let window = 4;
        let z = kalman_zscore(&ys, window, 0.5, 0.05).unwrap();
        let km = kalman_mean(&ys, 0.5, 0.05).unwrap();
        let valid: Vec<usize> = (0..ys.len()).filter(|&i| !ys[i].is_nan()).collect();
        for (k, &i) in valid.iter().enumerate() {
            if k + 1 < window {
                assert!(z[i].is_nan());
                continue;
            }
            let res: Vec<f64> = valid[k + 1 - window..=k]
                .iter()
                .map(|&j| ys[j] - km[j])
                .collect();
            let mean = res.iter().sum::<f64>() / window as f64;
            let var = res.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / window as f64;
            let expected = (ys[i] - km[i]) / var.sqrt();
            assert!(
                (z[i] - expected).abs() < 1e-9 * expected.abs().max(1.0),
                "{i}"
            );
        }
        assert!(z[7].is_nan());
    }

    #[test]
    fn constant_series_and_window_one_are_nan() {
        assert!(
            kalman_zscore(&[3.0; 10], 3, 0.01, 1.0)
                .unwrap()
                .iter()
                .all(|v| v.is_nan())
        );
        assert!(
            kalman_zscore(&[1.0, 2.0, 4.0], 1, 0.01, 1.0)
                .unwrap()
                .iter()
                .all(|v| v.is_nan())
        );
    }

    #[test]
    fn peek_equals_update() {
        let mut s = KalmanZScoreState::new(3, 0.1, 0.2).unwrap();
        for &y in &[1.0, 2.0, f64::NAN, 1.5, 0.7, 2.0, 2.2] {
            let p = s.peek(y);
            let u = s.update(y);
            assert!(p == u || (p.is_nan() && u.is_nan()));
        }
    }

    #[test]
    fn errors_in_order() {
        assert_eq!(
            kalman_zscore(&[1.0, 2.0], 3, -1.0, 1.0)
                .unwrap_err()
                .to_string(),
            "window: expected an integer >= 1 and <= len(values) = 2, got 3"
        );
        assert_eq!(
            kalman_zscore(&[1.0, 2.0], 2, -1.0, 0.0)
                .unwrap_err()
                .to_string(),
            "R: expected a finite number > 0, got -1"
        );
        assert_eq!(
            kalman_zscore(&[1.0, 2.0], 2, 1.0, 0.0)
                .unwrap_err()
                .to_string(),
            "Q: expected a finite number > 0, got 0"
        );
    }
}
