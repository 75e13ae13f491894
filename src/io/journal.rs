//! A durable, append-only journal file of entries.
//!
//! Each line is `CRC32 JSON\n`: eight lower-case hex digits of the CRC-32 of
//! the JSON, one space, the entry as JSON (with its sequence number), a
//! newline. [`Journal::append`] validates the action against the ledger,
//! writes the line, syncs it to disk, and only then applies it: an
//! acknowledged entry survives a crash.
//!
//! On [`Journal::open`]:
//!
//! * a torn last line (no newline, a bad checksum, or not an entry: a crash
//!   mid-write) is [`Error::TornTail`] with its size, unless the caller asks
//!   for [`Recovery::TruncateTornTail`], which cuts it off and says so in
//!   [`Journal::recovered`]; it is never dropped silently;
//! * a bad line before the end is [`Error::Journal`] naming the line;
//! * every entry is replayed through the ledger's validation, and its
//!   sequence number must be its position.
//!
//! After a failed write or sync the journal refuses further appends
//! ([`Error::JournalPoisoned`]) until it is reopened, because the file may
//! then hold a partial line that only reopening can recover.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::entry::{Action, Entry, Provenance};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, Recorded};
use crate::limits::MAX_JOURNAL_LINE_BYTES;

/// What [`Journal::open`] does with a torn last line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Recovery {
    /// Refuse to open: return [`Error::TornTail`] and leave the file alone.
    #[default]
    Fail,
    /// Cut the torn line off the file (and sync), then open.
    TruncateTornTail,
}

/// A torn line that was cut off when the journal was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TornTail {
    /// 1-based line number of the torn line.
    pub line: u64,
    /// How many bytes were cut off.
    pub bytes: u64,
}

/// A ledger backed by a durable journal file.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::journal::{Journal, Recovery};
/// use coalition_ledger::prelude::*;
///
/// let dir = std::env::temp_dir().join(format!("journal-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("coalition.journal");
/// # let _ = std::fs::remove_file(&path);
/// let mut journal = Journal::open(&path, Recovery::Fail)?;
/// journal.append(
///     Action::AddMember(Box::new(Member::new(MemberId::new("FRA")?, "France"))),
///     Provenance::new(Evidence::Verified),
/// )?;
/// drop(journal);
///
/// let reopened = Journal::open(&path, Recovery::Fail)?;
/// assert_eq!(reopened.ledger().members().count(), 1);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    ledger: Ledger,
    poisoned: bool,
    recovered: Option<TornTail>,
}

impl Journal {
    /// Opens the journal at `path`, creating it (and syncing its directory)
    /// when it does not exist, and rebuilds the ledger from it.
    ///
    /// # Errors
    ///
    /// [`Error::TornTail`] for a torn last line under [`Recovery::Fail`],
    /// [`Error::Journal`] for a bad line before the end or an entry the
    /// ledger rejects, [`Error::Io`] for file errors.
    pub fn open(path: impl AsRef<Path>, recovery: Recovery) -> Result<Journal> {
        let path = path.as_ref().to_path_buf();
        let io = |e: std::io::Error| Error::io(Some(&path), &e);
        let created = match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => {
                file.sync_all().map_err(io)?;
                sync_directory(&path)?;
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(io(e)),
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        let mut bytes = Vec::new();
        if !created {
            // Read what the file held when opened: the size on disk, not
            // "until end of stream" (a device can stream forever).
            let size = file.metadata().map_err(io)?.len();
            (&mut file).take(size).read_to_end(&mut bytes).map_err(io)?;
        }
        let (ledger, torn) = replay(&bytes)?;
        let recovered = match (torn, recovery) {
            (None, _) => None,
            (Some((torn, _)), Recovery::Fail) => {
                return Err(Error::TornTail {
                    line: torn.line,
                    bytes: torn.bytes,
                });
            }
            (Some((torn, keep)), Recovery::TruncateTornTail) => {
                file.set_len(keep).map_err(io)?;
                file.sync_all().map_err(io)?;
                file.seek(SeekFrom::End(0)).map_err(io)?;
                Some(torn)
            }
        };
        Ok(Journal {
            path,
            file,
            ledger,
            poisoned: false,
            recovered,
        })
    }

    /// The ledger as the journal holds it.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Takes the ledger out of the journal.
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// The torn line cut off when the journal was opened, if any.
    pub fn recovered(&self) -> Option<TornTail> {
        self.recovered
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Validates the action, writes and syncs its line, then applies it.
    ///
    /// An identical re-submission of a member, source or pledge is reported
    /// as [`Recorded::AlreadyPresent`] and writes nothing.
    ///
    /// # Errors
    ///
    /// Any rule the action breaks (nothing is written), [`Error::Io`] when
    /// the write or sync fails (the journal then refuses appends until
    /// reopened), [`Error::JournalPoisoned`] after such a failure.
    pub fn append(&mut self, action: Action, provenance: Provenance) -> Result<Recorded> {
        if self.poisoned {
            return Err(Error::JournalPoisoned {
                path: self.path.display().to_string(),
            });
        }
        let sequence = match self.ledger.validate(&action, &provenance)? {
            Recorded::AlreadyPresent { sequence } => {
                return Ok(Recorded::AlreadyPresent { sequence });
            }
            Recorded::Appended { sequence } => sequence,
        };
        let entry = Entry::new(sequence, action, provenance);
        let line = encode_line(&entry)?;
        if let Err(e) = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
        {
            self.poisoned = true;
            return Err(Error::io(Some(&self.path), &e));
        }
        let (action, provenance) = entry.into_parts();
        self.ledger.record(action, provenance)
    }
}

/// Encodes an entry as one journal line.
pub(crate) fn encode_line(entry: &Entry) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(entry).map_err(|e| Error::Journal {
        line: entry.sequence().saturating_add(1),
        message: e.to_string(),
    })?;
    let mut line = Vec::with_capacity(json.len().saturating_add(10));
    line.extend_from_slice(format!("{:08x} ", crc32fast::hash(&json)).as_bytes());
    line.extend_from_slice(&json);
    line.push(b'\n');
    Ok(line)
}

/// Rebuilds the ledger; returns it and, for a torn last line, the line and
/// the length of the file without it.
fn replay(bytes: &[u8]) -> Result<(Ledger, Option<(TornTail, u64)>)> {
    let mut ledger = Ledger::new();
    let mut offset = 0usize;
    let mut number = 0u64;
    while offset < bytes.len() {
        number = number.saturating_add(1);
        let rest = bytes.get(offset..).unwrap_or_default();
        let (line, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (rest.get(..end).unwrap_or_default(), true),
            None => (rest, false),
        };
        let next = offset
            .saturating_add(line.len())
            .saturating_add(usize::from(complete));
        let is_last = next >= bytes.len();
        let decoded = if complete {
            decode_line(line)
        } else {
            Err("no newline at the end".to_string())
        };
        let entry = match decoded {
            Ok(entry) => entry,
            Err(_) if is_last => {
                let torn = TornTail {
                    line: number,
                    bytes: bytes.len().saturating_sub(offset) as u64,
                };
                return Ok((ledger, Some((torn, offset as u64))));
            }
            Err(message) => {
                return Err(Error::Journal {
                    line: number,
                    message,
                });
            }
        };
        apply(&mut ledger, entry, number)?;
        offset = next;
    }
    Ok((ledger, None))
}

/// Checks a line's checksum and parses its entry.
fn decode_line(line: &[u8]) -> std::result::Result<Entry, String> {
    if line.len() > MAX_JOURNAL_LINE_BYTES {
        return Err(format!(
            "line of {} bytes exceeds the limit of {MAX_JOURNAL_LINE_BYTES}",
            line.len()
        ));
    }
    let (Some(hex), Some(b' '), Some(json)) = (line.get(..8), line.get(8), line.get(9..)) else {
        return Err("expected an 8-digit checksum, a space and an entry".into());
    };
    // Lower-case only, so that a flipped case bit cannot go unnoticed.
    let stated = hex.iter().try_fold(0u32, |acc, &b| {
        let digit = match b {
            b'0'..=b'9' | b'a'..=b'f' => char::from(b).to_digit(16)?,
            _ => return None,
        };
        Some((acc << 4) | digit)
    });
    let Some(stated) = stated else {
        return Err("checksum is not 8 lower-case hex digits".into());
    };
    let actual = crc32fast::hash(json);
    if stated != actual {
        return Err(format!(
            "checksum mismatch: line says {stated:08x}, content has {actual:08x}"
        ));
    }
    serde_json::from_slice(json)
        .map_err(|e| format!("not an entry: {}", super::json::json_error(&e)))
}

fn apply(ledger: &mut Ledger, entry: Entry, number: u64) -> Result<()> {
    let expected = ledger.len() as u64;
    if entry.sequence() != expected {
        return Err(Error::Journal {
            line: number,
            message: format!(
                "sequence number {} where {expected} was expected",
                entry.sequence()
            ),
        });
    }
    let (action, provenance) = entry.into_parts();
    match ledger.record(action, provenance) {
        Ok(Recorded::Appended { .. }) => Ok(()),
        Ok(Recorded::AlreadyPresent { .. }) => Err(Error::Journal {
            line: number,
            message: "repeats an earlier entry".into(),
        }),
        Err(error) => Err(error.in_journal_line(number)),
    }
}

/// Syncs the directory holding `path`, so that a new file's name is durable.
fn sync_directory(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Directories can be opened for reading and synced on Unix; elsewhere
    // the name is durable once the file is synced.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(Some(dir), &e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
