//! Interchange formats: the JSON document (always available), CSV (feature
//! `csv`) and the durable journal.

pub mod json;
