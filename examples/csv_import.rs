//! Imports a CSV pledge table and prints totals and the check report.
//!
//! ```text
//! cargo run --features csv --example csv_import [-- PLEDGES.csv]
//! ```
//!
//! The default file, `examples/data/pledges.csv`, holds the Paris summit
//! pledges plus a few illustrative figures (marked as such in `notes`).
//! Members and sources the file names are added by their ids.

use coalition_ledger::Error;
use coalition_ledger::io::csv::Importer;
use coalition_ledger::prelude::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/pledges.csv").to_string()
    });
    let file = std::fs::File::open(&path)?;
    let importer = Importer::new()
        .add_missing_members(true)
        .add_missing_sources(true);
    let ledger = match importer.import(file) {
        Ok(ledger) => ledger,
        Err(Error::CsvErrors { errors, .. }) => {
            for error in &errors {
                eprintln!("{path}: {error}");
            }
            return Err(format!("{} errors, nothing imported", errors.len()).into());
        }
        Err(other) => return Err(other.into()),
    };
    println!("imported {} pledges from {path}\n", ledger.pledge_count());

    let counts = ledger
        .query()
        .group_by([Dimension::Kind, Dimension::Stage])
        .run()?;
    println!("Pledges by kind and stage\n{counts}");
    let troops = ledger
        .query()
        .group_by([Dimension::Member])
        .measure(Measure::Personnel)
        .run()?;
    println!("Troops by member\n{troops}");

    let fx = fixtures::september_2025_rates();
    let value = ledger
        .query()
        .group_by([Dimension::Member])
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .basis(Basis::Outstanding)
        .run()?;
    println!("Outstanding value in EUR by member\n{value}");

    let report = ledger.check(&CheckOptions::new(parse_date("2025-12-31")?).fx(fx));
    println!("Check report\n{report}");
    Ok(())
}
