//! Rolling z-score of a series against its rolling mean or its EMA.
//!
//! ```text
//! mean_source = rolling:  z_t = (y_t − mean_w(y)_t) / std_w(y)_t
//! mean_source = ema:      z_t = (y_t − EMA_p(y)_t)  / std_w(y)_t
//! ```
//!
//! `mean_w` and `std_w` are the mean and the *population* standard deviation (divisor `w`) of
//! the last `w = window` valid values ([`crate::rolling_moments`]); `EMA_p` is the crate's
//! TA-Lib-style EMA ([`crate::ema`], seeded with the SMA of its first `p` values) with
//! `p = ema_period`, defaulting to `window`. In both modes the deviation is scaled by the
//! standard deviation of the values themselves — the usual `(close − ema) / stdev(close)`;
//! the original Omega code divided the EMA variant by the std of `(close − ema)` instead.
//!
//! Warm-up: `window − 1` valid bars (rolling), `max(window, ema_period) − 1` valid bars (ema).
//! A window whose values are all equal has std 0 and gives NaN (never ±inf), so a constant
//! series, and any series with `window = 1`, gives NaN everywhere. NaN input: NaN output, the
//! window and the EMA carry across the gap (as if the bar were removed).

use std::fmt;
use std::str::FromStr;

use omega_core::{OmegaError, OmegaResult};

use crate::ema::EmaState;
use crate::rolling_moments::RollingMoments;
use crate::validate::{check_finite, check_non_empty, check_period, check_state_period};

/// What the value is compared with: the rolling mean of the window or an EMA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeanSource {
    /// `mean_source="rolling"`: the mean of the same `window` values.
    Rolling,
    /// `mean_source="ema"`: the EMA over `ema_period` (default `window`).
    Ema,
}

impl MeanSource {
    /// The Python spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MeanSource::Rolling => "rolling",
            MeanSource::Ema => "ema",
        }
    }
}

impl fmt::Display for MeanSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MeanSource {
    type Err = OmegaError;

    /// `"rolling"` or `"ema"` (exact spelling).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "rolling" => Ok(MeanSource::Rolling),
            "ema" => Ok(MeanSource::Ema),
            _ => Err(OmegaError::invalid_value(
                "mean_source",
                "one of rolling, ema",
                format!("{s:?}"),
            )),
        }
    }
}

/// O(1)-amortised streaming state of [`zscore`].
#[derive(Debug, Clone)]
pub struct ZScoreState {
    moments: RollingMoments,
    ema: Option<EmaState>,
}

impl ZScoreState {
    /// A fresh state: `window >= 1`, and for [`MeanSource::Ema`] `ema_period >= 1`
    /// (`None` → `window`); `ema_period` is ignored for [`MeanSource::Rolling`].
    pub fn new(
        window: usize,
        mean_source: MeanSource,
        ema_period: Option<usize>,
    ) -> OmegaResult<Self> {
        check_state_period("window", window, 1)?;
        if let Some(p) = ema_period {
            check_state_period("ema_period", p, 1)?;
        }
        let ema = match mean_source {
            MeanSource::Rolling => None,
            MeanSource::Ema => Some(EmaState::new(ema_period.unwrap_or(window))?),
        };
        Ok(Self {
            moments: RollingMoments::new(window)?,
            ema,
        })
    }

    /// Consumes `y`; NaN returns NaN and changes nothing.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let m = self.moments.update(y);
        match self.ema.as_mut() {
            None => m.map_or(f64::NAN, |m| m.zscore()),
            Some(ema) => {
                let e = ema.update(y);
                match m {
                    Some(m) if !e.is_nan() => m.scaled(y - e),
                    _ => f64::NAN,
                }
            }
        }
    }

    /// What [`ZScoreState::update`] would return for `y`, without committing it.
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let m = self.moments.peek(y);
        match self.ema.as_ref() {
            None => m.map_or(f64::NAN, |m| m.zscore()),
            Some(ema) => {
                let e = ema.peek(y);
                match m {
                    Some(m) if !e.is_nan() => m.scaled(y - e),
                    _ => f64::NAN,
                }
            }
        }
    }

    /// Forgets every value (the parameters are kept).
    pub fn reset(&mut self) {
        self.moments.reset();
        if let Some(ema) = self.ema.as_mut() {
            ema.reset();
        }
    }
}

/// Rolling z-score of `values` (same length, float64, dimensionless).
///
/// * `window` — `1 <= window <= len(values)` (Python default 100).
/// * `mean_source` — [`MeanSource::Rolling`] (default) or [`MeanSource::Ema`].
/// * `ema_period` — EMA period for [`MeanSource::Ema`], `1..=len(values)`; `None` → `window`.
///   Checked whenever given.
///
/// Errors (in this order; `mean_source` is parsed before the call): empty input, `window`,
/// `ema_period`, ±inf in `values`.
pub fn zscore(
    values: &[f64],
    window: usize,
    mean_source: MeanSource,
    ema_period: Option<usize>,
) -> OmegaResult<Vec<f64>> {
    check_non_empty("values", values)?;
    check_period("window", window, 1, "values", values.len())?;
    if let Some(p) = ema_period {
        check_period("ema_period", p, 1, "values", values.len())?;
    }
    check_finite("values", values)?;
    let mut state = ZScoreState::new(window, mean_source, ema_period)?;
    Ok(values.iter().map(|&y| state.update(y)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ema::ema;

    #[test]
    fn rolling_hand_computed() {
        // window 3 over [1, 2, 3, 5]: z(3) = 1/sqrt(2/3); window [2, 3, 5]: mean 10/3,
        // var = ((−4/3)² + (−1/3)² + (5/3)²)/3 = 14/9, z(5) = (5/3)/sqrt(14/9) = 5/sqrt(14)
        let z = zscore(&[1.0, 2.0, 3.0, 5.0], 3, MeanSource::Rolling, None).unwrap();
        assert!(z[0].is_nan() && z[1].is_nan());
        assert!((z[2] - 1.224_744_871_391_589).abs() < 1e-15);
        assert!((z[3] - 5.0 / 14f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn ema_mode_uses_the_crate_ema_and_the_std_of_the_values() {
        let ys = [1.0, 1.5, f64::NAN, 1.2, 2.0, 1.7, 2.5, 2.2, 2.9];
        let z = zscore(&ys, 3, MeanSource::Ema, Some(4)).unwrap();
        let e = ema(&ys, 4).unwrap();
        let valid: Vec<usize> = (0..ys.len()).filter(|&i| !ys[i].is_nan()).collect();
        for (k, &i) in valid.iter().enumerate() {
            if k + 1 < 4 {
                assert!(z[i].is_nan(), "warm-up at {i}");
                continue;
            }
            let w: Vec<f64> = valid[k - 2..=k].iter().map(|&j| ys[j]).collect();
            let mean = w.iter().sum::<f64>() / 3.0;
            let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0;
            let want = (ys[i] - e[i]) / var.sqrt();
            assert!((z[i] - want).abs() < 1e-12, "{i}: {} vs {want}", z[i]);
        }
        // default ema_period = window
        let a = zscore(&ys, 3, MeanSource::Ema, None).unwrap();
        let b = zscore(&ys, 3, MeanSource::Ema, Some(3)).unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    #[test]
    fn zero_std_and_window_one_give_nan() {
        let z = zscore(&[2.0; 8], 3, MeanSource::Rolling, None).unwrap();
        assert!(z.iter().all(|v| v.is_nan()));
        let z = zscore(&[2.0; 8], 3, MeanSource::Ema, None).unwrap();
        assert!(z.iter().all(|v| v.is_nan()));
        let z = zscore(&[1.0, 5.0, 2.0], 1, MeanSource::Rolling, None).unwrap();
        assert!(z.iter().all(|v| v.is_nan()));
        // flat stretch after movement: exactly NaN, not noise / tiny std
        let z = zscore(
            &[1.1, 1.3, 0.7, 0.1, 0.1, 0.1, 0.1],
            3,
            MeanSource::Rolling,
            None,
        )
        .unwrap();
        assert!(z[5].is_nan() && z[6].is_nan());
        assert!(z[4].is_finite());
    }

    #[test]
    fn nan_gap_and_peek() {
        let full = [1.0, f64::NAN, 3.0, 2.0, f64::NAN, 5.0, 4.0, 4.5];
        let compressed: Vec<f64> = full.iter().copied().filter(|v| !v.is_nan()).collect();
        for src in [MeanSource::Rolling, MeanSource::Ema] {
            let a = zscore(&full, 3, src, None).unwrap();
            let b = zscore(&compressed, 3, src, None).unwrap();
            let a_valid: Vec<f64> = full
                .iter()
                .zip(&a)
                .filter(|(x, _)| !x.is_nan())
                .map(|(_, v)| *v)
                .collect();
            assert!(
                a_valid
                    .iter()
                    .zip(&b)
                    .all(|(x, y)| x.to_bits() == y.to_bits())
            );
            let mut s = ZScoreState::new(3, src, None).unwrap();
            for &y in &full {
                let p = s.peek(y);
                let u = s.update(y);
                assert!(p.to_bits() == u.to_bits());
            }
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            "Rolling".parse::<MeanSource>().unwrap_err().to_string(),
            "mean_source: expected one of rolling, ema, got \"Rolling\""
        );
        assert_eq!("ema".parse::<MeanSource>().unwrap(), MeanSource::Ema);
        assert_eq!(
            zscore(&[], 1, MeanSource::Rolling, None)
                .unwrap_err()
                .to_string(),
            "values: expected a non-empty array, got length 0"
        );
        assert_eq!(
            zscore(&[1.0, f64::INFINITY], 3, MeanSource::Rolling, None)
                .unwrap_err()
                .to_string(),
            "window: expected an integer >= 1 and <= len(values) = 2, got 3"
        );
        assert_eq!(
            zscore(&[1.0, f64::INFINITY], 2, MeanSource::Ema, Some(0))
                .unwrap_err()
                .to_string(),
            "ema_period: expected an integer >= 1 and <= len(values) = 2, got 0"
        );
        assert_eq!(
            zscore(&[1.0, f64::INFINITY], 2, MeanSource::Ema, Some(2))
                .unwrap_err()
                .to_string(),
            "values: expected finite numbers or NaN, got inf at index 1"
        );
    }
}
