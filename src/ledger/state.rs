//! The derived state of one pledge, kept dense and `Copy` so that queries
//! stream over it without touching the entries.

use rust_decimal::Decimal;

use super::packed_bounds::{PackedBounds, Stored};
use crate::lifecycle::{Evidence, Stage};
use crate::money::Currency;
use crate::pledge::{Kind, StageDates};

/// Marks an absent index (no category, no previous entry).
pub(crate) const NONE: u32 = u32::MAX;

/// Everything a query needs about a pledge, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PledgeState {
    /// The entry that opened the pledge.
    pub(crate) spec_entry: u32,
    /// The pledge's own index, where the entry store keeps its body (its
    /// [`NewPledge`](crate::NewPledge)) and id: reading the body through
    /// the opening entry's head was one more cache miss per pledge a query
    /// or `check` reads.
    pub(crate) pledge: u32,
    /// The latest entry that set the size (the opening or a revision).
    pub(crate) size_entry: u32,
    /// The latest entry on the pledge; earlier ones are chained through
    /// `Ledger::previous_on_pledge`.
    pub(crate) last_entry: u32,
    pub(crate) member: u32,
    /// Interned category, or [`NONE`].
    pub(crate) category: u32,
    pub(crate) kind: Kind,
    pub(crate) stage: Stage,
    pub(crate) evidence: Evidence,
    pub(crate) best_evidence: Evidence,
    pub(crate) conditional: bool,
    /// Some pledge names this one in a `DependsOn` condition (recorded
    /// before or after it), so a change to it may change that pledge's
    /// verdict in a scenario.
    pub(crate) depended_on: bool,
    pub(crate) currency: Option<Currency>,
    /// Personnel, units or money amount; none for a backstop. Read it with
    /// [`Ledger::quantity_of`](super::Ledger::quantity_of): a bound too wide
    /// to pack is read from the sizing entry.
    pub(crate) quantity: PackedBounds,
    /// Money value (funding amount or equipment value); none when the kind
    /// has no money value. Read it with
    /// [`Ledger::value_of`](super::Ledger::value_of).
    pub(crate) value: PackedBounds,
    /// Delivered so far in the quantity's unit; never negative.
    pub(crate) delivered: Decimal,
    pub(crate) dates: StageDates,
    /// How precisely [`StageDates::pledge_date`] is known (a month or a
    /// year dates it at the end of its period).
    pub(crate) date_precision: crate::dates::DatePrecision,
    /// Set for an adjustment (see [`NewPledge::adjustment`](crate::NewPledge::adjustment)).
    pub(crate) adjusts: Option<crate::pledge::AdjustmentBasis>,
    /// Voided by us (recorded in error): counts nowhere, takes no entries.
    pub(crate) voided: bool,
}

impl PledgeState {
    /// The invariants every applied entry must preserve.
    pub(crate) fn invariants_hold(&self) -> bool {
        let delivered_ok = !self.delivered.is_sign_negative() || self.delivered.is_zero();
        // Bounds kept in their entry were checked when it was planned.
        let bounds_ok = [self.quantity.stored(), self.value.stored()]
            .into_iter()
            .filter_map(|stored| match stored {
                Stored::Inline(bounds) => bounds,
                Stored::InEntry => None,
            })
            .all(|b| match b.high {
                Some(high) => b.low <= high,
                None => true,
            });
        delivered_ok && bounds_ok && self.best_evidence >= self.evidence
    }
}

#[cfg(test)]
mod size_tests {
    /// A state is what every pledge costs in memory and what every entry on
    /// it copies: this pins it (the bounds are packed, see `PackedBounds`).
    #[test]
    fn a_state_is_small() {
        assert_eq!(size_of::<super::PledgeState>(), 120);
    }
}
