//! Shared types of the Omega stack.
//!
//! Every core crate (`omega-indicators`, `omega-execution`, `omega-portfolio`,
//! `omega-strategy`) builds on these; none of them imports PyO3. The binding crates map
//! [`OmegaError`] onto Python exceptions through `omega-core-py`.

pub mod direction;
pub mod error;
pub mod fast_map;
pub mod label;
pub mod ohlcv;
pub mod side;
pub mod symbol_spec;
pub mod timeframe;

pub use direction::Direction;
pub use error::{ErrorKind, OmegaError, OmegaResult};
pub use fast_map::{FastHasher, FastMap};
pub use label::{Label, LabelPool};
pub use ohlcv::OhlcvColumns;
pub use side::Side;
pub use symbol_spec::SymbolSpec;
pub use timeframe::Timeframe;
