//! [`Record`]: the write helpers, written once for every place entries are
//! recorded.
//!
//! A [`Ledger`] records in memory; a journal (`io::journal::Journal`) writes
//! each entry to disk before applying it; a journal batch collects entries
//! that become durable together. All of them implement the one required
//! method, [`Record::record`], and get every helper ([`Record::open_pledge`],
//! [`Record::advance`], [`Record::deliver`], ...) with the same names and
//! behaviour: there is one implementation of each helper, not a copy per
//! writer.

use rust_decimal::Decimal;

use super::{Ledger, Recorded};
use crate::entry::{Action, Provenance};
use crate::error::Result;
use crate::ids::PledgeId;
use crate::lifecycle::{Evidence, Stage};
use crate::member::Member;
use crate::money::Money;
use crate::pledge::{Contribution, Kind, NewPledge};
use crate::source::Source;

/// Something entries are recorded into: a [`Ledger`], a journal, a journal
/// batch. Bring it into scope (`use coalition_ledger::Record;`, or
/// `use coalition_ledger::prelude::*;`) to call the helpers.
///
/// # Example
///
/// A function written once for any writer:
///
/// ```
/// use coalition_ledger::Result;
/// use coalition_ledger::prelude::*;
///
/// fn roster(writer: &mut impl Record) -> Result<()> {
///     writer.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
///     writer.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
///     Ok(())
/// }
///
/// let mut ledger = Ledger::new();
/// roster(&mut ledger)?;
/// assert_eq!(ledger.members().count(), 2);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub trait Record {
    /// The ledger as recorded so far (for journals, what is durable; for a
    /// batch, including the batch's own entries).
    fn ledger(&self) -> &Ledger;

    /// Validates an action and records it with its provenance; see
    /// [`Ledger::record`].
    ///
    /// # Errors
    ///
    /// Any rule the action breaks (nothing is recorded), and for journals
    /// the file errors.
    fn record(&mut self, action: Action, provenance: Provenance) -> Result<Recorded>;

    /// Adds a member to the roster (evidence `Verified`, undated).
    ///
    /// # Errors
    ///
    /// An invalid member, or a different member under the same id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let err = ledger.add_member(Member::new(MemberId::new("FRA")?, "Francia")).unwrap_err();
    /// assert_eq!(err.to_string(), "member `FRA` already exists with a different `name`");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn add_member(&mut self, member: Member) -> Result<Recorded> {
        self.record(
            Action::AddMember(Box::new(member)),
            Provenance::new(Evidence::Verified),
        )
    }

    /// Adds a source (evidence `Verified`, undated).
    ///
    /// # Errors
    ///
    /// An invalid source, or a different source under the same id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// assert_eq!(ledger.sources().len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn add_source(&mut self, source: Source) -> Result<Recorded> {
        self.record(
            Action::AddSource(Box::new(source)),
            Provenance::new(Evidence::Verified),
        )
    }

    /// Opens a pledge.
    ///
    /// # Errors
    ///
    /// An unknown member or source, an invalid size, or a different pledge
    /// under the same id. An unknown member named by a condition comes as
    /// [`Error::InPledge`](crate::Error::InPledge) around
    /// [`Error::UnknownMember`](crate::Error::UnknownMember)
    /// (``pledge `FRA-1`: unknown member `CHN` ``);
    /// [`Error::root`](crate::Error::root) reaches the inner error.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// // A pledge by a member not on the roster is refused, and nothing changes.
    /// let spec = NewPledge::new(PledgeId::new("XYZ-1")?, MemberId::new("XYZ")?, Contribution::Troops { personnel: Estimate::Unspecified });
    /// let err = ledger.open_pledge(spec, Provenance::new(Evidence::Reported)).unwrap_err();
    /// assert!(err.is_unknown_reference());
    /// assert_eq!(ledger.pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn open_pledge(&mut self, pledge: NewPledge, provenance: Provenance) -> Result<Recorded> {
        self.record(Action::Pledge(Box::new(pledge)), provenance)
    }

    /// Moves a pledge to a later stage.
    ///
    /// # Errors
    ///
    /// An unknown pledge, a backward or terminal transition.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified).on(parse_date("2025-10-01")?))?;
    /// let err = ledger.advance(&id, Stage::Announced, Provenance::new(Evidence::Verified)).unwrap_err();
    /// assert_eq!(err.to_string(), "pledge `FRA-1`: cannot move from stage committed to announced");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn advance(
        &mut self,
        pledge: &PledgeId,
        stage: Stage,
        provenance: Provenance,
    ) -> Result<Recorded> {
        let action = Action::Advance {
            pledge: pledge.clone(),
            stage,
        };
        self.record(action, provenance)
    }

    /// Replaces the size of a pledge (a revision or a correction).
    ///
    /// # Errors
    ///
    /// An unknown or withdrawn pledge, a different kind, category or currency.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// ledger.revise(&id, Contribution::Troops { personnel: Estimate::Exact(3_000) }, Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.contribution().clone()), Some(Contribution::Troops { personnel: Estimate::Exact(3_000) }));
    /// // A revision keeps the kind: troops cannot become funding.
    /// let money = Contribution::Funding { amount: Estimate::Exact(Money::parse("1", Currency::EUR)?) };
    /// assert!(ledger.revise(&id, money, Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn revise(
        &mut self,
        pledge: &PledgeId,
        contribution: Contribution,
        provenance: Provenance,
    ) -> Result<Recorded> {
        let action = Action::Revise {
            pledge: pledge.clone(),
            contribution: Box::new(contribution),
        };
        self.record(action, provenance)
    }

    /// Records a delivery in the pledge's own unit. For money the pledge's
    /// currency is used; see [`Record::deliver_money`] to state it.
    ///
    /// # Errors
    ///
    /// An unknown or withdrawn pledge, a backstop, a fractional number of
    /// personnel or units, a quantity that is not positive, an overflow.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// ledger.deliver(&id, Decimal::from(1_000), Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.delivered()), Some(Decimal::from(1_000)));
    /// // Personnel are whole people.
    /// assert!(ledger.deliver(&id, parse_amount("0.5")?, Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn deliver(
        &mut self,
        pledge: &PledgeId,
        quantity: Decimal,
        provenance: Provenance,
    ) -> Result<Recorded> {
        deliver_in_own_unit(self, pledge, quantity, false, provenance)
    }

    /// Records a money delivery, checking its currency against the pledge's.
    ///
    /// # Errors
    ///
    /// As [`Record::deliver`], and a currency that differs from the pledge's.
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
    /// ledger.open_pledge(NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Funding { amount }), Provenance::new(Evidence::Verified))?;
    /// ledger.deliver_money(&id, Money::parse("10000000", Currency::EUR)?, Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.delivered()), Some(Decimal::from(10_000_000)));
    /// // In the pledge's own currency only.
    /// assert!(ledger.deliver_money(&id, Money::parse("1", Currency::USD)?, Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn deliver_money(
        &mut self,
        pledge: &PledgeId,
        money: Money,
        provenance: Provenance,
    ) -> Result<Recorded> {
        let action = Action::Deliver {
            pledge: pledge.clone(),
            quantity: money.amount(),
            currency: Some(money.currency()),
            correction: false,
        };
        self.record(action, provenance)
    }

    /// Records a correction of the delivered quantity; it may be negative, but
    /// the cumulative delivered amount never drops below zero.
    ///
    /// # Errors
    ///
    /// As [`Record::deliver`], and a correction that would make the delivered
    /// amount negative.
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
    /// ledger.open_pledge(NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Funding { amount }), Provenance::new(Evidence::Verified))?;
    /// ledger.deliver(&id, Decimal::from(10_000_000), Provenance::new(Evidence::Verified))?;
    /// ledger.correct_delivery(&id, Decimal::from(-2_000_000), Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.delivered()), Some(Decimal::from(8_000_000)));
    /// // The delivered total never drops below zero.
    /// assert!(ledger.correct_delivery(&id, Decimal::from(-9_000_000), Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn correct_delivery(
        &mut self,
        pledge: &PledgeId,
        quantity: Decimal,
        provenance: Provenance,
    ) -> Result<Recorded> {
        deliver_in_own_unit(self, pledge, quantity, true, provenance)
    }

    /// Withdraws a pledge, giving a reason.
    ///
    /// # Errors
    ///
    /// An unknown, delivered or already withdrawn pledge; an empty reason.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// ledger.withdraw(&id, "the ceasefire talks collapsed", Provenance::new(Evidence::Reported))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| p.stage()), Some(Stage::Withdrawn));
    /// // Nothing happens to a withdrawn pledge.
    /// assert!(ledger.annotate(&id, Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn withdraw(
        &mut self,
        pledge: &PledgeId,
        reason: impl Into<String>,
        provenance: Provenance,
    ) -> Result<Recorded>
    where
        Self: Sized,
    {
        let action = Action::Withdraw {
            pledge: pledge.clone(),
            reason: reason.into().into_boxed_str(),
        };
        self.record(action, provenance)
    }

    /// Attaches the provenance's sources and evidence to a pledge.
    ///
    /// # Errors
    ///
    /// An unknown or withdrawn pledge, an unknown source.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// ledger.add_source(Source::new(SourceId::new("mod")?, "Ministry", SourceKind::Official))?;
    /// ledger.annotate(&id, Provenance::new(Evidence::Verified).cite(SourceId::new("mod")?))?;
    /// assert_eq!(ledger.pledge(&id).map(|p| (p.stage(), p.evidence())), Some((Stage::Announced, Evidence::Verified)));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    fn annotate(&mut self, pledge: &PledgeId, provenance: Provenance) -> Result<Recorded> {
        self.record(
            Action::Annotate {
                pledge: pledge.clone(),
            },
            provenance,
        )
    }
}

/// A delivery in the pledge's own unit; money takes the pledge's currency.
fn deliver_in_own_unit<R: Record + ?Sized>(
    writer: &mut R,
    pledge: &PledgeId,
    quantity: Decimal,
    correction: bool,
    provenance: Provenance,
) -> Result<Recorded> {
    let currency = writer
        .ledger()
        .pledge(pledge)
        .filter(|p| p.kind() == Kind::Funding)
        .and_then(|p| p.currency());
    let action = Action::Deliver {
        pledge: pledge.clone(),
        quantity,
        currency,
        correction,
    };
    writer.record(action, provenance)
}

impl Record for Ledger {
    fn ledger(&self) -> &Ledger {
        self
    }

    fn record(&mut self, action: Action, provenance: Provenance) -> Result<Recorded> {
        Ledger::record(self, action, provenance)
    }
}
