//! Strict `YYYY-MM-DD` dates for every input format.
//!
//! chrono's own parser accepts `2024-2-3`; interchange files must not, so that
//! one date has exactly one spelling and files round-trip byte for byte.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

use crate::error::{Error, Result};
use crate::spelling::from_str_with;

/// Parses a date written exactly as `YYYY-MM-DD`.
///
/// # Errors
///
/// [`Error::InvalidValue`] naming the text when it is not ten characters of
/// the form `YYYY-MM-DD` or is not a calendar date.
///
/// # Example
///
/// ```
/// use coalition_ledger::parse_date;
/// assert!(parse_date("2025-09-04").is_ok());
/// assert!(parse_date("2025-9-4").is_err());
/// assert!(parse_date("2025-02-30").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    parse_strict(text).ok_or_else(|| {
        Error::invalid(
            format!("`{}`", text.escape_debug()),
            "date",
            "expected a calendar date written YYYY-MM-DD",
        )
    })
}

/// Parses a year as the files beside a ledger write it (deflators and
/// member attributes), as `i32`'s `Display` writes it: digits without
/// leading zeros or a `+` (`2025`, `0`), so that one year has one spelling.
/// Its range is checked where it is used.
pub(crate) fn parse_year(text: &str) -> Result<i32> {
    text.parse::<i32>()
        .ok()
        .filter(|year| year.to_string() == text)
        .ok_or_else(|| {
            Error::invalid(
                format!("`{}`", text.escape_debug()),
                "year",
                "expected a year written in digits without leading zeros, such as 2025",
            )
        })
}

fn parse_strict(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year = digits(bytes.get(0..4)?)?;
    let month = digits(bytes.get(5..7)?)?;
    let day = digits(bytes.get(8..10)?)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?
                .checked_add(char::from(b).to_digit(10)?)
        } else {
            None
        }
    })
}

/// Writes a date as `YYYY-MM-DD` into `out` without allocating.
pub(crate) fn write_date(out: &mut String, date: NaiveDate) {
    use std::fmt::Write;
    // Years outside 0..=9999 cannot be read back strictly; they are rejected
    // on input, so every stored date fits four digits.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    );
}

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn format_date(date: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    write_date(&mut out, date);
    out
}

/// How precisely an entry's date is known: to the day, the month or the
/// year.
///
/// Published trackers often give only a month or a year. A date known to a
/// month or a year takes effect at the **end** of its period: `2024-03` is
/// counted by `as_of(2024-03-31)` and left out by `as_of(2024-03-15)`, and
/// money dated `2024` converts at the rate of `2024-12-31`.
///
/// ```
/// use coalition_ledger::DatePrecision;
/// assert_eq!("month".parse::<DatePrecision>()?, DatePrecision::Month);
/// assert_eq!(DatePrecision::default(), DatePrecision::Day);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum DatePrecision {
    /// A calendar date, `YYYY-MM-DD`.
    #[default]
    Day,
    /// A month, `YYYY-MM`: the day is unknown.
    Month,
    /// A year, `YYYY`: the month and day are unknown.
    Year,
}

crate::spelling::spelled!(DatePrecision, "date precision", {
    Day => "day",
    Month => "month",
    Year => "year",
});

/// A date known to the day, the month or the year: `2024-03-15`, `2024-03`
/// or `2024`, with one spelling in JSON, CSV and the journal.
///
/// It takes effect at the end of its period ([`PartialDate::effective`]):
/// that is the date `as_of`, currency conversion, the `Year`/`Month`
/// dimensions and the checks see. See [`DatePrecision`].
///
/// # Example
///
/// ```
/// use coalition_ledger::{DatePrecision, PartialDate, parse_date};
///
/// let march: PartialDate = "2024-03".parse()?;
/// assert_eq!(march.precision(), DatePrecision::Month);
/// assert_eq!(march.effective(), parse_date("2024-03-31")?);
/// assert_eq!(march.first_day(), parse_date("2024-03-01")?);
/// assert_eq!(march.to_string(), "2024-03");
/// assert_eq!("2024".parse::<PartialDate>()?.effective(), parse_date("2024-12-31")?);
/// assert!("2024-3".parse::<PartialDate>().is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The last day of the period (the date itself for a day).
    end: NaiveDate,
    precision: DatePrecision,
}

impl PartialDate {
    /// A date known to the day.
    ///
    /// ```
    /// use coalition_ledger::{PartialDate, parse_date};
    /// let day = PartialDate::day(parse_date("2024-03-15")?);
    /// assert_eq!(day.effective(), parse_date("2024-03-15")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn day(date: NaiveDate) -> PartialDate {
        PartialDate {
            end: date,
            precision: DatePrecision::Day,
        }
    }

    /// A date known to the month.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a month outside 1–12 or a year outside
    /// 0–9999.
    ///
    /// ```
    /// use coalition_ledger::{PartialDate, parse_date};
    /// assert_eq!(PartialDate::month(2024, 2)?.effective(), parse_date("2024-02-29")?);
    /// assert!(PartialDate::month(2024, 13).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn month(year: i32, month: u32) -> Result<PartialDate> {
        let (next_year, next_month) = if month == 12 {
            (year.checked_add(1), 1)
        } else {
            (Some(year), month.saturating_add(1))
        };
        let end = (1..=12)
            .contains(&month)
            .then_some(())
            .and(next_year)
            .filter(|_| (0..=9999).contains(&year))
            .and_then(|y| NaiveDate::from_ymd_opt(y, next_month, 1))
            .and_then(|d| d.pred_opt())
            .ok_or_else(|| bad_partial(&format!("{year:04}-{month:02}")))?;
        Ok(PartialDate {
            end,
            precision: DatePrecision::Month,
        })
    }

    /// A date known to the year.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a year outside 0–9999.
    ///
    /// ```
    /// use coalition_ledger::{PartialDate, parse_date};
    /// assert_eq!(PartialDate::year(2023)?.effective(), parse_date("2023-12-31")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn year(year: i32) -> Result<PartialDate> {
        let end = (0..=9999)
            .contains(&year)
            .then(|| NaiveDate::from_ymd_opt(year, 12, 31))
            .flatten()
            .ok_or_else(|| bad_partial(&year.to_string()))?;
        Ok(PartialDate {
            end,
            precision: DatePrecision::Year,
        })
    }

    /// A partial date as it was stored: `end` is the last day of its
    /// period, as the effective date of the date that was stored is.
    pub(crate) const fn from_stored(end: NaiveDate, precision: DatePrecision) -> PartialDate {
        PartialDate { end, precision }
    }

    /// Rebuilds a partial date from its effective date and precision (the
    /// period that `effective` falls in).
    pub(crate) fn from_effective(date: NaiveDate, precision: DatePrecision) -> PartialDate {
        let made = match precision {
            DatePrecision::Day => Ok(PartialDate::day(date)),
            DatePrecision::Month => PartialDate::month(date.year(), date.month()),
            DatePrecision::Year => PartialDate::year(date.year()),
        };
        made.unwrap_or(PartialDate::day(date))
    }

    /// How precisely the date is known.
    ///
    /// ```
    /// use coalition_ledger::{DatePrecision, PartialDate};
    /// assert_eq!("2024".parse::<PartialDate>()?.precision(), DatePrecision::Year);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn precision(&self) -> DatePrecision {
        self.precision
    }

    /// The date it takes effect: the last day of its period.
    ///
    /// ```
    /// use coalition_ledger::{PartialDate, parse_date};
    /// assert_eq!("2023-11".parse::<PartialDate>()?.effective(), parse_date("2023-11-30")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn effective(&self) -> NaiveDate {
        self.end
    }

    /// The first day of its period.
    ///
    /// ```
    /// use coalition_ledger::{PartialDate, parse_date};
    /// assert_eq!("2023".parse::<PartialDate>()?.first_day(), parse_date("2023-01-01")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn first_day(&self) -> NaiveDate {
        let first = match self.precision {
            DatePrecision::Day => Some(self.end),
            DatePrecision::Month => self.end.with_day(1),
            DatePrecision::Year => NaiveDate::from_ymd_opt(self.end.year(), 1, 1),
        };
        first.unwrap_or(self.end)
    }

    /// True when `date` falls inside the period but before its end: the
    /// entry has not taken effect yet although its period has begun.
    ///
    /// ```
    /// use coalition_ledger::{PartialDate, parse_date};
    /// let march: PartialDate = "2024-03".parse()?;
    /// assert!(march.is_pending_on(parse_date("2024-03-15")?));
    /// assert!(!march.is_pending_on(parse_date("2024-03-31")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_pending_on(&self, date: NaiveDate) -> bool {
        self.first_day() <= date && date < self.end
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m) = (self.end.year(), self.end.month());
        match self.precision {
            DatePrecision::Day => f.pad(&format_date(self.end)),
            DatePrecision::Month => f.pad(&format!("{y:04}-{m:02}")),
            DatePrecision::Year => f.pad(&format!("{y:04}")),
        }
    }
}

impl std::str::FromStr for PartialDate {
    type Err = Error;

    /// Reads `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, digits only.
    fn from_str(text: &str) -> Result<PartialDate> {
        let bytes = text.as_bytes();
        let year = || digits(bytes.get(0..4)?).and_then(|y| i32::try_from(y).ok());
        match bytes.len() {
            10 => parse_date(text).map(PartialDate::day),
            7 if bytes.get(4) == Some(&b'-') => match (year(), bytes.get(5..7).and_then(digits)) {
                (Some(y), Some(m)) => PartialDate::month(y, m),
                _ => Err(bad_partial(text)),
            },
            4 => year().map_or_else(|| Err(bad_partial(text)), PartialDate::year),
            _ => Err(bad_partial(text)),
        }
    }
}

#[cold]
fn bad_partial(text: &str) -> Error {
    Error::invalid(
        format!("`{}`", text.escape_debug()),
        "date",
        "expected a date written YYYY-MM-DD, YYYY-MM or YYYY",
    )
}

impl serde::Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PartialDate, D::Error> {
        from_str_with(d, "a date written YYYY-MM-DD, YYYY-MM or YYYY", str::parse)
    }
}

/// Serde adapter for an optional strict `NaiveDate`.
pub(crate) mod strict_option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        date: &Option<NaiveDate>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => s.serialize_some(&format_date(*date)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        struct Date(NaiveDate);
        impl<'de> Deserialize<'de> for Date {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
                from_str_with(d, "a date written YYYY-MM-DD", parse_date).map(Date)
            }
        }
        Ok(<Option<Date>>::deserialize(d)?.map(|date| date.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_every_loose_spelling() {
        for bad in [
            "2024-2-3",
            "2024-02-3",
            "24-02-03",
            "2024/02/03",
            "2024-02-03 ",
            "+024-02-03",
            "2024-13-01",
            "２０２４-02-03",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_date("2024-02-29").ok(),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(format_date(parse_date("0001-01-01").unwrap()), "0001-01-01");
    }
}
