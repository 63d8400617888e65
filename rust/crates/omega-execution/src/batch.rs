//! Batch APIs (R19): many signals or many bars in one call, identical to the single-call loop.
//!
//! Columns are plain slices (the Python binding passes numpy arrays, converted zero-copy from
//! Arrow on the Python side). Everything is validated before the first row runs; if a row
//! still fails while running (a result overflowing to infinity), the state before the batch is
//! restored.

use omega_core::{Direction, OmegaError, OmegaResult};

use crate::candle::{Candle, validate_pair};
use crate::signal::{OrderType, SignalRef, TradeSignal};
use crate::simulator::{Simulator, with_suffix};

/// Bar columns of one book side (all the same length).
#[derive(Debug, Clone, Copy)]
pub struct BarColumns<'a> {
    /// Bar times, UTC µs, strictly increasing.
    pub timestamp: &'a [i64],
    /// Opens.
    pub open: &'a [f64],
    /// Highs.
    pub high: &'a [f64],
    /// Lows.
    pub low: &'a [f64],
    /// Closes.
    pub close: &'a [f64],
}

impl BarColumns<'_> {
    /// Number of bars.
    pub fn len(&self) -> usize {
        self.timestamp.len()
    }

    /// No bars.
    pub fn is_empty(&self) -> bool {
        self.timestamp.is_empty()
    }

    /// Row `r` as a candle.
    #[inline]
    pub fn candle(&self, r: usize) -> Candle {
        Candle::new(
            self.timestamp[r],
            self.open[r],
            self.high[r],
            self.low[r],
            self.close[r],
        )
    }

    fn check_lengths(&self, name: &str, n: usize) -> OmegaResult<()> {
        for (column, len) in [
            ("timestamp", self.timestamp.len()),
            ("open", self.open.len()),
            ("high", self.high.len()),
            ("low", self.low.len()),
            ("close", self.close.len()),
        ] {
            if len != n {
                return Err(OmegaError::LengthMismatch {
                    name: format!("{name}.{column}"),
                    reference: "bid.timestamp".into(),
                    expected: n,
                    got: len,
                });
            }
        }
        Ok(())
    }
}

/// Signal columns, dictionary-encoded strings (codes index the `*_values` tables).
#[derive(Debug, Clone, Copy)]
pub struct SignalColumns<'a> {
    /// Decision times, UTC µs, non-decreasing.
    pub timestamp: &'a [i64],
    /// 0 = long, 1 = short.
    pub direction: &'a [u8],
    /// Codes into `symbol_values`.
    pub symbol: &'a [u32],
    /// Symbol names.
    pub symbol_values: &'a [String],
    /// Entry prices.
    pub entry: &'a [f64],
    /// Stops; NaN = none.
    pub sl: &'a [f64],
    /// Targets; NaN = none.
    pub tp: &'a [f64],
    /// 0 = market, 1 = limit, 2 = stop.
    pub order_type: &'a [u8],
    /// Codes into `reason_values`.
    pub reason: &'a [u32],
    /// Reasons.
    pub reason_values: &'a [String],
    /// Codes into `scenario_values`.
    pub scenario: &'a [u32],
    /// Scenarios.
    pub scenario_values: &'a [String],
}

fn lookup<'a>(name: &str, values: &'a [String], code: u32) -> OmegaResult<&'a str> {
    usize::try_from(code)
        .ok()
        .and_then(|i| values.get(i))
        .map(String::as_str)
        .ok_or_else(|| OmegaError::invalid_value(name, format!("a code < {}", values.len()), code))
}

fn optional(price: f64) -> Option<f64> {
    if price.is_nan() { None } else { Some(price) }
}

impl<'a> SignalColumns<'a> {
    /// Number of signals.
    pub fn len(&self) -> usize {
        self.timestamp.len()
    }

    /// No signals.
    pub fn is_empty(&self) -> bool {
        self.timestamp.is_empty()
    }

    fn check_lengths(&self) -> OmegaResult<()> {
        let n = self.timestamp.len();
        for (column, len) in [
            ("direction", self.direction.len()),
            ("symbol", self.symbol.len()),
            ("entry", self.entry.len()),
            ("sl", self.sl.len()),
            ("tp", self.tp.len()),
            ("order_type", self.order_type.len()),
            ("reason", self.reason.len()),
            ("scenario", self.scenario.len()),
        ] {
            if len != n {
                return Err(OmegaError::LengthMismatch {
                    name: format!("signals.{column}"),
                    reference: "signals.timestamp".into(),
                    expected: n,
                    got: len,
                });
            }
        }
        Ok(())
    }

    /// Row `r` as a signal (codes decoded; prices not yet validated).
    pub fn row(&self, r: usize) -> OmegaResult<TradeSignal> {
        self.row_ref(r).map(SignalRef::to_signal)
    }

    /// [`SignalColumns::row`] with the texts borrowed from the value tables.
    fn row_ref(&self, r: usize) -> OmegaResult<SignalRef<'a>> {
        let row = |e: OmegaError| with_suffix(e, &format!(" at row {r}"));
        let direction = match self.direction[r] {
            0 => Direction::Long,
            1 => Direction::Short,
            other => {
                return Err(row(OmegaError::invalid_value(
                    "signals.direction",
                    "0 (long) or 1 (short)",
                    other,
                )));
            }
        };
        let order_type = match self.order_type[r] {
            0 => OrderType::Market,
            1 => OrderType::Limit,
            2 => OrderType::Stop,
            other => {
                return Err(row(OmegaError::invalid_value(
                    "signals.order_type",
                    "0 (market), 1 (limit) or 2 (stop)",
                    other,
                )));
            }
        };
        Ok(SignalRef {
            timestamp: self.timestamp[r],
            direction,
            symbol: lookup("signals.symbol", self.symbol_values, self.symbol[r]).map_err(row)?,
            entry: self.entry[r],
            sl: optional(self.sl[r]),
            tp: optional(self.tp[r]),
            order_type,
            reason: lookup("signals.reason", self.reason_values, self.reason[r]).map_err(row)?,
            scenario: lookup("signals.scenario", self.scenario_values, self.scenario[r])
                .map_err(row)?,
        })
    }
}

impl Simulator {
    /// Checks every signal of a batch (decoded, not built yet): times non-decreasing and not
    /// before the simulator's clock; with `symbol`, every signal must be of it. Returns each
    /// row's symbol index.
    fn check_signals(
        &self,
        signals: &SignalColumns<'_>,
        symbol: Option<&str>,
    ) -> OmegaResult<Vec<usize>> {
        signals.check_lengths()?;
        let mut syms = Vec::with_capacity(signals.len());
        for r in 0..signals.len() {
            let at = || format!(" at row {r}");
            let signal = signals.row_ref(r)?;
            if let Some(symbol) = symbol {
                if signal.symbol != symbol {
                    return Err(OmegaError::invalid_value(
                        "signals.symbol",
                        format!("'{symbol}' (the batch's symbol)"),
                        format!("'{}'{}", signal.symbol, at()),
                    ));
                }
            }
            // Messages get the row appended only on error (no allocation per valid row).
            let sym = self
                .check_signal(&signal, "")
                .map_err(|e| with_suffix(e, &at()))?;
            if r == 0 {
                self.check_batch_signal_start(signal.timestamp, "")
                    .map_err(|e| with_suffix(e, &at()))?;
            } else if signal.timestamp < signals.timestamp[r - 1] {
                return Err(OmegaError::invalid_value(
                    "signals.timestamp",
                    "non-decreasing timestamps (time must not go backwards)",
                    format!(
                        "{} after {}{}",
                        signal.timestamp,
                        signals.timestamp[r - 1],
                        at()
                    ),
                ));
            }
            syms.push(sym);
        }
        Ok(syms)
    }

    /// Runs `body`; if it fails, restores the state from before the call.
    fn atomically<T>(
        &mut self,
        body: impl FnOnce(&mut Simulator) -> OmegaResult<T>,
    ) -> OmegaResult<T> {
        let backup = self.clone();
        let result = body(self);
        if result.is_err() {
            *self = backup;
        }
        result
    }

    /// [`Simulator::process_signal`] for every row, in order; returns the ids.
    pub fn process_signals_batch(&mut self, signals: &SignalColumns<'_>) -> OmegaResult<Vec<u64>> {
        let syms = self.check_signals(signals, None)?;
        self.atomically(move |sim| {
            sim.reserve(syms.len(), false);
            let mut ids = Vec::with_capacity(syms.len());
            for (r, sym) in syms.into_iter().enumerate() {
                let signal = signals.row_ref(r)?;
                ids.push(
                    sim.process_checked(&signal, sym)
                        .map_err(|e| with_suffix(e, &format!(" at row {r}")))?,
                );
            }
            Ok(ids)
        })
    }

    /// [`Simulator::evaluate_exits`] for every bar of `symbol`; after bar `r`, the signals with
    /// `bar[r].t <= t < bar[r+1].t` are processed (signals before the first bar first).
    /// Returns the ids of the positions closed, in closing order.
    pub fn evaluate_exits_batch(
        &mut self,
        symbol: &str,
        bid: &BarColumns<'_>,
        ask: &BarColumns<'_>,
        signals: Option<&SignalColumns<'_>>,
    ) -> OmegaResult<Vec<u64>> {
        let sym = self.symbol_of(symbol, "symbol")?;
        let n = bid.len();
        bid.check_lengths("bid", n)?;
        ask.check_lengths("ask", n)?;
        if let Some(&first) = bid.timestamp.first() {
            self.check_batch_bar_start(sym, first)?;
        }
        let syms = match signals {
            Some(s) => self.check_signals(s, Some(symbol))?,
            None => Vec::new(),
        };
        // The rows are validated a block at a time, just before the block runs (the data is
        // read once); the first invalid row fails the batch after the rows before it have run,
        // as if each row were checked when reached, and the state before the batch is restored.
        self.atomically(move |sim| {
            sim.reserve(syms.len(), true);
            let mut closed = Vec::new();
            let mut plan = Vec::new();
            let mut signals = SignalQueue {
                signals,
                syms,
                next: 0,
            };
            // Signals before bar 0 (all of them when there are no bars).
            signals.process_before(sim, bid.timestamp.first().copied())?;
            let bars = Bars::new(bid, ask, n);
            let times = bars.bid.timestamp;
            let mut lo = 0;
            while lo < n {
                let hi = (lo + BLOCK).min(n);
                let valid = bars.first_invalid(lo, hi).unwrap_or(hi);
                let mut row = lo;
                while row < valid {
                    // Bar `r` is stepped, then the signals stamped before bar `r + 1` run. Only
                    // rows on which a position may change are stepped (a row with none changes
                    // nothing but the symbol's last bar and quote, which only the last bar leaves
                    // behind, set below), and signals run after the row they follow.
                    let until = match signals.next_time() {
                        Some(next) => row + times[row..valid].partition_point(|&t| t <= next),
                        None => valid,
                    }
                    .max(row + 1);
                    let eventful = sim.first_eventful_row(sym, &bars.bid, &bars.ask, row, until);
                    let r = if eventful < until {
                        let (b, a) = bars.candles(eventful);
                        sim.step_bar(sym, &b, &a, &mut plan, &mut closed)
                            .map_err(|e| with_suffix(e, &format!(" at row {eventful}")))?;
                        eventful
                    } else {
                        until - 1
                    };
                    signals.process_before(sim, times.get(r + 1).copied())?;
                    row = r + 1;
                }
                if valid < hi {
                    let (b, a) = bars.candles(valid);
                    return Err(row_error(&b, &a, bars.previous(valid), valid));
                }
                lo = hi;
            }
            if n > 0 {
                let (b, a) = bars.candles(n - 1);
                sim.finish_bar(sym, &b, &a, true);
            }
            Ok(closed)
        })
    }
}

/// Rows validated at a time by [`Simulator::evaluate_exits_batch`] (the block's ten columns
/// stay in L2 while its rows run).
const BLOCK: usize = 2048;

/// The checked signals of a batch (with their symbol indices), processed in order.
struct SignalQueue<'s, 'a> {
    signals: Option<&'s SignalColumns<'a>>,
    syms: Vec<usize>,
    /// The first row not processed yet.
    next: usize,
}

impl SignalQueue<'_, '_> {
    /// Time of the next signal, if any is left.
    fn next_time(&self) -> Option<i64> {
        let signals = self.signals?;
        signals.timestamp.get(self.next).copied()
    }

    /// Processes the signals stamped before `limit` (all of them with `None`).
    fn process_before(&mut self, sim: &mut Simulator, limit: Option<i64>) -> OmegaResult<()> {
        let Some(signals) = self.signals else {
            return Ok(());
        };
        while let Some(&sym) = self.syms.get(self.next) {
            let i = self.next;
            if limit.is_some_and(|t| signals.timestamp[i] >= t) {
                break;
            }
            self.next += 1;
            let signal = signals.row_ref(i)?;
            sim.process_checked(&signal, sym)
                .map_err(|e| with_suffix(e, &format!(" at signal row {i}")))?;
        }
        Ok(())
    }
}

/// Bid and ask columns cut to the batch's `n` rows (so a row < n is in bounds everywhere).
struct Bars<'a> {
    bid: BarColumns<'a>,
    ask: BarColumns<'a>,
}

impl<'a> Bars<'a> {
    fn new(bid: &BarColumns<'a>, ask: &BarColumns<'a>, n: usize) -> Self {
        let cut = |c: &BarColumns<'a>| BarColumns {
            timestamp: &c.timestamp[..n],
            open: &c.open[..n],
            high: &c.high[..n],
            low: &c.low[..n],
            close: &c.close[..n],
        };
        Self {
            bid: cut(bid),
            ask: cut(ask),
        }
    }

    #[inline]
    fn candles(&self, row: usize) -> (Candle, Candle) {
        (self.bid.candle(row), self.ask.candle(row))
    }

    /// The time row `row` must come after.
    fn previous(&self, row: usize) -> i64 {
        if row == 0 {
            i64::MIN
        } else {
            self.bid.timestamp[row - 1]
        }
    }

    /// The first row of `lo..hi` that fails [`row_ok`], if any.
    fn first_invalid(&self, lo: usize, hi: usize) -> Option<usize> {
        if self.block_ok(lo, hi) {
            return None;
        }
        (lo..hi).find(|&r| {
            let (b, a) = self.candles(r);
            !row_ok(&b, &a, self.previous(r))
        })
    }

    /// Whether every row of `lo..hi` (non-empty) passes [`row_ok`]: the same checks, column by
    /// column, without branches.
    fn block_ok(&self, lo: usize, hi: usize) -> bool {
        let times = &self.bid.timestamp[lo..hi];
        let mut ok = times[0] > self.previous(lo);
        for (earlier, later) in times.iter().zip(&times[1..]) {
            ok &= later > earlier;
        }
        for t in times {
            ok &= (-crate::candle::MAX_TIME_US..=crate::candle::MAX_TIME_US).contains(t);
        }
        // The ask side often shares the bid side's timestamp column (nothing to compare then).
        if !std::ptr::eq(self.ask.timestamp, self.bid.timestamp) {
            ok &= self.ask.timestamp[lo..hi] == *times;
        }
        ok & side_ok(&self.bid, lo, hi) & side_ok(&self.ask, lo, hi)
    }
}

/// Rows `lo..hi` of one side: finite prices, open and close within [low, high].
fn side_ok(c: &BarColumns<'_>, lo: usize, hi: usize) -> bool {
    let (open, high, low, close) = (
        &c.open[lo..hi],
        &c.high[lo..hi],
        &c.low[lo..hi],
        &c.close[lo..hi],
    );
    let mut ok = true;
    for (((&o, &h), &l), &c) in open.iter().zip(high).zip(low).zip(close) {
        ok &= (o.is_finite() & h.is_finite() & l.is_finite() & c.is_finite())
            & (l <= o)
            & (o <= h)
            & (l <= c)
            & (c <= h);
    }
    ok
}

/// One bar row passes every check of [`validate_pair`] and comes after `previous`
/// (branch-free).
#[inline(always)]
fn row_ok(b: &Candle, a: &Candle, previous: i64) -> bool {
    #[inline(always)]
    fn side(c: &Candle) -> bool {
        // NaN fails every comparison; ±inf fails is_finite.
        (c.open.is_finite() & c.high.is_finite() & c.low.is_finite() & c.close.is_finite())
            & (c.low <= c.open)
            & (c.open <= c.high)
            & (c.low <= c.close)
            & (c.close <= c.high)
    }
    let t = b.timestamp;
    side(b)
        & side(a)
        & (a.timestamp == t)
        & (t > previous)
        & (-crate::candle::MAX_TIME_US..=crate::candle::MAX_TIME_US).contains(&t)
}

/// The message of an invalid row (the first failing check of [`validate_pair`], then order).
#[cold]
fn row_error(b: &Candle, a: &Candle, previous: i64, row: usize) -> OmegaError {
    if let Err(e) = validate_pair(b, a, "") {
        return with_suffix(e, &format!(" at row {row}"));
    }
    if b.timestamp <= previous {
        return OmegaError::invalid_value(
            "bid.timestamp",
            "strictly increasing bar times",
            format!("{} after {previous} at row {row}", b.timestamp),
        );
    }
    OmegaError::Internal(format!("bar row {row} flagged invalid without a reason"))
}
