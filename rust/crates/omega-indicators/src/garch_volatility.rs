//! GARCH(1,1) conditional volatility with fixed (not fitted) parameters.
//!
//! Returns between consecutive valid bars, scaled (`scale = 100` → percent):
//!
//! ```text
//! r_k = ln(y_k / y_{k-1}) · scale          (use_log_returns = true)
//! r_k = (y_k / y_{k-1} − 1) · scale        (use_log_returns = false)
//! ```
//!
//! Shocks are taken as zero-mean (`ε_k = r_k`), the usual choice for intraday returns.
//! With `m = min_periods`, the first `m` returns seed the recursion:
//!
//! ```text
//! σ̄²   = (r_1² + … + r_m²) / m                 (summed in order from 0.0)
//! ω    = omega, or σ̄² · (1 − α − β)            (variance targeting: long-run variance = σ̄²)
//! v_m  = σ̄²
//! v_k  = ω + α · r_{k-1}² + β · v_{k-1}          k = m+1, m+2, …
//! σ_k  = sqrt(max(v_k, sigma_floor²)) / scale   (output, in plain return units, e.g. 0.0004)
//! ```
//!
//! `v_k` is the variance of `r_k` conditional on the returns up to `k − 1` (the convention of
//! the `arch` package's `conditional_volatility` and of the original Omega code), so the value
//! at a bar never uses that bar's own return. Variance targeting uses only the warm-up returns,
//! never later data (no look-ahead). `sigma_floor` is in scaled units and guards the output only;
//! the recursion itself is not floored (so [`crate::garch_volatility_local`] over the whole
//! history reproduces this series).
//!
//! Warm-up: bar 0 has no return and returns 1..m seed the model, so the first `min_periods + 1`
//! valid bars are NaN. NaN input: output NaN, state unchanged; the next return is taken between
//! the valid bars around the gap (as if the NaN bars were removed).
//! Prices must be `> 0` (checked for both return kinds).

use omega_core::{OmegaError, OmegaResult};

use crate::stat_validate::{check_non_negative, check_positive, check_prices};
use crate::validate::{check_non_empty, check_state_period};

/// Fixed GARCH(1,1) parameters shared by the GARCH family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GarchParams {
    /// ARCH weight `α >= 0` (default 0.05).
    pub alpha: f64,
    /// GARCH weight `β >= 0`, with `α + β < 1` (default 0.90).
    pub beta: f64,
    /// Constant `ω > 0` in scaled units², or `None` for variance targeting (default).
    pub omega: Option<f64>,
    /// Log returns (default) or simple returns.
    pub use_log_returns: bool,
    /// Return scale factor `> 0` (default 100: percent returns).
    pub scale: f64,
    /// Number of returns that seed the model, `>= 1` (default 50).
    pub min_periods: usize,
    /// Lower bound of σ in scaled units, `>= 0` (default 1e-6).
    pub sigma_floor: f64,
}

impl Default for GarchParams {
    fn default() -> Self {
        Self {
            alpha: 0.05,
            beta: 0.90,
            omega: None,
            use_log_returns: true,
            scale: 100.0,
            min_periods: 50,
            sigma_floor: 1e-6,
        }
    }
}

impl GarchParams {
    /// Checks the integer parameter then the floats: [`GarchParams::validate_ints`],
    /// [`GarchParams::validate_floats`].
    pub fn validate(&self) -> OmegaResult<()> {
        self.validate_ints()?;
        self.validate_floats()
    }

    /// `min_periods >= 1`.
    pub fn validate_ints(&self) -> OmegaResult<()> {
        check_state_period("min_periods", self.min_periods, 1)
    }

    /// Checks, in this order: `alpha`, `beta`, `alpha + beta`, `omega`, `scale`, `sigma_floor`.
    pub fn validate_floats(&self) -> OmegaResult<()> {
        check_non_negative("alpha", self.alpha)?;
        check_non_negative("beta", self.beta)?;
        let sum = self.alpha + self.beta;
        if sum >= 1.0 {
            return Err(OmegaError::invalid_value(
                "alpha + beta",
                "a sum < 1 (stationary GARCH(1,1))",
                sum,
            ));
        }
        if let Some(omega) = self.omega {
            if !(omega.is_finite() && omega > 0.0) {
                return Err(OmegaError::invalid_value(
                    "omega",
                    "a finite number > 0, or None for variance targeting",
                    omega,
                ));
            }
        }
        check_positive("scale", self.scale)?;
        check_non_negative("sigma_floor", self.sigma_floor)?;
        Ok(())
    }

    /// Scaled return from `prev` to `y` (both valid prices).
    #[inline]
    pub(crate) fn scaled_return(&self, prev: f64, y: f64) -> f64 {
        if self.use_log_returns {
            (y / prev).ln() * self.scale
        } else {
            (y / prev - 1.0) * self.scale
        }
    }

    /// Output σ (return units) from a scaled variance `v`.
    #[inline]
    pub(crate) fn sigma(&self, v: f64, floor_sq: f64) -> f64 {
        let v = if v > floor_sq { v } else { floor_sq };
        v.sqrt() / self.scale
    }

    /// `ω` for a seed variance `sbar`: the fixed `omega` or `sbar · (1 − α − β)`.
    #[inline]
    pub(crate) fn omega_for(&self, sbar: f64) -> f64 {
        match self.omega {
            Some(omega) => omega,
            None => sbar * (1.0 - self.alpha - self.beta),
        }
    }
}

/// O(1) streaming state of [`garch_volatility`].
#[derive(Debug, Clone)]
pub struct GarchState {
    params: GarchParams,
    floor_sq: f64,
    prev: f64,
    n_returns: usize,
    seed_sum: f64,
    omega: f64,
    /// Variance of the next bar's return (scaled units²), once `ready`.
    var: f64,
    ready: bool,
}

impl GarchState {
    /// A fresh state; the parameters are validated ([`GarchParams::validate`]).
    pub fn new(params: GarchParams) -> OmegaResult<Self> {
        params.validate()?;
        Ok(Self::build(params))
    }

    /// Unvalidated constructor (parameters checked by the caller).
    pub(crate) fn build(params: GarchParams) -> Self {
        Self {
            params,
            floor_sq: params.sigma_floor * params.sigma_floor,
            prev: f64::NAN,
            n_returns: 0,
            seed_sum: 0.0,
            omega: f64::NAN,
            var: f64::NAN,
            ready: false,
        }
    }

    /// Consumes a price (> 0, or NaN) and returns σ for this bar (NaN during warm-up).
    #[inline]
    pub fn update(&mut self, y: f64) -> f64 {
        if y.is_nan() {
            return f64::NAN;
        }
        if self.prev.is_nan() {
            self.prev = y;
            return f64::NAN;
        }
        let p = &self.params;
        let r = p.scaled_return(self.prev, y);
        self.prev = y;
        let a = r * r;
        if self.ready {
            let out = p.sigma(self.var, self.floor_sq);
            self.var = self.omega + p.alpha * a + p.beta * self.var;
            return out;
        }
        self.n_returns += 1;
        self.seed_sum += a;
        if self.n_returns == p.min_periods {
            let sbar = self.seed_sum / p.min_periods as f64;
            self.omega = p.omega_for(sbar);
            self.var = self.omega + p.alpha * a + p.beta * sbar;
            self.ready = true;
        }
        f64::NAN
    }

    /// What [`GarchState::update`] would return for `y`, without committing it. (σ of a bar
    /// depends only on earlier returns, so only whether `y` is NaN matters.)
    pub fn peek(&self, y: f64) -> f64 {
        if y.is_nan() || self.prev.is_nan() || !self.ready {
            return f64::NAN;
        }
        self.params.sigma(self.var, self.floor_sq)
    }

    /// Forgets every price (the parameters are kept).
    pub fn reset(&mut self) {
        *self = Self::build(self.params);
    }
}

/// GARCH(1,1) conditional volatility of the returns of `values` (same length, float64, σ in
/// plain return units — multiply by the price for a price-unit σ).
///
/// Warm-up `min_periods + 1` valid bars. Errors (in this order): empty input, the parameters
/// as in [`GarchParams::validate`], then ±inf or a value `<= 0` in `values`.
pub fn garch_volatility(values: &[f64], params: &GarchParams) -> OmegaResult<Vec<f64>> {
    crate::fast::to_vec(values.len(), |out| {
        garch_volatility_into(values, params, out)
    })
}

/// [`garch_volatility`] into `out` (as long as `values`; every element is written).
pub fn garch_volatility_into(
    values: &[f64],
    params: &GarchParams,
    out: &mut [f64],
) -> OmegaResult<()> {
    check_non_empty("values", values)?;
    let state = GarchState::new(*params)?;
    crate::fast::check_outputs("values", values.len(), &[&mut *out])?;
    let fast = if params.use_log_returns {
        garch_fast::<true>(values, state.clone(), out)
    } else {
        garch_fast::<false>(values, state.clone(), out)
    };
    if fast {
        return Ok(());
    }
    check_prices("values", values)?;
    let mut state = state;
    for (o, &y) in out.iter_mut().zip(values) {
        *o = state.update(y);
    }
    Ok(())
}

/// True when every value is a valid price (finite, `> 0`; NaN fails both comparisons).
/// Branch-free, so it vectorises.
#[inline(always)]
fn all_prices(values: &[f64]) -> bool {
    values
        .iter()
        .fold(true, |ok, &y| ok & (y > 0.0) & (y <= f64::MAX))
}

/// The fast path of [`garch_volatility_into`] (see [`crate::fast`]): [`GarchState::update`]
/// through the warm-up, then its ready branch a chunk at a time — first the squared scaled
/// returns of the chunk (independent of each other, so the logarithms overlap), then the
/// variance recursion and σ, with the same operations in the same order. `LOG` is
/// `params.use_log_returns`. `false` at the first chunk holding a value that is not a price
/// (NaN, `±inf`, `<= 0`); the caller then takes the slow path.
fn garch_fast<const LOG: bool>(v: &[f64], mut state: GarchState, out: &mut [f64]) -> bool {
    let n = v.len().min(out.len());
    let mut i = 0;
    while i < n && !state.ready {
        out[i] = state.update(v[i]);
        i += 1;
    }
    if !all_prices(&v[..i]) {
        return false;
    }
    let p = state.params;
    let (omega, alpha, beta, floor_sq) = (state.omega, p.alpha, p.beta, state.floor_sq);
    let (mut prev, mut var) = (state.prev, state.var);
    let mut sq = [0.0; crate::fast::CHUNK];
    crate::fast::each_chunk(
        i,
        n,
        |r| all_prices(&v[r]),
        |r| {
            let ys = &v[r.clone()];
            let sq = &mut sq[..ys.len()];
            for (a, &y) in sq.iter_mut().zip(ys) {
                // `GarchParams::scaled_return` with the return kind fixed.
                let ret = if LOG {
                    (y / prev).ln() * p.scale
                } else {
                    (y / prev - 1.0) * p.scale
                };
                prev = y;
                *a = ret * ret;
            }
            // Two values per trip: the two σ (square root, division) of a trip are independent
            // of each other and of the recursion, so LLVM packs them into one vector
            // instruction each, off the dependency chain.
            let mut outs = out[r].chunks_exact_mut(2);
            for (o, a) in (&mut outs).zip(sq.chunks_exact(2)) {
                let v0 = var;
                var = omega + alpha * a[0] + beta * var;
                let v1 = var;
                var = omega + alpha * a[1] + beta * var;
                let v = [v0, v1];
                let mut s = [0.0; 2];
                for k in 0..2 {
                    s[k] = p.sigma(v[k], floor_sq);
                }
                (o[0], o[1]) = (s[0], s[1]);
            }
            if let ([o], [.., a]) = (outs.into_remainder(), &*sq) {
                *o = p.sigma(var, floor_sq);
                var = omega + alpha * a + beta * var;
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(m: usize) -> GarchParams {
        GarchParams {
            min_periods: m,
            ..GarchParams::default()
        }
    }

    #[test]
    fn hand_computed_recursion() {
        let ys = [100.0, 101.0, 100.0, 102.0, 101.0];
        let p = GarchParams {
            alpha: 0.1,
            beta: 0.8,
            min_periods: 2,
            ..GarchParams::default()
        };
        let out = garch_volatility(&ys, &p).unwrap();
        let r: Vec<f64> = (1..5).map(|k| (ys[k] / ys[k - 1]).ln() * 100.0).collect();
        let sbar = (r[0] * r[0] + r[1] * r[1]) / 2.0;
        let omega = sbar * (1.0 - 0.1 - 0.8);
        let v3 = omega + 0.1 * r[1] * r[1] + 0.8 * sbar;
        let v4 = omega + 0.1 * r[2] * r[2] + 0.8 * v3;
        assert!(out[..3].iter().all(|v| v.is_nan()));
        assert!((out[3] - v3.sqrt() / 100.0).abs() < 1e-17);
        assert!((out[4] - v4.sqrt() / 100.0).abs() < 1e-17);
    }

    #[test]
    fn fixed_omega_and_simple_returns() {
        let ys = [10.0, 11.0, 10.5, 10.0];
        let p = GarchParams {
            alpha: 0.2,
            beta: 0.5,
            omega: Some(0.3),
            use_log_returns: false,
            scale: 1.0,
            min_periods: 1,
            sigma_floor: 0.0,
        };
        let out = garch_volatility(&ys, &p).unwrap();
        let r1: f64 = 11.0 / 10.0 - 1.0;
        let r2: f64 = 10.5 / 11.0 - 1.0;
        let (a1, a2) = (r1 * r1, r2 * r2);
        let v2 = 0.3 + 0.2 * a1 + 0.5 * a1;
        let v3 = 0.3 + 0.2 * a2 + 0.5 * v2;
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(out[2], v2.sqrt());
        assert_eq!(out[3], v3.sqrt());
    }

    #[test]
    fn nan_gap_behaves_as_if_removed_and_peek_equals_update() {
        let full = [
            1.0,
            f64::NAN,
            1.01,
            0.99,
            f64::NAN,
            1.02,
            1.0,
            1.03,
            f64::NAN,
            1.01,
        ];
        let compressed: Vec<f64> = full.iter().copied().filter(|v| !v.is_nan()).collect();
        let a = garch_volatility(&full, &params(2)).unwrap();
        let b = garch_volatility(&compressed, &params(2)).unwrap();
        let a_valid: Vec<f64> = full
            .iter()
            .zip(&a)
            .filter(|(x, _)| !x.is_nan())
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(a_valid.len(), b.len());
        for (x, y) in a_valid.iter().zip(&b) {
            assert!(x == y || (x.is_nan() && y.is_nan()));
        }
        let mut s = GarchState::new(params(2)).unwrap();
        for &y in &full {
            let p = s.peek(y);
            let u = s.update(y);
            assert!(p == u || (p.is_nan() && u.is_nan()));
        }
    }

    #[test]
    fn constant_prices_hit_the_floor() {
        let out = garch_volatility(&[5.0; 6], &params(2)).unwrap();
        assert!(out[..3].iter().all(|v| v.is_nan()));
        assert!(out[3..].iter().all(|&v| v == 1e-6 / 100.0));
        let no_floor = GarchParams {
            sigma_floor: 0.0,
            ..params(2)
        };
        let out = garch_volatility(&[5.0; 6], &no_floor).unwrap();
        assert!(out[3..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn errors_in_order() {
        let bad = |p: GarchParams| garch_volatility(&[1.0, 2.0], &p).unwrap_err().to_string();
        let d = GarchParams::default();
        assert_eq!(
            bad(GarchParams { alpha: -0.1, ..d }),
            "alpha: expected a finite number >= 0, got -0.1"
        );
        assert_eq!(
            bad(GarchParams {
                beta: f64::INFINITY,
                ..d
            }),
            "beta: expected a finite number >= 0, got inf"
        );
        assert_eq!(
            bad(GarchParams {
                alpha: 0.5,
                beta: 0.5,
                ..d
            }),
            "alpha + beta: expected a sum < 1 (stationary GARCH(1,1)), got 1"
        );
        assert_eq!(
            bad(GarchParams {
                omega: Some(0.0),
                ..d
            }),
            "omega: expected a finite number > 0, or None for variance targeting, got 0"
        );
        assert_eq!(
            bad(GarchParams { scale: 0.0, ..d }),
            "scale: expected a finite number > 0, got 0"
        );
        assert_eq!(
            bad(GarchParams {
                min_periods: 0,
                ..d
            }),
            "min_periods: expected an integer >= 1, got 0"
        );
        assert_eq!(
            bad(GarchParams {
                sigma_floor: -1.0,
                ..d
            }),
            "sigma_floor: expected a finite number >= 0, got -1"
        );
        assert_eq!(
            garch_volatility(&[1.0, 0.0], &d).unwrap_err().to_string(),
            "values: expected prices > 0 or NaN (GARCH returns need positive prices), got 0 at index 1"
        );
    }
}
