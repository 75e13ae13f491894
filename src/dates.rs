//! Strict `YYYY-MM-DD` dates for every input format.
//!
//! chrono's own parser accepts `2024-2-3`; interchange files must not, so that
//! one date has exactly one spelling and files round-trip byte for byte.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

use crate::error::{Error, Result};

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

/// Deserializes a string without copying it when the input allows, and
/// converts it with `f`: ids, dates and currency codes are parsed straight
/// from the input buffer.
pub(crate) fn from_str_with<'de, D, T, E>(
    d: D,
    expecting: &'static str,
    f: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: std::fmt::Display,
{
    struct Visitor<F>(F, &'static str);
    impl<T, E: std::fmt::Display, F: FnOnce(&str) -> Result<T, E>> serde::de::Visitor<'_>
        for Visitor<F>
    {
        type Value = T;
        fn expecting(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            out.write_str(self.1)
        }
        fn visit_str<X: serde::de::Error>(self, text: &str) -> Result<T, X> {
            (self.0)(text).map_err(X::custom)
        }
    }
    d.deserialize_str(Visitor(f, expecting))
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
