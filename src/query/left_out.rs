//! [`LeftOut`]: what a table or a coverage did not count, and why.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an answer did not count, and why, as numbers a caller can read.
///
/// Filters the caller set (members, groups, kinds, categories, stages,
/// evidence, withdrawn pledges) need no note: they are the question. What
/// the answer leaves out on its own account is counted here:
///
/// * pledges the **scenario** excludes: a condition fails, or is unknown
///   under [`Scenario::firm_only`](crate::Scenario::firm_only);
/// * pledges in a **dependency cycle** (only in files written before cycles
///   were refused): the conditions inside the cycle are unknown, so they
///   count as conditional, or not at all under `firm_only`;
/// * entries left out by **`as_of`**: undated pledge entries (unless
///   [`Undated::Include`](crate::Undated::Include)), and entries that could
///   not apply without an excluded one;
/// * pledges whose amount could not be **converted** (no rate, a currency
///   withdrawn before the date, or no date),
///   when the query was told to leave them out rather than fail
///   ([`Query::leave_out_unconvertible`](crate::Query::leave_out_unconvertible)).
///
/// `Display` prints one `note:` line per non-zero count.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?,
///     Contribution::Troops { personnel: Estimate::Exact(1_000) })
///     .with_condition(Condition::Ceasefire);
/// ledger.open_pledge(spec, Provenance::new(Evidence::Reported))?; // undated
///
/// let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
/// let table = ledger.query().scenario(&no_ceasefire).run()?;
/// assert_eq!(table.total().count(), 0);
/// assert_eq!(table.left_out().by_scenario(), 1);
///
/// let in_2025 = ledger.query().as_of(parse_date("2025-12-31")?).run()?;
/// assert_eq!(in_2025.left_out().undated_entries(), 1);
/// assert!(in_2025.to_string().contains("note: 1 undated entry left out by as_of"));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeftOut {
    by_scenario: u64,
    in_cycle: u64,
    undated_entries: u64,
    unapplied_entries: u64,
    unconvertible: u64,
    #[serde(default)]
    pending_periods: u64,
    #[serde(default)]
    adjustments: u64,
}

impl LeftOut {
    /// Pledges the scenario excluded (a condition fails, or is not known to
    /// hold under `firm_only`).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(100) })
    ///     .with_condition(Condition::Ceasefire);
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported))?;
    /// let firm = ledger.query().scenario(&Scenario::firm_only()).run()?;
    /// assert_eq!(firm.left_out().by_scenario(), 1); // the ceasefire is not known to hold
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn by_scenario(&self) -> u64 {
        self.by_scenario
    }

    /// Pledges in a dependency cycle, whose conditions inside the cycle were
    /// taken as unknown.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().run()?;
    /// // Cycles are refused when recorded: only a file written before that rule
    /// // can hold one, and its pledges are counted here.
    /// assert_eq!(table.left_out().in_cycle(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn in_cycle(&self) -> u64 {
        self.in_cycle
    }

    /// Undated entries that `as_of` left out: entries on the pledges the
    /// query is about, and amendments of members it selects that have
    /// such a pledge (an undated amendment is not placed before any date,
    /// so the answer shows the member as it was before it).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(100) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported))?; // undated
    /// ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified).on(parse_date("2025-09-10")?))?;
    /// let table = ledger.query().as_of(parse_date("2025-12-31")?).run()?;
    /// assert_eq!(table.left_out().undated_entries(), 1);
    /// assert_eq!(table.total().count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn undated_entries(&self) -> u64 {
        self.undated_entries
    }

    /// Dated entries that `as_of` could not apply because an entry they
    /// need was left out (see [`Snapshot::left_out`](crate::Snapshot::left_out)).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(100) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported))?; // undated
    /// ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified).on(parse_date("2025-09-10")?))?;
    /// let table = ledger.query().as_of(parse_date("2025-12-31")?).run()?;
    /// // The dated advance needs the undated opening.
    /// assert_eq!(table.left_out().unapplied_entries(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn unapplied_entries(&self) -> u64 {
        self.unapplied_entries
    }

    /// Pledges left out because their amount could not be converted.
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
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let table = ledger.query().measure(Measure::Value { currency: Currency::EUR, fx: &fx }).leave_out_unconvertible(true).run()?;
    /// assert_eq!(table.left_out().unconvertible(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn unconvertible(&self) -> u64 {
        self.unconvertible
    }

    /// Entries dated only to a month or a year that `as_of` left out
    /// because the period had begun but not ended on the date: such an
    /// entry takes effect at the end of its period.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(100) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).within("2024-03".parse()?))?;
    /// let mid_march = ledger.query().as_of(parse_date("2024-03-15")?).run()?;
    /// assert_eq!((mid_march.total().count(), mid_march.left_out().pending_periods()), (0, 1));
    /// assert!(mid_march.to_string().contains("note: 1 entry dated to a month or year not yet ended left out by as_of"));
    /// let end_of_march = ledger.query().as_of(parse_date("2024-03-31")?).run()?;
    /// assert_eq!((end_of_march.total().count(), end_of_march.left_out().pending_periods()), (1, 0));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pending_periods(&self) -> u64 {
        self.pending_periods
    }

    /// Adjustments a coverage left out of its firmness buckets: they
    /// correct totals and are no pledge of any firmness (a table counts
    /// them, unless [`Query::adjustments`](crate::Query::adjustments) says
    /// otherwise).
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
    /// ledger.open_pledge(fix, Provenance::new(Evidence::Reported).on(parse_date("2024-05-01")?))?;
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let coverage = ledger.query().coverage(&Target::value(Money::parse("100", Currency::EUR)?, &fx))?;
    /// assert_eq!(coverage.left_out().adjustments(), 1);
    /// assert!(coverage.to_string().contains("note: 1 adjustment left out"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn adjustments(&self) -> u64 {
        self.adjustments
    }

    /// True when nothing was left out.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().kind(Kind::Backstop).run()?;
    /// assert!(table.left_out().is_empty()); // no as_of, no scenario: everything counted
    /// let undated = fixtures::paris_summit().query().as_of(parse_date("2025-12-31")?).run()?;
    /// assert!(!undated.left_out().is_empty());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        *self == LeftOut::default()
    }

    pub(crate) fn count_scenario(&mut self) {
        self.by_scenario = self.by_scenario.saturating_add(1);
    }

    /// Counts `scenario` more pledges left out by the scenario and
    /// `cycle` more in a dependency cycle.
    pub(crate) fn add_scenario_and_cycle(&mut self, scenario: u64, cycle: u64) {
        self.by_scenario = self.by_scenario.saturating_add(scenario);
        self.in_cycle = self.in_cycle.saturating_add(cycle);
    }

    pub(crate) fn count_cycle(&mut self) {
        self.in_cycle = self.in_cycle.saturating_add(1);
    }

    pub(crate) fn count_unconvertible(&mut self) {
        self.unconvertible = self.unconvertible.saturating_add(1);
    }

    pub(crate) fn set_adjustments(&mut self, adjustments: u64) {
        self.adjustments = adjustments;
    }

    pub(crate) fn set_pending(&mut self, pending: u64) {
        self.pending_periods = pending;
    }

    pub(crate) fn set_as_of(&mut self, undated: u64, unapplied: u64) {
        self.undated_entries = undated;
        self.unapplied_entries = unapplied;
    }
}

impl LeftOut {
    /// Its notes, one per non-zero count, without the `note: ` its
    /// `Display` puts before each: for an answer that gathers them with
    /// notes of its own.
    pub(crate) fn notes(&self) -> Vec<String> {
        self.to_string()
            .lines()
            .map(|line| line.strip_prefix("note: ").unwrap_or(line).to_string())
            .collect()
    }
}

impl fmt::Display for LeftOut {
    /// One `note:` line per non-zero count, each ending in a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural =
            |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        if self.by_scenario > 0 {
            let n = self.by_scenario;
            let what = plural(n, "pledge", "pledges");
            writeln!(
                f,
                "note: {n} {what} left out by the scenario (a condition fails or is not known to hold)"
            )?;
        }
        if self.in_cycle > 0 {
            let n = self.in_cycle;
            let what = plural(n, "pledge is", "pledges are");
            writeln!(
                f,
                "note: {n} {what} in a dependency cycle; conditions inside it count as unknown"
            )?;
        }
        if self.undated_entries > 0 {
            let n = self.undated_entries;
            let what = plural(n, "entry", "entries");
            writeln!(f, "note: {n} undated {what} left out by as_of")?;
        }
        if self.unapplied_entries > 0 {
            let n = self.unapplied_entries;
            let what = plural(n, "entry", "entries");
            writeln!(
                f,
                "note: {n} {what} left out by as_of because an entry they need was left out"
            )?;
        }
        if self.adjustments > 0 {
            let n = self.adjustments;
            let what = plural(n, "adjustment", "adjustments");
            writeln!(
                f,
                "note: {n} {what} left out: a correction of a total is no pledge of any firmness"
            )?;
        }
        if self.pending_periods > 0 {
            let n = self.pending_periods;
            let what = plural(n, "entry", "entries");
            writeln!(
                f,
                "note: {n} {what} dated to a month or year not yet ended left out by as_of"
            )?;
        }
        if self.unconvertible > 0 {
            let n = self.unconvertible;
            let what = plural(n, "pledge", "pledges");
            writeln!(
                f,
                "note: {n} {what} left out: no usable exchange rate or no date to convert at"
            )?;
        }
        Ok(())
    }
}
