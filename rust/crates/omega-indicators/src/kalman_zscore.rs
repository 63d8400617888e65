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

use crate::kalman_mean::{Frozen, KalmanState};
use crate::rolling_moments::{RollingMoments, Slide};
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

    /// Forgets every value (the parameters are kept).
    pub fn reset(&mut self) {
        self.kalman.reset();
        self.moments.reset();
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
    let mut out = vec![0.0; values.len()];
    kalman_zscore_into(values, window, r, q, &mut out)?;
    Ok(out)
}

/// [`kalman_zscore`] into `out` (as long as `values`; every element is written).
pub fn kalman_zscore_into(
    values: &[f64],
    window: usize,
    r: f64,
    q: f64,
    out: &mut [f64],
) -> OmegaResult<()> {
    check_non_empty("values", values)?;
    check_period("window", window, 1, "values", values.len())?;
    let state = KalmanZScoreState::new(window, r, q)?;
    crate::fast::check_outputs("values", values.len(), &[&mut *out])?;
    if kalman_zscore_fast(values, state.clone(), out) {
        return Ok(());
    }
    check_finite("values", values)?;
    let mut state = state;
    for (o, &y) in out.iter_mut().zip(values) {
        *o = state.update(y);
    }
    Ok(())
}

/// The fast path of [`kalman_zscore_into`] (see [`crate::fast`]): [`KalmanZScoreState::update`]
/// until the Kalman gain freezes, then the paired Kalman steady state a chunk at a time (into a
/// buffer) and the residuals' rolling moments; `false` at the first NaN/`±inf`.
fn kalman_zscore_fast(v: &[f64], mut state: KalmanZScoreState, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let mut i = 0;
    while i < n && state.kalman.frozen().is_none() {
        out[i] = state.update(v[i]);
        i += 1;
    }
    if !crate::fast::all_finite(&v[..i]) {
        return false;
    }
    let Some(mut f) = state.kalman.frozen() else {
        return true;
    };
    let inv = state.moments.inv();
    let moments = &mut state.moments;
    crate::fast::each_chunk_absorbed(i, n, |r| {
        let ys = &v[r.clone()];
        let out = &mut out[r];
        let len = ys.len().min(out.len());
        // The Kalman means, the residuals, their sliding sums and the z-scores in one loop
        // (two independent dependency chains; the square roots and divisions run in the
        // shadow of their latency), a block of the rolling moments at a time; a warm-up value
        // or a block start goes through the state.
        let mut pos = 0;
        while pos < len {
            if let Some((slide, left)) = moments.slide_state() {
                let seg = left.min(len - pos);
                let slide = fused_segment(
                    &mut f,
                    slide,
                    moments.buf_mut(),
                    &ys[pos..pos + seg],
                    &mut out[pos..pos + seg],
                    inv,
                );
                moments.end_slide(slide, seg);
                pos += seg;
            } else {
                let mut mean = 0.0;
                f.run_with(1, |_| ys[pos], |_, m| mean = m);
                let e = ys[pos] - mean;
                out[pos] = match moments.update_raw(e) {
                    Some(raw) if !raw.flat => z_value(e, raw.s1, raw.s2, inv),
                    _ => f64::NAN,
                };
                pos += 1;
            }
        }
        f.is_finite()
    })
}

/// [`kalman_zscore_fast`] between two block starts of the rolling moments: the Kalman means of
/// `ys`, the residuals, their window sums and the z-scores into `out`. A function of its own
/// so that the Kalman and the moments state live in registers.
#[inline(never)]
fn fused_segment(
    f: &mut Frozen,
    slide: Slide,
    buf: &mut [f64],
    ys: &[f64],
    out: &mut [f64],
    inv: f64,
) -> Slide {
    // `Frozen::run_with` written out with its `emit` inline (as a closure called from five
    // places LLVM keeps it out of line, and the state then lives in memory).
    let len = ys.len().min(out.len());
    // `Slide::push`, on local scalars (a struct here ends up in memory).
    let Slide {
        window: ww,
        anchor,
        s1: mut a1,
        s2: mut a2,
        mut run,
        mut last,
        mut head,
    } = slide;
    let buf = &mut buf[..ww];
    macro_rules! moments {
        ($j:expr, $mean:expr) => {{
            let j = $j;
            let e = ys[j] - $mean;
            run = if e == last { (run + 1).min(ww) } else { 1 };
            let dn = e - anchor;
            let d_old = buf[head] - anchor;
            a1 += dn - d_old;
            a2 += dn * dn - d_old * d_old;
            buf[head] = e;
            head += 1;
            if head == ww {
                head = 0;
            }
            last = e;
            // A window still warming up or flat gets `s1 = NaN`, which `z_value` turns into NaN.
            if run >= ww {
                (e, f64::NAN, 0.0)
            } else {
                (e, a1, a2)
            }
        }};
    }
    let (k, w) = (f.k, f.w);
    let mut xhat = f.xhat;
    let mut i = 0;
    if f.half && len > 0 {
        xhat += w * (f.pending - xhat) + k * (ys[0] - xhat);
        out[0] = z_one(moments!(0, xhat), inv);
        f.half = false;
        i = 1;
    }
    let pairs = (len - i) / 2;
    if pairs > 0 {
        let mut r1 = ys[i] - xhat;
        out[i] = z_one(moments!(i, xhat + k * r1), inv);
        let last = i + 2 * (pairs - 1);
        let mut j = i;
        while j < last {
            let wr1 = w * r1;
            xhat += wr1 + k * (ys[j + 1] - xhat);
            let first = moments!(j + 1, xhat);
            r1 = ys[j + 2] - xhat;
            let second = moments!(j + 2, xhat + k * r1);
            z_pair(&mut out[j + 1..j + 3], first, second, inv);
            j += 2;
        }
        xhat += w * r1 + k * (ys[last + 1] - xhat);
        out[last + 1] = z_one(moments!(last + 1, xhat), inv);
        i += 2 * pairs;
    }
    if i < len {
        let y = ys[i];
        out[i] = z_one(moments!(i, xhat + k * (y - xhat)), inv);
        f.pending = y;
        f.half = true;
    }
    f.xhat = xhat;
    Slide {
        window: ww,
        anchor,
        s1: a1,
        s2: a2,
        run,
        last,
        head,
    }
}

/// The z-score of residual `resid` from the window sums `s1`, `s2` (`Raw::moments(inv)` then
/// `Moments::scaled(resid)`, the same operations in the same order); NaN when the variance is
/// not positive.
#[inline(always)]
fn z_value(resid: f64, s1: f64, s2: f64, inv: f64) -> f64 {
    let mean_dev = s1 * inv;
    let var = s2 * inv - mean_dev * mean_dev;
    let z = resid / var.sqrt();
    if var > 0.0 { z } else { f64::NAN }
}

/// [`z_value`] of one `(resid, s1, s2)`.
#[inline(always)]
fn z_one((resid, s1, s2): (f64, f64, f64), inv: f64) -> f64 {
    z_value(resid, s1, s2, inv)
}

/// [`z_value`] of two consecutive values into `out[0..2]`, lane by lane (LLVM packs the two
/// square roots and divisions into one vector instruction each; nothing depends on them, so
/// they run in the shadow of the recurrences' latency).
#[inline(always)]
fn z_pair(out: &mut [f64], a: (f64, f64, f64), b: (f64, f64, f64), inv: f64) {
    if let [oa, ob] = out {
        let (resid, s1, s2) = ([a.0, b.0], [a.1, b.1], [a.2, b.2]);
        let mut z = [0.0; 2];
        for k in 0..2 {
            z[k] = z_value(resid[k], s1[k], s2[k], inv);
        }
        (*oa, *ob) = (z[0], z[1]);
    }
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
