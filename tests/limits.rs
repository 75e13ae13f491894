//! Every documented limit, just below, at, and just above.

mod common;

use coalition_ledger::io::json;
use coalition_ledger::limits::*;
use coalition_ledger::*;
use common::*;

fn text(n: usize) -> String {
    "é".repeat(n) // two bytes each: limits count characters
}

#[test]
fn identifier_length() {
    for (n, ok) in [
        (MAX_ID_CHARS - 1, true),
        (MAX_ID_CHARS, true),
        (MAX_ID_CHARS + 1, false),
    ] {
        assert_eq!(MemberId::new(text(n)).is_ok(), ok, "{n}");
        assert_eq!(PledgeId::new("p".repeat(n)).is_ok(), ok, "{n}");
    }
}

/// Runs `make(len)` at the limit −1, at it and +1; the last must fail naming
/// the field.
fn at_limit(limit: usize, field: &str, make: impl Fn(usize) -> Result<Recorded>) {
    assert!(make(limit - 1).is_ok(), "{field} at limit - 1");
    assert!(make(limit).is_ok(), "{field} at the limit");
    let err = make(limit + 1).expect_err("above the limit");
    assert!(err.to_string().contains(field), "{field}: {err}");
    assert!(
        err.to_string().contains(&format!("the limit is {limit}"))
            || err.to_string().contains(&format!("limit of {limit}")),
        "{err}"
    );
}

#[test]
fn member_fields_and_groups() {
    at_limit(MAX_TEXT_CHARS, "invalid name", |n| {
        roster().add_member(Member::new(mid("NEW"), text(n)))
    });
    at_limit(MAX_GROUPS_PER_MEMBER, "number of groups", |n| {
        let member = (0..n).fold(Member::new(mid("NEW"), "New"), |m, i| {
            m.with_group(gid(&format!("G{i:03}")))
        });
        roster().add_member(member)
    });
}

#[test]
fn source_fields() {
    at_limit(MAX_TEXT_CHARS, "invalid publisher", |n| {
        roster().add_source(Source::new(sid("s2"), text(n), SourceKind::Media))
    });
    at_limit(MAX_TEXT_CHARS, "invalid title", |n| {
        roster().add_source(Source::new(sid("s2"), "p", SourceKind::Media).with_title(text(n)))
    });
    at_limit(MAX_NOTE_CHARS, "invalid url", |n| {
        roster().add_source(Source::new(sid("s2"), "p", SourceKind::Media).with_url(text(n)))
    });
}

#[test]
fn pledge_fields_and_conditions() {
    let open = |spec: NewPledge| roster().open_pledge(spec, reported("2025-01-01"));
    at_limit(MAX_TEXT_CHARS, "invalid location", |n| {
        open(troops("P", "FRA", Estimate::Exact(1)).with_location(text(n)))
    });
    at_limit(MAX_NOTE_CHARS, "invalid notes", |n| {
        open(troops("P", "FRA", Estimate::Exact(1)).with_notes(text(n)))
    });
    at_limit(MAX_TEXT_CHARS, "invalid conditions", |n| {
        open(troops("P", "FRA", Estimate::Exact(1)).with_condition(Condition::Named(text(n))))
    });
    at_limit(MAX_TEXT_CHARS, "invalid capability", |n| {
        open(NewPledge::new(
            pid("P"),
            mid("USA"),
            Contribution::Backstop {
                capability: Capability::Other(text(n)),
            },
        ))
    });
    at_limit(MAX_CONDITIONS_PER_PLEDGE, "number of conditions", |n| {
        let spec = (0..n).fold(troops("P", "FRA", Estimate::Exact(1)), |s, i| {
            s.with_condition(Condition::Named(format!("c{i}")))
        });
        open(spec)
    });
    at_limit(MAX_TEXT_CHARS, "invalid reason", |n| {
        let mut l = roster();
        l.open_pledge(
            troops("P", "FRA", Estimate::Exact(1)),
            reported("2025-01-01"),
        )
        .expect("opens");
        l.withdraw(&pid("P"), text(n), reported("2025-01-02"))
    });
}

#[test]
fn sources_per_entry() {
    at_limit(MAX_SOURCES_PER_ENTRY, "number of sources", |n| {
        let mut l = roster();
        let mut prov = reported("2025-01-01");
        for i in 0..n {
            l.add_source(Source::new(
                sid(&format!("s{i:02}")),
                "p",
                SourceKind::Media,
            ))
            .expect("source");
            prov = prov.cite(sid(&format!("s{i:02}")));
        }
        l.open_pledge(troops("P", "FRA", Estimate::Exact(1)), prov)
    });
}

#[test]
fn decimal_scale() {
    let places = |n: usize| format!("0.{}1", "0".repeat(n - 1));
    assert!(parse_amount(&places(MAX_DECIMAL_SCALE as usize - 1)).is_ok());
    assert!(parse_amount(&places(MAX_DECIMAL_SCALE as usize)).is_ok());
    let err = parse_amount(&places(MAX_DECIMAL_SCALE as usize + 1)).unwrap_err();
    assert!(
        err.to_string()
            .contains("29 decimal places, the limit is 28"),
        "{err}"
    );
}

#[test]
fn json_depth_and_size() {
    // Objects: a list is only the value of a list field.
    let nested = |n: usize| format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n));
    // Below and at the limit the depth check passes (the parser then rejects the shape).
    for n in [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH] {
        let err = json::from_str(&nested(n)).unwrap_err();
        assert!(!err.to_string().contains("nesting"), "{err}");
    }
    let err = json::from_str(&nested(MAX_JSON_DEPTH + 1)).unwrap_err();
    assert!(
        err.to_string().contains("nesting deeper than 64 levels"),
        "{err}"
    );
    let huge = " ".repeat(MAX_DOCUMENT_BYTES + 1);
    let err = json::from_str(&huge).unwrap_err();
    assert!(
        matches!(err, Error::Limit { limit, actual, .. } if limit == MAX_DOCUMENT_BYTES as u64 && actual == limit + 1),
        "{err}"
    );
}

#[cfg(feature = "csv")]
#[test]
fn csv_record_length() {
    let header = "id,member,kind,estimate,stage,evidence,notes";
    // The six fixed fields and their commas take 45 bytes; the notes fill the
    // record to n raw bytes (its terminator aside).
    let row = |n: usize| {
        format!(
            "P1,FRA,troops,unspecified,announced,reported,{}\n",
            "x".repeat(n - 45)
        )
    };
    let import = |n: usize| {
        coalition_ledger::io::csv::Importer::new()
            .roster(&roster())
            .import(format!("{header}\n{}", row(n)).as_bytes())
    };
    // Notes are capped at 4096 characters, so only the record limit can speak here.
    let message = |n: usize| match import(n) {
        Err(Error::CsvErrors { errors, .. }) => errors[0].to_string(),
        other => format!("{other:?}"),
    };
    for n in [MAX_CSV_RECORD_BYTES - 1, MAX_CSV_RECORD_BYTES] {
        assert!(!message(n).contains("record exceeds"), "{}", message(n));
    }
    assert!(
        message(MAX_CSV_RECORD_BYTES + 1).starts_with(&format!(
            "CSV line 2: record exceeds the limit of {MAX_CSV_RECORD_BYTES} bytes"
        )),
        "{}",
        message(MAX_CSV_RECORD_BYTES + 1)
    );
}

#[cfg(feature = "csv")]
#[test]
fn collected_csv_errors() {
    let header = "id,member,kind,estimate,stage,evidence";
    // Every row names an unknown member.
    let import = |rows: usize| {
        let mut text = format!("{header}\n");
        for i in 0..rows {
            text.push_str(&format!("P{i},XXX,troops,unspecified,announced,reported\n"));
        }
        coalition_ledger::io::csv::Importer::new().import(text.as_bytes())
    };
    for (rows, kept) in [
        (MAX_COLLECTED_ERRORS - 1, MAX_COLLECTED_ERRORS - 1),
        (MAX_COLLECTED_ERRORS, MAX_COLLECTED_ERRORS),
        (MAX_COLLECTED_ERRORS + 1, MAX_COLLECTED_ERRORS),
        (3 * MAX_COLLECTED_ERRORS, MAX_COLLECTED_ERRORS),
    ] {
        match import(rows) {
            Err(err @ Error::CsvErrors { .. }) => {
                let Error::CsvErrors { errors, total } = &err else {
                    unreachable!()
                };
                assert_eq!(errors.len(), kept, "{rows} rows");
                assert_eq!(*total, rows as u64);
                assert!(err.to_string().starts_with(&format!("{rows} CSV errors")));
                // The first ones are kept, in input order.
                assert!(errors[0].to_string().starts_with("CSV line 2"));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn journal_line_length() {
    use coalition_ledger::io::journal::{Journal, Recovery};
    let dir = std::env::temp_dir().join(format!("cl-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("j");
    let message = |n: usize| {
        // A line of n bytes before a last line, so it is not a torn tail.
        let mut bytes = vec![b'a'; n];
        bytes.extend_from_slice(b"\nlast\n");
        std::fs::write(&path, &bytes).expect("writes");
        Journal::open(&path, Recovery::Fail)
            .unwrap_err()
            .to_string()
    };
    for n in [MAX_JOURNAL_LINE_BYTES - 1, MAX_JOURNAL_LINE_BYTES] {
        assert!(!message(n).contains("exceeds the limit"), "{}", message(n));
    }
    assert!(message(MAX_JOURNAL_LINE_BYTES + 1).contains("exceeds the limit"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn diagnostics_per_code_in_a_report() {
    let check = |members: usize| {
        let mut ledger = Ledger::new();
        for i in 0..members {
            ledger
                .add_member(Member::new(mid(&format!("M{i:05}")), "Member"))
                .unwrap();
        }
        ledger.check(&CheckOptions::new(d("2025-01-01")))
    };
    for (n, listed, omitted) in [
        (
            MAX_DIAGNOSTICS_PER_CODE - 1,
            MAX_DIAGNOSTICS_PER_CODE - 1,
            0,
        ),
        (MAX_DIAGNOSTICS_PER_CODE, MAX_DIAGNOSTICS_PER_CODE, 0),
        (MAX_DIAGNOSTICS_PER_CODE + 1, MAX_DIAGNOSTICS_PER_CODE, 1),
    ] {
        let report = check(n);
        assert_eq!(report.with_code(Code::MemberWithoutPledges).count(), listed);
        assert_eq!(report.omitted(Code::MemberWithoutPledges), omitted);
        let text = report.to_string();
        assert_eq!(
            text.contains("note: 1 more CL011 diagnostics not listed"),
            omitted == 1
        );
    }
    // The listed ones are the first in report order.
    let report = check(MAX_DIAGNOSTICS_PER_CODE + 1);
    let last = report.with_code(Code::MemberWithoutPledges).last().unwrap();
    assert_eq!(last.subject(), &Subject::Member(mid("M09999")));
}

/// Reserving is a hint: room no ledger can hold, or no allocator grants, is
/// not reserved, and the ledger goes on (it aborted the process, "memory
/// allocation failed").
#[test]
fn a_reservation_past_every_limit_is_a_hint_not_an_abort() {
    let mut ledger = Ledger::new();
    ledger.reserve(usize::MAX, usize::MAX);
    ledger.reserve(u32::MAX as usize, u32::MAX as usize);
    ledger.reserve(0, usize::MAX / 2);
    ledger
        .add_member(Member::new(MemberId::new("FRA").expect("id"), "France"))
        .expect("recorded after the reservations");
    assert_eq!(ledger.len(), 1);
}
