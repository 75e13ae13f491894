//! Validated identifier newtypes.
//!
//! Identifiers are short codes chosen by the user: `FRA`, `DEU-mil-17`,
//! `reuters-2025-09-04`. They are non-empty, at most
//! [`MAX_ID_CHARS`](crate::limits::MAX_ID_CHARS) characters, hold no control
//! characters and no surrounding whitespace. Each is cheap to clone, so
//! the ledger can hand out and index ids without copying text. Member,
//! source, group and category ids are shared strings one pointer wide (the
//! length is kept with the text, as `arcstr` does): few of them stand for
//! millions of mentions, and a million-pledge ledger held 72 bytes a
//! pledge less than with `Arc<str>`'s two words. A [`PledgeId`] of up to 15
//! bytes is held inline instead, in 16 bytes (on 64-bit little-endian
//! targets, as the `ecow` crate does; longer ones are shared on the heap):
//! nearly every entry names a pledge, and reading a shared text elsewhere
//! on the heap was a cache miss for each lookup at a million pledges.
//!
//! # The id alphabet
//!
//! Ids are compared by their exact code points: `FRA` and `FRA` followed by
//! a zero width space are two different members that print the same. So an
//! id may hold any printable character (`Türkiye`, `ΕΛΛ`, `北约` are fine;
//! no mixed-script detection is made) except:
//!
//! * invisible characters: format characters (Unicode category Cf, such as
//!   U+200B zero width space, U+2060 word joiner, U+FEFF), line and
//!   paragraph separators, variation selectors, the combining grapheme
//!   joiner and the Hangul fillers;
//! * bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//!   U+2066–U+2069), which reorder how text is shown;
//! * spaces other than U+0020 (no-break space, ideographic space, ...);
//! * a first character that a spreadsheet reads as a formula: `=`, `+`, `-`,
//!   `@`, tab or carriage return.
//!
//! The error names the code point:
//!
//! ```
//! use coalition_ledger::MemberId;
//!
//! let err = MemberId::new("FRA\u{200b}").unwrap_err();
//! assert_eq!(err.to_string(), "invalid member id `FRA\\u{200b}`: contains U+200B, an invisible character");
//! assert!(MemberId::new("=HYPERLINK(1)").is_err());
//! assert!(MemberId::new("Türkiye").is_ok());
//! ```
//!
//! A file written by format version 1, before this alphabet, still loads:
//! its entries are recorded under that version's rules, and `check` reports
//! those the current rules refuse.

use arcstr::ArcStr;
use ecow::EcoString;
use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::limits::MAX_ID_CHARS;

/// Why `text` is not a valid identifier under the rules of format version
/// 1: what a file written then may hold.
fn legacy_problem(text: &str) -> Option<&'static str> {
    // Printable ASCII within the length and with no space at either end is
    // the common id, and one pass over it decides.
    let bytes = text.as_bytes();
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        if first != b' ' && last != b' ' && bytes.len() <= MAX_ID_CHARS && printable_ascii(bytes) {
            return None;
        }
    }
    legacy_rules(text)
}

/// The version-1 rules one by one, for a text the shortcut of
/// [`legacy_problem`] does not decide.
fn legacy_rules(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some("must not be empty");
    }
    if text.len() > MAX_ID_CHARS && text.chars().count() > MAX_ID_CHARS {
        return Some("longer than 64 characters");
    }
    if text.chars().any(char::is_control) {
        return Some("contains a control character");
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Some("has leading or trailing whitespace");
    }
    None
}

/// True when every byte is printable ASCII (U+0020 to U+007E), in one pass:
/// what both rule sets accept without a closer look, once the ends and the
/// length are right. (`str::is_ascii` and a second scan for controls took
/// twice the steps; ids are checked a few times per imported row.)
#[inline]
fn printable_ascii(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| (0x20..0x7f).contains(b))
}

/// Why `text` is not a valid identifier, if it is not: the version-1 rules
/// plus the id alphabet (see [`alphabet_problem`]).
fn id_problem(text: &str) -> Option<String> {
    // The common id passes both rule sets on one pass over its bytes:
    // printable ASCII within the length, starting with neither a space nor
    // a formula character and not ending with a space (each set alone
    // would scan it again).
    let bytes = text.as_bytes();
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        if first != b' '
            && !FORMULA_STARTS.contains(&char::from(first))
            && last != b' '
            && bytes.len() <= MAX_ID_CHARS
            && printable_ascii(bytes)
        {
            return None;
        }
    }
    if let Some(reason) = legacy_problem(text) {
        return Some(reason.to_string());
    }
    alphabet_problem(text)
}

/// Characters that begin a formula in a spreadsheet; an id may not begin
/// with one, so no id exported to CSV is ever read as a formula.
pub(crate) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Why `text` breaks the id alphabet, if it does: it holds an invisible
/// character, a bidirectional control or a space other than U+0020, or it
/// begins with a formula character. Ids are compared by exact code points,
/// so these would make two ids that print the same.
pub(crate) fn alphabet_problem(text: &str) -> Option<String> {
    // Every formula start is ASCII, so the first byte tells.
    let first = text.as_bytes().first().copied().map(char::from);
    if let Some(first) = first.filter(|c| FORMULA_STARTS.contains(c)) {
        return Some(format!(
            "begins with `{}`, which a spreadsheet reads as a formula",
            first.escape_debug()
        ));
    }
    // Printable ASCII is the common case and always allowed.
    if printable_ascii(text.as_bytes()) {
        return None;
    }
    text.chars().find_map(|c| {
        if is_bidi_control(c) {
            Some(format!(
                "contains {}, a bidirectional control",
                code_point(c)
            ))
        } else if is_invisible(c) {
            Some(format!(
                "contains {}, an invisible character",
                code_point(c)
            ))
        } else if c != ' ' && c.is_whitespace() {
            Some(format!(
                "contains {}, a space other than U+0020",
                code_point(c)
            ))
        } else {
            None
        }
    })
}

/// `U+200B`.
pub(crate) fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Bidirectional controls (Unicode's `Bidi_Control` property): they reorder
/// how the text around them is shown.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing: format characters (general category Cf),
/// line and paragraph separators, variation selectors, the combining
/// grapheme joiner and the Hangul fillers.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

#[cold]
fn id_error(kind: &'static str, text: &str, reason: String) -> Error {
    let mut value: String = text.chars().take(80).collect();
    if value.len() < text.len() {
        value.push('…');
    }
    Error::InvalidId {
        kind,
        value: value.escape_debug().to_string(),
        reason,
    }
}

/// How an id's text is held (see the module docs): a shared [`ArcStr`],
/// whose copies the ledger's own-copy indexes tell apart by address, or,
/// for a pledge id, an [`EcoString`] with the text inline when it fits.
trait IdText {
    /// True when `a` and `b` are copies of one id that need not be told
    /// apart: the same allocation, or equal texts held inline (copying an
    /// inline text shares nothing, so any equal copy will do).
    fn same(a: &Self, b: &Self) -> bool;
}

impl IdText for ArcStr {
    fn same(a: &ArcStr, b: &ArcStr) -> bool {
        ArcStr::ptr_eq(a, b)
    }
}

impl IdText for EcoString {
    fn same(a: &EcoString, b: &EcoString) -> bool {
        // Two heap copies are the same when they share the allocation;
        // inline texts are compared, which reads nothing outside them.
        a.as_ptr() == b.as_ptr() || (a.len() <= EcoString::INLINE_LIMIT && a == b)
    }
}

macro_rules! identifier {
    // A shared id, which the ledger's own-copy indexes know by address.
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal) => {
        identifier!($(#[$doc])* $name, $kind, $example, ArcStr);

        impl $name {
            /// The address of the id's text: while this copy lives, no
            /// other text has it, so it names the copy without reading the
            /// text (see [`same_allocation`](Self::same_allocation)).
            #[allow(dead_code)] // kept for some id types only
            pub(crate) fn allocation(&self) -> usize {
                self.0.as_str().as_ptr().addr()
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal, $text:ty) => {
        $(#[$doc])*
        ///
        /// # Example
        ///
        /// ```
        #[doc = concat!("use coalition_ledger::", stringify!($name), ";")]
        ///
        #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\")?;")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(", stringify!($name), "::new(\"\").is_err());")]
        #[doc = concat!("assert!(", stringify!($name), "::new(\" padded\").is_err());")]
        /// # Ok::<(), coalition_ledger::Error>(())
        /// ```
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($text);

        impl $name {
            /// Validates `text` and makes an identifier of it.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidId`] when `text` is empty, longer than 64
            /// characters, holds a control character or has surrounding
            /// whitespace, or breaks the id alphabet: an invisible character
            /// (a format character such as U+200B, a line or paragraph
            /// separator, a variation selector, a Hangul filler), a
            /// bidirectional control, a
            /// space other than U+0020, each named by its code point (a
            /// control character is named as such), or a first character a
            /// spreadsheet reads as a formula (`=`, `+`, `-`, `@`, tab,
            /// carriage return). Any other printable character is allowed
            /// (`Türkiye`, `北约`), and ids are compared by their exact code
            /// points.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("use coalition_ledger::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert!(", stringify!($name), "::new(\"", $example, "\").is_ok());")]
            #[doc = concat!("let err = ", stringify!($name), "::new(\"\").unwrap_err();")]
            #[doc = concat!("assert_eq!(err.to_string(), \"invalid ", $kind, " ``: must not be empty\");")]
            #[doc = concat!("// A zero width space would make a look-alike id.")]
            #[doc = concat!("assert!(", stringify!($name), "::new(\"", $example, "\\u{200b}\").is_err());")]
            /// ```
            pub fn new(text: impl AsRef<str>) -> Result<Self> {
                let text = text.as_ref();
                match id_problem(text) {
                    None => Ok(Self(<$text>::from(text))),
                    Some(reason) => Err(id_error($kind, text, reason)),
                }
            }

            /// An id under the rules of format version 1, for reading files
            /// written then; [`Ledger::record`](crate::Ledger::record)
            /// checks the alphabet again under the current rules.
            pub(crate) fn legacy(text: &str) -> Result<Self> {
                match legacy_problem(text) {
                    None => Ok(Self(<$text>::from(text))),
                    Some(reason) => Err(id_error($kind, text, reason.to_string())),
                }
            }

            /// True when both are the same copy: they hold the same
            /// allocation (a shared text), or equal inline texts.
            #[allow(dead_code)] // used for some id types only
            pub(crate) fn same_allocation(&self, other: &Self) -> bool {
                IdText::same(&self.0, &other.0)
            }

            /// Checks the id alphabet, for ids read under older rules.
            pub(crate) fn check_alphabet(&self) -> Result<()> {
                match alphabet_problem(&self.0) {
                    None => Ok(()),
                    Some(reason) => Err(id_error($kind, &self.0, reason)),
                }
            }

            /// The identifier as text.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("use coalition_ledger::", stringify!($name), ";")]
            ///
            #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert_eq!(id.to_string(), id.as_str());")]
            /// # Ok::<(), coalition_ledger::Error>(())
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            /// The id's text, padded to the width asked for (`{:<8}`), as
            /// the enums' names are, so that ids line up in a table.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(text: String) -> Result<Self> {
                Self::new(text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::spelling::from_str_with(deserializer, concat!("a ", $kind), |text| Self::legacy(text))
            }
        }
    };
}

identifier!(
    /// Identifies a coalition member, typically an ISO 3166 alpha-3 code
    /// such as `FRA`; any short code is allowed (`EU`, `NATO-HQ`).
    MemberId, "member id", "FRA"
);
identifier!(
    /// Identifies a pledge, unique within a ledger.
    PledgeId, "pledge id", "DEU-mil-17", EcoString
);
identifier!(
    /// Identifies a source (a briefing, an article, a dataset).
    SourceId, "source id", "reuters-2025-09-04"
);
identifier!(
    /// Identifies a group of members, such as `EU` or `NATO`.
    GroupId, "group id", "NATO"
);
identifier!(
    /// An equipment category label, such as `air-defence` or `artillery`.
    Category, "category", "air-defence"
);

/// Ids a load keeps on one thread: each text read once, then handed out
/// again (see [`kept_or_made`]).
type KeptSet<T> = std::collections::HashSet<T, foldhash::quality::RandomState>;

/// A thread's kept ids of one type, `None` outside a load.
pub(crate) type KeptOnThread<T> = std::thread::LocalKey<std::cell::RefCell<Option<KeptSet<T>>>>;

/// Starts (`true`, with none kept) or ends keeping ids on this thread.
pub(crate) fn keep_ids<T>(kept: &'static KeptOnThread<T>, on: bool) {
    let _ = kept.try_with(|kept| {
        if let Ok(mut kept) = kept.try_borrow_mut() {
            *kept = on.then(KeptSet::default);
        }
    });
}

/// The id with `text` this thread kept before, else `make(text)`, kept
/// while fewer than `limit` are (past that, ids are made as they come).
/// A document naming a few ids a million times over then reads one copy
/// of each, not a million, each an allocation and the id checks.
pub(crate) fn kept_or_made<T: Clone + Eq + std::hash::Hash + Borrow<str>>(
    kept: &'static KeptOnThread<T>,
    text: &str,
    limit: usize,
    make: impl FnOnce(&str) -> Result<T>,
) -> Result<T> {
    let known = kept
        .try_with(|kept| kept.try_borrow().ok()?.as_ref()?.get(text).cloned())
        .ok()
        .flatten();
    if let Some(id) = known {
        return Ok(id);
    }
    let id = make(text)?;
    let _ = kept.try_with(|kept| {
        if let Ok(mut kept) = kept.try_borrow_mut() {
            if let Some(kept) = kept.as_mut().filter(|k| k.len() < limit) {
                kept.insert(id.clone());
            }
        }
    });
    Ok(id)
}

/// Distinct member ids a load keeps at most.
const KEPT_MEMBERS: usize = 4096;

thread_local! {
    /// The member ids read by the load running on this thread, if any.
    static KEPT_MEMBER_IDS: std::cell::RefCell<Option<KeptSet<MemberId>>> =
        const { std::cell::RefCell::new(None) };
}

/// Keeps the member ids that pledges name as a load reads them on this
/// thread, until dropped: a pledge then names the one copy the load kept,
/// which the ledger finds by address. The JSON load keeps its source ids
/// the same way.
pub(crate) struct KeepMemberIds(());

impl KeepMemberIds {
    pub(crate) fn new() -> KeepMemberIds {
        keep_ids(&KEPT_MEMBER_IDS, true);
        KeepMemberIds(())
    }
}

impl Drop for KeepMemberIds {
    fn drop(&mut self) {
        keep_ids(&KEPT_MEMBER_IDS, false);
    }
}

/// Serde, for the member a pledge names: the copy read before when a load
/// keeps member ids on this thread (see [`KeepMemberIds`]), else a new one,
/// under the same rules either way.
pub(crate) fn kept_member<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<MemberId, D::Error> {
    crate::spelling::from_str_with(deserializer, "a member id", |text| {
        kept_or_made(&KEPT_MEMBER_IDS, text, KEPT_MEMBERS, MemberId::legacy)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_keeps_one_copy_of_each_member_id_while_it_runs() {
        let read = |text: &str| -> MemberId {
            let mut d = serde_json::Deserializer::from_str(text);
            kept_member(&mut d).expect("a member id")
        };
        let (a, b) = (read(r#""FRA""#), read(r#""FRA""#));
        assert!(!a.same_allocation(&b), "nothing is kept outside a load");
        let kept = {
            let _keep = KeepMemberIds::new();
            let (a, b) = (read(r#""FRA""#), read(r#""FRA""#));
            assert!(a.same_allocation(&b) && a.as_str() == "FRA");
            // The same rules and messages as an id read alone.
            let mut d = serde_json::Deserializer::from_str(r#"" FRA""#);
            let kept_err = kept_member(&mut d).map_err(|e| e.to_string());
            let mut d = serde_json::Deserializer::from_str(r#"" FRA""#);
            let alone_err = MemberId::deserialize(&mut d).map_err(|e| e.to_string());
            assert!(kept_err.is_err());
            assert_eq!(kept_err.err(), alone_err.err());
            a
        };
        assert!(!kept.same_allocation(&read(r#""FRA""#)), "forgotten after");
    }

    /// A pledge id is inline up to 15 bytes and on the heap from 16: on
    /// both sides it reads, orders, hashes and looks up as its text, and
    /// `same_allocation` holds for copies and, inline, for equal texts.
    #[test]
    fn pledge_ids_read_alike_inline_and_on_the_heap() {
        use std::collections::{BTreeSet, HashSet};
        let short = "P".repeat(EcoString::INLINE_LIMIT);
        let long = "P".repeat(EcoString::INLINE_LIMIT + 1);
        // Two-byte characters that end exactly at the limit and one past.
        let accented_short = format!("é{}", "1".repeat(EcoString::INLINE_LIMIT - 2));
        let accented_long = format!("é{}", "1".repeat(EcoString::INLINE_LIMIT - 1));
        assert_eq!(accented_short.len(), EcoString::INLINE_LIMIT);
        for text in [
            short.as_str(),
            long.as_str(),
            accented_short.as_str(),
            accented_long.as_str(),
        ] {
            let id = PledgeId::new(text).unwrap();
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
            let back: PledgeId = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(back, id);
            let set: HashSet<PledgeId> = [id.clone()].into();
            assert!(set.contains(text), "{text}: a lookup by text finds the id");
            assert!(
                id.same_allocation(&id.clone()),
                "{text}: a copy is the same"
            );
        }
        let (a, b) = (
            PledgeId::new(&short).unwrap(),
            PledgeId::new(&short).unwrap(),
        );
        assert!(
            a.same_allocation(&b),
            "equal inline texts need no telling apart"
        );
        let (a, b) = (PledgeId::new(&long).unwrap(), PledgeId::new(&long).unwrap());
        assert!(!a.same_allocation(&b), "two heap texts are two allocations");
        assert!(!a.same_allocation(&PledgeId::new(&short).unwrap()));
        // The order is the texts' order, across the two forms.
        let ids: BTreeSet<PledgeId> = [&long, &short, "Q", "A"]
            .iter()
            .map(|t| PledgeId::new(t).unwrap())
            .collect();
        let texts: Vec<&str> = ids.iter().map(PledgeId::as_str).collect();
        assert_eq!(texts, ["A", short.as_str(), long.as_str(), "Q"]);
    }

    /// Mostly printable ASCII, with now and then a space, a control, DEL,
    /// a formula start or a character outside ASCII: texts near the edges
    /// of the shortcut.
    fn edgy_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let character = prop_oneof![
            12 => proptest::char::range('!', '~'),
            2 => Just(' '),
            1 => prop_oneof![
                proptest::char::range('\u{0}', '\u{1f}'),
                Just('\u{7f}'),
                Just('\u{a0}'),
                Just('\u{200b}'),
                Just('\u{202e}'),
                Just('é'),
            ],
        ];
        proptest::collection::vec(character, 0..70).prop_map(|cs| cs.into_iter().collect())
    }

    #[test]
    fn the_ascii_shortcut_keeps_the_length_limit() {
        let longest = "a".repeat(MAX_ID_CHARS);
        let too_long = "a".repeat(MAX_ID_CHARS + 1);
        assert_eq!(legacy_problem(&longest), None);
        assert_eq!(legacy_problem(&too_long), Some("longer than 64 characters"));
        assert_eq!(legacy_problem(&too_long), legacy_rules(&too_long));
        assert_eq!(id_problem(&longest), None);
        assert_eq!(
            id_problem(&too_long).as_deref(),
            Some("longer than 64 characters")
        );
    }

    proptest::proptest! {
        /// The shortcut for printable ASCII says what the rules one by one
        /// say, on texts near its edges and on any text.
        #[test]
        fn the_ascii_shortcut_agrees_with_the_rules(edgy in edgy_text(), any in ".{0,70}") {
            for text in [&edgy, &any] {
                proptest::prop_assert_eq!(legacy_problem(text), legacy_rules(text));
                let slow_alphabet = {
                    let first = text.chars().next();
                    if first.is_some_and(|c| FORMULA_STARTS.contains(&c)) {
                        true
                    } else {
                        text.chars().any(|c| {
                            is_bidi_control(c) || is_invisible(c) || (c != ' ' && c.is_whitespace())
                        })
                    }
                };
                proptest::prop_assert_eq!(alphabet_problem(text).is_some(), slow_alphabet);
                // The shortcut of both rule sets at once, and the reason
                // given: the first rule set's, then the alphabet's.
                let both = legacy_rules(text)
                    .map(ToString::to_string)
                    .or_else(|| alphabet_problem(text));
                proptest::prop_assert_eq!(id_problem(text), both);
            }
        }
    }
}
