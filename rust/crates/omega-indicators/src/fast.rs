//! Fast paths of the batch kernels: validation fused into the computation, outputs written
//! once, into memory the caller provides. Nothing here does arithmetic on the data, so nothing
//! here has a Python mirror.
//!
//! Each kernel of the TA-Lib family has an `*_into` form that writes into caller-provided
//! slices (the Python binding passes `numpy.empty` arrays, as TA-Lib's wrapper does, so an
//! output is written exactly once and never zero-filled first); the `Vec`-returning form wraps
//! it.
//!
//! A kernel's fast path computes on the input as given, assuming it is finite and NaN-free,
//! and verifies that assumption chunk by chunk ([`CHUNK`] values): where a recurrence absorbs
//! every input (EMAs, Wilder averages, the SMA's running sum, the Kalman mean — a NaN or `±inf`
//! keeps it non-finite for good), by testing its state once per chunk
//! ([`each_chunk_absorbed`]); else with a vectorised scan of the chunk right before it is used
//! (the second read hits L1). At the first chunk holding a NaN or `±inf` (or, for bars, a
//! `high < low`) it gives up (`false`), and the caller takes the slow path: the full
//! validation in its documented order (so the errors and their order are unchanged), then the
//! NaN rule of [`crate::nan_gaps`] with the same kernel on the compressed series, scattered
//! into the outputs. On clean input the data is validated and used in one sweep.
//!
//! Code shape matters in the kernels: outputs are stored with indexed writes in plain loops
//! (no `Vec::extend` adapters, whose inlining — and so whether a recurrence's state stays in
//! registers — depends on the codegen-unit split), and recurrences are laid out so that LLVM's
//! SLP vectoriser cannot pack a chain value together with an off-chain value (see
//! [`crate::recurrence`]).

use omega_core::{OmegaError, OmegaResult};

use crate::nan_gaps::{bar_is_valid, scatter_into};
use crate::validate;

/// Values validated at a time by the fast paths (16 KiB: one chunk of each input stays in L1).
pub(crate) const CHUNK: usize = 2048;

/// True when no value is NaN or `±inf`.
///
/// `x·0` is `±0` for a finite `x` and NaN for NaN and `±inf`, so four running sums of it stay
/// `0` exactly when every value is finite. Plain float adds in four independent lanes: this
/// vectorises whatever the surrounding code (a boolean `|=` reduction does not always).
#[inline(always)]
pub(crate) fn all_finite(values: &[f64]) -> bool {
    let mut acc = [0.0f64; 4];
    let quads = values.chunks_exact(4);
    let tail = quads.remainder();
    for q in quads {
        for k in 0..4 {
            acc[k] += q[k] * 0.0;
        }
    }
    for &x in tail {
        acc[0] += x * 0.0;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) == 0.0
}

/// True when every bar is finite and has `high >= low` (see [`all_finite`]; `lowest` tracks
/// the smallest `high - low`, which is negative exactly when some bar has `high < low`).
#[inline(always)]
pub(crate) fn bars_ok(high: &[f64], low: &[f64], close: &[f64]) -> bool {
    let n = high.len();
    if low.len() != n || close.len() != n {
        return false;
    }
    let mut acc = [0.0f64; 2];
    let mut lowest = [0.0f64; 2];
    let mut i = 0;
    while i + 2 <= n {
        for k in 0..2 {
            let (h, l, c) = (high[i + k], low[i + k], close[i + k]);
            acc[k] += (h * 0.0) + (l * 0.0) + (c * 0.0);
            let d = h - l;
            lowest[k] = if d < lowest[k] { d } else { lowest[k] };
        }
        i += 2;
    }
    if i < n {
        let (h, l, c) = (high[i], low[i], close[i]);
        acc[0] += (h * 0.0) + (l * 0.0) + (c * 0.0);
        let d = h - l;
        lowest[0] = if d < lowest[0] { d } else { lowest[0] };
    }
    acc[0] + acc[1] == 0.0 && lowest[0] >= 0.0 && lowest[1] >= 0.0
}

/// Calls `body(range)` for consecutive ranges of at most [`CHUNK`] indices covering
/// `from..to`, each after `check(range)` approved it; false as soon as one is refused.
#[inline(always)]
pub(crate) fn each_chunk(
    from: usize,
    to: usize,
    check: impl Fn(std::ops::Range<usize>) -> bool,
    mut body: impl FnMut(std::ops::Range<usize>),
) -> bool {
    let mut start = from;
    while start < to {
        let end = to.min(start + CHUNK);
        if !check(start..end) {
            return false;
        }
        body(start..end);
        start = end;
    }
    true
}

/// Calls `body(range)` for consecutive ranges of at most [`CHUNK`] indices covering
/// `from..to`; `body` returns whether all is still finite (a recurrence that absorbs every
/// input is finite exactly when no NaN/`±inf` went in — validation at no cost per value).
/// False as soon as one returns false.
#[inline(always)]
pub(crate) fn each_chunk_absorbed(
    from: usize,
    to: usize,
    mut body: impl FnMut(std::ops::Range<usize>) -> bool,
) -> bool {
    let mut start = from;
    while start < to {
        let end = to.min(start + CHUNK);
        if !body(start..end) {
            return false;
        }
        start = end;
    }
    true
}

/// [`each_chunk`] over `values[from..]`, checked with [`all_finite`].
#[inline(always)]
pub(crate) fn each_finite_chunk(
    values: &[f64],
    from: usize,
    body: impl FnMut(std::ops::Range<usize>),
) -> bool {
    each_chunk(from, values.len(), |r| all_finite(&values[r]), body)
}

/// [`each_chunk`] over bars `from..`, checked with [`bars_ok`].
#[inline(always)]
pub(crate) fn each_bar_chunk(
    (high, low, close): (&[f64], &[f64], &[f64]),
    from: usize,
    body: impl FnMut(std::ops::Range<usize>),
) -> bool {
    let check = |r: std::ops::Range<usize>| bars_ok(&high[r.clone()], &low[r.clone()], &close[r]);
    each_chunk(from, high.len(), check, body)
}

/// Fails unless every output has the length of the input (`reference`).
pub(crate) fn check_outputs(reference: &str, len: usize, outs: &[&mut [f64]]) -> OmegaResult<()> {
    for out in outs {
        validate::check_same_length("out", out.len(), reference, len)?;
    }
    Ok(())
}

/// The slow path of a single-series kernel: `values` failed the fast path, so it holds a NaN
/// or `±inf`. Reports the `±inf` (the error of [`validate::check_finite_has_nan`]); else runs
/// `kernel` on the valid values and scatters its outputs, NaN at the NaN positions.
pub(crate) fn series_slow<const K: usize>(
    values: &[f64],
    outs: [&mut [f64]; K],
    kernel: impl Fn(&[f64], &mut [&mut [f64]; K]) -> bool,
) -> OmegaResult<()> {
    validate::check_finite_has_nan("values", values)?;
    // Sized once (a filtered iterator has no length hint: 1M values would grow by doubling).
    let mut kept = Vec::with_capacity(values.len());
    kept.extend(values.iter().copied().filter(|v| !v.is_nan()));
    let mut bufs: [Vec<f64>; K] = std::array::from_fn(|_| vec![f64::NAN; kept.len()]);
    let ok = {
        let mut views: [&mut [f64]; K] = bufs.each_mut().map(|b| b.as_mut_slice());
        kernel(&kept, &mut views)
    };
    for (buf, out) in bufs.iter().zip(outs) {
        if ok {
            scatter_into(|i| !values[i].is_nan(), buf, out);
        } else {
            out.fill(f64::NAN); // unreachable: the valid values are finite
        }
    }
    Ok(())
}

/// A single-series indicator with one `period` and one output: the argument checks of
/// [`validate::check_series_period`] in their order, the fast path `kernel`, else
/// [`series_slow`].
pub(crate) fn series_into(
    values: &[f64],
    period: usize,
    min_period: usize,
    out: &mut [f64],
    kernel: impl Fn(&[f64], &mut [f64]) -> bool,
) -> OmegaResult<()> {
    validate::check_non_empty("values", values)?;
    validate::check_period("period", period, min_period, "values", values.len())?;
    check_outputs("values", values.len(), &[&mut *out])?;
    if kernel(values, out) {
        return Ok(());
    }
    series_slow(values, [out], |v, [o]| kernel(v, o))
}

/// The `Vec` form of a one-output `*_into` kernel.
pub(crate) fn to_vec(
    len: usize,
    into: impl FnOnce(&mut [f64]) -> OmegaResult<()>,
) -> OmegaResult<Vec<f64>> {
    let mut out = vec![0.0; len];
    into(&mut out)?;
    Ok(out)
}

/// The `Vec` form of a three-output `*_into` kernel.
pub(crate) fn to_vecs3(
    len: usize,
    into: impl FnOnce([&mut [f64]; 3]) -> OmegaResult<()>,
) -> OmegaResult<[Vec<f64>; 3]> {
    let (mut a, mut b, mut c) = (vec![0.0; len], vec![0.0; len], vec![0.0; len]);
    into([&mut a, &mut b, &mut c])?;
    Ok([a, b, c])
}

/// A bar indicator with one output: the shape checks of [`validate::check_hlc`], the fast
/// path `kernel`, else the rest of `check_hlc` (errors in its order) and the NaN rule over the
/// valid bars.
pub(crate) fn bars_into(
    (high, low, close): (&[f64], &[f64], &[f64]),
    period: Option<(usize, usize)>,
    out: &mut [f64],
    kernel: impl Fn(&[f64], &[f64], &[f64], &mut [f64]) -> bool,
) -> OmegaResult<()> {
    validate::check_bar_shape(high, low, close, period)?;
    check_outputs("high", high.len(), &[&mut *out])?;
    if kernel(high, low, close, out) {
        return Ok(());
    }
    validate::check_hlc(high, low, close, period)?;
    let valid = |i: usize| bar_is_valid(high[i], low[i], close[i]);
    let pick = |v: &[f64]| -> Vec<f64> {
        let mut kept = Vec::with_capacity(v.len()); // sized once, as in `series_slow`
        kept.extend((0..v.len()).filter(|&i| valid(i)).map(|i| v[i]));
        kept
    };
    let (h, l, c) = (pick(high), pick(low), pick(close));
    let mut buf = vec![f64::NAN; h.len()];
    if !kernel(&h, &l, &c, &mut buf) {
        return Err(OmegaError::invalid_value(
            "high",
            "finite bars",
            "a bar the checks let through (please report this)",
        ));
    }
    scatter_into(valid, &buf, out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert!(all_finite(&[1.0, -0.0, f64::MAX, f64::MIN_POSITIVE]));
        assert!(!all_finite(&[1.0, f64::NAN]));
        assert!(!all_finite(&[f64::NEG_INFINITY, 1.0]));
        assert!(bars_ok(&[2.0, 1.0], &[1.0, 1.0], &[1.5, 1.0]));
        assert!(!bars_ok(&[2.0, 1.0], &[1.0, 1.5], &[1.5, 1.0]));
        assert!(!bars_ok(&[2.0], &[1.0], &[f64::NAN]));
        assert!(!bars_ok(&[f64::INFINITY], &[1.0], &[1.0]));
        assert!(!bars_ok(&[2.0], &[1.0, 1.0], &[1.0]));
    }

    #[test]
    fn chunks_cover_the_range_and_stop_at_a_refusal() {
        let mut seen = Vec::new();
        assert!(each_chunk(3, 3 + 2 * CHUNK + 5, |_| true, |r| seen.push(r)));
        assert_eq!(seen.first().map(|r| r.start), Some(3));
        assert_eq!(seen.last().map(|r| r.end), Some(3 + 2 * CHUNK + 5));
        assert!(seen.windows(2).all(|w| w[0].end == w[1].start));
        let mut calls = 0;
        assert!(!each_chunk(0, 3 * CHUNK, |r| r.start == 0, |_| calls += 1));
        assert_eq!(calls, 1);
    }

    #[test]
    fn output_lengths_are_checked() {
        let mut out = [0.0; 2];
        let e = series_into(&[1.0, 2.0, 3.0], 1, 1, &mut out, |_, _| true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "out: expected length 3 (same as values), got 2"
        );
    }
}
