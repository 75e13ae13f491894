//! [`Ledger::record_batch`]: many entries recorded as one unit.
//!
//! A batch is accepted item by item under exactly the rules of
//! [`Ledger::record`]; what it adds is atomicity (all or none, through a
//! savepoint, so a refusal costs time proportional to the batch) and an
//! error that says which entry was refused. What makes a batch cheaper than
//! separate calls happens in `record` itself and so applies to both: a
//! source list cited by consecutive entries is checked once, ids the ledger
//! already holds are not copied again, and an entry on an existing pledge
//! probes the pledge index once (one map while no snapshot shares it).
//!
//! One thing only a batch does: it takes its items a window of 256 at a
//! time and looks up the window's pledges together before recording any of
//! them, so that the processor overlaps their cache misses (a quarter off
//! `record_batch` at a million pledges). Taking items ahead must not change
//! what a batch answers: the iterator is fused, and a panic while producing
//! an item waits until the items before it are recorded.

use super::Ledger;
use super::apply::Recorded;
use crate::entry::{Action, Provenance};
use crate::error::Result;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

impl Ledger {
    /// Records `items` in order, all or none: the outcome of each (appended
    /// or already present, as [`Ledger::record`] says), or the first
    /// refusal, with the ledger left exactly as it was.
    ///
    /// Every item is accepted or refused exactly as [`Ledger::record`]
    /// would accept or refuse it after the items before it. Items are taken
    /// from the iterator up to 255 ahead of the one being recorded, so the
    /// iterator may have produced (and the batch dropped) up to 255 items
    /// past a refused one. A panic while producing one of them is set
    /// aside: the refusal is returned, as it would be if the items were
    /// taken one at a time. The batch ends at the iterator's first `None`.
    ///
    /// # Errors
    ///
    /// The refusal [`Ledger::record`] gives for the first item it refuses,
    /// wrapped in [`Error::InEntry`](crate::Error::InEntry) with the
    /// sequence number that entry would have had.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    /// use coalition_ledger::Error;
    ///
    /// let mut ledger = Ledger::new();
    /// let fra = Action::AddMember(Box::new(Member::new(MemberId::new("FRA")?, "France")));
    /// let gbr = Action::AddMember(Box::new(Member::new(MemberId::new("GBR")?, "United Kingdom")));
    /// let verified = Provenance::new(Evidence::Verified);
    /// let recorded = ledger.record_batch([(fra.clone(), verified.clone()), (gbr, verified.clone())])?;
    /// assert_eq!(recorded.len(), 2);
    ///
    /// // A refusal anywhere leaves nothing of the batch behind.
    /// let before = ledger.clone();
    /// let stray = Action::Annotate { pledge: PledgeId::new("none")? };
    /// let err = ledger.record_batch([(fra, verified.clone()), (stray, verified)]).unwrap_err();
    /// assert_eq!(err.to_string(), "entry 2: unknown pledge `none`");
    /// assert_eq!(ledger, before);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn record_batch(
        &mut self,
        items: impl IntoIterator<Item = (Action, Provenance)>,
    ) -> Result<Vec<Recorded>> {
        let undo = if self.in_savepoint() {
            // Only a journal batch holds a savepoint, and its ledger is
            // not lent out mutably; fall back to a snapshot all the same.
            Undo::Snapshot(Box::new(self.clone()))
        } else {
            Undo::Savepoint(self.savepoint())
        };
        // The caller's iterator may panic between items: the batch is
        // rolled back before the panic goes on, so it is still all or none
        // and no savepoint is left open.
        let outcome = catch_unwind(AssertUnwindSafe(|| self.record_each(items)));
        match undo {
            Undo::Savepoint(save) if matches!(outcome, Ok(Ok(_))) => self.release(save),
            Undo::Savepoint(save) => self.rollback(save),
            Undo::Snapshot(_) if matches!(outcome, Ok(Ok(_))) => {}
            Undo::Snapshot(before) => *self = *before,
        }
        outcome.unwrap_or_else(|panic| resume_unwind(panic))
    }

    /// Records each item in turn, stopping at the first refusal.
    fn record_each(
        &mut self,
        items: impl IntoIterator<Item = (Action, Provenance)>,
    ) -> Result<Vec<Recorded>> {
        let items = items.into_iter();
        // The hint is the caller's word, not a promise: a lazy iterator may
        // claim more items than memory holds.
        let mut recorded = Vec::with_capacity(items.size_hint().0.min(RESERVED_OUTCOMES));
        // A window at a time, so that the window's pledges are looked up
        // together first (see `warm_pledges`). Fused: the batch ends at the
        // iterator's first `None`, as a `for` loop would.
        let mut items = items.fuse();
        let mut window = Vec::with_capacity(WARM_WINDOW);
        loop {
            // A panic while an item is produced waits until the items
            // before it are recorded: a refusal among them is the answer,
            // as it is when items are taken one at a time.
            let mut panicked = None;
            let mut ended = false;
            while window.len() < WARM_WINDOW {
                match catch_unwind(AssertUnwindSafe(|| items.next())) {
                    Ok(Some(item)) => window.push(item),
                    Ok(None) => {
                        ended = true;
                        break;
                    }
                    Err(panic) => {
                        panicked = Some(panic);
                        break;
                    }
                }
            }
            self.warm_pledges(window.iter().filter_map(|(action, _)| action.pledge()));
            for (action, provenance) in window.drain(..) {
                let sequence = self.len() as u64;
                let outcome = self
                    .record(action, provenance)
                    .map_err(|error| error.in_entry(sequence))?;
                recorded.push(outcome);
            }
            if let Some(panic) = panicked {
                resume_unwind(panic);
            }
            if ended {
                break;
            }
        }
        Ok(recorded)
    }
}

/// How a batch goes back to where it began.
enum Undo {
    Savepoint(super::savepoint::Savepoint),
    Snapshot(Box<Ledger>),
}

/// Items a batch takes from its iterator at a time.
const WARM_WINDOW: usize = 256;

/// Most outcomes room is made for before the first item is recorded.
const RESERVED_OUTCOMES: usize = 4_096;
