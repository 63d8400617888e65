//! The NaN rule shared by every indicator of the TA-Lib family.
//!
//! **An indicator behaves as if the NaN bars were removed**: it is computed on the compressed
//! series of valid bars and the result is scattered back, with NaN at the NaN positions.
//! For bar indicators (high/low/close) a bar is NaN when any of its inputs is NaN.
//!
//! Consequences, identical in the Rust kernels, the Python fallback and the streaming states:
//! * recursive state (EMA, Wilder sums, …) carries across a gap and values resume on the
//!   first valid bar after it;
//! * warm-up counts valid bars only (a lookback of `n` means `n` valid bars);
//! * "`n` bars ago" (ROC, momentum, true range's previous close) means `n` *valid* bars ago;
//! * a window holds the last `period` valid values.
//!
//! The streaming states implement the rule directly: `update(NaN)` returns NaN and leaves the
//! state untouched, so running a state over a slice *is* the rule. The helpers below do the
//! same for kernels that work on whole slices.

/// True when `values` holds at least one NaN.
#[inline]
pub fn has_nan(values: &[f64]) -> bool {
    values.iter().any(|v| v.is_nan())
}

/// True when a bar has no NaN input.
#[inline]
pub fn bar_is_valid(high: f64, low: f64, close: f64) -> bool {
    !(high.is_nan() || low.is_nan() || close.is_nan())
}

/// The valid (non-NaN) values of `values` in order, and their positions.
pub fn compress(values: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut kept = Vec::with_capacity(values.len());
    let mut index = Vec::with_capacity(values.len());
    for (i, &v) in values.iter().enumerate() {
        if !v.is_nan() {
            kept.push(v);
            index.push(i);
        }
    }
    (kept, index)
}

/// Positions of the valid bars (no NaN in high, low or close).
pub fn valid_bars(high: &[f64], low: &[f64], close: &[f64]) -> Vec<usize> {
    high.iter()
        .zip(low)
        .zip(close)
        .enumerate()
        .filter(|(_, ((h, l), c))| bar_is_valid(**h, **l, **c))
        .map(|(i, _)| i)
        .collect()
}

/// Output of length `len`: `compressed[j]` at position `index[j]`, NaN elsewhere.
pub fn scatter(len: usize, index: &[usize], compressed: &[f64]) -> Vec<f64> {
    let mut out = vec![f64::NAN; len];
    for (&i, &v) in index.iter().zip(compressed) {
        if let Some(slot) = out.get_mut(i) {
            *slot = v;
        }
    }
    out
}

/// Applies `kernel` (which may assume NaN-free input and must return one value per input)
/// under the NaN rule: directly when `values` has no NaN, else on the compressed series,
/// scattered back.
pub fn apply_compressed<F>(values: &[f64], kernel: F) -> Vec<f64>
where
    F: FnOnce(&[f64]) -> Vec<f64>,
{
    apply_compressed_known(values, has_nan(values), kernel)
}

/// [`apply_compressed`] when the caller already knows whether `values` holds a NaN.
///
/// Memory: the compressed copy of the input and the kernel's output, which is then spread
/// onto the full length in place (no index vector, no second output).
pub fn apply_compressed_known<F>(values: &[f64], any_nan: bool, kernel: F) -> Vec<f64>
where
    F: FnOnce(&[f64]) -> Vec<f64>,
{
    if !any_nan {
        return kernel(values);
    }
    let out = kernel(&kept(values));
    spread(out, values.len(), |i| !values[i].is_nan())
}

/// Several outputs per input: the multi-output form of [`apply_compressed_known`].
pub fn apply_compressed_many<const K: usize, F>(
    values: &[f64],
    any_nan: bool,
    kernel: F,
) -> [Vec<f64>; K]
where
    F: FnOnce(&[f64]) -> [Vec<f64>; K],
{
    if !any_nan {
        return kernel(values);
    }
    let outs = kernel(&kept(values));
    outs.map(|out| spread(out, values.len(), |i| !values[i].is_nan()))
}

/// Bar form of [`apply_compressed_known`]: `kernel` gets the high/low/close of the valid bars.
pub fn apply_compressed_bars<F>(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    any_nan: bool,
    kernel: F,
) -> Vec<f64>
where
    F: FnOnce(&[f64], &[f64], &[f64]) -> Vec<f64>,
{
    if !any_nan {
        return kernel(high, low, close);
    }
    let valid = |i: usize| bar_is_valid(high[i], low[i], close[i]);
    let pick = |v: &[f64]| {
        (0..v.len())
            .filter(|&i| valid(i))
            .map(|i| v[i])
            .collect::<Vec<f64>>()
    };
    let out = kernel(&pick(high), &pick(low), &pick(close));
    spread(out, high.len(), valid)
}

/// Writes `compressed` (one value per valid position, in order) onto `out`: the `j`-th value
/// at the `j`-th position where `valid` holds, NaN elsewhere.
pub fn scatter_into(valid: impl Fn(usize) -> bool, compressed: &[f64], out: &mut [f64]) {
    let mut values = compressed.iter();
    for (i, o) in out.iter_mut().enumerate() {
        *o = if valid(i) {
            values.next().copied().unwrap_or(f64::NAN)
        } else {
            f64::NAN
        };
    }
}

/// The valid (non-NaN) values of `values`, in order.
fn kept(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|v| !v.is_nan()).collect()
}

/// `compressed` (one value per valid position, in order) spread onto `len` positions in place:
/// the `j`-th value lands on the `j`-th position where `valid` holds, NaN elsewhere. Walking
/// from the end is safe because the `j`-th valid position is never before index `j`.
fn spread(mut out: Vec<f64>, len: usize, valid: impl Fn(usize) -> bool) -> Vec<f64> {
    let mut j = out.len();
    out.resize(len.max(j), f64::NAN);
    for i in (0..len).rev() {
        let v = if valid(i) && j > 0 {
            j -= 1;
            out[j]
        } else {
            f64::NAN
        };
        out[i] = v;
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_and_scatter_round_trip() {
        let x = [1.0, f64::NAN, 3.0, f64::NAN, f64::NAN, 6.0];
        let (kept, index) = compress(&x);
        assert_eq!(kept, vec![1.0, 3.0, 6.0]);
        assert_eq!(index, vec![0, 2, 5]);
        let back = scatter(x.len(), &index, &kept);
        for (a, b) in back.iter().zip(&x) {
            assert!(a == b || (a.is_nan() && b.is_nan()));
        }
        assert!(has_nan(&x));
        assert!(!has_nan(&kept));
    }

    #[test]
    fn apply_compressed_runs_on_valid_values_only() {
        let x = [1.0, f64::NAN, 3.0, 6.0];
        let out = apply_compressed(&x, |v| v.windows(1).map(|w| w[0] * 2.0).collect());
        assert_eq!(out[0], 2.0);
        assert!(out[1].is_nan());
        assert_eq!(&out[2..], &[6.0, 12.0]);
    }

    #[test]
    fn bar_validity() {
        assert!(bar_is_valid(1.0, 0.5, 0.7));
        assert!(!bar_is_valid(1.0, f64::NAN, 0.7));
        let idx = valid_bars(
            &[1.0, f64::NAN, 2.0],
            &[0.0, 0.0, 1.0],
            &[0.5, 0.5, f64::NAN],
        );
        assert_eq!(idx, vec![0]);
    }
}
