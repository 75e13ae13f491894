//! The sources an entry cites, read without a list or a new id each time:
//! most entries cite one source, and a document cites few sources many
//! times over, so a load keeps each source id it has read and hands out
//! that one again (the loader drops a copy without freeing it).

use std::cell::RefCell;
use std::collections::HashSet;

use crate::ids::{SourceId, keep_ids, kept_or_made};
use crate::limits::MAX_SOURCES_PER_ENTRY;

/// The sources an entry cites, as written.
#[derive(Default)]
pub(super) enum Cited {
    #[default]
    None,
    One(SourceId),
    Many(Vec<SourceId>),
}

/// Distinct source ids a load keeps at most; past that, ids are read as
/// they come.
const KEPT: usize = 4096;

thread_local! {
    /// The source ids read by the load running on this thread, if any.
    static KEPT_IDS: RefCell<Option<HashSet<SourceId, foldhash::quality::RandomState>>> =
        const { RefCell::new(None) };
}

/// Keeps the source ids a load reads on this thread, and the member ids
/// its pledges name, until dropped.
pub(super) struct KeepIds(
    #[allow(dead_code, reason = "held for its Drop")] crate::ids::KeepMemberIds,
);

impl KeepIds {
    pub(super) fn new() -> KeepIds {
        keep_ids(&KEPT_IDS, true);
        KeepIds(crate::ids::KeepMemberIds::new())
    }
}

impl Drop for KeepIds {
    fn drop(&mut self) {
        keep_ids(&KEPT_IDS, false);
    }
}

/// A source id, the one read before if the load keeps it.
fn source_id(text: &str) -> crate::error::Result<SourceId> {
    kept_or_made(&KEPT_IDS, text, KEPT, SourceId::legacy)
}

/// Serde, for `sources`: at most [`MAX_SOURCES_PER_ENTRY`], failing at the
/// first one too many, with the messages of
/// [`crate::limits::bounded_sources`].
pub(super) fn cited<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cited, D::Error> {
    struct Visitor;

    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Cited;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(
                f,
                "a list of at most {MAX_SOURCES_PER_ENTRY} sources cited by one entry"
            )
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Cited, A::Error> {
            let mut cited = Cited::None;
            let mut count = 0usize;
            loop {
                if count == MAX_SOURCES_PER_ENTRY {
                    seq.next_element_seed(crate::limits::TooMany {
                        what: "sources cited by one entry",
                        max: MAX_SOURCES_PER_ENTRY,
                    })?;
                    return Ok(cited);
                }
                let Some(id) = seq.next_element_seed(Source)? else {
                    return Ok(cited);
                };
                count = count.saturating_add(1);
                cited = match cited {
                    Cited::None => Cited::One(id),
                    Cited::One(first) => Cited::Many(vec![first, id]),
                    Cited::Many(mut ids) => {
                        ids.push(id);
                        Cited::Many(ids)
                    }
                };
            }
        }
    }

    d.deserialize_seq(Visitor)
}

/// One source id of the list, read as [`SourceId`]'s own `Deserialize`
/// reads it.
struct Source;

impl<'de> serde::de::DeserializeSeed<'de> for Source {
    type Value = SourceId;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<SourceId, D::Error> {
        d.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for Source {
    type Value = SourceId;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a source id")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SourceId, E> {
        source_id(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sources` read by [`cited`], as a list.
    fn read(json: &str) -> Result<Vec<SourceId>, String> {
        let mut d = serde_json::Deserializer::from_str(json);
        match cited(&mut d) {
            Ok(Cited::None) => Ok(Vec::new()),
            Ok(Cited::One(id)) => Ok(vec![id]),
            Ok(Cited::Many(ids)) => Ok(ids),
            Err(e) => Err(e.to_string()),
        }
    }

    /// `sources` read as every other list of sources is.
    fn reference(json: &str) -> Result<Vec<SourceId>, String> {
        let mut d = serde_json::Deserializer::from_str(json);
        crate::limits::bounded_sources::<_, SourceId>(&mut d).map_err(|e| e.to_string())
    }

    #[test]
    fn sources_read_as_every_list_of_sources_is() {
        let many = |n: usize| {
            let ids: Vec<String> = (0..n).map(|i| format!("\"s{}\"", i % 3)).collect();
            format!("[{}]", ids.join(","))
        };
        let cases = [
            "[]".to_string(),
            r#"["elysee"]"#.into(),
            r#"["a","b"]"#.into(),
            r#"["a","a"]"#.into(),
            r#"["a\u0041"]"#.into(),
            many(MAX_SOURCES_PER_ENTRY),
            many(MAX_SOURCES_PER_ENTRY + 1),
            many(300),
            r#""elysee""#.into(),
            "[1]".into(),
            r#"["a",null]"#.into(),
            r#"[""]"#.into(),
            r#"[" padded"]"#.into(),
            "[\"zero\u{200b}width\"]".into(),
            r#"{"a":1}"#.into(),
            "[\"a\"".into(),
        ];
        for kept in [false, true] {
            let _ids = kept.then(KeepIds::new);
            for case in &cases {
                // Twice, so that kept ids are handed out again.
                for _ in 0..2 {
                    assert_eq!(read(case), reference(case), "{case} (kept: {kept})");
                }
            }
        }
    }

    #[test]
    fn a_load_hands_out_the_id_it_read_before_and_forgets_it_after() {
        let first = {
            let _ids = KeepIds::new();
            let first = read(r#"["elysee"]"#).unwrap();
            let again = read(r#"["elysee"]"#).unwrap();
            assert!(std::ptr::eq(first[0].as_str(), again[0].as_str()));
            first
        };
        let later = read(r#"["elysee"]"#).unwrap();
        assert_eq!(later, first);
        assert!(!std::ptr::eq(first[0].as_str(), later[0].as_str()));
    }
}
