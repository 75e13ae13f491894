//! Arbitrary sequences of actions applied to a ledger and to the reference
//! model of `tests/model`: the two must agree on every accept/reject and on
//! the totals, and the ledger's invariants must hold after every action.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/model/mod.rs"]
mod model;

fuzz_target!(|data: &[u8]| {
    let ops = model::ops_from_bytes(data);
    if let Err(message) = model::run(&ops) {
        panic!("{message}");
    }
});
