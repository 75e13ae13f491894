//! The shape and size checks of a JSON document, run over its text before
//! (or, from a reader, as) it is parsed.
//!
//! The check looks at every byte of the document, so it is written to cost
//! little per byte: no allocation, string contents skipped in runs, and the
//! column of an error computed only when there is one.

use std::io::Read;

use super::{Event, SharedSink};
use crate::error::{Error, Result};
use crate::limits::{MAX_DOCUMENT_BYTES, MAX_JSON_DEPTH};

/// Rejects a document larger than `limit` bytes before reading it.
pub(super) fn check_size(text: &str, limit: usize) -> Result<()> {
    if text.len() > limit {
        return Err(Error::limit(
            "JSON document size in bytes",
            limit,
            text.len(),
        ));
    }
    Ok(())
}

/// The fields whose value is a list. Everything else in the document is an
/// object with named fields, a string, a number or a boolean.
const LIST_FIELDS: [&[u8]; 6] = [
    b"members",
    b"sources",
    b"entries",
    b"groups",
    b"roles",
    b"conditions",
];

/// Longest list field name, the most of a string the check keeps.
const KEY_BYTES: usize = 16;

/// Checks the document's shape in one pass before parsing: nesting no
/// deeper than [`MAX_JSON_DEPTH`], an object at the top, and a list only as
/// the value of one of [`LIST_FIELDS`]. `serde` would also read a record
/// written as a positional list (`["FRA","France"]` for a member); the
/// document has one spelling, objects with named fields, so that is refused
/// here with its line and column.
pub(super) fn check_shape(text: &str) -> Result<()> {
    Shape::default().feed(text.as_bytes())
}

/// The state of the shape check, fed a chunk at a time, so a reader can be
/// checked as it streams ([`Guard`]).
#[derive(Default)]
pub(super) struct Shape {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Lines ended so far (newlines outside strings).
    line: usize,
    /// Bytes fed before the current chunk.
    offset: usize,
    /// Offset of the first byte of the current line.
    line_start: usize,
    /// The first bytes of the string being read and how many bytes it has
    /// so far (more than [`KEY_BYTES`] means cut: no list field).
    string: [u8; KEY_BYTES],
    string_len: usize,
    /// Which of [`LIST_FIELDS`] the last string read spells, if any.
    last: Option<usize>,
    /// The same for the key of the value being read: the last string
    /// before a `:`.
    key: Option<usize>,
    /// The last byte outside strings that was not whitespace.
    previous: Option<u8>,
}

impl Shape {
    /// The error at byte `at` of the current chunk: lines count newlines
    /// outside strings, columns count bytes from 1.
    #[cold]
    fn error(&self, at: usize, message: String) -> Error {
        let position = self.offset.saturating_add(at);
        Error::Json {
            line: self.line.saturating_add(1),
            column: position.saturating_sub(self.line_start).saturating_add(1),
            message,
        }
    }

    /// Notes bytes of the string being read.
    fn keep(&mut self, bytes: &[u8]) {
        if let Some(free) = self.string.get_mut(self.string_len..) {
            for (slot, byte) in free.iter_mut().zip(bytes) {
                *slot = *byte;
            }
        }
        self.string_len = self.string_len.saturating_add(bytes.len());
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        let mut at = 0;
        while let Some(rest) = bytes.get(at..).filter(|r| !r.is_empty()) {
            if self.in_string {
                at = at.saturating_add(self.string_rest(rest));
                continue;
            }
            at = self.outside_strings(bytes, at)?;
        }
        self.offset = self.offset.saturating_add(bytes.len());
        Ok(())
    }

    /// Reads `bytes` from `at` a byte at a time, each string that ends in
    /// them skipped whole, until a string that does not begins (then it is
    /// in one) or the bytes end; returns where it stopped. Apart from the
    /// caller's loop, so that the test of being in a string is made once
    /// per such string rather than once a byte.
    fn outside_strings(&mut self, bytes: &[u8], mut at: usize) -> Result<usize> {
        while let Some(&byte) = bytes.get(at) {
            at = at.saturating_add(1);
            match byte {
                b'"' => {
                    // Most strings are short, whole in this chunk and
                    // without escapes: their end is found without state.
                    let text = bytes.get(at..).unwrap_or_default();
                    match find_quote_or_backslash(text) {
                        Some(end) if text.get(end) == Some(&b'"') => {
                            self.last = text.get(..end).and_then(list_field);
                            self.previous = Some(b'"');
                            at = at.saturating_add(end).saturating_add(1);
                        }
                        _ => {
                            self.in_string = true;
                            self.string_len = 0;
                            return Ok(at);
                        }
                    }
                    continue;
                }
                b':' => self.key = self.last,
                b'{' | b'[' => {
                    if byte == b'[' && (self.previous != Some(b':') || self.key.is_none()) {
                        return Err(self.error(
                            at.saturating_sub(1),
                            "expected an object with named fields: a list is only the value of \
                             `members`, `sources`, `entries`, `groups`, `roles` or `conditions`"
                                .into(),
                        ));
                    }
                    self.depth = self.depth.saturating_add(1);
                    if self.depth > MAX_JSON_DEPTH {
                        return Err(self.error(
                            at.saturating_sub(1),
                            format!("nesting deeper than {MAX_JSON_DEPTH} levels"),
                        ));
                    }
                }
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                b'\n' => {
                    self.line = self.line.saturating_add(1);
                    self.line_start = self.offset.saturating_add(at);
                }
                _ => {}
            }
            if !byte.is_ascii_whitespace() {
                self.previous = Some(byte);
            }
        }
        Ok(at)
    }

    /// Reads on in a string that holds an escape or goes on past the
    /// chunk; returns how many bytes of `rest` it took.
    fn string_rest(&mut self, rest: &[u8]) -> usize {
        if self.escaped {
            self.escaped = false;
            self.keep(rest.get(..1).unwrap_or_default());
            return 1;
        }
        let run = find_quote_or_backslash(rest).unwrap_or(rest.len());
        self.keep(rest.get(..run).unwrap_or_default());
        match rest.get(run) {
            Some(b'"') => {
                self.in_string = false;
                self.last = self.string.get(..self.string_len).and_then(list_field);
                self.previous = Some(b'"');
            }
            Some(_) => {
                self.escaped = true;
                self.keep(b"\\");
            }
            None => return run,
        }
        run.saturating_add(1)
    }
}

/// Which of [`LIST_FIELDS`] a string's raw text spells. Every string of a
/// document comes here, and most are five to ten bytes long: the length
/// and first byte pick the one field it could be, so that at most one
/// comparison is made (comparing with each field of its length was a
/// `memcmp` call apiece: 4% of the check, measured at 100k pledges).
fn list_field(text: &[u8]) -> Option<usize> {
    let candidate = match (text.len(), text.first()?) {
        (7, b'm') => 0,
        (7, b's') => 1,
        (7, b'e') => 2,
        (6, b'g') => 3,
        (5, b'r') => 4,
        (10, b'c') => 5,
        _ => return None,
    };
    (*LIST_FIELDS.get(candidate)? == text).then_some(candidate)
}

/// The first `"` or `\` in `text`, eight bytes at a time.
fn find_quote_or_backslash(text: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const QUOTES: u64 = 0x2222_2222_2222_2222;
    const BACKSLASHES: u64 = 0x5c5c_5c5c_5c5c_5c5c;
    // High bit set in each byte of `v` that is zero; below the first zero
    // byte no bit is set, so the lowest one found is exact.
    let zeros = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let mut words = text.chunks_exact(8);
    let mut at = 0usize;
    for word in words.by_ref() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let w = u64::from_le_bytes(eight);
        let found = zeros(w ^ QUOTES) | zeros(w ^ BACKSLASHES);
        if found != 0 {
            let byte = usize::try_from(found.trailing_zeros() >> 3).unwrap_or(0);
            return Some(at.saturating_add(byte));
        }
        at = at.saturating_add(8);
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|p| at.saturating_add(p))
}

/// Why a [`Guard`] stopped the reader: the error to report.
#[derive(Debug)]
pub(super) struct Stop(pub(super) Error);

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Stop {}

/// Checks the size of a document as the parser reads it, and hands what it
/// read to the loader for the shape check, before the records parsed from
/// it (so on the loader's thread once there is one): loading from a reader
/// never holds the document's text, and peak memory is the ledger being
/// built plus a few buffers.
pub(super) struct Guard<'scope, 'env, R> {
    inner: R,
    read: usize,
    sink: SharedSink<'scope, 'env>,
}

impl<'scope, 'env, R> Guard<'scope, 'env, R> {
    pub(super) fn new(inner: R, sink: SharedSink<'scope, 'env>) -> Self {
        Guard {
            inner,
            read: 0,
            sink,
        }
    }
}

impl<R: Read> Read for Guard<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read = self.read.saturating_add(n);
        let stop = |error| std::io::Error::new(std::io::ErrorKind::InvalidData, Stop(error));
        if self.read > MAX_DOCUMENT_BYTES {
            return Err(stop(Error::limit(
                "JSON document size in bytes",
                MAX_DOCUMENT_BYTES,
                self.read,
            )));
        }
        let text = buf.get(..n).unwrap_or_default();
        if !text.is_empty() {
            let Ok(mut sink) = self.sink.try_borrow_mut() else {
                return Err(stop(Error::internal("the sink of a JSON document")));
            };
            // A refused text means the load stopped, at an error of its own.
            sink.send(Event::Text(text.to_vec()))
                .map_err(std::io::Error::other)?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_size_limit_is_checked_below_at_and_above() {
        let text = "x".repeat(100);
        assert!(check_size(&text, 101).is_ok());
        assert!(check_size(&text, 100).is_ok());
        let err = check_size(&text, 99).unwrap_err();
        assert_eq!(
            err.to_string(),
            "JSON document size in bytes exceeds the limit of 99 (got 100)"
        );
    }

    /// The length-and-first-byte dispatch names each list field, and
    /// nothing else: not a field with any one byte changed, cut or
    /// lengthened, as the comparison with every field does.
    #[test]
    fn list_fields_are_named_by_their_text_alone() {
        let by_comparison = |text: &[u8]| LIST_FIELDS.iter().position(|f| *f == text);
        let mut texts: Vec<Vec<u8>> = vec![b"".to_vec(), b"member".to_vec(), b"stage".to_vec()];
        for field in LIST_FIELDS {
            texts.push(field.to_vec());
            texts.push(field[1..].to_vec());
            texts.push(field[..field.len() - 1].to_vec());
            texts.push([field, b"s"].concat());
            for at in 0..field.len() {
                for byte in [b'a', b'z', field[at] ^ 0x20] {
                    let mut changed = field.to_vec();
                    changed[at] = byte;
                    texts.push(changed);
                }
            }
        }
        for text in &texts {
            assert_eq!(
                list_field(text),
                by_comparison(text),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        for (i, field) in LIST_FIELDS.iter().enumerate() {
            assert_eq!(list_field(field), Some(i));
        }
    }

    /// The check as first written, a byte at a time: the fast one must
    /// give the same verdict, line and column on every input.
    #[derive(Default)]
    struct Reference {
        depth: usize,
        in_string: bool,
        escaped: bool,
        line: usize,
        column: usize,
        string: Vec<u8>,
        string_cut: bool,
        last: (Vec<u8>, bool),
        key: Option<(Vec<u8>, bool)>,
        previous: Option<u8>,
    }

    impl Reference {
        fn error(&self, message: String) -> Error {
            Error::Json {
                line: self.line.saturating_add(1),
                column: self.column,
                message,
            }
        }

        fn feed(&mut self, bytes: &[u8]) -> Result<()> {
            for &byte in bytes {
                self.column = self.column.saturating_add(1);
                if self.in_string {
                    match byte {
                        _ if self.escaped => self.escaped = false,
                        b'\\' => self.escaped = true,
                        b'"' => {
                            self.in_string = false;
                            self.last = (std::mem::take(&mut self.string), self.string_cut);
                            self.previous = Some(b'"');
                            continue;
                        }
                        _ => {}
                    }
                    if self.string.len() < KEY_BYTES {
                        self.string.push(byte);
                    } else {
                        self.string_cut = true;
                    }
                    continue;
                }
                match byte {
                    b'"' => {
                        self.in_string = true;
                        self.string.clear();
                        self.string_cut = false;
                    }
                    b':' => self.key = Some(self.last.clone()),
                    b'{' | b'[' => {
                        if byte == b'[' {
                            let named = self.key.as_ref().is_some_and(|(k, cut)| {
                                !cut && LIST_FIELDS.contains(&k.as_slice())
                            });
                            if self.previous != Some(b':') || !named {
                                return Err(self.error(
                                    "expected an object with named fields: a list is only the \
                                     value of `members`, `sources`, `entries`, `groups`, `roles` \
                                     or `conditions`"
                                        .into(),
                                ));
                            }
                        }
                        self.depth = self.depth.saturating_add(1);
                        if self.depth > MAX_JSON_DEPTH {
                            return Err(
                                self.error(format!("nesting deeper than {MAX_JSON_DEPTH} levels"))
                            );
                        }
                    }
                    b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                    b'\n' => {
                        self.line = self.line.saturating_add(1);
                        self.column = 0;
                    }
                    _ => {}
                }
                if !byte.is_ascii_whitespace() && byte != b'"' {
                    self.previous = Some(byte);
                }
            }
            Ok(())
        }
    }

    /// Pieces that make the check's cases: list fields (whole, cut, with
    /// an escape), nesting, escapes, newlines inside and outside strings.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            " ",
            "\n",
            "\"",
            "\\",
            "\\\"",
            "a",
            "é",
            "1",
            "\"members\"",
            "\"sources\"",
            "\"entries\"",
            "\"groups\"",
            "\"roles\"",
            "\"conditions\"",
            "\"conditionsXXXXXXX\"",
            "\"abcdefghijklmnop\"",
            "\"abcdefghijklmnopq\"",
            "\"gro\\\"ups\"",
            "\"entries\n\"",
            ": [",
            ":[{",
            "{\"entries\": [",
            "{{{{{{{{{{{{{{{{",
        ])
    }

    fn reference(text: &[u8]) -> std::result::Result<(), String> {
        Reference::default()
            .feed(text)
            .map_err(|e| format!("{e:?}"))
    }

    fn fast(text: &[u8], cuts: &[usize]) -> std::result::Result<(), String> {
        let mut shape = Shape::default();
        let mut from = 0;
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).collect();
        bounds.sort_unstable();
        bounds.push(text.len());
        for to in bounds {
            shape.feed(&text[from..to]).map_err(|e| format!("{e:?}"))?;
            from = to;
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_fast_check_agrees_with_the_byte_at_a_time_one(
            pieces in prop::collection::vec(piece(), 0..120),
            cuts in prop::collection::vec(any::<usize>(), 0..6),
        ) {
            let text = pieces.concat();
            prop_assert_eq!(fast(text.as_bytes(), &cuts), reference(text.as_bytes()), "{}", text);
        }
    }

    #[test]
    fn a_deep_document_is_refused_at_the_same_place_either_way() {
        let deep = format!("{{\"entries\": [\n  {}", "{\"a\":".repeat(MAX_JSON_DEPTH));
        let expected = reference(deep.as_bytes());
        assert!(expected.is_err());
        assert_eq!(fast(deep.as_bytes(), &[]), expected);
        assert_eq!(fast(deep.as_bytes(), &[1, 7, 20]), expected);
    }
}
