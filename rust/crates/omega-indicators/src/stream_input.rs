//! Checks of the values fed to the streaming states one at a time (`omega_indicators.stream`).
//!
//! The states themselves never fail: `update(NaN)` returns NaN and changes nothing (see
//! [`crate::nan_gaps`]). What the batch kernels reject in their inputs the streaming classes
//! reject per value, with the batch message minus the position (a stream has no index):
//!
//! * `±inf` — `"value: expected a finite number or NaN, got inf"`;
//! * GARCH family, a price `<= 0` —
//!   `"value: expected a price > 0 or NaN (GARCH returns need positive prices), got 0"`;
//! * bars, checked high, low, close, then the order —
//!   `"high: expected high >= low, got high 1 < low 2"` (a bar with a NaN side is not
//!   compared, as in the batch kernels).
//!
//! `name` is the argument of `update` (`value`, `htf_close`, `high`, `low`, `close`). The Python
//! fallback (`_python/stream_input.py`) builds byte-identical messages. Every check is a pair of
//! float compares on the valid path; the message is built only on failure.

use omega_core::{OmegaError, OmegaResult};

/// `expected` text of the finiteness check of one value.
pub const EXPECTED_FINITE_VALUE: &str = "a finite number or NaN";
/// `expected` text of the GARCH price check of one value.
pub const EXPECTED_PRICE_VALUE: &str = "a price > 0 or NaN (GARCH returns need positive prices)";

#[cold]
#[inline(never)]
fn not_finite(name: &str, x: f64) -> OmegaError {
    OmegaError::invalid_value(name, EXPECTED_FINITE_VALUE, x)
}

/// Fails on `±inf` (NaN passes: it is a missing value).
#[inline(always)]
pub fn check_value(name: &str, x: f64) -> OmegaResult<()> {
    if x.abs() == f64::INFINITY {
        return Err(not_finite(name, x));
    }
    Ok(())
}

/// Fails on `±inf` or a value `<= 0` (NaN passes): the GARCH family's prices.
#[inline(always)]
pub fn check_price(name: &str, x: f64) -> OmegaResult<()> {
    // `x <= 0` is false for NaN; `x == inf` is caught by the second compare.
    if x <= 0.0 || x == f64::INFINITY {
        return Err(bad_price(name, x));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn bad_price(name: &str, x: f64) -> OmegaError {
    if x.is_infinite() {
        return not_finite(name, x);
    }
    OmegaError::invalid_value(name, EXPECTED_PRICE_VALUE, x)
}

/// Checks one bar: `high`, `low`, `close` finite or NaN (in this order), then `high >= low`
/// when neither is NaN.
#[inline(always)]
pub fn check_bar(high: f64, low: f64, close: f64) -> OmegaResult<()> {
    let inf = (high.abs() == f64::INFINITY)
        | (low.abs() == f64::INFINITY)
        | (close.abs() == f64::INFINITY);
    if inf | (high < low) {
        return Err(bad_bar(high, low, close));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn bad_bar(high: f64, low: f64, close: f64) -> OmegaError {
    for (name, x) in [("high", high), ("low", low), ("close", close)] {
        if x.is_infinite() {
            return not_finite(name, x);
        }
    }
    OmegaError::invalid_value("high", "high >= low", format!("high {high} < low {low}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(r: OmegaResult<()>) -> String {
        r.expect_err("the check should fail").to_string()
    }

    #[test]
    fn messages_are_the_documented_ones() {
        assert!(check_value("value", f64::NAN).is_ok());
        assert!(check_value("value", -1e308).is_ok());
        assert_eq!(
            msg(check_value("value", f64::INFINITY)),
            "value: expected a finite number or NaN, got inf"
        );
        assert_eq!(
            msg(check_value("htf_close", f64::NEG_INFINITY)),
            "htf_close: expected a finite number or NaN, got -inf"
        );
        assert!(check_price("value", f64::NAN).is_ok());
        assert!(check_price("value", 1e-300).is_ok());
        assert_eq!(
            msg(check_price("value", 0.0)),
            "value: expected a price > 0 or NaN (GARCH returns need positive prices), got 0"
        );
        assert_eq!(
            msg(check_price("close", -1.5)),
            "close: expected a price > 0 or NaN (GARCH returns need positive prices), got -1.5"
        );
        assert_eq!(
            msg(check_price("value", f64::NEG_INFINITY)),
            "value: expected a finite number or NaN, got -inf"
        );
        assert_eq!(
            msg(check_price("value", f64::INFINITY)),
            "value: expected a finite number or NaN, got inf"
        );
    }

    #[test]
    fn bars_are_checked_in_order() {
        assert!(check_bar(2.0, 1.0, 1.5).is_ok());
        assert!(check_bar(f64::NAN, 5.0, 1.0).is_ok());
        assert!(check_bar(1.0, 1.0, f64::NAN).is_ok());
        assert_eq!(
            msg(check_bar(f64::INFINITY, f64::NEG_INFINITY, 1.0)),
            "high: expected a finite number or NaN, got inf"
        );
        assert_eq!(
            msg(check_bar(1.0, 2.0, f64::NEG_INFINITY)),
            "close: expected a finite number or NaN, got -inf"
        );
        assert_eq!(
            msg(check_bar(1.0, f64::NEG_INFINITY, 1.0)),
            "low: expected a finite number or NaN, got -inf"
        );
        assert_eq!(
            msg(check_bar(1.0, 2.5, 1.0)),
            "high: expected high >= low, got high 1 < low 2.5"
        );
    }
}
