//! Rolling mean and population variance over the last `window` valid values, O(1) amortised
//! per update, numerically safe for price-like data (level ≫ spread).
//!
//! Used by [`crate::zscore`] and [`crate::kalman_zscore`]. The algorithm is defined exactly
//! (the Python fallback `_python/rolling_moments.py` replays the same floating-point
//! operations in the same order, so both backends agree bit for bit):
//!
//! * Valid values are numbered `t = 0, 1, …` (NaN is skipped, see [`RollingMoments::update`]).
//!   A value has moments once `t >= window - 1`.
//! * Those `t` are cut into *blocks* of `window` consecutive values; block `b` starts at
//!   `s_b = window - 1 + b * window`. Its *anchor* is `K = y[s_b]`, which lies inside the
//!   window of every `t` of the block.
//! * At a block start the anchored sums are recomputed from scratch, oldest value first:
//!   `S1 = 0.0 + d_0 + d_1 + … + d_{w-1}`, `S2 = 0.0 + d_0*d_0 + …` with `d_i = y_i - K`.
//! * Inside a block they slide: with `dn = y_t - K` and `do = y_{t-w} - K`,
//!   `S1 += dn - do` and `S2 += dn*dn - do*do`.
//! * `mean_dev = S1 · inv` (the window mean minus `K`), `var = S2 · inv - mean_dev * mean_dev`,
//!   clamped at 0, with `inv = 1 / w` rounded once (multiplications, not divisions: this sits in
//!   the inner loop of the z-scores). When the last `window` valid values are all equal the window is constant
//!   and the result is exact: `mean_dev = y_t - K` (= 0) and `var = 0`.
//!
//! Anchoring on a value inside the window removes the cancellation of the textbook
//! `E[x²] − E[x]²` (prices around 1.1 with a spread of 1e-5 would lose all digits), and the
//! recomputation every `window` values bounds the drift of the sliding sums.

use omega_core::OmegaResult;

use crate::stat_validate::window_buffer;
use crate::validate::check_state_period;

/// Moments of the window ending at the latest value, relative to the block anchor `K`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// `y_t - K`: the latest value minus the anchor.
    pub dev: f64,
    /// Window mean minus the anchor.
    pub mean_dev: f64,
    /// Population variance of the window (divisor `window`), `>= 0`; exactly 0 for a
    /// constant window.
    pub var: f64,
}

impl Moments {
    /// `(y_t - mean) / std`, or NaN when the variance is 0 (constant window).
    pub fn zscore(&self) -> f64 {
        if self.var > 0.0 {
            (self.dev - self.mean_dev) / self.var.sqrt()
        } else {
            f64::NAN
        }
    }

    /// `numerator / std`, or NaN when the variance is 0 (constant window).
    pub fn scaled(&self, numerator: f64) -> f64 {
        if self.var > 0.0 {
            numerator / self.var.sqrt()
        } else {
            f64::NAN
        }
    }
}

/// Streaming rolling moments over the last `window` valid values (see the module docs for the
/// exact arithmetic).
#[derive(Debug, Clone)]
pub struct RollingMoments {
    window: usize,
    /// Ring buffer of the last `window` valid values; `head` is the oldest once full.
    buf: Vec<f64>,
    head: usize,
    /// Number of valid values seen.
    count: usize,
    anchor: f64,
    s1: f64,
    s2: f64,
    /// Length of the run of equal values ending at the latest value, capped at `window`.
    run: usize,
    last: f64,
    /// `(t − (window − 1)) mod window` of the next value once warm (0 = block start).
    block_pos: usize,
    /// `1 / window`, rounded once.
    inv: f64,
}

/// What one more value would do to the state (shared by `update` and `peek`).
struct Step {
    anchor: f64,
    s1: f64,
    s2: f64,
    run: usize,
    /// `None` during the warm-up.
    raw: Option<Raw>,
}

/// The moments of one window before the final arithmetic (see [`Raw::moments`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Raw {
    /// `y_t - K`.
    pub(crate) dev: f64,
    pub(crate) s1: f64,
    pub(crate) s2: f64,
    /// The last `window` values are all equal.
    pub(crate) flat: bool,
}

impl Raw {
    /// `mean_dev = s1·inv`, `var = s2·inv − mean_dev²` clamped at 0; a flat window gives
    /// `mean_dev = dev` and `var = 0` exactly.
    #[inline(always)]
    pub(crate) fn moments(self, inv: f64) -> Moments {
        if self.flat {
            return Moments {
                dev: self.dev,
                mean_dev: self.dev,
                var: 0.0,
            };
        }
        let mean_dev = self.s1 * inv;
        let var = self.s2 * inv - mean_dev * mean_dev;
        Moments {
            dev: self.dev,
            mean_dev,
            var: if var > 0.0 { var } else { 0.0 },
        }
    }
}

impl RollingMoments {
    /// A new, empty state over `window >= 1` values.
    pub fn new(window: usize) -> OmegaResult<Self> {
        check_state_period("window", window, 1)?;
        Ok(Self {
            window,
            buf: window_buffer(window, "window", window)?,
            head: 0,
            count: 0,
            anchor: 0.0,
            s1: 0.0,
            s2: 0.0,
            run: 0,
            last: f64::NAN,
            block_pos: 0,
            inv: 1.0 / window as f64,
        })
    }

    /// The window length.
    pub fn window(&self) -> usize {
        self.window
    }

    /// Number of valid values consumed so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Block start: the sums recomputed from scratch, oldest first, anchored on `y`. The window
    /// is the last `w - 1` buffered values plus `y`. (Out of line: once per `w` values, and
    /// keeping it out lets the sliding step inline into batch loops.)
    #[inline(never)]
    fn block_start(&self, y: f64) -> (f64, f64, f64) {
        let w = self.window;
        let anchor = y;
        let mut s1 = 0.0;
        let mut s2 = 0.0;
        let (first, second) = if self.count >= w {
            // full ring: oldest is `head` (it leaves); the window starts right after it
            (&self.buf[self.head + 1..], &self.buf[..self.head])
        } else {
            (&self.buf[..w - 1], &self.buf[..0])
        };
        for &v in first.iter().chain(second) {
            let d = v - anchor;
            s1 += d;
            s2 += d * d;
        }
        let d = y - anchor;
        s1 += d;
        s2 += d * d;
        (anchor, s1, s2)
    }

    #[inline(always)]
    fn step(&self, y: f64) -> Step {
        let w = self.window;
        let t = self.count;
        let run = if t > 0 && y == self.last {
            (self.run + 1).min(w)
        } else {
            1
        };
        if t + 1 < w {
            return Step {
                anchor: self.anchor,
                s1: self.s1,
                s2: self.s2,
                run,
                raw: None,
            };
        }
        let (anchor, s1, s2) = if self.block_pos == 0 {
            self.block_start(y)
        } else {
            // t >= w here (t = w - 1 is always a block start), so the buffer is full and
            // `head` is the value that leaves the window.
            let dn = y - self.anchor;
            let d_old = self.buf[self.head] - self.anchor;
            (
                self.anchor,
                self.s1 + (dn - d_old),
                self.s2 + (dn * dn - d_old * d_old),
            )
        };
        let dev = y - anchor;
        Step {
            anchor,
            s1,
            s2,
            run,
            raw: Some(Raw {
                dev,
                s1,
                s2,
                flat: run >= w,
            }),
        }
    }

    /// Consumes one value and returns the moments of the window ending at it (`None` during
    /// the first `window - 1` valid values). NaN returns `None` and leaves the state unchanged.
    #[inline(always)]
    pub fn update(&mut self, y: f64) -> Option<Moments> {
        let inv = self.inv;
        self.update_raw(y).map(|raw| raw.moments(inv))
    }

    /// `1 / window`, the factor of [`Raw::moments`].
    #[inline(always)]
    pub(crate) fn inv(&self) -> f64 {
        self.inv
    }

    /// [`update`](Self::update) without the final arithmetic ([`Raw::moments`]), for batch loops
    /// that do it in a separate, vectorised pass.
    #[inline(always)]
    pub(crate) fn update_raw(&mut self, y: f64) -> Option<Raw> {
        if y.is_nan() {
            return None;
        }
        let step = self.step(y);
        self.anchor = step.anchor;
        self.s1 = step.s1;
        self.s2 = step.s2;
        self.run = step.run;
        self.last = y;
        let w = self.window;
        if step.raw.is_some() {
            self.block_pos += 1;
            if self.block_pos == w {
                self.block_pos = 0;
            }
        }
        if self.count < w {
            self.buf[self.count] = y;
        } else {
            self.buf[self.head] = y;
            self.head += 1;
            if self.head == w {
                self.head = 0;
            }
        }
        self.count += 1;
        step.raw
    }

    /// What [`RollingMoments::update`] would return for `y`, without changing the state.
    pub fn peek(&self, y: f64) -> Option<Moments> {
        if y.is_nan() {
            return None;
        }
        self.step(y).raw.map(|raw| raw.moments(self.inv))
    }

    /// Forgets every value (the window and the buffer's capacity are kept).
    pub fn reset(&mut self) {
        self.buf.fill(0.0);
        self.head = 0;
        self.count = 0;
        self.anchor = 0.0;
        self.s1 = 0.0;
        self.s2 = 0.0;
        self.run = 0;
        self.last = f64::NAN;
        self.block_pos = 0;
    }
}

/// The scalars of a [`RollingMoments`] between two block starts, for batch loops that run the
/// sliding step of [`RollingMoments::update_raw`] on local copies (through `&mut
/// RollingMoments` every ring-buffer store would force a reload of every field); see
/// `kalman_zscore.rs` and [`RollingMoments::slide_state`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slide {
    pub(crate) window: usize,
    pub(crate) anchor: f64,
    pub(crate) s1: f64,
    pub(crate) s2: f64,
    pub(crate) run: usize,
    pub(crate) last: f64,
    pub(crate) head: usize,
}

impl RollingMoments {
    /// The sliding scalars and how many values can slide before the next block start, or
    /// `None` when the next value must go through [`update_raw`](Self::update_raw) (warm-up,
    /// block start).
    #[inline]
    pub(crate) fn slide_state(&self) -> Option<(Slide, usize)> {
        if self.count < self.window || self.block_pos == 0 {
            return None;
        }
        let s = Slide {
            window: self.window,
            anchor: self.anchor,
            s1: self.s1,
            s2: self.s2,
            run: self.run,
            last: self.last,
            head: self.head,
        };
        Some((s, self.window - self.block_pos))
    }

    /// The ring buffer, for [`Slide::push`].
    #[inline]
    pub(crate) fn buf_mut(&mut self) -> &mut [f64] {
        &mut self.buf
    }

    /// Takes back the scalars after `slid` values went through [`Slide::push`] (no more than
    /// [`slide_state`](Self::slide_state) allowed).
    #[inline]
    pub(crate) fn end_slide(&mut self, s: Slide, slid: usize) {
        (self.anchor, self.s1, self.s2) = (s.anchor, s.s1, s.s2);
        (self.run, self.last, self.head) = (s.run, s.last, s.head);
        self.count += slid;
        self.block_pos = (self.block_pos + slid) % self.window;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(window: &[f64]) -> (f64, f64) {
        let n = window.len() as f64;
        let mean = window.iter().sum::<f64>() / n;
        let var = window.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        (mean, var)
    }

    #[test]
    fn matches_two_pass_moments_on_price_like_data() {
        // A random-walk around 1.1 with 1e-5 steps: the case E[x²] − E[x]² gets wrong.
        let mut x = 1.1;
        let mut seed: u64 = 7;
        let ys: Vec<f64> = (0..500)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                x += ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 2e-5;
                x
            })
            .collect();
        for w in [1usize, 2, 3, 7, 20] {
            let mut rm = RollingMoments::new(w).unwrap();
            for (t, &y) in ys.iter().enumerate() {
                let m = rm.update(y);
                if t + 1 < w {
                    assert!(m.is_none());
                    continue;
                }
                let m = m.unwrap();
                let (mean, var) = naive(&ys[t + 1 - w..=t]);
                let anchor = y - m.dev;
                assert!(((anchor + m.mean_dev) - mean).abs() < 1e-14);
                if w > 1 {
                    assert!(
                        (m.var - var).abs() <= 1e-9 * var,
                        "w={w} t={t} {} {var}",
                        m.var
                    );
                }
            }
        }
    }

    #[test]
    fn constant_window_gives_exact_zero_variance() {
        let ys = [0.1, 0.3, 0.7, 0.1, 0.1, 0.1, 0.1, 0.2];
        let mut rm = RollingMoments::new(3).unwrap();
        let out: Vec<Option<Moments>> = ys.iter().map(|&y| rm.update(y)).collect();
        assert_eq!(out[5].unwrap().var, 0.0);
        assert_eq!(out[5].unwrap().mean_dev, 0.0);
        assert_eq!(out[6].unwrap().var, 0.0);
        assert!(out[5].unwrap().zscore().is_nan());
        assert!(out[7].unwrap().var > 0.0);
    }

    #[test]
    fn nan_is_skipped_and_peek_equals_update() {
        let ys = [1.0, f64::NAN, 2.0, 4.0, f64::NAN, 8.0, 3.0, 3.5];
        let mut a = RollingMoments::new(3).unwrap();
        let mut b = RollingMoments::new(3).unwrap();
        for &y in &ys {
            let p = a.peek(y);
            let u = a.update(y);
            assert_eq!(p, u);
            if !y.is_nan() {
                assert_eq!(b.update(y), u);
            } else {
                assert!(u.is_none());
            }
        }
        assert_eq!(a.count(), 6);
    }

    #[test]
    fn impossible_windows_are_errors_not_aborts() {
        assert_eq!(
            RollingMoments::new(0).unwrap_err().to_string(),
            "window: expected an integer >= 1, got 0"
        );
        let huge = usize::MAX / 2;
        assert_eq!(
            RollingMoments::new(huge).unwrap_err().to_string(),
            format!("window: expected a window that fits in memory, got {huge}")
        );
    }

    #[test]
    fn zscore_hand_computed() {
        // window [1, 2, 3]: mean 2, population std sqrt(2/3); z of 3 = 1 / sqrt(2/3)
        let mut rm = RollingMoments::new(3).unwrap();
        rm.update(1.0);
        rm.update(2.0);
        let z = rm.update(3.0).unwrap().zscore();
        assert!((z - 1.224_744_871_391_589).abs() < 1e-15);
    }
}
