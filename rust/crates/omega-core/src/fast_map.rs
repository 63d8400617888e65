//! Hash maps keyed by values the program chooses itself (position ids, registered symbol
//! names), with a hasher of one multiplication per word instead of SipHash: SipHash protects
//! against keys crafted to collide, which buys nothing here and costs a few tens of ns per
//! lookup on the execution hot path.
//!
//! No result depends on a map's iteration order: these maps are only looked up.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// `(state.rotl(5) ^ word) * K` per 8-byte word (Fibonacci hashing, as in FxHash); `finish`
/// folds the high half into the low half so both the bucket index (low bits) and the tag
/// (high bits) depend on every word.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Byte by byte (at most 7): a variable-length copy would be a call to memcpy.
            let mut word = (rest.len() as u64) << 56; // "a" and "a\0" differ
            for (i, &b) in rest.iter().enumerate() {
                word |= u64::from(b) << (8 * i);
            }
            self.add(word);
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_found_again() {
        let mut ids: FastMap<u64, usize> = FastMap::default();
        let mut names: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000_u64 {
            ids.insert(i * 7 + 1, i as usize);
            names.insert(format!("SYM{i}"), i as usize);
        }
        for i in 0..10_000_u64 {
            assert_eq!(ids.get(&(i * 7 + 1)), Some(&(i as usize)));
            assert_eq!(names.get(format!("SYM{i}").as_str()), Some(&(i as usize)));
        }
        assert_eq!(ids.get(&0), None);
        assert_eq!(names.get("EURUSD"), None);
    }

    #[test]
    fn strings_differing_only_in_their_tail_hash_differently() {
        let hash = |s: &str| {
            let mut h = FastHasher::default();
            h.write(s.as_bytes());
            h.write_u8(0xff);
            h.finish()
        };
        assert_ne!(hash("EURUSD"), hash("EURUSE"));
        assert_ne!(hash("EURUSD.a"), hash("EURUSD.b"));
        assert_ne!(hash(""), hash("\0"));
    }
}
