//! [`Ledger::record_batch`]: many entries recorded as one unit.
//!
//! A batch is accepted item by item under exactly the rules of
//! [`Ledger::record`]; what it adds is atomicity (all or none, through a
//! savepoint, so a refusal costs time proportional to the batch) and an
//! error that says which entry was refused. What makes a batch cheaper than
//! separate calls happens in `record` itself and so applies to both: a
//! source list cited by consecutive entries is checked once, ids the ledger
//! already holds are not copied again, and the pledge index is probed in
//! two maps.

use super::Ledger;
use super::apply::Recorded;
use crate::entry::{Action, Provenance};
use crate::error::Result;

impl Ledger {
    /// Records `items` in order, all or none: the outcome of each (appended
    /// or already present, as [`Ledger::record`] says), or the first
    /// refusal, with the ledger left exactly as it was.
    ///
    /// Every item is accepted or refused exactly as [`Ledger::record`]
    /// would accept or refuse it after the items before it.
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
        let items = items.into_iter();
        let mut recorded = Vec::with_capacity(items.size_hint().0);
        if self.in_savepoint() {
            // Only a journal batch holds a savepoint, and its ledger is
            // not lent out mutably; fall back to a snapshot all the same.
            let before = self.clone();
            for (action, provenance) in items {
                let sequence = self.len() as u64;
                match self.record(action, provenance) {
                    Ok(outcome) => recorded.push(outcome),
                    Err(error) => {
                        *self = before;
                        return Err(error.in_entry(sequence));
                    }
                }
            }
            return Ok(recorded);
        }
        let save = self.savepoint();
        for (action, provenance) in items {
            let sequence = self.len() as u64;
            match self.record(action, provenance) {
                Ok(outcome) => recorded.push(outcome),
                Err(error) => {
                    self.rollback(save);
                    return Err(error.in_entry(sequence));
                }
            }
        }
        self.release(save);
        Ok(recorded)
    }
}
