//! [`ConditionCode`]: the conditions of every conditional pledge, by index,
//! in one flat array the ledger fills as pledges are opened.
//!
//! A scenario's evaluation reads every conditional pledge's conditions. In
//! the pledge's own body they lie behind a chain of loads far apart in
//! memory (the pledge's state, its opening entry, the boxed body, the
//! conditions, the id each names, hashed to find its index): at a million
//! pledges that chain was most of a first query's evaluation. The codes
//! hold the same conditions with their ids already resolved to indexes, in
//! the order of [`Ledger::conditional_pledges`](super::Ledger), each
//! pledge's codes ending with [`ConditionCode::End`], so that an
//! evaluation reads them front to back.

use super::Ledger;
use crate::pledge::{Condition, NewPledge};

/// One condition of a conditional pledge, with the member or pledge it
/// names resolved to its index when the pledge was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ConditionCode {
    /// [`Condition::Ceasefire`].
    Ceasefire,
    /// [`Condition::Backstop`], by the member's index.
    Backstop(u32),
    /// [`Condition::ParliamentaryApproval`], by the member's index.
    Parliament(u32),
    /// [`Condition::DependsOn`] a pledge recorded before this one, by its
    /// index.
    DependsOn(u32),
    /// A condition read from the pledge's body instead: a named one, or
    /// one on a pledge not recorded yet when this one was opened (it may
    /// be recorded later). (A member a condition names is always known:
    /// recording refuses an unknown one under every format version's
    /// rules; were one unknown, it would be coded `Other` too.)
    Other,
    /// The end of a pledge's codes.
    End,
}

impl Ledger {
    /// The code of `condition` in this ledger as it stands; `None` for a
    /// condition [`ConditionCode::Other`] stands for. Scenarios code the
    /// conditions they state with it, to compare them with the pledges'.
    pub(crate) fn condition_code(&self, condition: &Condition) -> Option<ConditionCode> {
        match condition {
            Condition::Ceasefire => Some(ConditionCode::Ceasefire),
            Condition::Backstop { by } => self.member_ix(by).map(ConditionCode::Backstop),
            Condition::ParliamentaryApproval { member } => {
                self.member_ix(member).map(ConditionCode::Parliament)
            }
            Condition::DependsOn(pledge) => self.pledge_ix(pledge).map(ConditionCode::DependsOn),
            Condition::Named(_) => None,
        }
    }

    /// Appends the codes of a conditional pledge being opened (before it
    /// is in the pledge index: a pledge naming itself is read from its
    /// body).
    pub(super) fn push_condition_codes(&mut self, spec: &NewPledge) {
        for condition in spec.conditions() {
            let code = self
                .condition_code(condition)
                .unwrap_or(ConditionCode::Other);
            self.condition_codes.push(code);
        }
        self.condition_codes.push(ConditionCode::End);
    }

    /// The codes of the conditional pledges, in the order of
    /// [`Ledger::conditional_pledges`], each pledge's ending with
    /// [`ConditionCode::End`].
    pub(crate) fn condition_codes(&self) -> &super::Chunked<ConditionCode> {
        &self.condition_codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Action, Provenance};
    use crate::error::Result;
    use crate::estimate::Estimate;
    use crate::ids::{MemberId, PledgeId};
    use crate::ledger::Record;
    use crate::lifecycle::Evidence;
    use crate::member::Member;
    use crate::pledge::Contribution;

    fn member(ledger: &mut Ledger, id: &str) -> Result<MemberId> {
        let id = MemberId::new(id)?;
        ledger.add_member(Member::new(id.clone(), id.as_str()))?;
        Ok(id)
    }

    #[test]
    fn each_conditional_pledge_has_its_codes_in_order() -> Result<()> {
        use ConditionCode::{Backstop, Ceasefire, DependsOn, End, Other, Parliament};
        let mut ledger = Ledger::new();
        let usa = member(&mut ledger, "USA")?;
        let fra = member(&mut ledger, "FRA")?;
        let troops = |n| Contribution::Troops {
            personnel: Estimate::Exact(n),
        };
        let open = |ledger: &mut Ledger, spec: NewPledge| {
            ledger.open_pledge(spec, Provenance::new(Evidence::Reported))
        };
        let first = PledgeId::new("first")?;
        open(
            &mut ledger,
            NewPledge::new(first.clone(), fra.clone(), troops(1)),
        )?;
        let later = PledgeId::new("later")?;
        let conditional = NewPledge::new(PledgeId::new("second")?, fra.clone(), troops(2))
            .with_condition(Condition::Backstop { by: usa.clone() })
            .with_condition(Condition::DependsOn(first))
            .with_condition(Condition::Ceasefire)
            .with_condition(Condition::ParliamentaryApproval {
                member: fra.clone(),
            })
            .with_condition(Condition::DependsOn(later.clone()))
            .with_condition(Condition::Named("a vote".into()));
        open(&mut ledger, conditional)?;
        let again =
            NewPledge::new(later, fra, troops(3)).with_condition(Condition::Backstop { by: usa });
        open(&mut ledger, again)?;
        // In the order the pledge keeps its conditions (sorted); a pledge
        // recorded later, and a named condition, are read from the body.
        let codes: Vec<ConditionCode> = ledger.condition_codes().iter().copied().collect();
        assert_eq!(
            codes,
            [
                Ceasefire,
                Backstop(0),
                Parliament(1),
                DependsOn(0),
                Other,
                Other,
                End,
                Backstop(0),
                End
            ]
        );
        let listed: Vec<u32> = ledger.conditional_pledges().iter().copied().collect();
        assert_eq!(listed, [1, 2]);
        Ok(())
    }

    #[test]
    fn a_refused_batch_leaves_no_codes_behind() -> Result<()> {
        let mut ledger = Ledger::new();
        let usa = member(&mut ledger, "USA")?;
        let kept = NewPledge::new(
            PledgeId::new("kept")?,
            usa.clone(),
            Contribution::Troops {
                personnel: Estimate::Exact(1),
            },
        )
        .with_condition(Condition::Ceasefire);
        ledger.open_pledge(kept, Provenance::new(Evidence::Reported))?;
        let before: Vec<ConditionCode> = ledger.condition_codes().iter().copied().collect();
        let dropped = NewPledge::new(
            PledgeId::new("dropped")?,
            usa,
            Contribution::Troops {
                personnel: Estimate::Exact(2),
            },
        )
        .with_condition(Condition::Ceasefire);
        let stray = Action::Annotate {
            pledge: PledgeId::new("nowhere")?,
        };
        let provenance = Provenance::new(Evidence::Reported);
        let batch = [
            (Action::Pledge(Box::new(dropped)), provenance.clone()),
            (stray, provenance),
        ];
        assert!(ledger.record_batch(batch).is_err());
        let after: Vec<ConditionCode> = ledger.condition_codes().iter().copied().collect();
        assert_eq!(after, before);
        Ok(())
    }
}
