//! The two independent axes of firmness: [`Stage`] and [`Evidence`].
//!
//! `Stage` is where a pledge is in its life; `Evidence` is how well we know
//! it. A pledge can be `Committed` according to an `Unconfirmed` report.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a pledge is in its life.
///
/// Stages only move forward: `Considering → Announced → Committed →
/// Delivered`, skipping allowed. Any non-terminal stage may go to
/// `Withdrawn`. `Delivered` and `Withdrawn` are terminal: no stage change
/// follows them. The order of the variants is the order of the lifecycle,
/// with `Withdrawn` last.
///
/// # Example
///
/// ```
/// use coalition_ledger::Stage;
///
/// assert!(Stage::Announced.can_move_to(Stage::Delivered));
/// assert!(!Stage::Committed.can_move_to(Stage::Announced));
/// assert!(Stage::Committed.can_move_to(Stage::Withdrawn));
/// assert!(!Stage::Delivered.can_move_to(Stage::Withdrawn));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Under consideration; nothing announced.
    Considering,
    /// Publicly announced as an intention.
    Announced,
    /// Formally committed (signed, budgeted, approved).
    Committed,
    /// Delivered (possibly in parts: see the delivered amount).
    Delivered,
    /// Withdrawn; terminal.
    Withdrawn,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 5] = [
        Stage::Considering,
        Stage::Announced,
        Stage::Committed,
        Stage::Delivered,
        Stage::Withdrawn,
    ];

    /// True for `Delivered` and `Withdrawn`.
    pub fn is_terminal(self) -> bool {
        matches!(self, Stage::Delivered | Stage::Withdrawn)
    }

    /// Whether the lifecycle allows a change from `self` to `to`.
    pub fn can_move_to(self, to: Stage) -> bool {
        if self.is_terminal() {
            return false;
        }
        to == Stage::Withdrawn || to > self
    }

    /// The stage's name in lower case, as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Considering => "considering",
            Stage::Announced => "announced",
            Stage::Committed => "committed",
            Stage::Delivered => "delivered",
            Stage::Withdrawn => "withdrawn",
        }
    }

    /// Parses the lower-case name.
    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How well a fact is known.
///
/// Ordered `Unconfirmed < Reported < Verified`. Evidence may rise or fall
/// with a newer source: a pledge's evidence is that of its latest entry.
///
/// # Example
///
/// ```
/// use coalition_ledger::Evidence;
/// assert!(Evidence::Unconfirmed < Evidence::Verified);
/// assert_eq!(Evidence::Reported.to_string(), "reported");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Claimed by anonymous officials or unverified reports.
    Unconfirmed,
    /// Reported by a named source, not independently verified.
    Reported,
    /// Confirmed by an official record or several independent sources.
    Verified,
}

impl Evidence {
    /// Every level, weakest first.
    pub const ALL: [Evidence; 3] = [
        Evidence::Unconfirmed,
        Evidence::Reported,
        Evidence::Verified,
    ];

    /// The level's name in lower case, as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Unconfirmed => "unconfirmed",
            Evidence::Reported => "reported",
            Evidence::Verified => "verified",
        }
    }

    /// Parses the lower-case name.
    pub fn from_name(name: &str) -> Option<Evidence> {
        Evidence::ALL.into_iter().find(|e| e.as_str() == name)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
