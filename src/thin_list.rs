//! [`ThinList`]: a short immutable list held in one pointer.
//!
//! A ledger keeps the body of every pledge it opened ([`NewPledge`]) and
//! every entry, millions of each, and most pledges have no condition: a
//! `Vec` took 24 of a body's bytes for nothing. An empty list here is
//! a null pointer; a longer one keeps its length with its items in one
//! shared allocation (`triomphe::ThinArc`), so the field is 8 bytes. A
//! pledge body's conditions are one, and so are an entry's sources (see
//! `StoredSources`); the size tests in `entry.rs` pin both types.
//!
//! The list keeps the order it was given. It has no `Deserialize` of its
//! own: a field of this type reads through a function that bounds its
//! length (see [`NewPledge`]'s conditions).
//!
//! [`NewPledge`]: crate::NewPledge

use std::ops::Deref;

use serde::{Serialize, Serializer};

/// A list to read as a slice and to keep as one pointer.
#[derive(Clone)]
pub(crate) struct ThinList<T>(Option<triomphe::ThinArc<(), T>>);

impl<T> Default for ThinList<T> {
    fn default() -> ThinList<T> {
        ThinList(None)
    }
}

impl<T> ThinList<T> {
    /// The list of `items`, in their order (none allocates nothing).
    pub(crate) fn from_vec(items: Vec<T>) -> ThinList<T> {
        if items.is_empty() {
            return ThinList(None);
        }
        ThinList(Some(triomphe::ThinArc::from_header_and_iter(
            (),
            items.into_iter(),
        )))
    }

    /// The list that `shared` is, itself (no copy).
    pub(crate) fn from_shared(shared: triomphe::ThinArc<(), T>) -> ThinList<T> {
        ThinList(Some(shared))
    }

    /// The shared allocation behind a list that has one (none when empty).
    pub(crate) fn as_shared(&self) -> Option<&triomphe::ThinArc<(), T>> {
        self.0.as_ref()
    }

    /// True when this list is `shared` itself.
    pub(crate) fn is_shared(&self, shared: &triomphe::ThinArc<(), T>) -> bool {
        self.0.as_ref().is_some_and(|own| own.ptr() == shared.ptr())
    }

    /// True when both are the very same list (one allocation, or both
    /// empty), not merely equal.
    pub(crate) fn same_allocation(&self, other: &ThinList<T>) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => a.ptr() == b.ptr(),
            _ => false,
        }
    }
}

impl<T: Clone> ThinList<T> {
    /// Puts `item` at `at` (at the end when `at` is past it), as
    /// `Vec::insert` would. The list is made anew: items are added while a
    /// value is being written, a few at most, and never to one a ledger
    /// holds.
    pub(crate) fn insert(&mut self, at: usize, item: T) {
        let mut items = self.to_vec();
        if at <= items.len() {
            items.insert(at, item);
        } else {
            items.push(item);
        }
        *self = ThinList::from_vec(items);
    }
}

impl<T> Deref for ThinList<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0.as_ref().map_or(&[], |list| &list.slice)
    }
}

impl<T: PartialEq> PartialEq for ThinList<T> {
    fn eq(&self, other: &ThinList<T>) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for ThinList<T> {}

impl<T: std::hash::Hash> std::hash::Hash for ThinList<T> {
    /// As a `Vec` hashes: as a slice.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for ThinList<T> {
    /// As a `Vec` shows: `[a, b]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for ThinList<T> {
    /// As a `Vec` serialises: a sequence.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_one_pointer_and_reads_as_its_slice() {
        assert_eq!(size_of::<ThinList<String>>(), 8);
        let empty = ThinList::<String>::default();
        assert!(empty.is_empty());
        assert_eq!(format!("{empty:?}"), "[]");
        let mut list = ThinList::from_vec(vec!["b".to_string()]);
        list.insert(0, "a".to_string());
        list.insert(7, "c".to_string());
        assert_eq!(&*list, ["a", "b", "c"]);
        assert_eq!(
            format!("{list:?}"),
            format!("{:?}", list.to_vec()),
            "Debug as a Vec shows it"
        );
        assert_eq!(
            serde_json::to_string(&list).ok(),
            serde_json::to_string(&list.to_vec()).ok()
        );
        assert_eq!(list, list.clone());
        assert_ne!(list, empty);
        assert_eq!(ThinList::from_vec(Vec::new()), empty);
    }
}
