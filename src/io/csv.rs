//! CSV import and export of a flat pledge table (feature `csv`).
//!
//! One row per pledge, in its current state, for spreadsheets and analysts.
//! The columns, in the order [`export`] writes them:
//!
//! | column | content |
//! |---|---|
//! | `id` | pledge id (required) |
//! | `member` | member id (required) |
//! | `kind` | `troops`, `equipment`, `funding` or `backstop` (required) |
//! | `category` | equipment category (required for equipment), or a label |
//! | `capability` | backstops only: `air_power`, `air_defence`, `intelligence`, `logistics`, `security_guarantee` or `other:TEXT` |
//! | `estimate` | `exact`, `range`, `at_least` or `unspecified` (required) |
//! | `low`, `high` | the size: personnel, units or money; `exact` has `low` = `high` (or `high` empty), `at_least` an empty `high`, `unspecified` both empty |
//! | `currency` | ISO 4217 code of the money (funding amount, equipment value, deliveries) |
//! | `value_estimate`, `value_low`, `value_high` | equipment value, as for the size; empty when unknown |
//! | `stage` | current stage (required) |
//! | `evidence` | current evidence (required) |
//! | `date` | the pledge's date, `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when known only to the month or year, or empty when undated |
//! | `conditions` | `;`-separated: `ceasefire`, `backstop:MEMBER`, `parliamentary_approval:MEMBER`, `depends_on:PLEDGE`, `named:TEXT` (`parliament:` and `depends:`, the earlier spellings, still read) |
//! | `sources` | `;`-separated source ids |
//! | `delivered` | delivered so far, in the pledge's unit (empty = 0) |
//! | `location`, `notes` | free text |
//! | `withdrawal_reason` | required when the stage is `withdrawn` |
//! | `adjusts` | `pledged` or `delivered` for an adjustment (a funding row of an exact, possibly negative, amount that names no pledge: see [`NewPledge::adjustment`](crate::NewPledge::adjustment)); empty for a pledge. Export writes this column only when the ledger holds an adjustment, so tables without them keep their 21 columns |
//! | `void_reason` | set when we voided the pledge as recorded in error (see [`Action::Void`]); written only when the ledger holds a void pledge |
//! | `best_evidence` | the best evidence the pledge has had ([`Pledge::best_evidence`](crate::Pledge::best_evidence)) when it is better than its current `evidence`; empty when it is the same. Written only when some pledge's best evidence is better than its current one |
//!
//! In `conditions` and `sources`, `\;` is a literal `;` and `\\` a `\`; they
//! hold at most 16 items each, an error found before any item is read.
//! Amounts never pass through floats. Counts and amounts have one spelling:
//! digits without leading zeros (`5`, not `05` or `+5`). Free text
//! (`capability`, `conditions`, `location`, `notes`, `withdrawal_reason`) is
//! read exactly as written, surrounding spaces included; other fields are
//! trimmed. A header that lacks required columns or has unknown ones is an
//! error naming every one of them at once. A cell the row's kind has no
//! place for (a `capability` on a pledge that is not a backstop, a value
//! on one that is not equipment or without its `value_estimate`, a size
//! on a backstop) is an error at its column, not dropped.
//!
//! # Formula injection
//!
//! A spreadsheet opening the file would run a cell that begins with `=`,
//! `+`, `-`, `@`, tab or carriage return as a formula (`=HYPERLINK(..)`,
//! `@SUM(1+1)*cmd|..`). Export therefore writes every text cell (ids,
//! category, capability, conditions, sources, location, notes, withdrawal
//! reason, and the keys of a query table) that begins with one of them with
//! a single quote in front, as OWASP recommends; a text that itself begins
//! with `'` gets one too. Import removes exactly one leading `'` from those
//! cells, so round trips keep every text. Numeric columns stay numeric, and
//! ids cannot begin with a formula character at all (see the id rules on
//! [`MemberId::new`](crate::MemberId::new)).
//!
//! Importing turns each row into entries (open, deliver, advance or
//! withdraw), all dated with the row's date and carrying its evidence and
//! sources, and replays them through the ledger's validation. A row is the
//! pledge's current state, not its history: the imported ledger answers
//! as the original does today, but not `as_of` an earlier date, nor for
//! deliveries converted at their own dates (the JSON document keeps every
//! entry). So a row does not keep: the currency of deliveries corrected
//! back to zero on a pledge of unspecified size, and the scale of a zero
//! delivered total (written `0`). A best evidence better than the current
//! one is kept in `best_evidence`: the imported pledge opens with it and
//! its next entry (an annotation when the row stands for no other) carries
//! the current evidence. An empty `location` or `notes` reads back as none:
//! a CSV cell cannot tell the two apart. A pledge citing more sources over
//! its entries than a row holds is an export error. Every row is checked
//! against the current rules, so a ledger loaded from an older file that
//! holds what only its rules accepted moves to a journal with
//! [`Journal::create`](crate::io::journal::Journal::create), not through
//! CSV. Members and sources must be known: start from a roster
//! ([`Importer::roster`]) or let the importer add the missing ones
//! ([`Importer::add_missing_members`],
//! [`Importer::add_missing_sources`]), named after their id. Every error is
//! collected in one pass, each with its line and column (the line a row
//! starts on, whether the file ends its lines with `\n` or `\r\n`; a UTF-8
//! byte order mark before the header is skipped); on any error nothing is
//! imported and [`Error::CsvErrors`] holds the first
//! [`MAX_COLLECTED_ERRORS`](crate::limits::MAX_COLLECTED_ERRORS) and the
//! total count. A record longer than
//! [`MAX_CSV_RECORD_BYTES`](crate::limits::MAX_CSV_RECORD_BYTES) and a quoted
//! field still open at the end of the input stop the import with the line.
//!
//! Export → import → export gives the same bytes.
//!
//! # Example
//!
//! ```
//! use coalition_ledger::io::csv::{export, Importer};
//!
//! let text = "\
//! id,member,kind,estimate,low,high,currency,stage,evidence,date
//! FRA-1,FRA,troops,range,2000,5000,,announced,reported,2025-09-04
//! GBR-1,GBR,funding,exact,250000000.00,,GBP,committed,verified,2025-09-05
//! ";
//! let ledger = Importer::new().add_missing_members(true).import(text.as_bytes())?;
//! assert_eq!(ledger.pledge_count(), 2);
//!
//! let mut out = Vec::new();
//! export(&ledger, &mut out)?;
//! let again = Importer::new().add_missing_members(true).import(&out[..])?;
//! let mut out_again = Vec::new();
//! export(&again, &mut out_again)?;
//! assert_eq!(out, out_again);
//! # Ok::<(), coalition_ledger::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Read, Write};

use rust_decimal::Decimal;

use super::csv_records::{CsvRecord, Records};
use super::shared_parsing::{Handing, ReaderStep, RecorderStep, SharedParsing};
use crate::entry::{Action, Provenance};
use crate::error::{Collected, Error, Result};
use crate::estimate::Estimate;
use crate::ids::{Category, MemberId, PledgeId, SourceId};
use crate::ledger::Pledge;
use crate::ledger::{Ledger, Record, Rules};
use crate::lifecycle::{Evidence, Stage};
use crate::limits::{MAX_CONDITIONS_PER_PLEDGE, MAX_SOURCES_PER_ENTRY};
use crate::member::Member;
use crate::money::{Currency, Money, parse_amount};
use crate::pledge::{AdjustmentBasis, Condition, Contribution, Kind, NewPledge};
use crate::query::Table;
use crate::source::{Source, SourceKind};

/// Every column, in export order.
pub const COLUMNS: [&str; 24] = [
    "id",
    "member",
    "kind",
    "category",
    "capability",
    "estimate",
    "low",
    "high",
    "currency",
    "value_estimate",
    "value_low",
    "value_high",
    "stage",
    "evidence",
    "date",
    "conditions",
    "sources",
    "delivered",
    "location",
    "notes",
    "withdrawal_reason",
    "adjusts",
    "void_reason",
    "best_evidence",
];

/// True for a column read exactly as written, surrounding whitespace
/// included, so that export → import → export keeps every text (a `match`,
/// so that it folds like [`slot`]).
#[allow(
    clippy::inline_always,
    reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
)]
#[inline(always)]
fn is_free_text(column: &str) -> bool {
    matches!(
        column,
        "capability" | "conditions" | "location" | "notes" | "withdrawal_reason" | "void_reason"
    )
}

/// True for a column of user text, which export neutralises against
/// formulas.
#[allow(
    clippy::inline_always,
    reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
)]
#[inline(always)]
fn is_text_cell(column: &str) -> bool {
    matches!(
        column,
        "id" | "member"
            | "category"
            | "capability"
            | "conditions"
            | "sources"
            | "location"
            | "notes"
            | "withdrawal_reason"
            | "void_reason"
    )
}

/// A text cell as written to CSV: a cell that begins with a character a
/// spreadsheet reads as a formula (`=`, `+`, `-`, `@`, tab, carriage return)
/// gets a `'` in front, as OWASP recommends; so does a cell that itself
/// begins with `'`, so that import can remove exactly one.
fn neutralise(text: String) -> String {
    match text.chars().next() {
        Some(c) if c == '\'' || crate::ids::FORMULA_STARTS.contains(&c) => format!("'{text}"),
        _ => text,
    }
}

/// Columns an imported file must have.
pub const REQUIRED: [&str; 6] = ["id", "member", "kind", "estimate", "stage", "evidence"];

/// Builds a ledger from a CSV pledge table.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// use coalition_ledger::io::csv::Importer;
///
/// let text = "id,member,kind,estimate,low,high,stage,evidence\nFRA-1,FRA,troops,range,2000,5000,announced,reported\n";
/// let ledger = Importer::new().add_missing_members(true).import(text.as_bytes())?;
/// assert_eq!(ledger.pledge_count(), 1);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Importer {
    roster: Option<Ledger>,
    add_missing_members: bool,
    add_missing_sources: bool,
}

impl Importer {
    /// An importer that starts from an empty ledger and adds nothing
    /// implicitly.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::csv::{Importer, export};
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut text = Vec::new();
    /// export(&fixtures::paris_summit(), &mut text)?;
    /// // The members, without their pledges, are the roster the rows refer to.
    /// let mut roster = Ledger::new();
    /// for member in fixtures::paris_summit().members() {
    ///     roster.add_member(member.clone())?;
    /// }
    /// let ledger = Importer::new().roster(&roster).add_missing_sources(true).import(&text[..])?;
    /// assert_eq!(ledger.pledge_count(), fixtures::paris_summit().pledge_count());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new() -> Importer {
        Importer::default()
    }

    /// Starts from this ledger (typically its members and sources); the
    /// imported pledges are appended to a copy of it.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::csv::Importer;
    /// use coalition_ledger::prelude::*;
    ///
    /// let text = "id,member,kind,estimate,low,high,stage,evidence\nFRA-1,FRA,troops,exact,100,100,announced,reported\n";
    /// // Without a roster, the member is unknown.
    /// assert!(Importer::new().import(text.as_bytes()).is_err());
    /// let mut roster = Ledger::new();
    /// roster.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// assert_eq!(Importer::new().roster(&roster).import(text.as_bytes())?.pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn roster(mut self, ledger: &Ledger) -> Importer {
        self.roster = Some(ledger.clone());
        self
    }

    /// Adds members the rows name but the roster lacks, with their id as
    /// name (default: such rows are errors).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::csv::Importer;
    /// use coalition_ledger::prelude::*;
    ///
    /// let text = "id,member,kind,estimate,low,high,stage,evidence\nFRA-1,FRA,troops,exact,100,100,announced,reported\n";
    /// let ledger = Importer::new().add_missing_members(true).import(text.as_bytes())?;
    /// assert_eq!(ledger.member(&MemberId::new("FRA")?).map(|m| m.name()), Some("FRA"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn add_missing_members(mut self, yes: bool) -> Importer {
        self.add_missing_members = yes;
        self
    }

    /// Adds sources the rows cite but the roster lacks, as `dataset`
    /// sources published by their id (default: such rows are errors).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::csv::Importer;
    /// use coalition_ledger::prelude::*;
    ///
    /// let text = "id,member,kind,estimate,low,high,stage,evidence,sources\nFRA-1,FRA,troops,exact,100,100,announced,reported,elysee\n";
    /// assert!(Importer::new().add_missing_members(true).import(text.as_bytes()).is_err());
    /// let ledger = Importer::new().add_missing_members(true).add_missing_sources(true).import(text.as_bytes())?;
    /// assert_eq!(ledger.sources().len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn add_missing_sources(mut self, yes: bool) -> Importer {
        self.add_missing_sources = yes;
        self
    }

    /// Reads the whole table and builds the ledger.
    ///
    /// # Errors
    ///
    /// [`Error::CsvErrors`] with every problem found, each an
    /// [`Error::Csv`] with its line and column; nothing is imported.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// use coalition_ledger::io::csv::Importer;
    /// use coalition_ledger::prelude::*;
    ///
    /// let text = "id,member,kind,estimate,low,high,stage,evidence\n\
    /// FRA-1,FRA,troops,exact,100,100,announced,reported\n\
    /// FRA-2,FRA,troops,exact,100,100,soon,reported\n";
    /// let err = Importer::new().add_missing_members(true).import(text.as_bytes()).unwrap_err();
    /// // Every row error is collected, with its line and column; nothing is imported.
    /// let Error::CsvErrors { errors, .. } = err else { panic!("expected CSV errors") };
    /// assert_eq!(errors[0].to_string(), "CSV line 3, column `stage`: unknown stage `soon`: expected one of considering, announced, committed, delivered, withdrawn");
    /// ```
    pub fn import<R: Read>(&self, reader: R) -> Result<Ledger> {
        self.import_handing(reader, Handing::WhenStarved)
    }

    /// [`Importer::import`] on this thread alone, in two stages timed
    /// apart: every row read and parsed first, then every row recorded. The
    /// ledger, or the errors, are what `import` gives. For measuring the
    /// stages, which a two-thread import overlaps (`examples/scale
    /// --import DIR --staged`).
    ///
    /// ```
    /// use coalition_ledger::io::csv::Importer;
    /// let text = "id,member,kind,estimate,low,high,stage,evidence\nFRA-1,FRA,troops,exact,100,100,announced,reported\n";
    /// let staged = Importer::new().add_missing_members(true).import_in_stages(text.as_bytes());
    /// assert_eq!(staged.ledger?.pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[cfg(feature = "testing")]
    pub fn import_in_stages<R: Read>(&self, reader: R) -> Staged {
        let started = std::time::Instant::now();
        let mut csv = Records::guarded(reader, None);
        let columns = match read_header(&mut csv) {
            Ok(columns) => columns,
            Err(error) => {
                return Staged {
                    ledger: Err(error),
                    parsing: started.elapsed(),
                    recording: std::time::Duration::ZERO,
                };
            }
        };
        let mut rows = Vec::new();
        let (mut ids, mut record) = (Interner::default(), CsvRecord::default());
        read_and_parse(
            &mut csv,
            &columns,
            &mut record,
            &mut ids,
            &mut rows,
            usize::MAX,
        );
        let parsing = started.elapsed();
        let started = std::time::Instant::now();
        let mut ledger = self.roster.clone().unwrap_or_default();
        let mut errors = Collected::default();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk = rows.by_ref().take(IMPORT_CHUNK).collect();
            self.record_chunk(&mut ledger, chunk, &mut errors);
        }
        Staged {
            ledger: errors.into_result(ledger),
            parsing,
            recording: started.elapsed(),
        }
    }

    /// [`Importer::import`], with the reading stage handing chunks over
    /// unparsed as `handing` says.
    fn import_handing<R: Read>(&self, reader: R, handing: Handing) -> Result<Ledger> {
        let mut csv = Records::guarded(reader, None);
        let columns = read_header(&mut csv)?;
        let ledger = self.roster.clone().unwrap_or_default();
        // Two threads: this one reads rows in chunks, the other records
        // them, in file order, so the ledger and the errors are the same as
        // one thread would give. This one parses each chunk it reads unless
        // the recorder has had to wait for rows; then it hands the next
        // chunk over unparsed (see `SharedParsing`). Rows travel in chunks
        // so that the hand-over costs little per row.
        let sharing = SharedParsing::new(IMPORT_QUEUE, handing);
        let (ledger, errors) = std::thread::scope(|scope| {
            let recorder = scope.spawn(|| self.record_rows(ledger, &columns, &sharing));
            let mut reader = sharing.reader_guard();
            let mut ids = Interner::default();
            let mut record = CsvRecord::default();
            let mut reading = true;
            while reading {
                match sharing.reader_step() {
                    ReaderStep::ReadAndParse => {
                        let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
                        reading = read_and_parse(
                            &mut csv,
                            &columns,
                            &mut record,
                            &mut ids,
                            &mut chunk,
                            IMPORT_CHUNK,
                        );
                        reader.parsed(chunk);
                    }
                    ReaderStep::ReadForRecorder(emptied) => {
                        let mut raw: RawChunk = emptied.unwrap_or_default();
                        reading = raw.read_from(&mut csv);
                        reader.unparsed(raw);
                    }
                    ReaderStep::Stop => break,
                }
            }
            drop(reader);
            recorder.join()
        })
        .map_err(|_| Error::Csv {
            line: 0,
            column: None,
            message: "the thread recording the rows stopped unexpectedly".into(),
        })?;
        errors.into_result(ledger)
    }

    /// The recording stage of [`Importer::import`]: records every chunk
    /// in order (parsing those the reading stage handed over unparsed) and
    /// collects the errors.
    fn record_rows(
        &self,
        mut ledger: Ledger,
        columns: &Columns,
        sharing: &SharedParsing<RawChunk, Vec<Parsed>>,
    ) -> (Ledger, Collected) {
        let _gone = sharing.recorder_guard();
        let mut errors = Collected::default();
        let mut ids = Interner::default();
        loop {
            let chunk = match sharing.recorder_step() {
                RecorderStep::Record(chunk) => chunk,
                RecorderStep::Parse(mut raw) => {
                    let parsed = raw.parse(columns, &mut ids);
                    sharing.give_back(raw);
                    parsed
                }
                RecorderStep::Stop => break,
            };
            self.record_chunk(&mut ledger, chunk, &mut errors);
        }
        (ledger, errors)
    }

    /// Records a chunk of parsed rows in order, collecting each row's error.
    fn record_chunk(&self, ledger: &mut Ledger, chunk: Vec<Parsed>, errors: &mut Collected) {
        // Each row opens a pledge: its insert probes the index at random,
        // which the lookups here overlap.
        ledger.warm_pledges(
            chunk
                .iter()
                .filter_map(|p| p.as_ref().ok().map(|(r, _)| &r.id)),
        );
        for parsed in chunk {
            let outcome = parsed.and_then(|(row, line)| self.import_row(ledger, row, line));
            if let Err(error) = outcome {
                errors.push(error);
            }
        }
    }

    /// Records one row, adding the members and sources it names that the
    /// ledger lacks when asked to.
    ///
    /// The ids a row names are, mostly, the very copies the ledger keeps
    /// (the reading stage's interner handed both out), which the ledger
    /// finds by address. This stage neither reads their text nor clones
    /// them more than it must: the reading stage counts a reference on
    /// each for every row, and each read or count here moved that cache
    /// line between the two cores.
    fn import_row(&self, ledger: &mut Ledger, row: Row, line: u64) -> Result<()> {
        // Either thread may parse a row, each with its own copies of the
        // ids: the ledger adopts the copies it finds only by text, so that
        // the rows after are found by address (see `OwnIndex::adopt`).
        let in_conditions = row.spec.conditions().iter().filter_map(|c| match c {
            Condition::Backstop { by: m } | Condition::ParliamentaryApproval { member: m } => {
                Some(m)
            }
            _ => None,
        });
        // An unknown member named by a condition is reported at
        // `conditions`, not at `member`: the row's member is kept for
        // that, only on the rare rows whose conditions name a member.
        let member_of_row = row
            .spec
            .conditions()
            .iter()
            .any(|c| {
                matches!(
                    c,
                    Condition::Backstop { .. } | Condition::ParliamentaryApproval { .. }
                )
            })
            .then(|| row.spec.member().clone());
        for member in std::iter::once(row.spec.member()).chain(in_conditions) {
            if !ledger.adopt_member(member) && self.add_missing_members {
                let new = Member::new(member.clone(), member.as_str());
                ledger.add_member(new).map_err(|e| located(e, line))?;
            }
        }
        if let Some(category) = row.spec.category() {
            ledger.adopt_category(category);
        }
        // A row that fails half-way may leave its first entries behind; that
        // is harmless, because any error discards the whole import.
        // The row's list holds the ledger's own copies before it is shared
        // by the row's entries; the first entry checks it, and the others
        // cite that very list and skip the checks. Sharing looks every
        // source up once: the sources are looked up by text again only
        // when one is missing, and when none is, the entries are told so
        // and do not look them up again.
        let (actions, mut provenance, opening_evidence) = row.into_actions();
        let mut shared = ledger.adopt_sources(&mut provenance);
        if !shared && self.add_missing_sources {
            for source in provenance.sources() {
                if ledger.source(source).is_none() {
                    let new = Source::new(source.clone(), source.as_str(), SourceKind::Dataset);
                    ledger.add_source(new).map_err(|e| located(e, line))?;
                }
            }
            shared = ledger.adopt_sources(&mut provenance);
        }
        let mut actions = actions.peekable();
        let mut provenance = Some(provenance);
        let mut opening_evidence = opening_evidence;
        while let Some(action) = actions.next() {
            // The last entry takes the row's own provenance.
            let provenance = match actions.peek() {
                Some(_) => provenance.clone(),
                None => provenance.take(),
            }
            .ok_or_else(|| Error::internal("a row's provenance"))?;
            // The opening alone carries a best evidence the row names.
            let provenance = match opening_evidence.take() {
                Some(best) => provenance.with_evidence(best),
                None => provenance,
            };
            // Every id of a row was made by its checked constructor (see
            // `Row`), so the ledger need not check them again.
            let rules = Rules::CurrentWithCheckedIds;
            // A withdrawal or a void is read from a column of its own.
            let column = match &action {
                Action::Withdraw { .. } => Some("withdrawal_reason"),
                Action::Void { .. } => Some("void_reason"),
                _ => None,
            };
            let recorded = if shared {
                ledger.record_shared_sources(action, provenance, rules)
            } else {
                ledger.record_under(action, provenance, rules)
            };
            match recorded {
                Ok(recorded) if recorded.is_appended() => {}
                Ok(recorded) => {
                    // The entry already there names the row's pledge; the
                    // id is read back from it rather than kept for every
                    // row in case of this.
                    let id = ledger
                        .entry(recorded.sequence())
                        .and_then(|e| e.action().pledge().map(ToString::to_string))
                        .unwrap_or_default();
                    // An entry of the roster the import started from is
                    // not a second row of the file.
                    let in_roster = self
                        .roster
                        .as_ref()
                        .is_some_and(|r| recorded.sequence() < r.entries().len() as u64);
                    let message = if in_roster {
                        format!("pledge `{id}` is in the roster already")
                    } else {
                        format!("pledge `{id}` appears twice")
                    };
                    return Err(Error::Csv {
                        line,
                        column: Some("id".into()),
                        message,
                    });
                }
                Err(error) => {
                    let column = column.or_else(|| match error.root() {
                        Error::UnknownMember { member } => member_of_row
                            .as_ref()
                            .filter(|m| m.as_str() != member)
                            .map(|_| "conditions"),
                        _ => None,
                    });
                    return Err(match column {
                        Some(column) => error.in_csv_row(line, Some(column)),
                        None => located(error, line),
                    });
                }
            }
        }
        Ok(())
    }
}

/// What [`Importer::import_in_stages`] gives: the ledger (or the errors)
/// and the time each stage took.
///
/// ```
/// use coalition_ledger::io::csv::{Importer, Staged};
/// let text = "id,member,kind,estimate,low,high,stage,evidence\nFRA-1,FRA,troops,exact,100,100,announced,reported\n";
/// let staged: Staged = Importer::new().add_missing_members(true).import_in_stages(text.as_bytes());
/// println!("parsing {:?}, recording {:?}", staged.parsing, staged.recording);
/// assert_eq!(staged.ledger?.len(), 2); // the member added, then the pledge
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[cfg(feature = "testing")]
#[derive(Debug)]
#[non_exhaustive]
pub struct Staged {
    /// What [`Importer::import`] gives for the same input.
    pub ledger: Result<Ledger>,
    /// Reading and parsing every row.
    pub parsing: std::time::Duration,
    /// Recording every row.
    pub recording: std::time::Duration,
}

/// A row parsed by the reading stage of an import, with its line, or the
/// error that stopped it.
type Parsed = Result<(Row, u64)>;

/// Rows handed from the reading stage to the recording stage at a time.
const IMPORT_CHUNK: usize = 256;

/// Chunks the reading stage may run ahead of the recording stage: enough to
/// ride out jitter, few enough that memory stays bounded (a few thousand
/// rows).
const IMPORT_QUEUE: usize = 16;

/// Rows read and not yet parsed, each with its line or the error reading
/// it. The records are kept when the chunk is parsed, for the next chunk
/// read into it to reuse their buffers.
#[derive(Default)]
struct RawChunk {
    records: Vec<CsvRecord>,
    /// One per row read; a row's record is the one at the same place.
    rows: Vec<Result<u64>>,
}

impl RawChunk {
    /// Reads up to [`IMPORT_CHUNK`] rows; false once the input is read
    /// through, or a read error stops it.
    fn read_from<R: Read>(&mut self, csv: &mut Records<R>) -> bool {
        self.rows.clear();
        while self.rows.len() < IMPORT_CHUNK {
            let at = self.rows.len();
            if self.records.len() <= at {
                self.records.push(CsvRecord::default());
            }
            let Some(record) = self.records.get_mut(at) else {
                self.rows.push(Err(Error::Internal {
                    what: "a chunk of CSV rows has no record to read into".into(),
                }));
                return false;
            };
            let Some((row, go_on)) = read_row(csv, record) else {
                return false;
            };
            self.rows.push(row);
            if !go_on {
                return false;
            }
        }
        true
    }

    /// Parses the rows read, in order, leaving the chunk empty.
    fn parse(&mut self, columns: &Columns, ids: &mut Interner) -> Vec<Parsed> {
        self.rows
            .drain(..)
            .zip(&self.records)
            .map(|(row, record)| parse_row(columns, record, row, ids))
            .collect()
    }
}

/// Reads and parses rows into `rows` until it holds `max` of them or the
/// reading ends; false once it has ended.
fn read_and_parse<R: Read>(
    csv: &mut Records<R>,
    columns: &Columns,
    record: &mut CsvRecord,
    ids: &mut Interner,
    rows: &mut Vec<Parsed>,
    max: usize,
) -> bool {
    while rows.len() < max {
        match read_row(csv, record) {
            Some((row, go_on)) => {
                rows.push(parse_row(columns, record, row, ids));
                if !go_on {
                    return false;
                }
            }
            None => return false,
        }
    }
    true
}

/// Reads the next row into `record`: its line, or the error reading it,
/// and whether reading goes on after it; `None` at the end of the input.
fn read_row<R: Read>(csv: &mut Records<R>, record: &mut CsvRecord) -> Option<(Result<u64>, bool)> {
    match csv.read_record(record) {
        Ok(false) => None,
        Ok(true) => Some((Ok(record.position().line), true)),
        // A row of the wrong length or not UTF-8 is one bad row; any other
        // error ends the reading.
        Err(error) => Some((Err(csv.located(&error)), error.goes_on())),
    }
}

/// Parses a row [`read_row`] read into `record`. No input should make
/// parsing panic; if one did (a bug), the row gets an error at its line,
/// whichever thread parsed it, where the panic would otherwise end the
/// import on the reading thread and be reported as the recording thread
/// stopping on the other: which thread parses a row depends on timing.
fn parse_row(
    columns: &Columns,
    record: &CsvRecord,
    row: Result<u64>,
    ids: &mut Interner,
) -> Parsed {
    row.and_then(|line| {
        // The interner a panic interrupts holds only complete entries.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Row::parse(columns, record, line, ids)
        }))
        .unwrap_or_else(|_| {
            Err(Error::Internal {
                what: "parsing the row panicked".into(),
            }
            .in_csv_row(line, None))
        })
        .map(|row| (row, line))
    })
}

/// Maps a ledger error to the row's line and the column it is about.
fn located(error: Error, line: u64) -> Error {
    let column = match error.root() {
        Error::UnknownMember { .. } => Some("member"),
        Error::UnknownSource { .. } => Some("sources"),
        Error::Conflict { .. } => Some("id"),
        Error::DependencyCycle { .. } => Some("conditions"),
        Error::InvalidValue { field, .. } => column_of_field(field),
        Error::InvalidTransition { .. } | Error::Withdrawn { .. } => Some("stage"),
        Error::Mismatch { .. } | Error::Overflow { .. } => Some("delivered"),
        _ => None,
    };
    error.in_csv_row(line, column)
}

/// The column holding what a ledger rule calls `field`: a column of the
/// same name, or the first column of a figure's range (a figure is read
/// from `low` and `high`, and `high` is never below `low`, so the first
/// figure out of bounds, such as a negative one, is in `low`).
fn column_of_field(field: &str) -> Option<&'static str> {
    match field {
        "amount" | "personnel" | "units" => Some("low"),
        "value" => Some("value_low"),
        _ => COLUMNS.iter().copied().find(|c| *c == field),
    }
}

/// Positions in the record of the columns present in the header, by
/// position in [`COLUMNS`].
struct Columns([Option<usize>; COLUMNS.len()]);

/// The position of `column` in [`COLUMNS`] ([`COLUMNS`]`.len()` for another
/// name). Inlined with a literal name it folds to a constant, so reading a
/// field costs no string comparison (the header map's lookups were a tenth
/// of a million-row import).
#[allow(
    clippy::inline_always,
    reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
)]
#[inline(always)]
fn slot(column: &str) -> usize {
    match column {
        "id" => 0,
        "member" => 1,
        "kind" => 2,
        "category" => 3,
        "capability" => 4,
        "estimate" => 5,
        "low" => 6,
        "high" => 7,
        "currency" => 8,
        "value_estimate" => 9,
        "value_low" => 10,
        "value_high" => 11,
        "stage" => 12,
        "evidence" => 13,
        "date" => 14,
        "conditions" => 15,
        "sources" => 16,
        "delivered" => 17,
        "location" => 18,
        "notes" => 19,
        "withdrawal_reason" => 20,
        "adjusts" => 21,
        "void_reason" => 22,
        "best_evidence" => 23,
        _ => COLUMNS.len(),
    }
}

/// Reads the header; every unknown, repeated or missing column is named
/// at once, each an error of its own.
fn read_header<R: Read>(csv: &mut Records<R>) -> Result<Columns> {
    let mut header = CsvRecord::default();
    let line = csv
        .read_header(&mut header)
        .map_err(|e| Collected::single(e.to_error()))?;
    let mut columns = BTreeMap::new();
    let mut errors = Collected::default();
    let mut header_error = |column: &str, message: String| {
        errors.push(Error::Csv {
            line,
            column: Some(column.to_string()),
            message,
        });
    };
    for (index, name) in header.iter().map(str::trim).enumerate() {
        let Some(known) = COLUMNS.iter().copied().find(|c| *c == name) else {
            header_error(name, format!("unknown column `{name}`"));
            continue;
        };
        if columns.insert(known, index).is_some() {
            header_error(name, format!("column `{name}` appears twice"));
        }
    }
    for missing in REQUIRED.iter().filter(|c| !columns.contains_key(*c)) {
        header_error(missing, format!("missing required column `{missing}`"));
    }
    if errors.is_empty() {
        let mut positions = [None; COLUMNS.len()];
        for (name, index) in columns {
            if let Some(slot) = positions.get_mut(slot(name)) {
                *slot = Some(index);
            }
        }
        Ok(Columns(positions))
    } else {
        Err(errors.into_csv_error())
    }
}

/// One parsed row. Every id in it is made by its checked constructor
/// (`PledgeId::new` and the others, which keep the id alphabet), so the
/// recording stage records it under [`Rules::CurrentWithCheckedIds`].
struct Row {
    id: PledgeId,
    /// Boxed by the thread that parses the row, so that recording it moves
    /// a pointer, not the body.
    spec: Box<NewPledge>,
    stage: Stage,
    delivered: Decimal,
    currency: Option<Currency>,
    reason: String,
    void_reason: String,
    /// Set when better than the current evidence: the opening entry
    /// carries it, and the entries after it the current evidence.
    best_evidence: Option<Evidence>,
    provenance: Provenance,
}

/// The member ids, source ids, categories and source lists an import has
/// read, so that a value seen before is one shared copy rather than a new
/// allocation per row: the ledger keeps the first copy it is given, and a
/// later entry holding the same copy needs no replacing. Each map is
/// cleared when it reaches [`INTERNED`] values ([`LISTS_INTERNED`] for
/// lists), so that hostile input cannot grow it past what the ledger
/// holds.
#[derive(Default)]
struct Interner {
    members: TextMap<MemberId>,
    sources: TextMap<SourceId>,
    categories: TextMap<Category>,
    source_lists: TextMap<crate::entry::SourceList>,
    /// Room for the sources of the row being read (see
    /// [`Interner::cite_sources`]).
    cited: Vec<SourceId>,
}

type TextMap<V> = std::collections::HashMap<TextKey, V, foldhash::quality::RandomState>;

/// An interned text as a map key: held inline when it is short, as member
/// ids and most source lists are, so that the comparison a lookup ends with
/// reads the map's own slot instead of a string elsewhere on the heap (a
/// cache miss per row at a million rows).
#[derive(Clone, PartialEq, Eq)]
enum TextKey {
    Inline { len: u8, bytes: [u8; INLINE_KEY] },
    Boxed(Box<[u8]>),
}

/// The longest text a [`TextKey`] holds inline.
const INLINE_KEY: usize = 22;

impl TextKey {
    fn new(text: &str) -> TextKey {
        let mut bytes = [0u8; INLINE_KEY];
        match (u8::try_from(text.len()), bytes.get_mut(..text.len())) {
            (Ok(len), Some(slot)) => {
                slot.copy_from_slice(text.as_bytes());
                TextKey::Inline { len, bytes }
            }
            _ => TextKey::Boxed(text.as_bytes().into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            TextKey::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            TextKey::Boxed(bytes) => bytes,
        }
    }
}

impl std::borrow::Borrow<[u8]> for TextKey {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl std::hash::Hash for TextKey {
    /// As the bytes hash, so that a lookup by `&[u8]` finds the key.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

/// Values an [`Interner`] map holds before it starts over.
const INTERNED: usize = 1 << 16;

/// Source lists an [`Interner`] holds before it starts over: few enough
/// that the map stays in the core's cache (160 KB), where a lookup that
/// misses costs little. A dataset cites a few lists over and over, and
/// they stay shared; a generated million rows cite 180,000 distinct lists,
/// which a 65,536-list map missed anyway, at a cache miss per row and a
/// tenth of the reading thread (and rebuilt more often, the lists take
/// 20 MB more at 1M rows).
const LISTS_INTERNED: usize = 1 << 12;

impl Interner {
    fn member(&mut self, text: &str) -> Result<MemberId> {
        intern(&mut self.members, text, |t| MemberId::new(t))
    }

    fn source(&mut self, text: &str) -> Result<SourceId> {
        intern(&mut self.sources, text, |t| SourceId::new(t))
    }

    fn category(&mut self, text: &str) -> Result<Category> {
        intern(&mut self.categories, text, |t| Category::new(t))
    }

    /// `provenance` citing the row's `sources`: a list read before is
    /// reused as it is.
    fn cite_sources(&mut self, f: &Fields<'_>, provenance: Provenance) -> Result<Provenance> {
        let text = f.get("sources");
        if let Some(list) = self.source_lists.get(text.as_bytes()) {
            return Ok(provenance.with_source_list(list.clone()));
        }
        let sources = split_list(text, MAX_SOURCES_PER_ENTRY, "sources")
            .map_err(|m| f.error("sources", m))?;
        // The list is gathered in the interner's vector, which keeps its
        // room from row to row (a new one was an allocation per row);
        // `with_sources` leaves it empty. A row in error drops it.
        let mut cited = std::mem::take(&mut self.cited);
        for source in sources {
            cited.push(
                self.source(&source)
                    .map_err(|e| e.in_csv_row(f.line, Some("sources")))?,
            );
        }
        let provenance = provenance.with_sources(&mut cited);
        self.cited = cited;
        remember(
            &mut self.source_lists,
            LISTS_INTERNED,
            text,
            provenance.source_list().clone(),
        );
        Ok(provenance)
    }
}

/// The value `make` gives for `text`, made once.
fn intern<V: Clone>(
    map: &mut TextMap<V>,
    text: &str,
    make: impl Fn(&str) -> Result<V>,
) -> Result<V> {
    if let Some(value) = map.get(text.as_bytes()) {
        return Ok(value.clone());
    }
    let value = make(text)?;
    remember(map, INTERNED, text, value.clone());
    Ok(value)
}

/// Keeps `value` for `text`, starting the map over once it holds
/// `cap` values.
fn remember<V>(map: &mut TextMap<V>, cap: usize, text: &str, value: V) {
    if map.len() >= cap {
        map.clear();
    }
    map.insert(TextKey::new(text), value);
}

/// `text` without leading and trailing white space, as [`str::trim`]
/// gives it; a field that starts and ends with a visible ASCII character,
/// as nearly all do, is returned without the Unicode-aware scan from both
/// ends (half of what reading a field cost).
fn trim(text: &str) -> &str {
    let visible = |b: &u8| (b'!'..=b'~').contains(b);
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(visible) && bytes.last().is_some_and(visible) {
        text
    } else {
        text.trim()
    }
}

/// Reads the fields of one record, naming the column of the first problem.
struct Fields<'r> {
    columns: &'r Columns,
    record: &'r CsvRecord,
    line: u64,
}

impl<'r> Fields<'r> {
    /// The field as the ledger sees it: free text exactly as written, other
    /// fields trimmed; in a text cell, the one `'` that export puts before
    /// a formula character (or a leading `'`) is removed.
    #[allow(
        clippy::inline_always,
        reason = "a literal column name folds to its slot only when this is inlined; out of line it was matched against every name at run time, 6% of the reading thread"
    )]
    #[inline(always)]
    fn get(&self, column: &'static str) -> &'r str {
        let raw = self
            .columns
            .0
            .get(slot(column))
            .copied()
            .flatten()
            .and_then(|i| self.record.get(i))
            .unwrap_or("");
        let text = if is_free_text(column) { raw } else { trim(raw) };
        if is_text_cell(column) {
            text.strip_prefix('\'').unwrap_or(text)
        } else {
            text
        }
    }

    fn error(&self, column: &'static str, message: impl Into<String>) -> Error {
        Error::Csv {
            line: self.line,
            column: Some(column.into()),
            message: message.into(),
        }
    }

    #[allow(
        clippy::inline_always,
        reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
    )]
    #[inline(always)]
    fn parse<T>(&self, column: &'static str, f: impl FnOnce(&str) -> Result<T>) -> Result<T> {
        f(self.get(column)).map_err(|e| e.in_csv_row(self.line, Some(column)))
    }

    #[allow(
        clippy::inline_always,
        reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
    )]
    #[inline(always)]
    fn optional<T>(
        &self,
        column: &'static str,
        f: impl FnOnce(&str) -> Result<T>,
    ) -> Result<Option<T>> {
        match self.get(column) {
            "" => Ok(None),
            text => f(text)
                .map(Some)
                .map_err(|e| e.in_csv_row(self.line, Some(column))),
        }
    }
}

impl Row {
    fn parse(columns: &Columns, record: &CsvRecord, line: u64, ids: &mut Interner) -> Result<Row> {
        let f = Fields {
            columns,
            record,
            line,
        };
        let id = f.parse("id", |t| PledgeId::new(t))?;
        let member = f.parse("member", |t| ids.member(t))?;
        let kind: Kind = f.parse("kind", str::parse)?;
        let stage: Stage = f.parse("stage", str::parse)?;
        let evidence: Evidence = f.parse("evidence", str::parse)?;
        let best_evidence = best_evidence(&f, evidence)?;
        let date = f.optional("date", str::parse::<crate::dates::PartialDate>)?;
        let currency = f.optional("currency", Currency::new)?;
        let adjusts = f.optional("adjusts", str::parse::<AdjustmentBasis>)?;
        let contribution = contribution(&f, kind, currency, ids)?;
        let mut spec = match adjusts {
            Some(basis) => adjustment_spec(&f, &id, &member, basis, contribution, stage)?,
            None => NewPledge::new(id.clone(), member, contribution).with_stage(match stage {
                Stage::Considering | Stage::Announced | Stage::Committed => stage,
                Stage::Delivered => Stage::Committed,
                Stage::Withdrawn => Stage::Considering,
            }),
        };
        if kind != Kind::Equipment {
            if let Some(label) = f.optional("category", |t| ids.category(t))? {
                spec = spec.with_category(label);
            }
        }
        let conditions = split_list(f.get("conditions"), MAX_CONDITIONS_PER_PLEDGE, "conditions")
            .map_err(|m| f.error("conditions", m))?;
        for condition in conditions {
            let in_row = |e: Error| e.in_csv_row(f.line, Some("conditions"));
            let mut condition: Condition = condition.parse().map_err(in_row)?;
            // The interner's copy of a member the condition names, so that
            // the ledger finds it by address (as it does the row's member).
            if let Condition::Backstop { by: member }
            | Condition::ParliamentaryApproval { member } = &mut condition
            {
                *member = ids.member(member.as_str()).map_err(in_row)?;
            }
            spec = spec.with_condition(condition);
        }
        if let Some(location) = f.optional("location", |t| Ok(t.to_string()))? {
            spec = spec.with_location(location);
        }
        if let Some(notes) = f.optional("notes", |t| Ok(t.to_string()))? {
            spec = spec.with_notes(notes);
        }
        let mut provenance = Provenance::new(evidence);
        if let Some(date) = date {
            provenance = provenance.within(date);
        }
        let provenance = ids.cite_sources(&f, provenance)?;
        let delivered = f
            .optional("delivered", parse_amount)?
            .unwrap_or(Decimal::ZERO);
        if delivered.is_sign_negative() && !delivered.is_zero() {
            return Err(f.error("delivered", "must not be negative"));
        }
        let reason = f.get("withdrawal_reason").to_string();
        let void_reason = f.get("void_reason").to_string();
        if (stage == Stage::Withdrawn) == reason.is_empty() {
            return Err(f.error(
                "withdrawal_reason",
                "required exactly when the stage is withdrawn",
            ));
        }
        let money_in_use =
            kind == Kind::Funding || spec.contribution().currency().ok().flatten().is_some();
        if currency.is_some() && !money_in_use {
            return Err(f.error(
                "currency",
                format!("a pledge of kind `{kind}` without a value has no currency"),
            ));
        }
        let row = Row {
            id,
            spec: Box::new(spec),
            stage,
            delivered,
            currency,
            reason,
            void_reason,
            best_evidence,
            provenance,
        };
        if kind == Kind::Funding
            && currency.is_some()
            && row.spec.contribution().currency().ok().flatten().is_none()
            && delivered.is_zero()
        {
            return Err(f.error(
                "currency",
                "an unspecified amount with nothing delivered cannot carry a currency",
            ));
        }
        Ok(row)
    }

    /// The entries the row stands for, in order, the provenance they
    /// share, and the evidence of the opening entry when it is another
    /// (the pledge's best).
    fn into_actions(self) -> (impl Iterator<Item = Action>, Provenance, Option<Evidence>) {
        let Row {
            id,
            spec,
            stage,
            delivered,
            currency,
            reason,
            void_reason,
            best_evidence,
            provenance,
            ..
        } = self;
        let lifecycle = spec.adjusts().is_none();
        let kind = spec.contribution().kind();
        let open = Action::Pledge(spec);
        // An adjustment opens at its stage and has no lifecycle.
        let deliver = (lifecycle && !delivered.is_zero()).then(|| Action::Deliver {
            pledge: id.clone(),
            quantity: delivered,
            currency: if kind == Kind::Funding {
                currency
            } else {
                None
            },
            correction: false,
        });
        let last_stage = match stage {
            _ if !lifecycle => None,
            Stage::Delivered => Some(Action::Advance {
                pledge: id.clone(),
                stage: Stage::Delivered,
            }),
            Stage::Withdrawn => Some(Action::Withdraw {
                pledge: id.clone(),
                reason: reason.into_boxed_str(),
            }),
            _ => None,
        };
        // The opening carries the best evidence and a later entry the
        // current one: an annotation when the row stands for no other.
        let annotate = (best_evidence.is_some()
            && deliver.is_none()
            && last_stage.is_none()
            && void_reason.is_empty())
        .then(|| Action::Annotate { pledge: id.clone() });
        // A void pledge's void comes last: nothing follows it.
        let void = (!void_reason.is_empty()).then_some(Action::Void {
            pledge: id,
            reason: void_reason.into_boxed_str(),
        });
        let actions = [Some(open), deliver, last_stage, annotate, void]
            .into_iter()
            .flatten();
        (actions, provenance, best_evidence)
    }
}

/// The row's best evidence when it is better than its current `evidence`
/// (the same is none); a weaker one is an error.
fn best_evidence(f: &Fields<'_>, evidence: Evidence) -> Result<Option<Evidence>> {
    match f.optional("best_evidence", str::parse::<Evidence>)? {
        Some(best) if best < evidence => Err(f.error(
            "best_evidence",
            format!("`{best}` is weaker than the current evidence `{evidence}`"),
        )),
        best => Ok(best.filter(|best| *best > evidence)),
    }
}

/// The body of an adjustment row: funding of an exact amount, at the stage
/// of its basis, nothing delivered on it.
fn adjustment_spec(
    f: &Fields<'_>,
    id: &PledgeId,
    member: &MemberId,
    basis: AdjustmentBasis,
    contribution: Contribution,
    stage: Stage,
) -> Result<NewPledge> {
    let Contribution::Funding {
        amount: Estimate::Exact(amount),
    } = contribution
    else {
        return Err(f.error(
            "adjusts",
            "an adjustment is a funding row of an exact amount",
        ));
    };
    let spec = NewPledge::adjustment(id.clone(), member.clone(), basis, amount);
    if stage != spec.stage() {
        return Err(f.error(
            "stage",
            format!("an adjustment of the {basis} total is {}", spec.stage()),
        ));
    }
    if !matches!(f.get("delivered"), "" | "0") {
        return Err(f.error("delivered", "nothing is delivered on an adjustment"));
    }
    Ok(spec)
}

/// The contribution of a row, from its kind and size columns.
fn contribution(
    f: &Fields<'_>,
    kind: Kind,
    currency: Option<Currency>,
    ids: &mut Interner,
) -> Result<Contribution> {
    let count = |text: &str| -> Result<u64> {
        let canonical = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'));
        canonical
            .then(|| text.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| {
                Error::invalid(
                    format!("`{text}`"),
                    "count",
                    "expected a whole number written with digits only, without leading zeros",
                )
            })
    };
    let money = |text: &str| -> Result<Money> {
        let currency = currency
            .ok_or_else(|| Error::invalid("money", "currency", "the currency column is empty"))?;
        Ok(Money::new(parse_amount(text)?, currency))
    };
    only_in_kind(f, kind)?;
    match kind {
        Kind::Troops => Ok(Contribution::Troops {
            personnel: estimate(f, ["estimate", "low", "high"], count)?,
        }),
        Kind::Funding => Ok(Contribution::Funding {
            amount: estimate(f, ["estimate", "low", "high"], money)?,
        }),
        Kind::Equipment => {
            // Interned as other rows' categories are: one shared copy each.
            let category = f.parse("category", |t| ids.category(t))?;
            let units = estimate(f, ["estimate", "low", "high"], count)?;
            let value = match f.get("value_estimate") {
                "" => {
                    for column in ["value_low", "value_high"] {
                        if !f.get(column).is_empty() {
                            return Err(f.error(
                                column,
                                "a value needs its shape in `value_estimate` (`exact`, `range` or `at_least`)",
                            ));
                        }
                    }
                    None
                }
                _ => Some(estimate(
                    f,
                    ["value_estimate", "value_low", "value_high"],
                    money,
                )?),
            };
            Ok(Contribution::Equipment {
                category,
                units,
                value,
            })
        }
        Kind::Backstop => {
            let capability = f.parse("capability", str::parse)?;
            if !matches!(f.get("estimate"), "" | "unspecified") {
                return Err(f.error("estimate", "a backstop has no size: use `unspecified`"));
            }
            for column in ["low", "high"] {
                if !f.get(column).is_empty() {
                    return Err(f.error(column, "a backstop has no size: leave it empty"));
                }
            }
            Ok(Contribution::Backstop { capability })
        }
    }
}

/// Refuses a cell the row's kind has no place for, which would otherwise
/// be dropped without a word: a capability on a pledge that is not a
/// backstop, an equipment value on a pledge that is not equipment.
#[allow(
    clippy::inline_always,
    reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
)]
#[inline(always)]
fn only_in_kind(f: &Fields<'_>, kind: Kind) -> Result<()> {
    if kind != Kind::Backstop && !f.get("capability").is_empty() {
        return Err(f.error(
            "capability",
            format!("only a backstop has a capability, not a pledge of kind `{kind}`"),
        ));
    }
    if kind != Kind::Equipment {
        for column in ["value_estimate", "value_low", "value_high"] {
            if !f.get(column).is_empty() {
                return Err(f.error(
                    column,
                    format!("only equipment has a value, not a pledge of kind `{kind}`"),
                ));
            }
        }
    }
    Ok(())
}

/// Reads an estimate from its three columns.
#[allow(
    clippy::inline_always,
    reason = "a literal column name folds to its slot only inlined (see `Fields::get`)"
)]
#[inline(always)]
fn estimate<T: Copy + PartialOrd>(
    f: &Fields<'_>,
    [kind, low, high]: [&'static str; 3],
    parse: impl Fn(&str) -> Result<T>,
) -> Result<Estimate<T>> {
    let (l, h) = (f.optional(low, &parse)?, f.optional(high, &parse)?);
    let shape = f.get(kind);
    let missing =
        |column: &'static str| f.error(column, format!("required for an estimate `{shape}`"));
    let extra =
        |column: &'static str| f.error(column, format!("must be empty for an estimate `{shape}`"));
    match shape {
        "exact" => {
            let v = l.ok_or_else(|| missing(low))?;
            match h {
                Some(h) if h != v => {
                    Err(f.error(high, format!("must equal `{low}` for an exact estimate")))
                }
                _ => Ok(Estimate::Exact(v)),
            }
        }
        "range" => {
            let (l, h) = (
                l.ok_or_else(|| missing(low))?,
                h.ok_or_else(|| missing(high))?,
            );
            Estimate::range(l, h).map_err(|_| f.error(high, format!("must not be below `{low}`")))
        }
        "at_least" => match h {
            Some(_) => Err(extra(high)),
            None => Ok(Estimate::AtLeast(l.ok_or_else(|| missing(low))?)),
        },
        "unspecified" => match (l, h) {
            (None, None) => Ok(Estimate::Unspecified),
            (Some(_), _) => Err(extra(low)),
            (_, Some(_)) => Err(extra(high)),
        },
        other => Err(f.error(
            kind,
            format!("`{other}` is not one of exact, range, at_least, unspecified"),
        )),
    }
}

/// The items of a `;`-separated list (`\;` and `\\` escape), at most
/// `max` of them (the message names `what` otherwise), checked before any
/// item is returned. A list without a backslash is split in place, as the
/// reading goes: no copies and no vector (each was an allocation per row).
fn split_list<'t>(
    text: &'t str,
    max: usize,
    what: &str,
) -> std::result::Result<ListItems<'t>, String> {
    if text.is_empty() {
        return Ok(ListItems::Copied(Vec::new().into_iter()));
    }
    if memchr::memchr(b'\\', text.as_bytes()).is_none() {
        // n semicolons separate n + 1 items.
        if memchr::memchr_iter(b';', text.as_bytes()).count() >= max {
            return Err(too_many(max, what));
        }
        return Ok(ListItems::InPlace(Some(text)));
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    let push = |items: &mut Vec<String>, item: String| {
        if items.len() >= max {
            return Err(too_many(max, what));
        }
        items.push(item);
        Ok(())
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ';' => push(&mut items, std::mem::take(&mut current))?,
            other => current.push(other),
        }
    }
    push(&mut items, current)?;
    Ok(ListItems::Copied(items.into_iter()))
}

/// The items [`split_list`] found: borrowed from the text, or copied out of
/// it with their escapes resolved.
enum ListItems<'t> {
    /// The text not yet split (`None` once its last item is taken).
    InPlace(Option<&'t str>),
    Copied(std::vec::IntoIter<String>),
}

impl<'t> Iterator for ListItems<'t> {
    type Item = Cow<'t, str>;

    fn next(&mut self) -> Option<Cow<'t, str>> {
        match self {
            // As `str::split(';')`, found with `memchr` (a `;` is ASCII, so
            // every cut is at a character boundary).
            ListItems::InPlace(rest) => {
                let text = rest.take()?;
                match memchr::memchr(b';', text.as_bytes()) {
                    Some(at) => {
                        *rest = text.get(at.saturating_add(1)..);
                        text.get(..at).map(Cow::Borrowed)
                    }
                    None => Some(Cow::Borrowed(text)),
                }
            }
            ListItems::Copied(items) => items.next().map(Cow::Owned),
        }
    }
}

/// The error of a list longer than `max`.
fn too_many(max: usize, what: &str) -> String {
    format!("more than {max} {what}: the limit is {max}")
}

fn join_list(items: impl IntoIterator<Item = String>) -> String {
    let escaped: Vec<String> = items
        .into_iter()
        .map(|item| item.replace('\\', "\\\\").replace(';', "\\;"))
        .collect();
    escaped.join(";")
}

/// Writes the ledger's pledges as a CSV table with [`COLUMNS`].
///
/// A row holds a pledge's current state (see the [module docs](self) for
/// what it does not keep). The pledges are checked before anything is
/// written: one whose entries cite more sources together than a row may
/// hold ([`MAX_SOURCES_PER_ENTRY`], as a row is imported into entries
/// citing them all) is an error naming it, not a file the importer refuses.
///
/// # Errors
///
/// [`Error::Limit`] naming a pledge citing too many sources for a row;
/// [`Error::Io`] when writing fails.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::csv::export;
/// use coalition_ledger::prelude::*;
///
/// let mut out = Vec::new();
/// export(&fixtures::paris_summit(), &mut out)?;
/// let text = String::from_utf8_lossy(&out);
/// assert!(text.starts_with("id,member,kind"));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn export<W: Write>(ledger: &Ledger, writer: W) -> Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    // The `adjusts`, `void_reason` and `best_evidence` columns only when
    // something needs them: files of ledgers without any keep the columns
    // they always had.
    let wanted = |column: &str| match column {
        "adjusts" => ledger.has_adjustments(),
        "void_reason" => ledger.has_voided(),
        "best_evidence" => ledger.pledges().any(|p| p.best_evidence() != p.evidence()),
        _ => true,
    };
    let keep: Vec<bool> = COLUMNS.iter().map(|c| wanted(c)).collect();
    let kept = |fields: &[String]| -> Vec<String> {
        fields
            .iter()
            .zip(&keep)
            .filter(|(_, keep)| **keep)
            .map(|(field, _)| field.clone())
            .collect()
    };
    for pledge in ledger.pledges() {
        let cited = pledge.sources().len();
        if cited > MAX_SOURCES_PER_ENTRY {
            return Err(Error::limit(
                format!(
                    "sources of pledge `{}` in one CSV row (save the ledger as JSON to keep them)",
                    pledge.id()
                ),
                MAX_SOURCES_PER_ENTRY,
                cited,
            ));
        }
    }
    let header: Vec<String> = COLUMNS.iter().map(ToString::to_string).collect();
    csv.write_record(kept(&header)).map_err(write_error)?;
    for pledge in ledger.pledges() {
        csv.write_record(kept(&row_fields(&pledge)))
            .map_err(write_error)?;
    }
    csv.flush().map_err(|e| Error::io(None, &e))
}

fn write_error(error: csv::Error) -> Error {
    Error::Io {
        path: None,
        kind: std::io::ErrorKind::Other,
        message: error.to_string(),
    }
}

fn row_fields(p: &Pledge<'_>) -> [String; 24] {
    let contribution = p.contribution();
    let (size, capability) = match contribution {
        Contribution::Troops { personnel } => {
            (estimate_fields(personnel, |v| v.to_string()), String::new())
        }
        Contribution::Equipment { units, .. } => {
            (estimate_fields(units, |v| v.to_string()), String::new())
        }
        Contribution::Funding { amount } => (
            estimate_fields(amount, |m| m.amount().to_string()),
            String::new(),
        ),
        Contribution::Backstop { capability } => (
            ["unspecified".into(), String::new(), String::new()],
            capability.to_string(),
        ),
    };
    let value = match contribution {
        Contribution::Equipment { value: Some(v), .. } => {
            estimate_fields(v, |m| m.amount().to_string())
        }
        _ => Default::default(),
    };
    let [estimate, low, high] = size;
    let [value_estimate, value_low, value_high] = value;
    // A delivery corrected back to zero is written `0`, whatever its scale,
    // since import reads `0` as no delivery.
    let delivered = if p.delivered().is_zero() {
        "0".to_string()
    } else {
        p.delivered().to_string()
    };
    [
        neutralise(p.id().to_string()),
        neutralise(p.member().to_string()),
        p.kind().to_string(),
        neutralise(p.category().map(ToString::to_string).unwrap_or_default()),
        neutralise(capability),
        estimate,
        low,
        high,
        export_currency(p)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        value_estimate,
        value_low,
        value_high,
        p.stage().to_string(),
        p.evidence().to_string(),
        p.period().map(|d| d.to_string()).unwrap_or_default(),
        neutralise(join_list(p.conditions().iter().map(ToString::to_string))),
        neutralise(join_list(p.sources().into_iter().map(ToString::to_string))),
        delivered,
        neutralise(p.location().unwrap_or_default().to_string()),
        neutralise(p.notes().unwrap_or_default().to_string()),
        neutralise(p.withdrawal_reason().unwrap_or_default().to_string()),
        p.adjusts().map(|a| a.to_string()).unwrap_or_default(),
        neutralise(p.void_reason().unwrap_or_default().to_string()),
        if p.best_evidence() == p.evidence() {
            String::new()
        } else {
            p.best_evidence().to_string()
        },
    ]
}

/// The currency a row carries: that of the size or value, or of the money
/// delivered. A currency of deliveries corrected back to zero is not
/// written, since no row could carry it back in.
fn export_currency(p: &Pledge<'_>) -> Option<Currency> {
    let own = p.contribution().currency().ok().flatten();
    own.or_else(|| {
        if p.delivered().is_zero() {
            None
        } else {
            p.currency()
        }
    })
}

fn estimate_fields<T: Copy>(estimate: &Estimate<T>, text: impl Fn(T) -> String) -> [String; 3] {
    match *estimate {
        Estimate::Exact(v) => ["exact".into(), text(v), text(v)],
        Estimate::Range { low, high } => ["range".into(), text(low), text(high)],
        Estimate::AtLeast(v) => ["at_least".into(), text(v), String::new()],
        Estimate::Unspecified => ["unspecified".into(), String::new(), String::new()],
    }
}

/// Writes a query [`Table`] as CSV: a `row` column (`row`, `total` or
/// `note`), one column per dimension, then `measure`, `basis`, `currency`,
/// `low`, `high` (empty when unbounded), `count`, `unspecified`, `rounded`
/// (`true` when a division in the total was rounded outward) and `note`.
///
/// Amounts are written with every digit. After the total come the notes a
/// printed table shows under it (rows that overlap, a rounded division,
/// totals below zero, and what the answer left out: by the scenario, by
/// `as_of`, unconvertible, ...), one `note` row each with its text in the
/// `note` column and every other column empty, so the file says what the
/// answer left out as the printed table does. A constant-price table's
/// first note gives its base year (`values at constant 2025 prices`),
/// which its printed header shows.
///
/// # Errors
///
/// [`Error::Io`] when writing fails.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::csv::export_table;
/// use coalition_ledger::prelude::*;
///
/// let table = fixtures::paris_summit().query().group_by([Dimension::Kind]).run()?;
/// let mut out = Vec::new();
/// export_table(&table, &mut out)?;
/// let text = String::from_utf8_lossy(&out);
/// assert!(text.lines().next().is_some_and(|header| header.contains("kind")));
///
/// // A scenario's answer says what it left out.
/// let usa_fails = Scenario::new().fails(Condition::Backstop { by: MemberId::new("USA")? });
/// let table = fixtures::paris_summit().query().scenario(&usa_fails).run()?;
/// let mut out = Vec::new();
/// export_table(&table, &mut out)?;
/// let text = String::from_utf8_lossy(&out);
/// assert!(text.lines().any(|line| line.starts_with("note,") && line.contains("left out by the scenario")));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn export_table<W: Write>(table: &Table, writer: W) -> Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    let mut header = vec!["row".to_string()];
    header.extend(table.dimensions().iter().map(ToString::to_string));
    header.extend(
        [
            "measure",
            "basis",
            "currency",
            "low",
            "high",
            "count",
            "unspecified",
            "rounded",
            "note",
        ]
        .map(String::from),
    );
    let columns = header.len();
    csv.write_record(&header).map_err(write_error)?;
    let tail = |total: &crate::query::Total| {
        [
            table.measure().to_string(),
            table.basis().to_string(),
            table.currency().map(|c| c.to_string()).unwrap_or_default(),
            total.low().to_string(),
            total.high().map(|h| h.to_string()).unwrap_or_default(),
            total.count().to_string(),
            total.unspecified().to_string(),
            total.is_rounded().to_string(),
            String::new(),
        ]
    };
    for row in table.rows() {
        let mut fields = vec!["row".to_string()];
        fields.extend(row.keys().iter().map(|key| neutralise(key.to_string())));
        fields.extend(tail(row.total()));
        csv.write_record(&fields).map_err(write_error)?;
    }
    let mut fields = vec!["total".to_string()];
    fields.extend(table.dimensions().iter().map(|_| String::new()));
    fields.extend(tail(table.total()));
    csv.write_record(&fields).map_err(write_error)?;
    // A constant-price table's figures depend on its base year, which no
    // column holds: a note says it, ahead of the others.
    let prices = table
        .base_year()
        .map(|year| format!("values at constant {year} prices"));
    for note in prices.into_iter().chain(table.notes()) {
        let mut fields = vec![String::new(); columns];
        if let Some(first) = fields.first_mut() {
            "note".clone_into(first);
        }
        if let Some(last) = fields.last_mut() {
            *last = note;
        }
        csv.write_record(&fields).map_err(write_error)?;
    }
    csv.flush().map_err(|e| Error::io(None, &e))
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn each_column_has_its_own_slot_and_kind() {
        for (i, name) in COLUMNS.iter().enumerate() {
            assert_eq!(slot(name), i, "{name}");
        }
        assert_eq!(slot("unknown"), COLUMNS.len());
    }

    /// The shortcut for fields without white space at either end gives
    /// what `str::trim` gives.
    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "a\u{a0}",
            "\u{2003}a",
            "a\u{1c}",
            "\u{85}",
            "ab c",
            "~x!",
            "é",
            " é ",
            "\u{7f}a\u{7f}",
            "a\u{3000}",
        ] {
            assert_eq!(super::trim(text), text.trim(), "{text:?}");
        }
    }

    proptest::proptest! {
        /// A list without escapes splits as `str::split(';')` splits it
        /// (an empty text is no item), and one with too many items is
        /// refused.
        #[test]
        fn lists_split_as_str_split_does(text in "[a;é]{0,12}") {
            let items: Vec<String> = super::split_list(&text, 5, "items").map_or_else(
                |message| vec![message],
                |items| items.map(std::borrow::Cow::into_owned).collect(),
            );
            let expected: Vec<String> = if text.is_empty() {
                Vec::new()
            } else if text.split(';').count() > 5 {
                vec!["more than 5 items: the limit is 5".to_string()]
            } else {
                text.split(';').map(String::from).collect()
            };
            proptest::prop_assert_eq!(items, expected);
        }
    }
}

#[cfg(test)]
mod text_key_tests {
    use super::{INLINE_KEY, TextKey, TextMap};

    /// Short and long texts, at the inline limit and one past it, are found
    /// by their bytes, and equal texts are equal keys whichever way held.
    #[test]
    fn keys_are_found_by_their_bytes_inline_or_boxed() {
        let texts: Vec<String> = [0, 1, INLINE_KEY - 1, INLINE_KEY, INLINE_KEY + 1, 300]
            .iter()
            .map(|&n| "é".repeat(n / 2) + &"s".repeat(n % 2))
            .collect();
        let mut map: TextMap<usize> = TextMap::default();
        for (i, text) in texts.iter().enumerate() {
            map.insert(TextKey::new(text), i);
        }
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(map.get(text.as_bytes()), Some(&i), "{text}");
            assert_eq!(TextKey::new(text).as_bytes(), text.as_bytes());
        }
        assert!(matches!(
            TextKey::new(&"a".repeat(INLINE_KEY)),
            TextKey::Inline { .. }
        ));
        assert!(matches!(
            TextKey::new(&"a".repeat(INLINE_KEY + 1)),
            TextKey::Boxed(_)
        ));
        assert_eq!(map.get("s;t".as_bytes()), None);
    }
}

#[cfg(test)]
mod sharing_tests {
    use super::*;

    /// `rows` rows of pledges citing sources, a few of them broken as
    /// `broken` says (by row number), then `tail` as it stands.
    fn text(rows: usize, broken: &[(usize, &str)], tail: &str) -> Vec<u8> {
        let mut text =
            b"id,member,kind,estimate,low,high,stage,evidence,sources,delivered\n".to_vec();
        for i in 0..rows {
            match broken.iter().find(|(at, _)| *at == i) {
                Some((_, row)) => text.extend_from_slice(row.as_bytes()),
                None => text.extend_from_slice(
                    format!(
                        "P{i},M{},troops,range,{i},{},committed,reported,S{};S{},{}\n",
                        i % 7,
                        i * 2,
                        i % 5,
                        5 + i % 3,
                        i % 4
                    )
                    .as_bytes(),
                ),
            }
        }
        text.extend_from_slice(tail.as_bytes());
        text
    }

    /// The ledger, or every error in order.
    fn outcome(result: Result<Ledger>) -> std::result::Result<Ledger, Vec<String>> {
        result.map_err(|e| match e {
            Error::CsvErrors { errors, .. } => errors.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        })
    }

    /// Whichever thread parses a chunk, the ledger and the errors are the
    /// same: chunks the recorder parsed (every other one) are recorded in
    /// their place, with their errors in file order.
    #[test]
    fn both_threads_parse_alike() {
        let importer = Importer::new()
            .add_missing_members(true)
            .add_missing_sources(true);
        let not_utf8 = "P300,M1,troops,exact,1,1,committed,reported,S\u{1},0\n";
        let cases = [
            text(1_000, &[], ""),
            text(
                1_000,
                &[
                    (10, "P10,M1,troops\n"),
                    (300, not_utf8),
                    (400, "P400,M1,troops,exact,1,1,soon,reported,S1,0\n"),
                    (520, "P520,M1,troops,exact,1,1,soon,reported,S1,0\n"),
                    (777, "P1,M1,troops,exact,1,1,committed,reported,S1,0\n"),
                ],
                "",
            ),
            text(
                900,
                &[(600, "P600,M1,troops,exact,1,1,soon,reported,S1,0\n")],
                "P900,\"open\n",
            ),
        ];
        for (i, mut case) in cases.into_iter().enumerate() {
            if i == 1 {
                // Row 300 (line 302) gets a byte that is not UTF-8.
                let at = case
                    .windows(2)
                    .position(|w| w == [b'S', 1])
                    .expect("the marked row");
                case[at + 1] = 0xff;
            }
            let alone = outcome(importer.import_handing(&case[..], Handing::WhenStarved));
            let shared = outcome(importer.import_handing(&case[..], Handing::EveryOther));
            assert_eq!(alone, shared, "case {i}");
            if i == 0 {
                let ledger = shared.expect("case 0 imports");
                assert_eq!(ledger.pledge_count(), 1_000);
                // The entries of a row cite one list, also in the chunks
                // the recording thread parsed with copies of its own.
                let entries: Vec<crate::entry::Entry> = ledger.entries().collect();
                let mut follow_ups = 0;
                for pair in entries.windows(2) {
                    if let [a, b] = pair {
                        if a.action().pledge().is_some()
                            && a.action().pledge() == b.action().pledge()
                        {
                            follow_ups += 1;
                            assert!(a.source_list().is_same(b.source_list()), "{b:?}");
                        }
                    }
                }
                assert!(follow_ups >= 500, "{follow_ups}");
                // Both threads' copies of the ids are known by address: the
                // ledger adopted the copies of the thread that did not
                // name them first.
                assert!(ledger.adopted_copies() > 0);
                continue;
            }
            let errors = shared.expect_err("a broken case fails");
            let lines: Vec<&str> = errors
                .iter()
                .map(|e| e.split([',', ':']).next().unwrap_or_default())
                .collect();
            let expected: &[&str] = if i == 1 {
                // Rows 10, 300, 400, 520 and 777 (lines 12, 302, 402, 522,
                // 779), in chunks 0, 1, 1, 2 and 3 of 256 rows: the
                // recording thread parses chunks 1 and 3 (rows 300 and 400
                // fail in its hands: a read error passed on, and its own
                // parse), the reading thread chunks 0 and 2.
                &[
                    "CSV line 12",
                    "CSV line 302",
                    "CSV line 402",
                    "CSV line 522",
                    "CSV line 779",
                ]
            } else {
                &["CSV line 602", "CSV line 902"]
            };
            assert_eq!(lines, expected, "{errors:?}");
        }
    }
}
