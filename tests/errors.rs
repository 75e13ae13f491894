//! Every `Error` variant, produced through the public API, names the place:
//! the id, field, entry, line or file involved.

mod common;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::io::json;
use coalition_ledger::*;
use common::*;

fn sample() -> Ledger {
    let mut l = roster();
    l.open_pledge(
        troops("T1", "FRA", Estimate::Exact(10)),
        reported("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        funding(
            "F1",
            "GBR",
            Estimate::Exact(Money::new(dec("5"), Currency::GBP)),
        ),
        reported("2025-01-01"),
    )
    .expect("opens");
    l
}

#[test]
fn every_variant_names_its_place() {
    let mut l = sample();
    let t1 = pid("T1");
    let dir = std::env::temp_dir().join(format!("cl-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let torn = dir.join("torn");
    std::fs::write(&torn, b"00000000 {").expect("writes");
    let corrupt = dir.join("corrupt");
    std::fs::write(&corrupt, b"garbage\nmore\n").expect("writes");
    let no_rates = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let mut undated = roster();
    undated
        .open_pledge(
            funding(
                "U",
                "GBR",
                Estimate::Exact(Money::new(dec("1"), Currency::GBP)),
            ),
            Provenance::new(Evidence::Reported),
        )
        .expect("opens");
    let mut cycle = roster();
    cycle
        .open_pledge(
            troops("A", "FRA", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("B"))),
            reported("2025-01-01"),
        )
        .expect("opens");
    let closing = cycle
        .open_pledge(
            troops("B", "FRA", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A"))),
            reported("2025-01-01"),
        )
        .unwrap_err();

    let cases: Vec<(Error, &str)> = vec![
        (MemberId::new("").unwrap_err(), "member id ``"),
        (Currency::new("ABC").unwrap_err(), "`ABC`"),
        (l.open_pledge(troops("X", "FRA", Estimate::Range { low: 2, high: 1 }), reported("2025-01-01")).unwrap_err(), "pledge `X`: invalid personnel"),
        (l.open_pledge(troops("X", "NOP", Estimate::Exact(1)), reported("2025-01-01")).unwrap_err(), "member `NOP`"),
        (l.advance(&pid("NOPE"), Stage::Committed, reported("2025-01-01")).unwrap_err(), "pledge `NOPE`"),
        (l.annotate(&t1, Provenance::new(Evidence::Reported).cite(sid("ghost"))).unwrap_err(), "source `ghost`"),
        (l.add_member(Member::new(mid("FRA"), "Gaul")).unwrap_err(), "member `FRA` already exists with a different `name`"),
        (l.advance(&t1, Stage::Considering, reported("2025-01-02")).unwrap_err(), "pledge `T1`: cannot move from stage announced to considering"),
        (l.deliver(&t1, dec("0.5"), reported("2025-01-02")).unwrap_err(), "pledge `T1`"),
        (l.query().measure(Measure::Value { currency: Currency::EUR, fx: &no_rates }).run().unwrap_err(), "GBP on 2025-01-01"),
        (undated.query().measure(Measure::Value { currency: Currency::EUR, fx: &no_rates }).run().unwrap_err(), "pledge `U`"),
        (closing, "B -> A -> B"),
        (json::from_str(&"{\"a\":".repeat(100)).unwrap_err(), "line 1, column 321"),
        (json::from_str(&"[".repeat(100)).unwrap_err(), "line 1, column 1"),
        (json::from_str("{\"format\": 1}").unwrap_err(), "JSON line 1, column"),
        (json::from_str(r#"{"format":"coalition-ledger","version":1,"entries":[{"evidence":"reported","action":{"annotate":{"pledge":"p"}}}]}"#).unwrap_err(), "entry 0: unknown pledge `p`"),
        (Journal::open(&torn, Recovery::Fail).unwrap_err(), "journal line 1: torn last line (10 bytes)"),
        (Journal::open(&corrupt, Recovery::Fail).unwrap_err(), "journal line 1 (byte 0)"),
        (json::load(dir.join("missing.json")).unwrap_err(), "missing.json"),
    ];
    for (err, place) in &cases {
        assert!(
            err.to_string().contains(place),
            "`{err}` should name `{place}`"
        );
    }
    let mut overflow = roster();
    overflow
        .open_pledge(
            troops("O", "FRA", Estimate::AtLeast(1)),
            reported("2025-01-01"),
        )
        .expect("opens");
    overflow
        .deliver(&pid("O"), Decimal::MAX, reported("2025-01-02"))
        .expect("fits");
    let err = overflow
        .deliver(&pid("O"), dec("1"), reported("2025-01-03"))
        .unwrap_err();
    assert!(err.to_string().contains("pledge `O`"), "{err}");
    l.withdraw(&t1, "gone", reported("2025-01-05"))
        .expect("withdraws");
    let err = l.annotate(&t1, reported("2025-01-06")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pledge `T1` is withdrawn: no further entries are accepted"
    );
    let too_many_groups = (0..=limits::MAX_GROUPS_PER_MEMBER)
        .fold(Member::new(mid("X"), "X"), |m, i| {
            m.with_group(gid(&format!("g{i}")))
        });
    let err = Ledger::new().add_member(too_many_groups).unwrap_err();
    assert_eq!(
        err.to_string(),
        "number of groups of member `X` exceeds the limit of 32 (got 33)"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(feature = "csv")]
#[test]
fn csv_errors_name_line_and_column() {
    let text = "id,member,kind,estimate,stage,evidence\nP1,FRA,troops,exact,announced,reported\n";
    let err = coalition_ledger::io::csv::Importer::new()
        .roster(&roster())
        .import(text.as_bytes())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 CSV error, nothing imported; first: CSV line 2, column `low`: required for an estimate `exact`"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_refused_as_a_journal_names_its_file() {
    // Poisoning after a failed write is tested inside the journal module:
    // a device such as /dev/full is now refused at open.
    let err = Journal::open("/dev/full", Recovery::Fail).unwrap_err();
    assert_eq!(
        err.to_string(),
        "I/O error on `/dev/full`: not a regular file: a journal must be a regular file"
    );
}

/// A date or a source list an entry cannot have is refused naming what
/// the entry is about (a member or source amendment said `entry`, and too
/// many sources named nothing).
#[test]
fn a_refused_provenance_names_the_entry_s_subject() {
    let mut l = sample();
    let before = l.clone();
    let far = NaiveDate::from_ymd_opt(12_000, 1, 1).expect("chrono holds it");
    let amend = Action::AmendMember(Box::new(Member::new(mid("FRA"), "Francia")));
    let err = l
        .record(amend, Provenance::new(Evidence::Reported).on(far))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "member `FRA`: invalid date: +12000-01-01 is outside 0000-01-01 to 9999-12-31"
    );
    let source = Action::AddSource(Box::new(Source::new(sid("s2"), "AP", SourceKind::Media)));
    let err = l
        .record(source, Provenance::new(Evidence::Reported).on(far))
        .unwrap_err();
    assert!(
        err.to_string().starts_with("source `s2`: invalid date"),
        "{err}"
    );
    let mut cited = Provenance::new(Evidence::Reported);
    for i in 0..17 {
        cited = cited.cite(sid(&format!("s{i:02}")));
    }
    let err = l.advance(&pid("T1"), Stage::Committed, cited).unwrap_err();
    assert_eq!(
        err.to_string(),
        "number of sources cited by one entry (on pledge `T1`) exceeds the limit of 16 (got 17)"
    );
    assert_eq!(l, before);
}
