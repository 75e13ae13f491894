//! [`Stamp`]: an entry's date and evidence in one 32-bit word.
//!
//! An `Option<PartialDate>` (8 bytes) and an [`Evidence`] beside an
//! entry's other fields made it 64 bytes; packed into 4, the entry takes
//! 56. A ledger keeps about three entries per pledge, so this is 24 bytes
//! per pledge of its memory, and of the fresh pages recording touches.

use chrono::{Datelike, NaiveDate};

use crate::dates::{DatePrecision, PartialDate};
use crate::lifecycle::Evidence;

/// The packed word. From the low bits up: the evidence (2 bits), the
/// precision or no date (2 bits: 0 undated, then day, month, year), the
/// day of the year of the effective date (9 bits) and its year counted
/// from the earliest year a `NaiveDate` holds (19 bits). The word lives
/// only in memory; files hold the date as text. Every
/// `NaiveDate` fits (see the tests), so every date an entry can carry has
/// a stamp; [`Stamp::new`] still says so rather than assume it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stamp(u32);

/// The earliest year a `NaiveDate` holds, which years are stored from:
/// read from `chrono`, whose range has changed between its versions (a
/// year a stamp cannot hold is kept beside it, see [`Stamp::new`]).
fn first_year() -> i32 {
    NaiveDate::MIN.year()
}

/// Bits of the word above the evidence and the precision.
const ORDINAL_SHIFT: u32 = 4;
const YEAR_SHIFT: u32 = 13;
/// A year, counted from [`first_year`], must fit the top 19 bits.
const YEARS: u32 = 1 << (32 - YEAR_SHIFT);

impl Stamp {
    /// The stamp of `date` and `evidence`, and the date when it does not
    /// fit in a stamp (none does, see the tests), for the caller to keep
    /// beside it.
    pub(super) fn new(
        date: Option<PartialDate>,
        evidence: Evidence,
    ) -> (Stamp, Option<PartialDate>) {
        let undated = Stamp(evidence_code(evidence));
        match date.and_then(|d| undated.dated(d)) {
            Some(stamp) => (stamp, None),
            None => (undated, date),
        }
    }

    /// This undated stamp with `date`, when it fits.
    fn dated(self, date: PartialDate) -> Option<Stamp> {
        let precision = match date.precision() {
            DatePrecision::Day => 1,
            DatePrecision::Month => 2,
            DatePrecision::Year => 3,
        };
        let end = date.effective();
        let year = u32::try_from(end.year().checked_sub(first_year())?).ok()?;
        if year >= YEARS {
            return None;
        }
        Some(Stamp(
            (year << YEAR_SHIFT) | (end.ordinal() << ORDINAL_SHIFT) | (precision << 2) | self.0,
        ))
    }

    /// The evidence.
    pub(crate) fn evidence(self) -> Evidence {
        match self.0 & 0b11 {
            0 => Evidence::Unconfirmed,
            1 => Evidence::Reported,
            _ => Evidence::Verified,
        }
    }

    /// The effective date (the last day of a month or a year), if dated.
    pub(crate) fn date(self) -> Option<NaiveDate> {
        if self.precision_code() == 0 {
            return None;
        }
        let year = first_year().checked_add(i32::try_from(self.0 >> YEAR_SHIFT).ok()?)?;
        NaiveDate::from_yo_opt(year, (self.0 >> ORDINAL_SHIFT) & 0x1ff)
    }

    /// The date as recorded, if dated.
    pub(crate) fn period(self) -> Option<PartialDate> {
        let precision = match self.precision_code() {
            1 => DatePrecision::Day,
            2 => DatePrecision::Month,
            3 => DatePrecision::Year,
            _ => return None,
        };
        self.date()
            .map(|end| PartialDate::from_stored(end, precision))
    }

    fn precision_code(self) -> u32 {
        (self.0 >> 2) & 0b11
    }
}

fn evidence_code(evidence: Evidence) -> u32 {
    match evidence {
        Evidence::Unconfirmed => 0,
        Evidence::Reported => 1,
        Evidence::Verified => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(date: Option<PartialDate>, evidence: Evidence) {
        let (stamp, aside) = Stamp::new(date, evidence);
        assert_eq!(aside, None, "{date:?} fits");
        assert_eq!(stamp.period(), date, "{date:?}");
        assert_eq!(stamp.evidence(), evidence);
        assert_eq!(stamp.date(), date.map(|d| d.effective()), "{date:?}");
    }

    #[test]
    fn every_date_and_evidence_comes_back_as_stamped() {
        let evidences = [
            Evidence::Unconfirmed,
            Evidence::Reported,
            Evidence::Verified,
        ];
        let days = [
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(2024, 2, 29).expect("a leap day"),
            NaiveDate::from_ymd_opt(2025, 12, 31).expect("a date"),
            NaiveDate::from_ymd_opt(0, 1, 1).expect("year 0"),
            NaiveDate::from_ymd_opt(-1, 12, 31).expect("1 BCE"),
        ];
        for evidence in evidences {
            round_trip(None, evidence);
            for day in days {
                round_trip(Some(PartialDate::day(day)), evidence);
                if let Ok(month) = PartialDate::month(day.year(), day.month()) {
                    round_trip(Some(month), evidence);
                }
                if let Ok(year) = PartialDate::year(day.year()) {
                    round_trip(Some(year), evidence);
                }
            }
        }
    }

    #[test]
    fn every_year_a_date_holds_fits() {
        let years = u32::try_from(NaiveDate::MAX.year() - first_year()).expect("positive");
        assert!(years < YEARS);
    }

    #[test]
    fn stamps_differ_when_dates_or_evidence_do() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 31).expect("a date");
        let month = PartialDate::month(2024, 3).expect("a month");
        let a = Stamp::new(Some(PartialDate::day(day)), Evidence::Reported).0;
        let b = Stamp::new(Some(month), Evidence::Reported).0;
        let c = Stamp::new(Some(month), Evidence::Verified).0;
        assert_ne!(a, b, "a day and the month it ends are different dates");
        assert_ne!(b, c);
        assert_ne!(Stamp::new(None, Evidence::Reported).0, a);
    }
}
