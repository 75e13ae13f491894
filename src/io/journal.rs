//! A durable, append-only journal file of entries, held by one writer.
//!
//! An application keeps its ledger in a journal: every acknowledged write
//! is on disk before the call returns, and survives anything short of the
//! disk dying.
//!
//! * **One writer.** [`Journal::open`] takes an exclusive lock on the file
//!   for the life of the handle; a second writer (thread or process) gets
//!   [`Error::JournalLocked`] at once, never a wait.
//!   [`Journal::open_read_only`] reads without the lock.
//! * **Acknowledged means durable.** An append is validated, written,
//!   synced, and only then applied and acknowledged. Before and after each
//!   write the journal checks that the file is still the one it opened,
//!   with the length it expects: a file truncated, replaced or deleted
//!   underneath is [`Error::JournalChanged`], never an acknowledgement.
//! * **The same helpers as a ledger.** `Journal` implements
//!   [`Record`]: `open_pledge`, `advance`, `deliver`, ... all
//!   work on a journal exactly as on a [`Ledger`], and reads go to
//!   [`Journal::ledger`].
//! * **Batches.** [`Journal::batch`] records many entries with one sync:
//!   all become durable and applied together, or none do. On disk a batch
//!   is a frame line announcing its size followed by its entries, so that
//!   recovery can tell a finished batch from an unfinished one.
//! * **Idempotency keys.** An entry may carry a client key
//!   ([`Provenance::key`](crate::Provenance::key)); re-sending it after a
//!   crash returns `AlreadyPresent` instead of counting twice, and
//!   [`Ledger::entry_by_key`] says where to resume.
//! * **Snapshots.** [`Journal::snapshot`] is a cheap copy of the ledger (its
//!   arrays share immutable chunks) that stays valid while the writer
//!   appends: hand it to reader threads.
//! * **Recovery never deletes a complete line.** On open, only an
//!   unfinished final write may be cut ([`Recovery::TruncateTornTail`]): a
//!   final fragment without a newline whose checksum does not verify, or an
//!   unfinished batch. A damaged complete line anywhere is
//!   [`Error::JournalCorrupt`] naming its line and byte offset; [`salvage`]
//!   copies the intact prefix to a new file and leaves the original as it
//!   is.
//! * **Bounded memory.** Replay streams the file; files larger than
//!   [`MAX_JOURNAL_BYTES`] and paths that
//!   are not regular files (a FIFO, `/dev/null`) are refused at open.
//! * **From a ledger.** [`Journal::create`] writes a new journal holding a
//!   ledger's entries as they are (each under the rules that accepted it),
//!   never over an existing file: how a ledger loaded from a JSON document
//!   moves into a journal.
//! * **Checkpoints.** [`Journal::checkpoint`] writes a checksummed snapshot
//!   beside the journal; open then replays only what follows it, after
//!   checking the checksum of every line it covers (a damaged one is
//!   reported with its place, as without the checkpoint). A bad
//!   checkpoint is ignored (and reported by [`Journal::checkpoint_ignored`])
//!   in favour of the full replay.
//!
//! # Format
//!
//! Each line is `CRC32 JSON\n`: eight lower-case hex digits of the CRC-32 of
//! the JSON, one space, the JSON, a newline. Format version 3 starts with a
//! header line `{"format":"coalition-ledger-journal","version":3}`; then
//! come entry lines (`{"seq":0,...}`, the entry with its sequence number) and
//! batch frames (`{"batch":N}` followed by N entry lines). Version 3 is
//! version 2 with new entry values (dates known only to a month or a year,
//! adjustments, amendments and voids);
//! a version-2 journal opens and is appended to as it is, keeping its
//! header. Entries holding what version 3 added may then follow that
//! header: this crate reads them, as it wrote them; a reader of version 2
//! refuses such a line, naming it. [`Journal::create`] makes a version-3
//! journal from a version-2 journal's ledger.
//!
//! Files outlive rules: a version-1 journal (crate 0.1.0: entry lines only,
//! no header) opens read-only as it is; opened for writing it is migrated
//! into a file of the current version at the same path, and the original is
//! kept beside it as `PATH.v1` (a migration a crash interrupted goes on
//! when it is opened again). Its entries are read under the rules of
//! version 1: an entry a newer rule refuses loads and is reported by
//! `check` (CL015).

mod checkpoint;
mod format;
mod replay;
mod salvage;

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::entry::{Action, Entry, Provenance};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, Record, Recorded};
use crate::limits::{MAX_BATCH_ENTRIES, MAX_JOURNAL_BYTES};

pub use salvage::{Salvaged, salvage};

/// The journal format version this crate writes; it reads versions 1 to 3.
pub const VERSION: u32 = 3;

/// What [`Journal::open`] does with an unfinished final write.
///
/// What may be cut and what is an error:
///
/// * an unfinished final write may be cut: a final fragment without a
///   newline whose checksum does not verify, or the lines of a batch whose
///   frame promised more lines than the file holds;
/// * a final line whose checksum verifies is kept even without its newline
///   (a writable open completes it);
/// * every other damaged line, the last one included, is
///   [`Error::JournalCorrupt`] naming its line and byte offset, whatever the
///   recovery. A final fragment that verifies once its last byte is dropped
///   is a complete line whose newline was damaged, not a torn write: also
///   an error. A damaged complete line inside a batch is damage too, not an
///   unfinished batch.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// use coalition_ledger::io::journal::{Journal, Recovery};
///
/// let dir = std::env::temp_dir().join(format!("{}-{}", "recovery-doc", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("coalition.journal");
/// let mut journal = Journal::open(&path, Recovery::Fail)?;
/// journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// drop(journal);
/// // An interrupted write: a final fragment without its newline.
/// let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
/// std::io::Write::write_all(&mut file, b"0123abcd {\"seq\":1")?;
/// drop(file);
/// assert!(Journal::open(&path, Recovery::Fail).is_err()); // the default leaves the file alone
/// let journal = Journal::open(&path, Recovery::TruncateTornTail)?;
/// assert_eq!(journal.recovered().map(|t| t.bytes), Some(17));
/// assert_eq!("truncate_torn_tail".parse::<Recovery>()?, Recovery::TruncateTornTail);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Recovery {
    /// Refuse to open: return [`Error::TornTail`] and leave the file alone.
    #[default]
    Fail,
    /// Cut the unfinished write (a torn final line, or an unfinished batch)
    /// off the file, sync, then open. A complete line is never cut.
    TruncateTornTail,
}

crate::spelling::spelled!(Recovery, "recovery", "io::journal::Recovery", {
    Fail => "fail",
    TruncateTornTail => "truncate_torn_tail",
});

/// An unfinished final write found when the journal was opened: cut off
/// under [`Recovery::TruncateTornTail`], left in place (and ignored) by a
/// read-only open.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// use coalition_ledger::io::journal::{Journal, Recovery};
///
/// let dir = std::env::temp_dir().join(format!("{}-{}", "torn-doc", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("coalition.journal");
/// let mut journal = Journal::open(&path, Recovery::Fail)?;
/// journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// drop(journal);
/// let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
/// std::io::Write::write_all(&mut file, b"deadbeef {")?;
/// drop(file);
/// let journal = Journal::open(&path, Recovery::TruncateTornTail)?;
/// let torn = journal.recovered();
/// assert_eq!(torn.map(|t| t.bytes), Some(10));
/// assert_eq!(journal.ledger().members().count(), 1); // the complete lines are kept
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TornTail {
    /// 1-based line number where the unfinished write starts.
    pub line: u64,
    /// How many bytes it holds.
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
/// journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// // A second writer is refused at once.
/// assert!(matches!(Journal::open(&path, Recovery::Fail), Err(coalition_ledger::Error::JournalLocked { .. })));
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
    read_only: bool,
    recovered: Option<TornTail>,
    checkpoint_ignored: Option<String>,
    /// The file's identity when opened, to detect a replacement.
    identity: Identity,
    /// The file's length after the last acknowledged write.
    length: u64,
    /// Lines in the file (for checkpoints' line numbering).
    lines: u64,
    /// The CRC-32 of the file's first `length` bytes, hashed as they were
    /// replayed and written, which a checkpoint certifies (see
    /// `checkpoint::write`).
    crc: u32,
}

impl Journal {
    /// Opens the journal at `path` for writing, creating it (and syncing its
    /// directory) when it does not exist, takes its exclusive lock, and
    /// rebuilds the ledger from it (from its checkpoint on, when a valid one
    /// is beside it).
    ///
    /// # Errors
    ///
    /// [`Error::JournalLocked`] when another handle holds the lock;
    /// [`Error::TornTail`] for an unfinished final write under
    /// [`Recovery::Fail`]; [`Error::JournalCorrupt`] for a damaged line;
    /// [`Error::Journal`] for an entry the ledger rejects;
    /// [`Error::Limit`] for a file over
    /// [`MAX_JOURNAL_BYTES`]; [`Error::Io`]
    /// for file errors and for a path that is not a regular file.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let err = Journal::open("/dev/null", Recovery::Fail).unwrap_err();
    /// assert!(err.to_string().contains("not a regular file"), "{err}");
    /// ```
    pub fn open(path: impl AsRef<Path>, recovery: Recovery) -> Result<Journal> {
        let path = path.as_ref().to_path_buf();
        let (file, identity) = open_locked(&path)?;
        let (mut journal, version) = Journal::load(path, file, identity, false, recovery)?;
        match version {
            0 => {
                journal.write_durably(&format::header_line())?;
                journal.lines = 1;
            }
            1 => journal.migrate_version_1()?,
            _ => {}
        }
        Ok(journal)
    }

    /// Creates a journal at `path` holding every entry of `ledger`, as it
    /// is, and opens it for writing: how a ledger loaded from a JSON
    /// document (or built in memory) moves into a journal.
    ///
    /// Each entry keeps the format version whose rules accepted it, so a
    /// ledger loaded from an older file, holding what only that file's
    /// rules accept (a dependency cycle, an id the current rules refuse),
    /// carries over unchanged, where appending its entries one by one would
    /// check them against the current rules and refuse them. The file is
    /// written and synced beside `path`, then linked to `path` only if
    /// nothing is there: an existing file is never overwritten, and a crash
    /// leaves either no journal or a complete one (and at most a file
    /// named `PATH.creating-PID-N`). Two calls creating the same journal
    /// at once each write a file of their own: one links it, the other
    /// gets the error that the path exists. The journal is
    /// then opened as [`Journal::open`] opens it, replaying what was
    /// written.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `path` exists already or a file cannot be
    /// written; as [`Journal::open`] for the journal written.
    ///
    /// ```
    /// use coalition_ledger::io::journal::Journal;
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let path = std::env::temp_dir().join(format!("journal-create-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let journal = Journal::create(&path, &ledger)?;
    /// assert_eq!(journal.ledger(), &ledger);
    /// // Never over a journal that exists.
    /// assert!(Journal::create(&path, &Ledger::new()).is_err());
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn create(path: impl AsRef<Path>, ledger: &Ledger) -> Result<Journal> {
        // A name of its own for each call, so that two creating the same
        // journal at once never write into one file.
        static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let path = path.as_ref().to_path_buf();
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(exists(&path));
        }
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fresh = sibling(&path, &format!("creating-{}-{call}", std::process::id()));
        let written = write_journal(&fresh, ledger).and_then(|()| {
            // A hard link is made only where nothing is: the check above
            // races with other writers, this does not.
            std::fs::hard_link(&fresh, &path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    exists(&path)
                } else {
                    Error::io(Some(&path), &e)
                }
            })
        });
        // Once linked, the journal exists: a temporary name that cannot be
        // removed is left behind rather than reported as a failure.
        let _ = std::fs::remove_file(&fresh);
        written?;
        sync_directory(&path)?;
        Journal::open(path, Recovery::Fail)
    }

    /// Opens the journal at `path` for reading only: no lock is taken (a
    /// writer may hold it), nothing is written, an unfinished final write is
    /// left in place and ignored (see [`Journal::recovered`]), a version-1
    /// file is read as it is, and appends are refused with
    /// [`Error::JournalReadOnly`].
    ///
    /// # Errors
    ///
    /// As [`Journal::open`], except for the lock and the torn tail.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::Error;
    /// use coalition_ledger::prelude::*;
    ///
    /// let path = std::env::temp_dir().join(format!("journal-ro-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut writer = Journal::open(&path, Recovery::Fail)?;
    /// writer.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// // The writer keeps its lock; a reader still opens.
    /// let mut reader = Journal::open_read_only(&path)?;
    /// assert_eq!(reader.ledger().len(), 1);
    /// let refused = reader.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"));
    /// assert!(matches!(refused, Err(Error::JournalReadOnly { .. })));
    /// # drop(writer); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Journal> {
        let path = path.as_ref().to_path_buf();
        refuse_special(&path)?;
        let file = File::open(&path).map_err(|e| Error::io(Some(&path), &e))?;
        let identity = Identity::of(&file.metadata().map_err(|e| Error::io(Some(&path), &e))?);
        Journal::load(path, file, identity, true, Recovery::Fail).map(|(journal, _)| journal)
    }

    /// Reads the file into a journal handle; returns it and the file's
    /// format version (0 for an empty file).
    fn load(
        path: PathBuf,
        mut file: File,
        identity: Identity,
        read_only: bool,
        recovery: Recovery,
    ) -> Result<(Journal, u32)> {
        let io = |e: std::io::Error| Error::io(Some(&path), &e);
        let metadata = file.metadata().map_err(io)?;
        if !metadata.is_file() {
            return Err(not_regular(&path));
        }
        let length = metadata.len();
        check_journal_size(length)?;
        let (start, checkpoint_ignored) = checkpoint::resume(&path, length, !read_only);
        file.seek(SeekFrom::Start(start.offset)).map_err(io)?;
        let remaining = length.saturating_sub(start.offset);
        let reader = BufReader::with_capacity(1 << 16, (&file).take(remaining));
        let replayed = replay::replay(reader, start, false, &path)?;
        let recovered = replayed.tail.map(|t| TornTail {
            line: t.line,
            bytes: t.bytes,
        });
        let mut journal = Journal {
            path,
            file,
            ledger: replayed.ledger,
            poisoned: false,
            read_only,
            recovered,
            checkpoint_ignored,
            identity,
            length,
            lines: replayed.good_lines,
            crc: replayed.good_crc,
        };
        if read_only {
            return Ok((journal, replayed.version));
        }
        if replayed.good != replayed.tail.map_or(length, |tail| tail.start) {
            // The CRC is of the bytes replayed, which must be all the file
            // keeps: another program shortened it while it was read.
            return Err(Error::JournalChanged {
                path: journal.path.display().to_string(),
                reason: format!(
                    "it was {length} bytes when opened, but replay ended at {}",
                    replayed.good
                ),
            });
        }
        match (replayed.tail, recovery) {
            (Some(tail), Recovery::Fail) => {
                return Err(Error::TornTail {
                    line: tail.line,
                    bytes: tail.bytes,
                });
            }
            (Some(tail), Recovery::TruncateTornTail) => {
                let io = |e: std::io::Error| Error::io(Some(&journal.path), &e);
                journal.file.set_len(tail.start).map_err(io)?;
                journal.file.sync_all().map_err(io)?;
                journal.length = tail.start;
            }
            (None, _) if replayed.missing_newline => {
                // A verified last line without its newline is kept; complete
                // it so that the next line starts on a line of its own.
                journal.write_durably(b"\n")?;
            }
            (None, _) => {}
        }
        Ok((journal, replayed.version))
    }

    /// The ledger as the journal holds it: every acknowledged entry.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::prelude::*;
    /// let path = std::env::temp_dir().join(format!("journal-ledger-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let journal = Journal::open(&path, Recovery::Fail)?;
    /// assert!(journal.ledger().is_empty());
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// A copy of the ledger for readers, cheap to take (its arrays share
    /// immutable chunks with the journal's own) and unaffected by later
    /// appends. Send it to reader threads (e.g. behind an `Arc`): they query
    /// it without ever waiting for the writer's syncs.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::prelude::*;
    /// let path = std::env::temp_dir().join(format!("journal-snap-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let snapshot = std::sync::Arc::new(journal.snapshot());
    /// journal.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
    /// let reader = { let s = snapshot.clone(); std::thread::spawn(move || s.members().count()) };
    /// assert_eq!(reader.join().ok(), Some(1));
    /// assert_eq!(journal.ledger().members().count(), 2);
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn snapshot(&self) -> Ledger {
        self.ledger.clone()
    }

    /// Takes the ledger out of the journal (releasing the lock).
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let path = std::env::temp_dir().join(format!("journal-into-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let ledger = Journal::open(&path, Recovery::Fail)?.into_ledger();
    /// assert!(ledger.is_empty());
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// The unfinished final write found at open, if any: cut off under
    /// [`Recovery::TruncateTornTail`], left in place by a read-only open.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let path = std::env::temp_dir().join(format!("journal-rec-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// assert_eq!(Journal::open(&path, Recovery::Fail)?.recovered(), None);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn recovered(&self) -> Option<TornTail> {
        self.recovered
    }

    /// Why the checkpoint beside the journal was ignored at open (and the
    /// whole journal replayed instead), if it was: it did not verify, or a
    /// writable open found one written before checkpoints kept the
    /// checksum of the lines they cover (see [`Journal::checkpoint`]).
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let path = std::env::temp_dir().join(format!("journal-cpi-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// assert_eq!(Journal::open(&path, Recovery::Fail)?.checkpoint_ignored(), None);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn checkpoint_ignored(&self) -> Option<&str> {
        self.checkpoint_ignored.as_deref()
    }

    /// The journal file.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let path = std::env::temp_dir().join(format!("journal-path-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// assert_eq!(Journal::open(&path, Recovery::Fail)?.path(), path.as_path());
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Validates the action, writes and syncs its line, then applies it;
    /// the same as [`Record::record`].
    ///
    /// An identical re-submission of a member, source or pledge, or of an
    /// entry with the same client key, is reported as
    /// [`Recorded::AlreadyPresent`] and writes nothing.
    ///
    /// # Errors
    ///
    /// Any rule the action breaks (nothing is written),
    /// [`Error::JournalChanged`] when the file was truncated, replaced or
    /// deleted underneath, [`Error::Io`] when the write or sync fails (the
    /// journal then refuses appends until reopened),
    /// [`Error::JournalPoisoned`] after such a failure,
    /// [`Error::JournalReadOnly`] on a read-only handle.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::prelude::*;
    /// let path = std::env::temp_dir().join(format!("journal-append-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// let fra = Action::AddMember(Box::new(Member::new(MemberId::new("FRA")?, "France")));
    /// assert_eq!(journal.append(fra, Provenance::new(Evidence::Verified))?, Recorded::Appended { sequence: 0 });
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn append(&mut self, action: Action, provenance: Provenance) -> Result<Recorded> {
        self.writable()?;
        let sequence = match self.ledger.validate(&action, &provenance)? {
            Recorded::AlreadyPresent { sequence } => {
                return Ok(Recorded::AlreadyPresent { sequence });
            }
            Recorded::Appended { sequence } => sequence,
        };
        // The ledger refuses entries past `u32::MAX - 1` (`validate` said so).
        let index = u32::try_from(sequence).map_err(|_| {
            Error::limit(
                "number of entries",
                u32::MAX as usize,
                usize::try_from(sequence).unwrap_or(usize::MAX),
            )
        })?;
        // Only written out: its sources need not be a ledger's lists.
        let entry = Entry::new(index, action, provenance, |_| None);
        let mut line = Vec::with_capacity(256);
        format::push_entry_line(&mut line, &entry)?;
        self.write_durably(&line)?;
        self.lines = self.lines.saturating_add(1);
        let (action, provenance) = entry.into_parts();
        self.ledger.record(action, provenance).inspect_err(|_| {
            // Validated above, so this cannot happen; if it did, the file
            // and the ledger would differ: refuse further appends.
            self.poisoned = true;
        })
    }

    /// Records several entries atomically with one sync: `build` records
    /// them into a [`Batch`] (which has every [`Record`] helper and sees its
    /// own entries); when it returns `Ok`, all of them are written as one
    /// framed batch, synced, and applied together. When `build` or the
    /// write fails, nothing is applied, and a batch torn by a crash is never
    /// half-applied on recovery.
    ///
    /// The entries go straight into the journal's ledger and are rolled
    /// back if the batch fails, so a batch costs what it writes, not a copy
    /// of the ledger. If `build` panics, the batch is rolled back the same
    /// way (nothing was written) before the panic goes on, so a caller that
    /// catches it finds the journal as it was.
    ///
    /// # Errors
    ///
    /// The first error of `build` (nothing is written), a batch larger than
    /// [`MAX_BATCH_ENTRIES`], and the
    /// errors of [`Journal::append`].
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::prelude::*;
    /// let path = std::env::temp_dir().join(format!("journal-batch-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// let opened = journal.batch(|batch| {
    ///     batch.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    ///     let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(500) });
    ///     batch.open_pledge(spec, Provenance::new(Evidence::Reported))
    /// })?;
    /// assert_eq!(opened, Recorded::Appended { sequence: 1 });
    /// // A failing batch leaves nothing behind.
    /// let failed = journal.batch(|batch| {
    ///     batch.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
    ///     batch.advance(&PledgeId::new("nope")?, Stage::Committed, Provenance::new(Evidence::Verified))
    /// });
    /// assert!(failed.is_err());
    /// assert_eq!(journal.ledger().len(), 2);
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn batch<T>(&mut self, build: impl FnOnce(&mut Batch) -> Result<T>) -> Result<T> {
        self.writable()?;
        // The batch records straight into the ledger and rolls back on
        // failure: recording into a clone would copy every chunk the batch
        // touches (see `src/ledger/savepoint.rs`).
        let mut ledger = std::mem::take(&mut self.ledger);
        let save = ledger.savepoint();
        let mut batch = Batch {
            ledger,
            lines: Vec::new(),
            count: 0,
        };
        // A panic in `build` must not take the lent ledger with it: roll
        // back, give the ledger back, then let the panic go on.
        let built =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(&mut batch))) {
                Ok(built) => built,
                Err(panic) => {
                    let Batch { mut ledger, .. } = batch;
                    ledger.rollback(save);
                    self.ledger = ledger;
                    std::panic::resume_unwind(panic);
                }
            };
        let written = match &built {
            Ok(_) if batch.count > 0 => {
                let mut frame = format::batch_line(batch.count);
                frame.append(&mut batch.lines);
                // Poisons the journal itself if the write fails.
                self.write_durably(&frame)
            }
            _ => Ok(()),
        };
        let Batch {
            mut ledger, count, ..
        } = batch;
        let outcome = written.and(built);
        match outcome {
            Ok(_) => {
                ledger.release(save);
                if count > 0 {
                    self.lines = self.lines.saturating_add(count as u64).saturating_add(1);
                }
            }
            Err(_) => ledger.rollback(save),
        }
        self.ledger = ledger;
        outcome
    }

    /// Records `items` as one atomic batch; see [`Journal::batch`].
    ///
    /// # Errors
    ///
    /// As [`Journal::batch`]; a refused item is wrapped in
    /// [`Error::InEntry`] with the sequence number it would have had, as
    /// [`Ledger::record_batch`] wraps it. ([`Journal::batch`] returns what
    /// its closure returns: each call there fails on its own, unwrapped.)
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::Error;
    /// use coalition_ledger::prelude::*;
    /// let path = std::env::temp_dir().join(format!("journal-batch-items-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// let member = |id: &str| Ok::<_, Error>(Action::AddMember(Box::new(Member::new(MemberId::new(id)?, id))));
    /// let items = vec![
    ///     (member("FRA")?, Provenance::new(Evidence::Verified)),
    ///     (member("GBR")?, Provenance::new(Evidence::Verified)),
    /// ];
    /// let recorded = journal.append_batch(items)?;
    /// assert_eq!(recorded.len(), 2);
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn append_batch(
        &mut self,
        items: impl IntoIterator<Item = (Action, Provenance)>,
    ) -> Result<Vec<Recorded>> {
        self.batch(|batch| {
            items
                .into_iter()
                .map(|(action, provenance)| {
                    // Named as `Ledger::record_batch` names it: by the
                    // sequence number the entry would have had.
                    let sequence = u64::try_from(batch.ledger.len()).unwrap_or(u64::MAX);
                    batch
                        .record(action, provenance)
                        .map_err(|error| error.in_entry(sequence))
                })
                .collect()
        })
    }

    /// Writes a checkpoint beside the journal (`PATH.checkpoint`): the
    /// ledger as it is now, checksummed, with the journal length it covers
    /// and the checksum of those bytes as this writer replayed and wrote
    /// them (not as the file holds them now: bytes changed under the
    /// writer are not certified). The next open reads it, checks the
    /// checksum of every line it covers and of all of them together
    /// (without parsing them: lines changed, reordered or replaced ignore
    /// the checkpoint, and the full replay says where) and replays only
    /// the entries after it. It is written to a temporary file, synced and
    /// renamed into place, so a crash leaves the previous checkpoint or the
    /// new one.
    ///
    /// `PATH.checkpoint` holds a header line, checksummed like a journal line:
    /// `{"format":"coalition-ledger-checkpoint","version":3,"entries":N,
    /// "offset":B,"lines":L,"document":"CRC","last_line":"CRC",
    /// "prefix":"CRC"}`, then the ledger as a JSON document (format version
    /// 3). `B` is the journal length it covers, `L` the journal lines in it,
    /// `document` the CRC-32 of the document, `last_line` the CRC-32 of the
    /// journal's last line before `B`, which ties the checkpoint to this
    /// journal, and `prefix` the CRC-32 of all `B` bytes, which ties it to
    /// their order too. Every line before `B` must still verify its
    /// checksum, and be `L` lines. Anything that does not verify makes open
    /// ignore the checkpoint, say why, and replay everything (which reports
    /// a damaged line with its place). A checkpoint written before `prefix`
    /// was kept has none: a read-only open trusts it on its lines, while a
    /// writable open replays everything instead (and says so in
    /// [`Journal::checkpoint_ignored`]), since its next checkpoint would
    /// certify an order nobody checked.
    ///
    /// # Errors
    ///
    /// [`Error::JournalChanged`] when the file is no longer the one this
    /// writer wrote (its length changed, it was replaced or deleted, or its
    /// last line no longer ends where this writer's did; a change of the
    /// same length elsewhere is found by the next open, which then does not
    /// trust the checkpoint), [`Error::Io`] naming the checkpoint file or
    /// the journal, and [`Error::JournalReadOnly`] or
    /// [`Error::JournalPoisoned`] as for appends.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// use coalition_ledger::prelude::*;
    /// let path = std::env::temp_dir().join(format!("journal-cp-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// journal.checkpoint()?;
    /// journal.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
    /// drop(journal);
    /// let reopened = Journal::open(&path, Recovery::Fail)?;
    /// assert_eq!(reopened.ledger().members().count(), 2);
    /// assert_eq!(reopened.checkpoint_ignored(), None);
    /// # drop(reopened); std::fs::remove_file(&path).ok();
    /// # std::fs::remove_file(path.with_extension("checkpoint")).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn checkpoint(&self) -> Result<()> {
        // A checkpoint says "the file up to here is this ledger": only a
        // writer whose ledger is known to match its file may write one.
        self.writable()?;
        // The file must still be the one this writer wrote: its checksum
        // is this writer's, not the file's.
        self.check_file()?;
        checkpoint::write(&self.path, &self.ledger, self.length, self.lines, self.crc)
    }

    fn writable(&self) -> Result<()> {
        let path = || self.path.display().to_string();
        if self.read_only {
            return Err(Error::JournalReadOnly { path: path() });
        }
        if self.poisoned {
            return Err(Error::JournalPoisoned { path: path() });
        }
        Ok(())
    }

    /// Writes and syncs `bytes` at the end of the file, checking before and
    /// after that the file is still the one opened, with the expected
    /// length. Any failure poisons the journal.
    fn write_durably(&mut self, bytes: &[u8]) -> Result<()> {
        self.writable()?;
        let result = self.check_file().and_then(|()| {
            self.file
                .write_all(bytes)
                .and_then(|()| self.file.sync_data())
                .map_err(|e| Error::io(Some(&self.path), &e))?;
            self.length = self.length.saturating_add(bytes.len() as u64);
            let mut hasher = crc32fast::Hasher::new_with_initial(self.crc);
            hasher.update(bytes);
            self.crc = hasher.finalize();
            self.check_file()
        });
        if result.is_err() {
            self.poisoned = true;
        }
        result
    }

    /// The file at the path is the one opened, and holds what was written.
    fn check_file(&self) -> Result<()> {
        let changed = |reason: String| Error::JournalChanged {
            path: self.path.display().to_string(),
            reason,
        };
        let length = self
            .file
            .metadata()
            .map_err(|e| Error::io(Some(&self.path), &e))?
            .len();
        if length != self.length {
            return Err(changed(format!(
                "it holds {length} bytes where {} were written (truncated, or written by another program)",
                self.length
            )));
        }
        match std::fs::metadata(&self.path) {
            Ok(metadata) if Identity::of(&metadata) == self.identity => Ok(()),
            Ok(_) => Err(changed("the path now names another file (replaced)".into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(changed("the file was deleted or renamed".into()))
            }
            Err(e) => Err(Error::io(Some(&self.path), &e)),
        }
    }

    /// Rewrites a version-1 journal in the current version at the same
    /// path, keeping the original beside it as `PATH.v1`. At every moment
    /// the path holds a complete journal: the old one until the new one is
    /// renamed over it.
    fn migrate_version_1(&mut self) -> Result<()> {
        let kept = sibling(&self.path, "v1");
        let fresh = sibling(&self.path, "v2-migrating");
        let mut bytes = format::header_line();
        for entry in self.ledger.entries() {
            format::push_entry_line(&mut bytes, &entry)?;
        }
        let mut file = File::create(&fresh).map_err(io_at(&fresh))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(io_at(&fresh))?;
        drop(file);
        keep_original(&self.path, &kept)?;
        sync_directory(&self.path)?;
        std::fs::rename(&fresh, &self.path).map_err(io_at(&self.path))?;
        sync_directory(&self.path)?;
        let (file, identity) = open_locked(&self.path)?;
        self.length = file.metadata().map_err(io_at(&self.path))?.len();
        self.file = file;
        self.identity = identity;
        self.lines = (self.ledger.len() as u64).saturating_add(1);
        self.crc = crc32fast::hash(&bytes);
        Ok(())
    }
}

impl Record for Journal {
    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn record(&mut self, action: Action, provenance: Provenance) -> Result<Recorded> {
        self.append(action, provenance)
    }
}

/// Entries being collected for one atomic write; see [`Journal::batch`].
///
/// A batch has every [`Record`] helper; each entry is validated against the
/// journal's ledger plus the batch's earlier entries, and an error leaves
/// the batch (and the journal) as they were before that entry.
///
/// ```
/// use coalition_ledger::io::journal::{Journal, Recovery};
/// use coalition_ledger::prelude::*;
/// let path = std::env::temp_dir().join(format!("journal-batch-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let mut journal = Journal::open(&path, Recovery::Fail)?;
/// journal.batch(|batch| {
///     batch.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
///     assert_eq!(batch.len(), 1);
///     assert_eq!(batch.ledger().members().count(), 1);
///     Ok(())
/// })?;
/// # drop(journal); std::fs::remove_file(&path).ok();
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug)]
pub struct Batch {
    ledger: Ledger,
    lines: Vec<u8>,
    count: usize,
}

impl Batch {
    /// How many entries the batch will append.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let path = std::env::temp_dir().join(format!("journal-batch-len-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// journal.batch(|batch| { assert!(batch.is_empty()); Ok(()) })?;
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when the batch appends nothing.
    ///
    /// ```
    /// use coalition_ledger::io::journal::{Journal, Recovery};
    /// let path = std::env::temp_dir().join(format!("journal-batch-empty-{}", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let mut journal = Journal::open(&path, Recovery::Fail)?;
    /// journal.batch(|batch| { assert!(batch.is_empty()); Ok(()) })?;
    /// # drop(journal); std::fs::remove_file(&path).ok();
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl Record for Batch {
    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn record(&mut self, action: Action, provenance: Provenance) -> Result<Recorded> {
        if self.count >= MAX_BATCH_ENTRIES {
            return Err(Error::limit(
                "number of entries in one journal batch",
                MAX_BATCH_ENTRIES,
                self.count.saturating_add(1),
            ));
        }
        let recorded = self.ledger.record(action, provenance)?;
        if let Recorded::Appended { sequence } = recorded {
            if let Some(entry) = self.ledger.entry(sequence) {
                format::push_entry_line(&mut self.lines, &entry)?;
            }
            self.count = self.count.saturating_add(1);
        }
        Ok(recorded)
    }
}

/// A file's identity: device and inode on Unix, so that a file renamed over
/// the journal's path is noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    device: u64,
    inode: u64,
}

impl Identity {
    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Identity {
        use std::os::unix::fs::MetadataExt;
        Identity {
            device: metadata.dev(),
            inode: metadata.ino(),
        }
    }

    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Identity {
        Identity {
            device: 0,
            inode: 0,
        }
    }
}

/// Opens (creating) the file for appending and takes its exclusive lock,
/// making sure the locked file is the one the path names.
fn open_locked(path: &Path) -> Result<(File, Identity)> {
    let io = |e: std::io::Error| Error::io(Some(path), &e);
    refuse_special(path)?;
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Error::JournalLocked {
                path: path.display().to_string(),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(not_regular(path));
    }
    let identity = Identity::of(&metadata);
    let named = std::fs::metadata(path).map_err(io)?;
    if Identity::of(&named) != identity {
        // Renamed or replaced between open and lock (another writer
        // migrating it, say): the caller may simply retry.
        return Err(Error::JournalChanged {
            path: path.display().to_string(),
            reason: "the path was replaced while it was being opened".into(),
        });
    }
    if metadata.len() == 0 {
        // Possibly just created: make its name durable.
        sync_directory(path)?;
    }
    Ok((file, identity))
}

/// Refuses an existing path that is not a regular file (a FIFO would block
/// the open, a device would stream forever or swallow writes).
fn refuse_special(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(not_regular(path)),
        _ => Ok(()),
    }
}

#[cold]
fn not_regular(path: &Path) -> Error {
    Error::Io {
        path: Some(path.display().to_string()),
        kind: std::io::ErrorKind::InvalidInput,
        message: "not a regular file: a journal must be a regular file".into(),
    }
}

/// Refuses a journal larger than [`MAX_JOURNAL_BYTES`].
fn check_journal_size(length: u64) -> Result<()> {
    if length > MAX_JOURNAL_BYTES {
        return Err(Error::Limit {
            what: "journal size in bytes".into(),
            limit: MAX_JOURNAL_BYTES,
            actual: length,
        });
    }
    Ok(())
}

/// Writes a new journal of `ledger`'s entries in a new file at `path` (an
/// error if one is there) and syncs it.
fn write_journal(path: &Path, ledger: &Ledger) -> Result<()> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_at(path))?;
    let mut out = std::io::BufWriter::new(file);
    let mut line = format::header_line();
    out.write_all(&line).map_err(io_at(path))?;
    for entry in ledger.entries() {
        line.clear();
        format::push_entry_line(&mut line, &entry)?;
        out.write_all(&line).map_err(io_at(path))?;
    }
    let file = out
        .into_inner()
        .map_err(|e| Error::io(Some(path), e.error()))?;
    file.sync_all().map_err(io_at(path))
}

/// The error of [`Journal::create`] at a path that exists.
fn exists(path: &Path) -> Error {
    Error::io(
        Some(path),
        &std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "a file exists at this path; a journal is created only where there is none",
        ),
    )
}

/// Maps an I/O error to [`Error::Io`] naming `path`.
fn io_at(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(Some(path), &e)
}

/// Links the version-1 journal at `path` as `kept` (`PATH.v1`). A
/// migration that stopped after this and before renaming the new file over
/// `path` left `kept` holding the same bytes: it is kept as it is. Any other
/// file there is not overwritten, and the error says so.
fn keep_original(path: &Path, kept: &Path) -> Result<()> {
    match std::fs::hard_link(path, kept) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let same = std::fs::read(kept)
                .and_then(|earlier| Ok(earlier == std::fs::read(path)?))
                .map_err(io_at(kept))?;
            if same {
                return Ok(());
            }
            Err(Error::Io {
                path: Some(kept.display().to_string()),
                kind: std::io::ErrorKind::AlreadyExists,
                message: "the version-1 journal is to be kept here before it is migrated, and \
                          another file is in the way: move it elsewhere and open the journal again"
                    .into(),
            })
        }
        other => other.map_err(io_at(kept)),
    }
}

/// `PATH.suffix`, beside the journal.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Syncs the directory holding `path`, so that a new name is durable.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MemberId;
    use crate::lifecycle::Evidence;
    use crate::member::Member;

    #[test]
    fn the_size_limit_is_checked_below_at_and_above() {
        assert!(check_journal_size(MAX_JOURNAL_BYTES - 1).is_ok());
        assert!(check_journal_size(MAX_JOURNAL_BYTES).is_ok());
        let err = check_journal_size(MAX_JOURNAL_BYTES + 1).unwrap_err();
        assert!(matches!(err, Error::Limit { .. }), "{err}");
    }

    #[test]
    fn a_failed_write_poisons_the_journal() {
        let path = std::env::temp_dir().join(format!("cl-poison-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
        // A handle that cannot write: the next write fails like a full disk.
        journal.file = File::open(&path).expect("opens for reading");
        let member = || {
            Action::AddMember(Box::new(Member::new(
                MemberId::new("FRA").unwrap(),
                "France",
            )))
        };
        let err = journal
            .append(member(), Provenance::new(Evidence::Verified))
            .unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert_eq!(
            journal.ledger().len(),
            0,
            "nothing is applied when the write fails"
        );
        let err = journal
            .append(member(), Provenance::new(Evidence::Verified))
            .unwrap_err();
        assert!(matches!(err, Error::JournalPoisoned { .. }), "{err}");
        drop(journal);
        std::fs::remove_file(&path).ok();
    }
}
