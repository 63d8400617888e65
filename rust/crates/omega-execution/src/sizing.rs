//! Position size at the fill (R15): by risk, fixed lots or a fraction of equity; floored to the
//! volume step, capped at the maximum, never rounded up to the minimum.

use omega_core::{OmegaError, OmegaResult, SymbolSpec};
use omega_portfolio::pnl;

/// Added to the raw size before flooring, so `0.3 / 0.01` (29.999…) floors to 30 steps.
pub const GUARD: f64 = 1e-12;

/// How many lots a fill gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sizing {
    /// `risk_per_trade / (|fill − sl| · vpp)`: the money lost at the stop is `risk_per_trade`.
    Risk,
    /// A fixed number of lots (shares for a share).
    FixedLots(f64),
    /// `(fraction · equity) / (|fill| · vpp)`: a notional worth `fraction` of the equity.
    FractionOfEquity(f64),
}

impl Sizing {
    /// Whether signals must carry a stop loss.
    pub fn needs_sl(self) -> bool {
        matches!(self, Sizing::Risk)
    }

    /// Whether sizing reads the portfolio's equity.
    pub fn needs_equity(self) -> bool {
        matches!(self, Sizing::FractionOfEquity(_))
    }

    /// The parameter is a finite number > 0.
    pub fn validate(self) -> OmegaResult<()> {
        let (name, value) = match self {
            Sizing::Risk => return Ok(()),
            Sizing::FixedLots(lots) => ("sizing.lots", lots),
            Sizing::FractionOfEquity(fraction) => ("sizing.fraction", fraction),
        };
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(OmegaError::invalid_value(
                name,
                "a finite number > 0",
                value,
            ))
        }
    }
}

/// The outcome of sizing one fill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SizeOutcome {
    /// Lots to trade.
    Lots(f64),
    /// The floored size is below `volume_min` (or zero): the order is rejected.
    BelowMinimum,
    /// The size or its money values are not finite: the order is rejected.
    Invalid,
}

/// `floor(x · 1e8 + 0.5) / 1e8`: removes binary noise (0.30000000000000004 → 0.3).
pub fn round8(x: f64) -> f64 {
    (x * 1e8 + 0.5).floor() / 1e8
}

/// Floors `raw` to the spec's volume grid, caps it at `volume_max`; `None` below the minimum.
pub fn quantize(raw: f64, spec: &SymbolSpec) -> Option<f64> {
    let mut lots = if spec.volume_step > 0.0 {
        round8(((raw + GUARD) / spec.volume_step).floor() * spec.volume_step)
    } else {
        raw
    };
    if lots > spec.volume_max {
        lots = spec.volume_max;
    }
    if lots >= spec.volume_min && lots > 0.0 {
        Some(lots)
    } else {
        None
    }
}

/// Everything sizing needs about one fill.
#[derive(Debug, Clone, Copy)]
pub struct FillContext {
    /// Fill price, real (slippage included).
    pub fill: f64,
    /// Distance from the fill to the stop (> 0), when there is a stop.
    pub stop_distance: Option<f64>,
    /// Money value of a 1.0 move for one lot.
    pub vpp: f64,
    /// Portfolio equity (only read by [`Sizing::FractionOfEquity`]).
    pub equity: f64,
}

/// The size of a fill under `sizing` (R15), checked the way the portfolio will check it.
pub fn size(
    sizing: Sizing,
    risk_per_trade: f64,
    fill: &FillContext,
    spec: &SymbolSpec,
) -> SizeOutcome {
    let raw = match sizing {
        Sizing::Risk => match fill.stop_distance {
            Some(distance) => risk_per_trade / (distance * fill.vpp),
            None => return SizeOutcome::Invalid,
        },
        Sizing::FixedLots(lots) => lots,
        Sizing::FractionOfEquity(fraction) => {
            (fraction * fill.equity) / (fill.fill.abs() * fill.vpp)
        }
    };
    if !raw.is_finite() {
        return SizeOutcome::Invalid;
    }
    let Some(lots) = quantize(raw, spec) else {
        return SizeOutcome::BelowMinimum;
    };
    // What the portfolio requires of a new position (omega_portfolio::Portfolio::register_entry).
    let value = lots * fill.vpp;
    if !(lots.is_finite() && value.is_finite()) {
        return SizeOutcome::Invalid;
    }
    if let Some(distance) = fill.stop_distance {
        let risk = distance.abs() * value;
        if !(risk.is_finite() && risk > 0.0) {
            return SizeOutcome::Invalid;
        }
    }
    SizeOutcome::Lots(lots)
}

/// The portfolio's initial risk of a position (for tests and documentation).
pub fn money_at_risk(entry: f64, stop: f64, lots: f64, vpp: f64) -> f64 {
    pnl::initial_risk(entry, stop, lots, vpp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eurusd() -> SymbolSpec {
        SymbolSpec::new("EURUSD", 0.00001)
            .with_pip_size(0.0001)
            .with_tick_value(1.0)
            .with_volume(0.01, 100.0, 0.01)
    }

    fn ctx(fill: f64, sl: f64) -> FillContext {
        FillContext {
            fill,
            stop_distance: Some(fill - sl),
            vpp: 1.0 / 0.00001,
            equity: 10_000.0,
        }
    }

    #[test]
    fn risk_sizing_floors_to_the_step_and_never_over_risks() {
        let spec = eurusd();
        assert_eq!(
            size(Sizing::Risk, 100.0, &ctx(1.1, 1.098), &spec),
            SizeOutcome::Lots(0.5)
        );
        assert_eq!(
            size(Sizing::Risk, 100.0, &ctx(1.1, 1.0987), &spec),
            SizeOutcome::Lots(0.76)
        );
        assert_eq!(
            size(Sizing::Risk, 100.0, &ctx(1.10003, 1.099), &spec),
            SizeOutcome::Lots(0.97)
        );
        assert_eq!(
            size(Sizing::Risk, 100.0, &ctx(1.1, 0.6), &spec),
            SizeOutcome::BelowMinimum
        );
        for distance_pips in 1..500 {
            let sl = 1.1 - f64::from(distance_pips) * 0.0001;
            if let SizeOutcome::Lots(lots) = size(Sizing::Risk, 100.0, &ctx(1.1, sl), &spec) {
                assert!(money_at_risk(1.1, sl, lots, 1.0 / 0.00001) <= 100.0 * (1.0 + 1e-9));
            }
        }
    }

    #[test]
    fn quantize_handles_binary_noise_caps_and_continuous_volumes() {
        let spec = eurusd();
        assert_eq!(quantize(0.3, &spec), Some(0.3));
        assert_eq!(quantize(0.299_999_999_999_9, &spec), Some(0.3));
        assert_eq!(quantize(0.009, &spec), None);
        assert_eq!(quantize(1e6, &spec), Some(100.0));
        let shares = SymbolSpec::new("ACME", 0.01)
            .with_contract_size(1.0)
            .with_volume(1.0, 1e6, 1.0);
        assert_eq!(quantize(66.666, &shares), Some(66.0));
        let continuous = SymbolSpec::new("BTC", 0.01).with_contract_size(1.0);
        assert_eq!(quantize(0.123_456_789, &continuous), Some(0.123_456_789));
        assert_eq!(quantize(0.0, &continuous), None);
        assert_eq!(quantize(f64::NAN, &continuous), None);
    }

    #[test]
    fn fixed_and_fraction_of_equity() {
        let shares = SymbolSpec::new("ACME", 0.01)
            .with_contract_size(1.0)
            .with_volume(1.0, 1e6, 1.0);
        let c = FillContext {
            fill: 50.0,
            stop_distance: None,
            vpp: 1.0,
            equity: 10_000.0,
        };
        assert_eq!(
            size(Sizing::FractionOfEquity(0.1), 100.0, &c, &shares),
            SizeOutcome::Lots(20.0)
        );
        assert_eq!(
            size(Sizing::FixedLots(7.0), 100.0, &c, &shares),
            SizeOutcome::Lots(7.0)
        );
        assert_eq!(
            size(Sizing::FixedLots(0.5), 100.0, &c, &shares),
            SizeOutcome::BelowMinimum
        );
        assert_eq!(size(Sizing::Risk, 100.0, &c, &shares), SizeOutcome::Invalid);
        assert!(Sizing::FixedLots(-1.0).validate().is_err());
        assert!(Sizing::FractionOfEquity(f64::NAN).validate().is_err());
        assert!(Sizing::Risk.needs_sl() && !Sizing::FixedLots(1.0).needs_sl());
    }
}
