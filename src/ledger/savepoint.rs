//! Savepoints: undoing every entry recorded since a point, in time
//! proportional to what was recorded.
//!
//! A journal batch records its entries straight into the ledger and rolls
//! them back if the batch fails. The alternative, recording into a clone,
//! makes every write after the clone copy the chunk it touches (the clone
//! still shares it): a batch of 1,000 entries updating pledges all over a
//! million-pledge ledger copied megabytes per batch. A rollback instead
//! replays a small undo log backwards and truncates what only grew.
//!
//! What only grows (entries, roster, pledges, interned groups and
//! categories, the per-member and per-kind lists) is cut back to its length
//! at the savepoint, and the ids the cut entries added are removed from the
//! indexes. What is changed in place (a pledge's state, the ids awaited by
//! a `DependsOn`, a member's "backstop needed" flag) is logged before the
//! change while a savepoint is open.

use super::Ledger;
use super::state::PledgeState;
use crate::ids::PledgeId;

/// A change in place, with what it replaced.
#[derive(Debug, Clone)]
pub(crate) enum Undo {
    /// Pledge `ix` had this state.
    State(u32, PledgeState),
    /// This id was awaited and no longer is.
    AwaitedRemoved(PledgeId),
    /// This id became awaited.
    AwaitedInserted(PledgeId),
    /// Member `ix`'s backstop became needed.
    BackstopNeeded(u32),
    /// Member `ix` was amended from this body and these interned groups.
    Member(u32, Box<crate::member::Member>, Box<[u32]>),
    /// Source `ix` was amended from this body.
    Source(u32, Box<crate::source::Source>),
}

/// The changes in place since the open savepoint. A clone of the ledger
/// (a reader's snapshot taken during a batch) starts with none and logs
/// nothing: only the ledger that opened the savepoint can roll back.
#[derive(Debug, Default)]
pub(crate) struct UndoLog {
    changes: Vec<Undo>,
    active: bool,
    /// Pledges at the savepoint: a later pledge's state is cut by the
    /// rollback, so a change to it needs no log (an import's row, or a
    /// generated stream, mostly changes pledges it opened itself).
    pledges: usize,
}

impl Clone for UndoLog {
    fn clone(&self) -> UndoLog {
        UndoLog::default()
    }
}

/// The lengths of everything that only grows, and where the undo log
/// stood, when the savepoint was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a savepoint must be released or rolled back"]
pub(crate) struct Savepoint {
    entries: usize,
    columns: super::entry_store::Mark,
    members: usize,
    sources: usize,
    groups: usize,
    categories: usize,
    pledges: usize,
    condition_codes: usize,
    older_rules: usize,
    adjustments: usize,
    voided: usize,
}

impl Ledger {
    /// Starts logging changes in place so that [`Ledger::rollback`] can
    /// undo everything recorded from now on. One savepoint at a time.
    pub(crate) fn savepoint(&mut self) -> Savepoint {
        self.undo.changes.clear();
        self.undo.active = true;
        self.undo.pledges = self.pledges.len();
        Savepoint {
            entries: self.entries.len(),
            columns: self.entries.mark(),
            members: self.members.len(),
            sources: self.sources.len(),
            groups: self.groups.len(),
            categories: self.categories.len(),
            pledges: self.pledges.len(),
            condition_codes: self.condition_codes.len(),
            older_rules: self.older_rules.len(),
            adjustments: self.adjustments,
            voided: self.voided,
        }
    }

    /// True while a savepoint is open.
    pub(super) fn in_savepoint(&self) -> bool {
        self.undo.active
    }

    /// Keeps what was recorded since the savepoint.
    pub(crate) fn release(&mut self, _: Savepoint) {
        self.undo.changes.clear();
        self.undo.active = false;
    }

    /// Logs the state pledge `ix` had before a change in place, unless the
    /// pledge was opened after the savepoint (the rollback cuts it).
    pub(super) fn log_state(&mut self, ix: u32, before: PledgeState) {
        if (ix as usize) < self.undo.pledges {
            self.log_undo(|| Undo::State(ix, before));
        }
    }

    /// Logs a change in place while a savepoint is open.
    pub(super) fn log_undo(&mut self, undo: impl FnOnce() -> Undo) {
        if self.undo.active {
            self.undo.changes.push(undo());
        }
    }

    /// Puts the ledger back exactly as it was at the savepoint.
    pub(crate) fn rollback(&mut self, save: Savepoint) {
        while let Some(undo) = self.undo.changes.pop() {
            match undo {
                Undo::State(ix, state) => {
                    self.pledges.set(ix as usize, state);
                }
                Undo::AwaitedRemoved(id) => {
                    self.awaited.insert_if_absent(id, 0);
                }
                Undo::AwaitedInserted(id) => {
                    self.awaited.remove(&id);
                }
                Undo::BackstopNeeded(m) => {
                    if let Some(flag) = self.backstop_needed.get_mut(m as usize) {
                        *flag = false;
                    }
                }
                Undo::Member(ix, member, groups) => {
                    if let Some(slot) = self.members.get_mut(ix as usize) {
                        *slot = *member;
                    }
                    if let Some(slot) = self.member_groups.get_mut(ix as usize) {
                        *slot = groups;
                    }
                }
                Undo::Source(ix, source) => {
                    if let Some(slot) = self.sources.get_mut(ix as usize) {
                        *slot = *source;
                    }
                }
            }
        }
        self.undo.active = false;
        // Every appended entry with a key inserted it, and every appended
        // pledge entry opened a pledge (re-sent ones are not appended).
        for ix in save.entries..self.entries.len() {
            if let Some(key) = self.entries.client_key(ix) {
                let key = key.clone();
                self.keys.remove(&key);
            }
            if let Some(spec) = self.entries.opened(ix) {
                let id = spec.id().clone();
                self.pledge_index.remove(&id);
            }
        }
        self.entries.cut_to(save.columns);
        self.previous_on_pledge.truncate(save.entries);

        let new_pledge = |list: &super::chunked::Indexes| {
            list.last().is_some_and(|&p| p as usize >= save.pledges)
        };
        let cut = |list: &mut super::chunked::Indexes| {
            let mut len = list.len();
            // The lists hold pledge indexes in increasing order, so the
            // new pledges are a suffix.
            while let Some(before) = len.checked_sub(1) {
                if list
                    .get(before)
                    .is_none_or(|&p| (p as usize) < save.pledges)
                {
                    break;
                }
                len = before;
            }
            list.truncate(len);
        };
        let lists = self.by_member.iter_mut().chain(self.by_kind.iter_mut());
        for list in lists.chain(self.backstops_leading_on.iter_mut()) {
            if new_pledge(list) {
                cut(list);
            }
        }
        if new_pledge(&self.conditional) {
            cut(&mut self.conditional);
        }
        self.condition_codes.truncate(save.condition_codes);
        self.pledges.truncate(save.pledges);

        self.cut_roster(&save);
        self.adjustments = save.adjustments;
        self.older_rules.truncate(save.older_rules);
        self.voided = save.voided;
        self.derived.clear();
    }

    /// Removes the members, sources, groups and categories added since the
    /// savepoint. The source list known to be checked may cite a removed
    /// source, so it is forgotten.
    fn cut_roster(&mut self, save: &Savepoint) {
        self.checked_entry = None;
        self.last_pledge = None;
        for member in self.members.get(save.members..).unwrap_or_default() {
            // The index's key is the copy the ledger kept when it added the
            // member (an amendment since may hold another copy).
            self.member_index.remove(member.id());
        }
        self.member_index.forget_from(save.members);
        self.members.truncate(save.members);
        self.member_groups.truncate(save.members);
        self.member_entries.truncate(save.members);
        self.by_member.truncate(save.members);
        self.backstops_leading_on.truncate(save.members);
        self.backstop_needed.truncate(save.members);
        for source in self.sources.get(save.sources..).unwrap_or_default() {
            // The index's key is the copy the ledger kept when it added the
            // source (an amendment since may hold another copy).
            self.source_index.remove(source.id());
        }
        self.source_index.forget_from(save.sources);
        self.sources.truncate(save.sources);
        self.alone_lists.truncate(save.sources);
        self.source_entries.truncate(save.sources);
        for group in self.groups.get(save.groups..).unwrap_or_default() {
            self.group_index.remove(group);
        }
        self.groups.truncate(save.groups);
        for category in self.categories.get(save.categories..).unwrap_or_default() {
            self.category_index.remove(category);
        }
        self.category_index.forget_from(save.categories);
        self.categories.truncate(save.categories);
    }
}
