//! The JSON document: the whole ledger in one file.
//!
//! ```json
//! {
//!   "format": "coalition-ledger",
//!   "version": 3,
//!   "entries": [
//!     {"seq":0,"evidence":"verified","action":{"add_member":{"id":"FRA","name":"France","groups":["EU","NATO"]}}},
//!     {"seq":1,"evidence":"verified","action":{"add_source":{"id":"elysee","publisher":"Élysée","kind":"official"}}},
//!     {"seq":2,"date":"2025-09-04","evidence":"reported","sources":["elysee"],"key":"feed-17","action":{"pledge":{"id":"FRA-troops","member":"FRA","contribution":{"troops":{"personnel":"unspecified"}},"stage":"announced"}}}
//!   ]
//! }
//! ```
//!
//! Each entry is written on a line of its own, so that a diff of two saved
//! ledgers shows the entries that differ.
//!
//! * Every entry keeps its sequence number (`seq`), provenance and client
//!   key, roster entries included: `Ledger::from_json(&l.to_json())? == l`.
//!   An entry that came from a file of an older format version says so
//!   (`"accepted_under": 1`) and is loaded under that version's rules again.
//! * Loading replays every entry through the same validation as the API: a
//!   file cannot smuggle in a state the API would refuse.
//! * Amounts are strings (`"61900000.50"`), never JSON numbers, so no value
//!   passes through a float. Dates are strictly `YYYY-MM-DD`, or (format
//!   version 3) `YYYY-MM` and `YYYY` for a date known only to a month or a
//!   year.
//! * Unknown fields, an unknown `format` or `version`, and malformed JSON are
//!   errors with the line and column; a rejected entry is an error with its
//!   sequence number.
//! * Saving is deterministic: save → load → save gives the same bytes.
//! * Limits: at most [`MAX_DOCUMENT_BYTES`] bytes and
//!   [`MAX_JSON_DEPTH`](crate::limits::MAX_JSON_DEPTH)
//!   levels of nesting; every list is bounded as it is read (see
//!   [`crate::limits`]). The document has one spelling: objects with named
//!   fields (a record written as a positional list is refused), amounts
//!   without leading zeros or negative zero.
//! * Memory: each member, source and entry is recorded as soon as it is
//!   parsed, and [`from_reader`] and [`load`] check size and shape as the
//!   text streams, never holding it whole: loading a 197 MB document peaks
//!   at about 1.5 times its size (the ledger itself).
//! * Threads: a long document is parsed on the calling thread while a
//!   second thread records it, at most a few thousand records behind, and
//!   checks its shape; the ledger and the first error are the ones a single
//!   thread gives.
//!
//! # Format versions
//!
//! Files outlive rules: every earlier version keeps loading.
//!
//! * **Version 1** (crate 0.1.0) listed the roster in `members` and
//!   `sources` arrays before the entries, and its entries carried no `seq`,
//!   `key` or `accepted_under`. It loads with the roster first (undated,
//!   `verified`), then the entries, every one under the rules of version 1:
//!   an entry that a newer rule refuses loads and is reported by `check`
//!   (CL015; a dependency cycle by CL004) instead of failing the load. Its
//!   amounts read as version 1 read them, leading zeros (`0061900000`)
//!   and a negative zero (`-0`) included, when `version` comes before the
//!   entries (as this crate wrote it); a version-1 journal's too.
//! * **Version 2** lists every entry, roster included, with its sequence
//!   number; `members` and `sources` arrays are refused.
//! * **Version 3** is version 2 with new entry values: dates known only to
//!   a month or a year (`"date": "2024-03"`, `"date": "2024"`), adjustments
//!   (`"adjusts"` on a pledge), and the actions `amend_member`,
//!   `amend_source` and `void`. A version-2 document loads unchanged; one
//!   that holds any of them is refused (this crate never wrote one). This
//!   crate writes version 3.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::entry::{Action, ClientKey, Provenance};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, Rules};
use crate::lifecycle::Evidence;
use crate::limits::MAX_DOCUMENT_BYTES;

mod cited;
mod pipe;
mod shape;

use cited::{Cited, KeepIds};

use crate::member::Member;
use crate::source::Source;
use pipe::{ShapeWork, Sink};
#[cfg(all(test, feature = "testing"))]
use shape::check_shape;
use shape::{Guard, Shape, Stop, check_size};

/// The value of the `format` field.
pub const FORMAT: &str = "coalition-ledger";
/// The document version this crate writes; it reads every version from 1
/// to this one.
pub const VERSION: u32 = 3;

/// An entry of either version; which fields a version allows is checked
/// as it is recorded, so that the document is read in one pass.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryIn {
    seq: Option<u64>,
    #[serde(default)]
    date: Option<crate::dates::PartialDate>,
    evidence: Evidence,
    #[serde(default, deserialize_with = "cited::cited")]
    sources: Cited,
    key: Option<ClientKey>,
    accepted_under: Option<u32>,
    action: Action,
}

/// Accepts only `"coalition-ledger"`.
struct FormatTag;

impl<'de> Deserialize<'de> for FormatTag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FormatTag, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if text == FORMAT {
            Ok(FormatTag)
        } else {
            Err(serde::de::Error::custom(format!(
                "unknown format `{}`, expected `{FORMAT}`",
                text.chars().take(40).collect::<String>().escape_debug()
            )))
        }
    }
}

/// Accepts the versions 1 to [`VERSION`].
struct VersionTag(u32);

impl<'de> Deserialize<'de> for VersionTag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<VersionTag, D::Error> {
        let version = u64::deserialize(d)?;
        match u32::try_from(version) {
            Ok(v @ 1..=VERSION) => Ok(VersionTag(v)),
            _ => Err(serde::de::Error::custom(format!(
                "unsupported version {version}: this crate reads versions 1 to {VERSION}"
            ))),
        }
    }
}

/// Writes the ledger as a JSON document (pretty-printed, deterministic).
///
/// # Errors
///
/// [`Error::Io`] when the writer fails.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::json;
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let mut out = Vec::new();
/// json::to_writer(&ledger, &mut out)?;
/// assert_eq!(String::from_utf8_lossy(&out), ledger.to_json());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn to_writer<W: Write>(ledger: &Ledger, writer: W) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, writer);
    let io = |e: std::io::Error| Error::io(None, &e);
    write!(
        out,
        "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n"
    )
    .map_err(io)?;
    write_records(&mut out, "entries", ledger.entries(), "")?;
    out.write_all(b"}\n").map_err(io)?;
    out.flush().map_err(io)
}

/// Writes one array with a record per line: compact records (fast to write
/// and read) on lines of their own (readable, and diffs show what changed).
fn write_records<W: Write, T: Serialize>(
    out: &mut W,
    name: &str,
    records: impl ExactSizeIterator<Item = T>,
    comma: &str,
) -> Result<()> {
    let io = |e: std::io::Error| Error::io(None, &e);
    if records.len() == 0 {
        return writeln!(out, "  \"{name}\": []{comma}").map_err(io);
    }
    writeln!(out, "  \"{name}\": [").map_err(io)?;
    let count = records.len();
    for (i, record) in records.enumerate() {
        out.write_all(b"    ").map_err(io)?;
        serde_json::to_writer(&mut *out, &record).map_err(|e| serde_error_to_io(&e))?;
        out.write_all(if i.saturating_add(1) < count {
            b",\n"
        } else {
            b"\n"
        })
        .map_err(io)?;
    }
    writeln!(out, "  ]{comma}").map_err(io)
}

/// The ledger as a JSON document string.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, io::json};
///
/// let ledger = fixtures::paris_summit();
/// let text = json::to_string(&ledger);
/// let again = json::from_str(&text)?;
/// assert_eq!(json::to_string(&again), text);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn to_string(ledger: &Ledger) -> String {
    let mut out = Vec::with_capacity(ledger.len().saturating_mul(160).saturating_add(256));
    // Writing into a Vec cannot fail, and every value serializes.
    let _ = to_writer(ledger, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Reads a ledger from a JSON document.
///
/// # Errors
///
/// [`Error::Json`] with line and column for malformed JSON, unknown fields,
/// float amounts, loose dates, an unknown format or version;
/// [`Error::InEntry`] with the index in `entries` when an entry breaks a
/// ledger rule; [`Error::Limit`] for an oversized or too deeply nested
/// document.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::json;
/// use coalition_ledger::prelude::*;
///
/// let err = json::from_str(r#"{"format": "coalition-ledger", "version": 4}"#).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "JSON line 1, column 44: unsupported version 4: this crate reads versions 1 to 3"
/// );
/// ```
pub fn from_str(text: &str) -> Result<Ledger> {
    let text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text);
    check_size(text, MAX_DOCUMENT_BYTES)?;
    let _ids = KeepIds::new();
    let _amounts = crate::money::Version1Amounts::scope();
    let shape = ShapeWork::new(text);
    std::thread::scope(|scope| {
        let mut document = Document::new(Sink::for_text(scope, text, &shape)?);
        let mut parser = serde_json::Deserializer::from_str(text);
        let parsed = serde::de::DeserializeSeed::deserialize(&mut document, &mut parser)
            .and_then(|()| parser.end());
        let parsed = parsed.map_err(|e| document.parse_error(e, |e| json_error(&e)));
        document.finish(parsed)
    })
}

/// Reads a ledger from a reader holding a JSON document.
///
/// # Errors
///
/// As [`from_str`], and [`Error::Io`] when reading fails. A document with
/// more than one error may be reported by another of them: the text is
/// never held whole, so the first error in the stream stops the load,
/// where [`from_str`] checks the shape of the whole text first and
/// reports a shape error (a record written as a list, nesting too deep)
/// found after a ledger or syntax error. A document with one error gives
/// the same error either way (its column may differ by one: a reader
/// counts a character it looked ahead at).
///
/// # Example
///
/// ```
/// use coalition_ledger::io::json;
/// use coalition_ledger::prelude::*;
///
/// let text = fixtures::paris_summit().to_json();
/// let ledger = json::from_reader(text.as_bytes())?;
/// assert_eq!(ledger.to_json(), text);
/// assert!(json::from_reader(&b"[]"[..]).is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn from_reader<R: Read>(reader: R) -> Result<Ledger> {
    let reader = without_byte_order_mark(reader).map_err(|e| Error::io(None, &e))?;
    // The text is checked as it streams and never held whole.
    let _ids = KeepIds::new();
    let _amounts = crate::money::Version1Amounts::scope();
    std::thread::scope(|scope| {
        let mut document = Document::new(Sink::new(Some(scope)));
        let guard = Guard::new(reader, document.sink.clone());
        let mut parser = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
            1 << 16,
            guard,
        ));
        let parsed = serde::de::DeserializeSeed::deserialize(&mut document, &mut parser)
            .and_then(|()| parser.end());
        // The guard hands its sink back.
        drop(parser);
        let parsed = parsed.map_err(|e| document.parse_error(e, reader_error));
        document.finish(parsed)
    })
}

/// The UTF-8 byte order mark some editors put before a document. JSON
/// forbids writing it and lets a reader ignore it (RFC 8259, 8.1); the
/// CSV import skips it too, so a file saved by such an editor loads.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// `reader` past a byte order mark at its start: its first three bytes are
/// read (fewer at the end of the input) and given back unless they are one.
fn without_byte_order_mark<R: Read>(
    mut reader: R,
) -> std::io::Result<std::io::Chain<std::io::Cursor<Vec<u8>>, R>> {
    let mut start = Vec::with_capacity(3);
    (&mut reader).take(3).read_to_end(&mut start)?;
    let mut mark = [0; 3];
    BYTE_ORDER_MARK.encode_utf8(&mut mark);
    if start == mark {
        start.clear();
    }
    Ok(std::io::Cursor::new(start).chain(reader))
}

/// Saves the ledger to a file.
///
/// # Errors
///
/// [`Error::Io`] naming the path.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::json;
/// use coalition_ledger::prelude::*;
///
/// let path = std::env::temp_dir().join(format!("save-doc-{}.json", std::process::id()));
/// json::save(&fixtures::paris_summit(), &path)?;
/// assert_eq!(json::load(&path)?.to_json(), fixtures::paris_summit().to_json());
/// # std::fs::remove_file(&path).ok();
/// // A missing directory is an I/O error naming the path.
/// assert!(json::save(&Ledger::new(), "/no/such/dir/x.json").is_err_and(|e| e.io_kind().is_some()));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn save(ledger: &Ledger, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let file = std::fs::File::create(path).map_err(|e| Error::io(Some(path), &e))?;
    to_writer(ledger, file).map_err(|e| match e {
        Error::Io { kind, message, .. } => Error::Io {
            path: Some(path.display().to_string()),
            kind,
            message,
        },
        other => other,
    })
}

/// Loads a ledger from a file.
///
/// # Errors
///
/// As [`from_str`], and [`Error::Io`] naming the path.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::json;
/// use coalition_ledger::prelude::*;
///
/// let err = json::load("/no/such/file.json").unwrap_err();
/// assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
/// assert!(err.to_string().contains("/no/such/file.json"));
/// ```
pub fn load(path: impl AsRef<Path>) -> Result<Ledger> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(Some(path), &e))?;
    from_reader(file)
}

/// Builds the ledger from what the parse reads ([`Event`]s, in document
/// order): each member, source and entry is recorded as soon as it is
/// read, so the parsed document is never held whole next to the ledger
/// (peak memory is the ledger plus a few records). Every document this crate
/// writes lists `format` and `version` first, and (version 1) the roster
/// before the entries; records read before what they need wait for it and
/// are replayed at the end, so a hand-written order still loads as before.
#[derive(Default)]
struct Loader {
    ledger: Ledger,
    /// A ledger error found while parsing; serde only carries text, so the
    /// typed error waits here and wins over the parse error it caused.
    failure: Option<Error>,
    /// The top-level fields read so far.
    seen: [bool; 5],
    /// The shape check of a document read from a reader, fed the text in
    /// order with the records read from it.
    shape: Shape,
    version: Option<u32>,
    /// Index of the next entry in `entries`.
    next: u64,
    /// Records read before the version (or, in version 1, entries read
    /// before the roster).
    members: Vec<Member>,
    sources: Vec<Source>,
    pending: Vec<EntryIn>,
}

const FIELDS: [&str; 5] = ["format", "version", "members", "sources", "entries"];

impl Loader {
    /// Brings what recording `batch` will look up into cache first (see
    /// `Ledger::warm_pledges`).
    fn warm(&self, batch: &[Event]) {
        self.ledger
            .warm_pledges(batch.iter().filter_map(|event| match event {
                Event::Entry(entry) => entry.action.pledge(),
                _ => None,
            }));
    }

    fn finish(mut self, parsed: Result<()>) -> Result<Ledger> {
        if let Some(error) = self.failure.take() {
            return Err(error);
        }
        parsed?;
        if self.seen[2] || self.seen[3] {
            self.roster_allowed()?;
        }
        for member in std::mem::take(&mut self.members) {
            self.member(member)?;
        }
        for source in std::mem::take(&mut self.sources) {
            self.source(source)?;
        }
        // Everything the entries wait for is known now.
        self.seen[2] = true;
        self.seen[3] = true;
        for entry in std::mem::take(&mut self.pending) {
            self.entry(entry)?;
        }
        Ok(self.ledger)
    }

    /// Takes in what the parse read; an error stops the load.
    fn apply(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Text(text) => self.shape.feed(&text),
            Event::Field(field) => {
                if let Some(seen) = self.seen.get_mut(field) {
                    *seen = true;
                }
                Ok(())
            }
            Event::Version(version) => {
                self.version = Some(version);
                // Records that waited for the version.
                for member in std::mem::take(&mut self.members) {
                    self.member(member)?;
                }
                for source in std::mem::take(&mut self.sources) {
                    self.source(source)?;
                }
                Ok(())
            }
            Event::Member(member) => self.member(member),
            Event::Source(source) => self.source(source),
            Event::Entry(entry) => self.entry(entry),
        }
    }

    /// Members and sources are arrays of version 1 only.
    fn roster_allowed(&self) -> Result<()> {
        if self.version.is_some_and(|v| v >= 2) {
            return Err(Error::invalid(
                "document",
                "members",
                "format version 2 lists members and sources as entries, not in arrays",
            ));
        }
        Ok(())
    }

    fn member(&mut self, member: Member) -> Result<()> {
        self.roster_allowed()?;
        if self.version.is_none() {
            self.members.push(member);
            return Ok(());
        }
        let id = member.id().to_string();
        self.add_roster_item(Action::AddMember(Box::new(member)), "member", &id)
    }

    fn source(&mut self, source: Source) -> Result<()> {
        self.roster_allowed()?;
        if self.version.is_none() {
            self.sources.push(source);
            return Ok(());
        }
        let id = source.id().to_string();
        self.add_roster_item(Action::AddSource(Box::new(source)), "source", &id)
    }

    /// Records a roster item of a version-1 document (verified, undated);
    /// a repeated one is an error, not an idempotent re-submission.
    fn add_roster_item(&mut self, action: Action, kind: &'static str, id: &str) -> Result<()> {
        let verified = Provenance::new(Evidence::Verified);
        if self
            .ledger
            .record_under(action, verified, Rules::Version1)?
            .is_appended()
        {
            Ok(())
        } else {
            Err(duplicate(kind, id))
        }
    }

    fn entry(&mut self, entry: EntryIn) -> Result<()> {
        let ready = match self.version {
            None => false,
            Some(1) => self.seen[2] && self.seen[3],
            Some(_) => true,
        };
        if !ready {
            self.pending.push(entry);
            return Ok(());
        }
        let index = self.next;
        self.next = self.next.saturating_add(1);
        let rules = match self.version {
            Some(1) => version_1_entry(&entry),
            _ => version_2_entry(&entry, index),
        };
        let rules = rules.and_then(|rules| {
            only_what_the_version_holds(&entry, self.version.unwrap_or(VERSION))?;
            Ok(rules)
        });
        rules
            .and_then(|rules| record_entry(&mut self.ledger, entry, rules))
            .map_err(|e| e.in_entry(index))
    }
}

/// Version 1: entries without sequence numbers, all under the rules of
/// version 1.
fn version_1_entry(entry: &EntryIn) -> Result<Rules> {
    let newer = [
        ("seq", entry.seq.is_some()),
        ("key", entry.key.is_some()),
        ("accepted_under", entry.accepted_under.is_some()),
    ];
    if let Some((field, _)) = newer.iter().find(|(_, present)| *present) {
        return Err(Error::invalid(
            "entry",
            field,
            "is not part of format version 1",
        ));
    }
    Ok(Rules::Version1)
}

/// Refuses an entry holding what its document's format version cannot:
/// version 3 added dates known only to a month or a year, adjustments,
/// and the actions `amend_member`, `amend_source` and `void`. This crate
/// writes version 3, so a document saying an earlier version and holding
/// them was not written by it.
fn only_what_the_version_holds(entry: &EntryIn, version: u32) -> Result<()> {
    if version >= 3 {
        return Ok(());
    }
    let what = match &entry.action {
        Action::AmendMember(_) | Action::AmendSource(_) | Action::Void { .. } => {
            Some(("action", format!("the action `{}`", entry.action.name())))
        }
        Action::Pledge(spec) if spec.adjusts().is_some() => {
            Some(("action", "an adjustment (`adjusts`)".to_string()))
        }
        _ => None,
    };
    let what = what.or_else(|| {
        entry
            .date
            .filter(|date| date.precision() != crate::dates::DatePrecision::Day)
            .map(|_| ("date", "a date known only to a month or a year".to_string()))
    });
    match what {
        Some((field, what)) => Err(Error::invalid(
            "entry",
            field,
            format!("{what} needs format version 3; the document says version {version}"),
        )),
        None => Ok(()),
    }
}

/// Version 2: every entry with its sequence number, under the current rules
/// unless it says it was accepted under an earlier version's.
fn version_2_entry(entry: &EntryIn, index: u64) -> Result<Rules> {
    if entry.seq != Some(index) {
        let reason = match entry.seq {
            Some(seq) => format!("sequence number {seq} where {index} was expected"),
            None => "missing sequence number".into(),
        };
        return Err(Error::invalid("entry", "seq", reason));
    }
    match entry.accepted_under {
        None => Ok(Rules::Current),
        Some(version) => Rules::for_format_version(version)
            .filter(|r| *r != Rules::Current)
            .ok_or_else(|| {
                Error::invalid(
                    "entry",
                    "accepted_under",
                    format!("{version} is not an earlier format version"),
                )
            }),
    }
}

/// What the parse of a document reads, handed to the [`Loader`] in
/// document order.
enum Event {
    /// Text read from a reader, for the shape check: it comes before the
    /// records parsed from it, so a shape error stops the load where
    /// checking the text as it was read would.
    Text(Vec<u8>),
    /// The key of a top-level field (its index in [`FIELDS`]), before its
    /// value is read.
    Field(usize),
    /// The value of `version`.
    Version(u32),
    Member(Member),
    Source(Source),
    Entry(EntryIn),
}

/// A [`Sink`] shared by a parse and the reader it reads from.
type SharedSink<'scope, 'env> = std::rc::Rc<std::cell::RefCell<Sink<'scope, 'env>>>;

/// The parse of a document: checks its fields and hands what it reads to a
/// [`Sink`].
struct Document<'scope, 'env> {
    /// The top-level fields read so far, to refuse a repeated one.
    seen: [bool; 5],
    /// Whether the document's object began: an input that ends before it
    /// does held nothing but white space.
    began: bool,
    /// Shared with the [`Guard`] of a reader, which hands on the text it
    /// reads.
    sink: SharedSink<'scope, 'env>,
}

impl<'scope, 'env> Document<'scope, 'env> {
    fn new(sink: Sink<'scope, 'env>) -> Self {
        Document {
            seen: [false; 5],
            began: false,
            sink: std::rc::Rc::new(std::cell::RefCell::new(sink)),
        }
    }

    /// The error of a parse that failed with `error`, made by `made`; an
    /// input that ended before the document began is empty, which serde
    /// calls "EOF while parsing a value", as it does a value cut off.
    fn parse_error(&self, error: serde_json::Error, made: fn(serde_json::Error) -> Error) -> Error {
        if error.is_eof() && !self.began {
            return Error::Json {
                line: error.line(),
                column: error.column().max(1),
                message: "the document is empty".into(),
            };
        }
        made(error)
    }

    /// The loaded ledger, or the first error: a shape error wins over
    /// every other (the check reads the whole text first), and a ledger
    /// error over the parse error it caused.
    fn finish(self, parsed: Result<()>) -> Result<Ledger> {
        self.into_loader()?.finish(parsed)
    }

    /// The loader, once it has taken every event handed on.
    fn into_loader(self) -> Result<Loader> {
        std::rc::Rc::try_unwrap(self.sink)
            .map_err(|_| Error::internal("the sink of a JSON document, still shared"))?
            .into_inner()
            .finish()
    }

    fn send<E: serde::de::Error>(&mut self, event: Event) -> Result<(), E> {
        let mut sink = self
            .sink
            .try_borrow_mut()
            .map_err(|_| E::custom("the sink of a JSON document is in use"))?;
        sink.send(event).map_err(E::custom)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Document<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Document<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a coalition-ledger document")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        self.began = true;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let Some(field) = FIELDS.iter().position(|f| *f == key) else {
                return Err(A::Error::unknown_field(&key, &FIELDS));
            };
            if let Some(seen) = self.seen.get_mut(field) {
                if *seen {
                    return Err(A::Error::custom(format!("duplicate field `{key}`")));
                }
                *seen = true;
            }
            self.send(Event::Field(field))?;
            match field {
                0 => {
                    map.next_value::<FormatTag>()?;
                }
                1 => {
                    let VersionTag(version) = map.next_value()?;
                    if version == 1 {
                        // The entries that follow are read on this thread.
                        crate::money::Version1Amounts::begin();
                    }
                    self.send(Event::Version(version))?;
                }
                2 => map.next_value_seed(Records::<Member>(self, std::marker::PhantomData))?,
                3 => map.next_value_seed(Records::<Source>(self, std::marker::PhantomData))?,
                _ => map.next_value_seed(Records::<EntryIn>(self, std::marker::PhantomData))?,
            }
        }
        for (field, seen) in FIELDS.iter().zip(self.seen).take(2) {
            if !seen {
                return Err(A::Error::missing_field(field));
            }
        }
        Ok(())
    }
}

/// One list of the document, each record handed on as it is read.
struct Records<'l, 's, 'e, T>(&'l mut Document<'s, 'e>, std::marker::PhantomData<T>);

/// What the loader is handed for one record of a list.
trait Record: for<'de> Deserialize<'de> {
    fn event(self) -> Event;
}

impl Record for Member {
    fn event(self) -> Event {
        Event::Member(self)
    }
}

impl Record for Source {
    fn event(self) -> Event {
        Event::Source(self)
    }
}

impl Record for EntryIn {
    fn event(self) -> Event {
        Event::Entry(self)
    }
}

impl<'de, T: Record> serde::de::DeserializeSeed<'de> for Records<'_, '_, '_, T> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Record> serde::de::Visitor<'de> for Records<'_, '_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<T>()? {
            self.0.send(record.event())?;
        }
        Ok(())
    }
}

fn record_entry(ledger: &mut Ledger, entry: EntryIn, rules: Rules) -> Result<()> {
    let mut provenance = Provenance::new(entry.evidence);
    if let Some(date) = entry.date {
        provenance = provenance.within(date);
    }
    if let Some(key) = entry.key {
        provenance = provenance.key(key);
    }
    match entry.sources {
        Cited::None => {}
        Cited::One(source) => provenance = provenance.cite(source),
        Cited::Many(sources) => {
            let count = sources.len();
            for source in sources {
                provenance = provenance.cite(source);
            }
            if provenance.sources().len() != count {
                return Err(Error::invalid("entry", "sources", "lists a source twice"));
            }
        }
    }
    // A pledge names the one copy of its member's id the load keeps (see
    // `KeepMemberIds`), which the ledger then finds by address.
    if let Action::Pledge(spec) = &entry.action {
        ledger.adopt_member(spec.member());
    }
    match ledger.record_under(entry.action, provenance, rules)? {
        recorded if recorded.is_appended() => Ok(()),
        _ => Err(Error::invalid(
            "entry",
            "action",
            "repeats an earlier entry",
        )),
    }
}

#[cold]
fn duplicate(kind: &'static str, id: &str) -> Error {
    Error::invalid(
        format!("{kind} `{id}`"),
        "id",
        "listed twice in the document",
    )
}

/// The error of a parse from a [`Guard`]: the guard's own, or serde's.
fn reader_error(error: serde_json::Error) -> Error {
    if error.io_error_kind().is_some() {
        let io = std::io::Error::from(error);
        if let Some(Stop(inner)) = io.get_ref().and_then(|e| e.downcast_ref::<Stop>()) {
            return inner.clone();
        }
        return Error::io(None, &io);
    }
    json_error(&error)
}

#[cold]
pub(crate) fn json_error(error: &serde_json::Error) -> Error {
    let message = error.to_string();
    // serde_json appends " at line L column C"; the position has its own fields.
    let message = match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(&message).to_string(),
        None => message,
    };
    Error::Json {
        line: error.line(),
        // serde_json counts the start of a line as column 0 (an input cut
        // off after a line end); the crate's columns start at 1.
        column: error.column().max(1),
        message,
    }
}

#[cold]
fn serde_error_to_io(error: &serde_json::Error) -> Error {
    match error.io_error_kind() {
        Some(kind) => Error::Io {
            path: None,
            kind,
            message: error.to_string(),
        },
        None => Error::Io {
            path: None,
            kind: std::io::ErrorKind::InvalidData,
            message: error.to_string(),
        },
    }
}

impl Ledger {
    /// The ledger as a JSON document; see [`crate::io::json`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let text = Ledger::new().to_json();
    /// assert!(text.starts_with("{"));
    /// assert_eq!(Ledger::from_json(&text)?.to_json(), text);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        to_string(self)
    }

    /// Reads a ledger from a JSON document; see [`crate::io::json::from_str`].
    ///
    /// # Errors
    ///
    /// As [`crate::io::json::from_str`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = Ledger::from_json(&fixtures::paris_summit().to_json())?;
    /// assert_eq!(ledger.pledge_count(), fixtures::paris_summit().pledge_count());
    /// let err = Ledger::from_json("{}").unwrap_err();
    /// assert!(err.is_format());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Ledger> {
        from_str(text)
    }
}

/// A ledger's serde form is its JSON document, so a ledger can be a field of
/// an application's own serde types. Deserializing replays every entry
/// through the same validation as [`from_str`]; a refused entry is a
/// deserialization error naming it.
///
/// The size and nesting limits of [`from_str`] apply to text read by this
/// module; with a deserializer of your own, bound its input yourself.
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Saved {
///     name: String,
///     ledger: Ledger,
/// }
///
/// let saved = Saved { name: "paris".into(), ledger: fixtures::paris_summit() };
/// let text = serde_json::to_string(&saved)?;
/// let back: Saved = serde_json::from_str(&text)?;
/// assert_eq!(back.ledger.to_json(), saved.ledger.to_json());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Serialize for Ledger {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// The entries, serialized as a sequence without collecting them.
        struct Entries<'a>(&'a Ledger);
        impl Serialize for Entries<'_> {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.collect_seq(self.0.entries())
            }
        }
        let mut document = s.serialize_struct("Document", 3)?;
        document.serialize_field("format", FORMAT)?;
        document.serialize_field("version", &VERSION)?;
        document.serialize_field("entries", &Entries(self))?;
        document.end()
    }
}

impl<'de> Deserialize<'de> for Ledger {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Ledger, D::Error> {
        let mut document = Document::new(Sink::new(None));
        let parsed = serde::de::DeserializeSeed::deserialize(&mut document, d);
        let mut loader = document.into_loader().map_err(serde::de::Error::custom)?;
        if let Some(error) = loader.failure.take() {
            return Err(serde::de::Error::custom(error));
        }
        parsed?;
        loader.finish(Ok(())).map_err(serde::de::Error::custom)
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;

    /// A load reads one copy of each member's id for all its pledges, and
    /// the ledger adopts it: the pledges name the very copy the load kept.
    #[test]
    fn pledges_name_one_copy_of_their_members_id() -> Result<()> {
        let text = crate::testing::fixtures::paris_summit().to_json();
        for ledger in [from_str(&text)?, from_reader(text.as_bytes())?] {
            let mut members: Vec<&crate::ids::MemberId> = Vec::new();
            for pledge in ledger.pledges() {
                let member = pledge.member();
                if let Some(seen) = members.iter().find(|m| **m == member) {
                    assert!(seen.same_allocation(member), "{member}");
                } else {
                    members.push(member);
                }
            }
            assert!(ledger.pledge_count() > members.len());
            assert!(ledger.adopted_copies() > 0);
        }
        Ok(())
    }

    /// How a test loads a document held whole.
    #[cfg(feature = "testing")]
    #[derive(Clone, Copy, Debug)]
    enum Threads {
        /// One thread, the shape checked first.
        One,
        /// Two from the start, the second checking the shape.
        Text,
        /// One, then two once the document proves long (as from a reader),
        /// the shape checked first.
        Later,
    }

    #[cfg(feature = "testing")]
    fn load_with(text: &str, threads: Threads) -> Result<Ledger> {
        let shape = ShapeWork::new(text);
        std::thread::scope(|scope| {
            let sink = match threads {
                Threads::One => check_shape(text).map(|()| Sink::new(None))?,
                Threads::Text => Sink::for_text(scope, text, &shape)?,
                Threads::Later => check_shape(text).map(|()| Sink::new(Some(scope)))?,
            };
            let mut document = Document::new(sink);
            let mut parser = serde_json::Deserializer::from_str(text);
            let parsed = serde::de::DeserializeSeed::deserialize(&mut document, &mut parser)
                .and_then(|()| parser.end());
            let parsed = parsed.map_err(|e| document.parse_error(e, |e| json_error(&e)));
            document.finish(parsed)
        })
    }

    /// The document of a generated ledger, long enough for a second thread.
    #[cfg(feature = "testing")]
    fn long_document() -> (Ledger, Vec<String>) {
        let ledger = crate::testing::Generator::seeded(11)
            .members(12)
            .pledges(3_000)
            .ledger()
            .unwrap();
        let lines = to_string(&ledger).lines().map(str::to_owned).collect();
        (ledger, lines)
    }

    /// Line `n` (from 0) of the document, changed.
    #[cfg(feature = "testing")]
    fn edit(lines: &[String], n: usize, from: &str, to: &str) -> Vec<String> {
        let mut lines = lines.to_vec();
        assert!(lines[n].contains(from), "{}", lines[n]);
        lines[n] = lines[n].replacen(from, to, 1);
        lines
    }

    #[test]
    #[cfg(feature = "testing")]
    fn two_threads_load_what_one_loads_and_fail_where_it_fails() {
        let (ledger, lines) = long_document();
        let entries = lines.len() - 6;
        assert!(entries > 4 * pipe::PIPE_AFTER, "{entries} entries");
        // Entry i is on line i + 4.
        let seq = |i: usize| format!("\"seq\":{i},");
        let cases: Vec<Vec<String>> = vec![
            lines.clone(),
            // A ledger error before and after the second thread starts.
            edit(&lines, 4 + 100, &seq(100), &seq(7)),
            edit(&lines, 4 + entries - 10, &seq(entries - 10), &seq(1)),
            // A syntax error late; a ledger error just before a syntax error
            // (the ledger error wins); a syntax error before a ledger error.
            edit(&lines, 4 + entries - 3, "{", "{{"),
            edit(
                &edit(&lines, 4 + 5_000, &seq(5_000), &seq(3)),
                4 + 5_001,
                "{",
                "{{",
            ),
            edit(
                &edit(&lines, 4 + 5_000, "{", "{{"),
                4 + 5_001,
                &seq(5_001),
                &seq(3),
            ),
            // The document ends early.
            lines[..lines.len() - 40].to_vec(),
        ];
        // From a reader, each case fails as the same text without its last
        // edit when that edit is a shape error later in the stream.
        let mut as_read: Vec<Option<Vec<String>>> = vec![None; cases.len()];
        // A shape error wins over everything before it in the text, as the
        // check reads the whole text first (a reader stops at what comes
        // first in the stream).
        let last = 4 + entries - 1;
        let positional = |lines: &[String]| edit(lines, last, "{\"seq\"", "[[]],{\"seq\"");
        let ledger_error = edit(&lines, 4 + 100, &seq(100), &seq(7));
        let syntax_error = edit(&lines, 4 + 5_000, "{", "{{");
        let shape_error = edit(&lines, 4 + 3_000, "{\"seq\"", &"{\"a\":".repeat(70));
        let cases: Vec<Vec<String>> = cases
            .into_iter()
            .chain([
                positional(&lines),
                positional(&ledger_error),
                positional(&syntax_error),
                shape_error.clone(),
                // A shape error before a ledger error, from a reader too.
                edit(&shape_error, 4 + 5_000, &seq(5_000), &seq(3)),
            ])
            .collect();
        as_read.extend([None, Some(ledger_error), Some(syntax_error), None, None]);
        for (n, case) in cases.iter().enumerate() {
            let text = case.join("\n");
            assert!(text.len() > pipe::PIPE_BYTES);
            let one = load_with(&text, Threads::One);
            for threads in [Threads::Text, Threads::Later] {
                let two = load_with(&text, threads);
                assert_eq!(
                    two.as_ref().err(),
                    one.as_ref().err(),
                    "case {n}, {threads:?}"
                );
                assert_eq!(
                    two.as_ref().ok(),
                    one.as_ref().ok(),
                    "case {n}, {threads:?}"
                );
            }
            assert_eq!(from_str(&text).as_ref().err(), one.as_ref().err());
            let read = match &as_read[n] {
                Some(earlier) => load_with(&earlier.join("\n"), Threads::One),
                None => one.clone(),
            };
            assert_eq!(
                from_reader(text.as_bytes()).as_ref().err(),
                read.as_ref().err(),
                "case {n} from a reader"
            );
            if n == 0 {
                assert_eq!(one.as_ref().ok(), Some(&ledger));
            } else {
                assert!(one.is_err(), "case {n} fails");
            }
        }
    }
}
