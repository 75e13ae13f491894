//! Any bytes given to the CSV importer: an error or a ledger, never a panic;
//! an imported ledger exports, imports and exports to the same bytes.
#![no_main]

use coalition_ledger::io::csv::{Importer, export};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let importer = Importer::new().add_missing_members(true).add_missing_sources(true);
    if let Ok(ledger) = importer.import(data) {
        let mut first = Vec::new();
        export(&ledger, &mut first).expect("exports");
        let again = importer.import(&first[..]).expect("its own export imports");
        let mut second = Vec::new();
        export(&again, &mut second).expect("exports");
        assert_eq!(first, second);
    }
});
