//! Free text kept on one line when an answer prints it.
//!
//! Reasons and notes are free text and may hold line breaks; a printed
//! report is one line per diagnostic and a printed summary one line per
//! change, so a reason holding `\nerror[CL006]: ...` would print a line
//! that reads as a diagnostic of its own. The text is kept exactly in the
//! answer's fields and serde; only its printed form escapes.

use std::borrow::Cow;

/// `text` with each control character and Unicode line or paragraph
/// separator written as Rust escapes it (`\n`, `\r`, `\t`, `\u{1b}`,
/// `\u{2028}`); unchanged, and not copied, when it has none.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` ends a line for some reader: a control character (`\n`,
/// `\r`, vertical tab, form feed, NEL, ...) or U+2028 LINE SEPARATOR and
/// U+2029 PARAGRAPH SEPARATOR, which Python's `splitlines`, JavaScript and
/// editors break at although they are not control characters.
fn escaped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(one_line("typo"), "typo");
        assert_eq!(one_line("a\nb\r\tc\u{1b}"), "a\\nb\\r\\tc\\u{1b}");
        assert_eq!(one_line("quoted \"é\\\""), "quoted \"é\\\"");
        assert_eq!(one_line("a\u{2028}b\u{2029}"), "a\\u{2028}b\\u{2029}");
    }
}
