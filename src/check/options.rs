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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOptions {
    pub(crate) reference_date: NaiveDate,
    disabled: BTreeSet<Code>,
    severities: BTreeMap<Code, Severity>,
    pub(crate) stale_after_days: u32,
    pub(crate) min_unit_values: BTreeMap<Category, Money>,
    pub(crate) fx: Option<FxRates>,
}

impl CheckOptions {
    /// Default stale threshold, in days.
    pub const DEFAULT_STALE_AFTER_DAYS: u32 = 180;

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
