//! Test support for downstream tools: ready-made fixtures (always available)
//! and, behind the `testing` feature, a seeded generator of large ledgers.

pub mod fixtures;

#[cfg(feature = "testing")]
mod generator;
#[cfg(feature = "testing")]
pub use generator::Generator;

#[cfg(all(test, feature = "testing"))]
mod query_paths;
