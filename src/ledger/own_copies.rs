//! [`OwnIndex`]: the ledger's index of its members, sources or categories,
//! which finds the ledger's own copy of an id by address ([`OwnCopies`])
//! before it hashes and compares the id's text.
//!
//! Every entry names the sources it cites, and recording one looked each up
//! by text twice: to check that it is known, and to swap in the ledger's
//! own copy; a CSV import looked each up a third time, to add the missing
//! ones. A CSV import's reading thread hands out one copy per source id,
//! member id and category, which the ledger keeps when it adds the source,
//! member or category, so the rows that thread parses (most of them) name
//! the very copies the ledger holds. Those are recognised by address,
//! without hashing or comparing their text; any other copy (one the
//! recording thread's own parsing made, or one from the API) is looked up
//! by text as before.
//!
//! Not reading the text matters most when the two threads of an import
//! run at once: the reading thread counts a reference on a shared copy for
//! every row that names it, and each time the recording thread read that
//! copy's text (which shares a cache line with the count) the line moved
//! between the cores and back.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use crate::hash::IdMap;
use crate::ids::{Category, MemberId, SourceId};

/// An id whose copies can be told apart by address.
pub(crate) trait Addressed: Clone {
    /// The address of this copy's text (see [`SourceId::allocation`]).
    fn allocation(&self) -> usize;
}

macro_rules! addressed {
    ($($id:ty),*) => {$(
        impl Addressed for $id {
            fn allocation(&self) -> usize {
                <$id>::allocation(self)
            }
        }
    )*};
}
addressed!(SourceId, MemberId, Category);

/// The ids the ledger holds as its own copies, each with its index, keyed
/// by [`Addressed::allocation`]. Each copy is held here too, so its address
/// cannot name another text while it is a key. Clones share the map until
/// one of them adds or removes an id.
#[derive(Clone)]
pub(crate) struct OwnCopies<K>(Arc<HashMap<usize, (K, u32), foldhash::fast::FixedState>>);

impl<K> Default for OwnCopies<K> {
    fn default() -> Self {
        OwnCopies(Arc::default())
    }
}

impl<K> std::fmt::Debug for OwnCopies<K> {
    /// The count only: addresses differ from run to run.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OwnCopies({})", self.0.len())
    }
}

impl<K: Addressed> OwnCopies<K> {
    /// The ledger's own copy and its index, when `id` is that very copy.
    pub(crate) fn get(&self, id: &K) -> Option<(&K, u32)> {
        self.0.get(&id.allocation()).map(|(own, ix)| (own, *ix))
    }

    /// Remembers `id`, the copy the ledger keeps for what it adds at index
    /// `ix`.
    pub(crate) fn insert(&mut self, id: &K, ix: u32) {
        Arc::make_mut(&mut self.0).insert(id.allocation(), (id.clone(), ix));
    }

    /// Forgets `id`, the copy of what the ledger removes (a rollback).
    pub(crate) fn remove(&mut self, id: &K) {
        Arc::make_mut(&mut self.0).remove(&id.allocation());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_very_copy_is_found() -> crate::error::Result<()> {
        let own = SourceId::new("reuters")?;
        let mut copies = OwnCopies::default();
        copies.insert(&own, 7);
        assert!(
            copies
                .get(&own.clone())
                .is_some_and(|(c, ix)| c.same_allocation(&own) && ix == 7)
        );
        // An equal id made apart is another copy: looked up by text.
        assert!(copies.get(&SourceId::new("reuters")?).is_none());
        let snapshot = copies.clone();
        copies.remove(&own);
        assert!(copies.get(&own).is_none());
        assert!(snapshot.get(&own).is_some());
        Ok(())
    }
}

/// An id → index map of the ledger's members, sources or categories: by
/// the address of the ledger's own copy of an id first, by text otherwise.
/// Every insert and removal goes to both maps, so that a path that adds or
/// rolls back cannot forget one of them (a copy whose address the address
/// map still held after a rollback would name another id once freed).
#[derive(Debug, Clone)]
pub(crate) struct OwnIndex<K> {
    by_text: IdMap<K>,
    /// The keys of `by_text` (the ledger's own copies), by address.
    by_address: OwnCopies<K>,
}

impl<K> Default for OwnIndex<K> {
    fn default() -> Self {
        OwnIndex {
            by_text: IdMap::default(),
            by_address: OwnCopies::default(),
        }
    }
}

impl<K: Addressed + Hash + Eq> OwnIndex<K> {
    /// The ledger's own copy of `id` and its index, found by address when
    /// `id` is that very copy (as most ids of a CSV import are), by text
    /// otherwise.
    pub(crate) fn get(&self, id: &K) -> Option<(&K, u32)> {
        self.by_address
            .get(id)
            .or_else(|| self.by_text.get_key_value(id).map(|(own, &ix)| (own, ix)))
    }

    /// The index of `id`, as [`OwnIndex::get`] finds it.
    pub(crate) fn index(&self, id: &K) -> Option<u32> {
        self.get(id).map(|(_, ix)| ix)
    }

    /// Adds `id` at index `ix`; this copy becomes the ledger's own.
    pub(crate) fn insert(&mut self, id: &K, ix: u32) {
        self.by_text.insert(id.clone(), ix);
        self.by_address.insert(id, ix);
    }

    /// Removes the id with `id`'s text, and the address of the copy the
    /// ledger kept for it (a rollback: `id` may be another copy, as an
    /// amendment holds).
    pub(crate) fn remove(&mut self, id: &K) {
        if let Some((own, _)) = self.by_text.remove_entry(id) {
            self.by_address.remove(&own);
        }
    }
}
