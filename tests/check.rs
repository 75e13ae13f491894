//! Every diagnostic code fires on a ledger made for it and stays quiet on a
//! close variant; options change what is reported.

mod common;

use coalition_ledger::*;
use common::*;

fn options() -> CheckOptions {
    CheckOptions::new(d("2025-12-31"))
}

/// The findings of one code.
fn found(ledger: &Ledger, options: &CheckOptions, code: Code) -> Vec<(Severity, Subject, String)> {
    ledger
        .check(options)
        .with_code(code)
        .map(|d| (d.severity(), d.subject().clone(), d.message().to_string()))
        .collect()
}

fn pledge(id: &str) -> Subject {
    Subject::Pledge(pid(id))
}

/// A ledger whose pledges each cite a source and are dated, so that only the
/// rule under test fires.
fn base() -> Ledger {
    roster()
}

fn sourced(date: &str) -> Provenance {
    reported(date).cite(sid("src"))
}

#[test]
fn cl001_pledge_without_source() {
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)),
        reported("2025-01-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("B", "FRA", Estimate::Exact(2)),
        sourced("2025-01-01"),
    )
    .unwrap();
    let hits = found(&l, &options(), Code::NoSource);
    assert_eq!(
        hits,
        vec![(Severity::Warning, pledge("A"), "no source cited".into())]
    );
    // A later annotation with a source quiets it.
    l.annotate(
        &pid("A"),
        Provenance::new(Evidence::Reported).cite(sid("src")),
    )
    .unwrap();
    assert!(found(&l, &options(), Code::NoSource).is_empty());
}

#[test]
fn cl002_committed_but_only_unconfirmed() {
    let mut l = base();
    let unconfirmed = Provenance::new(Evidence::Unconfirmed)
        .on(d("2025-01-01"))
        .cite(sid("src"));
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)).with_stage(Stage::Committed),
        unconfirmed.clone(),
    )
    .unwrap();
    l.open_pledge(troops("B", "FRA", Estimate::Exact(2)), unconfirmed)
        .unwrap();
    assert_eq!(
        found(&l, &options(), Code::CommittedButUnconfirmed),
        vec![(
            Severity::Warning,
            pledge("A"),
            "committed but only ever unconfirmed".into()
        )]
    );
    l.annotate(
        &pid("A"),
        Provenance::new(Evidence::Reported).cite(sid("src")),
    )
    .unwrap();
    assert!(found(&l, &options(), Code::CommittedButUnconfirmed).is_empty());
}

#[test]
fn cl003_backstop_condition_without_backstop_pledge() {
    let mut l = base();
    let spec = troops("A", "FRA", Estimate::Exact(1))
        .with_condition(Condition::Backstop { by: mid("USA") });
    l.open_pledge(spec, sourced("2025-01-01")).unwrap();
    assert_eq!(
        found(&l, &options(), Code::BackstopWithoutPledge),
        vec![(
            Severity::Warning,
            pledge("A"),
            "conditional on a backstop by USA, which has no backstop pledge".into()
        )]
    );
    l.open_pledge(backstop("USA-b", "USA"), sourced("2025-01-02"))
        .unwrap();
    assert!(found(&l, &options(), Code::BackstopWithoutPledge).is_empty());
}

#[test]
fn cl004_dependency_cycle() {
    // A cycle can no longer be recorded (the closing entry is refused);
    // CL004 reports the ones in files written before that rule, tested in
    // the crate's unit tests through a ledger built under the old rules.
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("B"))),
        sourced("2025-01-01"),
    )
    .unwrap();
    let closing =
        troops("B", "GBR", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A")));
    assert!(matches!(
        l.open_pledge(closing, sourced("2025-01-01")),
        Err(Error::DependencyCycle { .. })
    ));
    assert!(found(&l, &options(), Code::DependencyCycle).is_empty());
    // A chain without a cycle is quiet.
    let mut chain = base();
    chain
        .open_pledge(
            troops("A", "FRA", Estimate::Exact(1)),
            sourced("2025-01-01"),
        )
        .unwrap();
    chain
        .open_pledge(
            troops("B", "GBR", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A"))),
            sourced("2025-01-01"),
        )
        .unwrap();
    assert!(found(&chain, &options(), Code::DependencyCycle).is_empty());
}

#[test]
fn cl005_missing_rate() {
    let mut l = base();
    let gbp = |v: &str| Estimate::Exact(Money::new(dec(v), Currency::GBP));
    l.open_pledge(funding("A", "GBR", gbp("5")), sourced("2025-01-01"))
        .unwrap();
    let rates = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    let with = |r: &FxRates| options().fx(r.clone());
    assert_eq!(
        found(&l, &with(&rates), Code::MissingRate),
        vec![(
            Severity::Warning,
            pledge("A"),
            "no exchange rate for GBP on 2025-01-01 into EUR".into()
        )]
    );
    assert!(
        found(&l, &options(), Code::MissingRate).is_empty(),
        "without rates the rule is off"
    );
    let rates = rates
        .with_rate(Currency::GBP, d("2024-12-31"), dec("1.2"))
        .unwrap();
    assert!(found(&l, &with(&rates), Code::MissingRate).is_empty());
}

#[test]
fn cl006_over_delivered() {
    let mut l = base();
    l.open_pledge(
        funding("DEU-mil-17", "DEU", Estimate::Exact(eur("50000000"))),
        sourced("2025-01-01"),
    )
    .unwrap();
    l.deliver(&pid("DEU-mil-17"), dec("61900000"), sourced("2025-06-01"))
        .unwrap();
    l.open_pledge(
        troops(
            "T",
            "FRA",
            Estimate::Range {
                low: 100,
                high: 200,
            },
        ),
        sourced("2025-01-01"),
    )
    .unwrap();
    l.deliver(&pid("T"), dec("200"), sourced("2025-06-01"))
        .unwrap();
    let report = l.check(&options());
    let line = report
        .with_code(Code::OverDelivered)
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        line,
        [
            "warning[CL006]: pledge DEU-mil-17: delivered EUR 61,900,000 exceeds pledged EUR 50,000,000"
        ]
    );
    l.deliver(&pid("T"), dec("1"), sourced("2025-06-02"))
        .unwrap();
    assert_eq!(found(&l, &options(), Code::OverDelivered).len(), 2);
    assert_eq!(
        found(&l, &options(), Code::OverDelivered)[1].2,
        "delivered 201 personnel exceeds pledged 200 personnel"
    );
}

#[test]
fn cl007_stale_with_threshold() {
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)),
        sourced("2025-01-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("B", "GBR", Estimate::Exact(1)).with_stage(Stage::Committed),
        sourced("2025-01-01"),
    )
    .unwrap();
    let hits = found(&l, &options(), Code::Stale);
    assert_eq!(
        hits,
        vec![(
            Severity::Info,
            pledge("A"),
            "announced 2025-01-01, 364 days before 2025-12-31, and never advanced".into()
        )]
    );
    assert!(
        found(&l, &options().stale_after_days(364), Code::Stale).is_empty(),
        "364 days is not more than 364"
    );
    assert_eq!(
        found(&l, &options().stale_after_days(363), Code::Stale).len(),
        1
    );
}

#[test]
fn cl008_probable_duplicate() {
    let mut l = base();
    for id in ["A", "B", "C"] {
        l.open_pledge(
            troops(id, "FRA", Estimate::Exact(500)),
            sourced("2025-03-01"),
        )
        .unwrap();
    }
    l.open_pledge(
        troops("D", "FRA", Estimate::Exact(501)),
        sourced("2025-03-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("E", "GBR", Estimate::Exact(500)),
        sourced("2025-03-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("F", "FRA", Estimate::Exact(500)),
        sourced("2025-03-02"),
    )
    .unwrap();
    assert_eq!(
        found(&l, &options(), Code::ProbableDuplicate),
        vec![
            (
                Severity::Warning,
                pledge("B"),
                "same member, kind, category, size, date, stage and delivered amount as A".into()
            ),
            (
                Severity::Warning,
                pledge("C"),
                "same member, kind, category, size, date, stage and delivered amount as A".into()
            ),
        ]
    );
}

/// Equal amounts are equal however they are written: CL008 groups pledges
/// by a hash of their key, which must not tell 5.0 from 5.00.
#[test]
fn cl008_equal_amounts_written_differently_are_duplicates() {
    let mut l = base();
    for (id, amount, delivered) in [
        ("A", "5000000", "100"),
        ("B", "5000000.0", "100.00"),
        ("C", "5000000.00", "100.0"),
        ("D", "5000000.000", "100.5"),
        ("E", "5000000.1", "100"),
    ] {
        l.open_pledge(
            funding(id, "DEU", Estimate::Exact(eur(amount))),
            sourced("2025-03-01"),
        )
        .unwrap();
        l.deliver(&pid(id), dec(delivered), sourced("2025-03-05"))
            .unwrap();
    }
    let subjects: Vec<_> = found(&l, &options(), Code::ProbableDuplicate)
        .into_iter()
        .map(|(_, subject, message)| (subject, message))
        .collect();
    let against_a = || "same member, kind, category, size, date, stage and delivered amount as A";
    assert_eq!(
        subjects,
        [
            (pledge("B"), against_a().to_string()),
            (pledge("C"), against_a().to_string()),
        ]
    );
}

#[test]
fn cl009_implausible_unit_value() {
    let mut l = base();
    let value = |v: &str| Some(Estimate::Exact(eur(v)));
    l.open_pledge(
        equipment(
            "AD",
            "DEU",
            "air-defence",
            Estimate::Exact(19),
            value("5000"),
        ),
        sourced("2025-01-01"),
    )
    .unwrap();
    l.open_pledge(
        equipment(
            "OK",
            "DEU",
            "air-defence",
            Estimate::Exact(2),
            value("2000000"),
        ),
        sourced("2025-01-01"),
    )
    .unwrap();
    let floor = options().min_unit_value(Category::new("air-defence").unwrap(), eur("100000"));
    assert_eq!(
        found(&l, &floor, Code::ImplausibleUnitValue),
        vec![(
            Severity::Warning,
            pledge("AD"),
            "at most about EUR 263.16 per unit of air-defence, below the floor of EUR 100,000"
                .into()
        )]
    );
    assert!(
        found(&l, &options(), Code::ImplausibleUnitValue).is_empty(),
        "no floor, no finding"
    );
}

#[test]
fn cl009_compares_currencies_through_rates() {
    let mut l = base();
    let value = Some(Estimate::Exact(Money::new(dec("50000"), Currency::GBP)));
    l.open_pledge(
        equipment("AD", "GBR", "air-defence", Estimate::Exact(1), value),
        sourced("2025-01-01"),
    )
    .unwrap();
    let rates = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(Currency::GBP, d("2025-01-01"), dec("1.2"))
        .unwrap();
    let opts = |floor: &str| {
        options()
            .fx(rates.clone())
            .min_unit_value(Category::new("air-defence").unwrap(), eur(floor))
    };
    assert_eq!(
        found(&l, &opts("60001"), Code::ImplausibleUnitValue).len(),
        1
    );
    assert!(found(&l, &opts("60000"), Code::ImplausibleUnitValue).is_empty());
}

#[test]
fn cl010_entry_after_the_reference_date() {
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)),
        sourced("2026-01-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("B", "FRA", Estimate::Exact(2)),
        sourced("2025-12-31"),
    )
    .unwrap();
    assert_eq!(
        found(&l, &options(), Code::FutureEntry),
        vec![(
            Severity::Warning,
            Subject::Entry(6),
            "dated 2026-01-01, after the reference date 2025-12-31".into()
        )]
    );
}

#[test]
fn cl011_member_without_pledges() {
    let mut l = base();
    for m in ["FRA", "GBR", "DEU"] {
        l.open_pledge(
            troops(&format!("{m}-1"), m, Estimate::Exact(1)),
            sourced("2025-01-01"),
        )
        .unwrap();
    }
    // UKR has no role; USA has no pledge: both are reported.
    let hits: Vec<Subject> = found(&l, &options(), Code::MemberWithoutPledges)
        .into_iter()
        .map(|h| h.1)
        .collect();
    assert_eq!(
        hits,
        vec![Subject::Member(mid("UKR")), Subject::Member(mid("USA"))]
    );
    l.add_member(Member::new(mid("KOR"), "Korea").with_role(Role::Beneficiary))
        .unwrap();
    l.open_pledge(backstop("USA-b", "USA"), sourced("2025-01-01"))
        .unwrap();
    let hits: Vec<Subject> = found(&l, &options(), Code::MemberWithoutPledges)
        .into_iter()
        .map(|h| h.1)
        .collect();
    assert_eq!(
        hits,
        vec![Subject::Member(mid("UKR"))],
        "beneficiaries are exempt"
    );
}

#[test]
fn cl012_out_of_order_and_cl013_undated() {
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)),
        sourced("2025-03-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("B", "FRA", Estimate::Exact(2)),
        sourced("2025-01-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("C", "FRA", Estimate::Exact(3)),
        Provenance::new(Evidence::Reported).cite(sid("src")),
    )
    .unwrap();
    l.open_pledge(
        troops("D", "FRA", Estimate::Exact(4)),
        sourced("2025-03-01"),
    )
    .unwrap();
    assert_eq!(
        found(&l, &options(), Code::OutOfOrder),
        vec![(
            Severity::Info,
            Subject::Entry(7),
            "dated 2025-01-01, before entry 6 (2025-03-01)".into()
        )]
    );
    assert_eq!(
        found(&l, &options(), Code::UndatedEntry),
        vec![(
            Severity::Info,
            Subject::Entry(8),
            "undated opening of pledge C".into()
        )]
    );
}

#[test]
fn cl014_condition_on_a_withdrawn_pledge() {
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)),
        sourced("2025-01-01"),
    )
    .unwrap();
    l.open_pledge(
        troops("B", "GBR", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A"))),
        sourced("2025-01-01"),
    )
    .unwrap();
    assert!(found(&l, &options(), Code::ConditionCannotHold).is_empty());
    l.withdraw(&pid("A"), "recalled", sourced("2025-02-01"))
        .unwrap();
    assert_eq!(
        found(&l, &options(), Code::ConditionCannotHold),
        vec![(
            Severity::Warning,
            pledge("B"),
            "depends on A, which is withdrawn".into()
        )]
    );
}

#[test]
fn options_disable_and_change_severity() {
    let mut l = base();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(1)),
        reported("2025-01-01"),
    )
    .unwrap();
    assert!(!l.check(&options()).has_errors());
    let raised = options().severity(Code::NoSource, Severity::Error);
    let report = l.check(&raised);
    assert!(report.has_errors());
    assert_eq!(report.count(Severity::Error), 1);
    let lowered = options().severity(Code::NoSource, Severity::Info);
    assert_eq!(found(&l, &lowered, Code::NoSource)[0].0, Severity::Info);
    let off = options().disable(Code::NoSource);
    assert!(found(&l, &off, Code::NoSource).is_empty());
    assert_eq!(
        found(&l, &off.enable(Code::NoSource), Code::NoSource).len(),
        1
    );
}

#[test]
fn every_code_is_documented_and_round_trips() {
    for (i, code) in Code::ALL.iter().enumerate() {
        assert_eq!(code.as_str(), format!("CL{:03}", i + 1));
        assert_eq!(code.as_str().parse::<Code>().ok(), Some(*code));
        assert!(!code.description().is_empty());
    }
}

#[test]
fn report_order_is_stable_and_prints_like_a_compiler() {
    let l = fixtures::paris_summit();
    let a = l.check(&options());
    let b = l.check(&options());
    assert_eq!(a, b);
    assert_eq!(a.to_string(), b.to_string());
    let codes: Vec<Code> = a.iter().map(Diagnostic::code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    assert!(
        a.to_string().ends_with("0 errors, 0 warnings, 6 infos\n"),
        "{a}"
    );
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains(r#""code":"CL011""#), "{json}");
}

#[test]
fn a_large_ledger_checks_without_quadratic_rules() {
    let mut l = base();
    let src = || Provenance::new(Evidence::Reported).cite(sid("src"));
    let members = ["FRA", "GBR", "DEU"];
    for i in 0..100_000u64 {
        let day = d("2024-01-01") + chrono::Days::new(i % 700);
        let spec = troops(
            &format!("P{i}"),
            members[(i % 3) as usize],
            Estimate::Exact(i % 50),
        );
        l.open_pledge(spec, src().on(day)).unwrap();
    }
    let report = l.check(&options());
    // Exact(i % 50) on day i % 700 from member i % 3 repeats every 2100 pledges.
    // A report lists MAX_DIAGNOSTICS_PER_CODE of a code and counts the rest.
    let listed = report.with_code(Code::ProbableDuplicate).count();
    assert_eq!(listed, coalition_ledger::limits::MAX_DIAGNOSTICS_PER_CODE);
    let duplicates = listed as u64 + report.omitted(Code::ProbableDuplicate);
    assert_eq!(duplicates, 100_000 - 2100);
    // The ones listed are the first in report order (by subject), not the
    // first found.
    let mut expected: Vec<String> = (2100..100_000).map(|i| format!("P{i}")).collect();
    expected.sort();
    expected.truncate(coalition_ledger::limits::MAX_DIAGNOSTICS_PER_CODE);
    let listed: Vec<String> = report
        .with_code(Code::ProbableDuplicate)
        .map(|d| match d.subject() {
            Subject::Pledge(id) => id.to_string(),
            other => panic!("a duplicate of {other:?}"),
        })
        .collect();
    assert_eq!(listed, expected);
}

#[cfg(feature = "testing")]
#[test]
fn a_generated_hundred_thousand_pledge_ledger_checks() {
    let ledger = coalition_ledger::testing::Generator::seeded(11)
        .pledges(100_000)
        .ledger()
        .expect("valid");
    let report = ledger.check(&options());
    // Every rule ran; the generator makes duplicates, stale pledges and over-deliveries.
    assert!(report.with_code(Code::Stale).count() > 0);
    assert!(report.with_code(Code::OverDelivered).count() > 0);
    assert!(
        !report.has_errors(),
        "the generator makes no dependency cycles"
    );
}

/// A delivery converts at its own date: money delivered on a day without a
/// usable rate is reported, as a delivered-basis value query fails there.
#[test]
fn cl005_names_a_delivery_without_a_rate() {
    let mut l = base();
    let gbp = |v: &str| Estimate::Exact(Money::new(dec(v), Currency::GBP));
    l.open_pledge(funding("A", "GBR", gbp("100")), sourced("2025-09-01"))
        .unwrap();
    let rates = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(Currency::GBP, d("2025-09-01"), dec("1.2"))
        .unwrap();
    let with = options().fx(rates.clone());
    assert!(found(&l, &with, Code::MissingRate).is_empty());
    l.deliver(&pid("A"), dec("50"), sourced("2025-10-15"))
        .unwrap();
    let delivery = l.len() as u64 - 1;
    assert_eq!(
        found(&l, &with, Code::MissingRate),
        vec![(
            Severity::Warning,
            pledge("A"),
            format!(
                "the delivery of 2025-10-15 (entry {delivery}): no exchange rate for GBP on 2025-10-15 into EUR"
            )
        )]
    );
    let value = Measure::Value {
        currency: Currency::EUR,
        fx: &rates,
    };
    assert!(
        l.query()
            .measure(value)
            .basis(Basis::Delivered)
            .run()
            .is_err()
    );
}

/// A voided pledge was recorded in error: a voided backstop leaves its
/// member without one (CL003), a member whose pledges are all voided has
/// none (CL011), and a voided adjustment adjusts nothing (CL016).
#[test]
fn voided_pledges_count_as_never_recorded() {
    let mut l = base();
    l.open_pledge(backstop("US-bs", "USA"), sourced("2025-01-01"))
        .unwrap();
    l.open_pledge(
        troops("F1", "FRA", Estimate::Exact(10))
            .with_condition(Condition::Backstop { by: mid("USA") }),
        sourced("2025-01-02"),
    )
    .unwrap();
    let fix = NewPledge::adjustment(
        pid("DEU-fix"),
        mid("DEU"),
        AdjustmentBasis::Pledged,
        Money::new(dec("-5"), Currency::EUR),
    );
    l.open_pledge(fix, sourced("2025-01-03")).unwrap();
    assert!(found(&l, &options(), Code::BackstopWithoutPledge).is_empty());
    assert_eq!(found(&l, &options(), Code::Adjustment).len(), 1);
    for voided in ["US-bs", "DEU-fix"] {
        l.record(
            Action::Void {
                pledge: pid(voided),
                reason: "imported twice".into(),
            },
            sourced("2025-02-01"),
        )
        .unwrap();
    }
    assert_eq!(
        found(&l, &options(), Code::BackstopWithoutPledge),
        vec![(
            Severity::Warning,
            pledge("F1"),
            "conditional on a backstop by USA, which has no backstop pledge".into()
        )]
    );
    assert!(found(&l, &options(), Code::Adjustment).is_empty());
    let no_pledges: Vec<(Subject, String)> = found(&l, &options(), Code::MemberWithoutPledges)
        .into_iter()
        .map(|(_, subject, message)| (subject, message))
        .collect();
    assert!(
        no_pledges.contains(&(
            Subject::Member(mid("USA")),
            "no pledges (only voided ones)".to_string()
        )),
        "{no_pledges:?}"
    );
    assert!(
        !no_pledges
            .iter()
            .any(|(s, _)| *s == Subject::Member(mid("FRA"))),
        "{no_pledges:?}"
    );
}

/// An adjustment has no delivery to compare with what it pledged: CL006
/// leaves it to CL016, whatever its sign.
#[test]
fn cl006_leaves_adjustments_alone() {
    let mut l = base();
    for (id, basis) in [
        ("ADJ-p", AdjustmentBasis::Pledged),
        ("ADJ-d", AdjustmentBasis::Delivered),
    ] {
        let fix = NewPledge::adjustment(
            pid(id),
            mid("FRA"),
            basis,
            Money::new(dec("-5"), Currency::EUR),
        );
        l.open_pledge(fix, sourced("2025-09-02")).unwrap();
    }
    assert!(found(&l, &options(), Code::OverDelivered).is_empty());
    assert_eq!(found(&l, &options(), Code::Adjustment).len(), 2);
}

/// CL009 compares the value's high bound with `floor × units`. Here the
/// exact product, 8.0000000000000000000000000001, needs 29 significant
/// digits; `Decimal::checked_mul` rounds it to 8, so a value of EUR 8 for
/// 3 units (EUR 2.666… each, below the floor) is not reported.
#[test]
fn cl009_is_not_fooled_by_a_rounded_floor_product() -> Result<()> {
    let mut ledger = roster();
    let value = Some(Estimate::Exact(eur("8")));
    ledger.open_pledge(
        equipment("AD", "DEU", "air-defence", Estimate::Exact(3), value),
        reported("2025-01-01"),
    )?;
    let floor = eur("2.6666666666666666666666666667");
    let options =
        CheckOptions::new(d("2025-12-31")).min_unit_value(Category::new("air-defence")?, floor);
    let report = ledger.check(&options);
    let cl009: Vec<String> = report
        .iter()
        .filter(|diag| diag.code() == Code::ImplausibleUnitValue)
        .map(|diag| diag.to_string())
        .collect();
    assert_eq!(
        cl009.len(),
        1,
        "EUR 8 for 3 units is below 3 × EUR 2.6666666666666666666666666667; found {cl009:?}"
    );
    Ok(())
}

/// CL009 decides "below the floor" exactly, whatever digits `floor ×
/// units` needs: 3 × EUR 2.6666666666666666666666666669 is exactly
/// 8.0000000000000000000000000007, so EUR 8.000000000000000000000000001
/// for 3 units is above it and not reported, while EUR 8 is below it. The
/// product was rounded to the nearest and one more digit up, which made
/// the first reported too.
#[test]
fn cl009_compares_with_the_exact_product() -> Result<()> {
    // 3 × 2.6666666666666666666666666666 is 7.9999999999999999999999999998.
    for (floor, value, reported_count) in [
        (
            "2.6666666666666666666666666669",
            "8.000000000000000000000000001",
            0,
        ),
        ("2.6666666666666666666666666669", "8", 1),
        ("2.6666666666666666666666666666", "8", 0),
        (
            "2.6666666666666666666666666666",
            "7.999999999999999999999999999",
            1,
        ),
    ] {
        let floor = eur(floor);
        let mut ledger = roster();
        let estimate = Some(Estimate::Exact(eur(value)));
        ledger.open_pledge(
            equipment("AD", "DEU", "air-defence", Estimate::Exact(3), estimate),
            reported("2025-01-01"),
        )?;
        let options =
            CheckOptions::new(d("2025-12-31")).min_unit_value(Category::new("air-defence")?, floor);
        let report = ledger.check(&options);
        let cl009 = report
            .iter()
            .filter(|diag| diag.code() == Code::ImplausibleUnitValue)
            .count();
        assert_eq!(cl009, reported_count, "EUR {value} for 3 units at {floor}");
    }
    Ok(())
}

/// `Report`'s `Display` is "one line per diagnostic"; a void reason with a
/// line break prints a second line that reads as a diagnostic of its own.
#[test]
fn a_printed_report_has_one_line_per_diagnostic() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(100)),
        reported("2025-01-01"),
    )?;
    l.record(
        Action::Void {
            pledge: pid("FRA-1"),
            reason: "typo\nerror[CL006]: pledge GBR-1: delivered 900 exceeds pledged 100".into(),
        },
        verified("2025-02-01"),
    )?;
    let report = l.check(&CheckOptions::new(d("2025-12-31")));
    let text = report.to_string();
    let lines = text.lines().count();
    // One line per diagnostic, then the summary line.
    assert_eq!(lines, report.len() + 1, "{text}");
    Ok(())
}

/// The summary line counts in the singular when it counts one:
/// `1 warning`, not `1 warnings`.
#[test]
fn the_summary_counts_one_in_the_singular() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(100)),
        reported("2025-01-01"),
    )?;
    let report = l.check(&options());
    // One warning: the pledge cites no source.
    assert_eq!(report.count(Severity::Warning), 1, "{report}");
    let summary = report.to_string();
    let last = summary.lines().last().unwrap_or_default();
    assert!(last.starts_with("0 errors, 1 warning, "), "{summary}");
    Ok(())
}

/// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are not control
/// characters, yet Python's `str.splitlines`, JavaScript and editors break
/// a line there: a void reason holding `\u{2028}error[CL006]: ...` printed
/// a report that, read line by line, held a forged diagnostic under `0
/// errors`. The changes summary, one line per change, likewise.
#[test]
fn a_unicode_line_separator_in_a_reason_stays_escaped() -> Result<()> {
    let forged = "error[CL006]: pledge GBR-1: delivered 900 exceeds pledged 100";
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(100)),
        reported("2025-01-01"),
    )?;
    l.record(
        Action::Void {
            pledge: pid("FRA-1"),
            reason: format!("typo\u{2028}{forged}").into(),
        },
        verified("2025-02-01"),
    )?;
    let report = l.check(&CheckOptions::new(d("2025-12-31")));
    let text = report.to_string();
    assert!(
        !text.contains(['\u{2028}', '\u{2029}']),
        "a printed report holds a Unicode line separator, so a reader splitting lines sees a forged `{forged}`:\n{text:?}"
    );

    // The changes summary, one line per change, likewise.
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(100)),
        reported("2025-01-01"),
    )?;
    l.withdraw(
        &pid("FRA-1"),
        "no ceasefire\u{2029}  2025-03-01  GBR-1 (GBR): new pledge",
        verified("2025-02-01"),
    )?;
    let text = l.changes(d("2025-01-15"), d("2025-12-31"))?.to_string();
    assert!(
        !text.contains(['\u{2028}', '\u{2029}']),
        "a printed changes summary holds a Unicode paragraph separator:\n{text:?}"
    );
    Ok(())
}

/// A format-version-1 document whose pledge id holds U+2028 followed by a
/// forged diagnostic: version 1's id rules refused only control
/// characters, and such a file keeps loading.
fn legacy_ledger_with_a_separator_in_an_id() -> Ledger {
    let text = r#"{"format":"coalition-ledger","version":1,
"members":[{"id":"FRA","name":"France"}],
"sources":[],
"entries":[{"date":"2025-01-01","evidence":"reported","action":{"pledge":{"id":"P\u2028error[CL006]: forged","member":"FRA","contribution":{"troops":{"personnel":{"exact":10}}},"stage":"announced"}}}]}"#;
    coalition_ledger::io::json::from_str(text).expect("version 1 accepted the id")
}

/// The id a diagnostic is about is kept on its line too: only the message
/// was escaped, so a legacy id holding U+2028 printed a forged line.
#[test]
fn a_report_escapes_a_line_separator_in_a_legacy_id() {
    let ledger = legacy_ledger_with_a_separator_in_an_id();
    let report = ledger.check(&CheckOptions::new(d("2025-12-31")));
    let text = report.to_string();
    assert!(
        text.contains("pledge P\\u{2028}error[CL006]: forged"),
        "{text:?}"
    );
    assert!(!text.contains(['\u{2028}', '\u{2029}']), "{text:?}");
}

/// Likewise the printed changes summary: each line is `period pledge
/// (member): what`, and only `what` was escaped.
#[test]
fn a_changes_summary_escapes_a_line_separator_in_a_legacy_id() -> Result<()> {
    let ledger = legacy_ledger_with_a_separator_in_an_id();
    let text = ledger
        .changes(d("2024-12-31"), d("2025-12-31"))?
        .to_string();
    assert!(
        text.contains("P\\u{2028}error[CL006]: forged (FRA)"),
        "{text:?}"
    );
    assert!(!text.contains(['\u{2028}', '\u{2029}']), "{text:?}");
    Ok(())
}
