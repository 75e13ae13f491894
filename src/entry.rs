//! The journal vocabulary: [`Entry`], [`Action`] and [`Provenance`].
//!
//! The ledger is a sequence of entries. Each entry is one [`Action`] plus its
//! [`Provenance`]: the effective date (optional, because real rows are
//! sometimes undated), the [`Evidence`] level, and the sources cited.
//! Nothing is edited or deleted; a correction is a new entry.

mod stamp;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dates::PartialDate;
use crate::error::{Error, Result};
use crate::ids::{PledgeId, SourceId};
use crate::lifecycle::{Evidence, Stage};
use crate::limits::{MAX_KEY_CHARS, MAX_SOURCES_PER_ENTRY, MAX_TEXT_CHARS};
use crate::member::Member;
use crate::money::Currency;
use crate::pledge::{Contribution, NewPledge};
use crate::source::Source;
use crate::thin_list::ThinList;
use crate::within_limits::{check_date, check_text};
pub(crate) use stamp::Stamp;

/// One event in the journal.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Action, Evidence, PledgeId, Provenance, Stage};
///
/// let advance = Action::Advance { pledge: PledgeId::new("FRA-troops")?, stage: Stage::Committed };
/// let provenance = Provenance::new(Evidence::Verified);
/// assert_eq!(advance.pledge().map(|p| p.as_str()), Some("FRA-troops"));
/// # let _ = provenance;
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// Adds a member to the roster.
    AddMember(Box<Member>),
    /// Adds a source that entries can cite.
    AddSource(Box<Source>),
    /// Opens a pledge.
    Pledge(Box<NewPledge>),
    /// Moves a pledge to a later stage (not `Withdrawn`: use
    /// [`Action::Withdraw`]).
    Advance {
        /// The pledge.
        pledge: PledgeId,
        /// The new stage.
        stage: Stage,
    },
    /// Replaces the size of a pledge. The kind, the equipment category and
    /// the currency must stay the same; the size may go down (a correction).
    Revise {
        /// The pledge.
        pledge: PledgeId,
        /// The contribution at its new size.
        contribution: Box<Contribution>,
    },
    /// Records a delivered quantity in the pledge's own unit: personnel,
    /// units, or money in the pledge's currency.
    Deliver {
        /// The pledge.
        pledge: PledgeId,
        /// How much; negative only when `correction` is set.
        #[serde(with = "crate::money::amount")]
        quantity: Decimal,
        /// The currency, required for money and absent otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<Currency>,
        /// Marks an explicit correction, which may be negative. The
        /// cumulative delivered amount never drops below zero.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        correction: bool,
    },
    /// Withdraws a pledge; terminal.
    Withdraw {
        /// The pledge.
        pledge: PledgeId,
        /// Why, in words.
        reason: Box<str>,
    },
    /// Attaches the entry's sources and evidence to a pledge without
    /// changing its stage.
    Annotate {
        /// The pledge.
        pledge: PledgeId,
    },
    /// Amends a member from the entry's date on: its new name, groups and
    /// roles (Finland joining NATO in 2023). `as_of` an earlier date, and
    /// the `Group` dimension there, see the member as it was.
    AmendMember(Box<Member>),
    /// Amends a source from the entry's date on: its new publisher, title,
    /// kind, URL or publication date.
    AmendSource(Box<Source>),
    /// Voids a pledge recorded in error by us (a typo, a row imported
    /// twice): distinct from [`Action::Withdraw`], which says the member
    /// withdrew. The pledge and its entries stay in the history; it counts
    /// nowhere from the entry's date on, takes no further entries, and
    /// `check` lists it (CL019). A pledge that another depends on cannot be
    /// voided; a pledge recorded later may still name it, and to that one
    /// the condition is unknown, as for a pledge never recorded.
    Void {
        /// The pledge.
        pledge: PledgeId,
        /// Why, in words.
        reason: Box<str>,
    },
}

impl Action {
    /// The pledge the action is about, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let action = Action::Withdraw { pledge: PledgeId::new("FRA-1")?, reason: "no ceasefire".into() };
    /// assert_eq!(action.pledge().map(|p| p.as_str()), Some("FRA-1"));
    /// let roster = Action::AddMember(Box::new(Member::new(MemberId::new("FRA")?, "France")));
    /// assert_eq!(roster.pledge(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledge(&self) -> Option<&PledgeId> {
        match self {
            Action::AddMember(_)
            | Action::AddSource(_)
            | Action::AmendMember(_)
            | Action::AmendSource(_) => None,
            Action::Pledge(p) => Some(p.id()),
            Action::Advance { pledge, .. }
            | Action::Revise { pledge, .. }
            | Action::Deliver { pledge, .. }
            | Action::Withdraw { pledge, .. }
            | Action::Void { pledge, .. }
            | Action::Annotate { pledge } => Some(pledge),
        }
    }

    /// The action's name as written in files (`add_member`, `advance`, ...).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let action = Action::AddMember(Box::new(Member::new(MemberId::new("FRA")?, "France")));
    /// assert_eq!(action.name(), "add_member");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Action::AddMember(_) => "add_member",
            Action::AddSource(_) => "add_source",
            Action::Pledge(_) => "pledge",
            Action::Advance { .. } => "advance",
            Action::Revise { .. } => "revise",
            Action::Deliver { .. } => "deliver",
            Action::Withdraw { .. } => "withdraw",
            Action::Annotate { .. } => "annotate",
            Action::AmendMember(_) => "amend_member",
            Action::AmendSource(_) => "amend_source",
            Action::Void { .. } => "void",
        }
    }
}

/// The sources a provenance cites, sorted and unique. Most cite one
/// source: that one is held inline, without an allocation of its own (a
/// ledger's entry then holds the ledger's list of that source, see
/// [`StoredSources`]). A longer list is shared: the entries an import
/// makes of one row cite the same list, and cloning a provenance costs no
/// allocation. The shared list's length lives with its ids
/// (`triomphe::ThinArc`), so the whole is two words, not three.
#[derive(Clone, Default)]
pub(crate) enum SourceList {
    #[default]
    None,
    One(SourceId),
    Many(SharedIds),
}

/// A shared list of two or more source ids.
pub(crate) type SharedIds = triomphe::ThinArc<(), SourceId>;

/// Shares `ids` as one allocation.
fn shared(ids: impl ExactSizeIterator<Item = SourceId>) -> SharedIds {
    triomphe::ThinArc::from_header_and_iter((), ids)
}

impl PartialEq for SourceList {
    /// Lists are equal when they cite the same sources.
    fn eq(&self, other: &SourceList) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SourceList {}

impl std::hash::Hash for SourceList {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl std::fmt::Debug for SourceList {
    /// As a derived `Debug` showed it when the list was an `Arc<[SourceId]>`
    /// (`None`, `One(SourceId("S1"))`, `Many([SourceId("S1"), …])`), so
    /// that an entry's and a provenance's `Debug` did not change.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        debug_list(self.as_slice(), f)
    }
}

/// A list of sources as `SourceList`'s `Debug` shows it, whatever holds it.
fn debug_list(ids: &[SourceId], f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match ids {
        [] => f.write_str("None"),
        [id] => f.debug_tuple("One").field(id).finish(),
        ids => f.debug_tuple("Many").field(&ids).finish(),
    }
}

/// The sources an entry cites, as the entry holds them: one pointer, null
/// when there are none, where a provenance's list took two words. A ledger's
/// entry that cites one source alone holds the ledger's list of that
/// source (the ledger's `alone_lists`), and one that cites more holds
/// the provenance's shared list itself: neither allocates.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct StoredSources(ThinList<SourceId>);

impl StoredSources {
    /// The list citing `source` alone (a ledger keeps one per source).
    pub(crate) fn alone(source: SourceId) -> StoredSources {
        StoredSources(ThinList::from_vec(vec![source]))
    }

    /// True when both are the very same list (shared, not merely equal).
    pub(crate) fn is_same(&self, other: &StoredSources) -> bool {
        self.0.same_allocation(&other.0)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids, sorted.
    pub(crate) fn ids(&self) -> &[SourceId] {
        &self.0
    }

    /// The list as a provenance holds it.
    fn to_source_list(&self) -> SourceList {
        match (&*self.0, self.0.as_shared()) {
            ([one], _) => SourceList::One(one.clone()),
            (_, Some(list)) => SourceList::Many(list.clone()),
            (_, None) => SourceList::None,
        }
    }
}

impl std::fmt::Debug for StoredSources {
    /// As the provenance's list shows (`None`, `One(…)`, `Many([…])`), so
    /// that an entry's `Debug` did not change.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        debug_list(&self.0, f)
    }
}

impl Serialize for StoredSources {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (*self.0).serialize(s)
    }
}

impl SourceList {
    /// The list of `ids` as they stand, leaving `ids` empty with its room
    /// kept: a reader that cites a list per row reuses one vector.
    fn drained(ids: &mut Vec<SourceId>) -> SourceList {
        match ids.len() {
            0 => SourceList::None,
            1 => ids.pop().map_or(SourceList::None, SourceList::One),
            _ => SourceList::Many(shared(ids.drain(..))),
        }
    }

    fn as_slice(&self) -> &[SourceId] {
        match self {
            SourceList::None => &[],
            SourceList::One(id) => std::slice::from_ref(id),
            SourceList::Many(ids) => &ids.slice,
        }
    }

    /// Replaces each id by the copy `own` gives, when that is a different
    /// allocation; a shared list is copied only when some id changes. True
    /// when `own` gave a copy of every id.
    fn share<'a>(&mut self, own: impl Fn(&SourceId) -> Option<&'a SourceId>) -> bool {
        match self {
            SourceList::None => true,
            SourceList::One(id) => match own(id) {
                Some(o) => {
                    if !o.same_allocation(id) {
                        *id = o.clone();
                    }
                    true
                }
                None => false,
            },
            SourceList::Many(ids) => {
                let (mut all, mut differs) = (true, false);
                for id in &ids.slice {
                    match own(id) {
                        Some(o) => differs |= !o.same_allocation(id),
                        None => all = false,
                    }
                }
                if differs {
                    let copied = ids.slice.iter().map(|id| own(id).unwrap_or(id).clone());
                    *ids = shared(copied);
                }
                all
            }
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, SourceList::None)
    }

    /// The list as an entry holds it: `alone` gives a ledger's list of a
    /// source cited alone (a list of its own is made when it gives none),
    /// and a longer list is the very same shared list.
    fn into_stored(self, alone: impl FnOnce(&SourceId) -> Option<StoredSources>) -> StoredSources {
        match self {
            SourceList::None => StoredSources::default(),
            SourceList::One(id) => alone(&id).unwrap_or_else(|| StoredSources::alone(id)),
            SourceList::Many(ids) => StoredSources(ThinList::from_shared(ids)),
        }
    }

    /// True when an entry holding `stored` cites this very list (the same
    /// copy of a source cited alone, or the same shared list).
    pub(crate) fn is_stored_as(&self, stored: &StoredSources) -> bool {
        match (self, &*stored.0) {
            (SourceList::None, []) => true,
            (SourceList::One(a), [b]) => a.same_allocation(b),
            (SourceList::Many(a), _) => stored.0.is_shared(a),
            _ => false,
        }
    }

    /// Inserts `source` in order, unless it is already there. A list one
    /// past [`MAX_SOURCES_PER_ENTRY`] takes no more: recording it fails
    /// anyway, and a caller citing 300,000 sources must not pay for sorting
    /// them first.
    fn insert(&mut self, source: SourceId) {
        if self.as_slice().len() > MAX_SOURCES_PER_ENTRY {
            return;
        }
        let mut ids = match std::mem::take(self) {
            SourceList::None => {
                *self = SourceList::One(source);
                return;
            }
            SourceList::One(id) => vec![id],
            SourceList::Many(ids) => ids.slice.to_vec(),
        };
        if let Err(at) = ids.binary_search(&source) {
            ids.insert(at, source);
        }
        *self = SourceList::from(ids);
    }
}

impl From<Vec<SourceId>> for SourceList {
    fn from(mut ids: Vec<SourceId>) -> SourceList {
        SourceList::drained(&mut ids)
    }
}

impl Serialize for SourceList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for SourceList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<SourceList, D::Error> {
        crate::limits::bounded_sources::<D, SourceId>(d).map(SourceList::from)
    }
}

/// Where an entry comes from: its effective date, evidence and sources.
///
/// There is no default evidence: every entry says how well it is known.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Evidence, Provenance, SourceId, parse_date};
///
/// let p = Provenance::new(Evidence::Reported)
///     .on(parse_date("2025-09-04")?)
///     .cite(SourceId::new("reuters-paris")?);
/// assert_eq!(p.date().map(|d| d.to_string()), Some("2025-09-04".to_string()));
/// assert_eq!(p.sources().len(), 1);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
///
/// Its serde form is the one entries use in the JSON document:
/// `{"date": "2025-09-04", "evidence": "reported", "sources": ["elysee"],
/// "key": "feed-17"}`, with `date`, `sources` and `key` left out when empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, from = "ProvenanceIn")]
pub struct Provenance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    evidence: Evidence,
    #[serde(default, skip_serializing_if = "SourceList::is_empty")]
    sources: SourceList,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<ClientKey>,
}

/// A deserialized provenance, rebuilt through `cite` so its sources are
/// sorted and unique whatever order the input lists them in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvenanceIn {
    #[serde(default)]
    date: Option<PartialDate>,
    evidence: Evidence,
    #[serde(default)]
    sources: Vec<SourceId>,
    #[serde(default)]
    key: Option<ClientKey>,
}

impl From<ProvenanceIn> for Provenance {
    fn from(input: ProvenanceIn) -> Provenance {
        let mut provenance = Provenance::new(input.evidence);
        provenance.date = input.date;
        provenance.key = input.key;
        let mut sources = input.sources;
        provenance.with_sources(&mut sources)
    }
}

impl Provenance {
    /// Undated, citing no source.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let p = Provenance::new(Evidence::Unconfirmed);
    /// assert_eq!((p.date(), p.evidence(), p.sources().len()), (None, Evidence::Unconfirmed, 0));
    /// ```
    pub fn new(evidence: Evidence) -> Provenance {
        Provenance {
            date: None,
            evidence,
            sources: SourceList::None,
            key: None,
        }
    }

    /// The same provenance with another evidence (the CSV import's opening
    /// entry of a row naming a best evidence).
    #[cfg(feature = "csv")]
    pub(crate) fn with_evidence(mut self, evidence: Evidence) -> Provenance {
        self.evidence = evidence;
        self
    }

    /// Sets the effective date.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let p = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
    /// assert_eq!(p.date(), Some(parse_date("2025-09-04")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn on(mut self, date: NaiveDate) -> Provenance {
        self.date = Some(PartialDate::day(date));
        self
    }

    /// Sets an effective date known only to the month or the year (or to
    /// the day): the entry takes effect at the end of the period (see
    /// [`DatePrecision`](crate::DatePrecision)).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let p = Provenance::new(Evidence::Reported).within("2024-03".parse()?);
    /// assert_eq!(p.date(), Some(parse_date("2024-03-31")?));
    /// assert_eq!(p.period().map(|d| d.to_string()), Some("2024-03".to_string()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn within(mut self, date: PartialDate) -> Provenance {
        self.date = Some(date);
        self
    }

    /// The effective date as given: a day, a month or a year.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let p = Provenance::new(Evidence::Reported).within("2024".parse()?);
    /// assert_eq!(p.period().map(|d| d.precision()), Some(DatePrecision::Year));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn period(&self) -> Option<PartialDate> {
        self.date
    }

    /// Cites a source (kept sorted, duplicates ignored). Past
    /// [`MAX_SOURCES_PER_ENTRY`](crate::limits::MAX_SOURCES_PER_ENTRY)
    /// sources no more are kept, and recording the entry fails with
    /// [`Error::Limit`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let p = Provenance::new(Evidence::Reported)
    ///     .cite(SourceId::new("reuters")?)
    ///     .cite(SourceId::new("elysee")?)
    ///     .cite(SourceId::new("reuters")?);
    /// assert_eq!(p.sources(), [SourceId::new("elysee")?, SourceId::new("reuters")?]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn cite(mut self, source: SourceId) -> Provenance {
        self.sources.insert(source);
        self
    }

    /// [`Provenance::cite`] of each source in turn, sorting the list once
    /// when it is within the limit (as the turns would). `sources` is left
    /// empty, its room kept for the caller's next list.
    pub(crate) fn with_sources(mut self, sources: &mut Vec<SourceId>) -> Provenance {
        if self.sources.is_empty() && sources.len() <= MAX_SOURCES_PER_ENTRY {
            // A list read back from this crate's own CSV or JSON is sorted
            // and unique already: one comparison per pair tells.
            if !sources.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
                sources.sort_unstable();
                sources.dedup();
            }
            self.sources = SourceList::drained(sources);
            return self;
        }
        for source in sources.drain(..) {
            self = self.cite(source);
        }
        self
    }

    /// The cited sources as held (an import reuses a list it has read).
    pub(crate) fn source_list(&self) -> &SourceList {
        &self.sources
    }

    /// Cites exactly `sources`, replacing any cited before.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn with_source_list(mut self, sources: SourceList) -> Provenance {
        self.sources = sources;
        self
    }

    /// Sets the client's idempotency key: recording an entry whose key was
    /// already recorded with the same content appends nothing and returns
    /// [`Recorded::AlreadyPresent`](crate::Recorded::AlreadyPresent); the
    /// same key with different content is an
    /// [`Error::Conflict`] naming the field that differs.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// let fra = || Action::AddMember(Box::new(Member::new(MemberId::new("FRA").unwrap(), "France")));
    /// let key = ClientKey::new("feed-123")?;
    /// let first = ledger.record(fra(), Provenance::new(Evidence::Verified).key(key.clone()))?;
    /// let again = ledger.record(fra(), Provenance::new(Evidence::Verified).key(key))?;
    /// assert_eq!(again, Recorded::AlreadyPresent { sequence: first.sequence() });
    /// assert_eq!(ledger.len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn key(mut self, key: ClientKey) -> Provenance {
        self.key = Some(key);
        self
    }

    /// The effective date: the date itself, or the last day of a month or
    /// year (see [`Provenance::within`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Provenance::new(Evidence::Reported).date(), None); // undated
    /// ```
    pub fn date(&self) -> Option<NaiveDate> {
        self.date.map(|d| d.effective())
    }

    /// The evidence level.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Provenance::new(Evidence::Verified).evidence(), Evidence::Verified);
    /// ```
    pub fn evidence(&self) -> Evidence {
        self.evidence
    }

    /// The sources cited, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let p = Provenance::new(Evidence::Reported).cite(SourceId::new("elysee")?);
    /// assert_eq!(p.sources().len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sources(&self) -> &[SourceId] {
        self.sources.as_slice()
    }

    /// The client's idempotency key, if any.
    ///
    /// ```
    /// use coalition_ledger::{ClientKey, Evidence, Provenance};
    /// let p = Provenance::new(Evidence::Reported).key(ClientKey::new("feed-7")?);
    /// assert_eq!(p.client_key().map(ClientKey::as_str), Some("feed-7"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn client_key(&self) -> Option<&ClientKey> {
        self.key.as_ref()
    }

    /// The first provenance field that differs from `other`, if any.
    pub(crate) fn first_difference(&self, other: &Provenance) -> Option<&'static str> {
        if self.date != other.date {
            Some("date")
        } else if self.evidence != other.evidence {
            Some("evidence")
        } else if self.sources != other.sources {
            Some("sources")
        } else if self.key != other.key {
            Some("key")
        } else {
            None
        }
    }

    /// Replaces the cited ids by the ledger's own copies (see
    /// [`SourceList::share`]); true when `own` gave one for every id.
    pub(crate) fn share_sources<'a>(
        &mut self,
        own: impl Fn(&SourceId) -> Option<&'a SourceId>,
    ) -> bool {
        self.sources.share(own)
    }
}

/// One appended event: an [`Action`] with its sequence number and
/// provenance. Entries are made by the [`Ledger`](crate::Ledger) and never
/// change.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// for id in ["FRA", "GBR"] {
///     ledger.add_member(Member::new(MemberId::new(id)?, id))?;
/// }
/// for (id, member, n) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000)] {
///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(n) });
///     ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
/// }
/// let entry: Entry = ledger.entries().next_back().ok_or(coalition_ledger::Error::Internal { what: "empty".into() })?;
/// assert_eq!(entry.sequence(), 3);
/// assert_eq!(entry.action().name(), "pledge");
/// assert_eq!(entry.date(), Some(parse_date("2025-09-04")?));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    // Held compactly (64 bytes, not 128): a ledger keeps its entries in
    // columns (see `ledger::entry_store`) and makes these on demand, but
    // batches, journals and readers hold many. The sequence number fits in
    // 32 bits because the ledger refuses entries past `u32::MAX - 1`; the
    // date and evidence share one word (`Stamp`); the client key and the
    // older format version are rare, so they share one optional box.
    sequence: u32,
    stamp: Stamp,
    sources: StoredSources,
    rare: Option<Box<RareFields>>,
    action: Action,
}

#[allow(
    clippy::missing_fields_in_debug,
    reason = "the boxed rare fields are shown one by one, as `key` and `accepted_under`"
)]
impl std::fmt::Debug for Entry {
    /// The fields as the entry reads them, whatever box holds the rare ones.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("sequence", &self.sequence)
            .field("date", &self.period())
            .field("evidence", &self.evidence())
            .field("sources", &self.sources)
            .field("key", &self.client_key())
            .field("accepted_under", &self.accepted_under())
            .field("action", &self.action)
            .finish()
    }
}

/// The fields few entries carry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RareFields {
    key: Option<ClientKey>,
    /// The format version whose rules this entry was recorded under, for an
    /// entry of a file an older version wrote; `None` for the current rules.
    accepted_under: Option<u32>,
    /// A date that does not fit in a [`Stamp`] (none does: kept so that an
    /// entry never loses its date, whatever dates `chrono` comes to hold).
    date: Option<PartialDate>,
}

/// An entry's serde forms, named `Entry` like the type they stand for, so
/// that serde's messages ("expected struct Entry") and serializers that
/// write struct names see the same name as before the entry was held
/// compactly.
mod form {
    use super::{Action, ClientKey, Evidence, PartialDate, SourceList, StoredSources};
    use serde::{Deserialize, Serialize};

    /// Written from borrows: a journal writes every entry it appends, so
    /// serializing copies nothing.
    #[derive(Serialize)]
    #[serde(rename = "Entry")]
    pub(super) struct Out<'a> {
        pub(super) seq: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) date: Option<PartialDate>,
        pub(super) evidence: Evidence,
        #[serde(skip_serializing_if = "StoredSources::is_empty")]
        pub(super) sources: &'a StoredSources,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) key: Option<&'a ClientKey>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) accepted_under: Option<u32>,
        pub(super) action: &'a Action,
    }

    /// Read with the sequence number as `S`: 32 bits for an entry, which
    /// refuses a larger number where it stands (with its line and column);
    /// 64 bits for a journal line, whose replay names the wrong number.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Entry<S> {
        pub(super) seq: S,
        #[serde(default)]
        pub(super) date: Option<PartialDate>,
        pub(super) evidence: Evidence,
        #[serde(default)]
        pub(super) sources: SourceList,
        #[serde(default)]
        pub(super) key: Option<ClientKey>,
        #[serde(default)]
        pub(super) accepted_under: Option<u32>,
        pub(super) action: Action,
    }
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        form::Out {
            seq: self.sequence,
            date: self.period(),
            evidence: self.evidence(),
            sources: &self.sources,
            key: self.client_key(),
            accepted_under: self.accepted_under(),
            action: &self.action,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Entry, D::Error> {
        Ok(Entry::from_form(form::Entry::<u32>::deserialize(d)?))
    }
}

impl Entry {
    /// The entry a read form describes.
    fn from_form(e: form::Entry<u32>) -> Entry {
        let (stamp, aside) = Stamp::new(e.date, e.evidence);
        Entry {
            sequence: e.seq,
            stamp,
            sources: e.sources.into_stored(|_| None),
            rare: RareFields::boxed(e.key, e.accepted_under, aside),
            action: e.action,
        }
    }

    /// Reads an entry's JSON as a journal line holds it. A sequence number
    /// no ledger reaches is given back as a number (`Ok(Err(n))`), so that
    /// the journal refuses it as it refuses any other wrong sequence number
    /// (naming it and the one expected) rather than as an unreadable line,
    /// which recovery could take for a torn write.
    pub(crate) fn from_journal_json(
        json: &[u8],
    ) -> serde_json::Result<std::result::Result<Entry, u64>> {
        let e = serde_json::from_slice::<form::Entry<u64>>(json)?;
        Ok(match u32::try_from(e.seq) {
            Ok(seq) => Ok(Entry::from_form(form::Entry {
                seq,
                date: e.date,
                evidence: e.evidence,
                sources: e.sources,
                key: e.key,
                accepted_under: e.accepted_under,
                action: e.action,
            })),
            Err(_) => Err(e.seq),
        })
    }
}

impl RareFields {
    /// The box, when there is anything to put in it.
    fn boxed(
        key: Option<ClientKey>,
        accepted_under: Option<u32>,
        date: Option<PartialDate>,
    ) -> Option<Box<RareFields>> {
        (key.is_some() || accepted_under.is_some() || date.is_some()).then(|| {
            Box::new(RareFields {
                key,
                accepted_under,
                date,
            })
        })
    }
}

impl RareFields {
    /// The client's idempotency key, if any.
    pub(crate) fn key(&self) -> Option<&ClientKey> {
        self.key.as_ref()
    }

    /// The date kept beside the stamp, when it did not fit in one.
    pub(crate) fn date(&self) -> Option<PartialDate> {
        self.date
    }
}

/// An entry taken apart for a ledger's columns (see
/// `ledger::entry_store`), which keep the action in pieces and the rest as
/// it is.
pub(crate) struct Parts {
    pub(crate) stamp: Stamp,
    pub(crate) sources: StoredSources,
    pub(crate) rare: Option<Box<RareFields>>,
    pub(crate) action: Action,
}

impl Entry {
    /// Takes the entry apart; [`Entry::from_parts`] puts it back together.
    pub(crate) fn into_stored_parts(self) -> Parts {
        Parts {
            stamp: self.stamp,
            sources: self.sources,
            rare: self.rare,
            action: self.action,
        }
    }

    /// The entry at `sequence` made of parts a ledger kept.
    pub(crate) fn from_parts(sequence: u32, parts: Parts) -> Entry {
        Entry {
            sequence,
            stamp: parts.stamp,
            sources: parts.sources,
            rare: parts.rare,
            action: parts.action,
        }
    }

    /// The entry. `alone` gives a ledger's list of the source a provenance
    /// cites alone (see [`SourceList::into_stored`]); a longer list is
    /// kept as it is, not counted again.
    pub(crate) fn new(
        sequence: u32,
        action: Action,
        provenance: Provenance,
        alone: impl FnOnce(&SourceId) -> Option<StoredSources>,
    ) -> Entry {
        let (stamp, aside) = Stamp::new(provenance.date, provenance.evidence);
        Entry {
            sequence,
            stamp,
            sources: provenance.sources.into_stored(alone),
            rare: RareFields::boxed(provenance.key, None, aside),
            action,
        }
    }

    /// The cited sources as held.
    #[cfg(all(test, feature = "csv"))]
    pub(crate) fn source_list(&self) -> &StoredSources {
        &self.sources
    }

    /// Marks the entry as recorded under the rules of an older format
    /// version.
    pub(crate) fn accepted_under_version(mut self, version: Option<u32>) -> Entry {
        if version.is_some() || self.accepted_under().is_some() {
            let (key, date) = self.rare.map_or((None, None), |r| (r.key, r.date));
            self.rare = RareFields::boxed(key, version, date);
        }
        self
    }

    /// The format version whose rules this entry was recorded under, when it
    /// comes from a file an older version wrote (`None` for entries recorded
    /// under the current rules). Files saved later keep it, so the entry
    /// keeps loading under those rules; `check` reports (CL015) the ones the
    /// current rules refuse, and CL004 the dependency cycles.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// assert_eq!(ledger.entry(0).and_then(|e| e.accepted_under()), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn accepted_under(&self) -> Option<u32> {
        self.rare.as_ref().and_then(|r| r.accepted_under)
    }

    /// The client's idempotency key, if the entry carries one.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    /// let mut ledger = Ledger::new();
    /// let fra = Member::new(MemberId::new("FRA")?, "France");
    /// let key = ClientKey::new("roster-1")?;
    /// ledger.record(Action::AddMember(Box::new(fra)), Provenance::new(Evidence::Verified).key(key.clone()))?;
    /// assert_eq!(ledger.entry(0).and_then(|e| e.client_key().cloned()), Some(key));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn client_key(&self) -> Option<&ClientKey> {
        self.rare.as_ref().and_then(|r| r.key.as_ref())
    }

    /// The sequence number: the entry's 0-based position in the ledger.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let sequences: Vec<u64> = ledger.entries().map(|e| e.sequence()).collect();
    /// assert_eq!(sequences, [0, 1]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sequence(&self) -> u64 {
        u64::from(self.sequence)
    }

    /// The effective date, if the entry is dated: for a date known only to
    /// a month or a year, the last day of that period ([`Entry::period`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// assert_eq!(ledger.entry(0).and_then(|e| e.date()), None);
    /// assert_eq!(ledger.entry(1).and_then(|e| e.date()), Some(parse_date("2025-09-04")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn date(&self) -> Option<NaiveDate> {
        self.stamp
            .date()
            .or_else(|| self.date_aside().map(|d| d.effective()))
    }

    /// The effective date as recorded: a day, a month (`2024-03`) or a year
    /// (`2024`). [`Entry::date`] is the day it takes effect, the end of the
    /// period.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(10) });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).within("2024-03".parse()?))?;
    /// let entry = ledger.entry(1).ok_or(coalition_ledger::Error::Internal { what: "no entry".into() })?;
    /// assert_eq!(entry.period().map(|d| d.to_string()), Some("2024-03".to_string()));
    /// assert_eq!(entry.date(), Some(parse_date("2024-03-31")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn period(&self) -> Option<PartialDate> {
        self.stamp.period().or_else(|| self.date_aside())
    }

    /// The date kept beside the stamp, when it did not fit in one.
    fn date_aside(&self) -> Option<PartialDate> {
        self.rare.as_ref().and_then(|r| r.date)
    }

    /// The evidence level.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// assert_eq!(ledger.entry(1).map(|e| e.evidence()), Some(Evidence::Reported));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn evidence(&self) -> Evidence {
        self.stamp.evidence()
    }

    /// The sources cited, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// assert_eq!(ledger.entry(1).map(|e| e.sources().len()), Some(0));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sources(&self) -> &[SourceId] {
        &self.sources.0
    }

    /// The action.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// assert_eq!(ledger.entry(1).and_then(|e| e.action().pledge().cloned()), Some(id));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn action(&self) -> &Action {
        &self.action
    }

    /// The provenance, for re-recording the action elsewhere.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// let provenance = ledger.entry(1).map(|e| e.provenance());
    /// assert_eq!(provenance, Some(Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?)));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn provenance(&self) -> Provenance {
        Provenance {
            date: self.period(),
            evidence: self.evidence(),
            sources: self.sources.to_source_list(),
            key: self.client_key().cloned(),
        }
    }

    /// Splits the entry into its action and provenance.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    /// // Replaying the parts of every entry rebuilds the same ledger.
    /// let mut copy = Ledger::new();
    /// for entry in ledger.entries() {
    ///     let (action, provenance) = entry.into_parts();
    ///     copy.record(action, provenance)?;
    /// }
    /// assert_eq!(copy.to_json(), ledger.to_json());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn into_parts(self) -> (Action, Provenance) {
        let provenance = Provenance {
            date: self.period(),
            evidence: self.evidence(),
            sources: self.sources.to_source_list(),
            key: self.rare.and_then(|r| r.key),
        };
        (self.action, provenance)
    }
}

/// Validates the date an entry gives, independent of the ledger; the
/// error names the pledge the entry is about, if any.
pub(crate) fn validate_date(action: &Action, provenance: &Provenance) -> Result<()> {
    if let Some(date) = provenance.date {
        check_date(|| subject(action), "date", date.effective())?;
    }
    Ok(())
}

/// What an entry is about, as an error names it: the pledge, member or
/// source its action names.
#[cold]
fn subject(action: &Action) -> String {
    match action {
        Action::AddMember(member) | Action::AmendMember(member) => {
            format!("member `{}`", member.id())
        }
        Action::AddSource(source) | Action::AmendSource(source) => {
            format!("source `{}`", source.id())
        }
        other => match other.pledge() {
            Some(pledge) => format!("pledge `{pledge}`"),
            None => "entry".to_string(),
        },
    }
}

/// Checks that an entry cites at most [`MAX_SOURCES_PER_ENTRY`] sources.
pub(crate) fn within_source_limit(action: &Action, provenance: &Provenance) -> Result<()> {
    let cited = provenance.sources().len();
    if cited > MAX_SOURCES_PER_ENTRY {
        return Err(Error::limit(
            format!(
                "number of sources cited by one entry (on {})",
                subject(action)
            ),
            MAX_SOURCES_PER_ENTRY,
            cited,
        ));
    }
    Ok(())
}

/// Validates the sources an entry cites, independent of the ledger: within
/// the limit, sorted and unique.
pub(crate) fn validate_sources(action: &Action, provenance: &Provenance) -> Result<()> {
    within_source_limit(action, provenance)?;
    let sources = provenance.sources();
    if !sources.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
        return Err(Error::invalid(
            subject(action),
            "sources",
            "must be sorted and unique",
        ));
    }
    Ok(())
}

/// Validates the text of a withdrawal reason.
pub(crate) fn validate_reason(pledge: &PledgeId, reason: &str) -> Result<()> {
    let subject = || format!("pledge `{pledge}`");
    if reason.trim().is_empty() {
        return Err(Error::invalid(
            subject(),
            "reason",
            "a withdrawal needs a reason",
        ));
    }
    check_text(subject, "reason", reason, MAX_TEXT_CHARS)
}

/// A client-supplied idempotency key: non-empty, at most
/// [`MAX_KEY_CHARS`] characters, no control characters, no surrounding
/// white space.
///
/// # Example
///
/// ```
/// use coalition_ledger::ClientKey;
/// assert_eq!(ClientKey::new("feed-123")?.as_str(), "feed-123");
/// assert!(ClientKey::new("").is_err());
/// assert!(ClientKey::new(" padded").is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientKey(Box<str>);

impl ClientKey {
    /// Validates and wraps a key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidId`] for an empty key, one longer than
    /// [`MAX_KEY_CHARS`] characters, or one holding control characters or
    /// surrounding white space.
    ///
    /// ```
    /// use coalition_ledger::ClientKey;
    /// assert!(ClientKey::new("order-42/line-1").is_ok());
    /// assert!(ClientKey::new("a\nb").is_err());
    /// ```
    pub fn new(text: impl AsRef<str>) -> Result<ClientKey> {
        let text = text.as_ref();
        let reason = if text.is_empty() {
            Some("must not be empty")
        } else if text.chars().count() > MAX_KEY_CHARS {
            Some("too long")
        } else if text.chars().any(char::is_control) {
            Some("contains a control character")
        } else if text.trim() != text {
            Some("has surrounding white space")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::InvalidId {
                kind: "client key",
                value: text.chars().take(MAX_KEY_CHARS).collect(),
                reason: reason.to_string(),
            }),
            None => Ok(ClientKey(text.into())),
        }
    }

    /// The key as text.
    ///
    /// ```
    /// use coalition_ledger::ClientKey;
    /// assert_eq!(ClientKey::new("k1")?.as_str(), "k1");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ClientKey {
    type Err = Error;
    fn from_str(text: &str) -> Result<ClientKey> {
        ClientKey::new(text)
    }
}

impl Serialize for ClientKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ClientKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<ClientKey, D::Error> {
        crate::spelling::from_str_with(d, "a client key", |text: &str| ClientKey::new(text))
    }
}

#[cfg(test)]
mod debug_tests {
    use super::Provenance;
    use crate::ids::SourceId;
    use crate::lifecycle::Evidence;

    /// How a source list is held is not part of its `Debug`: it reads as it
    /// did when the shared list was an `Arc<[SourceId]>`.
    #[test]
    fn a_provenance_shows_its_sources_as_it_always_did() -> crate::error::Result<()> {
        let none = Provenance::new(Evidence::Reported);
        let one = none.clone().cite(SourceId::new("S1")?);
        let many = one.clone().cite(SourceId::new("S2")?);
        let shown = |p: &Provenance| format!("{p:?}");
        assert!(shown(&none).contains("sources: None"), "{}", shown(&none));
        assert!(
            shown(&one).contains(r#"sources: One(SourceId("S1"))"#),
            "{}",
            shown(&one)
        );
        assert!(
            shown(&many).contains(r#"sources: Many([SourceId("S1"), SourceId("S2")])"#),
            "{}",
            shown(&many)
        );
        Ok(())
    }
}

// ecow holds 15 bytes of an id inline on 64-bit little-endian targets.
#[cfg(all(test, target_pointer_width = "64", target_endian = "little"))]
mod size_tests {
    use super::{Action, Entry};
    use crate::ids::PledgeId;
    use crate::pledge::NewPledge;
    use std::mem::size_of;

    /// A ledger holds about three entries and one pledge body per pledge,
    /// and ids in both: these sizes are most of the README's memory figure,
    /// so growing one should be a decision, not an accident.
    #[test]
    fn entries_pledge_bodies_and_ids_stay_compact() {
        // A pledge id holds up to 15 bytes inline (see `ids::IdText`):
        // 8 bytes more in every entry and body than a pointer, for no
        // allocation and no miss when it is read.
        assert_eq!(size_of::<PledgeId>(), 16);
        assert_eq!(size_of::<Action>(), 40);
        assert_eq!(size_of::<Entry>(), 64);
        assert_eq!(size_of::<NewPledge>(), 128);
    }
}
