//! A query grouped by pledge attributes (member, kind, stage, evidence,
//! category, conditional) runs over cached per-pledge amounts; grouped by
//! time it adds up `Decimal` amounts one pledge at a time. Both must give
//! the same grand total, to the digit and the scale, and say the same about
//! what they left out, under every filter and scenario.

#![cfg(feature = "testing")]

use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;

/// The grand total and the notes of a table, as text.
fn summary(table: &Table) -> String {
    format!(
        "{} | {:?} | {}",
        table.total(),
        table.total(),
        table.left_out()
    )
}

#[test]
fn cached_and_decimal_paths_agree_on_totals_and_left_out() -> coalition_ledger::Result<()> {
    for seed in [1, 7] {
        let generator = Generator::seeded(seed).pledges(2_000).members(12);
        let ledger = generator.ledger()?;
        let fx = generator.fx_rates();
        let first = ledger.members().next().map(|m| m.id().clone());
        let mut scenarios = vec![
            Scenario::new(),
            Scenario::firm_only(),
            Scenario::new().fails(Condition::Ceasefire),
        ];
        if let Some(by) = &first {
            scenarios.push(Scenario::new().fails(Condition::Backstop { by: by.clone() }));
        }
        let measures = [
            Measure::Value {
                currency: Currency::EUR,
                fx: &fx,
            },
            Measure::Count,
            Measure::Personnel,
        ];
        let mut checked = 0;
        for scenario in &scenarios {
            for measure in measures {
                for filter in 0..6 {
                    let base = || {
                        let q = ledger.query().scenario(scenario).measure(measure);
                        match filter {
                            0 => q,
                            1 => q.include_withdrawn(true),
                            2 => q.stage_at_least(Stage::Committed),
                            3 => q.evidence_at_least(Evidence::Reported).kind(Kind::Funding),
                            4 => match &first {
                                Some(member) => q.member(member).include_withdrawn(true),
                                None => q,
                            },
                            _ => q.kind(Kind::Equipment).kind(Kind::Troops),
                        }
                    };
                    let cached = base()
                        .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                        .run()?;
                    let by_year = base().group_by([Dimension::Year]).run()?;
                    assert_eq!(
                        summary(&cached),
                        summary(&by_year),
                        "seed {seed}, {scenario:?}, {measure}, filter {filter}"
                    );
                    // Run twice: the second answer comes from the cache.
                    let again = base()
                        .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                        .run()?;
                    assert_eq!(again, cached);
                    checked += usize::from(cached.left_out().by_scenario() > 0);
                }
            }
        }
        // Some scenario left something out, so the counts were compared.
        assert!(checked > 0, "seed {seed}: no scenario left anything out");
    }
    Ok(())
}

/// One dashboard's questions, asked again after every few appends.
fn dashboard(ledger: &Ledger, fx: &FxRates, scenario: &Scenario) -> Vec<String> {
    let value = ledger
        .query()
        .scenario(scenario)
        .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx,
        })
        .run();
    let count = ledger
        .query()
        .scenario(scenario)
        .group_by([Dimension::Conditional, Dimension::Evidence])
        .run();
    vec![format!("{value:?}"), format!("{count:?}")]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// The same few questions asked while a feed appends (sizes revised,
    /// deliveries, withdrawals, new pledges, some conditional): the sums
    /// kept between queries move with each changed pledge, and every answer
    /// equals that of a fresh clone, which derives everything afresh.
    #[test]
    fn a_refreshing_dashboard_answers_like_a_fresh_ledger(
        seed in 0u64..10_000,
        every in 1usize..4,
        fails_ceasefire in proptest::bool::ANY,
    ) {
        let generator = Generator::seeded(seed).members(4).sources(3).pledges(60);
        let fx = generator.fx_rates();
        let scenario = if fails_ceasefire {
            Scenario::new().fails(Condition::Ceasefire)
        } else {
            Scenario::new()
        };
        let mut ledger = Ledger::new();
        for (i, (action, provenance)) in generator.actions().expect("generated").into_iter().enumerate() {
            ledger.record(action, provenance).expect("generated actions record");
            if i % every != 0 || ledger.pledge_count() == 0 {
                continue;
            }
            let fresh = ledger.clone();
            proptest::prop_assert_eq!(
                dashboard(&ledger, &fx, &scenario),
                dashboard(&fresh, &fx, &scenario),
                "after entry {}", i
            );
        }
    }
}
