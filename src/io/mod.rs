//! Interchange formats: the JSON document (always available), CSV (feature
//! `csv`), the durable journal, Parquet files for analytics engines
//! (feature `parquet`) and SVG charts for reports (feature `charts`). Each
//! reads the ledger and the query layer's answers; none is read by them.

#[cfg(feature = "charts")]
#[cfg_attr(docsrs, doc(cfg(feature = "charts")))]
pub mod charts;
#[cfg(feature = "csv")]
pub mod csv;
#[cfg(feature = "csv")]
mod csv_guard;
#[cfg(feature = "csv")]
mod csv_records;
pub mod journal;
pub mod json;
#[cfg(feature = "csv")]
pub mod mapping;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod rates;
#[cfg(feature = "csv")]
mod shared_parsing;
