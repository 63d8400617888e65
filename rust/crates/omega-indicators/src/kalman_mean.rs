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
//! `R = 0.01, Q = 1`, ~1700 for `R = 100, Q = 0.01`) the gain `K` is kept (no more division)
//! and, from the next valid value on, the filter runs **two values at a time**, in residual
//! form, with `w = K·(1 − K)` (rounded once):
//!
//! ```text
//! first value y₁ of a pair:   output x̂ + K·(y₁ − x̂)          (x̂ itself is not changed)
//! second value y₂:            x̂ = x̂ + (w·(y₁ − x̂) + K·(y₂ − x̂)), output x̂
//! ```
//!
//! which is the two single steps composed (`x̂₂ = x̂ + K(1 − K)(y₁ − x̂) + K(y₂ − x̂)`), up to
//! rounding. The dependency chain per pair is one subtraction, one multiplication and two
//! additions instead of twice a subtraction, a multiplication and an addition (5 instead of 8
//! cycles per value). The residual form is kept on purpose: a constant input equal to `x̂`
//! gives exactly that constant (both residuals are exactly 0), so [`crate::kalman_zscore`]
//! sees exact zeros on flat stretches instead of rounding noise (an affine form
//! `(1 − K)·x̂ + K·y` loses that property). The Python fallback and the streaming state perform
//! exactly these operations.
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
    /// Chain value: the mean after the last single step or completed pair.
    xhat: f64,
    /// The last output (the current mean).
    cur: f64,
    p: f64,
    /// The gain, once `P` has reached its fixed point, and `w = K·(1 − K)`.
    k: f64,
    w: f64,
    frozen: bool,
    started: bool,
    /// True between the two values of a pair (frozen gain only); `pending` is the first.
    half: bool,
    pending: f64,
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
            cur: f64::NAN,
            p: f64::NAN,
            k: f64::NAN,
            w: f64::NAN,
            frozen: false,
            started: false,
            half: false,
            pending: 0.0,
        }
    }

    /// Consumes `y` and returns the filtered mean; NaN returns NaN and changes nothing.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        if self.frozen {
            if self.half {
                self.xhat += self.w * (self.pending - self.xhat) + self.k * (y - self.xhat);
                self.half = false;
                self.cur = self.xhat;
            } else {
                self.cur = self.xhat + self.k * (y - self.xhat);
                self.pending = y;
                self.half = true;
            }
            return self.cur;
        }
        if !self.started {
            self.started = true;
            self.xhat = y;
            self.cur = y;
            self.p = self.r;
            return y;
        }
        let p_minus = self.p + self.q;
        let k = p_minus / (p_minus + self.r);
        let p = (1.0 - k) * p_minus;
        self.xhat += k * (y - self.xhat);
        self.cur = self.xhat;
        if p == self.p {
            self.frozen = true;
            self.k = k;
            self.w = k * (1.0 - k);
        }
        self.p = p;
        self.xhat
    }

    /// The value [`KalmanState::update`] would return for `y`, without committing it.
    #[inline]
    pub fn peek(&self, y: f64) -> f64 {
        self.clone().update(y)
    }

    /// Forgets every value (`R` and `Q` are kept).
    pub fn reset(&mut self) {
        *self = Self::build(self.r, self.q);
    }

    /// Current filtered mean (NaN before the first valid value).
    pub fn mean(&self) -> f64 {
        self.cur
    }

    /// Current error variance `P` (NaN before the first valid value).
    pub fn variance(&self) -> f64 {
        self.p
    }

    /// The frozen steady state `(x̂, K, w, half, pending)` for batch loops, or `None` while the
    /// gain still changes.
    #[inline]
    pub(crate) fn frozen(&self) -> Option<Frozen> {
        self.frozen.then_some(Frozen {
            xhat: self.xhat,
            k: self.k,
            w: self.w,
            half: self.half,
            pending: self.pending,
        })
    }
}

/// The steady state of a [`KalmanState`] whose gain is frozen, for batch loops.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frozen {
    pub(crate) xhat: f64,
    pub(crate) k: f64,
    pub(crate) w: f64,
    pub(crate) half: bool,
    pub(crate) pending: f64,
}

impl Frozen {
    /// The filtered means of `y_at(0..len)` (`KalmanState::update` on each; no NaN among
    /// them), handed to `emit(i, mean)` in order. The chain absorbs every value, so
    /// [`Frozen::is_finite`] afterwards tells whether a NaN/`±inf` went in.
    /// Software-pipelined like [`crate::recurrence`]: each trip emits the value completing a
    /// pair, then the first value of the next pair, computed from it (so LLVM's SLP vectoriser
    /// cannot pack them), and `r1 = y₁ − x̂` serves both the first value and, as `w·r1`, the
    /// pair.
    #[inline(always)]
    pub(crate) fn run_with(
        &mut self,
        len: usize,
        y_at: impl Fn(usize) -> f64,
        mut emit: impl FnMut(usize, f64),
    ) {
        let (k, w) = (self.k, self.w);
        let mut xhat = self.xhat;
        let mut i = 0;
        if self.half && len > 0 {
            xhat += w * (self.pending - xhat) + k * (y_at(0) - xhat);
            emit(0, xhat);
            self.half = false;
            i = 1;
        }
        let pairs = (len - i) / 2;
        if pairs > 0 {
            let mut r1 = y_at(i) - xhat;
            emit(i, xhat + k * r1);
            let last = i + 2 * (pairs - 1);
            let mut j = i;
            while j < last {
                let wr1 = w * r1;
                xhat += wr1 + k * (y_at(j + 1) - xhat);
                emit(j + 1, xhat);
                r1 = y_at(j + 2) - xhat;
                emit(j + 2, xhat + k * r1);
                j += 2;
            }
            xhat += w * r1 + k * (y_at(last + 1) - xhat);
            emit(last + 1, xhat);
            i += 2 * pairs;
        }
        if i < len {
            let y = y_at(i);
            emit(i, xhat + k * (y - xhat));
            self.pending = y;
            self.half = true;
        }
        self.xhat = xhat;
    }

    /// True when the chain value is finite (see [`Frozen::run_with`]).
    #[inline(always)]
    pub(crate) fn is_finite(&self) -> bool {
        self.xhat.is_finite() && self.pending.is_finite()
    }
}

/// [`kalman_mean`] into `out` (as long as `values`; every element is written).
pub fn kalman_mean_into(values: &[f64], r: f64, q: f64, out: &mut [f64]) -> OmegaResult<()> {
    check_non_empty("values", values)?;
    let state = KalmanState::new(r, q)?;
    crate::fast::check_outputs("values", values.len(), &[&mut *out])?;
    if kalman_fast(values, state.clone(), out) {
        return Ok(());
    }
    check_finite("values", values)?;
    let mut state = state;
    for (o, &y) in out.iter_mut().zip(values) {
        *o = state.update(y);
    }
    Ok(())
}

/// The fast path of [`kalman_mean_into`] (see [`crate::fast`]): the state up to the frozen
/// gain, then the paired steady state; `false` at the first NaN/`±inf`.
fn kalman_fast(v: &[f64], mut state: KalmanState, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let mut i = 0;
    while i < n && !state.frozen {
        out[i] = state.update(v[i]);
        i += 1;
    }
    if !crate::fast::all_finite(&v[..i]) {
        return false;
    }
    let Some(mut f) = state.frozen() else {
        return true;
    };
    crate::fast::each_chunk_absorbed(i, n, |r| {
        steady(&v[r.clone()], &mut out[r], &mut f);
        f.is_finite()
    })
}

/// The paired steady state over one chunk. A function of its own, on a local copy, so that the
/// state stays in registers whatever the inlining around it.
#[inline(never)]
fn steady(ys: &[f64], out: &mut [f64], f: &mut Frozen) {
    let mut k = *f;
    k.run_with(ys.len(), |j| ys[j], |j, mean| out[j] = mean);
    *f = k;
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
    let mut out = vec![0.0; values.len()];
    kalman_mean_into(values, r, q, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_documented_operations() {
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
            let mut frozen: Option<(f64, f64)> = None;
            let mut pending: Option<f64> = None;
            for t in 1..ys.len() {
                let want = if let Some((k, w)) = frozen {
                    if let Some(y1) = pending.take() {
                        xhat += w * (y1 - xhat) + k * (ys[t] - xhat);
                        xhat
                    } else {
                        pending = Some(ys[t]);
                        xhat + k * (ys[t] - xhat)
                    }
                } else {
                    let p_minus = p + q;
                    let k = p_minus / (p_minus + r);
                    xhat += k * (ys[t] - xhat);
                    let p_new = (1.0 - k) * p_minus;
                    if p_new == p {
                        frozen = Some((k, k * (1.0 - k)));
                    }
                    p = p_new;
                    xhat
                };
                assert_eq!(out[t].to_bits(), want.to_bits(), "r={r} q={q} t={t}");
            }
            // Batch and streaming agree, with and without a long series.
            let mut s = KalmanState::new(r, q).unwrap();
            for (t, &y) in ys.iter().enumerate() {
                assert_eq!(s.update(y).to_bits(), out[t].to_bits());
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
