//! What a query adds up ([`Measure`]) and on which basis ([`Basis`]), and the
//! per-pledge amount each combination gives.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::deflators::Deflators;
use crate::error::{Error, Result};
use crate::estimate::Bounds;
use crate::exact::{self, Toward};
use crate::fx::FxRates;
use crate::ledger::{Ledger, PledgeState};
use crate::money::Currency;
use crate::pledge::{AdjustmentBasis, Kind};

/// What a query adds up.
///
/// Each measure applies to some kinds; pledges of other kinds are not
/// counted: `Personnel` counts troops, `Units` equipment, `Value` funding and
/// equipment value, `Count` every pledge.
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
/// assert_eq!(ledger.query().measure(Measure::Personnel).run()?.total().low(), Decimal::from(5_000));
/// assert_eq!(ledger.query().measure(Measure::Count).run()?.total().low(), Decimal::from(2));
/// assert_eq!(ledger.query().measure(Measure::Units).run()?.total().count(), 0); // troops have no units
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Measure<'a> {
    /// Number of personnel (troop pledges).
    Personnel,
    /// Number of equipment units (equipment pledges).
    Units,
    /// Money (funding amounts and equipment values) converted into
    /// `currency`, which must be the base of `fx` unless `fx` allows
    /// [cross rates](FxRates::with_cross_rates).
    ///
    /// A pledged amount is converted at the pledge's date
    /// ([`StageDates::pledge_date`](crate::StageDates::pledge_date)).
    /// *Delivered* sums the tranches, each converted at its own delivery's
    /// date (an undated delivery at the pledge's date); for equipment each
    /// tranche carries its share of the value. *Outstanding* is pledged
    /// minus delivered in the pledge's own currency (or units), converted at
    /// the pledge's date. So delivered + outstanding differs from pledged
    /// when rates moved between the pledge and its deliveries. An amount
    /// that needs a rate and has no date is an error.
    Value {
        /// The currency of the result.
        currency: Currency,
        /// The rates into `currency`.
        fx: &'a FxRates,
    },
    /// Money as [`Measure::Value`], then in prices of `base_year`: each
    /// amount, once converted into `currency` at its date, is deflated
    /// from that date's year with the index of `currency` (`amount ×
    /// index(base_year) / index(year)`), as trackers report "inflation
    /// adjusted to 2025 USD". A year without an index is an error naming
    /// the currency and the year; a quotient that is not exact is rounded
    /// outward and the total says so.
    RealValue {
        /// The currency of the result.
        currency: Currency,
        /// The rates into `currency`.
        fx: &'a FxRates,
        /// The price index per currency and year.
        deflators: &'a Deflators,
        /// The year whose prices the result is in.
        base_year: i32,
    },
    /// Number of pledges, whatever the basis.
    Count,
}

impl Measure<'_> {
    /// The measure's name as shown in tables (`personnel`, `units`,
    /// `value`, `count`).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Measure::Personnel.name(), "personnel");
    /// assert_eq!(Measure::Count.name(), "count");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Measure::Personnel => "personnel",
            Measure::Units => "units",
            Measure::Value { .. } => "value",
            Measure::RealValue { .. } => "real_value",
            Measure::Count => "count",
        }
    }

    /// The currency of a value measure.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// assert_eq!(Measure::Value { currency: Currency::EUR, fx: &fx }.currency(), Some(Currency::EUR));
    /// assert_eq!(Measure::Units.currency(), None);
    /// ```
    pub fn currency(&self) -> Option<Currency> {
        match self {
            Measure::Value { currency, .. } | Measure::RealValue { currency, .. } => {
                Some(*currency)
            }
            _ => None,
        }
    }

    /// The year whose prices a constant-price measure is in
    /// ([`Measure::RealValue`]); none for the others.
    pub(crate) fn base_year(&self) -> Option<i32> {
        match self {
            Measure::RealValue { base_year, .. } => Some(*base_year),
            _ => None,
        }
    }

    /// True when the measure counts pledges of `kind`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Measure::Personnel.applies_to(Kind::Troops));
    /// assert!(!Measure::Personnel.applies_to(Kind::Funding));
    /// assert!(Measure::Count.applies_to(Kind::Backstop));
    /// ```
    pub fn applies_to(&self, kind: Kind) -> bool {
        match self {
            Measure::Personnel => kind == Kind::Troops,
            Measure::Units => kind == Kind::Equipment,
            Measure::Value { .. } | Measure::RealValue { .. } => {
                matches!(kind, Kind::Funding | Kind::Equipment)
            }
            Measure::Count => true,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            Measure::Value { currency, fx } | Measure::RealValue { currency, fx, .. }
                if !fx.converts_into(*currency) =>
            {
                Err(Error::invalid(
                    "query",
                    "currency",
                    format!("the rates convert into {}, not {currency}", fx.base()),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Whether per-pledge amounts may be kept between queries under the
    /// measure's name, currency and rates: not for constant prices, whose
    /// deflators and base year are not part of that key.
    pub(crate) fn is_cacheable(&self) -> bool {
        !matches!(self, Measure::RealValue { .. })
    }
}

impl fmt::Display for Measure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Value { currency, .. } => write!(f, "value ({currency})"),
            Measure::RealValue {
                currency,
                base_year,
                ..
            } => write!(f, "value ({currency}, {base_year} prices)"),
            other => f.write_str(other.name()),
        }
    }
}

/// Which part of each pledge a query adds up.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!(Basis::default(), Basis::Pledged);
/// assert_eq!("outstanding".parse::<Basis>()?, Basis::Outstanding);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Basis {
    /// The pledged size.
    #[default]
    Pledged,
    /// What has been delivered so far.
    Delivered,
    /// Pledged minus delivered, never below zero for any pledge.
    Outstanding,
}

crate::spelling::spelled!(Basis, "basis", {
    Pledged => "pledged",
    Delivered => "delivered",
    Outstanding => "outstanding",
});

/// The amount one pledge contributes, or `None` when the measure does not
/// apply to its kind.
///
/// Money is converted as trackers do: a pledged or outstanding amount at the
/// pledge's date (outstanding is pledged minus delivered in the pledge's own
/// currency, then converted), a delivered amount tranche by tranche, each
/// delivery at its own date (an undated delivery at the pledge's date).
pub(crate) fn pledge_amount(
    ledger: &Ledger,
    state: &PledgeState,
    measure: &Measure<'_>,
    basis: Basis,
) -> Result<Option<Bounds>> {
    pledge_amount_with(ledger, state, measure, basis, None)
}

/// [`pledge_amount`], looking rates up in `rates` (the same rates, each
/// looked up once): for a loop over many pledges, which would otherwise
/// search the rate table (and the list of withdrawn currencies) for every
/// amount.
pub(crate) fn pledge_amount_with(
    ledger: &Ledger,
    state: &PledgeState,
    measure: &Measure<'_>,
    basis: Basis,
    rates: Option<&RateMemo<'_>>,
) -> Result<Option<Bounds>> {
    if !measure.applies_to(state.kind) {
        return Ok(None);
    }
    let conversion = || Conversion::of(measure).map(|c| c.with_memo(rates));
    if let Some(adjusts) = state.adjusts {
        let Some(into) = conversion() else {
            return Ok(None);
        };
        return adjustment_amount(ledger, state, into, basis, adjusts);
    }
    match measure {
        Measure::Count => Ok(Some(exact(Decimal::ONE))),
        Measure::Personnel | Measure::Units => {
            on_basis(ledger.quantity_of(state), state.delivered, basis).map(Some)
        }
        Measure::Value { .. } | Measure::RealValue { .. } => match conversion() {
            Some(into) => value_amount(ledger, state, into, basis).map(Some),
            None => Ok(None),
        },
    }
}

/// The rates of one table, each looked up once per currency and day.
///
/// [`FxRates::rate`] is a pure function of the currency and the date, so a
/// remembered rate is the rate; a lookup that failed is not remembered as an
/// error but sent back to [`FxRates`] every time, which reports it.
pub(crate) struct RateMemo<'a> {
    fx: &'a FxRates,
    /// Per currency: the first day held and the rate of each day from it.
    tables: std::cell::RefCell<Vec<(Currency, i32, Vec<Looked>)>>,
}

/// One remembered lookup.
#[derive(Clone, Copy)]
enum Looked {
    NotYet,
    Failed,
    Rate(Decimal),
}

/// Most days one currency's table spans (about 180 years); dates beyond
/// are looked up without being remembered.
const MAX_MEMO_DAYS: usize = 1 << 16;

impl<'a> RateMemo<'a> {
    pub(crate) fn new(fx: &'a FxRates) -> RateMemo<'a> {
        RateMemo {
            fx,
            tables: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The rates of a money measure; `None` for other measures.
    pub(crate) fn of(measure: &Measure<'a>) -> Option<RateMemo<'a>> {
        match *measure {
            Measure::Value { fx, .. } | Measure::RealValue { fx, .. } => Some(RateMemo::new(fx)),
            _ => None,
        }
    }

    /// `fx.rate(currency, date)` when it succeeds; `None` when it fails
    /// (the caller asks `fx` again to get the error).
    fn rate(&self, currency: Currency, date: NaiveDate) -> Option<Decimal> {
        let day = date.num_days_from_ce();
        let Ok(mut tables) = self.tables.try_borrow_mut() else {
            return self.fx.rate(currency, date).ok();
        };
        let at = if let Some(at) = tables.iter().position(|(c, _, _)| *c == currency) {
            at
        } else {
            tables.push((currency, day, Vec::new()));
            tables.len().saturating_sub(1)
        };
        let Some((_, first, days)) = tables.get_mut(at) else {
            return self.fx.rate(currency, date).ok();
        };
        let Some(slot) = memo_slot(first, days, day) else {
            return self.fx.rate(currency, date).ok();
        };
        match *slot {
            Looked::Rate(rate) => Some(rate),
            Looked::Failed => None,
            Looked::NotYet => {
                let rate = self.fx.rate(currency, date).ok();
                *slot = rate.map_or(Looked::Failed, Looked::Rate);
                rate
            }
        }
    }
}

/// The slot of `day` in a table starting at `first`, grown to reach it;
/// `None` when the table would span more than [`MAX_MEMO_DAYS`].
fn memo_slot<'t>(first: &mut i32, days: &'t mut Vec<Looked>, day: i32) -> Option<&'t mut Looked> {
    if day < *first {
        let grow = usize::try_from(i64::from(*first).checked_sub(i64::from(day))?).ok()?;
        if days.len().checked_add(grow)? > MAX_MEMO_DAYS {
            return None;
        }
        days.splice(0..0, std::iter::repeat_n(Looked::NotYet, grow));
        *first = day;
    }
    let offset = usize::try_from(i64::from(day).checked_sub(i64::from(*first))?).ok()?;
    if offset >= days.len() {
        if offset >= MAX_MEMO_DAYS {
            return None;
        }
        days.resize(offset.checked_add(1)?, Looked::NotYet);
    }
    days.get_mut(offset)
}

/// The amount an adjustment contributes: its (possibly negative) amount on
/// its own basis, negated in the outstanding total when it adjusts what was
/// delivered, nothing on the other basis; it is not a pledge to count.
fn adjustment_amount(
    ledger: &Ledger,
    state: &PledgeState,
    into: Conversion<'_>,
    basis: Basis,
    adjusts: AdjustmentBasis,
) -> Result<Option<Bounds>> {
    let native = ledger.quantity_of(state).unwrap_or(Bounds::UNSPECIFIED);
    let signed = match (adjusts, basis) {
        (AdjustmentBasis::Pledged, Basis::Pledged | Basis::Outstanding)
        | (AdjustmentBasis::Delivered, Basis::Delivered) => native,
        (AdjustmentBasis::Delivered, Basis::Outstanding) => {
            // Negating a Decimal cannot overflow; checked all the same.
            let negate = |d: Decimal| {
                Decimal::ZERO
                    .checked_sub(d)
                    .ok_or_else(|| Error::overflow("negating an adjustment"))
            };
            Bounds {
                low: negate(native.high.unwrap_or(native.low))?,
                high: Some(negate(native.low)?),
                ..native
            }
        }
        _ => return Ok(None),
    };
    convert(ledger, state, signed, into, state.dates.pledge_date()).map(Some)
}

/// Where money is converted to: the query's currency through its rates.
#[derive(Clone, Copy)]
struct Conversion<'a> {
    fx: &'a FxRates,
    currency: Currency,
    /// Constant prices: the deflators and the base year.
    deflate: Option<(&'a Deflators, i32)>,
    /// The same rates, remembered.
    memo: Option<&'a RateMemo<'a>>,
}

impl<'a> Conversion<'a> {
    /// The conversion a money measure asks for; `None` for other measures.
    fn of(measure: &Measure<'a>) -> Option<Conversion<'a>> {
        match *measure {
            Measure::Value { fx, currency } => Some(Conversion {
                fx,
                currency,
                deflate: None,
                memo: None,
            }),
            Measure::RealValue {
                fx,
                currency,
                deflators,
                base_year,
            } => Some(Conversion {
                fx,
                currency,
                deflate: Some((deflators, base_year)),
                memo: None,
            }),
            _ => None,
        }
    }

    /// The same conversion, looking rates up in `memo` when it holds the
    /// same rates.
    fn with_memo<'m>(self, memo: Option<&'m RateMemo<'m>>) -> Conversion<'m>
    where
        'a: 'm,
    {
        Conversion {
            fx: self.fx,
            currency: self.currency,
            deflate: self.deflate,
            memo: memo.filter(|m| std::ptr::eq(m.fx, self.fx)),
        }
    }

    /// True when an amount already in the target currency stays as it is.
    fn is_identity_for(&self, currency: Currency) -> bool {
        currency == self.currency && self.deflate.is_none()
    }

    /// One bound of `amount` in `from`, dated `date`, in the target
    /// currency (and prices); `true` when a division was rounded.
    fn bound(
        &self,
        amount: Decimal,
        from: Currency,
        date: NaiveDate,
        toward: Toward,
    ) -> Result<(Decimal, bool)> {
        let (converted, rounded) = match self.remembered(amount, from, date) {
            Some(converted) => (converted, false),
            None => self
                .fx
                .convert_bound(amount, from, self.currency, date, toward)?,
        };
        let Some((deflators, base_year)) = self.deflate else {
            return Ok((converted, rounded));
        };
        let (real, deflated) =
            deflators.deflate(converted, self.currency, date.year(), base_year, toward)?;
        Ok((real, rounded || deflated))
    }
}

impl Conversion<'_> {
    /// What [`FxRates::convert_bound`] gives for a conversion into the base
    /// (exact, never rounded), with the rate from the memo; `None` when
    /// there is no memo, the target is not the base, or the lookup or the
    /// product fails (then `FxRates` converts, and reports the error).
    fn remembered(&self, amount: Decimal, from: Currency, date: NaiveDate) -> Option<Decimal> {
        let memo = self.memo?;
        if self.currency != self.fx.base() {
            return None;
        }
        if from == self.currency {
            return Some(amount);
        }
        let rate = memo.rate(from, date)?;
        if exact::is_one(rate) {
            return Some(amount);
        }
        normalized_product(amount, rate)
    }
}

/// `(a × b).normalize()`, exactly: the product of the mantissas with its
/// trailing zeros dropped, when it fits a `Decimal`; `None` when it does
/// not fit as computed here (the caller then takes `exact::mul`, which
/// decides). The same value as `exact::mul(a, b)` in its one normalized
/// form, computed on integers because `Decimal` multiplication and
/// `normalize` dominated the cost of converting a million amounts.
fn normalized_product(a: Decimal, b: Decimal) -> Option<Decimal> {
    let mut scale = a.scale().checked_add(b.scale())?;
    let product = exact::product(a.mantissa(), b.mantissa())?;
    // The common case on 64-bit words: dividing an `i128` by ten is a
    // library call.
    let mantissa = if let Ok(mut small) = i64::try_from(product) {
        while scale > 0 && small.checked_rem(10) == Some(0) {
            small = small.checked_div(10)?;
            scale = scale.checked_sub(1)?;
        }
        i128::from(small)
    } else {
        let mut wide = product;
        while scale > 0 && wide.checked_rem(10) == Some(0) {
            wide = wide.checked_div(10)?;
            scale = scale.checked_sub(1)?;
        }
        wide
    };
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

fn value_amount(
    ledger: &Ledger,
    state: &PledgeState,
    into: Conversion<'_>,
    basis: Basis,
) -> Result<Bounds> {
    if state.kind == Kind::Funding {
        if basis == Basis::Delivered {
            return funding_delivered(ledger, state, into);
        }
        let native = on_basis(ledger.quantity_of(state), state.delivered, basis)?;
        return convert(ledger, state, native, into, state.dates.pledge_date());
    }
    // Equipment. Outstanding converts the whole value at the pledge's date
    // first (exact), then takes the share: the one division comes last, so
    // it is the only rounding.
    let value = ledger.value_of(state).unwrap_or(Bounds::UNSPECIFIED);
    match basis {
        Basis::Pledged => convert(ledger, state, value, into, state.dates.pledge_date()),
        Basis::Delivered => equipment_delivered(ledger, state, value, into),
        Basis::Outstanding => {
            let value = convert(ledger, state, value, into, state.dates.pledge_date())?;
            equipment_value(ledger, state, value, basis)
        }
    }
}

/// The delivered tranches of a pledge: quantity and the date each converts
/// at (its own date, or the pledge's date when it has none).
fn tranches<'l>(
    ledger: &'l Ledger,
    state: &'l PledgeState,
) -> impl Iterator<Item = (Decimal, Option<NaiveDate>)> + 'l {
    ledger
        .pledge_entries(state)
        .filter_map(move |entry| match entry.action() {
            crate::entry::Action::Deliver { quantity, .. } => {
                Some((*quantity, entry.date().or(state.dates.pledge_date())))
            }
            _ => None,
        })
}

/// Delivered money: the sum of every tranche converted at its own date.
fn funding_delivered(ledger: &Ledger, state: &PledgeState, into: Conversion<'_>) -> Result<Bounds> {
    let Some(currency) = state.currency.filter(|c| !into.is_identity_for(*c)) else {
        return Ok(exact(state.delivered));
    };
    if state.delivered.is_zero() && tranches(ledger, state).next().is_none() {
        return Ok(exact(Decimal::ZERO));
    }
    let mut sum = Sum::default();
    for (quantity, date) in tranches(ledger, state) {
        let date = date.ok_or_else(|| undated(ledger, state, currency))?;
        let low = into.bound(quantity, currency, date, Toward::Down)?;
        let high = into.bound(quantity, currency, date, Toward::Up)?;
        sum.add(low, high)?;
    }
    Ok(sum.into_bounds())
}

/// Low and high sums of converted terms, rounded outward once a term was.
#[derive(Default)]
struct Sum {
    low: Decimal,
    high: Decimal,
    rounded: bool,
}

impl Sum {
    fn add(&mut self, low: (Decimal, bool), high: (Decimal, bool)) -> Result<()> {
        self.rounded |= low.1 || high.1;
        let step = |a: Decimal, b: Decimal, toward: Toward, rounded: bool| {
            let result = if rounded {
                exact::add_outward(a, b, toward)
            } else {
                exact::add(a, b).map(|s| (s, false))
            };
            result.ok_or_else(|| Error::overflow("adding delivered tranches"))
        };
        let (l, lr) = step(self.low, low.0, Toward::Down, self.rounded)?;
        let (h, hr) = step(self.high, high.0, Toward::Up, self.rounded)?;
        self.low = l;
        self.high = h;
        self.rounded |= lr || hr;
        Ok(())
    }

    fn into_bounds(self) -> Bounds {
        Bounds {
            low: self.low.max(Decimal::ZERO),
            high: Some(self.high.max(Decimal::ZERO)),
            unspecified: false,
            rounded: self.rounded,
        }
    }
}

/// The delivered value of equipment: each tranche of `dᵢ` units is worth
/// `V × dᵢ / U` at the rate of its own date, so the value delivered is
/// `Σ(Vᵢ × dᵢ) / U` with `Vᵢ` the value converted at the tranche's date:
/// exact products and sums, and one division last (rounded outward, the
/// total says so). Bounds take the matching ends of the value and unit
/// ranges, as [`equipment_value`] explains.
fn equipment_delivered(
    ledger: &Ledger,
    state: &PledgeState,
    value: Bounds,
    into: Conversion<'_>,
) -> Result<Bounds> {
    let delivered = state.delivered;
    if delivered.is_zero() {
        return Ok(exact(Decimal::ZERO));
    }
    let units = ledger.quantity_of(state).unwrap_or(Bounds::UNSPECIFIED);
    if value.unspecified || units.unspecified {
        return Ok(Bounds::UNSPECIFIED);
    }
    // Once `delivered` units have arrived there are at least that many.
    let units_low = units.low.max(delivered);
    let units_high = units.high.map(|h| h.max(delivered));
    let currency = state.currency.unwrap_or(into.currency);
    let mut weighted = Sum {
        rounded: value.rounded,
        ..Sum::default()
    };
    for (quantity, date) in tranches(ledger, state) {
        let at = |amount: Decimal, toward: Toward| -> Result<(Decimal, bool)> {
            if into.is_identity_for(currency) {
                return Ok((amount, false));
            }
            let date = date.ok_or_else(|| undated(ledger, state, currency))?;
            into.bound(amount, currency, date, toward)
        };
        // A negative correction takes the other end of a rounded rate.
        let (down, up) = if quantity.is_sign_negative() {
            (Toward::Up, Toward::Down)
        } else {
            (Toward::Down, Toward::Up)
        };
        let times = |(v, r): (Decimal, bool)| {
            exact::mul(v, quantity)
                .map(|p| (p, r))
                .ok_or_else(|| Error::overflow("weighing a delivered tranche"))
        };
        let low = times(at(value.low, down)?)?;
        let high = match value.high {
            Some(h) => times(at(h, up)?)?,
            None => (Decimal::ZERO, false),
        };
        weighted.add(low, high)?;
    }
    let mut rounded = weighted.rounded;
    let mut divide = |v: Decimal, whole: Decimal, toward: Toward| -> Result<Decimal> {
        let (q, r) = exact::div(v, whole, toward)
            .ok_or_else(|| Error::overflow("prorating an equipment value"))?;
        rounded |= r;
        Ok(q.max(Decimal::ZERO))
    };
    let low = match units_high {
        Some(h) if h > Decimal::ZERO => divide(weighted.low, h, Toward::Down)?,
        _ => Decimal::ZERO,
    };
    let high = match value.high {
        Some(_) if units_low > Decimal::ZERO => Some(divide(weighted.high, units_low, Toward::Up)?),
        _ => None,
    };
    Ok(Bounds {
        low,
        high,
        unspecified: false,
        rounded,
    })
}

#[cold]
fn undated(ledger: &Ledger, state: &PledgeState, currency: Currency) -> Error {
    Error::UndatedConversion {
        pledge: ledger
            .spec_of(state)
            .map_or_else(String::new, |s| s.id().to_string()),
        currency: currency.to_string(),
    }
}

fn exact(value: Decimal) -> Bounds {
    Bounds {
        low: value,
        high: Some(value),
        unspecified: false,
        rounded: false,
    }
}

/// Applies the basis to pledged bounds in the pledge's own unit.
fn on_basis(pledged: Option<Bounds>, delivered: Decimal, basis: Basis) -> Result<Bounds> {
    let pledged = pledged.unwrap_or(Bounds::UNSPECIFIED);
    match basis {
        Basis::Pledged => Ok(pledged),
        Basis::Delivered => Ok(exact(delivered)),
        Basis::Outstanding => outstanding(pledged, delivered),
    }
}

/// `pledged − delivered` for an exactly known delivered quantity, each bound
/// clamped at zero.
fn outstanding(pledged: Bounds, delivered: Decimal) -> Result<Bounds> {
    if pledged.unspecified {
        return Ok(Bounds::UNSPECIFIED);
    }
    let minus = |a: Decimal| {
        exact::sub(a, delivered)
            .map(|d| d.max(Decimal::ZERO))
            .ok_or_else(|| Error::overflow("subtracting the delivered amount"))
    };
    Ok(Bounds {
        low: minus(pledged.low)?,
        high: pledged.high.map(minus).transpose()?,
        unspecified: false,
        rounded: pledged.rounded,
    })
}

/// The value of equipment on a basis.
///
/// A pledge of `U` units worth `V` in all, of which `d` units are delivered,
/// has delivered `V × d / U` and outstanding `V × (U − d) / U`. Both grow
/// with `V`; the delivered part shrinks and the outstanding part grows with
/// `U`, so each bound takes the matching ends of the two ranges (the same
/// uncertain unit value on both sides, not the difference of two intervals).
/// These divisions are the only ones in a total: an inexact quotient is
/// rounded outward (low down, high up) and the total says it was rounded.
fn equipment_value(
    ledger: &Ledger,
    state: &PledgeState,
    value: Bounds,
    basis: Basis,
) -> Result<Bounds> {
    if basis != Basis::Outstanding || state.delivered.is_zero() {
        return Ok(value);
    }
    let delivered = state.delivered;
    let mut units = ledger.quantity_of(state).unwrap_or(Bounds::UNSPECIFIED);
    if value.unspecified || units.unspecified {
        return Ok(Bounds::UNSPECIFIED);
    }
    // Once `delivered` units have arrived there are at least that many.
    units.low = units.low.max(delivered);
    units.high = units.high.map(|h| h.max(delivered));
    let mut rounded = value.rounded;
    let mut share = |v: Decimal, part: Decimal, whole: Decimal, toward: Toward| {
        // `v × part` may not fit where the share does (a value near
        // `Decimal::MAX`, or one with many digits): then `v / whole` times
        // `part`, each rounded `toward`, which bounds the share the same
        // way, as every bound and operand is positive.
        let (q, r) = exact::mul(v, part)
            .and_then(|x| exact::div(x, whole, toward))
            .or_else(|| {
                let (unit, divided) = exact::div(v, whole, toward)?;
                let (share, multiplied) = exact::mul_outward(unit, part, toward)?;
                Some((share, divided || multiplied))
            })
            .ok_or_else(|| Error::overflow("prorating an equipment value"))?;
        rounded |= r;
        Ok::<Decimal, Error>(q.max(Decimal::ZERO))
    };
    let (low, high) = {
        let remaining = |u: Decimal| exact::sub(u, delivered).map(|r| r.max(Decimal::ZERO));
        let low = match remaining(units.low) {
            Some(left) if units.low > Decimal::ZERO && left > Decimal::ZERO => {
                share(value.low, left, units.low, Toward::Down)?
            }
            Some(_) => Decimal::ZERO,
            None => return Err(Error::overflow("subtracting delivered units")),
        };
        let high = match (value.high, units.high) {
            (Some(v), Some(u)) if u > Decimal::ZERO => {
                let left =
                    remaining(u).ok_or_else(|| Error::overflow("subtracting delivered units"))?;
                Some(share(v, left, u, Toward::Up)?)
            }
            // Unbounded units: the outstanding share tends to the whole value.
            (Some(v), None) => Some(v),
            _ => None,
        };
        (low, high)
    };
    Ok(Bounds {
        low,
        high,
        unspecified: false,
        rounded,
    })
}

/// Converts bounds in the pledge's currency at `date`.
fn convert(
    ledger: &Ledger,
    state: &PledgeState,
    native: Bounds,
    into: Conversion<'_>,
    date: Option<NaiveDate>,
) -> Result<Bounds> {
    let Some(currency) = state.currency else {
        return Ok(native);
    };
    if native.unspecified || into.is_identity_for(currency) {
        return Ok(native);
    }
    if native.low.is_zero() && native.high == Some(Decimal::ZERO) {
        return Ok(native);
    }
    let date = date.ok_or_else(|| undated(ledger, state, currency))?;
    let (low, low_rounded) = into.bound(native.low, currency, date, Toward::Down)?;
    let high = native
        .high
        .map(|h| into.bound(h, currency, date, Toward::Up))
        .transpose()?;
    Ok(Bounds {
        low,
        high: high.map(|(h, _)| h),
        unspecified: false,
        rounded: native.rounded || low_rounded || high.is_some_and(|(_, r)| r),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::normalized_product;

    /// A mantissa of up to 96 bits, often small, often with trailing zeros.
    fn mantissa() -> impl Strategy<Value = i128> {
        prop_oneof![
            (-1_000_000i64..1_000_000).prop_map(i128::from),
            any::<i64>().prop_map(i128::from),
            (any::<u32>(), any::<u64>(), any::<bool>()).prop_map(|(hi, lo, neg)| {
                let m = (i128::from(hi) << 64) | i128::from(lo);
                if neg { -m } else { m }
            }),
            (1i64..1_000_000, 0u32..12).prop_map(|(m, z)| i128::from(m) * 10i128.pow(z)),
        ]
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (mantissa(), 0u32..=28)
            .prop_map(|(m, s)| Decimal::try_from_i128_with_scale(m, s).expect("96 bits"))
    }

    proptest! {
        /// The integer product is the exact product in its normalized form
        /// (same mantissa and scale, not only the same value), and it is
        /// found whenever the product of the mantissas fits 64 bits.
        #[test]
        fn normalized_product_is_the_exact_normalized_product(a in decimal(), b in decimal()) {
            let exact = crate::exact::mul(a, b).map(|p| p.normalize());
            if let Some(p) = normalized_product(a, b) {
                let e = exact.expect("an exact product exists");
                prop_assert_eq!((p.mantissa(), p.scale()), (e.mantissa(), e.scale()));
            } else {
                let small = a.mantissa().checked_mul(b.mantissa()).and_then(|p| i64::try_from(p).ok());
                prop_assert!(small.is_none() || a.scale() + b.scale() > 28 || exact.is_none());
            }
        }
    }

    #[test]
    fn normalized_product_drops_trailing_zeros_and_keeps_the_sign() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        for (a, b, want) in [
            ("1000.50", "0.920000", "920.46"),
            ("-2.5", "0.4", "-1"),
            ("0.000", "1.5", "0"),
            ("123", "1", "123"),
        ] {
            let p = normalized_product(d(a), d(b)).expect("fits");
            assert_eq!(p.to_string(), want, "{a} × {b}");
        }
    }
}
