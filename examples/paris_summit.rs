//! The main demo: the Paris summit coalition as publicly reported, and the
//! article's central question: what stands if the US backstop fails?
//!
//! Prints the members by name, the pledges with stage, evidence and
//! conditions, what is unconfirmed, the reassurance force with and without
//! the US backstop, and its coverage of an illustrative target under both;
//! then writes the ledger as a JSON document.
//!
//! ```text
//! cargo run --example paris_summit [-- OUTPUT.json]
//! ```

use std::path::PathBuf;

use coalition_ledger::io::json;
use coalition_ledger::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ledger = fixtures::build_paris_summit()?;
    println!("Coalition of the willing: Paris summit, as publicly reported\n");

    println!(
        "Participants named in the report ({}):",
        ledger.members().count()
    );
    for member in ledger.members() {
        let roles: Vec<String> = member.roles().iter().map(ToString::to_string).collect();
        let groups: Vec<&str> = member.groups().iter().map(GroupId::as_str).collect();
        let line = format!(
            "  {:<4} {:<50} {:<12} {}",
            member.id(),
            member.name(),
            groups.join(", "),
            roles.join(", ")
        );
        println!("{}", line.trim_end());
    }

    println!("\nPledges:");
    for p in ledger.pledges() {
        let conditions: Vec<String> = p.conditions().iter().map(ToString::to_string).collect();
        let line = format!(
            "  {:<24} {:<11} {:<11} {:<30} {}",
            p.id(),
            p.stage(),
            p.evidence(),
            p.contribution().to_string(),
            if conditions.is_empty() {
                String::new()
            } else {
                format!("if {}", conditions.join(", "))
            }
        );
        println!("{}", line.trim_end());
    }

    println!("\nUnconfirmed:");
    for p in ledger
        .pledges()
        .filter(|p| p.evidence() == Evidence::Unconfirmed)
    {
        let dated = if p.dates().opened.is_some() {
            ""
        } else {
            "; undated"
        };
        println!(
            "  {}: {}{dated}",
            p.id(),
            p.notes().unwrap_or("not confirmed")
        );
    }
    for p in ledger.pledges() {
        if let Contribution::Troops { personnel } = p.contribution()
            && personnel.is_unspecified()
        {
            println!(
                "  {}: size not disclosed; {}",
                p.id(),
                p.notes().unwrap_or("")
            );
        }
    }

    // The central question: what stands if the US backstop fails?
    let us_backstop = Condition::Backstop {
        by: MemberId::new("USA")?,
    };
    let scenarios = [
        ("as reported (the US backstop unknown)", Scenario::new()),
        (
            "if the US backstop fails",
            Scenario::new().fails(us_backstop.clone()),
        ),
        (
            "if the US backstop and a ceasefire hold",
            Scenario::firm_only()
                .holds(us_backstop)
                .holds(Condition::Ceasefire),
        ),
    ];
    let force = Category::new("reassurance-force")?;
    // No figure was published: the target below is illustrative only.
    let target = Target::personnel(25_000);
    for (label, scenario) in &scenarios {
        println!("\nReassurance force, {label}:");
        let table = ledger
            .query()
            .category(&force)
            .scenario(scenario)
            .group_by([Dimension::Member, Dimension::Conditional])
            .measure(Measure::Personnel)
            .run()?;
        print!("{table}");
        let coverage = ledger
            .query()
            .category(&force)
            .scenario(scenario)
            .coverage(&target)?;
        println!("Coverage of an illustrative 25,000 (not a figure from the report):");
        print!("{coverage}");
    }

    let path = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join("paris_summit.json"),
        PathBuf::from,
    );
    json::save(&ledger, &path)?;
    println!("\nWrote the ledger as JSON to {}", path.display());
    Ok(())
}
