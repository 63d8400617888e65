//! The portfolio ledger: one balance shared by positions on any number of symbols.
//!
//! Every mutating call validates all of its input first and changes nothing when it returns
//! an error. Time never goes backwards: each call's timestamp must be >= the latest timestamp
//! the portfolio has seen (its clock).

use omega_core::{Direction, FastMap, LabelPool, OmegaError, OmegaResult, SymbolSpec};

use crate::equity_curve::EquityCurve;
use crate::fee::Fee;
use crate::marks::{Mark, Quote, SymbolMarks};
use crate::open_book::OpenBook;
use crate::pnl;
use crate::position::{OpenPosition, Position};
use crate::statistics::{StatsInput, Summary};
use crate::trade::Trade;

/// Rows per block in [`Portfolio::update_equity_batch`] (keeps the block's columns in L1/L2).
const BLOCK: usize = 1024;

#[derive(Debug, Clone, PartialEq)]
struct SymbolState {
    spec: SymbolSpec,
    value_per_price: f64,
    mark: Option<Quote>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdState {
    /// Open, in this slot of `open`.
    Open(usize),
    /// Closed; index into `trades`.
    Closed(usize),
}

/// Balance, open positions, closed trades, fees and the equity curve of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    initial_balance: f64,
    account_currency: String,
    annualization: f64,
    balance: f64,
    total_fees: f64,
    symbols: Vec<SymbolState>,
    symbol_index: FastMap<String, usize>,
    open: OpenBook,
    ids: FastMap<u64, IdState>,
    trades: Vec<Trade>,
    fees: Vec<Fee>,
    curve: EquityCurve,
    peak_equity: f64,
    start_time: Option<i64>,
    clock: Option<i64>,
    exposed_us: i64,
    exposed_since: Option<i64>,
    /// Exit reasons and fee kinds, shared by every trade and fee that repeats them.
    texts: LabelPool,
}

fn finite_positive(name: &str, value: f64) -> OmegaResult<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(OmegaError::invalid_value(
            name,
            "a finite number > 0",
            value,
        ))
    }
}

fn non_empty(name: &str, value: &str) -> OmegaResult<()> {
    if value.is_empty() {
        Err(OmegaError::invalid_value(name, "a non-empty string", "''"))
    } else {
        Ok(())
    }
}

/// Largest accepted timestamp, µs (about year 146 000); the smallest is its negation. Keeps
/// every difference of two timestamps, and every sum of durations, inside `i64`.
pub const MAX_TIME_US: i64 = (1 << 62) - 1;

fn check_time_range(name: &str, time: i64, at: &str) -> OmegaResult<()> {
    if (-MAX_TIME_US..=MAX_TIME_US).contains(&time) {
        Ok(())
    } else {
        Err(OmegaError::invalid_value(
            name,
            format!("a timestamp within ±{MAX_TIME_US} µs"),
            format!("{time}{at}"),
        ))
    }
}

/// The largest of `init` and `values` (all finite): four running maxima, then their maximum.
/// Max is exact, so the order does not change the result; four lanes let it vectorise.
fn max_of(values: &[f64], init: f64) -> f64 {
    let mut lanes = [init; 4];
    let chunks = values.chunks_exact(4);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            if v > *lane {
                *lane = v;
            }
        }
    }
    for &v in rest {
        if v > lanes[0] {
            lanes[0] = v;
        }
    }
    lanes
        .into_iter()
        .fold(init, |m, v| if v > m { v } else { m })
}

impl Portfolio {
    /// A portfolio with `initial_balance` (> 0) in `account_currency`; `annualization` (> 0)
    /// is the number of daily returns per year used by Sharpe and Sortino (252 is usual).
    pub fn new(
        initial_balance: f64,
        account_currency: &str,
        annualization: f64,
    ) -> OmegaResult<Self> {
        finite_positive("initial_balance", initial_balance)?;
        non_empty("account_currency", account_currency)?;
        finite_positive("annualization", annualization)?;
        Ok(Self {
            initial_balance,
            account_currency: account_currency.to_owned(),
            annualization,
            balance: initial_balance,
            total_fees: 0.0,
            symbols: Vec::new(),
            symbol_index: FastMap::default(),
            open: OpenBook::default(),
            ids: FastMap::default(),
            trades: Vec::new(),
            fees: Vec::new(),
            curve: EquityCurve::new(),
            peak_equity: initial_balance,
            start_time: None,
            clock: None,
            exposed_us: 0,
            exposed_since: None,
            texts: LabelPool::default(),
        })
    }

    /// Makes room for `entries` more open positions, `exits` more closed trades and `fees` more
    /// fees, so a caller that knows how much is coming (a batch) does not grow the ledger step
    /// by step.
    pub fn reserve(&mut self, entries: usize, exits: usize, fees: usize) {
        self.ids.reserve(entries);
        self.open.reserve(entries);
        self.trades.reserve(exits);
        self.fees.reserve(fees);
    }

    // ----- symbols ------------------------------------------------------------------------

    /// Registers the spec of a symbol. Registering the same spec again is a no-op; a
    /// different spec for a known symbol is an error.
    pub fn add_symbol(&mut self, spec: SymbolSpec) -> OmegaResult<()> {
        if let Some(value_per_price) = self.check_symbol(&spec)? {
            self.insert_symbol(spec, value_per_price);
        }
        Ok(())
    }

    /// Validates `spec`; `Some(value_per_price)` when it is new, `None` when already known.
    fn check_symbol(&self, spec: &SymbolSpec) -> OmegaResult<Option<f64>> {
        let value_per_price = spec.value_per_price(&self.account_currency)?;
        match self.symbol_index.get(&spec.symbol) {
            None => Ok(Some(value_per_price)),
            Some(&i) if self.symbols[i].spec == *spec => Ok(None),
            Some(_) => Err(OmegaError::invalid_value(
                format!("symbol_specs[{}]", spec.symbol),
                format!("the spec already registered for '{}'", spec.symbol),
                "a different spec",
            )),
        }
    }

    /// Adds a checked new spec; returns its index.
    fn insert_symbol(&mut self, spec: SymbolSpec, value_per_price: f64) -> usize {
        let index = self.symbols.len();
        self.symbol_index.insert(spec.symbol.clone(), index);
        self.symbols.push(SymbolState {
            spec,
            value_per_price,
            mark: None,
        });
        index
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

    fn check_time(&self, name: &str, time: i64) -> OmegaResult<()> {
        check_time_range(name, time, "")?;
        match self.clock {
            Some(clock) if time < clock => Err(OmegaError::invalid_value(
                name,
                format!(
                    "a timestamp >= {clock}, the latest time the portfolio has seen \
                     (time must not go backwards)"
                ),
                time,
            )),
            _ => Ok(()),
        }
    }

    fn advance(&mut self, time: i64) {
        if self.start_time.is_none() {
            self.start_time = Some(time);
        }
        self.clock = Some(time);
    }

    // ----- entries, exits, fees -----------------------------------------------------------

    /// Opens `position`; its symbol must have a registered spec.
    pub fn register_entry(&mut self, position: Position) -> OmegaResult<()> {
        self.register_entry_with_spec(position, None)
    }

    /// Opens `position`, registering `spec` for its symbol first when given (atomically: on
    /// error neither the spec nor the position is registered).
    pub fn register_entry_with_spec(
        &mut self,
        position: Position,
        spec: Option<SymbolSpec>,
    ) -> OmegaResult<()> {
        if self.ids.contains_key(&position.id) {
            return Err(OmegaError::invalid_value(
                "id",
                "an id not used by an earlier position",
                position.id,
            ));
        }
        let new_spec = match &spec {
            Some(spec) => {
                if spec.symbol != position.symbol {
                    return Err(OmegaError::invalid_value(
                        "symbol_spec",
                        format!("the spec of the position's symbol '{}'", position.symbol),
                        format!("a spec for '{}'", spec.symbol),
                    ));
                }
                self.check_symbol(spec)?
            }
            None => None,
        };
        let known = self.symbol_index.get(position.symbol.as_str()).copied();
        let value_per_price = match (new_spec, known) {
            (Some(v), _) => v,
            (None, Some(i)) => self.symbols[i].value_per_price,
            (None, None) => {
                return Err(OmegaError::invalid_value(
                    "symbol",
                    "a symbol with a registered symbol spec (pass symbol_specs or symbol_spec)",
                    format!("'{}'", position.symbol),
                ));
            }
        };
        position.validate_values()?;
        self.check_time("entry_time", position.entry_time)?;
        let signed_value = pnl::signed_value(position.direction, position.size, value_per_price);
        if !signed_value.is_finite() {
            return Err(OmegaError::invalid_value(
                "size",
                "a size whose money value per price unit is finite",
                position.size,
            ));
        }
        let initial_risk = match position.stop_loss {
            Some(stop) => {
                let risk =
                    pnl::initial_risk(position.entry_price, stop, position.size, value_per_price);
                if !(risk.is_finite() && risk > 0.0) {
                    return Err(OmegaError::invalid_value(
                        "stop_loss",
                        "a stop whose money risk is finite and > 0",
                        stop,
                    ));
                }
                Some(risk)
            }
            None => None,
        };

        // Validated: mutate.
        let symbol_index = match (known, spec) {
            (Some(i), _) => i,
            (None, Some(spec)) => self.insert_symbol(spec, value_per_price),
            (None, None) => {
                return Err(OmegaError::Internal(format!(
                    "symbol '{}' checked but not registered",
                    position.symbol
                )));
            }
        };
        let entry_time = position.entry_time;
        let id = position.id;
        let slot = self.open.insert(OpenPosition {
            position,
            value_per_price,
            signed_value,
            initial_risk,
            fees: 0.0,
            symbol_index,
        });
        self.ids.insert(id, IdState::Open(slot));
        if self.exposed_since.is_none() {
            self.exposed_since = Some(entry_time);
        }
        self.advance(entry_time);
        Ok(())
    }

    fn open_slot(&self, position_id: u64) -> OmegaResult<usize> {
        match self.ids.get(&position_id) {
            Some(&IdState::Open(slot)) => Ok(slot),
            Some(&IdState::Closed(_)) => Err(OmegaError::invalid_value(
                "position_id",
                "the id of an open position",
                format!("{position_id} (already closed)"),
            )),
            None => Err(OmegaError::invalid_value(
                "position_id",
                "the id of an open position",
                format!("{position_id} (unknown id)"),
            )),
        }
    }

    /// Closes an open position at `exit_price`; its gross PnL is added to the balance.
    pub fn register_exit(
        &mut self,
        position_id: u64,
        exit_time: i64,
        exit_price: f64,
        reason: &str,
    ) -> OmegaResult<&Trade> {
        let slot = self.open_slot(position_id)?;
        self.check_time("exit_time", exit_time)?;
        if !exit_price.is_finite() {
            return Err(OmegaError::invalid_value(
                "exit_price",
                "a finite price",
                exit_price,
            ));
        }
        non_empty("reason", reason)?;
        let Some(open) = self.open.get(slot) else {
            return Err(OmegaError::Internal(format!(
                "position {position_id} indexed but not open"
            )));
        };
        let pnl = pnl::pnl(open.position.entry_price, exit_price, open.signed_value);
        let balance = self.balance + pnl;
        if !(pnl.is_finite() && balance.is_finite()) {
            return Err(OmegaError::invalid_value(
                "exit_price",
                "a price giving a finite PnL and balance",
                exit_price,
            ));
        }

        let Some(open) = self.open.remove(slot) else {
            return Err(OmegaError::Internal(format!(
                "position {position_id} indexed but not open"
            )));
        };
        let p = open.position;
        self.balance = balance;
        self.ids
            .insert(position_id, IdState::Closed(self.trades.len()));
        self.trades.push(Trade {
            id: p.id,
            symbol: p.symbol,
            direction: p.direction,
            size: p.size,
            entry_time: p.entry_time,
            entry_price: p.entry_price,
            stop_loss: p.stop_loss,
            take_profit: p.take_profit,
            exit_time,
            exit_price,
            reason: self.texts.get(reason),
            pnl,
            fees: open.fees,
            initial_risk: open.initial_risk,
        });
        if self.open.wants_compaction() {
            let ids = &mut self.ids;
            self.open.compact(|open, slot| {
                ids.insert(open.position.id, IdState::Open(slot));
            });
        }
        if self.open.is_empty() {
            if let Some(since) = self.exposed_since.take() {
                self.exposed_us += exit_time - since;
            }
        }
        self.advance(exit_time);
        let last = self.trades.len() - 1;
        Ok(&self.trades[last])
    }

    /// Books a fee (>= 0) against the balance; with `position_id` it is also added to that
    /// position's (or closed trade's) fees.
    pub fn register_fee(
        &mut self,
        amount: f64,
        time: i64,
        kind: &str,
        position_id: Option<u64>,
    ) -> OmegaResult<()> {
        if !(amount.is_finite() && amount >= 0.0) {
            return Err(OmegaError::invalid_value(
                "amount",
                "a finite number >= 0",
                amount,
            ));
        }
        self.check_time("time", time)?;
        non_empty("kind", kind)?;
        let target = match position_id {
            None => None,
            Some(id) => match self.ids.get(&id) {
                Some(&state) => Some(state),
                None => {
                    return Err(OmegaError::invalid_value(
                        "position_id",
                        "the id of a registered position or None",
                        id,
                    ));
                }
            },
        };
        let balance = self.balance - amount;
        if !balance.is_finite() {
            return Err(OmegaError::invalid_value(
                "amount",
                "an amount leaving a finite balance",
                amount,
            ));
        }

        self.balance = balance;
        self.total_fees += amount;
        match target {
            Some(IdState::Open(slot)) => {
                if let Some(open) = self.open.get_mut(slot) {
                    open.fees += amount;
                }
            }
            Some(IdState::Closed(index)) => self.trades[index].fees += amount,
            None => {}
        }
        self.fees.push(Fee {
            time,
            amount,
            kind: self.texts.get(kind),
            position_id,
        });
        self.advance(time);
        Ok(())
    }

    // ----- marking ------------------------------------------------------------------------

    fn check_quote(symbol: &str, bid: f64, ask: f64, row: Option<usize>) -> OmegaResult<()> {
        let at = row.map(|r| format!(" at row {r}")).unwrap_or_default();
        for (side, price) in [("bid", bid), ("ask", ask)] {
            if !price.is_finite() {
                return Err(OmegaError::invalid_value(
                    format!("marks[{symbol}].{side}"),
                    "finite prices",
                    format!("{price}{at}"),
                ));
            }
        }
        if bid > ask {
            return Err(OmegaError::invalid_value(
                format!("marks[{symbol}]"),
                "bid <= ask",
                format!("bid {bid} > ask {ask}{at}"),
            ));
        }
        Ok(())
    }

    fn check_unique(seen: &mut Vec<usize>, index: usize, symbol: &str) -> OmegaResult<()> {
        if seen.contains(&index) {
            return Err(OmegaError::invalid_value(
                "marks",
                "each symbol at most once",
                format!("'{symbol}' twice"),
            ));
        }
        seen.push(index);
        Ok(())
    }

    /// Unrealized PnL of the open positions (in entry order, summed left to right from 0) at
    /// the given per-symbol quotes.
    fn unrealized_at(&self, quotes: &[Option<Quote>]) -> f64 {
        let mut total = 0.0;
        for open in self.open.iter() {
            total += open.unrealized_pnl(quotes[open.symbol_index]);
        }
        total
    }

    /// Records the quotes in `marks` (symbols not listed keep their last quote) and appends an
    /// equity point at `timestamp`; returns the new equity.
    pub fn update_equity(&mut self, timestamp: i64, marks: &[Mark<'_>]) -> OmegaResult<f64> {
        self.check_time("timestamp", timestamp)?;
        let mut quotes: Vec<Option<Quote>> = self.symbols.iter().map(|s| s.mark).collect();
        let mut seen = Vec::with_capacity(marks.len());
        for mark in marks {
            let index = self.symbol_lookup("marks", mark.symbol)?;
            Self::check_unique(&mut seen, index, mark.symbol)?;
            Self::check_quote(mark.symbol, mark.bid, mark.ask, None)?;
            quotes[index] = Some(Quote {
                bid: mark.bid,
                ask: mark.ask,
            });
        }
        let equity = self.balance + self.unrealized_at(&quotes);
        if !equity.is_finite() {
            return Err(OmegaError::invalid_value(
                "marks",
                "prices giving a finite equity",
                equity,
            ));
        }

        for (state, quote) in self.symbols.iter_mut().zip(quotes) {
            state.mark = quote;
        }
        self.curve.push(timestamp, equity, self.balance);
        if equity > self.peak_equity {
            self.peak_equity = equity;
        }
        self.advance(timestamp);
        Ok(equity)
    }

    /// [`Portfolio::update_equity`] over many timestamps in one call: row `r` marks each listed
    /// symbol at `(bid[r], ask[r])` and appends the equity point at `timestamps[r]`. Positions
    /// on symbols not listed stay at their last quote. All rows are validated before any is
    /// recorded.
    pub fn update_equity_batch(
        &mut self,
        timestamps: &[i64],
        marks: &[SymbolMarks<'_>],
    ) -> OmegaResult<()> {
        let n = timestamps.len();
        let indices = self.check_batch_shape(n, marks)?;
        if n == 0 {
            return Ok(());
        }
        check_time_range("timestamps", timestamps[0], " at row 0")?;
        self.check_time("timestamps", timestamps[0])
            .map_err(|e| match e {
                OmegaError::InvalidValue {
                    name,
                    expected,
                    got,
                } => OmegaError::InvalidValue {
                    name,
                    expected,
                    got: format!("{got} at row 0"),
                },
                other => other,
            })?;

        // Where each open position (entry order) takes its price from in this batch.
        enum Source<'a> {
            Column(&'a [f64], f64, f64),
            Constant(f64),
        }
        let mut sources = Vec::with_capacity(self.open.len());
        for open in self.open.iter() {
            let listed = indices.iter().position(|&i| i == open.symbol_index);
            sources.push(match listed {
                Some(k) => {
                    let m = &marks[k];
                    let column = match open.position.direction {
                        Direction::Long => m.bid,
                        Direction::Short => m.ask,
                    };
                    Source::Column(column, open.position.entry_price, open.signed_value)
                }
                None => Source::Constant(open.unrealized_pnl(self.symbols[open.symbol_index].mark)),
            });
        }

        let balance = self.balance;
        let start_len = self.curve.len();
        self.curve.timestamps.reserve(n);
        self.curve.equity.reserve(n);
        let mut batch_peak = f64::NEG_INFINITY;
        let mut previous = timestamps[0];
        let mut lo = 0;
        while lo < n {
            let hi = (lo + BLOCK).min(n);
            let len = hi - lo;
            // Validate the block: timestamps non-decreasing, quotes finite with bid <= ask.
            let block = &timestamps[lo..hi];
            let mut bad = block[0] < previous;
            for (earlier, later) in block.iter().zip(&block[1..]) {
                bad |= (later < earlier) | (*later > MAX_TIME_US);
            }
            previous = block[len - 1];
            for m in marks {
                for (&b, &a) in m.bid[lo..hi].iter().zip(&m.ask[lo..hi]) {
                    bad |= !(b.is_finite() & a.is_finite() & (b <= a));
                }
            }
            if bad {
                self.curve.truncate(start_len);
                return Err(Self::batch_error(timestamps, marks).unwrap_or_else(|| {
                    OmegaError::Internal("batch flagged invalid without an invalid row".into())
                }));
            }
            // Computed in place at the end of the curve (dropped again on an error):
            // unrealized[j] = 0 + pnl_1 + pnl_2 + … in entry order; equity = balance + that.
            let at = self.curve.equity.len();
            self.curve.equity.resize(at + len, 0.0);
            let acc = &mut self.curve.equity[at..];
            for source in &sources {
                match *source {
                    Source::Column(column, entry, signed_value) => {
                        for (u, &price) in acc.iter_mut().zip(&column[lo..hi]) {
                            *u += (price - entry) * signed_value;
                        }
                    }
                    Source::Constant(pnl) => {
                        for u in acc.iter_mut() {
                            *u += pnl;
                        }
                    }
                }
            }
            let mut finite = true;
            for u in acc.iter_mut() {
                *u += balance; // == balance + u (IEEE addition is commutative)
                finite &= u.is_finite();
            }
            if !finite {
                let j = acc.iter().position(|u| !u.is_finite()).unwrap_or(0);
                let bad_equity = acc[j];
                self.curve.truncate(start_len);
                // A bad quote anywhere in the batch is reported before a non-finite equity.
                if let Some(e) = Self::batch_error(timestamps, marks) {
                    return Err(e);
                }
                return Err(OmegaError::invalid_value(
                    "marks",
                    "prices giving a finite equity",
                    format!("{bad_equity} at row {}", lo + j),
                ));
            }
            batch_peak = max_of(acc, batch_peak);
            self.curve.timestamps.extend_from_slice(&timestamps[lo..hi]);
            lo = hi;
        }

        // Validated and computed: commit.
        self.curve.balance.resize(start_len + n, balance);
        if batch_peak > self.peak_equity {
            self.peak_equity = batch_peak;
        }
        for (m, &index) in marks.iter().zip(&indices) {
            self.symbols[index].mark = Some(Quote {
                bid: m.bid[n - 1],
                ask: m.ask[n - 1],
            });
        }
        self.advance(timestamps[0]); // sets the start time if this is the first call
        self.advance(timestamps[n - 1]);
        Ok(())
    }

    /// Checks symbols and column lengths of a batch; returns the symbol indices.
    fn check_batch_shape(&self, n: usize, marks: &[SymbolMarks<'_>]) -> OmegaResult<Vec<usize>> {
        let mut seen = Vec::with_capacity(marks.len());
        for m in marks {
            let index = self.symbol_lookup("marks", m.symbol)?;
            Self::check_unique(&mut seen, index, m.symbol)?;
            for (side, column) in [("bid", m.bid), ("ask", m.ask)] {
                if column.len() != n {
                    return Err(OmegaError::LengthMismatch {
                        name: format!("marks[{}].{side}", m.symbol),
                        reference: "timestamps".into(),
                        expected: n,
                        got: column.len(),
                    });
                }
            }
        }
        Ok(seen)
    }

    /// The first problem of a batch's rows in canonical order: timestamps, then each symbol's
    /// rows; `None` when every row is valid.
    fn batch_error(timestamps: &[i64], marks: &[SymbolMarks<'_>]) -> Option<OmegaError> {
        for r in 1..timestamps.len() {
            if let Err(e) = check_time_range("timestamps", timestamps[r], &format!(" at row {r}")) {
                return Some(e);
            }
            if timestamps[r] < timestamps[r - 1] {
                return Some(OmegaError::invalid_value(
                    "timestamps",
                    "non-decreasing timestamps (time must not go backwards)",
                    format!("{} after {} at row {r}", timestamps[r], timestamps[r - 1]),
                ));
            }
        }
        for m in marks {
            for (r, (&b, &a)) in m.bid.iter().zip(m.ask).enumerate() {
                if let Err(e) = Self::check_quote(m.symbol, b, a, Some(r)) {
                    return Some(e);
                }
            }
        }
        None
    }

    // ----- state --------------------------------------------------------------------------

    /// Starting cash.
    pub fn initial_balance(&self) -> f64 {
        self.initial_balance
    }

    /// Account currency code.
    pub fn account_currency(&self) -> &str {
        &self.account_currency
    }

    /// Daily returns per year used by Sharpe and Sortino.
    pub fn annualization(&self) -> f64 {
        self.annualization
    }

    /// Cash: initial balance + realized gross PnL − fees.
    pub fn balance(&self) -> f64 {
        self.balance
    }

    /// Unrealized PnL of the open positions at their symbols' last quotes.
    pub fn unrealized_pnl(&self) -> f64 {
        let quotes: Vec<Option<Quote>> = self.symbols.iter().map(|s| s.mark).collect();
        self.unrealized_at(&quotes)
    }

    /// `balance + unrealized_pnl`.
    pub fn equity(&self) -> f64 {
        self.balance + self.unrealized_pnl()
    }

    /// Sum of every fee registered.
    pub fn total_fees(&self) -> f64 {
        self.total_fees
    }

    /// Highest equity on the curve, or the initial balance if higher.
    pub fn peak_equity(&self) -> f64 {
        self.peak_equity
    }

    /// `peak_equity` minus the equity of the curve's last point (0 for an empty curve).
    pub fn drawdown(&self) -> f64 {
        self.curve
            .equity()
            .last()
            .map_or(0.0, |&e| self.peak_equity - e)
    }

    /// The latest timestamp seen (UTC µs), if any call carried one.
    pub fn clock(&self) -> Option<i64> {
        self.clock
    }

    /// Open positions in entry order.
    pub fn open_positions(&self) -> impl Iterator<Item = &OpenPosition> {
        self.open.iter()
    }

    #[cfg(test)]
    pub(crate) fn open_book(&self) -> &OpenBook {
        &self.open
    }

    /// Number of open positions.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    /// The open position with `id`.
    pub fn open_position(&self, id: u64) -> Option<&OpenPosition> {
        match self.ids.get(&id) {
            Some(&IdState::Open(slot)) => self.open.get(slot),
            _ => None,
        }
    }

    /// The last quote of `symbol`, if it was marked.
    pub fn last_quote(&self, symbol: &str) -> Option<Quote> {
        self.symbol_index
            .get(symbol)
            .and_then(|&i| self.symbols[i].mark)
    }

    /// Unrealized PnL of one open position at its symbol's last quote.
    pub fn position_unrealized_pnl(&self, open: &OpenPosition) -> f64 {
        open.unrealized_pnl(self.symbols[open.symbol_index].mark)
    }

    /// Registered symbol specs, in registration order.
    pub fn symbol_specs(&self) -> impl Iterator<Item = &SymbolSpec> {
        self.symbols.iter().map(|s| &s.spec)
    }

    /// Closed trades in closing order.
    pub fn trades(&self) -> &[Trade] {
        &self.trades
    }

    /// Every fee in registration order.
    pub fn fees(&self) -> &[Fee] {
        &self.fees
    }

    /// The equity curve.
    pub fn equity_curve(&self) -> &EquityCurve {
        &self.curve
    }

    /// Reserves room for `additional` more equity points (a caller that knows how many points
    /// it will write avoids the curve's regrowth copies).
    pub fn reserve_equity_points(&mut self, additional: usize) {
        self.curve.reserve(additional);
    }

    /// Moves the equity curve out, leaving an empty one (for a finished portfolio whose curve
    /// is handed on without a copy; the summary reads the curve, so take it after that).
    pub fn take_equity_curve(&mut self) -> EquityCurve {
        std::mem::take(&mut self.curve)
    }

    /// Time with at least one open position (µs), up to the clock.
    pub fn exposed_us(&self) -> i64 {
        let open_part = match (self.exposed_since, self.clock) {
            (Some(since), Some(clock)) => clock - since,
            _ => 0,
        };
        self.exposed_us + open_part
    }

    /// The summary statistics (see [`Summary`]).
    pub fn summary(&self) -> Summary {
        Summary::compute(&StatsInput {
            initial_balance: self.initial_balance,
            balance: self.balance,
            equity: self.equity(),
            open_positions: self.open.len(),
            trades: &self.trades,
            total_fees: self.total_fees,
            curve: &self.curve,
            annualization: self.annualization,
            span: self.start_time.zip(self.clock),
            exposed_us: self.exposed_us(),
        })
    }
}
