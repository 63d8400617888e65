//! Streaming states of the statistical family: `reset` gives back a fresh state (the same
//! outputs as a new one, bit for bit), `peek` equals the next `update` and changes nothing.

use crate::garch_volatility::{GarchParams, GarchState};
use crate::garch_volatility_local::GarchLocalState;
use crate::kalman_garch_zscore::{KalmanGarchZScoreLocalState, KalmanGarchZScoreState};
use crate::kalman_mean::KalmanState;
use crate::kalman_zscore::KalmanZScoreState;
use crate::rolling_moments::RollingMoments;
use crate::zscore::{MeanSource, ZScoreState};

/// Positive prices with a flat stretch and NaN gaps.
fn prices(n: usize) -> Vec<f64> {
    let mut seed: u64 = 3;
    let mut x = 1.1;
    (0..n)
        .map(|i| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            if i % 13 == 5 {
                return f64::NAN;
            }
            if !(40..50).contains(&i) {
                x *= 1.0 + u * 0.004;
            }
            x
        })
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Runs `update` (checking `peek` first) over the prices, resets, runs again: same bits.
fn check<S: Clone>(
    mut s: S,
    update: impl Fn(&mut S, f64) -> f64,
    peek: impl Fn(&S, f64) -> f64,
    reset: impl Fn(&mut S),
) {
    let ys = prices(300);
    let fresh = s.clone();
    let run = |s: &mut S| -> Vec<f64> {
        ys.iter()
            .map(|&y| {
                let p = peek(s, y);
                let u = update(s, y);
                assert!(same(p, u), "peek {p} != update {u}");
                u
            })
            .collect()
    };
    let first = run(&mut s);
    reset(&mut s);
    let second = run(&mut s);
    let mut f = fresh;
    let third = run(&mut f);
    assert!(first.iter().zip(&second).all(|(a, b)| same(*a, *b)));
    assert!(first.iter().zip(&third).all(|(a, b)| same(*a, *b)));
    assert!(first.iter().any(|v| !v.is_nan()), "the run never warmed up");
}

fn params() -> GarchParams {
    GarchParams {
        min_periods: 20,
        ..GarchParams::default()
    }
}

#[test]
fn reset_gives_a_fresh_state() {
    check(
        KalmanState::new(0.01, 1.0).unwrap(),
        |s, y| s.update(y),
        |s, y| s.peek(y),
        |s| s.reset(),
    );
    check(
        KalmanZScoreState::new(30, 0.3, 0.2).unwrap(),
        |s, y| s.update(y),
        |s, y| s.peek(y),
        |s| s.reset(),
    );
    for src in [MeanSource::Rolling, MeanSource::Ema] {
        check(
            ZScoreState::new(25, src, Some(10)).unwrap(),
            |s, y| s.update(y),
            |s, y| s.peek(y),
            |s| s.reset(),
        );
    }
    check(
        RollingMoments::new(7).unwrap(),
        |s, y| s.update(y).map_or(f64::NAN, |m| m.var),
        |s, y| s.peek(y).map_or(f64::NAN, |m| m.var),
        |s| s.reset(),
    );
    check(
        GarchState::new(params()).unwrap(),
        |s, y| s.update(y),
        |s, y| s.peek(y),
        |s| s.reset(),
    );
    check(
        GarchLocalState::new(60, params()).unwrap(),
        |s, y| s.update(y),
        |s, y| s.peek(y),
        |s| s.reset(),
    );
    check(
        KalmanGarchZScoreState::new(0.01, 1.0, params()).unwrap(),
        |s, y| s.update(y),
        |s, y| s.peek(y),
        |s| s.reset(),
    );
    check(
        KalmanGarchZScoreLocalState::new(60, 0.01, 1.0, params()).unwrap(),
        |s, y| s.update(y),
        |s, y| s.peek(y),
        |s| s.reset(),
    );
}
