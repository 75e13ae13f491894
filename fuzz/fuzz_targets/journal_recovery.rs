//! Any bytes as a journal file: opening reports a torn tail or corruption or
//! succeeds, never panics; a truncated journal then opens cleanly to the same
//! ledger.
#![no_main]

use coalition_ledger::io::journal::{Journal, Recovery};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("cl-fuzz-journal-{}", std::process::id()));
    std::fs::write(&path, data).expect("temp file");
    // Each handle holds the journal's lock: take the ledger out (dropping
    // the handle) before the next open.
    let strict = Journal::open(&path, Recovery::Fail).map(Journal::into_ledger);
    match Journal::open(&path, Recovery::TruncateTornTail) {
        Ok(journal) => {
            let ledger = journal.into_ledger();
            let reopened = Journal::open(&path, Recovery::Fail).expect("a recovered journal opens");
            assert_eq!(reopened.ledger(), &ledger);
            if let Ok(strict) = strict {
                assert_eq!(strict, ledger);
            }
        }
        Err(_) => assert!(strict.is_err()),
    }
    let _ = std::fs::remove_file(&path);
    // A version-1 input is migrated, keeping the original beside it.
    for suffix in ["v1", "v2-migrating", "checkpoint"] {
        let _ = std::fs::remove_file(format!("{}.{suffix}", path.display()));
    }
});
