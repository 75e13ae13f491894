//! [`Report`], [`Diagnostic`], [`Code`], [`Severity`] and [`Subject`].

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{MemberId, PledgeId, SourceId};

/// How serious a diagnostic is. Ordered `Info < Warning < Error`.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
/// assert_eq!("warning".parse::<Severity>()?, Severity::Warning);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably wrong.
    Warning,
    /// Wrong: totals cannot be trusted.
    Error,
}

crate::spelling::spelled!(Severity, "severity", {
    Info => "info",
    Warning => "warning",
    Error => "error",
});

macro_rules! codes {
    ($($variant:ident = $number:literal, $text:literal, $severity:ident, $doc:literal;)*) => {
        /// A stable diagnostic code. The codes and their meaning never change;
        /// new rules get new codes.
        ///
        /// # Example
        ///
        /// ```
        /// use coalition_ledger::prelude::*;
        ///
        /// assert_eq!(Code::OverDelivered.as_str(), "CL006");
        /// assert_eq!("CL006".parse::<Code>()?, Code::OverDelivered);
        /// assert!("CL999".parse::<Code>().is_err());
        /// # Ok::<(), coalition_ledger::Error>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $doc] $variant = $number,)*
        }

        crate::spelling::spelled!(Code, "diagnostic code", { $($variant => $text,)* });

        impl Code {

            /// The severity the code is reported at unless the options say
            /// otherwise.
            ///
            /// # Example
            ///
            /// ```
            /// use coalition_ledger::prelude::*;
            ///
            /// assert_eq!(Code::DependencyCycle.default_severity(), Severity::Error);
            /// assert_eq!(Code::UndatedEntry.default_severity(), Severity::Info);
            /// ```
            pub fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One line saying what the code finds.
            ///
            /// # Example
            ///
            /// ```
            /// use coalition_ledger::prelude::*;
            ///
            /// assert_eq!(Code::NoSource.description(), "A pledge without any source.");
            /// ```
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $doc,)*
                }
            }
        }
    };
}

codes! {
    NoSource = 1, "CL001", Warning, "A pledge without any source.";
    CommittedButUnconfirmed = 2, "CL002", Warning, "A pledge at `Committed` or later whose best evidence is `Unconfirmed`.";
    BackstopWithoutPledge = 3, "CL003", Warning, "A pledge conditional on a backstop by a member who has no backstop pledge (withdrawn and voided ones aside).";
    DependencyCycle = 4, "CL004", Error, "A cycle of `DependsOn` and `Backstop` conditions (a file of format version 1 may hold one).";
    MissingRate = 5, "CL005", Warning, "Money in a currency with no usable exchange rate for its date, the pledge's or a delivery's (when rates are given).";
    OverDelivered = 6, "CL006", Warning, "Delivered exceeds the pledged upper bound (adjustments aside).";
    Stale = 7, "CL007", Info, "Announced or considered long before the reference date and never advanced.";
    ProbableDuplicate = 8, "CL008", Warning, "Same member, kind, category, size, date, stage and delivered amount as another pledge.";
    ImplausibleUnitValue = 9, "CL009", Warning, "Equipment valued below the plausible floor per unit of its category.";
    FutureEntry = 10, "CL010", Warning, "An entry dated after the reference date.";
    MemberWithoutPledges = 11, "CL011", Info, "A member with no pledges but voided ones (beneficiaries aside).";
    OutOfOrder = 12, "CL012", Info, "An entry dated before an earlier entry.";
    UndatedEntry = 13, "CL013", Info, "An undated pledge entry.";
    ConditionCannotHold = 14, "CL014", Warning, "A condition that can no longer hold: it depends on a withdrawn or voided pledge.";
    OlderFormatRule = 15, "CL015", Warning, "An entry accepted under an older format version's rules that the current rules refuse (loaded from an older file).";
    Adjustment = 16, "CL016", Info, "An adjustment: a change to a member's total that names no pledge (a correction row of a published dataset).";
    MemberCategoryOverDelivered = 17, "CL017", Warning, "A member delivered more money than it pledged in a category, by more than the threshold.";
    MemberKindOverDelivered = 18, "CL018", Warning, "A member delivered more than it pledged of a kind, by more than the threshold.";
    VoidedPledge = 19, "CL019", Info, "A pledge voided by us as recorded in error (kept in the history, counted nowhere).";
}

/// What a diagnostic is about.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let subject = Subject::Pledge(PledgeId::new("DEU-mil-17")?);
/// assert_eq!(subject.to_string(), "pledge DEU-mil-17");
/// assert_eq!(Subject::Entry(17).to_string(), "entry 17");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Subject {
    /// A member.
    Member(MemberId),
    /// A pledge.
    Pledge(PledgeId),
    /// An entry, by sequence number.
    Entry(u64),
    /// A source.
    Source(SourceId),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Member(id) => write!(f, "member {id}"),
            Subject::Pledge(id) => write!(f, "pledge {id}"),
            Subject::Entry(index) => write!(f, "entry {index}"),
            Subject::Source(id) => write!(f, "source {id}"),
        }
    }
}

/// One finding of a check.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
/// for d in report.iter() {
///     assert!(d.to_string().starts_with(d.severity().as_str()));
/// }
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    code: Code,
    severity: Severity,
    subject: Subject,
    message: String,
}

impl Diagnostic {
    pub(crate) fn new(
        code: Code,
        severity: Severity,
        subject: Subject,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            subject,
            message,
        }
    }

    /// The code.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// let first = report.iter().next().map(|d| d.code());
    /// assert!(first.is_some_and(|c| c.as_str().starts_with("CL")));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn code(&self) -> Code {
        self.code
    }

    /// The severity.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert!(report.iter().all(|d| d.severity() == d.code().default_severity()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// What it is about.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert!(report.iter().all(|d| !d.subject().to_string().is_empty()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// What is wrong, in words.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// for d in report.iter() {
    ///     // The printed form is severity[code]: subject: message.
    ///     assert!(d.to_string().ends_with(d.message()));
    /// }
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Diagnostic {
    /// `warning[CL006]: pledge DEU-mil-17: delivered EUR 61,900,000 exceeds pledged EUR 50,000,000`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // On one line whatever free text (a reason) the message quotes, and
        // whatever an id of an older format's file holds (version 1 took
        // any id without control characters, U+2028 among them).
        write!(
            f,
            "{}[{}]: {}: {}",
            self.severity,
            self.code,
            crate::one_line::one_line(&self.subject.to_string()),
            crate::one_line::one_line(&self.message)
        )
    }
}

/// The result of a check: diagnostics in a stable order.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
/// assert_eq!(report.len(), report.iter().count());
/// // Printed like a compiler's diagnostics, with a summary line.
/// assert!(report.to_string().lines().last().is_some_and(|l| l.ends_with("infos")));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    diagnostics: Vec<Diagnostic>,
    /// Diagnostics found but not listed, per code, beyond the limit.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    omitted: BTreeMap<Code, u64>,
}

impl Report {
    pub(crate) fn new(mut diagnostics: Vec<Diagnostic>) -> Report {
        diagnostics.sort_by(|a, b| {
            (a.code, &a.subject, &a.message).cmp(&(b.code, &b.subject, &b.message))
        });
        Report {
            diagnostics,
            omitted: BTreeMap::new(),
        }
    }

    pub(crate) fn with_omitted(mut self, omitted: BTreeMap<Code, u64>) -> Report {
        self.omitted = omitted;
        self
    }

    /// How many diagnostics of `code` were found but not listed, because a
    /// report lists at most
    /// [`MAX_DIAGNOSTICS_PER_CODE`](crate::limits::MAX_DIAGNOSTICS_PER_CODE)
    /// of each code (the first ones in report order).
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-09-30")?));
    /// assert_eq!(report.omitted(Code::UndatedEntry), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn omitted(&self, code: Code) -> u64 {
        self.omitted.get(&code).copied().unwrap_or(0)
    }

    /// Every diagnostic, by code, then subject, then message.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert_eq!(report.iter().count(), report.len());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Diagnostic> {
        self.diagnostics.iter()
    }

    /// Number of diagnostics.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = Ledger::new().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert_eq!(report.len(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    /// True when nothing was found.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = Ledger::new().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert!(report.is_empty());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// Number of diagnostics at a severity.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// let total: usize = Severity::ALL.iter().map(|s| report.count(*s)).fold(0, |a, n| a + n);
    /// assert_eq!(total, report.len());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// True when any diagnostic is an error.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = Ledger::new().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert!(!report.has_errors());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The diagnostics with a code.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert!(report.with_code(Code::UndatedEntry).all(|d| d.code() == Code::UndatedEntry));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn with_code(&self, code: Code) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(move |d| d.code == code)
    }

    /// The diagnostics at a severity or above.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let report = fixtures::paris_summit().check(&CheckOptions::new(parse_date("2025-12-31")?));
    /// assert!(report.at_least(Severity::Warning).all(|d| d.severity() >= Severity::Warning));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(move |d| d.severity >= severity)
    }
}

impl fmt::Display for Report {
    /// One line per diagnostic, then `N errors, N warnings, N infos` (`1
    /// error` when there is one). Free text a diagnostic quotes (a void or
    /// withdrawal reason) and the ids it names keep to their line: control
    /// characters and U+2028/U+2029 print escaped (`\n`, `\u{2028}`); the
    /// diagnostics' fields and serde keep the text as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
        }
        for (code, count) in &self.omitted {
            writeln!(
                f,
                "note: {count} more {code} diagnostics not listed (a report lists {} per code)",
                crate::limits::MAX_DIAGNOSTICS_PER_CODE
            )?;
        }
        let counted = |severity: Severity, one: &str| match self.count(severity) {
            1 => format!("1 {one}"),
            n => format!("{n} {one}s"),
        };
        writeln!(
            f,
            "{}, {}, {}",
            counted(Severity::Error, "error"),
            counted(Severity::Warning, "warning"),
            counted(Severity::Info, "info")
        )
    }
}
