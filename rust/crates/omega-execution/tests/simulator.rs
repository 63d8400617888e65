//! Simulator-level behaviour of the Rust core: batch = single-call loop, all-or-nothing
//! batches, bad input leaves the state unchanged, the ledger guards, determinism of slippage.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use omega_core::{Direction, SymbolSpec};
use omega_execution::{
    BarColumns, Candle, FeeModel, IntrabarPolicy, OrderType, SignalColumns, Simulator,
    SimulatorConfig, Sizing, SlippageModel, TradeSignal,
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
    data_with(
        n,
        5,
        &[OrderType::Market, OrderType::Limit, OrderType::Stop],
    )
}

/// `n` hourly bars with a signal on about one bar in `every`, of the given order types.
fn data_with(n: usize, every: u64, order_types: &[OrderType; 3]) -> Data {
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
        if next(every) == 0 {
            let long = next(2) == 0;
            let s = if long { 1.0 } else { -1.0 };
            let entry = round(close + (next(11) as f64 - 5.0) * 1e-5);
            let order_type = order_types[next(3) as usize];
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

/// The signals of `d` as owned columns.
struct SignalVecs {
    ts: Vec<i64>,
    dir: Vec<u8>,
    zero: Vec<u32>,
    entry: Vec<f64>,
    sl: Vec<f64>,
    tp: Vec<f64>,
    ot: Vec<u8>,
    symbols: Vec<String>,
    empty: Vec<String>,
}

impl SignalVecs {
    fn new(s: &[TradeSignal]) -> Self {
        Self {
            ts: s.iter().map(|x| x.timestamp).collect(),
            dir: s
                .iter()
                .map(|x| u8::from(x.direction == Direction::Short))
                .collect(),
            zero: vec![0_u32; s.len()],
            entry: s.iter().map(|x| x.entry).collect(),
            sl: s.iter().map(|x| x.sl.unwrap_or(f64::NAN)).collect(),
            tp: s.iter().map(|x| x.tp.unwrap_or(f64::NAN)).collect(),
            ot: s
                .iter()
                .map(|x| match x.order_type {
                    OrderType::Market => 0,
                    OrderType::Limit => 1,
                    OrderType::Stop => 2,
                })
                .collect(),
            symbols: vec!["EURUSD".to_owned()],
            empty: vec![String::new()],
        }
    }

    fn columns(&self) -> SignalColumns<'_> {
        SignalColumns {
            timestamp: &self.ts,
            direction: &self.dir,
            symbol: &self.zero,
            symbol_values: &self.symbols,
            entry: &self.entry,
            sl: &self.sl,
            tp: &self.tp,
            order_type: &self.ot,
            reason: &self.zero,
            reason_values: &self.empty,
            scenario: &self.zero,
            scenario_values: &self.empty,
        }
    }
}

fn bar_columns(d: &Data) -> (BarColumns<'_>, BarColumns<'_>) {
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
    (bid, ask)
}

/// The simulator after every bar of `d` through `evaluate_exits` and every signal through
/// `process_signal`, and after one `evaluate_exits_batch` of them all; with the ids that
/// batch closed.
fn looped_and_batched(d: &Data, config: SimulatorConfig) -> (Simulator, Simulator, Vec<u64>) {
    let mut looped = sim(config);
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
    let signals = SignalVecs::new(&d.signals);
    let (bid, ask) = bar_columns(d);
    let mut batched = sim(config);
    let closed = batched
        .evaluate_exits_batch("EURUSD", &bid, &ask, Some(&signals.columns()))
        .unwrap();
    (looped, batched, closed)
}

#[test]
fn evaluate_exits_batch_equals_the_single_call_loop() {
    let d = data(3000);
    let (looped, batched, closed) = looped_and_batched(&d, config());
    assert_eq!(looped, batched);
    assert!(closed.len() > 100, "{}", closed.len());
    assert_eq!(batched.portfolio().trades().len(), closed.len());

    // A bad row anywhere: error naming the row, nothing changed.
    let (bid, ask) = bar_columns(&d);
    let signals = SignalVecs::new(&d.signals);
    let mut bad_high = d.h.clone();
    bad_high[2500] = d.l[2500] - 1.0;
    let bad = BarColumns {
        high: &bad_high,
        ..bid
    };
    let mut again = sim(config());
    let before = again.clone();
    let err = again
        .evaluate_exits_batch("EURUSD", &bad, &ask, Some(&signals.columns()))
        .unwrap_err();
    assert!(err.to_string().ends_with(" at row 2500"), "{err}");
    assert_eq!(again, before);

    // Ask times in a column of their own: equal ones run as before, one differing fails.
    let mut ask_times = d.t.clone();
    let own = BarColumns {
        timestamp: &ask_times,
        ..ask
    };
    let mut copy = sim(config());
    copy.evaluate_exits_batch("EURUSD", &bid, &own, Some(&signals.columns()))
        .unwrap();
    assert_eq!(copy, batched);
    ask_times[1700] += 1;
    let own = BarColumns {
        timestamp: &ask_times,
        ..ask
    };
    let err = again
        .evaluate_exits_batch("EURUSD", &bid, &own, Some(&signals.columns()))
        .unwrap_err();
    assert!(err.to_string().ends_with(" at row 1700"), "{err}");
    assert_eq!(again, before);
}

/// Batches skip the bars on which no position can change: with only open positions (market
/// orders), with many of them (more than the batch follows one by one), under every intrabar
/// policy, with and without a timeout, long and short, the result is still the loop's.
#[test]
fn evaluate_exits_batch_equals_the_loop_under_every_policy_and_crowding() {
    let market = [OrderType::Market; 3];
    let mixed = [OrderType::Market, OrderType::Limit, OrderType::Stop];
    for (every, order_types) in [(5, &market), (1, &market), (2, &mixed), (40, &market)] {
        let d = data_with(2000, every, order_types);
        for policy in IntrabarPolicy::ALL {
            for timeout_us in [None, Some(7 * H)] {
                let config = SimulatorConfig {
                    intrabar_policy: policy,
                    timeout_us,
                    ..config()
                };
                let (looped, batched, closed) = looped_and_batched(&d, config);
                assert_eq!(
                    looped, batched,
                    "every {every}, {policy:?}, timeout {timeout_us:?}"
                );
                assert!(!closed.is_empty());
            }
        }
    }
    // Positions without a stop, a target or either (fixed lots need no stop).
    let mut d = data_with(2000, 10, &market);
    for (i, signal) in d.signals.iter_mut().enumerate() {
        if i % 3 == 0 {
            signal.tp = None;
        }
        if i % 4 == 0 {
            signal.sl = None;
        }
    }
    for timeout_us in [None, Some(30 * H)] {
        let config = SimulatorConfig {
            sizing: Sizing::FixedLots(0.1),
            timeout_us,
            ..config()
        };
        let (looped, batched, closed) = looped_and_batched(&d, config);
        assert_eq!(looped, batched, "no levels, timeout {timeout_us:?}");
        assert!(!closed.is_empty());
    }
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
