//! The whole backtest loop in Rust: indicators, strategy, execution simulator and portfolio,
//! with no Python in between (`docs/backtest_loop.md`).
//!
//! For each primary bar `t` (missing bars, with NaN prices, are skipped):
//! 1. if the strategy has pending or open positions: the simulator's exit checks on bar `t`
//!    (`evaluate_exits`), then `manage_position` for every open position, whose actions go to
//!    the simulator (`modify_stop_loss`, `modify_take_profit`, `close_position`);
//! 2. `evaluate` → at most one signal → `process_signal`;
//! 3. an equity point at bar `t`'s closes.
//!
//! Equity points are written in batches (`update_equity_batch`) of consecutive bars during
//! which nothing changed the portfolio, flushed before anything that may change it (a signal,
//! a close, the exit checks of a bar where a level is within reach). A batch row computes
//! exactly what a single `update_equity` call would, so the curve is the same as one call per
//! bar (the Python loop flushes before every bar with positions; the parity tests compare).
//! With a sparse strategy ([`Strategy::wants_bar`]) the exit checks of bars where nothing can
//! trigger are skipped too. Details: `docs/backtest_loop.md` L4, L5.

use std::time::Instant;

use omega_core::{Direction, Label, OmegaError, OmegaResult, Side, SymbolSpec};
use omega_execution::{
    BarColumns, FeeModel, FillAt, IntrabarPolicy, OrderType, Position, PositionStatus, Simulator,
    SimulatorConfig, Sizing, SlippageModel, TradeSignal,
};
use omega_portfolio::{Mark, Portfolio, SymbolMarks};
use serde_json::Value;

use crate::bar_scan::BarScan;
use crate::cache::{IndicatorCache, InitContext};
use crate::config::{ConfigObject, parse_object};
use crate::data::MarketData;
use crate::data_slice::DataSlice;
use crate::strategy::{PositionAction, PositionView, Strategy};

/// Execution and portfolio settings of one backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestConfig {
    /// The simulator's configuration (`risk_per_trade` may be replaced by the strategy's).
    pub simulator: SimulatorConfig,
    /// Symbol specs registered with the simulator and its portfolio.
    pub symbol_specs: Vec<SymbolSpec>,
    /// Starting cash.
    pub initial_balance: f64,
    /// Currency of balance and PnL.
    pub account_currency: String,
    /// Daily returns per year (Sharpe, Sortino).
    pub annualization: f64,
}

/// Accepts any number (the range is checked elsewhere).
fn any(_: f64) -> Result<(), String> {
    Ok(())
}

fn required_float(
    c: &mut ConfigObject,
    key: &'static str,
    check: impl Fn(f64) -> Result<(), String>,
) -> OmegaResult<f64> {
    c.opt_float(key, None, check)?
        .ok_or_else(|| OmegaError::invalid_value(c.key_name(key), "a number (required)", "nothing"))
}

fn object(
    c: &ConfigObject,
    key: &str,
    value: Value,
) -> OmegaResult<serde_json::Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(OmegaError::invalid_type(
            c.key_name(key),
            "an object",
            crate::config::describe(&other),
        )),
    }
}

fn symbol_spec(name: &str, map: serde_json::Map<String, Value>) -> OmegaResult<SymbolSpec> {
    let mut c = ConfigObject::new(
        format!("execution_config.symbol_specs.{name}"),
        "a symbol spec",
        map,
    );
    let tick_size = required_float(&mut c, "tick_size", any)?;
    let mut spec = SymbolSpec::new(name, tick_size);
    spec.tick_value = c.opt_float("tick_value", None, any)?;
    spec.contract_size = c.opt_float("contract_size", None, any)?;
    spec.pip_size = c.opt_float("pip_size", None, any)?.unwrap_or(tick_size);
    spec.volume_min = c.float("volume_min", 0.0, any)?;
    spec.volume_max = c
        .opt_float("volume_max", None, any)?
        .unwrap_or(f64::INFINITY);
    spec.volume_step = c.float("volume_step", 0.0, any)?;
    spec.base_currency = c.string("base_currency", "")?;
    spec.quote_currency = c.string("quote_currency", "")?;
    spec.account_currency = c.string("account_currency", "")?;
    c.finish()?;
    spec.validate()?;
    Ok(spec)
}

impl BacktestConfig {
    /// Parses the execution config and the portfolio config (JSON objects; keys in
    /// `docs/backtest_loop.md`).
    pub fn from_json(execution: &str, portfolio: &str) -> OmegaResult<Self> {
        let map = parse_object("execution_config", execution)?;
        let mut c = ConfigObject::new("execution_config", "the execution simulator", map);
        let defaults = SimulatorConfig::default();
        // Ranges of the simulator's own parameters are checked by SimulatorConfig::validate
        // (the same messages as the Python simulator); here only their JSON types.
        let risk_per_trade = c.float("risk_per_trade", defaults.risk_per_trade, any)?;
        let pip_buffer_factor = c.float("pip_buffer_factor", defaults.pip_buffer_factor, any)?;
        let intrabar_policy: IntrabarPolicy = c
            .choice(
                "intrabar_policy",
                "pessimistic",
                &["pessimistic", "ohlc", "adaptive"],
            )?
            .parse()?;
        let fill_at: FillAt = c
            .choice("fill_at", "signal_close", &["signal_close", "next_open"])?
            .parse()?;
        let sizing = match c.raw("sizing") {
            None => Sizing::Risk,
            Some(v) => {
                let map = object(&c, "sizing", v)?;
                let mut s = ConfigObject::new("execution_config.sizing", "sizing", map);
                let sizing = match s
                    .choice(
                        "mode",
                        "risk",
                        &["risk", "fixed_lots", "fraction_of_equity"],
                    )?
                    .as_str()
                {
                    "fixed_lots" => Sizing::FixedLots(required_float(&mut s, "lots", any)?),
                    "fraction_of_equity" => {
                        Sizing::FractionOfEquity(required_float(&mut s, "fraction", any)?)
                    }
                    _ => Sizing::Risk,
                };
                s.finish()?;
                sizing
            }
        };
        let slippage = match c.raw("slippage") {
            None => SlippageModel::None,
            Some(v) => {
                let map = object(&c, "slippage", v)?;
                let mut s = ConfigObject::new("execution_config.slippage", "slippage", map);
                let model = match s
                    .choice("mode", "none", &["none", "fixed", "random"])?
                    .as_str()
                {
                    "fixed" => SlippageModel::Fixed {
                        pips: required_float(&mut s, "pips", any)?,
                    },
                    "random" => SlippageModel::Random {
                        max_pips: required_float(&mut s, "max_pips", any)?,
                    },
                    _ => SlippageModel::None,
                };
                s.finish()?;
                model
            }
        };
        let fees = match c.raw("fee") {
            None => None,
            Some(v) => {
                let map = object(&c, "fee", v)?;
                let mut s = ConfigObject::new("execution_config.fee", "fee", map);
                let fee = FeeModel {
                    per_lot: s.float("per_lot", 0.0, any)?,
                    rate: s.float("rate", 0.0, any)?,
                    minimum: s.float("minimum", 0.0, any)?,
                };
                s.finish()?;
                Some(fee)
            }
        };
        let seed = c.int("seed", 0, 0)?.unsigned_abs();
        let timeout_us = c.opt_int("timeout_us", None, 1)?;
        let mut symbol_specs = Vec::new();
        if let Some(v) = c.raw("symbol_specs") {
            for (name, spec) in object(&c, "symbol_specs", v)? {
                let key = format!("symbol_specs.{name}");
                let map = match spec {
                    Value::Object(map) => map,
                    other => {
                        return Err(OmegaError::invalid_type(
                            c.key_name(&key),
                            "an object",
                            crate::config::describe(&other),
                        ));
                    }
                };
                symbol_specs.push(symbol_spec(&name, map)?);
            }
        }
        c.finish()?;
        let simulator = SimulatorConfig {
            risk_per_trade,
            pip_buffer_factor,
            intrabar_policy,
            fill_at,
            sizing,
            slippage,
            fees,
            seed,
            timeout_us,
        };
        simulator.validate()?;

        let map = parse_object("portfolio_config", portfolio)?;
        let mut p = ConfigObject::new("portfolio_config", "the portfolio", map);
        // Checked by Portfolio::new (the same messages as the Python portfolio).
        let initial_balance = p.float("initial_balance", 10_000.0, any)?;
        let account_currency = p.string("account_currency", "USD")?;
        let annualization = p.float("annualization", 252.0, any)?;
        p.finish()?;
        Ok(Self {
            simulator,
            symbol_specs,
            initial_balance,
            account_currency,
            annualization,
        })
    }
}

/// A signal the strategy emitted and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalRecord {
    /// Primary bar index.
    pub bar: usize,
    /// The position id the simulator gave it.
    pub id: u64,
    /// The signal.
    pub direction: Direction,
    /// Entry price asked for.
    pub entry: f64,
    /// Stop loss.
    pub sl: Option<f64>,
    /// Take profit.
    pub tp: Option<f64>,
    /// Order type.
    pub order_type: OrderType,
    /// Scenario text.
    pub scenario: Label,
    /// Reason text.
    pub reason: Label,
}

/// What `manage_position` did to a position (holds are not recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRecord {
    /// Primary bar index.
    pub bar: usize,
    /// Position id.
    pub id: u64,
    /// The action.
    pub action: PositionAction,
}

/// Everything a backtest produced.
#[derive(Debug, Clone)]
pub struct BacktestResult {
    /// The simulator after the last bar: its positions (every order, in id order) and its
    /// portfolio (trades, equity curve, summary).
    pub simulator: Simulator,
    /// Per position: the primary bar it filled on.
    pub fill_bars: Vec<Option<usize>>,
    /// Signals, in bar order.
    pub signals: Vec<SignalRecord>,
    /// Position actions other than `Hold`, in bar order.
    pub actions: Vec<ActionRecord>,
    /// Valid primary bars the loop ran over.
    pub bars: usize,
    /// Indicator kernels run (omega-indicators).
    pub indicator_calls: u64,
    /// Calls into the simulator (omega-execution).
    pub execution_calls: u64,
    /// Calls into the portfolio made by the loop itself (equity batches).
    pub portfolio_calls: u64,
    /// Time spent in `on_init` (indicators), nanoseconds.
    pub init_nanos: u64,
    /// Time spent in the bar loop, nanoseconds.
    pub loop_nanos: u64,
}

/// Runs `strategy` over `data` (see the module docs).
pub fn run_backtest(
    strategy: &mut dyn Strategy,
    data: &MarketData<'_>,
    config: &BacktestConfig,
) -> OmegaResult<BacktestResult> {
    if strategy.primary_timeframe() != data.primary_timeframe() {
        return Err(OmegaError::invalid_value(
            "data",
            format!(
                "the primary timeframe {} of {}",
                strategy.primary_timeframe(),
                strategy.name()
            ),
            data.primary_timeframe(),
        ));
    }
    let mut sim_config = config.simulator;
    if let Some(risk) = strategy.risk_per_trade() {
        sim_config.risk_per_trade = risk;
    }
    let mut portfolio = Portfolio::new(
        config.initial_balance,
        &config.account_currency,
        config.annualization,
    )?;
    // At most one equity point per primary bar: no regrowth copies of the curve.
    portfolio.reserve_equity_points(data.len());
    let mut sim = Simulator::new(portfolio, sim_config)?;
    for spec in &config.symbol_specs {
        sim.add_symbol(spec.clone())?;
    }
    let symbol = strategy.symbol().to_owned();
    let Some(spec) = sim.symbol_specs().find(|s| s.symbol == symbol) else {
        return Err(OmegaError::invalid_value(
            "symbol_specs",
            format!("a spec for the strategy's symbol '{symbol}'"),
            "none",
        ));
    };
    let buffer = spec.pip_size * sim_config.pip_buffer_factor;
    let started = Instant::now();
    let mut cache = IndicatorCache::default();
    strategy.on_init(&mut InitContext::new(data, &mut cache, sim_config.fill_at))?;
    let initialised = Instant::now();

    let mut run = Run {
        sim,
        symbol: &symbol,
        data,
        base_id: 0,
        fill_bars: Vec::new(),
        unfilled: Vec::new(),
        signals: Vec::new(),
        actions: Vec::new(),
        bars: 0,
        execution_calls: 0,
        portfolio_calls: 0,
        written: 0,
        buffer,
        timeout_us: sim_config.timeout_us,
    };
    run.base_id = run.sim.next_id();
    // Orders, trades and signal records sized once: no regrowth copies of 300-byte orders.
    if let Some(signals) = strategy.max_signals() {
        run.sim.reserve_orders(signals);
        run.fill_bars.reserve(signals);
        run.signals.reserve(signals);
    }
    run.run(strategy, &cache)?;
    let finished = Instant::now();
    Ok(BacktestResult {
        simulator: run.sim,
        fill_bars: run.fill_bars,
        signals: run.signals,
        actions: run.actions,
        bars: run.bars,
        indicator_calls: cache.kernel_calls(),
        execution_calls: run.execution_calls,
        portfolio_calls: run.portfolio_calls,
        init_nanos: nanos(initialised - started),
        loop_nanos: nanos(finished - initialised),
    })
}

impl BacktestResult {
    /// The portfolio: trades, equity curve, summary.
    pub fn portfolio(&self) -> &Portfolio {
        self.simulator.portfolio()
    }

    /// Every order and position of the simulator, in id order.
    pub fn positions(&self) -> &[Position] {
        self.simulator.positions()
    }
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The loop's state.
struct Run<'r, 'a> {
    sim: Simulator,
    symbol: &'r str,
    data: &'r MarketData<'a>,
    base_id: u64,
    /// Per position (index `id − base_id`): the bar it filled on.
    fill_bars: Vec<Option<usize>>,
    /// Ids of pending orders (not yet filled, cancelled or rejected).
    unfilled: Vec<u64>,
    signals: Vec<SignalRecord>,
    actions: Vec<ActionRecord>,
    bars: usize,
    execution_calls: u64,
    portfolio_calls: u64,
    /// Equity points of bars `written..` (up to the current bar) are not written yet; all of
    /// those bars are valid and nothing changed the portfolio since `written`.
    written: usize,
    /// `pip_size · pip_buffer_factor` of the symbol (the simulator's level buffer).
    buffer: f64,
    /// The simulator's timeout, µs.
    timeout_us: Option<i64>,
}

impl Run<'_, '_> {
    fn slot(&self, id: u64) -> OmegaResult<usize> {
        usize::try_from(id - self.base_id)
            .ok()
            .filter(|&i| i < self.fill_bars.len())
            .ok_or_else(|| OmegaError::Internal(format!("unknown position id {id}")))
    }

    /// Writes the equity points of bars `from..to` (all valid, nothing changed in between):
    /// one `update_equity` call for a single bar, one `update_equity_batch` call for more.
    fn flush(&mut self, from: usize, to: usize) -> OmegaResult<()> {
        if to <= from {
            return Ok(());
        }
        let (bid, ask) = (self.data.primary(Side::Bid), self.data.primary(Side::Ask));
        let ts = self.data.timestamps();
        self.portfolio_calls += 1;
        if to - from == 1 {
            let mark = [Mark {
                symbol: self.symbol,
                bid: bid.close[from],
                ask: ask.close[from],
            }];
            return self.sim.update_equity(ts[from], &mark).map(|_| ());
        }
        let marks = [SymbolMarks {
            symbol: self.symbol,
            bid: &bid.close[from..to],
            ask: &ask.close[from..to],
        }];
        self.sim.update_equity_batch(&ts[from..to], &marks)
    }

    /// What the portfolio holds that a bar can change (checked after exits that were not
    /// preceded by a flush).
    fn ledger_state(&self) -> (usize, usize, usize, u64) {
        let p = self.sim.portfolio();
        (
            p.trades().len(),
            p.open_count(),
            p.fees().len(),
            p.balance().to_bits(),
        )
    }

    /// Whether the exit checks of this bar may write into the portfolio: a pending order (it
    /// may fill), a timed-out position, or a stop or target within reach of the bar's
    /// exit-side range. Conservative (the levels are widened); when it says no, the pending
    /// equity points need not be written before the exit checks.
    fn bar_may_change_portfolio(&self, t: usize) -> bool {
        let (bid, ask) = (self.data.primary(Side::Bid), self.data.primary(Side::Ask));
        let time = self.data.timestamps()[t];
        for p in self.sim.active_positions() {
            if p.status != PositionStatus::Open {
                return true;
            }
            let timed_out = match (self.timeout_us, p.trigger_time) {
                (Some(timeout), Some(filled)) => time >= filled.saturating_add(timeout),
                _ => false,
            };
            if timed_out {
                return true;
            }
            // Only the exit side's range is read (the whole candles only where exits run).
            let (low, high) = match p.direction {
                Direction::Long => (bid.low[t], bid.high[t]),
                Direction::Short => (ask.low[t], ask.high[t]),
            };
            let reach = |level: f64| 2.0 * self.buffer + 1e-9 * level.abs();
            let (stop_hit, target_hit) = match p.direction {
                Direction::Long => (
                    p.stop_loss.is_some_and(|sl| low <= sl + reach(sl)),
                    p.take_profit.is_some_and(|tp| high >= tp - reach(tp)),
                ),
                Direction::Short => (
                    p.stop_loss.is_some_and(|sl| high >= sl - reach(sl)),
                    p.take_profit.is_some_and(|tp| low <= tp + reach(tp)),
                ),
            };
            if stop_hit || target_hit {
                return true;
            }
        }
        false
    }

    /// Writes the pending equity points of the bars before `t`.
    fn flush_before(&mut self, t: usize) -> OmegaResult<()> {
        self.flush(self.written, t)?;
        self.written = t;
        Ok(())
    }

    /// The bar an open position filled on (unknown only for a fill the loop did not see).
    fn fill_bar(&self, id: u64) -> Option<usize> {
        let slot = usize::try_from(id - self.base_id).ok()?;
        self.fill_bars.get(slot).copied().flatten()
    }

    /// Where the bar-by-bar steps resume from bar `t`: while nothing is open or pending, the
    /// strategy's next entry bar; with positions, the earlier of the strategy's next acting
    /// bar and the next bar on which the simulator's exit checks may change anything.
    fn next_step(
        &self,
        strategy: &mut dyn Strategy,
        cache: &IndicatorCache,
        t: usize,
    ) -> OmegaResult<usize> {
        let n = self.data.len();
        if self.sim.active_positions().next().is_none() {
            return Ok(strategy.next_entry_bar(t, n).clamp(t, n));
        }
        let is_open = |p: &&Position| p.status == PositionStatus::Open;
        let fills_known = self
            .sim
            .active_positions()
            .filter(is_open)
            .all(|p| self.fill_bar(p.id).is_some());
        let wanted = if fills_known {
            let active = self.sim.active_positions().count();
            let mut open = self.sim.active_positions().filter(is_open).filter_map(|p| {
                self.fill_bar(p.id).map(|fill_index| PositionView {
                    position: p,
                    fill_index,
                    bars_held: t.saturating_sub(fill_index),
                })
            });
            let scan = BarScan::new(self.data, cache);
            strategy.next_acting_bar(&scan, &mut open, active, t, n)
        } else {
            strategy.next_wanted_bar(t, n)
        }
        .clamp(t, n);
        if wanted == t {
            return Ok(t);
        }
        let columns = |side| {
            let c = self.data.primary(side);
            BarColumns {
                timestamp: c.timestamps,
                open: c.open,
                high: c.high,
                low: c.low,
                close: c.close,
            }
        };
        let (bid, ask) = (columns(Side::Bid), columns(Side::Ask));
        self.sim
            .first_eventful_bar(self.symbol, &bid, &ask, t, wanted)
    }

    /// Bars `from..to` on which neither the strategy nor the simulator can act (see
    /// [`Run::next_step`]): nothing to call, their equity points stay pending (written in bulk
    /// with the next flush) except around missing bars.
    fn skip_quiet(&mut self, from: usize, to: usize) -> OmegaResult<()> {
        let (bid, ask) = (self.data.primary(Side::Bid), self.data.primary(Side::Ask));
        let missing = bid.close[from..to]
            .iter()
            .zip(&ask.close[from..to])
            .fold(0_usize, |k, (b, a)| {
                k + usize::from(b.is_nan() | a.is_nan())
            });
        self.bars += (to - from) - missing;
        if missing > 0 {
            for t in from..to {
                if !self.data.is_valid(t) {
                    self.flush_before(t)?;
                    self.written = t + 1;
                }
            }
        }
        Ok(())
    }

    fn run(&mut self, strategy: &mut dyn Strategy, cache: &IndicatorCache) -> OmegaResult<()> {
        let n = self.data.len();
        let mut pending_actions: Vec<(u64, Direction, PositionAction)> = Vec::new();
        let mut t = 0;
        while t < n {
            let next = self.next_step(strategy, cache, t)?;
            if next > t {
                self.skip_quiet(t, next)?;
                t = next;
                continue;
            }
            self.step(strategy, cache, t, &mut pending_actions)?;
            t += 1;
        }
        self.flush_before(n)
    }

    /// Primary bar `t` (see the module docs).
    fn step(
        &mut self,
        strategy: &mut dyn Strategy,
        cache: &IndicatorCache,
        t: usize,
        pending_actions: &mut Vec<(u64, Direction, PositionAction)>,
    ) -> OmegaResult<()> {
        let data = self.data;
        let stamp = data.timestamps()[t];
        if !data.is_valid(t) {
            self.flush_before(t)?;
            self.written = t + 1;
            return Ok(());
        }
        self.bars += 1;
        let wants = strategy.wants_bar(t);
        let active = self.sim.active_positions().next().is_some();
        if !active {
            if wants {
                let slice = DataSlice::new(self.symbol, t, 0, data, cache);
                if let Some(signal) = strategy.evaluate(&slice) {
                    self.enter(t, stamp, signal)?;
                }
            }
            return Ok(());
        }
        // Exit checks: at once where something may trigger; where nothing can, the state
        // after them equals the state before, so they are only run (and verified to change
        // nothing) when the strategy acts on a position at this bar (the R18 checks of its
        // actions read the simulator's last quote).
        let may_change = self.bar_may_change_portfolio(t);
        let mut exits_done = false;
        if may_change {
            self.flush_before(t)?;
            self.exits(t, false)?;
            exits_done = true;
        }
        if !wants {
            return Ok(());
        }
        // Every open position's action is decided on the state after the exits, then
        // the actions are applied in id order.
        let count = self.sim.active_positions().count();
        let slice = DataSlice::new(self.symbol, t, count, data, cache);
        pending_actions.clear();
        for position in self.sim.active_positions() {
            if position.status != PositionStatus::Open {
                continue;
            }
            let fill_index = self.fill_bar(position.id).unwrap_or(t);
            let view = PositionView {
                position,
                fill_index,
                bars_held: t - fill_index,
            };
            let action = strategy.manage_position(&view, &slice);
            if action != PositionAction::Hold {
                pending_actions.push((position.id, position.direction, action));
            }
        }
        if !(exits_done || pending_actions.is_empty()) {
            self.exits(t, true)?;
        }
        for (id, direction, action) in pending_actions.drain(..) {
            let exit_price = match direction {
                Direction::Long => data.primary(Side::Bid).close[t],
                Direction::Short => data.primary(Side::Ask).close[t],
            };
            self.apply(id, t, stamp, exit_price, action)?;
        }
        let count = self.sim.active_positions().count();
        let slice = DataSlice::new(self.symbol, t, count, data, cache);
        if let Some(signal) = strategy.evaluate(&slice) {
            self.enter(t, stamp, signal)?;
        }
        Ok(())
    }

    /// Sends the strategy's signal of bar `t` to the simulator.
    fn enter(&mut self, t: usize, stamp: i64, signal: TradeSignal) -> OmegaResult<()> {
        if signal.timestamp != stamp || signal.symbol != self.symbol {
            return Err(OmegaError::invalid_value(
                "signal",
                format!(
                    "a signal for {} stamped with the bar's timestamp {stamp}",
                    self.symbol
                ),
                format!("{} at {}", signal.symbol, signal.timestamp),
            ));
        }
        self.flush_before(t)?;
        self.execution_calls += 1;
        let id = self.sim.process_signal(&signal)?;
        let (filled, pending) = self.sim.position(id).map_or((false, false), |p| {
            (
                p.trigger_time.is_some(),
                p.status == PositionStatus::Pending,
            )
        });
        self.fill_bars.push(filled.then_some(t));
        if pending {
            self.unfilled.push(id);
        }
        self.signals.push(SignalRecord {
            bar: t,
            id,
            direction: signal.direction,
            entry: signal.entry,
            sl: signal.sl,
            tp: signal.tp,
            order_type: signal.order_type,
            scenario: signal.scenario,
            reason: signal.reason,
        });
        Ok(())
    }

    /// The simulator's exit checks on bar `t`; with `quiet` (the pre-check found nothing
    /// within reach and no flush preceded) it is an error if they changed the portfolio.
    fn exits(&mut self, t: usize, quiet: bool) -> OmegaResult<()> {
        let before = quiet.then(|| self.ledger_state());
        self.execution_calls += 1;
        let (bid, ask) = (
            self.data.candle(Side::Bid, t),
            self.data.candle(Side::Ask, t),
        );
        self.sim.evaluate_exits(self.symbol, &bid, &ask)?;
        if before.is_some_and(|before| before != self.ledger_state()) {
            return Err(OmegaError::Internal(format!(
                "the exit pre-check of bar {t} missed a portfolio change (please report)"
            )));
        }
        self.record_fills(t)
    }

    /// Pending orders that filled on bar `t` (possibly closed on it too).
    fn record_fills(&mut self, t: usize) -> OmegaResult<()> {
        let mut k = 0;
        while k < self.unfilled.len() {
            let id = self.unfilled[k];
            let Some(p) = self.sim.position(id) else {
                return Err(OmegaError::Internal(format!("position {id} vanished")));
            };
            if p.status == PositionStatus::Pending {
                k += 1;
                continue;
            }
            if p.trigger_time.is_some() {
                let slot = self.slot(id)?;
                self.fill_bars[slot] = Some(t);
            }
            self.unfilled.swap_remove(k);
        }
        Ok(())
    }

    /// Sends a position action to the simulator; a close exits at `exit_price` (this bar's
    /// exit-side close) at `time`.
    fn apply(
        &mut self,
        id: u64,
        t: usize,
        time: i64,
        exit_price: f64,
        action: PositionAction,
    ) -> OmegaResult<()> {
        match &action {
            PositionAction::Hold => return Ok(()),
            PositionAction::ModifyStopLoss { new_sl } => {
                self.sim.modify_stop_loss(id, Some(*new_sl))?;
            }
            PositionAction::ModifyTakeProfit { new_tp } => {
                self.sim.modify_take_profit(id, Some(*new_tp))?;
            }
            PositionAction::Close { reason } => {
                let reason: &str = reason;
                self.flush_before(t)?;
                self.sim
                    .close_position(id, Some(time), Some(exit_price), reason)?;
            }
        }
        self.execution_calls += 1;
        self.actions.push(ActionRecord { bar: t, id, action });
        Ok(())
    }
}

/// The name of an action kind as the results table spells it.
pub fn action_kind(action: &PositionAction) -> &'static str {
    match action {
        PositionAction::Hold => "hold",
        PositionAction::ModifyStopLoss { .. } => "modify_stop_loss",
        PositionAction::ModifyTakeProfit { .. } => "modify_take_profit",
        PositionAction::Close { .. } => "close",
    }
}

/// The value of an action (the new level; NaN for closes and holds) and its reason text.
pub fn action_details(action: &PositionAction) -> (f64, &str) {
    match action {
        PositionAction::Hold => (f64::NAN, ""),
        PositionAction::ModifyStopLoss { new_sl } => (*new_sl, ""),
        PositionAction::ModifyTakeProfit { new_tp } => (*new_tp, ""),
        PositionAction::Close { reason } => (f64::NAN, reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Series;
    use crate::registry::{StrategyInputs, create};
    use crate::results;
    use omega_core::{OhlcvColumns, Timeframe};

    const M5: i64 = 300_000_000;
    const EURUSD: &str = r#"{"symbol_specs": {"EURUSD": {"tick_size": 0.00001, "tick_value": 1.0,
        "pip_size": 0.0001, "volume_min": 0.01, "volume_max": 100, "volume_step": 0.01}}}"#;

    /// Bid/ask columns around `closes` (±`width`, ask = bid + 1 pip); NaN closes are missing
    /// bars.
    struct Bars {
        ts: Vec<i64>,
        bid: [Vec<f64>; 5],
        ask: [Vec<f64>; 5],
    }

    fn bars(closes: &[f64], width: f64) -> Bars {
        let ts = (0..closes.len() as i64).map(|k| k * M5).collect();
        let side = |shift: f64| {
            let c: Vec<f64> = closes.iter().map(|c| c + shift).collect();
            [
                c.clone(),
                c.iter().map(|c| c + width).collect(),
                c.iter().map(|c| c - width).collect(),
                c,
                closes
                    .iter()
                    .map(|c| if c.is_nan() { f64::NAN } else { 1.0 })
                    .collect(),
            ]
        };
        Bars {
            ts,
            bid: side(0.0),
            ask: side(0.0001),
        }
    }

    fn data<'a>(b: &'a Bars, n: usize) -> MarketData<'a> {
        let cols = |s: &'a [Vec<f64>; 5]| {
            OhlcvColumns::new(
                &b.ts[..n],
                &s[0][..n],
                &s[1][..n],
                &s[2][..n],
                &s[3][..n],
                &s[4][..n],
            )
            .unwrap()
        };
        let series = |side, columns| Series {
            timeframe: Timeframe::M5,
            side,
            columns,
        };
        MarketData::new(
            Timeframe::M5,
            vec![
                series(Side::Bid, cols(&b.bid)),
                series(Side::Ask, cols(&b.ask)),
            ],
        )
        .unwrap()
    }

    fn wave(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        let mut x = 0.0_f64;
        (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                x += 0.05 * (0.0 - x) + 0.004 * u;
                if i % 97 == 50 {
                    f64::NAN
                } else {
                    ((1.1 + x) * 1e5).round() / 1e5
                }
            })
            .collect()
    }

    fn run(init_args: &str, data: &MarketData<'_>) -> OmegaResult<BacktestResult> {
        let config = BacktestConfig::from_json(EURUSD, "{}")?;
        let mut s = create("MeanReversionZScore", init_args, &StrategyInputs::default())?;
        run_backtest(s.as_mut(), data, &config)
    }

    #[test]
    fn the_worked_example_enters_at_the_crossing_and_exits_at_the_mean() {
        let b = bars(&[1.1000, 1.1010, 1.1020, 1.1030, 1.0990, 1.1030], 0.004);
        let d = data(&b, 6);
        let r = run(
            r#"{"window_length": 3, "atr_length": 2, "enabled_scenarios": [1],
                "z_score_long": -1.2, "z_score_short": 5.0, "break_even_at_r": null}"#,
            &d,
        )
        .unwrap();
        assert_eq!(r.signals.len(), 1);
        let s = &r.signals[0];
        assert_eq!((s.bar, s.direction), (4, Direction::Long));
        assert_eq!(s.entry, b.ask[3][4]);
        let trade = &r.portfolio().trades()[0];
        assert_eq!(
            (trade.reason.as_str(), trade.exit_price),
            ("exit_z", b.bid[3][5])
        );
        assert_eq!(r.portfolio().equity_curve().len(), 6);
        assert_eq!(r.actions.len(), 1);
    }

    #[test]
    fn truncating_after_any_bar_changes_nothing_before_it() {
        let closes = wave(1_200, 3);
        let b = bars(&closes, 0.0003);
        let args = r#"{"window_length": 20, "enabled_scenarios": [1, 3], "garch_lookback": 60,
            "garch_min_periods": 20, "vol_window": 30, "trailing_atr_mult": 1.0,
            "max_holding_bars": 25}"#;
        let full = run(args, &data(&b, closes.len())).unwrap();
        assert!(full.signals.len() > 20, "{}", full.signals.len());
        for t in (0..closes.len()).step_by(37) {
            let cut = run(args, &data(&b, t + 1)).unwrap();
            let before =
                |s: &[SignalRecord]| s.iter().filter(|x| x.bar <= t).cloned().collect::<Vec<_>>();
            assert_eq!(
                before(&full.signals),
                before(&cut.signals),
                "signals up to {t}"
            );
            let acts =
                |a: &[ActionRecord]| a.iter().filter(|x| x.bar <= t).cloned().collect::<Vec<_>>();
            assert_eq!(acts(&full.actions), acts(&cut.actions), "actions up to {t}");
            let k = cut.portfolio().equity_curve().len();
            assert_eq!(
                &full.portfolio().equity_curve().equity()[..k],
                cut.portfolio().equity_curve().equity(),
                "equity up to {t}"
            );
        }
        // Missing bars have no equity point; every valid bar has one.
        let valid = closes.iter().filter(|c| !c.is_nan()).count();
        assert_eq!(full.portfolio().equity_curve().len(), valid);
        assert_eq!(full.bars, valid);
        let (summary, tables) =
            results::summary_and_tables(full, data(&b, closes.len()).timestamps());
        assert_eq!(tables.len(), 5);
        assert!(!summary.is_empty());
    }

    /// A strategy stepped on every bar while it holds positions: the wrapped one without its
    /// `next_acting_bar`.
    struct EveryBar(Box<dyn Strategy>);

    impl Strategy for EveryBar {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn symbol(&self) -> &str {
            self.0.symbol()
        }
        fn primary_timeframe(&self) -> Timeframe {
            self.0.primary_timeframe()
        }
        fn risk_per_trade(&self) -> Option<f64> {
            self.0.risk_per_trade()
        }
        fn on_init(&mut self, init: &mut InitContext<'_, '_>) -> OmegaResult<()> {
            self.0.on_init(init)
        }
        fn next_entry_bar(&mut self, from: usize, end: usize) -> usize {
            self.0.next_entry_bar(from, end)
        }
        fn evaluate(&mut self, slice: &DataSlice<'_>) -> Option<TradeSignal> {
            self.0.evaluate(slice)
        }
        fn manage_position(
            &mut self,
            position: &PositionView<'_>,
            slice: &DataSlice<'_>,
        ) -> PositionAction {
            self.0.manage_position(position, slice)
        }
    }

    #[test]
    fn jumping_to_the_next_acting_bar_changes_nothing() {
        let closes = wave(3_000, 11);
        let b = bars(&closes, 0.0003);
        let d = data(&b, closes.len());
        let config = BacktestConfig::from_json(EURUSD, "{}").unwrap();
        for args in [
            r#"{"window_length": 20, "enabled_scenarios": [1, 3], "garch_lookback": 60,
                "garch_min_periods": 20, "vol_window": 30, "max_holding_bars": 25}"#,
            r#"{"window_length": 20, "enabled_scenarios": [1], "trailing_atr_mult": 1.0,
                "break_even_at_r": 0.5, "max_holding_bars": null, "max_open_positions": 3,
                "exit_z": 1.5}"#,
        ] {
            let make = || create("MeanReversionZScore", args, &StrategyInputs::default()).unwrap();
            let jumping = run_backtest(make().as_mut(), &d, &config).unwrap();
            let stepping = run_backtest(&mut EveryBar(make()), &d, &config).unwrap();
            assert!(jumping.signals.len() > 20, "{}", jumping.signals.len());
            assert!(jumping.actions.len() > 20, "{}", jumping.actions.len());
            assert_eq!(jumping.signals, stepping.signals);
            assert_eq!(jumping.actions, stepping.actions);
            assert_eq!(jumping.positions(), stepping.positions());
            assert_eq!(jumping.portfolio().trades(), stepping.portfolio().trades());
            let bits = |r: &BacktestResult| {
                let curve = r.portfolio().equity_curve();
                (curve.equity().iter())
                    .chain(curve.balance())
                    .map(|x| x.to_bits())
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(&jumping), bits(&stepping));
        }
    }

    #[test]
    fn signal_strategy_enters_on_the_masks() {
        let closes = wave(300, 5);
        let b = bars(&closes, 0.0003);
        let d = data(&b, closes.len());
        let mut long = vec![false; closes.len()];
        let mut exits = vec![false; closes.len()];
        long[10] = true;
        exits[40] = true;
        let inputs = StrategyInputs {
            bools: vec![("long_entries", &long), ("long_exits", &exits)],
            floats: vec![],
        };
        let mut s = create("SignalStrategy", r#"{"sl_stop": 0.05}"#, &inputs).unwrap();
        let config = BacktestConfig::from_json(EURUSD, "{}").unwrap();
        let r = run_backtest(s.as_mut(), &d, &config).unwrap();
        assert_eq!(r.signals.len(), 1);
        assert_eq!(r.signals[0].bar, 10);
        assert_eq!(r.signals[0].sl, Some(b.ask[3][10] * (1.0 - 0.05)));
        let trade = &r.portfolio().trades()[0];
        assert_eq!(trade.reason, "exit_signal");
        assert_eq!(trade.exit_time, 40 * M5);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let closes = wave(200, 9);
        let b = bars(&closes, 0.0003);
        let d = data(&b, closes.len());
        let e = |r: OmegaResult<BacktestResult>| r.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            e(run(r#"{"timeframe": "M15"}"#, &d)),
            "data: expected the primary timeframe M15 of MeanReversionZScore, got M5"
        );
        assert!(
            e(run(r#"{"enabled_scenarios": [2]}"#, &d))
                .starts_with("data: expected H1/bid candles")
        );
        assert_eq!(
            e(run(r#"{"symbol": "GBPUSD"}"#, &d)),
            "symbol_specs: expected a spec for the strategy's symbol 'GBPUSD', got none"
        );
        assert!(BacktestConfig::from_json(r#"{"fill_at": "later"}"#, "{}").is_err());
        assert!(BacktestConfig::from_json("{}", r#"{"cash": 1}"#).is_err());
        let bad = BacktestConfig::from_json(r#"{"risk_per_trade": -1}"#, "{}").unwrap_err();
        assert_eq!(
            bad.to_string(),
            "risk_per_trade: expected a finite amount > 0, got -1"
        );
    }
}
