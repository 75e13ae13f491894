//! Constant prices: [`Deflators`], a price index per currency and year.
//!
//! Humanitarian trackers report funding "inflation-adjusted to 2025 USD": an
//! amount of year `y` is worth `amount × index(base) / index(y)` in money of
//! the base year. The caller supplies the index (any reference year, e.g.
//! 2025 = 100); nothing is assumed for a year without one: it is an error
//! naming the currency and the year.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exact::{self, Toward};
use crate::limits::MAX_DECIMAL_SCALE;
use crate::money::{Currency, Money};

/// A price index per currency and year, for turning money of one year into
/// money of another.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let deflators = Deflators::new()
///     .with_index(Currency::USD, 2023, parse_amount("95")?)?
///     .with_index(Currency::USD, 2025, parse_amount("100")?)?;
/// let real = deflators.in_prices_of(Money::parse("950", Currency::USD)?, 2023, 2025)?;
/// assert_eq!(real.low().to_string(), "USD 1,000");
/// assert!(real.is_exact());
/// let err = deflators.in_prices_of(Money::parse("1", Currency::USD)?, 2019, 2025).unwrap_err();
/// assert_eq!(err.to_string(), "no deflator for USD in 2019");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Deflators {
    indexes: BTreeMap<Currency, BTreeMap<i32, Decimal>>,
}

impl<'de> Deserialize<'de> for Deflators {
    /// Reads indexes as they are written: each by
    /// [`parse_amount`](crate::parse_amount) and checked as
    /// [`Deflators::insert`] checks it, each year in digits without leading
    /// zeros, no currency or year twice.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Deflators, D::Error> {
        crate::strict_maps::checked_object::<D, DeflatorsIn, Deflators>(d, "deflators")
    }
}

/// Deserialized indexes, each checked as it is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeflatorsIn {
    #[serde(deserialize_with = "deserialize_indexes")]
    indexes: BTreeMap<Currency, BTreeMap<i32, Decimal>>,
}

/// The indexes of a file: strict years and amounts, no currency or year
/// twice, each index checked as [`Deflators::insert`] checks it.
fn deserialize_indexes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<Currency, BTreeMap<i32, Decimal>>, D::Error> {
    crate::strict_maps::amounts_by_currency(
        d,
        "years such as 2025",
        crate::dates::parse_year,
        check_index,
    )
}

/// The checks of [`Deflators::insert`]: a year of four digits at most, a
/// positive index of at most 28 decimal places.
fn check_index(currency: Currency, year: i32, index: Decimal) -> Result<()> {
    let subject = || format!("deflator for {currency} in {year}");
    crate::within_limits::check_year(subject, year)?;
    if index <= Decimal::ZERO {
        return Err(Error::invalid(
            subject(),
            "index",
            format!("must be positive, got {index}"),
        ));
    }
    if index.scale() > MAX_DECIMAL_SCALE {
        return Err(Error::invalid(
            subject(),
            "index",
            "more than 28 decimal places",
        ));
    }
    Ok(())
}

impl TryFrom<DeflatorsIn> for Deflators {
    type Error = Error;

    fn try_from(input: DeflatorsIn) -> Result<Deflators> {
        let mut deflators = Deflators::new();
        for (currency, by_year) in input.indexes {
            for (year, index) in by_year {
                deflators.insert(currency, year, index)?;
            }
        }
        Ok(deflators)
    }
}

impl Deflators {
    /// No index yet.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Deflators::new().iter().count(), 0);
    /// ```
    pub fn new() -> Deflators {
        Deflators::default()
    }

    /// Adds or replaces the index of `currency` in `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the index is not positive, has more
    /// than 28 decimal places, or `year` is outside 0 to 9999 (the years of
    /// a ledger's dates).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut deflators = Deflators::new();
    /// deflators.insert(Currency::EUR, 2025, parse_amount("100")?)?;
    /// assert!(deflators.insert(Currency::EUR, 2024, parse_amount("0")?).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn insert(&mut self, currency: Currency, year: i32, index: Decimal) -> Result<()> {
        check_index(currency, year, index)?;
        self.indexes
            .entry(currency)
            .or_default()
            .insert(year, index);
        Ok(())
    }

    /// Adds an index; the builder form of [`Deflators::insert`].
    ///
    /// # Errors
    ///
    /// As [`Deflators::insert`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let deflators = Deflators::new().with_index(Currency::EUR, 2025, parse_amount("100")?)?;
    /// assert_eq!(deflators.index(Currency::EUR, 2025)?, parse_amount("100")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn with_index(
        mut self,
        currency: Currency,
        year: i32,
        index: Decimal,
    ) -> Result<Deflators> {
        self.insert(currency, year, index)?;
        Ok(self)
    }

    /// The index of `currency` in `year`.
    ///
    /// # Errors
    ///
    /// [`Error::MissingDeflator`] when there is none.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let deflators = Deflators::new().with_index(Currency::EUR, 2025, parse_amount("100")?)?;
    /// assert!(deflators.index(Currency::EUR, 2024).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn index(&self, currency: Currency, year: i32) -> Result<Decimal> {
        self.indexes
            .get(&currency)
            .and_then(|by_year| by_year.get(&year))
            .copied()
            .ok_or_else(|| Error::MissingDeflator {
                currency: currency.to_string(),
                year,
            })
    }

    /// Every index: currency, year, index.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let deflators = Deflators::new().with_index(Currency::EUR, 2025, parse_amount("100")?)?;
    /// assert_eq!(deflators.iter().collect::<Vec<_>>(), [(Currency::EUR, 2025, parse_amount("100")?)]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Currency, i32, Decimal)> + '_ {
        self.indexes
            .iter()
            .flat_map(|(c, by_year)| by_year.iter().map(move |(y, i)| (*c, *y, *i)))
    }

    /// `money` of `year` in money of `base_year`: `amount × index(base) /
    /// index(year)`, as two bounds rounded outward when the quotient is not
    /// exact (equal otherwise).
    ///
    /// # Errors
    ///
    /// [`Error::MissingDeflator`] for either year; [`Error::Overflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let deflators = Deflators::new()
    ///     .with_index(Currency::EUR, 2024, parse_amount("97")?)?
    ///     .with_index(Currency::EUR, 2025, parse_amount("100")?)?;
    /// let real = deflators.in_prices_of(Money::parse("100", Currency::EUR)?, 2024, 2025)?;
    /// assert!(!real.is_exact()); // 100 × 100 / 97
    /// assert!(real.low().amount() < real.high().amount());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn in_prices_of(
        &self,
        money: Money,
        year: i32,
        base_year: i32,
    ) -> Result<crate::fx::Converted> {
        let (low, low_rounded) = self.deflate(
            money.amount(),
            money.currency(),
            year,
            base_year,
            Toward::Down,
        )?;
        let (high, high_rounded) = self.deflate(
            money.amount(),
            money.currency(),
            year,
            base_year,
            Toward::Up,
        )?;
        Ok(crate::fx::Converted::from_bounds(
            Money::new(low, money.currency()),
            Money::new(high, money.currency()),
            low_rounded || high_rounded,
        ))
    }

    /// One bound of `amount` of `year` in money of `base_year`; `true` when
    /// the quotient was rounded toward `toward`.
    pub(crate) fn deflate(
        &self,
        amount: Decimal,
        currency: Currency,
        year: i32,
        base_year: i32,
        toward: Toward,
    ) -> Result<(Decimal, bool)> {
        if year == base_year || amount.is_zero() {
            return Ok((amount, false));
        }
        let base = self.index(currency, base_year)?;
        let of_year = self.index(currency, year)?;
        let (quotient, rounded) = exact::mul(amount, base)
            .and_then(|p| exact::div(p, of_year, toward))
            .ok_or_else(|| {
                Error::overflow(format!(
                    "deflating {amount} {currency} of {year} to {base_year} prices"
                ))
            })?;
        Ok((quotient.normalize(), rounded))
    }
}
