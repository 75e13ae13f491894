//! Aggregation: [`Query`] builds a question, [`Table`] answers it.
//!
//! How a query is built and what it answers is on [`Query`].

mod cache;
mod changes;
mod column_build;
mod coverage;
mod dimension;
mod every_cell;
mod fast;
mod left_out;
mod measure;
mod relative;
mod running;
mod scenario;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

pub use changes::{Change, ChangeKind, ChangeRow, Changes, RosterChange};
pub use coverage::{Coverage, Target};
pub use dimension::{Dimension, Key};
pub use left_out::LeftOut;
pub use measure::{Basis, Measure};
pub use relative::{Relative, RelativeRow, RelativeTable};
pub use running::{Interval, Period, RunningTotals};
pub use scenario::Scenario;
pub use table::{Row, Table, Total};

use crate::error::{Error, Result};
use crate::estimate::Bounds;
use crate::ids::{Category, GroupId, MemberId};
use crate::ledger::{Ledger, PledgeState, Undated};
use crate::lifecycle::{Evidence, Stage};
use crate::pledge::Kind;
use dimension::Coder;
use scenario::Evaluation;

/// Fewest pledges for which a query's first run builds its column on a
/// second thread (below, starting the thread costs more than it saves).
const PARALLEL_BUILD_MIN_PLEDGES: usize = 100_000;

/// Most cells a query keeps in a dense array before switching to a map.
const MAX_DENSE_CELLS: usize = 1 << 20;

/// A question about the ledger, built step by step and answered by
/// [`Query::run`].
///
/// ```text
/// ledger.query()
///     .kind(Kind::Troops)                  // filters
///     .stage_at_least(Stage::Committed)
///     .evidence_at_least(Evidence::Reported)
///     .as_of(date)                         // the state on a date
///     .scenario(&scenario)                 // conditions assumed to hold / fail
///     .group_by([Dimension::Member, Dimension::Stage])
///     .measure(Measure::Personnel)
///     .basis(Basis::Pledged)
///     .run()?                              // -> Table
/// ```
///
/// Filters combine with *and*; several values of one filter (two kinds, say)
/// combine with *or*. Withdrawn pledges are left out unless
/// [`Query::include_withdrawn`] is set; the stage range applies to the other
/// stages. The default measure is [`Measure::Count`], the default basis
/// [`Basis::Pledged`], the default scenario [`Scenario::new`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// ledger.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
/// let on = Provenance::new(Evidence::Verified).on(parse_date("2025-09-04")?);
/// for (id, member, low, high) in [("F1", "FRA", 2_000, 5_000), ("G1", "GBR", 4_000, 4_000)] {
///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?,
///         Contribution::Troops { personnel: Estimate::range(low, high)? });
///     ledger.open_pledge(spec, on.clone())?;
/// }
/// let table = ledger.query().group_by([Dimension::Member]).measure(Measure::Personnel).run()?;
/// assert_eq!(table.total().low(), Decimal::from(6_000));
/// assert_eq!(table.total().high(), Some(Decimal::from(9_000)));
/// let gbr = table.row(&[Key::Member(MemberId::new("GBR")?)]).expect("a row per member");
/// assert!(gbr.total().is_exact());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of a builder, each set by its own method"
)]
pub struct Query<'a> {
    ledger: &'a Ledger,
    members: BTreeSet<MemberId>,
    groups: BTreeSet<GroupId>,
    kinds: BTreeSet<Kind>,
    categories: BTreeSet<Category>,
    stage_min: Stage,
    stage_max: Stage,
    evidence_min: Evidence,
    include_withdrawn: bool,
    as_of: Option<(NaiveDate, Undated)>,
    scenario: Option<&'a Scenario>,
    dimensions: Vec<Dimension>,
    measure: Measure<'a>,
    basis: Basis,
    leave_out_unconvertible: bool,
    max_rows: usize,
    include_adjustments: bool,
    every_cell: bool,
}

impl Ledger {
    /// Starts a query over the ledger.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let table = ledger.query().run()?;
    /// assert_eq!(table.total().count(), 3);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn query(&self) -> Query<'_> {
        Query {
            ledger: self,
            members: BTreeSet::new(),
            groups: BTreeSet::new(),
            kinds: BTreeSet::new(),
            categories: BTreeSet::new(),
            stage_min: Stage::Considering,
            stage_max: Stage::Delivered,
            evidence_min: Evidence::Unconfirmed,
            include_withdrawn: false,
            as_of: None,
            scenario: None,
            dimensions: Vec::new(),
            measure: Measure::Count,
            basis: Basis::Pledged,
            leave_out_unconvertible: false,
            max_rows: crate::limits::MAX_QUERY_ROWS,
            include_adjustments: true,
            every_cell: false,
        }
    }
}

impl<'a> Query<'a> {
    /// Only pledges of this member (repeat for several).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let fra = ledger.query().member(&MemberId::new("FRA")?).measure(Measure::Personnel).run()?;
    /// assert_eq!(fra.total().low(), Decimal::from(2_000));
    /// // An unknown member is an error, not an empty table.
    /// assert!(ledger.query().member(&MemberId::new("XYZ")?).run().is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn member(mut self, member: &MemberId) -> Self {
        self.members.insert(member.clone());
        self
    }

    /// Only pledges of members in this group (repeat for several).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let eu = ledger.query().group(&GroupId::new("EU")?).measure(Measure::Personnel).run()?;
    /// assert_eq!(eu.total().low(), Decimal::from(3_000));
    /// assert!(ledger.query().group(&GroupId::new("G7")?).run().is_err()); // unknown group
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn group(mut self, group: &GroupId) -> Self {
        self.groups.insert(group.clone());
        self
    }

    /// Only pledges of this kind (repeat for several).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// assert_eq!(ledger.query().kind(Kind::Troops).run()?.total().count(), 3);
    /// assert_eq!(ledger.query().kind(Kind::Funding).run()?.total().count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kinds.insert(kind);
        self
    }

    /// Only pledges of this category (repeat for several).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().category(&Category::new("reassurance-force")?).run()?;
    /// assert!(table.total().count() > 0);
    /// assert!(fixtures::paris_summit().query().category(&Category::new("no-such-label")?).run().is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn category(mut self, category: &Category) -> Self {
        self.categories.insert(category.clone());
        self
    }

    /// Only pledges at this stage or later (withdrawn ones aside).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// ledger.advance(&PledgeId::new("GBR-1")?, Stage::Committed, Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.query().stage_at_least(Stage::Committed).run()?.total().count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn stage_at_least(mut self, stage: Stage) -> Self {
        self.stage_min = stage;
        self
    }

    /// Only pledges at this stage or earlier (withdrawn ones aside).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// ledger.advance(&PledgeId::new("GBR-1")?, Stage::Committed, Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.query().stage_at_most(Stage::Announced).run()?.total().count(), 2);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn stage_at_most(mut self, stage: Stage) -> Self {
        self.stage_max = stage;
        self
    }

    /// Only pledges whose current evidence is at least this.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// ledger.annotate(&PledgeId::new("FRA-1")?, Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.query().evidence_at_least(Evidence::Verified).run()?.total().count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn evidence_at_least(mut self, evidence: Evidence) -> Self {
        self.evidence_min = evidence;
        self
    }

    /// Also count withdrawn pledges (left out by default).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// ledger.withdraw(&PledgeId::new("DEU-1")?, "cabinet decision", Provenance::new(Evidence::Verified))?;
    /// assert_eq!(ledger.query().run()?.total().count(), 2);
    /// assert_eq!(ledger.query().include_withdrawn(true).run()?.total().count(), 3);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn include_withdrawn(mut self, include: bool) -> Self {
        self.include_withdrawn = include;
        self
    }

    /// Counts adjustments ([`NewPledge::adjustment`](crate::NewPledge::adjustment)):
    /// corrections that change a member's total without naming a pledge
    /// (the default). `false` filters them out, to see the pledges alone.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let fix = NewPledge::adjustment(PledgeId::new("DEU-fix")?, MemberId::new("DEU")?,
    ///     AdjustmentBasis::Pledged, Money::parse("-51900000", Currency::EUR)?);
    /// ledger.open_pledge(fix, Provenance::new(Evidence::Reported).on(parse_date("2024-05-01")?))?;
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let value = Measure::Value { currency: Currency::EUR, fx: &fx };
    /// let with = ledger.query().measure(value).run()?;
    /// assert_eq!(with.total().low(), Decimal::from(-51_900_000));
    /// assert!(with.to_string().contains("note: 1 total below zero"));
    /// let without = ledger.query().measure(value).adjustments(false).run()?;
    /// assert_eq!(without.total().count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn adjustments(mut self, include: bool) -> Self {
        self.include_adjustments = include;
        self
    }

    /// Lists every combination of the grouped dimensions' known values,
    /// with a zero total where nothing counts (default: only the
    /// combinations something counts in).
    ///
    /// The known values are: every member of the roster, every group, the
    /// kinds the measure applies to, every category in the ledger, every
    /// stage and evidence level, both `Conditional` values, and every year,
    /// quarter or month from the earliest pledge date to the latest. "No
    /// group", "no category", "undated" and year-only keys are listed only
    /// when something counts in them. The number of rows is bounded by
    /// [`Query::max_rows`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for id in ["FRA", "GBR"] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id))?;
    /// }
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(10) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let sparse = ledger.query().group_by([Dimension::Member]).run()?;
    /// assert_eq!(sparse.rows().len(), 1);
    /// let every = ledger.query().group_by([Dimension::Member]).every_cell(true).run()?;
    /// assert_eq!(every.rows().len(), 2);
    /// let gbr = every.row(&[Key::Member(MemberId::new("GBR")?)]).map(|r| r.total().count());
    /// assert_eq!(gbr, Some(0));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn every_cell(mut self, every: bool) -> Self {
        self.every_cell = every;
        self
    }

    /// Answers as the ledger stood on `date`, undated entries left out (see
    /// [`Ledger::as_of`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// assert_eq!(ledger.query().as_of(parse_date("2025-09-01")?).run()?.total().count(), 0);
    /// assert_eq!(ledger.query().as_of(parse_date("2025-09-04")?).run()?.total().count(), 3);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn as_of(mut self, date: NaiveDate) -> Self {
        self.as_of = Some((date, Undated::Exclude));
        self
    }

    /// Answers as the ledger stood on `date`, with an explicit rule for
    /// undated entries.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let date = parse_date("2025-12-31")?;
    /// let strict = ledger.query().as_of(date).run()?;
    /// let counted = ledger.query().as_of_with(date, Undated::Include).run()?;
    /// // Undated entries are counted only when asked, and the strict table says what it left out.
    /// assert!(counted.total().count() >= strict.total().count());
    /// assert!(strict.left_out().undated_entries() > 0); // the undated US backstop
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn as_of_with(mut self, date: NaiveDate, undated: Undated) -> Self {
        self.as_of = Some((date, undated));
        self
    }

    /// Counts pledges under this scenario.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
    /// let table = ledger.query().kind(Kind::Troops).scenario(&no_ceasefire).run()?;
    /// assert!(table.total().count() <= ledger.query().kind(Kind::Troops).run()?.total().count());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn scenario(mut self, scenario: &'a Scenario) -> Self {
        self.scenario = Some(scenario);
        self
    }

    /// Splits the totals into rows by these dimensions, in this order.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let table = ledger.query().group_by([Dimension::Group]).measure(Measure::Personnel).run()?;
    /// let eu = table.row(&[Key::Group(Some(GroupId::new("EU")?))]).map(|r| r.total().low());
    /// assert_eq!(eu, Some(Decimal::from(3_000)));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn group_by(mut self, dimensions: impl IntoIterator<Item = Dimension>) -> Self {
        self.dimensions = dimensions.into_iter().collect();
        self
    }

    /// What to add up. Without it a query counts pledges
    /// ([`Measure::Count`], whatever the basis): a troops query that sets
    /// no measure answers how many pledges, not how many troops, and its
    /// printed column says `count`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// assert_eq!(ledger.query().measure(Measure::Personnel).run()?.total().low(), Decimal::from(6_000));
    /// assert_eq!(ledger.query().measure(Measure::Count).run()?.total().low(), Decimal::from(3));
    /// // No measure: a count.
    /// assert_eq!(ledger.query().kind(Kind::Troops).run()?.total().low(), Decimal::from(3));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn measure(mut self, measure: Measure<'a>) -> Self {
        self.measure = measure;
        self
    }

    /// Which part of each pledge to add up.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// ledger.deliver(&PledgeId::new("FRA-1")?, Decimal::from(500), Provenance::new(Evidence::Verified))?;
    /// let delivered = ledger.query().measure(Measure::Personnel).basis(Basis::Delivered).run()?;
    /// assert_eq!(delivered.total().low(), Decimal::from(500));
    /// let outstanding = ledger.query().measure(Measure::Personnel).basis(Basis::Outstanding).run()?;
    /// assert_eq!(outstanding.total().low(), Decimal::from(5_500));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn basis(mut self, basis: Basis) -> Self {
        self.basis = basis;
        self
    }

    /// Leaves out, instead of failing on, pledges whose amount cannot be
    /// converted into the measure's currency (no usable rate, a currency
    /// withdrawn before the date, or no date to convert at). They are
    /// counted in [`LeftOut::unconvertible`] and the table's note. By
    /// default such a pledge is an error.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
    /// let amount = Estimate::Exact(Money::parse("1000", Currency::GBP)?);
    /// let spec = NewPledge::new(PledgeId::new("GBR-fund")?, MemberId::new("GBR")?, Contribution::Funding { amount });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Verified).on(parse_date("2025-09-05")?))?;
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate); // no GBP rate at all
    /// let value = Measure::Value { currency: Currency::EUR, fx: &fx };
    /// assert!(ledger.query().measure(value).run().is_err()); // by default: an error
    /// let table = ledger.query().measure(value).leave_out_unconvertible(true).run()?;
    /// assert_eq!(table.left_out().unconvertible(), 1); // counted, and printed as a note
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn leave_out_unconvertible(mut self, leave_out: bool) -> Self {
        self.leave_out_unconvertible = leave_out;
        self
    }

    /// Refuses to produce more than `rows` rows (at most
    /// [`MAX_QUERY_ROWS`](crate::limits::MAX_QUERY_ROWS), the default; a
    /// larger number is lowered to it).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let by_kind = || ledger.query().group_by([Dimension::Kind]);
    /// assert_eq!(by_kind().max_rows(2).run()?.rows().len(), 2); // troops, backstop
    /// let err = by_kind().max_rows(1).run().unwrap_err();
    /// assert_eq!(err.to_string(), "rows of a query exceeds the limit of 1 (got 2)");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn max_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows.min(crate::limits::MAX_QUERY_ROWS);
        self
    }

    /// Refuses a dimension named twice: it would only repeat the same keys
    /// (and with `Group`, multiply the rows by the number of groups each
    /// time), and a scenario stating a condition no pledge could hold
    /// ([`Scenario::check`]).
    fn check_settings(&self) -> Result<()> {
        if let Some(scenario) = self.scenario {
            scenario.check()?;
        }
        for (i, dimension) in self.dimensions.iter().enumerate() {
            if self.dimensions.iter().take(i).any(|d| d == dimension) {
                return Err(Error::invalid(
                    "query",
                    "group_by",
                    format!("dimension `{dimension}` appears more than once"),
                ));
            }
        }
        Ok(())
    }

    /// Runs the query.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownMember`] (or an invalid-value error for a group or
    /// category) when a filter names something the ledger does not know,
    /// [`Error::InPledge`] naming the pledge whose value cannot be
    /// converted (no usable rate or deflator: its [`Error::root`] is
    /// [`Error::MissingRate`], [`Error::StaleRate`],
    /// [`Error::WithdrawnCurrency`] or [`Error::MissingDeflator`]) and
    /// [`Error::UndatedConversion`] for an undated amount (unless
    /// [`Query::leave_out_unconvertible`]),
    /// [`Error::Overflow`] when an exact total does not fit.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let table = ledger.query().measure(Measure::Personnel).group_by([Dimension::Member]).run()?;
    /// assert_eq!(table.rows().len(), 3);
    /// assert_eq!(table.total().to_string(), "6,000 (3 pledges)");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn run(&self) -> Result<Table> {
        self.measure.validate()?;
        self.check_settings()?;
        match self.as_of {
            Some((date, undated)) => {
                let snapshot = self.ledger.as_of_with(date, undated);
                let table =
                    self.run_on(snapshot.ledger(), self.as_of_counts(&snapshot, undated))?;
                let mut left_out = *table.left_out();
                left_out.set_pending(self.pending_count(date));
                Ok(table.with_left_out(left_out))
            }
            None => self.run_on(self.ledger, (0, 0)),
        }
    }

    /// Computes the coverage of a target by the pledges this query selects
    /// (the target's measure replaces the query's).
    ///
    /// Coverage compares what is *pledged* with the target: a basis other
    /// than [`Basis::Pledged`] is refused rather than ignored.
    ///
    /// # Errors
    ///
    /// As [`Query::run`], and an invalid-value error when the query's basis
    /// is not [`Basis::Pledged`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// for (id, group) in [("FRA", "EU"), ("GBR", "NATO"), ("DEU", "EU")] {
    ///     ledger.add_member(Member::new(MemberId::new(id)?, id).with_group(GroupId::new(group)?))?;
    /// }
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// for (id, member, size) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000), ("DEU-1", "DEU", 1_000)] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(size) });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// assert_eq!(coverage.required(), Decimal::from(10_000));
    /// // Announced, verified by nobody yet: likely, not firm.
    /// assert_eq!(coverage.likely().low(), Decimal::from(6_000));
    /// assert_eq!(coverage.gap().low(), Decimal::from(10_000));
    /// assert_eq!(coverage.gap_after_all().low(), Decimal::from(4_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn coverage(&self, target: &Target<'a>) -> Result<Coverage> {
        if self.include_withdrawn {
            return Err(Error::invalid(
                "coverage",
                "include_withdrawn",
                "a withdrawn pledge covers nothing; coverage counts only pledges that stand",
            ));
        }
        if self.basis != Basis::Pledged {
            return Err(Error::invalid(
                "coverage",
                "basis",
                format!(
                    "coverage compares pledged sizes with the target; the query asks for {}",
                    self.basis
                ),
            ));
        }
        let query = self.clone().measure(target.measure());
        query.measure.validate()?;
        match self.as_of {
            Some((date, undated)) => {
                let snapshot = self.ledger.as_of_with(date, undated);
                let prepared =
                    query.prepare(snapshot.ledger(), query.as_of_counts(&snapshot, undated))?;
                let coverage = coverage::compute(&prepared, target)?;
                Ok(coverage.with_pending(query.pending_count(date)))
            }
            None => coverage::compute(&query.prepare(self.ledger, (0, 0))?, target),
        }
    }

    fn run_on(&self, view: &Ledger, as_of: (u64, u64)) -> Result<Table> {
        // The fast path does not know adjustments (negative amounts on one
        // basis, a filter of their own) nor void pledges (which count
        // nowhere): the exact path answers for them.
        let fast = fast::supports(&self.dimensions)
            && !view.has_adjustments()
            && !view.has_voided()
            && self.measure.is_cacheable();
        let cache = QueryCache::of(view).filter(|_| fast);
        let (prepared, built) = match cache {
            Some(cache) if self.builds_aside(view, cache) => self.prepare_building(view, as_of),
            _ => (self.prepare_uncounted(view, as_of), None),
        };
        let mut prepared = prepared?;
        let mut table = None;
        if let Some(cache) = cache {
            let eval = &prepared.eval;
            let build = || built.or_else(|| column_build::build(view, &self.measure, self.basis));
            if let Some(column) = cache.column_or(view, &self.measure, self.basis, eval, build) {
                let cube = cache.cube(&column, eval);
                table = match cube.groups() {
                    Some(groups) => fast::run_cube(&prepared, &column, groups),
                    None => fast::run(&prepared, &column),
                };
            }
        }
        let mut table = if let Some(table) = table {
            table
        } else {
            prepared.count_left_out();
            self.run_exact(&prepared)?
        };
        if self.every_cell {
            table = every_cell::fill(table, view, &self.measure, self.max_rows)?;
        }
        // Both paths build at most a bounded dense array or stop a growing
        // map at the limit; this catches a dense array with too many rows.
        if table.rows().len() > self.max_rows {
            return Err(rows_limit(self.max_rows, table.rows().len()));
        }
        Ok(table)
    }

    /// Whether to build the query's column on a second thread while the
    /// scenario is evaluated: both read every pledge, neither needs the
    /// other, and on a large ledger each takes a good part of the first
    /// query (at 1M pledges about 150 ms each).
    fn builds_aside(&self, view: &Ledger, cache: &QueryCache) -> bool {
        view.states().len() >= PARALLEL_BUILD_MIN_PLEDGES
            && !cache.has_column(&self.measure, self.basis)
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
    }

    /// [`Query::prepare_uncounted`], with the query's column built meanwhile
    /// by a second thread, which this one joins once it has prepared
    /// (`None` if the column cannot be held exactly, or the helper stopped
    /// and left pieces unwritten: the column is then built as usual; a
    /// helper that could not be started leaves every piece to this thread).
    fn prepare_building<'v>(
        &'v self,
        view: &'v Ledger,
        as_of: (u64, u64),
    ) -> (Result<Prepared<'v>>, Option<cache::Column>) {
        let mut build = column_build::ColumnBuild::new(view, self.measure, self.basis);
        let pieces = build.pieces();
        let (prepared, written) = std::thread::scope(|scope| {
            let pieces = &pieces;
            let helper = std::thread::Builder::new().spawn_scoped(scope, move || pieces.fill());
            let prepared = self.prepare_uncounted(view, as_of);
            // Whatever pieces the helper has not taken yet, this thread
            // writes, rather than wait for it.
            let mut written = pieces.fill();
            // A helper that stopped leaves its pieces unwritten, which
            // `finish` finds.
            if let Some(theirs) = helper.ok().and_then(|h| h.join().ok()) {
                written.extend(theirs);
            }
            (prepared, written)
        });
        drop(pieces);
        (prepared, build.finish(written))
    }

    /// The `Decimal` path: every amount computed and added as a `Decimal`.
    fn run_exact(&self, prepared: &Prepared<'_>) -> Result<Table> {
        let view = prepared.view;
        let coders: Vec<Coder> = self
            .dimensions
            .iter()
            .map(|&d| Coder::new(view, d))
            .collect();
        let mut cells = Cells::new(&coders, self.max_rows);
        let mut total = Total::default();
        let mut overlapping = false;
        let mut codes: Vec<u32> = vec![0; coders.len()];
        let left_out = prepared.for_each(|_, state, bounds, conditional| {
            total.add(bounds)?;
            let mut rows = 0usize;
            cells.add_all(
                &coders,
                view,
                state,
                conditional,
                &mut codes,
                bounds,
                &mut rows,
            )?;
            overlapping |= rows > 1;
            Ok(())
        })?;
        let rows = cells.into_rows(&coders, view)?;
        let measure = (self.measure.name(), self.measure.currency());
        Ok(Table::new(
            self.dimensions.clone(),
            measure,
            self.basis,
            rows,
            total,
            overlapping,
        )
        .with_left_out(left_out)
        .with_base_year(self.measure.base_year()))
    }

    /// Refuses filters that name something the ledger does not know: a
    /// misspelt group or category would otherwise answer zero.
    fn check_filters(&self) -> Result<()> {
        for member in &self.members {
            self.ledger
                .member_ix(member)
                .ok_or_else(|| Error::UnknownMember {
                    member: member.to_string(),
                })?;
        }
        for group in &self.groups {
            if !self.ledger.groups().contains(&group) {
                return Err(Error::invalid(
                    "query",
                    "group",
                    format!("no member is in group `{group}`"),
                ));
            }
        }
        for category in &self.categories {
            if self.ledger.category_ix(category).is_none() {
                return Err(Error::invalid(
                    "query",
                    "category",
                    format!("no pledge has category `{category}`"),
                ));
            }
        }
        Ok(())
    }

    fn prepare<'v>(&'v self, view: &'v Ledger, as_of: (u64, u64)) -> Result<Prepared<'v>> {
        let mut prepared = self.prepare_uncounted(view, as_of)?;
        prepared.count_left_out();
        Ok(prepared)
    }

    /// [`Query::prepare`] without counting what the scenario leaves out
    /// (the fast path counts it in its own loop).
    fn prepare_uncounted<'v>(
        &'v self,
        view: &'v Ledger,
        as_of: (u64, u64),
    ) -> Result<Prepared<'v>> {
        self.check_filters()?;
        let scenario = self.scenario.unwrap_or(&DEFAULT_SCENARIO);
        let eval = match QueryCache::of(view) {
            Some(cache) => cache.evaluation(view, scenario)?,
            None => std::sync::Arc::new(scenario::evaluate(view, scenario)?),
        };
        let mut member_ok =
            vec![self.members.is_empty() && self.groups.is_empty(); view.members().len()];
        if !self.members.is_empty() || !self.groups.is_empty() {
            for (ix, member) in view.members().enumerate() {
                let by_id = self.members.is_empty() || self.members.contains(member.id());
                let by_group = self.groups.is_empty()
                    || member.groups().iter().any(|g| self.groups.contains(g));
                if let Some(ok) = member_ok.get_mut(ix) {
                    *ok = by_id && by_group;
                }
            }
        }
        let category_ok = (!self.categories.is_empty()).then(|| {
            let mut ok = vec![false; view.category_count()];
            for category in &self.categories {
                if let Some(slot) = view
                    .category_ix(category)
                    .and_then(|c| ok.get_mut(c as usize))
                {
                    *slot = true;
                }
            }
            ok
        });
        let mut prepared = Prepared {
            query: self,
            view,
            eval,
            member_ok,
            category_ok,
            left_out: LeftOut::default(),
        };
        prepared.left_out.set_as_of(as_of.0, as_of.1);
        Ok(prepared)
    }
}

/// Undated entries and unapplied entries of an `as_of` snapshot.
impl Query<'_> {
    /// Entries `as_of` left out that concern the pledges this query asks
    /// about (its member, group, kind and category filters, and the kinds
    /// its measure applies to) or that conditions can depend on (backstop
    /// pledges, and pledges named by a `DependsOn`): undated pledge entries,
    /// and entries that could not apply. An entry on an unknown pledge is
    /// counted.
    /// Entries dated to a month or a year that has begun but not ended on
    /// `date`: `as_of` leaves them out (they take effect at the end of their
    /// period), and the answer says so. Counted among the entries the query
    /// is about, as [`Query::as_of_counts`] does.
    fn pending_count(&self, date: NaiveDate) -> u64 {
        pending_on(&self.partial_periods(), date)
    }

    /// The month or year of every entry dated only to one that bears on
    /// this query (see [`Query::bears_on`]): `as_of` leaves such an entry
    /// out until its period ends.
    fn partial_periods(&self) -> Vec<crate::dates::PartialDate> {
        let partial: Vec<_> = self
            .ledger
            .entry_views()
            .filter_map(|e| e.period().map(|period| (period, e)))
            .filter(|(period, _)| period.precision() != crate::dates::DatePrecision::Day)
            .filter_map(|(period, e)| Some((period, e.entry()?)))
            .collect();
        if partial.is_empty() {
            // Most ledgers: no need to collect the depended-on pledges.
            return Vec::new();
        }
        let depended_on = self.depended_on();
        partial
            .into_iter()
            .filter(|(_, entry)| self.entry_bears_on(entry, &depended_on))
            .map(|(period, _)| period)
            .collect()
    }

    /// True when `entry`, left out by `as_of`, bears on this query: an
    /// entry on a pledge [`Query::bears_on`] names, or an amendment of a
    /// member [`Query::amendment_bears_on`] names.
    fn entry_bears_on(
        &self,
        entry: &crate::entry::Entry,
        depended_on: &std::collections::BTreeSet<&crate::ids::PledgeId>,
    ) -> bool {
        match entry.action() {
            crate::entry::Action::AmendMember(member) => self.amendment_bears_on(member.id()),
            action => action
                .pledge()
                .is_some_and(|id| self.bears_on(id, depended_on)),
        }
    }

    /// True when an amendment of `member` may change this query's answer:
    /// the query selects the member, and one of its pledges passes the
    /// kind and category filters and the measure. The group filter is left
    /// aside: the amendment may move the member into or out of a group.
    pub(super) fn amendment_bears_on(&self, member: &crate::ids::MemberId) -> bool {
        (self.members.is_empty() || self.members.contains(member))
            && self.ledger.pledges_of(member).any(|pledge| {
                self.kind_and_category_select(&pledge) && self.measure.applies_to(pledge.kind())
            })
    }

    /// The pledges some `DependsOn` condition names. Only a conditional
    /// pledge can name another (reading every pledge's body was 7% of an
    /// `as_of` query's samples at 1M).
    fn depended_on(&self) -> std::collections::BTreeSet<&crate::ids::PledgeId> {
        self.ledger
            .pledges_with_conditions()
            .flat_map(|p| p.conditions())
            .filter_map(|c| match c {
                crate::pledge::Condition::DependsOn(id) => Some(id),
                _ => None,
            })
            .collect()
    }

    /// True when an entry on pledge `id` that `as_of` leaves out bears on
    /// this query: the pledge passes its filters and measure, or it may
    /// change another's conditions (a backstop, a pledge another depends
    /// on, a pledge not known).
    fn bears_on(
        &self,
        id: &crate::ids::PledgeId,
        depended_on: &std::collections::BTreeSet<&crate::ids::PledgeId>,
    ) -> bool {
        let Some(pledge) = self.ledger.pledge(id) else {
            return true;
        };
        if pledge.kind() == Kind::Backstop || depended_on.contains(id) {
            return true;
        }
        self.filters_select(&pledge) && self.measure.applies_to(pledge.kind())
    }

    /// Whether the query's member, group, kind and category filters select
    /// the pledge (its member's groups as they are now).
    fn filters_select(&self, pledge: &crate::ledger::Pledge<'_>) -> bool {
        let member_ok = self.members.is_empty() || self.members.contains(pledge.member());
        let group_ok = self.groups.is_empty()
            || self
                .ledger
                .member(pledge.member())
                .is_some_and(|m| m.groups().iter().any(|g| self.groups.contains(g)));
        member_ok && group_ok && self.kind_and_category_select(pledge)
    }

    /// Whether the query's kind and category filters select the pledge: the
    /// filters that do not depend on the member.
    fn kind_and_category_select(&self, pledge: &crate::ledger::Pledge<'_>) -> bool {
        let kind_ok = self.kinds.is_empty() || self.kinds.contains(&pledge.kind());
        let category_ok = self.categories.is_empty()
            || pledge
                .category()
                .is_some_and(|c| self.categories.contains(c));
        kind_ok && category_ok
    }

    fn as_of_counts(&self, snapshot: &crate::ledger::Snapshot, undated: Undated) -> (u64, u64) {
        self.left_out_counts(snapshot.left_out(), undated)
    }

    /// Undated entries and entries that could not apply (`left_out`, by
    /// sequence number) that bear on this query.
    fn left_out_counts(&self, left_out: &[u64], undated: Undated) -> (u64, u64) {
        let depended_on = self.depended_on();
        let in_scope = |id: &crate::ids::PledgeId| self.bears_on(id, &depended_on);
        let undated_count = if undated == Undated::Exclude {
            self.ledger
                .entry_views()
                .filter(|e| e.date().is_none())
                .filter_map(|e| e.entry())
                .filter(|e| self.entry_bears_on(e, &depended_on))
                .count()
        } else {
            0
        };
        let unapplied = left_out
            .iter()
            .filter_map(|&sequence| self.ledger.entry(sequence))
            .filter(|e| e.action().pledge().is_some_and(in_scope))
            .count();
        (undated_count as u64, unapplied as u64)
    }
}

/// How many of `periods` have begun and not ended on `date`.
fn pending_on(periods: &[crate::dates::PartialDate], date: NaiveDate) -> u64 {
    let pending = periods.iter().filter(|p| p.is_pending_on(date)).count();
    u64::try_from(pending).unwrap_or(u64::MAX)
}

static DEFAULT_SCENARIO: Scenario = Scenario::const_default();

#[cold]
fn rows_limit(limit: usize, actual: usize) -> Error {
    Error::limit("rows of a query", limit, actual)
}

/// A query bound to the ledger it runs on, with its filters compiled.
pub(crate) struct Prepared<'v> {
    query: &'v Query<'v>,
    view: &'v Ledger,
    eval: std::sync::Arc<Evaluation>,
    member_ok: Vec<bool>,
    category_ok: Option<Vec<bool>>,
    /// What the scenario and `as_of` left out; conversions skipped by
    /// [`Query::leave_out_unconvertible`] are added by the exact path.
    left_out: LeftOut,
}

pub(crate) use cache::QueryCache;
#[cfg(all(test, feature = "testing"))]
pub(crate) use cache::check_halves_merged;
#[cfg(all(test, feature = "testing"))]
pub(crate) use column_build::check_pieces_are_one_pass;
#[cfg(all(test, feature = "testing"))]
pub(crate) use fast::{check_column_built_aside, check_fast_and_exact_agree};
/// Per-pledge amounts, for checks that add up a member's pledges (CL017,
/// CL018) the way a query does.
pub(crate) use measure::pledge_amount;

impl Prepared<'_> {
    /// Calls `f` for every pledge the query counts, with its amount, and
    /// returns what was left out.
    fn for_each(
        &self,
        mut f: impl FnMut(usize, &PledgeState, &Bounds, bool) -> Result<()>,
    ) -> Result<LeftOut> {
        let q = self.query;
        let mut left_out = self.left_out;
        // An overflow names the pledge whose amount or sum did not fit; a
        // conversion that failed is wrapped with the pledge it was for.
        let naming = |state: &PledgeState, error: Error| {
            let id = || {
                self.view
                    .spec_of(state)
                    .map_or_else(String::new, |s| s.id().to_string())
            };
            match error {
                Error::Overflow { context } => {
                    Error::overflow(format!("{context} (pledge `{}`)", id()))
                }
                Error::MissingRate { .. }
                | Error::StaleRate { .. }
                | Error::WithdrawnCurrency { .. }
                | Error::MissingDeflator { .. } => error.in_pledge(&id()),
                other => other,
            }
        };
        for (ix, state) in self.view.states().iter().enumerate() {
            if !self.selects(ix, state) {
                continue;
            }
            let bounds = match measure::pledge_amount(self.view, state, &q.measure, q.basis) {
                Ok(Some(bounds)) => bounds,
                Ok(None) => continue,
                Err(
                    Error::MissingRate { .. }
                    | Error::StaleRate { .. }
                    | Error::WithdrawnCurrency { .. }
                    | Error::MissingDeflator { .. }
                    | Error::UndatedConversion { .. },
                ) if q.leave_out_unconvertible => {
                    left_out.count_unconvertible();
                    continue;
                }
                Err(error) => return Err(naming(state, error)),
            };
            let conditional = self.eval.is_conditional(ix);
            f(ix, state, &bounds, conditional).map_err(|e| naming(state, e))?;
        }
        Ok(left_out)
    }

    /// Counts the pledges the scenario excludes or finds in a cycle, among
    /// those the caller's filters select and the measure applies to.
    fn count_left_out(&mut self) {
        if !self.eval.has_notes() {
            return;
        }
        let mut left_out = self.left_out;
        let states = self.view.states();
        for &ix in self.eval.noted() {
            let ix = ix as usize;
            let Some(state) = states.get(ix) else {
                continue;
            };
            if !self.passes_filters(state) || !self.query.measure.applies_to(state.kind) {
                continue;
            }
            if !self.eval.conditions_allow(ix) {
                left_out.count_scenario();
            } else if self.eval.is_in_cycle(ix) {
                left_out.count_cycle();
            }
        }
        self.left_out = left_out;
    }

    pub(crate) fn left_out(&self) -> LeftOut {
        self.left_out
    }

    fn selects(&self, ix: usize, state: &PledgeState) -> bool {
        self.passes_filters(state) && self.eval.conditions_allow(ix)
    }

    /// The caller's filters, without the scenario.
    fn passes_filters(&self, state: &PledgeState) -> bool {
        let q = self.query;
        let stage_ok = if state.stage == Stage::Withdrawn {
            q.include_withdrawn
        } else {
            state.stage >= q.stage_min && state.stage <= q.stage_max
        };
        stage_ok
            && !state.voided
            && (q.include_adjustments || state.adjusts.is_none())
            && state.evidence >= q.evidence_min
            && (q.kinds.is_empty() || q.kinds.contains(&state.kind))
            && self
                .member_ok
                .get(state.member as usize)
                .copied()
                .unwrap_or(false)
            && self
                .category_ok
                .as_ref()
                .is_none_or(|ok| ok.get(state.category as usize).copied().unwrap_or(false))
    }

    pub(crate) fn conditional(&self, ix: usize) -> bool {
        self.eval.is_conditional(ix)
    }
}

/// Accumulators for every combination of dimension codes: a dense array
/// when the combinations are few, a map otherwise.
enum Cells {
    Dense(Vec<Option<Total>>),
    /// A map, and the most rows it may grow to.
    Sparse(BTreeMap<Vec<u32>, Total>, usize),
}

impl Cells {
    fn new(coders: &[Coder], max_rows: usize) -> Cells {
        let cells = coders
            .iter()
            .try_fold(1usize, |acc, c| acc.checked_mul(c.cardinality()));
        match cells {
            Some(n) if n <= MAX_DENSE_CELLS => Cells::Dense(vec![None; n]),
            _ => Cells::Sparse(BTreeMap::new(), max_rows),
        }
    }

    /// Adds a pledge to every row it belongs to (several with `Group`).
    #[allow(clippy::too_many_arguments)]
    fn add_all(
        &mut self,
        coders: &[Coder],
        view: &Ledger,
        state: &PledgeState,
        conditional: bool,
        codes: &mut [u32],
        bounds: &Bounds,
        rows: &mut usize,
    ) -> Result<()> {
        for (code, coder) in codes.iter_mut().zip(coders) {
            *code = coder.code(state, conditional);
        }
        let group_dims: Vec<usize> = coders
            .iter()
            .enumerate()
            .filter(|(_, c)| c.dimension() == Dimension::Group)
            .map(|(i, _)| i)
            .collect();
        if group_dims.is_empty() {
            *rows = rows.saturating_add(1);
            return self.add(coders, codes, bounds);
        }
        // Member groups as codes (0 = no group); every combination is a row.
        let groups: Vec<u32> = match view.groups_of_member(state.member) {
            [] => vec![0],
            list => list.iter().map(|g| g.saturating_add(1)).collect(),
        };
        let combinations = u32::try_from(group_dims.len())
            .ok()
            .and_then(|dims| groups.len().checked_pow(dims))
            .ok_or_else(|| Error::invalid("query", "group_by", "too many group combinations"))?;
        for combination in 0..combinations {
            let mut rest = combination;
            for &dim in &group_dims {
                let pick = rest.checked_rem(groups.len()).unwrap_or(0);
                if let (Some(slot), Some(code)) = (codes.get_mut(dim), groups.get(pick)) {
                    *slot = *code;
                }
                rest = rest.checked_div(groups.len()).unwrap_or(0);
            }
            *rows = rows.saturating_add(1);
            self.add(coders, codes, bounds)?;
        }
        Ok(())
    }

    fn add(&mut self, coders: &[Coder], codes: &[u32], bounds: &Bounds) -> Result<()> {
        match self {
            Cells::Dense(cells) => {
                // Codes are below their cardinality and the product of the
                // cardinalities fits (checked in `Cells::new`).
                let index = dimension::cell_index(coders, codes);
                match index.and_then(|i| cells.get_mut(i)) {
                    Some(cell) => cell.get_or_insert_with(Total::default).add(bounds),
                    None => Err(Error::internal("a query placing a row")),
                }
            }
            Cells::Sparse(map, max_rows) => {
                if map.len() >= *max_rows && !map.contains_key(codes) {
                    return Err(rows_limit(*max_rows, map.len().saturating_add(1)));
                }
                map.entry(codes.to_vec()).or_default().add(bounds)
            }
        }
    }

    fn into_rows(self, coders: &[Coder], view: &Ledger) -> Result<Vec<Row>> {
        let decode = |codes: &[u32], total: Total| -> Result<Row> {
            let keys = dimension::keys_of(coders, view, codes)
                .ok_or_else(|| Error::internal("a query decoding a row"))?;
            Ok(Row::new(keys, total))
        };
        let mut rows = match self {
            Cells::Dense(cells) => {
                let mut rows = Vec::new();
                let mut codes = vec![0u32; coders.len()];
                for (index, cell) in cells.into_iter().enumerate() {
                    let Some(total) = cell else { continue };
                    if dimension::cell_codes(coders, index, &mut codes).is_none() {
                        return Err(Error::internal("a query decoding a row"));
                    }
                    rows.push(decode(&codes, total)?);
                }
                rows
            }
            Cells::Sparse(map, _) => map
                .into_iter()
                .map(|(codes, total)| decode(&codes, total))
                .collect::<Result<_>>()?,
        };
        rows.sort_by(|a, b| a.keys().cmp(b.keys()));
        Ok(rows)
    }
}
