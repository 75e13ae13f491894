//! Relative measures: a table's totals per capita, or as a share of GDP or
//! of the defence budget, member by member ([`Relative`],
//! [`RelativeTable`]).
//!
//! Each row of a table grouped by [`Dimension::Member`] is divided by that
//! member's attribute for the year (the row's own year when the table is
//! also grouped by [`Dimension::Year`]). Divisions are rounded outward (the
//! low bound down, the high bound up) and the answer says when it rounded;
//! a missing attribute is an error naming the member and the year.

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::dimension::{Dimension, Key};
use super::left_out::LeftOut;
use super::table::{OVERLAPPING, Table, Total, below_zero_note};
use crate::attributes::{Attribute, MemberAttributes};
use crate::error::{Error, Result};
use crate::exact::{self, Toward};
use crate::ids::MemberId;
use crate::minor_units::{Shown, is_rounded};
use crate::money::{Currency, show_amount};

/// What a table's totals are divided by.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!("share_of_gdp".parse::<Relative>()?, Relative::ShareOfGdp);
/// assert_eq!(Relative::PerCapita.attribute(), Attribute::Population);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relative {
    /// Per inhabitant: the total divided by the population.
    PerCapita,
    /// Per cent of GDP: the money total × 100 ÷ GDP, both in one currency.
    ShareOfGdp,
    /// Per cent of the defence budget: the money total × 100 ÷ budget.
    ShareOfDefenceBudget,
}

crate::spelling::spelled!(Relative, "relative measure", {
    PerCapita => "per_capita",
    ShareOfGdp => "share_of_gdp",
    ShareOfDefenceBudget => "share_of_defence_budget",
});

impl Relative {
    /// The member attribute it divides by.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Relative::ShareOfDefenceBudget.attribute(), Attribute::DefenceBudget);
    /// ```
    pub fn attribute(self) -> Attribute {
        match self {
            Relative::PerCapita => Attribute::Population,
            Relative::ShareOfGdp => Attribute::Gdp,
            Relative::ShareOfDefenceBudget => Attribute::DefenceBudget,
        }
    }

    fn is_share(self) -> bool {
        self != Relative::PerCapita
    }
}

/// One row of a [`RelativeTable`]: the absolute total and its relative
/// bounds.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// # let fra = MemberId::new("FRA")?;
/// # let mut ledger = Ledger::new();
/// # ledger.add_member(Member::new(fra.clone(), "France"))?;
/// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
/// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
/// let table = ledger.query().member(&fra).measure(Measure::Personnel).group_by([Dimension::Member]).run()?;
/// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
/// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
/// let row: &RelativeRow = per_capita.rows().next().expect("France");
/// assert_eq!(row.total(), table.total());
/// assert!(row.low() <= row.high().unwrap_or(Decimal::MAX));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelativeRow {
    keys: Vec<Key>,
    total: Total,
    #[serde(with = "crate::money::amount")]
    low: Decimal,
    #[serde(with = "crate::money::amount_option")]
    high: Option<Decimal>,
    rounded: bool,
}

impl RelativeRow {
    /// The row's key values (as in the table).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert_eq!(per_capita.rows().next().map(|r| r.keys().to_vec()), Some(vec![Key::Member(fra)]));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The absolute total the row divides.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert_eq!(per_capita.total().total(), table.total());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn total(&self) -> &Total {
        &self.total
    }

    /// The low bound of the relative value (rounded down when inexact).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 1)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert_eq!(per_capita.total().low(), table.total().low()); // one inhabitant
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn low(&self) -> Decimal {
        self.low
    }

    /// The high bound (rounded up when inexact); `None` when the total has
    /// no upper bound.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 1)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert_eq!(per_capita.total().high(), table.total().high());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn high(&self) -> Option<Decimal> {
        self.high
    }

    /// True when a division was rounded (outward).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).measure(Measure::Count).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 3)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert_eq!(per_capita.total().is_rounded(), table.total().low() % Decimal::from(3) != Decimal::ZERO);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_rounded(&self) -> bool {
        self.rounded
    }
}

/// A table's totals relative to a member attribute: the answer of
/// [`Table::relative`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// let fra = MemberId::new("FRA")?;
/// ledger.add_member(Member::new(fra.clone(), "France"))?;
/// let amount = Estimate::Exact(Money::parse("2900000000", Currency::EUR)?);
/// let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Funding { amount });
/// ledger.open_pledge(spec, Provenance::new(Evidence::Verified).on(parse_date("2025-09-04")?))?;
/// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
/// let table = ledger.query().measure(Measure::Value { currency: Currency::EUR, fx: &fx })
///     .group_by([Dimension::Member]).run()?;
/// let attributes = MemberAttributes::new()
///     .with_gdp(&fra, 2025, Money::parse("2900000000000", Currency::EUR)?)?;
/// let share = table.relative(Relative::ShareOfGdp, &attributes, 2025)?;
/// assert_eq!(share.total().low(), parse_amount("0.1")?); // 0.1 % of GDP, exactly
/// // A year without GDP is an error naming the member and the year.
/// let err = table.relative(Relative::ShareOfGdp, &attributes, 2024).unwrap_err();
/// assert_eq!(err.to_string(), "member `FRA` has no gdp for 2024");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelativeTable {
    relative: Relative,
    year: i32,
    measure: String,
    currency: Option<Currency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_year: Option<i32>,
    dimensions: Vec<Dimension>,
    rows: Vec<RelativeRow>,
    total: RelativeRow,
    /// As [`Table::is_overlapping`]: rows share members.
    overlapping: bool,
    left_out: LeftOut,
}

impl RelativeTable {
    /// What the totals are divided by.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// assert_eq!(table.relative(Relative::PerCapita, &people, 2025)?.relative(), Relative::PerCapita);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn relative(&self) -> Relative {
        self.relative
    }

    /// The rows, in the table's order.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// assert_eq!(table.relative(Relative::PerCapita, &people, 2025)?.rows().len(), table.rows().len());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &RelativeRow> {
        self.rows.iter()
    }

    /// The grand total divided by the sum of the attribute over the
    /// members that have a row (each once), for the year asked; with a
    /// [`Dimension::Year`], over each member once per year of its rows
    /// (each row's own year, the year asked for an undated row), so that
    /// the total is a share of what the rows' member-years have together.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert_eq!(per_capita.total().low(), per_capita.rows().next().map_or(Decimal::ZERO, |r| r.low()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn total(&self) -> &RelativeRow {
        &self.total
    }

    /// What the table left out (carried over from it).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// # let fra = MemberId::new("FRA")?;
    /// # let mut ledger = Ledger::new();
    /// # ledger.add_member(Member::new(fra.clone(), "France"))?;
    /// # let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// # ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().member(&fra).group_by([Dimension::Member]).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// assert_eq!(table.relative(Relative::PerCapita, &people, 2025)?.left_out(), table.left_out());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn left_out(&self) -> &LeftOut {
        &self.left_out
    }

    /// True when rows share members (a table grouped by group whose
    /// members are in several), so the total is not the sum of the rows:
    /// as [`Table::is_overlapping`] of the table it was made from.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = MemberId::new("FRA")?;
    /// let mut ledger = Ledger::new();
    /// let member = Member::new(fra.clone(), "France").with_group(GroupId::new("EU")?).with_group(GroupId::new("NATO")?);
    /// ledger.add_member(member)?;
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, fra.clone(), Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let table = ledger.query().group_by([Dimension::Group, Dimension::Member]).measure(Measure::Personnel).run()?;
    /// let people = MemberAttributes::new().with_population(&fra, 2025, 68_000_000)?;
    /// let per_capita = table.relative(Relative::PerCapita, &people, 2025)?;
    /// assert!(per_capita.is_overlapping()); // France's row under EU and under NATO
    /// assert!(per_capita.to_string().contains("rows add up to more than the total"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_overlapping(&self) -> bool {
        self.overlapping
    }
}

impl Table {
    /// The table's totals relative to a member attribute of `year`: per
    /// capita, or in per cent of GDP or of the defence budget. The table
    /// must be grouped by [`Dimension::Member`]; a row with a year key
    /// ([`Dimension::Year`]) uses its own year. Every division is rounded
    /// outward and says so.
    ///
    /// # Errors
    ///
    /// [`Error::MissingAttribute`] naming the member and the year of the
    /// first row without the attribute; [`Error::InvalidValue`] when the
    /// table is not grouped by member, or a share is asked of a table that
    /// is not in money or whose currency differs from the attribute's;
    /// [`Error::Overflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let troops = ledger.query().kind(Kind::Troops).measure(Measure::Personnel)
    ///     .group_by([Dimension::Member]).run()?;
    /// // Every member with a row needs a population: no silent skip.
    /// let err = troops.relative(Relative::PerCapita, &MemberAttributes::new(), 2025).unwrap_err();
    /// assert!(matches!(err, coalition_ledger::Error::MissingAttribute { year: 2025, .. }));
    /// // Not grouped by member: nothing to divide by.
    /// let flat = ledger.query().measure(Measure::Personnel).run()?;
    /// assert!(flat.relative(Relative::PerCapita, &MemberAttributes::new(), 2025).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn relative(
        &self,
        relative: Relative,
        attributes: &MemberAttributes,
        year: i32,
    ) -> Result<RelativeTable> {
        let member_at = self
            .dimensions()
            .iter()
            .position(|d| *d == Dimension::Member)
            .ok_or_else(|| {
                Error::invalid(
                    format!("{relative} of a table"),
                    "group_by",
                    "a relative measure needs the table grouped by member",
                )
            })?;
        let year_at = self.dimensions().iter().position(|d| *d == Dimension::Year);
        if relative.is_share() && self.currency().is_none() {
            return Err(Error::invalid(
                format!("{relative} of a table"),
                "measure",
                format!("a share needs money; the table counts {}", self.measure()),
            ));
        }
        let divider = Divider {
            relative,
            attributes,
            currency: self.currency(),
        };
        // Each member once per year its rows are of: without a `Year`
        // dimension that is the year asked; with one, the total divides by
        // the combined attribute of the member-years the rows cover, as
        // each row divides by its own (one year's figure under rows of
        // several years would be no one's share).
        let mut members: BTreeSet<(&MemberId, i32)> = BTreeSet::new();
        let mut rows = Vec::with_capacity(self.rows().len());
        for row in self.rows() {
            let Some(Key::Member(member)) = row.keys().get(member_at) else {
                return Err(Error::internal("a member row without its member"));
            };
            let row_year = match year_at.and_then(|i| row.keys().get(i)) {
                Some(Key::Year(Some(y))) => *y,
                _ => year,
            };
            members.insert((member, row_year));
            let by = divider.attribute(member, row_year)?;
            rows.push(divider.row(row.keys().to_vec(), *row.total(), by)?);
        }
        let mut sum = Decimal::ZERO;
        for &(member, member_year) in &members {
            sum = exact::add(sum, divider.attribute(member, member_year)?)
                .ok_or_else(|| Error::overflow("adding member attributes"))?;
        }
        let total = if members.is_empty() {
            divider.row(Vec::new(), *self.total(), Decimal::ONE)?
        } else {
            divider.row(Vec::new(), *self.total(), sum)?
        };
        Ok(RelativeTable {
            relative,
            year,
            measure: self.measure().to_string(),
            currency: self.currency(),
            base_year: self.base_year(),
            dimensions: self.dimensions().to_vec(),
            rows,
            total,
            overlapping: self.is_overlapping(),
            left_out: *self.left_out(),
        })
    }
}

struct Divider<'a> {
    relative: Relative,
    attributes: &'a MemberAttributes,
    currency: Option<Currency>,
}

impl Divider<'_> {
    /// The attribute a member's row is divided by, in the table's unit.
    fn attribute(&self, member: &MemberId, year: i32) -> Result<Decimal> {
        let money = match self.relative {
            Relative::PerCapita => return self.attributes.population(member, year),
            Relative::ShareOfGdp => self.attributes.gdp(member, year)?,
            Relative::ShareOfDefenceBudget => self.attributes.defence_budget(member, year)?,
        };
        if Some(money.currency()) != self.currency {
            return Err(Error::invalid(
                format!("{} of `{member}` in {year}", self.relative.attribute()),
                "currency",
                format!(
                    "it is in {}, the table in {}; give it in the table's currency",
                    money.currency(),
                    self.currency.map_or_else(String::new, |c| c.to_string())
                ),
            ));
        }
        Ok(money.amount())
    }

    fn row(&self, keys: Vec<Key>, total: Total, by: Decimal) -> Result<RelativeRow> {
        let scale = if self.relative.is_share() {
            Decimal::ONE_HUNDRED
        } else {
            Decimal::ONE
        };
        let divide = |value: Decimal, toward: Toward| {
            exact::mul(value, scale)
                .and_then(|v| exact::div(v, by, toward))
                .map(|(q, r)| (q.normalize(), r))
                .ok_or_else(|| Error::overflow(format!("dividing {value} by {by}")))
        };
        let (low, low_rounded) = divide(total.low(), Toward::Down)?;
        let high = total.high().map(|h| divide(h, Toward::Up)).transpose()?;
        Ok(RelativeRow {
            keys,
            total,
            low,
            high: high.map(|(h, _)| h),
            rounded: total.is_rounded() || low_rounded || high.is_some_and(|(_, r)| r),
        })
    }
}

impl fmt::Display for RelativeTable {
    /// An aligned text table: keys, the absolute total, and the relative
    /// value (shares in per cent to three decimals, money per capita to
    /// the minor unit, counts per capita to nine decimals; bounds rounded
    /// outward for display).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match (self.currency, self.base_year) {
            (Some(c), Some(year)) => format!("{} ({c}, {year} prices)", self.measure),
            (Some(c), None) => format!("{} ({c})", self.measure),
            (None, _) => self.measure.clone(),
        };
        let name = match self.relative {
            Relative::PerCapita => "per capita".to_string(),
            Relative::ShareOfGdp => "% of GDP".to_string(),
            Relative::ShareOfDefenceBudget => "% of defence budget".to_string(),
        };
        let mut header: Vec<String> = self.dimensions.iter().map(ToString::to_string).collect();
        let years = if self.dimensions.contains(&Dimension::Year) {
            format!("each row's year, undated {}", self.year)
        } else {
            self.year.to_string()
        };
        header.extend([unit, format!("{name} ({years})")]);
        let mut lines = vec![header];
        let mut push = |keys: Vec<String>, row: &RelativeRow| {
            let mut cells = keys;
            cells.extend([row.total.range_text(), self.relative_text(row)]);
            lines.push(cells);
        };
        for row in &self.rows {
            push(row.keys.iter().map(ToString::to_string).collect(), row);
        }
        let mut total_keys = vec![String::new(); self.dimensions.len()];
        if let Some(first) = total_keys.first_mut() {
            *first = "TOTAL".into();
        }
        push(total_keys, &self.total);
        let mut widths = vec![0usize; self.dimensions.len().saturating_add(2)];
        for cells in &lines {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let keys = self.dimensions.len();
        for cells in &lines {
            let text: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, w))| {
                    if i < keys {
                        format!("{cell:<w$}")
                    } else {
                        format!("{cell:>w$}")
                    }
                })
                .collect();
            writeln!(f, "{}", text.join("  ").trim_end())?;
        }
        if self.overlapping {
            writeln!(f, "note: {OVERLAPPING}")?;
        }
        if self.rows.iter().any(|r| r.rounded) || self.total.rounded {
            writeln!(
                f,
                "note: a division was rounded outward (the exact value lies between the bounds)"
            )?;
        }
        // Rows always have a member: a relative table is grouped by it.
        let totals = self.rows.iter().chain(std::iter::once(&self.total));
        if let Some(note) = below_zero_note(totals.map(|row| &row.total)) {
            writeln!(f, "note: {note}")?;
        }
        let shown_rounded = self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .any(|row| row.total.is_shown_rounded() || self.is_shown_rounded(row));
        if shown_rounded {
            writeln!(
                f,
                "note: figures are printed rounded outward (shares to 0.001%, money to its minor unit, counts per capita to nine places); the table's values keep every digit"
            )?;
        }
        write!(f, "{}", self.left_out)
    }
}

impl RelativeTable {
    fn relative_text(&self, row: &RelativeRow) -> String {
        let show = |value: Decimal, shown: Shown| -> String {
            if self.relative.is_share() {
                format!("{}%", outward(value, 3, shown))
            } else if self.currency.is_some() {
                show_amount(value, self.currency, shown)
            } else {
                outward(value, 9, shown).to_string()
            }
        };
        if row.total.count() > 0 && row.total.unspecified() == row.total.count() {
            return "unspecified".into();
        }
        match row.high {
            Some(high) if high == row.low => show(high, Shown::Nearest),
            Some(high) => format!(
                "{} – {}",
                show(row.low, Shown::Low),
                show(high, Shown::High)
            ),
            None => format!("≥ {}", show(row.low, Shown::Low)),
        }
    }
}

impl RelativeTable {
    /// True when [`RelativeTable::relative_text`] shows a bound of `row`
    /// as another number.
    fn is_shown_rounded(&self, row: &RelativeRow) -> bool {
        let rounded = |value: Decimal, shown: Shown| {
            if self.relative.is_share() {
                outward(value, 3, shown) != value
            } else if let Some(currency) = self.currency {
                is_rounded(value, currency.minor_units(), shown)
            } else {
                outward(value, 9, shown) != value
            }
        };
        if row.total.count() > 0 && row.total.unspecified() == row.total.count() {
            return false;
        }
        match row.high {
            Some(high) if high == row.low => rounded(high, Shown::Nearest),
            Some(high) => rounded(row.low, Shown::Low) || rounded(high, Shown::High),
            None => rounded(row.low, Shown::Low),
        }
    }
}

fn outward(value: Decimal, places: u32, shown: Shown) -> Decimal {
    let strategy = match shown {
        Shown::Low => RoundingStrategy::ToNegativeInfinity,
        Shown::High => RoundingStrategy::ToPositiveInfinity,
        Shown::Nearest => RoundingStrategy::MidpointAwayFromZero,
        Shown::Every => return value.normalize(),
    };
    value.round_dp_with_strategy(places, strategy).normalize()
}
