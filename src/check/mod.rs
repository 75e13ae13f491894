//! Checking a whole ledger: [`Ledger::check`] finds what is allowed but
//! suspicious, the way IATI's validator or `bean-check` do.
//!
//! Per-entry validation rejects what is impossible; a check looks at the
//! ledger as a whole and reports [`Diagnostic`]s, each with a stable
//! [`Code`], a [`Severity`], a [`Subject`] and a message. "Today" is never
//! read from the clock: [`CheckOptions`] carries the reference date.
//!
//! | code | default | what it finds | example message |
//! |---|---|---|---|
//! | CL001 | warning | a pledge without any source | `pledge FRA-1: no source cited` |
//! | CL002 | warning | a pledge at `Committed` or later whose best evidence is `Unconfirmed` | `pledge FRA-1: committed but only ever unconfirmed` |
//! | CL003 | warning | a pledge conditional on a backstop by a member with no backstop pledge (withdrawn and voided ones aside) | `pledge FRA-1: conditional on a backstop by USA, which has no backstop pledge` |
//! | CL004 | error | a cycle of `DependsOn` and `Backstop` conditions (from a version-1 file) | `pledge A: dependency cycle A -> B -> A` |
//! | CL005 | warning | money in a currency with no usable rate for its date, the pledge's or a delivery's (when rates are given) | `pledge GBR-1: no exchange rate for GBP on 2025-02-01 into EUR`; `pledge GBR-1: the delivery of 2025-10-15 (entry 9): no exchange rate for GBP on 2025-10-15 into EUR` |
//! | CL006 | warning | delivered exceeds the pledged upper bound (adjustments aside: CL016) | `pledge DEU-mil-17: delivered EUR 61,900,000 exceeds pledged EUR 50,000,000` |
//! | CL007 | info | announced (or considered) long before the reference date and never advanced | `pledge FRA-1: announced 2024-01-01, 400 days before 2025-02-04, and never advanced` |
//! | CL008 | warning | a probable duplicate: same member, kind, category, currency, size and value bounds, date (and its precision), stage, delivered amount and adjustment basis as another pledge; sources and evidence are not compared, so one fact reported by two sources is found | `pledge FRA-2: same member, kind, category, size, date, stage and delivered amount as FRA-1` |
//! | CL009 | warning | equipment whose value per unit is below the category's plausible floor | `pledge DEU-ad: at most about EUR 263 per unit of air-defence, below the floor of EUR 100,000` |
//! | CL010 | warning | an entry dated after the reference date | `entry 17: dated 2026-01-01, after the reference date 2025-12-31` |
//! | CL011 | info | a member with no pledges but voided ones (beneficiaries aside) | `member ISL: no pledges`; `member DNK: no pledges (only voided ones)` |
//! | CL012 | info | an entry dated before an earlier entry | `entry 9: dated 2025-01-01, before entry 8 (2025-03-01)` |
//! | CL013 | info | an undated pledge entry | `entry 12: undated advance of pledge FRA-1` |
//! | CL014 | warning | a condition that can no longer hold: it depends on a withdrawn or voided pledge | `pledge FRA-2: depends on FRA-1, which is withdrawn` |
//! | CL015 | warning | an entry accepted under an older format version's rules that the current rules refuse | `entry 12: accepted under the rules of format version 1; the current rules refuse it: ...` |
//! | CL016 | info | an adjustment, not voided: a change to a member's total that names no pledge | `pledge DEU-fix: adjusts the pledged total of DEU in `military` by EUR -61,970,000, naming no pledge` |
//! | CL017 | warning | a member delivered more money than it pledged in a category, by more than the threshold (a cent by default, see [`CheckOptions::over_delivery_threshold`]); adjustments count on their basis; without rates each currency is compared on its own, with rates sums across currencies use them | `member DEU: delivered EUR 120,000,000 exceeds pledged EUR 100,000,000 in category `military` by EUR 20,000,000` |
//! | CL018 | warning | a member delivered more than it pledged of a kind: money as CL017, personnel and units when delivered exceeds pledged at all | `member DEU: delivered EUR 120,000,000 exceeds pledged EUR 100,000,000 in funding by EUR 20,000,000` |
//! | CL019 | info | a pledge we voided as recorded in error (kept in the history, counted nowhere) | `pledge DEU-7: voided: imported twice` |
//!
//! # Example
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-09-30")?));
//! assert!(!report.has_errors());
//! // The US backstop entry is undated in the report it comes from.
//! assert!(report.iter().any(|d| d.code() == Code::UndatedEntry));
//! for diagnostic in report.iter().filter(|d| d.severity() >= Severity::Warning) {
//!     println!("{diagnostic}");
//! }
//! # Ok::<(), coalition_ledger::Error>(())
//! ```

mod members;
mod options;
mod report;
mod rules;

pub use options::CheckOptions;
pub use report::{Code, Diagnostic, Report, Severity, Subject};

use crate::ledger::Ledger;

impl Ledger {
    /// Checks the whole ledger and reports what is suspicious.
    ///
    /// Every rule is linear or `n log n` in the number of pledges,
    /// conditions and entries; the report is sorted (by code, then subject, then message)
    /// so the same ledger always gives the same report. A report lists at
    /// most [`MAX_DIAGNOSTICS_PER_CODE`](crate::limits::MAX_DIAGNOSTICS_PER_CODE)
    /// diagnostics of each code and counts the rest ([`Report::omitted`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let report = ledger.check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// println!("{report}");
    /// assert_eq!(report.len(), report.iter().count());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn check(&self, options: &CheckOptions) -> Report {
        let mut diagnostics = Vec::new();
        let mut omitted = std::collections::BTreeMap::new();
        rules::run_all(self, options, &mut diagnostics, &mut omitted);
        Report::new(diagnostics).with_omitted(omitted)
    }
}

#[cfg(test)]
mod version1_tests;
