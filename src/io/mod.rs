//! Interchange formats: the JSON document (always available), CSV (feature
//! `csv`) and the durable journal.

#[cfg(feature = "csv")]
pub mod csv;
#[cfg(feature = "csv")]
mod csv_guard;
pub mod journal;
pub mod json;
pub mod rates;
