//! The strategies this crate implements, by name, so Python finds a Rust strategy from its
//! class name (`omega_strategy._rust.strategy_names()`; ADR-0006's registry).

use omega_core::{OmegaError, OmegaResult};

use crate::mean_reversion_z_score::{self, MeanReversionZScore};
use crate::signal_strategy::{self, SignalStrategy};
use crate::strategy::Strategy;

/// Named arrays a strategy may take besides its JSON config (borrowed numpy arrays in Python).
#[derive(Debug, Clone, Default)]
pub struct StrategyInputs<'a> {
    /// Boolean arrays, e.g. entry masks.
    pub bools: Vec<(&'a str, &'a [bool])>,
    /// Float arrays, e.g. limit prices.
    pub floats: Vec<(&'a str, &'a [f64])>,
}

impl<'a> StrategyInputs<'a> {
    /// The boolean array `name`, if given.
    pub fn bool_array(&self, name: &str) -> Option<&'a [bool]> {
        self.bools.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
    }

    /// The float array `name`, if given.
    pub fn float_array(&self, name: &str) -> Option<&'a [f64]> {
        self.floats
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }

    fn is_empty(&self) -> bool {
        self.bools.is_empty() && self.floats.is_empty()
    }
}

/// Builds a strategy from its `init_args` JSON and arrays.
pub type Constructor = for<'a> fn(&str, &StrategyInputs<'a>) -> OmegaResult<Box<dyn Strategy + 'a>>;

/// One registered strategy.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    /// The name Python uses (the class name).
    pub name: &'static str,
    /// The constructor.
    pub constructor: Constructor,
}

fn mean_reversion<'a>(
    init_args: &str,
    inputs: &StrategyInputs<'a>,
) -> OmegaResult<Box<dyn Strategy + 'a>> {
    if !inputs.is_empty() {
        return Err(OmegaError::invalid_value(
            "arrays",
            format!("no arrays for {}", mean_reversion_z_score::NAME),
            "arrays",
        ));
    }
    Ok(Box::new(MeanReversionZScore::from_json(init_args)?))
}

fn signal<'a>(init_args: &str, inputs: &StrategyInputs<'a>) -> OmegaResult<Box<dyn Strategy + 'a>> {
    Ok(Box::new(SignalStrategy::from_json(init_args, inputs)?))
}

/// Every registered strategy.
pub const REGISTRY: &[Registration] = &[
    Registration {
        name: mean_reversion_z_score::NAME,
        constructor: mean_reversion,
    },
    Registration {
        name: signal_strategy::NAME,
        constructor: signal,
    },
];

/// Names of the registered strategies.
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.name).collect()
}

/// The strategy `name` built from `init_args` (JSON object text) and `inputs`.
pub fn create<'a>(
    name: &str,
    init_args: &str,
    inputs: &StrategyInputs<'a>,
) -> OmegaResult<Box<dyn Strategy + 'a>> {
    let registration = REGISTRY.iter().find(|r| r.name == name).ok_or_else(|| {
        OmegaError::invalid_value(
            "strategy",
            format!("one of the Rust strategies {}", names().join(", ")),
            format!("'{name}'"),
        )
    })?;
    (registration.constructor)(init_args, inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_strategies_by_name() {
        assert_eq!(names(), ["MeanReversionZScore", "SignalStrategy"]);
        let s = create("MeanReversionZScore", "{}", &StrategyInputs::default()).unwrap();
        assert_eq!(s.name(), "MeanReversionZScore");
        let err = create("Nope", "{}", &StrategyInputs::default())
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "strategy: expected one of the Rust strategies MeanReversionZScore, SignalStrategy, \
             got 'Nope'"
        );
    }
}
