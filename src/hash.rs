//! The hasher of the ledger's id indexes.
//!
//! Ids are short strings looked up several times per appended entry, where
//! std's `SipHash` costs more than the rest of the lookup. This is a
//! multiply-xor hash over eight bytes at a time with a strong final mix, in
//! the family of `FxHash`, seeded per index from std's random keys so that
//! which ids collide cannot be known in advance.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Builds [`IdHasher`]s with one random seed per index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdHashBuilder {
    seed: u64,
}

impl Default for IdHashBuilder {
    fn default() -> IdHashBuilder {
        IdHashBuilder {
            seed: std::collections::hash_map::RandomState::new().hash_one(0x636f_616c_u64),
        }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher { hash: self.seed }
    }
}

/// A seeded multiply-xor hasher for short keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdHasher {
    hash: u64,
}

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(23) ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser: every input bit reaches every output bit,
        // which the table's use of the top and bottom bits needs.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }
}

/// A map from ids to dense indexes.
pub(crate) type IdMap<K> = HashMap<K, u32, IdHashBuilder>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_lengths_matter() {
        let build = IdHashBuilder::default();
        assert_eq!(build.hash_one("DEU-mil-17"), build.hash_one("DEU-mil-17"));
        assert_ne!(build.hash_one("P0000001"), build.hash_one("P0000002"));
        assert_ne!(build.hash_one("ab"), build.hash_one("ab\0"));
        let mut map: IdMap<String> = IdMap::default();
        for i in 0..10_000u32 {
            map.insert(format!("P{i:07}"), i);
        }
        assert_eq!(map.get("P0004242"), Some(&4242));
    }
}
