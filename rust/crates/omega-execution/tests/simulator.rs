//! Simulator-level behaviour of the Rust core: batch = single-call loop, all-or-nothing
//! batches, bad input leaves the state unchanged, the ledger guards, determinism of slippage.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use omega_core::{Direction, SymbolSpec};
use omega_execution::{
    BarColumns, Candle, FeeModel, OrderType, SignalColumns, Simulator, SimulatorConfig, Sizing,
    SlippageModel, TradeSignal,
};
use omega_portfolio::Portfolio;

const H: i64 = 3_600_000_000;

fn sim(config: SimulatorConfig) -> Simulator {
    let mut s = Simulator::new(Portfolio::new(10_000.0, "USD", 252.0).unwrap(), config).unwrap();
    s.add_symbol(
        SymbolSpec::new("EURUSD", 0.00001)
            .with_pip_size(0.0001)
            .with_tick_value(1.0)
            .with_volume(0.01, 100.0, 0.01),
    )
    .unwrap();
    s
}

struct Data {
    t: Vec<i64>,
    o: Vec<f64>,
    h: Vec<f64>,
    l: Vec<f64>,
    c: Vec<f64>,
    ask: Vec<Vec<f64>>,
    signals: Vec<TradeSignal>,
}

fn data(n: usize) -> Data {
    let mut seed: u64 = 12345;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let round = |x: f64| (x * 1e5).round() / 1e5;
    let (mut t, mut o, mut h, mut l, mut c) = (vec![], vec![], vec![], vec![], vec![]);
    let mut price = 1.1;
    let mut signals = vec![];
    for r in 0..n {
        let open = round(price + (next(9) as f64 - 4.0) * 1e-5);
        let close = round(open + (next(21) as f64 - 10.0) * 1e-5);
        t.push((r as i64 + 1) * H);
        o.push(open);
        c.push(close);
        h.push(round(open.max(close) + next(6) as f64 * 1e-5));
        l.push(round(open.min(close) - next(6) as f64 * 1e-5));
        price = close;
        if next(5) == 0 {
            let long = next(2) == 0;
            let s = if long { 1.0 } else { -1.0 };
            let entry = round(close + (next(11) as f64 - 5.0) * 1e-5);
            let order_type =
                [OrderType::Market, OrderType::Limit, OrderType::Stop][next(3) as usize];
            let direction = if long {
                Direction::Long
            } else {
                Direction::Short
            };
            signals.push(
                TradeSignal::new((r as i64 + 1) * H, direction, "EURUSD", entry)
                    .with_sl(round(entry - s * (next(40) + 3) as f64 * 1e-5))
                    .with_tp(round(entry + s * (next(60) + 3) as f64 * 1e-5))
                    .with_order_type(order_type),
            );
        }
    }
    let ask = [&o, &h, &l, &c]
        .iter()
        .map(|col| col.iter().map(|&p| round(p + 2e-5)).collect())
        .collect();
    Data {
        t,
        o,
        h,
        l,
        c,
        ask,
        signals,
    }
}

fn config() -> SimulatorConfig {
    SimulatorConfig {
        slippage: SlippageModel::Random { max_pips: 1.5 },
        fees: Some(FeeModel::per_lot(3.5)),
        seed: 77,
        timeout_us: Some(20 * H),
        ..SimulatorConfig::default()
    }
}

#[test]
fn evaluate_exits_batch_equals_the_single_call_loop() {
    let d = data(3000);
    let mut looped = sim(config());
    let mut next = 0;
    for r in 0..d.t.len() {
        let bid = Candle::new(d.t[r], d.o[r], d.h[r], d.l[r], d.c[r]);
        let ask = Candle::new(d.t[r], d.ask[0][r], d.ask[1][r], d.ask[2][r], d.ask[3][r]);
        looped.evaluate_exits("EURUSD", &bid, &ask).unwrap();
        while next < d.signals.len() && d.signals[next].timestamp == d.t[r] {
            looped.process_signal(&d.signals[next]).unwrap();
            next += 1;
        }
    }
    let s = &d.signals;
    let ts: Vec<i64> = s.iter().map(|x| x.timestamp).collect();
    let dir: Vec<u8> = s
        .iter()
        .map(|x| u8::from(x.direction == Direction::Short))
        .collect();
    let zero = vec![0_u32; s.len()];
    let entry: Vec<f64> = s.iter().map(|x| x.entry).collect();
    let sl: Vec<f64> = s.iter().map(|x| x.sl.unwrap_or(f64::NAN)).collect();
    let tp: Vec<f64> = s.iter().map(|x| x.tp.unwrap_or(f64::NAN)).collect();
    let ot: Vec<u8> = s
        .iter()
        .map(|x| match x.order_type {
            OrderType::Market => 0,
            OrderType::Limit => 1,
            OrderType::Stop => 2,
        })
        .collect();
    let symbols = vec!["EURUSD".to_owned()];
    let empty = vec![String::new()];
    let columns = SignalColumns {
        timestamp: &ts,
        direction: &dir,
        symbol: &zero,
        symbol_values: &symbols,
        entry: &entry,
        sl: &sl,
        tp: &tp,
        order_type: &ot,
        reason: &zero,
        reason_values: &empty,
        scenario: &zero,
        scenario_values: &empty,
    };
    let bid = BarColumns {
        timestamp: &d.t,
        open: &d.o,
        high: &d.h,
        low: &d.l,
        close: &d.c,
    };
    let ask = BarColumns {
        timestamp: &d.t,
        open: &d.ask[0],
        high: &d.ask[1],
        low: &d.ask[2],
        close: &d.ask[3],
    };
    let mut batched = sim(config());
    let closed = batched
        .evaluate_exits_batch("EURUSD", &bid, &ask, Some(&columns))
        .unwrap();
    assert_eq!(looped, batched);
    assert!(closed.len() > 100, "{}", closed.len());
    assert_eq!(batched.portfolio().trades().len(), closed.len());

    // A bad row anywhere: error naming the row, nothing changed.
    let mut bad_high = d.h.clone();
    bad_high[2500] = d.l[2500] - 1.0;
    let bad = BarColumns {
        high: &bad_high,
        ..bid
    };
    let mut again = sim(config());
    let before = again.clone();
    let err = again
        .evaluate_exits_batch("EURUSD", &bad, &ask, Some(&columns))
        .unwrap_err();
    assert!(err.to_string().ends_with(" at row 2500"), "{err}");
    assert_eq!(again, before);
}

#[test]
fn refused_calls_change_nothing_and_the_ledger_is_guarded() {
    let mut s = sim(SimulatorConfig::default());
    let long = TradeSignal::new(10 * H, Direction::Long, "EURUSD", 1.1).with_sl(1.098);
    let id = s.process_signal(&long).unwrap();
    let before = s.clone();
    let bad = Candle::new(11 * H, 1.1, 1.0, 1.05, 1.1);
    assert!(s.evaluate_exits("EURUSD", &bad, &bad).is_err());
    assert!(s.process_signal(&long.clone().with_sl(1.2)).is_err());
    assert!(s.modify_stop_loss(id, Some(1.2)).is_err());
    assert!(s.close_position(id, None, None, "signal").is_err()); // no quote yet
    assert!(s.register_external_exit(id, 11 * H, 1.1, "manual").is_err());
    let foreign = omega_portfolio::Position::new(id, "EURUSD", Direction::Long, 1.0, 11 * H, 1.1);
    assert!(s.register_external_entry(foreign, None).is_err());
    assert_eq!(s, before);
    let other = omega_portfolio::Position::new(9, "EURUSD", Direction::Long, 1.0, 11 * H, 1.1);
    s.register_external_entry(other, None).unwrap();
    assert_eq!(s.next_id(), 10);
    s.register_external_exit(9, 12 * H, 1.2, "manual").unwrap();
    s.close_position(id, Some(12 * H), Some(1.101), "signal")
        .unwrap();
    let trades = s.portfolio().trades();
    assert_eq!(trades.len(), 2);
    assert!((trades[1].pnl - 50.0).abs() < 1e-9);
}

#[test]
fn fixed_lot_sizing_needs_no_stop_and_fills_the_grid() {
    let mut s = sim(SimulatorConfig {
        sizing: Sizing::FixedLots(0.257),
        ..SimulatorConfig::default()
    });
    let id = s
        .process_signal(&TradeSignal::new(0, Direction::Short, "EURUSD", 1.1))
        .unwrap();
    assert_eq!(s.position(id).unwrap().size, 0.25);
    assert_eq!(s.portfolio().open_count(), 1);
}
