//! Commissions (R17): per lot, a rate of the notional, a minimum; charged per side.

use omega_core::{OmegaError, OmegaResult};

/// `fee = max(per_lot · size + rate · notional, minimum)` with `notional = size · |price| ·
/// vpp`, charged on the entry and again on the exit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeeModel {
    /// Money per lot per side.
    pub per_lot: f64,
    /// Fraction of the notional per side (e.g. 0.0005 = 5 bp).
    pub rate: f64,
    /// Smallest fee per side.
    pub minimum: f64,
}

impl FeeModel {
    /// A model charging `per_lot` per lot and side.
    pub fn per_lot(per_lot: f64) -> Self {
        Self {
            per_lot,
            rate: 0.0,
            minimum: 0.0,
        }
    }

    /// A model charging `rate` of the notional per side, at least `minimum`.
    pub fn rate(rate: f64, minimum: f64) -> Self {
        Self {
            per_lot: 0.0,
            rate,
            minimum,
        }
    }

    /// Every parameter finite and >= 0.
    pub fn validate(&self) -> OmegaResult<()> {
        for (name, value) in [
            ("fee_model.per_lot", self.per_lot),
            ("fee_model.rate", self.rate),
            ("fee_model.minimum", self.minimum),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(OmegaError::invalid_value(
                    name,
                    "a finite number >= 0",
                    value,
                ));
            }
        }
        Ok(())
    }

    /// The fee of one side: `size` lots at `price` with `vpp` money per 1.0 per lot.
    pub fn fee(&self, size: f64, price: f64, vpp: f64) -> f64 {
        let notional = size * price.abs() * vpp;
        let fee = self.per_lot * size + self.rate * notional;
        if fee < self.minimum {
            self.minimum
        } else {
            fee
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_lot_rate_and_minimum() {
        assert_eq!(FeeModel::per_lot(3.5).fee(0.5, 1.1, 100_000.0), 1.75);
        let shares = FeeModel::rate(0.0005, 1.0);
        assert!((shares.fee(66.0, 50.0, 1.0) - 1.65).abs() < 1e-12);
        assert!((shares.fee(66.0, 51.0, 1.0) - 1.683).abs() < 1e-12);
        assert_eq!(shares.fee(10.0, 50.0, 1.0), 1.0);
        assert!((shares.fee(10.0, -50.0, 1.0) - 1.0).abs() < 1e-12);
        assert!(FeeModel::per_lot(-1.0).validate().is_err());
        assert!(FeeModel::rate(f64::NAN, 0.0).validate().is_err());
        assert_eq!(FeeModel::rate(0.001, 0.0).validate(), Ok(()));
    }
}
