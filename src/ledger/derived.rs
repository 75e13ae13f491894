//! A slot for what upper layers derive from one version of the ledger.
//!
//! Queries keep converted amounts and scenario verdicts between runs. The
//! ledger must not know their types (layers point down), so it holds them
//! type-erased: the upper layer puts its own value in on first use and finds
//! it again by type; every append and every clone starts the slot empty, so
//! nothing derived can outlive the version it was derived from.

use std::any::Any;
use std::fmt;
use std::sync::OnceLock;

/// One value derived from the ledger's current version, of a type the
/// ledger does not know.
#[derive(Default)]
pub(crate) struct Derived {
    slot: OnceLock<Box<dyn Any + Send + Sync>>,
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

    /// Forgets the value (the ledger changed).
    pub(crate) fn clear(&mut self) {
        self.slot = OnceLock::new();
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
