//! Rolling population standard deviation, TA-Lib `STDDEV` with `nbdev = 1`:
//! `sqrt(mean((x − mean(x))²))` over the last `period` valid values (divisor `period`).
//!
//! # Algorithm (exact; the Python fallback replays it operation for operation)
//!
//! The textbook running `E[x²] − E[x]²` loses every digit on price data (level ≫ spread) and
//! after an outlier leaves the window. TA-Lib ≥ 0.6 returns the accurate value, and so does
//! this kernel, in O(1) amortised per value. With `p = period`, `inv = 1/p`, `u = 2⁻⁵³`:
//!
//! * **Anchored sliding sums** `s1 = Σ d`, `s2 = Σ d²` of `d = x − k` over the window, for an
//!   anchor `k`. Each step, with `d_old` the value leaving: `t1 = d − d_old`,
//!   `t2 = d·d − d_old·d_old`, `s1 += t1`, `s2 += t2`; `mx` keeps the largest `d·d` since the
//!   last rebuild (`mx = d·d` when `d·d > mx`) and `lim += c_step`.
//! * **Check**: `m = s1·inv`, `var = s2·inv − m·m`, accepted when `var > 0` and
//!   `var >= lim·mx`. `lim` starts at `c_rebuild` and grows by `c_step` per slide, with
//!   `c_rebuild = (2u·(3p + 9))/(TOL − 3u)` and `c_step = (2u·(3p + 7))/p/(TOL − 3u)`,
//!   `TOL = 1e-11`: a worst-case bound on the rounding of the sums after `j` slides,
//!   `u·mx·(3p + 9 + j·(3p + 7)/p) + 2u·var` (twice that, for the terms of order `u²` and the
//!   bound's own rounding), so an accepted variance is within `1e-11` relative of the exact
//!   one. The bound only grows with `mx` and `j`, which the rebuild resets.
//! * Otherwise the window is **rebuilt**: `k = (Σ x)·inv` (sequential sum, oldest first), then
//!   `s1 = Σ d`, `s2 = Σ d·d`, `mx = max d·d` from scratch (oldest first), `lim = c_rebuild`,
//!   and the variance `s2·inv − m·m` (clamped at 0) is used as is: anchored on the window mean
//!   this is the corrected two-pass algorithm, within `(p + 3)·u` relative of the exact
//!   variance. The first window is a rebuild.
//! * When the last `p` values are all equal (`==`), the variance is exactly 0 (no check, no
//!   rebuild; the sums still slide).
//!
//! Rebuilds cost O(p) and happen when the data drift far from the anchor (`mx` grows), when an
//! outlier has passed through the window, when the window's variance is at the rounding level,
//! or every ~`p/(c_step·p·mx/var)` slides (hundreds for usual data) as the bound widens.

use std::iter::once;

use omega_core::OmegaResult;

use crate::fast;
use crate::ring::Ring;
use crate::validate;

/// Unit roundoff of f64, `2⁻⁵³`.
const U: f64 = f64::EPSILON / 2.0;
/// Accepted relative error bound of a slid variance.
const TOL: f64 = 1e-11;

/// Lookback of [`rolling_std`]: `period − 1` valid values.
pub const fn lookback(period: usize) -> usize {
    period.saturating_sub(1)
}

/// The window length's constants: `(pf, inv, c_rebuild, c_step)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Consts {
    pf: f64,
    inv: f64,
    c_rebuild: f64,
    c_step: f64,
}

impl Consts {
    fn new(period: usize) -> Self {
        let pf = period as f64;
        let den = TOL - 3.0 * U;
        Self {
            pf,
            inv: 1.0 / pf,
            c_rebuild: (2.0 * U * (3.0 * pf + 9.0)) / den,
            c_step: (2.0 * U * (3.0 * pf + 7.0)) / pf / den,
        }
    }
}

/// The sliding sums (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sums {
    k: f64,
    s1: f64,
    s2: f64,
    /// Largest `d·d` since the last rebuild.
    mx: f64,
    /// Current bound factor: `c_rebuild + j·c_step` (accumulated).
    lim: f64,
}

impl Sums {
    const ZERO: Self = Self {
        k: 0.0,
        s1: 0.0,
        s2: 0.0,
        mx: 0.0,
        lim: 0.0,
    };

    /// Recomputes the sums of `window` (oldest first) anchored on its mean; returns them with
    /// the variance.
    #[inline]
    fn rebuild<I: Iterator<Item = f64> + Clone>(window: I, c: &Consts) -> (Self, f64) {
        let mut sum = 0.0;
        for v in window.clone() {
            sum += v;
        }
        let k = sum * c.inv;
        let mut s = Self {
            k,
            lim: c.c_rebuild,
            ..Self::ZERO
        };
        for v in window {
            let d = v - k;
            let dd = d * d;
            s.s1 += d;
            s.s2 += dd;
            if dd > s.mx {
                s.mx = dd;
            }
        }
        let m = s.s1 * c.inv;
        let var = s.s2 * c.inv - m * m;
        (s, if var > 0.0 { var } else { 0.0 })
    }

    /// One window step: `old` leaves, `x` enters.
    #[inline(always)]
    fn slide(&mut self, old: f64, x: f64, c: &Consts) {
        let d_old = old - self.k;
        let d = x - self.k;
        let dd = d * d;
        self.s1 += d - d_old;
        self.s2 += dd - d_old * d_old;
        if dd > self.mx {
            self.mx = dd;
        }
        self.lim += c.c_step;
    }

    /// The variance when it passes the check.
    #[inline(always)]
    fn checked(&self, c: &Consts) -> Option<f64> {
        let m = self.s1 * c.inv;
        let var = self.s2 * c.inv - m * m;
        if var > 0.0 && var >= self.lim * self.mx {
            Some(var)
        } else {
            None
        }
    }
}

/// Streaming rolling population variance / standard deviation over the last `period` valid
/// values; O(1) amortised per update (see the module docs for the exact arithmetic).
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone)]
pub struct RollingStdState {
    period: usize,
    consts: Consts,
    ring: Ring,
    /// Length of the run of equal values ending at the newest value.
    run: usize,
    sums: Sums,
}

impl RollingStdState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        Ok(Self {
            period,
            consts: Consts::new(period),
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
            let (s, var) = Sums::rebuild(self.ring.iter().chain(once(x)), &self.consts);
            return (s, run, if run >= self.period { 0.0 } else { var });
        }
        let mut s = self.sums;
        s.slide(self.ring.oldest(), x, &self.consts);
        if run >= self.period {
            return (s, run, 0.0);
        }
        match s.checked(&self.consts) {
            Some(var) => (s, run, var),
            None => {
                let window = self.ring.iter().skip(1).chain(once(x));
                let (r, var) = Sums::rebuild(window, &self.consts);
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

/// The rolling variance of `v` (`period >= 1`), handed to `emit(i, var)` for every
/// `i >= period − 1` in order, or `false` at the first NaN/`±inf` (see [`crate::fast`]): the
/// arithmetic of [`RollingStdState::update_variance`].
#[inline(always)]
pub(crate) fn variance_fast(v: &[f64], period: usize, mut emit: impl FnMut(usize, f64)) -> bool {
    let n = v.len();
    if period == 0 || n < period {
        return fast::all_finite(v);
    }
    let c = Consts::new(period);
    let mut run = 0usize;
    for i in 0..period {
        run = if i > 0 && v[i] == v[i - 1] {
            run + 1
        } else {
            1
        };
    }
    let (mut s, var0) = Sums::rebuild(v[..period].iter().copied(), &c);
    if !(s.s2.is_finite() && s.k.is_finite()) {
        return false;
    }
    emit(period - 1, if run >= period { 0.0 } else { var0 });
    let mut prev = v[period - 1];
    // Every value is also added to `seen`: a NaN or ±inf keeps it non-finite for good (a
    // rebuild after such a value has left the window would hide it from the sums).
    let mut seen = 0.0;
    fast::each_chunk_absorbed(period, n, |r| {
        for i in r {
            let x = v[i];
            seen += x;
            run = if x == prev { run.saturating_add(1) } else { 1 };
            prev = x;
            s.slide(v[i - period], x, &c);
            let var = if run >= period {
                0.0
            } else if let Some(var) = s.checked(&c) {
                var
            } else {
                let (rebuilt, var) = Sums::rebuild(v[i + 1 - period..=i].iter().copied(), &c);
                s = rebuilt;
                var
            };
            emit(i, var);
        }
        seen.is_finite()
    })
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
    fast::to_vec(values.len(), |out| rolling_std_into(values, period, out))
}

/// [`rolling_std`] into `out` (as long as `values`; every element is written).
pub fn rolling_std_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| {
        let n = v.len().min(o.len());
        let head = n.min(period.saturating_sub(1));
        o[..head].fill(f64::NAN);
        variance_fast(&v[..n], period, |i, var| o[i] = var.sqrt())
    })
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
