//! Property tests of the core ledger over random sequences of valid and
//! invalid actions (the operations of the reference model in `tests/model`).

mod model;

use coalition_ledger::io::json;
use coalition_ledger::*;
use proptest::prelude::*;

fn operations() -> impl Strategy<Value = Vec<model::Op>> {
    prop::collection::vec(any::<u8>(), 8..=640).prop_map(|bytes| model::ops_from_bytes(&bytes))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rejected_actions_never_change_the_state(ops in operations()) {
        let mut ledger = Ledger::new();
        for (step, op) in ops.iter().enumerate() {
            let before = ledger.clone();
            if model::apply_op(&mut ledger, op, step).is_err() {
                prop_assert_eq!(&ledger, &before);
                prop_assert_eq!(json::to_string(&ledger), json::to_string(&before));
            }
        }
    }

    #[test]
    fn delivered_amounts_never_go_negative(ops in operations()) {
        let mut ledger = Ledger::new();
        for (step, op) in ops.iter().enumerate() {
            let _ = model::apply_op(&mut ledger, op, step);
            for p in ledger.pledges() {
                prop_assert!(p.delivered() >= Decimal::ZERO, "{} delivered {}", p.id(), p.delivered());
            }
        }
    }

    #[test]
    fn save_and_load_preserve_the_state(ops in operations()) {
        let mut ledger = Ledger::new();
        for (step, op) in ops.iter().enumerate() {
            let _ = model::apply_op(&mut ledger, op, step);
        }
        let text = json::to_string(&ledger);
        let loaded = json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(json::to_string(&loaded), text);
        let view = |l: &Ledger| -> Vec<String> {
            l.pledges()
                .map(|p| format!("{} {} {} {} {} {:?}", p.id(), p.contribution(), p.stage(), p.evidence(), p.delivered(), p.dates()))
                .collect()
        };
        prop_assert_eq!(view(&loaded), view(&ledger));
    }
}
