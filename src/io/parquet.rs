//! Parquet files for the engines analysts use (feature `parquet`): polars,
//! `DuckDB`, `DataFusion` and Spark read them unchanged.
//!
//! Three tables, each a file:
//!
//! * [`write_pledges`]: one row per pledge in its current state;
//! * [`write_entries`]: the full history, one row per entry, with its
//!   provenance (date as recorded, evidence, sources, client key) and the
//!   entry itself as its JSON document form;
//! * [`write_table`]: any query [`Table`], one row per row, with the grand
//!   total and what the table left out in the file's key-value metadata.
//!
//! Types are exact: every amount is a `Decimal128(38, s)` whose scale `s`
//! is the smallest that holds every amount of the file exactly (it is in
//! the schema, and in the metadata as `coalition_ledger.scale`), with the
//! currency in its own column; dates are `Date32`; names (kind, stage,
//! evidence, ...) are strings with the crate's one spelling; lists (sources,
//! conditions) are lists of strings. An amount that needs more than 38
//! digits at the file's scale is an error naming it, never a rounded value.
//! Files are written without compression codecs (readers need none) and are
//! the same bytes for the same ledger.
//!
//! Loading them:
//!
//! ```text
//! # polars
//! import polars as pl
//! pledges = pl.read_parquet("pledges.parquet")
//! -- DuckDB
//! SELECT member, sum(low) FROM 'pledges.parquet'
//! WHERE void_reason IS NULL AND stage <> 'withdrawn' GROUP BY member;
//! ```

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, ListBuilder, StringBuilder, UInt64Builder,
};
use arrow_array::{Array as _, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use rust_decimal::Decimal;

use crate::entry::{Action, Entry};
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::ledger::{Ledger, Pledge};
use crate::money::Money;
use crate::pledge::Contribution;
use crate::query::Table;

/// Largest precision of a `Decimal128`.
const PRECISION: u8 = 38;

/// Writes every pledge in its current state.
///
/// | column | type |
/// |---|---|
/// | `id`, `member`, `kind`, `stage`, `evidence` | string |
/// | `category`, `capability`, `location`, `notes`, `withdrawal_reason`, `adjusts` | string, null when absent |
/// | `void_reason` | string: why a voided pledge (recorded in error, counting nowhere) was voided; null for every other pledge |
/// | `estimate` | `exact`, `range`, `at_least`, `unspecified`; null for a backstop |
/// | `low`, `high` | decimal: personnel, units or money (`high` null when unbounded) |
/// | `currency` | ISO 4217 code of the money, null otherwise |
/// | `value_estimate`, `value_low`, `value_high` | an equipment value, as for the size |
/// | `delivered` | decimal, in the pledge's unit |
/// | `date` | date32: the pledge's date (the end of its period when dated to a month or year) |
/// | `date_as_recorded` | string: `2025-09-04`, `2025-09` or `2025` |
/// | `conditional` | boolean |
/// | `conditions`, `sources` | list of strings |
/// | `date_opened`, `date_announced`, `date_committed`, `date_delivered`, `date_withdrawn`, `date_last_delivery` | date32: when the pledge reached each stage, null when it has not |
///
/// # Errors
///
/// [`Error::Overflow`] for an amount that does not fit the file's decimal
/// type; [`Error::Io`] when writing fails.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::parquet;
/// use coalition_ledger::prelude::*;
///
/// let mut bytes = Vec::new();
/// parquet::write_pledges(&fixtures::paris_summit(), &mut bytes)?;
/// assert_eq!(&bytes[..4], b"PAR1");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn write_pledges<W: Write + Send>(ledger: &Ledger, writer: W) -> Result<()> {
    let pledges: Vec<Pledge<'_>> = ledger.pledges().collect();
    let sizes: Vec<Sizes> = pledges.iter().map(Sizes::of).collect();
    let scale = scale_of(sizes.iter().flat_map(Sizes::amounts))?;
    let mut columns = Columns::new(scale, PLEDGE_COLUMNS);
    for (pledge, size) in pledges.iter().zip(&sizes) {
        let place = || format!("pledge `{}`", pledge.id());
        columns.text("id", Some(pledge.id().as_str()));
        columns.text("member", Some(pledge.member().as_str()));
        columns.text("kind", Some(&pledge.kind().to_string()));
        columns.text(
            "category",
            pledge.category().map(crate::ids::Category::as_str),
        );
        columns.text("capability", size.capability.as_deref());
        columns.text("stage", Some(&pledge.stage().to_string()));
        columns.text("evidence", Some(&pledge.evidence().to_string()));
        columns.text("estimate", size.estimate);
        columns.decimal("low", size.low, place)?;
        columns.decimal("high", size.high, place)?;
        columns.text("currency", size.currency.as_deref());
        columns.text("value_estimate", size.value_estimate);
        columns.decimal("value_low", size.value_low, place)?;
        columns.decimal("value_high", size.value_high, place)?;
        columns.decimal("delivered", Some(pledge.delivered()), place)?;
        columns.date("date", pledge.dates().pledge_date());
        columns.text(
            "date_as_recorded",
            pledge.period().map(|p| p.to_string()).as_deref(),
        );
        columns.boolean("conditional", pledge.is_conditional());
        let conditions: Vec<String> = pledge
            .conditions()
            .iter()
            .map(ToString::to_string)
            .collect();
        columns.list("conditions", &conditions);
        let sources: Vec<String> = pledge.sources().iter().map(ToString::to_string).collect();
        columns.list("sources", &sources);
        columns.text("location", pledge.location());
        columns.text("notes", pledge.notes());
        columns.text("withdrawal_reason", pledge.withdrawal_reason());
        columns.text(
            "adjusts",
            pledge.adjusts().map(|a| a.to_string()).as_deref(),
        );
        columns.text("void_reason", pledge.void_reason());
        let dates = pledge.dates();
        columns.date("date_opened", dates.opened);
        columns.date("date_announced", dates.announced);
        columns.date("date_committed", dates.committed);
        columns.date("date_delivered", dates.delivered);
        columns.date("date_withdrawn", dates.withdrawn);
        columns.date("date_last_delivery", dates.last_delivery);
    }
    columns.write(writer, Vec::new())
}

/// Writes the full history: one row per entry, in sequence order.
///
/// | column | type |
/// |---|---|
/// | `sequence` | uint64 |
/// | `action` | string: `add_member`, `pledge`, `advance`, `deliver`, ... |
/// | `pledge`, `member` | string: the pledge and its member (the member for `add_member`), null when none |
/// | `date` | date32, null when undated (the end of the period for a month or year) |
/// | `date_as_recorded` | string: `2025-09-04`, `2025-09` or `2025`, null when undated |
/// | `evidence` | string |
/// | `sources` | list of strings |
/// | `client_key` | string, null when none |
/// | `stage` | string: the new stage of `advance` (or an opening stage), null otherwise |
/// | `quantity`, `currency`, `correction` | a delivery's amount (decimal), currency and correction flag |
/// | `reason` | a withdrawal's or a void's reason |
/// | `entry_json` | the entry as in the JSON document: nothing is lost |
/// | `accepted_under_version` | uint64: the older format version whose rules accepted the entry, null for the current rules |
///
/// # Errors
///
/// As [`write_pledges`].
///
/// # Example
///
/// ```
/// use coalition_ledger::io::parquet;
/// use coalition_ledger::prelude::*;
///
/// let mut bytes = Vec::new();
/// parquet::write_entries(&fixtures::paris_summit(), &mut bytes)?;
/// assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn write_entries<W: Write + Send>(ledger: &Ledger, writer: W) -> Result<()> {
    let quantities = ledger.entries().filter_map(|e| match e.action() {
        Action::Deliver { quantity, .. } => Some(*quantity),
        _ => None,
    });
    let scale = scale_of(quantities)?;
    let mut columns = Columns::new(scale, ENTRY_COLUMNS);
    for entry in ledger.entries() {
        let place = || format!("entry {}", entry.sequence());
        columns.unsigned("sequence", Some(entry.sequence()));
        columns.text("action", Some(entry.action().name()));
        let pledge = entry.action().pledge();
        columns.text("pledge", pledge.map(crate::ids::PledgeId::as_str));
        columns.text("member", member_of(ledger, &entry).as_deref());
        columns.date("date", entry.date());
        columns.text(
            "date_as_recorded",
            entry.period().map(|p| p.to_string()).as_deref(),
        );
        columns.text("evidence", Some(&entry.evidence().to_string()));
        let sources: Vec<String> = entry.sources().iter().map(ToString::to_string).collect();
        columns.list("sources", &sources);
        columns.text(
            "client_key",
            entry.client_key().map(crate::entry::ClientKey::as_str),
        );
        let stage = match entry.action() {
            Action::Advance { stage, .. } => Some(stage.to_string()),
            Action::Pledge(spec) => Some(spec.stage().to_string()),
            _ => None,
        };
        columns.text("stage", stage.as_deref());
        let (quantity, currency, correction) = match entry.action() {
            Action::Deliver {
                quantity,
                currency,
                correction,
                ..
            } => (
                Some(*quantity),
                currency.map(|c| c.to_string()),
                Some(*correction),
            ),
            _ => (None, None, None),
        };
        columns.decimal("quantity", quantity, place)?;
        columns.text("currency", currency.as_deref());
        columns.optional_boolean("correction", correction);
        let reason = match entry.action() {
            Action::Withdraw { reason, .. } | Action::Void { reason, .. } => Some(&**reason),
            _ => None,
        };
        columns.text("reason", reason);
        let json = serde_json::to_string(&entry)
            .map_err(|e| Error::internal(format!("an entry as JSON: {e}")))?;
        columns.text("entry_json", Some(&json));
        columns.unsigned(
            "accepted_under_version",
            entry.accepted_under().map(u64::from),
        );
    }
    columns.write(writer, Vec::new())
}

/// Writes a query table: one column per dimension (the key as the crate
/// spells it: `FRA`, `committed`, `2025-Q3`, `undated`, ...), then `low`,
/// `high` (null when unbounded), `count`, `unspecified`, `rounded` and
/// `currency`. The file's key-value metadata holds the measure, basis,
/// currency, the grand total (`coalition_ledger.total_low`, `_high`,
/// `_count`, `_unspecified`), whether groups overlap, the table's
/// `note:` lines (`coalition_ledger.left_out`), and for a constant-price
/// table its base year (`coalition_ledger.base_year`).
///
/// # Errors
///
/// As [`write_pledges`].
///
/// # Example
///
/// ```
/// use coalition_ledger::io::parquet;
/// use coalition_ledger::prelude::*;
///
/// let table = fixtures::paris_summit().query().group_by([Dimension::Member, Dimension::Stage]).run()?;
/// let mut bytes = Vec::new();
/// parquet::write_table(&table, &mut bytes)?;
/// assert!(bytes.len() > 100);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn write_table<W: Write + Send>(table: &Table, writer: W) -> Result<()> {
    let amounts = table
        .rows()
        .flat_map(|r| [Some(r.total().low()), r.total().high()])
        .flatten();
    let scale = scale_of(amounts)?;
    let names: Vec<String> = table.dimensions().iter().map(ToString::to_string).collect();
    let declared = names.iter().map(|n| (n.as_str(), Type::Text));
    let mut columns = Columns::new(scale, declared.chain(TABLE_COLUMNS));
    for row in table.rows() {
        for (name, key) in names.iter().zip(row.keys()) {
            columns.text(name, Some(&key.to_string()));
        }
        let total = row.total();
        let place = || format!("row {:?}", row.keys());
        columns.decimal("low", Some(total.low()), place)?;
        columns.decimal("high", total.high(), place)?;
        columns.unsigned("count", Some(total.count()));
        columns.unsigned("unspecified", Some(total.unspecified()));
        columns.boolean("rounded", total.is_rounded());
        columns.text(
            "currency",
            table.currency().map(|c| c.to_string()).as_deref(),
        );
    }
    let total = table.total();
    let metadata = [
        ("measure", table.measure().to_string()),
        ("basis", table.basis().to_string()),
        (
            "currency",
            table.currency().map_or_else(String::new, |c| c.to_string()),
        ),
        ("total_low", total.low().to_string()),
        (
            "total_high",
            total.high().map_or_else(String::new, |h| h.to_string()),
        ),
        ("total_count", total.count().to_string()),
        ("total_unspecified", total.unspecified().to_string()),
        ("total_rounded", total.is_rounded().to_string()),
        ("overlapping", table.is_overlapping().to_string()),
        ("left_out", table.left_out().to_string()),
    ];
    // Only a constant-price table has a base year; other files keep the
    // keys they always had.
    let base_year = table
        .base_year()
        .map(|year| ("base_year", year.to_string()));
    let metadata = metadata
        .into_iter()
        .chain(base_year)
        .map(|(k, v)| KeyValue::new(format!("coalition_ledger.{k}"), v))
        .collect();
    columns.write(writer, metadata)
}

fn member_of(ledger: &Ledger, entry: &Entry) -> Option<String> {
    match entry.action() {
        Action::AddMember(member) => Some(member.id().to_string()),
        Action::Pledge(spec) => Some(spec.member().to_string()),
        other => {
            let pledge = other.pledge()?;
            ledger.pledge(pledge).map(|p| p.member().to_string())
        }
    }
}

/// The size columns of one pledge.
struct Sizes {
    estimate: Option<&'static str>,
    low: Option<Decimal>,
    high: Option<Decimal>,
    currency: Option<String>,
    value_estimate: Option<&'static str>,
    value_low: Option<Decimal>,
    value_high: Option<Decimal>,
    delivered: Decimal,
    capability: Option<String>,
}

impl Sizes {
    fn of(pledge: &Pledge<'_>) -> Sizes {
        let mut sizes = Sizes {
            estimate: None,
            low: None,
            high: None,
            currency: None,
            value_estimate: None,
            value_low: None,
            value_high: None,
            delivered: pledge.delivered(),
            capability: None,
        };
        match pledge.contribution() {
            Contribution::Troops { personnel } => {
                (sizes.estimate, sizes.low, sizes.high) = counts(personnel);
            }
            Contribution::Equipment { units, value, .. } => {
                (sizes.estimate, sizes.low, sizes.high) = counts(units);
                if let Some(value) = value {
                    (sizes.value_estimate, sizes.value_low, sizes.value_high) = money(value);
                    sizes.currency = currency_of(value);
                }
            }
            Contribution::Funding { amount } => {
                (sizes.estimate, sizes.low, sizes.high) = money(amount);
                sizes.currency = currency_of(amount);
            }
            Contribution::Backstop { capability } => {
                sizes.capability = Some(capability.to_string());
            }
        }
        sizes
    }

    fn amounts(&self) -> impl Iterator<Item = Decimal> + '_ {
        [
            self.low,
            self.high,
            self.value_low,
            self.value_high,
            Some(self.delivered),
        ]
        .into_iter()
        .flatten()
    }
}

type Sized3 = (Option<&'static str>, Option<Decimal>, Option<Decimal>);

fn counts(estimate: &Estimate<u64>) -> Sized3 {
    shape(estimate, |v| Decimal::from(*v))
}

fn money(estimate: &Estimate<Money>) -> Sized3 {
    shape(estimate, Money::amount)
}

fn shape<T>(estimate: &Estimate<T>, amount: impl Fn(&T) -> Decimal) -> Sized3 {
    match estimate {
        Estimate::Exact(v) => (Some("exact"), Some(amount(v)), Some(amount(v))),
        Estimate::Range { low, high } => (Some("range"), Some(amount(low)), Some(amount(high))),
        Estimate::AtLeast(v) => (Some("at_least"), Some(amount(v)), None),
        Estimate::Unspecified => (Some("unspecified"), None, None),
    }
}

fn currency_of(estimate: &Estimate<Money>) -> Option<String> {
    match estimate {
        Estimate::Exact(v) | Estimate::AtLeast(v) | Estimate::Range { low: v, .. } => {
            Some(v.currency().to_string())
        }
        Estimate::Unspecified => None,
    }
}

/// The smallest scale that holds every amount exactly.
fn scale_of(amounts: impl Iterator<Item = Decimal>) -> Result<u8> {
    let scale = amounts.map(|a| a.normalize().scale()).max().unwrap_or(0);
    u8::try_from(scale).map_err(|_| Error::internal("a decimal scale above 255"))
}

/// The type of a column.
#[derive(Clone, Copy)]
enum Type {
    Text,
    Decimal,
    Date,
    Boolean,
    Unsigned,
    List,
}

const PLEDGE_COLUMNS: [(&str, Type); 31] = [
    ("id", Type::Text),
    ("member", Type::Text),
    ("kind", Type::Text),
    ("category", Type::Text),
    ("capability", Type::Text),
    ("stage", Type::Text),
    ("evidence", Type::Text),
    ("estimate", Type::Text),
    ("low", Type::Decimal),
    ("high", Type::Decimal),
    ("currency", Type::Text),
    ("value_estimate", Type::Text),
    ("value_low", Type::Decimal),
    ("value_high", Type::Decimal),
    ("delivered", Type::Decimal),
    ("date", Type::Date),
    ("date_as_recorded", Type::Text),
    ("conditional", Type::Boolean),
    ("conditions", Type::List),
    ("sources", Type::List),
    ("location", Type::Text),
    ("notes", Type::Text),
    ("withdrawal_reason", Type::Text),
    ("adjusts", Type::Text),
    ("void_reason", Type::Text),
    ("date_opened", Type::Date),
    ("date_announced", Type::Date),
    ("date_committed", Type::Date),
    ("date_delivered", Type::Date),
    ("date_withdrawn", Type::Date),
    ("date_last_delivery", Type::Date),
];

const ENTRY_COLUMNS: [(&str, Type); 16] = [
    ("sequence", Type::Unsigned),
    ("action", Type::Text),
    ("pledge", Type::Text),
    ("member", Type::Text),
    ("date", Type::Date),
    ("date_as_recorded", Type::Text),
    ("evidence", Type::Text),
    ("sources", Type::List),
    ("client_key", Type::Text),
    ("stage", Type::Text),
    ("quantity", Type::Decimal),
    ("currency", Type::Text),
    ("correction", Type::Boolean),
    ("reason", Type::Text),
    ("entry_json", Type::Text),
    ("accepted_under_version", Type::Unsigned),
];

const TABLE_COLUMNS: [(&str, Type); 6] = [
    ("low", Type::Decimal),
    ("high", Type::Decimal),
    ("count", Type::Unsigned),
    ("unspecified", Type::Unsigned),
    ("rounded", Type::Boolean),
    ("currency", Type::Text),
];

/// One column being built.
enum Builder {
    Text(StringBuilder),
    Decimal(Decimal128Builder),
    Date(Date32Builder),
    Boolean(BooleanBuilder),
    Unsigned(UInt64Builder),
    List(ListBuilder<StringBuilder>),
}

/// The columns of a file, declared up front so that every file of a kind
/// has the same schema, empty or not.
struct Columns {
    scale: u8,
    columns: Vec<(String, Builder)>,
}

impl Columns {
    fn new<'n>(scale: u8, declared: impl IntoIterator<Item = (&'n str, Type)>) -> Columns {
        let columns = declared
            .into_iter()
            .map(|(name, kind)| {
                let builder = match kind {
                    Type::Text => Builder::Text(StringBuilder::new()),
                    Type::Decimal => Builder::Decimal(decimal_builder(scale)),
                    Type::Date => Builder::Date(Date32Builder::new()),
                    Type::Boolean => Builder::Boolean(BooleanBuilder::new()),
                    Type::Unsigned => Builder::Unsigned(UInt64Builder::new()),
                    Type::List => Builder::List(ListBuilder::new(StringBuilder::new())),
                };
                (name.to_string(), builder)
            })
            .collect();
        Columns { scale, columns }
    }

    fn slot(&mut self, name: &str) -> Option<&mut Builder> {
        self.columns
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, builder)| builder)
    }

    fn text(&mut self, name: &str, value: Option<&str>) {
        if let Some(Builder::Text(b)) = self.slot(name) {
            b.append_option(value);
        }
    }

    fn decimal(
        &mut self,
        name: &str,
        value: Option<Decimal>,
        place: impl Fn() -> String,
    ) -> Result<()> {
        let scale = self.scale;
        let mantissa = value
            .map(|v| {
                at_scale(v, scale).ok_or_else(|| {
                    Error::overflow(format!(
                        "writing {v} of {} to Parquet as Decimal128({PRECISION}, {scale})",
                        place()
                    ))
                })
            })
            .transpose()?;
        if let Some(Builder::Decimal(b)) = self.slot(name) {
            b.append_option(mantissa);
        }
        Ok(())
    }

    fn date(&mut self, name: &str, value: Option<NaiveDate>) {
        if let Some(Builder::Date(b)) = self.slot(name) {
            b.append_option(value.and_then(days_since_epoch));
        }
    }

    fn boolean(&mut self, name: &str, value: bool) {
        self.optional_boolean(name, Some(value));
    }

    fn optional_boolean(&mut self, name: &str, value: Option<bool>) {
        if let Some(Builder::Boolean(b)) = self.slot(name) {
            b.append_option(value);
        }
    }

    fn unsigned(&mut self, name: &str, value: Option<u64>) {
        if let Some(Builder::Unsigned(b)) = self.slot(name) {
            b.append_option(value);
        }
    }

    fn list(&mut self, name: &str, values: &[String]) {
        if let Some(Builder::List(b)) = self.slot(name) {
            for value in values {
                b.values().append_value(value);
            }
            b.append(true);
        }
    }

    fn write<W: Write + Send>(self, writer: W, mut metadata: Vec<KeyValue>) -> Result<()> {
        let scale = i8::try_from(self.scale).unwrap_or(i8::MAX);
        let mut fields = Vec::with_capacity(self.columns.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for (name, builder) in self.columns {
            let (data_type, array): (DataType, ArrayRef) = match builder {
                Builder::Text(mut b) => (DataType::Utf8, Arc::new(b.finish())),
                Builder::Decimal(mut b) => {
                    (DataType::Decimal128(PRECISION, scale), Arc::new(b.finish()))
                }
                Builder::Date(mut b) => (DataType::Date32, Arc::new(b.finish())),
                Builder::Boolean(mut b) => (DataType::Boolean, Arc::new(b.finish())),
                Builder::Unsigned(mut b) => (DataType::UInt64, Arc::new(b.finish())),
                Builder::List(mut b) => {
                    let array = b.finish();
                    (array.data_type().clone(), Arc::new(array))
                }
            };
            fields.push(Field::new(name, data_type, true));
            arrays.push(array);
        }
        metadata.push(KeyValue::new(
            "coalition_ledger.scale".to_string(),
            self.scale.to_string(),
        ));
        let schema = Arc::new(Schema::new(fields));
        let batch =
            RecordBatch::try_new(Arc::clone(&schema), arrays).map_err(|e| parquet_error(&e))?;
        let properties = WriterProperties::builder()
            .set_key_value_metadata(Some(metadata))
            .set_created_by(format!("coalition-ledger {}", env!("CARGO_PKG_VERSION")))
            .build();
        let mut writer = ArrowWriter::try_new(writer, schema, Some(properties))
            .map_err(|e| parquet_error(&e))?;
        writer.write(&batch).map_err(|e| parquet_error(&e))?;
        writer.close().map_err(|e| parquet_error(&e))?;
        Ok(())
    }
}

fn decimal_builder(scale: u8) -> Decimal128Builder {
    let scale = i8::try_from(scale).unwrap_or(i8::MAX);
    // Precision 38 and a scale of at most 28 (a `Decimal`'s) are valid.
    Decimal128Builder::new()
        .with_precision_and_scale(PRECISION, scale)
        .unwrap_or_default()
}

/// A decimal's mantissa at `scale` when it fits 38 digits.
fn at_scale(value: Decimal, scale: u8) -> Option<i128> {
    let value = value.normalize();
    let up = u32::from(scale).checked_sub(value.scale())?;
    let mantissa = crate::exact::scaled_mantissa(value.mantissa(), up)?;
    let limit = 10u128.checked_pow(u32::from(PRECISION))?;
    (mantissa.unsigned_abs() < limit).then_some(mantissa)
}

fn days_since_epoch(date: NaiveDate) -> Option<i32> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from(date.signed_duration_since(epoch).num_days()).ok()
}

#[cold]
fn parquet_error(error: &dyn std::fmt::Display) -> Error {
    Error::Io {
        path: None,
        kind: std::io::ErrorKind::Other,
        message: format!("writing Parquet: {error}"),
    }
}
