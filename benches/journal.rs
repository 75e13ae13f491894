//! Criterion benchmarks of the durable journal.
//!
//! ```text
//! cargo bench --features testing --bench journal
//! ```
//!
//! `journal_batch`: 10k generated pledges (about 29k entries) written in
//! durable batches of 1,000 (one fsync each), throughput in entries.
//! `journal_append`: one durable single append (one fsync). `snapshot`: one
//! `Ledger::clone` of a 100k-pledge ledger.

use std::hint::black_box;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::testing::Generator;
use coalition_ledger::*;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("cl-bench-{name}-{}", std::process::id()))
}

fn journal_batch(c: &mut Criterion) {
    let actions = Generator::seeded(2025)
        .members(60)
        .pledges(10_000)
        .actions()
        .expect("valid");
    let mut group = c.benchmark_group("journal_batch");
    group.sample_size(10);
    group.throughput(Throughput::Elements(actions.len() as u64));
    let path = temp_path("batch");
    group.bench_function("10k_pledges_batches_of_1000", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&path);
                actions.clone()
            },
            |actions| {
                let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
                for chunk in actions.chunks(1_000) {
                    journal
                        .append_batch(chunk.iter().cloned())
                        .expect("valid batch");
                }
                black_box(journal.ledger().len())
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
    let _ = std::fs::remove_file(&path);
}

fn journal_append(c: &mut Criterion) {
    let path = temp_path("append");
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .add_member(Member::new(MemberId::new("FRA").expect("id"), "France"))
        .expect("adds");
    let pledge = PledgeId::new("FRA-1").expect("id");
    journal
        .open_pledge(
            NewPledge::new(
                pledge.clone(),
                MemberId::new("FRA").expect("id"),
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
            ),
            Provenance::new(Evidence::Reported),
        )
        .expect("opens");
    let mut group = c.benchmark_group("journal_append");
    group.sample_size(20);
    group.bench_function("single_durable_append", |b| {
        b.iter(|| {
            journal
                .annotate(&pledge, Provenance::new(Evidence::Reported))
                .expect("appends")
        });
    });
    group.finish();
    drop(journal);
    let _ = std::fs::remove_file(&path);
}

fn snapshot(c: &mut Criterion) {
    let ledger = Generator::seeded(2025)
        .members(60)
        .pledges(100_000)
        .ledger()
        .expect("valid");
    let mut group = c.benchmark_group("snapshot");
    group.bench_function("clone_100k_pledges", |b| {
        b.iter(|| black_box(ledger.clone()))
    });
    group.finish();
}

criterion_group!(benches, journal_batch, journal_append, snapshot);
criterion_main!(benches);
