//! The names most programs need, in one `use`.
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
//! let spec = NewPledge::new(
//!     PledgeId::new("FRA-1")?,
//!     MemberId::new("FRA")?,
//!     Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? },
//! );
//! ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
//! let table = ledger.query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
//! assert_eq!(table.total().count(), 1);
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! The crate's [`Error`](crate::Error) and [`Result`](crate::Result) are
//! left out on purpose: glob-importing them would shadow
//! `std::result::Result` and any other `Error` in scope. Name them with
//! their path (`coalition_ledger::Result<()>`), or import them by name.

pub use crate::check::{CheckOptions, Code, Diagnostic, Report, Severity, Subject};
pub use crate::dates::parse_date;
pub use crate::entry::{Action, ClientKey, Entry, Provenance};
pub use crate::estimate::Estimate;
pub use crate::fx::{FxRates, RatePolicy};
pub use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
pub use crate::ledger::{Ledger, Record, Recorded, Snapshot, Undated};
pub use crate::lifecycle::{Evidence, Stage};
pub use crate::member::{Member, Role};
pub use crate::money::{Currency, Money, parse_amount};
pub use crate::pledge::{Capability, Condition, Contribution, Kind, NewPledge, Pledge, StageDates};
pub use crate::pledge_record::PledgeRecord;
pub use crate::query::{
    Basis, Coverage, Dimension, Key, LeftOut, Measure, Query, Row, Scenario, Table, Target, Total,
};
pub use crate::source::{Source, SourceKind};
pub use crate::testing::fixtures;

pub use chrono::{Datelike, NaiveDate};
pub use rust_decimal::Decimal;
