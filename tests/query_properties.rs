//! Property tests for aggregation.

mod common;

use coalition_ledger::io::json;
use coalition_ledger::*;
use common::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    member: usize,
    estimate: u8,
    low: u32,
    span: u32,
    stage: u8,
    evidence: u8,
    day: u16,
    delivered: u32,
    funding: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..5usize,
        0..4u8,
        0..10_000u32,
        0..5_000u32,
        0..3u8,
        0..3u8,
        0..700u16,
        0..12_000u32,
        any::<bool>(),
    )
        .prop_map(
            |(member, estimate, low, span, stage, evidence, day, delivered, funding)| Spec {
                member,
                estimate,
                low,
                span,
                stage,
                evidence,
                day,
                delivered,
                funding,
            },
        )
}

const MEMBERS: [&str; 5] = ["FRA", "GBR", "DEU", "USA", "UKR"];

fn estimate(s: &Spec) -> Estimate<u64> {
    let (low, high) = (u64::from(s.low), u64::from(s.low) + u64::from(s.span));
    match s.estimate {
        0 => Estimate::Exact(low),
        1 => Estimate::Range { low, high },
        2 => Estimate::AtLeast(low),
        _ => Estimate::Unspecified,
    }
}

fn add(ledger: &mut Ledger, i: usize, s: &Spec) {
    let id = format!("p{i}");
    let member = MEMBERS[s.member];
    let size = estimate(s);
    let spec = if s.funding {
        funding(
            &id,
            member,
            size.map(|v| Money::new(Decimal::from(v), Currency::EUR)),
        )
    } else {
        troops(&id, member, size)
    };
    let date = d("2024-01-01") + chrono::Days::new(u64::from(s.day));
    let prov = Provenance::new(Evidence::ALL[usize::from(s.evidence)]).on(date);
    let spec = spec
        .with_stage([Stage::Considering, Stage::Announced, Stage::Committed][usize::from(s.stage)]);
    ledger
        .open_pledge(spec, prov.clone())
        .expect("valid pledge");
    if s.delivered > 0 {
        let quantity = Decimal::from(s.delivered);
        let recorded = if s.funding {
            ledger.deliver_money(&pid(&id), Money::new(quantity, Currency::EUR), prov)
        } else {
            ledger.deliver(&pid(&id), quantity, prov)
        };
        recorded.expect("valid delivery");
    }
}

fn build(specs: &[Spec]) -> Ledger {
    let mut ledger = roster();
    for (i, s) in specs.iter().enumerate() {
        add(&mut ledger, i, s);
    }
    ledger
}

fn value_fx() -> FxRates {
    FxRates::new(Currency::EUR, RatePolicy::OnDate)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn rows_of_disjoint_dimensions_sum_to_the_total(specs in prop::collection::vec(spec(), 0..40), dim in 0..8usize) {
        let ledger = build(&specs);
        let dimension = [Dimension::Member, Dimension::Kind, Dimension::Category, Dimension::Stage,
            Dimension::Evidence, Dimension::Year, Dimension::Month, Dimension::Conditional][dim];
        for measure in [Measure::Personnel, Measure::Count] {
            for basis in [Basis::Pledged, Basis::Delivered, Basis::Outstanding] {
                let table = ledger.query().group_by([dimension]).measure(measure).basis(basis).run().expect("runs");
                prop_assert!(!table.is_overlapping());
                let mut low = Decimal::ZERO;
                let mut high = Some(Decimal::ZERO);
                let (mut count, mut unspecified) = (0, 0);
                for row in table.rows() {
                    let t = row.total();
                    low += t.low();
                    high = match (high, t.high()) { (Some(a), Some(b)) => Some(a + b), _ => None };
                    count += t.count();
                    unspecified += t.unspecified();
                }
                let t = table.total();
                prop_assert_eq!((low, high, count, unspecified), (t.low(), t.high(), t.count(), t.unspecified()));
            }
        }
    }

    #[test]
    fn adding_a_pledge_never_lowers_a_pledged_total(specs in prop::collection::vec(spec(), 0..30), extra in spec()) {
        let before = build(&specs);
        let mut after = before.clone();
        add(&mut after, specs.len(), &extra);
        let fx = value_fx();
        for measure in [Measure::Personnel, Measure::Count, Measure::Value { currency: Currency::EUR, fx: &fx }] {
            let b = *before.query().measure(measure).run().expect("runs").total();
            let a = *after.query().measure(measure).run().expect("runs").total();
            prop_assert!(a.low() >= b.low());
            prop_assert!(a.count() >= b.count());
            match (b.high(), a.high()) {
                (Some(bh), Some(ah)) => prop_assert!(ah >= bh),
                (None, Some(_)) => prop_assert!(false, "an open bound closed"),
                _ => {}
            }
        }
    }

    #[test]
    fn outstanding_is_pledged_minus_delivered_clamped_per_pledge(specs in prop::collection::vec(spec(), 0..40)) {
        let ledger = build(&specs);
        let total = *ledger.query().measure(Measure::Personnel).basis(Basis::Outstanding).run().expect("runs").total();
        let (mut low, mut high, mut unspecified) = (Decimal::ZERO, Some(Decimal::ZERO), 0u64);
        for p in ledger.pledges_of_kind(Kind::Troops) {
            let Contribution::Troops { personnel } = p.contribution() else { unreachable!() };
            let delivered = p.delivered();
            let clamp = |v: u64| (Decimal::from(v) - delivered).max(Decimal::ZERO);
            if personnel.is_unspecified() {
                // An unknown size has no upper bound.
                unspecified += 1;
                high = None;
                continue;
            }
            low += personnel.low().map(clamp).unwrap_or_default();
            high = match (high, personnel.high()) { (Some(h), Some(v)) => Some(h + clamp(v)), _ => None };
        }
        prop_assert_eq!((total.low(), total.high(), total.unspecified()), (low, high, unspecified));
    }

    #[test]
    fn results_are_identical_across_runs_and_a_save_load(specs in prop::collection::vec(spec(), 0..40)) {
        let ledger = build(&specs);
        let loaded = json::from_str(&json::to_string(&ledger)).expect("round trip");
        let fx = value_fx();
        let run = |l: &Ledger| {
            let table = l.query()
                .group_by([Dimension::Member, Dimension::Stage, Dimension::Month])
                .measure(Measure::Value { currency: Currency::EUR, fx: &fx })
                .run()
                .expect("runs");
            (table.to_string(), serde_json::to_string(&table).expect("serializes"))
        };
        let first = run(&ledger);
        prop_assert_eq!(&first, &run(&ledger));
        prop_assert_eq!(&first, &run(&loaded));
    }
}
