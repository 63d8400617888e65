//! Exponential moving average, TA-Lib `EMA` (default compatibility mode).
//!
//! * `k = 2 / (period + 1)`.
//! * Seed: the SMA of the first `period` valid values, emitted at the `period`-th valid value.
//! * Then `ema = ema·c + x·k` with `c = (period − 1)/(period + 1)` — TA-Lib's
//!   `(x − ema)·k + ema` rearranged — evaluated two values at a time as documented in
//!   [`crate::recurrence`] (this crate and the Python fallback do exactly the same
//!   operations; TA-Lib's FMA-based C code agrees to a few ulps).

use omega_core::OmegaResult;

use crate::fast;
use crate::recurrence::Affine;
use crate::validate;

/// Lookback of [`ema`]: the first `period - 1` valid positions are NaN.
pub const fn lookback(period: usize) -> usize {
    period.saturating_sub(1)
}

/// The smoothing factor `2 / (period + 1)`.
#[inline]
pub fn smoothing(period: usize) -> f64 {
    2.0 / (period as f64 + 1.0)
}

/// Streaming EMA; O(1) per update, no allocation (the state is `Copy`).
///
/// `update(NaN)` returns NaN and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmaState {
    period: usize,
    /// Valid values seen, saturating at `period`.
    count: usize,
    /// Sum of the first values during warm-up.
    sum: f64,
    ema: Affine,
}

impl EmaState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        Ok(Self::build(period))
    }

    /// The state for an already validated `period >= 1`.
    pub(crate) fn build(period: usize) -> Self {
        let pf = period as f64;
        Self {
            period,
            count: 0,
            sum: 0.0,
            ema: Affine::new((pf - 1.0) / (pf + 1.0), smoothing(period), f64::NAN),
        }
    }

    /// A state that is already warm with value `seed` (MACD seeds its EMAs itself).
    pub fn from_seed(period: usize, seed: f64) -> OmegaResult<Self> {
        let mut s = Self::new(period)?;
        s.seed(seed);
        Ok(s)
    }

    /// Makes the state warm with value `seed`, as if its warm-up had produced it.
    pub fn seed(&mut self, seed: f64) {
        self.count = self.period;
        self.sum = 0.0;
        self.ema.seed(seed);
    }

    /// The window length.
    pub fn period(&self) -> usize {
        self.period
    }

    /// The current EMA (NaN during warm-up).
    pub fn value(&self) -> f64 {
        if self.count >= self.period {
            self.ema.value()
        } else {
            f64::NAN
        }
    }

    /// Feeds one value; returns the EMA after it, NaN during warm-up.
    #[inline(always)]
    pub fn update(&mut self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if self.count >= self.period {
            return self.ema.step(x);
        }
        self.sum += x;
        self.count += 1;
        if self.count == self.period {
            let seed = self.sum / self.period as f64;
            self.ema.seed(seed);
            seed
        } else {
            f64::NAN
        }
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> f64 {
        let mut s = *self;
        s.update(x)
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.count = 0;
        self.sum = 0.0;
        self.ema.seed(f64::NAN);
    }

    /// The recurrence of a warm state, for batch loops that step it directly (the same
    /// operations as [`update`](Self::update) on a non-NaN value once warm).
    #[inline(always)]
    pub(crate) fn warm_recurrence(&mut self) -> &mut Affine {
        &mut self.ema
    }
}

/// Exponential moving average (TA-Lib `EMA`), seeded with the SMA of the first `period`
/// valid values.
///
/// * Output: same length as `values`, float64; lookback `period - 1` (valid values).
/// * NaN rule: computed on the series with NaN removed, then scattered back — the EMA
///   carries across a gap and the next valid value updates it as if the gap were not there.
/// * `period = 1`: `k = 1`, `c = 0`, the output equals the input exactly.
///
/// Errors: empty `values`; `period < 1` or `> len(values)`; `±inf` in `values`.
pub fn ema(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    fast::to_vec(values.len(), |out| ema_into(values, period, out))
}

/// [`ema`] into `out` (as long as `values`; every element is written).
pub fn ema_into(values: &[f64], period: usize, out: &mut [f64]) -> OmegaResult<()> {
    fast::series_into(values, period, 1, out, |v, o| ema_fast(v, period, o))
}

/// The seed of an EMA: the mean of `head` (`period` values), summed in order from 0.0 exactly
/// as [`EmaState::update`] does during the warm-up.
#[inline]
fn seed_of(head: &[f64]) -> f64 {
    let mut sum = 0.0;
    for &x in head {
        sum += x;
    }
    sum / head.len() as f64
}

/// The fast path of [`ema_into`] (see [`crate::fast`]): `false` at the first NaN/`±inf`.
/// The arithmetic of [`EmaState::update`].
fn ema_fast(v: &[f64], period: usize, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    if period == 0 || n < period {
        out.fill(f64::NAN);
        return fast::all_finite(v);
    }
    let head = &v[..period];
    if !fast::all_finite(head) {
        return false;
    }
    let seed = seed_of(head);
    out[..period - 1].fill(f64::NAN);
    out[period - 1] = seed;
    let mut state = EmaState::build(period);
    state.seed(seed);
    let mut ema = *state.warm_recurrence();
    // The recurrence absorbs every input: checking it once per chunk validates the input.
    ema.is_finite()
        && fast::each_chunk_absorbed(period, n, |r| {
            steady(&v[r.clone()], &mut out[r], &mut ema);
            ema.is_finite()
        })
}

/// The recurrence over one chunk. A function of its own, on a local copy, so that the state
/// stays in registers whatever the inlining around it.
#[inline(never)]
fn steady(xs: &[f64], out: &mut [f64], ema: &mut Affine) {
    let mut a = *ema;
    a.run_into(xs.len(), |i| xs[i], out);
    *ema = a;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn hand_computed() {
        // period 3: k = c = 0.5, seed = (1 + 2 + 3) / 3 = 2, then 2·0.5 + 4·0.5 = 3; the second
        // of the pair: 2·0.25 + (4·0.25 + 6·0.5) = 4.5.
        let out = ema(&[1.0, 2.0, 3.0, 4.0, 6.0], 3).expect("valid");
        assert!(same(&out, &[f64::NAN, f64::NAN, 2.0, 3.0, 4.5]));
    }

    #[test]
    fn period_one_period_equal_length_constant_zero() {
        let x = [1.0, 2.0, -3.0, 0.0];
        assert!(same(&ema(&x, 1).expect("valid"), &x));
        let out = ema(&x, 4).expect("valid");
        assert!(out[..3].iter().all(|v| v.is_nan()));
        assert_eq!(out[3], 0.0);
        let c = ema(&[3.25; 10], 4).expect("valid");
        assert!(
            c[3..]
                .iter()
                .all(|&v| (v - 3.25).abs() <= 4.0 * f64::EPSILON * 3.25)
        );
        assert!(
            ema(&[0.0; 10], 4).expect("valid")[3..]
                .iter()
                .all(|&v| v == 0.0)
        );
    }

    #[test]
    fn nan_gaps_behave_as_removed() {
        let x = [1.0, 2.0, f64::NAN, 3.0, f64::NAN, 5.0, 8.0];
        let out = ema(&x, 2).expect("valid");
        let c = ema(&[1.0, 2.0, 3.0, 5.0, 8.0], 2).expect("valid");
        assert!(same(
            &out,
            &[c[0], c[1], f64::NAN, c[2], f64::NAN, c[3], c[4]]
        ));
    }

    #[test]
    fn peek_and_seed() {
        let mut s = EmaState::new(2).expect("valid");
        for x in [1.0, f64::NAN, 3.0, 2.0, 9.0] {
            let p = s.peek(x);
            let u = s.update(x);
            assert!(p.to_bits() == u.to_bits() || (p.is_nan() && u.is_nan()));
        }
        assert_eq!(s.value(), s.peek(s.value()));
        let mut seeded = EmaState::from_seed(3, 10.0).expect("valid");
        assert_eq!(seeded.value(), 10.0);
        assert_eq!(seeded.update(14.0), 12.0);
        seeded.reset();
        assert!(seeded.value().is_nan());
        assert_eq!(seeded.period(), 3);
    }

    #[test]
    fn errors() {
        assert!(ema(&[], 1).is_err());
        assert!(ema(&[1.0], 0).is_err());
        assert!(ema(&[1.0], 2).is_err());
        assert!(ema(&[f64::NEG_INFINITY], 1).is_err());
        assert!(EmaState::new(0).is_err());
    }
}
