//! Slippage (R16): none, a fixed number of pips, or a seeded random number of pips, always
//! against the trader. Random slips are keyed by the fill, not streamed from one generator:
//! each slipped fill draws from a fresh ChaCha8 generator seeded from
//! `(seed, symbol, timestamp_us, position_id, side)`, so a fill's slip never depends on what
//! else was simulated (or in which order, or in a batch or single calls).

use omega_core::{OmegaError, OmegaResult};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// FNV-1a 64-bit offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// How much worse than the reference price a market-type fill is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SlippageModel {
    /// No slippage.
    None,
    /// Always `pips · pip_size`.
    Fixed {
        /// Pips per fill (>= 0).
        pips: f64,
    },
    /// `u · max_pips · pip_size`, `u` uniform in [0, 1) from the keyed ChaCha8 generator.
    Random {
        /// Largest slip in pips (>= 0).
        max_pips: f64,
    },
}

impl SlippageModel {
    /// The parameter is finite and >= 0.
    pub fn validate(&self) -> OmegaResult<()> {
        let (name, value) = match *self {
            SlippageModel::None => return Ok(()),
            SlippageModel::Fixed { pips } => ("slippage_model.pips", pips),
            SlippageModel::Random { max_pips } => ("slippage_model.max_pips", max_pips),
        };
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(OmegaError::invalid_value(
                name,
                "a finite number of pips >= 0",
                value,
            ))
        }
    }

    /// The slip (>= 0, in price units) of one fill; `buys` is true when the fill buys (at the
    /// ask). The caller applies it against the trader.
    pub fn slip(&self, pip_size: f64, key: &FillKey<'_>) -> f64 {
        match *self {
            SlippageModel::None => 0.0,
            SlippageModel::Fixed { pips } => pips * pip_size,
            SlippageModel::Random { max_pips } => uniform(&key.seed_bytes()) * max_pips * pip_size,
        }
    }
}

/// What identifies one fill for the random generator.
#[derive(Debug, Clone, Copy)]
pub struct FillKey<'a> {
    /// The simulator's seed.
    pub seed: u64,
    /// Symbol.
    pub symbol: &'a str,
    /// Fill time, UTC µs.
    pub timestamp_us: i64,
    /// Position id.
    pub position_id: u64,
    /// The fill buys (at the ask): a long's entry or a short's exit.
    pub buys: bool,
}

impl FillKey<'_> {
    /// The 32-byte ChaCha seed: little-endian `seed`, `fnv1a64(symbol)`, `timestamp_us`,
    /// `2 · position_id + side` (side 1 = buys).
    pub fn seed_bytes(&self) -> [u8; 32] {
        let words = [
            self.seed,
            fnv1a64(self.symbol.as_bytes()),
            // Two's complement: the bit pattern of the timestamp.
            u64::from_le_bytes(self.timestamp_us.to_le_bytes()),
            self.position_id
                .wrapping_mul(2)
                .wrapping_add(u64::from(self.buys)),
        ];
        let mut bytes = [0_u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }
}

/// FNV-1a 64-bit hash.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash = FNV_OFFSET;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// A uniform number in [0, 1): the top 53 bits of the first `next_u64` of
/// `ChaCha8Rng::from_seed(seed)`, times 2^-53.
pub fn uniform(seed: &[u8; 32]) -> f64 {
    let mut rng = ChaCha8Rng::from_seed(*seed);
    // Exact: a 53-bit integer converts to f64 without rounding; 2^-53 is a power of two.
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_shared_with_the_python_fallback() {
        let mut seed = [0_u8; 32];
        for (i, b) in seed.iter_mut().enumerate() {
            *b = u8::try_from(i).unwrap_or(0);
        }
        let mut rng = ChaCha8Rng::from_seed(seed);
        assert_eq!(rng.next_u64(), 0x6aab_126e_8fb2_1540);
        assert_eq!(fnv1a64(b""), FNV_OFFSET);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"EURUSD"), 0xdb33_6730_c1b6_0001);
        let key = FillKey {
            seed: 42,
            symbol: "EURUSD",
            timestamp_us: 1_700_000_000_000_000,
            position_id: 7,
            buys: true,
        };
        let u = uniform(&key.seed_bytes());
        assert!((0.0..1.0).contains(&u));
        assert_eq!(u, 0.532_067_623_134_928_1);
        let model = SlippageModel::Random { max_pips: 2.0 };
        assert_eq!(model.slip(0.0001, &key), u * 2.0 * 0.0001);
        let sell = FillKey { buys: false, ..key };
        assert_ne!(uniform(&sell.seed_bytes()), u);
    }

    #[test]
    fn fixed_and_none_and_validation() {
        let key = FillKey {
            seed: 0,
            symbol: "X",
            timestamp_us: -5,
            position_id: 1,
            buys: false,
        };
        assert_eq!(SlippageModel::None.slip(0.0001, &key), 0.0);
        assert_eq!(
            SlippageModel::Fixed { pips: 0.5 }.slip(0.0001, &key),
            0.5 * 0.0001
        );
        assert!(SlippageModel::Fixed { pips: -0.1 }.validate().is_err());
        assert!(
            SlippageModel::Random {
                max_pips: f64::INFINITY
            }
            .validate()
            .is_err()
        );
        assert_eq!(key.seed_bytes()[16..24], (-5_i64).to_le_bytes());
    }
}
