//! The [`Ledger`]: the roster, the sources, the entries, and the derived
//! state with indexes.
//!
//! The ledger is append-only. Every action is validated before it is applied
//! and a rejected action leaves the ledger exactly as it was. The derived
//! state of each pledge is updated incrementally as entries are applied, so
//! appending costs the same whether the ledger holds ten entries or ten
//! million.

mod alphabet;
mod apply;
mod as_of;
mod batch;
mod chunked;
mod condition_codes;
mod cycles;
mod derived;
mod entry_store;
mod id_table;
mod own_copies;
mod packed_bounds;
mod pledge_record;
mod pledge_view;
mod read;
mod record;
mod rules;
mod savepoint;
mod shared_index;
mod state;
mod state_table;

use crate::entry::{Entry, StoredSources};
use crate::hash::IdMap;
use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
use crate::member::Member;
use crate::pledge::Kind;
use crate::source::Source;
pub(crate) use alphabet::named_condition;
pub(crate) use chunked::Chunked;
pub(crate) use condition_codes::ConditionCode;
use entry_store::EntryStore;
use own_copies::OwnIndex;

/// The pledges' derived state (see [`state_table`]).
pub(crate) type States = state_table::StateTable;
use shared_index::SharedIndex;

pub use apply::Recorded;
pub use as_of::{Snapshot, Undated};
pub use entry_store::Entries;
pub(crate) use entry_store::EntryView;
pub use pledge_record::PledgeRecord;
pub use pledge_view::Pledge;
pub use record::Record;
pub(crate) use rules::Rules;
pub(crate) use state::{NONE, PledgeState};

/// An append-only, validated ledger of coalition members, sources and
/// pledges.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
/// let id = PledgeId::new("FRA-troops")?;
/// let pledge = NewPledge::new(
///     id.clone(),
///     MemberId::new("FRA")?,
///     Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? },
/// );
/// let on = parse_date("2025-09-04")?;
/// ledger.open_pledge(pledge, Provenance::new(Evidence::Reported).on(on))?;
/// ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified).on(on))?;
///
/// // A stage never moves backwards; the ledger is unchanged by the refusal.
/// let before = ledger.clone();
/// assert!(ledger.advance(&id, Stage::Announced, Provenance::new(Evidence::Verified)).is_err());
/// assert_eq!(ledger, before);
/// assert_eq!(ledger.pledge(&id).map(|p| p.stage()), Some(Stage::Committed));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Ledger {
    // Fields drop in the order they are declared, and the pledge index
    // comes first. It holds a copy of each pledge id and the entries hold
    // the others, so for an id whose text is shared on the heap (all of
    // them when this was measured; now those longer than 15 bytes, see
    // `ids::IdText`) whichever drops last frees the text. The index frees
    // them in hash order, all over the heap, and the allocator then spent
    // its time joining scattered free chunks; the entries free them in the
    // order they were allocated, next to the pledge bodies freed with
    // them. Dropping a ledger imported from a million CSV rows (step
    // `drop_imported` of `examples/scale`, five alternating runs, ids
    // shared) took a median 0.35 s this way, against 0.55 s with the index
    // last.
    pledge_index: SharedIndex<PledgeId>,
    // The growable arrays share their full chunks between clones, so that
    // a clone (a snapshot for readers) copies pointers and each array's
    // last, partly filled chunk instead of every element.
    /// The entries, in columns (see [`entry_store`]).
    entries: EntryStore,
    /// For each entry, the previous entry on the same pledge, or [`NONE`].
    /// Only ever pushed to (or cut back), so in big chunks (16 KB).
    previous_on_pledge: Chunked<u32, 12>,
    members: Vec<Member>,
    member_index: OwnIndex<MemberId>,
    /// Interned groups of each member, parallel to `members`.
    member_groups: Vec<Box<[u32]>>,
    groups: Vec<GroupId>,
    group_index: IdMap<GroupId>,
    sources: Vec<Source>,
    source_index: OwnIndex<SourceId>,
    /// The list citing each source alone, parallel to `sources`: every
    /// entry that cites one source alone holds its source's list, so an
    /// entry's sources are one pointer and allocate nothing (see
    /// `StoredSources`).
    alone_lists: Vec<StoredSources>,
    /// The entry that added each member and each source, parallel to
    /// `members` and `sources`.
    member_entries: Vec<u32>,
    source_entries: Vec<u32>,
    pledges: States,
    categories: Vec<Category>,
    category_index: OwnIndex<Category>,
    /// Pledge indexes of each member, parallel to `members`.
    by_member: Vec<chunked::Indexes>,
    /// Pledge indexes of each kind, in [`Kind::ALL`] order.
    by_kind: [chunked::Indexes; 4],
    /// Indexes of the pledges that have conditions.
    conditional: chunked::Indexes,
    /// Their conditions, coded (see [`condition_codes`]).
    condition_codes: Chunked<ConditionCode>,
    /// How many pledges are adjustments (the fast query path declines
    /// when there are any).
    adjustments: usize,
    /// How many pledges are void (the fast query path declines when there
    /// are any).
    voided: usize,
    /// Entries accepted only under an older format version's rules, with
    /// what the current rules say about them (for `check`).
    older_rules: Vec<(u32, Box<str>)>,
    /// The entry index of each client idempotency key.
    keys: SharedIndex<crate::entry::ClientKey>,
    /// Pledge ids named by a `DependsOn` condition before being recorded.
    /// Every opened pledge looks itself up here. A `HashMap` read the text
    /// of a stored id (elsewhere on the heap) whenever 7 bits of the hashes
    /// agreed; this table compares 32 bits first. In two profiles each of a
    /// million-row import, `plan` and the table lookups went from 7.5–7.6%
    /// of the samples to 7.0%.
    awaited: id_table::IdTable<PledgeId>,
    /// Per member: some pledge is conditional on this member's backstop.
    backstop_needed: Vec<bool>,
    /// Per member, the backstop pledges with a `DependsOn` or `Backstop`
    /// condition: a cycle search that reaches a member's backstop can only
    /// go on through these (scanning all the member's pledges instead made
    /// opening a backstop cost O(pledges of its member)).
    backstops_leading_on: Vec<chunked::Indexes>,
    /// What upper layers derive from this version (queries' cached
    /// amounts), with the pledges changed since.
    derived: derived::Derived,
    /// The last entry recorded under the current rules: its source list
    /// is known, sorted, unique and within the alphabet, so an entry
    /// citing that very list (shared, not a copy) skips those checks. The
    /// entry holds the list, so no clone is kept here: counting a
    /// reference on a list for every entry cost a CSV import a cache line
    /// moving between its two threads. Cleared by a rollback, which may
    /// remove sources and entries.
    checked_entry: Option<u32>,
    /// The pledge the last entry named, with the ledger's own copy of its
    /// id: the next entry on it skips the pledge index. Cleared by a
    /// rollback, which may remove the pledge.
    last_pledge: Option<(PledgeId, u32)>,
    /// Changes in place since the open savepoint, if any (see
    /// [`savepoint`]).
    undo: savepoint::UndoLog,
}

#[allow(
    clippy::missing_fields_in_debug,
    reason = "the entries make the ledger; the rest is derived from them"
)]
impl std::fmt::Debug for Ledger {
    /// The counts, and the entries, which make the ledger (everything else
    /// is derived from them): not the indexes and caches, whose layout
    /// told the reader of a failed `assert_eq!` nothing (a ledger of four
    /// pledges printed 9,790 bytes of them).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("members", &self.members.len())
            .field("sources", &self.sources.len())
            .field("pledges", &self.pledge_count())
            .field("entries", &EntryList(self))
            .finish()
    }
}

/// A ledger's entries, listed by `Debug`.
struct EntryList<'a>(&'a Ledger);

impl std::fmt::Debug for EntryList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.entries()).finish()
    }
}

impl PartialEq for Ledger {
    /// Two ledgers are equal when they hold the same entries and the same
    /// derived state.
    fn eq(&self, other: &Ledger) -> bool {
        self.entries == other.entries && self.pledges == other.pledges
    }
}

impl Eq for Ledger {}

impl Ledger {
    /// An empty ledger.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = Ledger::new();
    /// assert!(ledger.is_empty());
    /// assert_eq!(ledger.pledge_count(), 0);
    /// ```
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Every entry, in sequence order.
    ///
    /// The ledger keeps its entries in columns, not as [`Entry`] values
    /// (a 16-byte head where an entry took 64 bytes), so each entry is put
    /// back together as the iterator reaches it: an opening copies its
    /// pledge's body.
    /// Taking entries from the back, skipping (`nth`), `last` and `count`
    /// put together only the entries they return.
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
    /// let names: Vec<&str> = ledger.entries().map(|e| e.action().name()).collect();
    /// assert_eq!(names, ["add_member", "pledge"]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn entries(&self) -> Entries<'_> {
        Entries::new(&self.entries)
    }

    /// The entry with this sequence number, put back together from the
    /// ledger's columns (see [`Ledger::entries`]).
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
    /// assert_eq!(ledger.entry(1).map(|e| e.sequence()), Some(1));
    /// assert!(ledger.entry(2).is_none());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn entry(&self, sequence: u64) -> Option<Entry> {
        usize::try_from(sequence)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// The entry recorded with this client idempotency key: where an
    /// application restarting after a crash resumes.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    /// let mut ledger = Ledger::new();
    /// let key = ClientKey::new("feed-1")?;
    /// let fra = Member::new(MemberId::new("FRA")?, "France");
    /// ledger.record(Action::AddMember(Box::new(fra)), Provenance::new(Evidence::Verified).key(key.clone()))?;
    /// assert_eq!(ledger.entry_by_key(&key).map(|e| e.sequence()), Some(0));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn entry_by_key(&self, key: &crate::entry::ClientKey) -> Option<Entry> {
        let ix = *self.keys.get(key)?;
        self.entries.get(ix as usize)
    }

    /// Number of entries.
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
    /// assert_eq!(ledger.len(), 2); // one member, one pledge
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no entry has been recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Ledger::new().is_empty());
    /// assert!(!fixtures::paris_summit().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The member with this id.
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
    /// assert_eq!(ledger.member(&MemberId::new("FRA")?).map(|m| m.name()), Some("France"));
    /// assert!(ledger.member(&MemberId::new("XYZ")?).is_none());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.get(self.member_ix(id)? as usize)
    }

    /// Every member, in the order they were added.
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
    /// assert_eq!(ledger.members().count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn members(&self) -> impl ExactSizeIterator<Item = &Member> + '_ {
        self.members.iter()
    }

    /// The source with this id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// assert_eq!(ledger.source(&SourceId::new("elysee")?).map(|s| s.publisher()), Some("Élysée"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn source(&self, id: &SourceId) -> Option<&Source> {
        let (_, ix) = self.own_source(id)?;
        self.sources.get(ix as usize)
    }

    /// The ledger's own copy of a source id it knows, and the source's
    /// index: found by address when `id` is that very copy (as most ids of
    /// a CSV import are), by text otherwise.
    pub(crate) fn own_source(&self, id: &SourceId) -> Option<(&SourceId, u32)> {
        self.source_index.get(id)
    }

    /// Every source, in the order they were added.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// assert_eq!(ledger.sources().len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sources(&self) -> impl ExactSizeIterator<Item = &Source> + '_ {
        self.sources.iter()
    }

    /// Every group any member belongs to, sorted.
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
    /// assert_eq!(ledger.groups(), [&GroupId::new("EU")?]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn groups(&self) -> Vec<&GroupId> {
        let mut groups: Vec<&GroupId> = self.groups.iter().collect();
        groups.sort();
        groups
    }

    /// The pledge with this id, in its current state.
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
    /// let pledge = ledger.pledge(&id).map(|p| (p.stage(), p.evidence()));
    /// assert_eq!(pledge, Some((Stage::Announced, Evidence::Reported)));
    /// assert!(ledger.pledge(&PledgeId::new("FRA-2")?).is_none());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledge(&self, id: &PledgeId) -> Option<Pledge<'_>> {
        let ix = *self.pledge_index.get(id)?;
        self.pledge_at(ix)
    }

    /// Number of pledges (withdrawn ones included).
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
    /// assert_eq!(ledger.pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledge_count(&self) -> usize {
        self.pledges.len()
    }

    /// Every pledge, in the order they were opened.
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
    /// let ids: Vec<String> = ledger.pledges().map(|p| p.id().to_string()).collect();
    /// assert_eq!(ids, ["FRA-1"]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledges(&self) -> impl Iterator<Item = Pledge<'_>> + '_ {
        (0..self.pledges.len()).filter_map(move |ix| self.pledge_at(u32::try_from(ix).ok()?))
    }

    /// The pledges of one member, in the order they were opened.
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
    /// assert_eq!(ledger.pledges_of(&MemberId::new("FRA")?).count(), 1);
    /// assert_eq!(ledger.pledges_of(&MemberId::new("DEU")?).count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledges_of(&self, member: &MemberId) -> impl Iterator<Item = Pledge<'_>> + '_ {
        let list = self
            .member_ix(member)
            .and_then(|m| self.by_member.get(m as usize))
            .unwrap_or(&chunked::NO_INDEXES);
        list.iter().filter_map(move |&ix| self.pledge_at(ix))
    }

    /// The pledges of one kind, in the order they were opened.
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
    /// assert_eq!(ledger.pledges_of_kind(Kind::Troops).count(), 1);
    /// assert_eq!(ledger.pledges_of_kind(Kind::Funding).count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledges_of_kind(&self, kind: Kind) -> impl Iterator<Item = Pledge<'_>> + '_ {
        let list = self
            .by_kind
            .get(kind.index())
            .unwrap_or(&chunked::NO_INDEXES);
        list.iter().filter_map(move |&ix| self.pledge_at(ix))
    }
}
