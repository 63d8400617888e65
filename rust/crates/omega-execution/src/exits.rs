//! Stop-loss and take-profit detection on one bar (R9 – R12), in long space: the pip buffer,
//! gaps at the open, the intrabar policies and the entry bar.

use crate::path::{Bar, IntrabarPolicy};
use crate::signal::OrderType;

/// A position's protective levels in long space (stop below, target above) and the buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    /// Stop loss, long space.
    pub sl: Option<f64>,
    /// Take profit, long space.
    pub tp: Option<f64>,
    /// `pip_size · pip_buffer_factor` (>= 0).
    pub buffer: f64,
}

impl Levels {
    #[inline]
    fn sl_hit(&self, price: f64) -> Option<f64> {
        self.sl.filter(|&sl| price <= sl + self.buffer)
    }

    #[inline]
    fn tp_hit(&self, price: f64) -> Option<f64> {
        self.tp.filter(|&tp| price >= tp - self.buffer)
    }

    /// Is a fill at long-space `price` strictly between stop and target (R8)?
    #[inline]
    pub fn admits_fill(&self, price: f64) -> bool {
        self.sl.is_none_or(|sl| sl < price) && self.tp.is_none_or(|tp| price < tp)
    }
}

/// What ends a position on a bar; prices in long space, before exit slippage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    /// The stop: at the level, or at a worse open.
    StopLoss(f64),
    /// The target: at the level, or at a better open.
    TakeProfit(f64),
    /// The timeout: at the open.
    Timeout(f64),
}

/// R9.1: the open is at (within the buffer) or beyond a level: the worse of open and stop, the
/// better of open and target. The stop wins if both qualify.
#[inline]
pub fn at_open(bar: &Bar, levels: &Levels) -> Option<Hit> {
    if let Some(sl) = levels.sl_hit(bar.o) {
        return Some(Hit::StopLoss(if bar.o < sl { bar.o } else { sl }));
    }
    if let Some(tp) = levels.tp_hit(bar.o) {
        return Some(Hit::TakeProfit(if bar.o > tp { bar.o } else { tp }));
    }
    None
}

/// Pessimistic R9.3: the stop if the low reached it, else the target if the high did.
#[inline]
pub fn in_range(bar: &Bar, levels: &Levels) -> Option<Hit> {
    if let Some(sl) = levels.sl_hit(bar.l) {
        return Some(Hit::StopLoss(sl));
    }
    levels.tp_hit(bar.h).map(Hit::TakeProfit)
}

/// R11: follows the path's segments `from..=3` (segment k runs from `points[k-1]` to
/// `points[k]`); a falling segment ending at the stop exits there, a rising one ending at the
/// target exits there.
#[inline]
pub fn walk(points: &[f64; 4], from: usize, levels: &Levels) -> Option<Hit> {
    for i in from.max(1)..4 {
        let (start, end) = (points[i - 1], points[i]);
        if end < start {
            if let Some(sl) = levels.sl_hit(end) {
                return Some(Hit::StopLoss(sl));
            }
        } else if end > start {
            if let Some(tp) = levels.tp_hit(end) {
                return Some(Hit::TakeProfit(tp));
            }
        }
    }
    None
}

/// R9 for a position open since before the bar (or filled at its open): the open, then the
/// timeout (when `timed_out`), then inside the bar per `policy`.
#[inline]
pub fn ordinary(
    bar: &Bar,
    levels: &Levels,
    policy: IntrabarPolicy,
    up_first: bool,
    timed_out: bool,
) -> Option<Hit> {
    if let Some(hit) = at_open(bar, levels) {
        return Some(hit);
    }
    if timed_out {
        return Some(Hit::Timeout(bar.o));
    }
    match policy {
        IntrabarPolicy::Pessimistic => in_range(bar, levels),
        IntrabarPolicy::Ohlc | IntrabarPolicy::Adaptive => walk(&bar.points(up_first), 1, levels),
    }
}

/// R12 for an order filled inside the bar (segment >= 1) under the pessimistic policy: the stop
/// if reached; a limit entry's target only if the bar closed beyond it; a stop entry's target
/// if reached.
#[inline]
pub fn entry_bar_pessimistic(order_type: OrderType, bar: &Bar, levels: &Levels) -> Option<Hit> {
    if let Some(sl) = levels.sl_hit(bar.l) {
        return Some(Hit::StopLoss(sl));
    }
    let tp = levels.tp?;
    let reached = match order_type {
        OrderType::Limit => bar.c > tp,
        OrderType::Stop | OrderType::Market => bar.h >= tp - levels.buffer,
    };
    reached.then_some(Hit::TakeProfit(tp))
}

/// R12: exits on the bar an order filled on, `segment` being where it filled.
#[inline]
pub fn entry_bar(
    order_type: OrderType,
    segment: usize,
    bar: &Bar,
    levels: &Levels,
    policy: IntrabarPolicy,
    up_first: bool,
) -> Option<Hit> {
    if segment == 0 {
        return ordinary(bar, levels, policy, up_first, false);
    }
    match policy {
        IntrabarPolicy::Pessimistic => entry_bar_pessimistic(order_type, bar, levels),
        IntrabarPolicy::Ohlc | IntrabarPolicy::Adaptive => {
            walk(&bar.points(up_first), segment, levels)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candle::Candle;
    use omega_core::Direction;

    const L: Levels = Levels {
        sl: Some(1.098),
        tp: Some(1.104),
        buffer: 0.00005,
    };

    fn long(o: f64, h: f64, l: f64, c: f64) -> Bar {
        Bar::long_space(&Candle::new(0, o, h, l, c), Direction::Long)
    }

    #[test]
    fn buffer_and_gaps() {
        let p = IntrabarPolicy::Pessimistic;
        assert_eq!(
            ordinary(&long(1.1001, 1.101, 1.0995, 1.1005), &L, p, true, false),
            None
        );
        assert_eq!(
            ordinary(&long(1.1, 1.1005, 1.09804, 1.099), &L, p, true, false),
            Some(Hit::StopLoss(1.098))
        );
        assert_eq!(
            ordinary(&long(1.1, 1.1005, 1.09806, 1.099), &L, p, true, false),
            None
        );
        assert_eq!(
            ordinary(&long(1.097, 1.099, 1.096, 1.098), &L, p, true, false),
            Some(Hit::StopLoss(1.097))
        );
        assert_eq!(
            ordinary(&long(1.105, 1.106, 1.1045, 1.1055), &L, p, true, false),
            Some(Hit::TakeProfit(1.105))
        );
        assert_eq!(
            ordinary(&long(1.1, 1.101, 1.0995, 1.1), &L, p, true, true),
            Some(Hit::Timeout(1.1))
        );
    }

    #[test]
    fn intrabar_policies() {
        let both = long(1.1, 1.1045, 1.0975, 1.101);
        let pess = IntrabarPolicy::Pessimistic;
        assert_eq!(
            ordinary(&both, &L, pess, true, false),
            Some(Hit::StopLoss(1.098))
        );
        assert_eq!(
            ordinary(&both, &L, IntrabarPolicy::Ohlc, true, false),
            Some(Hit::TakeProfit(1.104))
        );
        assert_eq!(
            ordinary(&both, &L, IntrabarPolicy::Adaptive, false, false),
            Some(Hit::StopLoss(1.098))
        );
    }

    #[test]
    fn entry_bar_pessimistic_limit_needs_a_close_beyond_the_target() {
        let lv = Levels {
            sl: Some(1.097),
            tp: Some(1.103),
            buffer: 0.00005,
        };
        let touched = long(1.1024, 1.1034, 1.0987, 1.1009);
        assert_eq!(entry_bar_pessimistic(OrderType::Limit, &touched, &lv), None);
        assert_eq!(
            entry_bar_pessimistic(OrderType::Stop, &touched, &lv),
            Some(Hit::TakeProfit(1.103))
        );
        let closed_beyond = long(1.1024, 1.1034, 1.0987, 1.1031);
        assert_eq!(
            entry_bar_pessimistic(OrderType::Limit, &closed_beyond, &lv),
            Some(Hit::TakeProfit(1.103))
        );
        assert!(lv.admits_fill(1.099) && !lv.admits_fill(1.097) && !lv.admits_fill(1.104));
    }
}
