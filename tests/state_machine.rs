//! State-machine property test: random sequences of 1–200 actions against
//! the reference model in `tests/model`, with every invariant checked after
//! every action. 256 cases by default; set `STATE_MACHINE_CASES` for a long
//! run (for example `STATE_MACHINE_CASES=20000 cargo test --release --test
//! state_machine`).

mod model;

use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("STATE_MACHINE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn ledger_agrees_with_the_model(bytes in prop::collection::vec(any::<u8>(), 8..=1600)) {
        let ops = model::ops_from_bytes(&bytes);
        prop_assert!(!ops.is_empty() && ops.len() <= 200);
        if let Err(message) = model::run(&ops) {
            prop_assert!(false, "{}", message);
        }
    }
}

/// A fixed sequence that exercises every operation, so the model itself is
/// known to accept as well as reject.
#[test]
fn a_known_sequence_passes_and_builds_state() {
    let mut bytes = Vec::new();
    for op in [
        [0u8, 0, 0, 0, 0, 0, 0, 0],     // add FRA
        [1, 0, 0, 0, 100, 0, 5, 1],     // open p0: FRA troops exact 100, announced
        [2, 0, 0, 2, 0, 0, 0, 0],       // advance p0 to committed
        [4, 0, 0, 0, 40, 0, 0, 0],      // deliver 40
        [4, 0, 0, 2, 0xF6, 0xFF, 0, 0], // correction -10
        [6, 0, 0, 2, 0, 0, 0, 0],       // annotate verified
        [5, 0, 0, 1, 0, 0, 0, 0],       // withdraw
        [4, 0, 0, 0, 1, 0, 0, 0],       // deliver after withdrawal: rejected
    ] {
        bytes.extend(op);
    }
    let ledger = model::run(&model::ops_from_bytes(&bytes)).expect("agrees");
    let p = ledger.pledges().next().expect("one pledge");
    assert_eq!(p.delivered(), coalition_ledger::Decimal::from(30));
    assert_eq!(p.stage(), coalition_ledger::Stage::Withdrawn);
}
