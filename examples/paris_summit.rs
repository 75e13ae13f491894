//! The main demo: the Paris summit coalition as publicly reported.
//!
//! Prints members by group, pledges by kind with stage and evidence, and what
//! is unconfirmed; then writes the ledger as a JSON document.
//!
//! ```text
//! cargo run --example paris_summit [-- OUTPUT.json]
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use coalition_ledger::{Evidence, Kind, fixtures, io::json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ledger = fixtures::build_paris_summit()?;
    println!("Coalition of the willing — Paris summit, as publicly reported\n");

    println!("Members by group ({} members):", ledger.members().count());
    let mut by_group: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for member in ledger.members() {
        if member.groups().is_empty() {
            by_group
                .entry("(no group)".into())
                .or_default()
                .push(member.id().as_str());
        }
        for group in member.groups() {
            by_group
                .entry(group.to_string())
                .or_default()
                .push(member.id().as_str());
        }
    }
    for (group, members) in &by_group {
        println!("  {group:<10} {:>2}  {}", members.len(), members.join(" "));
    }

    println!("\nPledges by kind:");
    for kind in Kind::ALL {
        let pledges: Vec<_> = ledger.pledges_of_kind(kind).collect();
        if pledges.is_empty() {
            continue;
        }
        println!("  {kind} ({})", pledges.len());
        for p in pledges {
            let conditions: Vec<String> = p.conditions().iter().map(ToString::to_string).collect();
            let size = p.contribution().to_string();
            println!(
                "    {:<22} {:<4} {:<12} {:<12} {:<28} {}",
                p.id().as_str(),
                p.member().as_str(),
                p.stage(),
                p.evidence(),
                size,
                if conditions.is_empty() {
                    String::new()
                } else {
                    format!("if {}", conditions.join(", "))
                }
            );
        }
    }

    let unconfirmed: Vec<_> = ledger
        .pledges()
        .filter(|p| p.evidence() == Evidence::Unconfirmed)
        .collect();
    println!(
        "\nUnconfirmed ({} pledges, no public figures):",
        unconfirmed.len()
    );
    for p in &unconfirmed {
        println!("  {} — {}", p.id(), p.notes().unwrap_or("not confirmed"));
    }
    let undated: Vec<_> = ledger
        .entries()
        .iter()
        .filter(|e| e.date().is_none())
        .filter_map(|e| e.action().pledge())
        .collect();
    println!(
        "\nEntries: {}; undated pledge entries: {}",
        ledger.len(),
        undated.len()
    );
    for pledge in undated {
        println!("  {pledge} (the report gives no date)");
    }

    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("paris_summit.json"));
    json::save(&ledger, &path)?;
    println!("Wrote the ledger as JSON to {}", path.display());
    Ok(())
}
