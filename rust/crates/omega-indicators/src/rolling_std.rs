//! Rolling population standard deviation, TA-Lib `STDDEV` with `nbdev = 1`:
//! `sqrt(mean((x − mean(x))²))` over the last `period` valid values (divisor `period`).
//!
//! # Algorithm (exact; the Python fallback replays it operation for operation)
//!
//! The textbook running `E[x²] − E[x]²` loses every digit on price data (level ≫ spread) and
//! after an outlier leaves the window. TA-Lib ≥ 0.6 returns the accurate value, and so does
//! this kernel, in O(1) amortised per value. With `p = period`, `inv = 1/p`, `u = 2⁻⁵³`:
//!
//! * Anchored running sums `s1 = Σ d`, `s2 = Σ d²` of `d = x − k` for an anchor `k` (the
//!   window mean at the last rebuild). Each step, with `d_old` the value leaving the window:
//!   `t1 = d − d_old`, `t2 = d·d − d_old·d_old`, `s1 += t1`, `s2 += t2`, and the rounding-error
//!   bounds `e1 += |s1| + |t1|`, `e2 += |s2| + |t2|` (each rounding is at most `u·|result|`).
//! * `m = s1·inv`, `var = s2·inv − m·m`, accepted when `var > 0` and
//!   `u(e2 + 3|s2|)·inv + (2|m| + t)·t + 8u(|s2|·inv + m·m) <= 1e-11·var`, where
//!   `t = u(e1 + S)·inv` and `S = (λp + |s2|/λ)/2 >= √(p·|s2|) >= Σ|d|` for the `λ > 0` of the
//!   last rebuild — a rigorous bound of the error of `var`.
//! * Otherwise the window is *rebuilt*: `k = (Σ x)·inv` (sequential sum, oldest first), then
//!   `s1 = Σ d`, `e1 = Σ |partial s1|`, `s2 = Σ d²`, `e2 = Σ |partial s2|` from scratch (oldest
//!   first), `λ = √(s2·inv)` (or `|k|`, or 1, when that is 0), and the variance is taken from
//!   them, clamped at 0 (the corrected two-pass algorithm). The first window is a rebuild.
//! * When the last `p` values are all equal (`==`), the variance is exactly 0 (no check, no
//!   rebuild; the sums still slide).
//!
//! The result is within ~1e-11 relative of the exact variance whatever the level of the data,
//! and a flat window gives exactly 0. Rebuilds cost O(p) and happen only when the bound asks
//! for one (data drifting far from the anchor, an outlier leaving the window, windows whose
//! variance is at the rounding level).

use std::iter::once;

use omega_core::OmegaResult;

use crate::nan_gaps::apply_compressed_known;
use crate::ring::Ring;
use crate::validate;

/// Unit roundoff of f64, `2⁻⁵³`.
const U: f64 = f64::EPSILON / 2.0;
/// Accepted relative error bound of the slid variance.
const TOL: f64 = 1e-11;

/// Lookback of [`rolling_std`]: `period − 1` valid values.
pub const fn lookback(period: usize) -> usize {
    period.saturating_sub(1)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Sums {
    k: f64,
    s1: f64,
    s2: f64,
    e1: f64,
    e2: f64,
    /// `λ·p` and `1/λ` of the bound `Σ|d| <= (λp + |s2|/λ)/2`.
    lam_p: f64,
    inv_lam: f64,
}

impl Sums {
    const ZERO: Self = Self {
        k: 0.0,
        s1: 0.0,
        s2: 0.0,
        e1: 0.0,
        e2: 0.0,
        lam_p: 0.0,
        inv_lam: 1.0,
    };

    /// One window step: `old` leaves, `x` enters.
    #[inline(always)]
    fn slide(&mut self, old: f64, x: f64) {
        let d_old = old - self.k;
        let d = x - self.k;
        let t1 = d - d_old;
        let t2 = d * d - d_old * d_old;
        self.s1 += t1;
        self.s2 += t2;
        self.e1 += self.s1.abs() + t1.abs();
        self.e2 += self.s2.abs() + t2.abs();
    }

    /// The variance, or `None` when its error bound exceeds `TOL·var`.
    #[inline(always)]
    fn checked(&self, inv: f64) -> Option<f64> {
        let m = self.s1 * inv;
        let var = self.s2 * inv - m * m;
        let a2 = self.s2.abs();
        let bound_abs_d = (self.lam_p + a2 * self.inv_lam) * 0.5;
        let t = U * (self.e1 + bound_abs_d) * inv;
        let err =
            U * (self.e2 + 3.0 * a2) * inv + (2.0 * m.abs() + t) * t + 8.0 * U * (a2 * inv + m * m);
        if var > 0.0 && err <= TOL * var {
            Some(var)
        } else {
            None
        }
    }
}

/// Recomputes the sums of `window` (oldest first) anchored on its mean; returns them with
/// the variance.
fn rebuild<I: Iterator<Item = f64> + Clone>(window: I, pf: f64, inv: f64) -> (Sums, f64) {
    let mut sum = 0.0;
    for v in window.clone() {
        sum += v;
    }
    let k = sum * inv;
    let mut s = Sums { k, ..Sums::ZERO };
    for v in window {
        let d = v - k;
        s.s1 += d;
        s.e1 += s.s1.abs();
        s.s2 += d * d;
        s.e2 += s.s2.abs();
    }
    let m = s.s1 * inv;
    let var = s.s2 * inv - m * m;
    let mut lam = (s.s2.abs() * inv).sqrt();
    if lam.is_nan() || lam <= 0.0 {
        lam = if k != 0.0 { k.abs() } else { 1.0 };
    }
    s.lam_p = lam * pf;
    s.inv_lam = 1.0 / lam;
    (s, if var > 0.0 { var } else { 0.0 })
}

/// Streaming rolling population variance / standard deviation over the last `period` valid
/// values; O(1) amortised per update (see the module docs for the exact arithmetic).
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone)]
pub struct RollingStdState {
    period: usize,
    pf: f64,
    inv: f64,
    ring: Ring,
    /// Length of the run of equal values ending at the newest value.
    run: usize,
    sums: Sums,
}

impl RollingStdState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        let pf = period as f64;
        Ok(Self {
            period,
            pf,
            inv: 1.0 / pf,
            ring: Ring::new(period),
            run: 0,
            sums: Sums::ZERO,
        })
    }

    /// The window length.
    pub fn period(&self) -> usize {
        self.period
    }

    /// New sums, run length and variance after a valid `x` (NaN variance during warm-up).
    #[inline]
    fn advance(&self, x: f64) -> (Sums, usize, f64) {
        let run = if self.ring.len() > 0 && x == self.ring.newest() {
            self.run.saturating_add(1)
        } else {
            1
        };
        if !self.ring.is_full() {
            if self.ring.len() + 1 < self.period {
                return (self.sums, run, f64::NAN);
            }
            let (s, var) = rebuild(self.ring.iter().chain(once(x)), self.pf, self.inv);
            return (s, run, if run >= self.period { 0.0 } else { var });
        }
        let mut s = self.sums;
        s.slide(self.ring.oldest(), x);
        if run >= self.period {
            return (s, run, 0.0);
        }
        match s.checked(self.inv) {
            Some(var) => (s, run, var),
            None => {
                let window = self.ring.iter().skip(1).chain(once(x));
                let (r, var) = rebuild(window, self.pf, self.inv);
                (r, run, var)
            }
        }
    }

    /// Feeds one value; returns the population variance of the window, NaN during warm-up.
    #[inline]
    pub fn update_variance(&mut self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        let (sums, run, var) = self.advance(x);
        self.sums = sums;
        self.run = run;
        self.ring.push(x);
        var
    }

    /// The value [`update_variance`](Self::update_variance) would return, without committing.
    #[inline]
    pub fn peek_variance(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        self.advance(x).2
    }

    /// Feeds one value; returns the population standard deviation, NaN during warm-up.
    #[inline]
    pub fn update(&mut self, x: f64) -> f64 {
        self.update_variance(x).sqrt()
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> f64 {
        self.peek_variance(x).sqrt()
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.ring.clear();
        self.run = 0;
        self.sums = Sums::ZERO;
    }
}

/// Rolling population variance of NaN-free input, `period >= 1`: the arithmetic of
/// [`RollingStdState::update_variance`].
pub(crate) fn variance_valid(v: &[f64], period: usize) -> Vec<f64> {
    let n = v.len();
    let mut out = vec![f64::NAN; n];
    if period == 0 || n < period {
        return out;
    }
    let pf = period as f64;
    let inv = 1.0 / pf;
    let mut run = 0usize;
    for i in 0..period {
        run = if i > 0 && v[i] == v[i - 1] {
            run + 1
        } else {
            1
        };
    }
    let (mut s, var) = rebuild(v[..period].iter().copied(), pf, inv);
    out[period - 1] = if run >= period { 0.0 } else { var };
    for i in period..n {
        let x = v[i];
        run = if x == v[i - 1] {
            run.saturating_add(1)
        } else {
            1
        };
        s.slide(v[i - period], x);
        out[i] = if run >= period {
            0.0
        } else if let Some(var) = s.checked(inv) {
            var
        } else {
            let (r, var) = rebuild(v[i + 1 - period..=i].iter().copied(), pf, inv);
            s = r;
            var
        };
    }
    out
}

/// Rolling population standard deviation (TA-Lib `STDDEV(period, nbdev=1)`).
///
/// * Output: same length as `values`, float64, `>= 0`; lookback `period − 1` valid values.
/// * NaN rule: the window holds the last `period` valid values.
/// * A window of equal values gives exactly 0; `period = 1` gives 0 everywhere.
/// * Accuracy: within ~1e-11 relative of the exact value at any price level (see the module
///   docs); O(1) amortised per value.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn rolling_std(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    let any_nan = validate::check_series_period(values, period, 1)?;
    Ok(apply_compressed_known(values, any_nan, |v| {
        let mut out = variance_valid(v, period);
        for o in &mut out {
            *o = o.sqrt();
        }
        out
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Population std of each window, by the two-pass formula in long hand.
    fn naive(values: &[f64], p: usize) -> Vec<f64> {
        (0..values.len())
            .map(|i| {
                if i + 1 < p {
                    return f64::NAN;
                }
                let w = &values[i + 1 - p..=i];
                let m = w.iter().sum::<f64>() / p as f64;
                (w.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / p as f64).sqrt()
            })
            .collect()
    }

    #[test]
    fn hand_computed() {
        let out = rolling_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 8).expect("valid");
        assert_eq!(out[7], 2.0);
        let out = rolling_std(&[1.0, 3.0, 5.0], 2).expect("valid");
        assert!(out[0].is_nan());
        assert_eq!(&out[1..], &[1.0, 1.0]);
    }

    #[test]
    fn flat_windows_are_exactly_zero() {
        let x = [0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.0, -0.0, 0.0];
        let out = rolling_std(&x, 3).expect("valid");
        assert_eq!(out[2], 0.0);
        assert_eq!(out[3], 0.0);
        assert!(out[4] > 0.0);
        assert_eq!(out[6], 0.0);
        assert_eq!(out[9], 0.0);
        assert!(rolling_std(&x, 1).expect("valid").iter().all(|&v| v == 0.0));
        assert!(
            rolling_std(&[12345.678; 50], 7).expect("valid")[6..]
                .iter()
                .all(|&v| v == 0.0)
        );
    }

    #[test]
    fn accurate_at_a_high_level_and_after_an_outlier() {
        // level 1e6, spread 1e-4: the textbook formula has no correct digit left here.
        let x: Vec<f64> = (0..400)
            .map(|i| 1e6 + 1e-4 * (((i * 37) % 17) as f64 - 8.0))
            .collect();
        let out = rolling_std(&x, 20).expect("valid");
        let r = naive(&x, 20);
        for i in 19..x.len() {
            assert!(
                (out[i] - r[i]).abs() <= 1e-9 * r[i],
                "{i}: {} vs {}",
                out[i],
                r[i]
            );
        }
        let mut y = vec![0.001, 0.002, 0.0015, 1e9];
        y.extend((0..40).map(|i| 0.001 * (1.0 + ((i * 7) % 5) as f64)));
        let out = rolling_std(&y, 4).expect("valid");
        let r = naive(&y, 4);
        for i in 8..y.len() {
            assert!(
                (out[i] - r[i]).abs() <= 1e-9 * r[i],
                "{i}: {} vs {}",
                out[i],
                r[i]
            );
        }
    }

    #[test]
    fn nan_gaps_and_peek() {
        let x = [1.0, f64::NAN, 2.0, 4.0, f64::NAN, 7.0, 7.5];
        let g = rolling_std(&x, 2).expect("valid");
        let c = rolling_std(&[1.0, 2.0, 4.0, 7.0, 7.5], 2).expect("valid");
        assert_eq!(g[2].to_bits(), c[1].to_bits());
        assert_eq!(g[5].to_bits(), c[3].to_bits());
        assert!(g[4].is_nan());
        let mut s = RollingStdState::new(3).expect("valid");
        for v in [1.0, 5.0, f64::NAN, 2.0, 2.0, 2.0, 9.0, 1e8, 3.0, 3.0, 3.0] {
            let p = s.peek(v);
            let u = s.update(v);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0).is_nan());
        assert_eq!(s.period(), 3);
    }

    #[test]
    fn errors() {
        assert!(rolling_std(&[], 1).is_err());
        assert!(rolling_std(&[1.0], 2).is_err());
        assert!(rolling_std(&[f64::INFINITY], 1).is_err());
        assert!(RollingStdState::new(0).is_err());
    }
}
