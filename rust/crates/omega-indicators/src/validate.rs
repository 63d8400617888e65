//! Argument checks of the TA-Lib family (`sma`, `ema`, …, `dmi`, `choppiness`).
//!
//! Every failure is an [`OmegaError`] whose text is `"{name}: expected {expected}, got {got}"`
//! (or the [`OmegaError::LengthMismatch`] text). The Python fallback
//! (`omega_indicators/_python/validate.py`) builds byte-identical messages, so a change here
//! must be mirrored there.
//!
//! Order of the checks (the first failing one is reported), identical in both backends:
//! 1. the first input is non-empty (`values`, or `high` for bar indicators);
//! 2. `low` and `close` have the length of `high`;
//! 3. the integer parameters, in signature order, then the float parameters;
//! 4. no `±inf` in any input (inputs in signature order, first offending index);
//! 5. `high >= low` on every bar where both are finite.
//!
//! Floats inside messages are rendered with Rust's `Display` (`1`, `-0.5`, `inf`, `NaN`).

use omega_core::{OmegaError, OmegaResult};

/// `expected` text of the non-empty check.
pub const EXPECTED_NON_EMPTY: &str = "a non-empty array";
/// `expected` text of the finiteness check.
pub const EXPECTED_FINITE: &str = "finite numbers or NaN";

/// Fails with `"{name}: expected a non-empty array, got length 0"` when `values` is empty.
pub fn check_non_empty(name: &str, values: &[f64]) -> OmegaResult<()> {
    if values.is_empty() {
        return Err(OmegaError::invalid_value(
            name,
            EXPECTED_NON_EMPTY,
            "length 0",
        ));
    }
    Ok(())
}

/// Fails on the first `±inf` in `values`: `"{name}: expected finite numbers or NaN, got inf at index 3"`.
pub fn check_finite(name: &str, values: &[f64]) -> OmegaResult<()> {
    // A branch-free scan first (vectorises), the position only when something was found.
    if !scan_inf_nan(values).0 {
        return Ok(());
    }
    if let Some(i) = values.iter().position(|v| v.is_infinite()) {
        return Err(OmegaError::invalid_value(
            name,
            EXPECTED_FINITE,
            format!("{} at index {i}", values[i]),
        ));
    }
    Ok(())
}

/// Fails unless `min <= period <= len`:
/// `"period: expected an integer >= 1 and <= len(values) = 10, got 0"`.
pub fn check_period(
    name: &str,
    period: usize,
    min: usize,
    len_name: &str,
    len: usize,
) -> OmegaResult<()> {
    if period < min || period > len {
        return Err(OmegaError::invalid_value(
            name,
            format!("an integer >= {min} and <= len({len_name}) = {len}"),
            period,
        ));
    }
    Ok(())
}

/// Parameter check of the streaming state constructors (no series length is known yet):
/// `"period: expected an integer >= 1, got 0"`.
pub fn check_state_period(name: &str, period: usize, min: usize) -> OmegaResult<()> {
    if period < min {
        return Err(OmegaError::invalid_value(
            name,
            format!("an integer >= {min}"),
            period,
        ));
    }
    Ok(())
}

/// Fails with [`OmegaError::LengthMismatch`] when `got != expected`.
pub fn check_same_length(
    name: &str,
    got: usize,
    reference: &str,
    expected: usize,
) -> OmegaResult<()> {
    if got != expected {
        return Err(OmegaError::LengthMismatch {
            name: name.into(),
            reference: reference.into(),
            expected,
            got,
        });
    }
    Ok(())
}

/// A finite float `>= 0` (`std_factor`): `"std_factor: expected a finite number >= 0, got -1"`.
pub fn check_non_negative_factor(name: &str, v: f64) -> OmegaResult<()> {
    if !(v.is_finite() && v >= 0.0) {
        return Err(OmegaError::invalid_value(name, "a finite number >= 0", v));
    }
    Ok(())
}

/// Fails on the first bar where `high < low` (bars with a NaN side are not checked):
/// `"high: expected high >= low, got high 1 < low 2 at index 4"`.
pub fn check_high_low(high: &[f64], low: &[f64]) -> OmegaResult<()> {
    if !high
        .iter()
        .zip(low)
        .fold(false, |acc, (h, l)| acc | (h < l))
    {
        return Ok(());
    }
    if let Some(i) = high.iter().zip(low).position(|(h, l)| h < l) {
        return Err(OmegaError::invalid_value(
            "high",
            "high >= low",
            format!("high {} < low {} at index {i}", high[i], low[i]),
        ));
    }
    Ok(())
}

/// `(any ±inf, any NaN)` of `values`, one branch-free pass (float compares; vectorises).
#[inline]
fn scan_inf_nan(values: &[f64]) -> (bool, bool) {
    let (mut inf, mut nan) = (false, false);
    for v in values {
        inf |= v.abs() == f64::INFINITY;
        nan |= v.is_nan();
    }
    (inf, nan)
}

/// Like [`check_finite`], and also reports whether `values` holds a NaN (one pass).
pub fn check_finite_has_nan(name: &str, values: &[f64]) -> OmegaResult<bool> {
    let (inf, nan) = scan_inf_nan(values);
    if inf {
        check_finite(name, values)?;
    }
    Ok(nan)
}

/// Checks of a single-series indicator with one window: non-empty `values`,
/// `min_period <= period <= len(values)`, no `±inf`. Returns whether `values` holds a NaN.
pub fn check_series_period(values: &[f64], period: usize, min_period: usize) -> OmegaResult<bool> {
    check_non_empty("values", values)?;
    check_period("period", period, min_period, "values", values.len())?;
    check_finite_has_nan("values", values)
}

/// The first checks of [`check_hlc`], in its order: non-empty `high`, `low`/`close` as long as
/// `high`, then `period` (when given) against `len(high)`.
pub fn check_bar_shape(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    period: Option<(usize, usize)>,
) -> OmegaResult<()> {
    check_non_empty("high", high)?;
    check_same_length("low", low.len(), "high", high.len())?;
    check_same_length("close", close.len(), "high", high.len())?;
    if let Some((period, min_period)) = period {
        check_period("period", period, min_period, "high", high.len())?;
    }
    Ok(())
}

/// Checks of a bar indicator: non-empty `high`, `low`/`close` as long as `high`, then
/// `period` (when given) against `len(high)`, no `±inf` in high/low/close, `high >= low`.
/// Returns whether any bar has a NaN input.
pub fn check_hlc(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    period: Option<(usize, usize)>,
) -> OmegaResult<bool> {
    check_bar_shape(high, low, close, period)?;
    // Branch-free passes for all the flags; the ordered checks only when one is raised.
    let (mut bad, mut nan) = (false, false);
    for ((h, l), c) in high.iter().zip(low).zip(close) {
        bad |= (h.abs() == f64::INFINITY)
            | (l.abs() == f64::INFINITY)
            | (c.abs() == f64::INFINITY)
            | (h < l);
        nan |= h.is_nan() | l.is_nan() | c.is_nan();
    }
    if bad {
        check_finite("high", high)?;
        check_finite("low", low)?;
        check_finite("close", close)?;
        check_high_low(high, low)?;
    }
    Ok(nan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg<T: std::fmt::Debug>(r: OmegaResult<T>) -> String {
        r.expect_err("the check should fail").to_string()
    }

    #[test]
    fn messages_are_the_documented_ones() {
        assert_eq!(
            msg(check_non_empty("values", &[])),
            "values: expected a non-empty array, got length 0"
        );
        assert_eq!(
            msg(check_finite("close", &[1.0, f64::NAN, f64::NEG_INFINITY])),
            "close: expected finite numbers or NaN, got -inf at index 2"
        );
        assert_eq!(
            msg(check_period("period", 0, 1, "values", 10)),
            "period: expected an integer >= 1 and <= len(values) = 10, got 0"
        );
        assert_eq!(
            msg(check_period("period", 11, 2, "high", 10)),
            "period: expected an integer >= 2 and <= len(high) = 10, got 11"
        );
        assert_eq!(
            msg(check_state_period("period", 0, 1)),
            "period: expected an integer >= 1, got 0"
        );
        assert_eq!(
            msg(check_same_length("low", 2, "high", 3)),
            "low: expected length 3 (same as high), got 2"
        );
        assert_eq!(
            msg(check_non_negative_factor("std_factor", -1.5)),
            "std_factor: expected a finite number >= 0, got -1.5"
        );
        assert_eq!(
            msg(check_non_negative_factor("std_factor", f64::NAN)),
            "std_factor: expected a finite number >= 0, got NaN"
        );
        assert_eq!(
            msg(check_high_low(&[3.0, 1.0], &[2.0, 2.5])),
            "high: expected high >= low, got high 1 < low 2.5 at index 1"
        );
    }

    #[test]
    fn order_of_bar_checks() {
        // Empty high wins over everything else.
        assert_eq!(
            msg(check_hlc(&[], &[1.0], &[], Some((0, 1)))),
            "high: expected a non-empty array, got length 0"
        );
        // Length before period, period before finiteness, finiteness before high >= low.
        assert_eq!(
            msg(check_hlc(&[1.0], &[1.0, 2.0], &[1.0], Some((0, 1)))),
            "low: expected length 1 (same as high), got 2"
        );
        assert_eq!(
            msg(check_hlc(&[1.0], &[1.0], &[1.0, 2.0], Some((0, 1)))),
            "close: expected length 1 (same as high), got 2"
        );
        assert_eq!(
            msg(check_hlc(&[f64::INFINITY], &[2.0], &[1.0], Some((0, 1)))),
            "period: expected an integer >= 1 and <= len(high) = 1, got 0"
        );
        assert_eq!(
            msg(check_hlc(&[1.0], &[f64::INFINITY], &[1.0], Some((1, 1)))),
            "low: expected finite numbers or NaN, got inf at index 0"
        );
        assert_eq!(
            msg(check_hlc(&[1.0, f64::NAN], &[2.0, 0.0], &[1.0, 1.0], None)),
            "high: expected high >= low, got high 1 < low 2 at index 0"
        );
        // NaN on one side is not a high < low violation.
        assert!(check_hlc(&[f64::NAN, 2.0], &[5.0, 1.0], &[1.0, 1.0], None).is_ok());
    }
}
