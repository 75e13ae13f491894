//! The read API of the ledger for the layers above it (`query`, `check`
//! and `io`): everything they may read that the public API does not give.
//!
//! The upper layers never see the ledger's fields. They read:
//!
//! - **pledge state by dense index**: [`Ledger::states`] (one
//!   [`PledgeState`] per pledge, in the order they were opened),
//!   [`Ledger::pledge_ix`], [`Ledger::pledge_at`], [`Ledger::spec_of`], whether
//!   a pledge has ended (withdrawn or voided) from a dense column of its own
//!   ([`StateTable::has_ended`](super::state_table::StateTable::has_ended)), and
//!   the index lists [`Ledger::pledge_ixs_of_kind`],
//!   [`Ledger::states_of_kind`] and [`Ledger::conditional_pledges`];
//! - **a pledge's entries**, newest first, through the per-pledge chain:
//!   [`Ledger::pledge_entries`] and what is built on it (sources, history,
//!   withdrawal reason);
//! - **every entry read in place**: [`Ledger::entry_views`], for scans of
//!   the whole ledger that read dates, sequence numbers or the pledge named
//!   and put together (see [`entry_store`](super::entry_store)) only the
//!   entries they keep;
//! - **interned names by index**: members, groups and categories, as the
//!   states hold them (`u32` indexes into the roster's tables);
//! - **what queries keep between runs**: [`Ledger::derived`] and
//!   [`Ledger::derived_changes`] (see [`derived`](super::derived)), the only
//!   state an upper layer keeps inside a ledger, typed as `Any` so that this
//!   layer names nothing above it;
//! - **counters** that let a fast path decline early
//!   ([`Ledger::has_adjustments`], [`Ledger::has_voided`]) and the entries
//!   accepted under an older format's rules, for `check`.
//!
//! Everything here is a borrow of what the ledger already holds: no read
//! copies an entry or a state.

use super::packed_bounds::{PackedBounds, Stored};
use super::{Ledger, NONE, Pledge, PledgeState, States, chunked};
use crate::entry::Entry;
use crate::estimate::Bounds;
use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
use crate::member::Member;
use crate::pledge::{Contribution, Kind, NewPledge};

impl Ledger {
    /// The index of pledge `pledge`. The pledge the last entry named is
    /// found without the index when the action holds the ledger's own copy
    /// of its id (as an import row's entries, or ids the caller took from
    /// the ledger, do): the index is a random access into a map as large as
    /// the ledger, a cache miss at a million pledges.
    pub(crate) fn pledge_ix(&self, pledge: &PledgeId) -> Option<u32> {
        match &self.last_pledge {
            Some((id, ix)) if id.same_allocation(pledge) => Some(*ix),
            _ => self.pledge_index.get(pledge).copied(),
        }
    }

    /// Looks up the pledges that `ids` name, reads their states and
    /// throws the result away, so that recording a batch of entries on
    /// them finds both in cache. Here the lookups are independent and the
    /// processor overlaps their cache misses; recording one entry takes
    /// too many steps for the next entry's miss to start before this one's
    /// ends. An id not in the ledger (a pledge a batch opens) still brings
    /// in the part of the index its insert will probe.
    pub(crate) fn warm_pledges<'a>(&self, ids: impl IntoIterator<Item = &'a PledgeId>) {
        for id in ids {
            let ix = self.pledge_index.get(id).copied();
            let state = ix.and_then(|ix| self.pledges.get(ix as usize));
            std::hint::black_box(state.map(|s| s.stage));
        }
    }

    pub(crate) fn pledge_at(&self, ix: u32) -> Option<Pledge<'_>> {
        let state = self.pledges.get(ix as usize)?;
        Some(Pledge {
            spec: self.spec_of(state)?,
            contribution: self.contribution_of(state)?,
            state,
            ledger: self,
        })
    }

    pub(crate) fn spec_of(&self, state: &PledgeState) -> Option<&NewPledge> {
        self.entries.body(state.pledge)
    }

    fn contribution_of(&self, state: &PledgeState) -> Option<&Contribution> {
        if state.size_entry == state.spec_entry {
            return self.spec_of(state).map(NewPledge::contribution);
        }
        match self.entries.whole_action(state.size_entry as usize)? {
            crate::entry::Action::Revise { contribution, .. } => Some(contribution),
            _ => None,
        }
    }

    /// A pledge's quantity bounds (personnel, units or money amount; `None`
    /// for a backstop): from its state, or from the entry that sized it
    /// when they were too wide to pack there.
    pub(crate) fn quantity_of(&self, state: &PledgeState) -> Option<Bounds> {
        self.bounds_of(state, state.quantity, Contribution::quantity_bounds)
    }

    /// A pledge's money value bounds (`None` when its kind has none), as
    /// [`Ledger::quantity_of`] reads them.
    pub(crate) fn value_of(&self, state: &PledgeState) -> Option<Bounds> {
        self.bounds_of(state, state.value, Contribution::value_bounds)
    }

    /// Bounds `packed` in the state, or, when they were too wide, what
    /// `of` gives for the contribution of the entry that sized the pledge.
    fn bounds_of(
        &self,
        state: &PledgeState,
        packed: PackedBounds,
        of: fn(&Contribution) -> Option<Bounds>,
    ) -> Option<Bounds> {
        match packed.stored() {
            Stored::Inline(bounds) => bounds,
            Stored::InEntry => self.contribution_of(state).and_then(of),
        }
    }

    /// The entries on a pledge, newest first.
    pub(crate) fn pledge_entries<'a>(
        &'a self,
        state: &PledgeState,
    ) -> impl Iterator<Item = Entry> + 'a {
        self.pledge_entry_indexes(state)
            .filter_map(|ix| self.entries.get(ix as usize))
    }

    /// The indexes of the entries on a pledge, newest first.
    fn pledge_entry_indexes<'a>(&'a self, state: &PledgeState) -> impl Iterator<Item = u32> + 'a {
        let mut next = state.last_entry;
        std::iter::from_fn(move || {
            let ix = next;
            if ix as usize >= self.entries.len() {
                return None;
            }
            next = self
                .previous_on_pledge
                .get(ix as usize)
                .copied()
                .unwrap_or(NONE);
            Some(ix)
        })
    }

    /// Every entry read in place, in sequence order: for scans of the whole
    /// ledger that read dates, sequence numbers or the pledge named and
    /// put back together only the entries they keep.
    pub(crate) fn entry_views(&self) -> impl Iterator<Item = super::EntryView<'_>> + '_ {
        self.entries.views()
    }

    /// The action of entry `ix` when the ledger keeps it whole (see
    /// `entry_store`): revisions, withdrawals, voids and roster changes.
    pub(crate) fn whole_action(&self, ix: u32) -> Option<&crate::entry::Action> {
        self.entries.whole_action(ix as usize)
    }

    pub(crate) fn withdrawal_reason(&self, state: &PledgeState) -> Option<&str> {
        match self.entries.whole_action(state.last_entry as usize)? {
            crate::entry::Action::Withdraw { reason, .. } => Some(reason),
            _ => None,
        }
    }

    pub(crate) fn pledge_sources(&self, state: &PledgeState) -> Vec<&SourceId> {
        let mut sources: Vec<&SourceId> = self
            .pledge_entry_indexes(state)
            .filter_map(|ix| self.entries.sources(ix as usize))
            .flat_map(|sources| sources.ids().iter())
            .collect();
        sources.sort();
        sources.dedup();
        sources
    }

    /// True when any entry on the pledge cites a source (without collecting
    /// them, as [`Pledge::sources`] does).
    pub(crate) fn cites_any_source(&self, state: &PledgeState) -> bool {
        self.pledge_entry_indexes(state)
            .filter_map(|ix| self.entries.sources(ix as usize))
            .any(|sources| !sources.is_empty())
    }

    pub(crate) fn pledge_history(&self, state: &PledgeState) -> Vec<u64> {
        let mut history: Vec<u64> = self.pledge_entry_indexes(state).map(u64::from).collect();
        history.reverse();
        history
    }

    /// Entries accepted only under an older format version's rules, with
    /// the current rules' refusal.
    pub(crate) fn entries_under_older_rules(&self) -> &[(u32, Box<str>)] {
        &self.older_rules
    }

    pub(crate) fn states(&self) -> &States {
        &self.pledges
    }

    /// The indexes of the pledges of a kind, in the order they were opened.
    pub(crate) fn pledge_ixs_of_kind(&self, kind: Kind) -> &chunked::Indexes {
        self.by_kind
            .get(kind.index())
            .unwrap_or(&chunked::NO_INDEXES)
    }

    pub(crate) fn states_of_kind(&self, kind: Kind) -> impl Iterator<Item = &PledgeState> {
        let list = self
            .by_kind
            .get(kind.index())
            .unwrap_or(&chunked::NO_INDEXES);
        list.iter().filter_map(|&ix| self.pledges.get(ix as usize))
    }

    /// The value upper layers derive from this version of the ledger, made
    /// by `make` on first use (see [`derived`](super::derived)).
    pub(crate) fn derived<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce() -> T,
    ) -> Option<&T> {
        self.derived.get_or_init(make)
    }

    /// True when some pledge is an adjustment.
    pub(crate) fn has_adjustments(&self) -> bool {
        self.adjustments > 0
    }

    /// The pledges opened or changed since the value in the derived slot
    /// was made, in order: what it must catch up with (see [`derived`](super::derived)).
    pub(crate) fn derived_changes(&self) -> &[u32] {
        self.derived.changes()
    }

    /// True when some pledge is void.
    pub(crate) fn has_voided(&self) -> bool {
        self.voided > 0
    }

    pub(crate) fn conditional_pledges(&self) -> &chunked::Indexes {
        &self.conditional
    }

    /// The pledges that have conditions, in the order they were opened.
    /// The ledger lists them, so a reader of conditions reads no other
    /// pledge's body (a cache miss per pledge at a large ledger, where
    /// most pledges have none).
    pub(crate) fn pledges_with_conditions(&self) -> impl Iterator<Item = Pledge<'_>> + '_ {
        self.conditional
            .iter()
            .filter_map(move |&ix| self.pledge_at(ix))
    }

    pub(crate) fn member_at(&self, ix: u32) -> Option<&Member> {
        self.members.get(ix as usize)
    }

    /// The member's index: by address when `id` is the ledger's own copy
    /// (as a CSV import's rows hold), by text otherwise.
    pub(crate) fn member_ix(&self, id: &MemberId) -> Option<u32> {
        self.member_index.index(id)
    }

    pub(crate) fn groups_of_member(&self, member: u32) -> &[u32] {
        self.member_groups.get(member as usize).map_or(&[], |g| g)
    }

    pub(crate) fn group_at(&self, ix: u32) -> Option<&GroupId> {
        self.groups.get(ix as usize)
    }

    pub(crate) fn group_count(&self) -> usize {
        self.groups.len()
    }

    pub(crate) fn category_at(&self, ix: u32) -> Option<&Category> {
        self.categories.get(ix as usize)
    }

    pub(crate) fn category_ix(&self, id: &Category) -> Option<u32> {
        self.category_index.index(id)
    }

    pub(crate) fn category_count(&self) -> usize {
        self.categories.len()
    }
}
