//! Dates known only to a month or a year: an entry dated `2024-03` takes
//! effect at the end of March, is shown and exported as `2024-03`, and
//! round-trips through JSON, CSV and the journal.

mod common;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::*;
use common::*;
use proptest::prelude::*;

fn period(text: &str) -> PartialDate {
    text.parse().expect("test periods are valid")
}

fn within(text: &str) -> Provenance {
    Provenance::new(Evidence::Reported).within(period(text))
}

/// FRA pledged 100 troops in March 2024, DEU 50 in 2024, GBR 10 on
/// 2024-03-15.
fn ledger() -> Ledger {
    let mut ledger = roster();
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(100)),
            within("2024-03"),
        )
        .expect("opens");
    ledger
        .open_pledge(troops("DEU-1", "DEU", Estimate::Exact(50)), within("2024"))
        .expect("opens");
    ledger
        .open_pledge(
            troops("GBR-1", "GBR", Estimate::Exact(10)),
            within("2024-03-15"),
        )
        .expect("opens");
    ledger
}

#[test]
fn a_month_takes_effect_at_its_end_and_as_of_says_what_it_left_out() {
    let ledger = ledger();
    let mid_march = ledger
        .query()
        .measure(Measure::Personnel)
        .as_of(d("2024-03-15"))
        .run()
        .expect("runs");
    // Only GBR's day-dated pledge; FRA's March and DEU's 2024 have begun
    // but not ended.
    assert_eq!(mid_march.total().low(), Decimal::from(10));
    assert_eq!(mid_march.left_out().pending_periods(), 2);
    assert!(
        mid_march
            .to_string()
            .contains("note: 2 entries dated to a month or year not yet ended left out by as_of"),
        "{mid_march}"
    );
    let end_of_march = ledger
        .query()
        .measure(Measure::Personnel)
        .as_of(d("2024-03-31"))
        .run()
        .expect("runs");
    assert_eq!(end_of_march.total().low(), Decimal::from(110));
    assert_eq!(end_of_march.left_out().pending_periods(), 1);
    let end_of_year = ledger
        .query()
        .measure(Measure::Personnel)
        .as_of(d("2024-12-31"))
        .run()
        .expect("runs");
    assert_eq!(end_of_year.total().low(), Decimal::from(160));
    assert!(end_of_year.left_out().is_empty());
    // Before the period begins nothing is pending: the entry is simply later.
    let february = ledger
        .query()
        .measure(Measure::Personnel)
        .as_of(d("2023-12-31"))
        .run()
        .expect("runs");
    assert_eq!(february.left_out().pending_periods(), 0);
    // The snapshot itself follows the same rule.
    assert_eq!(ledger.as_of(d("2024-03-30")).ledger().pledge_count(), 1);
    assert_eq!(ledger.as_of(d("2024-03-31")).ledger().pledge_count(), 2);
}

#[test]
fn a_year_only_date_has_its_own_month_key_and_counts_in_its_year() {
    let ledger = ledger();
    let by_month = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Month])
        .run()
        .expect("runs");
    let march = by_month
        .row(&[Key::Month(Some((2024, 3)))])
        .expect("March has a row");
    assert_eq!(march.total().low(), Decimal::from(110));
    let year_only = by_month
        .row(&[Key::YearOnly(2024)])
        .expect("the year-only pledge has its own key");
    assert_eq!(year_only.total().low(), Decimal::from(50));
    // Not put in December.
    assert!(by_month.row(&[Key::Month(Some((2024, 12)))]).is_none());
    assert_eq!(Key::YearOnly(2024).to_string(), "2024");
    let by_quarter = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Quarter])
        .run()
        .expect("runs");
    let q1 = by_quarter
        .row(&[Key::Quarter(Some((2024, 1)))])
        .expect("Q1 has a row");
    assert_eq!(q1.total().low(), Decimal::from(110));
    let year_only = by_quarter
        .row(&[Key::YearOnly(2024)])
        .expect("the year-only pledge has its own quarter key");
    assert_eq!(year_only.total().low(), Decimal::from(50));
    assert!(by_quarter.row(&[Key::Quarter(Some((2024, 4)))]).is_none());
    let by_year = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Year])
        .run()
        .expect("runs");
    let year = by_year.row(&[Key::Year(Some(2024))]).expect("2024 row");
    assert_eq!(year.total().low(), Decimal::from(160));
}

#[test]
fn money_dated_to_a_month_converts_at_the_end_of_the_month() {
    let mut ledger = roster();
    let amount = Estimate::Exact(Money::new(dec("100"), Currency::GBP));
    ledger
        .open_pledge(funding("GBR-f", "GBR", amount), within("2024-03"))
        .expect("opens");
    // Only the end-of-month rate exists: on-date lookup finds it.
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(Currency::GBP, d("2024-03-31"), dec("1.2"))
        .expect("rate");
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()
        .expect("converts at 2024-03-31");
    assert_eq!(table.total().low(), dec("120.0"));
}

#[test]
fn a_current_month_is_not_in_the_future() {
    let mut ledger = roster();
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(1)),
            within("2026-11"),
        )
        .expect("opens");
    ledger
        .open_pledge(
            troops("FRA-2", "FRA", Estimate::Exact(1)),
            within("2026-12"),
        )
        .expect("opens");
    let report = ledger.check(&CheckOptions::new(d("2026-11-29")));
    let future: Vec<String> = report
        .with_code(Code::FutureEntry)
        .map(|diag| diag.message().to_string())
        .collect();
    assert_eq!(
        future,
        ["dated 2026-12, after the reference date 2026-11-29"]
    );
}

#[test]
fn a_day_inside_an_earlier_year_is_not_out_of_order() {
    let mut ledger = roster();
    ledger
        .open_pledge(troops("A", "FRA", Estimate::Exact(1)), within("2024"))
        .expect("opens");
    ledger
        .open_pledge(troops("B", "FRA", Estimate::Exact(1)), within("2024-06-03"))
        .expect("opens");
    ledger
        .open_pledge(troops("C", "FRA", Estimate::Exact(1)), within("2023-11"))
        .expect("opens");
    let out_of_order: Vec<String> = ledger
        .check(&CheckOptions::new(d("2026-01-01")))
        .with_code(Code::OutOfOrder)
        .map(|diag| diag.to_string())
        .collect();
    assert_eq!(
        out_of_order,
        ["info[CL012]: entry 8: dated 2023-11, before entry 7 (2024-06-03)"]
    );
}

#[test]
fn partial_dates_round_trip_through_json_csv_and_the_journal() {
    let ledger = ledger();
    let text = ledger.to_json();
    assert!(text.contains(r#""date":"2024-03""#), "{text}");
    assert!(text.contains(r#""date":"2024""#), "{text}");
    let loaded = Ledger::from_json(&text).expect("loads");
    assert_eq!(loaded, ledger);
    assert_eq!(loaded.to_json(), text);
    assert_eq!(
        loaded.pledge(&pid("DEU-1")).and_then(|p| p.period()),
        Some(period("2024"))
    );

    let path = std::env::temp_dir().join(format!("cl-partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("creates");
    journal
        .append_batch(ledger.entries().map(|e| e.clone().into_parts()))
        .expect("appends");
    drop(journal);
    let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(reopened.ledger(), &ledger);
    drop(reopened);
    let _ = std::fs::remove_file(&path);

    #[cfg(feature = "csv")]
    {
        use coalition_ledger::io::csv::{Importer, export};
        let mut first = Vec::new();
        export(&ledger, &mut first).expect("exports");
        let text = String::from_utf8_lossy(&first).to_string();
        assert!(text.contains(",2024-03,"), "{text}");
        assert!(text.contains(",2024,"), "{text}");
        let imported = Importer::new()
            .roster(&roster())
            .import(first.as_slice())
            .expect("imports");
        assert_eq!(
            imported.pledge(&pid("FRA-1")).and_then(|p| p.period()),
            Some(period("2024-03"))
        );
        let mut second = Vec::new();
        export(&imported, &mut second).expect("exports");
        assert_eq!(second, first);
    }
}

#[test]
fn loose_partial_dates_are_refused_with_the_place() {
    for bad in [
        "2024-3", "24", "2024-13", "2024-00", "202", "2024-03-", "+2024",
    ] {
        assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
    }
    let text = r#"{"format":"coalition-ledger","version":3,"entries":[
{"seq":0,"evidence":"verified","action":{"add_member":{"id":"FRA","name":"France"}}},
{"seq":1,"date":"2024-3","evidence":"reported","action":{"pledge":{"id":"FRA-1","member":"FRA","contribution":{"troops":{"personnel":{"exact":1}}},"stage":"announced"}}}
]}"#;
    let err = Ledger::from_json(text).expect_err("a loose month is refused");
    assert!(err.to_string().contains("YYYY-MM"), "{err}");
}

#[test]
fn a_version_2_journal_keeps_opening_and_appending_under_its_header() {
    let original = include_bytes!("data/v2/ledger.journal");
    let path = std::env::temp_dir().join(format!("cl-v2-{}", std::process::id()));
    std::fs::write(&path, original).expect("writes");
    let read_only = Journal::open_read_only(&path).expect("a version-2 journal opens");
    assert_eq!(read_only.ledger().pledge_count(), 1);
    drop(read_only);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens for writing");
    journal
        .append(
            Action::Advance {
                pledge: pid("FRA-1"),
                stage: Stage::Committed,
            },
            within("2025-10"),
        )
        .expect("appends");
    let ledger = journal.ledger().clone();
    drop(journal);
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(text.starts_with(&String::from_utf8_lossy(original).to_string()));
    let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(reopened.ledger(), &ledger);
    drop(reopened);
    let _ = std::fs::remove_file(&path);
    // A version-2 JSON document loads too.
    let v2 = r#"{"format":"coalition-ledger","version":2,"entries":[
{"seq":0,"evidence":"verified","action":{"add_member":{"id":"FRA","name":"France"}}}
]}"#;
    assert_eq!(Ledger::from_json(v2).expect("loads").members().count(), 1);
}

proptest! {
    #[test]
    fn a_partial_date_has_one_spelling(
        year in 0i32..=9999,
        month in 1u32..=12,
        day in 1u32..=28,
        precision in 0u8..3,
    ) {
        let date = match precision {
            0 => PartialDate::day(NaiveDate::from_ymd_opt(year, month, day).expect("valid")),
            1 => PartialDate::month(year, month).expect("valid"),
            _ => PartialDate::year(year).expect("valid"),
        };
        let text = date.to_string();
        prop_assert_eq!(text.parse::<PartialDate>().expect("reads back"), date);
        let json = serde_json::to_string(&date).expect("serializes");
        prop_assert_eq!(json, format!("\"{text}\""));
        prop_assert!(date.first_day() <= date.effective());
        prop_assert!(!date.is_pending_on(date.effective()));
    }
}

/// The count of entries `as_of` leaves out because their month or year has
/// not ended counts only what bears on the query: a pledge of another
/// category or of a member outside the group asked about is not one.
#[test]
fn pending_entries_outside_the_filters_are_not_counted() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        equipment("A", "FRA", "tanks", Estimate::Exact(5), None),
        reported("2025-01-01"),
    )?;
    l.open_pledge(
        equipment("B", "UKR", "drones", Estimate::Exact(5), None),
        Provenance::new(Evidence::Reported).within("2025-03".parse()?),
    )?;
    let date = d("2025-03-15");
    let units = || l.query().measure(Measure::Units).as_of(date);
    let all = units().run()?;
    assert_eq!(all.left_out().pending_periods(), 1);
    let tanks = units().category(&Category::new("tanks")?).run()?;
    assert_eq!(tanks.left_out().pending_periods(), 0, "{tanks}");
    let nato = units().group(&gid("NATO")).run()?;
    assert_eq!(nato.left_out().pending_periods(), 0, "{nato}");
    let drones = units().category(&Category::new("drones")?).run()?;
    assert_eq!(drones.left_out().pending_periods(), 1);
    Ok(())
}
