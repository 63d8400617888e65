//! The execution simulator: owns a portfolio, turns signals into orders and positions, and
//! writes every fill, exit and fee into the portfolio (rules in `docs/execution_semantics.md`).
//!
//! Every call validates all of its input first and plans its effects without changing
//! anything; only a fully checked plan is committed, so an error leaves the simulator and its
//! portfolio exactly as they were.

use omega_core::{Direction, FastMap, Label, OmegaError, OmegaResult, SymbolSpec};
use omega_portfolio::{EquityCurve, Ledger, Mark, Portfolio, SymbolMarks, pnl};

use crate::batch::BarColumns;
use crate::candle::{Candle, Tick, check_time, validate_pair};
use crate::config::{FillAt, SimulatorConfig};
use crate::exits::{self, Hit, Levels};
use crate::label_table::LabelTable;
use crate::path::{Bar, to_long_space};
use crate::pending::find_trigger;
use crate::position::{Position, PositionStatus, reason};
use crate::signal::{OrderType, SignalRef, TradeSignal, check_level};
use crate::sizing::{FillContext, SizeOutcome, size};
use crate::slippage::FillKey;

/// The last quote the simulator saw for a symbol (a bar's closes or a tick).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LastQuote {
    /// Time of the bar or tick.
    pub time: i64,
    /// Bid close.
    pub bid: f64,
    /// Ask close.
    pub ask: f64,
}

impl LastQuote {
    fn exit_price(&self, direction: Direction) -> f64 {
        match direction {
            Direction::Long => self.bid,
            Direction::Short => self.ask,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct SymbolState {
    spec: SymbolSpec,
    /// The symbol, shared by every position on it.
    name: Label,
    vpp: f64,
    last_bar: Option<i64>,
    last_quote: Option<LastQuote>,
}

/// One planned change; prices are real (not long space).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Planned {
    Fill {
        idx: usize,
        time: i64,
        price: f64,
        size: f64,
        slippage: f64,
        fee: Option<f64>,
    },
    Exit {
        idx: usize,
        time: i64,
        price: f64,
        slippage: f64,
        reason: &'static str,
        fee: Option<f64>,
        pnl: f64,
    },
    Reject {
        idx: usize,
        time: i64,
        reason: &'static str,
    },
}

/// A fill that went through: what the same bar's exit check needs.
#[derive(Debug, Clone, Copy)]
struct Filled {
    price: f64,
    size: f64,
}

/// The execution simulator, writing into a [`Ledger`] (by default an
/// [`omega_portfolio::Portfolio`] it owns).
#[derive(Debug, Clone, PartialEq)]
pub struct Simulator<L = Portfolio> {
    config: SimulatorConfig,
    portfolio: L,
    symbols: Vec<SymbolState>,
    symbol_index: FastMap<String, usize>,
    positions: Vec<Position>,
    id_index: FastMap<u64, usize>,
    active: Vec<usize>,
    next_id: u64,
    clock: Option<i64>,
    /// Empty between calls: room for a single order's plan.
    scratch: Vec<Planned>,
    /// Shared labels of reasons and scenarios.
    labels: LabelTable,
}

/// Open positions of one symbol [`Simulator::first_eventful_row`] follows row by row; with
/// more, every row is stepped.
const WATCHED: usize = 8;

/// An open position's exit thresholds, for scanning bar columns (see
/// [`Simulator::first_eventful_row`]).
#[derive(Debug, Clone, Copy)]
struct Watch {
    /// Bars at or before this time skip the position.
    entry_time: i64,
    /// Long-space `sl + buffer` (−inf without a stop): a low at or below it may exit.
    stop: f64,
    /// Long-space `tp - buffer` (+inf without a target): a high at or above it may exit.
    target: f64,
    /// Bars at or after this time time out (`i64::MAX` without a timeout).
    timeout_at: i64,
}

impl Watch {
    fn new(pos: &Position, levels: Levels, trigger_time: i64, timeout: Option<i64>) -> Self {
        Self {
            entry_time: pos.entry_time,
            // The same operations as `Levels::sl_hit` and `Levels::tp_hit`.
            stop: levels.sl.map_or(f64::NEG_INFINITY, |sl| sl + levels.buffer),
            target: levels.tp.map_or(f64::INFINITY, |tp| tp - levels.buffer),
            timeout_at: timeout.map_or(i64::MAX, |timeout| trigger_time + timeout),
        }
    }

    /// Whether a bar at `time` whose long-space low and high are `low` and `high` may exit.
    #[inline(always)]
    fn hit(&self, time: i64, low: f64, high: f64) -> bool {
        (time > self.entry_time)
            & ((low <= self.stop) | (high >= self.target) | (time >= self.timeout_at))
    }

    /// The first row in `from..until` that may exit, else `until`. `lows` and `highs` are the
    /// exit side's columns that become the long-space low and high: with `NEGATE` (a short,
    /// whose long-space bar is the ask bar negated), the highs and lows.
    fn first_hit<const NEGATE: bool>(
        &self,
        times: &[i64],
        lows: &[f64],
        highs: &[f64],
        from: usize,
        until: usize,
    ) -> usize {
        let sign = if NEGATE { -1.0 } else { 1.0 }; // exact
        let (times, lows, highs) = (&times[from..until], &lows[from..until], &highs[from..until]);
        // Eight rows at a time without branching, then the row.
        let mut start = 0;
        for ((t, l), h) in times
            .chunks_exact(8)
            .zip(lows.chunks_exact(8))
            .zip(highs.chunks_exact(8))
        {
            let mut any = false;
            for k in 0..8 {
                any |= self.hit(t[k], sign * l[k], sign * h[k]);
            }
            if any {
                break;
            }
            start += 8;
        }
        for r in start..times.len() {
            if self.hit(times[r], sign * lows[r], sign * highs[r]) {
                return from + r;
            }
        }
        until
    }
}

fn non_empty(name: &str, value: &str) -> OmegaResult<()> {
    if value.is_empty() {
        Err(OmegaError::invalid_value(name, "a non-empty string", "''"))
    } else {
        Ok(())
    }
}

impl<L: Ledger> Simulator<L> {
    /// A simulator writing into `portfolio` (whose symbol specs it adopts; ids continue after
    /// the largest id the portfolio has seen).
    pub fn new(portfolio: L, config: SimulatorConfig) -> OmegaResult<Self> {
        config.validate()?;
        let largest = portfolio.largest_id()?;
        let next_id = largest.map_or(Ok(1), |id| {
            id.checked_add(1).ok_or_else(|| {
                OmegaError::invalid_value("portfolio", "position ids below 2**64 - 1", id)
            })
        })?;
        let mut sim = Self {
            config,
            portfolio,
            symbols: Vec::new(),
            symbol_index: FastMap::default(),
            positions: Vec::new(),
            id_index: FastMap::default(),
            active: Vec::new(),
            next_id,
            clock: None,
            scratch: Vec::new(),
            labels: LabelTable::default(),
        };
        let specs: Vec<SymbolSpec> = sim.portfolio.symbol_specs()?;
        for spec in specs {
            sim.insert_symbol(spec)?;
        }
        Ok(sim)
    }

    // ----- symbols ------------------------------------------------------------------------

    fn insert_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()> {
        if self.symbol_index.contains_key(&spec.symbol) {
            return Ok(());
        }
        let vpp = spec.value_per_price(self.portfolio.account_currency())?;
        self.symbol_index
            .insert(spec.symbol.clone(), self.symbols.len());
        self.symbols.push(SymbolState {
            name: Label::from(spec.symbol.as_str()),
            spec,
            vpp,
            last_bar: None,
            last_quote: None,
        });
        Ok(())
    }

    /// Registers a symbol spec in the portfolio and the simulator (the same spec again is a
    /// no-op; a different spec for a known symbol is an error).
    pub fn add_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()> {
        self.portfolio.add_symbol(spec.clone())?;
        self.insert_symbol(spec)
    }

    fn symbol_lookup(&self, name: &str, symbol: &str) -> OmegaResult<usize> {
        self.symbol_index.get(symbol).copied().ok_or_else(|| {
            OmegaError::invalid_value(
                name,
                "a symbol with a registered symbol spec",
                format!("'{symbol}'"),
            )
        })
    }

    // ----- time ---------------------------------------------------------------------------

    /// The latest time the simulator or its portfolio has seen.
    pub fn latest_time(&self) -> OmegaResult<Option<i64>> {
        Ok(match (self.clock, self.portfolio.clock()?) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        })
    }

    fn check_clock(&self, name: &str, time: i64, at: &str) -> OmegaResult<()> {
        check_time(name, time, at)?;
        match self.latest_time()? {
            Some(now) if time < now => Err(OmegaError::invalid_value(
                name,
                format!(
                    "a timestamp >= {now}, the latest time the simulator has seen (time must \
                     not go backwards)"
                ),
                format!("{time}{at}"),
            )),
            _ => Ok(()),
        }
    }

    fn check_bar_time(&self, sym: usize, name: &str, time: i64, at: &str) -> OmegaResult<()> {
        self.check_clock(name, time, at)?;
        match self.symbols[sym].last_bar {
            Some(last) if time <= last => Err(OmegaError::invalid_value(
                name,
                format!(
                    "a timestamp after {last}, the last bar of {} (a bar cannot be evaluated \
                     twice)",
                    self.symbols[sym].spec.symbol
                ),
                format!("{time}{at}"),
            )),
            _ => Ok(()),
        }
    }

    fn advance(&mut self, time: i64) {
        if self.clock.is_none_or(|c| time > c) {
            self.clock = Some(time);
        }
    }

    // ----- signals ------------------------------------------------------------------------

    pub(crate) fn check_signal(&self, signal: &SignalRef<'_>, at: &str) -> OmegaResult<usize> {
        let sym = self
            .symbol_lookup("symbol", signal.symbol)
            .map_err(|e| with_suffix(e, at))?;
        signal
            .validate(self.config.sizing.needs_sl())
            .map_err(|e| with_suffix(e, at))?;
        check_time("timestamp", signal.timestamp, at)?;
        Ok(sym)
    }

    /// Processes a signal in candle mode (R4, R5, R7): a market order fills at once at
    /// `signal.entry` (or waits for the next open with `fill_at = next_open`); limit and stop
    /// orders wait. Returns the position id.
    pub fn process_signal(&mut self, signal: &TradeSignal) -> OmegaResult<u64> {
        let sym = self.check_signal(&signal.borrowed(), "")?;
        self.check_clock("timestamp", signal.timestamp, "")?;
        self.process_checked(&signal.borrowed(), sym)
    }

    pub(crate) fn process_checked(
        &mut self,
        signal: &SignalRef<'_>,
        sym: usize,
    ) -> OmegaResult<u64> {
        if signal.order_type == OrderType::Market && self.config.fill_at == FillAt::SignalClose {
            let (time, price) = (signal.timestamp, signal.entry);
            self.open_now(signal, sym, time, price)
        } else {
            let time = signal.timestamp;
            Ok(self.place(signal, sym, time))
        }
    }

    /// Processes a signal in tick mode (R6): a market order fills at once at the tick's ask
    /// (long) or bid (short); limit and stop orders are placed at the tick's time.
    pub fn process_signal_tick(&mut self, signal: &TradeSignal, tick: &Tick) -> OmegaResult<u64> {
        let sym = self.check_signal(&signal.borrowed(), "")?;
        tick.validate()?;
        if tick.timestamp < signal.timestamp {
            return Err(OmegaError::invalid_value(
                "tick.timestamp",
                format!("a timestamp >= the signal's timestamp {}", signal.timestamp),
                tick.timestamp,
            ));
        }
        self.check_clock("tick.timestamp", tick.timestamp, "")?;
        let quote = LastQuote {
            time: tick.timestamp,
            bid: tick.bid,
            ask: tick.ask,
        };
        let id = if signal.order_type == OrderType::Market {
            let price = match signal.direction {
                Direction::Long => tick.ask,
                Direction::Short => tick.bid,
            };
            self.open_now(&signal.borrowed(), sym, tick.timestamp, price)?
        } else {
            self.place(&signal.borrowed(), sym, tick.timestamp)
        };
        self.symbols[sym].last_quote = Some(quote);
        Ok(id)
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    /// The shared labels of a signal's reason and scenario.
    fn signal_texts(&mut self, signal: &SignalRef<'_>) -> [Label; 2] {
        [
            self.labels.get(signal.reason),
            self.labels.get(signal.scenario),
        ]
    }

    fn place(&mut self, signal: &SignalRef<'_>, sym: usize, time: i64) -> u64 {
        let id = self.take_id();
        let idx = self.positions.len();
        let symbol = self.symbols[sym].name.clone();
        let texts = self.signal_texts(signal);
        self.positions
            .push(Position::placed(id, signal, symbol, texts, time, sym));
        self.id_index.insert(id, idx);
        self.active.push(idx);
        self.advance(time);
        id
    }

    /// A market order filled at `price` (real, before slippage) at `time`.
    fn open_now(
        &mut self,
        signal: &SignalRef<'_>,
        sym: usize,
        time: i64,
        price: f64,
    ) -> OmegaResult<u64> {
        let id = self.next_id;
        let idx = self.positions.len();
        let symbol = self.symbols[sym].name.clone();
        let texts = self.signal_texts(signal);
        let pos = Position::placed(id, signal, symbol, texts, time, sym);
        // The plan (one fill or rejection) reuses the scratch vector: no allocation per order.
        let mut plan = std::mem::take(&mut self.scratch);
        let mut equity = None;
        let level = to_long_space(price, pos.direction);
        let planned = self
            .plan_fill(&pos, idx, level, true, time, &mut equity, &mut plan)
            .and_then(|_| self.check_plan(&plan));
        if let Err(e) = planned {
            plan.clear();
            self.scratch = plan;
            return Err(e);
        }
        self.take_id();
        self.positions.push(pos);
        self.id_index.insert(id, idx);
        let mut closed = Vec::new();
        let committed = self.commit(&plan, &mut closed);
        plan.clear();
        self.scratch = plan;
        committed?;
        if self.positions[idx].status.is_active() {
            self.active.push(idx);
        }
        self.advance(time);
        Ok(id)
    }

    // ----- planning -----------------------------------------------------------------------

    fn equity(&self, cache: &mut Option<f64>) -> OmegaResult<f64> {
        if !self.config.sizing.needs_equity() {
            return Ok(0.0);
        }
        if let Some(equity) = *cache {
            return Ok(equity);
        }
        let equity = self.portfolio.equity()?;
        *cache = Some(equity);
        Ok(equity)
    }

    #[inline]
    fn levels(&self, pos: &Position) -> Levels {
        let d = pos.direction;
        Levels {
            sl: pos.stop_loss.map(|p| to_long_space(p, d)),
            tp: pos.take_profit.map(|p| to_long_space(p, d)),
            buffer: self.symbols[pos.symbol_index].spec.pip_size * self.config.pip_buffer_factor,
        }
    }

    fn slip(&self, pos: &Position, time: i64, buys: bool) -> f64 {
        let sym = &self.symbols[pos.symbol_index];
        self.config.slippage.slip(
            sym.spec.pip_size,
            &FillKey {
                seed: self.config.seed,
                symbol: &sym.spec.symbol,
                timestamp_us: time,
                position_id: pos.id,
                buys,
            },
        )
    }

    /// Plans the fill of `pos` at long-space `level` (R7, R8, R15); `None` when rejected.
    #[allow(clippy::too_many_arguments)]
    fn plan_fill(
        &self,
        pos: &Position,
        idx: usize,
        level: f64,
        slips: bool,
        time: i64,
        equity: &mut Option<f64>,
        plan: &mut Vec<Planned>,
    ) -> OmegaResult<Option<Filled>> {
        let d = pos.direction;
        let mut fill = level;
        let mut slippage = 0.0;
        if slips {
            // Long space: the entry buys, so adverse is up.
            slippage = self.slip(pos, time, d == Direction::Long);
            fill += slippage;
        }
        let levels = self.levels(pos);
        if !levels.admits_fill(fill) {
            plan.push(Planned::Reject {
                idx,
                time,
                reason: reason::STOPS_CROSSED_AT_FILL,
            });
            return Ok(None);
        }
        let sym = &self.symbols[pos.symbol_index];
        let price = to_long_space(fill, d);
        let context = FillContext {
            fill: price,
            stop_distance: levels.sl.map(|sl| fill - sl),
            vpp: sym.vpp,
            equity: self.equity(equity)?,
        };
        let outcome = size(
            self.config.sizing,
            self.config.risk_per_trade,
            &context,
            &sym.spec,
        );
        let lots = match outcome {
            SizeOutcome::Lots(lots) => lots,
            SizeOutcome::BelowMinimum | SizeOutcome::Invalid => {
                let why = if outcome == SizeOutcome::Invalid {
                    reason::INVALID_SIZE
                } else {
                    reason::SIZE_BELOW_MINIMUM
                };
                plan.push(Planned::Reject {
                    idx,
                    time,
                    reason: why,
                });
                return Ok(None);
            }
        };
        let fee = self.config.fees.map(|f| f.fee(lots, price, sym.vpp));
        plan.push(Planned::Fill {
            idx,
            time,
            price,
            size: lots,
            slippage,
            fee,
        });
        Ok(Some(Filled { price, size: lots }))
    }

    /// Plans an exit of `pos` (filled at `entry` with `size`) on `hit` (long-space price).
    #[allow(clippy::too_many_arguments)]
    fn plan_exit(
        &self,
        pos: &Position,
        idx: usize,
        hit: Hit,
        stop_moved: bool,
        filled: Filled,
        time: i64,
        plan: &mut Vec<Planned>,
    ) {
        let (level, why, slips) = match hit {
            Hit::StopLoss(p) => (
                p,
                if stop_moved {
                    reason::BREAK_EVEN_STOP_LOSS
                } else {
                    reason::STOP_LOSS
                },
                true,
            ),
            Hit::TakeProfit(p) => (p, reason::TAKE_PROFIT, false),
            Hit::Timeout(p) => (p, reason::TIMEOUT, true),
        };
        self.plan_exit_at(pos, idx, level, why, slips, filled, time, plan);
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_exit_at(
        &self,
        pos: &Position,
        idx: usize,
        level: f64,
        why: &'static str,
        slips: bool,
        filled: Filled,
        time: i64,
        plan: &mut Vec<Planned>,
    ) {
        let d = pos.direction;
        let mut exit = level;
        let mut slippage = 0.0;
        if slips {
            // Long space: the exit sells, so adverse is down.
            slippage = self.slip(pos, time, d == Direction::Short);
            exit -= slippage;
        }
        let price = to_long_space(exit, d);
        let vpp = self.symbols[pos.symbol_index].vpp;
        let signed_value = pnl::signed_value(d, filled.size, vpp);
        let pnl = pnl::pnl(filled.price, price, signed_value);
        let fee = self.config.fees.map(|f| f.fee(filled.size, price, vpp));
        plan.push(Planned::Exit {
            idx,
            time,
            price,
            slippage,
            reason: why,
            fee,
            pnl,
        });
    }

    /// Plans what bar (`bid`, `ask`) does to the active position at `idx` (R7 – R14).
    #[inline]
    fn plan_bar(
        &self,
        idx: usize,
        bid: &Candle,
        ask: &Candle,
        equity: &mut Option<f64>,
        plan: &mut Vec<Planned>,
    ) -> OmegaResult<()> {
        let pos = &self.positions[idx];
        let time = bid.timestamp;
        let d = pos.direction;
        let (entry_side, exit_side) = match d {
            Direction::Long => (ask, bid),
            Direction::Short => (bid, ask),
        };
        let policy = self.config.intrabar_policy;
        let up_first = policy.up_first(exit_side, d);
        let exit_bar = Bar::long_space(exit_side, d);
        match pos.status {
            PositionStatus::Pending => {
                let entry_bar = Bar::long_space(entry_side, d);
                let level = to_long_space(pos.entry_price, d);
                let Some(trigger) = find_trigger(pos.order_type, level, &entry_bar, up_first)
                else {
                    return Ok(());
                };
                let Some(filled) = self.plan_fill(
                    pos,
                    idx,
                    trigger.price,
                    pos.order_type.slips(),
                    time,
                    equity,
                    plan,
                )?
                else {
                    return Ok(());
                };
                let levels = self.levels(pos);
                if let Some(hit) = exits::entry_bar(
                    pos.order_type,
                    trigger.segment,
                    &exit_bar,
                    &levels,
                    policy,
                    up_first,
                ) {
                    self.plan_exit(pos, idx, hit, false, filled, time, plan);
                }
            }
            PositionStatus::Open => {
                let (Some(trigger_time), Some(price)) = (pos.trigger_time, pos.trigger_price)
                else {
                    return Err(OmegaError::Internal(format!(
                        "open position {} without a fill",
                        pos.id
                    )));
                };
                let timed_out = self
                    .config
                    .timeout_us
                    .is_some_and(|timeout| time >= trigger_time + timeout);
                let levels = self.levels(pos);
                if let Some(hit) = exits::ordinary(&exit_bar, &levels, policy, up_first, timed_out)
                {
                    let filled = Filled {
                        price,
                        size: pos.size,
                    };
                    let moved = pos.stop_loss != pos.initial_stop_loss;
                    self.plan_exit(pos, idx, hit, moved, filled, time, plan);
                }
            }
            PositionStatus::Closed | PositionStatus::Cancelled | PositionStatus::Rejected => {}
        }
        Ok(())
    }

    /// Replays the portfolio's checks over the plan, in the order the calls will be made.
    fn check_plan(&self, plan: &[Planned]) -> OmegaResult<()> {
        let mut balance = self.portfolio.balance()?;
        let check_fee = |balance: &mut f64, fee: Option<f64>, id: u64| -> OmegaResult<()> {
            let Some(fee) = fee else {
                return Ok(());
            };
            let after = *balance - fee;
            if !(fee.is_finite() && fee >= 0.0 && after.is_finite()) {
                return Err(OmegaError::invalid_value(
                    "fee_model",
                    format!("parameters giving a finite fee (position {id})"),
                    fee,
                ));
            }
            *balance = after;
            Ok(())
        };
        for planned in plan {
            match *planned {
                Planned::Fill { idx, fee, .. } => {
                    check_fee(&mut balance, fee, self.id_of(idx))?;
                }
                Planned::Exit {
                    idx,
                    price,
                    fee,
                    pnl,
                    ..
                } => {
                    let after = balance + pnl;
                    if !(pnl.is_finite() && after.is_finite()) {
                        return Err(OmegaError::invalid_value(
                            "exit_price",
                            format!(
                                "a price giving a finite PnL and balance (position {})",
                                self.id_of(idx)
                            ),
                            price,
                        ));
                    }
                    balance = after;
                    check_fee(&mut balance, fee, self.id_of(idx))?;
                }
                Planned::Reject { .. } => {}
            }
        }
        Ok(())
    }

    fn id_of(&self, idx: usize) -> u64 {
        // A position planned by `open_now` is not pushed yet: its id is the next id.
        self.positions.get(idx).map_or(self.next_id, |p| p.id)
    }

    /// Applies a checked plan: positions and portfolio.
    fn commit(&mut self, plan: &[Planned], closed: &mut Vec<u64>) -> OmegaResult<()> {
        let internal = |e: OmegaError| OmegaError::Internal(format!("checked plan failed: {e}"));
        for planned in plan {
            match *planned {
                Planned::Fill {
                    idx,
                    time,
                    price,
                    size,
                    slippage,
                    fee,
                } => {
                    let p = &mut self.positions[idx];
                    p.status = PositionStatus::Open;
                    p.trigger_time = Some(time);
                    p.trigger_price = Some(price);
                    p.size = size;
                    p.entry_slippage = slippage;
                    p.initial_stop_loss = p.stop_loss;
                    p.initial_take_profit = p.take_profit;
                    let entry = omega_portfolio::Position {
                        id: p.id,
                        symbol: p.symbol.clone(),
                        direction: p.direction,
                        size,
                        entry_time: time,
                        entry_price: price,
                        stop_loss: p.stop_loss,
                        take_profit: p.take_profit,
                    };
                    let id = p.id;
                    self.portfolio
                        .register_entry(entry, None)
                        .map_err(internal)?;
                    if let Some(fee) = fee {
                        self.positions[idx].entry_fee = fee;
                        self.portfolio
                            .register_fee(fee, time, "entry", Some(id))
                            .map_err(internal)?;
                    }
                }
                Planned::Exit {
                    idx,
                    time,
                    price,
                    slippage,
                    reason,
                    fee,
                    ..
                } => {
                    let id = self.positions[idx].id;
                    self.portfolio
                        .register_exit(id, time, price, reason)
                        .map_err(internal)?;
                    if let Some(fee) = fee {
                        self.portfolio
                            .register_fee(fee, time, "exit", Some(id))
                            .map_err(internal)?;
                    }
                    let p = &mut self.positions[idx];
                    p.status = PositionStatus::Closed;
                    p.exit_time = Some(time);
                    p.exit_price = Some(price);
                    p.exit_slippage = slippage;
                    p.exit_reason = Some(Label::from_static(reason));
                    p.exit_fee = fee.unwrap_or(0.0);
                    closed.push(id);
                }
                Planned::Reject { idx, time, reason } => {
                    let p = &mut self.positions[idx];
                    p.status = PositionStatus::Rejected;
                    p.exit_time = Some(time);
                    p.exit_reason = Some(Label::from_static(reason));
                }
            }
        }
        Ok(())
    }

    // ----- bars and ticks -----------------------------------------------------------------

    /// Evaluates one bar of `symbol` (R7 – R14): triggers pending orders and closes positions.
    /// Returns the ids of the positions it closed, in id order.
    pub fn evaluate_exits(
        &mut self,
        symbol: &str,
        bid: &Candle,
        ask: &Candle,
    ) -> OmegaResult<Vec<u64>> {
        let sym = self.symbol_lookup("symbol", symbol)?;
        validate_pair(bid, ask, "")?;
        self.check_bar_time(sym, "timestamp", bid.timestamp, "")?;
        let mut closed = Vec::new();
        self.run_bar(sym, bid, ask, true, &mut closed)?;
        Ok(closed)
    }

    /// Evaluates one tick of `symbol` (R6): a one-price bid and ask candle.
    pub fn evaluate_exits_tick(&mut self, symbol: &str, tick: &Tick) -> OmegaResult<Vec<u64>> {
        let sym = self.symbol_lookup("symbol", symbol)?;
        tick.validate()?;
        self.check_clock("tick.timestamp", tick.timestamp, "")?;
        let (bid, ask) = tick.candles();
        let mut closed = Vec::new();
        self.run_bar(sym, &bid, &ask, false, &mut closed)?;
        Ok(closed)
    }

    /// Plans, checks and commits one validated bar, then records it as the symbol's last.
    pub(crate) fn run_bar(
        &mut self,
        sym: usize,
        bid: &Candle,
        ask: &Candle,
        is_bar: bool,
        closed: &mut Vec<u64>,
    ) -> OmegaResult<()> {
        self.step_bar(sym, bid, ask, &mut Vec::new(), closed)?;
        self.finish_bar(sym, bid, ask, is_bar);
        Ok(())
    }

    /// Makes room for `orders` more orders and as many closed trades, for a caller that knows
    /// an upper bound on the signals to come: only the storage that would otherwise be copied
    /// as it grows (the id indexes keep growing with what arrives: a larger table would only
    /// spread their lookups).
    pub fn reserve_orders(&mut self, orders: usize) {
        self.positions.reserve(orders);
        self.portfolio.reserve(0, orders, 0);
    }

    /// Makes room for `signals` more positions (batches know how many signals come), which may
    /// also be closed when `with_exits` (bars follow).
    pub(crate) fn reserve(&mut self, signals: usize, with_exits: bool) {
        self.positions.reserve(signals);
        self.id_index.reserve(signals);
        let exits = if with_exits { signals } else { 0 };
        // A fee per entry and per exit when fees are charged.
        let fees = if self.config.fees.is_some() {
            signals + exits
        } else {
            0
        };
        self.portfolio.reserve(signals, exits, fees);
    }

    /// The first bar in `from..until` of `symbol`'s bid and ask columns on which
    /// [`Simulator::evaluate_exits`] may change anything (`until` when it cannot on any, `from`
    /// with a pending order or many open positions): what a caller stepping bar by bar may
    /// skip while it changes nothing itself. Bars must be valid candles (each price within
    /// its bar's low and high) or missing (all NaN; never reported).
    pub fn first_eventful_bar(
        &self,
        symbol: &str,
        bid: &BarColumns<'_>,
        ask: &BarColumns<'_>,
        from: usize,
        until: usize,
    ) -> OmegaResult<usize> {
        let sym = self.symbol_lookup("symbol", symbol)?;
        let shortest = [bid, ask]
            .iter()
            .flat_map(|c| [c.timestamp.len(), c.high.len(), c.low.len()])
            .min()
            .unwrap_or(0);
        if from > until || until > shortest {
            return Err(OmegaError::invalid_value(
                "until",
                format!("a range within the {shortest} bars"),
                format!("{from}..{until}"),
            ));
        }
        Ok(self.first_eventful_row(sym, bid, ask, from, until))
    }

    /// The first row in `from..until` of `symbol`'s bar columns on which
    /// [`Simulator::step_bar`] may change anything (`until` when it cannot on any): the first
    /// row on which an open position of the symbol could reach its stop, target or timeout.
    /// With a pending order of the symbol, or more than [`WATCHED`] open positions, that is
    /// `from` (every row is stepped). The rows must be valid (each price within its bar's low
    /// and high), and the positions must not change before the returned row.
    pub(crate) fn first_eventful_row(
        &self,
        sym: usize,
        bid: &BarColumns<'_>,
        ask: &BarColumns<'_>,
        from: usize,
        until: usize,
    ) -> usize {
        let mut end = until;
        let mut watched = 0;
        for &idx in &self.active {
            let pos = &self.positions[idx];
            if pos.symbol_index != sym {
                continue;
            }
            let (PositionStatus::Open, Some(trigger_time), Some(_)) =
                (pos.status, pos.trigger_time, pos.trigger_price)
            else {
                return from;
            };
            watched += 1;
            if watched > WATCHED {
                return from;
            }
            let watch = Watch::new(pos, self.levels(pos), trigger_time, self.config.timeout_us);
            // Every exit check of an open position (R9 – R12) compares the exit side's open,
            // high, low or close with `sl + buffer` or `tp - buffer` in long space, and all four
            // lie within [low, high]: a bar whose long-space low and high are strictly inside
            // the band, before the timeout, leaves the position alone.
            end = match pos.direction {
                Direction::Long => {
                    watch.first_hit::<false>(bid.timestamp, bid.low, bid.high, from, end)
                }
                Direction::Short => {
                    watch.first_hit::<true>(ask.timestamp, ask.high, ask.low, from, end)
                }
            };
            if end == from {
                break;
            }
        }
        end
    }

    /// Plans, checks and commits what one validated bar does to the active positions;
    /// `plan` is scratch space (empty on entry, reused across bars by batches).
    #[inline]
    pub(crate) fn step_bar(
        &mut self,
        sym: usize,
        bid: &Candle,
        ask: &Candle,
        plan: &mut Vec<Planned>,
        closed: &mut Vec<u64>,
    ) -> OmegaResult<()> {
        let time = bid.timestamp;
        let mut equity = None;
        for &idx in &self.active {
            let pos = &self.positions[idx];
            if pos.symbol_index != sym || pos.entry_time >= time {
                continue;
            }
            self.plan_bar(idx, bid, ask, &mut equity, plan)?;
        }
        if plan.is_empty() {
            return Ok(());
        }
        let result = self
            .check_plan(plan)
            .and_then(|()| self.commit(plan, closed));
        plan.clear();
        result?;
        self.active
            .retain(|&i| self.positions[i].status.is_active());
        Ok(())
    }

    /// Records a bar (or tick) as the symbol's last quote (and last bar) and advances the clock.
    pub(crate) fn finish_bar(&mut self, sym: usize, bid: &Candle, ask: &Candle, is_bar: bool) {
        let time = bid.timestamp;
        let state = &mut self.symbols[sym];
        if is_bar {
            state.last_bar = Some(time);
        }
        state.last_quote = Some(LastQuote {
            time,
            bid: bid.close,
            ask: ask.close,
        });
        self.advance(time);
    }

    // ----- position actions ---------------------------------------------------------------

    fn active_index(&self, id: u64) -> OmegaResult<usize> {
        match self.id_index.get(&id) {
            Some(&idx) if self.positions[idx].status.is_active() => Ok(idx),
            Some(&idx) => Err(OmegaError::invalid_value(
                "position_id",
                "the id of a pending or open position",
                format!("{id} ({})", self.positions[idx].status.as_str()),
            )),
            None => Err(OmegaError::invalid_value(
                "position_id",
                "the id of a pending or open position",
                format!("{id} (unknown id)"),
            )),
        }
    }

    /// The price a pending or open position's levels are checked against (R18).
    fn reference_price(&self, pos: &Position) -> f64 {
        match (pos.trigger_time, pos.trigger_price) {
            (Some(filled_at), Some(fill)) => match self.symbols[pos.symbol_index].last_quote {
                Some(q) if q.time >= filled_at => q.exit_price(pos.direction),
                _ => fill,
            },
            _ => pos.entry_price,
        }
    }

    /// Moves (or with `None` removes) the stop of a pending or open position (R18).
    pub fn modify_stop_loss(&mut self, id: u64, sl: Option<f64>) -> OmegaResult<()> {
        let idx = self.active_index(id)?;
        let pos = &self.positions[idx];
        check_level(
            "sl",
            pos.direction,
            self.reference_price(pos),
            sl,
            true,
            "position",
        )?;
        if sl.is_none() && pos.status == PositionStatus::Pending && self.config.sizing.needs_sl() {
            return Err(OmegaError::invalid_value(
                "sl",
                "a stop-loss price (sizing by risk needs the stop distance)",
                "None",
            ));
        }
        self.positions[idx].stop_loss = sl;
        Ok(())
    }

    /// Moves (or with `None` removes) the target of a pending or open position (R18).
    pub fn modify_take_profit(&mut self, id: u64, tp: Option<f64>) -> OmegaResult<()> {
        let idx = self.active_index(id)?;
        let pos = &self.positions[idx];
        check_level(
            "tp",
            pos.direction,
            self.reference_price(pos),
            tp,
            false,
            "position",
        )?;
        self.positions[idx].take_profit = tp;
        Ok(())
    }

    /// Closes an open position at `price` (default: the last exit-side close of its symbol) at
    /// `time` (default: that quote's time), or cancels a pending order (R18).
    pub fn close_position(
        &mut self,
        id: u64,
        time: Option<i64>,
        price: Option<f64>,
        why: &str,
    ) -> OmegaResult<()> {
        let idx = self.active_index(id)?;
        non_empty("reason", why)?;
        let pos = &self.positions[idx];
        let symbol = &self.symbols[pos.symbol_index];
        let since = pos.trigger_time.unwrap_or(pos.entry_time);
        let quote = symbol.last_quote.filter(|q| q.time >= since);
        let time = match (time, quote) {
            (Some(t), _) => t,
            (None, Some(q)) => q.time,
            (None, None) => {
                return Err(OmegaError::invalid_value(
                    "timestamp",
                    format!(
                        "a timestamp (no bar or tick of {} since the order was placed or filled)",
                        symbol.spec.symbol
                    ),
                    "None",
                ));
            }
        };
        self.check_clock("timestamp", time, "")?;
        if pos.status == PositionStatus::Pending {
            let p = &mut self.positions[idx];
            p.status = PositionStatus::Cancelled;
            p.exit_time = Some(time);
            p.exit_reason = Some(self.labels.get(why));
            self.active.retain(|&i| i != idx);
            self.advance(time);
            return Ok(());
        }
        let price = match (price, quote) {
            (Some(p), _) => p,
            (None, Some(q)) => q.exit_price(pos.direction),
            (None, None) => {
                return Err(OmegaError::invalid_value(
                    "price",
                    format!(
                        "a price (no bar or tick of {} since the fill)",
                        symbol.spec.symbol
                    ),
                    "None",
                ));
            }
        };
        if !price.is_finite() {
            return Err(OmegaError::invalid_value("price", "a finite price", price));
        }
        let (Some(fill), size) = (pos.trigger_price, pos.size) else {
            return Err(OmegaError::Internal(format!(
                "open position {id} without a fill"
            )));
        };
        let mut plan = Vec::new();
        let level = to_long_space(price, pos.direction);
        let filled = Filled { price: fill, size };
        // The reason may be any text: the plan carries a placeholder, commit_close the text.
        self.plan_exit_at(
            pos,
            idx,
            level,
            reason::SIGNAL,
            true,
            filled,
            time,
            &mut plan,
        );
        self.check_plan(&plan)?;
        if let Some(Planned::Exit {
            price,
            slippage,
            fee,
            ..
        }) = plan.first().copied()
        {
            self.commit_close(idx, time, price, slippage, fee, why)?;
        }
        self.active.retain(|&i| i != idx);
        self.advance(time);
        Ok(())
    }

    fn commit_close(
        &mut self,
        idx: usize,
        time: i64,
        price: f64,
        slippage: f64,
        fee: Option<f64>,
        why: &str,
    ) -> OmegaResult<()> {
        let internal = |e: OmegaError| OmegaError::Internal(format!("checked close failed: {e}"));
        let id = self.positions[idx].id;
        self.portfolio
            .register_exit(id, time, price, why)
            .map_err(internal)?;
        if let Some(fee) = fee {
            self.portfolio
                .register_fee(fee, time, "exit", Some(id))
                .map_err(internal)?;
        }
        let p = &mut self.positions[idx];
        p.status = PositionStatus::Closed;
        p.exit_time = Some(time);
        p.exit_price = Some(price);
        p.exit_slippage = slippage;
        p.exit_reason = Some(self.labels.get(why));
        p.exit_fee = fee.unwrap_or(0.0);
        Ok(())
    }

    // ----- the portfolio, for its other users ---------------------------------------------

    /// The portfolio the simulator writes into.
    pub fn portfolio(&self) -> &L {
        &self.portfolio
    }

    /// Gives the portfolio back.
    pub fn into_portfolio(self) -> L {
        self.portfolio
    }

    /// Registers a position the simulator does not manage (it must not use an id the
    /// simulator has given out; later simulator ids continue after it).
    pub fn register_external_entry(
        &mut self,
        position: omega_portfolio::Position,
        spec: Option<SymbolSpec>,
    ) -> OmegaResult<()> {
        if self.id_index.contains_key(&position.id) {
            return Err(OmegaError::invalid_value(
                "id",
                "an id not used by the execution simulator's orders",
                position.id,
            ));
        }
        let id = position.id;
        let new_symbol = spec
            .as_ref()
            .filter(|s| !self.symbol_index.contains_key(&s.symbol))
            .cloned();
        self.portfolio.register_entry(position, spec)?;
        if let Some(spec) = new_symbol {
            self.insert_symbol(spec)?;
        }
        if id >= self.next_id {
            self.next_id = id.saturating_add(1);
        }
        Ok(())
    }

    /// Closes a position the simulator does not manage; the simulator's own positions must be
    /// closed with [`Simulator::close_position`].
    pub fn register_external_exit(
        &mut self,
        id: u64,
        time: i64,
        price: f64,
        why: &str,
    ) -> OmegaResult<()> {
        if self.id_index.contains_key(&id) {
            return Err(OmegaError::invalid_value(
                "position_id",
                "the id of a position not managed by the execution simulator (close it with \
                 close_position)",
                id,
            ));
        }
        self.portfolio
            .register_exit(id, time, price, why)
            .map(|_| ())
    }

    /// [`Portfolio::register_fee`].
    pub fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> OmegaResult<()> {
        self.portfolio.register_fee(amount, time, kind, position_id)
    }

    /// [`Portfolio::update_equity`].
    pub fn update_equity(&mut self, timestamp: i64, marks: &[Mark<'_>]) -> OmegaResult<f64> {
        self.portfolio.update_equity(timestamp, marks)
    }

    /// [`Portfolio::update_equity_batch`].
    pub fn update_equity_batch(
        &mut self,
        timestamps: &[i64],
        marks: &[SymbolMarks<'_>],
    ) -> OmegaResult<()> {
        self.portfolio.update_equity_batch(timestamps, marks)
    }

    // ----- state --------------------------------------------------------------------------

    /// The configuration.
    pub fn config(&self) -> &SimulatorConfig {
        &self.config
    }

    /// Every position ever created, in id order.
    pub fn positions(&self) -> &[Position] {
        &self.positions
    }

    /// The position with `id`.
    pub fn position(&self, id: u64) -> Option<&Position> {
        self.id_index.get(&id).map(|&i| &self.positions[i])
    }

    /// Pending and open positions, in id order.
    pub fn active_positions(&self) -> impl Iterator<Item = &Position> {
        self.active.iter().map(|&i| &self.positions[i])
    }

    /// The id the next signal will get.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The specs the simulator knows, in registration order.
    pub fn symbol_specs(&self) -> impl Iterator<Item = &SymbolSpec> {
        self.symbols.iter().map(|s| &s.spec)
    }

    /// The last quote seen for `symbol`.
    pub fn last_quote(&self, symbol: &str) -> Option<LastQuote> {
        self.symbol_index
            .get(symbol)
            .and_then(|&i| self.symbols[i].last_quote)
    }

    pub(crate) fn symbol_of(&self, symbol: &str, name: &str) -> OmegaResult<usize> {
        self.symbol_lookup(name, symbol)
    }

    pub(crate) fn check_batch_bar_start(&self, sym: usize, time: i64) -> OmegaResult<()> {
        self.check_bar_time(sym, "bid.timestamp", time, " at row 0")
    }

    pub(crate) fn check_batch_signal_start(&self, time: i64, at: &str) -> OmegaResult<()> {
        self.check_clock("signals.timestamp", time, at)
    }
}

impl Simulator<Portfolio> {
    /// Moves the portfolio's equity curve out, leaving it empty (a finished run hands its
    /// curve on without a copy; read everything that needs the curve first).
    pub fn take_equity_curve(&mut self) -> EquityCurve {
        self.portfolio.take_equity_curve()
    }
}

/// Appends `at` (e.g. ` at row 3`) to the value an error reports.
pub(crate) fn with_suffix(err: OmegaError, at: &str) -> OmegaError {
    if at.is_empty() {
        return err;
    }
    match err {
        OmegaError::InvalidValue {
            name,
            expected,
            got,
        } => OmegaError::InvalidValue {
            name,
            expected,
            got: format!("{got}{at}"),
        },
        OmegaError::InvalidType {
            name,
            expected,
            got,
        } => OmegaError::InvalidType {
            name,
            expected,
            got: format!("{got}{at}"),
        },
        other => other,
    }
}
