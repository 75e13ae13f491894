//! Salvage: copying the intact prefix of a damaged journal to a new file.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use super::io_at;
use super::replay::{Start, replay};
use super::{TornTail, sync_directory};
use crate::error::{Error, Result};

/// What [`salvage`] recovered, and exactly what it did not.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// use coalition_ledger::io::journal::{Journal, Recovery};
///
/// let dir = std::env::temp_dir().join(format!("{}-{}", "salvaged-doc", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("coalition.journal");
/// let mut journal = Journal::open(&path, Recovery::Fail)?;
/// journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// drop(journal);
/// use coalition_ledger::io::journal::salvage;
/// // An intact journal is copied whole, and the report says nothing was lost.
/// let report = salvage(&path, dir.join("copy.journal"))?;
/// assert_eq!((report.entries, report.bytes_not_recovered), (1, 0));
/// assert!(report.problem.is_none() && report.unfinished.is_none());
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Salvaged {
    /// Entries in the new file.
    pub entries: u64,
    /// Bytes copied to the new file (the intact prefix).
    pub bytes_kept: u64,
    /// Bytes of the original after the intact prefix, not recovered.
    pub bytes_not_recovered: u64,
    /// The damaged line or refused entry where the intact prefix ends.
    pub problem: Option<Error>,
    /// The unfinished final write where the intact prefix ends, if that is
    /// what ended it.
    pub unfinished: Option<TornTail>,
}

/// Copies the intact prefix of the journal at `from` (every line up to the
/// first damaged line, refused entry or unfinished write) to a new file at
/// `to`, syncs it, and reports what was not recovered. The original is
/// never modified; `to` must not exist yet.
///
/// # Errors
///
/// [`Error::Io`] naming the file, when `to` exists or a read or write fails.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::journal::{self, Journal, Recovery};
/// use coalition_ledger::Error;
/// use coalition_ledger::prelude::*;
/// # fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
///
/// let dir = std::env::temp_dir().join(format!("salvage-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("j");
/// let mut writer = Journal::open(&path, Recovery::Fail)?;
/// writer.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// writer.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
/// drop(writer);
/// // Damage the last line's content (not its end): a corrupted complete line.
/// let mut bytes = std::fs::read(&path)?;
/// let at = bytes.len() - 5;
/// bytes[at] ^= 1;
/// std::fs::write(&path, &bytes)?;
/// assert!(matches!(Journal::open(&path, Recovery::TruncateTornTail), Err(Error::JournalCorrupt { line: 3, .. })));
///
/// let report = journal::salvage(&path, dir.join("j.salvaged"))?;
/// assert_eq!(report.entries, 1);
/// assert!(report.bytes_not_recovered > 0);
/// assert_eq!(Journal::open(dir.join("j.salvaged"), Recovery::Fail)?.ledger().len(), 1);
/// assert_eq!(std::fs::read(&path)?, bytes, "the original is untouched");
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub fn salvage(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<Salvaged> {
    let (from, to) = (from.as_ref(), to.as_ref());
    super::refuse_special(from)?;
    let file = std::fs::File::open(from).map_err(io_at(from))?;
    let length = file.metadata().map_err(io_at(from))?.len();
    let reader = BufReader::with_capacity(1 << 16, (&file).take(length));
    let replayed = replay(reader, Start::beginning(), true, from)?;
    let mut kept = Vec::new();
    std::fs::File::open(from)
        .map_err(io_at(from))?
        .take(replayed.good)
        .read_to_end(&mut kept)
        .map_err(io_at(from))?;
    if kept.last().is_some_and(|&b| b != b'\n') {
        kept.push(b'\n');
    }
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io_at(to))?;
    out.write_all(&kept)
        .and_then(|()| out.sync_all())
        .map_err(io_at(to))?;
    sync_directory(to)?;
    Ok(Salvaged {
        entries: replayed.ledger.len() as u64,
        bytes_kept: replayed.good,
        bytes_not_recovered: length.saturating_sub(replayed.good),
        problem: replayed.problem,
        unfinished: replayed.tail.map(|t| TornTail {
            line: t.line,
            bytes: t.bytes,
        }),
    })
}
