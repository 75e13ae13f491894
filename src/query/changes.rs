//! What changed between two dates: the entries dated in between, and the
//! difference in totals.
//!
//! [`Query::changes`] answers "what changed since the last summit?": every
//! pledge entry dated after `from` and on or before `to` (new pledges, stage
//! moves, evidence changes, annotations that leave the evidence as it was,
//! revisions, deliveries, corrections, withdrawals), the members amended
//! in between (which move pledges between `Group` rows), and a table of
//! the query's totals as of `from` and as of `to`, row by row, with the
//! change in each bound. The two totals are exactly
//! `query.as_of(from).run()` and `query.as_of(to).run()`; nothing is
//! netted away: a row present on one date only shows a zero total on the
//! other. Each change is exact, unless a total's bounds were already
//! rounded outward by a division: then it is the difference of the rounded
//! bounds (rounded outward when it needs more digits than a `Decimal`
//! holds) and says so ([`ChangeRow::is_rounded`]). Printed, the answer
//! gives each note of the two tables once, under its date when only one of
//! them has it (a pledge a scenario left out as of `from` and withdrawn by
//! `to`, say).

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::Query;
use super::dimension::Key;
use super::table::{OVERLAPPING, SHOWN_ROUNDED, Table, Total};

use crate::dates::PartialDate;
use crate::entry::{Action, Entry};
use crate::error::{Error, Result};
use crate::exact::{self, Toward};
use crate::ids::{MemberId, PledgeId};
use crate::ledger::{Ledger, Undated};
use crate::lifecycle::{Evidence, Stage};
use crate::minor_units::{Shown, is_rounded};
use crate::money::{Currency, show_amount};
use crate::pledge::Contribution;

/// The note of a change taken from a total a division rounded.
const CHANGE_ROUNDED: &str = "a change taken from a total a division rounded is the difference of its rounded bounds (rounded outward when it needs more digits), so the exact change may differ in the last digits";

/// What one entry changed.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
/// assert!(changes.events().any(|c| matches!(c.what(), ChangeKind::NewPledge { .. })));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// A pledge was opened.
    NewPledge {
        /// What was pledged, at its opening size.
        contribution: Contribution,
        /// The stage it opened at.
        stage: Stage,
    },
    /// A pledge moved to a later stage.
    StageMove {
        /// The new stage.
        to: Stage,
    },
    /// A source raised or lowered the evidence without a change of stage.
    Evidence {
        /// The evidence the entry carries.
        to: Evidence,
    },
    /// A source was attached and the evidence stayed as it was (an
    /// annotation at the evidence the pledge had just before its date, as
    /// `as_of` shows it).
    Annotation {
        /// The evidence the entry carries, the pledge's before it too.
        evidence: Evidence,
    },
    /// The size was revised (up, or down as a correction).
    Revision {
        /// The pledge at its new size.
        contribution: Contribution,
    },
    /// A delivery.
    Delivery {
        /// How much, in the pledge's unit.
        quantity: Decimal,
        /// The currency of money.
        currency: Option<Currency>,
    },
    /// An explicit correction of the delivered amount (may be negative).
    Correction {
        /// How much, in the pledge's unit.
        quantity: Decimal,
        /// The currency of money.
        currency: Option<Currency>,
    },
    /// The pledge was withdrawn.
    Withdrawal {
        /// Why.
        reason: String,
    },
    /// Another kind of entry, by its action's name.
    Other {
        /// The action's name as written in files.
        action: String,
    },
}

impl ChangeKind {
    /// What `action`, carrying `evidence`, changed on a pledge whose
    /// evidence was `before` just before it (see `evidence_before`; none
    /// when nothing came before, and for actions other than annotations).
    fn of(action: &Action, evidence: Evidence, before: Option<Evidence>) -> ChangeKind {
        match action {
            Action::Pledge(spec) => ChangeKind::NewPledge {
                contribution: spec.contribution().clone(),
                stage: spec.stage(),
            },
            Action::Advance { stage, .. } => ChangeKind::StageMove { to: *stage },
            Action::Annotate { .. } if before == Some(evidence) => {
                ChangeKind::Annotation { evidence }
            }
            Action::Annotate { .. } => ChangeKind::Evidence { to: evidence },
            Action::Revise { contribution, .. } => ChangeKind::Revision {
                contribution: (**contribution).clone(),
            },
            Action::Deliver {
                quantity,
                currency,
                correction: false,
                ..
            } => ChangeKind::Delivery {
                quantity: *quantity,
                currency: *currency,
            },
            Action::Deliver {
                quantity, currency, ..
            } => ChangeKind::Correction {
                quantity: *quantity,
                currency: *currency,
            },
            Action::Withdraw { reason, .. } => ChangeKind::Withdrawal {
                reason: reason.to_string(),
            },
            other => ChangeKind::Other {
                action: other.name().to_string(),
            },
        }
    }

    /// How the change is named in the summary (`new pledge`, `stage move`,
    /// ...).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(ChangeKind::StageMove { to: Stage::Committed }.label(), "stage move");
    /// ```
    pub fn label(&self) -> &'static str {
        match self {
            ChangeKind::NewPledge { .. } => "new pledge",
            ChangeKind::StageMove { .. } => "stage move",
            ChangeKind::Evidence { .. } => "evidence change",
            ChangeKind::Annotation { .. } => "annotation",
            ChangeKind::Revision { .. } => "revision",
            ChangeKind::Delivery { .. } => "delivery",
            ChangeKind::Correction { .. } => "correction",
            ChangeKind::Withdrawal { .. } => "withdrawal",
            ChangeKind::Other { .. } => "other entry",
        }
    }
}

/// `n` and the label, in the plural unless `n` is one (`2 deliveries`).
fn counted(n: usize, label: &str) -> String {
    match (n, label.strip_suffix('y')) {
        (1, _) => format!("1 {label}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {label}s"),
    }
}

impl fmt::Display for ChangeKind {
    /// `moved to committed`, `delivered 500`, `withdrawn: no ceasefire`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = |quantity: &Decimal, currency: &Option<Currency>| match currency {
            Some(c) => format!("{c} {}", show_amount(*quantity, Some(*c), Shown::Every)),
            None => show_amount(*quantity, None, Shown::Every),
        };
        let text = match self {
            ChangeKind::NewPledge {
                contribution,
                stage,
            } => format!("new pledge: {contribution}, {stage}"),
            ChangeKind::StageMove { to } => format!("moved to {to}"),
            ChangeKind::Evidence { to } => format!("evidence now {to}"),
            ChangeKind::Annotation { evidence } => {
                format!("a source attached, evidence still {evidence}")
            }
            ChangeKind::Revision { contribution } => format!("revised to {contribution}"),
            ChangeKind::Delivery { quantity, currency } => {
                format!("delivered {}", amount(quantity, currency))
            }
            ChangeKind::Correction { quantity, currency } => {
                format!("delivery corrected by {}", amount(quantity, currency))
            }
            ChangeKind::Withdrawal { reason } => format!("withdrawn: {reason}"),
            ChangeKind::Other { action } => action.clone(),
        };
        // One line, whatever free text (a reason, a capability) it quotes:
        // the summary prints one line per change.
        f.write_str(&crate::one_line::one_line(&text))
    }
}

/// The pledge's evidence just before `entry`, as `as_of` its date sees it:
/// that of the entry on the pledge `as_of` applies last before it (the
/// latest recorded of those dated before its day, or on its day and
/// recorded before it); none when there is none. An entry back-dated
/// before one recorded earlier is compared with what the dates show, not
/// with the entry recorded before it.
fn evidence_before(ledger: &Ledger, pledge: &PledgeId, entry: &Entry) -> Option<Evidence> {
    let date = entry.date()?;
    let sequence = entry.sequence();
    ledger
        .pledge(pledge)?
        .entries_newest_first()
        .find(|other| {
            other
                .date()
                .is_some_and(|d| d < date || (d == date && other.sequence() < sequence))
        })
        .map(|other| other.evidence())
}

/// One entry dated between the two dates.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
/// let first: &Change = changes.events().next().expect("the summit's pledges");
/// assert!(first.date() > parse_date("2025-01-01")?);
/// assert!(first.is_applied());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    sequence: u64,
    date: NaiveDate,
    period: PartialDate,
    pledge: PledgeId,
    member: Option<MemberId>,
    what: ChangeKind,
    applied: bool,
}

impl Change {
    /// The entry's sequence number.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// let first = changes.events().next().expect("changes");
    /// assert_eq!(ledger.entry(first.sequence()).and_then(|e| e.date()), Some(first.date()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The entry's date.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// let end = parse_date("2026-12-31")?;
    /// assert!(changes.events().all(|c| c.date() <= end));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The date as the entry records it: a day, or a month or a year for
    /// an entry dated only to one ([`Change::date`] is then the period's
    /// last day, when it takes effect). The printed list shows this.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?,
    ///     Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).within("2025-04".parse()?))?;
    /// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
    /// let change = changes.events().next().expect("the new pledge");
    /// assert_eq!(change.period().to_string(), "2025-04");
    /// assert_eq!(change.date(), parse_date("2025-04-30")?);
    /// assert!(changes.to_string().contains("  2025-04     FRA-1 (FRA): new pledge"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn period(&self) -> PartialDate {
        self.period
    }

    /// The pledge the entry is about.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.events().all(|c| ledger.pledge(c.pledge()).is_some()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledge(&self) -> &PledgeId {
        &self.pledge
    }

    /// The pledge's member, when the pledge is known.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.events().all(|c| c.member().is_some()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn member(&self) -> Option<&MemberId> {
        self.member.as_ref()
    }

    /// What changed.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.events().any(|c| c.what().label() == "new pledge"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn what(&self) -> &ChangeKind {
        &self.what
    }

    /// False when the entry could not apply as of `to` (an entry it needs
    /// is undated or dated later): listed, not dropped.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.events().filter(|c| !c.is_applied()).count() <= changes.events().count());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_applied(&self) -> bool {
        self.applied
    }
}

/// A member amended between the two dates (a new name, groups or roles):
/// it changes no pledge, yet it moves the member's pledges between the
/// rows of the `Group` dimension and in or out of a group filter.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// let fin = MemberId::new("FIN")?;
/// ledger.add_member(Member::new(fin.clone(), "Finland"))?;
/// let joined = Member::new(fin.clone(), "Finland").with_group(GroupId::new("NATO")?);
/// ledger.record(Action::AmendMember(Box::new(joined)),
///     Provenance::new(Evidence::Verified).on(parse_date("2023-04-04")?))?;
/// let changes = ledger.changes(parse_date("2023-01-01")?, parse_date("2023-12-31")?)?;
/// let amended: Vec<&MemberId> = changes.roster_changes().map(|c| c.member()).collect();
/// assert_eq!(amended, [&fin]);
/// assert!(changes.to_string().contains("1 member amendment"));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterChange {
    sequence: u64,
    date: NaiveDate,
    /// The date as recorded, which the printed list shows (as for a
    /// [`Change`]).
    period: PartialDate,
    member: MemberId,
}

impl RosterChange {
    /// The amending entry's sequence number.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.roster_changes().all(|c| ledger.entry(c.sequence()).is_some()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The amendment's effective date.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let (from, to) = (parse_date("2025-01-01")?, parse_date("2026-12-31")?);
    /// let changes = fixtures::paris_summit().changes(from, to)?;
    /// assert!(changes.roster_changes().all(|c| c.date() > from && c.date() <= to));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The member amended.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.roster_changes().all(|c| ledger.member(c.member()).is_some()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn member(&self) -> &MemberId {
        &self.member
    }
}

/// One row of the difference table: the totals as of each date and the
/// change in each bound.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let changes = ledger.query().measure(Measure::Personnel).group_by([Dimension::Member])
///     .changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
/// for row in changes.rows() {
///     assert_eq!(row.before().low() + row.low_change(), row.after().low());
/// }
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRow {
    keys: Vec<Key>,
    before: Total,
    after: Total,
    #[serde(with = "crate::money::amount")]
    low_change: Decimal,
    #[serde(with = "crate::money::amount_option")]
    high_change: Option<Decimal>,
    rounded: bool,
}

impl ChangeRow {
    fn new(keys: Vec<Key>, before: Total, after: Total) -> Result<ChangeRow> {
        // Bounds a division already rounded may differ by more digits than
        // a `Decimal` holds: their change is rounded outward. Nothing says
        // how far a rounded bound is from the exact one (each pledge's
        // division moved it by a digit at most, and a total adds many), so
        // no change can be made to bracket the exact one: it is the
        // difference of the bounds given, and is flagged. Exact totals
        // give an exact change or an error.
        let outward = before.is_rounded() || after.is_rounded();
        let mut rounded = outward;
        let mut minus = |a: Decimal, b: Decimal, toward: Toward| {
            let difference = if outward {
                exact::sub_outward(a, b, toward).map(|(d, r)| {
                    rounded |= r;
                    d
                })
            } else {
                exact::sub(a, b)
            };
            difference.ok_or_else(|| Error::overflow("subtracting two totals"))
        };
        let low_change = minus(after.low(), before.low(), Toward::Down)?;
        let high_change = match (after.high(), before.high()) {
            (Some(a), Some(b)) => Some(minus(a, b, Toward::Up)?),
            _ => None,
        };
        Ok(ChangeRow {
            keys,
            before,
            after,
            low_change,
            high_change,
            rounded,
        })
    }

    /// The row's key values, one per dimension.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().query().group_by([Dimension::Kind])
    ///     .changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.rows().all(|r| r.keys().len() == 1));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The total as of `from` (zero when the row had no pledge then).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2020-01-01")?, parse_date("2026-12-31")?)?;
    /// assert_eq!(changes.total().before().count(), 0); // nothing pledged in 2020
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn before(&self) -> &Total {
        &self.before
    }

    /// The total as of `to`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2020-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.total().after().count() > 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn after(&self) -> &Total {
        &self.after
    }

    /// `after.low − before.low`, exactly.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2020-01-01")?, parse_date("2026-12-31")?)?;
    /// let total = changes.total();
    /// assert_eq!(total.low_change(), total.after().low() - total.before().low());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn low_change(&self) -> Decimal {
        self.low_change
    }

    /// `after.high − before.high`, exactly; `None` when either is
    /// unbounded (an unspecified size has no upper bound to compare).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2020-01-01")?, parse_date("2026-12-31")?)?;
    /// let total = changes.total();
    /// assert_eq!(total.high_change().is_none(), total.after().high().is_none() || total.before().high().is_none());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn high_change(&self) -> Option<Decimal> {
        self.high_change
    }

    /// True when a total it is taken from was rounded by a division
    /// ([`Total::is_rounded`]): the change is then the difference of the
    /// rounded bounds (itself rounded outward, the low change down and the
    /// high change up, when it needs more digits than a `Decimal` holds),
    /// and the exact change may differ from it in the last digits.
    /// Otherwise every change is exact.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2020-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(!changes.total().is_rounded());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_rounded(&self) -> bool {
        self.rounded
    }

    fn change_text(&self, currency: Option<Currency>) -> String {
        let signed = |v: Decimal, shown: Shown| {
            let text = show_amount(v, currency, shown);
            if v.is_sign_positive() && !v.is_zero() {
                format!("+{text}")
            } else {
                text
            }
        };
        match self.high_change {
            Some(high) if high == self.low_change => signed(high, Shown::Nearest),
            Some(high) => format!(
                "{} / {}",
                signed(self.low_change, Shown::Low),
                signed(high, Shown::High)
            ),
            None => format!("{} / unbounded", signed(self.low_change, Shown::Low)),
        }
    }

    /// True when the row prints a figure rounded to its currency's minor
    /// unit: a total on either date, or the change.
    fn is_shown_rounded(&self, currency: Option<Currency>) -> bool {
        let places = currency.and_then(Currency::minor_units);
        let rounded = |value: Decimal, shown: Shown| is_rounded(value, places, shown);
        let change = match self.high_change {
            Some(high) if high == self.low_change => rounded(high, Shown::Nearest),
            Some(high) => rounded(self.low_change, Shown::Low) || rounded(high, Shown::High),
            None => rounded(self.low_change, Shown::Low),
        };
        change || self.before.is_shown_rounded() || self.after.is_shown_rounded()
    }
}

/// The answer of [`Query::changes`] and [`Ledger::changes`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let changes: Changes = ledger.query().measure(Measure::Personnel).group_by([Dimension::Member])
///     .changes(parse_date("2025-08-31")?, parse_date("2026-01-31")?)?;
/// let text = changes.to_string();
/// assert!(text.starts_with("Since 2025-08-31, to 2026-01-31:"));
/// // The totals are the two `as_of` answers.
/// let after = ledger.query().measure(Measure::Personnel).group_by([Dimension::Member])
///     .as_of(parse_date("2026-01-31")?).run()?;
/// assert_eq!(changes.after(), &after);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    from: NaiveDate,
    to: NaiveDate,
    events: Vec<Change>,
    roster: Vec<RosterChange>,
    rows: Vec<ChangeRow>,
    total: ChangeRow,
    before: Table,
    after: Table,
    undated: u64,
}

impl Changes {
    /// The first date (changes are dated after it).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert_eq!(changes.from(), parse_date("2025-01-01")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last date (changes are dated on or before it).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert_eq!(changes.to(), parse_date("2026-12-31")?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The entries dated after `from` and on or before `to`, by date, then
    /// in recorded order.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// let dates: Vec<NaiveDate> = changes.events().map(|c| c.date()).collect();
    /// assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn events(&self) -> impl ExactSizeIterator<Item = &Change> {
        self.events.iter()
    }

    /// The difference table's rows, sorted by key.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().query().group_by([Dimension::Member])
    ///     .changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.rows().len() >= 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &ChangeRow> {
        self.rows.iter()
    }

    /// The members amended between the two dates (of those the query's
    /// member filter selects), in date order: such an amendment changes
    /// no pledge, yet it can change the `Group` rows and what a group
    /// filter selects, so it is listed with the pledge changes in the
    /// printed summary.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert_eq!(changes.roster_changes().len(), 0); // the fixture amends no member
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn roster_changes(&self) -> impl ExactSizeIterator<Item = &RosterChange> {
        self.roster.iter()
    }

    /// The grand totals and their change.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2020-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.total().low_change() > Decimal::ZERO);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn total(&self) -> &ChangeRow {
        &self.total
    }

    /// The query's answer as of `from`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let from = parse_date("2025-09-01")?;
    /// let changes = ledger.changes(from, parse_date("2026-12-31")?)?;
    /// assert_eq!(changes.before(), &ledger.query().as_of(from).run()?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn before(&self) -> &Table {
        &self.before
    }

    /// The query's answer as of `to`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let to = parse_date("2026-12-31")?;
    /// let changes = ledger.changes(parse_date("2025-09-01")?, to)?;
    /// assert_eq!(changes.after(), &ledger.query().as_of(to).run()?);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn after(&self) -> &Table {
        &self.after
    }

    /// Undated entries on the query's pledges, and undated amendments of
    /// members with such pledges: they cannot be placed between two dates,
    /// so they are not listed (and not in either total).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let changes = fixtures::paris_summit().changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.undated_entries() > 0); // the undated US backstop
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn undated_entries(&self) -> u64 {
        self.undated
    }
}

impl Ledger {
    /// What changed between two dates, counting pledges; see
    /// [`Query::changes`] to choose the measure, filters and grouping.
    ///
    /// # Errors
    ///
    /// As [`Query::changes`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let changes = ledger.changes(parse_date("2025-01-01")?, parse_date("2026-12-31")?)?;
    /// assert!(changes.events().len() > 0);
    /// assert!(ledger.changes(parse_date("2026-01-01")?, parse_date("2025-01-01")?).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn changes(&self, from: NaiveDate, to: NaiveDate) -> Result<Changes> {
        self.query().changes(from, to)
    }
}

impl Query<'_> {
    /// What changed after `from` up to and including `to`: the entries
    /// dated in between on the pledges the query's filters select (by
    /// member, group, kind and category), the members amended in between
    /// ([`Changes::roster_changes`]), and the query's totals as of
    /// each date with their difference, row by row. Undated entries are
    /// left out and counted.
    ///
    /// # Errors
    ///
    /// As [`Query::run`]; [`Error::InvalidValue`] when `from` is after `to`
    /// or the query sets `as_of` (the two dates are the question).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?,
    ///     Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified).on(parse_date("2025-10-01")?))?;
    /// let changes = ledger.query().measure(Measure::Personnel)
    ///     .changes(parse_date("2025-09-10")?, parse_date("2025-12-31")?)?;
    /// assert_eq!(changes.events().len(), 1);
    /// assert_eq!(changes.total().low_change(), Decimal::ZERO); // same size, firmer
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn changes(&self, from: NaiveDate, to: NaiveDate) -> Result<Changes> {
        if self.as_of.is_some() {
            return Err(Error::invalid(
                "changes",
                "as_of",
                "the two dates are the question; leave as_of unset",
            ));
        }
        if from > to {
            return Err(Error::invalid(
                "changes",
                "from",
                format!("{from} is after {to}"),
            ));
        }
        let before = self.clone().as_of(from).run()?;
        let after = self.clone().as_of(to).run()?;
        let snapshot = self.ledger.as_of_with(to, Undated::Exclude);
        let selected = |entry: &Entry| {
            entry
                .action()
                .pledge()
                .is_some_and(|id| self.selects_pledge(id))
        };
        let mut events: Vec<Change> = self
            .ledger
            .entry_views()
            .filter(|e| e.date().is_some_and(|d| d > from && d <= to))
            .filter_map(|e| e.entry())
            .filter(|e| selected(e))
            .filter_map(|e| {
                let pledge = e.action().pledge()?.clone();
                // Only an annotation is told apart by what came before it.
                let before = match e.action() {
                    Action::Annotate { .. } => evidence_before(self.ledger, &pledge, &e),
                    _ => None,
                };
                Some(Change {
                    sequence: e.sequence(),
                    date: e.date()?,
                    period: e.period()?,
                    member: self.ledger.pledge(&pledge).map(|p| p.member().clone()),
                    what: ChangeKind::of(e.action(), e.evidence(), before),
                    pledge,
                    applied: !snapshot.left_out().contains(&e.sequence()),
                })
            })
            .collect();
        events.sort_by_key(|c| (c.date, c.sequence));
        let mut roster: Vec<RosterChange> = self
            .ledger
            .entry_views()
            .filter(|e| matches!(e.whole_action(), Some(Action::AmendMember(_))))
            .filter_map(|e| e.entry())
            .filter_map(|e| match e.action() {
                Action::AmendMember(member) => {
                    Some((e.sequence(), e.date(), e.period(), member.id().clone()))
                }
                _ => None,
            })
            .filter(|(.., member)| self.members.is_empty() || self.members.contains(member))
            .filter_map(|(sequence, date, period, member)| {
                let date = date.filter(|d| *d > from && *d <= to)?;
                Some(RosterChange {
                    sequence,
                    date,
                    period: period?,
                    member,
                })
            })
            .collect();
        roster.sort_by_key(|c| (c.date, c.sequence));
        // An undated amendment that can change the answer (see
        // `Query::amendment_bears_on`) cannot be placed between the dates
        // either.
        let undated = self
            .ledger
            .entry_views()
            .filter(|e| e.date().is_none())
            .filter_map(|e| e.entry())
            .filter(|e| match e.action() {
                Action::AmendMember(member) => self.amendment_bears_on(member.id()),
                _ => selected(e),
            })
            .count();
        let (rows, total) = difference(&before, &after)?;
        Ok(Changes {
            from,
            to,
            events,
            roster,
            rows,
            total,
            before,
            after,
            undated: u64::try_from(undated).unwrap_or(u64::MAX),
        })
    }

    /// Whether the query's member, group, kind and category filters select
    /// the pledge (in the full ledger).
    fn selects_pledge(&self, id: &PledgeId) -> bool {
        self.ledger
            .pledge(id)
            .is_some_and(|pledge| self.filters_select(&pledge))
    }
}

/// The rows of both tables, matched by key, with their differences.
fn difference(before: &Table, after: &Table) -> Result<(Vec<ChangeRow>, ChangeRow)> {
    let empty = Total::default().in_currency(after.currency());
    let mut matched: BTreeMap<&[Key], (Total, Total)> = BTreeMap::new();
    for row in before.rows() {
        matched.entry(row.keys()).or_insert((empty, empty)).0 = *row.total();
    }
    for row in after.rows() {
        matched.entry(row.keys()).or_insert((empty, empty)).1 = *row.total();
    }
    let rows = matched
        .into_iter()
        .map(|(keys, (b, a))| ChangeRow::new(keys.to_vec(), b, a))
        .collect::<Result<Vec<_>>>()?;
    let total = ChangeRow::new(Vec::new(), *before.total(), *after.total())?;
    Ok((rows, total))
}

impl fmt::Display for Changes {
    /// A "since the last summit" summary: the counts of each kind of
    /// change, one line per change, then the totals on both dates and the
    /// change in each bound. A reason or id a change line quotes keeps to
    /// its line: control characters and U+2028/U+2029 print escaped (`\n`,
    /// `\u{2028}`); the answer's fields and serde keep the text as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for event in &self.events {
            let label = event.what.label();
            match counts.iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => counts.push((label, 1)),
            }
        }
        if !self.roster.is_empty() {
            counts.push(("member amendment", self.roster.len()));
        }
        let summary: Vec<String> = counts.iter().map(|&(label, n)| counted(n, label)).collect();
        let summary = if summary.is_empty() {
            "no changes".to_string()
        } else {
            summary.join(", ")
        };
        writeln!(f, "Since {}, to {}: {summary}", self.from, self.to)?;
        // One line per change, whatever an id of an older format's file
        // holds (version 1 took any id without control characters).
        let one_line =
            |text: &dyn fmt::Display| crate::one_line::one_line(&text.to_string()).into_owned();
        for event in &self.events {
            let member = event
                .member
                .as_ref()
                .map_or_else(String::new, |m| format!(" ({})", one_line(m)));
            let unapplied = if event.applied {
                ""
            } else {
                " [not applied: an entry it needs is undated or later]"
            };
            writeln!(
                f,
                "  {:<10}  {}{member}: {}{unapplied}",
                event.period,
                one_line(&event.pledge),
                event.what
            )?;
        }
        for change in &self.roster {
            writeln!(
                f,
                "  {:<10}  {}: member amended",
                change.period,
                one_line(&change.member)
            )?;
        }
        self.write_table(f)?;
        self.write_notes(f)
    }
}

impl Changes {
    /// The notes of both answers: once when both say it, else each under
    /// its date (an answer as of `from` may leave out what one as of `to`
    /// does not, and the other way round). Rows that overlap in either
    /// answer overlap in the printed table, which is one.
    fn write_notes(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut before = self.before.notes();
        let mut after = self.after.notes();
        if self.before.is_overlapping() || self.after.is_overlapping() {
            before.retain(|n| n != OVERLAPPING);
            after.retain(|n| n != OVERLAPPING);
            writeln!(f, "note: {OVERLAPPING}")?;
        }
        for note in after.iter().filter(|n| before.contains(n)) {
            writeln!(f, "note: {note}")?;
        }
        for note in before.iter().filter(|n| !after.contains(n)) {
            writeln!(f, "note (as of {}): {note}", self.from)?;
        }
        for note in after.iter().filter(|n| !before.contains(n)) {
            writeln!(f, "note (as of {}): {note}", self.to)?;
        }
        if self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .any(ChangeRow::is_rounded)
        {
            writeln!(f, "note: {CHANGE_ROUNDED}")?;
        }
        Ok(())
    }

    fn write_table(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:", self.after.unit(true))?;
        let dims = self.after.dimensions().len();
        // Without dimensions the one row is the total: it is printed once,
        // labelled, in a column of its own.
        let label_columns = dims.max(1);
        let mut header: Vec<String> = self
            .after
            .dimensions()
            .iter()
            .map(ToString::to_string)
            .collect();
        header.resize(label_columns, String::new());
        header.extend([
            self.from.to_string(),
            self.to.to_string(),
            "change".to_string(),
        ]);
        let currency = self.after.currency();
        let line = |keys: Vec<String>, row: &ChangeRow| {
            let mut cells = keys;
            cells.extend([
                row.before.range_text(),
                row.after.range_text(),
                row.change_text(currency),
            ]);
            cells
        };
        let mut lines = vec![header];
        if dims > 0 {
            for row in &self.rows {
                lines.push(line(
                    row.keys.iter().map(ToString::to_string).collect(),
                    row,
                ));
            }
        }
        let mut total_keys = vec![String::new(); label_columns];
        if let Some(first) = total_keys.first_mut() {
            *first = "TOTAL".into();
        }
        lines.push(line(total_keys, &self.total));
        let mut widths = vec![0usize; label_columns.saturating_add(3)];
        for cells in &lines {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for cells in &lines {
            let text: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, w))| {
                    if i < label_columns {
                        format!("{cell:<w$}")
                    } else {
                        format!("{cell:>w$}")
                    }
                })
                .collect();
            writeln!(f, "{}", text.join("  ").trim_end())?;
        }
        let shown_rounded = self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .any(|row| row.is_shown_rounded(currency));
        if shown_rounded {
            writeln!(f, "note: {SHOWN_ROUNDED}")?;
        }
        Ok(())
    }
}
