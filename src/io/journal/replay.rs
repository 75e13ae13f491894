//! Rebuilding the ledger from a journal file, streaming it line by line.
//!
//! What may be cut and what is an error is on [`Recovery`](super::Recovery).

use std::io::{BufRead, Read};

use super::format::{Line, parse, verify};
use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::ledger::{Ledger, Recorded, Rules};
use crate::limits::{MAX_BATCH_ENTRIES, MAX_JOURNAL_LINE_BYTES};

/// Where replay starts: the beginning of the file, or just after what a
/// checkpoint covers.
pub(crate) struct Start {
    pub(crate) ledger: Ledger,
    pub(crate) offset: u64,
    pub(crate) line: u64,
    /// 0 at the beginning of the file (the first line says).
    pub(crate) version: u32,
    /// The CRC-32 of the file's first `offset` bytes.
    pub(crate) crc: u32,
}

impl Start {
    pub(crate) fn beginning() -> Start {
        Start {
            ledger: Ledger::new(),
            offset: 0,
            line: 0,
            version: 0,
            crc: 0,
        }
    }
}

/// An unfinished final write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tail {
    /// 1-based line where it starts.
    pub(crate) line: u64,
    /// Byte offset where it starts: the file's length without it.
    pub(crate) start: u64,
    /// How many bytes it holds.
    pub(crate) bytes: u64,
}

/// What replay found.
pub(crate) struct Replayed {
    pub(crate) ledger: Ledger,
    /// 1 or 2; 0 for an empty file.
    pub(crate) version: u32,
    pub(crate) tail: Option<Tail>,
    /// The last line verified but has no newline.
    pub(crate) missing_newline: bool,
    /// End of the intact prefix: every byte before it was applied (or is
    /// the header).
    pub(crate) good: u64,
    /// Lines in the intact prefix.
    pub(crate) good_lines: u64,
    /// The CRC-32 of the file's first `good` bytes, hashed as they were
    /// replayed (from [`Start::crc`] on).
    pub(crate) good_crc: u32,
    /// In salvage mode, the first problem met (replay stopped there).
    pub(crate) problem: Option<Error>,
}

struct Pending {
    start: u64,
    line: u64,
    remaining: u64,
    entries: Vec<(std::result::Result<Box<Entry>, u64>, u64)>,
}

/// Replays `reader` (positioned at `start.offset`). With `salvage`, the
/// first damaged line or refused entry stops replay and is returned in
/// [`Replayed::problem`] instead of as an error.
// One state machine over the lines reads best in one place.
#[allow(clippy::too_many_lines)]
pub(crate) fn replay<R: BufRead>(
    mut reader: R,
    start: Start,
    salvage: bool,
    path: &std::path::Path,
) -> Result<Replayed> {
    let io = |e: std::io::Error| Error::io(Some(path), &e);
    // A version-1 journal's lines keep the amounts version 1 wrote. Its
    // first line is an entry, read before anything says the version (a
    // later version's first line is its header, which ends this).
    let _amounts = crate::money::Version1Amounts::scope();
    if start.version <= 1 {
        crate::money::Version1Amounts::begin();
    }
    let limit = (MAX_JOURNAL_LINE_BYTES as u64).saturating_add(2);
    let mut out = Replayed {
        ledger: start.ledger,
        version: start.version,
        tail: None,
        missing_newline: false,
        good: start.offset,
        good_lines: start.line,
        good_crc: start.crc,
        problem: None,
    };
    let mut hasher = crc32fast::Hasher::new_with_initial(start.crc);
    let mut offset = start.offset;
    let mut number = start.line;
    let mut batch: Option<Pending> = None;
    let mut buf = Vec::with_capacity(1 << 12);
    let stop = |out: &mut Replayed, error: Error| -> Result<()> {
        if salvage {
            out.problem = Some(error);
            Ok(())
        } else {
            Err(error)
        }
    };
    loop {
        buf.clear();
        let n = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut buf)
            .map_err(io)?;
        if n == 0 {
            break;
        }
        number = number.saturating_add(1);
        hasher.update(&buf);
        let line_start = offset;
        offset = offset.saturating_add(n as u64);
        let complete = buf.last() == Some(&b'\n');
        let body = if complete {
            buf.get(..n.saturating_sub(1)).unwrap_or_default()
        } else {
            &buf[..]
        };
        let corrupt = |message: String| Error::JournalCorrupt {
            line: number,
            offset: line_start,
            message,
        };
        let verified = verify(body);
        let checksum_holds = verified.is_ok();
        let record = match verified.and_then(parse) {
            Ok(record) => record,
            Err(message) => {
                // Only a fragment whose checksum fails can be a torn write:
                // one that verifies was written whole, and is kept or is
                // damage, never cut.
                if !complete && !checksum_holds && (n as u64) < limit {
                    // The final fragment: torn, unless it is a complete
                    // line whose newline was damaged.
                    let without_last = body.get(..body.len().saturating_sub(1));
                    if without_last.is_some_and(|b| verify(b).and_then(parse).is_ok()) {
                        let message = "a complete line whose newline is damaged".to_string();
                        stop(&mut out, corrupt(message))?;
                        return Ok(out);
                    }
                    out.tail = Some(tail_from(batch.as_ref(), number, line_start, offset));
                    return Ok(out);
                }
                // A complete line that does not verify is damage, never an
                // unfinished write, even inside a batch: a crash leaves a
                // prefix of what was written (or zeros, which hold no
                // newline), so only the final fragment can be torn.
                stop(&mut out, corrupt(message))?;
                return Ok(out);
            }
        };
        if !complete {
            out.missing_newline = true;
        }
        match record {
            Line::Header { version } if line_start == 0 => {
                // Version 3 added entry values (dates known to a month or a
                // year, adjustments), not lines: a version-2 journal reads as
                // it always did.
                let Some(version) = u32::try_from(version)
                    .ok()
                    .filter(|v| (2..=super::VERSION).contains(v))
                else {
                    let message = format!(
                        "journal format version {version}: this crate reads versions 1 to {}",
                        super::VERSION
                    );
                    stop(&mut out, corrupt(message))?;
                    return Ok(out);
                };
                out.version = version;
                if version >= 2 {
                    crate::money::Version1Amounts::end();
                }
                out.good = offset;
                out.good_lines = number;
                out.good_crc = hasher.clone().finalize();
            }
            Line::Header { .. } => {
                stop(&mut out, corrupt("a header after the first line".into()))?;
                return Ok(out);
            }
            Line::Batch { entries } => {
                let problem = if out.version < 2 {
                    Some("a batch frame in a journal without a version-2 header".to_string())
                } else if batch.is_some() {
                    Some("a batch frame inside a batch".to_string())
                } else if entries == 0 || entries > MAX_BATCH_ENTRIES as u64 {
                    Some(format!(
                        "a batch of {entries} entries (1 to {MAX_BATCH_ENTRIES} allowed)"
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    stop(&mut out, corrupt(message))?;
                    return Ok(out);
                }
                batch = Some(Pending {
                    start: line_start,
                    line: number,
                    remaining: entries,
                    entries: Vec::new(),
                });
            }
            Line::Entry(entry) => {
                if line_start == 0 {
                    out.version = 1;
                }
                if let Some(pending) = &mut batch {
                    pending.entries.push((entry, number));
                    pending.remaining = pending.remaining.saturating_sub(1);
                    if pending.remaining > 0 {
                        continue;
                    }
                    let finished = batch.take().map(|p| p.entries).unwrap_or_default();
                    // All of a batch or none: a refused entry takes back
                    // the batch's earlier ones, so that the ledger is what
                    // the lines before the frame hold (what `salvage`
                    // keeps, and counts).
                    let save = out.ledger.savepoint();
                    for (entry, line) in finished {
                        if let Err(error) = apply(&mut out.ledger, entry, line, out.version) {
                            out.ledger.rollback(save);
                            stop(&mut out, error)?;
                            return Ok(out);
                        }
                    }
                    out.ledger.release(save);
                } else if let Err(error) = apply(&mut out.ledger, entry, number, out.version) {
                    stop(&mut out, error)?;
                    return Ok(out);
                }
                out.good = offset;
                out.good_lines = number;
                out.good_crc = hasher.clone().finalize();
            }
        }
    }
    if let Some(pending) = &batch {
        out.tail = Some(Tail {
            line: pending.line,
            start: pending.start,
            bytes: offset.saturating_sub(pending.start),
        });
        out.missing_newline = false;
    }
    Ok(out)
}

/// The unfinished write: the open batch if there is one, else this line.
fn tail_from(batch: Option<&Pending>, line: u64, line_start: u64, end: u64) -> Tail {
    let (line, start) = batch.map_or((line, line_start), |p| (p.line, p.start));
    Tail {
        line,
        start,
        bytes: end.saturating_sub(start),
    }
}

/// Applies one entry under the rules of the version that wrote it.
fn apply(
    ledger: &mut Ledger,
    entry: std::result::Result<Box<Entry>, u64>,
    line: u64,
    version: u32,
) -> Result<()> {
    let expected = ledger.len() as u64;
    let sequence = entry.as_ref().map_or_else(|&n| n, |e| e.sequence());
    let entry = match entry {
        Ok(entry) if sequence == expected => *entry,
        _ => {
            return Err(Error::Journal {
                line,
                message: format!("sequence number {sequence} where {expected} was expected"),
            });
        }
    };
    let rules = if version == 1 {
        Rules::Version1
    } else {
        match entry.accepted_under() {
            None => Rules::Current,
            Some(v) => match Rules::for_format_version(v).filter(|r| *r != Rules::Current) {
                Some(rules) => rules,
                None => {
                    return Err(Error::Journal {
                        line,
                        message: format!("accepted_under {v} is not an earlier format version"),
                    });
                }
            },
        }
    };
    let (action, provenance) = entry.into_parts();
    match ledger.record_under(action, provenance, rules) {
        Ok(Recorded::Appended { .. }) => Ok(()),
        Ok(Recorded::AlreadyPresent { .. }) => Err(Error::Journal {
            line,
            message: "repeats an earlier entry".into(),
        }),
        Err(error) => Err(error.in_journal_line(line)),
    }
}
