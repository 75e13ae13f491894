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
/// * pledges whose amount could not be **converted** (no rate, or no date),
///   when the query was told to leave them out rather than fail
///   ([`Query::leave_out_unconvertible`](crate::Query::leave_out_unconvertible)).
///
/// `Display` prints one `note:` line per non-zero count.
///
/// # Example
///
/// ```
/// use coalition_ledger::*;
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
    /// let table = fixtures::paris_summit().query().scenario(&Scenario::new().fails(Condition::Ceasefire)).run()?;
    /// let _ = table.left_out().by_scenario();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn by_scenario(&self) -> u64 {
        self.by_scenario
    }

    /// Pledges in a dependency cycle, whose conditions inside the cycle were
    /// taken as unknown.
    pub fn in_cycle(&self) -> u64 {
        self.in_cycle
    }

    /// Undated pledge entries that `as_of` left out.
    pub fn undated_entries(&self) -> u64 {
        self.undated_entries
    }

    /// Dated entries that `as_of` could not apply because an entry they
    /// need was left out (see [`Snapshot::left_out`](crate::Snapshot::left_out)).
    pub fn unapplied_entries(&self) -> u64 {
        self.unapplied_entries
    }

    /// Pledges left out because their amount could not be converted.
    pub fn unconvertible(&self) -> u64 {
        self.unconvertible
    }

    /// True when nothing was left out.
    pub fn is_empty(&self) -> bool {
        *self == LeftOut::default()
    }

    pub(crate) fn count_scenario(&mut self) {
        self.by_scenario = self.by_scenario.saturating_add(1);
    }

    pub(crate) fn count_cycle(&mut self) {
        self.in_cycle = self.in_cycle.saturating_add(1);
    }

    pub(crate) fn count_unconvertible(&mut self) {
        self.unconvertible = self.unconvertible.saturating_add(1);
    }

    pub(crate) fn set_as_of(&mut self, undated: u64, unapplied: u64) {
        self.undated_entries = undated;
        self.unapplied_entries = unapplied;
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
