//! Property tests over random sequences of valid and invalid actions.

mod common;

use coalition_ledger::io::json;
use coalition_ledger::*;
use common::*;
use proptest::prelude::*;

const MEMBERS: [&str; 3] = ["FRA", "GBR", "DEU"];
const PLEDGES: [&str; 4] = ["p0", "p1", "p2", "p3"];

/// One randomly chosen step; many are invalid on purpose.
#[derive(Debug, Clone)]
enum Step {
    Open {
        pledge: usize,
        member: usize,
        kind: u8,
        low: u32,
        span: u32,
        stage: u8,
    },
    Advance {
        pledge: usize,
        stage: u8,
    },
    Revise {
        pledge: usize,
        low: u32,
    },
    Deliver {
        pledge: usize,
        quantity: i32,
        correction: bool,
    },
    Withdraw {
        pledge: usize,
    },
    Annotate {
        pledge: usize,
        evidence: u8,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let pledge = 0..PLEDGES.len();
    prop_oneof![
        (
            pledge.clone(),
            0..4usize,
            0..3u8,
            0..10_000u32,
            0..1_000u32,
            0..5u8
        )
            .prop_map(|(pledge, member, kind, low, span, stage)| Step::Open {
                pledge,
                member,
                kind,
                low,
                span,
                stage
            }),
        (pledge.clone(), 0..5u8).prop_map(|(pledge, stage)| Step::Advance { pledge, stage }),
        (pledge.clone(), 0..10_000u32).prop_map(|(pledge, low)| Step::Revise { pledge, low }),
        (pledge.clone(), -500..2_000i32, any::<bool>()).prop_map(
            |(pledge, quantity, correction)| Step::Deliver {
                pledge,
                quantity,
                correction
            }
        ),
        pledge.clone().prop_map(|pledge| Step::Withdraw { pledge }),
        (pledge, 0..3u8).prop_map(|(pledge, evidence)| Step::Annotate { pledge, evidence }),
    ]
}

fn contribution(kind: u8, low: u32, span: u32) -> Contribution {
    let (low, high) = (u64::from(low), u64::from(low) + u64::from(span));
    match kind {
        0 => Contribution::Troops {
            personnel: Estimate::Range { low, high },
        },
        1 => Contribution::Funding {
            amount: Estimate::Range {
                low: eur(&low.to_string()),
                high: eur(&high.to_string()),
            },
        },
        _ => Contribution::Backstop {
            capability: Capability::Intelligence,
        },
    }
}

fn apply(ledger: &mut Ledger, step: &Step, day: u32) -> Result<Recorded> {
    let prov =
        Provenance::new(Evidence::Reported).on(d("2025-01-01") + chrono::Days::new(u64::from(day)));
    let id = |i: usize| pid(PLEDGES[i]);
    match *step {
        Step::Open {
            pledge,
            member,
            kind,
            low,
            span,
            stage,
        } => {
            let member = MEMBERS.get(member).copied().unwrap_or("NOBODY");
            let spec = NewPledge::new(id(pledge), mid(member), contribution(kind, low, span))
                .with_stage(Stage::ALL[usize::from(stage)]);
            ledger.open_pledge(spec, prov)
        }
        Step::Advance { pledge, stage } => {
            ledger.advance(&id(pledge), Stage::ALL[usize::from(stage)], prov)
        }
        Step::Revise { pledge, low } => {
            let kind = ledger.pledge(&id(pledge)).map_or(0, |p| p.kind() as u8);
            ledger.revise(&id(pledge), contribution(kind, low, 10), prov)
        }
        Step::Deliver {
            pledge,
            quantity,
            correction,
        } => {
            let quantity = Decimal::from(quantity);
            if correction {
                ledger.correct_delivery(&id(pledge), quantity, prov)
            } else {
                ledger.deliver(&id(pledge), quantity, prov)
            }
        }
        Step::Withdraw { pledge } => ledger.withdraw(&id(pledge), "reason", prov),
        Step::Annotate { pledge, evidence } => {
            let prov = Provenance::new(Evidence::ALL[usize::from(evidence)]);
            ledger.annotate(&id(pledge), prov)
        }
    }
}

fn base() -> Ledger {
    let mut ledger = Ledger::new();
    for m in MEMBERS {
        ledger.add_member(Member::new(mid(m), m)).expect("valid");
    }
    ledger
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rejected_actions_never_change_the_state(steps in prop::collection::vec(step(), 1..80)) {
        let mut ledger = base();
        for (day, step) in steps.iter().enumerate() {
            let before = ledger.clone();
            if apply(&mut ledger, step, day as u32).is_err() {
                prop_assert_eq!(&ledger, &before);
            }
        }
    }

    #[test]
    fn delivered_never_negative_and_stages_never_go_back(steps in prop::collection::vec(step(), 1..80)) {
        let mut ledger = base();
        for (day, step) in steps.iter().enumerate() {
            let stages: Vec<(PledgeId, Stage)> = ledger.pledges().map(|p| (p.id().clone(), p.stage())).collect();
            let _ = apply(&mut ledger, step, day as u32);
            for p in ledger.pledges() {
                prop_assert!(p.delivered() >= Decimal::ZERO, "{} delivered {}", p.id(), p.delivered());
            }
            for (id, old) in stages {
                let new = ledger.pledge(&id).map(|p| p.stage());
                prop_assert!(new.is_some_and(|s| s >= old), "{id}: {old} -> {new:?}");
            }
        }
    }

    #[test]
    fn save_and_load_preserve_the_state(steps in prop::collection::vec(step(), 1..80)) {
        let mut ledger = base();
        for (day, step) in steps.iter().enumerate() {
            let _ = apply(&mut ledger, step, day as u32);
        }
        let text = json::to_string(&ledger);
        let loaded = json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&loaded, &ledger);
        prop_assert_eq!(json::to_string(&loaded), text);
    }
}
