//! [`CheckOptions`]: the reference date, enabled codes, severities and
//! thresholds.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::report::{Code, Severity};
use crate::fx::FxRates;
use crate::ids::Category;
use crate::money::Money;

/// Options for [`Ledger::check`](crate::Ledger::check), built step by step.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let options = CheckOptions::new(parse_date("2025-12-31")?)
///     .disable(Code::MemberWithoutPledges)
///     .severity(Code::NoSource, Severity::Error)
///     .stale_after_days(90)
///     .min_unit_value(Category::new("air-defence")?, Money::parse("100000", Currency::EUR)?);
/// assert!(!options.is_enabled(Code::MemberWithoutPledges));
/// assert_eq!(options.severity_of(Code::NoSource), Severity::Error);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOptions {
    pub(crate) reference_date: NaiveDate,
    disabled: BTreeSet<Code>,
    severities: BTreeMap<Code, Severity>,
    pub(crate) stale_after_days: u32,
    pub(crate) min_unit_values: BTreeMap<Category, Money>,
    pub(crate) fx: Option<FxRates>,
    /// CL017/CL018: how far (in minor units of the currency) delivered may
    /// exceed pledged before it is reported.
    #[serde(default = "one_minor_unit")]
    pub(crate) over_delivery_minor_units: u64,
}

fn one_minor_unit() -> u64 {
    CheckOptions::DEFAULT_OVER_DELIVERY_MINOR_UNITS
}

impl CheckOptions {
    /// Default stale threshold, in days.
    pub const DEFAULT_STALE_AFTER_DAYS: u32 = 180;

    /// Default threshold of CL017 and CL018, in minor units of the
    /// currency: a cent (a yen for JPY, which has no minor unit), since
    /// exact sums of published data differ by fractions of a cent.
    pub const DEFAULT_OVER_DELIVERY_MINOR_UNITS: u64 = 1;

    /// Every code enabled at its default severity, checked against
    /// `reference_date` ("today" for the check).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?);
    /// assert!(Code::ALL.iter().all(|c| options.is_enabled(*c)));
    /// assert_eq!(options.severity_of(Code::NoSource), Code::NoSource.default_severity());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new(reference_date: NaiveDate) -> CheckOptions {
        CheckOptions {
            reference_date,
            disabled: BTreeSet::new(),
            severities: BTreeMap::new(),
            stale_after_days: Self::DEFAULT_STALE_AFTER_DAYS,
            min_unit_values: BTreeMap::new(),
            fx: None,
            over_delivery_minor_units: Self::DEFAULT_OVER_DELIVERY_MINOR_UNITS,
        }
    }

    /// Turns a code off.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).disable(Code::UndatedEntry);
    /// assert!(!options.is_enabled(Code::UndatedEntry));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn disable(mut self, code: Code) -> Self {
        self.disabled.insert(code);
        self
    }

    /// Turns a code back on.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?)
    ///     .disable(Code::UndatedEntry)
    ///     .enable(Code::UndatedEntry);
    /// assert!(options.is_enabled(Code::UndatedEntry));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn enable(mut self, code: Code) -> Self {
        self.disabled.remove(&code);
        self
    }

    /// Reports a code at another severity (raise a warning to an error, say).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).severity(Code::UndatedEntry, Severity::Warning);
    /// assert_eq!(options.severity_of(Code::UndatedEntry), Severity::Warning);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn severity(mut self, code: Code, severity: Severity) -> Self {
        self.severities.insert(code, severity);
        self
    }

    /// Days after which an announced pledge that never advanced is stale
    /// (CL007). Default 180.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).stale_after_days(30);
    /// let report = fixtures::paris_summit().check(&options);
    /// assert!(report.len() >= fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?)).len());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn stale_after_days(mut self, days: u32) -> Self {
        self.stale_after_days = days;
        self
    }

    /// The lowest plausible value of one unit of a category (CL009). A
    /// floor in another currency than a pledge's needs rates
    /// ([`CheckOptions::fx`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let floor = Money::parse("1000000", Currency::EUR)?;
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).min_unit_value(Category::new("air-defence")?, floor);
    /// assert!(options.is_enabled(Code::ImplausibleUnitValue));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn min_unit_value(mut self, category: Category, floor: Money) -> Self {
        self.min_unit_values.insert(category, floor);
        self
    }

    /// Exchange rates: enables CL005 and lets CL009 compare currencies.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).fx(fx);
    /// // With rates given, money without a usable rate is reported (CL005).
    /// assert!(options.is_enabled(Code::MissingRate));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn fx(mut self, rates: FxRates) -> Self {
        self.fx = Some(rates);
        self
    }

    /// How far delivered money may exceed pledged money for a member in a
    /// category (CL017) or of a kind (CL018) before it is reported, in minor
    /// units of the currency compared in (cents for EUR, yen for JPY).
    /// Default [`CheckOptions::DEFAULT_OVER_DELIVERY_MINOR_UNITS`]. Counts
    /// (personnel, units) are reported when delivered exceeds pledged at
    /// all.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// // Report only excesses of more than 1,000 euros.
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).over_delivery_threshold(100_000);
    /// assert_eq!(options.over_delivery_threshold_in(Currency::EUR), Decimal::from(1_000));
    /// assert_eq!(options.over_delivery_threshold_in(Currency::JPY), Decimal::from(100_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn over_delivery_threshold(mut self, minor_units: u64) -> Self {
        self.over_delivery_minor_units = minor_units;
        self
    }

    /// The CL017/CL018 threshold as an amount of `currency`.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    /// let options = CheckOptions::new(parse_date("2025-12-31")?);
    /// assert_eq!(options.over_delivery_threshold_in(Currency::EUR).to_string(), "0.01");
    /// assert_eq!(options.over_delivery_threshold_in(Currency::JPY).to_string(), "1");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn over_delivery_threshold_in(
        &self,
        currency: crate::money::Currency,
    ) -> rust_decimal::Decimal {
        let mut amount = rust_decimal::Decimal::from(self.over_delivery_minor_units);
        // A currency without minor units (or an unknown number) counts whole
        // units; a scale past 28 cannot be set and leaves the whole units.
        let _ = amount.set_scale(currency.minor_units().unwrap_or(0));
        amount
    }

    /// The reference date.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?);
    /// assert_eq!(options.reference_date(), parse_date("2025-12-31")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn reference_date(&self) -> NaiveDate {
        self.reference_date
    }

    /// True when the code is checked.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?).disable(Code::Stale);
    /// assert!(!options.is_enabled(Code::Stale));
    /// assert!(options.is_enabled(Code::NoSource));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_enabled(&self, code: Code) -> bool {
        !self.disabled.contains(&code)
    }

    /// The severity the code is reported at.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let options = CheckOptions::new(parse_date("2025-12-31")?);
    /// assert_eq!(options.severity_of(Code::DependencyCycle), Severity::Error);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn severity_of(&self, code: Code) -> Severity {
        self.severities
            .get(&code)
            .copied()
            .unwrap_or(code.default_severity())
    }
}
