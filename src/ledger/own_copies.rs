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

    /// Forgets every copy of the ids at index `ix` and after (a rollback).
    pub(crate) fn forget_from(&mut self, ix: u32) {
        if self.0.values().any(|(_, at)| *at >= ix) {
            Arc::make_mut(&mut self.0).retain(|_, (_, at)| *at < ix);
        }
    }

    /// How many copies are known.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_found_by_text_is_adopted_up_to_the_limit() -> crate::error::Result<()> {
        let mut index = OwnIndex::default();
        let own = SourceId::new("reuters")?;
        index.insert(&own, 0);
        index.insert(&SourceId::new("afp")?, 1);
        let other = SourceId::new("reuters")?;
        assert!(!index.holds_copy(&other));
        assert_eq!(index.adopt(&other), Some(0));
        assert!(index.holds_copy(&other) && index.holds_copy(&own));
        assert!(
            index
                .get(&other)
                .is_some_and(|(c, ix)| c.same_allocation(&other) && ix == 0)
        );
        // An unknown id is not adopted.
        let unknown = SourceId::new("tass")?;
        assert_eq!(index.adopt(&unknown), None);
        assert!(!index.holds_copy(&unknown));
        // A rollback to index 1 forgets the copies of `afp`, not `reuters`'s.
        let afp = SourceId::new("afp")?;
        assert_eq!(index.adopt(&afp), Some(1));
        index.remove(&afp);
        index.forget_from(1);
        assert!(!index.holds_copy(&afp) && index.get(&afp).is_none());
        assert!(index.holds_copy(&other) && index.holds_copy(&own));
        // Past the limit, a copy is found by text and not held.
        while !index.aliases_full() {
            assert_eq!(index.adopt(&SourceId::new("reuters")?), Some(0));
        }
        assert_eq!(index.by_address.len(), MAX_ALIASES + 1);
        let late = SourceId::new("reuters")?;
        assert_eq!(index.adopt(&late), Some(0));
        assert!(!index.holds_copy(&late));
        assert_eq!(index.by_address.len(), MAX_ALIASES + 1);
        // Rolling `reuters` back forgets its own copy and every adopted one.
        index.remove(&own);
        index.forget_from(0);
        assert_eq!(index.by_address.len(), 0);
        assert!(index.get(&other).is_none());
        Ok(())
    }

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
///
/// A CSV import's two threads each intern ids, so an id has two copies:
/// the ledger keeps whichever thread's row named it first, and the rows
/// the other thread parses were found by text, every time. Which thread
/// parses first is a race, so some runs of a million-row import looked up
/// nearly every id by text (counted: over seven million of them; about
/// none in the others), and the import took about a fifth longer. [`OwnIndex::adopt`] lets the import make such a
/// copy known by address too (an alias), up to [`MAX_ALIASES`].
#[derive(Debug, Clone)]
pub(crate) struct OwnIndex<K> {
    by_text: IdMap<K>,
    /// The keys of `by_text` (the ledger's own copies), and the aliases
    /// adopted, by address.
    by_address: OwnCopies<K>,
}

/// Most copies an [`OwnIndex`] adopts besides the ledger's own: an import's
/// interners start over after 65,536 ids, so hostile input could otherwise
/// make the map grow with every restart. Past it, ids are found by text.
pub(crate) const MAX_ALIASES: usize = 1 << 16;

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

    /// True when `id` is the ledger's own copy or one it adopted: found by
    /// address.
    pub(crate) fn holds_copy(&self, id: &K) -> bool {
        self.by_address.get(id).is_some()
    }

    /// How many copies are adopted (see [`OwnIndex::adopt`]).
    pub(crate) fn aliases(&self) -> usize {
        self.by_address.len().saturating_sub(self.by_text.len())
    }

    /// True once [`MAX_ALIASES`] copies are adopted: [`OwnIndex::adopt`]
    /// then finds ids without making them known by address.
    pub(crate) fn aliases_full(&self) -> bool {
        self.aliases() >= MAX_ALIASES
    }

    /// The index of `id`, as [`OwnIndex::get`] finds it.
    pub(crate) fn index(&self, id: &K) -> Option<u32> {
        self.get(id).map(|(_, ix)| ix)
    }

    /// The index of `id`, as [`OwnIndex::index`] finds it; a copy found by
    /// text becomes known by address too (while fewer than
    /// [`MAX_ALIASES`] are), so that the next lookup of this copy needs no
    /// hashing of its text. The copy is held, so its address cannot name
    /// another text while it is a key.
    pub(crate) fn adopt(&mut self, id: &K) -> Option<u32> {
        if let Some((_, ix)) = self.by_address.get(id) {
            return Some(ix);
        }
        let ix = *self.by_text.get(id)?;
        if !self.aliases_full() {
            self.by_address.insert(id, ix);
        }
        Some(ix)
    }

    /// Adds `id` at index `ix`; this copy becomes the ledger's own.
    pub(crate) fn insert(&mut self, id: &K, ix: u32) {
        self.by_text.insert(id.clone(), ix);
        self.by_address.insert(id, ix);
    }

    /// Removes the id with `id`'s text, and the address of the copy the
    /// ledger kept for it (a rollback: `id` may be another copy, as an
    /// amendment holds). The copies adopted for it stay until
    /// [`OwnIndex::forget_from`].
    pub(crate) fn remove(&mut self, id: &K) {
        if let Some((own, _)) = self.by_text.remove_entry(id) {
            self.by_address.remove(&own);
        }
    }

    /// Forgets the copies adopted for the ids at index `ix` and after,
    /// once a rollback has removed those ids: one pass, however many, and
    /// none when no copy was adopted (only a CSV import adopts), so that a
    /// rollback costs what was recorded, not the size of the maps.
    pub(crate) fn forget_from(&mut self, ix: usize) {
        if self.aliases() == 0 {
            return;
        }
        self.by_address
            .forget_from(u32::try_from(ix).unwrap_or(u32::MAX));
    }
}
