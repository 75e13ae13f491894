//! The [`Pledge`] view: a pledge's derived current state, read from the
//! ledger's columns and the entries they point at.
//!
//! It lives with the ledger because it reads the ledger's internals; the
//! domain values it returns (`NewPledge`, `Contribution`, ...) stay below in
//! `pledge.rs`.

use rust_decimal::Decimal;

use super::{Ledger, PledgeState};
use crate::ids::{Category, MemberId, PledgeId, SourceId};
use crate::lifecycle::{Evidence, Stage};
use crate::money::Currency;
use crate::pledge::{Condition, Contribution, Kind, NewPledge, StageDates};

/// The derived current state of a pledge, borrowed from a
/// [`Ledger`](crate::Ledger).
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, PledgeId, Stage};
///
/// let ledger = fixtures::paris_summit();
/// let pledge = ledger.pledge(&PledgeId::new("USA-backstop")?).expect("in the fixture");
/// assert_eq!(pledge.member().as_str(), "USA");
/// assert!(pledge.stage() < Stage::Committed);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Pledge<'a> {
    pub(crate) spec: &'a NewPledge,
    pub(crate) contribution: &'a Contribution,
    pub(crate) state: &'a PledgeState,
    pub(crate) ledger: &'a Ledger,
}

impl<'a> Pledge<'a> {
    /// The id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.id(), &id);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn id(&self) -> &'a PledgeId {
        self.spec.id()
    }

    /// The pledging member.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.member().as_str(), "FRA");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn member(&self) -> &'a MemberId {
        self.spec.member()
    }

    /// The contribution at its current size (after revisions).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.contribution(), &Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn contribution(&self) -> &'a Contribution {
        self.contribution
    }

    /// The kind.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.kind(), Kind::Troops);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn kind(&self) -> Kind {
        self.state.kind
    }

    /// The current stage.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.stage(), Stage::Announced);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn stage(&self) -> Stage {
        self.state.stage
    }

    /// The evidence of the latest entry on the pledge.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.evidence(), Evidence::Reported);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn evidence(&self) -> Evidence {
        self.state.evidence
    }

    /// The best evidence any entry on the pledge has had.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// ledger.annotate(&id, Provenance::new(Evidence::Verified))?;
    /// ledger.annotate(&id, Provenance::new(Evidence::Unconfirmed))?;
    /// let now = ledger.pledge(&id).map(|p| (p.evidence(), p.best_evidence()));
    /// // The latest entry sets the evidence; the best one seen is kept apart.
    /// assert_eq!(now, Some((Evidence::Unconfirmed, Evidence::Verified)));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn best_evidence(&self) -> Evidence {
        self.state.best_evidence
    }

    /// The conditions, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.conditions(), [Condition::Ceasefire]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn conditions(&self) -> &'a [Condition] {
        self.spec.conditions()
    }

    /// True when the pledge has at least one condition.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert!(pledge.is_conditional());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_conditional(&self) -> bool {
        !self.spec.conditions().is_empty()
    }

    /// The category: the equipment category or the pledge's label.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.category(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn category(&self) -> Option<&'a Category> {
        self.spec.category()
    }

    /// The location, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.location(), Some("Ukraine"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn location(&self) -> Option<&'a str> {
        self.spec.location()
    }

    /// The notes, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.notes(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn notes(&self) -> Option<&'a str> {
        self.spec.notes()
    }

    /// The currency of the pledge's money (funding amount, equipment value,
    /// or the first money delivery), if any.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let id = PledgeId::new("DEU-fund")?;
    /// let amount = Estimate::Exact(Money::parse("50000000", Currency::EUR)?);
    /// ledger.open_pledge(NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Funding { amount }), Provenance::new(Evidence::Verified).on(parse_date("2025-01-10")?))?;
    /// assert_eq!(ledger.pledge(&id).and_then(|p| p.currency()), Some(Currency::EUR));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency(&self) -> Option<Currency> {
        self.state.currency
    }

    /// Delivered so far, in the pledge's own unit (personnel, units, or money
    /// in [`Pledge::currency`]). Never negative.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let id = PledgeId::new("DEU-fund")?;
    /// let amount = Estimate::Exact(Money::parse("50000000", Currency::EUR)?);
    /// ledger.open_pledge(NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Funding { amount }), Provenance::new(Evidence::Verified).on(parse_date("2025-01-10")?))?;
    /// ledger.deliver(&id, Decimal::from(20_000_000), Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.delivered()), Some(Decimal::from(20_000_000)));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn delivered(&self) -> Decimal {
        self.state.delivered
    }

    /// The dates of the stages.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let id = PledgeId::new("DEU-fund")?;
    /// let amount = Estimate::Exact(Money::parse("50000000", Currency::EUR)?);
    /// ledger.open_pledge(NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Funding { amount }), Provenance::new(Evidence::Verified).on(parse_date("2025-01-10")?))?;
    /// ledger.advance(&id, Stage::Delivered, Provenance::new(Evidence::Verified).on(parse_date("2025-06-01")?))?;
    /// let dates = ledger.pledge(&id).map(|p| p.dates()).unwrap_or_default();
    /// assert_eq!(dates.opened, Some(parse_date("2025-01-10")?));
    /// assert_eq!(dates.delivered, Some(parse_date("2025-06-01")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn dates(&self) -> StageDates {
        self.state.dates
    }

    /// True when we voided the pledge as recorded in error (see
    /// [`Action::Void`](crate::Action::Void)): it counts nowhere.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let id = PledgeId::new("DEU-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Troops { personnel: Estimate::Exact(10) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported))?;
    /// ledger.record(Action::Void { pledge: id.clone(), reason: "imported twice".into() }, Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.is_void()), Some(true));
    /// assert_eq!(ledger.query().run()?.total().count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_void(&self) -> bool {
        self.state.voided
    }

    /// The reason the pledge was voided, if it was.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let id = PledgeId::new("DEU-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Troops { personnel: Estimate::Exact(10) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported))?;
    /// assert_eq!(ledger.pledge(&id).and_then(|p| p.void_reason().map(str::to_string)), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn void_reason(&self) -> Option<&str> {
        if !self.state.voided {
            return None;
        }
        match self.ledger.whole_action(self.state.last_entry)? {
            crate::entry::Action::Void { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The basis an adjustment changes, or `None` for a pledge (see
    /// [`NewPledge::adjustment`](crate::NewPledge::adjustment)).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let fix = NewPledge::adjustment(PledgeId::new("DEU-fix")?, MemberId::new("DEU")?,
    ///     AdjustmentBasis::Pledged, Money::parse("-5", Currency::EUR)?);
    /// ledger.open_pledge(fix, Provenance::new(Evidence::Reported))?;
    /// assert_eq!(ledger.pledge(&PledgeId::new("DEU-fix")?).and_then(|p| p.adjusts()), Some(AdjustmentBasis::Pledged));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn adjusts(&self) -> Option<crate::pledge::AdjustmentBasis> {
        self.state.adjusts
    }

    /// The pledge's date ([`StageDates::pledge_date`]) as recorded: a day,
    /// a month or a year. A month or a year takes effect at the end of its
    /// period, which is what [`StageDates::pledge_date`] gives.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let id = PledgeId::new("DEU-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Troops { personnel: Estimate::Exact(10) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Verified).within("2024".parse()?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.period().map(|d| d.to_string()), Some("2024".to_string()));
    /// assert_eq!(pledge.dates().pledge_date(), Some(parse_date("2024-12-31")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn period(&self) -> Option<crate::dates::PartialDate> {
        let date = self.state.dates.pledge_date()?;
        Some(crate::dates::PartialDate::from_effective(
            date,
            self.state.date_precision,
        ))
    }

    /// The reason given when the pledge was withdrawn.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// ledger.withdraw(&id, "no ceasefire", Provenance::new(Evidence::Reported))?;
    /// assert_eq!(ledger.pledge(&id).and_then(|p| p.withdrawal_reason()), Some("no ceasefire"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn withdrawal_reason(&self) -> Option<&'a str> {
        self.ledger.withdrawal_reason(self.state)
    }

    /// Every source cited by the pledge's entries, sorted and unique.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.sources(), [&SourceId::new("elysee")?]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sources(&self) -> Vec<&'a SourceId> {
        self.ledger.pledge_sources(self.state)
    }

    /// The sequence numbers of the entries on this pledge, oldest first.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified))?;
    /// // Sequence numbers of the entries about this pledge.
    /// assert_eq!(ledger.pledge(&id).map(|p| p.history()), Some(vec![2, 3]));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn history(&self) -> Vec<u64> {
        self.ledger.pledge_history(self.state)
    }

    /// The entries about this pledge, newest recorded first, read in place
    /// (what [`Pledge::history`] lists, without collecting it).
    pub(crate) fn entries_newest_first(&self) -> impl Iterator<Item = crate::entry::Entry> + 'a {
        self.ledger.pledge_entries(self.state)
    }
}
