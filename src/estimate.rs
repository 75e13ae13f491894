//! [`Estimate`]: a quantity that may be exact, a range, a floor, or unknown.
//!
//! Reports say "5,000 troops", "between 10,000 and 20,000", "at least 1,000",
//! or "thousands". Storing all of them as one number would lie; an
//! `Estimate` keeps what was said, and totals carry low and high bounds.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;

/// A quantity as precisely as it is known.
///
/// `Range` must have `low <= high`; the ledger rejects a pledge whose range
/// is reversed. `Unspecified` is counted separately in totals, never as zero.
///
/// # Example
///
/// ```
/// use coalition_ledger::Estimate;
///
/// let troops = Estimate::range(10_000_u64, 20_000)?;
/// assert_eq!(troops.low(), Some(10_000));
/// assert_eq!(troops.high(), Some(20_000));
/// assert_eq!(Estimate::AtLeast(1_000_u64).high(), None);
/// assert!(Estimate::range(5_u64, 3).is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Estimate<T> {
    /// Known exactly.
    Exact(T),
    /// Somewhere between `low` and `high`, both included.
    Range {
        /// Lower bound.
        low: T,
        /// Upper bound, not below `low`.
        high: T,
    },
    /// No less than the value; no upper bound is known.
    AtLeast(T),
    /// Announced without any figure.
    Unspecified,
}

impl<T: Copy + PartialOrd> Estimate<T> {
    /// A validated range.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when `low > high` or the two cannot be
    /// compared (money in different currencies).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Estimate::range(2_000, 5_000)?.high(), Some(5_000));
    /// assert!(Estimate::range(5_000, 2_000).is_err()); // low above high
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn range(low: T, high: T) -> Result<Estimate<T>> {
        match low.partial_cmp(&high) {
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal) => {
                Ok(Estimate::Range { low, high })
            }
            _ => Err(Error::invalid(
                "estimate",
                "range",
                "the low bound must not exceed the high bound and both must share a unit",
            )),
        }
    }
}

impl<T: Copy> Estimate<T> {
    /// The lower bound, if any figure is known.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Estimate::range(2_000, 5_000)?.low(), Some(2_000));
    /// assert_eq!(Estimate::AtLeast(3_000).low(), Some(3_000));
    /// assert_eq!(Estimate::<u64>::Unspecified.low(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn low(&self) -> Option<T> {
        match *self {
            Estimate::Exact(v) | Estimate::AtLeast(v) | Estimate::Range { low: v, .. } => Some(v),
            Estimate::Unspecified => None,
        }
    }

    /// The upper bound; `None` when open-ended or unspecified.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Estimate::Exact(100).high(), Some(100));
    /// assert_eq!(Estimate::AtLeast(3_000).high(), None); // no upper bound
    /// ```
    pub fn high(&self) -> Option<T> {
        match *self {
            Estimate::Exact(v) | Estimate::Range { high: v, .. } => Some(v),
            Estimate::AtLeast(_) | Estimate::Unspecified => None,
        }
    }

    /// True for [`Estimate::Unspecified`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Estimate::<u64>::Unspecified.is_unspecified());
    /// assert!(!Estimate::Exact(0).is_unspecified()); // zero is known, not unknown
    /// ```
    pub fn is_unspecified(&self) -> bool {
        matches!(self, Estimate::Unspecified)
    }

    /// Applies `f` to every bound.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let troops = Estimate::range(2_000u64, 5_000)?;
    /// assert_eq!(troops.map(|n| n * 2), Estimate::range(4_000, 10_000)?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Estimate<U> {
        match self {
            Estimate::Exact(v) => Estimate::Exact(f(v)),
            Estimate::Range { low, high } => Estimate::Range {
                low: f(low),
                high: f(high),
            },
            Estimate::AtLeast(v) => Estimate::AtLeast(f(v)),
            Estimate::Unspecified => Estimate::Unspecified,
        }
    }
}

impl fmt::Display for Estimate<u64> {
    /// `5,000`, `2,000–5,000`, `≥ 3,000` or `unspecified`: counts grouped in
    /// thousands, as every count and amount the crate shows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: u64| crate::money::group_thousands(Decimal::from(v));
        write_estimate(f, self.map_ref(show))
    }
}

impl fmt::Display for Estimate<Money> {
    /// `EUR 1,200,000,000–EUR 1,600,000,000`, `≥ GBP 250,000,000`, ...: each
    /// amount as [`Money`] shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_estimate(f, self.map_ref(|m| m.to_string()))
    }
}

impl<T: Copy> Estimate<T> {
    fn map_ref(&self, show: impl Fn(T) -> String) -> Estimate<String> {
        match *self {
            Estimate::Exact(v) => Estimate::Exact(show(v)),
            Estimate::Range { low, high } => Estimate::Range {
                low: show(low),
                high: show(high),
            },
            Estimate::AtLeast(v) => Estimate::AtLeast(show(v)),
            Estimate::Unspecified => Estimate::Unspecified,
        }
    }
}

fn write_estimate(f: &mut fmt::Formatter<'_>, shown: Estimate<String>) -> fmt::Result {
    match shown {
        Estimate::Exact(v) => f.write_str(&v),
        Estimate::Range { low, high } => write!(f, "{low}–{high}"),
        Estimate::AtLeast(v) => write!(f, "≥ {v}"),
        Estimate::Unspecified => f.write_str("unspecified"),
    }
}

/// The decimal bounds of an estimate, the form totals are computed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub(crate) low: Decimal,
    /// `None` when open-ended.
    pub(crate) high: Option<Decimal>,
    pub(crate) unspecified: bool,
    /// A bound was rounded outward (after a division).
    pub(crate) rounded: bool,
}

impl Bounds {
    pub(crate) const UNSPECIFIED: Bounds = Bounds {
        low: Decimal::ZERO,
        high: Some(Decimal::ZERO),
        unspecified: true,
        rounded: false,
    };
}

/// A quantity that an estimate can hold: a count or an amount of money.
trait Quantity: Copy {
    fn to_decimal(self) -> Decimal;
}

impl Quantity for u64 {
    fn to_decimal(self) -> Decimal {
        Decimal::from(self)
    }
}

impl Quantity for Money {
    fn to_decimal(self) -> Decimal {
        self.amount()
    }
}

impl Estimate<u64> {
    pub(crate) fn bounds(&self) -> Bounds {
        bounds_of(self)
    }
}

impl Estimate<Money> {
    pub(crate) fn bounds(&self) -> Bounds {
        bounds_of(self)
    }
}

fn bounds_of<T: Quantity>(estimate: &Estimate<T>) -> Bounds {
    match *estimate {
        Estimate::Exact(v) => {
            let v = v.to_decimal();
            Bounds {
                low: v,
                high: Some(v),
                unspecified: false,
                rounded: false,
            }
        }
        Estimate::Range { low, high } => Bounds {
            low: low.to_decimal(),
            high: Some(high.to_decimal()),
            unspecified: false,
            rounded: false,
        },
        Estimate::AtLeast(v) => Bounds {
            low: v.to_decimal(),
            high: None,
            unspecified: false,
            rounded: false,
        },
        Estimate::Unspecified => Bounds::UNSPECIFIED,
    }
}

impl Estimate<Money> {
    /// The currency of a money estimate (`None` when unspecified), after
    /// checking that both bounds of a range share it.
    pub(crate) fn currency(&self) -> Result<Option<crate::money::Currency>> {
        match *self {
            Estimate::Range { low, high } if low.currency() != high.currency() => {
                Err(Error::invalid(
                    "estimate",
                    "currency",
                    format!("range mixes {} and {}", low.currency(), high.currency()),
                ))
            }
            _ => Ok(self.low().map(|m| m.currency())),
        }
    }
}
