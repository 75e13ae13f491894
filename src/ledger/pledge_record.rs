//! [`PledgeRecord`]: an owned, serializable copy of the [`Pledge`] view, for
//! applications that store or send a pledge's current state (a dashboard's
//! cache, a message to another service).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Pledge;
use crate::ids::{Category, MemberId, PledgeId, SourceId};
use crate::lifecycle::{Evidence, Stage};
use crate::pledge::{Condition, Contribution, StageDates};

/// The current state of a pledge, owned: what [`Pledge`] shows, without the
/// borrow of the ledger.
///
/// A record is a picture taken at one moment; the ledger stays the truth
/// (its history, corrections and `as_of` views). Fields are public, as for
/// any plain data record; build one with [`Pledge::to_record`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let pledge = ledger.pledges().next().ok_or("the fixture has pledges")?;
/// let record: PledgeRecord = pledge.to_record();
/// let text = serde_json::to_string(&record)?;
/// let back: PledgeRecord = serde_json::from_str(&text)?;
/// assert_eq!(back, record);
/// assert_eq!(&back.id, pledge.id());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PledgeRecord {
    /// The pledge's id.
    pub id: PledgeId,
    /// The pledging member.
    pub member: MemberId,
    /// What is pledged, at its current size.
    pub contribution: Contribution,
    /// The current stage.
    pub stage: Stage,
    /// The evidence of the latest entry.
    pub evidence: Evidence,
    /// The best evidence any entry gave.
    pub best_evidence: Evidence,
    /// The conditions, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The equipment category or the pledge's category label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Where it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Free notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Delivered so far, in the pledge's unit (personnel, units, or money in
    /// its currency).
    #[serde(with = "crate::money::amount")]
    pub delivered: Decimal,
    /// The dates each stage was reached.
    pub dates: StageDates,
    /// Why it was withdrawn, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<String>,
    /// Every source cited by its entries, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceId>,
    /// The date of the pledge as recorded: a day, or a month or a year
    /// when it is known only to one ([`Pledge::period`]); `None` undated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::dates::PartialDate>,
    /// Set for an adjustment: the total it adjusts ([`Pledge::adjusts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusts: Option<crate::pledge::AdjustmentBasis>,
    /// Why we voided the pledge, recorded in error, for a voided pledge
    /// (it counts nowhere); `None` otherwise ([`Pledge::void_reason`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void_reason: Option<String>,
}

impl PledgeRecord {
    /// The date the pledge counts from: see [`StageDates::pledge_date`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// for pledge in ledger.pledges() {
    ///     assert_eq!(pledge.to_record().pledge_date(), pledge.dates().pledge_date());
    /// }
    /// ```
    pub fn pledge_date(&self) -> Option<NaiveDate> {
        self.dates.pledge_date()
    }
}

impl Pledge<'_> {
    /// An owned copy of this view, to store or send.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let records: Vec<PledgeRecord> = ledger.pledges().map(|p| p.to_record()).collect();
    /// drop(ledger); // the records do not borrow it
    /// assert!(records.iter().all(|r| r.stage != Stage::Delivered || r.dates.delivered.is_some()));
    /// ```
    #[must_use]
    pub fn to_record(&self) -> PledgeRecord {
        PledgeRecord {
            id: self.id().clone(),
            member: self.member().clone(),
            contribution: self.contribution().clone(),
            stage: self.stage(),
            evidence: self.evidence(),
            best_evidence: self.best_evidence(),
            conditions: self.conditions().to_vec(),
            category: self.category().cloned(),
            location: self.location().map(String::from),
            notes: self.notes().map(String::from),
            delivered: self.delivered(),
            dates: self.dates(),
            withdrawal_reason: self.withdrawal_reason().map(String::from),
            sources: self.sources().into_iter().cloned().collect(),
            period: self.period(),
            adjusts: self.adjusts(),
            void_reason: self.void_reason().map(String::from),
        }
    }
}
