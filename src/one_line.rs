//! Free text kept on one line when an answer prints it.
//!
//! Reasons and notes are free text and may hold line breaks; a printed
//! report is one line per diagnostic and a printed summary one line per
//! change, so a reason holding `\nerror[CL006]: ...` would print a line
//! that reads as a diagnostic of its own. The text is kept exactly in the
//! answer's fields and serde; only its printed form escapes.

use std::borrow::Cow;

/// `text` with each control character written as Rust escapes it (`\n`,
/// `\r`, `\t`, `\u{1b}`); unchanged, and not copied, when it has none.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(one_line("typo"), "typo");
        assert_eq!(one_line("a\nb\r\tc\u{1b}"), "a\\nb\\r\\tc\\u{1b}");
        assert_eq!(one_line("quoted \"é\\\""), "quoted \"é\\\"");
    }
}
