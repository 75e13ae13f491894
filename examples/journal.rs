//! Appends a few entries to a durable journal, reopens it, prints the state.
//!
//! ```text
//! cargo run --example journal [-- PATH]
//! ```
//!
//! Without a path the journal goes to a fresh file in the temp directory.

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::prelude::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path =
                std::env::temp_dir().join(format!("coalition-{}.journal", std::process::id()));
            let _ = std::fs::remove_file(&path);
            path
        }
    };
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    let verified = Provenance::new(Evidence::Verified);
    for (id, name) in [("FRA", "France"), ("GBR", "United Kingdom")] {
        journal.append(
            Action::AddMember(Box::new(Member::new(MemberId::new(id)?, name))),
            verified.clone(),
        )?;
    }
    let id = PledgeId::new("FRA-reassurance")?;
    let spec = NewPledge::new(
        id.clone(),
        MemberId::new("FRA")?,
        Contribution::Troops {
            personnel: Estimate::Unspecified,
        },
    )
    .with_condition(Condition::Ceasefire);
    let summit = parse_date("2025-09-04")?;
    journal.append(
        Action::Pledge(Box::new(spec)),
        Provenance::new(Evidence::Reported).on(summit),
    )?;
    journal.append(
        Action::Revise {
            pledge: id.clone(),
            contribution: Box::new(Contribution::Troops {
                personnel: Estimate::range(2_000, 5_000)?,
            }),
        },
        Provenance::new(Evidence::Reported).on(parse_date("2025-09-10")?),
    )?;
    println!(
        "appended {} entries to {}",
        journal.ledger().len(),
        path.display()
    );
    drop(journal);

    let reopened = Journal::open(&path, Recovery::Fail)?;
    println!(
        "reopened: {} entries, {} members",
        reopened.ledger().len(),
        reopened.ledger().members().count()
    );
    for entry in reopened.ledger().entries() {
        println!(
            "  #{:<2} {:<10} {}",
            entry.sequence(),
            entry.action().name(),
            entry
                .date()
                .map(|d| d.to_string())
                .unwrap_or_else(|| "undated".into())
        );
    }
    if let Some(p) = reopened.ledger().pledge(&id) {
        println!(
            "{}: {:?} {} ({})",
            p.id(),
            p.contribution(),
            p.stage(),
            p.evidence()
        );
    }
    Ok(())
}
