//! Contract specification of one tradable symbol: price grid, money value of a price move,
//! volume limits and currencies.
//!
//! Shared by the portfolio (PnL in account currency) and the execution simulator (lot sizing,
//! pip buffers). Plain data; [`SymbolSpec::validate`] checks it.

use crate::error::{OmegaError, OmegaResult};

/// The specification of one symbol.
///
/// The money value of a price move of 1.0 for one lot (`value_per_price`) is
/// `tick_value / tick_size` when `tick_value` is given (then `tick_value` is in the account
/// currency), else `contract_size` (then in the quote currency, which must be the account
/// currency: there is no FX conversion).
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolSpec {
    /// Symbol name, e.g. `EURUSD`.
    pub symbol: String,
    /// Size of one pip in price units (e.g. `0.0001` for EURUSD).
    pub pip_size: f64,
    /// Smallest price increment (e.g. `0.00001`).
    pub tick_size: f64,
    /// Money value of a one-tick move for one lot, in `account_currency`.
    pub tick_value: Option<f64>,
    /// Units of the base asset per lot (e.g. `100000` for FX).
    pub contract_size: Option<f64>,
    /// Smallest tradable size in lots (0 = no minimum).
    pub volume_min: f64,
    /// Largest tradable size in lots (`f64::INFINITY` = no maximum).
    pub volume_max: f64,
    /// Lot granularity (0 = continuous).
    pub volume_step: f64,
    /// Base currency (`""` = not specified).
    pub base_currency: String,
    /// Quote (price) currency (`""` = not specified, taken to be the account currency).
    pub quote_currency: String,
    /// Currency `tick_value` is expressed in (`""` = not specified, taken to be the account
    /// currency).
    pub account_currency: String,
}

impl SymbolSpec {
    /// A spec with the given tick size and everything else open: `pip_size = tick_size`, no
    /// `tick_value`/`contract_size` yet, no volume limits, currencies unspecified.
    pub fn new(symbol: impl Into<String>, tick_size: f64) -> Self {
        Self {
            symbol: symbol.into(),
            pip_size: tick_size,
            tick_size,
            tick_value: None,
            contract_size: None,
            volume_min: 0.0,
            volume_max: f64::INFINITY,
            volume_step: 0.0,
            base_currency: String::new(),
            quote_currency: String::new(),
            account_currency: String::new(),
        }
    }

    /// Sets `tick_value` (money per tick per lot, in the account currency).
    pub fn with_tick_value(mut self, tick_value: f64) -> Self {
        self.tick_value = Some(tick_value);
        self
    }

    /// Sets `contract_size` (base units per lot).
    pub fn with_contract_size(mut self, contract_size: f64) -> Self {
        self.contract_size = Some(contract_size);
        self
    }

    /// Sets `pip_size`.
    pub fn with_pip_size(mut self, pip_size: f64) -> Self {
        self.pip_size = pip_size;
        self
    }

    /// Sets the volume limits in lots.
    pub fn with_volume(mut self, min: f64, max: f64, step: f64) -> Self {
        (self.volume_min, self.volume_max, self.volume_step) = (min, max, step);
        self
    }

    /// Sets base, quote and tick-value currencies.
    pub fn with_currencies(
        mut self,
        base: impl Into<String>,
        quote: impl Into<String>,
        account: impl Into<String>,
    ) -> Self {
        self.base_currency = base.into();
        self.quote_currency = quote.into();
        self.account_currency = account.into();
        self
    }

    fn field(&self, field: &str) -> String {
        format!("symbol_specs[{}].{field}", self.symbol)
    }

    /// Checks every field; the error names the symbol and the field.
    pub fn validate(&self) -> OmegaResult<()> {
        if self.symbol.is_empty() {
            return Err(OmegaError::invalid_value(
                "symbol_specs",
                "a non-empty symbol name",
                "''",
            ));
        }
        let positive = "a finite number > 0";
        for (name, value) in [("tick_size", self.tick_size), ("pip_size", self.pip_size)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(OmegaError::invalid_value(self.field(name), positive, value));
            }
        }
        for (name, value) in [
            ("tick_value", self.tick_value),
            ("contract_size", self.contract_size),
        ] {
            match value {
                Some(v) if !(v.is_finite() && v > 0.0) => {
                    return Err(OmegaError::invalid_value(self.field(name), positive, v));
                }
                _ => {}
            }
        }
        if self.tick_value.is_none() && self.contract_size.is_none() {
            return Err(OmegaError::invalid_value(
                self.field("tick_value"),
                "a tick_value or a contract_size (the money value of a price move)",
                "neither",
            ));
        }
        let non_negative = "a finite number >= 0";
        for (name, value) in [
            ("volume_min", self.volume_min),
            ("volume_step", self.volume_step),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(OmegaError::invalid_value(
                    self.field(name),
                    non_negative,
                    value,
                ));
            }
        }
        if !(self.volume_max > 0.0 && self.volume_max >= self.volume_min) {
            return Err(OmegaError::invalid_value(
                self.field("volume_max"),
                format!("a number > 0 and >= volume_min {}", self.volume_min),
                self.volume_max,
            ));
        }
        Ok(())
    }

    /// Money value, in `account_currency`, of a price move of 1.0 for one lot.
    ///
    /// `tick_value / tick_size` when `tick_value` is given (its currency, if specified, must be
    /// `account_currency`); else `contract_size`, whose money is in the quote currency, which
    /// then must be `account_currency` or unspecified (there is no FX conversion).
    pub fn value_per_price(&self, account_currency: &str) -> OmegaResult<f64> {
        self.validate()?;
        let value = if let Some(tick_value) = self.tick_value {
            if !self.account_currency.is_empty() && self.account_currency != account_currency {
                return Err(OmegaError::invalid_value(
                    self.field("account_currency"),
                    format!("the account currency '{account_currency}' (tick_value is in it)"),
                    format!("'{}'", self.account_currency),
                ));
            }
            tick_value / self.tick_size
        } else {
            if !self.quote_currency.is_empty() && self.quote_currency != account_currency {
                return Err(OmegaError::invalid_value(
                    self.field("quote_currency"),
                    format!(
                        "the account currency '{account_currency}' when PnL comes from \
                         contract_size (no FX conversion; give tick_value in \
                         {account_currency} instead)"
                    ),
                    format!("'{}'", self.quote_currency),
                ));
            }
            // validate() guarantees one of the two is present.
            self.contract_size.unwrap_or(f64::NAN)
        };
        if !value.is_finite() {
            return Err(OmegaError::invalid_value(
                self.field("tick_value"),
                "tick_value / tick_size to be finite",
                value,
            ));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eurusd() -> SymbolSpec {
        SymbolSpec::new("EURUSD", 0.00001)
            .with_pip_size(0.0001)
            .with_tick_value(1.0)
            .with_contract_size(100_000.0)
            .with_volume(0.01, 100.0, 0.01)
            .with_currencies("EUR", "USD", "USD")
    }

    #[test]
    fn tick_value_takes_precedence_over_contract_size() {
        assert_eq!(eurusd().value_per_price("USD"), Ok(1.0 / 0.00001));
        let mut spec = eurusd();
        spec.tick_value = None;
        assert_eq!(spec.value_per_price("USD"), Ok(100_000.0));
    }

    #[test]
    fn currencies_must_match_the_account() {
        let err = eurusd().value_per_price("EUR").unwrap_err();
        assert_eq!(
            err.to_string(),
            "symbol_specs[EURUSD].account_currency: expected the account currency 'EUR' \
             (tick_value is in it), got 'USD'"
        );
        let mut spec = eurusd();
        spec.tick_value = None;
        spec.quote_currency = "JPY".into();
        let err = spec.value_per_price("USD").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("symbol_specs[EURUSD].quote_currency: expected the account")
        );
        spec.quote_currency = String::new();
        assert_eq!(spec.value_per_price("USD"), Ok(100_000.0));
    }

    #[test]
    fn validation_names_symbol_and_field() {
        let mut spec = eurusd();
        spec.tick_size = 0.0;
        assert_eq!(
            spec.validate().unwrap_err().to_string(),
            "symbol_specs[EURUSD].tick_size: expected a finite number > 0, got 0"
        );
        let mut spec = eurusd();
        (spec.tick_value, spec.contract_size) = (None, None);
        assert!(spec.validate().is_err());
        let mut spec = eurusd();
        spec.volume_max = 0.001;
        assert!(spec.validate().is_err());
        let mut spec = eurusd();
        spec.volume_step = f64::NAN;
        assert!(spec.validate().is_err());
        let mut spec = eurusd();
        spec.tick_value = Some(-1.0);
        assert!(spec.validate().is_err());
        assert!(
            SymbolSpec::new("", 0.1)
                .with_tick_value(1.0)
                .validate()
                .is_err()
        );
        assert_eq!(eurusd().validate(), Ok(()));
    }

    #[test]
    fn infinite_value_per_price_is_rejected() {
        let spec = SymbolSpec::new("X", 1e-300).with_tick_value(1e300);
        assert!(spec.value_per_price("USD").is_err());
    }
}
