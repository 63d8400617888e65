//! The Rust side of `IndicatorCache`: indicator series on the primary index, computed once
//! before the loop with omega-indicators' batch kernels.
//!
//! A strategy asks for its indicators in [`crate::Strategy::on_init`] through
//! [`InitContext`]; each request is a list of [`IndicatorSpec`]s over one timeframe and side,
//! computed in one [`compute_batch`] call (in parallel) on that timeframe's **native** candles
//! and then mapped onto the primary index through the HTF map (so an H1 EMA is the stepwise
//! EMA, never an EMA over carried-forward values) — exactly what the Python
//! `IndicatorCache._compute` does. During the loop a strategy reads values only through
//! [`crate::DataSlice`], which exposes bar `t` and earlier bars, never later ones.
//!
//! [`ProvidedIndicators`]: when omega-indicators runs on its Python fallback while the
//! strategy runs in Rust (the engine's flag matrix), the strategy's series are computed by that
//! fallback and handed over by name; an [`InitContext::with_provided`] then serves every
//! request from them and runs no omega-indicators code itself.

use std::collections::HashMap;

use omega_core::{OmegaError, OmegaResult, Side, Timeframe};
use omega_execution::FillAt;
use omega_indicators::batch::{Bars, IndicatorSpec, compute_batch};
use omega_indicators::stepwise::forward_fill_onto_primary;

use crate::data::MarketData;

/// Handle of one indicator series in an [`IndicatorCache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorId(usize);

/// Indicator series, each as long as the primary index.
#[derive(Debug, Clone, Default)]
pub struct IndicatorCache {
    values: Vec<Vec<f64>>,
    names: Vec<String>,
    kernel_calls: u64,
}

impl IndicatorCache {
    /// The whole series of `id` (for building derived series in `on_init`; the loop reads
    /// through [`crate::DataSlice`]).
    #[inline]
    pub fn series(&self, id: IndicatorId) -> &[f64] {
        &self.values[id.0]
    }

    /// The name given to `id` (`"<spec>@<tf>/<side>"` for kernel outputs).
    pub fn name(&self, id: IndicatorId) -> &str {
        &self.names[id.0]
    }

    /// Number of series held.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// No series held.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Indicator kernels run to fill this cache (one per spec, one per derived series); a
    /// series served by name from [`ProvidedIndicators`] ran none here and counts nothing.
    pub fn kernel_calls(&self) -> u64 {
        self.kernel_calls
    }

    fn push(&mut self, name: String, values: Vec<f64>) -> IndicatorId {
        self.values.push(values);
        self.names.push(name);
        IndicatorId(self.values.len() - 1)
    }
}

/// Series on the primary index computed outside this crate, by the name an [`InitContext`]
/// gives them (`"<spec>[<output>]@<tf>/<side>"`, `"<field>@<tf>/<side>"`, derived names).
#[derive(Debug, Clone, Default)]
pub struct ProvidedIndicators {
    series: HashMap<String, Vec<f64>>,
}

impl ProvidedIndicators {
    /// Adds the series `name`.
    pub fn insert(&mut self, name: String, values: Vec<f64>) {
        self.series.insert(name, values);
    }

    fn get(&self, name: &str, len: usize) -> OmegaResult<Vec<f64>> {
        let values = self.series.get(name).ok_or_else(|| {
            let mut names: Vec<&str> = self.series.keys().map(String::as_str).collect();
            names.sort_unstable();
            OmegaError::invalid_value(
                "indicators",
                format!(
                    "a provided series '{name}' (provided: {})",
                    names.join(", ")
                ),
                "none",
            )
        })?;
        if values.len() != len {
            return Err(OmegaError::LengthMismatch {
                name: name.to_owned(),
                reference: "the primary timestamps".into(),
                expected: len,
                got: values.len(),
            });
        }
        Ok(values.clone())
    }
}

/// What a strategy sees in `on_init`: the data, the indicator cache it fills, and the
/// execution settings that shape its signals.
#[derive(Debug)]
pub struct InitContext<'c, 'a> {
    data: &'c MarketData<'a>,
    cache: &'c mut IndicatorCache,
    fill_at: FillAt,
    provided: Option<&'c ProvidedIndicators>,
    /// Provided mode: the spec each served kernel-output name was asked for. The name holds
    /// the indicator but not its parameters, so two specs of one indicator on one timeframe
    /// and side (EMA 10 and EMA 50) would be served the same series: an error instead.
    served_specs: HashMap<String, IndicatorSpec>,
}

impl<'c, 'a> InitContext<'c, 'a> {
    /// A context filling `cache` from `data`.
    pub fn new(data: &'c MarketData<'a>, cache: &'c mut IndicatorCache, fill_at: FillAt) -> Self {
        Self {
            data,
            cache,
            fill_at,
            provided: None,
            served_specs: HashMap::new(),
        }
    }

    /// A context serving every indicator, field and derived series from `provided` (computed
    /// elsewhere, see the module docs) instead of computing them.
    pub fn with_provided(
        data: &'c MarketData<'a>,
        cache: &'c mut IndicatorCache,
        fill_at: FillAt,
        provided: &'c ProvidedIndicators,
    ) -> Self {
        Self {
            provided: Some(provided),
            ..Self::new(data, cache, fill_at)
        }
    }

    /// The market data.
    pub fn data(&self) -> &MarketData<'a> {
        self.data
    }

    /// When market orders fill (the simulator's `fill_at`).
    pub fn fill_at(&self) -> FillAt {
        self.fill_at
    }

    /// Number of native candles of `tf`/`side` (0 when absent).
    pub fn native_len(&self, tf: Timeframe, side: Side) -> usize {
        self.data
            .native(tf, side)
            .map_or(0, |s| s.columns.timestamps.len())
    }

    /// Computes `specs` over the native `tf`/`side` candles in one batch (in parallel) and
    /// maps every output onto the primary index. Returns, per spec, the ids of its outputs
    /// (three for MACD, Bollinger and DMI).
    pub fn compute(
        &mut self,
        tf: Timeframe,
        side: Side,
        specs: &[IndicatorSpec],
    ) -> OmegaResult<Vec<Vec<IndicatorId>>> {
        if specs.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(provided) = self.provided {
            return specs
                .iter()
                .map(|spec| {
                    let name = |k: usize| format!("{}[{k}]@{tf}/{side}", spec.name());
                    match self.served_specs.get(&name(0)) {
                        Some(earlier) if earlier != spec => {
                            return Err(OmegaError::invalid_value(
                                "specs",
                                format!(
                                    "one spec per provided series name ('{}' already serves \
                                     {earlier:?})",
                                    name(0)
                                ),
                                format!("{spec:?}"),
                            ));
                        }
                        Some(_) => {}
                        None => {
                            self.served_specs.insert(name(0), spec.clone());
                        }
                    }
                    let mut ids = vec![self.push_provided(provided, name(0))?];
                    while provided.series.contains_key(&name(ids.len())) {
                        ids.push(self.push_provided(provided, name(ids.len()))?);
                    }
                    Ok(ids)
                })
                .collect();
        }
        let (series, map) = self.data.series(tf, side)?;
        let c = &series.columns;
        let bars = Bars {
            high: c.high,
            low: c.low,
            close: c.close,
        };
        let outputs = compute_batch(specs, &bars)?;
        self.cache.kernel_calls += specs.len() as u64;
        let mut ids = Vec::with_capacity(specs.len());
        for (spec, out) in specs.iter().zip(outputs) {
            let mut spec_ids = Vec::with_capacity(out.len());
            for (k, values) in out.into_iter().enumerate() {
                let values = match map {
                    None => values,
                    Some(map) => forward_fill_onto_primary(&values, map),
                };
                let name = format!("{}[{k}]@{tf}/{side}", spec.name());
                spec_ids.push(self.cache.push(name, values));
            }
            ids.push(spec_ids);
        }
        Ok(ids)
    }

    /// [`InitContext::compute`] for single-output specs: one id per spec.
    pub fn compute_each(
        &mut self,
        tf: Timeframe,
        side: Side,
        specs: &[IndicatorSpec],
    ) -> OmegaResult<Vec<IndicatorId>> {
        self.compute(tf, side, specs)?
            .into_iter()
            .zip(specs)
            .map(|(ids, spec)| match ids.as_slice() {
                [one] => Ok(*one),
                _ => Err(OmegaError::invalid_value(
                    "specs",
                    "single-output indicators",
                    spec.name(),
                )),
            })
            .collect()
    }

    /// A raw candle field of `tf`/`side` (`open`, `high`, `low`, `close`, `volume`) as each
    /// primary bar sees it: the last closed candle of `tf`, NaN before the first one closes.
    pub fn field(&mut self, tf: Timeframe, side: Side, field: &str) -> OmegaResult<IndicatorId> {
        if let Some(provided) = self.provided {
            return self.push_provided(provided, format!("{field}@{tf}/{side}"));
        }
        let (series, map) = self.data.series(tf, side)?;
        let c = &series.columns;
        let column = match field {
            "open" => c.open,
            "high" => c.high,
            "low" => c.low,
            "close" => c.close,
            "volume" => c.volume,
            _ => {
                return Err(OmegaError::invalid_value(
                    "field",
                    "one of open, high, low, close, volume",
                    format!("'{field}'"),
                ));
            }
        };
        let values = match map {
            None => column.to_vec(),
            Some(map) => forward_fill_onto_primary(column, map),
        };
        Ok(self.cache.push(format!("{field}@{tf}/{side}"), values))
    }

    /// A series the strategy derived itself (e.g. an SMA of an indicator); it must be as long
    /// as the primary index and may only use values at or before each position.
    pub fn insert(&mut self, name: &str, values: Vec<f64>) -> OmegaResult<IndicatorId> {
        if values.len() != self.data.len() {
            return Err(OmegaError::LengthMismatch {
                name: name.to_owned(),
                reference: "the primary timestamps".into(),
                expected: self.data.len(),
                got: values.len(),
            });
        }
        self.cache.kernel_calls += 1;
        Ok(self.cache.push(name.to_owned(), values))
    }

    /// Whether every series is served by name from indicators computed elsewhere.
    pub fn is_provided(&self) -> bool {
        self.provided.is_some()
    }

    /// The simple moving average of series `source` over `period` bars, stored as `name` (a
    /// derived series; `omega_indicators::sma`).
    pub fn derive_sma(
        &mut self,
        name: &str,
        source: IndicatorId,
        period: usize,
    ) -> OmegaResult<IndicatorId> {
        if let Some(provided) = self.provided {
            return self.push_provided(provided, name.to_owned());
        }
        let values = sma_after_warm_up(self.values(source), period)?;
        self.insert(name, values)
    }

    fn push_provided(
        &mut self,
        provided: &ProvidedIndicators,
        name: String,
    ) -> OmegaResult<IndicatorId> {
        let values = provided.get(&name, self.data.len())?;
        Ok(self.cache.push(name, values))
    }

    /// A series of NaN (an indicator that has not warmed up anywhere).
    pub fn not_warmed_up(&mut self, name: &str) -> IndicatorId {
        self.cache.push(
            format!("{name} (not warmed up)"),
            vec![f64::NAN; self.data.len()],
        )
    }

    /// The values of `id` computed so far.
    pub fn values(&self, id: IndicatorId) -> &[f64] {
        self.cache.series(id)
    }
}

/// `omega_indicators::sma(values, period)`, bit for bit, without its NaN-gap path when the
/// only NaN are leading (an indicator's warm-up): the SMA skips NaN, so the leading ones belong
/// to no window and their outputs are NaN; the rest is computed in place. Anything else (no
/// leading NaN, fewer than `period` values after them, an error) is `sma` itself.
fn sma_after_warm_up(values: &[f64], period: usize) -> OmegaResult<Vec<f64>> {
    let lead = values.iter().take_while(|v| v.is_nan()).count();
    if lead == 0 || values.len() - lead < period {
        return omega_indicators::sma(values, period);
    }
    let mut out = vec![f64::NAN; values.len()];
    match omega_indicators::sma::sma_into(&values[lead..], period, &mut out[lead..]) {
        Ok(()) => Ok(out),
        Err(_) => omega_indicators::sma(values, period),
    }
}

#[cfg(test)]
mod tests {
    use omega_core::OhlcvColumns;

    use super::*;
    use crate::data::Series;

    #[test]
    fn the_sma_after_a_warm_up_is_the_sma_bit_for_bit() {
        let nan = f64::NAN;
        let wave =
            |n: usize| -> Vec<f64> { (0..n).map(|k| 1.0 + (k as f64 * 0.37).sin()).collect() };
        let lead = |k: usize, rest: Vec<f64>| [vec![nan; k], rest].concat();
        let mut gaps = lead(40, wave(300));
        gaps[100] = nan;
        gaps[101] = nan;
        let mut inf = lead(5, wave(50));
        inf[20] = f64::INFINITY;
        let cases = [
            (lead(40, wave(300)), 20),
            (lead(40, wave(300)), 1),
            (gaps, 30),
            (lead(7, wave(10)), 10),
            (lead(7, wave(10)), 11),
            (vec![nan; 12], 3),
            (wave(100), 10),
            (lead(3, wave(20)), 0),
            (inf, 4),
        ];
        for (values, period) in cases {
            let bits = |r: OmegaResult<Vec<f64>>| {
                r.map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
            };
            assert_eq!(
                bits(sma_after_warm_up(&values, period)),
                bits(omega_indicators::sma(&values, period)),
                "{} values, period {period}",
                values.len()
            );
        }
    }

    #[test]
    fn a_provided_context_serves_requests_by_name_and_computes_nothing() {
        let n = 64;
        let ts: Vec<i64> = (0..n).map(|k| k * 300_000_000).collect();
        let close: Vec<f64> = (0..n)
            .map(|k| 1.0 + 0.01 * ((k as f64) * 0.7).sin())
            .collect();
        let high: Vec<f64> = close.iter().map(|c| c + 0.002).collect();
        let low: Vec<f64> = close.iter().map(|c| c - 0.002).collect();
        let volume = vec![0.0; close.len()];
        let columns = OhlcvColumns::new(&ts, &close, &high, &low, &close, &volume).unwrap();
        let series = |side| Series {
            timeframe: Timeframe::M5,
            side,
            columns,
        };
        let data =
            MarketData::new(Timeframe::M5, vec![series(Side::Bid), series(Side::Ask)]).unwrap();
        let spec = IndicatorSpec::Atr { period: 14 };
        let mut native = IndicatorCache::default();
        let mut init = InitContext::new(&data, &mut native, FillAt::SignalClose);
        let atr = init
            .compute_each(Timeframe::M5, Side::Bid, std::slice::from_ref(&spec))
            .unwrap()[0];
        let mean = init.derive_sma("atr_mean", atr, 5).unwrap();
        let mut provided = ProvidedIndicators::default();
        provided.insert("atr[0]@M5/bid".into(), native.series(atr).to_vec());
        provided.insert("atr_mean".into(), native.series(mean).to_vec());
        let mut served = IndicatorCache::default();
        let mut init =
            InitContext::with_provided(&data, &mut served, FillAt::SignalClose, &provided);
        let got = init
            .compute_each(Timeframe::M5, Side::Bid, &[spec])
            .unwrap()[0];
        let got_mean = init.derive_sma("atr_mean", got, 5).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(served.series(got)), bits(native.series(atr)));
        assert_eq!(bits(served.series(got_mean)), bits(native.series(mean)));
        assert_eq!(native.kernel_calls(), 2);
        assert_eq!(served.kernel_calls(), 0);
        let mut served = IndicatorCache::default();
        let mut init =
            InitContext::with_provided(&data, &mut served, FillAt::SignalClose, &provided);
        let err = init
            .compute_each(
                Timeframe::M5,
                Side::Bid,
                &[IndicatorSpec::Ema { period: 3 }],
            )
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "indicators: expected a provided series 'ema[0]@M5/bid' (provided: atr[0]@M5/bid, \
             atr_mean), got none"
        );
        // Names carry no parameters: a second ATR period on M5/bid is refused, not served the
        // first one's series; the same spec again is served again.
        let mut served = IndicatorCache::default();
        let mut init =
            InitContext::with_provided(&data, &mut served, FillAt::SignalClose, &provided);
        let twice = [
            IndicatorSpec::Atr { period: 14 },
            IndicatorSpec::Atr { period: 14 },
        ];
        assert_eq!(
            init.compute_each(Timeframe::M5, Side::Bid, &twice)
                .unwrap()
                .len(),
            2
        );
        let err = init
            .compute_each(
                Timeframe::M5,
                Side::Bid,
                &[IndicatorSpec::Atr { period: 20 }],
            )
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "specs: expected one spec per provided series name ('atr[0]@M5/bid' already serves \
             Atr { period: 14 }), got Atr { period: 20 }"
        );
    }
}
