//! What a query groups by: [`Dimension`] and the row [`Key`]s it produces.

use std::fmt;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::dates::DatePrecision;
use crate::ids::{Category, GroupId, MemberId};
use crate::ledger::{Ledger, NONE, PledgeState};
use crate::lifecycle::{Evidence, Stage};
use crate::pledge::Kind;

/// A way to split totals into rows.
///
/// `Group` overlaps: a member in two groups appears in both, so group rows do
/// not add up to the grand total (the [`Table`](crate::Table) says so).
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
/// for (id, member, n) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000)] {
///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(n) });
///     ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
/// }
/// let table = ledger.query().group_by([Dimension::Stage]).run()?;
/// assert_eq!(table.rows().len(), 1); // both announced
/// assert_eq!("month".parse::<Dimension>()?, Dimension::Month);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Dimension {
    /// The pledging member.
    Member,
    /// Each group of the pledging member (overlapping).
    Group,
    /// The kind of contribution.
    Kind,
    /// The equipment category or the pledge's category label.
    Category,
    /// The current stage.
    Stage,
    /// The current evidence.
    Evidence,
    /// The year of the pledge's date.
    Year,
    /// The month of the pledge's date.
    Month,
    /// Firm (every condition holds in the scenario) or conditional.
    Conditional,
    /// The calendar quarter of the pledge's date (`2025-Q3`).
    Quarter,
}

crate::spelling::spelled!(Dimension, "dimension", {
    Member => "member",
    Group => "group",
    Kind => "kind",
    Category => "category",
    Stage => "stage",
    Evidence => "evidence",
    Year => "year",
    Month => "month",
    Conditional => "conditional",
    Quarter => "quarter",
});

/// The value of one dimension in a row.
///
/// Rows are ordered by their keys: members, groups and categories
/// alphabetically; kinds, stages and evidence in their enum order; years and
/// months chronologically; firm before conditional. A missing value (no
/// group, no category, undated) sorts before the others.
///
/// Its serde form names its dimension: `{"member": "FRA"}`,
/// `{"group": null}`, `{"month": [2025, 9]}`, `{"conditional": true}`.
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
/// for (id, member, n) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000)] {
///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(n) });
///     ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
/// }
/// let table = ledger.query().group_by([Dimension::Member, Dimension::Year]).run()?;
/// let row = table.row(&[Key::Member(MemberId::new("GBR")?), Key::Year(Some(2025))]);
/// assert_eq!(row.map(|r| r.total().count()), Some(1));
/// assert_eq!(Key::Year(None).to_string(), "undated");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Key {
    /// A member.
    Member(MemberId),
    /// A group, or `None` for members in no group.
    Group(Option<GroupId>),
    /// A kind.
    Kind(Kind),
    /// A category, or `None` for pledges without one.
    Category(Option<Category>),
    /// A stage.
    Stage(Stage),
    /// An evidence level.
    Evidence(Evidence),
    /// A year, or `None` for undated pledges.
    Year(Option<i32>),
    /// A year and month (1–12), or `None` for undated pledges.
    Month(Option<(i32, u32)>),
    /// `true` for conditional, `false` for firm.
    Conditional(bool),
    /// A year and quarter (1–4), or `None` for undated pledges.
    Quarter(Option<(i32, u32)>),
    /// In a `Month` or `Quarter` dimension: pledges dated only to this
    /// year, whose month is unknown (shown as the year, `2024`). They are
    /// not spread over the year's months, nor put in its last one.
    YearOnly(i32),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Key::Member(m) => m.to_string(),
            Key::Group(Some(g)) => g.to_string(),
            Key::Group(None) => "(no group)".into(),
            Key::Kind(k) => k.to_string(),
            Key::Category(Some(c)) => c.to_string(),
            Key::Category(None) => "(none)".into(),
            Key::Stage(s) => s.to_string(),
            Key::Evidence(e) => e.to_string(),
            Key::Year(Some(y)) | Key::YearOnly(y) => format!("{y:04}"),
            Key::Month(Some((y, m))) => format!("{y:04}-{m:02}"),
            Key::Quarter(Some((y, q))) => format!("{y:04}-Q{q}"),
            Key::Year(None) | Key::Month(None) | Key::Quarter(None) => "undated".into(),
            Key::Conditional(true) => "conditional".into(),
            Key::Conditional(false) => "firm".into(),
        };
        f.pad(&text)
    }
}

/// Maps a dimension's values to dense codes `0..cardinality` for one query.
pub(crate) struct Coder {
    dimension: Dimension,
    cardinality: usize,
    /// For `Year`/`Month`: the smallest value seen (code 1); code 0 is undated.
    first: i32,
    /// For `Month`/`Quarter`: the number of month or quarter codes; codes
    /// after them are the years of pledges dated only to a year, from
    /// `first_year_only`.
    periods: usize,
    first_year_only: i32,
}

impl Coder {
    pub(crate) fn new(ledger: &Ledger, dimension: Dimension) -> Coder {
        let (first, span) = match dimension {
            Dimension::Year | Dimension::Month | Dimension::Quarter => {
                time_span(ledger, dimension, false)
            }
            _ => (0, 0),
        };
        let (first_year_only, years) = if splits_year(dimension) {
            time_span(ledger, Dimension::Year, true)
        } else {
            (0, 0)
        };
        let cardinality = match dimension {
            Dimension::Member => ledger.members().len(),
            Dimension::Group => ledger.group_count().saturating_add(1),
            Dimension::Kind => Kind::ALL.len(),
            Dimension::Category => ledger.category_count().saturating_add(1),
            Dimension::Stage => Stage::ALL.len(),
            Dimension::Evidence => Evidence::ALL.len(),
            Dimension::Year | Dimension::Month | Dimension::Quarter => {
                span.saturating_add(1).saturating_add(years)
            }
            Dimension::Conditional => 2,
        };
        Coder {
            dimension,
            cardinality: cardinality.max(1),
            first,
            periods: span,
            first_year_only,
        }
    }

    pub(crate) fn cardinality(&self) -> usize {
        self.cardinality
    }

    pub(crate) fn dimension(&self) -> Dimension {
        self.dimension
    }

    /// The code of a single-valued dimension (everything but `Group`).
    pub(crate) fn code(&self, state: &PledgeState, conditional: bool) -> u32 {
        match self.dimension {
            Dimension::Member => state.member,
            Dimension::Group => 0,
            Dimension::Kind => state.kind.index() as u32,
            Dimension::Category if state.category == NONE => 0,
            Dimension::Category => state.category.saturating_add(1),
            Dimension::Stage => state.stage.index() as u32,
            Dimension::Evidence => state.evidence.index() as u32,
            Dimension::Year | Dimension::Month | Dimension::Quarter => {
                match state.dates.pledge_date() {
                    None => 0,
                    Some(date)
                        if splits_year(self.dimension)
                            && state.date_precision == DatePrecision::Year =>
                    {
                        let offset = date.year().saturating_sub(self.first_year_only);
                        u32::try_from(offset)
                            .ok()
                            .and_then(|o| u32::try_from(self.periods).ok()?.checked_add(o))
                            .map_or(0, |c| c.saturating_add(1))
                    }
                    Some(date) => {
                        let value = time_value(self.dimension, date);
                        u32::try_from(value.saturating_sub(self.first))
                            .map_or(0, |c| c.saturating_add(1))
                    }
                }
            }
            Dimension::Conditional => u32::from(conditional),
        }
    }

    /// The key a code stands for; `None` only for a code this coder never
    /// produced.
    pub(crate) fn key(&self, ledger: &Ledger, code: u32) -> Option<Key> {
        let optional = |code: u32| code.checked_sub(1);
        let key = match self.dimension {
            Dimension::Month | Dimension::Quarter if code as usize > self.periods => {
                let offset = (code as usize).checked_sub(self.periods)?.checked_sub(1)?;
                Key::YearOnly(
                    self.first_year_only
                        .saturating_add(i32::try_from(offset).ok()?),
                )
            }
            Dimension::Member => Key::Member(ledger.member_at(code)?.id().clone()),
            Dimension::Group => {
                Key::Group(optional(code).and_then(|g| ledger.group_at(g)).cloned())
            }
            Dimension::Kind => Key::Kind(*Kind::ALL.get(code as usize)?),
            Dimension::Category => {
                Key::Category(optional(code).and_then(|c| ledger.category_at(c)).cloned())
            }
            Dimension::Stage => Key::Stage(*Stage::ALL.get(code as usize)?),
            Dimension::Evidence => Key::Evidence(*Evidence::ALL.get(code as usize)?),
            Dimension::Year => {
                Key::Year(optional(code).map(|c| self.first.saturating_add(c as i32)))
            }
            Dimension::Month => Key::Month(optional(code).map(|c| {
                let months = self.first.saturating_add(c as i32);
                (
                    months.div_euclid(12),
                    months.rem_euclid(12).unsigned_abs().saturating_add(1),
                )
            })),
            Dimension::Conditional => Key::Conditional(code == 1),
            Dimension::Quarter => Key::Quarter(optional(code).map(|c| {
                let quarters = self.first.saturating_add(c as i32);
                (
                    quarters.div_euclid(4),
                    quarters.rem_euclid(4).unsigned_abs().saturating_add(1),
                )
            })),
        };
        Some(key)
    }
}

/// The index of a combination of codes in a dense array of cells, the
/// first dimension varying slowest; `None` if it does not fit.
pub(crate) fn cell_index(coders: &[Coder], codes: &[u32]) -> Option<usize> {
    codes
        .iter()
        .zip(coders)
        .try_fold(0usize, |acc, (code, coder)| {
            acc.checked_mul(coder.cardinality())?
                .checked_add(*code as usize)
        })
}

/// The codes of a cell index: the inverse of [`cell_index`].
pub(crate) fn cell_codes(coders: &[Coder], index: usize, codes: &mut [u32]) -> Option<()> {
    let mut rest = index;
    for (slot, coder) in codes.iter_mut().zip(coders).rev() {
        *slot = u32::try_from(rest.checked_rem(coder.cardinality())?).ok()?;
        rest = rest.checked_div(coder.cardinality())?;
    }
    Some(())
}

/// The row keys of a combination of codes.
pub(crate) fn keys_of(coders: &[Coder], ledger: &Ledger, codes: &[u32]) -> Option<Vec<Key>> {
    codes
        .iter()
        .zip(coders)
        .map(|(code, coder)| coder.key(ledger, *code))
        .collect()
}

/// A year, or months since year 0, for the time dimensions.
fn time_value(dimension: Dimension, date: chrono::NaiveDate) -> i32 {
    match dimension {
        Dimension::Quarter => date
            .year()
            .saturating_mul(4)
            .saturating_add((date.month0() / 3) as i32),
        Dimension::Month => date
            .year()
            .saturating_mul(12)
            .saturating_add(date.month0() as i32),
        _ => date.year(),
    }
}

/// True for the dimensions finer than a year, where a date known only to
/// a year has a key of its own ([`Key::YearOnly`]).
fn splits_year(dimension: Dimension) -> bool {
    matches!(dimension, Dimension::Month | Dimension::Quarter)
}

/// The first value and the number of distinct values a time dimension
/// spans: over the pledges dated only to a year (`year_only`) or, for the
/// dimensions finer than a year, the others.
fn time_span(ledger: &Ledger, dimension: Dimension, year_only: bool) -> (i32, usize) {
    let values = ledger
        .states()
        .iter()
        .filter(|s| {
            let is_year_only = s.date_precision == DatePrecision::Year;
            if year_only {
                is_year_only
            } else {
                !splits_year(dimension) || !is_year_only
            }
        })
        .filter_map(|s| s.dates.pledge_date())
        .map(|d| time_value(dimension, d));
    let (min, max) = values.fold((i32::MAX, i32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if min > max {
        return (0, 0);
    }
    let span = usize::try_from(
        i64::from(max)
            .saturating_sub(i64::from(min))
            .saturating_add(1),
    )
    .unwrap_or(0);
    (min, span)
}
