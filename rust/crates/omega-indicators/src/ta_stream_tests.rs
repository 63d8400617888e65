//! Batch kernels of the TA-Lib family versus their streaming states, bit for bit, on
//! awkward data (random walks, flat stretches, zeros, spikes, NaN gaps), plus the NaN rule
//! `f(x)[valid] == f(x[valid])`.

use crate::atr::{AtrState, atr};
use crate::bollinger::{BollingerState, bollinger};
use crate::choppiness::{ChoppinessState, choppiness};
use crate::dema::{DemaState, dema};
use crate::dmi::{DmiState, dmi};
use crate::ema::{EmaState, ema};
use crate::macd::{MacdState, macd};
use crate::momentum::{MomentumState, momentum};
use crate::roc::{RocState, roc};
use crate::rolling_std::{RollingStdState, rolling_std};
use crate::rsi::{RsiState, rsi};
use crate::sma::{SmaState, sma};
use crate::tema::{TemaState, tema};
use crate::true_range::{TrueRangeState, true_range};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

/// Bars (high, low, close) of `n` with the chosen oddities.
fn bars(seed: u64, n: usize, nan: bool) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut r = Lcg(seed);
    let (mut h, mut l, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let mut p = 100.0;
    for i in 0..n {
        let u = r.next();
        p = if u < 0.05 {
            p
        } else if u < 0.07 {
            0.0
        } else if u < 0.08 {
            1e6 * r.next()
        } else {
            (p + r.next() - 0.5).abs()
        };
        let flat = (i / 7) % 5 == 0;
        let (hi, lo) = if flat {
            (p, p)
        } else {
            (p + r.next(), (p - r.next()).max(0.0))
        };
        h.push(hi);
        l.push(lo);
        c.push(if flat { p } else { lo + (hi - lo) * r.next() });
    }
    if nan {
        for i in 0..n {
            let u = r.next();
            if u < 0.05 {
                h[i] = f64::NAN;
            } else if u < 0.08 {
                l[i] = f64::NAN;
            } else if u < 0.12 {
                c[i] = f64::NAN;
            }
        }
        if n > 12 {
            for v in &mut c[5..9] {
                *v = f64::NAN;
            }
        }
    }
    (h, l, c)
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn check(name: &str, batch: &[f64], stream: &[f64]) {
    assert!(same(batch, stream), "{name}: batch and stream differ");
}

/// `f(x)` at the valid positions equals `f(x[valid])`.
fn check_gap_rule(name: &str, full: &[f64], compact: &[f64], valid: &[usize]) {
    assert_eq!(valid.len(), compact.len(), "{name}");
    for (j, &i) in valid.iter().enumerate() {
        let (a, b) = (full[i], compact[j]);
        assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "{name} at {i}"
        );
    }
    for (i, v) in full.iter().enumerate() {
        if !valid.contains(&i) {
            assert!(v.is_nan(), "{name}: NaN bar {i} must give NaN");
        }
    }
}

#[test]
fn single_series_batch_equals_stream_and_nan_rule() {
    for seed in 0..6u64 {
        for &n in &[1usize, 2, 3, 10, 57, 300, 2 * crate::fast::CHUNK + 37] {
            let (_, _, x) = bars(seed, n, seed % 2 == 1);
            let valid: Vec<usize> = (0..n).filter(|&i| !x[i].is_nan()).collect();
            let xv: Vec<f64> = valid.iter().map(|&i| x[i]).collect();
            for &p in &[1usize, 2, 3, 5, 14, n] {
                if p > n || p == 0 {
                    continue;
                }
                macro_rules! one {
                    ($name:literal, $batch:expr, $state:expr, $compact:expr) => {{
                        let b = $batch.expect("valid");
                        let mut st = $state.expect("valid");
                        let s: Vec<f64> = x
                            .iter()
                            .map(|&v| {
                                let pk = st.peek(v);
                                let u = st.update(v);
                                assert!(pk.to_bits() == u.to_bits() || (pk.is_nan() && u.is_nan()));
                                u
                            })
                            .collect();
                        check($name, &b, &s);
                        if !xv.is_empty() && p <= xv.len() {
                            check_gap_rule($name, &b, &$compact.expect("valid"), &valid);
                        }
                    }};
                }
                one!("sma", sma(&x, p), SmaState::new(p), sma(&xv, p));
                one!("ema", ema(&x, p), EmaState::new(p), ema(&xv, p));
                one!("dema", dema(&x, p), DemaState::new(p), dema(&xv, p));
                one!("tema", tema(&x, p), TemaState::new(p), tema(&xv, p));
                one!("rsi", rsi(&x, p), RsiState::new(p), rsi(&xv, p));
                one!("roc", roc(&x, p), RocState::new(p), roc(&xv, p));
                one!(
                    "mom",
                    momentum(&x, p),
                    MomentumState::new(p),
                    momentum(&xv, p)
                );
                one!(
                    "std",
                    rolling_std(&x, p),
                    RollingStdState::new(p),
                    rolling_std(&xv, p)
                );

                let b = bollinger(&x, p, 2.0).expect("valid");
                let mut st = BollingerState::new(p, 2.0).expect("valid");
                let pts: Vec<_> = x.iter().map(|&v| st.update(v)).collect();
                check(
                    "bb.upper",
                    &b.upper,
                    &pts.iter().map(|q| q.upper).collect::<Vec<_>>(),
                );
                check(
                    "bb.middle",
                    &b.middle,
                    &pts.iter().map(|q| q.middle).collect::<Vec<_>>(),
                );
                check(
                    "bb.lower",
                    &b.lower,
                    &pts.iter().map(|q| q.lower).collect::<Vec<_>>(),
                );
            }
            for &(f, s, g) in &[(1usize, 2usize, 1usize), (2, 3, 2), (3, 5, 4), (12, 26, 9)] {
                if s > n || g > n {
                    continue;
                }
                let b = macd(&x, f, s, g).expect("valid");
                let mut st = MacdState::new(f, s, g).expect("valid");
                let pts: Vec<_> = x.iter().map(|&v| st.update(v)).collect();
                check(
                    "macd",
                    &b.macd,
                    &pts.iter().map(|q| q.macd).collect::<Vec<_>>(),
                );
                check(
                    "signal",
                    &b.signal,
                    &pts.iter().map(|q| q.signal).collect::<Vec<_>>(),
                );
                check(
                    "hist",
                    &b.hist,
                    &pts.iter().map(|q| q.hist).collect::<Vec<_>>(),
                );
                if s <= xv.len() && g <= xv.len() {
                    let c = macd(&xv, f, s, g).expect("valid");
                    check_gap_rule("macd", &b.hist, &c.hist, &valid);
                }
            }
        }
    }
}

#[test]
fn bar_series_batch_equals_stream_and_nan_rule() {
    for seed in 0..6u64 {
        for &n in &[1usize, 2, 3, 10, 57, 300, 2 * crate::fast::CHUNK + 37] {
            let (h, l, c) = bars(seed + 100, n, seed % 2 == 0);
            let valid: Vec<usize> = (0..n)
                .filter(|&i| !(h[i].is_nan() || l[i].is_nan() || c[i].is_nan()))
                .collect();
            let pick = |v: &[f64]| valid.iter().map(|&i| v[i]).collect::<Vec<f64>>();
            let (hv, lv, cv) = (pick(&h), pick(&l), pick(&c));

            let b = true_range(&h, &l, &c).expect("valid");
            let mut st = TrueRangeState::new();
            let s: Vec<f64> = (0..n).map(|i| st.update(h[i], l[i], c[i])).collect();
            check("trange", &b, &s);
            if !hv.is_empty() {
                check_gap_rule("trange", &b, &true_range(&hv, &lv, &cv).expect("v"), &valid);
            }
            for &p in &[1usize, 2, 3, 5, 14, n] {
                if p > n || p == 0 {
                    continue;
                }
                let b = atr(&h, &l, &c, p).expect("valid");
                let mut st = AtrState::new(p).expect("valid");
                let s: Vec<f64> = (0..n).map(|i| st.update(h[i], l[i], c[i])).collect();
                check("atr", &b, &s);
                let d = dmi(&h, &l, &c, p).expect("valid");
                let mut st = DmiState::new(p).expect("valid");
                let pts: Vec<_> = (0..n).map(|i| st.update(h[i], l[i], c[i])).collect();
                check(
                    "+di",
                    &d.plus_di,
                    &pts.iter().map(|q| q.plus_di).collect::<Vec<_>>(),
                );
                check(
                    "-di",
                    &d.minus_di,
                    &pts.iter().map(|q| q.minus_di).collect::<Vec<_>>(),
                );
                check(
                    "adx",
                    &d.adx,
                    &pts.iter().map(|q| q.adx).collect::<Vec<_>>(),
                );
                if p >= 2 {
                    let b = choppiness(&h, &l, &c, p).expect("valid");
                    let mut st = ChoppinessState::new(p).expect("valid");
                    let s: Vec<f64> = (0..n)
                        .map(|i| {
                            let pk = st.peek(h[i], l[i], c[i]);
                            let u = st.update(h[i], l[i], c[i]);
                            assert!(pk.to_bits() == u.to_bits() || (pk.is_nan() && u.is_nan()));
                            u
                        })
                        .collect();
                    check("chop", &b, &s);
                }
                if p <= hv.len() {
                    let a2 = atr(&hv, &lv, &cv, p).expect("valid");
                    check_gap_rule("atr", &b, &a2, &valid);
                    let d2 = dmi(&hv, &lv, &cv, p).expect("valid");
                    check_gap_rule("adx", &d.adx, &d2.adx, &valid);
                    if p >= 2 {
                        let c1 = choppiness(&h, &l, &c, p).expect("valid");
                        let c2 = choppiness(&hv, &lv, &cv, p).expect("valid");
                        check_gap_rule("chop", &c1, &c2, &valid);
                    }
                }
            }
        }
    }
}

/// Inputs longer than the fast paths' chunks with the first NaN/`±inf` deep inside: the slow
/// path takes over and reports the same error (same index), or applies the NaN rule exactly.
#[test]
fn fast_paths_hand_over_to_the_slow_path_anywhere() {
    let n = 3 * crate::fast::CHUNK + 11;
    let (h, l, c) = bars(7, n, false);
    for &at in &[
        0usize,
        5,
        crate::fast::CHUNK - 1,
        crate::fast::CHUNK,
        2 * crate::fast::CHUNK + 3,
        n - 1,
    ] {
        for bad in [f64::INFINITY, f64::NEG_INFINITY] {
            let mut x = c.clone();
            x[at] = bad;
            let want = format!("values: expected finite numbers or NaN, got {bad} at index {at}");
            let msg = |r: omega_core::OmegaResult<Vec<f64>>| r.expect_err("inf").to_string();
            assert_eq!(msg(ema(&x, 5)), want);
            assert_eq!(msg(sma(&x, 5)), want);
            assert_eq!(msg(dema(&x, 5)), want);
            assert_eq!(msg(tema(&x, 5)), want);
            assert_eq!(msg(rsi(&x, 5)), want);
            assert_eq!(msg(roc(&x, 5)), want);
            assert_eq!(msg(momentum(&x, 5)), want);
            assert_eq!(msg(rolling_std(&x, 5)), want);
            assert_eq!(macd(&x, 3, 7, 4).expect_err("inf").to_string(), want);
            assert_eq!(bollinger(&x, 5, 2.0).expect_err("inf").to_string(), want);
            let want_c = want.replace("values:", "close:");
            let msg_b = |r: omega_core::OmegaResult<Vec<f64>>| r.expect_err("inf").to_string();
            assert_eq!(msg_b(atr(&h, &l, &x, 5)), want_c);
            assert_eq!(msg_b(true_range(&h, &l, &x)), want_c);
            assert_eq!(dmi(&h, &l, &x, 5).expect_err("inf").to_string(), want_c);
        }
        // high < low deep inside.
        let mut lo = l.clone();
        lo[at] = h[at] + 1.0;
        let want = format!(
            "high: expected high >= low, got high {} < low {} at index {at}",
            h[at], lo[at]
        );
        assert_eq!(atr(&h, &lo, &c, 5).expect_err("hl").to_string(), want);
        assert_eq!(true_range(&h, &lo, &c).expect_err("hl").to_string(), want);
        assert_eq!(dmi(&h, &lo, &c, 5).expect_err("hl").to_string(), want);
        // One NaN deep inside: the NaN rule, bit for bit.
        let mut x = c.clone();
        x[at] = f64::NAN;
        let valid: Vec<usize> = (0..n).filter(|&i| i != at).collect();
        let xv: Vec<f64> = valid.iter().map(|&i| x[i]).collect();
        for (name, full, compact) in [
            ("ema", ema(&x, 5), ema(&xv, 5)),
            ("sma", sma(&x, 5), sma(&xv, 5)),
            ("dema", dema(&x, 5), dema(&xv, 5)),
            ("tema", tema(&x, 5), tema(&xv, 5)),
            ("rsi", rsi(&x, 5), rsi(&xv, 5)),
            ("roc", roc(&x, 5), roc(&xv, 5)),
            ("momentum", momentum(&x, 5), momentum(&xv, 5)),
            ("rolling_std", rolling_std(&x, 5), rolling_std(&xv, 5)),
        ] {
            check_gap_rule(
                name,
                &full.expect("valid"),
                &compact.expect("valid"),
                &valid,
            );
        }
        let (mut hn, mut ln) = (h.clone(), l.clone());
        hn[at] = f64::NAN;
        ln[(at + 7) % n] = f64::NAN;
        let mut st = AtrState::new(5).expect("valid");
        let stream: Vec<f64> = (0..n).map(|i| st.update(hn[i], ln[i], c[i])).collect();
        check("atr", &atr(&hn, &ln, &c, 5).expect("valid"), &stream);
        let mut st = DmiState::new(5).expect("valid");
        let stream: Vec<f64> = (0..n).map(|i| st.update(hn[i], ln[i], c[i]).adx).collect();
        check("dmi", &dmi(&hn, &ln, &c, 5).expect("valid").adx, &stream);
    }
}
