//! Interchange formats: the JSON document (always available), CSV (feature
//! `csv`) and the durable journal.

#[cfg(feature = "csv")]
pub mod csv;
pub mod journal;
pub mod json;
