//! What a query adds up ([`Measure`]) and on which basis ([`Basis`]), and the
//! per-pledge amount each combination gives.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::estimate::Bounds;
use crate::exact::{self, Toward};
use crate::fx::FxRates;
use crate::ledger::{Ledger, PledgeState};
use crate::money::Currency;
use crate::pledge::Kind;

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
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Measure<'a> {
    /// Number of personnel (troop pledges).
    Personnel,
    /// Number of equipment units (equipment pledges).
    Units,
    /// Money (funding amounts and equipment values) converted into
    /// `currency`, which must be the base of `fx`.
    ///
    /// A pledged or outstanding amount is converted at the pledge's date
    /// ([`StageDates::pledge_date`](crate::StageDates::pledge_date)); a
    /// delivered amount at the date of the latest delivery. An amount that
    /// needs a rate and has no date is an error.
    Value {
        /// The currency of the result.
        currency: Currency,
        /// The rates into `currency`.
        fx: &'a FxRates,
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
            Measure::Value { currency, .. } => Some(*currency),
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
            Measure::Value { .. } => matches!(kind, Kind::Funding | Kind::Equipment),
            Measure::Count => true,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            Measure::Value { currency, fx } if *currency != fx.base() => Err(Error::invalid(
                "query",
                "currency",
                format!("the rates convert into {}, not {currency}", fx.base()),
            )),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Measure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Value { currency, .. } => write!(f, "value ({currency})"),
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
pub(crate) fn pledge_amount(
    ledger: &Ledger,
    state: &PledgeState,
    measure: &Measure<'_>,
    basis: Basis,
) -> Result<Option<Bounds>> {
    if !measure.applies_to(state.kind) {
        return Ok(None);
    }
    match measure {
        Measure::Count => Ok(Some(exact(Decimal::ONE))),
        Measure::Personnel | Measure::Units => {
            on_basis(state.quantity, state.delivered, basis).map(Some)
        }
        Measure::Value { fx, .. } if state.kind == Kind::Funding => {
            let native = on_basis(state.quantity, state.delivered, basis)?;
            convert(ledger, state, native, fx, basis).map(Some)
        }
        // Convert the whole value first (exact), then take the delivered or
        // outstanding share: the one division comes last, so it is the only
        // rounding.
        Measure::Value { fx, .. } => {
            let value = state.value.unwrap_or(Bounds::UNSPECIFIED);
            let needs_value = basis == Basis::Pledged
                || !state.delivered.is_zero()
                || basis == Basis::Outstanding;
            let value = if needs_value {
                convert(ledger, state, value, fx, basis)?
            } else {
                value
            };
            equipment_value(state, value, basis).map(Some)
        }
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
fn equipment_value(state: &PledgeState, value: Bounds, basis: Basis) -> Result<Bounds> {
    if basis == Basis::Pledged {
        return Ok(value);
    }
    let delivered = state.delivered;
    if delivered.is_zero() {
        return Ok(match basis {
            Basis::Delivered => exact(Decimal::ZERO),
            _ => value,
        });
    }
    let mut units = state.quantity.unwrap_or(Bounds::UNSPECIFIED);
    if value.unspecified || units.unspecified {
        return Ok(Bounds::UNSPECIFIED);
    }
    // Once `delivered` units have arrived there are at least that many.
    units.low = units.low.max(delivered);
    units.high = units.high.map(|h| h.max(delivered));
    let mut rounded = value.rounded;
    let mut share = |v: Decimal, part: Decimal, whole: Decimal, toward: Toward| {
        let (q, r) = exact::mul(v, part)
            .and_then(|x| exact::div(x, whole, toward))
            .ok_or_else(|| Error::overflow("prorating an equipment value"))?;
        rounded |= r;
        Ok::<Decimal, Error>(q.max(Decimal::ZERO))
    };
    let (low, high) = if basis == Basis::Delivered {
        let low = match units.high {
            Some(h) if h > Decimal::ZERO => share(value.low, delivered, h, Toward::Down)?,
            _ => Decimal::ZERO,
        };
        let high = match value.high {
            Some(v) if units.low > Decimal::ZERO => {
                Some(share(v, delivered, units.low, Toward::Up)?)
            }
            _ => None,
        };
        (low, high)
    } else {
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

fn convert(
    ledger: &Ledger,
    state: &PledgeState,
    native: Bounds,
    fx: &FxRates,
    basis: Basis,
) -> Result<Bounds> {
    let Some(currency) = state.currency else {
        return Ok(native);
    };
    if native.unspecified || currency == fx.base() {
        return Ok(native);
    }
    if native.low.is_zero() && native.high == Some(Decimal::ZERO) {
        return Ok(native);
    }
    let date = conversion_date(state, basis).ok_or_else(|| Error::UndatedConversion {
        pledge: ledger
            .spec_of(state)
            .map_or_else(String::new, |s| s.id().to_string()),
        currency: currency.to_string(),
    })?;
    let low = fx.convert_amount(native.low, currency, date)?;
    let high = native
        .high
        .map(|h| fx.convert_amount(h, currency, date))
        .transpose()?;
    Ok(Bounds {
        low,
        high,
        unspecified: false,
        rounded: native.rounded,
    })
}

fn conversion_date(state: &PledgeState, basis: Basis) -> Option<NaiveDate> {
    match basis {
        Basis::Delivered => state.dates.last_delivery.or(state.dates.pledge_date()),
        Basis::Pledged | Basis::Outstanding => state.dates.pledge_date(),
    }
}
