//! Argument checks specific to the statistical family (z-score, Kalman, GARCH, stepwise);
//! the shared ones come from [`crate::validate`].
//!
//! Order of the checks, the same as the TA-Lib family's (see [`crate::validate`]) and identical
//! in the Python fallback (`_python/stat_validate.py`):
//! 1. string options (`mean_source`, `mode`) — parsed before the call (enums here);
//! 2. the first input is non-empty, then array lengths;
//! 3. the integer parameters (`min_periods` before `lookback`, whose bound depends on it);
//! 4. the float parameters in signature order (`R`, `Q`, `alpha`, `beta`, `alpha + beta`,
//!    `omega`, `scale`, `sigma_floor`, `std_factor`);
//! 5. the values: no `±inf` (and, for the GARCH family, no value `<= 0`), first offending index.

use omega_core::{OmegaError, OmegaResult};

/// Fails on the first `±inf` or value `<= 0` (NaN allowed): GARCH returns need prices `> 0`.
pub(crate) fn check_prices(name: &str, values: &[f64]) -> OmegaResult<()> {
    if let Some(i) = values
        .iter()
        .position(|&v| v.is_infinite() || (!v.is_nan() && v <= 0.0))
    {
        let v = values[i];
        if v.is_infinite() {
            return Err(inf_error(name, v, i));
        }
        return Err(OmegaError::invalid_value(
            name,
            "prices > 0 or NaN (GARCH returns need positive prices)",
            format!("{v} at index {i}"),
        ));
    }
    Ok(())
}

fn inf_error(name: &str, v: f64, i: usize) -> OmegaError {
    OmegaError::invalid_value(
        name,
        crate::validate::EXPECTED_FINITE,
        format!("{v} at index {i}"),
    )
}

/// A zero-filled buffer of `n` values for a streaming window; an impossible size is an
/// error naming the parameter (`"{name}: expected a window that fits in memory, got {value}"`)
/// instead of an allocation abort.
pub(crate) fn window_buffer(n: usize, name: &str, value: usize) -> OmegaResult<Vec<f64>> {
    let mut buf = Vec::new();
    buf.try_reserve_exact(n)
        .map_err(|_| OmegaError::invalid_value(name, "a window that fits in memory", value))?;
    buf.resize(n, 0.0);
    Ok(buf)
}

/// A finite float `> 0` (Kalman `R` and `Q`, GARCH `scale`).
pub(crate) fn check_positive(name: &str, v: f64) -> OmegaResult<()> {
    if !(v.is_finite() && v > 0.0) {
        return Err(OmegaError::invalid_value(name, "a finite number > 0", v));
    }
    Ok(())
}

/// A finite float `>= 0` (GARCH `alpha`, `beta`, `sigma_floor`).
pub(crate) fn check_non_negative(name: &str, v: f64) -> OmegaResult<()> {
    crate::validate::check_non_negative_factor(name, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_the_documented_ones() {
        let e = check_prices("values", &[1.0, f64::NAN, 0.0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "values: expected prices > 0 or NaN (GARCH returns need positive prices), got 0 at index 2"
        );
        let e = check_prices("values", &[1.0, f64::INFINITY, -1.0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "values: expected finite numbers or NaN, got inf at index 1"
        );
        assert!(check_prices("values", &[f64::NAN, 2.0]).is_ok());
        let e = check_positive("R", -0.5).unwrap_err();
        assert_eq!(e.to_string(), "R: expected a finite number > 0, got -0.5");
        let e = check_non_negative("alpha", f64::NAN).unwrap_err();
        assert_eq!(
            e.to_string(),
            "alpha: expected a finite number >= 0, got NaN"
        );
    }
}
