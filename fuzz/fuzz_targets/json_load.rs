//! Any bytes given to the JSON loader: an error or a ledger, never a panic;
//! a loaded ledger saves and reloads to the same bytes.
#![no_main]

use coalition_ledger::io::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(ledger) = json::from_str(text) {
        let saved = json::to_string(&ledger);
        let again = json::from_str(&saved).expect("a saved ledger loads");
        assert_eq!(json::to_string(&again), saved);
        let _ = ledger.check(&coalition_ledger::CheckOptions::new(coalition_ledger::NaiveDate::default()));
        let _ = ledger.query().group_by([coalition_ledger::Dimension::Member, coalition_ledger::Dimension::Month]).run();
    }
});
