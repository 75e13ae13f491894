//! Answers you can trust: each test reproduces a wrong or silently
//! incomplete answer that an earlier version gave, and pins the rule that
//! replaced it (see the `Scenario` and `Total` docs for the rules).

mod common;

use coalition_ledger::prelude::*;
use coalition_ledger::{Error, FxRates, RatePolicy};
use common::*;

fn personnel(ledger: &Ledger, scenario: &Scenario) -> Total {
    *ledger
        .query()
        .measure(Measure::Personnel)
        .scenario(scenario)
        .run()
        .expect("runs")
        .total()
}

/// A US backstop conditional on a ceasefire, and a French troop pledge that
/// needs the US backstop.
fn backstop_on_ceasefire() -> Ledger {
    let mut l = roster();
    l.open_pledge(
        backstop("USA-b", "USA")
            .with_stage(Stage::Committed)
            .with_condition(Condition::Ceasefire),
        verified("2025-09-04"),
    )
    .expect("opens");
    l.open_pledge(
        troops("FRA-t", "FRA", Estimate::Exact(5_000))
            .with_condition(Condition::Backstop { by: mid("USA") }),
        verified("2025-09-04"),
    )
    .expect("opens");
    l
}

// 1. A backstop holds only where it stands in the same scenario.
#[test]
fn a_backstop_that_does_not_stand_does_not_hold() {
    let l = backstop_on_ceasefire();
    let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
    let total = personnel(&l, &no_ceasefire);
    assert_eq!(
        total.count(),
        0,
        "the US backstop falls with the ceasefire, and the French troops with it"
    );
    // With the ceasefire holding, the committed backstop stands firm.
    let ceasefire = Scenario::firm_only().holds(Condition::Ceasefire);
    assert_eq!(personnel(&l, &ceasefire).low(), dec("5000"));
    // Unstated, the ceasefire is unknown: the troops count, but not as firm.
    assert_eq!(personnel(&l, &Scenario::new()).low(), dec("5000"));
    assert_eq!(personnel(&l, &Scenario::firm_only()).count(), 0);
}

#[test]
fn backstops_conditional_on_each_other_are_a_refused_cycle() {
    let mut l = roster();
    l.open_pledge(
        backstop("FRA-b", "FRA").with_condition(Condition::Backstop { by: mid("USA") }),
        verified("2025-09-04"),
    )
    .expect("opens");
    let err = rejected(&mut l, |l| {
        l.open_pledge(
            backstop("USA-b", "USA").with_condition(Condition::Backstop { by: mid("FRA") }),
            verified("2025-09-04"),
        )
    });
    assert_eq!(
        err.to_string(),
        "dependency cycle of 2 pledges: USA-b -> FRA-b -> USA-b"
    );
}

// 2. Absence is not failure.
#[test]
fn an_unknown_backstop_is_unknown_not_failed() {
    let mut l = roster();
    // The backstop pledge is undated; the troop pledge is dated.
    l.open_pledge(
        backstop("USA-b", "USA").with_stage(Stage::Committed),
        Provenance::new(Evidence::Unconfirmed),
    )
    .expect("opens");
    l.open_pledge(
        troops("FRA-t", "FRA", Estimate::Exact(5_000))
            .with_condition(Condition::Backstop { by: mid("USA") }),
        verified("2025-09-04"),
    )
    .expect("opens");
    let table = l
        .query()
        .kind(Kind::Troops)
        .as_of(d("2025-12-31"))
        .run()
        .expect("runs");
    assert_eq!(
        table.total().count(),
        1,
        "left out by as_of, the backstop is unknown"
    );
    assert_eq!(table.left_out().undated_entries(), 1);
    let firm = l
        .query()
        .kind(Kind::Troops)
        .as_of(d("2025-12-31"))
        .scenario(&Scenario::firm_only())
        .run()
        .expect("runs");
    assert_eq!(firm.total().count(), 0, "unknown is not firm either");
    assert_eq!(firm.left_out().by_scenario(), 1);
}

#[test]
fn a_dependency_on_an_unrecorded_pledge_is_unknown() {
    let mut l = roster();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(10)).with_condition(Condition::DependsOn(pid("later"))),
        verified("2025-09-04"),
    )
    .expect("a forward reference is allowed");
    assert_eq!(personnel(&l, &Scenario::new()).low(), dec("10"));
    assert_eq!(personnel(&l, &Scenario::firm_only()).count(), 0);
}

/// A scenario states each kind of condition, whichever way the ledger
/// holds it: a parliament's approval, a dependency on a pledge recorded
/// before the dependant and on one recorded after it (the evaluation reads
/// the first two from the ledger's coded conditions and the last from the
/// pledge itself, and must agree).
#[test]
fn a_scenario_states_approvals_and_dependencies_recorded_either_side() {
    let mut l = roster();
    let mut open = |spec: NewPledge| {
        l.open_pledge(spec, verified("2025-09-04"))
            .expect("opens (a forward reference is allowed)");
    };
    let approval = Condition::ParliamentaryApproval { member: mid("FRA") };
    open(troops("early", "DEU", Estimate::Exact(1)));
    open(troops("vote", "FRA", Estimate::Exact(10)).with_condition(approval.clone()));
    open(
        troops("after", "GBR", Estimate::Exact(100))
            .with_condition(Condition::DependsOn(pid("early"))),
    );
    open(
        troops("before", "GBR", Estimate::Exact(1_000))
            .with_condition(Condition::DependsOn(pid("late"))),
    );
    open(troops("late", "DEU", Estimate::Exact(10_000)));
    let low = |scenario: &Scenario| personnel(&l, scenario).low();
    assert_eq!(low(&Scenario::new()), dec("11111"));
    assert_eq!(low(&Scenario::firm_only()), dec("11111") - dec("10"));
    assert_eq!(low(&Scenario::new().fails(approval.clone())), dec("11101"));
    assert_eq!(low(&Scenario::firm_only().holds(approval)), dec("11111"));
    let early_fails = Scenario::new().fails(Condition::DependsOn(pid("early")));
    assert_eq!(low(&early_fails), dec("11010"));
    let late_fails = Scenario::new().fails(Condition::DependsOn(pid("late")));
    assert_eq!(low(&late_fails), dec("111"));
}

// 3. Saying a pledge fails removes that pledge too.
#[test]
fn a_pledge_stated_to_fail_leaves_with_its_dependants() {
    let mut l = roster();
    l.open_pledge(
        troops("X", "DEU", Estimate::Exact(1)),
        verified("2025-09-04"),
    )
    .expect("opens");
    l.open_pledge(
        troops("Y", "FRA", Estimate::Exact(10)).with_condition(Condition::DependsOn(pid("X"))),
        verified("2025-09-04"),
    )
    .expect("opens");
    let x_fails = Scenario::new().fails(Condition::DependsOn(pid("X")));
    let total = personnel(&l, &x_fails);
    assert_eq!((total.count(), total.low()), (0, dec("0")));
    let table = l.query().scenario(&x_fails).run().expect("runs");
    assert_eq!(table.left_out().by_scenario(), 2);
}

// 4. A cycle is refused when recorded, by the API, JSON and CSV alike.
#[test]
fn a_three_pledge_cycle_is_refused_by_record_and_by_json_load() {
    let mut l = roster();
    for (id, member, next) in [("A", "FRA", "B"), ("B", "GBR", "C")] {
        l.open_pledge(
            troops(id, member, Estimate::Exact(1)).with_condition(Condition::DependsOn(pid(next))),
            verified("2025-09-04"),
        )
        .expect("opens");
    }
    let closing =
        troops("C", "DEU", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A")));
    let err = rejected(&mut l, |l| {
        l.open_pledge(closing.clone(), verified("2025-09-04"))
    });
    assert_eq!(
        err.to_string(),
        "dependency cycle of 3 pledges: C -> A -> B -> C"
    );

    // The same entry inside a JSON document is refused at load, naming it.
    let mut with_c = l.clone();
    with_c
        .open_pledge(
            troops("C", "DEU", Estimate::Exact(1)),
            verified("2025-09-04"),
        )
        .expect("opens");
    let text = with_c.to_json().replace(
        r#""id":"C","member":"DEU","contribution":{"troops":{"personnel":{"exact":1}}}"#,
        r#""id":"C","member":"DEU","contribution":{"troops":{"personnel":{"exact":1}}},"conditions":[{"depends_on":"A"}]"#,
    );
    assert_ne!(text, with_c.to_json(), "the document was edited");
    let err = Ledger::from_json(&text).unwrap_err();
    assert!(
        err.to_string().contains("dependency cycle of 3 pledges"),
        "{err}"
    );
}

#[test]
fn a_long_chain_records_in_linear_time_and_a_long_cycle_is_named_briefly() {
    // 20,000 pledges each depending on the next (forward references), then
    // the last one closing the loop: refused, and the message stays short.
    let mut l = roster();
    let n = 20_000;
    for i in 0..n {
        l.open_pledge(
            troops(&format!("P{i}"), "FRA", Estimate::Exact(1))
                .with_condition(Condition::DependsOn(pid(&format!("P{}", i + 1)))),
            verified("2025-09-04"),
        )
        .expect("opens");
    }
    let closing = troops(&format!("P{n}"), "FRA", Estimate::Exact(1))
        .with_condition(Condition::DependsOn(pid("P0")));
    let err = l.open_pledge(closing, verified("2025-09-04")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("dependency cycle of 20001 pledges: P20000 -> P0 -> P1"),
        "{text}"
    );
    assert!(text.len() < 200, "{text}");
}

// 5. The outstanding value of equipment with a value range.
#[test]
fn outstanding_equipment_value_keeps_one_unit_value() {
    let mut l = roster();
    let value = Estimate::range(eur("1200000000"), eur("1600000000")).expect("range");
    l.open_pledge(
        equipment(
            "DEU-e",
            "DEU",
            "air-defence",
            Estimate::Exact(4),
            Some(value),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.deliver(&pid("DEU-e"), dec("1"), verified("2025-02-01"))
        .expect("delivers");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let value_on = |basis: Basis| {
        *l.query()
            .measure(Measure::Value {
                currency: Currency::EUR,
                fx: &fx,
            })
            .basis(basis)
            .run()
            .expect("runs")
            .total()
    };
    let outstanding = value_on(Basis::Outstanding);
    assert_eq!(
        (outstanding.low(), outstanding.high()),
        (dec("900000000"), Some(dec("1200000000")))
    );
    assert!(!outstanding.is_rounded());
    let delivered = value_on(Basis::Delivered);
    assert_eq!(
        (delivered.low(), delivered.high()),
        (dec("300000000"), Some(dec("400000000")))
    );
}

// 6. An unspecified size leaves the total without an upper bound.
#[test]
fn an_unspecified_size_leaves_the_total_unbounded_everywhere() {
    let mut l = roster();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(100)),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        troops("B", "GBR", Estimate::Unspecified),
        verified("2025-01-01"),
    )
    .expect("opens");
    let table = l.query().measure(Measure::Personnel).run().expect("runs");
    let total = table.total();
    assert_eq!(
        (total.low(), total.high(), total.unspecified()),
        (dec("100"), None, 1)
    );
    assert_eq!(total.to_string(), "≥ 100 (2 pledges, 1 unspecified)");
    let json = serde_json::to_string(total).expect("serializes");
    assert!(json.contains(r#""high":null"#), "{json}");
    let coverage = l.query().coverage(&Target::personnel(1_000)).expect("runs");
    assert_eq!(coverage.gap_after_all().low(), dec("0"));
}

// 7. Exact money: never a rounded value presented as exact.
#[test]
fn sums_that_need_more_than_28_digits_are_errors_naming_the_pledge() {
    let mut l = roster();
    let big = Estimate::Exact(eur("79228162514264337593543950"));
    l.open_pledge(funding("F0", "FRA", big), verified("2025-01-01"))
        .expect("opens");
    for i in 0..1000 {
        l.open_pledge(
            funding(&format!("F{}", i + 1), "GBR", Estimate::Exact(eur("0.001"))),
            verified("2025-01-01"),
        )
        .expect("opens");
    }
    let err = eur_value(&l, Basis::Pledged).unwrap_err();
    assert!(err.is_overflow(), "{err}");
    assert!(err.to_string().contains("(pledge `F"), "{err}");
}

#[test]
fn a_sum_that_would_round_is_refused() {
    let mut l = roster();
    l.open_pledge(
        funding(
            "A",
            "FRA",
            Estimate::Exact(eur("10000000000000000000000000000")),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        funding("B", "GBR", Estimate::Exact(eur("0.1"))),
        verified("2025-01-01"),
    )
    .expect("opens");
    let result = eur_value(&l, Basis::Pledged);
    assert!(result.is_err_and(|e| e.is_overflow()));
}

#[test]
fn a_delivery_that_would_round_is_refused_and_changes_nothing() {
    let mut l = roster();
    l.open_pledge(
        funding("A", "FRA", Estimate::AtLeast(eur("1"))),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.deliver(
        &pid("A"),
        dec("10000000000000000000000000000"),
        verified("2025-01-02"),
    )
    .expect("fits");
    let err = rejected(&mut l, |l| {
        l.deliver(&pid("A"), dec("0.4"), verified("2025-01-03"))
    });
    assert!(err.is_overflow(), "{err}");
}

#[test]
fn a_conversion_that_would_round_to_zero_is_refused() {
    let mut l = roster();
    let tiny = Money::new(dec("0.0000000000000000000000000001"), Currency::USD);
    l.open_pledge(
        funding("A", "USA", Estimate::Exact(tiny)),
        verified("2025-01-01"),
    )
    .expect("opens");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(
            Currency::USD,
            d("2025-01-01"),
            dec("0.0000000000000000000000000001"),
        )
        .expect("rate");
    let err = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()
        .unwrap_err();
    assert!(err.is_overflow(), "{err}");
}

/// A pledge of `units` tanks worth `value` EUR in all, one delivered.
fn tanks_one_delivered(units: u64, value: &str) -> Ledger {
    let mut l = roster();
    l.open_pledge(
        equipment(
            "E",
            "DEU",
            "tanks",
            Estimate::Exact(units),
            Some(Estimate::Exact(eur(value))),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.deliver(&pid("E"), dec("1"), verified("2025-02-01"))
        .expect("delivers");
    l
}

#[test]
fn an_inexact_division_rounds_outward_and_says_so() {
    let l = tanks_one_delivered(3, "100");
    let table = eur_value(&l, Basis::Delivered).expect("runs");
    let total = table.total();
    assert!(total.is_rounded());
    assert!(!total.is_exact());
    let third = dec("100") / dec("3");
    assert!(total.low() < third && total.high().is_some_and(|h| h > third));
    assert!(table.to_string().contains("rounded outward"), "{table}");
}

#[test]
fn an_outstanding_share_that_fits_is_given_when_value_times_units_does_not() {
    // Two of three tanks outstanding, of a value at `Decimal::MAX`: value
    // × 2 does not fit 96 bits, the share does (and is exact).
    let l = tanks_one_delivered(3, &Decimal::MAX.to_string());
    let delivered = *eur_value(&l, Basis::Delivered).expect("runs").total();
    assert_eq!(delivered.low(), dec("26409387504754779197847983445"));
    let outstanding = *eur_value(&l, Basis::Outstanding).expect("runs").total();
    assert_eq!(outstanding.low(), dec("52818775009509558395695966890"));
    assert_eq!(
        outstanding.high(),
        Some(dec("52818775009509558395695966890"))
    );
    assert!(outstanding.is_exact(), "{outstanding:?}");
}

#[test]
fn an_outstanding_share_with_many_digits_rounds_outward_instead_of_overflowing() {
    // 299 of 300 units outstanding, of 1e27: value × 299 needs 30 digits,
    // the share, rounded, fits.
    let l = tanks_one_delivered(300, "1000000000000000000000000000");
    let total = *eur_value(&l, Basis::Outstanding).expect("runs").total();
    let high = total.high().expect("bounded");
    assert!(total.is_rounded(), "{total:?}");
    // The exact share is 996,666,666,666,666,666,666,666,666.666…; a
    // bound that large holds one decimal place, so the bounds hold it
    // exactly when they are at least this far apart.
    assert!(
        total.low() <= dec("996666666666666666666666666.6"),
        "{total:?}"
    );
    assert!(high >= dec("996666666666666666666666666.7"), "{total:?}");
    assert!(high - total.low() < dec("1"), "{total:?}");
}

#[test]
fn a_conversion_that_overflows_names_the_pledge() {
    let mut l = roster();
    let big = Money::new(dec("70000000000000000000000000000"), Currency::GBP);
    l.open_pledge(
        funding("A-1", "GBR", Estimate::Exact(big)),
        verified("2025-09-04"),
    )
    .expect("opens");
    let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(Currency::GBP, d("2025-01-01"), dec("1.165"))
        .expect("rate");
    let err = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()
        .unwrap_err();
    assert!(err.is_overflow(), "{err}");
    assert!(err.to_string().ends_with("(pledge `A-1`)"), "{err}");
}

// 8. Filters on unknown values are errors; coverage refuses a basis.
#[test]
fn unknown_groups_and_categories_are_errors() {
    let l = roster();
    let err = l.query().group(&gid("NATOO")).run().unwrap_err();
    assert_eq!(
        err.to_string(),
        "query: invalid group: no member is in group `NATOO`"
    );
    let err = l
        .query()
        .category(&Category::new("tankz").expect("valid"))
        .run()
        .unwrap_err();
    assert!(
        err.to_string().contains("no pledge has category `tankz`"),
        "{err}"
    );
    let err = l
        .query()
        .basis(Basis::Delivered)
        .coverage(&Target::personnel(10))
        .unwrap_err();
    assert!(
        err.to_string().contains("coverage compares pledged sizes"),
        "{err}"
    );
}

// 9. Every table says what it left out.
#[test]
fn an_unconvertible_pledge_is_an_error_or_counted_when_left_out() {
    let mut l = roster();
    l.open_pledge(
        funding(
            "A",
            "GBR",
            Estimate::Exact(Money::new(dec("5"), Currency::GBP)),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        funding("B", "FRA", Estimate::Exact(eur("7"))),
        verified("2025-01-01"),
    )
    .expect("opens");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let query = l.query().measure(Measure::Value {
        currency: Currency::EUR,
        fx: &fx,
    });
    assert!(matches!(
        query.run().map_err(|e| e.root().clone()),
        Err(Error::MissingRate { .. })
    ));
    let table = query.leave_out_unconvertible(true).run().expect("runs");
    assert_eq!(table.total().low(), dec("7"));
    assert_eq!(table.left_out().unconvertible(), 1);
    assert!(
        table
            .to_string()
            .contains("note: 1 pledge left out: no usable exchange rate")
    );
}

#[cfg(feature = "testing")]
#[test]
fn a_generated_ledger_accounts_for_every_pledge() -> coalition_ledger::Result<()> {
    // Every non-withdrawn pledge is either counted or in the scenario note.
    let ledger = coalition_ledger::testing::Generator::seeded(7)
        .pledges(2_000)
        .members(20)
        .ledger()?;
    let live = ledger
        .pledges()
        .filter(|p| p.stage() != Stage::Withdrawn)
        .count() as u64;
    for scenario in [
        Scenario::new(),
        Scenario::firm_only(),
        Scenario::new().fails(Condition::Ceasefire),
    ] {
        let table = ledger.query().scenario(&scenario).run()?;
        let left_out: &coalition_ledger::LeftOut = table.left_out();
        assert_eq!(
            table.total().count() + left_out.by_scenario(),
            live,
            "{scenario:?}"
        );
    }
    Ok(())
}

// 10. Money shown in a table is rounded to the minor unit, bounds outward,
// and the table says so; the exact values stay in the API.
#[test]
fn shown_money_is_rounded_to_the_minor_unit_outward() {
    let mut l = roster();
    let range = Estimate::range(eur("1000.004"), eur("2000.001")).expect("range");
    l.open_pledge(funding("A", "FRA", range), verified("2025-01-01"))
        .expect("opens");
    let yen = Money::parse("12.345", Currency::JPY).expect("sub-minor amounts are allowed");
    l.open_pledge(
        funding("B", "GBR", Estimate::Exact(yen)),
        verified("2025-01-01"),
    )
    .expect("opens");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(Currency::JPY, d("2025-01-01"), dec("1"))
        .expect("rate");
    let table = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()
        .expect("runs");
    assert_eq!(table.total().low(), dec("1012.349"));
    assert_eq!(table.total().high(), Some(dec("2012.346")));
    let text = table.to_string();
    assert!(text.contains("1,012.34 – 2,012.35"), "{text}");
    assert!(
        text.contains("note: money is printed to the currency's minor unit"),
        "{text}"
    );
    // A single amount prints every digit it holds.
    assert_eq!(yen.to_string(), "JPY 12.345");
    let troops = Contribution::Troops {
        personnel: Estimate::AtLeast(3_000),
    };
    assert_eq!(troops.to_string(), "troops ≥ 3,000");
}

// Found by the reference model: an unconditional backstop stated to fail
// makes the pledges that need it fail too.
#[test]
fn a_backstop_stated_to_fail_takes_its_dependants_with_it() {
    let mut l = roster();
    l.open_pledge(backstop("FRA-b", "FRA"), verified("2025-01-01"))
        .expect("opens");
    l.open_pledge(
        troops("T", "GBR", Estimate::Exact(10))
            .with_condition(Condition::Backstop { by: mid("FRA") }),
        verified("2025-01-01"),
    )
    .expect("opens");
    let fails = Scenario::new().fails(Condition::DependsOn(pid("FRA-b")));
    assert_eq!(personnel(&l, &fails).count(), 0);
}

// Found by the reference model: a backstop conditional on its own member's
// backstop points at itself.
#[test]
fn a_backstop_needing_its_own_backstop_is_a_refused_cycle() {
    let mut l = roster();
    let err = rejected(&mut l, |l| {
        l.open_pledge(
            backstop("USA-b", "USA").with_condition(Condition::Backstop { by: mid("USA") }),
            verified("2025-01-01"),
        )
    });
    assert_eq!(
        err.to_string(),
        "dependency cycle of 1 pledge: USA-b -> USA-b"
    );
}

// Found in review: a withdrawn pledge covers nothing.
#[test]
fn coverage_refuses_withdrawn_pledges_and_negative_targets() {
    let mut l = roster();
    l.open_pledge(
        troops("T", "FRA", Estimate::Exact(5_000)).with_stage(Stage::Committed),
        verified("2025-09-04"),
    )
    .expect("opens");
    l.withdraw(&pid("T"), "no", verified("2025-09-05"))
        .expect("withdraws");
    let err = l
        .query()
        .include_withdrawn(true)
        .coverage(&Target::personnel(10_000))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("a withdrawn pledge covers nothing"),
        "{err}"
    );
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let err = l
        .query()
        .coverage(&Target::value(eur("-100"), &fx))
        .unwrap_err();
    assert!(err.to_string().contains("must not be negative"), "{err}");
}

// Found in review: a gap is exact or an error, and shown in minor units
// (with a note); the target is shown as given.
#[test]
fn coverage_gaps_are_exact_and_shown_in_minor_units() {
    let mut l = roster();
    l.open_pledge(
        funding("F", "FRA", Estimate::Exact(eur("0.5"))).with_stage(Stage::Committed),
        verified("2025-01-01"),
    )
    .expect("opens");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let huge = Target::value(eur("79228162514264337593543950335"), &fx);
    assert!(l.query().coverage(&huge).is_err_and(|e| e.is_overflow()));
    let coverage = l
        .query()
        .coverage(&Target::value(eur("1000.555"), &fx))
        .expect("runs");
    assert_eq!(coverage.gap_after_all().low(), dec("1000.055"));
    let text = coverage.to_string();
    assert!(text.starts_with("target: 1,000.555 value (EUR)"), "{text}");
    assert!(text.contains("gap after all   1,000.06"), "{text}");
    assert!(
        text.contains("note: money is printed to the currency's minor unit"),
        "{text}"
    );
}

// Found in review: once units are delivered there are at least that many.
#[test]
fn the_delivered_share_never_exceeds_the_value() {
    let mut l = roster();
    let value = Estimate::range(eur("100"), eur("200")).expect("range");
    l.open_pledge(
        equipment(
            "E",
            "FRA",
            "tanks",
            Estimate::range(2, 10).expect("range"),
            Some(value),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.deliver(&pid("E"), dec("5"), verified("2025-02-01"))
        .expect("delivers");
    let total = *eur_value(&l, Basis::Delivered).expect("runs").total();
    assert_eq!((total.low(), total.high()), (dec("50"), Some(dec("200"))));
}

// Found in review: a quotient below 1e-28 is bounded by 1e-28, not by 1.
#[test]
fn an_underflowing_share_is_bounded_tightly() {
    let mut l = roster();
    l.open_pledge(
        equipment(
            "E",
            "FRA",
            "rounds",
            Estimate::Exact(3_000_000_000_000_000_000),
            Some(Estimate::Exact(eur("0.0000000000000000000000000001"))),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.deliver(&pid("E"), dec("1"), verified("2025-02-01"))
        .expect("delivers");
    let total = *eur_value(&l, Basis::Delivered).expect("runs").total();
    assert_eq!(total.high(), Some(dec("0.0000000000000000000000000001")));
    assert!(total.is_rounded());
}

// Found in review: as_of notes concern only the pledges asked about.
#[test]
fn as_of_notes_count_only_entries_in_scope() {
    let mut l = roster();
    l.open_pledge(
        troops("T", "FRA", Estimate::Exact(5)),
        verified("2025-09-04"),
    )
    .expect("opens");
    l.open_pledge(
        funding("G", "GBR", Estimate::Exact(eur("1"))),
        Provenance::new(Evidence::Reported),
    )
    .expect("opens");
    let query = || l.query().measure(Measure::Personnel).as_of(d("2025-12-31"));
    assert_eq!(query().run().expect("runs").left_out().undated_entries(), 0);
    assert_eq!(
        l.query()
            .as_of(d("2025-12-31"))
            .run()
            .expect("runs")
            .left_out()
            .undated_entries(),
        1
    );
}

// Hostile input: a repeated dimension is refused and rows are bounded.
#[test]
fn a_repeated_dimension_is_refused_and_rows_are_bounded() {
    let mut l = roster();
    for (id, member) in [("A", "FRA"), ("B", "GBR"), ("C", "DEU")] {
        l.open_pledge(
            troops(id, member, Estimate::Exact(1)),
            verified("2025-01-01"),
        )
        .expect("opens");
    }
    let err = l
        .query()
        .group_by([Dimension::Group, Dimension::Group])
        .run()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("dimension `group` appears more than once"),
        "{err}"
    );
    // Three rows by member (fast path) and by group + member (map path).
    for dims in [
        vec![Dimension::Member],
        vec![Dimension::Month, Dimension::Member],
    ] {
        let run = |max: usize| l.query().group_by(dims.clone()).max_rows(max).run();
        assert_eq!(run(4).expect("below").rows().len(), 3);
        assert_eq!(run(3).expect("at").rows().len(), 3);
        let err = run(2).unwrap_err();
        assert!(
            err.to_string()
                .contains("rows of a query exceeds the limit of 2"),
            "{err}"
        );
    }
    assert_eq!(coalition_ledger::limits::MAX_QUERY_ROWS, 1_000_000);
    // A larger cap than the limit is lowered to it.
    assert!(l.query().max_rows(usize::MAX).run().is_ok());
}

/// A `Money` prints every digit it holds: padded to its currency's minor
/// unit, never cut to it.
#[test]
fn money_prints_every_digit_it_holds() {
    for (amount, shown) in [
        ("0.001", "EUR 0.001"),
        ("116.5", "EUR 116.50"),
        ("61900000", "EUR 61,900,000"),
        ("61900000.00", "EUR 61,900,000"),
        ("0.005", "EUR 0.005"),
        ("0.0010", "EUR 0.001"),
        ("-2.125", "EUR -2.125"),
        (
            "0.9999999999999999999999999999",
            "EUR 0.9999999999999999999999999999",
        ),
    ] {
        assert_eq!(eur(amount).to_string(), shown, "{amount}");
    }
}

/// A printed table rounds money to the minor unit for reading, and says so
/// when that changed a figure; the table's values keep every digit.
#[test]
fn a_printed_table_says_when_it_rounded_a_figure() {
    let note = "note: money is printed to the currency's minor unit";
    let table_of = |amount: &str| {
        let mut l = roster();
        l.open_pledge(
            funding("F", "FRA", Estimate::Exact(eur(amount))),
            verified("2025-01-01"),
        )
        .expect("opens");
        eur_value(&l, Basis::Pledged).expect("runs")
    };
    let table = table_of("0.001");
    assert_eq!(table.total().low(), dec("0.001"));
    let printed = table.to_string();
    assert!(printed.contains(note), "{printed}");
    for exact in ["116.5", "61900000", "0.01"] {
        let printed = table_of(exact).to_string();
        assert!(!printed.contains(note), "{exact}: {printed}");
    }
}

/// What changed between two dates prints a recorded delivery with every
/// digit, and says when its table rounded a figure to the minor unit.
#[test]
fn a_printed_change_list_shows_recorded_amounts_whole_and_notes_rounding() {
    let mut l = roster();
    l.open_pledge(
        funding("F", "FRA", Estimate::Exact(eur("10.005"))),
        verified("2025-01-01"),
    )
    .expect("opens");
    l.deliver_money(&pid("F"), eur("0.001"), verified("2025-02-01"))
        .expect("delivers");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let changes = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .changes(d("2024-12-31"), d("2025-03-01"))
        .expect("changes");
    let text = changes.to_string();
    assert!(text.contains("EUR 0.001"), "{text}");
    assert!(
        text.contains("note: money is printed to the currency's minor unit"),
        "{text}"
    );
}

/// A printed coverage shows the target as given and says when it rounded
/// a total or a gap to the minor unit.
#[test]
fn a_printed_coverage_shows_its_target_whole_and_notes_rounding() {
    let mut l = roster();
    l.open_pledge(
        funding("F", "FRA", Estimate::Exact(eur("10.005"))),
        verified("2025-01-01"),
    )
    .expect("opens");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let coverage = l
        .query()
        .coverage(&Target::value(eur("20.001"), &fx))
        .expect("runs");
    let text = coverage.to_string();
    assert!(text.contains("target: 20.001"), "{text}");
    assert!(
        text.contains("note: money is printed to the currency's minor unit"),
        "{text}"
    );
}

/// A scenario built with a blank named condition (which no pledge can hold
/// and its own JSON could not load) is refused when a query runs with it,
/// as recording and loading refuse it.
#[test]
fn a_query_refuses_a_scenario_with_a_blank_named_condition() {
    let l = coalition_ledger::fixtures::paris_summit();
    for blank in ["", "   "] {
        for scenario in [
            Scenario::new().holds(Condition::Named(blank.into())),
            Scenario::new().fails(Condition::Named(blank.into())),
        ] {
            let err = l.query().scenario(&scenario).run().unwrap_err();
            assert!(err.to_string().starts_with("scenario:"), "{err}");
            assert!(Scenario::from_json(&scenario.to_json()).is_err());
            let err = l
                .query()
                .scenario(&scenario)
                .running_totals(Interval::Year, d("2025-01-01"), d("2025-12-31"))
                .unwrap_err();
            assert!(err.to_string().starts_with("scenario:"), "{err}");
        }
    }
    let named = Scenario::new().holds(Condition::Named("UN mandate".into()));
    assert!(l.query().scenario(&named).run().is_ok());
}
