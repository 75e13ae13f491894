//! [`IdTable`]: an id → dense index hash table that keeps each id's hash.
//!
//! A `HashMap<PledgeId, u32>` rehashes every id each time it grows, and an
//! id's text lives elsewhere on the heap, so growing a table of a million
//! ids read a million scattered strings: 11% of the thread that records a
//! CSV import at 1M rows. Keeping 32 bits of the hash in the slot, where
//! the map had 4 bytes of padding, lets the table grow without reading a
//! single id, at no cost in size: 16 bytes a slot for a shared id (one
//! pointer), 24 for a pledge id (16 bytes, its text inline).

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;

/// One id, its index and the 32 bits of its hash the table works from.
#[derive(Debug, Clone)]
struct Slot<K> {
    hash: u32,
    value: u32,
    key: K,
}

/// An id → index table with a random seed of its own (see
/// [`crate::hash`]).
#[derive(Clone)]
pub(crate) struct IdTable<K> {
    table: HashTable<Slot<K>>,
    seed: foldhash::quality::RandomState,
}

impl<K> Default for IdTable<K> {
    fn default() -> IdTable<K> {
        IdTable {
            table: HashTable::new(),
            seed: foldhash::quality::RandomState::default(),
        }
    }
}

impl<K: std::fmt::Debug> std::fmt::Debug for IdTable<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.table.iter().map(|s| (&s.key, s.value)))
            .finish()
    }
}

/// The table's hash of a slot holding `kept`: the 32 bits spread over 64
/// by an odd multiplier, so that the bucket (low bits) and the tag the
/// table compares first (top seven bits) both depend on all 32.
fn spread(kept: u32) -> u64 {
    u64::from(kept).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The 32 bits of a full hash that a slot keeps.
fn fold(full: u64) -> u32 {
    // Truncation intended: both halves are folded in first.
    (full ^ (full >> 32)) as u32
}

impl<K: Hash + Eq> IdTable<K> {
    fn kept_hash<Q: Hash + ?Sized>(&self, key: &Q) -> u32 {
        fold(self.seed.hash_one(key))
    }

    /// The slot of `key`.
    fn find<Q>(&self, key: &Q) -> Option<&Slot<K>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let kept = self.kept_hash(key);
        self.table
            .find(spread(kept), |s| s.hash == kept && s.key.borrow() == key)
    }

    /// The index of `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&u32>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).map(|s| &s.value)
    }

    /// The stored key equal to `key`, and its index.
    pub(crate) fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &u32)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).map(|s| (&s.key, &s.value))
    }

    /// True when `key` is in the table.
    pub(crate) fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).is_some()
    }

    /// Adds `key`, which the caller has checked is not in the table (a
    /// second probe to check again was a third of an insert's cost).
    pub(crate) fn insert_new(&mut self, key: K, value: u32) {
        let kept = self.kept_hash(&key);
        debug_assert!(self.table.find(spread(kept), |s| s.key == key).is_none());
        let slot = Slot {
            hash: kept,
            value,
            key,
        };
        self.table
            .insert_unique(spread(kept), slot, |s| spread(s.hash));
    }

    /// Adds `key` unless an equal id is there; true when it was added.
    /// One hash and one probe, where a lookup and then an insert took two.
    pub(crate) fn insert_if_absent(&mut self, key: K, value: u32) -> bool {
        let kept = self.kept_hash(&key);
        let entry = self.table.entry(
            spread(kept),
            |s| s.hash == kept && s.key == key,
            |s| spread(s.hash),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(vacant) => {
                vacant.insert(Slot {
                    hash: kept,
                    value,
                    key,
                });
                true
            }
        }
    }

    /// Removes `key`, returning its index.
    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<u32>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let kept = self.kept_hash(key);
        let entry = self
            .table
            .find_entry(spread(kept), |s| s.hash == kept && s.key.borrow() == key);
        entry.ok().map(|occupied| occupied.remove().0.value)
    }

    /// Makes room for `additional` more ids without growing.
    /// A room the allocator refuses is not reserved (see
    /// `Ledger::reserve`).
    pub(crate) fn reserve(&mut self, additional: usize) {
        let _hint = self.table.try_reserve(additional, |s| spread(s.hash));
    }

    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Moves every id of `other`, which holds none of this table's ids,
    /// in. The hashes are not reused: `other` has a seed of its own.
    pub(crate) fn absorb(&mut self, other: IdTable<K>) {
        self.reserve(other.len());
        for slot in other.table {
            self.insert_new(slot.key, slot.value);
        }
    }

    /// Copies every id of `other` in (see [`IdTable::absorb`]).
    pub(crate) fn absorb_copy(&mut self, other: &IdTable<K>)
    where
        K: Clone,
    {
        self.reserve(other.len());
        for slot in &other.table {
            self.insert_new(slot.key.clone(), slot.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_after_growth_removal_and_absorption() {
        let mut table: IdTable<String> = IdTable::default();
        for i in 0..50_000u32 {
            table.insert_new(format!("P{i:07}"), i);
        }
        assert_eq!(table.len(), 50_000);
        assert_eq!(table.get("P0004242"), Some(&4242));
        assert_eq!(
            table.get_key_value("P0000007"),
            Some((&"P0000007".to_owned(), &7))
        );
        assert!(!table.contains_key("P0050000"));
        assert_eq!(table.remove("P0000007"), Some(7));
        assert_eq!(table.remove("P0000007"), None);
        assert!(!table.contains_key("P0000007"));
        table.insert_new("P0000007".to_owned(), 70);
        assert_eq!(table.get("P0000007"), Some(&70));
        assert!(!table.insert_if_absent("P0000007".to_owned(), 71));
        assert_eq!(table.get("P0000007"), Some(&70));
        assert!(table.insert_if_absent("Q0".to_owned(), 72));
        assert_eq!(table.get("Q0"), Some(&72));
        assert_eq!(table.remove("Q0"), Some(72));
        assert_eq!(table.len(), 50_000);

        let mut other: IdTable<String> = IdTable::default();
        other.insert_new("Q1".to_owned(), 1);
        let mut copied = IdTable::default();
        copied.absorb_copy(&other);
        table.absorb(other);
        assert_eq!(table.get("Q1"), Some(&1));
        assert_eq!(copied.get("Q1"), Some(&1));
        assert_eq!(table.len(), 50_001);
        // Every id is still found after all the growth above.
        for i in (0..50_000u32).filter(|&i| i != 7) {
            assert_eq!(table.get(format!("P{i:07}").as_str()), Some(&i), "P{i:07}");
        }
    }

    #[test]
    fn the_kept_hash_reaches_the_tag_and_the_bucket() {
        // Ids that differ only in the top bits of their 32-bit hash must not
        // share both bucket and tag.
        assert_ne!(spread(1) >> 57, spread(1 << 31) >> 57);
        assert_ne!(spread(1) & 0xFFFF, spread(2) & 0xFFFF);
        assert_eq!(fold(0xFFFF_FFFF_0000_0000), 0xFFFF_FFFF);
    }
}
