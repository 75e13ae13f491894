//! Interchange formats: the JSON document (always available), CSV (feature
//! `csv`), the durable journal, and Parquet files for analytics engines
//! (feature `parquet`).

#[cfg(feature = "csv")]
pub mod csv;
#[cfg(feature = "csv")]
mod csv_guard;
pub mod journal;
pub mod json;
#[cfg(feature = "csv")]
pub mod mapping;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod rates;
