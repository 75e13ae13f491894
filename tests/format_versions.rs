//! Files outlive rules: version-1 files written by the crate before format
//! version 2 keep loading, entries the current rules refuse are reported by
//! CL015, and the JSON document keeps every entry's identity.

mod common;

use coalition_ledger::io::json;
use coalition_ledger::*;
use common::*;

const V1_JSON: &str = include_str!("data/v1/ledger.json");

/// The entries of a loaded ledger that the current rules refuse, found by
/// recording them one by one into a fresh ledger through the public API.
fn refused_by_current_rules(ledger: &Ledger) -> Vec<u64> {
    let mut fresh = Ledger::new();
    let mut refused = Vec::new();
    for entry in ledger.entries() {
        let (action, provenance) = entry.clone().into_parts();
        if fresh.record(action, provenance).is_err() {
            refused.push(entry.sequence());
        }
    }
    refused
}

fn cl015(ledger: &Ledger) -> Vec<u64> {
    ledger
        .check(&CheckOptions::new(d("2026-01-01")))
        .with_code(Code::OlderFormatRule)
        .filter_map(|diag| match diag.subject() {
            Subject::Entry(seq) => Some(*seq),
            _ => None,
        })
        .collect()
}

#[test]
fn a_version_1_document_loads_with_its_roster_first() {
    let ledger = json::from_str(V1_JSON).expect("a version-1 document keeps loading");
    assert_eq!(ledger.len(), 17);
    assert_eq!(ledger.members().count(), 4);
    assert_eq!(ledger.sources().count(), 2);
    assert_eq!(ledger.pledge_count(), 6);
    let cycle = ledger.pledge(&pid("CYC-b")).expect("the cycle loads");
    assert_eq!(cycle.conditions(), &[Condition::DependsOn(pid("CYC-a"))]);
    assert_eq!(
        ledger.pledge(&pid("GBR-fund")).map(|p| p.delivered()),
        Some(dec("1000000.00"))
    );
    // Entries the current rules refuse are exactly those CL015 reports,
    // except the one closing a dependency cycle, which CL004 reports.
    let refused = refused_by_current_rules(&ledger);
    let cycle_closer = 13; // the opening of CYC-b (the roster comes first)
    assert!(refused.contains(&cycle_closer), "{refused:?}");
    assert!(
        refused.len() >= 2,
        "the whitespace-only condition too: {refused:?}"
    );
    let report = ledger.check(&CheckOptions::new(d("2026-01-01")));
    assert_eq!(report.with_code(Code::DependencyCycle).count(), 1);
    let expected: Vec<u64> = refused.into_iter().filter(|s| *s != cycle_closer).collect();
    assert_eq!(cl015(&ledger), expected);
    // Every entry remembers the rules it was recorded under.
    assert!(ledger.entries().all(|e| e.accepted_under() == Some(1)));
}

/// A cycle of backstops (each member's backstop needs the other's), which
/// version 1 accepted: queries noted the cycle, and `check` said nothing,
/// its CL004 following `DependsOn` conditions only.
#[test]
fn a_version_1_cycle_of_backstops_is_reported_by_cl004() {
    let text = r#"{
  "format": "coalition-ledger",
  "version": 1,
  "members": [
    {"id":"FRA","name":"France"},
    {"id":"USA","name":"United States"}
  ],
  "sources": [],
  "entries": [
    {"date":"2025-09-04","evidence":"reported","action":{"pledge":{"id":"USA-b","member":"USA","contribution":{"backstop":{"capability":"air_power"}},"stage":"committed","conditions":[{"backstop":{"by":"FRA"}}]}}},
    {"date":"2025-09-04","evidence":"reported","action":{"pledge":{"id":"FRA-b","member":"FRA","contribution":{"backstop":{"capability":"air_power"}},"stage":"committed","conditions":[{"backstop":{"by":"USA"}}]}}}
  ]
}"#;
    let ledger = json::from_str(text).expect("version 1 accepted it");
    assert_eq!(ledger.query().run().expect("runs").left_out().in_cycle(), 2);
    let report = ledger.check(&CheckOptions::new(d("2026-01-01")));
    let cycles: Vec<String> = report
        .with_code(Code::DependencyCycle)
        .map(ToString::to_string)
        .collect();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].contains("dependency cycle USA-b -> FRA-b -> USA-b"),
        "{cycles:?}"
    );
}

#[test]
fn a_version_1_document_saves_as_the_current_version_and_reloads_the_same() {
    let ledger = json::from_str(V1_JSON).expect("loads");
    let text = ledger.to_json();
    assert!(text.contains("\"version\": 3,"), "{text}");
    let again = Ledger::from_json(&text).expect("version 3 loads");
    assert_eq!(again, ledger);
    assert_eq!(again.to_json(), text);
    assert_eq!(cl015(&again), cl015(&ledger));
}

#[test]
fn version_1_refuses_fields_it_did_not_have() {
    let text = r#"{"format":"coalition-ledger","version":1,"members":[{"id":"FRA","name":"France"}],"entries":[
{"seq":1,"evidence":"reported","action":{"annotate":{"pledge":"p"}}}]}"#;
    let err = json::from_str(text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry 0: entry: invalid seq: is not part of format version 1"
    );
}

#[test]
fn version_2_refuses_a_wrong_sequence_number_or_roster_arrays() {
    let text = r#"{"format":"coalition-ledger","version":2,"entries":[
{"seq":1,"evidence":"verified","action":{"add_member":{"id":"FRA","name":"France"}}}]}"#;
    let err = json::from_str(text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry 0: entry: invalid seq: sequence number 1 where 0 was expected"
    );
    let text = r#"{"format":"coalition-ledger","version":2,"members":[],"entries":[]}"#;
    assert!(json::from_str(text).is_err());
}

/// A document that says version 2 holds only what version 2 can: the
/// values version 3 added are refused, naming the entry and the version.
#[test]
fn version_2_refuses_what_only_version_3_can_hold() {
    let document = |version: u32, third: &str| {
        format!(
            r#"{{"format":"coalition-ledger","version":{version},"entries":[
{{"seq":0,"evidence":"verified","action":{{"add_member":{{"id":"FRA","name":"France"}}}}}},
{{"seq":1,"evidence":"verified","action":{{"pledge":{{"id":"P","member":"FRA","contribution":{{"troops":{{"personnel":{{"exact":5}}}}}},"stage":"announced"}}}}}},
{third}]}}"#
        )
    };
    let cases = [
        (
            r#"{"seq":2,"evidence":"verified","action":{"void":{"pledge":"P","reason":"a duplicate"}}}"#,
            "action: the action `void`",
        ),
        (
            r#"{"seq":2,"date":"2025-09","evidence":"verified","action":{"annotate":{"pledge":"P"}}}"#,
            "date: a date known only to a month or a year",
        ),
        (
            r#"{"seq":2,"evidence":"verified","action":{"amend_member":{"id":"FRA","name":"République française"}}}"#,
            "action: the action `amend_member`",
        ),
    ];
    for (third, what) in cases {
        let loaded = json::from_str(&document(3, third));
        assert!(loaded.is_ok(), "{third}: {loaded:?}");
        let err = json::from_str(&document(2, third)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "entry 2: entry: invalid {what} needs format version 3; the document says version 2"
            ),
            "{third}"
        );
    }
}

/// Issue 11.10: a member added with a date and `Reported` evidence came back
/// undated and `Verified`, and entries were renumbered (roster first).
#[test]
fn save_and_load_keep_every_sequence_number_and_provenance() {
    let mut ledger = Ledger::new();
    ledger
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("adds");
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(100)),
            reported("2025-09-04"),
        )
        .expect("opens");
    // A member added later, dated, reported, with a client key.
    ledger
        .record(
            Action::AddMember(Box::new(Member::new(mid("GBR"), "United Kingdom"))),
            reported("2025-09-05").key(ClientKey::new("roster-2").expect("key")),
        )
        .expect("adds");
    ledger
        .add_source(Source::new(sid("src"), "Reuters", SourceKind::Media))
        .expect("adds");
    ledger
        .annotate(&pid("FRA-1"), reported("2025-09-06").cite(sid("src")))
        .expect("annotates");
    let again = Ledger::from_json(&ledger.to_json()).expect("loads");
    assert_eq!(again, ledger);
    let gbr = again.entry(2).expect("entry 2");
    assert_eq!(gbr.date(), Some(d("2025-09-05")));
    assert_eq!(gbr.evidence(), Evidence::Reported);
    assert_eq!(gbr.client_key().map(ClientKey::as_str), Some("roster-2"));
    assert_eq!(
        again.pledge(&pid("FRA-1")).map(|p| p.history()),
        Some(vec![1, 4])
    );
}

/// A source list an older version's entry cites was checked under that
/// version's rules only: a new entry citing the very same list (shared
/// with the loaded entry) is checked under the current ones.
#[test]
fn a_list_loaded_under_older_rules_is_checked_again_by_a_new_entry() {
    let text = r#"{"format":"coalition-ledger","version":1,
"members":[{"id":"FRA","name":"France"}],
"sources":[{"id":"=sum","publisher":"Sheet","kind":"dataset"}],
"entries":[{"evidence":"reported","sources":["=sum"],"action":{"pledge":{"id":"FRA-1","member":"FRA","contribution":{"troops":{"personnel":{"exact":10}}},"stage":"announced"}}}]}"#;
    let mut ledger = json::from_str(text).expect("version 1 allowed a formula start");
    let shared = ledger
        .entries()
        .next_back()
        .map(|e| e.provenance())
        .expect("the pledge's entry");
    let refused = ledger.annotate(&pid("FRA-1"), shared);
    assert!(
        matches!(refused, Err(Error::InvalidId { ref value, .. }) if value == "=sum"),
        "{refused:?}"
    );
    assert_eq!(ledger.len(), 3);
}

/// A pledge of format version 1 whose amount is written `amount`.
fn version_1_pledge(amount: &str) -> String {
    format!(
        r#"{{"date":"2025-09-04","evidence":"reported","action":{{"pledge":{{"id":"P1","member":"FRA","contribution":{{"funding":{{"amount":{{"exact":{{"amount":"{amount}","currency":"EUR"}}}}}}}},"stage":"announced"}}}}}}"#
    )
}

/// Version 1 read an amount with leading zeros or a negative zero, which
/// later versions refuse (one value, one spelling): a document or journal
/// of version 1 holding one keeps loading, with the exact value; a later
/// version's file holding one is refused, naming the amount.
#[test]
fn version_1_files_keep_amounts_with_leading_zeros_or_a_negative_zero()
-> std::result::Result<(), Box<dyn std::error::Error>> {
    for (written, value) in [("0061900000", "61900000"), ("-0", "0"), ("-0.00", "0")] {
        let document = format!(
            r#"{{"format":"coalition-ledger","version":1,"members":[{{"id":"FRA","name":"France"}}],"sources":[],"entries":[{}]}}"#,
            version_1_pledge(written)
        );
        let ledger = json::from_str(&document)?;
        let pledge = ledger.pledge(&pid("P1")).expect("the pledge loads");
        let Contribution::Funding {
            amount: Estimate::Exact(money),
        } = pledge.contribution()
        else {
            panic!("a funding pledge of an exact amount");
        };
        assert_eq!(money.amount(), dec(value), "{written}");
        assert_eq!(json::from_reader(document.as_bytes())?, ledger);

        // A journal of version 1: no header, one checksummed entry a line.
        let dir = std::env::temp_dir().join(format!(
            "v1-amounts-{}-{}",
            std::process::id(),
            written.replace('.', "_")
        ));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("ledger.journal");
        let lines: String = [
            r#"{"seq":0,"evidence":"verified","action":{"add_member":{"id":"FRA","name":"France"}}}"#
                .to_string(),
            version_1_pledge(written).replacen('{', r#"{"seq":1,"#, 1),
        ]
        .iter()
        .map(|json| format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes())))
        .collect();
        std::fs::write(&path, lines)?;
        let journal = io::journal::Journal::open_read_only(&path)?;
        assert_eq!(
            journal
                .ledger()
                .pledge(&pid("P1"))
                .map(|p| p.contribution().clone()),
            Some(pledge.contribution().clone()),
            "{written}"
        );
        std::fs::remove_dir_all(&dir).ok();

        // Version 2 and later refuse the spelling.
        let later = document.replacen(r#""version":1"#, r#""version":3"#, 1);
        let later = later.replacen(
            r#""members":[{"id":"FRA","name":"France"}],"sources":[],"entries":["#,
            r#""entries":[{"seq":0,"evidence":"verified","action":{"add_member":{"id":"FRA","name":"France"}}},"#,
            1,
        );
        let later = later.replacen(r#"{"date""#, r#"{"seq":1,"date""#, 1);
        let err = json::from_str(&later).expect_err("version 3 refuses it");
        assert!(err.to_string().contains(&format!("`{written}`")), "{err}");
    }
    Ok(())
}

/// What a version-1 file spelled two ways saves in the one spelling, and
/// the saved document loads back equal.
#[test]
fn version_1_amounts_save_in_the_current_spelling() -> Result<()> {
    for written in ["0061900000", "-0", "-0.00", "00.50"] {
        let document = format!(
            r#"{{"format":"coalition-ledger","version":1,"members":[{{"id":"FRA","name":"France"}}],"sources":[],"entries":[{}]}}"#,
            version_1_pledge(written)
        );
        let ledger = json::from_str(&document)?;
        let saved = ledger.to_json();
        let reloaded = json::from_str(&saved)?;
        assert_eq!(reloaded.to_json(), saved, "{written}");
    }
    Ok(())
}
