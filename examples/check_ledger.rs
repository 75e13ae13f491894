//! Checks a JSON ledger and prints the report, like a linter.
//!
//! ```text
//! cargo run --example check_ledger [-- LEDGER.json [--date YYYY-MM-DD]]
//! ```
//!
//! Without a file it checks the Paris summit fixture. The reference date
//! defaults to the latest date in the ledger, so the same file always gives
//! the same report. Exits with status 1 when the report has errors, 2 when
//! the file cannot be read: usable in a downstream CI job.

use std::process::ExitCode;

use coalition_ledger::io::json;
use coalition_ledger::prelude::*;

fn main() -> ExitCode {
    match run() {
        Ok(has_errors) if has_errors => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, coalition_ledger::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut date = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--date" {
            let text = rest.next().map(String::as_str).unwrap_or_default();
            date = Some(parse_date(text)?);
        } else {
            path = Some(arg.clone());
        }
    }
    let ledger = match &path {
        Some(path) => json::load(path)?,
        None => fixtures::build_paris_summit()?,
    };
    let date = date.or_else(|| latest_date(&ledger)).unwrap_or_default();
    let report = ledger.check(&CheckOptions::new(date));
    println!(
        "checked {} ({} entries) as of {date}",
        path.as_deref().unwrap_or("the Paris summit fixture"),
        ledger.len()
    );
    print!("{report}");
    Ok(report.has_errors())
}

fn latest_date(ledger: &Ledger) -> Option<NaiveDate> {
    ledger.entries().filter_map(|e| e.date()).max()
}
