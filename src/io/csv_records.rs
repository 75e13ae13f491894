//! The crate's CSV reader (ledger import, mapping import, rates): plain
//! lines split at their commas, every other record through `csv_core`,
//! with `csv::Reader`'s records and errors, and each record placed at its
//! own first byte.
//!
//! Nearly every row of a ledger file is one line without a quote.
//! `csv::Reader` runs each of its bytes through `csv_core`'s state machine,
//! which was 13% of the instructions of a 100,000-row import. [`Records`]
//! splits such a line at its commas instead, found with `memchr`, and
//! hands every other record (one with a quote or a carriage return) to the
//! same `csv_core` reader the way `csv::Reader` drives it. A UTF-8 byte
//! order mark at the start of the input is stripped, as `csv_core` strips
//! it.
//!
//! A plain line needs no state machine. Outside quotes, `csv_core` ends a
//! field at each comma and the record at `\n`, copies every other byte,
//! and skips a `\n` at the start of a record (an empty line). A line with
//! neither `"` nor `\r` never leaves those states. At each record
//! boundary `csv_core` is in a state that reads any input as its start
//! state does, so the records it skipped leave nothing behind. Lines are
//! counted here, over every byte read, plain or through `csv_core`.
//!
//! What a reader sees is what `csv::Reader` gives, with its default
//! settings or with a comment byte ([`Records::guarded`]), record
//! for record:
//! - the same fields;
//! - the same record numbers;
//! - the same check of each record's field count against the first;
//! - the same UTF-8 check after it;
//! - errors worded the same;
//! - nothing more after an error from the input.
//!
//! A quote inside a field that does not start with one is kept as it is
//! (`ab"c` reads `ab"c`), as `csv_core` keeps it: nothing is changed, and
//! the crate's writers quote such a field, so it reads back the same.
//!
//! Seven things differ, on purpose:
//! - A quoted field ends at its closing quote: what follows must be a
//!   second quote (a quote in the text), a comma, a line end or the end of
//!   the input. Anything else is an error for the record
//!   ([`RecordError::AfterQuote`]), naming the field, and reading goes on.
//!   `csv_core` joins it on to the field (`"a"b` read as `ab`), which
//!   changed what the file says without a word.
//! - A `\r` alone ends a line, as `\n` and `\r\n` do, for every position
//!   (records, errors, and the guard's stops). `csv_core` ends a record at
//!   a lone `\r` but counts lines at `\n` only, so every record of a file
//!   with `\r` line ends (as old Mac programs write) was at line 1.
//! - A comment line ends at its first `\r` or `\n`, as a record does (a
//!   `\r\n` after it is one line end). `csv_core` ends one at a `\n`
//!   alone, so in a file with `\r` line ends a comment line took every
//!   record after it up to the next `\n`, perhaps the rest of the file,
//!   without a word.
//! - A record's line and byte are those of its first byte. `csv::Reader`
//!   gives the position where the previous record ended, before the line
//!   ends and comment lines that `csv_core` skips ahead of the next one, so
//!   a row after an empty or comment line, and every row of a file with
//!   `\r\n` line ends (as spreadsheets write them), was reported a line
//!   early, and a header after comment lines at line 1.
//! - A comment line that ends the input without a line end is skipped, as
//!   every other comment line is. `csv_core` reads it as a record of one
//!   empty field, which a file of more columns then fails on.
//! - A byte order mark is stripped however the input arrives. `csv_core`
//!   strips it only from a first input that holds all of it, and takes a
//!   first input of the mark alone for the end of the file: a reader that
//!   gave one byte at a time left the mark on the first column's name, and
//!   one whose first read was the mark read as empty.
//! - A comment line may be of any length: it is skipped as it is read,
//!   never held whole.
//!
//! The tests read random inputs with both, through readers that return
//! few bytes at a time, with and without comments, and compare, moving
//! `csv::Reader`'s positions past the line ends and comment lines, counting
//! lines at `\r` too, and expecting the error for each record whose bytes
//! have text after a closing quote, where `csv::Reader` reads it; each
//! lone `\r` that ends a comment line is given to `csv::Reader` as a `\n`,
//! so that it ends the comment there too. Records written with every kind
//! of line end, comment lines between them, and text after quotes are read
//! back at their lines, refused where they should be.

use super::csv_guard::{BYTE_ORDER_MARK, Guard};
use crate::limits::MAX_CSV_RECORD_BYTES;
use std::io::{self, Read};
use std::ops::Range;

/// Where a record starts, as `csv::Position` counts: the byte offset, the
/// 1-based line (where a `\r` alone ends a line too) and the 0-based record
/// number (the header is record 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) byte: u64,
    pub(crate) line: u64,
    pub(crate) record: u64,
}

impl Default for Position {
    fn default() -> Position {
        Position {
            byte: 0,
            line: 1,
            record: 0,
        }
    }
}

/// One record's fields, which [`Records::read_record`] fills; reused from
/// record to record, so that reading allocates only while records grow.
#[derive(Debug, Default, Clone)]
pub(crate) struct CsvRecord {
    text: String,
    /// Where each field ends in `text`.
    ends: Vec<usize>,
    /// Bytes between one field's end and the next one's start: the comma
    /// of a plain line (1), none between fields `csv_core` unescaped (0).
    gap: usize,
    position: Position,
}

impl CsvRecord {
    /// The field at `index`, if the record has that many.
    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before)?.saturating_add(self.gap),
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Every field, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map_while(|i| self.get(i))
    }

    /// Where the record starts.
    pub(crate) fn position(&self) -> Position {
        self.position
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Each field of `bytes`, cut as this record's ends say.
    fn cut<'b>(&self, bytes: &'b [u8]) -> impl Iterator<Item = &'b [u8]> {
        let gap = self.gap;
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = bytes.get(start..end).unwrap_or_default();
            start = end.saturating_add(gap);
            field
        })
    }
}

/// What [`Records::read_record`] may fail with. The wording of each is
/// `csv::Error`'s for the same case; `csv::Reader` has no
/// [`RecordError::AfterQuote`].
#[derive(Debug)]
pub(crate) enum RecordError {
    /// Reading the input failed, where reading stood; nothing more is read.
    Io { error: io::Error, at: Position },
    /// A record's field count differs from the first record's.
    UnequalLengths {
        at: Position,
        expected: u64,
        found: u64,
    },
    /// A field is not UTF-8.
    Utf8 {
        at: Position,
        field: usize,
        valid_up_to: usize,
    },
    /// A quoted field has more after its closing quote than a delimiter,
    /// a line end or the end of the input (`csv_core` would join it on).
    AfterQuote { at: Position, found: AfterQuote },
}

impl RecordError {
    /// Whether reading goes on after this error: a record of the wrong
    /// length, not UTF-8 or with text after a closing quote is one bad
    /// record; an input error ends it.
    pub(crate) fn goes_on(&self) -> bool {
        !matches!(self, RecordError::Io { .. })
    }

    /// The line of the record the error is about; for an input error, the
    /// line reading had reached (where the next record would start).
    pub(crate) fn line(&self) -> u64 {
        match self {
            RecordError::Io { at, .. }
            | RecordError::UnequalLengths { at, .. }
            | RecordError::Utf8 { at, .. }
            | RecordError::AfterQuote { at, .. } => at.line,
        }
    }

    /// The input error, if this is one.
    pub(crate) fn io(&self) -> Option<&io::Error> {
        match self {
            RecordError::Io { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The crate's error for this one, at its line: the guard's own
    /// message and line when it stopped the input.
    pub(crate) fn to_error(&self) -> crate::error::Error {
        if let Some(stop) = self.io().and_then(super::csv_guard::stop_in) {
            return crate::error::Error::Csv {
                line: stop.line,
                column: None,
                message: stop.message.clone(),
            };
        }
        // Worded for the reader of the error, which names the line already
        // (the `Display` wording is `csv::Reader`'s, with a second line).
        let message = match self {
            RecordError::Io { error, .. } => error.to_string(),
            RecordError::UnequalLengths {
                expected, found, ..
            } => format!(
                "this row has {found} {}, the header has {expected}",
                if *found == 1 { "field" } else { "fields" }
            ),
            RecordError::Utf8 {
                field, valid_up_to, ..
            } => format!(
                "field {} is not UTF-8 text (its first bad byte is byte {} of the field)",
                field.saturating_add(1),
                valid_up_to.saturating_add(1)
            ),
            RecordError::AfterQuote { found, .. } => format!(
                "field {} is quoted and must end at its closing quote; found {} after it",
                found.field.saturating_add(1),
                found.describe()
            ),
        };
        crate::error::Error::Csv {
            line: self.line(),
            column: None,
            message,
        }
    }
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Io { error, .. } => error.fmt(f),
            RecordError::UnequalLengths {
                at,
                expected,
                found,
            } => write!(
                f,
                "CSV error: record {} (line: {}, byte: {}): found record with {found} fields, \
                 but the previous record has {expected} fields",
                at.record, at.line, at.byte
            ),
            RecordError::Utf8 {
                at,
                field,
                valid_up_to,
            } => write!(
                f,
                "CSV parse error: record {} (line {}, field: {field}, byte: {}): invalid utf-8: \
                 invalid UTF-8 in field {field} near byte index {valid_up_to}",
                at.record, at.line, at.byte
            ),
            RecordError::AfterQuote { at, found } => write!(
                f,
                "CSV parse error: record {} (line {}, field: {}, byte: {}): a quoted field \
                 must end at its closing quote; found {} after it",
                at.record,
                at.line,
                found.field,
                at.byte,
                found.describe()
            ),
        }
    }
}

/// How far a [`Records`] has got: a byte order mark is stripped from the
/// start of the input, and `csv_core` must strip none later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// Nothing read yet: a byte order mark may come first.
    Unread,
    /// Past the start; `csv_core` has had no input yet.
    Reading,
    /// `csv_core` has had input (so it strips no byte order mark).
    CoreFed,
}

/// What the next record is, once found.
enum Found {
    /// A plain line: these bytes of the buffer, without the `\n`.
    Line(Range<usize>),
    /// A record `csv_core` read, of this many fields: they lie end to end
    /// in `fields`, each ending where the same place of `ends` says. With
    /// what came after a closing quote, when something did.
    Core(usize, Option<AfterQuote>),
    /// No more records.
    End,
}

/// Bytes read from the input at a time (`csv::Reader` reads 8 KiB; more
/// means fewer lines straddling two reads).
const BUFFER_BYTES: usize = 64 * 1024;

/// Reads CSV records from `R`; see the module docs.
///
/// The buffer holds at least one whole line, so the input should bound
/// the length of a record, as the import's
/// [`Guard`](super::csv_guard::Guard) does.
pub(crate) struct Records<R> {
    input: R,
    buffer: Vec<u8>,
    /// The unread bytes are `buffer[start..end]`.
    start: usize,
    end: usize,
    /// The input has reported its end.
    input_ended: bool,
    /// No more records: the end was reached, or the input failed.
    done: bool,
    /// Where reading stands: past the last record taken and any line
    /// ends skipped since (the next record starts here or after more line
    /// ends).
    position: Position,
    /// The first record's field count, which every later one must have.
    expected_fields: Option<u64>,
    core: csv_core::Reader,
    /// How far reading has got, for the byte order mark.
    progress: Progress,
    /// Within a comment line whose line end has not been read yet.
    in_comment: bool,
    /// Counts the lines of the bytes moved past.
    lines: LineEnds,
    /// How many unread bytes are known to hold no `\n`, `"` or `\r`: a
    /// line arriving in many small reads is searched once, not again from
    /// its start after each read.
    searched: usize,
    /// `core`'s output: the unescaped fields and where each ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// A line starting with this byte where a record would start is a
    /// comment, skipped up to its line end (a `\r` or a `\n`, where
    /// `csv_core` skips up to a `\n`).
    comment: Option<u8>,
    /// The header's column names, trimmed, once read: an error in a field
    /// names its column.
    names: Vec<String>,
}

impl<R: Read> Records<Guard<R>> {
    /// Reads `input` under the guard that bounds each record to
    /// [`MAX_CSV_RECORD_BYTES`], skipping comment lines that start with
    /// `comment` when given (as `csv::ReaderBuilder::comment` sets it):
    /// the reader and its guard skip the same lines.
    pub(crate) fn guarded(input: R, comment: Option<u8>) -> Records<Guard<R>> {
        let guard = Guard::with_comments(input, MAX_CSV_RECORD_BYTES, comment);
        Records::with_buffer(guard, BUFFER_BYTES, comment)
    }
}

impl<R: Read> Records<R> {
    /// Reads the header, the first record, into `header`: the header's
    /// line (past the empty and comment lines ahead of it), or 1 when the
    /// input holds no record, so that its problems name a line of the file.
    pub(crate) fn read_header(&mut self, header: &mut CsvRecord) -> Result<u64, RecordError> {
        let found = self.read_record(header)?;
        self.names = header.iter().map(|name| name.trim().to_string()).collect();
        Ok(if found { header.position().line } else { 1 })
    }

    /// The crate's error for `error`, naming the column of a field that
    /// is not UTF-8 by the header's name for it.
    pub(crate) fn located(&self, error: &RecordError) -> crate::error::Error {
        let mut located = error.to_error();
        let field = match error {
            RecordError::Utf8 { field, .. } => Some(*field),
            RecordError::AfterQuote { found, .. } => Some(found.field),
            _ => None,
        };
        if let (Some(field), crate::error::Error::Csv { column, .. }) = (field, &mut located) {
            *column = self.names.get(field).cloned();
        }
        located
    }

    /// A reader whose buffer starts at `bytes` (the tests use small ones
    /// to make lines straddle reads).
    fn with_buffer(input: R, bytes: usize, comment: Option<u8>) -> Records<R> {
        Records {
            input,
            buffer: vec![0; bytes.max(1)],
            start: 0,
            end: 0,
            input_ended: false,
            done: false,
            position: Position::default(),
            expected_fields: None,
            core: csv_core::ReaderBuilder::new().comment(comment).build(),
            progress: Progress::Unread,
            in_comment: false,
            lines: LineEnds::default(),
            searched: 0,
            fields: vec![0; 1024],
            ends: vec![0; 32],
            comment,
            names: Vec::new(),
        }
    }

    /// Reads the next record into `record`: `Ok(false)` once there are no
    /// more. The record's position is where its first byte is, past the
    /// line ends ahead of it (see [`Records::next_record`]).
    pub(crate) fn read_record(&mut self, record: &mut CsvRecord) -> Result<bool, RecordError> {
        record.clear();
        record.position = self.position;
        if self.done {
            return Ok(false);
        }
        let (found, at) = self.next_record().map_err(|error| {
            self.done = true;
            RecordError::Io {
                error,
                at: self.position,
            }
        })?;
        record.position = at;
        let mut bad_quote = None;
        let bytes = match found {
            Found::Line(range) => {
                let line = self.buffer.get(range).unwrap_or_default();
                split_at_commas(line, &mut record.ends);
                record.gap = 1;
                line
            }
            Found::Core(count, after_quote) => {
                bad_quote = after_quote;
                let ends = self.ends.get(..count).unwrap_or_default();
                record.ends.extend_from_slice(ends);
                record.gap = 0;
                self.fields
                    .get(..ends.last().copied().unwrap_or(0))
                    .unwrap_or_default()
            }
            Found::End => {
                self.done = true;
                return Ok(false);
            }
        };
        // As `csv::Reader` counts records and checks their length: the
        // count moves on even when the check fails.
        self.position.record = self.position.record.saturating_add(1);
        let found_fields = as_u64(record.ends.len());
        let expected = *self.expected_fields.get_or_insert(found_fields);
        if let Some(found) = bad_quote {
            // Before the field count: the text after the quote is the
            // first thing wrong with the record as written.
            record.clear();
            return Err(RecordError::AfterQuote { at, found });
        }
        if expected != found_fields {
            record.clear();
            return Err(RecordError::UnequalLengths {
                at,
                expected,
                found: found_fields,
            });
        }
        // A plain line is valid as a whole exactly when every field is: a
        // comma is ASCII, so cutting at one never splits a character. The
        // fields `csv_core` wrote end to end are not: two invalid halves of
        // a character would join into a valid one, so each is checked, as
        // `csv::Reader` checks them (ASCII needs no more).
        let fields_valid = record.gap == 1
            || bytes.is_ascii()
            || record.cut(bytes).all(|f| std::str::from_utf8(f).is_ok());
        if let Some(text) = fields_valid
            .then(|| std::str::from_utf8(bytes).ok())
            .flatten()
        {
            record.text.push_str(text);
            return Ok(true);
        }
        let (field, valid_up_to) = record
            .cut(bytes)
            .enumerate()
            .find_map(|(i, field)| {
                std::str::from_utf8(field)
                    .err()
                    .map(|e| (i, e.valid_up_to()))
            })
            .unwrap_or((0, 0));
        record.clear();
        Err(RecordError::Utf8 {
            at,
            field,
            valid_up_to,
        })
    }

    /// Finds the next record and where it starts, moving the position
    /// past it.
    ///
    /// Line ends ahead of a record (`\r`, `\n`: the `\n` of a `\r\n` after
    /// the last record, and empty lines) and comment lines (each up to its
    /// first `\r` or `\n`, see the module docs) are skipped first, as
    /// `csv_core` skips them, so that the record's position is its
    /// first byte's. `csv::Reader` gives the position before them: a record
    /// after an empty line, and every record of a file with `\r\n` line
    /// ends, was reported a line early, and a header after comment lines
    /// at line 1.
    fn next_record(&mut self) -> io::Result<(Found, Position)> {
        if self.progress == Progress::Unread {
            self.progress = Progress::Reading;
            self.skip_byte_order_mark()?;
        }
        loop {
            let unread = self.buffer.get(self.start..self.end).unwrap_or_default();
            if self.in_comment {
                // The rest of a comment that did not fit the buffer: taken
                // as it comes, never held whole, so a comment has no limit.
                // It ends at its first `\r` or `\n`, left to be skipped
                // with the line ends after it (a `\r\n` is one).
                let (taken, ended) = match memchr::memchr2(b'\n', b'\r', unread) {
                    Some(end) => (end, true),
                    None => (unread.len(), self.input_ended),
                };
                let lines = self.lines.count(unread.get(..taken).unwrap_or_default());
                self.consume(taken, lines);
                if ended {
                    self.in_comment = false;
                } else {
                    self.fill()?;
                }
                continue;
            }
            let ends = unread
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            if ends > 0 {
                let lines = self.lines.count(unread.get(..ends).unwrap_or_default());
                self.consume(ends, lines);
                continue;
            }
            if self.comment.is_some() && unread.first() == self.comment.as_ref() {
                self.in_comment = true;
                continue;
            }
            let at = self.position;
            let from = self.searched.min(unread.len());
            let special =
                memchr::memchr3(b'\n', b'"', b'\r', unread.get(from..).unwrap_or_default())
                    .map(|i| i.saturating_add(from));
            match special {
                Some(end) if unread.get(end) == Some(&b'\n') => {
                    let line = self.start..self.start.saturating_add(end);
                    self.lines.past_other();
                    self.consume(end.saturating_add(1), 1);
                    return Ok((Found::Line(line), at));
                }
                Some(_) => return Ok((self.through_core()?, at)),
                None if self.input_ended => {
                    if unread.is_empty() {
                        return Ok((Found::End, at));
                    }
                    let line = self.start..self.end;
                    self.lines.past_other();
                    self.consume(unread.len(), 0);
                    return Ok((Found::Line(line), at));
                }
                None => {
                    self.searched = unread.len();
                    self.fill()?;
                }
            }
        }
    }

    /// Strips a UTF-8 byte order mark from the start of the input, as
    /// `csv_core` does, once three bytes are in (or the input ended).
    /// `csv_core` strips it only from a first input that holds all of it
    /// (a reader giving a byte at a time left it on the first column's
    /// name) and takes a first input of the mark alone for the end of the
    /// file (a reader whose first read was the mark read as empty).
    fn skip_byte_order_mark(&mut self) -> io::Result<()> {
        while self.end.saturating_sub(self.start) < BYTE_ORDER_MARK.len() && !self.input_ended {
            self.fill()?;
        }
        let unread = self.buffer.get(self.start..self.end).unwrap_or_default();
        if unread.starts_with(&BYTE_ORDER_MARK) {
            self.consume(BYTE_ORDER_MARK.len(), 0);
        }
        Ok(())
    }

    /// Moves past `bytes` bytes holding `lines` line ends.
    fn consume(&mut self, bytes: usize, lines: usize) {
        self.searched = 0;
        self.start = self.start.saturating_add(bytes);
        self.position.byte = self.position.byte.saturating_add(as_u64(bytes));
        self.position.line = self.position.line.saturating_add(as_u64(lines));
    }

    /// Reads the next record with `csv_core`, as `csv::Reader` does: it
    /// takes what is buffered, and more input only once that is used up.
    /// The bytes it reads are followed for what comes after a closing quote
    /// (which `csv_core` joins on to the field) and for line ends (it counts
    /// `\n` alone).
    fn through_core(&mut self) -> io::Result<Found> {
        self.searched = 0;
        let mut quotes = QuoteCheck::default();
        let (mut written, mut ended) = (0, 0);
        loop {
            if self.start == self.end && !self.input_ended {
                self.fill()?;
            }
            let mut input = self.buffer.get(self.start..self.end).unwrap_or_default();
            if self.progress != Progress::CoreFed && !input.is_empty() {
                // `csv_core` strips a byte order mark from its first input;
                // the mark at the start is gone already, and a later one is
                // data. Given one byte first, it strips nothing.
                self.progress = Progress::CoreFed;
                input = input.get(..1).unwrap_or_default();
            }
            let (result, read, wrote, ends) = self.core.read_record(
                input,
                self.fields.get_mut(written..).unwrap_or_default(),
                self.ends.get_mut(ended..).unwrap_or_default(),
            );
            let taken = input.get(..read).unwrap_or_default();
            quotes.follow(taken);
            let lines = self.lines.count(taken);
            self.consume(read, lines);
            written = written.saturating_add(wrote);
            ended = ended.saturating_add(ends);
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => grow(&mut self.fields),
                csv_core::ReadRecordResult::OutputEndsFull => grow(&mut self.ends),
                csv_core::ReadRecordResult::Record => {
                    return Ok(Found::Core(ended, quotes.found));
                }
                csv_core::ReadRecordResult::End => return Ok(Found::End),
            }
        }
    }

    /// Reads more input after the unread bytes, which move to the front;
    /// the buffer doubles when they fill it.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end = self.end.saturating_sub(self.start);
            self.start = 0;
        }
        if self.end == self.buffer.len() {
            grow(&mut self.buffer);
        }
        // One read, as a `BufReader` makes: an interrupted read fails the
        // way it fails `csv::Reader`.
        let read = self
            .input
            .read(self.buffer.get_mut(self.end..).unwrap_or_default())?;
        if read == 0 {
            self.input_ended = true;
        }
        self.end = self.end.saturating_add(read).min(self.buffer.len());
        Ok(())
    }
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Counts line ends in the bytes read, in order: each `\n`, and each `\r`
/// (a line end alone in files written for old Macs), but a `\r\n` once,
/// even when a read ends between them. (`csv_core` counts `\n` alone, so
/// every record of a file with `\r` line ends was at line 1.)
#[derive(Debug, Default)]
struct LineEnds {
    /// The last byte counted was a `\r`.
    after_cr: bool,
}

impl LineEnds {
    /// How many lines end in `bytes`, which come next.
    fn count(&mut self, bytes: &[u8]) -> usize {
        let Some(&last) = bytes.last() else {
            return 0;
        };
        let returns = memchr::memchr_iter(b'\r', bytes).count();
        let lone_newlines = memchr::memchr_iter(b'\n', bytes)
            .filter(|&i| match i.checked_sub(1) {
                Some(before) => bytes.get(before) != Some(&b'\r'),
                None => !self.after_cr,
            })
            .count();
        self.after_cr = last == b'\r';
        returns.saturating_add(lone_newlines)
    }

    /// Bytes that do not end in `\r` came next, their lines counted by the
    /// caller (a plain line and its `\n`).
    fn past_other(&mut self) {
        self.after_cr = false;
    }
}

/// Where a record read through `csv_core` is, for [`QuoteCheck`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Quoting {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// Just past a quote inside a quoted field: a second one is a quote
    /// of the field's text, anything else must end the field.
    Closed,
}

/// What came after a closing quote: in which field (0-based), and its
/// first bytes (up to one character's worth, as far as the record goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AfterQuote {
    field: usize,
    bytes: [u8; 4],
    len: usize,
}

impl AfterQuote {
    /// The character found, for the error: in backquotes, escaped when it
    /// would not show, or the byte when it is no character.
    fn describe(&self) -> String {
        let bytes = self.bytes.get(..self.len).unwrap_or_default();
        let first = self.bytes.first().copied().unwrap_or(0);
        match std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.chars().next())
        {
            Some(' ') => "a space".to_string(),
            Some(c) if c.is_whitespace() || c.is_control() => {
                format!("`{}`", c.escape_default())
            }
            Some(c) => format!("`{c}`"),
            None => format!("the byte 0x{first:02X}"),
        }
    }
}

/// Follows one record's bytes, as `csv_core` reads them, for the first
/// byte after a closing quote that neither ends the field nor quotes a
/// quote. `csv_core` reads `"a"b` as `ab`; this crate refuses it.
#[derive(Debug, Default)]
struct QuoteCheck {
    state: Quoting,
    field: usize,
    found: Option<AfterQuote>,
}

impl QuoteCheck {
    /// Follows `bytes`, the next of the record. Between quotes, only the
    /// next quote matters and only commas change the field, so runs without
    /// a quote are passed at once (a file with `\r\n` line ends reads every
    /// record this way).
    fn follow(&mut self, mut bytes: &[u8]) {
        while let Some((&byte, rest)) = bytes.split_first() {
            if let Some(found) = self.found.as_mut() {
                // The rest of the character found, for its description;
                // nothing more matters.
                let width = utf8_width(found.bytes.first().copied().unwrap_or(0));
                if found.len >= width {
                    return;
                }
                if let Some(slot) = found.bytes.get_mut(found.len) {
                    *slot = byte;
                }
                found.len = found.len.saturating_add(1);
                bytes = rest;
                continue;
            }
            if self.state != Quoting::Closed {
                let run = memchr::memchr(b'"', bytes).unwrap_or(bytes.len());
                if let Some((plain, after)) = bytes.split_at_checked(run).filter(|_| run > 0) {
                    if self.state != Quoting::Quoted {
                        let commas = memchr::memchr_iter(b',', plain).count();
                        self.field = self.field.saturating_add(commas);
                        self.state = match plain.last() {
                            Some(b',') => Quoting::FieldStart,
                            _ => Quoting::Unquoted,
                        };
                    }
                    bytes = after;
                    continue;
                }
            }
            self.state = match (self.state, byte) {
                (Quoting::Quoted, b'"') => Quoting::Closed,
                (Quoting::Quoted, _) | (Quoting::Closed | Quoting::FieldStart, b'"') => {
                    Quoting::Quoted
                }
                (_, b',') => {
                    self.field = self.field.saturating_add(1);
                    Quoting::FieldStart
                }
                (Quoting::Closed, b'\r' | b'\n') => Quoting::FieldStart,
                (Quoting::Closed, _) => {
                    self.found = Some(AfterQuote {
                        field: self.field,
                        bytes: [byte, 0, 0, 0],
                        len: 1,
                    });
                    Quoting::Unquoted
                }
                _ => Quoting::Unquoted,
            };
            bytes = rest;
        }
    }
}

/// How many bytes the UTF-8 character starting with `lead` has (1 for a
/// byte that starts none).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

fn grow<T: Default + Clone>(buffer: &mut Vec<T>) {
    let len = buffer.len().saturating_mul(2).max(1);
    buffer.resize(len, T::default());
}

/// Where each comma-separated field of `line` ends. Eight bytes at a time,
/// in a `u64`: a mask with the top bit of each comma's byte set, then one
/// step per comma. Sixteen bytes folded into a mask one byte at a time
/// (which the compiler did not make a vector compare) cost 227
/// instructions a row of the benchmark's files for the fold alone; this
/// took the staged import of 100,000 rows from 994.3 M instructions to
/// 985.2 M.
fn split_at_commas(line: &[u8], ends: &mut Vec<usize>) {
    const COMMAS: u64 = u64::from_ne_bytes([b','; 8]);
    const LOW_SEVEN: u64 = u64::from_ne_bytes([0x7f; 8]);
    let (words, rest) = line.as_chunks::<8>();
    let mut base = 0usize;
    for word in words {
        // A byte of `x` is zero exactly where the line has a comma. Its
        // low seven bits plus 0x7f carry into its top bit unless they are
        // all zero, and never into the next byte; or'd with `x` itself,
        // the top bit is clear exactly for a zero byte.
        let x = u64::from_le_bytes(*word) ^ COMMAS;
        let nonzero = (x & LOW_SEVEN).wrapping_add(LOW_SEVEN) | x;
        let mut mask = !(nonzero | LOW_SEVEN);
        while mask != 0 {
            ends.push(base.saturating_add((mask.trailing_zeros() / 8) as usize));
            mask &= mask.wrapping_sub(1);
        }
        base = base.saturating_add(8);
    }
    for (i, &byte) in rest.iter().enumerate() {
        if byte == b',' {
            ends.push(base.saturating_add(i));
        }
    }
    ends.push(line.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::csv_guard::Guard;
    use proptest::prelude::*;

    /// A reader that returns at most `step` bytes a read, but at least
    /// `first` bytes on the first read.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
        first: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let step = self.step.max(std::mem::take(&mut self.first));
            let n = step.min(buf.len()).min(self.bytes.len());
            let (now, rest) = self.bytes.split_at(n);
            buf.get_mut(..n).unwrap_or_default().copy_from_slice(now);
            self.bytes = rest;
            Ok(n)
        }
    }

    /// What one read gave: the record's fields and position, or the
    /// error's text and whether reading goes on.
    type Outcome = Result<Option<(Vec<String>, u64, u64, u64)>, (String, bool)>;

    fn outcome(
        read: Result<bool, (String, bool)>,
        fields: impl Iterator<Item = String>,
        (byte, line, number): (u64, u64, u64),
    ) -> Outcome {
        read.map(|more| more.then(|| (fields.collect(), byte, line, number)))
    }

    /// The line of byte `byte` of `input`: one more than the line ends
    /// before it, `\n`, `\r` and `\r\n` each one (`csv_core` counts `\n`).
    fn line_at(input: &[u8], byte: u64) -> u64 {
        let before = input
            .get(..usize::try_from(byte).unwrap_or(usize::MAX))
            .unwrap_or(input);
        let mut line = 1;
        for (i, &b) in before.iter().enumerate() {
            let crlf_end = b == b'\n' && i > 0 && before[i - 1] == b'\r';
            if b == b'\r' || (b == b'\n' && !crlf_end) {
                line += 1;
            }
        }
        line
    }

    /// Where a record of `input` starts by this module's count, given
    /// where `csv::Reader` says it does: past the line ends and comment
    /// lines (each to its first `\r` or `\n`) ahead of it (and the first
    /// record past the byte order mark that `csv_core` stripped), and at
    /// the line that counts `\r` line ends too.
    fn first_byte(input: &[u8], p: &csv::Position, comment: Option<u8>) -> (u64, u64) {
        let from = usize::try_from(p.byte()).unwrap_or(usize::MAX);
        let ahead = input.get(from..).unwrap_or_default();
        let mut skipped = 0;
        if p.record() == 0 && ahead.starts_with(&BYTE_ORDER_MARK) {
            skipped = BYTE_ORDER_MARK.len();
        }
        loop {
            let rest = &ahead[skipped..];
            let ends = rest
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            skipped += ends;
            if comment.is_some() && ahead.get(skipped) == comment.as_ref() {
                // Up to its line end, which the next turn skips.
                skipped = memchr::memchr2(b'\n', b'\r', &ahead[skipped..])
                    .map_or(ahead.len(), |end| skipped + end);
            } else if ends == 0 {
                break;
            }
        }
        let byte = p.byte() + as_u64(skipped);
        (byte, line_at(input, byte))
    }

    /// What this module refuses where `csv::Reader` reads on: the first
    /// byte after a closing quote that is neither a second quote, nor a
    /// comma, nor a line end, in the bytes of one record (from its first
    /// byte); the field it is in, and how the error shows it.
    fn after_closing_quote(raw: &[u8]) -> Option<(usize, String)> {
        let (mut field, mut quoted, mut closed, mut at_start) = (0, false, false, true);
        for (i, &b) in raw.iter().enumerate() {
            if quoted {
                if closed && b != b'"' {
                    quoted = false;
                    if !matches!(b, b',' | b'\r' | b'\n') {
                        let shown = match raw[i..].utf8_chunks().next() {
                            Some(chunk) => match chunk.valid().chars().next() {
                                Some(' ') => "a space".to_string(),
                                Some(c) if c.is_control() || c.is_whitespace() => {
                                    format!("`{}`", c.escape_default())
                                }
                                Some(c) => format!("`{c}`"),
                                None => format!("the byte 0x{b:02X}"),
                            },
                            None => format!("the byte 0x{b:02X}"),
                        };
                        return Some((field, shown));
                    }
                } else {
                    closed = !closed && b == b'"';
                    continue;
                }
            } else if at_start && b == b'"' {
                (quoted, closed, at_start) = (true, false, false);
                continue;
            }
            at_start = b == b',';
            if at_start {
                field += 1;
            }
        }
        None
    }

    fn of_csv(
        input: &[u8],
        comment: Option<u8>,
        read: Result<bool, (String, bool)>,
        record: &csv::StringRecord,
    ) -> Outcome {
        let at = record.position().map_or((0, 0, 0), |p| {
            let (byte, line) = first_byte(input, p, comment);
            (byte, line, p.record())
        });
        outcome(read, record.iter().map(String::from), at)
    }

    /// `csv::Reader`'s error, worded by it, with the position moved as
    /// [`first_byte`] moves it.
    fn csv_error(input: &[u8], comment: Option<u8>, e: &csv::Error) -> (String, bool) {
        let text = e.to_string();
        match e.kind() {
            csv::ErrorKind::UnequalLengths { pos: Some(p), .. } => {
                let (byte, line) = first_byte(input, p, comment);
                let text = text.replace(
                    &format!("(line: {}, byte: {})", p.line(), p.byte()),
                    &format!("(line: {line}, byte: {byte})"),
                );
                (text, true)
            }
            csv::ErrorKind::Utf8 { pos: Some(p), .. } => {
                let (byte, line) = first_byte(input, p, comment);
                let text = text
                    .replace(&format!("(line {}, ", p.line()), &format!("(line {line}, "))
                    .replace(&format!("byte: {})", p.byte()), &format!("byte: {byte})"));
                (text, true)
            }
            _ => (text, false),
        }
    }

    fn of_records(read: Result<bool, (String, bool)>, record: &CsvRecord) -> Outcome {
        let p = record.position();
        outcome(
            read,
            record.iter().map(String::from),
            (p.byte, p.line, p.record),
        )
    }

    /// `input` for `csv_core` to end each comment line where this module
    /// does, at its first `\r` or `\n`: a lone `\r` that ends one (where
    /// `csv_core` reads on to the next `\n`) made a `\n`. Nothing else
    /// changes, nor the bytes and lines of any record. (A `\r\n` after a
    /// comment stays: `csv_core` ends the comment at its `\n`, this module
    /// at its `\r` and skips the `\n`, the same bytes either way.) A
    /// comment starts where a record would, as `csv_core` finds records:
    /// a quote opens a field only at its start, `""` in one is a quote, and
    /// text after a closing quote is part of the field.
    fn comments_ended_as_read(input: &[u8], comment: Option<u8>) -> Vec<u8> {
        #[derive(Clone, Copy)]
        enum At {
            Record,
            Field,
            Unquoted,
            Quoted,
            QuoteInQuoted,
            Comment,
        }
        let mut out = input.to_vec();
        let Some(comment) = comment else {
            return out;
        };
        let start = if input.starts_with(&BYTE_ORDER_MARK) {
            BYTE_ORDER_MARK.len()
        } else {
            0
        };
        let mut at = At::Record;
        for i in start..out.len() {
            at = match (at, out[i]) {
                (At::Comment, b'\r') => {
                    if out.get(i + 1) != Some(&b'\n') {
                        out[i] = b'\n';
                    }
                    At::Record
                }
                (At::Comment, b'\n') => At::Record,
                (At::Comment, _) => At::Comment,
                (At::Quoted, b'"') => At::QuoteInQuoted,
                (At::Record, b) if b == comment => At::Comment,
                // A quote opens a field at its start, and after a quote in
                // one it is a quote of the text.
                (At::Quoted, _) | (At::Record | At::Field | At::QuoteInQuoted, b'"') => At::Quoted,
                (_, b'\r' | b'\n') => At::Record,
                (_, b',') => At::Field,
                _ => At::Unquoted,
            };
        }
        out
    }

    /// Every read until two in a row give nothing, or an error ends it.
    /// `csv::Reader` reads `input` with each comment line ended where this
    /// module ends it (see [`comments_ended_as_read`]); positions and
    /// record bytes are `input`'s, which are the same.
    fn with_csv(input: &[u8], step: usize, limit: usize, comment: Option<u8>) -> Vec<Outcome> {
        let read_as = comments_ended_as_read(input, comment);
        // `csv::Reader` hands `csv_core` its first read as it comes: a byte
        // order mark split over two reads, or a first read of the mark
        // alone, would not be stripped, where `Records` waits for a fourth
        // byte (or the end) before the first record.
        let first = BYTE_ORDER_MARK.len() + 1;
        let guard = Guard::with_comments(
            Trickle {
                bytes: &read_as,
                step,
                first,
            },
            limit,
            comment,
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .comment(comment)
            .from_reader(guard);
        let mut record = csv::StringRecord::new();
        let mut all = Vec::new();
        loop {
            let start = reader.position().clone();
            let read = reader.read_record(&mut record);
            let bad_quote = || {
                let (byte, line) = first_byte(input, &start, comment);
                let end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
                let raw = input.get(usize::try_from(byte).unwrap_or(0)..end)?;
                after_closing_quote(raw).map(|(field, shown)| {
                    format!(
                        "CSV parse error: record {} (line {line}, field: {field}, byte: {byte}): \
                         a quoted field must end at its closing quote; found {shown} after it",
                        start.record()
                    )
                })
            };
            let refused = match &read {
                Ok(true) => bad_quote(),
                Err(e)
                    if matches!(
                        e.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    ) =>
                {
                    bad_quote()
                }
                _ => None,
            };
            if let Some(message) = refused {
                // Where `csv_core` joins the text after the quote on to the
                // field, this module refuses the record, and reads on.
                all.push(Err((message, true)));
                continue;
            }
            if is_final_comment(input, comment, &read, &record) {
                // Where `csv_core` makes a record of one empty field, this
                // module sees the comment it is and the end after it.
                all.extend([Ok(None), Ok(None)]);
                return all;
            }
            let read = read.map_err(|e| csv_error(input, comment, &e));
            let this = of_csv(input, comment, read, &record);
            let stop = matches!(this, Ok(None) | Err((_, false)));
            all.push(this);
            if stop {
                // What comes after the end, or after an input error.
                all.push(of_csv(
                    input,
                    comment,
                    reader
                        .read_record(&mut record)
                        .map_err(|e| (e.to_string(), false)),
                    &record,
                ));
                return all;
            }
        }
    }

    /// `csv_core` reads a comment line that ends the input without a line
    /// end as a record of one empty field (or the error that the record
    /// count is wrong), placed, past the line ends and comment lines ahead
    /// of it, at the end of the input.
    fn is_final_comment(
        input: &[u8],
        comment: Option<u8>,
        read: &csv::Result<bool>,
        record: &csv::StringRecord,
    ) -> bool {
        let at_end = |p: &csv::Position| first_byte(input, p, comment).0 == as_u64(input.len());
        match read {
            Ok(true) => record.len() == 1 && record.position().is_some_and(at_end),
            Err(e) => match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    pos: Some(p), len, ..
                } => *len == 1 && at_end(p),
                _ => false,
            },
            Ok(false) => false,
        }
    }

    fn with_records(
        input: &[u8],
        step: usize,
        limit: usize,
        buffer: usize,
        comment: Option<u8>,
    ) -> Vec<Outcome> {
        let guard = Guard::with_comments(
            Trickle {
                bytes: input,
                step,
                first: 0,
            },
            limit,
            comment,
        );
        let mut reader = Records::with_buffer(guard, buffer, comment);
        let mut record = CsvRecord::default();
        let mut all = Vec::new();
        loop {
            let read = reader
                .read_record(&mut record)
                .map_err(|e| (e.to_string(), e.goes_on()));
            let this = of_records(read, &record);
            let stop = matches!(this, Ok(None) | Err((_, false)));
            all.push(this);
            if stop {
                all.push(of_records(
                    reader
                        .read_record(&mut record)
                        .map_err(|e| (e.to_string(), false)),
                    &record,
                ));
                return all;
            }
        }
    }

    /// Bytes that steer the CSV state machine, a byte order mark, and
    /// bytes that are not UTF-8 alone (0xff, which no UTF-8 text holds; a
    /// lead byte and a continuation byte, which together make `é`).
    fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            6 => Just(b"a".to_vec()),
            2 => Just(b"bc".to_vec()),
            6 => Just(b",".to_vec()),
            4 => Just(b"\n".to_vec()),
            1 => Just(b"\r".to_vec()),
            1 => Just(b"\r\n".to_vec()),
            1 => Just(b"\"".to_vec()),
            1 => Just(b"#".to_vec()),
            1 => Just(b" ".to_vec()),
            1 => Just("é".as_bytes().to_vec()),
            1 => Just(vec![0xff]),
            // A lone lead byte and a lone continuation byte: together
            // they make `é`, so fields that split it are each invalid.
            1 => Just(vec![0xc3]),
            1 => Just(vec![0xa9]),
            1 => Just(vec![0xef, 0xbb, 0xbf]),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        /// The word-at-a-time split finds every comma and nothing else,
        /// whatever the bytes around it (those that differ from a comma in
        /// one bit, or only in the top bit, are the ones a carry could
        /// confuse) and wherever the line ends within a word.
        #[test]
        fn commas_are_found_a_word_at_a_time_as_a_byte_at_a_time(
            line in proptest::collection::vec(
                prop_oneof![
                    Just(b','),
                    Just(b',' | 0x80),
                    Just(b',' ^ 1),
                    Just(0u8),
                    Just(0x7fu8),
                    Just(0x80u8),
                    Just(0xffu8),
                    any::<u8>(),
                ],
                0..70,
            )
        ) {
            let mut ends = vec![7];
            split_at_commas(&line, &mut ends);
            let mut expected = vec![7];
            expected.extend(line.iter().enumerate().filter(|&(_, &b)| b == b',').map(|(i, _)| i));
            expected.push(line.len());
            prop_assert_eq!(ends, expected);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// Records and errors are `csv::Reader`'s, and positions too but
        /// for the line ends and comment lines ahead of a record, however
        /// the input arrives and however small the buffer starts. (The
        /// buffer is at least one read, as `csv::Reader`'s is, and
        /// `csv::Reader` gets at least four bytes on its first read: see
        /// [`with_csv`].)
        #[test]
        fn reads_as_csv_reader_does_but_places_records_at_their_first_byte(
            input in csv_bytes(),
            step in 1usize..20,
            buffer in 20usize..40,
            limit in prop_oneof![Just(usize::MAX), 4usize..40],
            comment in prop_oneof![Just(None), Just(Some(b'#'))],
        ) {
            prop_assert_eq!(
                with_records(&input, step, limit, buffer, comment),
                with_csv(&input, step, limit, comment)
            );
        }
    }

    #[test]
    fn plain_lines_are_split_at_commas_and_empty_lines_skipped() {
        let input = b"id,member\nP1,FRA\n\n\nP2,DEU";
        let got = with_records(input, 64, usize::MAX, 4, None);
        let records: Vec<_> = got
            .iter()
            .filter_map(|o| o.clone().ok().flatten())
            .map(|(fields, _, line, number)| (fields, line, number))
            .collect();
        assert_eq!(
            records,
            [
                (vec!["id".to_string(), "member".into()], 1, 0),
                (vec!["P1".to_string(), "FRA".into()], 2, 1),
                // Its own line, past the empty ones (`csv::Reader` says
                // line 3, where they begin).
                (vec!["P2".to_string(), "DEU".into()], 5, 2),
            ]
        );
        assert_eq!(got, with_csv(input, 64, usize::MAX, None));
    }

    /// A comment line is skipped where a record would start, after empty
    /// lines too; a `#` inside a record is data.
    #[test]
    fn comment_lines_are_skipped_and_the_next_record_keeps_its_line() {
        let input = b"id,n\r\n# a note, with a comma\r\n\r\nP1,#2\n#\nP2,\"3\"\n# last";
        let got = with_records(input, 64, usize::MAX, 8, Some(b'#'));
        let records: Vec<_> = got
            .iter()
            .filter_map(|o| o.clone().ok().flatten())
            .map(|(fields, _, line, _)| (fields, line))
            .collect();
        assert_eq!(
            records,
            [
                (vec!["id".to_string(), "n".into()], 1),
                (vec!["P1".to_string(), "#2".into()], 4),
                (vec!["P2".to_string(), "3".into()], 6),
            ]
        );
        assert_eq!(got, with_csv(input, 64, usize::MAX, Some(b'#')));
        // Without comments, the `#` lines are records of one field.
        let plain = with_records(input, 64, usize::MAX, 8, None);
        assert!(
            plain
                .iter()
                .any(|o| matches!(o, Err((m, true)) if m.contains("found record with 1 fields"))),
            "{plain:?}"
        );
    }

    /// Fields that `csv_core` writes end to end are checked one by one:
    /// `x\xc3` and `\xa9` are each invalid, though joined they read `xé`.
    #[test]
    fn halves_of_a_character_in_two_fields_are_refused() {
        for input in [&b"a,b\r\nx\xc3,\xa9\r\n"[..], b"a,b\n\"x\xc3\",\"\xa9\"\n"] {
            let got = with_records(input, 64, usize::MAX, 64, None);
            assert_eq!(got, with_csv(input, 64, usize::MAX, None));
            let refused = got.iter().any(|o| {
                matches!(o, Err((message, true)) if message.contains("invalid UTF-8 in field 0"))
            });
            assert!(refused, "{got:?}");
        }
    }

    /// What `with_records` read, shown briefly: each record's line and
    /// fields, or its error.
    fn read_briefly(input: &[u8], comment: Option<u8>) -> Vec<String> {
        let got = with_records(input, 3, usize::MAX, 20, comment);
        assert_eq!(got, with_csv(input, 3, usize::MAX, comment));
        got.into_iter()
            .filter_map(|o| match o {
                Ok(Some((fields, _, line, _))) => Some(format!("{line}: {fields:?}")),
                Ok(None) => None,
                Err((message, _)) => Some(message),
            })
            .collect()
    }

    /// After a closing quote comes a second quote, a comma, a line end or
    /// the end of the input; anything else is refused (`csv_core` would
    /// join it on to the field), naming the record and the field, and
    /// reading goes on. A quote inside an unquoted field is kept.
    #[test]
    fn text_after_a_closing_quote_is_refused_and_reading_goes_on() {
        let input = b"id,n\n1,\"a\"b\n2,\"c\"\"\"\n3,\"d\" \r4,\"e\"\"\"\xc3\xa9\n5,\"x\"\xc3\n\
                      6,ab\"c\n\"7\"\t,\n8,\"\"\"\"";
        let refused = |record: u64, line: u64, field: u64, byte: u64, found: &str| {
            format!(
                "CSV parse error: record {record} (line {line}, field: {field}, byte: {byte}): \
                 a quoted field must end at its closing quote; found {found} after it"
            )
        };
        assert_eq!(
            read_briefly(input, None),
            [
                r#"1: ["id", "n"]"#.to_string(),
                refused(1, 2, 1, 5, "`b`"),
                r#"3: ["2", "c\""]"#.to_string(),
                refused(3, 4, 1, 20, "a space"),
                refused(4, 5, 1, 27, "`é`"),
                refused(5, 6, 1, 37, "the byte 0xC3"),
                r#"7: ["6", "ab\"c"]"#.to_string(),
                refused(7, 8, 0, 51, "`\\t`"),
                r#"9: ["8", "\""]"#.to_string(),
            ]
        );
    }

    /// A `\r` alone ends a line, as `\n` and `\r\n` do (`csv_core` counts
    /// `\n` alone), between records, in quoted fields and after comments.
    #[test]
    fn carriage_returns_alone_end_lines() {
        let input = b"h,i\rr,1\r\"q\rq\",2\r\n\r\nr,3\n#c\rd,5\ne,4\r\r";
        assert_eq!(
            read_briefly(input, Some(b'#')),
            [
                r#"1: ["h", "i"]"#,
                r#"2: ["r", "1"]"#,
                r#"3: ["q\rq", "2"]"#,
                r#"6: ["r", "3"]"#,
                r#"8: ["d", "5"]"#,
                r#"9: ["e", "4"]"#,
            ]
        );
        // The line an error names is counted the same way.
        let uneven = read_briefly(b"a,b\r\rc\r", None);
        assert_eq!(
            uneven,
            [
                r#"1: ["a", "b"]"#,
                "CSV error: record 1 (line: 3, byte: 5): found record with 1 fields, \
                 but the previous record has 2 fields"
            ]
        );
    }

    /// A comment line ends at the first `\r` or `\n` in it, as a record
    /// does: in a file with `\r` line ends, every record after a comment
    /// line is read, at its line (`csv_core` ends a comment at `\n` alone,
    /// so one took the rest of such a file with it). A quote in a comment
    /// opens nothing, and a `\r\n` after one is one line end.
    #[test]
    fn comment_lines_end_at_a_carriage_return_too() {
        let input = b"id,n\r# a, \"note\r1,a\r#x\r\n2,b\r#\r\r3,\"c\r\"\r# last\r4,d";
        let expected = [
            r#"1: ["id", "n"]"#,
            r#"3: ["1", "a"]"#,
            r#"5: ["2", "b"]"#,
            r#"8: ["3", "c\r"]"#,
            r#"11: ["4", "d"]"#,
        ];
        for step in [1, 2, 3, 64] {
            for buffer in [1, 4, 64] {
                let got: Vec<String> = with_records(input, step, usize::MAX, buffer, Some(b'#'))
                    .into_iter()
                    .filter_map(|o| match o {
                        Ok(Some((fields, _, line, _))) => Some(format!("{line}: {fields:?}")),
                        Ok(None) => None,
                        Err((message, _)) => Some(message),
                    })
                    .collect();
                assert_eq!(got, expected, "step {step} buffer {buffer}");
            }
        }
        assert_eq!(read_briefly(input, Some(b'#')), expected);
        // A comment's `\r` ends it in the guard too: a quote after it
        // opens a field (here one never closed), and a record after it
        // counts towards the limit, at its own line.
        let guarded = |input: &[u8], limit| {
            let guard = Guard::with_comments(input, limit, Some(b'#'));
            let mut records = Records::with_buffer(guard, 64, Some(b'#'));
            let mut record = CsvRecord::default();
            let mut lines = Vec::new();
            loop {
                match records.read_record(&mut record) {
                    Ok(true) => lines.push(Ok(record.position().line)),
                    Ok(false) => return lines,
                    Err(e) => {
                        let stop = e.io().and_then(crate::io::csv_guard::stop_in);
                        lines.push(Err(stop.map(|s| s.line)));
                        if !e.goes_on() {
                            return lines;
                        }
                    }
                }
            }
        };
        assert_eq!(guarded(b"#a\r\"b\r", 100), [Err(Some(2))]);
        assert_eq!(guarded(b"ab\r#a\rabcdefgh\r", 4), [Ok(1), Err(Some(3))]);
    }

    proptest! {
        /// The check passes runs without a quote at once, over reads cut
        /// anywhere, and finds what the byte-by-byte model of the tests
        /// finds, in the same field, shown the same way.
        #[test]
        fn the_quote_check_finds_what_a_byte_by_byte_model_finds(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just(&b"a"[..]), Just(&b","[..]), Just(&b"\""[..]), Just(&b" "[..]),
                    Just("\u{e9}".as_bytes()), Just(&b"\xc3"[..]), Just(&b"\xa9"[..]),
                ],
                0..30,
            ),
            cuts in proptest::collection::vec(0usize..40, 0..5),
        ) {
            let record = pieces.concat();
            let mut check = QuoteCheck::default();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(record.len())).collect();
            cuts.sort_unstable();
            let mut from = 0;
            for cut in cuts.into_iter().chain([record.len()]) {
                check.follow(&record[from..cut]);
                from = cut;
            }
            let found = check.found.map(|f| (f.field, f.describe()));
            prop_assert_eq!(found, after_closing_quote(&record));
        }
    }

    /// One field of a generated record: plain text, quoted text (with
    /// quotes, commas and line ends of every kind), or quoted text with
    /// more after its closing quote.
    fn written_field() -> impl Strategy<Value = (String, Option<String>)> {
        let quoted = "[a,\"\r\n]{0,5}";
        prop_oneof![
            "[a-c]{1,3}".prop_map(|text| (text, None)),
            quoted.prop_map(|text| (format!("\"{}\"", text.replace('"', "\"\"")), None)),
            (
                quoted,
                prop_oneof![Just("b"), Just("bc"), Just(" "), Just("é"), Just("\t")]
            )
                .prop_map(|(text, after)| {
                    let written = format!("\"{}\"{after}", text.replace('"', "\"\""));
                    (written, Some(after.to_string()))
                }),
        ]
    }

    proptest! {
        /// Records written with any line ends, and empty lines between
        /// them, are read at their lines; each record with text after a
        /// closing quote is refused, naming its first such field, and the
        /// records after it are read.
        #[test]
        fn written_records_are_read_at_their_lines_and_bad_quotes_refused(
            rows in (1usize..4).prop_flat_map(|width| proptest::collection::vec(
                (
                    proptest::collection::vec(written_field(), width),
                    prop_oneof![
                        Just("\n"), Just("\r"), Just("\r\n"),
                        Just("\n\n"), Just("\r\r"), Just("\n\r"), Just("\r\n\r\n"),
                    ],
                ),
                1..8,
            )),
            step in 1usize..20,
        ) {
            let (mut input, mut expected, mut line) = (String::new(), Vec::new(), 1);
            for (record, (fields, end)) in rows.iter().enumerate() {
                let written: Vec<&str> = fields.iter().map(|(w, _)| w.as_str()).collect();
                let text = written.join(",");
                let bad = fields.iter().enumerate().find_map(|(i, (_, after))| {
                    after.as_ref().map(|a| (i, a))
                });
                expected.push(match bad {
                    Some((field, after)) => {
                        let shown = match after.as_str() {
                            " " => "a space".to_string(),
                            "\t" => "`\\t`".to_string(),
                            other => format!("`{}`", other.chars().next().unwrap_or('?')),
                        };
                        Err(format!(
                            "CSV parse error: record {record} (line {line}, field: {field}, \
                             byte: {}): a quoted field must end at its closing quote; found \
                             {shown} after it",
                            input.len()
                        ))
                    }
                    None => Ok((line, fields.len())),
                });
                input.push_str(&text);
                input.push_str(end);
                line = line_at(input.as_bytes(), as_u64(input.len()));
            }
            let got: Vec<_> = with_records(input.as_bytes(), step, usize::MAX, 20, None)
                .into_iter()
                .filter_map(|o| match o {
                    Ok(Some((fields, _, line, _))) => Some(Ok((line, fields.len()))),
                    Ok(None) => None,
                    Err((message, going_on)) => {
                        assert!(going_on, "{message}");
                        Some(Err(message))
                    }
                })
                .collect();
            prop_assert_eq!(got, expected, "{:?}", input);
        }
    }

    /// A comment line of a generated file: `#`, then text with quotes,
    /// commas and `#`, and its line end of any kind.
    fn written_comment() -> impl Strategy<Value = String> {
        (
            "[a,\" #]{0,6}",
            prop_oneof![Just("\n"), Just("\r"), Just("\r\n")],
        )
            .prop_map(|(text, end)| format!("#{text}{end}"))
    }

    proptest! {
        /// Records written with any line ends, comment lines (ended by a
        /// `\r`, a `\n` or a `\r\n`) and empty lines between them are all
        /// read, with their fields, at their lines, however the input
        /// arrives; a last comment without a line end is skipped.
        #[test]
        fn records_between_comment_lines_of_any_line_end_are_all_read(
            rows in (1usize..4).prop_flat_map(|width| proptest::collection::vec(
                (
                    proptest::collection::vec(written_comment(), 0..3),
                    proptest::collection::vec(
                        prop_oneof![
                            "[a-c][a-c#]{0,2}".prop_map(|text| (text.clone(), text)),
                            "[a,\"\r\n#]{0,5}".prop_map(|text| {
                                (format!("\"{}\"", text.replace('"', "\"\"")), text)
                            }),
                        ],
                        width,
                    ),
                    prop_oneof![
                        Just("\n"), Just("\r"), Just("\r\n"), Just("\r\r"), Just("\n\r"),
                    ],
                ),
                1..8,
            )),
            last in proptest::option::of("#[a,\"]{0,4}"),
            step in 1usize..20,
            buffer in 1usize..40,
        ) {
            let (mut input, mut expected) = (String::new(), Vec::new());
            for (comments, fields, end) in &rows {
                input.extend(comments.iter().map(String::as_str));
                let line = line_at(input.as_bytes(), as_u64(input.len()));
                let written: Vec<&str> = fields.iter().map(|(w, _)| w.as_str()).collect();
                let read: Vec<String> = fields.iter().map(|(_, r)| r.clone()).collect();
                expected.push((read, line));
                input.push_str(&written.join(","));
                input.push_str(end);
            }
            input.push_str(last.as_deref().unwrap_or_default());
            let got = with_records(input.as_bytes(), step, usize::MAX, buffer, Some(b'#'));
            let read: Vec<_> = got
                .iter()
                .filter_map(|o| match o {
                    Ok(Some((fields, _, line, _))) => Some(Ok((fields.clone(), *line))),
                    Ok(None) => None,
                    Err(e) => Some(Err(e.clone())),
                })
                .map(|o| o.unwrap_or_else(|e| panic!("{e:?} in {input:?}")))
                .collect();
            prop_assert_eq!(read, expected, "{:?}", input);
            prop_assert_eq!(got, with_csv(input.as_bytes(), step, usize::MAX, Some(b'#')));
        }
    }

    #[test]
    fn a_byte_order_mark_is_stripped_from_the_first_record_only() {
        let input = b"\xef\xbb\xbfid\n\xef\xbb\xbfP1\n";
        let got = with_records(input, 64, usize::MAX, 64, None);
        assert_eq!(got, with_csv(input, 64, usize::MAX, None));
        let first = got.first().cloned().and_then(Result::ok).flatten();
        assert_eq!(first.map(|r| r.0), Some(vec!["id".to_string()]));
    }
}
