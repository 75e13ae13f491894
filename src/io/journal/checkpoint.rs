//! Checkpoints: the ledger saved beside the journal, so that open replays
//! only what follows.
//!
//! The file's format is on [`Journal::checkpoint`](super::Journal::checkpoint).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::io_at;
use super::replay::Start;
use super::{format, sibling, sync_directory};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::limits::{MAX_DOCUMENT_BYTES, MAX_JOURNAL_LINE_BYTES};
use crc32fast::hash as crc32;

const FORMAT: &str = "coalition-ledger-checkpoint";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    entries: u64,
    offset: u64,
    lines: u64,
    document: String,
    last_line: String,
    /// The CRC-32 of the covered bytes: lines that each verify but were
    /// reordered no longer replay, and must not be trusted (a checkpoint
    /// written before this was kept has none: a read-only open trusts it on
    /// its lines, a writer replays instead, see [`resume`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
}

/// Writes the checkpoint for a journal of `length` bytes and `lines` lines
/// whose bytes have the CRC-32 `prefix`: the writer's own running checksum
/// of what it replayed and wrote, not the file read back, so that bytes
/// changed under the writer are not certified (the next open finds that
/// they differ, ignores the checkpoint and replays, which says where).
pub(crate) fn write(
    path: &Path,
    ledger: &Ledger,
    length: u64,
    lines: u64,
    prefix: u32,
) -> Result<()> {
    let target = sibling(path, "checkpoint");
    let temporary = sibling(path, "checkpoint.tmp");
    let last_line = last_line_crc(path, length)
        .map_err(io_at(path))?
        // The writer's last write ended with a newline at `length`.
        .ok_or_else(|| Error::JournalChanged {
            path: path.display().to_string(),
            reason: format!("no line ends at byte {length}, where this writer's last one did"),
        })?;
    let document = crate::io::json::to_string(ledger);
    let header = Header {
        format: FORMAT.into(),
        version: super::VERSION,
        entries: ledger.len() as u64,
        offset: length,
        lines,
        document: format!("{:08x}", crc32(document.as_bytes())),
        last_line: format!("{last_line:08x}"),
        prefix: Some(format!("{prefix:08x}")),
    };
    let json = serde_json::to_vec(&header)
        .map_err(|e| Error::invalid("checkpoint", "header", e.to_string()))?;
    let mut bytes = format!("{:08x} ", crc32(&json)).into_bytes();
    bytes.extend_from_slice(&json);
    bytes.push(b'\n');
    bytes.extend_from_slice(document.as_bytes());
    let mut file = std::fs::File::create(&temporary).map_err(io_at(&temporary))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(io_at(&temporary))?;
    drop(file);
    std::fs::rename(&temporary, &target).map_err(io_at(&target))?;
    sync_directory(&target)
}

/// Where replay starts for the journal at `path` of `length` bytes: after
/// its checkpoint when a valid one is beside it, else at the beginning;
/// with the reason a checkpoint present was ignored. A `writer` does not
/// start from a checkpoint without `prefix`: it would certify the covered
/// lines' order in its own next checkpoint without anyone having checked
/// it, so it replays them once instead.
pub(crate) fn resume(path: &Path, length: u64, writer: bool) -> (Start, Option<String>) {
    let target = sibling(path, "checkpoint");
    match std::fs::metadata(&target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Start::beginning(), None),
        _ => {}
    }
    match read(path, &target, length, writer) {
        Ok(start) => (start, None),
        Err(reason) => (
            Start::beginning(),
            Some(format!(
                "checkpoint `{}` ignored: {reason}",
                target.display()
            )),
        ),
    }
}

fn read(
    path: &Path,
    target: &Path,
    length: u64,
    writer: bool,
) -> std::result::Result<Start, String> {
    let file = std::fs::File::open(target).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let cap = (MAX_DOCUMENT_BYTES as u64).saturating_add(MAX_JOURNAL_LINE_BYTES as u64);
    if size > cap {
        return Err(format!("{size} bytes, more than a checkpoint can hold"));
    }
    let mut bytes = Vec::new();
    file.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let newline = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no header line")?;
    let (line, document) = bytes.split_at(newline);
    let document = document.get(1..).unwrap_or_default();
    let json = format::verify(line)?;
    let header: Header = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    if header.format != FORMAT || !(2..=super::VERSION).contains(&header.version) {
        return Err(format!(
            "format {} version {}",
            header.format, header.version
        ));
    }
    if format!("{:08x}", crc32(document)) != header.document {
        return Err("the document's checksum does not verify".into());
    }
    if header.offset > length {
        return Err(format!(
            "it covers {} bytes but the journal holds {length}",
            header.offset
        ));
    }
    match last_line_crc(path, header.offset) {
        Ok(Some(crc)) if format!("{crc:08x}") == header.last_line => {}
        Ok(_) => return Err("it was written for another journal".into()),
        Err(e) => return Err(e.to_string()),
    }
    let prefix = verify_prefix(path, header.offset, header.lines)?;
    if header
        .prefix
        .as_ref()
        .is_some_and(|crc| *crc != format!("{prefix:08x}"))
    {
        return Err(
            "the lines it covers are not those it was written for (reordered or replaced)".into(),
        );
    }
    if writer && header.prefix.is_none() {
        return Err("written before checkpoints kept the checksum of the lines they cover, so a writer replays them once to take it".into());
    }
    let text = std::str::from_utf8(document).map_err(|e| e.to_string())?;
    let ledger = crate::io::json::from_str(text).map_err(|e| e.to_string())?;
    if ledger.len() as u64 != header.entries {
        return Err(format!(
            "it holds {} entries where its header says {}",
            ledger.len(),
            header.entries
        ));
    }
    Ok(Start {
        ledger,
        offset: header.offset,
        line: header.lines,
        version: super::VERSION,
        crc: prefix,
    })
}

/// Checks the checksum of every line of the journal's first `end` bytes,
/// and that there are `lines` of them, and gives the CRC-32 of all of
/// them: the lines a checkpoint covers are not replayed, and a damaged one
/// must not go unnoticed while the checkpoint holds, for the journal would
/// then no longer replay without it. A damaged line ignores the
/// checkpoint, and the full replay reports the line. (Checksums alone cost
/// a small part of parsing each line.)
fn verify_prefix(path: &Path, end: u64, lines: u64) -> std::result::Result<u32, String> {
    use std::io::BufRead as _;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file.take(end));
    let mut line = Vec::new();
    let mut count: u64 = 0;
    let mut all = crc32fast::Hasher::new();
    loop {
        line.clear();
        let read = reader
            .by_ref()
            .take((MAX_JOURNAL_LINE_BYTES as u64).saturating_add(1))
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        count = count.saturating_add(1);
        all.update(&line);
        let Some(body) = line.strip_suffix(b"\n") else {
            return Err(format!("line {count} of the lines it covers is unfinished"));
        };
        if let Err(reason) = format::verify(body) {
            return Err(format!("line {count} of the lines it covers: {reason}"));
        }
    }
    if count != lines {
        return Err(format!(
            "it covers {lines} lines but the journal holds {count} there"
        ));
    }
    Ok(all.finalize())
}

/// The CRC-32 of the journal's last complete line ending at `end` (newline
/// included), or `None` when no line ends there.
fn last_line_crc(path: &Path, end: u64) -> std::io::Result<Option<u32>> {
    if end == 0 {
        return Ok(None);
    }
    let mut file = std::fs::File::open(path)?;
    let window = end.min((MAX_JOURNAL_LINE_BYTES as u64).saturating_add(1));
    file.seek(SeekFrom::Start(end.saturating_sub(window)))?;
    let mut chunk = Vec::new();
    file.take(window).read_to_end(&mut chunk)?;
    if chunk.len() as u64 != window || chunk.last() != Some(&b'\n') {
        return Ok(None);
    }
    let body = chunk
        .get(..chunk.len().saturating_sub(1))
        .unwrap_or_default();
    let start = match body.iter().rposition(|&b| b == b'\n') {
        Some(at) => at.saturating_add(1),
        None if window == end => 0,
        None => return Ok(None),
    };
    Ok(chunk.get(start..).map(crc32))
}
