//! The portfolio through its public Rust API: a hand-computed golden scenario, bad input, the
//! batch update against single updates, and the ledger identities.

// A failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use omega_portfolio::{
    Direction, Mark, OmegaError, Portfolio, Position, SymbolMarks, SymbolSpec, Trade,
};

const H: i64 = 3_600_000_000;
const D: i64 = 24 * H;

fn es() -> SymbolSpec {
    // 12.5 USD per 0.25 tick = 50 USD per point per lot.
    SymbolSpec::new("ES", 0.25).with_tick_value(12.5)
}

fn nq() -> SymbolSpec {
    SymbolSpec::new("NQ", 0.25)
        .with_contract_size(20.0)
        .with_currencies("", "USD", "")
}

fn portfolio() -> Portfolio {
    let mut p = Portfolio::new(10_000.0, "USD", 252.0).expect("valid portfolio");
    p.add_symbol(es()).expect("valid spec");
    p
}

fn mark(p: &mut Portfolio, t: i64, bid: f64, ask: f64) -> f64 {
    p.update_equity(
        t,
        &[Mark {
            symbol: "ES",
            bid,
            ask,
        }],
    )
    .expect("valid marks")
}

fn long(id: u64, size: f64, t: i64, price: f64) -> Position {
    Position::new(id, "ES", Direction::Long, size, t, price)
}

fn short(id: u64, size: f64, t: i64, price: f64) -> Position {
    Position::new(id, "ES", Direction::Short, size, t, price)
}

/// The scenario of `docs/statistics.md` ("Worked example"), also asserted in Python.
fn golden() -> Portfolio {
    let mut p = portfolio();
    p.register_entry(
        long(1, 1.0, 10 * H, 4000.0)
            .with_stop_loss(3990.0)
            .with_take_profit(4020.0),
    )
    .unwrap();
    p.register_fee(2.5, 10 * H, "commission", Some(1)).unwrap();
    assert_eq!(mark(&mut p, 20 * H, 4004.0, 4004.25), 10_197.5);

    p.register_exit(1, D + 10 * H, 4010.0, "take_profit")
        .unwrap();
    p.register_fee(2.5, D + 10 * H, "commission", Some(1))
        .unwrap();
    p.register_entry(short(2, 2.0, D + 11 * H, 4012.0).with_stop_loss(4017.0))
        .unwrap();
    p.register_fee(5.0, D + 11 * H, "commission", Some(2))
        .unwrap();
    assert_eq!(mark(&mut p, D + 20 * H, 4014.75, 4015.0), 10_190.0);

    p.register_exit(2, 2 * D + 10 * H, 4017.0, "stop_loss")
        .unwrap();
    p.register_fee(10.0, 2 * D + 12 * H, "platform", None)
        .unwrap();
    assert_eq!(mark(&mut p, 2 * D + 20 * H, 4001.0, 4001.25), 9_980.0);

    p.register_entry(long(3, 1.0, 3 * D + 10 * H, 4000.0))
        .unwrap();
    assert_eq!(mark(&mut p, 3 * D + 20 * H, 3990.0, 3990.25), 9_480.0);

    p.register_exit(3, 4 * D + 10 * H, 4030.0, "signal")
        .unwrap();
    p.register_entry(long(4, 2.0, 4 * D + 11 * H, 4030.0).with_stop_loss(4020.0))
        .unwrap();
    assert_eq!(mark(&mut p, 4 * D + 20 * H, 4035.0, 4035.25), 11_980.0);

    p.register_exit(4, 5 * D + 10 * H, 4031.0, "signal")
        .unwrap();
    p.register_entry(short(5, 1.0, 5 * D + 11 * H, 4030.0).with_stop_loss(4040.0))
        .unwrap();
    p.register_exit(5, 5 * D + 15 * H, 4030.0, "timeout")
        .unwrap();
    p.register_entry(short(6, 1.0, 5 * D + 16 * H, 4030.0).with_stop_loss(4040.0))
        .unwrap();
    assert_eq!(mark(&mut p, 5 * D + 20 * H, 4024.75, 4025.0), 11_830.0);
    p
}

#[test]
fn golden_trades() {
    let p = golden();
    let nets: Vec<f64> = p.trades().iter().map(Trade::net_pnl).collect();
    assert_eq!(nets, vec![495.0, -505.0, 1500.0, 100.0, 0.0]);
    let fees: Vec<f64> = p.trades().iter().map(|t| t.fees).collect();
    assert_eq!(fees, vec![5.0, 5.0, 0.0, 0.0, 0.0]);
    let r: Vec<f64> = p.trades().iter().map(Trade::r_multiple).collect();
    assert_eq!(r[0], 0.99);
    assert_eq!(r[1], -1.01);
    assert!(r[2].is_nan());
    assert_eq!(r[3], 0.1);
    assert_eq!(r[4], 0.0);
    assert_eq!(p.balance(), 11_580.0);
    assert_eq!(p.unrealized_pnl(), 250.0);
    assert_eq!(p.equity(), 11_830.0);
    assert_eq!(p.total_fees(), 20.0);
    assert_eq!(p.peak_equity(), 11_980.0);
    assert_eq!(p.drawdown(), 150.0);
    assert_eq!(p.open_count(), 1);
}

#[test]
fn golden_summary() {
    let s = golden().summary();
    assert_eq!(
        (s.trades, s.wins, s.losses, s.breakeven, s.open_positions),
        (5, 3, 1, 1, 1)
    );
    assert_eq!(s.win_rate_pct, 60.0);
    assert_eq!(s.gross_profit, 2095.0);
    assert_eq!(s.gross_loss, -505.0);
    assert_eq!(s.net_profit, 1590.0);
    assert_eq!(s.profit_factor, 2095.0 / 505.0);
    assert_eq!(s.expectancy, 318.0);
    assert_eq!(s.avg_win, 2095.0 / 3.0);
    assert_eq!(s.avg_loss, -505.0);
    assert_eq!(s.avg_r, (0.99 + -1.01 + 0.1 + 0.0) / 4.0);
    assert_eq!((s.largest_win, s.largest_loss), (1500.0, -505.0));
    assert_eq!((s.max_consecutive_wins, s.max_consecutive_losses), (2, 1));
    assert_eq!(s.total_fees, 20.0);
    assert_eq!(s.max_drawdown, 717.5);
    assert_eq!(s.max_drawdown_pct, 717.5 / 10_197.5 * 100.0);
    assert_eq!(s.max_drawdown_duration_days, 4.0);
    assert_eq!((s.final_balance, s.final_equity), (11_580.0, 11_830.0));
    assert_eq!(s.return_pct, 1830.0 / 10_000.0 * 100.0);
    let years = (130.0 * H as f64) / (365.25 * D as f64);
    let cagr = ((11_830.0_f64 / 10_000.0).powf(1.0 / years) - 1.0) * 100.0;
    assert_eq!(s.cagr_pct, cagr);
    assert_eq!(s.calmar, cagr / (717.5 / 10_197.5 * 100.0));
    assert_eq!(s.exposure_pct, 102.0 / 130.0 * 100.0);

    let v = [
        10_000.0, 10_197.5, 10_190.0, 9_980.0, 9_480.0, 11_980.0, 11_830.0,
    ];
    let r: Vec<f64> = v.windows(2).map(|w| (w[1] - w[0]) / w[0]).collect();
    let mean = r.iter().sum::<f64>() / 6.0;
    let var = r.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 5.0;
    let down = r
        .iter()
        .map(|&x| if x < 0.0 { x * x } else { 0.0 })
        .sum::<f64>()
        / 6.0;
    assert_eq!(s.sharpe, mean / var.sqrt() * 252.0_f64.sqrt());
    assert_eq!(s.sortino, mean / down.sqrt() * 252.0_f64.sqrt());
}

#[test]
fn empty_portfolio_summary_edge_cases() {
    let s = portfolio().summary();
    assert_eq!((s.trades, s.wins, s.losses), (0, 0, 0));
    for v in [
        s.win_rate_pct,
        s.profit_factor,
        s.expectancy,
        s.avg_win,
        s.avg_loss,
        s.avg_r,
        s.largest_win,
        s.largest_loss,
        s.cagr_pct,
        s.sharpe,
        s.sortino,
        s.calmar,
        s.exposure_pct,
    ] {
        assert!(v.is_nan());
    }
    assert_eq!(
        (s.gross_profit, s.gross_loss, s.net_profit),
        (0.0, 0.0, 0.0)
    );
    assert_eq!((s.max_drawdown, s.max_drawdown_pct), (0.0, 0.0));
    assert_eq!(s.return_pct, 0.0);
}

#[test]
fn only_wins_give_infinite_profit_factor_and_flat_equity_nan_sharpe() {
    let mut p = portfolio();
    for day in 0..3 {
        mark(&mut p, day * D, 4000.0, 4000.0);
    }
    p.register_entry(long(1, 1.0, 3 * D, 4000.0)).unwrap();
    p.register_exit(1, 3 * D + H, 4001.0, "signal").unwrap();
    let s = p.summary();
    assert_eq!(s.profit_factor, f64::INFINITY);
    // Three flat days and no curve point after the win: zero returns, zero deviation.
    assert!(s.sharpe.is_nan());
    assert!(s.sortino.is_nan());
    assert_eq!(s.max_drawdown, 0.0);
    assert!(s.calmar.is_infinite());
}

fn assert_unchanged(p: &Portfolio, before: &Portfolio, what: &str) {
    assert!(p == before, "state changed by a rejected call: {what}");
}

fn err_text(result: Result<impl std::fmt::Debug, OmegaError>) -> String {
    result.expect_err("call must fail").to_string()
}

#[test]
fn bad_input_is_rejected_with_state_unchanged() {
    let mut p = portfolio();
    p.register_entry(long(1, 1.0, 100, 4000.0).with_stop_loss(3990.0))
        .unwrap();
    mark(&mut p, 200, 4001.0, 4001.25);
    let before = p.clone();

    let cases: Vec<(String, &str)> = vec![
        (
            err_text(p.register_entry(long(1, 1.0, 300, 4000.0))),
            "id: expected an id not used by an earlier position, got 1",
        ),
        (
            err_text(p.register_entry(long(2, -1.0, 300, 4000.0))),
            "size: expected a finite number of lots > 0, got -1",
        ),
        (
            err_text(p.register_entry(long(2, 1.0, 300, f64::NAN))),
            "entry_price: expected a finite price, got NaN",
        ),
        (
            err_text(p.register_entry(long(2, 1.0, 300, 4000.0).with_stop_loss(4000.0))),
            "stop_loss: expected a finite price below entry_price 4000 for a long position, \
             or None, got 4000",
        ),
        (
            err_text(p.register_entry(long(2, 1.0, 199, 4000.0))),
            "entry_time: expected a timestamp >= 200, the latest time the portfolio has seen \
             (time must not go backwards), got 199",
        ),
        (
            err_text(p.register_entry(Position::new(2, "XX", Direction::Long, 1.0, 300, 1.0))),
            "symbol: expected a symbol with a registered symbol spec (pass symbol_specs or \
             symbol_spec), got 'XX'",
        ),
        (
            err_text(p.register_exit(9, 300, 4000.0, "signal")),
            "position_id: expected the id of an open position, got 9 (unknown id)",
        ),
        (
            err_text(p.register_exit(1, 300, f64::INFINITY, "signal")),
            "exit_price: expected a finite price, got inf",
        ),
        (
            err_text(p.register_exit(1, 150, 4000.0, "signal")),
            "exit_time: expected a timestamp >= 200, the latest time the portfolio has seen \
             (time must not go backwards), got 150",
        ),
        (
            err_text(p.register_fee(-1.0, 300, "commission", None)),
            "amount: expected a finite number >= 0, got -1",
        ),
        (
            err_text(p.register_fee(1.0, 300, "commission", Some(7))),
            "position_id: expected the id of a registered position or None, got 7",
        ),
        (
            err_text(p.update_equity(
                300,
                &[Mark {
                    symbol: "ES",
                    bid: 2.0,
                    ask: 1.0,
                }],
            )),
            "marks[ES]: expected bid <= ask, got bid 2 > ask 1",
        ),
        (
            err_text(p.update_equity(
                300,
                &[Mark {
                    symbol: "NQ",
                    bid: 1.0,
                    ask: 1.0,
                }],
            )),
            "marks: expected a symbol with a registered symbol spec, got 'NQ'",
        ),
        (
            err_text(p.update_equity_batch(
                &[300, 400, 350],
                &[SymbolMarks {
                    symbol: "ES",
                    bid: &[1.0, 1.0, 1.0],
                    ask: &[1.0, 1.0, 1.0],
                }],
            )),
            "timestamps: expected non-decreasing timestamps (time must not go backwards), \
             got 350 after 400 at row 2",
        ),
        (
            err_text(p.update_equity_batch(
                &[300, 400],
                &[SymbolMarks {
                    symbol: "ES",
                    bid: &[1.0],
                    ask: &[1.0, 1.0],
                }],
            )),
            "marks[ES].bid: expected length 2 (same as timestamps), got 1",
        ),
        (
            err_text(p.add_symbol(es().with_tick_value(1.0))),
            "symbol_specs[ES]: expected the spec already registered for 'ES', got a different \
             spec",
        ),
    ];
    for (got, want) in &cases {
        assert_eq!(got, want);
    }
    assert_unchanged(&p, &before, "any of the above");

    // An error in a late block of a large batch leaves nothing of the earlier blocks behind.
    let n = 5000;
    let ts: Vec<i64> = (0..n).map(|i| 1000 + i as i64).collect();
    let mut bid = vec![4000.0; n];
    let ask = vec![4000.5; n];
    bid[4321] = f64::NAN;
    let result = p.update_equity_batch(
        &ts,
        &[SymbolMarks {
            symbol: "ES",
            bid: &bid,
            ask: &ask,
        }],
    );
    assert_eq!(
        err_text(result),
        "marks[ES].bid: expected finite prices, got NaN at row 4321"
    );
    assert_unchanged(&p, &before, "batch with a NaN");

    p.register_exit(1, 300, 4000.0, "signal").unwrap();
    assert_eq!(
        err_text(p.register_exit(1, 300, 4000.0, "signal")),
        "position_id: expected the id of an open position, got 1 (already closed)"
    );
}

#[test]
fn constructor_and_spec_validation() {
    assert!(Portfolio::new(0.0, "USD", 252.0).is_err());
    assert!(Portfolio::new(f64::NAN, "USD", 252.0).is_err());
    assert!(Portfolio::new(1.0, "", 252.0).is_err());
    assert!(Portfolio::new(1.0, "USD", -1.0).is_err());
    let mut p = portfolio();
    let jpy = SymbolSpec::new("USDJPY", 0.001)
        .with_contract_size(100_000.0)
        .with_currencies("USD", "JPY", "");
    assert!(p.add_symbol(jpy).is_err());
    p.add_symbol(nq()).unwrap();
    p.add_symbol(nq()).unwrap(); // same spec again: no-op
    assert_eq!(p.symbol_specs().count(), 2);
}

#[test]
fn per_position_spec_is_registered_atomically() {
    let mut p = Portfolio::new(1000.0, "USD", 252.0).unwrap();
    let before = p.clone();
    let bad = Position::new(1, "NQ", Direction::Long, -1.0, 0, 100.0);
    assert!(p.register_entry_with_spec(bad, Some(nq())).is_err());
    assert_unchanged(&p, &before, "failed entry with spec");
    let good = Position::new(1, "NQ", Direction::Long, 1.0, 0, 100.0);
    p.register_entry_with_spec(good, Some(nq())).unwrap();
    assert_eq!(p.symbol_specs().count(), 1);
    let trade = p.register_exit(1, 1, 101.5, "signal").unwrap();
    assert_eq!(trade.pnl, 30.0); // contract size 20 × 1.5
}

#[test]
fn batch_update_equals_single_updates_bit_for_bit() {
    let build = || {
        let mut p = portfolio();
        p.add_symbol(nq()).unwrap();
        p.register_entry(long(1, 0.3, 0, 4000.1)).unwrap();
        p.register_entry(short(2, 1.7, 0, 4000.3)).unwrap();
        p.register_entry(Position::new(3, "NQ", Direction::Short, 0.9, 0, 15000.7))
            .unwrap();
        p.register_fee(1.1, 0, "commission", Some(2)).unwrap();
        p
    };
    let n = 3000;
    let ts: Vec<i64> = (0..n).map(|i| 10 + (i as i64) / 3).collect();
    let bid: Vec<f64> = (0..n)
        .map(|i| 4000.0 + ((i * 7919) % 1000) as f64 * 0.01)
        .collect();
    let ask: Vec<f64> = bid.iter().map(|b| b + 0.25).collect();

    let mut batch = build();
    batch
        .update_equity_batch(
            &ts,
            &[SymbolMarks {
                symbol: "ES",
                bid: &bid,
                ask: &ask,
            }],
        )
        .unwrap();
    let mut single = build();
    for i in 0..n {
        mark(&mut single, ts[i], bid[i], ask[i]);
    }
    assert!(batch == single);
    assert_eq!(batch.equity_curve().len(), n);
    assert_eq!(
        batch.last_quote("ES").map(|q| (q.bid, q.ask)),
        Some((bid[n - 1], ask[n - 1]))
    );
    // An empty batch changes nothing.
    let before = batch.clone();
    batch
        .update_equity_batch(
            &[],
            &[SymbolMarks {
                symbol: "ES",
                bid: &[],
                ask: &[],
            }],
        )
        .unwrap();
    assert!(batch == before);
}

#[test]
fn ledger_identities_hold() {
    let p = golden();
    // balance = initial + realized gross PnL − fees, in event order (here exact).
    let realized: f64 = p.trades().iter().map(|t| t.pnl).sum();
    let fees: f64 = p.fees().iter().map(|f| f.amount).sum();
    assert_eq!(p.balance(), 10_000.0 + realized - fees);
    // Each curve point: equity − balance is the unrealized PnL at that time; drawdown ≥ 0.
    let dd = p.equity_curve().drawdown_columns(p.initial_balance());
    assert!(dd.drawdown.iter().all(|&d| d >= 0.0));
    assert!(dd.drawdown.iter().zip(&dd.peak).all(|(d, pk)| d <= pk));
    // Attributed fees land in trades or open positions, the rest is account-level.
    let in_trades: f64 = p.trades().iter().map(|t| t.fees).sum();
    let in_open: f64 = p.open_positions().map(|o| o.fees).sum();
    let account: f64 = p
        .fees()
        .iter()
        .filter(|f| f.position_id.is_none())
        .map(|f| f.amount)
        .sum();
    assert_eq!(in_trades + in_open + account, p.total_fees());
}

#[test]
fn exposure_counts_time_with_any_open_position() {
    let mut p = portfolio();
    mark(&mut p, 0, 1.0, 1.0);
    p.register_entry(long(1, 1.0, 10, 1.0)).unwrap();
    p.register_entry(long(2, 1.0, 20, 1.0)).unwrap();
    p.register_exit(1, 30, 1.0, "signal").unwrap();
    p.register_exit(2, 40, 1.0, "signal").unwrap();
    mark(&mut p, 100, 1.0, 1.0);
    assert_eq!(p.exposed_us(), 30);
    assert_eq!(p.summary().exposure_pct, 30.0);
}

#[test]
fn a_first_batch_starts_the_time_span_at_its_first_row() {
    let mut p = portfolio();
    let ts: Vec<i64> = (0..10).map(|d| d * D).collect();
    p.update_equity_batch(&ts, &[]).unwrap();
    let s = p.summary();
    assert_eq!(s.cagr_pct, 0.0);
    assert_eq!(s.exposure_pct, 0.0);
}
