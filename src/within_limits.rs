//! Checks of a value against the [`limits`](crate::limits): the error names
//! the subject and the field, so that a caller can tell which value of
//! which entry broke which limit.

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};
use crate::limits::{EARLIEST_DATE, LATEST_DATE};

/// Checks that a date has a four-digit year, so that every reader of every
/// format accepts it back.
pub(crate) fn check_date(
    subject: impl FnOnce() -> String,
    field: &'static str,
    date: NaiveDate,
) -> Result<()> {
    if (EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        return Ok(());
    }
    Err(Error::invalid(
        subject(),
        field,
        format!("{date} is outside {EARLIEST_DATE} to {LATEST_DATE}"),
    ))
}

/// Checks that a year is one a four-digit date can carry (0 to 9999), as
/// [`check_date`] checks a date: a deflator or attribute of another year
/// could never meet an entry's date.
pub(crate) fn check_year(subject: impl FnOnce() -> String, year: i32) -> Result<()> {
    let (earliest, latest) = (EARLIEST_DATE.year(), LATEST_DATE.year());
    if (earliest..=latest).contains(&year) {
        return Ok(());
    }
    Err(Error::invalid(
        subject(),
        "year",
        format!("{year} is outside {earliest} to {latest}"),
    ))
}

/// Checks the length of a text field, in characters.
pub(crate) fn check_text(
    subject: impl FnOnce() -> String,
    field: &'static str,
    text: &str,
    max_chars: usize,
) -> Result<()> {
    // Byte length bounds the character count from above: a cheap first test.
    if text.len() <= max_chars {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(Error::invalid(
            subject(),
            field,
            format!("{chars} characters, the limit is {max_chars}"),
        ));
    }
    Ok(())
}
