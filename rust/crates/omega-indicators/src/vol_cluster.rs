//! Volatility feature for regime clustering: ATR or the local GARCH σ.
//!
//! `vol_cluster_series(mode = "atr" | "garch", …)` routes to
//!
//! * `"atr"` → [`crate::atr`]`(high, low, close, atr_period)` — Wilder ATR in price units;
//! * `"garch"` → [`crate::garch_volatility_local`]`(close, garch_lookback, params)` — the
//!   local-window GARCH σ in plain return units.
//!
//! This is exactly what the original Omega `IndicatorCache.vol_cluster_series` did (there the
//! feature was named `"atr_points"`, anything else meant local GARCH): it returns the *feature
//! series only*. Turning it into regimes (the original strategy ran a 1-D k-means over the
//! last `window` feature values and labelled the clusters low / mid / high / very_high /
//! extreme) is the strategy's job, not an indicator's.
//!
//! Warm-up and NaN rule: those of the routed indicator (ATR: `atr_period` valid bars, a bar is
//! NaN when high, low or close is; GARCH: `garch_lookback − 1` valid closes).

use std::fmt;
use std::str::FromStr;

use omega_core::{OmegaError, OmegaResult};

use crate::atr::atr;
use crate::garch_volatility::GarchParams;
use crate::garch_volatility_local::{GarchLocalState, check_lookback_named};
use crate::stat_validate::check_prices;
use crate::validate::{check_non_empty, check_same_length};

/// Which volatility feature [`vol_cluster_series`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolClusterMode {
    /// `mode="atr"`: Wilder ATR over `atr_period` (price units).
    Atr,
    /// `mode="garch"`: local GARCH σ over `garch_lookback` (return units).
    Garch,
}

impl VolClusterMode {
    /// The Python spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VolClusterMode::Atr => "atr",
            VolClusterMode::Garch => "garch",
        }
    }
}

impl fmt::Display for VolClusterMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VolClusterMode {
    type Err = OmegaError;

    /// `"atr"` or `"garch"` (exact spelling).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "atr" => Ok(VolClusterMode::Atr),
            "garch" => Ok(VolClusterMode::Garch),
            _ => Err(OmegaError::invalid_value(
                "mode",
                "one of atr, garch",
                format!("{s:?}"),
            )),
        }
    }
}

/// The volatility feature series (same length as the inputs, float64).
///
/// * `mode` — [`VolClusterMode::Atr`] or [`VolClusterMode::Garch`] (parsed before the call).
/// * `atr_period` — ATR period (`"atr"` only; Python default 14).
/// * `garch_lookback`, `params` — local GARCH window and parameters (`"garch"` only; Python
///   defaults 400 and [`GarchParams::default`]).
///
/// Errors: `"atr"` — those of [`crate::atr`]. `"garch"` (in this order) — empty `high`,
/// `low`/`close` lengths, `min_periods`, `garch_lookback` (`min_periods + 2 ..= len(close)`),
/// the float GARCH parameters, ±inf or a value `<= 0` in `close`. Parameters of the other mode
/// are not checked.
pub fn vol_cluster_series(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    mode: VolClusterMode,
    atr_period: usize,
    garch_lookback: usize,
    params: &GarchParams,
) -> OmegaResult<Vec<f64>> {
    match mode {
        VolClusterMode::Atr => atr(high, low, close, atr_period),
        VolClusterMode::Garch => {
            check_non_empty("high", high)?;
            check_same_length("low", low.len(), "high", high.len())?;
            check_same_length("close", close.len(), "high", high.len())?;
            params.validate_ints()?;
            check_lookback_named(
                "garch_lookback",
                garch_lookback,
                params.min_periods,
                Some((close.len(), "close")),
            )?;
            params.validate_floats()?;
            check_prices("close", close)?;
            let mut state = GarchLocalState::build(garch_lookback, *params)?;
            Ok(close.iter().map(|&y| state.update(y)).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::garch_volatility_local::garch_volatility_local;

    fn bars() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let close: Vec<f64> = (0..30)
            .map(|i| 100.0 + ((i * 7) % 11) as f64 * 0.3)
            .collect();
        let high = close.iter().map(|c| c + 0.5).collect();
        let low = close.iter().map(|c| c - 0.4).collect();
        (high, low, close)
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn routes_to_atr_or_local_garch() {
        let (h, l, c) = bars();
        let p = GarchParams {
            min_periods: 5,
            ..GarchParams::default()
        };
        let a = vol_cluster_series(&h, &l, &c, VolClusterMode::Atr, 14, 0, &p).unwrap();
        assert!(same(&a, &atr(&h, &l, &c, 14).unwrap()));
        let g = vol_cluster_series(&h, &l, &c, VolClusterMode::Garch, 0, 10, &p).unwrap();
        assert!(same(&g, &garch_volatility_local(&c, 10, &p).unwrap()));
    }

    #[test]
    fn errors() {
        let (h, l, c) = bars();
        let p = GarchParams {
            min_periods: 5,
            ..GarchParams::default()
        };
        assert_eq!(
            "atr_points"
                .parse::<VolClusterMode>()
                .unwrap_err()
                .to_string(),
            "mode: expected one of atr, garch, got \"atr_points\""
        );
        assert_eq!(
            vol_cluster_series(&h, &l[1..], &c, VolClusterMode::Garch, 14, 10, &p)
                .unwrap_err()
                .to_string(),
            "low: expected length 30 (same as high), got 29"
        );
        assert_eq!(
            vol_cluster_series(&h, &l, &c, VolClusterMode::Garch, 14, 31, &p)
                .unwrap_err()
                .to_string(),
            "garch_lookback: expected an integer >= min_periods + 2 = 7 and <= len(close) = 30, got 31"
        );
        let mut c0 = c.clone();
        c0[3] = 0.0;
        assert_eq!(
            vol_cluster_series(&h, &l, &c0, VolClusterMode::Garch, 14, 10, &p)
                .unwrap_err()
                .to_string(),
            "close: expected prices > 0 or NaN (GARCH returns need positive prices), got 0 at index 3"
        );
    }
}
