//! [`SharedIndex`]: an id index whose clone is cheap.
//!
//! The index is a stack of hash maps behind `Arc`s, largest and oldest
//! first, each at most half the size of the one below it (like the levels
//! of a log-structured merge tree). Inserts go to the small top map; when
//! it fills, it is merged into the levels below, so each id is copied
//! O(log n) times over the life of the index. A clone copies one pointer
//! per level (about log2(n / TOP) of them), and a snapshot sharing a level
//! only costs a copy of the levels that a later merge rewrites. Lookups
//! probe each level, newest first; ids are never removed or remapped, so
//! at most one level holds a given id.
//!
//! A level no clone shares is merged into whatever its size, and a lone
//! level no clone shares takes inserts itself: while no snapshot is alive
//! the index is one map, so a lookup probes one map and an id is hashed and
//! placed once. (At 1M pledges the geometric stack had about eight levels,
//! and an id not yet recorded missed in each: the pledge index was 6% of
//! `record`.)

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::Arc;

use super::id_table::IdTable;

/// Entries the top level holds before it is merged down.
const TOP: usize = 4096;

/// An id → index map made of shared levels.
#[derive(Debug, Clone)]
pub(crate) struct SharedIndex<K> {
    /// Oldest and largest first.
    levels: Vec<Arc<IdTable<K>>>,
    len: usize,
}

impl<K> Default for SharedIndex<K> {
    fn default() -> SharedIndex<K> {
        SharedIndex {
            levels: Vec::new(),
            len: 0,
        }
    }
}

impl<K: Hash + Eq + Clone> SharedIndex<K> {
    /// The index of `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&u32>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.levels.iter().rev().find_map(|level| level.get(key))
    }

    /// The stored key equal to `key`, and its index.
    pub(crate) fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &u32)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.levels
            .iter()
            .rev()
            .find_map(|level| level.get_key_value(key))
    }

    /// True when `key` is in the index.
    pub(crate) fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Number of ids.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds a new id (the caller has checked that it is not present).
    pub(crate) fn insert(&mut self, key: K, value: u32) {
        let top_full = self.levels.last().is_none_or(|top| top.len() >= TOP);
        if top_full {
            self.merge_down();
        }
        // A lone level no clone shares takes the key itself: a top level is
        // only there to keep a write after a clone small, and going through
        // it hashed and placed every id twice.
        if let [only] = self.levels.as_mut_slice() {
            if let Some(map) = Arc::get_mut(only) {
                map.insert_new(key, value);
                self.len = self.len.saturating_add(1);
                return;
            }
        }
        if top_full || self.levels.len() < 2 {
            // Sized for a full top level, so that it never rehashes while
            // filling (rehashing was 3% of a journal batch at 1M pledges).
            let mut top = IdTable::default();
            top.reserve(TOP);
            self.levels.push(Arc::new(top));
        }
        if let Some(top) = self.levels.last_mut() {
            Arc::make_mut(top).insert_new(key, value);
        }
        self.len = self.len.saturating_add(1);
    }

    /// Makes room for `additional` more ids in the bottom level when no
    /// clone shares it, so that a bulk load rehashes it once.
    pub(crate) fn reserve(&mut self, additional: usize) {
        if self.levels.is_empty() {
            self.levels.push(Arc::new(IdTable::default()));
        }
        if let Some(bottom) = self.levels.first_mut() {
            if let Some(map) = Arc::get_mut(bottom) {
                map.reserve(additional);
            }
        }
    }

    /// Removes `key` (undoing an insert when a batch is rolled back). The
    /// level holding it is copied first if a clone shares it: rare, since
    /// a rolled-back id is almost always still in the small top level.
    pub(crate) fn remove<Q>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let holder = self.levels.iter_mut().rev().find(|l| l.contains_key(key));
        if let Some(level) = holder {
            if Arc::make_mut(level).remove(key).is_some() {
                self.len = self.len.saturating_sub(1);
            }
        }
    }

    /// Merges the top level into the ones below while a level is no more
    /// than twice the size of the one above it, keeping the sizes
    /// geometric.
    fn merge_down(&mut self) {
        while self.levels.len() >= 2 {
            let (upper, lower) = match self.levels.as_slice() {
                [.., lower, upper] => (upper.len(), lower.len()),
                _ => return,
            };
            let shared = self
                .levels
                .iter()
                .rev()
                .nth(1)
                .is_some_and(|lower| Arc::strong_count(lower) > 1);
            if shared && lower > upper.saturating_mul(2) {
                return;
            }
            let Some(top) = self.levels.pop() else { return };
            if let Some(below) = self.levels.last_mut() {
                let below = Arc::make_mut(below);
                match Arc::try_unwrap(top) {
                    Ok(table) => below.absorb(table),
                    Err(shared) => below.absorb_copy(&shared),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_found_and_clones_are_unaffected_by_later_inserts() {
        let mut index = SharedIndex::default();
        let n = TOP * 20 + 7;
        let mut snapshot = None;
        for i in 0..n {
            index.insert(format!("id-{i}"), u32::try_from(i).expect("fits"));
            if i == TOP * 9 {
                snapshot = Some(index.clone());
            }
        }
        assert_eq!(index.len(), n);
        for i in 0..n {
            assert_eq!(index.get(format!("id-{i}").as_str()), Some(&(i as u32)));
        }
        assert!(!index.contains_key("id-missing"));
        // Levels stay few: log2(n / TOP) or so.
        assert!(index.levels.len() <= 8, "{} levels", index.levels.len());
        let snapshot = snapshot.expect("taken");
        assert_eq!(snapshot.len(), TOP * 9 + 1);
        assert!(snapshot.contains_key("id-0"));
        assert!(!snapshot.contains_key(format!("id-{}", TOP * 9 + 1).as_str()));
    }

    #[test]
    fn without_a_clone_the_index_is_one_map() {
        let mut index = SharedIndex::default();
        index.reserve(TOP * 3);
        let n = TOP * 12 + 5;
        for i in 0..n {
            index.insert(format!("id-{i}"), u32::try_from(i).expect("fits"));
            assert_eq!(index.levels.len(), 1, "at {i}");
        }
        for i in 0..n {
            assert_eq!(index.get(format!("id-{i}").as_str()), Some(&(i as u32)));
        }
        assert!(index.get("id-missing").is_none());
    }

    /// While a clone shares the map, inserts go to small levels above it
    /// and the clone sees none of them; once the clone is gone, the next
    /// full top level folds everything back into one map.
    #[test]
    fn a_clone_gets_levels_above_it_until_it_is_dropped() {
        let mut index = SharedIndex::default();
        for i in 0..TOP * 2 {
            index.insert(format!("id-{i}"), u32::try_from(i).expect("fits"));
        }
        let clone = index.clone();
        for i in TOP * 2..TOP * 3 {
            index.insert(format!("id-{i}"), u32::try_from(i).expect("fits"));
        }
        assert_eq!(index.levels.len(), 2);
        assert_eq!(clone.len(), TOP * 2);
        assert!(!clone.contains_key(format!("id-{}", TOP * 2).as_str()));
        drop(clone);
        for i in (TOP * 3)..=(TOP * 4) {
            index.insert(format!("id-{i}"), u32::try_from(i).expect("fits"));
        }
        assert_eq!(index.levels.len(), 1);
        for i in 0..=(TOP * 4) {
            assert_eq!(index.get(format!("id-{i}").as_str()), Some(&(i as u32)));
        }
    }
}
