//! Moving average convergence/divergence, TA-Lib `MACD` (not `MACDEXT`).
//!
//! * `macd = EMA_fast − EMA_slow`, `signal = EMA_signal(macd)`, `hist = macd − signal`,
//!   every EMA a [`crate::ema`] EMA with `k = 2/(period + 1)` (ta-lib-python's `MACD(12, 26, 9)` uses exactly these
//!   factors; the fixed 0.15/0.075 factors belong to `MACDFIX`, not to `MACD`).
//! * TA-Lib's seeding quirk, matched: both EMAs are seeded on windows ending on the same bar —
//!   the slow EMA with the SMA of the first `slow` values, the fast EMA with the SMA of the
//!   last `fast` of those `slow` values — so the macd line starts at valid value `slow − 1`;
//!   the signal EMA is seeded with the SMA of its first `signal` macd values.
//! * Lookback `slow + signal − 2` (33 for 12/26/9); all three outputs are NaN before it.

use omega_core::{OmegaError, OmegaResult};

use crate::ema::EmaState;
use crate::fast;
use crate::recurrence::Affine;
use crate::validate;

/// Lookback of [`macd`]: `slow + signal − 2` valid values.
pub const fn lookback(slow: usize, signal: usize) -> usize {
    (slow + signal).saturating_sub(2)
}

/// The three MACD series, each as long as the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Macd {
    /// `EMA_fast − EMA_slow`.
    pub macd: Vec<f64>,
    /// EMA of the macd line over `signal` values.
    pub signal: Vec<f64>,
    /// `macd − signal`.
    pub hist: Vec<f64>,
}

/// One MACD output (`NaN`s during warm-up and at NaN inputs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdPoint {
    /// `EMA_fast − EMA_slow`.
    pub macd: f64,
    /// EMA of the macd line.
    pub signal: f64,
    /// `macd − signal`.
    pub hist: f64,
}

impl MacdPoint {
    const NAN: Self = Self {
        macd: f64::NAN,
        signal: f64::NAN,
        hist: f64::NAN,
    };
}

/// Streaming MACD; O(1) per update, `Copy`.
///
/// `update(NaN)` returns NaNs and leaves the state unchanged (see [`crate::nan_gaps`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdState {
    fast: usize,
    slow: usize,
    /// Valid values seen, saturating at `slow`.
    count: usize,
    sum_fast: f64,
    sum_slow: f64,
    ema_fast: EmaState,
    ema_slow: EmaState,
    signal: EmaState,
}

/// Parameter checks shared by [`MacdState::new`] and [`macd`] (after the length checks).
fn check_order(fast: usize, slow: usize) -> OmegaResult<()> {
    if fast >= slow {
        return Err(OmegaError::invalid_value(
            "fast",
            format!("an integer < slow = {slow}"),
            fast,
        ));
    }
    Ok(())
}

impl MacdState {
    /// A fresh state; `1 <= fast < slow`, `signal >= 1`.
    pub fn new(fast: usize, slow: usize, signal: usize) -> OmegaResult<Self> {
        validate::check_state_period("fast", fast, 1)?;
        validate::check_state_period("slow", slow, 1)?;
        validate::check_state_period("signal", signal, 1)?;
        check_order(fast, slow)?;
        Ok(Self {
            fast,
            slow,
            count: 0,
            sum_fast: 0.0,
            sum_slow: 0.0,
            ema_fast: EmaState::new(fast)?,
            ema_slow: EmaState::new(slow)?,
            signal: EmaState::new(signal)?,
        })
    }

    /// Feeds one value; returns (macd, signal, hist) after it, NaNs during warm-up.
    #[inline(always)]
    pub fn update(&mut self, x: f64) -> MacdPoint {
        if x.is_nan() {
            return MacdPoint::NAN;
        }
        let (f, s) = if self.count >= self.slow {
            (self.ema_fast.update(x), self.ema_slow.update(x))
        } else {
            self.count += 1;
            self.sum_slow += x;
            if self.count > self.slow - self.fast {
                self.sum_fast += x;
            }
            if self.count < self.slow {
                return MacdPoint::NAN;
            }
            let f = self.sum_fast / self.fast as f64;
            let s = self.sum_slow / self.slow as f64;
            self.ema_fast.seed(f);
            self.ema_slow.seed(s);
            (f, s)
        };
        let m = f - s;
        let s = self.signal.update(m);
        if s.is_nan() {
            return MacdPoint::NAN;
        }
        MacdPoint {
            macd: m,
            signal: s,
            hist: m - s,
        }
    }

    /// The value [`update`](Self::update) would return for `x`, without committing it.
    #[inline]
    pub fn peek(&self, x: f64) -> MacdPoint {
        let mut s = *self;
        s.update(x)
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.count = 0;
        self.sum_fast = 0.0;
        self.sum_slow = 0.0;
        self.ema_fast.reset();
        self.ema_slow.reset();
        self.signal.reset();
    }
}

/// MACD (TA-Lib `MACD`); the usual call is `macd(values, 12, 26, 9)`.
///
/// * Output: [`Macd`] with `macd`, `signal`, `hist`, each as long as `values`; all three NaN
///   for the first `slow + signal − 2` valid values (33 for 12/26/9), TA-Lib's lookback.
/// * NaN rule: computed on the series with NaN removed, then scattered back.
/// * Limits: `1 <= fast < slow <= len(values)`, `1 <= signal <= len(values)` (TA-Lib swaps a
///   fast period larger than the slow one; here that is an error). `fast = 1` makes the fast
///   "EMA" the price itself; `signal = 1` makes `hist` 0.
///
/// Errors (in this order): empty `values`; `fast`, `slow`, `signal` outside
/// `1..=len(values)`; `fast >= slow`; `±inf` in `values`.
pub fn macd(values: &[f64], fast: usize, slow: usize, signal: usize) -> OmegaResult<Macd> {
    let [macd, signal, hist] = fast::to_vecs3(values.len(), |outs| {
        macd_into(values, fast, slow, signal, outs)
    })?;
    Ok(Macd { macd, signal, hist })
}

/// [`macd`] into `[macd, signal, hist]` (each as long as `values`; every element is written).
pub fn macd_into(
    values: &[f64],
    fast: usize,
    slow: usize,
    signal: usize,
    mut outs: [&mut [f64]; 3],
) -> OmegaResult<()> {
    let n = values.len();
    validate::check_non_empty("values", values)?;
    validate::check_period("fast", fast, 1, "values", n)?;
    validate::check_period("slow", slow, 1, "values", n)?;
    validate::check_period("signal", signal, 1, "values", n)?;
    check_order(fast, slow)?;
    fast::check_outputs("values", n, &outs)?;
    if macd_fast(values, fast, slow, signal, &mut outs) {
        return Ok(());
    }
    fast::series_slow(values, outs, |v, o| macd_fast(v, fast, slow, signal, o))
}

/// The fast path of [`macd_into`] (see [`crate::fast`]): [`MacdState::update`] through the
/// warm-up, then the three EMAs one value at a time in one pass (see `dema.rs`).
fn macd_fast(
    v: &[f64],
    fast: usize,
    slow: usize,
    signal: usize,
    [m, g, h]: &mut [&mut [f64]; 3],
) -> bool {
    let n = v.len().min(m.len()).min(g.len()).min(h.len());
    let Ok(mut state) = MacdState::new(fast, slow, signal) else {
        return false;
    };
    let head = n.min(lookback(slow, signal) + 1);
    if !fast::all_finite(&v[..head]) {
        return false;
    }
    for i in 0..head {
        let p = state.update(v[i]);
        (m[i], g[i], h[i]) = (p.macd, p.signal, p.hist);
    }
    let mut ef = *state.ema_fast.warm_recurrence();
    let mut es = *state.ema_slow.warm_recurrence();
    let mut eg = *state.signal.warm_recurrence();
    // The slow EMA absorbs every input: checking it once per chunk validates the input.
    fast::each_chunk_absorbed(head, n, |r| {
        let outs = [&mut m[r.clone()], &mut g[r.clone()], &mut h[r.clone()]];
        steady(&v[r], outs, [&mut ef, &mut es, &mut eg]);
        es.is_finite()
    })
}

/// The steady state of [`macd_fast`] over one chunk (see `dema.rs`).
#[inline(never)]
fn steady(xs: &[f64], [m, g, h]: [&mut [f64]; 3], [ef, es, eg]: [&mut Affine; 3]) {
    let (mut f, mut s, mut sg) = (*ef, *es, *eg);
    let n = xs.len().min(m.len()).min(g.len()).min(h.len());
    let (xs, m, g, h) = (&xs[..n], &mut m[..n], &mut g[..n], &mut h[..n]);
    for i in 0..n {
        let x = xs[i];
        let line = f.step(x) - s.step(x);
        let sig = sg.step(line);
        (m[i], g[i], h[i]) = (line, sig, line - sig);
    }
    (*ef, *es, *eg) = (f, s, sg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ema::ema;

    #[test]
    fn seeding_on_the_same_bar_hand_computed() {
        // fast 2, slow 3, signal 2: slow seed = mean(x0..x2), fast seed = mean(x1..x2).
        let x = [1.0, 2.0, 4.0, 8.0, 6.0];
        let out = macd(&x, 2, 3, 2).expect("valid");
        // k_fast = 2/3, c_fast = 1/3; k_slow = c_slow = 1/2 (first step of a pair: y·c + x·k).
        let (f2, s2) = (3.0, 7.0 / 3.0);
        let m2 = f2 - s2;
        let f3 = f2 * (1.0 / 3.0) + 8.0 * (2.0 / 3.0);
        let s3 = s2 * 0.5 + 8.0 * 0.5;
        let m3 = f3 - s3;
        let sig3 = (m2 + m3) / 2.0;
        assert!(out.macd[..3].iter().all(|v| v.is_nan()));
        assert_eq!(out.macd[3], m3);
        assert_eq!(out.signal[3], sig3);
        assert_eq!(out.hist[3], m3 - sig3);
        assert_eq!(lookback(3, 2), 3);
    }

    #[test]
    fn fast_ema_differs_from_a_plain_ema() {
        let x: Vec<f64> = (0..60).map(|i| 100.0 + ((i * 7) % 11) as f64).collect();
        let out = macd(&x, 12, 26, 9).expect("valid");
        assert!(out.macd[..33].iter().all(|v| v.is_nan()));
        assert!(!out.macd[33].is_nan());
        let slow = ema(&x, 26).expect("valid");
        let fast_seeded = ema(&x[14..], 12).expect("valid");
        assert_eq!(out.macd[40], fast_seeded[40 - 14] - slow[40]);
    }

    #[test]
    fn edges() {
        let x = [5.0; 40];
        let out = macd(&x, 12, 26, 9).expect("valid");
        assert!(out.macd[33..].iter().all(|&v| v == 0.0));
        assert!(out.hist[33..].iter().all(|&v| v == 0.0));
        let out = macd(&[1.0, 3.0, 2.0, 5.0], 1, 2, 1).expect("valid");
        assert!(out.macd[0].is_nan());
        assert!(out.hist[1..].iter().all(|&v| v == 0.0));
        // slow + signal - 2 >= len: all NaN
        assert!(
            macd(&[1.0, 2.0, 3.0], 1, 3, 2)
                .expect("valid")
                .macd
                .iter()
                .all(|v| v.is_nan())
        );
    }

    #[test]
    fn nan_gaps_and_peek() {
        let x = [1.0, 2.0, f64::NAN, 4.0, 8.0, f64::NAN, 6.0, 7.0];
        let g = macd(&x, 2, 3, 2).expect("valid");
        let c = macd(&[1.0, 2.0, 4.0, 8.0, 6.0, 7.0], 2, 3, 2).expect("valid");
        assert_eq!(g.hist[4].to_bits(), c.hist[3].to_bits());
        assert_eq!(g.signal[7].to_bits(), c.signal[5].to_bits());
        assert!(g.macd[5].is_nan());
        let mut s = MacdState::new(2, 3, 2).expect("valid");
        for v in x {
            let p = s.peek(v);
            let u = s.update(v);
            assert!(p.macd.to_bits() == u.macd.to_bits() || (p.macd.is_nan() && u.macd.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0).macd.is_nan());
    }

    #[test]
    fn errors() {
        let x = [1.0; 10];
        assert_eq!(
            macd(&x, 3, 3, 2).expect_err("order").to_string(),
            "fast: expected an integer < slow = 3, got 3"
        );
        assert_eq!(
            macd(&x, 0, 3, 2).expect_err("fast").to_string(),
            "fast: expected an integer >= 1 and <= len(values) = 10, got 0"
        );
        assert_eq!(
            macd(&x, 2, 11, 2).expect_err("slow").to_string(),
            "slow: expected an integer >= 1 and <= len(values) = 10, got 11"
        );
        assert_eq!(
            macd(&x, 2, 3, 0).expect_err("signal").to_string(),
            "signal: expected an integer >= 1 and <= len(values) = 10, got 0"
        );
        assert!(macd(&[], 12, 26, 9).is_err());
        assert!(MacdState::new(5, 3, 2).is_err());
    }
}
