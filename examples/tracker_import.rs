//! Imports a published aid tracker's CSV (one row per activity: donor,
//! date, commitment or allocation, category, value in EUR millions) with
//! the mapping importer, and prints the donor × category table of
//! commitments and allocations and the check report.
//!
//! ```text
//! cargo run --features csv --example tracker_import [-- TRACKER.csv]
//! ```
//!
//! The default file, `examples/data/tracker.csv`, is made up for this
//! example (its first line says so): dated, month-only and undated rows,
//! negative corrections, zero rows, a bank reported under the EU's line,
//! and donors whose allocations exceed their commitments.

use coalition_ledger::io::mapping::{Mapping, Scale};
use coalition_ledger::prelude::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/tracker.csv").to_string()
    });
    let member = |id: &str| MemberId::new(id);
    let mapping = Mapping::new()
        .comment_lines(true)
        .id_column("activity_id")
        .member_column("donor")
        .alias("Germany", member("DEU")?)
        .alias("France", member("FRA")?)
        .alias("Poland", member("POL")?)
        .alias("United Kingdom", member("GBR")?)
        .alias("European Commission", member("EU")?)
        .alias("European Investment Bank", member("EU")?) // reported under the EU's line
        .date_column("announcement_date")
        .amount_column("value_eur_m")
        .currency(Currency::EUR)
        .scale(Scale::Millions)
        .scientific(true) // pandas writes small values as 6e-05
        .category_column("aid_type")
        .stage_column("measure_type")
        .stage_value("Commitment", Stage::Committed)
        .stage_value("Allocation", Stage::Delivered)
        .skip_value("measure_type", "Pledge (unconfirmed)")
        .source(Source::new(
            SourceId::new("tracker")?,
            "Aid tracker (made up)",
            SourceKind::Dataset,
        ))
        .add_missing_members(true);
    let imported = mapping.import(std::fs::File::open(&path)?)?;
    println!("{path}: {imported}\n");
    let ledger = imported.into_ledger();

    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let value = Measure::Value {
        currency: Currency::EUR,
        fx: &fx,
    };
    let table = |basis| {
        let by = [Dimension::Member, Dimension::Category];
        ledger
            .query()
            .measure(value)
            .basis(basis)
            .group_by(by)
            .every_cell(true)
            .run()
    };
    let (committed, allocated) = (table(Basis::Pledged)?, table(Basis::Delivered)?);

    // Allocation rows carry no commitment of their own, so CL006 (per
    // pledge) would flag each; CL017 compares each donor and category. The
    // tracker lists rows by donor, not by date (CL012).
    let options = CheckOptions::new(parse_date("2025-01-01")?)
        .disable(Code::OverDelivered)
        .disable(Code::OutOfOrder);
    let report = ledger.check(&options);

    let eur = |total: &Total| Money::new(total.low(), Currency::EUR).to_string();
    println!(
        "{:<6} {:<14} {:>18} {:>18}",
        "donor", "category", "committed", "allocated"
    );
    for row in committed.rows() {
        let allocated = allocated.row(row.keys()).map(|r| eur(r.total()));
        let [donor, category] = row.keys() else {
            continue;
        };
        let allocated = allocated.unwrap_or_default();
        println!(
            "{donor:<6} {category:<14} {:>18} {allocated:>18}",
            eur(row.total())
        );
    }
    let totals = (eur(committed.total()), eur(allocated.total()));
    println!("{:<21} {:>18} {:>18}\n", "total", totals.0, totals.1);
    print!("{}{}", committed.left_out(), report);
    Ok(())
}
