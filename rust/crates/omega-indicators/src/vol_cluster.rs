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

use crate::atr::{AtrState, atr};
use crate::garch_volatility::GarchParams;
use crate::garch_volatility_local::{GarchLocalState, check_lookback_named};
use crate::stat_validate::check_prices;
use crate::stream_input;
use crate::validate::{check_non_empty, check_same_length, check_state_period};

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

/// O(1)-amortised streaming state of [`vol_cluster_series`]: an [`AtrState`] or a
/// [`GarchLocalState`] on the closes, fed one bar at a time.
#[derive(Debug, Clone)]
pub enum VolClusterState {
    /// `mode="atr"`.
    Atr(AtrState),
    /// `mode="garch"` (only the close is used).
    Garch(GarchLocalState),
}

impl VolClusterState {
    /// A fresh state. Checks only the parameters of `mode`, like [`vol_cluster_series`]:
    /// `"atr"` — `atr_period >= 1`; `"garch"` — `min_periods`, `garch_lookback >=
    /// min_periods + 2`, then the float GARCH parameters.
    pub fn new(
        mode: VolClusterMode,
        atr_period: usize,
        garch_lookback: usize,
        params: GarchParams,
    ) -> OmegaResult<Self> {
        match mode {
            VolClusterMode::Atr => {
                check_state_period("atr_period", atr_period, 1)?;
                Ok(Self::Atr(AtrState::new(atr_period)?))
            }
            VolClusterMode::Garch => {
                params.validate_ints()?;
                check_lookback_named("garch_lookback", garch_lookback, params.min_periods, None)?;
                params.validate_floats()?;
                Ok(Self::Garch(GarchLocalState::build(garch_lookback, params)?))
            }
        }
    }

    /// The routed indicator.
    pub fn mode(&self) -> VolClusterMode {
        match self {
            Self::Atr(_) => VolClusterMode::Atr,
            Self::Garch(_) => VolClusterMode::Garch,
        }
    }

    /// The per-bar input check of the streaming class, as the batch checks the inputs:
    /// `"atr"` — [`stream_input::check_bar`]; `"garch"` — the close is a price
    /// ([`stream_input::check_price`]); high and low are not used.
    #[inline]
    pub fn check_bar(&self, high: f64, low: f64, close: f64) -> OmegaResult<()> {
        match self {
            Self::Atr(_) => stream_input::check_bar(high, low, close),
            Self::Garch(_) => stream_input::check_price("close", close),
        }
    }

    /// Feeds one bar; returns the feature after it, NaN during warm-up.
    #[inline]
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        match self {
            Self::Atr(s) => s.update(high, low, close),
            Self::Garch(s) => s.update(close),
        }
    }

    /// The value [`update`](Self::update) would return, without committing the bar.
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        match self {
            Self::Atr(s) => s.peek(high, low, close),
            Self::Garch(s) => s.peek(close),
        }
    }

    /// Forgets every bar (the parameters are kept).
    pub fn reset(&mut self) {
        match self {
            Self::Atr(s) => s.reset(),
            Self::Garch(s) => s.reset(),
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
    fn state_equals_batch_and_resets() {
        let (h, l, mut c) = bars();
        c[7] = f64::NAN;
        let p = GarchParams {
            min_periods: 5,
            ..GarchParams::default()
        };
        for (mode, want) in [
            (VolClusterMode::Atr, atr(&h, &l, &c, 4).unwrap()),
            (
                VolClusterMode::Garch,
                garch_volatility_local(&c, 10, &p).unwrap(),
            ),
        ] {
            let mut s = VolClusterState::new(mode, 4, 10, p).unwrap();
            assert_eq!(s.mode(), mode);
            let run = |s: &mut VolClusterState| -> Vec<f64> {
                (0..c.len())
                    .map(|i| {
                        let peeked = s.peek(h[i], l[i], c[i]);
                        let got = s.update(h[i], l[i], c[i]);
                        assert!(
                            peeked.to_bits() == got.to_bits() || (peeked.is_nan() && got.is_nan())
                        );
                        got
                    })
                    .collect()
            };
            assert!(same(&run(&mut s), &want));
            s.reset();
            assert!(same(&run(&mut s), &want));
        }
        assert_eq!(
            VolClusterState::new(VolClusterMode::Atr, 0, 0, p)
                .unwrap_err()
                .to_string(),
            "atr_period: expected an integer >= 1, got 0"
        );
        assert_eq!(
            VolClusterState::new(VolClusterMode::Garch, 0, 6, p)
                .unwrap_err()
                .to_string(),
            "garch_lookback: expected an integer >= min_periods + 2 = 7, got 6"
        );
        let s = VolClusterState::new(VolClusterMode::Garch, 0, 7, p).unwrap();
        assert!(s.check_bar(f64::INFINITY, 1.0, 2.0).is_ok());
        assert!(s.check_bar(1.0, 1.0, 0.0).is_err());
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
