//! ISO 4217 codes that were withdrawn, with the month of their withdrawal.
//!
//! Dated data keeps naming them (Croatian figures before 2023 are in `HRK`,
//! euro-area figures before 2002 in national currencies), so such a code is
//! accepted as a [`Currency`](crate::Currency), and converting an amount in
//! it that is dated after its withdrawal is an error.
//!
//! The months are those of ISO 4217 list three (historic denominations) and
//! its amendments. Codes withdrawn in one country but still active elsewhere
//! (`EUR` in Serbia and Montenegro, for instance) are not listed: they stay
//! active. `BGN` and `ANG`, withdrawn in 2025–2026, are still accepted as
//! active until the published months are settled.

use chrono::NaiveDate;

/// `(code, year, month)`, sorted by code for binary search.
const WITHDRAWN: &[(&str, i32, u32)] = &[
    ("ADP", 2003, 7),  // Andorran peseta
    ("AFA", 2003, 1),  // Afghani (old)
    ("ATS", 2002, 3),  // Austrian schilling
    ("AZM", 2005, 12), // Azerbaijani manat (old)
    ("BEF", 2002, 3),  // Belgian franc
    ("BGL", 2003, 11), // Bulgarian lev (old)
    ("BYB", 2001, 1),  // Belarusian ruble (1992)
    ("BYR", 2017, 1),  // Belarusian ruble (2000)
    ("CSD", 2006, 10), // Serbian dinar (Serbia and Montenegro)
    ("CUC", 2021, 6),  // Cuban convertible peso
    ("CYP", 2008, 1),  // Cyprus pound
    ("DEM", 2002, 3),  // Deutsche Mark
    ("ECS", 2000, 9),  // Ecuadorian sucre
    ("EEK", 2011, 1),  // Estonian kroon
    ("ESP", 2002, 3),  // Spanish peseta
    ("FIM", 2002, 3),  // Finnish markka
    ("FRF", 2002, 3),  // French franc
    ("GHC", 2008, 1),  // Ghanaian cedi (old)
    ("GRD", 2002, 3),  // Greek drachma
    ("HRK", 2023, 1),  // Croatian kuna
    ("IEP", 2002, 3),  // Irish pound
    ("ITL", 2002, 3),  // Italian lira
    ("LTL", 2014, 12), // Lithuanian litas
    ("LUF", 2002, 3),  // Luxembourg franc
    ("LVL", 2014, 1),  // Latvian lats
    ("MGF", 2004, 12), // Malagasy franc
    ("MRO", 2017, 12), // Mauritanian ouguiya (old)
    ("MTL", 2008, 1),  // Maltese lira
    ("MZM", 2006, 6),  // Mozambican metical (old)
    ("NLG", 2002, 3),  // Dutch guilder
    ("PTE", 2002, 3),  // Portuguese escudo
    ("ROL", 2005, 6),  // Romanian leu (old)
    ("SDD", 2007, 7),  // Sudanese dinar
    ("SIT", 2007, 1),  // Slovenian tolar
    ("SKK", 2009, 1),  // Slovak koruna
    ("SLL", 2023, 12), // Sierra Leonean leone (old)
    ("SRG", 2003, 12), // Surinamese guilder
    ("STD", 2017, 12), // São Tomé and Príncipe dobra (old)
    ("TJR", 2001, 4),  // Tajik ruble
    ("TMM", 2009, 1),  // Turkmenistan manat (old)
    ("TRL", 2005, 12), // Turkish lira (old)
    ("VEB", 2008, 1),  // Venezuelan bolívar
    ("VEF", 2018, 8),  // Venezuelan bolívar fuerte
    ("XEU", 1999, 1),  // European Currency Unit
    ("YUM", 2003, 7),  // Yugoslav dinar
    ("ZMK", 2012, 12), // Zambian kwacha (old)
    ("ZRN", 1999, 6),  // Zairean new zaire
    ("ZWD", 2008, 8),  // Zimbabwe dollar (2006)
    ("ZWL", 2024, 9),  // Zimbabwe dollar (2009)
    ("ZWN", 2006, 9),  // Zimbabwe dollar (new, 2006)
    ("ZWR", 2009, 6),  // Zimbabwe dollar (2008)
];

/// Whether `code` is a withdrawn code.
pub(crate) fn is_withdrawn(code: &str) -> bool {
    WITHDRAWN.binary_search_by(|(c, ..)| c.cmp(&code)).is_ok()
}

/// The last day of the month in which `code` was withdrawn, or `None` for a
/// code that is not withdrawn.
pub(crate) fn last_day(code: &str) -> Option<NaiveDate> {
    let index = WITHDRAWN.binary_search_by(|(c, ..)| c.cmp(&code)).ok()?;
    let &(_, year, month) = WITHDRAWN.get(index)?;
    let (next_year, next_month) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month.checked_add(1)?)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// Every withdrawn code, sorted.
pub(crate) fn codes() -> impl Iterator<Item = &'static str> {
    WITHDRAWN.iter().map(|(code, ..)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_unique_and_dated() {
        assert!(WITHDRAWN.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, ..) in WITHDRAWN {
            assert!(last_day(code).is_some(), "{code}");
        }
        assert_eq!(last_day("HRK"), NaiveDate::from_ymd_opt(2023, 1, 31));
        assert_eq!(last_day("LTL"), NaiveDate::from_ymd_opt(2014, 12, 31));
        assert_eq!(last_day("EUR"), None);
    }
}
