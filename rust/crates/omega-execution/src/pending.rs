//! Pending orders (R5, R7): does this bar trigger the order, where on its path, at what price?

use crate::path::Bar;
use crate::signal::OrderType;

/// Where and at what price (long space, before slippage) an order fills inside a bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trigger {
    /// Fill price in long space: the open on a gap (or for a market order), else the level.
    pub price: f64,
    /// 0: at the open; k in 1..=3: on the path's k-th segment.
    pub segment: usize,
}

/// The trigger of an order at long-space `level` on the entry side's long-space `bar`, whose
/// path goes up first when `up_first`. A (long-space) limit buys on the way down, a stop on
/// the way up; a market order (fill at the next open) fills at the open.
#[inline]
pub fn find_trigger(
    order_type: OrderType,
    level: f64,
    bar: &Bar,
    up_first: bool,
) -> Option<Trigger> {
    let points = bar.points(up_first);
    match order_type {
        OrderType::Market => Some(Trigger {
            price: bar.o,
            segment: 0,
        }),
        OrderType::Limit => {
            if bar.o <= level {
                return Some(Trigger {
                    price: bar.o,
                    segment: 0,
                });
            }
            (1..4)
                .find(|&i| points[i] < points[i - 1] && points[i] <= level)
                .map(|segment| Trigger {
                    price: level,
                    segment,
                })
        }
        OrderType::Stop => {
            if bar.o >= level {
                return Some(Trigger {
                    price: bar.o,
                    segment: 0,
                });
            }
            (1..4)
                .find(|&i| points[i] > points[i - 1] && points[i] >= level)
                .map(|segment| Trigger {
                    price: level,
                    segment,
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candle::Candle;
    use omega_core::Direction;

    fn bar(o: f64, h: f64, l: f64, c: f64) -> Bar {
        Bar::long_space(&Candle::new(0, o, h, l, c), Direction::Long)
    }

    #[test]
    fn limits_fill_at_the_level_or_a_better_open() {
        let b = bar(1.1005, 1.101, 1.0988, 1.0995);
        assert_eq!(
            find_trigger(OrderType::Limit, 1.099, &b, true),
            Some(Trigger {
                price: 1.099,
                segment: 2
            })
        );
        assert_eq!(
            find_trigger(OrderType::Limit, 1.099, &b, false),
            Some(Trigger {
                price: 1.099,
                segment: 1
            })
        );
        let gap = bar(1.0985, 1.1, 1.098, 1.099);
        assert_eq!(
            find_trigger(OrderType::Limit, 1.099, &gap, true),
            Some(Trigger {
                price: 1.0985,
                segment: 0
            })
        );
        assert_eq!(find_trigger(OrderType::Limit, 1.098, &b, true), None);
    }

    #[test]
    fn stops_fill_at_the_level_or_a_worse_open_and_market_at_the_open() {
        let b = bar(1.1, 1.102, 1.0985, 1.1015);
        assert_eq!(
            find_trigger(OrderType::Stop, 1.101, &b, true),
            Some(Trigger {
                price: 1.101,
                segment: 1
            })
        );
        assert_eq!(
            find_trigger(OrderType::Stop, 1.101, &b, false),
            Some(Trigger {
                price: 1.101,
                segment: 2
            })
        );
        let gap = bar(1.1015, 1.102, 1.1, 1.101);
        assert_eq!(
            find_trigger(OrderType::Stop, 1.101, &gap, true).map(|t| t.price),
            Some(1.1015)
        );
        assert_eq!(find_trigger(OrderType::Stop, 1.103, &b, true), None);
        assert_eq!(
            find_trigger(OrderType::Market, 0.0, &b, false),
            Some(Trigger {
                price: 1.1,
                segment: 0
            })
        );
    }
}
