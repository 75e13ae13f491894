//! [`StateTable`]: the pledges' states, with a dense column of whether
//! each still stands.
//!
//! A scenario's search asks, of every pledge a condition leads to, whether
//! it was withdrawn or voided. Read from the state (116 bytes), that was a
//! cache miss per edge: a quarter of a first query's scenario evaluation
//! at a million pledges. One bit per pledge (128 KB at a million) stays in
//! the core's cache; a byte per pledge did not, and missed twice (chunk and
//! byte). Every write of a state goes through the table, which keeps the
//! bit with it, so the two cannot disagree.

use super::chunked::{self, Chunked};
use super::state::PledgeState;
use crate::lifecycle::Stage;

/// The pledges' derived states, in the order the pledges were opened.
#[derive(Debug, Clone, Default)]
pub(crate) struct StateTable {
    /// Updated in place anywhere, so in chunks a write after a snapshot
    /// copies: 256 states (30 KB), a quarter as many allocations as chunks
    /// of 64 (each still about one growth of an import's recording
    /// thread's heap, see [`Chunked`]), and a quarter of what 1,024 would
    /// copy.
    states: Chunked<PledgeState, 8>,
    /// Parallel to `states`, a bit per pledge (the lowest of a word first):
    /// set for a pledge withdrawn or voided. Bits past the last pledge are
    /// undefined; a push writes its bit either way.
    ended: Chunked<u64, 9>,
}

/// Whether a state is of a pledge that no longer stands.
fn has_ended(state: &PledgeState) -> bool {
    state.stage == Stage::Withdrawn || state.voided
}

impl StateTable {
    /// How many pledges.
    pub(crate) fn len(&self) -> usize {
        self.states.len()
    }

    /// The state of pledge `ix`.
    pub(crate) fn get(&self, ix: usize) -> Option<&PledgeState> {
        self.states.get(ix)
    }

    /// Every state, in order.
    pub(crate) fn iter(&self) -> chunked::Iter<'_, PledgeState, 8> {
        self.states.iter()
    }

    /// Whether pledge `ix` was withdrawn or voided (`None` past the end).
    pub(crate) fn has_ended(&self, ix: usize) -> Option<bool> {
        if ix >= self.states.len() {
            return None;
        }
        let word = self.ended.get(ix / 64)?;
        Some(word >> (ix % 64) & 1 == 1)
    }

    /// Adds the state of a pledge just opened.
    pub(crate) fn push(&mut self, state: PledgeState) {
        let ix = self.states.len();
        if ix / 64 >= self.ended.len() {
            self.ended.push(0);
        }
        self.states.push(state);
        self.write_bit(ix, has_ended(&state));
    }

    /// Replaces the state of pledge `ix` (nothing past the end).
    pub(crate) fn set(&mut self, ix: usize, state: PledgeState) {
        if let Some(slot) = self.states.get_mut(ix) {
            *slot = state;
            self.write_bit(ix, has_ended(&state));
        }
    }

    fn write_bit(&mut self, ix: usize, ended: bool) {
        if let Some(word) = self.ended.get_mut(ix / 64) {
            let bit = 1u64 << (ix % 64);
            if ended {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    /// Keeps the first `len` pledges.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.states.truncate(len);
        self.ended.truncate(len.div_ceil(64));
    }

    /// Makes room for `additional` more pledges.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.states.reserve(additional);
        self.ended.reserve(additional.div_ceil(64));
    }
}

/// Equal states are equal tables: the bits follow from the states (and
/// those past the last pledge are undefined).
impl PartialEq for StateTable {
    fn eq(&self, other: &StateTable) -> bool {
        self.states == other.states
    }
}

impl<'a> IntoIterator for &'a StateTable {
    type Item = &'a PledgeState;
    type IntoIter = chunked::Iter<'a, PledgeState, 8>;

    fn into_iter(self) -> Self::IntoIter {
        self.states.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Evidence;
    use crate::pledge::Kind;

    fn state(stage: Stage, voided: bool) -> PledgeState {
        PledgeState {
            spec_entry: 0,
            pledge: 0,
            size_entry: 0,
            last_entry: 0,
            member: 0,
            category: super::super::NONE,
            kind: Kind::Troops,
            stage,
            evidence: Evidence::Reported,
            best_evidence: Evidence::Reported,
            conditional: false,
            depended_on: false,
            currency: None,
            quantity: super::super::packed_bounds::PackedBounds::NONE,
            value: super::super::packed_bounds::PackedBounds::NONE,
            delivered: rust_decimal::Decimal::ZERO,
            dates: crate::pledge::StageDates::default(),
            date_precision: crate::dates::DatePrecision::Day,
            adjusts: None,
            voided,
        }
    }

    #[test]
    fn the_ended_column_follows_every_write() {
        let open = state(Stage::Announced, false);
        let withdrawn = state(Stage::Withdrawn, false);
        let voided = state(Stage::Committed, true);
        let mut table = StateTable::default();
        for _ in 0..3_000 {
            table.push(open);
        }
        table.push(withdrawn);
        assert_eq!(table.has_ended(2_999), Some(false));
        assert_eq!(table.has_ended(3_000), Some(true));
        assert_eq!(table.has_ended(3_001), None);
        let snapshot = table.clone();
        table.set(5, voided);
        table.set(3_000, open);
        assert_eq!(table.has_ended(5), Some(true));
        assert_eq!(table.has_ended(3_000), Some(false));
        // A clone made before keeps its own column.
        assert_eq!(snapshot.has_ended(5), Some(false));
        assert_eq!(snapshot.has_ended(3_000), Some(true));
        table.truncate(6);
        assert_eq!(table.len(), 6);
        assert_eq!(table.has_ended(5), Some(true));
        assert_eq!(table.has_ended(6), None);
        table.push(withdrawn);
        assert_eq!(table.has_ended(6), Some(true));
        // A bit left past the end by a truncation is written over.
        table.truncate(5);
        table.push(open);
        table.push(open);
        assert_eq!(table.has_ended(5), Some(false));
        assert_eq!(table.has_ended(6), Some(false));
        // Every bit agrees with its state, across words and chunks.
        let mut table = StateTable::default();
        for ix in 0..70_000 {
            table.push(if ix % 3 == 0 { withdrawn } else { open });
        }
        for ix in (0..70_000).step_by(7) {
            table.set(ix, voided);
        }
        table.truncate(69_999);
        for ix in 0..69_999 {
            let state = table.get(ix).copied().expect("a state");
            assert_eq!(table.has_ended(ix), Some(has_ended(&state)), "{ix}");
        }
    }
}
