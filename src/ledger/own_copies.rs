//! [`OwnCopies`]: the ledger's own copies of its source ids, with each
//! source's index, found by address.
//!
//! Every entry names the sources it cites, and recording one looked each up
//! by text twice: to check that it is known, and to swap in the ledger's
//! own copy; a CSV import looked each up a third time, to add the missing
//! ones. A CSV import's reading thread hands out one copy per source id,
//! which the ledger keeps when it adds the source, so the rows that thread
//! parses (most of them) cite the very copies the ledger holds. Those are
//! recognised by address, without hashing or comparing their text; any
//! other copy (one the recording thread's own parsing made, or one from the
//! API) is looked up by text as before.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ids::SourceId;

/// The source ids the ledger holds as its own copies, each with its
/// source's index, keyed by [`SourceId::allocation`]. Each copy is held
/// here too, so its address cannot name another text while it is a key.
/// Clones share the map until one of them adds or removes a source.
#[derive(Clone, Default)]
pub(crate) struct OwnCopies(Arc<HashMap<usize, (SourceId, u32), foldhash::fast::FixedState>>);

impl std::fmt::Debug for OwnCopies {
    /// The count only: addresses differ from run to run.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OwnCopies({})", self.0.len())
    }
}

impl OwnCopies {
    /// The ledger's own copy and the source's index, when `id` is that
    /// very copy.
    pub(crate) fn get(&self, id: &SourceId) -> Option<(&SourceId, u32)> {
        self.0.get(&id.allocation()).map(|(own, ix)| (own, *ix))
    }

    /// Remembers `id`, the copy the ledger keeps for the source it adds at
    /// index `ix`.
    pub(crate) fn insert(&mut self, id: &SourceId, ix: u32) {
        Arc::make_mut(&mut self.0).insert(id.allocation(), (id.clone(), ix));
    }

    /// Forgets `id`, the copy of a source the ledger removes (a rollback).
    pub(crate) fn remove(&mut self, id: &SourceId) {
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
