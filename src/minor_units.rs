//! ISO 4217 minor units: how many decimal places a currency's amounts are
//! shown with, and the rounding `Display` applies to them.
//!
//! Amounts below the minor unit are allowed everywhere in the API, JSON and
//! CSV (a prorated value, a converted amount or a unit value needs them) and
//! are kept exactly; only text meant for people rounds them.

use rust_decimal::{Decimal, RoundingStrategy};

/// Codes whose minor unit is 0 decimal places (ISO 4217, current and the
/// historical codes the crate accepts); sorted for binary search.
const ZERO: [&str; 22] = [
    "BIF", "BYB", "CLP", "DJF", "ESP", "GNF", "GRD", "ISK", "ITL", "JPY", "KMF", "KRW", "LUF",
    "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
];

/// Codes with 3 decimal places.
const THREE: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Codes with 4 decimal places.
const FOUR: [&str; 2] = ["CLF", "UYW"];

/// Codes with no minor unit at all (metals, units of account, testing):
/// their amounts are shown exactly.
const NONE: [&str; 13] = [
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
];

/// Decimal places of a code's minor unit; `None` when it has none.
pub(crate) fn of(code: &str) -> Option<u32> {
    if NONE.binary_search(&code).is_ok() {
        None
    } else if ZERO.binary_search(&code).is_ok() {
        Some(0)
    } else if THREE.binary_search(&code).is_ok() {
        Some(3)
    } else if FOUR.binary_search(&code).is_ok() {
        Some(4)
    } else {
        Some(2)
    }
}

/// Which way a shown amount is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// To the nearest minor unit (half away from zero): a single amount.
    Nearest,
    /// Down: the low bound of a range.
    Low,
    /// Up: the high bound of a range.
    High,
    /// Not rounded: padded to the minor unit (`116.50`), never cut to it
    /// (`0.001`). A value the caller gave, such as a [`Money`](crate::Money).
    Every,
}

/// `value` rounded to `places` for display; a whole amount loses its
/// fraction (`61,900,000`), any other keeps every minor digit (`116.50`).
pub(crate) fn round(value: Decimal, places: Option<u32>, shown: Shown) -> Decimal {
    let Some(places) = places else {
        return value;
    };
    let strategy = match shown {
        Shown::Nearest => RoundingStrategy::MidpointAwayFromZero,
        Shown::Low => RoundingStrategy::ToNegativeInfinity,
        Shown::High => RoundingStrategy::ToPositiveInfinity,
        Shown::Every => {
            let value = value.normalize();
            if value.scale() > places {
                return value;
            }
            // Fewer places than the minor unit: padded below, which
            // rounding to as many places does without changing the value.
            RoundingStrategy::MidpointAwayFromZero
        }
    };
    let mut rounded = value.round_dp_with_strategy(places, strategy);
    if rounded.fract().is_zero() {
        rounded = rounded.trunc();
    } else {
        rounded.rescale(places);
    }
    rounded
}

/// True when `value` is shown as another number: rounded to its minor
/// unit, it changed.
pub(crate) fn is_rounded(value: Decimal, places: Option<u32>, shown: Shown) -> bool {
    round(value, places, shown) != value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted() {
        for table in [&ZERO[..], &THREE[..], &FOUR[..], &NONE[..]] {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "{table:?}");
        }
    }

    #[test]
    fn rounds_each_way() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        assert_eq!(round(d("12.345"), Some(0), Shown::Nearest), d("12"));
        assert_eq!(round(d("12.5"), Some(0), Shown::Nearest), d("13"));
        assert_eq!(
            round(d("12.341"), Some(2), Shown::High).to_string(),
            "12.35"
        );
        assert_eq!(round(d("12.349"), Some(2), Shown::Low).to_string(), "12.34");
        assert_eq!(
            round(d("116.5"), Some(2), Shown::Nearest).to_string(),
            "116.50"
        );
        assert_eq!(
            round(d("61900000.00"), Some(2), Shown::Nearest).to_string(),
            "61900000"
        );
        assert_eq!(round(d("0.125"), None, Shown::Nearest), d("0.125"));
        assert_eq!(
            round(d("0.0010"), Some(2), Shown::Every).to_string(),
            "0.001"
        );
        assert_eq!(
            round(d("116.5"), Some(2), Shown::Every).to_string(),
            "116.50"
        );
        assert_eq!(round(d("7.000"), Some(2), Shown::Every).to_string(), "7");
        assert!(is_rounded(d("0.001"), Some(2), Shown::Nearest));
        assert!(!is_rounded(d("116.5"), Some(2), Shown::Nearest));
        assert!(!is_rounded(d("0.001"), Some(2), Shown::Every));
    }
}
