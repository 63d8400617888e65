//! `omega_strategy._rust.StrategyHandle`: one registered Rust strategy, called bar by bar.
//!
//! The whole-loop entry (`run_backtest_rust`) needs every wave on Rust. When a wave runs on its
//! Python fallback (the engine's flag matrix), the Python event loop drives the strategy
//! instead, and this handle lets it call the Rust strategy per bar: `on_init` once at
//! construction, then `wants_bar`, `evaluate` and `manage_position` through the core crate's
//! [`Strategy`] trait. Only conversion lives here. The handle owns copies of the candles (the
//! strategy outlives any one call) and its indicator cache; each call counts one served call.
//! `on_init` runs with the GIL released; the per-bar calls (O(1) each) keep it.

use omega_core::{Direction, OhlcvColumns, OmegaError, Side, Timeframe};
use omega_core_py::{RUST_CALLS, as_slice, run_attached, run_detached, to_py_err};
use omega_execution::{FillAt, OrderType, Position, PositionStatus};
use omega_strategy::{
    DataSlice, IndicatorCache, InitContext, MarketData, PositionAction, PositionView,
    ProvidedIndicators, Series, Strategy, StrategyInputs,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::CandleArg;

/// One timeframe and side of candles, owned.
struct OwnedSeries {
    timeframe: Timeframe,
    side: Side,
    timestamps: Vec<i64>,
    /// open, high, low, close, volume.
    prices: [Vec<f64>; 5],
}

impl OwnedSeries {
    fn columns(&self) -> OhlcvColumns<'_> {
        let [o, h, l, c, v] = &self.prices;
        OhlcvColumns {
            timestamps: &self.timestamps,
            open: o,
            high: h,
            low: l,
            close: c,
            volume: v,
        }
    }

    /// The series after [`OhlcvColumns::new`]'s checks.
    fn checked(&self) -> Result<Series<'_>, OmegaError> {
        let c = self.columns();
        let columns = OhlcvColumns::new(c.timestamps, c.open, c.high, c.low, c.close, c.volume)?;
        Ok(self.series(columns))
    }

    /// The series without re-running the checks (they passed [`OwnedSeries::checked`]).
    fn trusted(&self) -> Series<'_> {
        self.series(self.columns())
    }

    fn series<'a>(&self, columns: OhlcvColumns<'a>) -> Series<'a> {
        Series {
            timeframe: self.timeframe,
            side: self.side,
            columns,
        }
    }
}

/// A signal as `(timestamp, direction, symbol, entry, sl, tp, order_type, reason, scenario)`.
type SignalTuple = (
    i64,
    &'static str,
    String,
    f64,
    Option<f64>,
    Option<f64>,
    &'static str,
    String,
    String,
);

/// A position as `omega_execution._rust.ExecutionSimulator.position` gives it (see
/// omega-execution-py's `position_tuple`).
type PositionArg = (
    (u64, String, String, String, String),
    (
        i64,
        f64,
        Option<i64>,
        Option<f64>,
        Option<i64>,
        Option<f64>,
        Option<String>,
    ),
    (Option<f64>, Option<f64>, Option<f64>, Option<f64>),
    (f64, f64, f64, f64, f64),
    (String, String),
);

/// An action as `(kind, level, reason)`: `("hold", None, None)`, `("modify_stop_loss", sl,
/// None)`, `("modify_take_profit", tp, None)` or `("close", None, reason)`.
type ActionTuple = (&'static str, Option<f64>, Option<String>);

fn position_from(arg: PositionArg) -> PyResult<Position> {
    let ((id, symbol, direction, order_type, status), times, levels, money, texts) = arg;
    let direction: Direction = direction.parse().map_err(to_py_err)?;
    let order_type: OrderType = order_type.parse().map_err(to_py_err)?;
    let (entry_time, entry_price, trigger_time, trigger_price, exit_time, exit_price, exit_reason) =
        times;
    let mut p = Position::described(
        id,
        symbol.into(),
        direction,
        order_type,
        entry_time,
        entry_price,
    );
    p.status = status.parse::<PositionStatus>().map_err(to_py_err)?;
    (p.trigger_time, p.trigger_price) = (trigger_time, trigger_price);
    (p.exit_time, p.exit_price, p.exit_reason) =
        (exit_time, exit_price, exit_reason.map(Into::into));
    (
        p.initial_stop_loss,
        p.initial_take_profit,
        p.stop_loss,
        p.take_profit,
    ) = levels;
    (
        p.size,
        p.entry_fee,
        p.exit_fee,
        p.entry_slippage,
        p.exit_slippage,
    ) = money;
    let (reason, scenario) = texts;
    (p.reason, p.scenario) = (reason.into(), scenario.into());
    Ok(p)
}

/// A registered Rust strategy (arrays-free: `strategy_names()` minus those that need arrays)
/// initialised over candles, answering per-bar calls of the Python event loop.
#[pyclass(name = "StrategyHandle", module = "omega_strategy._rust", unsendable)]
pub struct StrategyHandle {
    strategy: Box<dyn Strategy>,
    symbol: String,
    primary: Timeframe,
    bid: OwnedSeries,
    ask: OwnedSeries,
    cache: IndicatorCache,
}

impl StrategyHandle {
    /// `index` as a primary bar index, after checking it (a `ValueError` naming `index` for a
    /// negative or too large one; no panic, no `OverflowError`).
    fn check(&self, index: i64) -> PyResult<usize> {
        let n = self.bid.timestamps.len();
        let expected = match usize::try_from(index) {
            Ok(i) if i < n => return Ok(i),
            Ok(_) => format!("a primary bar index below {n}"),
            Err(_) => "a non-negative primary bar index".to_owned(),
        };
        Err(to_py_err(OmegaError::invalid_value(
            "index", expected, index,
        )))
    }
}

/// The provided series `key`: `provided` must map names (str) to 1-D float64 arrays; a
/// `TypeError` naming `provided` and the key otherwise.
fn provided_series(
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<(String, Vec<f64>)> {
    let name: String = key.extract().map_err(|_| {
        to_py_err(OmegaError::invalid_type(
            "provided",
            "a dict with str keys",
            format!("a key of type {}", type_name(key)),
        ))
    })?;
    let at = format!("provided['{name}']");
    let array = value
        .extract::<numpy::PyReadonlyArray1<'_, f64>>()
        .map_err(|_| {
            let got = match value.getattr("dtype") {
                Ok(dtype) => format!("{} of dtype {dtype}", type_name(value)),
                Err(_) => type_name(value),
            };
            to_py_err(OmegaError::invalid_type(
                &at,
                "a 1-D float64 numpy array",
                got,
            ))
        })?;
    Ok((name.clone(), as_slice(&at, &array)?.to_vec()))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "an object".to_owned(), |n| n.to_string())
}

#[pymethods]
impl StrategyHandle {
    /// Builds strategy `strategy` from `init_args` (JSON) and runs its `on_init` over
    /// `candles` (as `run_backtest_rust` takes them; copied). `fill_at` is the simulator's.
    /// `provided`: `{name: float64 array on the primary index}` computed by omega-indicators'
    /// active backend; when given, every indicator the strategy asks for comes from it and
    /// none is computed here (`ProvidedIndicators`).
    #[new]
    #[pyo3(signature = (strategy, init_args, primary_tf, candles, fill_at, provided=None))]
    fn new<'py>(
        py: Python<'py>,
        strategy: &str,
        init_args: &str,
        primary_tf: &str,
        candles: Vec<CandleArg<'py>>,
        fill_at: &str,
        provided: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Self> {
        RUST_CALLS.record();
        let primary: Timeframe = primary_tf.parse().map_err(to_py_err)?;
        let fill_at: FillAt = fill_at.parse().map_err(to_py_err)?;
        let mut owned = Vec::with_capacity(candles.len());
        for (tf, side, ts, o, h, l, c, v) in &candles {
            let timeframe: Timeframe = tf.parse().map_err(to_py_err)?;
            let side: Side = side.parse().map_err(to_py_err)?;
            let at = |name: &str| format!("candles[{timeframe}/{side}].{name}");
            owned.push(OwnedSeries {
                timeframe,
                side,
                timestamps: as_slice(&at("timestamps"), ts)?.to_vec(),
                prices: [
                    as_slice(&at("open"), o)?.to_vec(),
                    as_slice(&at("high"), h)?.to_vec(),
                    as_slice(&at("low"), l)?.to_vec(),
                    as_slice(&at("close"), c)?.to_vec(),
                    as_slice(&at("volume"), v)?.to_vec(),
                ],
            });
        }
        let provided = match provided {
            None => None,
            Some(d) => {
                let mut p = ProvidedIndicators::default();
                for (key, value) in d.iter() {
                    let (name, values) = provided_series(&key, &value)?;
                    p.insert(name, values);
                }
                Some(p)
            }
        };
        let mut strategy = omega_strategy::create(strategy, init_args, &StrategyInputs::default())
            .map_err(to_py_err)?;
        let symbol = strategy.symbol().to_owned();
        let cache = run_detached(py, "StrategyHandle.on_init", || {
            let series = owned
                .iter()
                .map(OwnedSeries::checked)
                .collect::<Result<Vec<_>, _>>()?;
            let data = MarketData::new(primary, series)?;
            let mut cache = IndicatorCache::default();
            let mut init = match &provided {
                Some(p) => InitContext::with_provided(&data, &mut cache, fill_at, p),
                None => InitContext::new(&data, &mut cache, fill_at),
            };
            strategy.on_init(&mut init)?;
            Ok(cache)
        })?;
        let mut take = |side: Side| {
            let at = owned
                .iter()
                .position(|s| s.timeframe == primary && s.side == side)
                .ok_or_else(|| OmegaError::Internal("primary series checked above".into()));
            at.map(|i| owned.swap_remove(i)).map_err(to_py_err)
        };
        let bid = take(Side::Bid)?;
        let ask = take(Side::Ask)?;
        Ok(Self {
            strategy,
            symbol,
            primary,
            bid,
            ask,
            cache,
        })
    }

    /// The strategy's registered name (metadata: not counted as a served call).
    #[getter]
    fn name(&self) -> String {
        self.strategy.name().to_owned()
    }

    /// Indicator series the strategy's `on_init` had computed by the linked omega-indicators
    /// kernels (0 when they were provided).
    #[getter]
    fn indicator_calls(&self) -> u64 {
        RUST_CALLS.record();
        self.cache.kernel_calls()
    }

    /// `Strategy::wants_bar` at primary bar `index`.
    fn wants_bar(&self, index: i64) -> PyResult<bool> {
        RUST_CALLS.record();
        let index = self.check(index)?;
        let strategy = &self.strategy;
        run_attached("StrategyHandle.wants_bar", || Ok(strategy.wants_bar(index)))
    }

    /// `Strategy::evaluate` at primary bar `index` with `active_positions` pending or open.
    fn evaluate(&mut self, index: i64, active_positions: usize) -> PyResult<Option<SignalTuple>> {
        RUST_CALLS.record();
        let index = self.check(index)?;
        let data =
            MarketData::checked_primary_pair(self.primary, self.bid.trusted(), self.ask.trusted());
        let slice = DataSlice::new(&self.symbol, index, active_positions, &data, &self.cache);
        let strategy = &mut self.strategy;
        let signal = run_attached("StrategyHandle.evaluate", || Ok(strategy.evaluate(&slice)))?;
        Ok(signal.map(|s| {
            (
                s.timestamp,
                s.direction.as_str(),
                String::from(s.symbol),
                s.entry,
                s.sl,
                s.tp,
                s.order_type.as_str(),
                String::from(s.reason),
                String::from(s.scenario),
            )
        }))
    }

    /// `Strategy::manage_position` for `position` (filled at bar `fill_index`, held
    /// `bars_held` bars) at primary bar `index`.
    #[allow(clippy::too_many_arguments)]
    fn manage_position(
        &mut self,
        index: i64,
        active_positions: usize,
        position: PositionArg,
        fill_index: usize,
        bars_held: usize,
    ) -> PyResult<ActionTuple> {
        RUST_CALLS.record();
        let index = self.check(index)?;
        let position = position_from(position)?;
        let data =
            MarketData::checked_primary_pair(self.primary, self.bid.trusted(), self.ask.trusted());
        let slice = DataSlice::new(&self.symbol, index, active_positions, &data, &self.cache);
        let view = PositionView {
            position: &position,
            fill_index,
            bars_held,
        };
        let strategy = &mut self.strategy;
        let action = run_attached("StrategyHandle.manage_position", || {
            Ok(strategy.manage_position(&view, &slice))
        })?;
        Ok(match action {
            PositionAction::Hold => ("hold", None, None),
            PositionAction::ModifyStopLoss { new_sl } => ("modify_stop_loss", Some(new_sl), None),
            PositionAction::ModifyTakeProfit { new_tp } => {
                ("modify_take_profit", Some(new_tp), None)
            }
            PositionAction::Close { reason } => ("close", None, Some(reason.into_owned())),
        })
    }
}
