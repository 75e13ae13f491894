//! Query results: [`Table`], [`Row`] and [`Total`].

use std::fmt;

use rust_decimal::Decimal;
use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::dimension::{Dimension, Key};
use super::left_out::LeftOut;
use super::measure::Basis;
use crate::error::{Error, Result};
use crate::estimate::Bounds;
use crate::exact::{self, Toward};
use crate::minor_units::{Shown, is_rounded};
use crate::money::{Currency, show_amount};

/// The note of a table grouped by group whose members are in several.
pub(crate) const OVERLAPPING: &str =
    "members in several groups appear in each, so rows add up to more than the total";

/// The note of an answer holding a total that a division rounded outward.
pub(crate) const DIVISION_ROUNDED: &str = "a division (an equipment value's share, an inverse or cross rate, a deflator) was rounded outward";

/// The note of a printed table that shows some money rounded to its
/// minor unit.
pub(crate) const SHOWN_ROUNDED: &str = "money is printed to the currency's minor unit (bounds outward); the table's values keep every digit";

/// A total with its uncertainty.
///
/// `low` and `high` bound the sum of the pledges counted. `high` is `None`
/// (no upper bound, shown as `≥ low`) when any pledge counted is open-ended
/// (`AtLeast`) or has an unspecified size: an unknown size could be any
/// size. Unspecified pledges add nothing to `low` and are counted in
/// `unspecified`, never as zero silently.
///
/// Sums are exact: a sum that does not fit `Decimal`'s 28 significant digits
/// is an error, never a rounded value. The one rounding a total can carry
/// comes from a division (the delivered or outstanding share of an
/// equipment value): such a bound is rounded outward and
/// [`Total::is_rounded`] says so.
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
/// let spec = NewPledge::new(PledgeId::new("GBR-2")?, MemberId::new("GBR")?, Contribution::Troops { personnel: Estimate::Unspecified });
/// ledger.open_pledge(spec, Provenance::new(Evidence::Unconfirmed))?;
/// let total = *ledger.query().measure(Measure::Personnel).run()?.total();
/// assert_eq!((total.low(), total.high(), total.count(), total.unspecified()), (Decimal::from(5_000), None, 3, 1));
/// assert_eq!(total.to_string(), "≥ 5,000 (3 pledges, 1 unspecified)");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TotalIn")]
pub struct Total {
    #[serde(with = "crate::money::amount")]
    low: Decimal,
    #[serde(with = "crate::money::amount_option")]
    high: Option<Decimal>,
    count: u64,
    unspecified: u64,
    rounded: bool,
    /// The currency of a money total, so that `Display` can round it to the
    /// minor unit; `None` for counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
}

/// A deserialized total, checked before it becomes a [`Total`]: the low
/// bound is not above the high bound and unspecified sizes are among the
/// pledges counted. (A gap may be bounded although sizes are unspecified:
/// it cannot exceed the target.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TotalIn {
    #[serde(with = "crate::money::amount")]
    low: Decimal,
    #[serde(with = "crate::money::amount_option")]
    high: Option<Decimal>,
    count: u64,
    unspecified: u64,
    rounded: bool,
    #[serde(default)]
    currency: Option<Currency>,
}

impl TryFrom<TotalIn> for Total {
    type Error = Error;

    fn try_from(t: TotalIn) -> Result<Total> {
        if t.high.is_some_and(|high| high < t.low) {
            return Err(Error::invalid("total", "high", "below the low bound"));
        }
        if t.unspecified > t.count {
            return Err(Error::invalid(
                "total",
                "unspecified",
                "more than the pledges counted",
            ));
        }
        Ok(Total {
            low: t.low,
            high: t.high,
            count: t.count,
            unspecified: t.unspecified,
            rounded: t.rounded,
            currency: t.currency,
        })
    }
}

impl Default for Total {
    /// Zero: nothing counted, both bounds zero.
    fn default() -> Total {
        Total {
            low: Decimal::ZERO,
            high: Some(Decimal::ZERO),
            count: 0,
            unspecified: 0,
            rounded: false,
            currency: None,
        }
    }
}

impl Total {
    /// The lower bound.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
    /// assert!(table.total().low() >= Decimal::ZERO);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn low(&self) -> Decimal {
        self.low
    }

    /// The upper bound; `None` when unbounded (an open-ended or unspecified
    /// size was counted).
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
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: if size == 1_000 { Estimate::AtLeast(size) } else { Estimate::Exact(size) } });
    ///     ledger.open_pledge(spec, on.clone())?;
    /// }
    /// let total = ledger.query().measure(Measure::Personnel).run()?;
    /// assert_eq!(total.total().high(), None); // "at least" has no upper bound
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn high(&self) -> Option<Decimal> {
        self.high
    }

    /// Number of pledges counted (including unspecified ones).
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
    /// assert_eq!(ledger.query().run()?.total().count(), 3);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of pledges counted whose size is unspecified.
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
    /// let spec = NewPledge::new(PledgeId::new("FRA-2")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Unspecified });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Unconfirmed))?;
    /// let total = ledger.query().measure(Measure::Personnel).run()?;
    /// assert_eq!(total.total().unspecified(), 1); // unknown, not zero
    /// assert_eq!(total.total().high(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn unspecified(&self) -> u64 {
        self.unspecified
    }

    /// True when low and high are equal and nothing is unspecified.
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
    /// assert!(ledger.query().measure(Measure::Personnel).run()?.total().is_exact());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_exact(&self) -> bool {
        self.unspecified == 0 && self.high == Some(self.low) && !self.rounded
    }

    /// True when a bound was rounded outward after a division (low down,
    /// high up, to 28 significant digits); sums and conversions never round.
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
    /// // Sums of exact sizes are exact: nothing was rounded.
    /// assert!(!ledger.query().measure(Measure::Personnel).run()?.total().is_rounded());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_rounded(&self) -> bool {
        self.rounded
    }

    pub(crate) fn add(&mut self, bounds: &Bounds) -> Result<()> {
        self.count = self.count.saturating_add(1);
        if bounds.unspecified {
            self.unspecified = self.unspecified.saturating_add(1);
            self.high = None;
            return Ok(());
        }
        self.add_bounds(bounds.low, bounds.high, bounds.rounded)
    }

    /// Adds another total (used to combine partial totals).
    pub(crate) fn merge(&mut self, other: &Total) -> Result<()> {
        self.count = self.count.saturating_add(other.count);
        self.unspecified = self.unspecified.saturating_add(other.unspecified);
        self.add_bounds(other.low, other.high, other.rounded)
    }

    /// Adds bounds exactly; once either side carries a rounded bound, a sum
    /// that no longer fits is rounded outward instead (and stays marked).
    fn add_bounds(&mut self, low: Decimal, high: Option<Decimal>, rounded: bool) -> Result<()> {
        self.rounded |= rounded;
        let may_round = self.rounded;
        let sum = |a: Decimal, b: Decimal, toward: Toward| -> Result<(Decimal, bool)> {
            if may_round {
                exact::add_outward(a, b, toward)
                    .ok_or_else(|| Error::overflow(format!("adding {b} to a total of {a}")))
            } else {
                exact_sum(a, b).map(|s| (s, false))
            }
        };
        let (new_low, low_rounded) = sum(self.low, low, Toward::Down)?;
        let new_high = match (self.high, high) {
            (Some(a), Some(b)) => Some(sum(a, b, Toward::Up)?),
            _ => None,
        };
        self.low = new_low;
        self.rounded |= low_rounded || new_high.is_some_and(|(_, r)| r);
        self.high = new_high.map(|(h, _)| h);
        Ok(())
    }

    pub(crate) fn from_parts(
        low: Decimal,
        high: Option<Decimal>,
        count: u64,
        unspecified: u64,
    ) -> Total {
        Total {
            low,
            high,
            count,
            unspecified,
            rounded: false,
            currency: None,
        }
    }

    /// The same total, in `currency` (money totals round to its minor unit
    /// when shown).
    pub(crate) fn in_currency(mut self, currency: Option<Currency>) -> Total {
        self.currency = currency;
        self
    }

    /// The same total, marked rounded when `rounded` is set.
    pub(crate) fn with_rounded(mut self, rounded: bool) -> Total {
        self.rounded |= rounded;
        self
    }

    /// The currency of a money total (`None` for counts).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
    /// let amount = Estimate::Exact(Money::parse("250000000", Currency::GBP)?);
    /// let spec = NewPledge::new(PledgeId::new("GBR-fund")?, MemberId::new("GBR")?, Contribution::Funding { amount });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Verified).on(parse_date("2025-09-05")?))?;
    /// let fx = fixtures::september_2025_rates();
    /// let value = ledger.query().measure(Measure::Value { currency: Currency::EUR, fx: &fx }).run()?;
    /// assert_eq!(value.total().currency(), Some(Currency::EUR));
    /// let count = ledger.query().measure(Measure::Count).run()?;
    /// assert_eq!(count.total().currency(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// The total's range as text (`unspecified` when every pledge counted
    /// is), see [`Total::bounds_text`].
    pub(crate) fn range_text(&self) -> String {
        if self.count > 0 && self.unspecified == self.count {
            return "unspecified".into();
        }
        self.bounds_text()
    }

    /// The bounds as text: `low – high`, one value, or `≥ low`; money
    /// rounded to its currency's minor unit outward (low down, high up),
    /// numbers grouped in thousands.
    pub(crate) fn bounds_text(&self) -> String {
        let show = |value: Decimal, shown: Shown| show_amount(value, self.currency, shown);
        match self.high {
            Some(high) if high == self.low => show(high, Shown::Nearest),
            Some(high) => format!(
                "{} – {}",
                show(self.low, Shown::Low),
                show(high, Shown::High)
            ),
            None => format!("≥ {}", show(self.low, Shown::Low)),
        }
    }

    /// True when [`Total::range_text`] shows a bound as another number:
    /// money with more places than its currency's minor unit.
    pub(crate) fn is_shown_rounded(&self) -> bool {
        let Some(places) = self.currency.and_then(Currency::minor_units) else {
            return false;
        };
        if self.count > 0 && self.unspecified == self.count {
            return false;
        }
        let rounded = |value: Decimal, shown: Shown| is_rounded(value, Some(places), shown);
        match self.high {
            Some(high) if high == self.low => rounded(high, Shown::Nearest),
            Some(high) => rounded(self.low, Shown::Low) || rounded(high, Shown::High),
            None => rounded(self.low, Shown::Low),
        }
    }
}

fn exact_sum(a: Decimal, b: Decimal) -> Result<Decimal> {
    exact::add(a, b).ok_or_else(|| {
        Error::overflow(format!(
            "adding {b} to a total of {a}: the exact sum does not fit 28 significant digits"
        ))
    })
}

impl fmt::Display for Total {
    /// `12,000 – 15,000 (4 pledges)`, or `≥ 12,000 (4 pledges, 1
    /// unspecified)` when a pledge's size is unspecified (which leaves the
    /// total without an upper bound).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.count == 1 { "" } else { "s" };
        write!(f, "{} ({} pledge{plural}", self.range_text(), self.count)?;
        if self.unspecified > 0 {
            write!(f, ", {} unspecified", self.unspecified)?;
        }
        f.write_str(")")
    }
}

/// One row of a table: a key per dimension and the total.
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
/// let table = ledger.query().group_by([Dimension::Member]).measure(Measure::Personnel).run()?;
/// let first: &Row = table.rows().next().ok_or(coalition_ledger::Error::Internal { what: "no row".into() })?;
/// assert_eq!(first.keys(), [Key::Member(MemberId::new("FRA")?)]);
/// assert_eq!(first.total().low(), Decimal::from(2_000));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    keys: Vec<Key>,
    total: Total,
}

impl Row {
    pub(crate) fn new(keys: Vec<Key>, total: Total) -> Row {
        Row { keys, total }
    }

    /// The key values, one per dimension of the query, in the same order.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
    /// assert!(table.rows().all(|row| matches!(row.keys(), [Key::Member(_)])));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The total of the row.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
    /// assert!(table.rows().all(|row| row.total().count() > 0));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn total(&self) -> &Total {
        &self.total
    }
}

/// The result of a query: ordered rows and a grand total.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, Dimension, Kind, Measure};
///
/// let table = fixtures::paris_summit()
///     .query()
///     .kind(Kind::Troops)
///     .group_by([Dimension::Evidence])
///     .measure(Measure::Personnel)
///     .run()?;
/// assert_eq!(table.rows().count(), 1); // the reassurance force, reported
/// assert_eq!(table.total().unspecified(), 1); // no public figures at all
/// assert_eq!(table.total().high(), None); // so no upper bound either
/// println!("{table}");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "TableFields")]
pub struct Table {
    dimensions: Vec<Dimension>,
    measure: Cow<'static, str>,
    currency: Option<Currency>,
    basis: Basis,
    rows: Vec<Row>,
    total: Total,
    overlapping: bool,
    left_out: LeftOut,
    /// The year whose prices a constant-price table is in (absent from
    /// files written before it was kept, and for every other measure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base_year: Option<i32>,
}

/// A [`Table`] as read, before [`Table::try_from`] checks what one field
/// says of another.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFields {
    dimensions: Vec<Dimension>,
    measure: Cow<'static, str>,
    currency: Option<Currency>,
    basis: Basis,
    rows: Vec<Row>,
    total: Total,
    overlapping: bool,
    left_out: LeftOut,
    #[serde(default)]
    base_year: Option<i32>,
}

impl TryFrom<TableFields> for Table {
    type Error = String;

    /// Refuses a base year on a table of another measure than
    /// `real_value`: it would print as constant prices what is not.
    fn try_from(fields: TableFields) -> std::result::Result<Table, String> {
        if let Some(year) = fields.base_year {
            if fields.measure != "real_value" {
                return Err(format!(
                    "base_year {year} on a `{}` table: only a `real_value` table is in constant prices",
                    fields.measure
                ));
            }
        }
        Ok(Table {
            dimensions: fields.dimensions,
            measure: fields.measure,
            currency: fields.currency,
            basis: fields.basis,
            rows: fields.rows,
            total: fields.total,
            overlapping: fields.overlapping,
            left_out: fields.left_out,
            base_year: fields.base_year,
        })
    }
}

impl Table {
    pub(crate) fn new(
        dimensions: Vec<Dimension>,
        measure: (&'static str, Option<Currency>),
        basis: Basis,
        rows: Vec<Row>,
        total: Total,
        overlapping: bool,
    ) -> Table {
        let rows = rows
            .into_iter()
            .map(|row| Row::new(row.keys, row.total.in_currency(measure.1)))
            .collect();
        Table {
            dimensions,
            measure: Cow::Borrowed(measure.0),
            currency: measure.1,
            basis,
            rows,
            total: total.in_currency(measure.1),
            overlapping,
            left_out: LeftOut::default(),
            base_year: None,
        }
    }

    pub(crate) fn with_base_year(mut self, base_year: Option<i32>) -> Table {
        self.base_year = base_year;
        self
    }

    /// The year whose prices the table is in, for
    /// [`Measure::RealValue`](crate::Measure::RealValue) (its figures
    /// differ with it, so the printed header says it too); none for the
    /// other measures.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// assert_eq!(ledger.query().run()?.base_year(), None);
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    /// let deflators = Deflators::new();
    /// let real = Measure::RealValue { currency: Currency::EUR, fx: &fx, deflators: &deflators, base_year: 2025 };
    /// let table = ledger.query().kind(Kind::Troops).measure(real).run()?;
    /// assert_eq!(table.base_year(), Some(2025));
    /// assert!(table.to_string().starts_with("real_value (EUR, 2025 prices, pledged)"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn base_year(&self) -> Option<i32> {
        self.base_year
    }

    /// The measure with what it is counted in: `personnel (pledged)`,
    /// `value (EUR, pledged)`, `real_value (USD, 2025 prices, pledged)`
    /// (without the basis unless asked).
    pub(crate) fn unit(&self, with_basis: bool) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(currency) = self.currency {
            parts.push(currency.to_string());
        }
        if let Some(year) = self.base_year {
            parts.push(format!("{year} prices"));
        }
        if with_basis {
            parts.push(self.basis.to_string());
        }
        if parts.is_empty() {
            self.measure.to_string()
        } else {
            format!("{} ({})", self.measure, parts.join(", "))
        }
    }

    pub(crate) fn with_rows(mut self, rows: Vec<Row>) -> Table {
        self.rows = rows;
        self
    }

    pub(crate) fn with_left_out(mut self, left_out: LeftOut) -> Table {
        self.left_out = left_out;
        self
    }

    /// What the table did not count, and why (see [`LeftOut`]); its
    /// `Display` prints it as notes.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
    /// let table = fixtures::paris_summit().query().scenario(&no_ceasefire).run()?;
    /// assert_eq!(table.left_out().is_empty(), table.left_out().by_scenario() == 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn left_out(&self) -> &LeftOut {
        &self.left_out
    }

    /// The dimensions, in the order of each row's keys.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
    /// assert_eq!(table.dimensions(), [Dimension::Member]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// The rows, in key order.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let table = fixtures::paris_summit().query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
    /// let counted = table.rows().map(|r| r.total().count()).fold(0, |a, n| a + n);
    /// assert_eq!(counted, table.total().count()); // members do not overlap
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &Row> {
        self.rows.iter()
    }

    /// The row with exactly these keys.
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
    /// let table = ledger.query().group_by([Dimension::Member]).measure(Measure::Personnel).run()?;
    /// let gbr = table.row(&[Key::Member(MemberId::new("GBR")?)]).map(|r| r.total().low());
    /// assert_eq!(gbr, Some(Decimal::from(3_000)));
    /// assert!(table.row(&[Key::Member(MemberId::new("USA")?)]).is_none());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn row(&self, keys: &[Key]) -> Option<&Row> {
        self.rows.iter().find(|r| r.keys == keys)
    }

    /// The grand total, counting every pledge once.
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
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn total(&self) -> &Total {
        &self.total
    }

    /// True when some pledge appears in more than one row (grouping by
    /// `Group` with members in several groups): the rows then add up to more
    /// than the grand total.
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
    /// // France is in a second group: group rows now overlap.
    /// let mut two = Ledger::new();
    /// two.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?).with_group(GroupId::new("NATO")?))?;
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(1) });
    /// two.open_pledge(spec, Provenance::new(Evidence::Reported))?;
    /// assert!(two.query().group_by([Dimension::Group]).run()?.is_overlapping());
    /// assert!(!ledger.query().group_by([Dimension::Member]).run()?.is_overlapping());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_overlapping(&self) -> bool {
        self.overlapping
    }

    /// The measure's name (`personnel`, `units`, `value`, `count`).
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
    /// assert_eq!(ledger.query().measure(Measure::Personnel).run()?.measure(), "personnel");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn measure(&self) -> &str {
        &self.measure
    }

    /// The currency of a value table.
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
    /// assert_eq!(ledger.query().measure(Measure::Personnel).run()?.currency(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// The basis.
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
    /// assert_eq!(ledger.query().run()?.basis(), Basis::Pledged);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn basis(&self) -> Basis {
        self.basis
    }
}

impl fmt::Display for Table {
    /// An aligned text table with a header, one line per row, a total line,
    /// and a note when rows overlap.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut header: Vec<String> = self.dimensions.iter().map(ToString::to_string).collect();
        header.extend([self.unit(true), "pledges".into(), "unspecified".into()]);
        let line = |keys: Vec<String>, total: &Total| {
            let mut cells = keys;
            cells.extend([
                total.range_text(),
                total.count.to_string(),
                total.unspecified.to_string(),
            ]);
            cells
        };
        let mut lines: Vec<Vec<String>> = vec![header];
        for row in &self.rows {
            lines.push(line(
                row.keys.iter().map(ToString::to_string).collect(),
                &row.total,
            ));
        }
        let mut total_keys = vec![String::new(); self.dimensions.len()];
        if let Some(first) = total_keys.first_mut() {
            *first = "TOTAL".into();
        }
        let total_line = line(
            if total_keys.is_empty() {
                Vec::new()
            } else {
                total_keys
            },
            &self.total,
        );
        let columns = lines.first().map_or(0, Vec::len);
        let mut widths = vec![0usize; columns];
        for cells in lines.iter().chain(std::iter::once(&total_line)) {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let keys = self.dimensions.len();
        let write_line = |f: &mut fmt::Formatter<'_>, cells: &[String]| -> fmt::Result {
            let mut first = true;
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if !first {
                    f.write_str("  ")?;
                }
                first = false;
                if i < keys {
                    write!(f, "{cell:<width$}")?;
                } else {
                    write!(f, "{cell:>width$}")?;
                }
            }
            writeln!(f)
        };
        for cells in &lines {
            write_line(f, cells)?;
        }
        let gaps = widths.len().saturating_sub(1).saturating_mul(2);
        let rule = widths.iter().fold(gaps, |sum, w| sum.saturating_add(*w));
        writeln!(f, "{}", "-".repeat(rule))?;
        write_line(f, &total_line)?;
        self.write_notes(f)
    }
}

impl Table {
    /// The notes under a printed table: what it rounded, what overlaps,
    /// what lies below zero, and what the answer left out.
    fn write_notes(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown_rounded = self
            .rows
            .iter()
            .map(Row::total)
            .chain(std::iter::once(&self.total))
            .any(Total::is_shown_rounded);
        if shown_rounded {
            writeln!(f, "note: {SHOWN_ROUNDED}")?;
        }
        for note in self.notes() {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }

    /// What the answer's exact figures need said next to them, one note
    /// each, without the `note: ` a printed table puts before each: rows
    /// that overlap, a division rounded outward, totals below zero, and
    /// what the answer left out ([`Table::left_out`], a note per count).
    pub(crate) fn notes(&self) -> Vec<String> {
        self.notes_shown(true)
    }

    /// [`Table::notes`] for an answer that shows the table's rows, or
    /// (`rows` false) only its grand total, as printed running totals do:
    /// then neither rows that overlap nor a row below zero is noted.
    pub(crate) fn notes_shown(&self, rows: bool) -> Vec<String> {
        let mut notes = self.overlap_and_rounding_notes(rows);
        notes.extend(below_zero_note(self.shown_totals(rows)));
        notes.extend(self.left_out.notes());
        notes
    }

    /// The first of [`Table::notes_shown`]: rows that overlap (when
    /// shown) and a division rounded outward.
    pub(crate) fn overlap_and_rounding_notes(&self, rows: bool) -> Vec<String> {
        let mut notes = Vec::new();
        if rows && self.overlapping {
            notes.push(OVERLAPPING.to_string());
        }
        if self.total.rounded {
            notes.push(DIVISION_ROUNDED.to_string());
        }
        notes
    }

    /// The totals an answer shows: the rows' (when shown and the table is
    /// grouped) and the grand total.
    pub(crate) fn shown_totals(&self, rows: bool) -> impl Iterator<Item = &Total> {
        let rows = if self.dimensions.is_empty() || !rows {
            &[][..]
        } else {
            &self.rows[..]
        };
        rows.iter()
            .map(Row::total)
            .chain(std::iter::once(&self.total))
    }
}

/// The note of an answer some of whose `totals` lie below zero, if any do.
/// Only adjustments can take a total there: say so rather than let a
/// negative low bound pass for a typo.
pub(crate) fn below_zero_note<'a>(totals: impl Iterator<Item = &'a Total>) -> Option<String> {
    let below_zero = totals
        .filter(|total| total.low() < rust_decimal::Decimal::ZERO)
        .count();
    let what = if below_zero == 1 { "total" } else { "totals" };
    (below_zero > 0).then(|| {
        format!(
            "{below_zero} {what} below zero: adjustments (corrections naming no pledge) exceed what was recorded"
        )
    })
}
