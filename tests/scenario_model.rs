//! Scenarios, totals, coverage and cycle refusal checked against a
//! brute-force reference (`tests/model/scenarios.rs`) on random ledgers:
//! conditions, backstops that are themselves conditional, dependency chains
//! (and attempts to close cycles), undated entries and withdrawals, under
//! random scenarios and `as_of` dates. 256 cases by default; set
//! `SCENARIO_MODEL_CASES` for a longer run.

#[path = "model/scenarios.rs"]
mod scenarios;

use coalition_ledger::prelude::*;
use proptest::prelude::*;
use scenarios::{Assumptions, Cond, Spec};

fn cases() -> u32 {
    std::env::var("SCENARIO_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

const PLEDGES: usize = 10;

fn cond() -> impl Strategy<Value = Cond> {
    prop_oneof![
        Just(Cond::Ceasefire),
        Just(Cond::Named),
        (0..3usize).prop_map(Cond::Backstop),
        // One past the last pledge names a pledge never opened.
        (0..=PLEDGES).prop_map(Cond::DependsOn),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..3usize,
        prop::bool::weighted(0.3),
        prop::sample::select(vec![Stage::Considering, Stage::Announced, Stage::Committed]),
        (
            0..50u64,
            0..50u64,
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.2),
        ),
        prop::collection::vec(cond(), 0..3),
        prop::option::weighted(0.8, 0..60u32),
        prop::option::weighted(0.2, prop::option::weighted(0.8, 0..60u32)),
    )
        .prop_map(
            |(member, backstop, stage, size, conditions, day, withdrawn)| Spec {
                member,
                backstop,
                stage,
                size,
                conditions,
                day,
                withdrawn,
            },
        )
}

fn assumptions() -> impl Strategy<Value = Assumptions> {
    (
        prop::collection::vec(cond(), 0..3),
        prop::collection::vec(cond(), 0..3),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(holds, fails, firm_only)| {
            // A later statement wins in `Scenario`, so drop holds also failed.
            let holds = holds.into_iter().filter(|c| !fails.contains(c)).collect();
            Assumptions {
                holds,
                fails,
                firm_only,
            }
        })
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(spec(), 1..=PLEDGES).prop_map(|mut specs| {
        // A withdrawal needs a dated opening no later than it when dated.
        for (i, s) in specs.iter_mut().enumerate() {
            // A self-dependency is refused on its own account; a repeated
            // condition says nothing more.
            s.conditions.retain(|c| *c != Cond::DependsOn(i));
            s.conditions.sort();
            s.conditions.dedup();
            if let (Some(Some(w)), Some(d)) = (s.withdrawn, s.day) {
                s.withdrawn = Some(Some(w.max(d)));
            }
        }
        specs
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn queries_and_coverage_agree_with_the_reference(
        specs in specs(),
        a in assumptions(),
        as_of in prop::option::of(0..70u32),
    ) {
        let (ledger, opened) = match scenarios::build(&specs) {
            Ok(built) => built,
            Err(message) => return Err(TestCaseError::fail(message)),
        };
        let reference = scenarios::evaluate(&specs, &opened, &a, as_of);
        let scenario = scenarios::scenario(&a);
        let query = || {
            let q = ledger.query().kind(Kind::Troops).scenario(&scenario);
            match as_of {
                Some(day) => q.as_of(scenarios::date(day)),
                None => q,
            }
        };
        let table = query().measure(Measure::Personnel).run().expect("runs");
        let total = table.total();
        let ((low, high, count, unspecified), left_out) = reference.personnel();
        prop_assert_eq!(
            (total.low(), total.high(), total.count(), total.unspecified()),
            (Decimal::from(low), high.map(Decimal::from), count, unspecified),
            "{:?} {:?} as of {:?}", specs, a, as_of
        );
        prop_assert_eq!(table.left_out().by_scenario(), left_out);
        let coverage = query().coverage(&Target::personnel(1_000)).expect("runs");
        let buckets = [
            coverage.firm().count(),
            coverage.likely().count(),
            coverage.conditional().count(),
            coverage.possible().count(),
        ];
        prop_assert_eq!(buckets, reference.buckets(), "{:?} {:?} as of {:?}", specs, a, as_of);
    }
}
