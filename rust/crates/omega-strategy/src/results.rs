//! A [`BacktestResult`] as column tables (the layout both loops return to Python).
//!
//! Numbers are plain vectors (handed to numpy without a copy); text columns are categorical
//! (an `i32` code per row plus the list of categories), so no Python object is created per
//! row. Missing times are `i64::MIN` (numpy's `NaT`), missing prices NaN, missing bars −1.
//! The table and column names are documented in `docs/backtest_loop.md`; the Python loop
//! builds exactly the same tables (`omega_strategy._results`).

use omega_core::Direction;
pub use omega_portfolio::SummaryValue;

use crate::backtest::{BacktestResult, action_details, action_kind};

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Signed integers (times in µs, bar indices).
    I64(Vec<i64>),
    /// Ids.
    U64(Vec<u64>),
    /// Numbers.
    F64(Vec<f64>),
    /// Text as codes into `categories`.
    Categorical(Vec<i32>, Vec<String>),
}

/// Named columns, in order.
pub type Table = Vec<(&'static str, Column)>;

/// Encodes text values as categorical codes (categories in order of first appearance).
#[derive(Debug, Default)]
struct Encoder {
    codes: Vec<i32>,
    categories: Vec<String>,
}

impl Encoder {
    fn push(&mut self, value: &str) {
        // Runs of equal values are common (one symbol, one order type): try the last first.
        if let Some(&last) = self.codes.last() {
            if self.categories[last as usize] == value {
                self.codes.push(last);
                return;
            }
        }
        let code = match self.categories.iter().position(|c| c == value) {
            Some(i) => i,
            None => {
                self.categories.push(value.to_owned());
                self.categories.len() - 1
            }
        };
        self.codes.push(i32::try_from(code).unwrap_or(i32::MAX));
    }

    fn column(self) -> Column {
        Column::Categorical(self.codes, self.categories)
    }
}

fn categorical<'v>(values: impl Iterator<Item = &'v str>) -> Column {
    let mut e = Encoder::default();
    for v in values {
        e.push(v);
    }
    e.column()
}

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// `i64::MIN` (NaT) for a missing time.
pub const NAT: i64 = i64::MIN;

/// Bar indices of times, looked up near the previous answer first: the times of a trade
/// column are (nearly) in order, so each lookup costs O(log distance) instead of a binary
/// search over every bar. Gives exactly what `timestamps.binary_search` gives (timestamps are
/// strictly increasing): the bar with that open time, −1 when there is none.
struct BarFinder<'t> {
    timestamps: &'t [i64],
    hint: usize,
}

impl<'t> BarFinder<'t> {
    fn new(timestamps: &'t [i64]) -> Self {
        Self {
            timestamps,
            hint: 0,
        }
    }

    fn bar_of(&mut self, time: i64) -> i64 {
        let ts = self.timestamps;
        let n = ts.len();
        if n == 0 {
            return -1;
        }
        let hint = self.hint.min(n - 1);
        // Gallop from the hint to a window [lo, hi) that must hold `time` if it is present.
        let (lo, hi) = if ts[hint] <= time {
            let mut step = 1;
            let mut lo = hint;
            while lo + step < n && ts[lo + step] <= time {
                lo += step;
                step *= 2;
            }
            (lo, (lo + step).min(n))
        } else {
            let mut step = 1;
            let mut hi = hint;
            while hi >= step && ts[hi - step] > time {
                hi -= step;
                step *= 2;
            }
            (hi.saturating_sub(step), hi)
        };
        match ts[lo..hi].binary_search(&time) {
            Ok(i) => {
                self.hint = lo + i;
                i64::try_from(lo + i).unwrap_or(-1)
            }
            Err(i) => {
                self.hint = lo + i;
                -1
            }
        }
    }
}

/// Every table of a result: `trades`, `orders`, `signals`, `actions`, `equity`. Consumes the
/// result: the equity curve's columns are moved into the `equity` table, not copied (read the
/// [`summary`] first).
pub fn tables(mut result: BacktestResult, timestamps: &[i64]) -> Vec<(&'static str, Table)> {
    vec![
        ("trades", trades(&result, timestamps)),
        ("orders", orders(&result)),
        ("signals", signals(&result, timestamps)),
        ("actions", actions(&result, timestamps)),
        ("equity", equity(&mut result)),
    ]
}

/// Closed trades in closing order: the portfolio's trade columns, then the strategy's.
pub fn trades(result: &BacktestResult, timestamps: &[i64]) -> Table {
    let t = result.portfolio().trades();
    let f = |g: fn(&omega_portfolio::Trade) -> f64| Column::F64(t.iter().map(g).collect());
    let position = |id: u64| result.positions().iter().find(|p| p.id == id);
    let base = result.positions().first().map_or(0, |p| p.id);
    let of = |id: u64| {
        usize::try_from(id.wrapping_sub(base))
            .ok()
            .and_then(|i| result.positions().get(i))
            .filter(|p| p.id == id)
            .or_else(|| position(id))
    };
    vec![
        ("id", Column::U64(t.iter().map(|x| x.id).collect())),
        ("symbol", categorical(t.iter().map(|x| x.symbol.as_str()))),
        (
            "direction",
            categorical(t.iter().map(|x| x.direction.as_str())),
        ),
        ("size", f(|x| x.size)),
        (
            "entry_time",
            Column::I64(t.iter().map(|x| x.entry_time).collect()),
        ),
        ("entry_price", f(|x| x.entry_price)),
        ("stop_loss", f(|x| opt(x.stop_loss))),
        ("take_profit", f(|x| opt(x.take_profit))),
        (
            "exit_time",
            Column::I64(t.iter().map(|x| x.exit_time).collect()),
        ),
        ("exit_price", f(|x| x.exit_price)),
        ("reason", categorical(t.iter().map(|x| x.reason.as_str()))),
        ("pnl", f(|x| x.pnl)),
        ("fees", f(|x| x.fees)),
        ("net_pnl", f(|x| x.net_pnl())),
        ("initial_risk", f(|x| opt(x.initial_risk))),
        ("r_multiple", f(|x| x.r_multiple())),
        (
            "initial_stop_loss",
            Column::F64(
                t.iter()
                    .map(|x| opt(of(x.id).and_then(|p| p.initial_stop_loss)))
                    .collect(),
            ),
        ),
        (
            "scenario",
            categorical(
                t.iter()
                    .map(|x| of(x.id).map_or("", |p| p.scenario.as_str())),
            ),
        ),
        (
            "signal_reason",
            categorical(t.iter().map(|x| of(x.id).map_or("", |p| p.reason.as_str()))),
        ),
        ("entry_bar", {
            let mut bars = BarFinder::new(timestamps);
            Column::I64(t.iter().map(|x| bars.bar_of(x.entry_time)).collect())
        }),
        ("exit_bar", {
            let mut bars = BarFinder::new(timestamps);
            Column::I64(t.iter().map(|x| bars.bar_of(x.exit_time)).collect())
        }),
    ]
}

/// Every order/position of the simulator, in id order.
pub fn orders(result: &BacktestResult) -> Table {
    let p = result.positions();
    let f = |g: fn(&omega_execution::Position) -> f64| Column::F64(p.iter().map(g).collect());
    let time = |g: fn(&omega_execution::Position) -> Option<i64>| {
        Column::I64(p.iter().map(|x| g(x).unwrap_or(NAT)).collect())
    };
    vec![
        ("id", Column::U64(p.iter().map(|x| x.id).collect())),
        (
            "direction",
            categorical(p.iter().map(|x| x.direction.as_str())),
        ),
        (
            "order_type",
            categorical(p.iter().map(|x| x.order_type.as_str())),
        ),
        ("status", categorical(p.iter().map(|x| x.status.as_str()))),
        ("entry_time", time(|x| Some(x.entry_time))),
        ("entry_price", f(|x| x.entry_price)),
        ("trigger_time", time(|x| x.trigger_time)),
        ("trigger_price", f(|x| opt(x.trigger_price))),
        ("exit_time", time(|x| x.exit_time)),
        ("exit_price", f(|x| opt(x.exit_price))),
        (
            "exit_reason",
            categorical(p.iter().map(|x| x.exit_reason.as_deref().unwrap_or(""))),
        ),
        ("size", f(|x| x.size)),
        ("initial_stop_loss", f(|x| opt(x.initial_stop_loss))),
        ("initial_take_profit", f(|x| opt(x.initial_take_profit))),
        ("stop_loss", f(|x| opt(x.stop_loss))),
        ("take_profit", f(|x| opt(x.take_profit))),
        ("entry_fee", f(|x| x.entry_fee)),
        ("exit_fee", f(|x| x.exit_fee)),
        ("entry_slippage", f(|x| x.entry_slippage)),
        ("exit_slippage", f(|x| x.exit_slippage)),
        (
            "scenario",
            categorical(p.iter().map(|x| x.scenario.as_str())),
        ),
        ("reason", categorical(p.iter().map(|x| x.reason.as_str()))),
        (
            "fill_bar",
            Column::I64(
                result
                    .fill_bars
                    .iter()
                    .map(|b| b.map_or(-1, |b| i64::try_from(b).unwrap_or(-1)))
                    .collect(),
            ),
        ),
    ]
}

fn bar_columns(
    bars: impl Iterator<Item = usize> + Clone,
    timestamps: &[i64],
) -> [(&'static str, Column); 2] {
    [
        (
            "bar",
            Column::I64(
                bars.clone()
                    .map(|b| i64::try_from(b).unwrap_or(-1))
                    .collect(),
            ),
        ),
        (
            "timestamp",
            Column::I64(
                bars.map(|b| timestamps.get(b).copied().unwrap_or(NAT))
                    .collect(),
            ),
        ),
    ]
}

/// The strategy's signals, in bar order.
pub fn signals(result: &BacktestResult, timestamps: &[i64]) -> Table {
    let s = &result.signals;
    let mut table: Table = bar_columns(s.iter().map(|x| x.bar), timestamps).into();
    let direction = |d: Direction| d.as_str();
    table.extend([
        ("id", Column::U64(s.iter().map(|x| x.id).collect())),
        (
            "direction",
            categorical(s.iter().map(|x| direction(x.direction))),
        ),
        (
            "order_type",
            categorical(s.iter().map(|x| x.order_type.as_str())),
        ),
        ("entry", Column::F64(s.iter().map(|x| x.entry).collect())),
        ("sl", Column::F64(s.iter().map(|x| opt(x.sl)).collect())),
        ("tp", Column::F64(s.iter().map(|x| opt(x.tp)).collect())),
        (
            "scenario",
            categorical(s.iter().map(|x| x.scenario.as_str())),
        ),
        ("reason", categorical(s.iter().map(|x| x.reason.as_str()))),
    ]);
    table
}

/// The strategy's position actions other than holds, in bar order.
pub fn actions(result: &BacktestResult, timestamps: &[i64]) -> Table {
    let a = &result.actions;
    let mut table: Table = bar_columns(a.iter().map(|x| x.bar), timestamps).into();
    let details: Vec<(f64, std::borrow::Cow<'static, str>)> =
        a.iter().map(|x| action_details(&x.action)).collect();
    table.extend([
        ("id", Column::U64(a.iter().map(|x| x.id).collect())),
        (
            "action",
            categorical(a.iter().map(|x| action_kind(&x.action))),
        ),
        ("value", Column::F64(details.iter().map(|d| d.0).collect())),
        ("reason", categorical(details.iter().map(|d| d.1.as_ref()))),
    ]);
    table
}

/// The equity curve with its drawdown columns; the curve's columns are moved out of the
/// result's portfolio.
pub fn equity(result: &mut BacktestResult) -> Table {
    let p = result.portfolio();
    let dd = p.equity_curve().drawdown_columns(p.initial_balance());
    let (timestamps, equity, balance) = result.simulator.take_equity_curve().into_columns();
    vec![
        ("timestamp", Column::I64(timestamps)),
        ("equity", Column::F64(equity)),
        ("balance", Column::F64(balance)),
        ("peak", Column::F64(dd.peak)),
        ("drawdown", Column::F64(dd.drawdown)),
        ("drawdown_pct", Column::F64(dd.drawdown_pct)),
    ]
}

/// The portfolio's summary, in its documented order.
pub fn summary(result: &BacktestResult) -> Vec<(&'static str, SummaryValue)> {
    result.portfolio().summary().fields().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_finder_agrees_with_a_binary_search_in_any_order() {
        let ts: Vec<i64> = (0..500).map(|k| k * 10 + (k % 7)).collect();
        let want = |time: i64| {
            ts.binary_search(&time)
                .map_or(-1, |i| i64::try_from(i).unwrap_or(-1))
        };
        let mut times: Vec<i64> = (-5..5_100).collect();
        // Forward, backward and scattered lookups from the same finder.
        let mut finder = BarFinder::new(&ts);
        for &time in &times {
            assert_eq!(finder.bar_of(time), want(time), "{time}");
        }
        times.reverse();
        for &time in &times {
            assert_eq!(finder.bar_of(time), want(time), "{time}");
        }
        for k in 0..3_000_i64 {
            let time = (k * 7_919) % 5_200 - 50;
            assert_eq!(finder.bar_of(time), want(time), "{time}");
        }
        assert_eq!(BarFinder::new(&[]).bar_of(3), -1);
    }
}
