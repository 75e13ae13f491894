//! An application keeping its ledger in a durable journal: batches, client
//! keys, a restart after a crash, and readers that never wait for the
//! writer.
//!
//! ```text
//! cargo run --example journal [-- PATH]
//! ```
//!
//! Without a path the journal goes to a fresh file in the temp directory,
//! removed at the end.

use std::sync::{Arc, RwLock};

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::prelude::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let given = std::env::args().nth(1);
    let path = match &given {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path =
                std::env::temp_dir().join(format!("coalition-{}.journal", std::process::id()));
            let _ = std::fs::remove_file(&path);
            path
        }
    };

    // 1. One writer. A second writer on the same file is refused at once.
    let mut journal = Journal::open(&path, Recovery::TruncateTornTail)?;
    match Journal::open(&path, Recovery::Fail) {
        Err(coalition_ledger::Error::JournalLocked { .. }) => {
            println!("a second writer is refused: the journal is locked");
        }
        other => println!("unexpected: {other:?}"),
    }

    // 2. A batch: many entries, one fsync, all or nothing.
    let summit = parse_date("2025-09-04")?;
    journal.batch(|batch| {
        for (id, name) in [("FRA", "France"), ("GBR", "United Kingdom")] {
            batch.add_member(Member::new(MemberId::new(id)?, name))?;
        }
        let spec = NewPledge::new(
            PledgeId::new("FRA-reassurance")?,
            MemberId::new("FRA")?,
            Contribution::Troops {
                personnel: Estimate::Unspecified,
            },
        )
        .with_condition(Condition::Ceasefire);
        batch.open_pledge(spec, Provenance::new(Evidence::Reported).on(summit))?;
        let fund = NewPledge::new(
            PledgeId::new("GBR-fund")?,
            MemberId::new("GBR")?,
            Contribution::Funding {
                amount: Estimate::Exact(Money::new(parse_amount("500000000")?, Currency::GBP)),
            },
        );
        batch.open_pledge(fund, Provenance::new(Evidence::Verified).on(summit))
    })?;
    println!("batch written: {} entries", journal.ledger().len());

    // 3. Client keys: a feed item carries its own id, so re-sending it
    //    after a crash records nothing twice.
    let feed = [("feed-101", "100000000"), ("feed-102", "150000000")];
    let deliver =
        |journal: &mut Journal, key: &str, amount: &str| -> coalition_ledger::Result<Recorded> {
            journal.deliver(
                &PledgeId::new("GBR-fund")?,
                parse_amount(amount)?,
                Provenance::new(Evidence::Verified)
                    .on(parse_date("2025-10-01")?)
                    .key(ClientKey::new(key)?),
            )
        };
    for (key, amount) in feed {
        deliver(&mut journal, key, amount)?;
    }

    // 4. A crash: the process dies in the middle of an append. Simulated
    //    here by dropping the handle and appending half a line by hand.
    drop(journal);
    {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
        file.write_all(b"1a2b3c4d {\"seq\":99,\"evidence\":\"verif")?;
    }
    // On restart the unfinished write is cut (only it: a complete line is
    // never cut), and the application re-sends its whole feed: the keys
    // make that safe, and say where to resume.
    let mut journal = Journal::open(&path, Recovery::TruncateTornTail)?;
    if let Some(torn) = journal.recovered() {
        println!(
            "restart: cut an unfinished write of {} bytes at line {}",
            torn.bytes, torn.line
        );
    }
    for (key, amount) in feed {
        let recorded = deliver(&mut journal, key, amount)?;
        println!("re-sent {key}: {recorded:?}");
    }
    let resume = journal
        .ledger()
        .entry_by_key(&ClientKey::new("feed-102")?)
        .map(|entry| entry.sequence());
    println!("the feed is recorded up to entry {resume:?}");

    // 5. Readers never wait: the writer publishes a cheap snapshot after
    //    each batch; readers query their own snapshot while it syncs.
    let published = Arc::new(RwLock::new(Arc::new(journal.snapshot())));
    let readers: Vec<_> = (0..3)
        .map(|reader| {
            let published = Arc::clone(&published);
            std::thread::spawn(move || -> coalition_ledger::Result<String> {
                let (mut last, mut queries) = (0, 0);
                // Query until the writer's last batch shows (or give up).
                while last < 102 && queries < 5_000 {
                    queries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    // The lock is held only to clone an Arc, never during a sync.
                    let snapshot = published.read().map(|s| Arc::clone(&s)).map_err(|_| {
                        coalition_ledger::Error::Internal {
                            what: "snapshot lock".into(),
                        }
                    })?;
                    let table = snapshot.query().measure(Measure::Count).run()?;
                    last = table.total().count();
                }
                Ok(format!(
                    "reader {reader}: {queries} queries, never blocked by a sync; last saw {last} pledges"
                ))
            })
        })
        .collect();
    for round in 0..5 {
        journal.batch(|batch| {
            for i in 0..20 {
                let spec = NewPledge::new(
                    PledgeId::new(format!("GBR-kit-{round}-{i}"))?,
                    MemberId::new("GBR")?,
                    Contribution::Troops {
                        personnel: Estimate::Exact(10),
                    },
                );
                batch.open_pledge(spec, Provenance::new(Evidence::Reported))?;
            }
            Ok(())
        })?;
        if let Ok(mut slot) = published.write() {
            *slot = Arc::new(journal.snapshot());
        }
    }
    for reader in readers {
        match reader.join() {
            Ok(result) => println!("{}", result?),
            Err(_) => println!("a reader panicked"),
        }
    }
    println!(
        "writer: {} entries, {} pledges in {}",
        journal.ledger().len(),
        journal.ledger().pledge_count(),
        path.display()
    );
    if given.is_none() {
        // The lock is released when the journal closes.
        drop(journal);
        std::fs::remove_file(&path)?;
    }
    Ok(())
}
