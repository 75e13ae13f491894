//! Dated exchange rates: [`FxRates`] and the lookup [`RatePolicy`].
//!
//! Real trackers convert each amount at a dated rate. A rate here is how
//! many units of the base currency one unit of another currency buys on a
//! date (`insert(USD, 2025-09-04, 0.92)` with base EUR means 1 USD = 0.92
//! EUR). A lookup that finds no rate is an error naming the currency and the
//! date: nothing is converted at a guessed rate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exact::{self, Toward};
use crate::limits::MAX_DECIMAL_SCALE;
use crate::money::Currency;

/// How a rate is chosen for a date.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
///     .with_rate(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)?;
/// assert!(fx.rate(Currency::USD, parse_date("2025-09-02")?).is_err());
/// assert_eq!("latest_on_or_before".parse::<RatePolicy>()?, RatePolicy::LatestOnOrBefore);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RatePolicy {
    /// Only a rate published for exactly that date.
    OnDate,
    /// The latest rate on or before that date.
    LatestOnOrBefore,
}

crate::spelling::spelled!(RatePolicy, "rate policy", {
    OnDate => "on_date",
    LatestOnOrBefore => "latest_on_or_before",
});

/// Dated exchange rates into one base currency.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Currency, FxRates, Money, RatePolicy, parse_amount, parse_date};
///
/// let mut fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
/// fx.insert(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)?;
///
/// let usd = Money::new(parse_amount("100")?, Currency::USD);
/// assert_eq!(fx.convert(usd, parse_date("2025-09-04")?)?.to_string(), "EUR 92");
/// // Before the first rate there is nothing to use: an error, not a guess.
/// let err = fx.convert(usd, parse_date("2025-08-31")?).unwrap_err();
/// assert_eq!(err.to_string(), "no exchange rate for USD on 2025-08-31 into EUR");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FxRates {
    base: Currency,
    policy: RatePolicy,
    /// With [`RatePolicy::LatestOnOrBefore`], the oldest rate (in days before
    /// the amount's date) a lookup may use; `None` for any age.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age_days: Option<u32>,
    /// Whether amounts may be converted into a currency other than the base
    /// (an inverse or cross rate through the base).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cross_rates: bool,
    rates: BTreeMap<Currency, BTreeMap<NaiveDate, Decimal>>,
}

impl<'de> Deserialize<'de> for FxRates {
    /// Reads rates as [`FxRates::to_json`] writes them: each rate by
    /// [`parse_amount`](crate::parse_amount) and checked as
    /// [`FxRates::insert`] checks it, each date by
    /// [`parse_date`](crate::parse_date), no currency or date twice.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<FxRates, D::Error> {
        crate::strict_maps::checked_object::<D, FxRatesIn, FxRates>(d, "exchange rates")
    }
}

/// Deserialized rates, checked one by one through [`FxRates::insert`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FxRatesIn {
    base: Currency,
    policy: RatePolicy,
    #[serde(default)]
    max_age_days: Option<u32>,
    #[serde(default)]
    cross_rates: bool,
    #[serde(deserialize_with = "deserialize_rates")]
    rates: BTreeMap<Currency, BTreeMap<NaiveDate, Decimal>>,
}

/// The rates of a file: strict dates and amounts, no currency or date
/// twice, each rate checked as it is read (the base, which may come later
/// in the file, is checked once the whole value is read).
fn deserialize_rates<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<Currency, BTreeMap<NaiveDate, Decimal>>, D::Error> {
    crate::strict_maps::amounts_by_currency(
        d,
        "dates written YYYY-MM-DD",
        crate::dates::parse_date,
        check_rate,
    )
}

impl TryFrom<FxRatesIn> for FxRates {
    type Error = Error;

    fn try_from(input: FxRatesIn) -> Result<FxRates> {
        let mut fx = FxRates::new(input.base, input.policy);
        fx.max_age_days = input.max_age_days;
        fx.cross_rates = input.cross_rates;
        for (currency, by_date) in input.rates {
            for (date, rate) in by_date {
                fx.insert(currency, date, rate)?;
            }
        }
        Ok(fx)
    }
}

/// The checks of a rate that do not depend on the base: a positive rate of
/// at most 28 decimal places, on a date with a four-digit year (so that
/// every file can carry it back).
fn check_rate(currency: Currency, date: NaiveDate, rate: Decimal) -> Result<()> {
    let subject = || format!("rate for {currency} on {date}");
    crate::within_limits::check_date(subject, "date", date)?;
    if rate <= Decimal::ZERO {
        return Err(Error::invalid(
            subject(),
            "rate",
            format!("must be positive, got {rate}"),
        ));
    }
    if rate.scale() > MAX_DECIMAL_SCALE {
        return Err(Error::invalid(
            subject(),
            "rate",
            "more than 28 decimal places",
        ));
    }
    Ok(())
}

impl FxRates {
    /// An empty table of rates into `base`, looked up with `policy`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// assert_eq!(fx.iter().count(), 0);
    /// ```
    pub fn new(base: Currency, policy: RatePolicy) -> FxRates {
        FxRates {
            base,
            policy,
            max_age_days: None,
            cross_rates: false,
            rates: BTreeMap::new(),
        }
    }

    /// The base currency.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// assert_eq!(fx.base(), Currency::EUR);
    /// ```
    pub fn base(&self) -> Currency {
        self.base
    }

    /// The lookup policy.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    /// assert_eq!(fx.policy(), RatePolicy::LatestOnOrBefore);
    /// ```
    pub fn policy(&self) -> RatePolicy {
        self.policy
    }

    /// Refuses rates older than `days` before the amount's date (with
    /// [`RatePolicy::LatestOnOrBefore`]; an `OnDate` rate has age 0): a
    /// 2026 pledge is not converted at a rate from 2025 unless asked.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
    ///     .with_rate(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)?
    ///     .with_max_age_days(31);
    /// assert_eq!(fx.max_age_days(), Some(31));
    /// assert!(fx.rate(Currency::USD, parse_date("2025-10-02")?).is_ok()); // 31 days old
    /// let err = fx.rate(Currency::USD, parse_date("2026-01-15")?).unwrap_err();
    /// assert_eq!(err.to_string(), "the latest rate for USD on or before 2026-01-15 is from 2025-09-01, older than 31 days");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_max_age_days(mut self, days: u32) -> FxRates {
        self.max_age_days = Some(days);
        self
    }

    /// The maximum age of a rate, in days, if one is set.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(FxRates::new(Currency::EUR, RatePolicy::OnDate).max_age_days(), None);
    /// ```
    pub fn max_age_days(&self) -> Option<u32> {
        self.max_age_days
    }

    /// Allows converting into a currency other than the base: through the
    /// inverse of its rate (base into `USD`) or a cross rate through the
    /// base (`GBP` into `USD` = GBP→EUR ÷ USD→EUR). Such a conversion
    /// divides, so it may be rounded; see [`FxRates::convert_into`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate).with_cross_rates(true);
    /// assert!(fx.allows_cross_rates());
    /// ```
    #[must_use]
    pub fn with_cross_rates(mut self, allow: bool) -> FxRates {
        self.cross_rates = allow;
        self
    }

    /// True when conversions into currencies other than the base are
    /// allowed ([`FxRates::with_cross_rates`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(!FxRates::new(Currency::EUR, RatePolicy::OnDate).allows_cross_rates());
    /// ```
    pub fn allows_cross_rates(&self) -> bool {
        self.cross_rates
    }

    /// True when amounts can be converted into `currency`: the base, or any
    /// currency once cross rates are allowed.
    pub(crate) fn converts_into(&self, currency: Currency) -> bool {
        currency == self.base || self.cross_rates
    }

    /// Converts `money` into `into` on `date`: exactly into the base; into
    /// another currency (when [cross rates](FxRates::with_cross_rates) are
    /// allowed) through the base, dividing by `into`'s rate. A quotient
    /// that is not exact is given as two bounds rounded outward, one unit
    /// of the 28th significant digit apart.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when `into` is not the base and cross rates
    /// are not allowed; the errors of [`FxRates::rate`] for either currency;
    /// [`Error::Overflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let on = parse_date("2025-09-01")?;
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
    ///     .with_rate(Currency::USD, on, parse_amount("0.8")?)?
    ///     .with_rate(Currency::GBP, on, parse_amount("1.2")?)?
    ///     .with_cross_rates(true);
    /// // Inverse: EUR 100 is USD 125.
    /// let usd = fx.convert_into(Money::parse("100", Currency::EUR)?, Currency::USD, on)?;
    /// assert_eq!((usd.low().to_string(), usd.is_exact()), ("USD 125".to_string(), true));
    /// // Cross: GBP 100 = EUR 120 = USD 150.
    /// let usd = fx.convert_into(Money::parse("100", Currency::GBP)?, Currency::USD, on)?;
    /// assert_eq!(usd.high().to_string(), "USD 150");
    /// // Not asked for: an error, not a silent inverse.
    /// let strict = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// assert!(strict.convert_into(Money::parse("1", Currency::EUR)?, Currency::USD, on).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn convert_into(
        &self,
        money: crate::money::Money,
        into: Currency,
        date: NaiveDate,
    ) -> Result<Converted> {
        if !self.converts_into(into) {
            return Err(Error::invalid(
                format!("converting {} into {into}", money.currency()),
                "currency",
                format!(
                    "the rates convert into {}; allow cross rates to convert into {into}",
                    self.base
                ),
            ));
        }
        let low = self.convert_bound(money.amount(), money.currency(), into, date, Toward::Down)?;
        let high = self.convert_bound(money.amount(), money.currency(), into, date, Toward::Up)?;
        Ok(Converted {
            low: crate::money::Money::new(low.0, into),
            high: crate::money::Money::new(high.0, into),
            rounded: low.1 || high.1,
        })
    }

    /// One bound of `amount` in `from` converted into `into` on `date`:
    /// exact into the base or between equal currencies, else through the
    /// base and rounded toward `toward`; `true` when rounded.
    pub(crate) fn convert_bound(
        &self,
        amount: Decimal,
        from: Currency,
        into: Currency,
        date: NaiveDate,
        toward: Toward,
    ) -> Result<(Decimal, bool)> {
        if from == into {
            return Ok((amount, false));
        }
        let in_base = self.convert_amount(amount, from, date)?;
        if into == self.base {
            return Ok((in_base, false));
        }
        let rate = self.rate(into, date)?;
        let (quotient, rounded) = exact::div(in_base, rate, toward).ok_or_else(|| {
            Error::overflow(format!(
                "converting {in_base} {} into {into} at {rate}",
                self.base
            ))
        })?;
        Ok((quotient.normalize(), rounded))
    }

    /// True when a rate for `currency` on exactly `date` is held (whatever
    /// the policy would find for that date).
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn has_rate_on(&self, currency: Currency, date: NaiveDate) -> bool {
        self.rates
            .get(&currency)
            .is_some_and(|dates| dates.contains_key(&date))
    }

    /// Adds or replaces the rate of `currency` on `date`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the rate is not positive, has more than 28
    /// decimal places, `currency` is the base, or `date` is outside
    /// `0000-01-01` to `9999-12-31` (the dates every file of rates can
    /// carry back, as a ledger's).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// fx.insert(Currency::USD, parse_date("2025-09-04")?, parse_amount("0.92")?)?;
    /// assert!(fx.insert(Currency::USD, parse_date("2025-09-04")?, parse_amount("-1")?).is_err());
    /// assert!(fx.insert(Currency::EUR, parse_date("2025-09-04")?, parse_amount("1")?).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn insert(&mut self, currency: Currency, date: NaiveDate, rate: Decimal) -> Result<()> {
        if currency == self.base {
            return Err(Error::invalid(
                format!("rate for {currency} on {date}"),
                "currency",
                "the base currency has no rate",
            ));
        }
        check_rate(currency, date, rate)?;
        self.rates.entry(currency).or_default().insert(date, rate);
        Ok(())
    }

    /// Adds a rate; the builder form of [`FxRates::insert`].
    ///
    /// # Errors
    ///
    /// As [`FxRates::insert`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
    ///     .with_rate(Currency::GBP, parse_date("2025-09-01")?, parse_amount("1.165")?)?;
    /// assert_eq!(fx.rate(Currency::GBP, parse_date("2025-09-01")?)?, parse_amount("1.165")?);
    /// assert!(fx.rate(Currency::GBP, parse_date("2025-09-02")?).is_err()); // on that date only
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn with_rate(
        mut self,
        currency: Currency,
        date: NaiveDate,
        rate: Decimal,
    ) -> Result<FxRates> {
        self.insert(currency, date, rate)?;
        Ok(self)
    }

    /// The rate of `currency` for `date` under the policy; 1 for the base.
    ///
    /// # Errors
    ///
    /// [`Error::MissingRate`] when no rate fits;
    /// [`Error::WithdrawnCurrency`] when `currency` or the base was withdrawn
    /// from ISO 4217 before `date`.
    ///
    /// ```
    /// use coalition_ledger::{Currency, Error, FxRates, RatePolicy, parse_amount, parse_date};
    ///
    /// let hrk = Currency::new("HRK")?;
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
    ///     .with_rate(hrk, parse_date("2022-07-12")?, parse_amount("0.13272280")?)?;
    /// assert_eq!(fx.rate(hrk, parse_date("2022-12-30")?)?, parse_amount("0.13272280")?);
    /// // After the kuna's withdrawal in January 2023 there is nothing to convert at.
    /// let err = fx.rate(hrk, parse_date("2023-03-01")?).unwrap_err();
    /// assert!(matches!(err, Error::WithdrawnCurrency { .. }));
    /// assert_eq!(err.to_string(), "cannot convert HRK on 2023-03-01: the currency was withdrawn after 2023-01-31");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rate(&self, currency: Currency, date: NaiveDate) -> Result<Decimal> {
        for c in [currency, self.base] {
            if let Some(withdrawn) = c.withdrawn_after().filter(|w| date > *w) {
                return Err(Error::WithdrawnCurrency {
                    currency: c.to_string(),
                    date,
                    withdrawn,
                });
            }
        }
        if currency == self.base {
            return Ok(Decimal::ONE);
        }
        let found = self
            .rates
            .get(&currency)
            .and_then(|by_date| match self.policy {
                RatePolicy::OnDate => by_date.get_key_value(&date),
                RatePolicy::LatestOnOrBefore => by_date.range(..=date).next_back(),
            });
        let Some((&rate_date, &rate)) = found else {
            return Err(Error::MissingRate {
                currency: currency.to_string(),
                base: self.base.to_string(),
                date,
            });
        };
        if let Some(max_age_days) = self.max_age_days {
            let age = date.signed_duration_since(rate_date).num_days();
            if age > i64::from(max_age_days) {
                return Err(Error::StaleRate {
                    currency: currency.to_string(),
                    date,
                    rate_date,
                    max_age_days,
                });
            }
        }
        Ok(rate)
    }

    /// Converts an amount into the base currency at the rate for `date`.
    ///
    /// The product keeps every digit while it fits 28 decimal places, the
    /// precision of [`Decimal`].
    ///
    /// # Errors
    ///
    /// [`Error::MissingRate`] when no rate fits, [`Error::Overflow`] when the
    /// result does not fit.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
    ///     .with_rate(Currency::GBP, parse_date("2025-09-01")?, parse_amount("1.165")?)?;
    /// let gbp = Money::parse("1000", Currency::GBP)?;
    /// assert_eq!(fx.convert(gbp, parse_date("2025-09-05")?)?.to_string(), "EUR 1,165");
    /// assert!(fx.convert(gbp, parse_date("2025-08-01")?).is_err()); // no earlier rate
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn convert(
        &self,
        money: crate::money::Money,
        date: NaiveDate,
    ) -> Result<crate::money::Money> {
        let amount = self.convert_amount(money.amount(), money.currency(), date)?;
        Ok(crate::money::Money::new(amount, self.base))
    }

    pub(crate) fn convert_amount(
        &self,
        amount: Decimal,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<Decimal> {
        let rate = self.rate(currency, date)?;
        if rate == Decimal::ONE {
            return Ok(amount);
        }
        // `normalize` drops the trailing zeros a product accumulates
        // (291250000.0000 becomes 291250000); the value is unchanged.
        crate::exact::mul(amount, rate).map(|p| p.normalize()).ok_or_else(|| {
            Error::overflow(format!(
                "converting {amount} {currency} into {} at {rate}: the exact product does not fit 28 significant digits",
                self.base
            ))
        })
    }

    /// Every currency that has at least one rate, with its dated rates.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
    ///     .with_rate(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)?;
    /// let rates: Vec<_> = fx.iter().collect();
    /// assert_eq!(rates, [(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Currency, NaiveDate, Decimal)> + '_ {
        self.rates
            .iter()
            .flat_map(|(c, by_date)| by_date.iter().map(move |(d, r)| (*c, *d, *r)))
    }
}

/// An amount converted into another currency: two bounds, equal unless a
/// division had to be rounded (outward: the exact value lies between them).
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let on = parse_date("2025-09-01")?;
/// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
///     .with_rate(Currency::USD, on, parse_amount("3")?)?
///     .with_cross_rates(true);
/// let third: Converted = fx.convert_into(Money::parse("1", Currency::EUR)?, Currency::USD, on)?;
/// assert!(!third.is_exact());
/// assert!(third.low().amount() < third.high().amount());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    low: crate::money::Money,
    high: crate::money::Money,
    rounded: bool,
}

impl Converted {
    pub(crate) fn from_bounds(
        low: crate::money::Money,
        high: crate::money::Money,
        rounded: bool,
    ) -> Converted {
        Converted { low, high, rounded }
    }

    /// The low bound (rounded down when inexact).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let same = fx.convert_into(Money::parse("5", Currency::EUR)?, Currency::EUR, parse_date("2025-01-01")?)?;
    /// assert_eq!(same.low().to_string(), "EUR 5");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn low(&self) -> crate::money::Money {
        self.low
    }

    /// The high bound (rounded up when inexact).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let same = fx.convert_into(Money::parse("5", Currency::EUR)?, Currency::EUR, parse_date("2025-01-01")?)?;
    /// assert_eq!(same.high(), same.low());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn high(&self) -> crate::money::Money {
        self.high
    }

    /// True when no division had to be rounded (the bounds are equal).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// assert!(fx.convert_into(Money::parse("5", Currency::EUR)?, Currency::EUR, parse_date("2025-01-01")?)?.is_exact());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_exact(&self) -> bool {
        !self.rounded
    }
}
