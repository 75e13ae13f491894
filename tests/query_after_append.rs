//! Queries keep what they derived (converted amounts, scenario verdicts)
//! across appends and catch up with the pledges that changed. These tests
//! hold every answer of such a ledger to the answer of a clone, which
//! starts with nothing derived and computes everything afresh.

use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;
use proptest::prelude::*;

/// Every question asked after each append, on both ledgers.
fn answers(ledger: &Ledger, fx: &FxRates, scenarios: &[Scenario]) -> Vec<String> {
    let mut out = Vec::new();
    // Four measure and basis pairs: as many as the cache keeps, so that
    // every one is caught up rather than rebuilt.
    let value = || Measure::Value {
        currency: Currency::EUR,
        fx,
    };
    let pairs = [
        (value(), Basis::Pledged),
        (value(), Basis::Delivered),
        (Measure::Personnel, Basis::Outstanding),
        (Measure::Count, Basis::Pledged),
    ];
    for scenario in scenarios {
        for (measure, basis) in &pairs {
            let table = ledger
                .query()
                .scenario(scenario)
                .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                .measure(*measure)
                .basis(*basis)
                .run();
            out.push(format!("{table:?}"));
        }
        let table = ledger
            .query()
            .scenario(scenario)
            .group_by([
                Dimension::Conditional,
                Dimension::Evidence,
                Dimension::Category,
            ])
            .run();
        out.push(format!("{table:?}"));
    }
    out
}

fn scenarios(ledger: &Ledger) -> Vec<Scenario> {
    let mut list = vec![
        Scenario::new(),
        Scenario::firm_only(),
        Scenario::new().fails(Condition::Ceasefire),
    ];
    if let Some(member) = ledger.members().next() {
        list.push(Scenario::new().fails(Condition::Backstop {
            by: member.id().clone(),
        }));
    }
    list
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random ledgers, queried after random appends: the ledger that keeps
    /// its derived values answers exactly as a fresh clone.
    #[test]
    fn a_ledger_that_catches_up_answers_like_a_fresh_one(
        seed in 0u64..10_000,
        every in 1usize..6,
    ) {
        let generator = Generator::seeded(seed).members(5).sources(3).pledges(70);
        let fx = generator.fx_rates();
        let actions = generator.actions().expect("generated");
        let mut ledger = Ledger::new();
        let mut scenario_list = Vec::new();
        for (i, (action, provenance)) in actions.into_iter().enumerate() {
            ledger.record(action, provenance).expect("generated actions record");
            if i % every != 0 || ledger.pledge_count() == 0 {
                continue;
            }
            if scenario_list.is_empty() {
                scenario_list = scenarios(&ledger);
            }
            let fresh = ledger.clone();
            prop_assert_eq!(
                answers(&ledger, &fx, &scenario_list),
                answers(&fresh, &fx, &scenario_list),
                "after entry {}", i
            );
        }
    }
}

/// A pledge opened after a query, with conditions or named by another's
/// `DependsOn`, changes other verdicts: the cached evaluation is not reused.
#[test]
fn a_dependency_recorded_after_a_query_changes_the_answer() -> coalition_ledger::Result<()> {
    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let troops = |id: &str| -> coalition_ledger::Result<NewPledge> {
        Ok(NewPledge::new(
            PledgeId::new(id)?,
            MemberId::new("FRA")?,
            Contribution::Troops {
                personnel: Estimate::Exact(100),
            },
        ))
    };
    let on = Provenance::new(Evidence::Verified);
    ledger.open_pledge(
        troops("FRA-2")?.with_condition(Condition::DependsOn(PledgeId::new("FRA-1")?)),
        on.clone(),
    )?;
    let firm = Scenario::firm_only();
    let before = ledger
        .query()
        .scenario(&firm)
        .measure(Measure::Personnel)
        .run()?;
    // FRA-1 is not recorded: FRA-2's condition is unknown, so not firm.
    assert_eq!(before.total().low(), rust_decimal::Decimal::ZERO);
    ledger.open_pledge(troops("FRA-1")?, on)?;
    let after = ledger
        .query()
        .scenario(&firm)
        .measure(Measure::Personnel)
        .run()?;
    let fresh = ledger.clone();
    let expected = fresh
        .query()
        .scenario(&firm)
        .measure(Measure::Personnel)
        .run()?;
    assert_eq!(after, expected);
    assert_eq!(after.total().low(), rust_decimal::Decimal::from(200));
    Ok(())
}
