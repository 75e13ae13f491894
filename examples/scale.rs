//! Measures the ledger at scale.
//!
//! ```text
//! cargo run --release --features testing,csv --example scale -- --pledges N [--csv PATH] [--export DIR] [--steps a,b,..]
//! cargo run --release --features testing,csv --example scale -- --pledges N --import DIR [--staged]
//! ```
//!
//! Generates N pledges (about 3 entries each) and prints one line per step:
//! `step=<name> n=<pledges> seconds=<float> ns_per_pledge=<float>`, then
//! `peak_rss_bytes=<int>` and `bytes_per_pledge=<int>` (resident memory of
//! the built ledger divided by N). Step `snapshot` is one `Ledger::clone`;
//! step `journal_batch` writes every entry to a journal in durable batches
//! of 1,000 (it also prints the entries per second, and the latency of a
//! single durable append); step `record_batch` records the same stream
//! through `Ledger::record_batch`, 10,000 items a call. With `--csv PATH` it also writes the
//! pledges as `id,member,kind,stage,amount,currency,date` so other tools can
//! aggregate the same data.
//!
//! With `--export DIR` (feature `csv`) it writes `DIR/pledges.csv` (the
//! crate's own CSV export) and `DIR/rates.csv` (`currency,date,rate`, the
//! generator's rates into EUR), then times step `csv_import_query`: read
//! both files from disk, import the pledges (adding missing members and
//! sources) and answer the EUR value query by member × kind × stage, end to
//! end, then step `drop_imported`: dropping the imported ledger (not part
//! of the end-to-end figure). `../shared/bench/side_by_side.sh` runs
//! polars and DuckDB on the same files. `--steps record,journal_batch` runs only the steps named
//! (`generate` and `record` always run: the others need the ledger).
//! `--import DIR` times only `csv_import_query`, on files an earlier
//! `--export DIR` wrote (`--pledges` gives the count to divide by), in a
//! process that has done nothing else: to compare builds on the same files.
//! `--import DIR --staged` instead times the import's two stages one after
//! the other on one thread (`Importer::import_in_stages`): `csv_parse`
//! (reading and parsing every row) and `csv_record` (recording them),
//! which a normal import overlaps on two threads.

use std::io::Write;
use std::time::Instant;

use coalition_ledger::io;
use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let Arguments {
        pledges,
        csv,
        export,
        import,
        staged,
        steps,
    } = arguments()?;
    if let Some(dir) = import {
        if staged {
            return import_stages(std::path::Path::new(&dir), pledges);
        }
        return import_query(std::path::Path::new(&dir), pledges);
    }
    let wanted = |name: &str| steps.as_ref().is_none_or(|s| s.iter().any(|x| x == name));
    let generator = Generator::seeded(2025).members(60).pledges(pledges);
    let fx = generator.fx_rates();
    let n = pledges as f64;
    let step = |name: &str, seconds: f64| {
        println!(
            "step={name} n={pledges} seconds={seconds:.6} ns_per_pledge={:.2}",
            seconds * 1e9 / n.max(1.0)
        );
    };

    let rss_before = resident_bytes();
    let started = Instant::now();
    let actions = generator.actions()?;
    step("generate", started.elapsed().as_secs_f64());
    let entries = actions.len();

    let started = Instant::now();
    let mut ledger = Ledger::new();
    ledger.reserve(entries, pledges);
    for (action, provenance) in actions {
        ledger.record(action, provenance)?;
    }
    step("record", started.elapsed().as_secs_f64());
    let rss_built = resident_bytes();
    eprintln!("entries={entries}");

    // The same stream through `record_batch`, 10,000 items a call, into a
    // second ledger (built after the memory figure, and dropped).
    if wanted("record_batch") {
        let actions = generator.actions()?;
        let started = Instant::now();
        let mut batched = Ledger::new();
        batched.reserve(entries, pledges);
        let mut actions = actions.into_iter().peekable();
        while actions.peek().is_some() {
            batched.record_batch(actions.by_ref().take(10_000))?;
        }
        step("record_batch", started.elapsed().as_secs_f64());
        assert_eq!(batched.len(), ledger.len());
    }

    // The first run converts every amount once and caches the column; later
    // runs (a dashboard refreshing) reuse it, and after an append they
    // recompute the rows of the pledges that changed.
    let query = |ledger: &Ledger| {
        ledger
            .query()
            .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
            .measure(Measure::Value {
                currency: Currency::EUR,
                fx: &fx,
            })
            .run()
    };
    if wanted("query_member_kind_stage") {
        let started = Instant::now();
        let cold = query(&ledger)?;
        step(
            "query_member_kind_stage_cold",
            started.elapsed().as_secs_f64(),
        );
        let runs: u32 = std::env::var("SCALE_QUERY_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5);
        let started = Instant::now();
        for _ in 0..runs {
            let warm = query(&ledger)?;
            assert_eq!(warm, cold);
        }
        step(
            "query_member_kind_stage",
            started.elapsed().as_secs_f64() / f64::from(runs),
        );
        eprintln!("rows={} total={}", cold.rows().len(), cold.total());
        // A feed appends while a dashboard refreshes: the first query after
        // each append (the append itself is not timed).
        // (An unconditional pledge that is no backstop: a change to it cannot
        // move another pledge's verdict, so the scenario's verdicts are kept.)
        let target = ledger
            .pledges()
            .filter(|p| {
                p.conditions().is_empty()
                    && p.kind() != Kind::Backstop
                    && p.stage() != Stage::Withdrawn
            })
            .last()
            .map(|p| p.id().clone());
        if let Some(target) = target {
            let mut seconds = 0.0;
            for _ in 0..runs {
                ledger.annotate(&target, Provenance::new(Evidence::Reported))?;
                let started = Instant::now();
                query(&ledger)?;
                seconds += started.elapsed().as_secs_f64();
            }
            step("query_after_append", seconds / f64::from(runs));
        }
    }

    if wanted("query_scenario_as_of") {
        let scenario = Scenario::new().fails(Condition::Ceasefire);
        let started = Instant::now();
        let table = ledger
            .query()
            .as_of(parse_date("2024-06-30")?)
            .scenario(&scenario)
            .group_by([Dimension::Kind])
            .measure(Measure::Count)
            .run()?;
        step("query_scenario_as_of", started.elapsed().as_secs_f64());
        eprintln!("as_of_total={}", table.total());
    }

    if wanted("json_load") || wanted("json_save") {
        let started = Instant::now();
        let text = io::json::to_string(&ledger);
        step("json_save", started.elapsed().as_secs_f64());

        let started = Instant::now();
        let loaded = io::json::from_str(&text)?;
        step("json_load", started.elapsed().as_secs_f64());
        drop(text);
        drop(loaded);
    }

    if wanted("check") {
        let started = Instant::now();
        let report = ledger.check(&CheckOptions::new(parse_date("2026-12-31")?));
        step("check", started.elapsed().as_secs_f64());
        eprintln!("diagnostics={}", report.len());
    }

    // A snapshot for readers: the ledger's arrays share their full chunks,
    // so a clone copies pointers and each array's last, partly filled
    // chunk, not every entry.
    if wanted("snapshot") {
        let clones: u32 = 20;
        let started = Instant::now();
        let mut snapshots = Vec::with_capacity(clones as usize);
        for _ in 0..clones {
            snapshots.push(ledger.clone());
        }
        let per_clone = started.elapsed().as_secs_f64() / f64::from(clones);
        step("snapshot", per_clone);
        println!("snapshot_ms={:.3}", per_clone * 1e3);
        drop(snapshots);
    }

    // The same entries written durably to a journal in batches of 1,000
    // (one fsync each), then single appends (one fsync each).
    if wanted("journal_batch") {
        let dir = std::env::temp_dir().join(format!("scale-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("scale.journal");
        let mut journal = io::journal::Journal::open(&path, io::journal::Recovery::Fail)?;
        // Generated again rather than copied before `record`, so that the
        // copy does not count in the ledger's resident memory.
        let journal_actions = generator.actions()?;
        let started = Instant::now();
        let mut batch = Vec::with_capacity(1_000);
        for item in journal_actions {
            batch.push(item);
            if batch.len() == 1_000 {
                journal.append_batch(batch.drain(..))?;
            }
        }
        journal.append_batch(batch.drain(..))?;
        let seconds = started.elapsed().as_secs_f64();
        step("journal_batch", seconds);
        println!(
            "journal_batch_entries_per_second={:.0}",
            entries as f64 / seconds.max(1e-9)
        );
        let target = ledger.pledges().next().map(|p| p.id().clone());
        if let Some(pledge) = target {
            let singles: u32 = 200;
            let started = Instant::now();
            for _ in 0..singles {
                journal.annotate(&pledge, Provenance::new(Evidence::Reported))?;
            }
            let per_append = started.elapsed().as_secs_f64() / f64::from(singles);
            println!("journal_single_append_us={:.1}", per_append * 1e6);
        }
        drop(journal);
        std::fs::remove_dir_all(&dir)?;
    }

    if let Some(dir) = export {
        csv_import_query(&ledger, &fx, &dir, pledges)?;
    }

    if let Some(path) = csv {
        write_csv(&ledger, &path)?;
    }
    println!("peak_rss_bytes={}", peak_resident_bytes());
    let per_pledge = rss_built.saturating_sub(rss_before) / (pledges.max(1) as u64);
    println!("bytes_per_pledge={per_pledge}");
    Ok(())
}

/// The command line.
struct Arguments {
    pledges: usize,
    csv: Option<String>,
    export: Option<String>,
    /// Only `csv_import_query`, on the files in this folder.
    import: Option<String>,
    /// With `--import`: the import's two stages one after the other on
    /// one thread, timed apart.
    staged: bool,
    /// Only these steps, when given.
    steps: Option<Vec<String>>,
}

fn arguments() -> std::result::Result<Arguments, Box<dyn std::error::Error>> {
    let mut parsed = Arguments {
        pledges: 100_000,
        csv: None,
        export: None,
        import: None,
        staged: false,
        steps: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pledges" => {
                parsed.pledges = args
                    .next()
                    .ok_or("--pledges needs a number")?
                    .replace('_', "")
                    .parse()?
            }
            "--csv" => parsed.csv = Some(args.next().ok_or("--csv needs a path")?),
            "--export" => parsed.export = Some(args.next().ok_or("--export needs a folder")?),
            "--import" => parsed.import = Some(args.next().ok_or("--import needs a folder")?),
            "--staged" => parsed.staged = true,
            "--steps" => {
                let list = args.next().ok_or("--steps needs a list")?;
                parsed.steps = Some(list.split(',').map(str::to_owned).collect());
            }
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    Ok(parsed)
}

/// Writes `DIR/pledges.csv` and `DIR/rates.csv`, then times reading them
/// back, importing and answering the EUR value query, end to end.
#[cfg(feature = "csv")]
fn csv_import_query(
    ledger: &Ledger,
    fx: &FxRates,
    dir: &str,
    pledges: usize,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("pledges.csv"))?);
    io::csv::export(ledger, &mut out)?;
    out.flush()?;
    drop(out);
    let rates = std::io::BufWriter::new(std::fs::File::create(dir.join("rates.csv"))?);
    io::rates::write_fx_csv(fx, rates)?;
    import_query(dir, pledges)
}

/// Times step `csv_import_query` on `DIR/pledges.csv` and `DIR/rates.csv`:
/// read both, import the pledges and answer the EUR value query.
#[cfg(feature = "csv")]
fn import_query(
    dir: &std::path::Path,
    pledges: usize,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let rates = std::fs::File::open(dir.join("rates.csv"))?;
    let fx = io::rates::read_fx_csv(rates, Currency::EUR, RatePolicy::LatestOnOrBefore)?;
    // Read as it is imported: the importer reads its input a piece at a
    // time into a buffer of its own, so the file is not first copied whole
    // into memory (75 ms for the 113 MB of a million rows).
    let pledges_file = std::fs::File::open(dir.join("pledges.csv"))?;
    let imported = io::csv::Importer::new()
        .add_missing_members(true)
        .add_missing_sources(true)
        .import(pledges_file)?;
    let imported_at = started.elapsed().as_secs_f64();
    let table = imported
        .query()
        .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "step=csv_import_query n={pledges} seconds={seconds:.6} ns_per_pledge={:.2}",
        seconds * 1e9 / (pledges.max(1) as f64)
    );
    eprintln!(
        "csv_rows={} total={} (import {imported_at:.3} s, query {:.3} s)",
        table.rows().len(),
        table.total(),
        seconds - imported_at
    );
    // What a program pays when it is done with the ledger: every pledge
    // body, id and source list goes back to the allocator.
    let started = Instant::now();
    drop(imported);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "step=drop_imported n={pledges} seconds={seconds:.6} ns_per_pledge={:.2}",
        seconds * 1e9 / (pledges.max(1) as f64)
    );
    Ok(())
}

/// Times the import of `DIR/pledges.csv` in its two stages, one after
/// the other on this thread: `step=csv_parse` (reading and parsing every
/// row) and `step=csv_record` (recording them), which a normal import
/// overlaps on two threads.
#[cfg(feature = "csv")]
fn import_stages(
    dir: &std::path::Path,
    pledges: usize,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read(dir.join("pledges.csv"))?;
    let staged = io::csv::Importer::new()
        .add_missing_members(true)
        .add_missing_sources(true)
        .import_in_stages(&text[..]);
    let ledger = staged.ledger?;
    for (name, took) in [
        ("csv_parse", staged.parsing),
        ("csv_record", staged.recording),
    ] {
        let seconds = took.as_secs_f64();
        println!(
            "step={name} n={pledges} seconds={seconds:.6} ns_per_pledge={:.2}",
            seconds * 1e9 / (pledges.max(1) as f64)
        );
    }
    eprintln!("entries={}", ledger.len());
    Ok(())
}

#[cfg(not(feature = "csv"))]
fn import_stages(
    _: &std::path::Path,
    _: usize,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    Err("--import needs feature `csv`".into())
}

#[cfg(not(feature = "csv"))]
fn import_query(
    _: &std::path::Path,
    _: usize,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    Err("--import needs feature `csv`".into())
}

#[cfg(not(feature = "csv"))]
fn csv_import_query(
    _: &Ledger,
    _: &FxRates,
    _: &str,
    _: usize,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    Err("--export needs feature `csv`".into())
}

/// The flat table other tools can aggregate: the pledged value of pledges
/// that have one (exact amounts only; others leave `amount` empty).
fn write_csv(ledger: &Ledger, path: &str) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "id,member,kind,stage,amount,currency,date")?;
    for p in ledger.pledges() {
        let amount = match p.contribution() {
            Contribution::Funding {
                amount: Estimate::Exact(m),
            } => Some(*m),
            Contribution::Equipment {
                value: Some(Estimate::Exact(m)),
                ..
            } => Some(*m),
            _ => None,
        };
        let date = p
            .dates()
            .pledge_date()
            .map(|d| d.to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            p.id(),
            p.member(),
            p.kind(),
            p.stage(),
            amount.map(|m| m.amount().to_string()).unwrap_or_default(),
            amount.map(|m| m.currency().to_string()).unwrap_or_default(),
            date
        )?;
    }
    out.flush()
}

fn status_field(name: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb * 1024)
}

fn resident_bytes() -> u64 {
    status_field("VmRSS:")
}

fn peak_resident_bytes() -> u64 {
    status_field("VmHWM:")
}
