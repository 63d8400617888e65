//! Bollinger bands, TA-Lib `BBANDS` with a simple moving average and the same factor up and
//! down: `middle = SMA(period)`, `upper = middle + std_factor·σ`, `lower = middle − std_factor·σ`
//! with σ the rolling population standard deviation ([`crate::rolling_std`]).

use omega_core::OmegaResult;

use crate::fast;
use crate::rolling_std::{RollingStdState, variance_fast};
use crate::sma::SmaState;
use crate::validate;

/// Lookback of [`bollinger`]: `period − 1` valid values.
pub const fn lookback(period: usize) -> usize {
    period.saturating_sub(1)
}

/// The three band series, each as long as the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Bollinger {
    /// `middle + std_factor·σ`.
    pub upper: Vec<f64>,
    /// SMA over `period`.
    pub middle: Vec<f64>,
    /// `middle − std_factor·σ`.
    pub lower: Vec<f64>,
}

/// One Bollinger output (`NaN`s during warm-up and at NaN inputs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BollingerPoint {
    /// `middle + std_factor·σ`.
    pub upper: f64,
    /// SMA over `period`.
    pub middle: f64,
    /// `middle − std_factor·σ`.
    pub lower: f64,
}

/// Streaming Bollinger bands; O(1) amortised per update.
///
/// `update(NaN)` returns NaNs and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone)]
pub struct BollingerState {
    sma: SmaState,
    std: RollingStdState,
    std_factor: f64,
}

#[inline]
fn bands(middle: f64, sigma: f64, factor: f64) -> BollingerPoint {
    let d = sigma * factor;
    BollingerPoint {
        upper: middle + d,
        middle,
        lower: middle - d,
    }
}

impl BollingerState {
    /// A fresh state; `period >= 1`, `std_factor` finite and `>= 0`.
    pub fn new(period: usize, std_factor: f64) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        validate::check_non_negative_factor("std_factor", std_factor)?;
        Ok(Self {
            sma: SmaState::new(period)?,
            std: RollingStdState::new(period)?,
            std_factor,
        })
    }

    /// Feeds one value; returns the bands after it, NaNs during warm-up.
    #[inline]
    pub fn update(&mut self, x: f64) -> BollingerPoint {
        let m = self.sma.update(x);
        let s = self.std.update(x);
        bands(m, s, self.std_factor)
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> BollingerPoint {
        bands(self.sma.peek(x), self.std.peek(x), self.std_factor)
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.sma.reset();
        self.std.reset();
    }
}

/// Bollinger bands (TA-Lib `BBANDS(period, std_factor, std_factor, matype=SMA)`); the usual
/// call is `bollinger(values, 20, 2.0)`.
///
/// * Output: [`Bollinger`] (`upper`, `middle`, `lower`), each as long as `values`; lookback
///   `period − 1` valid values.
/// * NaN rule: the window holds the last `period` valid values.
/// * `std_factor = 0` collapses the bands onto the middle; a flat window gives
///   `upper == middle == lower`.
///
/// Errors (in this order): empty `values`; `period < 1` or `> len(values)`; `std_factor` not
/// finite or `< 0`; `±inf` in `values`.
pub fn bollinger(values: &[f64], period: usize, std_factor: f64) -> OmegaResult<Bollinger> {
    let [upper, middle, lower] = fast::to_vecs3(values.len(), |outs| {
        bollinger_into(values, period, std_factor, outs)
    })?;
    Ok(Bollinger {
        upper,
        middle,
        lower,
    })
}

/// [`bollinger`] into `[upper, middle, lower]` (each as long as `values`; every element is
/// written).
pub fn bollinger_into(
    values: &[f64],
    period: usize,
    std_factor: f64,
    mut outs: [&mut [f64]; 3],
) -> OmegaResult<()> {
    validate::check_non_empty("values", values)?;
    validate::check_period("period", period, 1, "values", values.len())?;
    validate::check_non_negative_factor("std_factor", std_factor)?;
    fast::check_outputs("values", values.len(), &outs)?;
    if bollinger_fast(values, period, std_factor, &mut outs) {
        return Ok(());
    }
    fast::series_slow(values, outs, |v, o| {
        bollinger_fast(v, period, std_factor, o)
    })
}

/// The fast path of [`bollinger_into`] (see [`crate::fast`]): the SMA's running sum (TA-Lib
/// order) and the rolling variance in one pass — the arithmetic of [`BollingerState::update`].
fn bollinger_fast(v: &[f64], period: usize, factor: f64, [u, m, l]: &mut [&mut [f64]; 3]) -> bool {
    let n = v.len().min(u.len()).min(m.len()).min(l.len());
    let head = n.min(period.saturating_sub(1));
    u[..head].fill(f64::NAN);
    m[..head].fill(f64::NAN);
    l[..head].fill(f64::NAN);
    let pf = period as f64;
    let mut sum = 0.0;
    for &x in &v[..head] {
        sum += x;
    }
    variance_fast(&v[..n], period, |i, var| {
        sum += v[i];
        let middle = sum / pf;
        sum -= v[i + 1 - period];
        let p = bands(middle, var.sqrt(), factor);
        (u[i], m[i], l[i]) = (p.upper, p.middle, p.lower);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rolling_std::rolling_std;
    use crate::sma::sma;

    #[test]
    fn bands_are_sma_plus_minus_factor_std() {
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, f64::NAN, 5.0, 3.0];
        let b = bollinger(&x, 4, 2.0).expect("valid");
        let m = sma(&x, 4).expect("valid");
        let s = rolling_std(&x, 4).expect("valid");
        for i in 0..x.len() {
            if m[i].is_nan() {
                assert!(b.upper[i].is_nan() && b.middle[i].is_nan() && b.lower[i].is_nan());
            } else {
                assert_eq!(b.middle[i], m[i]);
                assert_eq!(b.upper[i], m[i] + s[i] * 2.0);
                assert_eq!(b.lower[i], m[i] - s[i] * 2.0);
            }
        }
    }

    #[test]
    fn edges() {
        let b = bollinger(&[2.0; 5], 3, 2.0).expect("valid");
        assert_eq!((b.upper[4], b.middle[4], b.lower[4]), (2.0, 2.0, 2.0));
        let b = bollinger(&[1.0, 3.0], 1, 2.0).expect("valid");
        assert_eq!(b.upper, vec![1.0, 3.0]);
        let b = bollinger(&[1.0, 3.0], 2, 0.0).expect("valid");
        assert_eq!((b.upper[1], b.lower[1]), (2.0, 2.0));
    }

    #[test]
    fn peek_and_errors() {
        let mut s = BollingerState::new(2, 1.5).expect("valid");
        for v in [1.0, 5.0, f64::NAN, 2.0, 9.0] {
            let p = s.peek(v);
            let u = s.update(v);
            assert!(
                p.upper.to_bits() == u.upper.to_bits() || (p.upper.is_nan() && u.upper.is_nan())
            );
        }
        s.reset();
        assert!(s.update(1.0).middle.is_nan());
        assert_eq!(
            bollinger(&[1.0], 1, -1.0).expect_err("factor").to_string(),
            "std_factor: expected a finite number >= 0, got -1"
        );
        assert_eq!(
            bollinger(&[1.0], 2, -1.0)
                .expect_err("period first")
                .to_string(),
            "period: expected an integer >= 1 and <= len(values) = 1, got 2"
        );
        assert!(bollinger(&[f64::NAN, f64::INFINITY], 1, 2.0).is_err());
        assert!(BollingerState::new(2, f64::INFINITY).is_err());
    }
}
