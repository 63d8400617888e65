//! A [`BacktestResult`] as column tables (the layout both loops return to Python).
//!
//! Numbers are plain vectors (handed to numpy without a copy); text columns are categorical
//! (an `i32` code per row plus the list of categories), so no Python object is created per
//! row. Missing times are `i64::MIN` (numpy's `NaT`), missing prices NaN, missing bars −1.
//! The table and column names are documented in `docs/backtest_loop.md`; the Python loop
//! builds exactly the same tables (`omega_strategy._results`).

pub use omega_portfolio::SummaryValue;
use omega_portfolio::{DrawdownColumns, EquityCurve};

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

/// A result's summary (in its documented order) and its tables.
pub type Finished = (
    Vec<(&'static str, SummaryValue)>,
    Vec<(&'static str, Table)>,
);

/// The summary and every table of a result: `trades`, `orders`, `signals`, `actions`,
/// `equity`. Consumes the result: the equity curve's columns are moved into the `equity` table,
/// not copied. The summary, the drawdown columns and the four row tables are independent
/// reads of the result, computed in parallel (nested joins: work stealing balances them
/// over the available cores).
pub fn summary_and_tables(mut result: BacktestResult, timestamps: &[i64]) -> Finished {
    let initial_balance = result.portfolio().initial_balance();
    let r = &result;
    let ((summary, drawdown), (trades, (orders, (signals, actions)))) = rayon::join(
        || {
            rayon::join(
                || summary(r),
                || {
                    r.portfolio()
                        .equity_curve()
                        .drawdown_columns(initial_balance)
                },
            )
        },
        || {
            rayon::join(
                || trades(r, timestamps),
                || {
                    rayon::join(
                        || orders(r),
                        || rayon::join(|| signals(r, timestamps), || actions(r, timestamps)),
                    )
                },
            )
        },
    );
    let equity = equity(result.simulator.take_equity_curve(), drawdown);
    let tables = vec![
        ("trades", trades),
        ("orders", orders),
        ("signals", signals),
        ("actions", actions),
        ("equity", equity),
    ];
    (summary, tables)
}

/// The type of a column, given up front (a table without rows still has typed columns).
#[derive(Debug, Clone, Copy)]
enum Kind {
    I64,
    U64,
    F64,
    Text,
}

/// One value of a row.
#[derive(Debug, Clone, Copy)]
enum Cell<'v> {
    I64(i64),
    U64(u64),
    F64(f64),
    Text(&'v str),
}

/// A column being filled row by row.
#[derive(Debug)]
enum Builder {
    I64(Vec<i64>),
    U64(Vec<u64>),
    F64(Vec<f64>),
    Text(Encoder),
}

impl Builder {
    fn new(kind: Kind, rows: usize) -> Self {
        match kind {
            Kind::I64 => Self::I64(Vec::with_capacity(rows)),
            Kind::U64 => Self::U64(Vec::with_capacity(rows)),
            Kind::F64 => Self::F64(Vec::with_capacity(rows)),
            Kind::Text => Self::Text(Encoder {
                codes: Vec::with_capacity(rows),
                categories: Vec::new(),
            }),
        }
    }

    /// Appends `cell`; a cell of another type than the column's (a bug in a table's row
    /// function) appends the column's missing value instead of panicking.
    fn push(&mut self, cell: Cell<'_>) {
        match (self, cell) {
            (Self::I64(v), Cell::I64(x)) => v.push(x),
            (Self::U64(v), Cell::U64(x)) => v.push(x),
            (Self::F64(v), Cell::F64(x)) => v.push(x),
            (Self::Text(e), Cell::Text(x)) => e.push(x),
            (Self::I64(v), _) => v.push(NAT),
            (Self::U64(v), _) => v.push(0),
            (Self::F64(v), _) => v.push(f64::NAN),
            (Self::Text(e), _) => e.push(""),
        }
    }

    fn column(self) -> Column {
        match self {
            Self::I64(v) => Column::I64(v),
            Self::U64(v) => Column::U64(v),
            Self::F64(v) => Column::F64(v),
            Self::Text(e) => e.column(),
        }
    }
}

/// A table built in one pass over its rows (each row's source is read once, not once per
/// column): `row` gives the cells of one row in the order of `columns`.
fn table<'v, R, const N: usize>(
    columns: [(&'static str, Kind); N],
    rows: impl ExactSizeIterator<Item = R>,
    mut row: impl FnMut(R) -> [Cell<'v>; N],
) -> Table {
    let mut builders = columns.map(|(_, kind)| Builder::new(kind, rows.len()));
    for r in rows {
        for (builder, cell) in builders.iter_mut().zip(row(r)) {
            builder.push(cell);
        }
    }
    columns
        .iter()
        .zip(builders)
        .map(|(&(name, _), builder)| (name, builder.column()))
        .collect()
}

fn bar_cell(bar: Option<usize>) -> Cell<'static> {
    Cell::I64(bar.map_or(-1, |b| i64::try_from(b).unwrap_or(-1)))
}

/// Closed trades in closing order: the portfolio's trade columns, then the strategy's.
pub fn trades(result: &BacktestResult, timestamps: &[i64]) -> Table {
    let positions = result.positions();
    let base = positions.first().map_or(0, |p| p.id);
    let of = |id: u64| {
        usize::try_from(id.wrapping_sub(base))
            .ok()
            .and_then(|i| positions.get(i))
            .filter(|p| p.id == id)
            .or_else(|| positions.iter().find(|p| p.id == id))
    };
    let mut entry_bars = BarFinder::new(timestamps);
    let mut exit_bars = BarFinder::new(timestamps);
    use Kind::{F64, I64, Text, U64};
    let columns = [
        ("id", U64),
        ("symbol", Text),
        ("direction", Text),
        ("size", F64),
        ("entry_time", I64),
        ("entry_price", F64),
        ("stop_loss", F64),
        ("take_profit", F64),
        ("exit_time", I64),
        ("exit_price", F64),
        ("reason", Text),
        ("pnl", F64),
        ("fees", F64),
        ("net_pnl", F64),
        ("initial_risk", F64),
        ("r_multiple", F64),
        ("initial_stop_loss", F64),
        ("scenario", Text),
        ("signal_reason", Text),
        ("entry_bar", I64),
        ("exit_bar", I64),
    ];
    table(columns, result.portfolio().trades().iter(), |x| {
        let p = of(x.id);
        [
            Cell::U64(x.id),
            Cell::Text(x.symbol.as_str()),
            Cell::Text(x.direction.as_str()),
            Cell::F64(x.size),
            Cell::I64(x.entry_time),
            Cell::F64(x.entry_price),
            Cell::F64(opt(x.stop_loss)),
            Cell::F64(opt(x.take_profit)),
            Cell::I64(x.exit_time),
            Cell::F64(x.exit_price),
            Cell::Text(x.reason.as_str()),
            Cell::F64(x.pnl),
            Cell::F64(x.fees),
            Cell::F64(x.net_pnl()),
            Cell::F64(opt(x.initial_risk)),
            Cell::F64(x.r_multiple()),
            Cell::F64(opt(p.and_then(|p| p.initial_stop_loss))),
            Cell::Text(p.map_or("", |p| p.scenario.as_str())),
            Cell::Text(p.map_or("", |p| p.reason.as_str())),
            Cell::I64(entry_bars.bar_of(x.entry_time)),
            Cell::I64(exit_bars.bar_of(x.exit_time)),
        ]
    })
}

/// Every order/position of the simulator, in id order.
pub fn orders(result: &BacktestResult) -> Table {
    let time = |t: Option<i64>| Cell::I64(t.unwrap_or(NAT));
    use Kind::{F64, I64, Text, U64};
    let columns = [
        ("id", U64),
        ("direction", Text),
        ("order_type", Text),
        ("status", Text),
        ("entry_time", I64),
        ("entry_price", F64),
        ("trigger_time", I64),
        ("trigger_price", F64),
        ("exit_time", I64),
        ("exit_price", F64),
        ("exit_reason", Text),
        ("size", F64),
        ("initial_stop_loss", F64),
        ("initial_take_profit", F64),
        ("stop_loss", F64),
        ("take_profit", F64),
        ("entry_fee", F64),
        ("exit_fee", F64),
        ("entry_slippage", F64),
        ("exit_slippage", F64),
        ("scenario", Text),
        ("reason", Text),
        ("fill_bar", I64),
    ];
    table(columns, result.positions().iter().enumerate(), |(i, x)| {
        [
            Cell::U64(x.id),
            Cell::Text(x.direction.as_str()),
            Cell::Text(x.order_type.as_str()),
            Cell::Text(x.status.as_str()),
            Cell::I64(x.entry_time),
            Cell::F64(x.entry_price),
            time(x.trigger_time),
            Cell::F64(opt(x.trigger_price)),
            time(x.exit_time),
            Cell::F64(opt(x.exit_price)),
            Cell::Text(x.exit_reason.as_deref().unwrap_or("")),
            Cell::F64(x.size),
            Cell::F64(opt(x.initial_stop_loss)),
            Cell::F64(opt(x.initial_take_profit)),
            Cell::F64(opt(x.stop_loss)),
            Cell::F64(opt(x.take_profit)),
            Cell::F64(x.entry_fee),
            Cell::F64(x.exit_fee),
            Cell::F64(x.entry_slippage),
            Cell::F64(x.exit_slippage),
            Cell::Text(x.scenario.as_str()),
            Cell::Text(x.reason.as_str()),
            bar_cell(result.fill_bars.get(i).copied().flatten()),
        ]
    })
}

/// The `bar` and `timestamp` cells of a record at primary bar `bar`.
fn bar_cells(bar: usize, timestamps: &[i64]) -> [Cell<'static>; 2] {
    [
        bar_cell(Some(bar)),
        Cell::I64(timestamps.get(bar).copied().unwrap_or(NAT)),
    ]
}

/// The strategy's signals, in bar order.
pub fn signals(result: &BacktestResult, timestamps: &[i64]) -> Table {
    use Kind::{F64, I64, Text, U64};
    let columns = [
        ("bar", I64),
        ("timestamp", I64),
        ("id", U64),
        ("direction", Text),
        ("order_type", Text),
        ("entry", F64),
        ("sl", F64),
        ("tp", F64),
        ("scenario", Text),
        ("reason", Text),
    ];
    table(columns, result.signals.iter(), |x| {
        let [bar, time] = bar_cells(x.bar, timestamps);
        [
            bar,
            time,
            Cell::U64(x.id),
            Cell::Text(x.direction.as_str()),
            Cell::Text(x.order_type.as_str()),
            Cell::F64(x.entry),
            Cell::F64(opt(x.sl)),
            Cell::F64(opt(x.tp)),
            Cell::Text(x.scenario.as_str()),
            Cell::Text(x.reason.as_str()),
        ]
    })
}

/// The strategy's position actions other than holds, in bar order.
pub fn actions(result: &BacktestResult, timestamps: &[i64]) -> Table {
    use Kind::{F64, I64, Text, U64};
    let columns = [
        ("bar", I64),
        ("timestamp", I64),
        ("id", U64),
        ("action", Text),
        ("value", F64),
        ("reason", Text),
    ];
    table(columns, result.actions.iter(), |x| {
        let [bar, time] = bar_cells(x.bar, timestamps);
        let (value, reason) = action_details(&x.action);
        [
            bar,
            time,
            Cell::U64(x.id),
            Cell::Text(action_kind(&x.action)),
            Cell::F64(value),
            Cell::Text(reason),
        ]
    })
}

/// The equity curve (taken out of the result's portfolio) with its drawdown columns; its
/// columns are moved, not copied.
pub fn equity(curve: EquityCurve, drawdown: DrawdownColumns) -> Table {
    let (timestamps, equity, balance) = curve.into_columns();
    vec![
        ("timestamp", Column::I64(timestamps)),
        ("equity", Column::F64(equity)),
        ("balance", Column::F64(balance)),
        ("peak", Column::F64(drawdown.peak)),
        ("drawdown", Column::F64(drawdown.drawdown)),
        ("drawdown_pct", Column::F64(drawdown.drawdown_pct)),
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
