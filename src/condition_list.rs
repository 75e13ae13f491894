//! [`ConditionList`]: a pledge's conditions, held in one pointer.
//!
//! A ledger keeps the body of every pledge it opened ([`NewPledge`]), a
//! million of them for a million pledges, and most pledges have no
//! condition: a `Vec` took 24 of a body's 152 bytes for nothing. An empty
//! list here is a null pointer; a longer one keeps its length with its
//! conditions in one allocation (`triomphe::ThinArc`, as an entry's list of
//! sources does), so the field is 8 bytes and the body 136.
//!
//! The list keeps the order it was given: [`NewPledge::with_condition`]
//! keeps it sorted, and a list read from a file is checked, not sorted, by
//! validation, which says when it is out of order.
//!
//! [`NewPledge`]: crate::NewPledge
//! [`NewPledge::with_condition`]: crate::NewPledge::with_condition

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::pledge::Condition;

/// A pledge's conditions: a slice to read, one pointer to keep.
#[derive(Clone, Default)]
pub(crate) struct ConditionList(Option<triomphe::ThinArc<(), Condition>>);

impl ConditionList {
    /// The list of `conditions`, in their order (none allocates nothing).
    pub(crate) fn from_vec(conditions: Vec<Condition>) -> ConditionList {
        if conditions.is_empty() {
            return ConditionList(None);
        }
        ConditionList(Some(triomphe::ThinArc::from_header_and_iter(
            (),
            conditions.into_iter(),
        )))
    }

    /// Puts `condition` at `at`, as `Vec::insert` would. The list is made
    /// anew: conditions are added while a pledge is written, a few at most,
    /// and never to a pledge a ledger holds.
    pub(crate) fn insert(&mut self, at: usize, condition: Condition) {
        let mut conditions = self.to_vec();
        if at <= conditions.len() {
            conditions.insert(at, condition);
        } else {
            conditions.push(condition);
        }
        *self = ConditionList::from_vec(conditions);
    }
}

impl Deref for ConditionList {
    type Target = [Condition];

    fn deref(&self) -> &[Condition] {
        self.0.as_ref().map_or(&[], |list| &list.slice)
    }
}

impl PartialEq for ConditionList {
    fn eq(&self, other: &ConditionList) -> bool {
        **self == **other
    }
}

impl Eq for ConditionList {}

impl std::hash::Hash for ConditionList {
    /// As the `Vec` it replaced hashed: as a slice.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl std::fmt::Debug for ConditionList {
    /// As the `Vec` it replaced showed: `[Ceasefire, …]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for ConditionList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ConditionList {
    /// At most [`MAX_CONDITIONS_PER_PLEDGE`](crate::limits::MAX_CONDITIONS_PER_PLEDGE),
    /// as before.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::limits::bounded_conditions(deserializer).map(ConditionList::from_vec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_one_pointer_and_reads_as_its_slice() {
        assert_eq!(size_of::<ConditionList>(), 8);
        let empty = ConditionList::default();
        assert!(empty.is_empty());
        assert_eq!(format!("{empty:?}"), "[]");
        let mut list = ConditionList::from_vec(vec![Condition::Ceasefire]);
        list.insert(0, Condition::Named("elections".into()));
        list.insert(7, Condition::Named("last".into()));
        assert_eq!(
            &*list,
            [
                Condition::Named("elections".into()),
                Condition::Ceasefire,
                Condition::Named("last".into())
            ]
        );
        assert_eq!(
            format!("{list:?}"),
            format!("{:?}", list.to_vec()),
            "Debug as the Vec showed it"
        );
        assert_eq!(list, list.clone());
        assert_ne!(list, empty);
        assert_eq!(ConditionList::from_vec(Vec::new()), empty);
    }
}
