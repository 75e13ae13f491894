//! Parquet files read back with the `parquet` crate's own reader, value by
//! value, against what the ledger says.
#![cfg(feature = "parquet")]

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::path::PathBuf;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use coalition_ledger::io::parquet as pq;
use coalition_ledger::testing::Generator;
use coalition_ledger::*;
use common::*;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// A file written by `write`, read back whole, with its key-value metadata.
fn round_trip(
    name: &str,
    write: impl FnOnce(File) -> Result<()>,
) -> (RecordBatch, HashMap<String, String>) {
    let path: PathBuf = std::env::temp_dir().join(format!(
        "coalition-ledger-{}-{name}.parquet",
        std::process::id()
    ));
    write(File::create(&path).expect("temp file")).expect("written");
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).expect("opens"))
        .expect("a Parquet file");
    let metadata: HashMap<String, String> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder
        .build()
        .expect("reader")
        .collect::<std::result::Result<_, _>>()
        .expect("batches");
    let _ = std::fs::remove_file(&path);
    let batch = arrow_select_concat(&schema, &batches);
    (batch, metadata)
}

fn arrow_select_concat(schema: &arrow_schema::SchemaRef, batches: &[RecordBatch]) -> RecordBatch {
    match batches {
        [one] => one.clone(),
        [] => RecordBatch::new_empty(schema.clone()),
        _ => panic!("one batch expected for these small files"),
    }
}

fn text(batch: &RecordBatch, column: &str, row: usize) -> Option<String> {
    let array = batch
        .column_by_name(column)
        .expect(column)
        .as_string::<i32>();
    array.is_valid(row).then(|| array.value(row).to_string())
}

fn decimal(batch: &RecordBatch, column: &str, row: usize) -> Option<Decimal> {
    let array = batch
        .column_by_name(column)
        .expect(column)
        .as_primitive::<Decimal128Type>();
    let DataType::Decimal128(38, scale) = array.data_type() else {
        panic!("{column} is not Decimal128(38, _)");
    };
    let scale = u32::try_from(*scale).expect("non-negative scale");
    array.is_valid(row).then(|| {
        // The file's common scale may give a mantissa wider than a
        // `Decimal` holds: drop trailing zeros first (exactly).
        let (mut mantissa, mut scale) = (array.value(row), scale);
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Decimal::try_from_i128_with_scale(mantissa, scale).expect("a Decimal value")
    })
}

fn date(batch: &RecordBatch, column: &str, row: usize) -> Option<NaiveDate> {
    let array = batch
        .column_by_name(column)
        .expect(column)
        .as_primitive::<Date32Type>();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    array
        .is_valid(row)
        .then(|| epoch + chrono::Days::new(u64::try_from(array.value(row)).expect("after 1970")))
}

fn list(batch: &RecordBatch, column: &str, row: usize) -> Vec<String> {
    let array = batch.column_by_name(column).expect(column).as_list::<i32>();
    let values = array.value(row);
    let strings = values.as_string::<i32>();
    (0..strings.len())
        .map(|i| strings.value(i).to_string())
        .collect()
}

fn unsigned(batch: &RecordBatch, column: &str, row: usize) -> Option<u64> {
    let array = batch
        .column_by_name(column)
        .expect(column)
        .as_primitive::<UInt64Type>();
    array.is_valid(row).then(|| array.value(row))
}

fn boolean(batch: &RecordBatch, column: &str, row: usize) -> Option<bool> {
    let array = batch.column_by_name(column).expect(column).as_boolean();
    array.is_valid(row).then(|| array.value(row))
}

/// Sizes as the crate spells them: estimate name, low, high.
fn expected_size(
    contribution: &Contribution,
) -> (
    Option<&'static str>,
    Option<Decimal>,
    Option<Decimal>,
    Option<String>,
) {
    fn of<T>(
        e: &Estimate<T>,
        f: impl Fn(&T) -> Decimal,
    ) -> (Option<&'static str>, Option<Decimal>, Option<Decimal>) {
        match e {
            Estimate::Exact(v) => (Some("exact"), Some(f(v)), Some(f(v))),
            Estimate::Range { low, high } => (Some("range"), Some(f(low)), Some(f(high))),
            Estimate::AtLeast(v) => (Some("at_least"), Some(f(v)), None),
            Estimate::Unspecified => (Some("unspecified"), None, None),
        }
    }
    let currency = |e: &Estimate<Money>| match e {
        Estimate::Exact(v) | Estimate::AtLeast(v) | Estimate::Range { low: v, .. } => {
            Some(v.currency().to_string())
        }
        _ => None,
    };
    match contribution {
        Contribution::Troops { personnel } => {
            let (e, l, h) = of(personnel, |v| Decimal::from(*v));
            (e, l, h, None)
        }
        Contribution::Equipment { units, value, .. } => {
            let (e, l, h) = of(units, |v| Decimal::from(*v));
            (e, l, h, value.as_ref().and_then(currency))
        }
        Contribution::Funding { amount } => {
            let (e, l, h) = of(amount, Money::amount);
            (e, l, h, currency(amount))
        }
        _ => (None, None, None, None),
    }
}

fn check_pledges(ledger: &Ledger, name: &str) {
    let (batch, metadata) = round_trip(name, |f| pq::write_pledges(ledger, f));
    assert_eq!(batch.num_rows(), ledger.pledge_count());
    assert!(metadata.contains_key("coalition_ledger.scale"));
    for (row, pledge) in ledger.pledges().enumerate() {
        assert_eq!(
            text(&batch, "id", row).as_deref(),
            Some(pledge.id().as_str())
        );
        assert_eq!(
            text(&batch, "member", row).as_deref(),
            Some(pledge.member().as_str())
        );
        assert_eq!(text(&batch, "kind", row), Some(pledge.kind().to_string()));
        assert_eq!(text(&batch, "stage", row), Some(pledge.stage().to_string()));
        assert_eq!(
            text(&batch, "evidence", row),
            Some(pledge.evidence().to_string())
        );
        assert_eq!(
            text(&batch, "category", row),
            pledge.category().map(|c| c.to_string())
        );
        let (estimate, low, high, currency) = expected_size(pledge.contribution());
        assert_eq!(
            text(&batch, "estimate", row).as_deref(),
            estimate,
            "{}",
            pledge.id()
        );
        assert_eq!(decimal(&batch, "low", row), low, "{}", pledge.id());
        assert_eq!(decimal(&batch, "high", row), high, "{}", pledge.id());
        assert_eq!(text(&batch, "currency", row), currency);
        if let Contribution::Equipment {
            value: Some(value), ..
        } = pledge.contribution()
        {
            let (estimate, low, high, _) = expected_size(&Contribution::Funding { amount: *value });
            assert_eq!(text(&batch, "value_estimate", row).as_deref(), estimate);
            assert_eq!(decimal(&batch, "value_low", row), low);
            assert_eq!(decimal(&batch, "value_high", row), high);
        } else {
            assert_eq!(text(&batch, "value_estimate", row), None);
        }
        if let Contribution::Backstop { capability } = pledge.contribution() {
            assert_eq!(
                text(&batch, "capability", row),
                Some(capability.to_string())
            );
        }
        assert_eq!(decimal(&batch, "delivered", row), Some(pledge.delivered()));
        assert_eq!(date(&batch, "date", row), pledge.dates().pledge_date());
        assert_eq!(
            text(&batch, "date_as_recorded", row),
            pledge.period().map(|p| p.to_string())
        );
        assert_eq!(
            boolean(&batch, "conditional", row),
            Some(pledge.is_conditional())
        );
        let conditions: Vec<String> = pledge
            .conditions()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(list(&batch, "conditions", row), conditions);
        let sources: Vec<String> = pledge.sources().iter().map(ToString::to_string).collect();
        assert_eq!(list(&batch, "sources", row), sources);
        assert_eq!(text(&batch, "location", row).as_deref(), pledge.location());
        assert_eq!(text(&batch, "notes", row).as_deref(), pledge.notes());
        assert_eq!(
            text(&batch, "withdrawal_reason", row).as_deref(),
            pledge.withdrawal_reason()
        );
        assert_eq!(
            text(&batch, "void_reason", row).as_deref(),
            pledge.void_reason()
        );
        let dates = pledge.dates();
        assert_eq!(date(&batch, "date_committed", row), dates.committed);
        assert_eq!(date(&batch, "date_withdrawn", row), dates.withdrawn);
        assert_eq!(date(&batch, "date_last_delivery", row), dates.last_delivery);
    }
}

#[test]
fn pledges_read_back_value_for_value() {
    check_pledges(&fixtures::paris_summit(), "paris-pledges");
    check_pledges(
        &Generator::seeded(2)
            .members(8)
            .pledges(300)
            .ledger()
            .expect("generated"),
        "generated-pledges",
    );
}

/// A voided pledge was recorded in error and counts nowhere: the pledges
/// file says so, so that a sum in another engine can leave it out, and the
/// history keeps the void's reason beside a withdrawal's.
#[test]
fn a_voided_pledge_is_marked_with_its_reason() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        troops("T1", "FRA", Estimate::Exact(100)),
        reported("2025-01-01"),
    )?;
    ledger.open_pledge(
        troops("T2", "GBR", Estimate::Exact(300)),
        reported("2025-01-03"),
    )?;
    ledger.record(
        Action::Void {
            pledge: pid("T2"),
            reason: "imported twice".into(),
        },
        reported("2025-05-01"),
    )?;
    check_pledges(&ledger, "voided-pledges");
    let (pledges, _) = round_trip("voided-reasons", |f| pq::write_pledges(&ledger, f));
    let reasons: Vec<Option<String>> = (0..pledges.num_rows())
        .map(|row| text(&pledges, "void_reason", row))
        .collect();
    assert_eq!(reasons, [None, Some("imported twice".to_string())]);
    let (entries, _) = round_trip("voided-entries", |f| pq::write_entries(&ledger, f));
    let last = entries.num_rows() - 1;
    assert_eq!(text(&entries, "action", last).as_deref(), Some("void"));
    assert_eq!(
        text(&entries, "reason", last).as_deref(),
        Some("imported twice")
    );
    Ok(())
}

/// The README's DuckDB query over the pledges file (`WHERE void_reason IS
/// NULL AND stage <> 'withdrawn'`, summing `low`) gives the crate's own
/// total; without the stage filter it counted withdrawn pledges.
#[test]
fn the_readme_query_over_the_pledges_file_gives_the_crate_total() -> Result<()> {
    let mut ledger = roster();
    for (id, member, size) in [("A", "FRA", 10), ("B", "FRA", 5), ("C", "GBR", 7)] {
        ledger.open_pledge(
            troops(id, member, Estimate::Exact(size)),
            reported("2025-01-01"),
        )?;
    }
    ledger.withdraw(&pid("B"), "talks collapsed", reported("2025-02-01"))?;
    ledger.record(
        Action::Void {
            pledge: pid("C"),
            reason: "imported twice".into(),
        },
        reported("2025-02-01"),
    )?;
    let crate_total = ledger
        .query()
        .measure(Measure::Personnel)
        .run()?
        .total()
        .low();
    let (pledges, _) = round_trip("readme-query", |f| pq::write_pledges(&ledger, f));
    let mut sum = Decimal::ZERO;
    for row in 0..pledges.num_rows() {
        let counted = text(&pledges, "void_reason", row).is_none()
            && text(&pledges, "stage", row).as_deref() != Some("withdrawn");
        if let (true, Some(low)) = (counted, decimal(&pledges, "low", row)) {
            sum = sum.checked_add(low).expect("small");
        }
    }
    assert_eq!(sum, crate_total);
    assert_eq!(crate_total, dec("10"));
    Ok(())
}

#[test]
fn entries_read_back_value_for_value_with_their_provenance() {
    let ledger = Generator::seeded(6)
        .members(6)
        .pledges(150)
        .ledger()
        .expect("generated");
    let (batch, _) = round_trip("entries", |f| pq::write_entries(&ledger, f));
    assert_eq!(batch.num_rows(), ledger.len());
    for (row, entry) in ledger.entries().enumerate() {
        assert_eq!(unsigned(&batch, "sequence", row), Some(entry.sequence()));
        assert_eq!(
            text(&batch, "action", row).as_deref(),
            Some(entry.action().name())
        );
        assert_eq!(
            text(&batch, "pledge", row).as_deref(),
            entry.action().pledge().map(|p| p.as_str())
        );
        assert_eq!(date(&batch, "date", row), entry.date());
        assert_eq!(
            text(&batch, "date_as_recorded", row),
            entry.period().map(|p| p.to_string())
        );
        assert_eq!(
            text(&batch, "evidence", row),
            Some(entry.evidence().to_string())
        );
        let sources: Vec<String> = entry.sources().iter().map(ToString::to_string).collect();
        assert_eq!(list(&batch, "sources", row), sources);
        assert_eq!(
            text(&batch, "client_key", row).as_deref(),
            entry.client_key().map(|k| k.as_str())
        );
        match entry.action() {
            Action::Deliver {
                quantity,
                currency,
                correction,
                ..
            } => {
                assert_eq!(decimal(&batch, "quantity", row), Some(*quantity));
                assert_eq!(
                    text(&batch, "currency", row),
                    currency.map(|c| c.to_string())
                );
                assert_eq!(boolean(&batch, "correction", row), Some(*correction));
            }
            Action::Withdraw { reason, .. } | Action::Void { reason, .. } => {
                assert_eq!(text(&batch, "reason", row).as_deref(), Some(&**reason));
            }
            Action::Advance { stage, .. } => {
                assert_eq!(text(&batch, "stage", row), Some(stage.to_string()));
            }
            _ => assert_eq!(decimal(&batch, "quantity", row), None),
        }
        let json = text(&batch, "entry_json", row).expect("every entry has its JSON");
        let back: Entry = serde_json::from_str(&json).expect("the JSON form loads");
        assert_eq!(back, entry);
    }
}

#[test]
fn query_tables_read_back_with_their_total_and_notes() -> Result<()> {
    let generator = Generator::seeded(8).members(6).pledges(200);
    let ledger = generator.ledger()?;
    let fx = generator.fx_rates();
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .basis(Basis::Outstanding)
        .leave_out_unconvertible(true)
        .group_by([Dimension::Member, Dimension::Quarter])
        .run()?;
    let (batch, metadata) = round_trip("table", |f| pq::write_table(&table, f));
    assert_eq!(batch.num_rows(), table.rows().len());
    for (row, r) in table.rows().enumerate() {
        assert_eq!(text(&batch, "member", row), Some(r.keys()[0].to_string()));
        assert_eq!(text(&batch, "quarter", row), Some(r.keys()[1].to_string()));
        assert_eq!(decimal(&batch, "low", row), Some(r.total().low()));
        assert_eq!(decimal(&batch, "high", row), r.total().high());
        assert_eq!(unsigned(&batch, "count", row), Some(r.total().count()));
        assert_eq!(
            unsigned(&batch, "unspecified", row),
            Some(r.total().unspecified())
        );
        assert_eq!(
            boolean(&batch, "rounded", row),
            Some(r.total().is_rounded())
        );
        assert_eq!(text(&batch, "currency", row).as_deref(), Some("EUR"));
    }
    let total = table.total();
    assert_eq!(
        metadata["coalition_ledger.total_low"],
        total.low().to_string()
    );
    assert_eq!(
        metadata["coalition_ledger.total_high"],
        total.high().map_or_else(String::new, |h| h.to_string())
    );
    assert_eq!(
        metadata["coalition_ledger.total_count"],
        total.count().to_string()
    );
    assert_eq!(metadata["coalition_ledger.basis"], "outstanding");
    assert_eq!(
        metadata["coalition_ledger.left_out"],
        table.left_out().to_string()
    );
    Ok(())
}

#[test]
fn files_are_deterministic_and_empty_ledgers_keep_their_schema() -> Result<()> {
    let ledger = fixtures::paris_summit();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    pq::write_pledges(&ledger, &mut a)?;
    pq::write_pledges(&ledger, &mut b)?;
    assert_eq!(a, b);
    let (batch, _) = round_trip("empty", |f| pq::write_pledges(&Ledger::new(), f));
    assert_eq!(batch.num_rows(), 0);
    assert!(batch.column_by_name("low").is_some());
    assert!(matches!(
        batch
            .schema()
            .field_with_name("date")
            .map(|f| f.data_type().clone()),
        Ok(DataType::Date32)
    ));
    Ok(())
}

#[test]
fn an_amount_too_wide_for_decimal128_at_the_files_scale_is_an_error_naming_it() -> Result<()> {
    let mut ledger = roster();
    // 28 integer digits, and another amount with 11 decimal places: at
    // scale 11 the first needs 39 digits, more than Decimal128 holds.
    ledger.open_pledge(
        funding(
            "FRA-big",
            "FRA",
            Estimate::Exact(eur("1000000000000000000000000000")),
        ),
        reported("2025-01-01"),
    )?;
    ledger.open_pledge(
        funding("GBR-fine", "GBR", Estimate::Exact(eur("0.00000000001"))),
        reported("2025-01-01"),
    )?;
    let err = pq::write_pledges(&ledger, Vec::new()).unwrap_err();
    assert!(err.is_overflow(), "{err}");
    assert!(err.to_string().contains("pledge `FRA-big`"), "{err}");
    Ok(())
}

/// A constant-price table's file says its base year in the metadata; a
/// table of any other measure keeps the keys it always had.
#[test]
fn a_constant_price_table_file_says_its_base_year() -> Result<()> {
    let prices = ConstantPrices::new()?;
    let real = prices.table(2025)?;
    let (_, metadata) = round_trip("real", |f| pq::write_table(&real, f));
    assert_eq!(
        metadata
            .get("coalition_ledger.base_year")
            .map(String::as_str),
        Some("2025")
    );
    let nominal = prices
        .ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &prices.fx,
        })
        .run()?;
    let (_, metadata) = round_trip("nominal", |f| pq::write_table(&nominal, f));
    assert!(!metadata.contains_key("coalition_ledger.base_year"));
    Ok(())
}
