//! Several indicators over one bar series in one call, computed in parallel.
//!
//! [`IndicatorSpec`] names one indicator with all of its parameters; [`compute_batch`] runs a
//! list of them over the same [`Bars`] on the rayon thread pool and returns their outputs in
//! spec order. The Python `IndicatorCache.compute_batch` crosses into Rust once for the whole
//! list; the Rust strategy loop uses the same specs.

use omega_core::OmegaResult;
use rayon::prelude::*;

use crate::{GarchParams, MeanSource, VolClusterMode};

/// The price columns an indicator may read. Single-series indicators read `close`.
#[derive(Debug, Clone, Copy)]
pub struct Bars<'a> {
    /// Highest prices.
    pub high: &'a [f64],
    /// Lowest prices.
    pub low: &'a [f64],
    /// Closing prices (the series of single-input indicators).
    pub close: &'a [f64],
}

/// One indicator with every parameter given (the Python layer fills in defaults).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // each variant is the function of the same name; see its docs
pub enum IndicatorSpec {
    Sma {
        period: usize,
    },
    Ema {
        period: usize,
    },
    Dema {
        period: usize,
    },
    Tema {
        period: usize,
    },
    Rsi {
        period: usize,
    },
    Roc {
        period: usize,
    },
    Momentum {
        period: usize,
    },
    RollingStd {
        period: usize,
    },
    Macd {
        fast: usize,
        slow: usize,
        signal: usize,
    },
    Bollinger {
        period: usize,
        std_factor: f64,
    },
    TrueRange,
    Atr {
        period: usize,
    },
    Dmi {
        period: usize,
    },
    Choppiness {
        period: usize,
    },
    ZScore {
        window: usize,
        mean_source: MeanSource,
        ema_period: Option<usize>,
    },
    KalmanMean {
        r: f64,
        q: f64,
    },
    KalmanZScore {
        window: usize,
        r: f64,
        q: f64,
    },
    GarchVolatility {
        params: GarchParams,
    },
    GarchVolatilityLocal {
        lookback: usize,
        params: GarchParams,
    },
    KalmanGarchZScore {
        r: f64,
        q: f64,
        params: GarchParams,
    },
    KalmanGarchZScoreLocal {
        lookback: usize,
        r: f64,
        q: f64,
        params: GarchParams,
    },
    VolCluster {
        mode: VolClusterMode,
        atr_period: usize,
        garch_lookback: usize,
        params: GarchParams,
    },
}

impl IndicatorSpec {
    /// The function name (as in Python: `"ema"`, `"vol_cluster_series"`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sma { .. } => "sma",
            Self::Ema { .. } => "ema",
            Self::Dema { .. } => "dema",
            Self::Tema { .. } => "tema",
            Self::Rsi { .. } => "rsi",
            Self::Roc { .. } => "roc",
            Self::Momentum { .. } => "momentum",
            Self::RollingStd { .. } => "rolling_std",
            Self::Macd { .. } => "macd",
            Self::Bollinger { .. } => "bollinger",
            Self::TrueRange => "true_range",
            Self::Atr { .. } => "atr",
            Self::Dmi { .. } => "dmi",
            Self::Choppiness { .. } => "choppiness",
            Self::ZScore { .. } => "zscore",
            Self::KalmanMean { .. } => "kalman_mean",
            Self::KalmanZScore { .. } => "kalman_zscore",
            Self::GarchVolatility { .. } => "garch_volatility",
            Self::GarchVolatilityLocal { .. } => "garch_volatility_local",
            Self::KalmanGarchZScore { .. } => "kalman_garch_zscore",
            Self::KalmanGarchZScoreLocal { .. } => "kalman_garch_zscore_local",
            Self::VolCluster { .. } => "vol_cluster_series",
        }
    }

    /// Runs the indicator over `bars`; one output vector, or three for MACD, Bollinger, DMI.
    pub fn compute(&self, bars: &Bars<'_>) -> OmegaResult<Vec<Vec<f64>>> {
        let Bars { high, low, close } = *bars;
        let one = |v: Vec<f64>| vec![v];
        Ok(match *self {
            Self::Sma { period } => one(crate::sma(close, period)?),
            Self::Ema { period } => one(crate::ema(close, period)?),
            Self::Dema { period } => one(crate::dema(close, period)?),
            Self::Tema { period } => one(crate::tema(close, period)?),
            Self::Rsi { period } => one(crate::rsi(close, period)?),
            Self::Roc { period } => one(crate::roc(close, period)?),
            Self::Momentum { period } => one(crate::momentum(close, period)?),
            Self::RollingStd { period } => one(crate::rolling_std(close, period)?),
            Self::Macd { fast, slow, signal } => {
                let m = crate::macd(close, fast, slow, signal)?;
                vec![m.macd, m.signal, m.hist]
            }
            Self::Bollinger { period, std_factor } => {
                let b = crate::bollinger(close, period, std_factor)?;
                vec![b.upper, b.middle, b.lower]
            }
            Self::TrueRange => one(crate::true_range(high, low, close)?),
            Self::Atr { period } => one(crate::atr(high, low, close, period)?),
            Self::Dmi { period } => {
                let d = crate::dmi(high, low, close, period)?;
                vec![d.plus_di, d.minus_di, d.adx]
            }
            Self::Choppiness { period } => one(crate::choppiness(high, low, close, period)?),
            Self::ZScore {
                window,
                mean_source,
                ema_period,
            } => one(crate::zscore(close, window, mean_source, ema_period)?),
            Self::KalmanMean { r, q } => one(crate::kalman_mean(close, r, q)?),
            Self::KalmanZScore { window, r, q } => one(crate::kalman_zscore(close, window, r, q)?),
            Self::GarchVolatility { params } => one(crate::garch_volatility(close, &params)?),
            Self::GarchVolatilityLocal { lookback, params } => {
                one(crate::garch_volatility_local(close, lookback, &params)?)
            }
            Self::KalmanGarchZScore { r, q, params } => {
                one(crate::kalman_garch_zscore(close, r, q, &params)?)
            }
            Self::KalmanGarchZScoreLocal {
                lookback,
                r,
                q,
                params,
            } => one(crate::kalman_garch_zscore_local(
                close, lookback, r, q, &params,
            )?),
            Self::VolCluster {
                mode,
                atr_period,
                garch_lookback,
                params,
            } => one(crate::vol_cluster_series(
                high,
                low,
                close,
                mode,
                atr_period,
                garch_lookback,
                &params,
            )?),
        })
    }
}

/// Computes every spec over `bars` in parallel; outputs in spec order. The first failing spec
/// (in spec order) is the error.
pub fn compute_batch(specs: &[IndicatorSpec], bars: &Bars<'_>) -> OmegaResult<Vec<Vec<Vec<f64>>>> {
    let results: Vec<_> = specs.par_iter().map(|spec| spec.compute(bars)).collect();
    // Sequential collect so that the error reported is the first one in spec order.
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit patterns, so that NaN compares equal to NaN.
    fn bits(outputs: &[Vec<f64>]) -> Vec<Vec<u64>> {
        outputs
            .iter()
            .map(|v| v.iter().map(|x| x.to_bits()).collect())
            .collect()
    }

    fn bars_of(close: &[f64]) -> (Vec<f64>, Vec<f64>) {
        (
            close.iter().map(|c| c + 0.5).collect(),
            close.iter().map(|c| c - 0.5).collect(),
        )
    }

    #[test]
    fn batch_outputs_equal_the_single_calls_in_spec_order() {
        let close: Vec<f64> = (0..200)
            .map(|i| 100.0 + (i as f64 * 0.3).sin() * 3.0)
            .collect();
        let (high, low) = bars_of(&close);
        let bars = Bars {
            high: &high,
            low: &low,
            close: &close,
        };
        let specs = vec![
            IndicatorSpec::Ema { period: 10 },
            IndicatorSpec::Bollinger {
                period: 20,
                std_factor: 2.0,
            },
            IndicatorSpec::Atr { period: 14 },
            IndicatorSpec::KalmanMean { r: 0.01, q: 1.0 },
        ];
        let out = compute_batch(&specs, &bars).unwrap();
        assert_eq!(bits(&out[0]), bits(&[crate::ema(&close, 10).unwrap()]));
        let b = crate::bollinger(&close, 20, 2.0).unwrap();
        assert_eq!(bits(&out[1]), bits(&[b.upper, b.middle, b.lower]));
        assert_eq!(
            bits(&out[2]),
            bits(&[crate::atr(&high, &low, &close, 14).unwrap()])
        );
        assert_eq!(
            bits(&out[3]),
            bits(&[crate::kalman_mean(&close, 0.01, 1.0).unwrap()])
        );
        assert_eq!(
            specs.iter().map(IndicatorSpec::name).collect::<Vec<_>>(),
            ["ema", "bollinger", "atr", "kalman_mean"]
        );
    }

    #[test]
    fn the_first_failing_spec_is_the_error() {
        let close = [1.0, 2.0, 3.0];
        let (high, low) = bars_of(&close);
        let bars = Bars {
            high: &high,
            low: &low,
            close: &close,
        };
        let specs = [
            IndicatorSpec::Sma { period: 9 },
            IndicatorSpec::Ema { period: 0 },
        ];
        let err = compute_batch(&specs, &bars).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("period: expected an integer >= 1"),
            "{err}"
        );
        assert!(err.to_string().ends_with("got 9"), "{err}");
    }
}
