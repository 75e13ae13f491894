//! Measures the ledger at scale.
//!
//! ```text
//! cargo run --release --features testing --example scale -- --pledges N [--csv PATH]
//! ```
//!
//! Generates N pledges (about 3 entries each) and prints one line per step:
//! `step=<name> n=<pledges> seconds=<float> ns_per_pledge=<float>`, then
//! `peak_rss_bytes=<int>` and `bytes_per_pledge=<int>` (resident memory of
//! the built ledger divided by N). Step `snapshot` is one `Ledger::clone`;
//! step `journal_batch` writes every entry to a journal in durable batches
//! of 1,000 (it also prints the entries per second, and the latency of a
//! single durable append). With `--csv PATH` it also writes the
//! pledges as `id,member,kind,stage,amount,currency,date` so other tools can
//! aggregate the same data.

use std::io::Write;
use std::time::Instant;

use coalition_ledger::io;
use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let (pledges, csv) = arguments()?;
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

    let journal_actions = actions.clone();
    let started = Instant::now();
    let mut ledger = Ledger::new();
    ledger.reserve(entries, pledges);
    for (action, provenance) in actions {
        ledger.record(action, provenance)?;
    }
    step("record", started.elapsed().as_secs_f64());
    let rss_built = resident_bytes();
    eprintln!("entries={entries}");

    // The first run converts every amount once and caches the column; later
    // runs (a dashboard refreshing) reuse it until the ledger changes.
    let query = || {
        ledger
            .query()
            .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
            .measure(Measure::Value {
                currency: Currency::EUR,
                fx: &fx,
            })
            .run()
    };
    let started = Instant::now();
    let cold = query()?;
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
        let warm = query()?;
        assert_eq!(warm, cold);
    }
    step(
        "query_member_kind_stage",
        started.elapsed().as_secs_f64() / f64::from(runs),
    );
    eprintln!("rows={} total={}", cold.rows().len(), cold.total());

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

    let started = Instant::now();
    let text = io::json::to_string(&ledger);
    step("json_save", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let loaded = io::json::from_str(&text)?;
    step("json_load", started.elapsed().as_secs_f64());
    drop(text);
    drop(loaded);

    let started = Instant::now();
    let report = ledger.check(&CheckOptions::new(parse_date("2026-12-31")?));
    step("check", started.elapsed().as_secs_f64());
    eprintln!("diagnostics={}", report.len());

    // A snapshot for readers: the ledger's arrays share immutable chunks,
    // so a clone copies pointers, not entries.
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

    // The same entries written durably to a journal in batches of 1,000
    // (one fsync each), then single appends (one fsync each).
    let dir = std::env::temp_dir().join(format!("scale-journal-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("scale.journal");
    let mut journal = io::journal::Journal::open(&path, io::journal::Recovery::Fail)?;
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

    if let Some(path) = csv {
        write_csv(&ledger, &path)?;
    }
    println!("peak_rss_bytes={}", peak_resident_bytes());
    let per_pledge = rss_built.saturating_sub(rss_before) / (pledges.max(1) as u64);
    println!("bytes_per_pledge={per_pledge}");
    Ok(())
}

fn arguments() -> std::result::Result<(usize, Option<String>), Box<dyn std::error::Error>> {
    let mut pledges = 100_000;
    let mut csv = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pledges" => {
                pledges = args
                    .next()
                    .ok_or("--pledges needs a number")?
                    .replace('_', "")
                    .parse()?
            }
            "--csv" => csv = Some(args.next().ok_or("--csv needs a path")?),
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    Ok((pledges, csv))
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
