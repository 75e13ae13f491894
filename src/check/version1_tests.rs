//! Checks of ledgers holding what only an older file format accepted.

use rust_decimal::Decimal;

use crate::check::{CheckOptions, Code};
use crate::dates::parse_date;
use crate::entry::{Action, Provenance};
use crate::estimate::Estimate;
use crate::ids::{MemberId, PledgeId};
use crate::ledger::Rules;
use crate::ledger::{Ledger, Record};
use crate::lifecycle::Evidence;
use crate::member::Member;
use crate::pledge::{Condition, Contribution, NewPledge};
use crate::query::{Dimension, Measure, Scenario};

fn legacy_cycle() -> Ledger {
    let mut ledger = Ledger::new();
    for (id, name) in [("FRA", "France"), ("GBR", "United Kingdom")] {
        ledger
            .add_member(Member::new(MemberId::new(id).expect("id"), name))
            .expect("member");
    }
    let on = Provenance::new(Evidence::Reported).on(parse_date("2025-01-01").expect("date"));
    for (id, member, other) in [("A", "FRA", "B"), ("B", "GBR", "A")] {
        let spec = NewPledge::new(
            PledgeId::new(id).expect("id"),
            MemberId::new(member).expect("id"),
            Contribution::Troops {
                personnel: Estimate::Exact(1),
            },
        )
        .with_condition(Condition::DependsOn(PledgeId::new(other).expect("id")));
        ledger
            .record_under(Action::Pledge(Box::new(spec)), on.clone(), Rules::Version1)
            .expect("version 1 accepted cycles");
    }
    ledger
}

#[test]
fn cl004_reports_a_cycle_from_an_older_file() {
    let ledger = legacy_cycle();
    let report = ledger.check(&CheckOptions::new(parse_date("2025-12-31").expect("date")));
    assert!(report.has_errors());
    let cycles: Vec<String> = report
        .with_code(Code::DependencyCycle)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        cycles,
        ["error[CL004]: pledge A: dependency cycle A -> B -> A"]
    );
}

#[test]
fn a_cycle_from_an_older_file_makes_only_its_pledges_unknown() {
    let mut ledger = legacy_cycle();
    ledger
        .add_member(Member::new(MemberId::new("DEU").expect("id"), "Germany"))
        .expect("member");
    let spec = NewPledge::new(
        PledgeId::new("C").expect("id"),
        MemberId::new("DEU").expect("id"),
        Contribution::Troops {
            personnel: Estimate::Exact(10),
        },
    );
    ledger
        .open_pledge(spec, Provenance::new(Evidence::Verified))
        .expect("opens");
    let table = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Conditional])
        .run()
        .expect("a cycle does not break the query");
    assert_eq!(table.total().low(), Decimal::from(12));
    assert_eq!(table.left_out().in_cycle(), 2);
    assert!(
        table
            .to_string()
            .contains("note: 2 pledges are in a dependency cycle")
    );
    let firm = ledger
        .query()
        .measure(Measure::Personnel)
        .scenario(&Scenario::firm_only())
        .run()
        .expect("runs");
    assert_eq!(firm.total().low(), Decimal::from(10));
    assert_eq!(firm.left_out().by_scenario(), 2);
}
