//! Issue 11.3: everything the API accepts is written in a form every reader
//! accepts. Values across each type's whole range (dates, amounts, ids,
//! text) round-trip exactly through the journal and the JSON document, and
//! CSV export → import → export is byte-identical; what no reader could
//! read back (a five-digit year) is refused up front with a clear error.

mod common;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::*;
use common::*;
use proptest::prelude::*;

/// Any date the API accepts, from 0000-01-01 to 9999-12-31.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let first = limits::EARLIEST_DATE.num_days_from_ce();
    let last = limits::LATEST_DATE.num_days_from_ce();
    (first..=last).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).expect("in range"))
}

/// Any date the API accepts, known to the day, the month or the year.
fn any_period() -> impl Strategy<Value = PartialDate> {
    (any_date(), 0u8..3).prop_map(|(date, precision)| match precision {
        0 => PartialDate::day(date),
        1 => PartialDate::month(date.year(), date.month()).expect("in range"),
        _ => PartialDate::year(date.year()).expect("in range"),
    })
}

/// Amounts of every scale, up to the largest `Decimal`.
fn any_amount() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=28, any::<bool>()).prop_map(|(mantissa, scale, huge)| {
        if huge {
            Decimal::MAX
        } else {
            Decimal::new(mantissa.unsigned_abs() as i64 & i64::MAX, scale)
        }
    })
}

/// Texts of any characters, kept when the API accepts them.
fn any_text() -> impl Strategy<Value = String> {
    "\\PC{1,40}"
}

/// An id of any characters the API accepts, or a fallback.
fn any_id() -> impl Strategy<Value = String> {
    "[\\PC&&[^\\s]]{1,20}".prop_map(|text| {
        if PledgeId::new(&text).is_ok() && MemberId::new(&text).is_ok() {
            text
        } else {
            "fallback".to_string()
        }
    })
}

/// A ledger built from the generated values: whatever the API refuses is
/// left out, whatever it accepts must round-trip.
fn ledger_of(
    name: &str,
    id: &str,
    dates: &[PartialDate],
    amounts: &[Decimal],
    note: &str,
) -> Ledger {
    let mut ledger = Ledger::new();
    let member = MemberId::new(id).expect("checked");
    ledger
        .add_member(Member::new(member.clone(), name))
        .or_else(|_| ledger.add_member(Member::new(member.clone(), "Member")))
        .expect("a plain name is accepted");
    let source = Source::new(sid("src"), "Publisher", SourceKind::Media)
        .with_published(dates[0].effective());
    ledger
        .add_source(source)
        .expect("any date in range is accepted");
    for (i, (date, amount)) in dates.iter().zip(amounts).enumerate() {
        let pledge = PledgeId::new(format!("{id}-{i}")).unwrap_or_else(|_| pid(&format!("p-{i}")));
        let spec = NewPledge::new(
            pledge.clone(),
            member.clone(),
            Contribution::Funding {
                amount: Estimate::AtLeast(Money::new(*amount, Currency::EUR)),
            },
        );
        let spec = match spec.clone().with_notes(note) {
            noted
                if ledger
                    .validate(
                        &Action::Pledge(Box::new(noted.clone())),
                        &Provenance::new(Evidence::Reported),
                    )
                    .is_ok() =>
            {
                noted
            }
            _ => spec,
        };
        let provenance = Provenance::new(Evidence::Reported)
            .within(*date)
            .cite(sid("src"));
        // A correction of the same size, negative, on alternate bases.
        let basis = if i % 2 == 0 {
            AdjustmentBasis::Pledged
        } else {
            AdjustmentBasis::Delivered
        };
        let adjustment = NewPledge::adjustment(
            PledgeId::new(format!("{id}-adj-{i}")).unwrap_or_else(|_| pid(&format!("adj-{i}"))),
            member.clone(),
            basis,
            Money::new(
                Decimal::ZERO.checked_sub(*amount).unwrap_or_default(),
                Currency::EUR,
            ),
        );
        let _ = ledger.open_pledge(adjustment, provenance.clone());
        if ledger.open_pledge(spec, provenance).is_ok() {
            let _ = ledger.deliver(
                &pledge,
                *amount,
                Provenance::new(Evidence::Verified).within(*date),
            );
            // Evidence that falls below its best, on alternate pledges.
            if i % 2 == 1 {
                let _ = ledger.annotate(&pledge, Provenance::new(Evidence::Unconfirmed));
            }
        }
    }
    // A dated amendment renaming the member, and a void of the first
    // pledge with the generated text as its reason, when accepted.
    if let Some(amended) = ledger.member(&member).map(|m| m.clone().with_name(note)) {
        let _ = ledger.record(
            Action::AmendMember(Box::new(amended)),
            Provenance::new(Evidence::Verified).within(dates[0]),
        );
    }
    let first = ledger.pledges().next().map(|p| p.id().clone());
    if let Some(first) = first {
        let _ = ledger.record(
            Action::Void {
                pledge: first,
                reason: note.into(),
            },
            Provenance::new(Evidence::Verified).within(dates[0]),
        );
    }
    ledger
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn journal_json_and_csv_round_trip_every_accepted_value(
        name in any_text(),
        id in any_id(),
        note in any_text(),
        dates in proptest::collection::vec(any_period(), 1..4),
        amounts in proptest::collection::vec(any_amount(), 1..4),
    ) {
        let ledger = ledger_of(&name, &id, &dates, &amounts, &note);

        // JSON: the same ledger back, and the same bytes again.
        let text = ledger.to_json();
        let loaded = Ledger::from_json(&text).expect("every accepted value loads");
        prop_assert_eq!(&loaded, &ledger);
        prop_assert_eq!(loaded.to_json(), text);

        // Journal: every entry written, read back the same.
        let path = std::env::temp_dir().join(format!("cl-prop-{}-{}", std::process::id(), ledger.len()));
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path, Recovery::Fail).expect("creates");
        journal
            .append_batch(ledger.entries().map(|e| e.clone().into_parts()))
            .expect("every accepted entry is written");
        drop(journal);
        let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
        prop_assert_eq!(reopened.ledger(), &ledger);
        drop(reopened);
        let _ = std::fs::remove_file(&path);

        // CSV: export, import, export gives the same bytes.
        #[cfg(feature = "csv")]
        {
            use coalition_ledger::io::csv::{Importer, export};
            let mut first = Vec::new();
            export(&ledger, &mut first).expect("exports");
            // The roster alone: members and sources, no pledges.
            let mut roster = Ledger::new();
            for member in ledger.members() {
                roster.add_member(member.clone()).expect("adds");
            }
            for source in ledger.sources() {
                roster.add_source(source.clone()).expect("adds");
            }
            let imported = Importer::new()
                .roster(&roster)
                .import(first.as_slice())
                .expect("the export imports");
            let mut second = Vec::new();
            export(&imported, &mut second).expect("exports");
            prop_assert_eq!(second, first);
        }
    }
}

/// Issue 11.3: a date with a five-digit year was written as `10000-01-01`,
/// which the strict reader refused, losing the journal. The API refuses it.
#[test]
fn dates_no_reader_accepts_are_refused_up_front() {
    let mut ledger = Ledger::new();
    ledger
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("adds");
    let far = NaiveDate::from_ymd_opt(10_000, 1, 1).expect("chrono holds it");
    let err = ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(1)),
            Provenance::new(Evidence::Reported).on(far),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pledge `FRA-1`: invalid date: +10000-01-01 is outside 0000-01-01 to 9999-12-31"
    );
    let before = NaiveDate::from_ymd_opt(-1, 12, 31).expect("chrono holds it");
    let source = Source::new(sid("old"), "Archive", SourceKind::Dataset).with_published(before);
    let err = ledger.add_source(source).unwrap_err();
    assert!(err.to_string().contains("published"), "{err}");
    assert_eq!(ledger.len(), 1, "nothing was recorded");
    // The edges themselves are accepted and read back.
    ledger
        .open_pledge(
            troops("FRA-2", "FRA", Estimate::Exact(1)),
            Provenance::new(Evidence::Reported).on(limits::LATEST_DATE),
        )
        .expect("9999-12-31 is accepted");
    assert_eq!(Ledger::from_json(&ledger.to_json()).expect("loads"), ledger);
}
