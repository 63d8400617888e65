//! Summary statistics of a portfolio: trade statistics over the closed trades (net of their
//! fees) and risk/return statistics over the equity curve.
//!
//! The formulas, their edge cases and the exact order of operations are documented in
//! `packages/omega-portfolio/docs/statistics.md`; the Python fallback
//! (`omega_portfolio._python.statistics`) performs the same operations in the same order, so
//! both produce bit-identical numbers. Every sum is sequential, left to right, starting at 0.

use crate::equity_curve::EquityCurve;
use crate::trade::Trade;

/// Microseconds in a year of 365.25 days (CAGR).
pub const MICROS_PER_YEAR: f64 = 31_557_600_000_000.0;

/// What the statistics are computed from.
#[derive(Debug, Clone, Copy)]
pub struct StatsInput<'a> {
    /// Starting cash.
    pub initial_balance: f64,
    /// Current cash.
    pub balance: f64,
    /// Current equity: balance + unrealized PnL at the last marks.
    pub equity: f64,
    /// Positions still open.
    pub open_positions: usize,
    /// Closed trades in the order they were closed.
    pub trades: &'a [Trade],
    /// Sum of every registered fee.
    pub total_fees: f64,
    /// The equity curve.
    pub curve: &'a EquityCurve,
    /// Periods per year for Sharpe and Sortino (daily returns: 252 by default).
    pub annualization: f64,
    /// First and latest timestamp the portfolio has seen (UTC µs), if any.
    pub span: Option<(i64, i64)>,
    /// Time with at least one open position, µs, up to the latest timestamp.
    pub exposed_us: i64,
}

/// One value of the summary: a count or a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SummaryValue {
    /// A count.
    Int(u64),
    /// A number (may be NaN or ±inf where documented).
    Float(f64),
}

/// The summary of a portfolio (see `docs/statistics.md` for every formula).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Starting cash.
    pub initial_balance: f64,
    /// Current cash.
    pub final_balance: f64,
    /// Current equity (balance + unrealized PnL at the last marks).
    pub final_equity: f64,
    /// Positions still open.
    pub open_positions: u64,
    /// Closed trades.
    pub trades: u64,
    /// Trades with net PnL > 0.
    pub wins: u64,
    /// Trades with net PnL < 0.
    pub losses: u64,
    /// Trades with net PnL == 0.
    pub breakeven: u64,
    /// `wins / trades * 100`.
    pub win_rate_pct: f64,
    /// Sum of the net PnL of winning trades (>= 0).
    pub gross_profit: f64,
    /// Sum of the net PnL of losing trades (<= 0).
    pub gross_loss: f64,
    /// Sum of the net PnL of all trades.
    pub net_profit: f64,
    /// `gross_profit / -gross_loss`; inf with wins and no losses; NaN without wins and losses.
    pub profit_factor: f64,
    /// `net_profit / trades`.
    pub expectancy: f64,
    /// `gross_profit / wins`.
    pub avg_win: f64,
    /// `gross_loss / losses` (<= 0).
    pub avg_loss: f64,
    /// Mean R multiple over trades with a stop loss.
    pub avg_r: f64,
    /// Largest net PnL of a winning trade.
    pub largest_win: f64,
    /// Most negative net PnL of a losing trade.
    pub largest_loss: f64,
    /// Longest run of consecutive wins.
    pub max_consecutive_wins: u64,
    /// Longest run of consecutive losses.
    pub max_consecutive_losses: u64,
    /// Sum of every fee registered.
    pub total_fees: f64,
    /// Largest drawdown of the equity curve, account currency.
    pub max_drawdown: f64,
    /// Largest drawdown of the equity curve, % of the running peak.
    pub max_drawdown_pct: f64,
    /// Longest time under water, days.
    pub max_drawdown_duration_days: f64,
    /// `(final_equity - initial_balance) / initial_balance * 100`.
    pub return_pct: f64,
    /// Compound annual growth rate over the portfolio's time span, %.
    pub cagr_pct: f64,
    /// Annualised Sharpe ratio of daily returns (risk-free rate 0).
    pub sharpe: f64,
    /// Annualised Sortino ratio of daily returns (target 0).
    pub sortino: f64,
    /// `cagr_pct / max_drawdown_pct`.
    pub calmar: f64,
    /// Share of the time span with at least one open position, %.
    pub exposure_pct: f64,
}

impl Summary {
    /// Computes the summary.
    pub fn compute(input: &StatsInput<'_>) -> Self {
        let t = TradeStats::compute(input.trades);
        let dd = input.curve.drawdown_stats(input.initial_balance);
        let (sharpe, sortino) = sharpe_sortino(input);
        let (cagr_pct, exposure_pct) = match input.span {
            Some((start, end)) if end > start => {
                let years = (end - start) as f64 / MICROS_PER_YEAR;
                let cagr = if input.equity <= 0.0 {
                    -100.0
                } else {
                    ((input.equity / input.initial_balance).powf(1.0 / years) - 1.0) * 100.0
                };
                (cagr, input.exposed_us as f64 / (end - start) as f64 * 100.0)
            }
            _ => (f64::NAN, f64::NAN),
        };
        let calmar = if dd.max_drawdown_pct > 0.0 {
            cagr_pct / dd.max_drawdown_pct
        } else if cagr_pct > 0.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
        Self {
            initial_balance: input.initial_balance,
            final_balance: input.balance,
            final_equity: input.equity,
            open_positions: input.open_positions as u64,
            trades: t.trades,
            wins: t.wins,
            losses: t.losses,
            breakeven: t.trades - t.wins - t.losses,
            win_rate_pct: ratio(t.wins as f64, t.trades) * 100.0,
            gross_profit: t.gross_profit,
            gross_loss: t.gross_loss,
            net_profit: t.net_profit,
            profit_factor: if t.losses > 0 {
                t.gross_profit / -t.gross_loss
            } else if t.wins > 0 {
                f64::INFINITY
            } else {
                f64::NAN
            },
            expectancy: ratio(t.net_profit, t.trades),
            avg_win: ratio(t.gross_profit, t.wins),
            avg_loss: ratio(t.gross_loss, t.losses),
            avg_r: ratio(t.r_sum, t.r_count),
            largest_win: t.largest_win,
            largest_loss: t.largest_loss,
            max_consecutive_wins: t.max_wins_run,
            max_consecutive_losses: t.max_losses_run,
            total_fees: input.total_fees,
            max_drawdown: dd.max_drawdown,
            max_drawdown_pct: dd.max_drawdown_pct,
            max_drawdown_duration_days: dd.max_duration_us as f64
                / crate::equity_curve::MICROS_PER_DAY as f64,
            return_pct: (input.equity - input.initial_balance) / input.initial_balance * 100.0,
            cagr_pct,
            sharpe,
            sortino,
            calmar,
            exposure_pct,
        }
    }

    /// Every field as `(name, value)`, in the documented order (the keys of Python's
    /// `get_summary()`).
    pub fn fields(&self) -> [(&'static str, SummaryValue); 31] {
        use SummaryValue::{Float as F, Int as I};
        [
            ("initial_balance", F(self.initial_balance)),
            ("final_balance", F(self.final_balance)),
            ("final_equity", F(self.final_equity)),
            ("open_positions", I(self.open_positions)),
            ("trades", I(self.trades)),
            ("wins", I(self.wins)),
            ("losses", I(self.losses)),
            ("breakeven", I(self.breakeven)),
            ("win_rate_pct", F(self.win_rate_pct)),
            ("gross_profit", F(self.gross_profit)),
            ("gross_loss", F(self.gross_loss)),
            ("net_profit", F(self.net_profit)),
            ("profit_factor", F(self.profit_factor)),
            ("expectancy", F(self.expectancy)),
            ("avg_win", F(self.avg_win)),
            ("avg_loss", F(self.avg_loss)),
            ("avg_r", F(self.avg_r)),
            ("largest_win", F(self.largest_win)),
            ("largest_loss", F(self.largest_loss)),
            ("max_consecutive_wins", I(self.max_consecutive_wins)),
            ("max_consecutive_losses", I(self.max_consecutive_losses)),
            ("total_fees", F(self.total_fees)),
            ("max_drawdown", F(self.max_drawdown)),
            ("max_drawdown_pct", F(self.max_drawdown_pct)),
            (
                "max_drawdown_duration_days",
                F(self.max_drawdown_duration_days),
            ),
            ("return_pct", F(self.return_pct)),
            ("cagr_pct", F(self.cagr_pct)),
            ("sharpe", F(self.sharpe)),
            ("sortino", F(self.sortino)),
            ("calmar", F(self.calmar)),
            ("exposure_pct", F(self.exposure_pct)),
        ]
    }
}

/// `num / count`, NaN when `count` is 0.
fn ratio(num: f64, count: u64) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        num / count as f64
    }
}

struct TradeStats {
    trades: u64,
    wins: u64,
    losses: u64,
    gross_profit: f64,
    gross_loss: f64,
    net_profit: f64,
    r_sum: f64,
    r_count: u64,
    largest_win: f64,
    largest_loss: f64,
    max_wins_run: u64,
    max_losses_run: u64,
}

impl TradeStats {
    fn compute(trades: &[Trade]) -> Self {
        let mut s = TradeStats {
            trades: trades.len() as u64,
            wins: 0,
            losses: 0,
            gross_profit: 0.0,
            gross_loss: 0.0,
            net_profit: 0.0,
            r_sum: 0.0,
            r_count: 0,
            largest_win: f64::NAN,
            largest_loss: f64::NAN,
            max_wins_run: 0,
            max_losses_run: 0,
        };
        let (mut wins_run, mut losses_run) = (0_u64, 0_u64);
        for trade in trades {
            let net = trade.net_pnl();
            s.net_profit += net;
            if net > 0.0 {
                s.wins += 1;
                s.gross_profit += net;
                if s.largest_win.is_nan() || net > s.largest_win {
                    s.largest_win = net;
                }
                wins_run += 1;
                losses_run = 0;
                s.max_wins_run = s.max_wins_run.max(wins_run);
            } else if net < 0.0 {
                s.losses += 1;
                s.gross_loss += net;
                if s.largest_loss.is_nan() || net < s.largest_loss {
                    s.largest_loss = net;
                }
                losses_run += 1;
                wins_run = 0;
                s.max_losses_run = s.max_losses_run.max(losses_run);
            } else {
                (wins_run, losses_run) = (0, 0);
            }
            if trade.initial_risk.is_some() {
                s.r_sum += trade.r_multiple();
                s.r_count += 1;
            }
        }
        s
    }
}

/// Daily returns of the equity curve: the initial balance followed by the last equity of each
/// UTC day with points; `r_i = (v_i - v_{i-1}) / v_{i-1}`. `None` when a day closes at or
/// below 0 (returns are undefined then).
pub fn daily_returns(initial_balance: f64, curve: &EquityCurve) -> Option<Vec<f64>> {
    let closes = curve.daily_closes();
    let mut returns = Vec::with_capacity(closes.len());
    let mut previous = initial_balance;
    for close in closes {
        if close <= 0.0 {
            return None;
        }
        returns.push((close - previous) / previous);
        previous = close;
    }
    Some(returns)
}

fn sharpe_sortino(input: &StatsInput<'_>) -> (f64, f64) {
    let Some(returns) = daily_returns(input.initial_balance, input.curve) else {
        return (f64::NAN, f64::NAN);
    };
    if returns.len() < 2 {
        return (f64::NAN, f64::NAN);
    }
    let n = returns.len() as f64;
    let mut sum = 0.0;
    for &r in &returns {
        sum += r;
    }
    let mean = sum / n;
    let (mut squares, mut downside_squares) = (0.0, 0.0);
    for &r in &returns {
        let d = r - mean;
        squares += d * d;
        downside_squares += if r < 0.0 { r * r } else { 0.0 };
    }
    let std = (squares / (n - 1.0)).sqrt();
    let downside = (downside_squares / n).sqrt();
    let root = input.annualization.sqrt();
    let sharpe = if std > 0.0 {
        mean / std * root
    } else {
        f64::NAN
    };
    let sortino = if downside > 0.0 {
        mean / downside * root
    } else if mean > 0.0 {
        f64::INFINITY
    } else {
        f64::NAN
    };
    (sharpe, sortino)
}
