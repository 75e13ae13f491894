//! The one error type of the crate.
//!
//! Every fallible operation returns [`Error`]. Its messages say what went wrong
//! and where: the member, pledge or source involved, the entry index while a
//! document is replayed, the line and column of a JSON or CSV input.
//! Layers that know the place wrap the inner error with
//! [`Error::InEntry`], [`Error::InCsvRow`], [`Error::InJournalLine`] or
//! [`Error::InPledge`], so a message reads like
//! ``entry 17: unknown member `XYZ` ``.
//!
//! # The chain, printed once
//!
//! A wrapped error stays a typed [`Error`]: [`Error::root`] reaches it and
//! the predicates ([`Error::is_unknown_reference`], ...) look through the
//! context. Each message is complete on its own and prints its inner error
//! inline, so [`std::error::Error::source`] returns `None`: a chain walk
//! (`anyhow`'s `{:#}`, a logger's `caused by:` lines) prints every link
//! exactly once, as the Rust API guidelines ask.
//!
//! # Clone and Eq
//!
//! `Error` stays `Clone + Eq` so tests and callers can compare errors. Foreign
//! errors are kept as the parts callers branch on: an I/O error as its
//! [`std::io::ErrorKind`] and message ([`Error::io_kind`]), a `serde_json`
//! or `csv` error as its line, column and message.

use chrono::NaiveDate;

use crate::lifecycle::Stage;

/// A `Result` whose error is this crate's [`Error`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// fn france() -> coalition_ledger::Result<MemberId> {
///     MemberId::new("FRA")
/// }
/// assert_eq!(france()?.as_str(), "FRA");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `coalition-ledger`.
///
/// Errors are cheap to clone and compare, so tests and callers can match on
/// them. Predicates such as [`Error::is_unknown_reference`] let callers branch
/// without matching every variant; the enum is `#[non_exhaustive]`, as new
/// failures get new variants.
///
/// Context (the entry, the CSV row, the journal line, the pledge a query
/// could not value) wraps a typed inner `Error` that [`Error::root`]
/// reaches and the predicates look through. Each message is complete and
/// prints its inner error inline, so [`std::error::Error::source`] returns
/// `None` and a chain walk prints every link once. `Error` is `Clone + Eq`;
/// foreign errors keep the parts callers branch on (an I/O error's
/// [`kind`](Error::io_kind), a JSON or CSV error's line and column).
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// let err = ledger.add_member(Member::new(MemberId::new("FRA")?, "France")).and_then(|_| {
///     ledger.advance(&PledgeId::new("FRA-x")?, Stage::Committed, Provenance::new(Evidence::Verified))
/// });
/// let err = err.unwrap_err();
/// assert!(err.is_unknown_reference());
/// assert_eq!(err.to_string(), "unknown pledge `FRA-x`");
/// // Printed once, whether shown alone or as a chain.
/// assert!(std::error::Error::source(&err).is_none());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An identifier is empty, too long, or holds forbidden characters.
    #[error("invalid {kind} `{value}`: {reason}")]
    InvalidId {
        /// Which identifier (`member id`, `pledge id`, ...).
        kind: &'static str,
        /// The rejected text, shortened when very long.
        value: String,
        /// Why it was rejected (naming the code point of a character
        /// outside the id alphabet; a control character as such).
        reason: String,
    },
    /// A currency code that is neither an active nor a withdrawn ISO 4217 code.
    #[error("unknown currency `{code}`: expected an ISO 4217 code such as EUR or USD")]
    UnknownCurrency {
        /// The rejected code.
        code: String,
    },
    /// A value is outside what the ledger accepts (a negative size, a range
    /// whose low bound exceeds its high bound, a text that is too long, ...).
    #[error("{subject}: invalid {field}: {reason}")]
    InvalidValue {
        /// What holds the value (`pledge `DEU-1``, `member `FRA``, `query`, ...).
        subject: String,
        /// The field that is wrong.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An entry names a member that is not on the roster.
    #[error("unknown member `{member}`")]
    UnknownMember {
        /// The id that was not found.
        member: String,
    },
    /// An entry names a pledge that was never opened.
    #[error("unknown pledge `{pledge}`")]
    UnknownPledge {
        /// The id that was not found.
        pledge: String,
    },
    /// An entry cites a source that was never added.
    #[error("unknown source `{source_id}`")]
    UnknownSource {
        /// The id that was not found.
        source_id: String,
    },
    /// An id is re-used with a different body.
    #[error("{kind} `{id}` already exists with a different `{field}`")]
    Conflict {
        /// `member`, `source` or `pledge`.
        kind: &'static str,
        /// The id in question.
        id: String,
        /// The first field that differs.
        field: &'static str,
    },
    /// A stage change that the lifecycle forbids.
    #[error("pledge `{pledge}`: cannot move from stage {from} to {to}")]
    InvalidTransition {
        /// The pledge.
        pledge: String,
        /// Its current stage.
        from: Stage,
        /// The requested stage.
        to: Stage,
    },
    /// Any entry on a withdrawn pledge.
    #[error("pledge `{pledge}` is withdrawn: no further entries are accepted")]
    Withdrawn {
        /// The pledge.
        pledge: String,
    },
    /// A delivery, revision or other entry that does not fit the pledge's kind
    /// or unit.
    #[error("pledge `{pledge}`: {reason}")]
    Mismatch {
        /// The pledge.
        pledge: String,
        /// What does not fit.
        reason: String,
    },
    /// A checked arithmetic operation overflowed.
    #[error("arithmetic overflow while {context}")]
    Overflow {
        /// What was being computed.
        context: String,
    },
    /// No exchange rate fits a currency and date under the lookup policy.
    #[error("no exchange rate for {currency} on {date} into {base}")]
    MissingRate {
        /// The currency to convert from.
        currency: String,
        /// The base currency of the rate table.
        base: String,
        /// The date of the amount.
        date: NaiveDate,
    },
    /// An amount in a withdrawn ISO 4217 currency, dated after its
    /// withdrawal, cannot be converted.
    #[error("cannot convert {currency} on {date}: the currency was withdrawn after {withdrawn}")]
    WithdrawnCurrency {
        /// The withdrawn currency.
        currency: String,
        /// The date of the amount.
        date: NaiveDate,
        /// The last day of the month of its withdrawal.
        withdrawn: NaiveDate,
    },
    /// The only rate on or before a date is older than the rate table's
    /// maximum age ([`FxRates::with_max_age_days`](crate::FxRates::with_max_age_days)).
    #[error(
        "the latest rate for {currency} on or before {date} is from {rate_date}, older than {max_age_days} days"
    )]
    StaleRate {
        /// The currency to convert from.
        currency: String,
        /// The date of the amount.
        date: NaiveDate,
        /// The date of the latest rate found.
        rate_date: NaiveDate,
        /// The maximum age the table allows, in days.
        max_age_days: u32,
    },
    /// A relative measure needs a member attribute (population, GDP, ...)
    /// for a year, and the caller supplied none.
    #[error("member `{member}` has no {attribute} for {year}")]
    MissingAttribute {
        /// The member.
        member: String,
        /// The attribute (`population`, `gdp`, `defence_budget`, `deflator`).
        attribute: String,
        /// The year asked for.
        year: i32,
    },
    /// Constant prices need a deflator index for a currency and year, and
    /// the caller supplied none.
    #[error("no deflator for {currency} in {year}")]
    MissingDeflator {
        /// The currency.
        currency: String,
        /// The year.
        year: i32,
    },
    /// A name that is none of a type's spellings (a stage, a kind, a
    /// diagnostic code, ...). Names are read exactly as `Display` writes
    /// them, case included: `"Committed"` is not a [`Stage`](crate::Stage).
    #[error("unknown {what} `{value}`: expected one of {expected}")]
    UnknownName {
        /// What was being named (`stage`, `kind`, ...).
        what: &'static str,
        /// The text given, shortened when very long.
        value: String,
        /// Every accepted spelling, comma-separated.
        expected: String,
    },
    /// A money amount has no date, so no dated rate can apply.
    #[error("cannot convert {currency} for pledge `{pledge}`: the amount has no date")]
    UndatedConversion {
        /// The pledge.
        pledge: String,
        /// The currency to convert from.
        currency: String,
    },
    /// `DependsOn` and `Backstop` conditions would form a cycle.
    #[error("dependency cycle of {length} pledge{}: {}", if *length == 1 { "" } else { "s" }, cycle.join(" -> "))]
    DependencyCycle {
        /// The pledge ids on the cycle, the first repeated at the end; a
        /// long cycle shows its first few pledges and `…`.
        cycle: Vec<String>,
        /// Number of pledges on the cycle.
        length: usize,
    },
    /// A limit (length, count, size, depth) was exceeded.
    #[error("{what} exceeds the limit of {limit} (got {actual})")]
    Limit {
        /// What is limited.
        what: String,
        /// The limit.
        limit: u64,
        /// The size found.
        actual: u64,
    },
    /// A malformed JSON document or JSON value.
    #[error("JSON line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// A malformed CSV input.
    #[error("CSV line {line}{}: {message}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Csv {
        /// 1-based line of the record.
        line: u64,
        /// The column, when the problem is in one field.
        column: Option<String>,
        /// What was wrong.
        message: String,
    },
    /// Several CSV rows were wrong; nothing was imported.
    #[error("{total} CSV {}, nothing imported; first: {}", if *total == 1 { "error" } else { "errors" }, errors.first().map(ToString::to_string).unwrap_or_default())]
    CsvErrors {
        /// The first errors found, in input order: at most
        /// [`MAX_COLLECTED_ERRORS`](crate::limits::MAX_COLLECTED_ERRORS).
        errors: Vec<Error>,
        /// How many errors were found in all (`errors.len()` or more).
        total: u64,
    },
    /// A journal file is damaged.
    #[error("journal line {line}: {message}")]
    Journal {
        /// 1-based line.
        line: u64,
        /// What was wrong.
        message: String,
    },
    /// The last line of a journal is incomplete or fails its checksum: a
    /// crash happened while it was written. Nothing of it was applied.
    #[error(
        "journal line {line}: torn last line ({bytes} bytes) from an interrupted write; reopen with Recovery::TruncateTornTail to drop it"
    )]
    TornTail {
        /// 1-based line number of the torn line.
        line: u64,
        /// How many bytes the torn line holds.
        bytes: u64,
    },
    /// A complete journal line is damaged (its checksum does not verify, or
    /// it is not a journal record). Nothing is cut or deleted: see
    /// `io::journal::salvage` to copy the intact prefix to a new file.
    #[error("journal line {line} (byte {offset}): {message}")]
    JournalCorrupt {
        /// 1-based line.
        line: u64,
        /// Byte offset of the start of the line.
        offset: u64,
        /// What is wrong with it.
        message: String,
    },
    /// Another handle holds the journal's exclusive write lock.
    #[error("journal `{path}` is locked by another writer (open it read-only to read it)")]
    JournalLocked {
        /// The journal file.
        path: String,
    },
    /// The journal file was truncated, replaced, deleted or written by
    /// someone else while open: the append was not acknowledged.
    #[error("journal `{path}` changed underneath: {reason}; the write was not acknowledged")]
    JournalChanged {
        /// The journal file.
        path: String,
        /// What changed.
        reason: String,
    },
    /// An append on a journal opened read-only.
    #[error("journal `{path}` is open read-only")]
    JournalReadOnly {
        /// The journal file.
        path: String,
    },
    /// A journal refuses appends after a failed write or sync, until it is
    /// reopened.
    #[error("journal `{path}` refuses appends after a failed write or sync: reopen it")]
    JournalPoisoned {
        /// The journal file.
        path: String,
    },
    /// An operating system I/O error.
    #[error("I/O error{}: {message}", path.as_ref().map(|p| format!(" on `{p}`")).unwrap_or_default())]
    Io {
        /// The file involved, when known.
        path: Option<String>,
        /// The kind of failure.
        kind: std::io::ErrorKind,
        /// The operating system's message.
        message: String,
    },
    /// An error while applying the entry at `index`: 0-based, its sequence
    /// number (in a version-1 JSON document, which lists the roster apart,
    /// its index in `entries`).
    #[error("entry {index}: {error}")]
    InEntry {
        /// The entry index.
        index: u64,
        /// What went wrong, typed.
        error: Box<Error>,
    },
    /// A ledger rule refused the entry read from a CSV row.
    #[error("CSV line {line}{}: {error}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    InCsvRow {
        /// 1-based line of the record.
        line: u64,
        /// The column the error is about, when one is.
        column: Option<String>,
        /// What went wrong, typed.
        error: Box<Error>,
    },
    /// A ledger rule refused the entry read from a journal line.
    #[error("journal line {line}: {error}")]
    InJournalLine {
        /// 1-based line.
        line: u64,
        /// What went wrong, typed.
        error: Box<Error>,
    },
    /// Something about the pledge `pledge` is wrong; the inner error says
    /// what. A query could not value it (no usable exchange rate or
    /// deflator for its currency and date;
    /// [`Query::leave_out_unconvertible`](crate::Query::leave_out_unconvertible)
    /// leaves such pledges out instead, and counts them), or one of its
    /// conditions names a member not on the roster.
    #[error("pledge `{pledge}`: {error}")]
    InPledge {
        /// The pledge id.
        pledge: String,
        /// What went wrong, typed.
        error: Box<Error>,
    },
    /// An internal inconsistency: a bug in this crate, never bad input.
    /// Debug builds stop at an assertion instead.
    #[error("internal inconsistency in {what} (a bug in coalition-ledger; please report it)")]
    Internal {
        /// What was found inconsistent.
        what: String,
    },
}

impl From<std::io::Error> for Error {
    /// An I/O error with no path; the crate's own file operations name the
    /// path.
    ///
    /// ```
    /// use coalition_ledger::Error;
    ///
    /// fn read(path: &str) -> Result<String, Error> {
    ///     Ok(std::fs::read_to_string(path)?)
    /// }
    /// let err = read("/no/such/file").unwrap_err();
    /// assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
    /// ```
    #[cold]
    fn from(err: std::io::Error) -> Error {
        Error::io(None, &err)
    }
}

impl Error {
    /// The innermost error, with the context (entry, CSV row, journal line)
    /// removed.
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// let inner = Error::UnknownMember { member: "XYZ".into() };
    /// let outer = inner.clone().in_entry(17);
    /// assert_eq!(outer.to_string(), "entry 17: unknown member `XYZ`");
    /// assert_eq!(outer.root(), &inner);
    /// assert_eq!(inner.root(), &inner);
    /// ```
    pub fn root(&self) -> &Error {
        match self {
            Error::InEntry { error, .. }
            | Error::InCsvRow { error, .. }
            | Error::InJournalLine { error, .. }
            | Error::InPledge { error, .. } => error.root(),
            other => other,
        }
    }

    /// Wraps the error with the index of the entry being applied.
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// let err = Error::UnknownPledge { pledge: "FRA-x".into() }.in_entry(0);
    /// assert_eq!(err.to_string(), "entry 0: unknown pledge `FRA-x`");
    /// assert!(err.is_unknown_reference());
    /// ```
    #[cold]
    #[must_use]
    pub fn in_entry(self, index: u64) -> Error {
        Error::InEntry {
            index,
            error: Box::new(self),
        }
    }

    /// The kind of an I/O error, looking through the context; `None` for
    /// other errors.
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// let err = Error::from(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
    /// assert_eq!(err.io_kind(), Some(std::io::ErrorKind::PermissionDenied));
    /// assert_eq!(Error::UnknownMember { member: "X".into() }.io_kind(), None);
    /// ```
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self.root() {
            Error::Io { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// True for an internal inconsistency: a bug in this crate.
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// assert!(!Error::UnknownMember { member: "X".into() }.is_internal());
    /// ```
    pub fn is_internal(&self) -> bool {
        matches!(self.root(), Error::Internal { .. })
    }

    #[cold]
    #[cfg(feature = "csv")]
    pub(crate) fn in_csv_row(self, line: u64, column: Option<&str>) -> Error {
        Error::InCsvRow {
            line,
            column: column.map(String::from),
            error: Box::new(self),
        }
    }

    #[cold]
    pub(crate) fn in_pledge(self, pledge: &impl std::fmt::Display) -> Error {
        Error::InPledge {
            pledge: pledge.to_string(),
            error: Box::new(self),
        }
    }

    #[cold]
    pub(crate) fn in_journal_line(self, line: u64) -> Error {
        Error::InJournalLine {
            line,
            error: Box::new(self),
        }
    }

    /// An internal inconsistency; debug builds stop here, so tests and fuzz
    /// targets find it.
    #[cold]
    #[track_caller]
    pub(crate) fn internal(what: impl Into<String>) -> Error {
        let what = what.into();
        debug_assert!(false, "internal inconsistency in {what}");
        Error::Internal { what }
    }

    /// True when the error is an unknown member, pledge or source.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// let err = ledger.add_source(Source::new(SourceId::new("s")?, "S", SourceKind::Media)).and_then(|_| {
    ///     ledger.annotate(&PledgeId::new("none")?, Provenance::new(Evidence::Verified))
    /// });
    /// assert!(err.is_err_and(|e| e.is_unknown_reference()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_unknown_reference(&self) -> bool {
        matches!(
            self.root(),
            Error::UnknownMember { .. } | Error::UnknownPledge { .. } | Error::UnknownSource { .. }
        )
    }

    /// True when an existing id was re-used with a different body.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// // The same id with a different name is a conflict, not a silent overwrite.
    /// let err = ledger.add_member(Member::new(MemberId::new("FRA")?, "French Republic")).unwrap_err();
    /// assert!(err.is_conflict());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_conflict(&self) -> bool {
        matches!(self.root(), Error::Conflict { .. })
    }

    /// True when a checked arithmetic operation overflowed.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let big = Money::new(Decimal::MAX, Currency::EUR);
    /// let err = big.checked_add(big).unwrap_err();
    /// assert!(err.is_overflow());
    /// ```
    pub fn is_overflow(&self) -> bool {
        matches!(self.root(), Error::Overflow { .. })
    }

    /// True when the error comes from reading an input format (JSON, CSV,
    /// journal).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let err = Ledger::from_json("{ not json").unwrap_err();
    /// assert!(err.is_format());
    /// assert!(!err.is_unknown_reference());
    /// ```
    pub fn is_format(&self) -> bool {
        matches!(
            self.root(),
            Error::Json { .. }
                | Error::Csv { .. }
                | Error::CsvErrors { .. }
                | Error::Journal { .. }
                | Error::JournalCorrupt { .. }
        )
    }

    #[cold]
    pub(crate) fn invalid(
        subject: impl Into<String>,
        field: &'static str,
        reason: impl Into<String>,
    ) -> Error {
        Error::InvalidValue {
            subject: subject.into(),
            field,
            reason: reason.into(),
        }
    }

    #[cold]
    pub(crate) fn unknown_name(what: &'static str, value: &str, expected: &[&str]) -> Error {
        Error::UnknownName {
            what,
            value: value.chars().take(64).collect(),
            expected: expected.join(", "),
        }
    }

    #[cold]
    pub(crate) fn overflow(context: impl Into<String>) -> Error {
        Error::Overflow {
            context: context.into(),
        }
    }

    #[cold]
    pub(crate) fn limit(what: impl Into<String>, limit: usize, actual: usize) -> Error {
        Error::Limit {
            what: what.into(),
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
            actual: u64::try_from(actual).unwrap_or(u64::MAX),
        }
    }

    #[cold]
    pub(crate) fn io(path: Option<&std::path::Path>, err: &std::io::Error) -> Error {
        Error::Io {
            path: path.map(|p| p.display().to_string()),
            kind: err.kind(),
            message: err.to_string(),
        }
    }
}

#[cfg(feature = "csv")]
/// The errors an importer collects in one pass: the first
/// [`MAX_COLLECTED_ERRORS`](crate::limits::MAX_COLLECTED_ERRORS) kept, every
/// one counted, so a file of ten million bad rows costs no more memory than
/// one of a thousand.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    errors: Vec<Error>,
    total: u64,
}

#[cfg(feature = "csv")]
impl Collected {
    pub(crate) fn push(&mut self, error: Error) {
        self.total = self.total.saturating_add(1);
        if self.errors.len() < crate::limits::MAX_COLLECTED_ERRORS {
            self.errors.push(error);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// One error as [`Error::CsvErrors`]: a problem that stops an import
    /// before its rows (a header that is not UTF-8, an input that fails)
    /// comes back in the same shape as the rows' problems.
    pub(crate) fn single(error: Error) -> Error {
        let mut collected = Collected::default();
        collected.push(error);
        collected.into_csv_error()
    }

    /// `value` when nothing was collected, [`Error::CsvErrors`] otherwise.
    pub(crate) fn into_result<T>(self, value: T) -> Result<T> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self.into_csv_error())
        }
    }

    /// The collected errors as [`Error::CsvErrors`].
    pub(crate) fn into_csv_error(self) -> Error {
        Error::CsvErrors {
            errors: self.errors,
            total: self.total,
        }
    }
}
