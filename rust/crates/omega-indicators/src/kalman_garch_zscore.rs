//! Kalman–GARCH z-score: the Kalman residual in units of the GARCH price volatility.
//!
//! ```text
//! z_t = (y_t − x̂_t) / (σ_t · |y_t|)
//! ```
//!
//! `x̂` is [`crate::kalman_mean`] (`R`, `Q`) and `σ` the GARCH return volatility —
//! [`crate::garch_volatility`] for [`kalman_garch_zscore`], [`crate::garch_volatility_local`]
//! for [`kalman_garch_zscore_local`]. `σ · |y|` turns the return σ into price units (the
//! small-return approximation of the original Omega code).
//!
//! The local variant follows DESIGN §5 — `(price − kalman_mean)/(σ·price)` with the local σ —
//! and keeps the Kalman mean running over the whole history. (The original
//! `kalman_garch_zscore_local(idx)` also restarted the Kalman filter on the window; the
//! filter's memory fades geometrically — for the default `R = 0.01, Q = 1` by a factor ~0.01
//! per bar — so this only matters for very smooth filters, and it keeps the update O(1).)
//!
//! Warm-up: that of the σ (`min_periods + 1` valid bars, or `lookback − 1` for the local
//! variant). A zero denominator (σ = 0 with `sigma_floor = 0` on a constant series) gives NaN.
//! NaN input: NaN output, Kalman and GARCH state carried across (as if the bar were removed).
//! Prices must be `> 0`.

use omega_core::OmegaResult;

use crate::garch_volatility::{GarchParams, GarchState};
use crate::garch_volatility_local::{GarchLocalState, check_lookback};
use crate::kalman_mean::KalmanState;
use crate::stat_validate::{check_positive, check_prices};
use crate::validate::check_non_empty;

#[inline]
fn ratio(y: f64, xhat: f64, sigma: f64) -> f64 {
    let denom = y.abs() * sigma;
    if denom > 0.0 {
        (y - xhat) / denom
    } else {
        f64::NAN
    }
}

/// O(1) streaming state of [`kalman_garch_zscore`].
#[derive(Debug, Clone)]
pub struct KalmanGarchZScoreState {
    kalman: KalmanState,
    garch: GarchState,
}

impl KalmanGarchZScoreState {
    /// A fresh state. Checks, in this order: `min_periods`, `R`, `Q`, the float GARCH
    /// parameters.
    pub fn new(r: f64, q: f64, params: GarchParams) -> OmegaResult<Self> {
        params.validate_ints()?;
        check_positive("R", r)?;
        check_positive("Q", q)?;
        params.validate_floats()?;
        Ok(Self {
            kalman: KalmanState::build(r, q),
            garch: GarchState::build(params),
        })
    }

    /// Consumes a price (> 0, or NaN); NaN returns NaN and changes nothing.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let xhat = self.kalman.update(y);
        let sigma = self.garch.update(y);
        ratio(y, xhat, sigma)
    }

    /// What [`KalmanGarchZScoreState::update`] would return for `y`, without committing it.
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        ratio(y, self.kalman.peek(y), self.garch.peek(y))
    }

    /// Forgets every price (the parameters are kept).
    pub fn reset(&mut self) {
        self.kalman.reset();
        self.garch.reset();
    }
}

/// O(1)-amortised streaming state of [`kalman_garch_zscore_local`].
#[derive(Debug, Clone)]
pub struct KalmanGarchZScoreLocalState {
    kalman: KalmanState,
    garch: GarchLocalState,
}

impl KalmanGarchZScoreLocalState {
    /// A fresh state. Checks, in this order: `min_periods`, `lookback >= min_periods + 2`,
    /// `R`, `Q`, the float GARCH parameters.
    pub fn new(lookback: usize, r: f64, q: f64, params: GarchParams) -> OmegaResult<Self> {
        params.validate_ints()?;
        check_lookback(lookback, params.min_periods, None)?;
        check_positive("R", r)?;
        check_positive("Q", q)?;
        params.validate_floats()?;
        Self::build(lookback, r, q, params)
    }

    /// Constructor for validated parameters.
    fn build(lookback: usize, r: f64, q: f64, params: GarchParams) -> OmegaResult<Self> {
        Ok(Self {
            kalman: KalmanState::build(r, q),
            garch: GarchLocalState::build(lookback, params)?,
        })
    }

    /// Consumes a price (> 0, or NaN); NaN returns NaN and changes nothing.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let xhat = self.kalman.update(y);
        let sigma = self.garch.update(y);
        ratio(y, xhat, sigma)
    }

    /// What [`KalmanGarchZScoreLocalState::update`] would return for `y`, without committing it.
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        ratio(y, self.kalman.peek(y), self.garch.peek(y))
    }

    /// Forgets every price (the parameters are kept).
    pub fn reset(&mut self) {
        self.kalman.reset();
        self.garch.reset();
    }
}

/// Kalman–GARCH z-score of `values` (same length, float64, dimensionless).
///
/// * `r`, `q` — Kalman `R`, `Q` (finite, `> 0`; Python defaults 0.01, 1.0).
/// * `params` — GARCH parameters ([`GarchParams`], defaults α 0.05, β 0.90, variance
///   targeting, log returns, scale 100, min_periods 50, sigma_floor 1e-6).
///
/// Warm-up `min_periods + 1` valid bars. Errors (in this order): empty input, `min_periods`,
/// `R`, `Q`, the float GARCH parameters, ±inf or a value `<= 0` in `values`.
pub fn kalman_garch_zscore(
    values: &[f64],
    r: f64,
    q: f64,
    params: &GarchParams,
) -> OmegaResult<Vec<f64>> {
    check_non_empty("values", values)?;
    let mut state = KalmanGarchZScoreState::new(r, q, *params)?;
    check_prices("values", values)?;
    Ok(values.iter().map(|&y| state.update(y)).collect())
}

/// Kalman–GARCH z-score with the local-window σ of [`crate::garch_volatility_local`].
///
/// Warm-up `lookback − 1` valid bars. Errors (in this order): empty input, `min_periods`,
/// `lookback` (`min_periods + 2 ..= len(values)`), `R`, `Q`, the float GARCH parameters,
/// ±inf or a value `<= 0` in `values`.
pub fn kalman_garch_zscore_local(
    values: &[f64],
    lookback: usize,
    r: f64,
    q: f64,
    params: &GarchParams,
) -> OmegaResult<Vec<f64>> {
    check_non_empty("values", values)?;
    params.validate_ints()?;
    check_lookback(lookback, params.min_periods, Some(values.len()))?;
    check_positive("R", r)?;
    check_positive("Q", q)?;
    params.validate_floats()?;
    check_prices("values", values)?;
    let mut state = KalmanGarchZScoreLocalState::build(lookback, r, q, *params)?;
    Ok(values.iter().map(|&y| state.update(y)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::garch_volatility::garch_volatility;
    use crate::garch_volatility_local::garch_volatility_local;
    use crate::kalman_mean::kalman_mean;

    fn prices() -> Vec<f64> {
        vec![
            1.10,
            1.102,
            1.101,
            f64::NAN,
            1.104,
            1.099,
            1.1,
            1.103,
            1.106,
            1.102,
            1.101,
            1.107,
        ]
    }

    #[test]
    fn composes_kalman_mean_and_garch() {
        let ys = prices();
        let p = GarchParams {
            min_periods: 3,
            ..GarchParams::default()
        };
        let z = kalman_garch_zscore(&ys, 0.01, 1.0, &p).unwrap();
        let km = kalman_mean(&ys, 0.01, 1.0).unwrap();
        let sg = garch_volatility(&ys, &p).unwrap();
        for i in 0..ys.len() {
            let want = (ys[i] - km[i]) / (ys[i].abs() * sg[i]);
            assert!(z[i] == want || (z[i].is_nan() && want.is_nan()), "{i}");
        }
        // warm-up: min_periods + 1 = 4 valid bars (indices 0, 1, 2, 4)
        assert!(z[..5].iter().all(|v| v.is_nan()));
        assert!(z[5].is_finite());
    }

    #[test]
    fn local_composes_kalman_mean_and_local_garch() {
        let ys = prices();
        let p = GarchParams {
            min_periods: 2,
            ..GarchParams::default()
        };
        let z = kalman_garch_zscore_local(&ys, 5, 0.01, 1.0, &p).unwrap();
        let km = kalman_mean(&ys, 0.01, 1.0).unwrap();
        let sg = garch_volatility_local(&ys, 5, &p).unwrap();
        for i in 0..ys.len() {
            let want = (ys[i] - km[i]) / (ys[i].abs() * sg[i]);
            assert!(z[i] == want || (z[i].is_nan() && want.is_nan()), "{i}");
        }
        let mut s = KalmanGarchZScoreLocalState::new(5, 0.01, 1.0, p).unwrap();
        for &y in &ys {
            let pk = s.peek(y);
            let u = s.update(y);
            assert!(pk == u || (pk.is_nan() && u.is_nan()));
        }
    }

    #[test]
    fn zero_denominator_is_nan_and_zero_prices_are_rejected() {
        let p = GarchParams {
            min_periods: 1,
            sigma_floor: 0.0,
            ..GarchParams::default()
        };
        let z = kalman_garch_zscore(&[2.0; 5], 0.01, 1.0, &p).unwrap();
        assert!(z.iter().all(|v| v.is_nan()));
        let err = kalman_garch_zscore(&[1.0, 0.0, 1.0], 0.01, 1.0, &p).unwrap_err();
        assert_eq!(
            err.to_string(),
            "values: expected prices > 0 or NaN (GARCH returns need positive prices), got 0 at index 1"
        );
        let err = kalman_garch_zscore_local(&[1.0, 2.0, 3.0], 3, 0.0, 1.0, &p).unwrap_err();
        assert_eq!(err.to_string(), "R: expected a finite number > 0, got 0");
        let err = kalman_garch_zscore_local(&[1.0, 2.0, 3.0], 2, 0.0, 1.0, &p).unwrap_err();
        assert_eq!(
            err.to_string(),
            "lookback: expected an integer >= min_periods + 2 = 3 and <= len(values) = 3, got 2"
        );
        let bad = GarchParams { beta: 0.99, ..p };
        let err = kalman_garch_zscore_local(&[1.0, -2.0, 3.0], 3, 1.0, 1.0, &bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            "alpha + beta: expected a sum < 1 (stationary GARCH(1,1)), got 1.04"
        );
    }

    #[test]
    fn peek_equals_update() {
        let p = GarchParams {
            min_periods: 2,
            ..GarchParams::default()
        };
        let mut s = KalmanGarchZScoreState::new(0.01, 1.0, p).unwrap();
        for &y in &prices() {
            let pk = s.peek(y);
            let u = s.update(y);
            assert!(pk == u || (pk.is_nan() && u.is_nan()));
        }
    }
}
