//! Aggregation: hand-computed expectations for every dimension, measure and
//! basis; scenarios; currency conversion; as-of totals.

mod common;

use coalition_ledger::*;
use common::*;

/// The small ledger every test here starts from (see the module tests for the
/// hand-computed figures).
fn sample() -> Ledger {
    let mut l = roster();
    let ok = |r: Result<Recorded>| r.expect("the sample is valid");
    ok(l.open_pledge(
        troops("T1", "FRA", Estimate::Exact(1000)).with_stage(Stage::Committed),
        verified("2025-01-15"),
    ));
    ok(l.open_pledge(
        troops(
            "T2",
            "GBR",
            Estimate::Range {
                low: 500,
                high: 1500,
            },
        )
        .with_condition(Condition::Ceasefire),
        reported("2025-02-20"),
    ));
    ok(l.open_pledge(
        troops("T3", "DEU", Estimate::AtLeast(200)).with_stage(Stage::Considering),
        Provenance::new(Evidence::Unconfirmed).on(d("2024-12-01")),
    ));
    ok(l.open_pledge(
        troops("T4", "FRA", Estimate::Unspecified),
        Provenance::new(Evidence::Unconfirmed),
    ));
    ok(l.open_pledge(
        equipment(
            "E1",
            "DEU",
            "air-defence",
            Estimate::Exact(4),
            Some(Estimate::Exact(eur("100"))),
        )
        .with_stage(Stage::Committed),
        verified("2025-01-20"),
    ));
    ok(l.open_pledge(
        funding(
            "F1",
            "GBR",
            Estimate::Exact(Money::new(dec("50"), Currency::GBP)),
        )
        .with_stage(Stage::Committed),
        reported("2025-02-01"),
    ));
    ok(l.open_pledge(
        funding(
            "F2",
            "FRA",
            Estimate::Range {
                low: eur("10"),
                high: eur("30"),
            },
        )
        .with_condition(Condition::DependsOn(pid("T1"))),
        reported("2025-01-05"),
    ));
    ok(l.open_pledge(backstop("B1", "USA"), reported("2025-01-01")));
    ok(l.open_pledge(
        troops("W1", "DEU", Estimate::Exact(300)),
        reported("2025-01-02"),
    ));
    ok(l.withdraw(&pid("W1"), "cabinet fell", reported("2025-02-02")));
    ok(l.deliver(&pid("T1"), dec("400"), verified("2025-02-10")));
    ok(l.deliver(&pid("E1"), dec("1"), verified("2025-03-01")));
    ok(l.deliver(&pid("F1"), dec("20"), reported("2025-03-05")));
    l
}

fn fx(policy: RatePolicy) -> FxRates {
    FxRates::new(Currency::EUR, policy)
        .with_rate(Currency::GBP, d("2025-01-01"), dec("1.2"))
        .expect("valid rate")
}

/// A total as a comparable tuple: low, high, count, unspecified.
type Parts = (Decimal, Option<Decimal>, u64, u64);

fn total(
    low: &str,
    high: Option<&str>,
    count: u64,
    unspecified: u64,
) -> (Decimal, Option<Decimal>, u64, u64) {
    (dec(low), high.map(dec), count, unspecified)
}

fn parts(t: &Total) -> Parts {
    (t.low(), t.high(), t.count(), t.unspecified())
}

fn rows(table: &Table) -> Vec<(String, Parts)> {
    table
        .rows()
        .map(|r| {
            (
                r.keys()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("/"),
                parts(r.total()),
            )
        })
        .collect()
}

fn personnel_by(dimension: Dimension) -> Table {
    sample()
        .query()
        .group_by([dimension])
        .measure(Measure::Personnel)
        .run()
        .expect("runs")
}

#[test]
fn personnel_grand_total_keeps_open_bounds_and_unspecified() {
    let table = personnel_by(Dimension::Member);
    // T1 1000 + T2 500..1500 + T3 >=200 + T4 unspecified; W1 withdrawn.
    assert_eq!(parts(table.total()), total("1700", None, 4, 1));
    assert!(!table.is_overlapping());
}

#[test]
fn by_member() {
    assert_eq!(
        rows(&personnel_by(Dimension::Member)),
        vec![
            ("DEU".into(), total("200", None, 1, 0)),
            // T4's size is unspecified: no upper bound.
            ("FRA".into(), total("1000", None, 2, 1)),
            ("GBR".into(), total("500", Some("1500"), 1, 0)),
        ]
    );
}

#[test]
fn by_group_overlaps_and_says_so() {
    let table = personnel_by(Dimension::Group);
    assert_eq!(
        rows(&table),
        vec![
            ("EU".into(), total("1200", None, 3, 1)),
            ("NATO".into(), total("1700", None, 4, 1))
        ]
    );
    assert!(table.is_overlapping());
    assert!(
        table
            .to_string()
            .contains("rows add up to more than the total")
    );
}

#[test]
fn members_without_a_group_have_their_own_row() {
    let mut l = sample();
    l.open_pledge(
        troops("U1", "UKR", Estimate::Exact(7)),
        reported("2025-01-01"),
    )
    .expect("opens");
    let table = l
        .query()
        .group_by([Dimension::Group])
        .measure(Measure::Personnel)
        .run()
        .expect("runs");
    assert_eq!(
        rows(&table).first(),
        Some(&("(no group)".to_string(), total("7", Some("7"), 1, 0)))
    );
}

#[test]
fn by_stage_evidence_year_month_and_conditional() {
    assert_eq!(
        rows(&personnel_by(Dimension::Stage)),
        vec![
            ("considering".into(), total("200", None, 1, 0)),
            ("announced".into(), total("500", None, 2, 1)),
            ("committed".into(), total("1000", Some("1000"), 1, 0)),
        ]
    );
    assert_eq!(
        rows(&personnel_by(Dimension::Evidence)),
        vec![
            ("unconfirmed".into(), total("200", None, 2, 1)),
            ("reported".into(), total("500", Some("1500"), 1, 0)),
            ("verified".into(), total("1000", Some("1000"), 1, 0)),
        ]
    );
    assert_eq!(
        rows(&personnel_by(Dimension::Year)),
        vec![
            ("undated".into(), total("0", None, 1, 1)),
            ("2024".into(), total("200", None, 1, 0)),
            ("2025".into(), total("1500", Some("2500"), 2, 0)),
        ]
    );
    assert_eq!(
        rows(&personnel_by(Dimension::Month)),
        vec![
            ("undated".into(), total("0", None, 1, 1)),
            ("2024-12".into(), total("200", None, 1, 0)),
            ("2025-01".into(), total("1000", Some("1000"), 1, 0)),
            ("2025-02".into(), total("500", Some("1500"), 1, 0)),
        ]
    );
    assert_eq!(
        rows(&personnel_by(Dimension::Conditional)),
        vec![
            ("firm".into(), total("1200", None, 3, 1)),
            ("conditional".into(), total("500", Some("1500"), 1, 0))
        ]
    );
}

#[test]
fn count_by_kind_and_category() {
    let l = sample();
    let by_kind = l.query().group_by([Dimension::Kind]).run().expect("runs");
    assert_eq!(
        rows(&by_kind),
        vec![
            ("troops".into(), total("4", Some("4"), 4, 0)),
            ("equipment".into(), total("1", Some("1"), 1, 0)),
            ("funding".into(), total("2", Some("2"), 2, 0)),
            ("backstop".into(), total("1", Some("1"), 1, 0)),
        ]
    );
    let by_category = l
        .query()
        .group_by([Dimension::Category])
        .run()
        .expect("runs");
    assert_eq!(
        rows(&by_category),
        vec![
            ("(none)".into(), total("7", Some("7"), 7, 0)),
            ("air-defence".into(), total("1", Some("1"), 1, 0))
        ]
    );
    let with_withdrawn = l.query().include_withdrawn(true).run().expect("runs");
    assert_eq!(with_withdrawn.total().count(), 9);
}

#[test]
fn two_dimensions_make_ordered_rows() {
    let table = sample()
        .query()
        .group_by([Dimension::Member, Dimension::Kind])
        .run()
        .expect("runs");
    let keys: Vec<String> = rows(&table).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "DEU/troops",
            "DEU/equipment",
            "FRA/troops",
            "FRA/funding",
            "GBR/troops",
            "GBR/funding",
            "USA/backstop"
        ]
    );
    let text = table.to_string();
    assert!(text.starts_with("member  kind"), "{text}");
    assert!(text.contains("TOTAL"));
}

#[test]
fn units_on_every_basis() {
    let l = sample();
    let units = |basis| {
        parts(
            l.query()
                .measure(Measure::Units)
                .basis(basis)
                .run()
                .expect("runs")
                .total(),
        )
    };
    assert_eq!(units(Basis::Pledged), total("4", Some("4"), 1, 0));
    assert_eq!(units(Basis::Delivered), total("1", Some("1"), 1, 0));
    assert_eq!(units(Basis::Outstanding), total("3", Some("3"), 1, 0));
}

#[test]
fn personnel_delivered_and_outstanding() {
    let l = sample();
    let personnel = |basis| {
        parts(
            l.query()
                .measure(Measure::Personnel)
                .basis(basis)
                .run()
                .expect("runs")
                .total(),
        )
    };
    assert_eq!(personnel(Basis::Delivered), total("400", Some("400"), 4, 0));
    // T1 600 + T2 500..1500 + T3 >=200 + T4 unspecified.
    assert_eq!(personnel(Basis::Outstanding), total("1300", None, 4, 1));
}

#[test]
fn value_in_eur_on_every_basis() {
    let l = sample();
    let rates = fx(RatePolicy::LatestOnOrBefore);
    let value = |basis| {
        let measure = Measure::Value {
            currency: Currency::EUR,
            fx: &rates,
        };
        parts(
            l.query()
                .measure(measure)
                .basis(basis)
                .run()
                .expect("runs")
                .total(),
        )
    };
    // E1 100 EUR + F1 50 GBP x 1.2 + F2 10..30 EUR.
    assert_eq!(value(Basis::Pledged), total("170", Some("190"), 3, 0));
    // E1 100 x 1/4 + F1 20 GBP x 1.2 + F2 0.
    assert_eq!(value(Basis::Delivered), total("49", Some("49"), 3, 0));
    assert_eq!(value(Basis::Outstanding), total("121", Some("141"), 3, 0));
}

#[test]
fn rate_on_date_versus_latest_before() {
    let l = sample();
    let on_date = fx(RatePolicy::OnDate);
    let measure = Measure::Value {
        currency: Currency::EUR,
        fx: &on_date,
    };
    let err = l
        .query()
        .measure(measure)
        .run()
        .expect_err("no GBP rate on 2025-02-01");
    // The error names the pledge it could not value.
    assert_eq!(
        err,
        Error::InPledge {
            pledge: "F1".into(),
            error: Box::new(Error::MissingRate {
                currency: "GBP".into(),
                base: "EUR".into(),
                date: d("2025-02-01")
            })
        }
    );
    assert_eq!(
        err.to_string(),
        "pledge `F1`: no exchange rate for GBP on 2025-02-01 into EUR"
    );

    let with_day = on_date
        .with_rate(Currency::GBP, d("2025-02-01"), dec("1.1"))
        .expect("valid");
    let measure = Measure::Value {
        currency: Currency::EUR,
        fx: &with_day,
    };
    let table = l.query().measure(measure).run().expect("runs");
    assert_eq!(parts(table.total()), total("165", Some("185"), 3, 0));
}

#[test]
fn value_needs_rates_into_the_requested_currency() {
    let l = sample();
    let rates = fx(RatePolicy::LatestOnOrBefore);
    let err = l
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &rates,
        })
        .run()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "query: invalid currency: the rates convert into EUR, not USD"
    );
}

#[test]
fn undated_money_cannot_be_converted() {
    let mut l = roster();
    l.open_pledge(
        funding(
            "U",
            "GBR",
            Estimate::Exact(Money::new(dec("5"), Currency::GBP)),
        ),
        Provenance::new(Evidence::Reported),
    )
    .expect("opens");
    let rates = fx(RatePolicy::LatestOnOrBefore);
    let err = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &rates,
        })
        .run()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot convert GBP for pledge `U`: the amount has no date"
    );
}

#[test]
fn filters_combine() {
    let l = sample();
    let count = |q: Query<'_>| q.run().expect("runs").total().count();
    assert_eq!(count(l.query().kind(Kind::Troops).kind(Kind::Funding)), 6);
    assert_eq!(count(l.query().member(&mid("FRA"))), 3);
    assert_eq!(count(l.query().group(&gid("EU"))), 5);
    assert_eq!(count(l.query().stage_at_least(Stage::Committed)), 3);
    assert_eq!(count(l.query().stage_at_most(Stage::Considering)), 1);
    assert_eq!(count(l.query().evidence_at_least(Evidence::Verified)), 2);
    assert_eq!(
        count(
            l.query()
                .category(&Category::new("air-defence").expect("valid"))
        ),
        1
    );
    assert_eq!(count(l.query().member(&mid("FRA")).kind(Kind::Funding)), 1);
    let err = l.query().member(&mid("XYZ")).run().unwrap_err();
    assert_eq!(err.to_string(), "unknown member `XYZ`");
}

#[test]
fn scenarios_drop_pledges_whose_conditions_fail() {
    let l = sample();
    let personnel = |s: &Scenario| {
        parts(
            l.query()
                .scenario(s)
                .measure(Measure::Personnel)
                .run()
                .expect("runs")
                .total(),
        )
    };
    assert_eq!(
        personnel(&Scenario::new().fails(Condition::Ceasefire)),
        total("1200", None, 3, 1)
    );
    assert_eq!(
        personnel(&Scenario::new().holds(Condition::Ceasefire)),
        total("1700", None, 4, 1)
    );
    assert_eq!(personnel(&Scenario::firm_only()), total("1200", None, 3, 1));
    let firm = l
        .query()
        .scenario(&Scenario::new().holds(Condition::Ceasefire))
        .group_by([Dimension::Conditional])
        .measure(Measure::Personnel)
        .run()
        .expect("runs");
    assert_eq!(
        rows(&firm),
        vec![("firm".into(), total("1700", None, 4, 1))]
    );
}

#[test]
fn depends_on_propagates_through_a_chain() {
    let mut l = roster();
    let vote = Condition::Named("Bundestag vote".into());
    l.open_pledge(
        troops("A", "DEU", Estimate::Exact(1)).with_condition(vote.clone()),
        reported("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        troops("B", "FRA", Estimate::Exact(10)).with_condition(Condition::DependsOn(pid("A"))),
        reported("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        troops("C", "GBR", Estimate::Exact(100)).with_condition(Condition::DependsOn(pid("B"))),
        reported("2025-01-01"),
    )
    .expect("opens");
    let sum = |l: &Ledger, s: &Scenario| {
        l.query()
            .scenario(s)
            .measure(Measure::Personnel)
            .run()
            .expect("runs")
            .total()
            .low()
    };
    assert_eq!(sum(&l, &Scenario::new()), dec("111"));
    assert_eq!(sum(&l, &Scenario::new().fails(vote.clone())), dec("0"));
    assert_eq!(
        sum(&l, &Scenario::new().fails(Condition::DependsOn(pid("B")))),
        dec("1"),
        "saying B fails removes B and C, which depends on it"
    );
    assert_eq!(sum(&l, &Scenario::firm_only()), dec("0"));
    assert_eq!(sum(&l, &Scenario::firm_only().holds(vote)), dec("111"));
    l.withdraw(&pid("A"), "vote lost", reported("2025-02-01"))
        .expect("withdraws");
    assert_eq!(
        sum(&l, &Scenario::new()),
        dec("0"),
        "a withdrawn dependency fails its dependants"
    );
}

#[test]
fn the_entry_closing_a_dependency_cycle_is_refused_naming_it() {
    let mut l = roster();
    l.open_pledge(
        troops("A", "DEU", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("B"))),
        reported("2025-01-01"),
    )
    .expect("a forward reference is allowed");
    let before = l.clone();
    let err = l
        .open_pledge(
            troops("B", "FRA", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A"))),
            reported("2025-01-01"),
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::DependencyCycle {
            cycle: vec!["B".into(), "A".into(), "B".into()],
            length: 2,
        }
    );
    assert_eq!(
        err.to_string(),
        "dependency cycle of 2 pledges: B -> A -> B"
    );
    assert_eq!(l, before, "the refused entry changed nothing");
    // Queries on the rest keep working.
    assert_eq!(l.query().run().expect("runs").total().count(), 1);
}

#[test]
fn backstop_conditions_are_derived_from_the_ledger() {
    let mut l = roster();
    let on_us = Condition::Backstop { by: mid("USA") };
    l.open_pledge(
        troops("P", "FRA", Estimate::Exact(5000)).with_condition(on_us.clone()),
        reported("2025-01-01"),
    )
    .expect("opens");
    let counted = |l: &Ledger| {
        l.query()
            .measure(Measure::Personnel)
            .run()
            .expect("runs")
            .total()
            .low()
    };
    let firm = |l: &Ledger| {
        l.query()
            .scenario(&Scenario::firm_only())
            .measure(Measure::Personnel)
            .run()
            .expect("runs")
            .total()
            .low()
    };
    assert_eq!(
        counted(&l),
        dec("5000"),
        "no US backstop pledge known: the condition is unknown, not failed"
    );
    assert_eq!(firm(&l), dec("0"));
    l.open_pledge(backstop("USA-b", "USA"), reported("2025-02-01"))
        .expect("opens");
    assert_eq!(
        counted(&l),
        dec("5000"),
        "an announced backstop leaves the condition unknown"
    );
    assert_eq!(firm(&l), dec("0"));
    l.advance(&pid("USA-b"), Stage::Committed, verified("2025-03-01"))
        .expect("commits");
    assert_eq!(firm(&l), dec("5000"), "a committed backstop makes it hold");
    // As of before the commitment, the derived condition is only unknown.
    let before = l
        .query()
        .as_of(d("2025-02-15"))
        .scenario(&Scenario::firm_only())
        .measure(Measure::Personnel)
        .run()
        .expect("runs");
    assert_eq!(before.total().low(), dec("0"));
    assert_eq!(counted(&l), dec("5000"));
    let stated = Scenario::new().fails(on_us);
    assert_eq!(
        l.query()
            .scenario(&stated)
            .measure(Measure::Personnel)
            .run()
            .expect("runs")
            .total()
            .low(),
        dec("0")
    );
}

#[test]
fn as_of_totals_before_and_after_a_withdrawal_and_a_correction() {
    let mut l = sample();
    l.correct_delivery(&pid("T1"), dec("-100"), verified("2025-03-10"))
        .expect("corrects");
    let personnel = |date: &str, basis| {
        *l.query()
            .as_of(d(date))
            .measure(Measure::Personnel)
            .basis(basis)
            .run()
            .expect("runs")
            .total()
    };
    // W1 (300) stands until it is withdrawn on 2025-02-02; T4 is undated and left out.
    assert_eq!(
        parts(&personnel("2025-01-31", Basis::Pledged)),
        total("1500", None, 3, 0)
    );
    assert_eq!(
        parts(&personnel("2025-02-28", Basis::Pledged)),
        total("1700", None, 3, 0)
    );
    assert_eq!(personnel("2025-03-01", Basis::Delivered).low(), dec("400"));
    assert_eq!(personnel("2025-03-31", Basis::Delivered).low(), dec("300"));
}

#[test]
fn coverage_buckets_by_firmness() {
    let l = sample();
    let coverage = l.query().coverage(&Target::personnel(2000)).expect("runs");
    assert_eq!(parts(coverage.firm()), total("1000", Some("1000"), 1, 0));
    assert_eq!(parts(coverage.likely()), total("0", None, 1, 1));
    assert_eq!(
        parts(coverage.conditional()),
        total("500", Some("1500"), 1, 0)
    );
    assert_eq!(parts(coverage.possible()), total("200", None, 1, 0));
    assert_eq!(parts(coverage.gap()), total("1000", Some("1000"), 1, 0));
    assert_eq!(
        (
            coverage.gap_after_all().low(),
            coverage.gap_after_all().high()
        ),
        (dec("0"), Some(dec("300")))
    );
    let text = coverage.to_string();
    assert!(text.starts_with("target: 2,000 personnel"), "{text}");

    let rates = fx(RatePolicy::LatestOnOrBefore);
    let money = l
        .query()
        .coverage(&Target::value(eur("1000"), &rates))
        .expect("runs");
    // E1 100 verified committed; F1 60 reported committed; F2 10..30 announced,
    // and its one condition (T1 stands) holds, so it is not conditional.
    assert_eq!(parts(money.firm()), total("100", Some("100"), 1, 0));
    assert_eq!(parts(money.likely()), total("70", Some("90"), 2, 0));
    assert_eq!(parts(money.conditional()), total("0", Some("0"), 0, 0));
}

#[test]
fn tables_serialize_deterministically() {
    let l = sample();
    let run = || {
        l.query()
            .group_by([Dimension::Member, Dimension::Stage])
            .measure(Measure::Personnel)
            .run()
            .expect("runs")
    };
    let json = serde_json::to_string(&run()).expect("serializes");
    assert_eq!(json, serde_json::to_string(&run()).expect("serializes"));
    assert!(json.contains(r#""keys":[{"member":"FRA"},{"stage":"committed"}],"total":{"low":"1000","high":"1000","count":1,"unspecified":0,"rounded":false}"#), "{json}");
    assert!(json.contains(r#""high":null"#));
    assert_eq!(run().to_string(), run().to_string());
}

/// Answers and their options are plain values: `Eq` (and so usable as keys
/// and in `T: Eq` bounds), as `Table`, `Total`, `Coverage` and `Report` are.
#[test]
fn answers_and_options_are_eq() {
    fn eq<T: Eq>() {}
    eq::<Table>();
    eq::<Coverage>();
    eq::<Report>();
    eq::<CheckOptions>();
    eq::<Measure<'static>>();
    eq::<Target<'static>>();
    eq::<Changes>();
    eq::<ChangeRow>();
    eq::<Change>();
    eq::<ChangeKind>();
    eq::<RunningTotals>();
    eq::<coalition_ledger::Period>();
    eq::<RelativeTable>();
    eq::<RelativeRow>();
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let value = Measure::Value {
        currency: Currency::EUR,
        fx: &fx,
    };
    assert_eq!(value, value);
    assert_ne!(value, Measure::Personnel);
}

/// EUR 100 pledged, rates EUR per USD 3, cross rates allowed.
fn cross_rate_ledger() -> Result<(Ledger, FxRates)> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("100"))),
        reported("2025-09-01"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(Currency::USD, d("2025-09-01"), dec("3"))?
        .with_cross_rates(true);
    Ok((ledger, fx))
}

/// The coverage of a USD target by a EUR pledge (USD 33.33…, rounded
/// outward by the cross rate) is an answer with a rounded gap, as
/// `gap` promises ("A covered total with a rounded bound leaves the gap
/// rounded too"), not an overflow error on a four-digit target.
#[test]
fn coverage_of_a_cross_rate_total_is_not_an_overflow() -> Result<()> {
    let (ledger, fx) = cross_rate_ledger()?;
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &fx,
        })
        .run()?;
    assert!(table.total().is_rounded()); // the query itself answers
    let coverage = ledger
        .query()
        .coverage(&Target::value(Money::new(dec("1000"), Currency::USD), &fx));
    let coverage = coverage.expect("coverage of USD 1,000 by USD 33.33…");
    // The pledge is announced, not firm: the gap after firm pledges is the
    // whole target, exactly; the gap after all of them is rounded.
    assert_eq!(coverage.gap().low(), dec("1000"));
    assert!(!coverage.gap().is_rounded());
    let gap = coverage.gap_after_all();
    assert!(gap.is_rounded());
    assert!(gap.low() <= dec("966.67") && gap.high().is_some_and(|h| h >= dec("966.66")));
    Ok(())
}

/// A cross rate divides; a coverage whose bucket was rounded by that
/// division must say so when printed, as a printed table does ("a
/// division (an equipment value's share, an inverse or cross rate, a
/// deflator) was rounded outward").
#[test]
fn printed_coverage_says_a_division_was_rounded() -> Result<()> {
    let (ledger, fx) = cross_rate_ledger()?;
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &fx,
        })
        .run()?;
    assert!(table.to_string().contains("was rounded outward"), "{table}");
    // A target of USD 34, so that the gap's subtraction fits.
    let coverage = ledger
        .query()
        .coverage(&Target::value(Money::new(dec("34"), Currency::USD), &fx))?;
    assert!(coverage.firm().is_rounded() || coverage.likely().is_rounded());
    let printed = coverage.to_string();
    assert!(
        printed.contains("was rounded outward"),
        "a bucket was rounded by a division and the printed coverage does not say so:\n{printed}"
    );
    Ok(())
}

/// "What stands if the US backstop fails?": the US backstop pledge
/// itself, and a pledge that depends on it by id, still count as firm.
#[test]
fn us_backstop_failing_does_not_leave_its_dependants_firm() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        backstop("USA-B", "USA").with_stage(Stage::Committed),
        verified("2025-09-04"),
    )?;
    l.open_pledge(
        troops("FRA-T", "FRA", Estimate::Exact(2_000))
            .with_stage(Stage::Committed)
            .with_condition(Condition::DependsOn(pid("USA-B"))),
        verified("2025-09-05"),
    )?;
    l.open_pledge(
        troops("GBR-T", "GBR", Estimate::Exact(3_000))
            .with_stage(Stage::Committed)
            .with_condition(Condition::Backstop { by: mid("USA") }),
        verified("2025-09-05"),
    )?;
    let fails = Scenario::new().fails(Condition::Backstop { by: mid("USA") });
    let coverage = l
        .query()
        .scenario(&fails)
        .coverage(&Target::personnel(5_000))?;
    // Neither force stands firm without the US backstop.
    assert_eq!(coverage.firm().low(), Decimal::ZERO, "{coverage}");
    // The backstop itself, and both ways of needing it, are left out.
    assert_eq!(coverage.left_out().by_scenario(), 2, "{coverage}");
    let backstops = l
        .query()
        .kind(Kind::Backstop)
        .scenario(&fails)
        .measure(Measure::Count)
        .run()?;
    assert_eq!(backstops.total().count(), 0);
    assert_eq!(backstops.left_out().by_scenario(), 1);
    Ok(())
}

/// A stated hold is a statement about the condition as written, as for
/// `DependsOn`: `holds(Backstop { by: USA })` makes conditions written
/// `Backstop { by: USA }` hold, and does not make the US backstop pledges
/// firm, whose own conditions still count. A pledge `DependsOn` one of
/// them follows that pledge: here it waits on a ceasefire nothing states,
/// so the dependant is left out of a firm-only answer until the ceasefire
/// is stated too. (A stated failure, by contrast, removes the pledges: a
/// failed guarantee is gone, whatever its conditions.)
#[test]
fn a_stated_backstop_hold_is_about_the_condition_as_written() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        backstop("USA-B", "USA")
            .with_stage(Stage::Committed)
            .with_condition(Condition::Ceasefire),
        verified("2025-09-01"),
    )?;
    ledger.open_pledge(
        troops("FRA-T", "FRA", Estimate::Exact(100))
            .with_condition(Condition::DependsOn(pid("USA-B"))),
        verified("2025-09-02"),
    )?;
    ledger.open_pledge(
        troops("GBR-T", "GBR", Estimate::Exact(10))
            .with_condition(Condition::Backstop { by: mid("USA") }),
        verified("2025-09-02"),
    )?;
    let personnel = |scenario: &Scenario| -> Result<Decimal> {
        let table = ledger
            .query()
            .measure(Measure::Personnel)
            .scenario(scenario)
            .run()?;
        Ok(table.total().low())
    };
    let holds = Scenario::firm_only().holds(Condition::Backstop { by: mid("USA") });
    assert_eq!(personnel(&holds)?, dec("10"));
    assert_eq!(personnel(&holds.holds(Condition::Ceasefire))?, dec("110"));
    Ok(())
}
