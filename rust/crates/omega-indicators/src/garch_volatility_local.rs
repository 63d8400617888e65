//! GARCH(1,1) volatility computed from a trailing local window only.
//!
//! `out[t]` is (up to rounding) what [`crate::garch_volatility`] would output at its last bar
//! if it were run from scratch on the last `lookback` valid bars ending at `t` — seeded by that
//! window's own first `min_periods` returns (and, with variance targeting, its own `ω`). The
//! value therefore depends on those `lookback` bars only, never on where the series starts.
//! This is the series form of the original Omega `garch_volatility_local(idx, lookback)`, which
//! returned the σ of the window ending at `idx`; its last element is `out[idx]` here.
//!
//! With `L = lookback`, `m = min_periods` and `K = L − 1 − m` recursion steps, the window's
//! recursion unrolls to (all in scaled units, `a_k = r_k²`):
//!
//! ```text
//! v_t = ω_t · C_K + α · E_{t−1} + β^K · σ̄²_t
//! C_K     = Σ_{j<K} β^j                    (summed in order j = 0, 1, …; β^K by repeated ·β)
//! E_s     = Σ_{j<K} β^j · a_{s−j}          (slid: E_s = β·E_{s−1} + a_s − β^K·a_{s−K})
//! σ̄²_t    = (a_{t−L+2} + … + a_{t−L+1+m}) / m   (the window's seed returns)
//! ω_t     = omega, or σ̄²_t · (1 − α − β)
//! σ_t     = sqrt(max(v_t, sigma_floor²)) / scale
//! ```
//!
//! so each update is O(1) (the seed sum slides too and is recomputed from scratch every `m`
//! bars to bound rounding drift). Equal to the re-run up to rounding (≈1e-13 relative).
//!
//! Warm-up: the first `lookback − 1` valid bars are NaN (a window needs `lookback` valid bars).
//! `lookback` must be `>= min_periods + 2` (at least one recursion step after the seed).
//! NaN input: NaN output, state unchanged (windows count valid bars). Prices must be `> 0`.

use omega_core::{OmegaError, OmegaResult};

use crate::garch_volatility::GarchParams;
use crate::stat_validate::{check_prices, window_buffer};
use crate::validate::check_non_empty;

/// O(1)-amortised streaming state of [`garch_volatility_local`].
#[derive(Debug, Clone)]
pub struct GarchLocalState {
    params: GarchParams,
    floor_sq: f64,
    lookback: usize,
    m: usize,
    k: usize,
    c_k: f64,
    beta_k: f64,
    prev: f64,
    /// Squared scaled returns, ring of capacity `lookback − 1`; `newest` is the latest.
    ring: Vec<f64>,
    newest: usize,
    n_bars: usize,
    e: f64,
    seed: f64,
    /// σ for the next valid bar (NaN until a full window is available).
    pending: f64,
}

/// `min_periods + 2 <= lookback` (and `<= len` when `len = Some((len, len_name))`).
pub(crate) fn check_lookback_named(
    name: &str,
    lookback: usize,
    min_periods: usize,
    len: Option<(usize, &str)>,
) -> OmegaResult<()> {
    let lo = min_periods.saturating_add(2);
    let too_long = len.is_some_and(|(n, _)| lookback > n);
    if lookback < lo || too_long {
        let expected = match len {
            Some((n, len_name)) => {
                format!("an integer >= min_periods + 2 = {lo} and <= len({len_name}) = {n}")
            }
            None => format!("an integer >= min_periods + 2 = {lo}"),
        };
        return Err(OmegaError::invalid_value(name, expected, lookback));
    }
    Ok(())
}

/// [`check_lookback_named`] for the argument `lookback` measured on `values`.
pub(crate) fn check_lookback(
    lookback: usize,
    min_periods: usize,
    len: Option<usize>,
) -> OmegaResult<()> {
    check_lookback_named(
        "lookback",
        lookback,
        min_periods,
        len.map(|n| (n, "values")),
    )
}

impl GarchLocalState {
    /// A fresh state. Checks, in this order: `min_periods`, `lookback >= min_periods + 2`, the
    /// float parameters ([`GarchParams::validate_floats`]).
    pub fn new(lookback: usize, params: GarchParams) -> OmegaResult<Self> {
        params.validate_ints()?;
        check_lookback(lookback, params.min_periods, None)?;
        params.validate_floats()?;
        Self::build(lookback, params)
    }

    /// Constructor for validated parameters (`min_periods >= 1`,
    /// `lookback >= min_periods + 2`); only the buffer allocation can still fail.
    pub(crate) fn build(lookback: usize, params: GarchParams) -> OmegaResult<Self> {
        let m = params.min_periods.max(1);
        let lookback = lookback.max(m.saturating_add(2));
        let ring = window_buffer(lookback - 1, "lookback", lookback)?;
        let k = lookback - 1 - m;
        let mut c_k = 0.0;
        let mut beta_k = 1.0;
        for _ in 0..k {
            c_k += beta_k;
            beta_k *= params.beta;
        }
        Ok(Self {
            params,
            floor_sq: params.sigma_floor * params.sigma_floor,
            lookback,
            m,
            k,
            c_k,
            beta_k,
            prev: f64::NAN,
            ring,
            newest: lookback - 2,
            n_bars: 0,
            e: 0.0,
            seed: 0.0,
            pending: f64::NAN,
        })
    }

    /// The squared return `j` valid bars before the latest one (`j < lookback − 1`). The
    /// index wraps by one subtraction, not a `%` (an integer division per read).
    #[inline]
    fn age(&self, j: usize) -> f64 {
        let cap = self.ring.len();
        let i = self.newest + cap - j;
        self.ring[if i >= cap { i - cap } else { i }]
    }

    /// Consumes a price (> 0, or NaN) and returns the local σ for this bar.
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        let t = self.n_bars;
        self.n_bars += 1;
        if t == 0 {
            self.prev = y;
            return f64::NAN;
        }
        let out = self.pending;
        let p = self.params;
        let r = p.scaled_return(self.prev, y);
        self.prev = y;
        let a = r * r;
        self.newest += 1;
        if self.newest == self.ring.len() {
            self.newest = 0;
        }
        self.ring[self.newest] = a;
        // E_t = β·E_{t−1} + a_t − β^K·a_{t−K}  (a_{t−K} exists once t > K)
        let sub = if t > self.k {
            self.beta_k * self.age(self.k)
        } else {
            0.0
        };
        self.e = p.beta * self.e + a - sub;
        let l = self.lookback;
        let t0 = l - 2;
        if t >= t0 {
            let m = self.m;
            if (t - t0) % m == 0 {
                // Recompute the seed sum a_{t−L+3} + … + a_{t−L+2+m}, oldest first.
                let mut s = 0.0;
                for j in (l - 2 - m..=l - 3).rev() {
                    s += self.age(j);
                }
                self.seed = s;
            } else {
                let a_new = self.age(l - 2 - m);
                let a_old = self.age(l - 2);
                self.seed += a_new - a_old;
            }
            let sbar = self.seed / m as f64;
            let omega = p.omega_for(sbar);
            let v = omega * self.c_k + p.alpha * self.e + self.beta_k * sbar;
            self.pending = p.sigma(v, self.floor_sq);
        }
        out
    }

    /// What [`GarchLocalState::update`] would return for `y`, without committing it.
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() || self.n_bars == 0 {
            return f64::NAN;
        }
        self.pending
    }

    /// Forgets every price (the parameters and the buffer's capacity are kept).
    pub fn reset(&mut self) {
        self.ring.fill(0.0);
        self.prev = f64::NAN;
        self.newest = self.lookback - 2;
        self.n_bars = 0;
        self.e = 0.0;
        self.seed = 0.0;
        self.pending = f64::NAN;
    }
}

/// Local-window GARCH(1,1) σ of `values` (same length, float64, plain return units).
///
/// * `lookback` — window length in valid bars, `min_periods + 2 <= lookback <= len(values)`
///   (Python default 400).
/// * `params` — as for [`crate::garch_volatility`].
///
/// Warm-up `lookback − 1` valid bars. Errors (in this order): empty input, `min_periods`,
/// `lookback`, the float parameters ([`GarchParams::validate_floats`]), ±inf or a value `<= 0`.
pub fn garch_volatility_local(
    values: &[f64],
    lookback: usize,
    params: &GarchParams,
) -> OmegaResult<Vec<f64>> {
    check_non_empty("values", values)?;
    params.validate_ints()?;
    check_lookback(lookback, params.min_periods, Some(values.len()))?;
    params.validate_floats()?;
    check_prices("values", values)?;
    let mut state = GarchLocalState::build(lookback, *params)?;
    Ok(values.iter().map(|&y| state.update(y)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::garch_volatility::garch_volatility;

    fn prices(n: usize) -> Vec<f64> {
        let mut x = 100.0;
        let mut seed: u64 = 11;
        (0..n)
            .map(|i| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                // volatility clusters: calm and wild stretches
                let vol = if (i / 40) % 2 == 0 { 0.001 } else { 0.01 };
                x *= 1.0 + u * vol;
                x
            })
            .collect()
    }

    #[test]
    fn equals_a_fresh_garch_run_on_each_window() {
        let ys = prices(200);
        for (lookback, p) in [
            (
                30,
                GarchParams {
                    min_periods: 5,
                    ..GarchParams::default()
                },
            ),
            (
                7,
                GarchParams {
                    min_periods: 5,
                    ..GarchParams::default()
                },
            ),
            (
                25,
                GarchParams {
                    alpha: 0.1,
                    beta: 0.85,
                    omega: Some(0.02),
                    use_log_returns: false,
                    min_periods: 1,
                    ..GarchParams::default()
                },
            ),
        ] {
            let local = garch_volatility_local(&ys, lookback, &p).unwrap();
            for t in 0..ys.len() {
                if t + 1 < lookback {
                    assert!(local[t].is_nan(), "t={t}");
                    continue;
                }
                let fresh = garch_volatility(&ys[t + 1 - lookback..=t], &p).unwrap();
                let want = fresh[lookback - 1];
                assert!(
                    (local[t] - want).abs() <= 1e-12 * want,
                    "lookback={lookback} t={t}: {} vs {want}",
                    local[t]
                );
            }
        }
    }

    #[test]
    fn nan_gaps_peek_and_errors() {
        let mut ys = prices(60);
        ys[10] = f64::NAN;
        ys[33] = f64::NAN;
        let p = GarchParams {
            min_periods: 3,
            ..GarchParams::default()
        };
        let a = garch_volatility_local(&ys, 8, &p).unwrap();
        let compressed: Vec<f64> = ys.iter().copied().filter(|v| !v.is_nan()).collect();
        let b = garch_volatility_local(&compressed, 8, &p).unwrap();
        let a_valid: Vec<f64> = ys
            .iter()
            .zip(&a)
            .filter(|(x, _)| !x.is_nan())
            .map(|(_, v)| *v)
            .collect();
        for (x, y) in a_valid.iter().zip(&b) {
            assert!(x == y || (x.is_nan() && y.is_nan()));
        }
        assert!(a[10].is_nan() && a[33].is_nan());
        let mut s = GarchLocalState::new(8, p).unwrap();
        for &y in &ys {
            let pk = s.peek(y);
            let u = s.update(y);
            assert!(pk == u || (pk.is_nan() && u.is_nan()));
        }
        assert_eq!(
            garch_volatility_local(&ys, 4, &p).unwrap_err().to_string(),
            "lookback: expected an integer >= min_periods + 2 = 5 and <= len(values) = 60, got 4"
        );
        assert_eq!(
            garch_volatility_local(&ys, 61, &p).unwrap_err().to_string(),
            "lookback: expected an integer >= min_periods + 2 = 5 and <= len(values) = 60, got 61"
        );
        assert!(
            GarchLocalState::new(
                2,
                GarchParams {
                    min_periods: 1,
                    ..p
                }
            )
            .is_err()
        );
        let huge = GarchParams {
            min_periods: usize::MAX / 4,
            ..p
        };
        assert_eq!(
            GarchLocalState::new(usize::MAX / 2, huge)
                .unwrap_err()
                .to_string(),
            format!(
                "lookback: expected a window that fits in memory, got {}",
                usize::MAX / 2
            )
        );
    }
}
