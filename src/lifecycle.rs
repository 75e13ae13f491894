//! The two independent axes of firmness: [`Stage`] and [`Evidence`].
//!
//! `Stage` is where a pledge is in its life; `Evidence` is how well we know
//! it. A pledge can be `Committed` according to an `Unconfirmed` report.
//!
//! Their spellings are in [`spelling`](crate::spelling) (with `FromStr`,
//! which needs [`Error`](crate::Error), which names a `Stage`: kept there,
//! the two modules do not import each other).

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// True for `Delivered` and `Withdrawn`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Stage::Delivered.is_terminal());
    /// assert!(Stage::Withdrawn.is_terminal());
    /// assert!(!Stage::Committed.is_terminal());
    /// ```
    pub fn is_terminal(self) -> bool {
        matches!(self, Stage::Delivered | Stage::Withdrawn)
    }

    /// Whether the lifecycle allows a change from `self` to `to`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Stage::Considering.can_move_to(Stage::Committed)); // skipping is allowed
    /// assert!(!Stage::Committed.can_move_to(Stage::Announced));   // never backwards
    /// assert!(!Stage::Withdrawn.can_move_to(Stage::Delivered));
    /// ```
    pub fn can_move_to(self, to: Stage) -> bool {
        if self.is_terminal() {
            return false;
        }
        to == Stage::Withdrawn || to > self
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The stage as a small number, for packed storage.
    pub(crate) fn code(self) -> u32 {
        self as u32
    }

    /// The stage [`Stage::code`] gave `code`.
    pub(crate) fn from_code(code: u32) -> Option<Stage> {
        [
            Stage::Considering,
            Stage::Announced,
            Stage::Committed,
            Stage::Delivered,
            Stage::Withdrawn,
        ]
        .get(code as usize)
        .copied()
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evidence {
    /// Claimed by anonymous officials or unverified reports.
    Unconfirmed,
    /// Reported by a named source, not independently verified.
    Reported,
    /// Confirmed by an official record or several independent sources.
    Verified,
}

impl Evidence {
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
