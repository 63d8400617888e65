//! `MeanReversionZScore`, the reference strategy: the rules MR1 – MR12 of
//! `packages/omega-strategy/docs/mean_reversion_z_score.md`, mirrored operation for operation
//! by `omega_strategy/_python/mean_reversion_z_score.py`.
//!
//! Every indicator is computed once in [`Strategy::on_init`] with omega-indicators' batch
//! kernels (in parallel); the per-bar logic only reads values at `t` and `t − 1` (O(1)).

use std::borrow::Cow;

use omega_core::{Direction, Label, OmegaError, OmegaResult, Side, Timeframe};
use omega_execution::{Position, TradeSignal};
use omega_indicators::batch::IndicatorSpec;
use omega_indicators::{GarchParams, MeanSource, VolClusterMode};
use rayon::prelude::*;
use serde_json::Value;

use crate::bar_scan::BarScan;
use crate::cache::{IndicatorId, InitContext};
use crate::config::{ConfigObject, finite, non_negative, parse_object, positive};
use crate::data_slice::DataSlice;
use crate::event_scan::first_set;
use crate::strategy::{PositionAction, PositionView, Strategy};

/// The registered name (the Python class name).
pub const NAME: &str = "MeanReversionZScore";

/// Which directions may be entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectionFilter {
    /// Long and short.
    Both,
    /// Long only.
    Long,
    /// Short only.
    Short,
}

impl DirectionFilter {
    /// Whether `direction` may be entered.
    pub fn allows(self, direction: Direction) -> bool {
        matches!(
            (self, direction),
            (Self::Both, _) | (Self::Long, Direction::Long) | (Self::Short, Direction::Short)
        )
    }
}

/// The validated `init_args` (MR11).
#[derive(Debug, Clone, PartialEq)]
pub struct MeanReversionConfig {
    /// Instrument.
    pub symbol: String,
    /// Primary timeframe.
    pub timeframe: Timeframe,
    /// Higher timeframe of the scenario-2 trend.
    pub htf: Timeframe,
    /// Enabled scenarios, ascending.
    pub enabled_scenarios: Vec<u8>,
    /// Allowed directions.
    pub direction_filter: DirectionFilter,
    /// Window of the z-scores.
    pub window_length: usize,
    /// Mean of scenario 1's z-score.
    pub mean_source: MeanSource,
    /// Long threshold.
    pub z_score_long: f64,
    /// Short threshold.
    pub z_score_short: f64,
    /// Exit level (long; shorts use `−exit_z`).
    pub exit_z: f64,
    /// ATR period.
    pub atr_length: usize,
    /// Stop distance in ATRs.
    pub sl_atr_mult: f64,
    /// Target distance in ATRs (none when `None`).
    pub tp_atr_mult: Option<f64>,
    /// Kalman R.
    pub kalman_r: f64,
    /// Kalman Q.
    pub kalman_q: f64,
    /// Period of the HTF EMA.
    pub htf_ema_period: usize,
    /// GARCH parameters.
    pub garch: GarchParams,
    /// Local GARCH window.
    pub garch_lookback: usize,
    /// Volatility feature.
    pub vol_cluster_mode: VolClusterMode,
    /// SMA window of the volatility feature.
    pub vol_window: usize,
    /// High-volatility factor.
    pub vol_cluster_k: f64,
    /// Break-even trigger in R (off when `None`).
    pub break_even_at_r: Option<f64>,
    /// ATR trailing distance (off when `None`).
    pub trailing_atr_mult: Option<f64>,
    /// Timeout in bars (off when `None`).
    pub max_holding_bars: Option<usize>,
    /// Pending + open positions allowed.
    pub max_open_positions: usize,
    /// Override of the execution config's risk per trade.
    pub risk_per_trade: Option<f64>,
}

fn usize_of(n: i64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A number rendered as JSON (the same text Python's `json.dumps` gives).
fn json_number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

impl MeanReversionConfig {
    /// Parses and validates `init_args` (a JSON object).
    pub fn from_json(init_args: &str) -> OmegaResult<Self> {
        let map = parse_object("init_args", init_args)?;
        let mut c = ConfigObject::new("init_args", NAME, map);
        let symbol = c.non_empty_string("symbol", "EURUSD")?;
        let tf = c.timeframe("timeframe", "M5")?;
        let htf = c.timeframe("htf", "H1")?;
        if htf <= tf {
            return Err(OmegaError::invalid_value(
                c.key_name("htf"),
                format!("a timeframe longer than timeframe {tf}"),
                Value::String(htf.as_str().to_owned()),
            ));
        }
        let scenarios = c.int_list("enabled_scenarios")?.unwrap_or(vec![1, 2, 3]);
        let mut enabled_scenarios = Vec::with_capacity(scenarios.len());
        for &s in &scenarios {
            let ok = (1..=3).contains(&s) && !enabled_scenarios.contains(&(s as u8));
            if !ok {
                return Err(OmegaError::invalid_value(
                    c.key_name("enabled_scenarios"),
                    "a non-empty array of distinct scenario numbers 1, 2, 3",
                    Value::from(scenarios.clone()),
                ));
            }
            enabled_scenarios.push(s as u8);
        }
        if enabled_scenarios.is_empty() {
            return Err(OmegaError::invalid_value(
                c.key_name("enabled_scenarios"),
                "a non-empty array of distinct scenario numbers 1, 2, 3",
                "[]",
            ));
        }
        enabled_scenarios.sort_unstable();
        let direction_filter = match c
            .choice("direction_filter", "both", &["both", "long", "short"])?
            .as_str()
        {
            "long" => DirectionFilter::Long,
            "short" => DirectionFilter::Short,
            _ => DirectionFilter::Both,
        };
        let window_length = usize_of(c.int("window_length", 100, 2)?);
        let mean_source = match c
            .choice("mean_source", "rolling", &["rolling", "ema"])?
            .as_str()
        {
            "ema" => MeanSource::Ema,
            _ => MeanSource::Rolling,
        };
        let z_score_long = c.float("z_score_long", -2.0, finite)?;
        let z_score_short = c.float("z_score_short", 2.0, finite)?;
        if z_score_long >= z_score_short {
            return Err(OmegaError::invalid_value(
                c.key_name("z_score_long"),
                format!("a number < z_score_short {}", json_number(z_score_short)),
                json_number(z_score_long),
            ));
        }
        let exit_z = c.float("exit_z", 0.0, finite)?;
        if !(exit_z > z_score_long && -exit_z < z_score_short) {
            return Err(OmegaError::invalid_value(
                c.key_name("exit_z"),
                format!(
                    "a number > z_score_long {} and > -z_score_short {}",
                    json_number(z_score_long),
                    json_number(-z_score_short)
                ),
                json_number(exit_z),
            ));
        }
        let atr_length = usize_of(c.int("atr_length", 14, 1)?);
        let sl_atr_mult = c.float("sl_atr_mult", 2.0, positive)?;
        let tp_atr_mult = c.opt_float("tp_atr_mult", Some(3.0), positive)?;
        let kalman_r = c.float("kalman_r", 1.0, positive)?;
        let kalman_q = c.float("kalman_q", 0.01, positive)?;
        let htf_ema_period = usize_of(c.int("htf_ema_period", 20, 1)?);
        let alpha = c.float("garch_alpha", 0.05, non_negative)?;
        let beta = c.float("garch_beta", 0.90, non_negative)?;
        if alpha + beta >= 1.0 {
            return Err(OmegaError::invalid_value(
                c.key_name("garch_beta"),
                format!(
                    "a number with garch_alpha + garch_beta < 1 (garch_alpha {})",
                    json_number(alpha)
                ),
                json_number(beta),
            ));
        }
        let omega = c.opt_float("garch_omega", None, positive)?;
        let use_log_returns = c.boolean("garch_use_log_returns", true)?;
        let scale = c.float("garch_scale", 100.0, positive)?;
        let min_periods = usize_of(c.int("garch_min_periods", 50, 1)?);
        let sigma_floor = c.float("garch_sigma_floor", 1e-6, non_negative)?;
        let garch_lookback = c.int("garch_lookback", 400, 3)?;
        let lookback_min = min_periods.saturating_add(2);
        if usize_of(garch_lookback) < lookback_min {
            return Err(OmegaError::invalid_value(
                c.key_name("garch_lookback"),
                format!("an integer >= garch_min_periods + 2 = {lookback_min}"),
                garch_lookback,
            ));
        }
        let vol_cluster_mode = match c
            .choice("vol_cluster_mode", "garch", &["garch", "atr"])?
            .as_str()
        {
            "atr" => VolClusterMode::Atr,
            _ => VolClusterMode::Garch,
        };
        let vol_window = usize_of(c.int("vol_window", 200, 1)?);
        let vol_cluster_k = c.float("vol_cluster_k", 1.0, positive)?;
        let break_even_at_r = c.opt_float("break_even_at_r", Some(1.0), positive)?;
        let trailing_atr_mult = c.opt_float("trailing_atr_mult", None, positive)?;
        let max_holding_bars = c.opt_int("max_holding_bars", Some(288), 1)?.map(usize_of);
        let max_open_positions = usize_of(c.int("max_open_positions", 1, 1)?);
        let risk_per_trade = c.opt_float("risk_per_trade", None, positive)?;
        c.finish()?;
        Ok(Self {
            symbol,
            timeframe: tf,
            htf,
            enabled_scenarios,
            direction_filter,
            window_length,
            mean_source,
            z_score_long,
            z_score_short,
            exit_z,
            atr_length,
            sl_atr_mult,
            tp_atr_mult,
            kalman_r,
            kalman_q,
            htf_ema_period,
            garch: GarchParams {
                alpha,
                beta,
                omega,
                use_log_returns,
                scale,
                min_periods,
                sigma_floor,
            },
            garch_lookback: usize_of(garch_lookback),
            vol_cluster_mode,
            vol_window,
            vol_cluster_k,
            break_even_at_r,
            trailing_atr_mult,
            max_holding_bars,
            max_open_positions,
            risk_per_trade,
        })
    }

    fn enabled(&self, scenario: u8) -> bool {
        self.enabled_scenarios.contains(&scenario)
    }
}

/// Indicator handles, filled by `on_init`.
#[derive(Debug, Clone, Copy)]
struct Series {
    atr: IndicatorId,
    /// z1, z2, z3 (only those of enabled scenarios are computed).
    z: [Option<IndicatorId>; 3],
    vol: Option<IndicatorId>,
    vol_mean: Option<IndicatorId>,
}

/// The strategy.
#[derive(Debug, Clone)]
pub struct MeanReversionZScore {
    config: MeanReversionConfig,
    /// The config's symbol, shared by every signal.
    symbol: Label,
    series: Option<Series>,
    /// Per bar, the entry MR3–MR5 give when there is capacity (see [`decide`]).
    decisions: Vec<u8>,
    /// The last position read by [`Strategy::next_acting_bar`].
    hold_scan: Option<HoldScan>,
}

impl MeanReversionZScore {
    /// The strategy for a validated config.
    pub fn new(config: MeanReversionConfig) -> Self {
        Self {
            symbol: Label::from(config.symbol.as_str()),
            config,
            series: None,
            decisions: Vec::new(),
            hold_scan: None,
        }
    }

    /// From `init_args` JSON.
    pub fn from_json(init_args: &str) -> OmegaResult<Self> {
        Ok(Self::new(MeanReversionConfig::from_json(init_args)?))
    }

    /// The configuration.
    pub fn config(&self) -> &MeanReversionConfig {
        &self.config
    }

    fn signal(
        &self,
        slice: &DataSlice<'_>,
        direction: Direction,
        scenario: u8,
        atr: f64,
    ) -> Option<TradeSignal> {
        let c = &self.config;
        let (entry, sl, tp) = match direction {
            Direction::Long => {
                let entry = slice.ask_close();
                let sl = entry - c.sl_atr_mult * atr;
                let tp = c.tp_atr_mult.map(|m| entry + m * atr);
                if !(sl < entry && tp.is_none_or(|tp| tp > entry)) {
                    return None;
                }
                (entry, sl, tp)
            }
            Direction::Short => {
                let entry = slice.bid_close();
                let sl = entry + c.sl_atr_mult * atr;
                let tp = c.tp_atr_mult.map(|m| entry - m * atr);
                if !(sl > entry && tp.is_none_or(|tp| tp < entry)) {
                    return None;
                }
                (entry, sl, tp)
            }
        };
        let reason = match direction {
            Direction::Long => "z_score_long",
            Direction::Short => "z_score_short",
        };
        let scenario = SCENARIO_NAMES[usize::from(scenario) - 1];
        let mut signal = TradeSignal::new(slice.timestamp, direction, self.symbol.clone(), entry)
            .with_sl(sl)
            .with_reason(Label::from_static(reason), Label::from_static(scenario));
        if let Some(tp) = tp {
            signal = signal.with_tp(tp);
        }
        Some(signal)
    }
}

const SCENARIO_NAMES: [&str; 3] = ["1", "2", "3"];

/// MR3: `z` crosses below `x` at this bar.
#[inline]
fn crosses_below(prev: f64, now: f64, x: f64) -> bool {
    prev >= x && now < x
}

/// MR3: `z` crosses above `x` at this bar.
#[inline]
fn crosses_above(prev: f64, now: f64, x: f64) -> bool {
    prev <= x && now > x
}

/// Bars per parallel task of [`decide`].
const DECIDE_CHUNK: usize = 1 << 16;

/// The entry of every bar when capacity allows (MR3–MR5), computed once over the indicator
/// series: 0 for none, `2·s − 1` for a long and `2·s` for a short of scenario `s`. Bar `t`
/// reads only values at `t − 1` and `t`, exactly what a per-bar evaluation reads, so the bars
/// are decided in parallel chunks.
fn decide(
    c: &MeanReversionConfig,
    s: &Series,
    htf: Option<&HtfTrend<'_>>,
    init: &InitContext<'_, '_>,
) -> Vec<u8> {
    let read = |id: Option<IndicatorId>| id.map(|id| init.values(id));
    let z = [read(s.z[0]), read(s.z[1]), read(s.z[2])];
    let atr = init.values(s.atr);
    let (vol, vol_mean) = (read(s.vol), read(s.vol_mean));
    let allow_long = c.direction_filter.allows(Direction::Long);
    let allow_short = c.direction_filter.allows(Direction::Short);
    let decide_bar = |t: usize| -> u8 {
        for &scenario in &c.enabled_scenarios {
            let Some(z) = z[usize::from(scenario) - 1] else {
                continue;
            };
            let (prev, now) = (z[t - 1], z[t]);
            let long = allow_long && crosses_below(prev, now, c.z_score_long);
            let short = allow_short && crosses_above(prev, now, c.z_score_short);
            if !(long || short) {
                continue;
            }
            // MR5.3: no signal without an ATR.
            if !(atr[t].is_finite() && atr[t] > 0.0) {
                return 0;
            }
            let (filter_long, filter_short) = match scenario {
                2 => match htf {
                    Some(htf) => {
                        let (close, ema) = htf.at(t);
                        (close > ema, close < ema)
                    }
                    None => (false, false),
                },
                3 => match (vol, vol_mean) {
                    (Some(vol), Some(mean)) => {
                        let high = vol[t] > c.vol_cluster_k * mean[t];
                        (high, high)
                    }
                    _ => (false, false),
                },
                _ => (true, true),
            };
            if long && filter_long {
                return 2 * scenario - 1;
            }
            if short && filter_short {
                return 2 * scenario;
            }
        }
        0
    };
    let enabled: Vec<&[f64]> = c
        .enabled_scenarios
        .iter()
        .filter_map(|&scenario| z[usize::from(scenario) - 1])
        .collect();
    let mut out = vec![0u8; atr.len()];
    out.par_chunks_mut(DECIDE_CHUNK)
        .enumerate()
        .for_each(|(k, chunk)| {
            // First a branch-free pass per scenario marks the bars where any z crosses its
            // threshold (the only bars with an entry); then those bars are decided in full.
            let first = (k * DECIDE_CHUNK).max(1);
            let end = k * DECIDE_CHUNK + chunk.len();
            let marks = &mut chunk[first - k * DECIDE_CHUNK..];
            // Locals, not reads through the captures: a store into `marks` (u8) could alias
            // them, which would reload them per bar and keep the pass from vectorising.
            let (long_on, short_on) = (allow_long, allow_short);
            let (long_at, short_at) = (c.z_score_long, c.z_score_short);
            for z in &enabled {
                let pairs = z[first - 1..end - 1].iter().zip(&z[first..end]);
                for (mark, (&prev, &now)) in marks.iter_mut().zip(pairs) {
                    let long = long_on & (prev >= long_at) & (now < long_at);
                    let short = short_on & (prev <= short_at) & (now > short_at);
                    *mark |= u8::from(long | short);
                }
            }
            for (j, o) in marks.iter_mut().enumerate() {
                if *o != 0 {
                    *o = decide_bar(first + j);
                }
            }
        });
    out
}

/// Scenario 3's z-score from its parts, `(y − x̂) / (|y|·σ)` (NaN where the denominator is not
/// `> 0`): the operations of omega-indicators' `kalman_garch_zscore_local`, here on a Kalman
/// mean `x̂` and a local GARCH σ computed once for both z3 and the volatility feature.
fn garch_z(close: &[f64], kalman_mean: &[f64], sigma: &[f64]) -> Vec<f64> {
    close
        .iter()
        .zip(kalman_mean)
        .zip(sigma)
        .map(|((&y, &xhat), &sigma)| {
            let denom = y.abs() * sigma;
            if denom > 0.0 {
                (y - xhat) / denom
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Scenario 2's trend inputs on their native HTF candles: the HTF close and EMA a primary bar
/// sees are those of the last closed HTF candle (`map`), read where needed instead of being
/// forward-filled onto every primary bar.
struct HtfTrend<'d> {
    close: &'d [f64],
    ema: HtfEma<'d>,
    map: &'d [i64],
}

/// The HTF EMA of scenario 2.
enum HtfEma<'d> {
    /// Computed here on the native HTF closes.
    Native(Vec<f64>),
    /// Served by name, already forward-filled onto the primary index.
    Aligned(&'d [f64]),
    /// The EMA does not warm up on the available HTF candles.
    NotWarmedUp,
}

impl HtfTrend<'_> {
    /// `(close, ema)` as primary bar `t` sees them (NaN before the first HTF candle closes,
    /// exactly as a forward fill onto the primary index gives them).
    fn at(&self, t: usize) -> (f64, f64) {
        let native = |values: &[f64]| {
            let j = usize::try_from(self.map[t]).ok();
            j.and_then(|j| values.get(j).copied()).unwrap_or(f64::NAN)
        };
        let ema = match &self.ema {
            HtfEma::Native(values) => native(values),
            HtfEma::Aligned(values) => values.get(t).copied().unwrap_or(f64::NAN),
            HtfEma::NotWarmedUp => f64::NAN,
        };
        (native(self.close), ema)
    }
}

impl Strategy for MeanReversionZScore {
    fn name(&self) -> &str {
        NAME
    }

    fn symbol(&self) -> &str {
        &self.config.symbol
    }

    fn primary_timeframe(&self) -> Timeframe {
        self.config.timeframe
    }

    fn risk_per_trade(&self) -> Option<f64> {
        self.config.risk_per_trade
    }

    fn on_init(&mut self, init: &mut InitContext<'_, '_>) -> OmegaResult<()> {
        let c = &self.config;
        let n = init.data().len();
        let tf = c.timeframe;
        // MR2: the specs of the enabled scenarios, on the primary bid candles; an indicator
        // whose window exceeds the data is NaN everywhere (not warmed up), not an error.
        let mut wanted: Vec<(&str, Option<IndicatorSpec>)> = Vec::new();
        let fits = |window: usize| window <= n;
        let mut want = |name: &'static str, window: usize, spec: IndicatorSpec| {
            wanted.push((name, fits(window).then_some(spec)));
        };
        want(
            "atr",
            c.atr_length,
            IndicatorSpec::Atr {
                period: c.atr_length,
            },
        );
        if c.enabled(1) {
            want(
                "z1",
                c.window_length,
                IndicatorSpec::ZScore {
                    window: c.window_length,
                    mean_source: c.mean_source,
                    ema_period: None,
                },
            );
        }
        if c.enabled(2) {
            want(
                "z2",
                c.window_length,
                IndicatorSpec::KalmanZScore {
                    window: c.window_length,
                    r: c.kalman_r,
                    q: c.kalman_q,
                },
            );
        }
        // With the GARCH volatility feature, z3's σ is that feature (same close, lookback and
        // parameters): one local GARCH pass serves both, z3 is put together from its parts.
        // Served by name from indicators computed elsewhere (`InitContext::with_provided`), z3
        // is asked for as the Python mirror asks for it: the whole kernel's output.
        let shared_sigma = c.enabled(3)
            && c.vol_cluster_mode == VolClusterMode::Garch
            && fits(c.garch_lookback)
            && !init.is_provided();
        if c.enabled(3) {
            if shared_sigma {
                want(
                    "z3_kalman_mean",
                    1,
                    IndicatorSpec::KalmanMean {
                        r: c.kalman_r,
                        q: c.kalman_q,
                    },
                );
            } else {
                want(
                    "z3",
                    c.garch_lookback,
                    IndicatorSpec::KalmanGarchZScoreLocal {
                        lookback: c.garch_lookback,
                        r: c.kalman_r,
                        q: c.kalman_q,
                        params: c.garch,
                    },
                );
            }
            let vol_window = match c.vol_cluster_mode {
                VolClusterMode::Atr => c.atr_length,
                VolClusterMode::Garch => c.garch_lookback,
            };
            want(
                "vol",
                vol_window,
                IndicatorSpec::VolCluster {
                    mode: c.vol_cluster_mode,
                    atr_period: c.atr_length,
                    garch_lookback: c.garch_lookback,
                    params: c.garch,
                },
            );
        }
        let specs: Vec<IndicatorSpec> = wanted.iter().filter_map(|(_, s)| s.clone()).collect();
        let mut computed = init.compute_each(tf, Side::Bid, &specs)?.into_iter();
        let mut ids = std::collections::HashMap::new();
        for (name, spec) in &wanted {
            let id = match spec {
                Some(_) => computed.next().ok_or_else(|| {
                    OmegaError::Internal("fewer indicator outputs than specs".into())
                })?,
                None => init.not_warmed_up(name),
            };
            ids.insert(*name, id);
        }
        let get = |name: &str| ids.get(name).copied();
        let mut series = Series {
            atr: get("atr").ok_or_else(|| OmegaError::Internal("atr not computed".into()))?,
            z: [get("z1"), get("z2"), get("z3")],
            vol: get("vol"),
            vol_mean: None,
        };
        if let Some(vol) = series.vol {
            if let Some(km) = get("z3_kalman_mean").filter(|_| shared_sigma) {
                let close = init.data().primary(Side::Bid).close;
                let z3 = garch_z(close, init.values(km), init.values(vol));
                series.z[2] = Some(init.insert("z3", z3)?);
            }
            series.vol_mean = Some(if fits(c.vol_window) {
                init.derive_sma("vol_mean", vol, c.vol_window)?
            } else {
                init.not_warmed_up("vol_mean")
            });
        }
        // MR4 scenario 2: the HTF close against its EMA, on the native HTF candles; an EMA
        // served by name arrives forward-filled onto the primary index instead.
        let aligned_ema = if c.enabled(2) && init.is_provided() {
            let spec = IndicatorSpec::Ema {
                period: c.htf_ema_period,
            };
            Some(if c.htf_ema_period <= init.native_len(c.htf, Side::Bid) {
                init.compute_each(c.htf, Side::Bid, &[spec])?[0]
            } else {
                init.not_warmed_up("htf_ema")
            })
        } else {
            None
        };
        let htf = if c.enabled(2) {
            let (candles, map) = init.data().series(c.htf, Side::Bid)?;
            let close = candles.columns.close;
            let ema = match aligned_ema {
                Some(id) => HtfEma::Aligned(init.values(id)),
                None if c.htf_ema_period <= close.len() => {
                    HtfEma::Native(omega_indicators::ema(close, c.htf_ema_period)?)
                }
                None => HtfEma::NotWarmedUp,
            };
            let map = map.ok_or_else(|| OmegaError::Internal("no HTF map".into()))?;
            Some(HtfTrend { close, ema, map })
        } else {
            None
        };
        self.decisions = decide(c, &series, htf.as_ref(), init);
        self.hold_scan = None;
        self.series = Some(series);
        Ok(())
    }

    /// The bars with an entry decision (`evaluate` signals only there, at most once each).
    fn max_signals(&self) -> Option<usize> {
        self.series
            .is_some()
            .then(|| self.decisions.iter().filter(|&&d| d != 0).count())
    }

    /// The next bar with an entry decision (`evaluate` signals only there).
    fn next_entry_bar(&mut self, from: usize, end: usize) -> usize {
        if self.series.is_none() {
            return end;
        }
        first_set(&self.decisions, from).map_or(end, |k| k.min(end))
    }

    fn evaluate(&mut self, slice: &DataSlice<'_>) -> Option<TradeSignal> {
        let s = self.series.as_ref()?;
        if slice.active_positions >= self.config.max_open_positions {
            return None;
        }
        let decision = self.decisions.get(slice.index).copied().unwrap_or(0);
        if decision == 0 {
            return None;
        }
        let scenario = decision.div_ceil(2);
        let direction = if decision % 2 == 1 {
            Direction::Long
        } else {
            Direction::Short
        };
        self.signal(slice, direction, scenario, slice.value(s.atr))
    }

    fn manage_position(
        &mut self,
        view: &PositionView<'_>,
        slice: &DataSlice<'_>,
    ) -> PositionAction {
        let Some(s) = self.series.as_ref() else {
            return PositionAction::Hold;
        };
        let p = view.position;
        let bar = BarValues {
            z: position_z(s, p).map(|z| slice.value(z)),
            atr: slice.value(s.atr),
            bid_close: slice.bid_close(),
            ask_close: slice.ask_close(),
        };
        self.position_action(p, view.bars_held, &bar)
    }

    /// The first bar in `from..end` at which a position is managed (MR7: exit at the mean,
    /// timeout, break-even or trailing stop — [`MeanReversionZScore::position_action`] on
    /// each bar's values) or, with room for another position, an entry is decided. At most
    /// [`SCAN_WINDOW`] bars are read per call (the window's end is returned when nothing acts
    /// in it, and the loop asks again from there).
    fn next_acting_bar(
        &mut self,
        scan: &BarScan<'_>,
        open: &mut dyn Iterator<Item = PositionView<'_>>,
        active: usize,
        from: usize,
        end: usize,
    ) -> usize {
        let Some(s) = self.series else {
            return end;
        };
        let mut next = end.min(from.saturating_add(SCAN_WINDOW));
        if active < self.config.max_open_positions {
            next = self.next_entry_bar(from, next);
        }
        let (bid, ask, atr) = (
            scan.close(Side::Bid),
            scan.close(Side::Ask),
            scan.series(s.atr),
        );
        for view in open {
            let p = view.position;
            // Bars an earlier call read for this position (same stop: MR7 reads nothing else
            // of an open position that can change) are not read again.
            let mut start = from;
            let mut known_from = from;
            if let Some(known) = self.hold_scan.filter(|h| h.covers(p, from)) {
                if known.acts {
                    next = next.min(known.upto);
                    continue;
                }
                (start, known_from) = (known.upto, known.from);
            }
            if start >= next {
                continue;
            }
            let z = position_z(&s, p).map(|z| scan.series(z));
            let acts = |k: usize| {
                let bar = BarValues {
                    z: z.map(|z| z[k]),
                    atr: atr[k],
                    bid_close: bid[k],
                    ask_close: ask[k],
                };
                let held = k.saturating_sub(view.fill_index);
                self.position_action(p, held, &bar) != PositionAction::Hold
            };
            let found = (start..next).find(|&k| acts(k));
            self.hold_scan = Some(HoldScan {
                id: p.id,
                stop_loss: p.stop_loss,
                from: known_from,
                upto: found.unwrap_or(next),
                acts: found.is_some(),
            });
            next = found.unwrap_or(next);
        }
        next
    }
}

/// What [`MeanReversionZScore::next_acting_bar`] read for an open position: MR7 holds it on
/// bars `from..upto`; bar `upto` acts when `acts` (else the read stopped there).
#[derive(Debug, Clone, Copy, PartialEq)]
struct HoldScan {
    id: u64,
    stop_loss: Option<f64>,
    from: usize,
    upto: usize,
    acts: bool,
}

impl HoldScan {
    /// Whether this holds for position `p` asked about from bar `from`.
    fn covers(&self, p: &Position, from: usize) -> bool {
        self.id == p.id && self.stop_loss == p.stop_loss && (self.from..=self.upto).contains(&from)
    }
}

/// Bars [`MeanReversionZScore::next_acting_bar`] reads per call at most.
const SCAN_WINDOW: usize = 4_096;

/// What MR7 reads of one bar for an open position.
struct BarValues {
    /// The z-score of the position's scenario (none when the scenario has none).
    z: Option<f64>,
    /// The ATR.
    atr: f64,
    /// The bid close (a long's exit side).
    bid_close: f64,
    /// The ask close (a short's exit side).
    ask_close: f64,
}

/// The z-score series of the scenario `p` was entered on.
fn position_z(s: &Series, p: &Position) -> Option<IndicatorId> {
    match p.scenario.as_str() {
        "1" => s.z[0],
        "2" => s.z[1],
        "3" => s.z[2],
        _ => None,
    }
}

impl MeanReversionZScore {
    /// MR7 for open position `p`, `bars_held` bars after its fill, on a bar's values.
    fn position_action(&self, p: &Position, bars_held: usize, bar: &BarValues) -> PositionAction {
        let c = &self.config;
        let Some(fill) = p.trigger_price else {
            return PositionAction::Hold;
        };
        let long = p.direction == Direction::Long;
        // MR7.1: the mean is reached.
        if let Some(zt) = bar.z {
            let reached = if long {
                zt >= c.exit_z
            } else {
                zt <= -c.exit_z
            };
            if reached {
                return PositionAction::Close {
                    reason: Cow::Borrowed("exit_z"),
                };
            }
        }
        // MR7.2: timeout.
        if c.max_holding_bars.is_some_and(|m| bars_held >= m) {
            return PositionAction::Close {
                reason: Cow::Borrowed("timeout"),
            };
        }
        // MR7.3: break-even and ATR trailing.
        let atr = bar.atr;
        let trailing = c.trailing_atr_mult.filter(|_| atr.is_finite() && atr > 0.0);
        let mut best: Option<f64> = None;
        if long {
            let close = bar.bid_close;
            if let (Some(be), Some(sl0)) = (c.break_even_at_r, p.initial_stop_loss) {
                if close - fill >= be * (fill - sl0) {
                    best = Some(fill);
                }
            }
            if let Some(m) = trailing {
                let candidate = close - m * atr;
                if best.is_none_or(|b| candidate > b) {
                    best = Some(candidate);
                }
            }
            if let Some(b) = best {
                if p.stop_loss.is_none_or(|sl| b > sl) && b < close {
                    return PositionAction::ModifyStopLoss { new_sl: b };
                }
            }
        } else {
            let close = bar.ask_close;
            if let (Some(be), Some(sl0)) = (c.break_even_at_r, p.initial_stop_loss) {
                if fill - close >= be * (sl0 - fill) {
                    best = Some(fill);
                }
            }
            if let Some(m) = trailing {
                let candidate = close + m * atr;
                if best.is_none_or(|b| candidate < b) {
                    best = Some(candidate);
                }
            }
            if let Some(b) = best {
                if p.stop_loss.is_none_or(|sl| b < sl) && b > close {
                    return PositionAction::ModifyStopLoss { new_sl: b };
                }
            }
        }
        PositionAction::Hold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garch_z_from_parts_is_the_kernel_bit_for_bit() {
        let mut state = 7_u64;
        let mut x = 1.1_f64;
        let close: Vec<f64> = (0..3_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                x *= 1.0 + ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2e-3;
                if i % 101 == 40 { f64::NAN } else { x }
            })
            .collect();
        let params = GarchParams {
            min_periods: 20,
            ..GarchParams::default()
        };
        let (r, q) = (0.7, 0.03);
        let kernel =
            omega_indicators::kalman_garch_zscore_local(&close, 60, r, q, &params).unwrap();
        let km = omega_indicators::kalman_mean(&close, r, q).unwrap();
        let sigma = omega_indicators::garch_volatility_local(&close, 60, &params).unwrap();
        let parts = garch_z(&close, &km, &sigma);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&parts), bits(&kernel));
        assert!(parts.iter().filter(|z| z.is_finite()).count() > 2_000);
    }

    #[test]
    fn defaults_and_validation_messages() {
        let c = MeanReversionConfig::from_json("{}").unwrap();
        assert_eq!(c.timeframe, Timeframe::M5);
        assert_eq!(c.htf, Timeframe::H1);
        assert_eq!(c.enabled_scenarios, vec![1, 2, 3]);
        assert_eq!(c.max_holding_bars, Some(288));
        let e = |text: &str| {
            MeanReversionConfig::from_json(text)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e(r#"{"window_lenght": 10}"#),
            "init_args: expected only known keys for MeanReversionZScore (accepted: atr_length, \
             break_even_at_r, direction_filter, enabled_scenarios, exit_z, garch_alpha, \
             garch_beta, garch_lookback, garch_min_periods, garch_omega, garch_scale, \
             garch_sigma_floor, garch_use_log_returns, htf, htf_ema_period, kalman_q, kalman_r, \
             max_holding_bars, max_open_positions, mean_source, risk_per_trade, sl_atr_mult, \
             symbol, timeframe, tp_atr_mult, trailing_atr_mult, vol_cluster_k, \
             vol_cluster_mode, vol_window, window_length, z_score_long, z_score_short), got \
             unknown key 'window_lenght'"
        );
        assert_eq!(
            e(r#"{"window_length": "20"}"#),
            "init_args.window_length: expected an integer, got string \"20\""
        );
        assert_eq!(
            e(r#"{"enabled_scenarios": [1, 4]}"#),
            "init_args.enabled_scenarios: expected a non-empty array of distinct scenario \
             numbers 1, 2, 3, got [1,4]"
        );
        assert_eq!(
            e(r#"{"z_score_long": 3}"#),
            "init_args.z_score_long: expected a number < z_score_short 2.0, got 3.0"
        );
        assert_eq!(
            e(r#"{"htf": "M1"}"#),
            "init_args.htf: expected a timeframe longer than timeframe M5, got \"M1\""
        );
        assert_eq!(
            e(r#"{"garch_alpha": 0.5, "garch_beta": 0.5}"#),
            "init_args.garch_beta: expected a number with garch_alpha + garch_beta < 1 \
             (garch_alpha 0.5), got 0.5"
        );
        assert_eq!(
            e(r#"{"max_holding_bars": 0}"#),
            "init_args.max_holding_bars: expected an integer >= 1, got 0"
        );
        let ok = MeanReversionConfig::from_json(
            r#"{"max_holding_bars": null, "tp_atr_mult": null, "enabled_scenarios": [3, 1]}"#,
        )
        .unwrap();
        assert_eq!(ok.max_holding_bars, None);
        assert_eq!(ok.tp_atr_mult, None);
        assert_eq!(ok.enabled_scenarios, vec![1, 3]);
    }
}
