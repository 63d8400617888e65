//! Batch APIs (R19): many signals or many bars in one call, identical to the single-call loop.
//!
//! Columns are plain slices (the Python binding passes numpy arrays, converted zero-copy from
//! Arrow on the Python side). Everything is validated before the first row runs; if a row
//! still fails while running (a result overflowing to infinity), the state before the batch is
//! restored.

use omega_core::{Direction, OmegaError, OmegaResult};

use crate::candle::{Candle, validate_pair};
use crate::signal::{OrderType, TradeSignal};
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

impl SignalColumns<'_> {
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
        Ok(TradeSignal {
            timestamp: self.timestamp[r],
            direction,
            symbol: lookup("signals.symbol", self.symbol_values, self.symbol[r])
                .map_err(row)?
                .to_owned(),
            entry: self.entry[r],
            sl: optional(self.sl[r]),
            tp: optional(self.tp[r]),
            order_type,
            reason: lookup("signals.reason", self.reason_values, self.reason[r])
                .map_err(row)?
                .to_owned(),
            scenario: lookup("signals.scenario", self.scenario_values, self.scenario[r])
                .map_err(row)?
                .to_owned(),
        })
    }
}

impl Simulator {
    /// Decodes and validates every signal of a batch; times non-decreasing and not before the
    /// simulator's clock; with `symbol`, every signal must be of it.
    fn decode_signals(
        &self,
        signals: &SignalColumns<'_>,
        symbol: Option<&str>,
    ) -> OmegaResult<Vec<(TradeSignal, usize)>> {
        signals.check_lengths()?;
        let mut decoded = Vec::with_capacity(signals.len());
        for r in 0..signals.len() {
            let at = || format!(" at row {r}");
            let signal = signals.row(r)?;
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
            decoded.push((signal, sym));
        }
        Ok(decoded)
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
        let decoded = self.decode_signals(signals, None)?;
        self.atomically(move |sim| {
            sim.reserve(decoded.len());
            let mut ids = Vec::with_capacity(decoded.len());
            for (r, (signal, sym)) in decoded.into_iter().enumerate() {
                ids.push(
                    sim.process_checked(signal, sym)
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
        let decoded = match signals {
            Some(s) => self.decode_signals(s, Some(symbol))?,
            None => Vec::new(),
        };
        // The rows are validated as they are reached (the data is read once); the first invalid
        // row fails the batch, which restores the state from before it.
        self.atomically(move |sim| {
            sim.reserve(decoded.len());
            let mut closed = Vec::new();
            let mut plan = Vec::new();
            let mut pending = decoded.into_iter().enumerate().peekable();
            let mut process_until = |sim: &mut Simulator, limit: Option<i64>| -> OmegaResult<()> {
                while let Some((i, (signal, s))) =
                    pending.next_if(|(_, (s, _))| limit.is_none_or(|t| s.timestamp < t))
                {
                    sim.process_checked(signal, s)
                        .map_err(|e| with_suffix(e, &format!(" at signal row {i}")))?;
                }
                Ok(())
            };
            // Signals before bar 0 (all of them when there are no bars).
            process_until(sim, bid.timestamp.first().copied())?;
            // Columns cut to `n` rows, so indexing by a row < n needs no bounds check.
            let (bt, bo, bh, bl, bc) = (
                &bid.timestamp[..n],
                &bid.open[..n],
                &bid.high[..n],
                &bid.low[..n],
                &bid.close[..n],
            );
            let (at, ao, ah, al, ac) = (
                &ask.timestamp[..n],
                &ask.open[..n],
                &ask.high[..n],
                &ask.low[..n],
                &ask.close[..n],
            );
            let mut previous = i64::MIN;
            for row in 0..n {
                let b = Candle::new(bt[row], bo[row], bh[row], bl[row], bc[row]);
                let a = Candle::new(at[row], ao[row], ah[row], al[row], ac[row]);
                if !row_ok(&b, &a, previous) {
                    return Err(row_error(&b, &a, previous, row));
                }
                previous = b.timestamp;
                // A bar with no pending or open position changes nothing but the symbol's last
                // bar and quote, which only the last bar leaves behind (set below).
                if sim.has_active(sym) {
                    sim.step_bar(sym, &b, &a, &mut plan, &mut closed)
                        .map_err(|e| with_suffix(e, &format!(" at row {row}")))?;
                }
                // Then the signals stamped before the next bar.
                let next = if row + 1 < n { Some(bt[row + 1]) } else { None };
                process_until(sim, next)?;
            }
            if n > 0 {
                sim.finish_bar(sym, &bid.candle(n - 1), &ask.candle(n - 1), true);
            }
            Ok(closed)
        })
    }
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
