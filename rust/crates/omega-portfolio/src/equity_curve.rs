//! The equity curve: one point per `update_equity` row, and the drawdown measures over it.
//!
//! Drawdown is measured against the running peak of equity, which starts at the initial
//! balance: `peak_k = max(peak_{k-1}, equity_k)` with `peak_{-1} = initial_balance`,
//! `drawdown_k = peak_k - equity_k`, `drawdown_pct_k = drawdown_k / peak_k * 100`.

/// Microseconds in one UTC day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Timestamps (UTC µs, non-decreasing), equity and balance, one entry per point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EquityCurve {
    pub(crate) timestamps: Vec<i64>,
    pub(crate) equity: Vec<f64>,
    pub(crate) balance: Vec<f64>,
}

/// Per-point drawdown columns (see the module docs for the formulas).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DrawdownColumns {
    /// Running peak of equity (starting at the initial balance).
    pub peak: Vec<f64>,
    /// `peak - equity` (>= 0).
    pub drawdown: Vec<f64>,
    /// `drawdown / peak * 100`.
    pub drawdown_pct: Vec<f64>,
}

/// The worst drawdowns of a curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawdownStats {
    /// Largest `drawdown_k` (0 for an empty curve).
    pub max_drawdown: f64,
    /// Largest `drawdown_pct_k` (0 for an empty curve); may come from another point than
    /// `max_drawdown`.
    pub max_drawdown_pct: f64,
    /// Longest time under water, in µs: from the timestamp of the point that set the peak (the
    /// first point while the peak is still the initial balance) to the point that regained it,
    /// or to the last point if equity never did.
    pub max_duration_us: i64,
}

impl EquityCurve {
    /// An empty curve.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    /// True without points.
    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }

    /// Point timestamps, UTC µs, non-decreasing.
    pub fn timestamps(&self) -> &[i64] {
        &self.timestamps
    }

    /// Equity (balance + unrealized PnL) per point.
    pub fn equity(&self) -> &[f64] {
        &self.equity
    }

    /// Balance per point.
    pub fn balance(&self) -> &[f64] {
        &self.balance
    }

    pub(crate) fn push(&mut self, timestamp: i64, equity: f64, balance: f64) {
        self.timestamps.push(timestamp);
        self.equity.push(equity);
        self.balance.push(balance);
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.timestamps.reserve(additional);
        self.equity.reserve(additional);
        self.balance.reserve(additional);
    }

    /// The columns `(timestamps, equity, balance)`, moved out.
    pub fn into_columns(self) -> (Vec<i64>, Vec<f64>, Vec<f64>) {
        (self.timestamps, self.equity, self.balance)
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        self.timestamps.truncate(len);
        self.equity.truncate(len);
        self.balance.truncate(len);
    }

    /// Running peak, drawdown and drawdown % per point.
    pub fn drawdown_columns(&self, initial_balance: f64) -> DrawdownColumns {
        // The running peak is one serial pass; the two columns from it are element-wise
        // (vectorised, no per-row capacity checks).
        let mut running = initial_balance;
        let peak: Vec<f64> = self
            .equity
            .iter()
            .map(|&equity| {
                if equity > running {
                    running = equity;
                }
                running
            })
            .collect();
        let drawdown: Vec<f64> = peak
            .iter()
            .zip(&self.equity)
            .map(|(&peak, &equity)| peak - equity)
            .collect();
        let drawdown_pct = drawdown
            .iter()
            .zip(&peak)
            .map(|(&drawdown, &peak)| drawdown / peak * 100.0)
            .collect();
        DrawdownColumns {
            peak,
            drawdown,
            drawdown_pct,
        }
    }

    /// Maximum drawdown (absolute and %) and the longest time under water.
    pub fn drawdown_stats(&self, initial_balance: f64) -> DrawdownStats {
        let mut stats = DrawdownStats {
            max_drawdown: 0.0,
            max_drawdown_pct: 0.0,
            max_duration_us: 0,
        };
        let Some(&first_time) = self.timestamps.first() else {
            return stats;
        };
        let (mut peak, mut peak_time, mut underwater) = (initial_balance, first_time, false);
        for (&time, &equity) in self.timestamps.iter().zip(&self.equity) {
            if equity >= peak {
                if underwater {
                    stats.max_duration_us = stats.max_duration_us.max(time - peak_time);
                    underwater = false;
                }
                (peak, peak_time) = (equity, time);
            } else {
                underwater = true;
                stats.max_duration_us = stats.max_duration_us.max(time - peak_time);
                let drawdown = peak - equity;
                let drawdown_pct = drawdown / peak * 100.0;
                if drawdown > stats.max_drawdown {
                    stats.max_drawdown = drawdown;
                }
                if drawdown_pct > stats.max_drawdown_pct {
                    stats.max_drawdown_pct = drawdown_pct;
                }
            }
        }
        stats
    }

    /// The last equity of each UTC day that has points, in time order.
    pub fn daily_closes(&self) -> Vec<f64> {
        let mut closes = Vec::new();
        let Some(&first) = self.timestamps.first() else {
            return closes;
        };
        // Timestamps are non-decreasing: a new day starts when one reaches the next midnight
        // (one division per day instead of one per point).
        let mut next_midnight = (first.div_euclid(MICROS_PER_DAY) + 1) * MICROS_PER_DAY;
        for k in 1..self.len() {
            let t = self.timestamps[k];
            if t >= next_midnight {
                closes.push(self.equity[k - 1]);
                next_midnight = (t.div_euclid(MICROS_PER_DAY) + 1) * MICROS_PER_DAY;
            }
        }
        closes.push(self.equity[self.len() - 1]);
        closes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(points: &[(i64, f64)]) -> EquityCurve {
        let mut c = EquityCurve::new();
        for &(t, e) in points {
            c.push(t, e, e);
        }
        c
    }

    #[test]
    fn empty_curve_has_no_drawdown() {
        let c = EquityCurve::new();
        assert_eq!(
            c.drawdown_stats(100.0),
            DrawdownStats {
                max_drawdown: 0.0,
                max_drawdown_pct: 0.0,
                max_duration_us: 0
            }
        );
        assert!(c.daily_closes().is_empty());
        assert!(c.drawdown_columns(100.0).peak.is_empty());
    }

    #[test]
    fn drawdown_is_measured_from_the_initial_balance_and_later_peaks() {
        // 100 → 90 (dd 10, 10%) → 120 (new peak, recovered at t=3) → 60 (dd 60, 50%) → 80.
        let c = curve(&[(1, 90.0), (3, 120.0), (4, 60.0), (9, 80.0)]);
        let cols = c.drawdown_columns(100.0);
        assert_eq!(cols.peak, vec![100.0, 120.0, 120.0, 120.0]);
        assert_eq!(cols.drawdown, vec![10.0, 0.0, 60.0, 40.0]);
        assert_eq!(
            cols.drawdown_pct,
            vec![10.0, 0.0, 50.0, 40.0 / 120.0 * 100.0]
        );
        let stats = c.drawdown_stats(100.0);
        assert_eq!(stats.max_drawdown, 60.0);
        assert_eq!(stats.max_drawdown_pct, 50.0);
        // First episode: peak is the initial balance, timed at the first point (t=1), regained
        // at t=3 → 2. Second: peak at t=3, never regained, last point t=9 → 6.
        assert_eq!(stats.max_duration_us, 6);
    }

    #[test]
    fn equal_equity_counts_as_recovered() {
        let c = curve(&[(0, 100.0), (5, 99.0), (7, 100.0), (20, 100.0)]);
        assert_eq!(c.drawdown_stats(100.0).max_duration_us, 7);
    }

    #[test]
    fn daily_closes_take_the_last_point_of_each_utc_day() {
        let d = MICROS_PER_DAY;
        let c = curve(&[
            (-1, 1.0),
            (0, 2.0),
            (d - 1, 3.0),
            (3 * d, 4.0),
            (3 * d + 5, 5.0),
        ]);
        assert_eq!(c.daily_closes(), vec![1.0, 3.0, 5.0]);
    }
}
