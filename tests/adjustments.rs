//! Corrections are data: an adjustment changes a member's total on one
//! basis without naming a pledge, may be negative or zero, counts in totals
//! on its basis only, stays out of coverage's firmness buckets, can be
//! filtered out, and is listed by `check` (CL016).

mod common;

use coalition_ledger::*;
use common::*;

fn fix(id: &str, member: &str, basis: AdjustmentBasis, amount: &str) -> NewPledge {
    NewPledge::adjustment(pid(id), mid(member), basis, eur(amount))
        .with_category(Category::new("military").expect("valid"))
}

/// DEU committed 100m and delivered 80m in `military`; the tracker then
/// corrected the commitments by −61.97m and the allocations by −51.90m.
fn ledger() -> Ledger {
    let mut ledger = roster();
    let spec = funding("DEU-1", "DEU", Estimate::Exact(eur("100000000")))
        .with_category(Category::new("military").expect("valid"))
        .with_stage(Stage::Committed);
    ledger
        .open_pledge(spec, verified("2024-01-10"))
        .expect("opens");
    ledger
        .deliver(&pid("DEU-1"), dec("80000000"), verified("2024-02-01"))
        .expect("delivers");
    ledger
        .open_pledge(
            fix("DEU-fix-1", "DEU", AdjustmentBasis::Pledged, "-61970000"),
            verified("2024-03-01"),
        )
        .expect("a negative commitment row is an adjustment");
    ledger
        .open_pledge(
            fix("DEU-fix-2", "DEU", AdjustmentBasis::Delivered, "-51900000"),
            verified("2024-03-01"),
        )
        .expect("a negative allocation row is an adjustment");
    ledger
}

fn value(ledger: &Ledger, basis: Basis, adjustments: bool) -> Table {
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .basis(basis)
        .adjustments(adjustments)
        .group_by([Dimension::Member, Dimension::Category])
        .run()
        .expect("runs")
}

#[test]
fn an_adjustment_counts_on_its_own_basis_only() {
    let ledger = ledger();
    let pledged = value(&ledger, Basis::Pledged, true);
    assert_eq!(pledged.total().low(), dec("38030000"));
    assert_eq!(pledged.total().high(), Some(dec("38030000")));
    let delivered = value(&ledger, Basis::Delivered, true);
    assert_eq!(delivered.total().low(), dec("28100000"));
    // Outstanding: (100m − 61.97m) − (80m − 51.9m).
    let outstanding = value(&ledger, Basis::Outstanding, true);
    assert_eq!(outstanding.total().low(), dec("9930000"));
    // Each total counts the rows that changed it.
    assert_eq!(pledged.total().count(), 2);
    assert_eq!(delivered.total().count(), 2);
}

#[test]
fn adjustments_can_be_filtered_out_and_are_no_pledges_to_count() {
    let ledger = ledger();
    let pledged = value(&ledger, Basis::Pledged, false);
    assert_eq!(pledged.total().low(), dec("100000000"));
    assert_eq!(pledged.total().count(), 1);
    let count = ledger.query().run().expect("runs");
    assert_eq!(count.total().count(), 1, "an adjustment is not a pledge");
}

#[test]
fn a_total_driven_below_zero_shows_its_negative_low_bound_with_a_note() {
    let mut ledger = roster();
    ledger
        .open_pledge(
            fix("FRA-fix", "FRA", AdjustmentBasis::Pledged, "-5"),
            verified("2024-03-01"),
        )
        .expect("opens");
    let table = value(&ledger, Basis::Pledged, true);
    assert_eq!(table.total().low(), dec("-5"));
    let text = table.to_string();
    assert!(
        text.contains("note: 2 totals below zero: adjustments (corrections naming no pledge) exceed what was recorded"),
        "{text}"
    );
    // No note when nothing is below zero.
    assert!(
        !value(&self::ledger(), Basis::Pledged, true)
            .to_string()
            .contains("below zero")
    );
}

#[test]
fn coverage_leaves_adjustments_out_of_its_buckets_and_says_so() {
    let ledger = ledger();
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let coverage = ledger
        .query()
        .coverage(&Target::value(eur("200000000"), &fx))
        .expect("computes");
    assert_eq!(coverage.firm().low(), dec("100000000"));
    // Coverage compares pledged sizes: the pledged-basis adjustment is the
    // one it leaves out (the delivered one does not bear on it).
    assert_eq!(coverage.left_out().adjustments(), 1);
    assert!(coverage.to_string().contains("note: 1 adjustment left out"));
}

#[test]
fn an_adjustment_has_no_lifecycle_and_its_own_shape() {
    let mut ledger = ledger();
    let err = rejected(&mut ledger, |l| {
        l.advance(&pid("DEU-fix-1"), Stage::Delivered, verified("2024-04-01"))
    });
    assert!(
        err.to_string().contains("an adjustment has no lifecycle"),
        "{err}"
    );
    let err = rejected(&mut ledger, |l| {
        l.deliver(&pid("DEU-fix-1"), dec("1"), verified("2024-04-01"))
    });
    assert!(err.to_string().contains("no lifecycle"), "{err}");
    let err = rejected(&mut ledger, |l| {
        l.withdraw(&pid("DEU-fix-1"), "typo", verified("2024-04-01"))
    });
    assert!(err.to_string().contains("no lifecycle"), "{err}");
    // Sources may still be attached.
    ledger
        .annotate(&pid("DEU-fix-1"), verified("2024-04-01").cite(sid("src")))
        .expect("annotates");
    // Conditions and other stages are refused.
    let conditional =
        fix("X-1", "FRA", AdjustmentBasis::Pledged, "-1").with_condition(Condition::Ceasefire);
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(conditional, verified("2024-04-01"))
    });
    assert!(err.to_string().contains("no conditions"), "{err}");
    let early = fix("X-2", "FRA", AdjustmentBasis::Pledged, "-1").with_stage(Stage::Announced);
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(early, verified("2024-04-01"))
    });
    assert!(err.to_string().contains("opens as committed"), "{err}");
    // A negative pledge is still refused: only an adjustment may be negative.
    let negative = funding("X-3", "FRA", Estimate::Exact(eur("-1")));
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(negative, verified("2024-04-01"))
    });
    assert!(err.to_string().contains("must not be negative"), "{err}");
    // Zero is a valid adjustment (a tracker's row of zero, recorded by choice).
    ledger
        .open_pledge(
            fix("X-4", "FRA", AdjustmentBasis::Delivered, "0"),
            verified("2024-04-01"),
        )
        .expect("zero adjusts nothing, and is recorded");
}

#[test]
fn check_lists_every_adjustment() {
    let ledger = ledger();
    let report = ledger.check(&CheckOptions::new(d("2025-01-01")));
    let found: Vec<String> = report
        .with_code(Code::Adjustment)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "info[CL016]: pledge DEU-fix-1: adjusts the pledged total of DEU in `military` by EUR -61,970,000, naming no pledge",
            "info[CL016]: pledge DEU-fix-2: adjusts the delivered total of DEU in `military` by EUR -51,900,000, naming no pledge",
        ]
    );
    // Quiet on a ledger without adjustments.
    assert_eq!(
        fixtures::paris_summit()
            .check(&CheckOptions::new(d("2025-01-01")))
            .with_code(Code::Adjustment)
            .count(),
        0
    );
}

#[test]
fn adjustments_round_trip_through_json_csv_and_the_journal() {
    let ledger = ledger();
    let text = ledger.to_json();
    assert!(text.contains(r#""adjusts":"pledged""#), "{text}");
    let loaded = Ledger::from_json(&text).expect("loads");
    assert_eq!(loaded, ledger);
    assert_eq!(loaded.to_json(), text);

    let path = std::env::temp_dir().join(format!("cl-adjust-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut journal =
        io::journal::Journal::open(&path, io::journal::Recovery::Fail).expect("creates");
    journal
        .append_batch(ledger.entries().map(|e| e.clone().into_parts()))
        .expect("appends");
    drop(journal);
    let reopened = io::journal::Journal::open(&path, io::journal::Recovery::Fail).expect("reopens");
    assert_eq!(reopened.ledger(), &ledger);
    drop(reopened);
    let _ = std::fs::remove_file(&path);

    #[cfg(feature = "csv")]
    {
        use coalition_ledger::io::csv::{Importer, export};
        let mut first = Vec::new();
        export(&ledger, &mut first).expect("exports");
        let text = String::from_utf8_lossy(&first).to_string();
        assert!(
            text.lines().next().is_some_and(|h| h.ends_with(",adjusts")),
            "{text}"
        );
        assert!(text.contains("-61970000"), "{text}");
        let imported = Importer::new()
            .roster(&roster())
            .import(first.as_slice())
            .expect("imports");
        let mut second = Vec::new();
        export(&imported, &mut second).expect("exports");
        assert_eq!(second, first);
        assert_eq!(
            imported.pledge(&pid("DEU-fix-2")).and_then(|p| p.adjusts()),
            Some(AdjustmentBasis::Delivered)
        );
        // Without adjustments the table keeps its 21 columns.
        let mut plain = Vec::new();
        export(&fixtures::paris_summit(), &mut plain).expect("exports");
        let header = String::from_utf8_lossy(&plain)
            .lines()
            .next()
            .map(str::to_string);
        assert_eq!(header.map(|h| h.split(',').count()), Some(21));
    }
}
