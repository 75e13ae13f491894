//! Criterion benchmarks over generated ledgers.
//!
//! ```text
//! cargo bench --features testing,csv
//! ```
//!
//! Sizes are 10k and 100k pledges (about 3 entries each); the 1M figures in
//! the README come from `examples/scale.rs`, which one run of which takes
//! seconds rather than the minutes criterion's sampling would.

use std::hint::black_box;

use coalition_ledger::testing::Generator;
use coalition_ledger::*;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 2] = [10_000, 100_000];

fn generator(pledges: usize) -> Generator {
    Generator::seeded(2025).members(60).pledges(pledges)
}

fn record(c: &mut Criterion) {
    let mut group = c.benchmark_group("record");
    group.sample_size(10);
    for pledges in SIZES {
        let actions = generator(pledges).actions().expect("valid");
        group.throughput(Throughput::Elements(actions.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(pledges),
            &actions,
            |b, actions| {
                b.iter_batched(
                    || actions.clone(),
                    |actions| {
                        let mut ledger = Ledger::new();
                        ledger.reserve(actions.len(), pledges);
                        for (action, provenance) in actions {
                            ledger.record(action, provenance).expect("valid");
                        }
                        ledger
                    },
                    BatchSize::LargeInput,
                );
            },
        );
        // The same stream through `record_batch`, 10,000 items a call (as
        // the scale example's step `record_batch`).
        group.bench_with_input(
            BenchmarkId::new("batch", pledges),
            &actions,
            |b, actions| {
                b.iter_batched(
                    || actions.clone(),
                    |actions| {
                        let mut ledger = Ledger::new();
                        ledger.reserve(actions.len(), pledges);
                        let mut actions = actions.into_iter().peekable();
                        while actions.peek().is_some() {
                            ledger
                                .record_batch(actions.by_ref().take(10_000))
                                .expect("valid");
                        }
                        ledger
                    },
                    BatchSize::LargeInput,
                );
            },
        );
    }
    group.finish();
}

fn json(c: &mut Criterion) {
    let mut group = c.benchmark_group("json");
    group.sample_size(10);
    for pledges in SIZES {
        let ledger = generator(pledges).ledger().expect("valid");
        let text = io::json::to_string(&ledger);
        group.throughput(Throughput::Elements(ledger.len() as u64));
        group.bench_with_input(BenchmarkId::new("save", pledges), &ledger, |b, l| {
            b.iter(|| io::json::to_string(black_box(l)))
        });
        group.bench_with_input(BenchmarkId::new("load", pledges), &text, |b, t| {
            b.iter(|| io::json::from_str(black_box(t)).expect("loads"))
        });
    }
    group.finish();
}

fn query(c: &mut Criterion) {
    let mut group = c.benchmark_group("query");
    group.sample_size(20);
    for pledges in SIZES {
        let generator = generator(pledges);
        let ledger = generator.ledger().expect("valid");
        let fx = generator.fx_rates();
        group.throughput(Throughput::Elements(pledges as u64));
        group.bench_function(
            BenchmarkId::new("member_kind_stage_value_eur", pledges),
            |b| {
                b.iter(|| {
                    ledger
                        .query()
                        .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                        .measure(Measure::Value {
                            currency: Currency::EUR,
                            fx: &fx,
                        })
                        .run()
                        .expect("runs")
                });
            },
        );
        // The first query on a ledger: every amount converted, the
        // scenario evaluated (a clone starts with nothing derived).
        group.bench_function(
            BenchmarkId::new("member_kind_stage_value_eur_cold", pledges),
            |b| {
                b.iter_batched(
                    || ledger.clone(),
                    |fresh| {
                        fresh
                            .query()
                            .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                            .measure(Measure::Value {
                                currency: Currency::EUR,
                                fx: &fx,
                            })
                            .run()
                            .expect("runs")
                    },
                    BatchSize::LargeInput,
                );
            },
        );
        // The first query after an append: a dashboard refreshing while
        // a feed writes (the query before it and the append are in the
        // setup, not timed).
        let target = ledger.pledges().next().map(|p| p.id().clone());
        if let Some(target) = target {
            group.bench_function(
                BenchmarkId::new("member_kind_stage_value_eur_after_append", pledges),
                |b| {
                    b.iter_batched(
                        || {
                            let mut appended = ledger.clone();
                            appended
                                .query()
                                .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                                .measure(Measure::Value {
                                    currency: Currency::EUR,
                                    fx: &fx,
                                })
                                .run()
                                .expect("runs");
                            appended
                                .annotate(&target, Provenance::new(Evidence::Reported))
                                .expect("annotates");
                            appended
                        },
                        |appended| {
                            appended
                                .query()
                                .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                                .measure(Measure::Value {
                                    currency: Currency::EUR,
                                    fx: &fx,
                                })
                                .run()
                                .expect("runs")
                        },
                        BatchSize::LargeInput,
                    );
                },
            );
        }
        let scenario = Scenario::new().fails(Condition::Ceasefire);
        let date = parse_date("2024-06-30").expect("valid");
        group.bench_function(BenchmarkId::new("scenario_as_of", pledges), |b| {
            b.iter(|| {
                ledger
                    .query()
                    .as_of(date)
                    .scenario(&scenario)
                    .group_by([Dimension::Kind])
                    .run()
                    .expect("runs")
            });
        });
    }
    group.finish();
}

fn check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for pledges in SIZES {
        let ledger = generator(pledges).ledger().expect("valid");
        let options = CheckOptions::new(parse_date("2026-12-31").expect("valid"));
        group.throughput(Throughput::Elements(pledges as u64));
        group.bench_function(BenchmarkId::from_parameter(pledges), |b| {
            b.iter(|| ledger.check(black_box(&options)))
        });
    }
    group.finish();
}

#[cfg(feature = "csv")]
fn csv_import(c: &mut Criterion) {
    let mut group = c.benchmark_group("csv_import");
    group.sample_size(10);
    for pledges in SIZES {
        let ledger = generator(pledges).ledger().expect("valid");
        let mut text = Vec::new();
        io::csv::export(&ledger, &mut text).expect("exports");
        let importer = io::csv::Importer::new()
            .add_missing_members(true)
            .add_missing_sources(true);
        group.throughput(Throughput::Elements(pledges as u64));
        group.bench_with_input(BenchmarkId::from_parameter(pledges), &text, |b, t| {
            b.iter(|| importer.import(&t[..]).expect("imports"))
        });
        // End to end, as `examples/scale --export` times it against polars
        // and DuckDB: import, then the EUR value query.
        let fx = generator(pledges).fx_rates();
        group.bench_with_input(BenchmarkId::new("then_query", pledges), &text, |b, t| {
            b.iter(|| {
                importer
                    .import(&t[..])
                    .expect("imports")
                    .query()
                    .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
                    .measure(Measure::Value {
                        currency: Currency::EUR,
                        fx: &fx,
                    })
                    .run()
                    .expect("runs")
            })
        });
    }
    group.finish();
}

#[cfg(not(feature = "csv"))]
fn csv_import(_: &mut Criterion) {}

criterion_group!(benches, record, json, query, check, csv_import);
criterion_main!(benches);
