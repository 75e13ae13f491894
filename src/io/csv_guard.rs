//! A reader that bounds what the CSV parser may buffer.
//!
//! A CSV reader (the `csv` crate's, or the import's own in
//! [`csv_records`](super::csv_records)) collects a whole record before
//! handing it over, so a 300 MB single-field row would be in memory before
//! any length check. This reader follows the record structure itself (the
//! same quoting rules as the parser: a quote opens a quoted field only at
//! the start of a field, `""` inside is a literal quote, `\r`, `\n` or
//! `\r\n` end a record; each ends a line, a lone `\r` too, as the reader
//! counts lines) and stops with an error, naming the record's line, once a
//! record passes
//! [`MAX_CSV_RECORD_BYTES`](crate::limits::MAX_CSV_RECORD_BYTES). At the
//! end of the input, a quoted field still open is an error naming the line
//! where it opened: without it the parser would take every later row into
//! that field. A guard made [`with_comments`](Guard::with_comments) skips
//! a comment line as the reader does (from the comment byte at the start of
//! a record to its line end, a `\r` or a `\n`; `csv_core` ends one at a
//! `\n` alone): a quote in it opens nothing, and its length is not a
//! record's, since the reader skips it without holding it whole.

use std::io::{self, Read};

/// The UTF-8 byte order mark, which the readers strip from the start of the
/// input and the guard skips there.
pub(crate) const BYTE_ORDER_MARK: [u8; 3] = [0xef, 0xbb, 0xbf];

/// Where the reader is in the record structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
    /// In a comment line, up to its line end (`\r` or `\n`).
    InComment,
}

/// Why the guard stopped the input, with the 1-based line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stop {
    pub(crate) line: u64,
    pub(crate) message: String,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for Stop {}

/// Wraps the input of the CSV parser; see the module docs.
pub(crate) struct Guard<R> {
    inner: R,
    limit: usize,
    state: State,
    /// Bytes of the current record so far, without its terminator.
    record_bytes: usize,
    /// The current line (1-based) and the line the current record began on.
    /// A line ends at each `\n`, and at each `\r` (alone, as files for
    /// old Macs end lines; a `\r\n` ends one), as the reader counts them.
    line: u64,
    /// The last byte followed was a `\r`.
    after_cr: bool,
    record_line: u64,
    /// The line where the open quoted field began.
    quote_line: u64,
    pending: Option<Stop>,
    /// A line starting with this byte where a record would start is a
    /// comment.
    comment: Option<u8>,
    /// While the input so far is the start of a byte order mark, how much
    /// of it: the reader strips a whole mark, so the first record, and a
    /// comment or a quote at its start, begins after it.
    lead: Option<usize>,
}

impl<R: Read> Guard<R> {
    pub(crate) fn new(inner: R, limit: usize) -> Guard<R> {
        Guard {
            inner,
            limit,
            state: State::StartField,
            record_bytes: 0,
            line: 1,
            after_cr: false,
            record_line: 1,
            quote_line: 1,
            pending: None,
            comment: None,
            lead: Some(0),
        }
    }

    /// A guard for a reader that skips comment lines starting with
    /// `comment`, when given (see the module docs).
    pub(crate) fn with_comments(inner: R, limit: usize, comment: Option<u8>) -> Guard<R> {
        Guard {
            comment,
            ..Guard::new(inner, limit)
        }
    }

    /// True at the start of a record (a field starts and the record has no
    /// bytes yet), where a comment byte begins a comment.
    fn at_record_start(&self) -> bool {
        self.state == State::StartField && self.record_bytes == 0
    }

    /// Follows the bytes at the start of `bytes` that stay outside quotes
    /// and within the record, all at once, and says how many; 0 when the
    /// next byte needs [`Guard::step`] (a quote, a terminator, or a byte
    /// that would pass the limit). Commas are part of a run: outside quotes
    /// a comma only starts the next field, so the state after the run is
    /// `StartField` when its last byte is a comma and `InField` otherwise,
    /// as stepping would leave it. Stepping byte by byte was a twelfth of a
    /// million-row import, and stopping a run at every comma (a row has
    /// twenty) still cost half a microsecond a row.
    fn ordinary_run(&mut self, bytes: &[u8]) -> usize {
        if !matches!(self.state, State::StartField | State::InField) {
            return 0;
        }
        if self.comment.is_some()
            && self.at_record_start()
            && bytes.first() == self.comment.as_ref()
        {
            return 0;
        }
        let run = plain_prefix(bytes);
        if run == 0 || self.record_bytes.saturating_add(run) > self.limit {
            return 0;
        }
        if self.record_bytes == 0 {
            self.record_line = self.line;
        }
        self.record_bytes = self.record_bytes.saturating_add(run);
        self.after_cr = false;
        self.state = match bytes.get(run.saturating_sub(1)) {
            Some(b',') => State::StartField,
            _ => State::InField,
        };
        run
    }

    /// Follows one byte; false when the record has grown past the limit.
    fn step(&mut self, byte: u8) -> bool {
        let ends_record = matches!(byte, b'\n' | b'\r');
        if byte == b'\r' || (byte == b'\n' && !self.after_cr) {
            self.line = self.line.saturating_add(1);
        }
        self.after_cr = byte == b'\r';
        if self.state == State::InComment {
            // A `\r` or a `\n` ends a comment, as the reader ends it (a
            // `\n` after a `\r` is then an empty line); none of it counts
            // towards a record.
            if ends_record {
                self.state = State::StartField;
            }
            return true;
        }
        if self.comment == Some(byte) && self.at_record_start() {
            self.state = State::InComment;
            return true;
        }
        self.state = match (self.state, byte) {
            (State::InQuoted, b'"') => State::QuoteInQuoted,
            // A second quote after a quote is a literal quote.
            (State::InQuoted, _) | (State::QuoteInQuoted, b'"') => State::InQuoted,
            (State::StartField, b'"') => {
                self.quote_line = self.line;
                State::InQuoted
            }
            (_, b',') => State::StartField,
            (_, _) if ends_record => State::StartField,
            _ => State::InField,
        };
        if ends_record && self.state == State::StartField {
            self.record_bytes = 0;
            self.record_line = self.line;
            return true;
        }
        if self.record_bytes == 0 && byte != b'\n' {
            self.record_line = self.line;
        }
        self.record_bytes = self.record_bytes.saturating_add(1);
        self.record_bytes <= self.limit
    }
}

/// How many bytes at the start of `bytes` are none of `"`, `\n` and `\r`.
/// `memchr` (already under `csv`) searches a vector register's worth at a
/// time; the eight-byte word test it replaced was 2.4% of the reading
/// thread of a million-row import.
fn plain_prefix(bytes: &[u8]) -> usize {
    memchr::memchr3(b'"', b'\n', b'\r', bytes).unwrap_or(bytes.len())
}

fn stop_error(stop: Stop) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, stop)
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(stop) = self.pending.take() {
            // Keep failing: the parser may ask again.
            self.pending = Some(stop.clone());
            return Err(stop_error(stop));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            if self.state == State::InQuoted {
                let stop = Stop {
                    line: self.quote_line,
                    message: "unterminated quoted field: the quote opened here is never closed"
                        .into(),
                };
                self.pending = Some(stop.clone());
                return Err(stop_error(stop));
            }
            return Ok(0);
        }
        let mut i = 0;
        while let Some(&byte) = buf.get(i).filter(|_| i < n) {
            if let Some(matched) = self.lead {
                if BYTE_ORDER_MARK.get(matched) == Some(&byte) {
                    let matched = matched.saturating_add(1);
                    self.lead = (matched < BYTE_ORDER_MARK.len()).then_some(matched);
                    i = i.saturating_add(1);
                    continue;
                }
                // Not a mark: the bytes held back are the first record's.
                self.lead = None;
                let held = BYTE_ORDER_MARK.get(..matched).unwrap_or_default();
                if !held.iter().all(|&b| self.step(b)) {
                    return self.stop_at(i);
                }
            }
            if self.state == State::InComment && !matches!(byte, b'\n' | b'\r') {
                // The rest of the comment, up to its line end (which
                // `step` takes), at once: it holds no line end.
                let rest = buf.get(i..n).unwrap_or_default();
                i = i.saturating_add(memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len()));
                self.after_cr = false;
                continue;
            }
            let run = self.ordinary_run(buf.get(i..n).unwrap_or_default());
            if run > 0 {
                i = i.saturating_add(run);
                continue;
            }
            if !self.step(byte) {
                return self.stop_at(i);
            }
            i = i.saturating_add(1);
        }
        Ok(n)
    }
}

impl<R> Guard<R> {
    /// Stops the input at byte `i` of the read: the record has grown past
    /// the limit. The bytes before it are handed on; the next read fails.
    fn stop_at(&mut self, i: usize) -> io::Result<usize> {
        let stop = Stop {
            line: self.record_line,
            message: format!(
                "record exceeds the limit of {} bytes (stopped reading at byte {} of it)",
                self.limit, self.record_bytes
            ),
        };
        self.pending = Some(stop.clone());
        if i == 0 {
            return Err(stop_error(stop));
        }
        Ok(i)
    }
}

/// The guard's stop inside an input error, if it is one.
pub(crate) fn stop_in(error: &io::Error) -> Option<&Stop> {
    error.get_ref()?.downcast_ref::<Stop>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, limit: usize) -> Result<String, Stop> {
        run_guard(Guard::new(input.as_bytes(), limit))
    }

    fn run_guard(mut guard: Guard<&[u8]>) -> Result<String, Stop> {
        let mut out = Vec::new();
        let mut buf = [0u8; 3];
        loop {
            match guard.read(&mut buf) {
                Ok(0) => return Ok(String::from_utf8(out).unwrap_or_default()),
                Ok(n) => out.extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(e) => {
                    return Err(e
                        .get_ref()
                        .and_then(|e| e.downcast_ref::<Stop>())
                        .cloned()
                        .expect("a stop"));
                }
            }
        }
    }

    /// A comment line is skipped through its line end: a quote in it opens no
    /// field, its length is no record's, and a `#` elsewhere is data.
    #[test]
    fn comment_lines_open_no_quote_and_have_no_limit() {
        let long = "x".repeat(100);
        let text = format!("#,\"quoted, {long}\r\na,b\nc,#d\n# end");
        let commented =
            |text: &str| run_guard(Guard::with_comments(text.as_bytes(), 10, Some(b'#')));
        assert_eq!(commented(&text), Ok(text.clone()));
        // Without comments, the first line's quote opens a field that never
        // closes, and the line is too long anyway.
        assert!(run(&text, 1_000).is_err_and(|s| s.message.contains("unterminated")));
        assert!(run(&text, 10).is_err_and(|s| s.message.contains("exceeds the limit")));
        // A `#` that does not start a record is counted as data.
        let data = format!("a,#{long}\n");
        assert!(commented(&data).is_err_and(|s| s.line == 1 && s.message.contains("exceeds")));
        // After a comment, records are counted and placed as before.
        let after = format!("#c\n\nab,{long}\n");
        assert!(commented(&after).is_err_and(|s| s.line == 3));
    }

    /// Reads all of `input` a byte at a time through a guard with comments.
    fn bytewise(input: &[u8], limit: usize) -> Result<Vec<u8>, Stop> {
        let mut guard = Guard::with_comments(input, limit, Some(b'#'));
        let (mut out, mut byte) = (Vec::new(), [0u8; 1]);
        loop {
            match guard.read(&mut byte) {
                Ok(0) => return Ok(out),
                Ok(_) => out.extend_from_slice(&byte),
                Err(e) => return Err(stop_in(&e).cloned().expect("a stop")),
            }
        }
    }

    /// A byte order mark at the start is skipped, as the readers strip it,
    /// whether it comes whole or a byte at a time: a comment or a quote
    /// right after it is at the start of the first record. The start of a
    /// mark that does not go on is the record's data.
    #[test]
    fn a_byte_order_mark_is_no_part_of_the_first_record() {
        let long = "x".repeat(100);
        let comment = format!("\u{feff}#,\"{long}\na,b\n");
        assert_eq!(
            bytewise(comment.as_bytes(), 10),
            Ok(comment.clone().into_bytes())
        );
        let commented = run_guard(Guard::with_comments(comment.as_bytes(), 10, Some(b'#')));
        assert_eq!(commented, Ok(comment.clone()));
        // A quote opening the first field after a mark is followed: it
        // never closes, and the record passes the limit.
        let open = format!("\u{feff}\"id,{long}\n");
        assert!(run(&open, 1_000).is_err_and(|s| s.message.contains("unterminated")));
        assert!(bytewise(open.as_bytes(), 10).is_err_and(|s| s.message.contains("exceeds")));
        // Two bytes of a mark and then data: all three count (limit 3
        // stops at the third, where a skipped mark would have let `ab`
        // through).
        let partial = b"\xef\xbbab\n";
        assert!(bytewise(partial, 3).is_err_and(|s| s.line == 1));
        assert_eq!(
            bytewise(b"\xef\xbb\xbfab\n", 3),
            Ok(b"\xef\xbb\xbfab\n".to_vec())
        );
    }

    #[test]
    fn records_up_to_the_limit_pass_and_one_byte_more_stops() {
        assert!(run("abcd\nefgh\n", 4).is_ok());
        assert!(run("abc\r\nefg", 4).is_ok());
        let stop = run("abcd\nefghi\n", 4).unwrap_err();
        assert_eq!(stop.line, 2);
        // Terminators inside quotes count as bytes of the record.
        let stop = run("\"a\nb\"x\n", 5).unwrap_err();
        assert_eq!(stop.line, 1);
        assert!(run("\"a\nb\"\n", 5).is_ok());
    }

    #[test]
    fn an_open_quote_at_the_end_is_an_error_naming_its_line() {
        let stop = run("a,b\n1,\"abc\n2,def\n", 1000).unwrap_err();
        assert_eq!(stop.line, 2);
        assert!(stop.message.contains("unterminated"));
        // Escaped quotes and quotes inside unquoted fields are not openings.
        assert!(run("a,\"x\"\"y\"\nb,c\"d\n", 1000).is_ok());
        assert!(run("a,\"x\"y\n", 1000).is_ok());
    }

    /// A `\r` alone ends a line, as `\n` and `\r\n` do, wherever it is:
    /// between records, inside quotes and at the end of a comment line.
    #[test]
    fn carriage_returns_alone_end_lines() {
        assert_eq!(run("ab\rcd\refghi\r", 4).map_err(|s| s.line), Err(3));
        assert_eq!(run("ab\r\ncd\r\n\r\nefghi", 4).map_err(|s| s.line), Err(4));
        assert_eq!(run("\"a\rb\"\r\nefghijkl", 7).map_err(|s| s.line), Err(3));
        let open = run("a\rb\r\"c\rd", 1000).unwrap_err();
        assert_eq!(
            (open.line, open.message.contains("unterminated")),
            (3, true)
        );
        // Split between reads, a `\r\n` is still one line end.
        for chunk in [1, 2, 3] {
            let (_, stop) = read_all(b"ab\r\ncd\r\nefghi", 4, chunk, None);
            assert_eq!(stop.map(|s| s.line), Some(3), "chunk {chunk}");
        }
        let commented =
            |text: &str| run_guard(Guard::with_comments(text.as_bytes(), 4, Some(b'#')));
        assert_eq!(commented("#x\ry\nab\refghij\n").map_err(|s| s.line), Err(4));
        // A comment ends at its `\r`, as a record does: what follows is
        // counted and followed (`csv_core` would read on to a `\n`).
        assert_eq!(commented("#x\rabcde\r").map_err(|s| s.line), Err(2));
        assert_eq!(
            commented("#x\r\nab\r#\"y\rabcde").map_err(|s| s.line),
            Err(4)
        );
        let open = commented("#x\r\"abc").unwrap_err();
        assert_eq!(
            (open.line, open.message.contains("unterminated")),
            (2, true)
        );
    }

    #[test]
    fn runs_of_plain_bytes_give_the_same_stops_as_single_steps() {
        // Every input of this small alphabet up to 7 bytes, at each limit:
        // the guard must pass the bytes and stop at the line that
        // following every byte through `step` gives.
        same_stops_as_single_steps(b"a\",\n\r", 7, None);
    }

    /// As [`runs_of_plain_bytes_give_the_same_stops_as_single_steps`], with
    /// comment lines: a comment skipped at once ends where stepping ends it.
    #[test]
    fn comments_skipped_at_once_give_the_same_stops_as_single_steps() {
        same_stops_as_single_steps(b"a\",\n\r#", 6, Some(b'#'));
    }

    fn same_stops_as_single_steps(alphabet: &[u8], longest: usize, comment: Option<u8>) {
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..longest {
            last = last
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |&b| {
                        let mut t = s.clone();
                        t.push(b);
                        t
                    })
                })
                .collect();
            inputs.extend(last.iter().cloned());
        }
        for input in &inputs {
            for limit in 1..5 {
                let want = stepped(input, limit, comment);
                // Reads of every size: a run that a read cuts short must
                // leave the state stepping would (a comma last, then a quote).
                for chunk in [1, 2, 3, 64] {
                    let (out, stop) = read_all(input, limit, chunk, comment);
                    let got = (out, stop.map(|s| s.line));
                    assert_eq!(
                        got,
                        want,
                        "{:?} limit {limit} chunk {chunk}",
                        String::from_utf8_lossy(input)
                    );
                }
            }
        }
    }

    /// What the guard passes, and the line it stops at, when every byte
    /// goes through `step`.
    fn stepped(input: &[u8], limit: usize, comment: Option<u8>) -> (Vec<u8>, Option<u64>) {
        let mut guard = Guard::with_comments(&[][..], limit, comment);
        let mut out = Vec::new();
        for &byte in input {
            if !guard.step(byte) {
                return (out, Some(guard.record_line));
            }
            out.push(byte);
        }
        let open = (guard.state == State::InQuoted).then_some(guard.quote_line);
        (out, open)
    }

    fn read_all(
        input: &[u8],
        limit: usize,
        chunk: usize,
        comment: Option<u8>,
    ) -> (Vec<u8>, Option<Stop>) {
        let mut guard = Guard::with_comments(input, limit, comment);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            match guard.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(e) => {
                    let stop = e.get_ref().and_then(|e| e.downcast_ref::<Stop>()).cloned();
                    return (out, stop);
                }
            }
        }
    }

    #[test]
    fn the_plain_prefix_stops_at_the_first_special_byte() {
        for len in 0..40 {
            for at in 0..=len {
                for special in [b'"', b'\n', b'\r'] {
                    // Commas are plain: outside quotes they only start a field.
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| if i % 3 == 0 { b',' } else { b'x' })
                        .collect();
                    if let Some(b) = bytes.get_mut(at) {
                        *b = special;
                    }
                    // Bytes with the high bit set are plain too.
                    if let Some(b) = bytes.first_mut().filter(|_| at > 0) {
                        *b = 0xC3;
                    }
                    assert_eq!(plain_prefix(&bytes), at.min(len), "len {len} at {at}");
                }
            }
        }
    }
}
