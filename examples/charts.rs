//! Writes SVG charts for the Paris summit fixture and for a generated
//! ledger into a folder (default: the current one).
//!
//! ```text
//! cargo run --all-features --example charts -- [OUT_DIR]
//! ```
//!
//! The Paris summit published no figures, so its charts show counts and an
//! *illustrative* 25,000-troop target with every size unspecified: an
//! honest picture of what is known. The generated ledger (a seeded,
//! realistic one) shows money over time and ranges.

use std::path::{Path, PathBuf};

use coalition_ledger::Result;
use coalition_ledger::io::charts::{self, ChartOptions, Layout};
use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;

fn main() -> Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    std::fs::create_dir_all(&out)?;
    let mut written = Vec::new();

    // The Paris summit fixture.
    let paris = fixtures::paris_summit();
    let coverage = paris.query().coverage(&Target::personnel(25_000))?;
    let svg = charts::coverage(
        &coverage,
        &ChartOptions::new("Paris summit: an illustrative 25,000-troop target"),
    );
    written.push(write(&out, "paris_coverage.svg", &svg)?);
    let by_member = paris
        .query()
        .include_withdrawn(true)
        .group_by([Dimension::Member, Dimension::Kind])
        .run()?;
    let svg = charts::table_bars(
        &by_member,
        &ChartOptions::new("Paris summit: pledges by member and kind"),
    )?;
    written.push(write(&out, "paris_pledges.svg", &svg)?);

    // A generated ledger: money over time, by kind and by member.
    let generator = Generator::seeded(7).members(10).pledges(400);
    let ledger = generator.ledger()?;
    let fx = generator.fx_rates();
    let value = Measure::Value {
        currency: Currency::EUR,
        fx: &fx,
    };
    let by_kind = ledger
        .query()
        .measure(value)
        .leave_out_unconvertible(true)
        .group_by([Dimension::Kind])
        .running_totals(
            Interval::Quarter,
            parse_date("2022-01-01")?,
            parse_date("2025-12-31")?,
        )?;
    let svg = charts::running_totals(
        &by_kind,
        Basis::Pledged,
        Layout::StackedAreas,
        &ChartOptions::new("Generated ledger: value pledged by kind"),
    )?;
    written.push(write(&out, "generated_running_by_kind.svg", &svg)?);
    let svg = charts::running_totals(
        &by_kind,
        Basis::Delivered,
        Layout::Lines,
        &ChartOptions::new("Generated ledger: value delivered by kind"),
    )?;
    written.push(write(&out, "generated_delivered_by_kind.svg", &svg)?);
    let table = ledger
        .query()
        .measure(value)
        .leave_out_unconvertible(true)
        .group_by([Dimension::Member])
        .run()?;
    let svg = charts::table_bars(
        &table,
        &ChartOptions::new("Generated ledger: value pledged by member"),
    )?;
    written.push(write(&out, "generated_value_by_member.svg", &svg)?);
    let target = Target::value(Money::parse("20000000000", Currency::EUR)?, &fx);
    let coverage = ledger
        .query()
        .leave_out_unconvertible(true)
        .coverage(&target)?;
    let svg = charts::coverage(
        &coverage,
        &ChartOptions::new("Generated ledger: coverage of a EUR 20bn target"),
    );
    written.push(write(&out, "generated_coverage.svg", &svg)?);

    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn write(dir: &Path, name: &str, svg: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, svg)?;
    Ok(path)
}
