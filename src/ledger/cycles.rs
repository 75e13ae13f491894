//! Refusing the entry that would close a dependency cycle.
//!
//! `DependsOn(p)` and `Backstop { by }` conditions form one graph: a pledge
//! points at the pledge it depends on, and at every backstop pledge of the
//! member whose backstop it needs (structurally, whatever their stage: a
//! backstop only announced today may be committed tomorrow). Conditions are
//! fixed when a pledge is opened, so a cycle can only be closed by opening a
//! pledge that something already points at: one named by an earlier
//! `DependsOn` (they may name pledges recorded later), or a backstop pledge
//! of a member whose backstop earlier pledges need. Any other new pledge has
//! no incoming edge and cannot close a cycle, so the search below runs only
//! in those two cases, and then visits only what the new pledge reaches.

use std::collections::HashSet;

use super::savepoint::Undo;
use super::{Ledger, PledgeState};
use crate::error::{Error, Result};
use crate::pledge::{Condition, Kind, NewPledge};

/// Most pledge ids an error names when it reports a long cycle (the same
/// bound as a CL004 diagnostic's).
const CYCLE_IDS_SHOWN: usize = crate::limits::MAX_CYCLE_PLEDGES_SHOWN;

/// True when `spec` has a condition that is an edge of the graph, so that
/// a search can go on from it.
pub(super) fn leads_on(spec: &NewPledge) -> bool {
    spec.conditions()
        .iter()
        .any(|c| matches!(c, Condition::DependsOn(_) | Condition::Backstop { .. }))
}

/// A node of the search: an existing pledge, or a member's backstop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    Pledge(u32),
    Backstop(u32),
}

impl Ledger {
    /// True when some recorded pledge points at the pledge `spec` opens.
    fn is_awaited(&self, spec: &NewPledge) -> bool {
        let named = self.awaited.contains_key(spec.id());
        // A backstop is needed by earlier pledges, or by itself: a backstop
        // conditional on its own member's backstop points at itself.
        let needs_own = spec
            .conditions()
            .iter()
            .any(|c| matches!(c, Condition::Backstop { by } if by == spec.member()));
        let backstop_needed = spec.contribution().kind() == Kind::Backstop
            && (needs_own
                || self
                    .member_ix(spec.member())
                    .and_then(|m| self.backstop_needed.get(m as usize))
                    .copied()
                    .unwrap_or(false));
        named || backstop_needed
    }

    /// Refuses `spec` when opening it would close a cycle, naming it.
    pub(super) fn refuse_cycle(&self, spec: &NewPledge) -> Result<()> {
        if !self.is_awaited(spec) {
            return Ok(());
        }
        let mut visited: HashSet<Node> = HashSet::new();
        // The path from the new pledge: each frame a node and the index of
        // its next successor.
        let mut path: Vec<(Node, usize)> = Vec::new();
        let mut next_of_new = 0usize;
        loop {
            let (from, index) = if let Some((node, next)) = path.last_mut() {
                let here = (Some(*node), *next);
                *next = next.saturating_add(1);
                here
            } else {
                let here = (None, next_of_new);
                next_of_new = next_of_new.saturating_add(1);
                here
            };
            let Some(step) = self.successor(spec, from, index) else {
                if path.pop().is_none() {
                    return Ok(());
                }
                continue;
            };
            match step {
                Step::BackToNew => return Err(self.cycle_error(spec, &path)),
                Step::Skip => {}
                Step::To(node) => {
                    if visited.insert(node) {
                        path.push((node, 0));
                    }
                }
            }
        }
    }

    /// The `index`-th successor of a node (`None` for the new pledge).
    fn successor(&self, spec: &NewPledge, from: Option<Node>, index: usize) -> Option<Step> {
        let conditions = match from {
            None => spec.conditions(),
            Some(Node::Pledge(ix)) => self
                .pledges
                .get(ix as usize)
                .and_then(|state| self.spec_of(state))
                .map_or(&[][..], NewPledge::conditions),
            Some(Node::Backstop(member)) => {
                // The member's backstop pledges are its edges; of those,
                // only the ones with conditions of the graph can lead on
                // (the others are dead ends, never part of a cycle's path).
                // One past the end stands for the new pledge.
                let pledges = self
                    .backstops_leading_on
                    .get(member as usize)
                    .unwrap_or(&super::chunked::NO_INDEXES);
                let new_is_backstop = spec.contribution().kind() == Kind::Backstop
                    && self.member_ix(spec.member()) == Some(member);
                return match pledges.get(index) {
                    Some(&ix) => Some(Step::To(Node::Pledge(ix))),
                    None if index == pledges.len() && new_is_backstop => Some(Step::BackToNew),
                    None => None,
                };
            }
        };
        let condition = conditions.get(index)?;
        Some(match condition {
            Condition::DependsOn(id) if id == spec.id() => Step::BackToNew,
            Condition::DependsOn(id) => self
                .pledge_index
                .get(id)
                .map_or(Step::Skip, |&ix| Step::To(Node::Pledge(ix))),
            Condition::Backstop { by } => self
                .member_ix(by)
                .map_or(Step::Skip, |m| Step::To(Node::Backstop(m))),
            _ => Step::Skip,
        })
    }

    #[cold]
    fn cycle_error(&self, spec: &NewPledge, path: &[(Node, usize)]) -> Error {
        let mut ids: Vec<String> = vec![spec.id().to_string()];
        for (node, _) in path {
            if let Node::Pledge(ix) = node {
                let id = self
                    .pledges
                    .get(*ix as usize)
                    .and_then(|state| self.spec_of(state))
                    .map_or_else(|| format!("#{ix}"), |s| s.id().to_string());
                ids.push(id);
            }
        }
        let length = ids.len();
        ids.truncate(CYCLE_IDS_SHOWN);
        if length > CYCLE_IDS_SHOWN {
            ids.push("…".into());
        }
        ids.push(spec.id().to_string());
        Error::DependencyCycle { cycle: ids, length }
    }

    /// Records what a newly opened pledge points at, for [`Ledger::is_awaited`]
    /// and for the `depended_on` flag of the pledges it names. Returns true
    /// when an earlier pledge named the new one (it was awaited).
    pub(super) fn note_dependencies(&mut self, spec: &NewPledge) -> bool {
        let awaited = self.awaited.remove(spec.id()).is_some();
        if awaited {
            self.log_undo(|| Undo::AwaitedRemoved(spec.id().clone()));
        }
        for condition in spec.conditions() {
            if let Condition::DependsOn(id) = condition {
                self.mark_depended_on(id);
            }
            match condition {
                Condition::DependsOn(id)
                    if !self.pledge_index.contains_key(id)
                        && self.awaited.insert_if_absent(id.clone(), 0) =>
                {
                    self.log_undo(|| Undo::AwaitedInserted(id.clone()));
                }
                Condition::Backstop { by } => {
                    let Some(m) = self.member_ix(by) else {
                        continue;
                    };
                    if let Some(flag) = self.backstop_needed.get_mut(m as usize) {
                        if !*flag {
                            *flag = true;
                            self.log_undo(|| Undo::BackstopNeeded(m));
                        }
                    }
                }
                _ => {}
            }
        }
        awaited
    }

    /// Sets the `depended_on` flag of a recorded pledge.
    fn mark_depended_on(&mut self, id: &crate::ids::PledgeId) {
        let Some(&ix) = self.pledge_index.get(id) else {
            return;
        };
        let Some(&before) = self.pledges.get(ix as usize) else {
            return;
        };
        if !before.depended_on {
            self.log_state(ix, before);
            self.pledges.set(
                ix as usize,
                PledgeState {
                    depended_on: true,
                    ..before
                },
            );
        }
    }
}

/// One step of the search.
enum Step {
    /// The edge leads back to the pledge being opened: a cycle.
    BackToNew,
    /// The edge leads to a node to explore.
    To(Node),
    /// The condition leads nowhere (no graph edge).
    Skip,
}
