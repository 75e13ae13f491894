//! The one error type of the crate.
//!
//! Every fallible operation returns [`Error`]. Its messages say what went wrong
//! and where: the member, pledge or source involved, the entry index while a
//! document is replayed, the line and column of a JSON or CSV input.
//! Layers that know the place wrap the inner error with
//! [`Error::InEntry`] (and the interchange formats with their own position),
//! so a message reads like `entry 17: unknown member `XYZ``.

use chrono::NaiveDate;

use crate::lifecycle::Stage;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `coalition-ledger`.
///
/// Errors are cheap to clone and compare, so tests and callers can match on
/// them. Predicates such as [`Error::is_unknown_reference`] let callers branch
/// without matching every variant.
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
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A currency code that is not an active ISO 4217 code.
    #[error("unknown currency `{code}`: expected an active ISO 4217 code such as EUR or USD")]
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
    /// A money amount has no date, so no dated rate can apply.
    #[error("cannot convert {currency} for pledge `{pledge}`: the amount has no date")]
    UndatedConversion {
        /// The pledge.
        pledge: String,
        /// The currency to convert from.
        currency: String,
    },
    /// `DependsOn` conditions form a cycle.
    #[error("dependency cycle between pledges: {}", cycle.join(" -> "))]
    DependencyCycle {
        /// The pledge ids on the cycle, the first repeated at the end.
        cycle: Vec<String>,
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
    #[error("{} CSV errors, nothing imported; first: {}", errors.len(), errors.first().map(ToString::to_string).unwrap_or_default())]
    CsvErrors {
        /// Every error found, in input order.
        errors: Vec<Error>,
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
    /// An error while applying the entry at `index` (0-based, which is also
    /// its sequence number).
    #[error("entry {index}: {source}")]
    InEntry {
        /// The entry index.
        index: u64,
        /// What went wrong.
        source: Box<Error>,
    },
}

impl Error {
    /// The innermost error, with entry context removed.
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// let inner = Error::UnknownMember { member: "XYZ".into() };
    /// let outer = inner.clone().in_entry(17);
    /// assert_eq!(outer.to_string(), "entry 17: unknown member `XYZ`");
    /// assert_eq!(outer.root(), &inner);
    /// ```
    pub fn root(&self) -> &Error {
        match self {
            Error::InEntry { source, .. } => source.root(),
            other => other,
        }
    }

    /// Wraps the error with the index of the entry being applied.
    #[cold]
    pub fn in_entry(self, index: u64) -> Error {
        Error::InEntry {
            index,
            source: Box::new(self),
        }
    }

    /// True when the error is an unknown member, pledge or source.
    pub fn is_unknown_reference(&self) -> bool {
        matches!(
            self.root(),
            Error::UnknownMember { .. } | Error::UnknownPledge { .. } | Error::UnknownSource { .. }
        )
    }

    /// True when an existing id was re-used with a different body.
    pub fn is_conflict(&self) -> bool {
        matches!(self.root(), Error::Conflict { .. })
    }

    /// True when a checked arithmetic operation overflowed.
    pub fn is_overflow(&self) -> bool {
        matches!(self.root(), Error::Overflow { .. })
    }

    /// True when the error comes from reading an input format (JSON, CSV,
    /// journal).
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
