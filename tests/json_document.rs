//! The JSON document: byte-identical round trips and located errors.

mod common;

use coalition_ledger::io::json;
use coalition_ledger::*;
use common::*;

type Step = Box<dyn Fn(&mut Ledger) -> Result<Recorded>>;

/// A ledger that uses every action, estimate and condition kind.
fn rich_ledger() -> Ledger {
    let mut ledger = roster();
    let steps: Vec<Step> = vec![
        Box::new(|l| {
            l.open_pledge(
                backstop("USA-b", "USA"),
                Provenance::new(Evidence::Unconfirmed),
            )
        }),
        Box::new(|l| {
            l.open_pledge(
                troops("FRA-t", "FRA", Estimate::range(1000, 5000)?)
                    .with_condition(Condition::Ceasefire)
                    .with_condition(Condition::Backstop { by: mid("USA") })
                    .with_condition(Condition::ParliamentaryApproval { member: mid("FRA") })
                    .with_condition(Condition::Named("UN mandate".into()))
                    .with_location("Kyiv \"centre\"")
                    .with_notes("line one\nline two"),
                reported("2025-09-04").cite(sid("src")),
            )
        }),
        Box::new(|l| {
            l.open_pledge(
                funding(
                    "DEU-f",
                    "DEU",
                    Estimate::AtLeast(eur("1250000.123456789012345678")),
                )
                .with_condition(Condition::DependsOn(pid("FRA-t"))),
                verified("2025-09-05"),
            )
        }),
        Box::new(|l| {
            l.open_pledge(
                equipment(
                    "GBR-e",
                    "GBR",
                    "air-defence",
                    Estimate::Exact(19),
                    Some(Estimate::Exact(Money::new(dec("95000.00"), Currency::GBP))),
                ),
                reported("2025-08-01"),
            )
        }),
        Box::new(|l| l.advance(&pid("FRA-t"), Stage::Committed, verified("2025-09-10"))),
        Box::new(|l| {
            l.revise(
                &pid("FRA-t"),
                Contribution::Troops {
                    personnel: Estimate::Exact(2500),
                },
                reported("2025-09-11"),
            )
        }),
        Box::new(|l| l.deliver(&pid("DEU-f"), dec("1000.5"), verified("2025-10-01"))),
        Box::new(|l| l.correct_delivery(&pid("DEU-f"), dec("-0.5"), verified("2025-10-02"))),
        Box::new(|l| l.deliver(&pid("GBR-e"), dec("7"), reported("2025-10-03"))),
        Box::new(|l| {
            l.annotate(
                &pid("GBR-e"),
                Provenance::new(Evidence::Verified).cite(sid("src")),
            )
        }),
        Box::new(|l| l.withdraw(&pid("USA-b"), "no agreement", reported("2025-11-01"))),
    ];
    for step in steps {
        step(&mut ledger).expect("the rich ledger is valid");
    }
    ledger
}

#[test]
fn save_load_save_is_byte_identical() {
    for ledger in [rich_ledger(), fixtures::paris_summit(), Ledger::new()] {
        let first = json::to_string(&ledger);
        let loaded = json::from_str(&first).expect("loads what it saved");
        assert_eq!(json::to_string(&loaded), first);
        assert_eq!(
            loaded, ledger,
            "roster-first ledgers reload to an equal ledger"
        );
    }
}

#[test]
fn amounts_are_strings_and_keep_every_digit() {
    let text = json::to_string(&rich_ledger());
    assert!(
        text.contains(r#""amount":"1250000.123456789012345678""#),
        "{text}"
    );
    assert!(text.contains(r#""quantity":"-0.5""#));
    assert!(
        text.contains(r#""amount":"95000.00""#),
        "trailing zeros are kept"
    );
    // One entry per line, members and sources included, each with its
    // sequence number.
    assert_eq!(
        text.lines().filter(|l| l.contains(r#""action":"#)).count(),
        17
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with(r#"    {"seq":"#))
            .count(),
        17
    );
}

#[test]
fn files_round_trip() {
    let dir = std::env::temp_dir().join(format!("cl-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("ledger.json");
    let ledger = rich_ledger();
    json::save(&ledger, &path).expect("saves");
    assert_eq!(json::load(&path).expect("loads"), ledger);
    let missing = json::load(dir.join("missing.json")).unwrap_err();
    assert!(matches!(
        missing,
        Error::Io {
            kind: std::io::ErrorKind::NotFound,
            ..
        }
    ));
    assert!(missing.to_string().contains("missing.json"), "{missing}");
    std::fs::remove_dir_all(&dir).ok();
}

fn load_err(text: &str) -> Error {
    json::from_str(text).expect_err("must be rejected")
}

const HEAD: &str = r#"{"format": "coalition-ledger", "version": 1,"#;

#[test]
fn malformed_json_has_a_position() {
    let err = load_err("{\n  \"format\": \"coalition-ledger\",\n  \"version\": 1,,\n}");
    assert!(
        matches!(
            err,
            Error::Json {
                line: 3,
                column: 16,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_format());
}

#[test]
fn float_amounts_are_rejected() {
    let text = format!(
        r#"{HEAD} "members": [{{"id": "FRA", "name": "France"}}], "entries": [
{{"evidence": "reported", "action": {{"pledge": {{"id": "p", "member": "FRA", "stage": "announced",
  "contribution": {{"funding": {{"amount": {{"exact": {{"amount": 1.5, "currency": "EUR"}}}}}}}}}}}}}}]}}"#
    );
    let err = load_err(&text);
    let Error::Json { line, message, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*line, 3);
    assert!(message.contains("floating point `1.5`"), "{message}");
}

#[test]
fn loose_dates_are_rejected() {
    let text = format!(
        r#"{HEAD} "sources": [{{"id": "s", "publisher": "p", "kind": "media", "published": "2024-2-3"}}]}}"#
    );
    let err = load_err(&text);
    assert!(matches!(err, Error::Json { line: 1, .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("expected a calendar date written YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn unknown_fields_are_rejected_with_position() {
    let err = load_err(&format!(r#"{HEAD} "extra": true}}"#));
    assert!(err.to_string().contains("unknown field `extra`"), "{err}");
    assert!(
        matches!(
            err,
            Error::Json {
                line: 1,
                column: 52,
                ..
            }
        ),
        "{err:?}"
    );
    let text = format!(
        "{HEAD}\n\"members\": [{{\"id\": \"FRA\", \"name\": \"France\"}}],\n\"entries\": [\n{{\"evidence\": \"reported\", \"colour\": 1, \"action\": {{\"annotate\": {{\"pledge\": \"p\"}}}}}}]}}"
    );
    let err = load_err(&text);
    assert!(matches!(err, Error::Json { line: 4, .. }), "{err:?}");
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
}

#[test]
fn unknown_version_and_format_are_rejected() {
    let err = load_err(r#"{"format": "coalition-ledger", "version": 4, "entries": []}"#);
    assert_eq!(
        err.to_string(),
        "JSON line 1, column 43: unsupported version 4: this crate reads versions 1 to 3"
    );
    let err = load_err(r#"{"format": "other", "version": 1}"#);
    assert!(err.to_string().contains("unknown format `other`"), "{err}");
    let err = load_err(r#"{"version": 1}"#);
    assert!(err.to_string().contains("missing field `format`"), "{err}");
}

#[test]
fn an_entry_that_breaks_a_rule_names_its_index() {
    let text = format!(
        r#"{HEAD} "members": [{{"id": "FRA", "name": "France"}}], "entries": [
{{"evidence": "reported", "action": {{"pledge": {{"id": "p", "member": "FRA", "stage": "announced", "contribution": {{"troops": {{"personnel": {{"exact": 5}}}}}}}}}}}},
{{"evidence": "reported", "action": {{"advance": {{"pledge": "p", "stage": "considering"}}}}}}]}}"#
    );
    let err = load_err(&text);
    assert_eq!(
        err.to_string(),
        "entry 1: pledge `p`: cannot move from stage announced to considering"
    );
    assert!(matches!(err, Error::InEntry { index: 1, .. }));
}

#[test]
fn duplicates_in_a_document_are_rejected() {
    let err = load_err(&format!(
        r#"{HEAD} "members": [{{"id": "FRA", "name": "France"}}, {{"id": "FRA", "name": "France"}}]}}"#
    ));
    assert_eq!(
        err.to_string(),
        "member `FRA`: invalid id: listed twice in the document"
    );
    let err = load_err(&format!(
        r#"{HEAD} "sources": [{{"id": "s", "publisher": "p", "kind": "media"}}], "entries": [{{"evidence": "verified", "sources": ["s", "s"], "action": {{"add_member": {{"id": "FRA", "name": "F"}}}}}}]}}"#
    ));
    assert_eq!(
        err.to_string(),
        "entry 0: entry: invalid sources: lists a source twice"
    );
}

#[test]
fn nesting_is_limited() {
    // Objects, since a list is only the value of a list field.
    let deep = format!(
        "{}{}",
        "{\"a\":".repeat(limits::MAX_JSON_DEPTH + 1),
        "}".repeat(limits::MAX_JSON_DEPTH + 1)
    );
    let err = load_err(&deep);
    assert!(
        matches!(
            err,
            Error::Json {
                line: 1,
                column: 321,
                ..
            }
        ),
        "{err:?}"
    );
    // At the limit the depth check passes and the parser reports the type error instead.
    let at = format!(
        "{}{}",
        "{\"a\":".repeat(limits::MAX_JSON_DEPTH),
        "}".repeat(limits::MAX_JSON_DEPTH)
    );
    assert!(load_err(&at).to_string().contains("unknown field `a`"));
}

#[test]
fn a_document_cannot_smuggle_in_an_invalid_member() {
    let err = load_err(&format!(
        r#"{HEAD} "members": [{{"id": "FRA", "name": "  "}}]}}"#
    ));
    assert_eq!(
        err.to_string(),
        "member `FRA`: invalid name: must not be empty"
    );
    let err = load_err(&format!(
        r#"{HEAD} "members": [{{"id": "FRA", "name": "F", "groups": ["NATO", "EU"]}}]}}"#
    ));
    assert_eq!(
        err.to_string(),
        "member `FRA`: invalid groups: must be sorted and unique"
    );
}

/// An entry's serde form is unchanged by how the entry is held: every field,
/// including the rare ones (client key, older format version), reads back,
/// and a sequence number no ledger can reach is refused with its place.
#[test]
fn an_entry_reads_back_whole_and_a_sequence_beyond_32_bits_is_refused() {
    let line = r#"{"seq":7,"date":"2025-09","evidence":"reported","sources":["a","b"],"key":"feed-1","accepted_under":1,"action":{"annotate":{"pledge":"p"}}}"#;
    let entry: Entry = serde_json::from_str(line).expect("reads");
    assert_eq!(entry.sequence(), 7);
    assert_eq!(
        entry.period().map(|d| d.to_string()).as_deref(),
        Some("2025-09")
    );
    assert_eq!(entry.sources().len(), 2);
    assert_eq!(entry.client_key().map(ClientKey::as_str), Some("feed-1"));
    assert_eq!(entry.accepted_under(), Some(1));
    assert_eq!(serde_json::to_string(&entry).expect("writes"), line);

    let plain = r#"{"seq":0,"evidence":"verified","action":{"annotate":{"pledge":"p"}}}"#;
    let entry: Entry = serde_json::from_str(plain).expect("reads");
    assert_eq!((entry.client_key(), entry.accepted_under()), (None, None));
    assert_eq!(serde_json::to_string(&entry).expect("writes"), plain);

    let beyond = r#"{"seq":4294967296,"evidence":"verified","action":{"annotate":{"pledge":"p"}}}"#;
    let err = serde_json::from_str::<Entry>(beyond).expect_err("refused");
    assert!(err.to_string().contains("4294967296"), "{err}");
    assert_eq!((err.line(), err.column()), (1, 17), "{err}");
    // The form's messages name the type as they always did.
    let err = serde_json::from_str::<Entry>("5").expect_err("refused");
    assert!(
        err.to_string().contains("expected struct Entry at"),
        "{err}"
    );
    let unknown =
        r#"{"seq":0,"evidence":"verified","colour":"red","action":{"annotate":{"pledge":"p"}}}"#;
    let err = serde_json::from_str::<Entry>(unknown).expect_err("refused");
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
}

/// A pledge body's serde form is unchanged by how the body is held: its
/// texts read back and write out as the fields they were, and serde's
/// messages name the type as they always did.
#[test]
fn a_pledge_body_reads_and_writes_as_it_always_did() {
    let plain = r#"{"id":"P1","member":"FRA","contribution":{"troops":{"personnel":{"exact":10}}},"stage":"announced"}"#;
    let body: NewPledge = serde_json::from_str(plain).expect("reads");
    assert_eq!(
        (body.location(), body.notes(), body.category()),
        (None, None, None)
    );
    assert_eq!(serde_json::to_string(&body).expect("writes"), plain);

    let texts = r#"{"id":"P1","member":"FRA","contribution":{"troops":{"personnel":{"exact":10}}},"stage":"announced","category":"reassurance","location":"Kyiv","notes":"n"}"#;
    let body: NewPledge = serde_json::from_str(texts).expect("reads");
    assert_eq!(body.location(), Some("Kyiv"));
    assert_eq!(serde_json::to_string(&body).expect("writes"), texts);
    let built = NewPledge::new(
        pid("P1"),
        mid("FRA"),
        Contribution::Troops {
            personnel: Estimate::Exact(10),
        },
    )
    .with_category(Category::new("reassurance").expect("a category"))
    .with_location("Kyiv")
    .with_notes("n");
    assert_eq!(body, built);
    let shown = format!("{built:?}");
    assert!(
        shown.contains(r#"location: Some("Kyiv"), notes: Some("n"), adjusts: None }"#),
        "{shown}"
    );
    // An explicit null is an absent text, equal to a body without it.
    let nulls = r#"{"id":"P1","member":"FRA","contribution":{"troops":{"personnel":{"exact":10}}},"stage":"announced","location":null,"notes":null}"#;
    let body: NewPledge = serde_json::from_str(nulls).expect("reads");
    assert_eq!(serde_json::to_string(&body).expect("writes"), plain);

    let err = serde_json::from_str::<NewPledge>("3").expect_err("refused");
    assert!(
        err.to_string().contains("expected struct NewPledge at"),
        "{err}"
    );
    let unknown = r#"{"id":"P1","member":"FRA","colour":"red"}"#;
    let err = serde_json::from_str::<NewPledge>(unknown).expect_err("refused");
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
}

/// A reader that gives one byte a call, so that a byte order mark arrives
/// in pieces.
struct ByteAtATime<'a>(&'a [u8]);

impl std::io::Read for ByteAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn a_byte_order_mark_before_the_document_is_skipped() {
    let text = rich_ledger().to_json();
    let marked = format!("\u{feff}{text}");
    assert_eq!(json::from_str(&marked).expect("loads").to_json(), text);
    assert_eq!(
        json::from_reader(marked.as_bytes())
            .expect("loads")
            .to_json(),
        text
    );
    assert_eq!(
        json::from_reader(ByteAtATime(marked.as_bytes()))
            .expect("loads")
            .to_json(),
        text
    );
    // Inputs shorter than a mark are read as they are.
    for short in ["", "[", "{}"] {
        let direct = json::from_str(short).unwrap_err().to_string();
        let streamed = json::from_reader(short.as_bytes()).unwrap_err().to_string();
        assert_eq!(direct, streamed, "{short:?}");
    }
    // A mark anywhere else is not JSON.
    let inside = text.replacen('{', "{\u{feff}", 1);
    assert!(json::from_str(&inside).is_err());
    assert!(json::from_reader(inside.as_bytes()).is_err());
}

/// An empty document says so, at the end of the input; serde_json puts
/// the end of an input that is empty or ends a line at column 0, and the
/// crate's columns are 1-based.
#[test]
fn an_empty_document_says_so_at_a_one_based_column() {
    for (text, line, at) in [("", 1, 1), ("   ", 1, 3), ("\n\n", 3, 1)] {
        let err = load_err(text);
        match &err {
            Error::Json {
                line: l,
                column,
                message,
            } => {
                assert_eq!((*l, *column), (line, at), "{text:?}: {err}");
                assert_eq!(message, "the document is empty", "{text:?}");
            }
            other => panic!("{text:?}: not a JSON error: {other:?}"),
        }
        let streamed = json::from_reader(text.as_bytes()).expect_err("empty");
        assert_eq!(streamed.to_string(), err.to_string(), "{text:?}");
    }
    // An input cut off after a line end is at the next line's first column.
    let err = load_err("{\n");
    assert!(
        matches!(
            err,
            Error::Json {
                line: 2,
                column: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("EOF while parsing an object"),
        "{err}"
    );
}
