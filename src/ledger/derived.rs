//! A slot for what upper layers derive from one version of the ledger.
//!
//! Queries keep converted amounts and scenario verdicts between runs. The
//! ledger must not know their types (layers point down), so it holds them
//! type-erased: the upper layer puts its own value in on first use and finds
//! it again by type.
//!
//! An append that opens or changes one pledge keeps the value and notes the
//! pledge's index in [`Derived::changes`], so that the upper layer can bring
//! what it derived up to date for those pledges alone (a dashboard querying
//! while a feed appends pays for what changed, not for the whole ledger).
//! Any other append (a member, a source), too many changes without a reader,
//! a rollback and every clone start the slot empty, so nothing derived can
//! outlive the version it was derived from unless its owner caught up.

use std::any::Any;
use std::fmt;
use std::sync::OnceLock;

/// One value derived from the ledger's current version, of a type the
/// ledger does not know.
#[derive(Default)]
pub(crate) struct Derived {
    slot: OnceLock<Box<dyn Any + Send + Sync>>,
    /// Pledges opened or changed since the value was made, in order (an
    /// index may repeat). Empty while the slot is.
    changes: Vec<u32>,
}

impl Derived {
    /// The value of type `T`, made by `make` on first use. `None` only if a
    /// value of another type already sits in the slot (a bug: one type uses
    /// it).
    pub(crate) fn get_or_init<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.slot
            .get_or_init(|| Box::new(make()))
            .downcast_ref::<T>()
    }

    /// Forgets the value (the ledger changed in a way the owner cannot
    /// catch up with).
    pub(crate) fn clear(&mut self) {
        self.slot = OnceLock::new();
        self.changes.clear();
    }

    /// Notes that pledge `ix` was opened or changed. Past `limit` changes
    /// without a reader catching up, forgets the value instead: rebuilding
    /// is then as cheap as catching up, and the list stays bounded.
    pub(crate) fn note_change(&mut self, ix: u32, limit: usize) {
        if self.slot.get().is_none() {
            return;
        }
        if self.changes.len() >= limit {
            self.clear();
        } else {
            self.changes.push(ix);
        }
    }

    /// The pledges opened or changed since the value was made.
    pub(crate) fn changes(&self) -> &[u32] {
        &self.changes
    }
}

impl Clone for Derived {
    /// A clone starts empty: it will derive its own.
    fn clone(&self) -> Derived {
        Derived::default()
    }
}

impl fmt::Debug for Derived {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.slot.get().is_some() {
            "Derived(set)"
        } else {
            "Derived(empty)"
        })
    }
}
