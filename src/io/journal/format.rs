//! The bytes of a journal line.
//!
//! Every line is `CRC32 JSON\n`: eight lower-case hex digits of the CRC-32
//! of the JSON, one space, the JSON, a newline. Versions 2 and 3 have three kinds
//! of line:
//!
//! * the header, first and only there:
//!   `{"format":"coalition-ledger-journal","version":3}` (or 2);
//! * an entry: the entry as JSON, starting with its sequence number
//!   (`{"seq":0,...}`);
//! * a batch frame, `{"batch":N}`, followed by the batch's N entry lines: the
//!   batch is finished, and applied, only once all N are there.
//!
//! Version 1 (crate 0.1.0) had entry lines only.

use serde::Deserialize;

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::limits::MAX_JOURNAL_LINE_BYTES;
use crc32fast::hash as crc32;

/// The value of the header's `format` field.
pub(crate) const FORMAT: &str = "coalition-ledger-journal";

/// One decoded line.
pub(crate) enum Line {
    Header {
        version: u64,
    },
    Batch {
        entries: u64,
    },
    /// An entry, or the sequence number of one that no ledger reaches
    /// (replay refuses it as a wrong sequence number).
    Entry(std::result::Result<Box<Entry>, u64>),
}

/// The header line of a new journal.
pub(crate) fn header_line() -> Vec<u8> {
    frame(format!(r#"{{"format":"{FORMAT}","version":{}}}"#, super::VERSION).as_bytes())
}

/// The frame line opening a batch of `entries` entries.
pub(crate) fn batch_line(entries: usize) -> Vec<u8> {
    frame(format!(r#"{{"batch":{entries}}}"#).as_bytes())
}

/// Appends an entry's line to `out`.
pub(crate) fn push_entry_line(out: &mut Vec<u8>, entry: &Entry) -> Result<()> {
    let start = out.len();
    out.extend_from_slice(b"00000000 ");
    serde_json::to_writer(&mut *out, entry).map_err(|e| Error::Journal {
        line: entry.sequence().saturating_add(1),
        message: e.to_string(),
    })?;
    let json_start = start.saturating_add(9);
    let sum = crc32(out.get(json_start..).unwrap_or_default());
    let hex = format!("{sum:08x}");
    if let Some(slot) = out.get_mut(start..json_start.saturating_sub(1)) {
        slot.copy_from_slice(hex.as_bytes());
    }
    out.push(b'\n');
    Ok(())
}

fn frame(json: &[u8]) -> Vec<u8> {
    let mut line = Vec::with_capacity(json.len().saturating_add(10));
    line.extend_from_slice(format!("{:08x} ", crc32(json)).as_bytes());
    line.extend_from_slice(json);
    line.push(b'\n');
    line
}

/// Checks a line's checksum (without its newline) and returns its JSON.
pub(crate) fn verify(line: &[u8]) -> std::result::Result<&[u8], String> {
    if line.len() > MAX_JOURNAL_LINE_BYTES {
        return Err(format!(
            "line of {} bytes exceeds the limit of {MAX_JOURNAL_LINE_BYTES}",
            line.len()
        ));
    }
    let (Some(hex), Some(b' '), Some(json)) = (line.get(..8), line.get(8), line.get(9..)) else {
        return Err("expected an 8-digit checksum, a space and a record".into());
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
    let actual = crc32(json);
    if stated != actual {
        return Err(format!(
            "checksum mismatch: line says {stated:08x}, content has {actual:08x}"
        ));
    }
    Ok(json)
}

/// Decodes a verified line's JSON.
pub(crate) fn parse(json: &[u8]) -> std::result::Result<Line, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Header {
        format: String,
        version: u64,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Batch {
        batch: u64,
    }
    let not = |what: &str, e: serde_json::Error| {
        format!("not {what}: {}", crate::io::json::json_error(&e))
    };
    if json.starts_with(br#"{"seq":"#) {
        Entry::from_journal_json(json)
            .map(|e| Line::Entry(e.map(Box::new)))
            .map_err(|e| not("an entry", e))
    } else if json.starts_with(br#"{"batch":"#) {
        serde_json::from_slice::<Batch>(json)
            .map(|b| Line::Batch { entries: b.batch })
            .map_err(|e| not("a batch frame", e))
    } else if json.starts_with(br#"{"format":"#) {
        let header: Header = serde_json::from_slice(json).map_err(|e| not("a header", e))?;
        if header.format != FORMAT {
            return Err(format!("unknown format `{}`", header.format.escape_debug()));
        }
        Ok(Line::Header {
            version: header.version,
        })
    } else {
        Err("not a journal record".into())
    }
}
