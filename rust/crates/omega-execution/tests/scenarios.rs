//! The hand-checked scenario table of `docs/execution_semantics.md`, run against the Rust core.
//! The same file (`packages/omega-execution/tests/scenarios/scenarios.json`) is run against both
//! Python backends by `test_scenarios.py`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use omega_core::{Direction, Label, SymbolSpec};
use omega_execution::{
    Candle, FeeModel, FillAt, IntrabarPolicy, OrderType, Position, Simulator, SimulatorConfig,
    Sizing, SlippageModel, Tick, TradeSignal,
};
use omega_portfolio::Portfolio;
use serde_json::Value;

const TABLE: &str =
    include_str!("../../../../packages/omega-execution/tests/scenarios/scenarios.json");

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn opt(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

fn spec(v: &Value) -> SymbolSpec {
    let mut s = SymbolSpec::new(v["symbol"].as_str().unwrap(), f(&v["tick_size"]));
    s.tick_value = opt(v.get("tick_value"));
    s.contract_size = opt(v.get("contract_size"));
    if let Some(p) = opt(v.get("pip_size")) {
        s.pip_size = p;
    }
    s.volume_min = f(&v["volume_min"]);
    s.volume_max = f(&v["volume_max"]);
    s.volume_step = f(&v["volume_step"]);
    s
}

fn config(v: &Value, hour: i64) -> SimulatorConfig {
    let mut c = SimulatorConfig::default();
    if let Some(p) = v.get("intrabar_policy") {
        c.intrabar_policy = p.as_str().unwrap().parse::<IntrabarPolicy>().unwrap();
    }
    if let Some(p) = v.get("fill_at") {
        c.fill_at = p.as_str().unwrap().parse::<FillAt>().unwrap();
    }
    if let Some(p) = v.get("pip_buffer_factor") {
        c.pip_buffer_factor = f(p);
    }
    if let Some(h) = v.get("timeout_hours") {
        c.timeout_us = Some(h.as_i64().unwrap() * hour);
    }
    if let Some(s) = v.get("slippage") {
        c.slippage = match s["kind"].as_str().unwrap() {
            "fixed" => SlippageModel::Fixed {
                pips: f(&s["pips"]),
            },
            "random" => SlippageModel::Random {
                max_pips: f(&s["max_pips"]),
            },
            other => panic!("slippage kind {other}"),
        };
    }
    if let Some(s) = v.get("sizing") {
        c.sizing = match s["kind"].as_str().unwrap() {
            "fixed_lots" => Sizing::FixedLots(f(&s["value"])),
            "fraction_of_equity" => Sizing::FractionOfEquity(f(&s["value"])),
            other => panic!("sizing kind {other}"),
        };
    }
    if let Some(fee) = v.get("fee") {
        c.fees = Some(FeeModel {
            per_lot: opt(fee.get("per_lot")).unwrap_or(0.0),
            rate: opt(fee.get("rate")).unwrap_or(0.0),
            minimum: opt(fee.get("minimum")).unwrap_or(0.0),
        });
    }
    c
}

fn signal(v: &Value, hour: i64) -> TradeSignal {
    let direction = match v["direction"].as_str().unwrap() {
        "long" => Direction::Long,
        _ => Direction::Short,
    };
    TradeSignal {
        timestamp: v["t"].as_i64().unwrap() * hour,
        direction,
        symbol: v["symbol"].as_str().unwrap().into(),
        entry: f(&v["entry"]),
        sl: opt(v.get("sl")),
        tp: opt(v.get("tp")),
        order_type: v["order_type"]
            .as_str()
            .unwrap()
            .parse::<OrderType>()
            .unwrap(),
        reason: Label::default(),
        scenario: Label::default(),
    }
}

fn candle(t: i64, v: &Value) -> Candle {
    let p: Vec<f64> = v.as_array().unwrap().iter().map(f).collect();
    Candle::new(t, p[0], p[1], p[2], p[3])
}

fn close(a: f64, e: f64) -> bool {
    (a - e).abs() <= 1e-9 * e.abs().max(1.0)
}

fn check(name: &str, p: &Position, pnl: Option<f64>, fees: Option<f64>, e: &Value, hour: i64) {
    let ctx = |field: &str| format!("{name}: position {} field {field}", p.id);
    for (key, value) in e.as_object().unwrap() {
        match key.as_str() {
            "id" => {}
            "status" => assert_eq!(p.status.as_str(), value.as_str().unwrap(), "{}", ctx(key)),
            "exit_reason" => assert_eq!(p.exit_reason.as_deref(), value.as_str(), "{}", ctx(key)),
            "trigger_time" | "exit_time" => {
                let got = if key == "trigger_time" {
                    p.trigger_time
                } else {
                    p.exit_time
                };
                assert_eq!(got, Some(value.as_i64().unwrap() * hour), "{}", ctx(key));
            }
            _ => {
                let got = match key.as_str() {
                    "trigger_price" => p.trigger_price.unwrap(),
                    "exit_price" => p.exit_price.unwrap(),
                    "size" => p.size,
                    "entry_fee" => p.entry_fee,
                    "exit_fee" => p.exit_fee,
                    "entry_slippage" => p.entry_slippage,
                    "exit_slippage" => p.exit_slippage,
                    "initial_stop_loss" => p.initial_stop_loss.unwrap(),
                    "stop_loss" => p.stop_loss.unwrap(),
                    "take_profit" => p.take_profit.unwrap(),
                    "pnl" => pnl.unwrap(),
                    "fees" => fees.unwrap(),
                    other => panic!("{name}: unknown expectation {other}"),
                };
                assert!(
                    close(got, f(value)),
                    "{}: got {got}, expected {value}",
                    ctx(key)
                );
            }
        }
    }
}

fn expect_error<T: std::fmt::Debug>(
    name: &str,
    step: &Value,
    result: Result<T, omega_core::OmegaError>,
    before: &Simulator,
    after: &Simulator,
) {
    match step.get("error").and_then(Value::as_str) {
        Some(message) => {
            assert_eq!(result.unwrap_err().to_string(), message, "{name}");
            assert_eq!(before, after, "{name}: state changed by a refused call");
        }
        None => {
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn scenario_table() {
    let table: Value = serde_json::from_str(TABLE).unwrap();
    let hour = table["hour_us"].as_i64().unwrap();
    let scenarios = table["scenarios"].as_array().unwrap();
    assert!(scenarios.len() >= 40);
    for s in scenarios {
        let name = s["name"].as_str().unwrap();
        let portfolio = Portfolio::new(10_000.0, "USD", 252.0).unwrap();
        let mut sim = Simulator::new(portfolio, config(&s["config"], hour)).unwrap();
        for v in table["specs"].as_object().unwrap().values() {
            sim.add_symbol(spec(v)).unwrap();
        }
        for step in s["steps"].as_array().unwrap() {
            let before = sim.clone();
            let (kind, v) = step.as_object().unwrap().iter().next().unwrap();
            match kind.as_str() {
                "signal" => {
                    let r = sim.process_signal(&signal(v, hour));
                    expect_error(name, v, r, &before, &sim);
                }
                "signal_tick" => {
                    let t = &v["tick"];
                    let tick =
                        Tick::new(t["t"].as_i64().unwrap() * hour, f(&t["bid"]), f(&t["ask"]));
                    let r = sim.process_signal_tick(&signal(v, hour), &tick);
                    expect_error(name, v, r, &before, &sim);
                }
                "bar" => {
                    let t = v["t"].as_i64().unwrap() * hour;
                    let bid = candle(t, &v["bid"]);
                    let ask = v.get("ask").map_or(bid, |a| candle(t, a));
                    let r = sim.evaluate_exits(v["symbol"].as_str().unwrap(), &bid, &ask);
                    expect_error(name, v, r, &before, &sim);
                }
                "tick" => {
                    let tick =
                        Tick::new(v["t"].as_i64().unwrap() * hour, f(&v["bid"]), f(&v["ask"]));
                    let r = sim.evaluate_exits_tick(v["symbol"].as_str().unwrap(), &tick);
                    expect_error(name, v, r, &before, &sim);
                }
                "modify_sl" | "modify_tp" => {
                    let id = v["id"].as_u64().unwrap();
                    let level = opt(v.get(if kind == "modify_sl" { "sl" } else { "tp" }));
                    let r = if kind == "modify_sl" {
                        sim.modify_stop_loss(id, level)
                    } else {
                        sim.modify_take_profit(id, level)
                    };
                    expect_error(name, v, r, &before, &sim);
                }
                "close" => {
                    let r = sim.close_position(
                        v["id"].as_u64().unwrap(),
                        v.get("t").and_then(Value::as_i64).map(|t| t * hour),
                        opt(v.get("price")),
                        v.get("reason").and_then(Value::as_str).unwrap_or("signal"),
                    );
                    expect_error(name, v, r, &before, &sim);
                }
                other => panic!("{name}: unknown step {other}"),
            }
        }
        for e in s["expect"].as_array().unwrap() {
            let id = e["id"].as_u64().unwrap();
            let p = sim
                .position(id)
                .unwrap_or_else(|| panic!("{name}: no position {id}"));
            let trade = sim.portfolio().trades().iter().find(|t| t.id == id);
            let pnl = trade.map(|t| t.pnl);
            let fees = trade.map(|t| t.fees);
            check(name, p, pnl, fees, e, hour);
            if p.status.as_str() == "closed" {
                let t = trade.unwrap();
                assert_eq!(t.exit_price, p.exit_price.unwrap(), "{name}");
                assert_eq!(Some(t.entry_time), p.trigger_time, "{name}");
                assert_eq!(t.reason, p.exit_reason.clone().unwrap(), "{name}");
            }
        }
    }
}
