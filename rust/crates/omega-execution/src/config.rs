//! The simulator's configuration (DESIGN §7) and its checks.

use std::str::FromStr;

use omega_core::{OmegaError, OmegaResult};

use crate::fees::FeeModel;
use crate::path::IntrabarPolicy;
use crate::sizing::Sizing;
use crate::slippage::SlippageModel;

/// When a market order fills in candle mode (R4, R5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FillAt {
    /// At once, at `signal.entry` (the signal bar's close): the seeds' behaviour.
    SignalClose,
    /// At the next bar's open.
    NextOpen,
}

impl FillAt {
    /// `signal_close` or `next_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            FillAt::SignalClose => "signal_close",
            FillAt::NextOpen => "next_open",
        }
    }
}

impl FromStr for FillAt {
    type Err = OmegaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "signal_close" => Ok(FillAt::SignalClose),
            "next_open" => Ok(FillAt::NextOpen),
            _ => Err(OmegaError::invalid_value(
                "fill_at",
                "one of 'signal_close', 'next_open'",
                format!("'{s}'"),
            )),
        }
    }
}

/// Largest accepted timeout, µs (keeps `fill time + timeout` inside i64).
pub const MAX_TIMEOUT_US: i64 = 1 << 62;

/// Everything that shapes fills, besides the symbol specs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulatorConfig {
    /// Money at risk to the stop per trade (risk sizing), > 0.
    pub risk_per_trade: f64,
    /// `pip_buffer = pip_size · pip_buffer_factor` (>= 0) widens SL/TP detection.
    pub pip_buffer_factor: f64,
    /// Stop vs target inside one bar.
    pub intrabar_policy: IntrabarPolicy,
    /// Market-order fill timing in candle mode.
    pub fill_at: FillAt,
    /// Position sizing.
    pub sizing: Sizing,
    /// Slippage of market-type fills.
    pub slippage: SlippageModel,
    /// Commission per side (`None`: no fee calls).
    pub fees: Option<FeeModel>,
    /// Seed of the random slippage.
    pub seed: u64,
    /// Close open positions this long (µs, > 0) after their fill.
    pub timeout_us: Option<i64>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            risk_per_trade: 100.0,
            pip_buffer_factor: 0.5,
            intrabar_policy: IntrabarPolicy::Pessimistic,
            fill_at: FillAt::SignalClose,
            sizing: Sizing::Risk,
            slippage: SlippageModel::None,
            fees: None,
            seed: 0,
            timeout_us: None,
        }
    }
}

impl SimulatorConfig {
    /// Checks every parameter; the error names it.
    pub fn validate(&self) -> OmegaResult<()> {
        if !(self.risk_per_trade.is_finite() && self.risk_per_trade > 0.0) {
            return Err(OmegaError::invalid_value(
                "risk_per_trade",
                "a finite amount > 0",
                self.risk_per_trade,
            ));
        }
        if !(self.pip_buffer_factor.is_finite() && self.pip_buffer_factor >= 0.0) {
            return Err(OmegaError::invalid_value(
                "pip_buffer_factor",
                "a finite number >= 0",
                self.pip_buffer_factor,
            ));
        }
        self.sizing.validate()?;
        self.slippage.validate()?;
        if let Some(fees) = &self.fees {
            fees.validate()?;
        }
        if let Some(timeout) = self.timeout_us {
            if !(timeout > 0 && timeout <= MAX_TIMEOUT_US) {
                return Err(OmegaError::invalid_value(
                    "timeout",
                    format!("a duration > 0 and <= {MAX_TIMEOUT_US} µs, or None"),
                    timeout,
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert_eq!(SimulatorConfig::default().validate(), Ok(()));
        let bad = SimulatorConfig {
            risk_per_trade: -1.0,
            ..SimulatorConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "risk_per_trade: expected a finite amount > 0, got -1"
        );
        let bad = SimulatorConfig {
            timeout_us: Some(0),
            ..SimulatorConfig::default()
        };
        assert!(bad.validate().is_err());
        let bad = SimulatorConfig {
            pip_buffer_factor: f64::NAN,
            ..SimulatorConfig::default()
        };
        assert!(bad.validate().is_err());
        assert_eq!("next_open".parse::<FillAt>(), Ok(FillAt::NextOpen));
        assert_eq!(
            "close".parse::<FillAt>().unwrap_err().to_string(),
            "fill_at: expected one of 'signal_close', 'next_open', got 'close'"
        );
    }
}
