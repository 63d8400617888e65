//! Stepwise (higher-timeframe) indicators: compute on the HTF series — one value per HTF
//! bar — then forward-fill onto the primary index. Never on the carried-forward series.
//!
//! Computing an EMA on an HTF close that is *carried forward* on, say, M1 bars would update
//! the EMA once per M1 bar with the same value and drag it towards that close; the stepwise
//! form updates once per HTF bar, exactly like the indicator on the HTF chart.
//!
//! Signature shared by every function here:
//!
//! * `htf_close` — the HTF series itself, one value per HTF bar in time order (NaN for a
//!   missing HTF bar).
//! * `primary_to_htf` — for every primary bar `i`, the index of the last HTF bar that has
//!   **closed** by the close of primary bar `i`, or −1 while none has. Build it with
//!   [`crate::htf_alignment::primary_to_htf_index`]; it must be non-decreasing and within
//!   `-1 ..= len(htf_close) − 1`.
//!
//! The three steps, in [`stepwise_many`]:
//! 1. *reduce* — the input already is the reduced series (use [`htf_series_from_aligned`] when
//!    only a carried-forward series on the primary index is at hand);
//! 2. *compute* — the ordinary indicator on `htf_close` (NaN rule included);
//! 3. *forward-fill* — `out[i] = htf_out[primary_to_htf[i]]`, NaN where the map is −1.
//!
//! So `out[i]` depends only on HTF bars `0 ..= primary_to_htf[i]`, all closed at primary bar
//! `i` (no look-ahead); between HTF closes the last closed HTF value is carried; a missing HTF
//! bar (NaN) or an HTF value still in warm-up shows as NaN until the next HTF bar closes.

use omega_core::{OmegaError, OmegaResult};

use crate::bollinger::{Bollinger, bollinger};
use crate::ema::ema;
use crate::fast::{to_vec, to_vecs3};
use crate::kalman_zscore::kalman_zscore;
use crate::stat_validate::check_positive;
use crate::validate::{
    EXPECTED_NON_EMPTY, check_finite, check_non_empty, check_non_negative_factor, check_period,
};

/// Checks the index map: non-empty, every entry in `-1 ..= htf_len − 1`, non-decreasing.
pub fn check_htf_map(primary_to_htf: &[i64], htf_len: usize) -> OmegaResult<()> {
    check_map_non_empty(primary_to_htf)?;
    check_map_entries(primary_to_htf, htf_len)
}

fn check_map_non_empty(primary_to_htf: &[i64]) -> OmegaResult<()> {
    if primary_to_htf.is_empty() {
        return Err(OmegaError::invalid_value(
            "primary_to_htf",
            EXPECTED_NON_EMPTY,
            "length 0",
        ));
    }
    Ok(())
}

fn check_map_entries(primary_to_htf: &[i64], htf_len: usize) -> OmegaResult<()> {
    let hi = htf_len as i64 - 1;
    let mut prev = -1i64;
    for (i, &j) in primary_to_htf.iter().enumerate() {
        if j < -1 || j > hi {
            return Err(OmegaError::invalid_value(
                "primary_to_htf",
                format!("integers >= -1 and <= len(htf_close) - 1 = {hi}"),
                format!("{j} at index {i}"),
            ));
        }
        if j < prev {
            return Err(OmegaError::invalid_value(
                "primary_to_htf",
                "a non-decreasing index map (time order)",
                format!("{j} after {prev} at index {i}"),
            ));
        }
        prev = j;
    }
    Ok(())
}

/// Step 3: `out[i] = htf_values[primary_to_htf[i]]`, NaN where the entry is −1 (or, defensively,
/// out of range). The map is assumed checked ([`check_htf_map`]).
pub fn forward_fill_onto_primary(htf_values: &[f64], primary_to_htf: &[i64]) -> Vec<f64> {
    let mut out = vec![0.0; primary_to_htf.len()];
    if !forward_fill_checked(htf_values, primary_to_htf, &mut out) {
        for (o, &j) in out.iter_mut().zip(primary_to_htf) {
            *o = usize::try_from(j)
                .ok()
                .and_then(|j| htf_values.get(j).copied())
                .unwrap_or(f64::NAN);
        }
    }
    out
}

/// Step 3 with the map check fused in: `out[i] = htf_values[primary_to_htf[i]]` (NaN for −1)
/// when the map is valid for `htf_values` (non-decreasing, entries in `-1 ..= len − 1`), else
/// `false` with `out` partly written. One sweep over the map, a chunk at a time: the order
/// check of a chunk vectorises, and non-decreasing entries lie in range exactly when the first
/// is `>= -1` and the last `<= len − 1`.
fn forward_fill_checked(htf_values: &[f64], primary_to_htf: &[i64], out: &mut [f64]) -> bool {
    let n = primary_to_htf.len();
    let (Some(&first), Some(&last)) = (primary_to_htf.first(), primary_to_htf.last()) else {
        return true;
    };
    if out.len() != n || first < -1 || last >= htf_values.len() as i64 {
        return false;
    }
    let mut prev = first;
    crate::fast::each_chunk_absorbed(0, n, |r| {
        let map = &primary_to_htf[r.clone()];
        let mut ordered = true;
        for &j in map {
            ordered &= j >= prev;
            prev = j;
        }
        if ordered {
            for (o, &j) in out[r].iter_mut().zip(map) {
                *o = usize::try_from(j)
                    .ok()
                    .and_then(|j| htf_values.get(j).copied())
                    .unwrap_or(f64::NAN);
            }
        }
        ordered
    })
}

/// Step 3 for the stepwise indicators: [`forward_fill_checked`], else the map's error from
/// [`check_map_entries`] (the same error, at the same index, as checking the map first).
fn forward_fill_into(
    htf_values: &[f64],
    primary_to_htf: &[i64],
    out: &mut [f64],
) -> OmegaResult<()> {
    crate::fast::check_outputs("primary_to_htf", primary_to_htf.len(), &[&mut *out])?;
    if forward_fill_checked(htf_values, primary_to_htf, out) {
        return Ok(());
    }
    check_map_entries(primary_to_htf, htf_values.len())?;
    Err(OmegaError::Internal(
        "forward fill refused a valid map".into(),
    ))
}

/// The generic reduce → compute → forward-fill helper: checks the map, runs `compute` once on
/// the HTF series and forward-fills each of its `N` outputs (each must have one value per HTF
/// bar) onto the primary index.
pub fn stepwise_many<const N: usize, F>(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    compute: F,
) -> OmegaResult<[Vec<f64>; N]>
where
    F: FnOnce(&[f64]) -> OmegaResult<[Vec<f64>; N]>,
{
    check_htf_map(primary_to_htf, htf_close.len())?;
    let reduced = compute(htf_close)?;
    if let Some(bad) = reduced.iter().find(|r| r.len() != htf_close.len()) {
        return Err(OmegaError::Internal(format!(
            "stepwise kernel returned {} values for {} HTF bars",
            bad.len(),
            htf_close.len()
        )));
    }
    Ok(reduced.map(|r| forward_fill_onto_primary(&r, primary_to_htf)))
}

/// [`stepwise_many`] for a single-output indicator.
pub fn stepwise<F>(htf_close: &[f64], primary_to_htf: &[i64], compute: F) -> OmegaResult<Vec<f64>>
where
    F: FnOnce(&[f64]) -> OmegaResult<Vec<f64>>,
{
    let [out] = stepwise_many(htf_close, primary_to_htf, |h| Ok([compute(h)?]))?;
    Ok(out)
}

/// Step 1 for data that only exists carried forward on the primary index: the HTF series
/// with `out[j] = aligned[i]` at the first primary bar `i` with `primary_to_htf[i] == j`
/// (the bar where HTF bar `j` becomes visible), NaN for HTF bars never visible on the primary
/// index (they were skipped by a primary gap — prefer the native HTF series when you have it).
/// Length `max(primary_to_htf) + 1`; `aligned` must be as long as the map.
pub fn htf_series_from_aligned(aligned: &[f64], primary_to_htf: &[i64]) -> OmegaResult<Vec<f64>> {
    check_non_empty("aligned", aligned)?;
    if primary_to_htf.len() != aligned.len() {
        return Err(OmegaError::LengthMismatch {
            name: "primary_to_htf".into(),
            reference: "aligned".into(),
            expected: aligned.len(),
            got: primary_to_htf.len(),
        });
    }
    let htf_len = primary_to_htf.iter().copied().max().unwrap_or(-1).max(-1) + 1;
    check_map_entries(primary_to_htf, htf_len as usize)?;
    let mut out = vec![f64::NAN; htf_len as usize];
    let mut prev = -1i64;
    for (&j, &v) in primary_to_htf.iter().zip(aligned) {
        if j != prev {
            if let Some(slot) = usize::try_from(j).ok().and_then(|j| out.get_mut(j)) {
                *slot = v;
            }
            prev = j;
        }
    }
    Ok(out)
}

/// Checks shared by the stepwise indicators, in order: `htf_close` non-empty,
/// `primary_to_htf` non-empty, the integer parameter against `len(htf_close)`.
fn check_head(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    name: &str,
    period: usize,
) -> OmegaResult<()> {
    check_non_empty("htf_close", htf_close)?;
    check_map_non_empty(primary_to_htf)?;
    check_period(name, period, 1, "htf_close", htf_close.len())
}

/// EMA on the HTF closes ([`crate::ema`], TA-Lib seeding), forward-filled onto the primary
/// index. Output has the length of `primary_to_htf`.
///
/// Warm-up: NaN until the `period`-th valid HTF bar has closed. Errors (in this order):
/// empty `htf_close`, empty `primary_to_htf`, `period` outside `1..=len(htf_close)`, ±inf in
/// `htf_close`, map entries out of range or decreasing.
pub fn ema_stepwise(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    period: usize,
) -> OmegaResult<Vec<f64>> {
    to_vec(primary_to_htf.len(), |out| {
        ema_stepwise_into(htf_close, primary_to_htf, period, out)
    })
}

/// [`ema_stepwise`] into `out` (as long as `primary_to_htf`; every element is written).
pub fn ema_stepwise_into(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    period: usize,
    out: &mut [f64],
) -> OmegaResult<()> {
    check_head(htf_close, primary_to_htf, "period", period)?;
    check_finite("htf_close", htf_close)?;
    // The checks above are all `ema`'s, so the map's error (if any) comes next, as documented.
    forward_fill_into(&ema(htf_close, period)?, primary_to_htf, out)
}

/// Bollinger bands ([`crate::bollinger`], population std) on the HTF closes, each band
/// forward-filled onto the primary index.
///
/// Warm-up: NaN until the `period`-th valid HTF bar has closed. Errors (in this order):
/// empty `htf_close`, empty `primary_to_htf`, `period`, `std_factor` (finite, `>= 0`), ±inf in
/// `htf_close`, map entries.
pub fn bollinger_stepwise(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    period: usize,
    std_factor: f64,
) -> OmegaResult<Bollinger> {
    let [upper, middle, lower] = to_vecs3(primary_to_htf.len(), |outs| {
        bollinger_stepwise_into(htf_close, primary_to_htf, period, std_factor, outs)
    })?;
    Ok(Bollinger {
        upper,
        middle,
        lower,
    })
}

/// [`bollinger_stepwise`] into `[upper, middle, lower]` (each as long as `primary_to_htf`).
pub fn bollinger_stepwise_into(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    period: usize,
    std_factor: f64,
    [upper, middle, lower]: [&mut [f64]; 3],
) -> OmegaResult<()> {
    check_head(htf_close, primary_to_htf, "period", period)?;
    check_non_negative_factor("std_factor", std_factor)?;
    check_finite("htf_close", htf_close)?;
    let b = bollinger(htf_close, period, std_factor)?;
    forward_fill_into(&b.upper, primary_to_htf, upper)?;
    forward_fill_into(&b.middle, primary_to_htf, middle)?;
    forward_fill_into(&b.lower, primary_to_htf, lower)
}

/// Kalman z-score ([`crate::kalman_zscore`]) on the HTF closes, forward-filled onto the
/// primary index.
///
/// Warm-up: NaN until the `window`-th valid HTF bar has closed. Errors (in this order): empty
/// `htf_close`, empty `primary_to_htf`, `window`, `R`, `Q`, ±inf in `htf_close`, map entries.
pub fn kalman_zscore_stepwise(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    window: usize,
    r: f64,
    q: f64,
) -> OmegaResult<Vec<f64>> {
    to_vec(primary_to_htf.len(), |out| {
        kalman_zscore_stepwise_into(htf_close, primary_to_htf, window, r, q, out)
    })
}

/// [`kalman_zscore_stepwise`] into `out` (as long as `primary_to_htf`).
pub fn kalman_zscore_stepwise_into(
    htf_close: &[f64],
    primary_to_htf: &[i64],
    window: usize,
    r: f64,
    q: f64,
    out: &mut [f64],
) -> OmegaResult<()> {
    check_head(htf_close, primary_to_htf, "window", window)?;
    check_positive("R", r)?;
    check_positive("Q", q)?;
    check_finite("htf_close", htf_close)?;
    forward_fill_into(
        &kalman_zscore(htf_close, window, r, q)?,
        primary_to_htf,
        out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::htf_alignment::primary_to_htf_index;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    const M: i64 = 60_000_000;

    /// 40 M1 bars, M5 HTF bars; returns (htf_close, map).
    fn fixture() -> (Vec<f64>, Vec<i64>) {
        let primary: Vec<i64> = (0..40).map(|k| k * M).collect();
        let htf: Vec<i64> = (0..8).map(|k| k * 5 * M).collect();
        let map = primary_to_htf_index(&primary, M, &htf, 5 * M).unwrap();
        let closes = vec![1.0, 1.2, 1.1, f64::NAN, 1.4, 1.3, 1.6, 1.5];
        (closes, map)
    }

    #[test]
    fn ema_stepwise_is_the_htf_ema_forward_filled() {
        let (h, map) = fixture();
        let out = ema_stepwise(&h, &map, 3).unwrap();
        let e = ema(&h, 3).unwrap();
        for (i, &j) in map.iter().enumerate() {
            let want = if j < 0 { f64::NAN } else { e[j as usize] };
            assert!(same(&[out[i]], &[want]), "bar {i}");
        }
        // first M5 close is visible at the M1 bar opening at minute 4 (index 4), not before
        assert!(out[..4].iter().all(|v| v.is_nan()));
        // HTF bar 3 is missing: NaN while it is the last closed one (primary 19..=23)
        assert!(out[19..24].iter().all(|v| v.is_nan()));
        assert!(!out[24].is_nan());
    }

    #[test]
    fn no_primary_bar_sees_an_unclosed_htf_bar() {
        // Changing an HTF close must not change any primary value before that bar's close.
        let (h, map) = fixture();
        let base = kalman_zscore_stepwise(&h, &map, 2, 0.5, 0.1).unwrap();
        for j in 0..h.len() {
            let mut h2 = h.clone();
            h2[j] = if h2[j].is_nan() { 9.0 } else { h2[j] * 3.0 };
            let alt = kalman_zscore_stepwise(&h2, &map, 2, 0.5, 0.1).unwrap();
            for i in 0..map.len() {
                if map[i] < j as i64 {
                    assert!(same(&[base[i]], &[alt[i]]), "bar {i} saw HTF bar {j}");
                }
            }
        }
    }

    #[test]
    fn bollinger_stepwise_forward_fills_all_three_bands() {
        let (h, map) = fixture();
        let b = bollinger_stepwise(&h, &map, 2, 2.0).unwrap();
        let r = bollinger(&h, 2, 2.0).unwrap();
        assert!(same(&b.upper, &forward_fill_onto_primary(&r.upper, &map)));
        assert!(same(&b.middle, &forward_fill_onto_primary(&r.middle, &map)));
        assert!(same(&b.lower, &forward_fill_onto_primary(&r.lower, &map)));
    }

    #[test]
    fn reduce_from_aligned_series() {
        let map = [-1, -1, 0, 0, 1, 3, 3];
        let aligned = [f64::NAN, f64::NAN, 1.0, 1.0, 2.0, 4.0, 4.0];
        let h = htf_series_from_aligned(&aligned, &map).unwrap();
        assert!(same(&h, &[1.0, 2.0, f64::NAN, 4.0]));
    }

    #[test]
    fn errors_in_order() {
        let e = |r: OmegaResult<Vec<f64>>| r.unwrap_err().to_string();
        assert_eq!(
            e(ema_stepwise(&[], &[], 0)),
            "htf_close: expected a non-empty array, got length 0"
        );
        assert_eq!(
            e(ema_stepwise(&[1.0], &[], 0)),
            "primary_to_htf: expected a non-empty array, got length 0"
        );
        assert_eq!(
            e(ema_stepwise(&[1.0, f64::INFINITY], &[5], 3)),
            "period: expected an integer >= 1 and <= len(htf_close) = 2, got 3"
        );
        assert_eq!(
            e(ema_stepwise(&[1.0, f64::INFINITY], &[5], 2)),
            "htf_close: expected finite numbers or NaN, got inf at index 1"
        );
        assert_eq!(
            e(ema_stepwise(&[1.0, 2.0], &[-1, 2], 2)),
            "primary_to_htf: expected integers >= -1 and <= len(htf_close) - 1 = 1, got 2 at index 1"
        );
        assert_eq!(
            e(ema_stepwise(&[1.0, 2.0], &[1, 0], 2)),
            "primary_to_htf: expected a non-decreasing index map (time order), got 0 after 1 at index 1"
        );
        assert_eq!(
            e(kalman_zscore_stepwise(&[1.0, 2.0], &[0, 1], 2, 1.0, 0.0)),
            "Q: expected a finite number > 0, got 0"
        );
        assert_eq!(
            bollinger_stepwise(&[1.0, 2.0], &[0, 1], 2, -1.0)
                .unwrap_err()
                .to_string(),
            "std_factor: expected a finite number >= 0, got -1"
        );
        assert_eq!(
            e(htf_series_from_aligned(&[1.0, 2.0], &[0])),
            "primary_to_htf: expected length 2 (same as aligned), got 1"
        );
    }
}
