//! Validating and applying actions.
//!
//! Each action is first checked against the current state by a function that
//! only reads the ledger and returns what would change; only then is the
//! change written. A rejected action therefore cannot leave anything
//! half-applied.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::packed_bounds::PackedBounds;
use super::{Chunked, Ledger, NONE, PledgeState, Rules, savepoint};
use crate::entry::{
    Action, Entry, Provenance, StoredSources, validate_date, validate_reason, validate_sources,
    within_source_limit,
};
use crate::error::{Error, Result};
use crate::ids::{MemberId, PledgeId, SourceId};
use crate::lifecycle::{Evidence, Stage};
use crate::member::Member;
use crate::money::Currency;
use crate::pledge::{Condition, Contribution, Kind, NewPledge, StageDates};
use crate::source::Source;

/// What recording an action did.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// let member = Member::new(MemberId::new("FRA")?, "France");
/// assert_eq!(ledger.add_member(member.clone())?, Recorded::Appended { sequence: 0 });
/// assert_eq!(ledger.add_member(member)?, Recorded::AlreadyPresent { sequence: 0 });
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recorded {
    /// A new entry was appended with this sequence number.
    Appended {
        /// The new entry's sequence number.
        sequence: u64,
    },
    /// An identical member, source or pledge already exists; nothing was
    /// appended. `sequence` is the entry that created it.
    AlreadyPresent {
        /// The sequence number of the existing entry.
        sequence: u64,
    },
}

impl Recorded {
    /// The sequence number of the new or existing entry.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// let first = ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// assert_eq!(first.sequence(), 0);
    /// // Re-sending the same member is idempotent: it names the original entry.
    /// let again = ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// assert_eq!(again.sequence(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn sequence(self) -> u64 {
        match self {
            Recorded::Appended { sequence } | Recorded::AlreadyPresent { sequence } => sequence,
        }
    }

    /// True when a new entry was appended.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// assert!(ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?.is_appended());
    /// assert!(!ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?.is_appended());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn is_appended(self) -> bool {
        matches!(self, Recorded::Appended { .. })
    }
}

/// The validated effect of an action, ready to be written.
enum Change {
    Member(Member),
    Source(Source),
    AmendMember(u32, Member),
    AmendSource(u32, Source),
    Open(PledgeState),
    Update(u32, PledgeState),
    Existing(u64),
}

impl Ledger {
    /// Validates an action and appends it with its provenance.
    ///
    /// This is the one general entry point; the helpers of [`Record`](super::Record)
    /// ([`Record::open_pledge`](super::Record::open_pledge), [`Record::advance`](super::Record::advance), ...) build the action and
    /// call it.
    ///
    /// # Errors
    ///
    /// Any rule the action breaks, naming the member, pledge or source and
    /// the field. On error the ledger is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// let fra = Member::new(MemberId::new("FRA")?, "France");
    /// let first = ledger.record(Action::AddMember(Box::new(fra.clone())), Provenance::new(Evidence::Verified))?;
    /// assert!(first.is_appended());
    /// // The same member again is reported as already present, not appended twice.
    /// let again = ledger.record(Action::AddMember(Box::new(fra)), Provenance::new(Evidence::Verified))?;
    /// assert_eq!(again, Recorded::AlreadyPresent { sequence: 0 });
    /// // A different body under the same id names the field that differs.
    /// let other = Member::new(MemberId::new("FRA")?, "French Republic");
    /// let err = ledger.record(Action::AddMember(Box::new(other)), Provenance::new(Evidence::Verified)).unwrap_err();
    /// assert_eq!(err.to_string(), "member `FRA` already exists with a different `name`");
    /// assert_eq!(ledger.len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn record(&mut self, action: Action, provenance: Provenance) -> Result<Recorded> {
        self.record_under(action, provenance, Rules::Current)
    }

    /// [`Ledger::record`] under the given rule set: readers of files written
    /// by an earlier format version use that version's rules.
    pub(crate) fn record_under(
        &mut self,
        action: Action,
        provenance: Provenance,
        rules: Rules,
    ) -> Result<Recorded> {
        self.record_citing(action, provenance, rules, false)
    }

    /// [`Ledger::record_under`] of an entry whose provenance the caller
    /// has just given to [`Ledger::share_sources`], which found every
    /// source it cites: a CSV row shares its list once for all its
    /// entries, and the first of them need not look the sources up again.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn record_shared_sources(
        &mut self,
        action: Action,
        provenance: Provenance,
        rules: Rules,
    ) -> Result<Recorded> {
        debug_assert!(
            provenance.sources().iter().all(|s| self
                .own_source(s)
                .is_some_and(|(own, _)| own.same_allocation(s))),
            "a provenance said to be shared cites a source the ledger does not hold"
        );
        self.record_citing(action, provenance, rules, true)
    }

    fn record_citing(
        &mut self,
        mut action: Action,
        mut provenance: Provenance,
        rules: Rules,
        shared: bool,
    ) -> Result<Recorded> {
        self.resolve_pledge(&mut action);
        // The cited sources become the ledger's own copies before `plan`,
        // whose lookups then tell `plan` they are all known: one lookup per
        // source instead of one to check and another to share.
        let sources_known =
            shared || self.sources_checked(&provenance) || self.share_sources(&mut provenance);
        let change = self.plan(&action, &provenance, rules, sources_known)?;
        let accepted_under = rules.format_version();
        if accepted_under.is_some() && !matches!(change, Change::Existing(_)) {
            // An entry of an older file: say what the current rules think of
            // it, for CL015. Cycles are left to CL004, which finds them all
            // in linear time (searching here would be quadratic on an old
            // dense web).
            if let Err(refusal) = self.plan(
                &action,
                &provenance,
                Rules::CurrentExceptCycles,
                sources_known,
            ) {
                let entry = self.next_entry_index();
                self.older_rules
                    .push((entry, refusal.to_string().into_boxed_str()));
            }
        }
        if !matches!(change, Change::Existing(_)) {
            self.share_ids(&change, &mut action);
        }
        // An opened pledge is remembered with its id as the action holds it,
        // which becomes the index's own copy (an update was remembered by
        // `resolve_pledge`): reading the id back from the stored spec would
        // be a cache miss per entry at a million pledges.
        let opened = match (&change, &action) {
            (Change::Open(_), Action::Pledge(spec)) => u32::try_from(self.pledges.len())
                .ok()
                .map(|ix| (spec.id().clone(), ix)),
            _ => None,
        };
        let recorded = self.commit(change, action, provenance, accepted_under);
        if opened.is_some() {
            self.last_pledge = opened;
        }
        if recorded.is_appended() && !rules.allows_any_alphabet() {
            self.checked_entry = self.entries.len().checked_sub(1).map(|last| last as u32);
        }
        Ok(recorded)
    }

    /// Reserves room for `entries` more entries of which `pledges` open
    /// pledges, so that a bulk load grows each array and index once.
    ///
    /// Reserving is a hint: room for more entries or pledges than a ledger
    /// can hold (its sequence numbers stop at `u32::MAX - 1`), or that the
    /// memory allocator refuses, is not reserved, rather than aborting the
    /// process.
    ///
    /// ```
    /// use coalition_ledger::Ledger;
    /// let mut ledger = Ledger::new();
    /// ledger.reserve(3_000, 1_000);
    /// ledger.reserve(usize::MAX, usize::MAX);
    /// assert!(ledger.is_empty());
    /// ```
    pub fn reserve(&mut self, entries: usize, pledges: usize) {
        let entries = entries.min((NONE as usize).saturating_sub(self.entries.len()));
        let pledges = pledges.min((NONE as usize).saturating_sub(self.pledges.len()));
        self.entries.reserve(entries, pledges);
        self.previous_on_pledge.reserve(entries);
        self.pledges.reserve(pledges);
        self.pledge_index.reserve(pledges);
    }

    /// Replaces the pledge id an action names with the ledger's own copy
    /// and remembers its index, with one lookup in the pledge index:
    /// `plan` and `share_ids` then find the pledge through the memo instead
    /// of looking it up again each. Only the id's copy changes (the text
    /// is the same; an id held inline is left as it is, see
    /// `PledgeId::same_allocation`), so validation sees the same action; an
    /// id the index does not hold is left for `plan` to refuse.
    fn resolve_pledge(&mut self, action: &mut Action) {
        let pledge = match action {
            Action::Advance { pledge, .. }
            | Action::Revise { pledge, .. }
            | Action::Deliver { pledge, .. }
            | Action::Withdraw { pledge, .. }
            | Action::Void { pledge, .. }
            | Action::Annotate { pledge } => pledge,
            Action::AddMember(_)
            | Action::AddSource(_)
            | Action::AmendMember(_)
            | Action::AmendSource(_)
            | Action::Pledge(_) => return,
        };
        if let Some((id, _)) = &self.last_pledge {
            if id.same_allocation(pledge) {
                return;
            }
        }
        let found = self
            .pledge_index
            .get_key_value(pledge)
            .map(|(own, &ix)| (own.clone(), ix));
        if let Some((own, ix)) = found {
            if !own.same_allocation(pledge) {
                *pledge = own.clone();
            }
            self.last_pledge = Some((own, ix));
        }
    }

    /// True when `provenance` cites the very list (shared, not a copy) that
    /// the last entry cited, which was checked under the current alphabet
    /// and found known, sorted and unique.
    fn sources_checked(&self, provenance: &Provenance) -> bool {
        self.checked_entry
            .and_then(|ix| self.entries.sources(ix as usize))
            .is_some_and(|sources| provenance.source_list().is_stored_as(sources))
    }

    /// Replaces ids in a validated action with the ledger's own copies, so
    /// that a million entries naming one pledge or member share one string
    /// (the sources were shared before `plan`).
    fn share_ids(&self, change: &Change, action: &mut Action) {
        // A pledge an action names already holds the ledger's own id:
        // `resolve_pledge` swapped it in before `plan`. An opening's member
        // is the one its planned state names, by index: no second lookup
        // by text.
        if let (Action::Pledge(spec), Change::Open(state)) = (action, change) {
            if let Some(own) = self.members.get(state.member as usize).map(Member::id) {
                // A copy the ledger adopted (see `adopt_member`) is kept:
                // swapping it would count a reference on one copy and drop
                // one on the other, which an import's reading thread is
                // counting references on.
                if !own.same_allocation(spec.member())
                    && !self.member_index.holds_copy(spec.member())
                {
                    *spec.member_mut() = own.clone();
                }
            }
        }
    }

    /// Replaces the sources `provenance` cites with the ledger's own copies
    /// (a source it does not know stays as it is). Entries that share one
    /// provenance should get it shared first: each entry's copy of a list
    /// the ledger replaced would otherwise be a new list, which the next
    /// entry's does not match, so every entry of a CSV row parsed with other
    /// copies (the recording thread's) would have its list checked and
    /// copied again. True when the ledger knows every source cited.
    pub(crate) fn share_sources(&self, provenance: &mut Provenance) -> bool {
        provenance.share_sources(|id| self.own_source(id).map(|(own, _)| own))
    }

    /// [`Ledger::share_sources`] for a CSV import's rows: a cited copy the
    /// ledger finds only by text is adopted (see `OwnIndex::adopt`) rather
    /// than replaced, so that the next row citing it is found by address
    /// and a list of several sources is not copied (a source cited alone
    /// is stored as the ledger's own list of it either way). True when
    /// the ledger knows every source cited.
    #[cfg(feature = "csv")]
    pub(crate) fn adopt_sources(&mut self, provenance: &mut Provenance) -> bool {
        let known = provenance
            .sources()
            .iter()
            .all(|id| self.source_index.adopt(id).is_some());
        // Once the aliases are full (before the list or part-way through
        // it), ids are found but not adopted: they are swapped for the
        // ledger's own copies as before.
        if known && self.source_index.aliases_full() {
            return self.share_sources(provenance);
        }
        known
    }

    /// How many copies of member and source ids the ledger has adopted.
    #[cfg(all(test, any(feature = "csv", feature = "testing")))]
    pub(crate) fn adopted_copies(&self) -> usize {
        self.member_index.aliases() + self.source_index.aliases()
    }

    /// True when the ledger knows the member; a copy of its id found only
    /// by text is adopted, as [`Ledger::adopt_sources`] adopts sources.
    pub(crate) fn adopt_member(&mut self, id: &MemberId) -> bool {
        self.member_index.adopt(id).is_some()
    }

    /// Adopts a copy of a known category found only by text, as
    /// [`Ledger::adopt_sources`] adopts sources. Only an import does: its
    /// copies are interned, where `record`'s callers may make a new copy
    /// for every pledge, which would fill the aliases for nothing.
    #[cfg(feature = "csv")]
    pub(crate) fn adopt_category(&mut self, category: &crate::ids::Category) {
        self.category_index.adopt(category);
    }

    /// Checks an action against the ledger without applying it, and says
    /// what [`Ledger::record`] would do: append with the next sequence
    /// number, or find it already present.
    ///
    /// # Errors
    ///
    /// The error [`Ledger::record`] would return.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = Ledger::new();
    /// let action = Action::AddMember(Box::new(Member::new(MemberId::new("FRA")?, "France")));
    /// assert!(ledger.validate(&action, &Provenance::new(Evidence::Verified))?.is_appended());
    /// assert!(ledger.is_empty()); // nothing was recorded
    /// let bad = Action::Withdraw { pledge: PledgeId::new("none")?, reason: "x".into() };
    /// assert!(ledger.validate(&bad, &Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn validate(&self, action: &Action, provenance: &Provenance) -> Result<Recorded> {
        Ok(
            match self.plan(action, provenance, Rules::Current, false)? {
                Change::Existing(sequence) => Recorded::AlreadyPresent { sequence },
                _ => Recorded::Appended {
                    sequence: self.entries.len() as u64,
                },
            },
        )
    }

    /// What recording `action` would change, or why it is refused.
    /// `sources_known` says the caller found every cited source in the
    /// ledger already, so that they are not looked up again here.
    fn plan(
        &self,
        action: &Action,
        provenance: &Provenance,
        rules: Rules,
        sources_known: bool,
    ) -> Result<Change> {
        validate_date(action, provenance)?;
        // The list the last entry cited, shared with it, was checked then:
        // an import's row, or a batch citing one source list, checks it once.
        let sources_checked = self.sources_checked(provenance);
        if !sources_checked {
            if rules.ids_checked() {
                // An import built its lists sorted and unique: comparing
                // their texts again would read ids the parsing thread is
                // counting references on.
                debug_assert!(validate_sources(action, provenance).is_ok());
                within_source_limit(action, provenance)?;
            } else {
                validate_sources(action, provenance)?;
            }
        }
        super::alphabet::check(action, provenance, rules, sources_checked)?;
        if let Some(existing) = self.keyed_entry(action, provenance)? {
            return Ok(Change::Existing(existing));
        }
        if !(sources_known || sources_checked) {
            for source in provenance.sources() {
                if self.own_source(source).is_none() {
                    return Err(Error::UnknownSource {
                        source_id: source.to_string(),
                    });
                }
            }
        }
        if self.entries.len() >= NONE as usize {
            return Err(Error::limit(
                "number of entries",
                NONE as usize,
                self.entries.len(),
            ));
        }
        let date = provenance.date();
        let evidence = provenance.evidence();
        let change = match action {
            Action::AddMember(member) => self.plan_member(member, provenance),
            Action::AddSource(source) => self.plan_source(source, provenance),
            Action::Pledge(spec) => self.plan_open(spec, provenance, rules),
            Action::Advance { pledge, stage } => {
                let (ix, state) = self.pledge_with_lifecycle(pledge)?;
                if *stage == Stage::Withdrawn {
                    let reason = "withdrawal is its own action, with a reason";
                    return Err(Error::invalid(
                        format!("pledge `{pledge}`"),
                        "stage",
                        reason,
                    ));
                }
                plan_advance(pledge, state, *stage, date, evidence).map(|s| Change::Update(ix, s))
            }
            Action::Revise {
                pledge,
                contribution,
            } => {
                let (ix, state) = self.pledge_with_lifecycle(pledge)?;
                self.plan_revise(pledge, state, contribution, evidence)
                    .map(|s| Change::Update(ix, s))
            }
            Action::Deliver {
                pledge,
                quantity,
                currency,
                correction,
            } => {
                let (ix, state) = self.pledge_with_lifecycle(pledge)?;
                let delivery = Delivery {
                    quantity: *quantity,
                    currency: *currency,
                    correction: *correction,
                };
                plan_delivery(pledge, state, delivery, date, evidence)
                    .map(|s| Change::Update(ix, s))
            }
            Action::Withdraw { pledge, reason } => {
                let (ix, state) = self.pledge_with_lifecycle(pledge)?;
                validate_reason(pledge, reason)?;
                plan_advance(pledge, state, Stage::Withdrawn, date, evidence)
                    .map(|s| Change::Update(ix, s))
            }
            Action::Annotate { pledge } => {
                let (ix, state) = self.live_pledge(pledge)?;
                Ok(Change::Update(ix, with_evidence(*state, evidence)))
            }
            Action::AmendMember(member) => self.plan_amend_member(member),
            Action::AmendSource(source) => self.plan_amend_source(source),
            Action::Void { pledge, reason } => self.plan_void(pledge, reason, evidence),
        }?;
        Ok(self.with_date_precision(change, provenance))
    }

    /// Records how precisely the pledge's date is known when this entry is
    /// the one that sets it (the opening, or the first announcement), so
    /// that the `Month` dimension can tell a year-only date.
    fn with_date_precision(&self, change: Change, provenance: &Provenance) -> Change {
        let precision = provenance
            .period()
            .map_or(crate::dates::DatePrecision::Day, |d| d.precision());
        match change {
            Change::Open(mut state) => {
                state.date_precision = precision;
                Change::Open(state)
            }
            Change::Update(ix, mut next) => {
                let before = self
                    .pledges
                    .get(ix as usize)
                    .and_then(|s| s.dates.pledge_date());
                if before != next.dates.pledge_date() {
                    next.date_precision = precision;
                }
                Change::Update(ix, next)
            }
            other => other,
        }
    }

    /// The entry already recorded under the provenance's client key, when
    /// it holds the same action and provenance; a different one under the
    /// same key is a conflict naming the first field that differs.
    fn keyed_entry(&self, action: &Action, provenance: &Provenance) -> Result<Option<u64>> {
        let Some(key) = provenance.client_key() else {
            return Ok(None);
        };
        let Some(&ix) = self.keys.get(key) else {
            return Ok(None);
        };
        let entry = self
            .entries
            .get(ix as usize)
            .ok_or_else(|| internal("key index"))?;
        let field = if entry.action().name() != action.name() {
            Some("action")
        } else if entry.action() != action {
            Some(action.name())
        } else {
            entry.provenance().first_difference(provenance)
        };
        match field {
            None => Ok(Some(entry.sequence())),
            Some(field) => Err(Error::Conflict {
                kind: "entry with client key",
                id: key.to_string(),
                field,
            }),
        }
    }

    /// An identical body re-submitted is already present only when its
    /// provenance is the same too: a new date, evidence or source is not
    /// dropped silently.
    fn same_provenance(
        &self,
        kind: &'static str,
        id: &impl std::fmt::Display,
        sequence: u64,
        provenance: &Provenance,
    ) -> Result<Change> {
        let entry = usize::try_from(sequence)
            .ok()
            .and_then(|i| self.entries.get(i))
            .ok_or_else(|| internal("roster entries"))?;
        match entry.provenance().first_difference(provenance) {
            None => Ok(Change::Existing(sequence)),
            Some(field) => Err(Error::Conflict {
                kind,
                id: id.to_string(),
                field,
            }),
        }
    }

    fn plan_member(&self, member: &Member, provenance: &Provenance) -> Result<Change> {
        member.validate()?;
        if let Some(ix) = self.member_index.index(member.id()) {
            // Compared with the body it was added with: a re-sent addition
            // is the same after the member was amended.
            let added = self
                .entries
                .whole_action(entry_of(&self.member_entries, ix) as usize)
                .and_then(|action| match action {
                    Action::AddMember(added) => Some(&**added),
                    _ => None,
                });
            let existing = match added {
                Some(added) => added,
                None => self
                    .members
                    .get(ix as usize)
                    .ok_or_else(|| internal("member index"))?,
            };
            return match existing.first_difference(member) {
                None => self.same_provenance(
                    "member",
                    member.id(),
                    u64::from(entry_of(&self.member_entries, ix)),
                    provenance,
                ),
                Some(field) => Err(Error::Conflict {
                    kind: "member",
                    id: member.id().to_string(),
                    field,
                }),
            };
        }
        if self.members.len() >= NONE as usize {
            return Err(Error::limit(
                "number of members",
                NONE as usize,
                self.members.len(),
            ));
        }
        Ok(Change::Member(member.clone()))
    }

    /// An amendment names a known member and changes something.
    fn plan_amend_member(&self, member: &Member) -> Result<Change> {
        member.validate()?;
        let ix = self.known_member(member.id())?;
        let current = self
            .members
            .get(ix as usize)
            .ok_or_else(|| internal("member index"))?;
        if current == member {
            return Err(Error::invalid(
                format!("member `{}`", member.id()),
                "amendment",
                "changes nothing",
            ));
        }
        Ok(Change::AmendMember(ix, member.clone()))
    }

    /// An amendment names a known source and changes something.
    fn plan_amend_source(&self, source: &Source) -> Result<Change> {
        source.validate()?;
        let ix = self
            .source_index
            .index(source.id())
            .ok_or_else(|| Error::UnknownSource {
                source_id: source.id().to_string(),
            })?;
        let current = self
            .sources
            .get(ix as usize)
            .ok_or_else(|| internal("source index"))?;
        if current == source {
            return Err(Error::invalid(
                format!("source `{}`", source.id()),
                "amendment",
                "changes nothing",
            ));
        }
        Ok(Change::AmendSource(ix, source.clone()))
    }

    /// A void names a pledge, says why, and leaves no pledge depending on
    /// it (its dependants would lose their condition silently).
    fn plan_void(&self, pledge: &PledgeId, reason: &str, evidence: Evidence) -> Result<Change> {
        let ix = *self
            .pledge_index
            .get(pledge)
            .ok_or_else(|| Error::UnknownPledge {
                pledge: pledge.to_string(),
            })?;
        let state = self
            .pledges
            .get(ix as usize)
            .ok_or_else(|| internal("pledge index"))?;
        let subject = || format!("pledge `{pledge}`");
        if state.voided {
            return Err(Error::invalid(subject(), "action", "already void"));
        }
        if reason.trim().is_empty() {
            return Err(Error::invalid(subject(), "reason", "a void needs a reason"));
        }
        crate::within_limits::check_text(subject, "reason", reason, crate::limits::MAX_TEXT_CHARS)?;
        let dependant = self.conditional.iter().find_map(|&other| {
            let other = self.pledges.get(other as usize)?;
            let spec = self.spec_of(other)?;
            let depends = spec
                .conditions()
                .iter()
                .any(|c| matches!(c, Condition::DependsOn(p) if p == pledge));
            (depends && !other.voided).then(|| spec.id().clone())
        });
        if let Some(dependant) = dependant {
            return Err(Error::invalid(
                subject(),
                "action",
                format!("pledge `{dependant}` depends on it: void that one first"),
            ));
        }
        let mut next = with_evidence(*state, evidence);
        next.voided = true;
        Ok(Change::Update(ix, next))
    }

    fn plan_source(&self, source: &Source, provenance: &Provenance) -> Result<Change> {
        source.validate()?;
        if let Some(ix) = self.source_index.index(source.id()) {
            let added = self
                .entries
                .whole_action(entry_of(&self.source_entries, ix) as usize)
                .and_then(|action| match action {
                    Action::AddSource(added) => Some(&**added),
                    _ => None,
                });
            let existing = match added {
                Some(added) => added,
                None => self
                    .sources
                    .get(ix as usize)
                    .ok_or_else(|| internal("source index"))?,
            };
            return match existing.first_difference(source) {
                None => self.same_provenance(
                    "source",
                    source.id(),
                    u64::from(entry_of(&self.source_entries, ix)),
                    provenance,
                ),
                Some(field) => Err(Error::Conflict {
                    kind: "source",
                    id: source.id().to_string(),
                    field,
                }),
            };
        }
        Ok(Change::Source(source.clone()))
    }

    fn plan_open(&self, spec: &NewPledge, provenance: &Provenance, rules: Rules) -> Result<Change> {
        let (date, evidence) = (provenance.date(), provenance.evidence());
        let currency = spec.validate()?;
        if let Some(&ix) = self.pledge_index.get(spec.id()) {
            let state = self
                .pledges
                .get(ix as usize)
                .ok_or_else(|| internal("pledge index"))?;
            let existing = self.spec_of(state).ok_or_else(|| internal("pledge spec"))?;
            return match existing.first_difference(spec) {
                None => self.same_provenance(
                    "pledge",
                    spec.id(),
                    u64::from(state.spec_entry),
                    provenance,
                ),
                Some(field) => Err(Error::Conflict {
                    kind: "pledge",
                    id: spec.id().to_string(),
                    field,
                }),
            };
        }
        let member = self.known_member(spec.member())?;
        for condition in spec.conditions() {
            match condition {
                Condition::Backstop { by: m } | Condition::ParliamentaryApproval { member: m } => {
                    // Named with the pledge: its own member is known, so
                    // the member alone leaves the reader to find which
                    // pledge's condition is wrong.
                    self.known_member(m).map_err(|e| e.in_pledge(spec.id()))?;
                }
                _ => {}
            }
        }
        if !rules.allows_cycles() {
            self.refuse_cycle(spec)?;
        }
        if self.pledges.len() >= NONE as usize {
            return Err(Error::limit(
                "number of pledges",
                NONE as usize,
                self.pledges.len(),
            ));
        }
        let contribution = spec.contribution();
        let entry = self.next_entry_index();
        let mut state = PledgeState {
            spec_entry: entry,
            pledge: u32::try_from(self.pledges.len()).unwrap_or(NONE),
            size_entry: entry,
            last_entry: entry,
            member,
            category: NONE,
            kind: contribution.kind(),
            stage: spec.stage(),
            evidence,
            best_evidence: evidence,
            conditional: !spec.conditions().is_empty(),
            depended_on: false,
            currency,
            quantity: PackedBounds::pack(contribution.quantity_bounds()),
            value: PackedBounds::pack(contribution.value_bounds()),
            delivered: Decimal::ZERO,
            dates: StageDates {
                opened: date,
                ..StageDates::default()
            },
            date_precision: crate::dates::DatePrecision::Day,
            adjusts: spec.adjusts(),
            voided: false,
        };
        mark_stage_dates(&mut state.dates, spec.stage(), date);
        Ok(Change::Open(state))
    }

    fn plan_revise(
        &self,
        pledge: &PledgeId,
        state: &PledgeState,
        contribution: &Contribution,
        evidence: Evidence,
    ) -> Result<PledgeState> {
        let currency = contribution.validate(pledge)?;
        let mismatch = |reason: String| Error::Mismatch {
            pledge: pledge.to_string(),
            reason,
        };
        if contribution.kind() != state.kind {
            return Err(mismatch(format!(
                "a revision must keep the kind {}, not {}",
                state.kind,
                contribution.kind()
            )));
        }
        let spec = self.spec_of(state).ok_or_else(|| internal("pledge spec"))?;
        if contribution.category() != spec.contribution().category() {
            return Err(mismatch(
                "a revision must keep the equipment category".into(),
            ));
        }
        let currency = match (state.currency, currency) {
            (Some(old), Some(new)) if old != new => {
                return Err(mismatch(format!(
                    "a revision must keep the currency {old}, not {new}"
                )));
            }
            // An unspecified size has no currency of its own; the pledge keeps
            // one only while money has been delivered in it.
            (old, None) if state.kind == Kind::Funding && !state.delivered.is_zero() => old,
            (_, new) => new,
        };
        let mut next = with_evidence(*state, evidence);
        next.size_entry = self.next_entry_index();
        next.currency = currency;
        next.quantity = PackedBounds::pack(contribution.quantity_bounds());
        next.value = PackedBounds::pack(contribution.value_bounds());
        Ok(next)
    }

    /// The index and state of a pledge that still accepts entries.
    /// A pledge that a lifecycle action may change: live, and not an
    /// adjustment (which has no lifecycle).
    fn pledge_with_lifecycle(&self, pledge: &PledgeId) -> Result<(u32, &PledgeState)> {
        let (ix, state) = self.live_pledge(pledge)?;
        if state.adjusts.is_some() {
            return Err(Error::invalid(
                format!("adjustment `{pledge}`"),
                "action",
                "an adjustment has no lifecycle: record another adjustment to correct it",
            ));
        }
        Ok((ix, state))
    }

    fn live_pledge(&self, pledge: &PledgeId) -> Result<(u32, &PledgeState)> {
        let ix = self.pledge_ix(pledge).ok_or_else(|| Error::UnknownPledge {
            pledge: pledge.to_string(),
        })?;
        let state = self
            .pledges
            .get(ix as usize)
            .ok_or_else(|| internal("pledge index"))?;
        if state.stage == Stage::Withdrawn {
            return Err(Error::Withdrawn {
                pledge: pledge.to_string(),
            });
        }
        if state.voided {
            return Err(Error::invalid(
                format!("pledge `{pledge}`"),
                "action",
                "the pledge is void: it takes no further entries",
            ));
        }
        Ok((ix, state))
    }

    fn known_member(&self, member: &MemberId) -> Result<u32> {
        self.member_ix(member).ok_or_else(|| Error::UnknownMember {
            member: member.to_string(),
        })
    }

    fn next_entry_index(&self) -> u32 {
        // `plan` has checked that the count fits below NONE.
        u32::try_from(self.entries.len()).unwrap_or(NONE)
    }

    fn commit(
        &mut self,
        change: Change,
        action: Action,
        provenance: Provenance,
        accepted_under: Option<u32>,
    ) -> Recorded {
        let sequence = self.entries.len() as u64;
        let entry_ix = self.next_entry_index();
        let mut previous = NONE;
        let pledge = match &change {
            Change::Existing(_) => None,
            Change::Open(_) => {
                let ix = u32::try_from(self.pledges.len()).unwrap_or(NONE);
                self.derived.note_change(ix, self.derived_change_limit());
                Some(ix)
            }
            Change::Update(ix, _) => {
                self.derived.note_change(*ix, self.derived_change_limit());
                Some(*ix)
            }
            _ => {
                self.derived.clear();
                None
            }
        };
        match change {
            Change::Existing(sequence) => return Recorded::AlreadyPresent { sequence },
            Change::Member(member) => {
                self.member_entries.push(entry_ix);
                self.insert_member(member);
            }
            Change::Source(source) => {
                self.source_entries.push(entry_ix);
                let ix = self.sources.len() as u32;
                self.source_index.insert(source.id(), ix);
                self.alone_lists
                    .push(StoredSources::alone(source.id().clone()));
                self.sources.push(source);
            }
            Change::Open(state) => self.insert_pledge(state, &action),
            Change::AmendMember(ix, member) => self.amend_member(ix, member),
            Change::AmendSource(ix, source) => {
                if let Some(slot) = self.sources.get_mut(ix as usize) {
                    let before = std::mem::replace(slot, source);
                    self.log_undo(|| savepoint::Undo::Source(ix, Box::new(before)));
                }
            }
            Change::Update(ix, mut state) => {
                previous = state.last_entry;
                state.last_entry = entry_ix;
                debug_assert!(state.invariants_hold());
                if let Some(&before) = self.pledges.get(ix as usize) {
                    self.log_state(ix, before);
                }
                if state.voided
                    && self
                        .pledges
                        .get(ix as usize)
                        .is_some_and(|before| !before.voided)
                {
                    self.voided = self.voided.saturating_add(1);
                }
                self.pledges.set(ix as usize, state);
            }
        }
        self.previous_on_pledge.push(previous);
        if let Some(key) = provenance.client_key() {
            self.keys.insert(key.clone(), entry_ix);
        }
        let mut alone_ix = None;
        let alone = |id: &SourceId| {
            let (_, ix) = self.own_source(id)?;
            alone_ix = Some(ix);
            self.alone_lists.get(ix as usize).cloned()
        };
        let entry = Entry::new(entry_ix, action, provenance, alone);
        self.entries.push(
            entry.accepted_under_version(accepted_under),
            pledge,
            alone_ix,
        );
        Recorded::Appended { sequence }
    }

    /// Changes kept for upper layers to catch up with before their derived
    /// value is dropped: an eighth of the pledges, at least 1,024.
    fn derived_change_limit(&self) -> usize {
        (self.pledges.len() / 8).max(1_024)
    }

    fn insert_member(&mut self, member: Member) {
        let ix = self.members.len() as u32;
        let groups: Box<[u32]> = member
            .groups()
            .iter()
            .map(|g| self.intern_group(g))
            .collect();
        self.member_index.insert(member.id(), ix);
        self.member_groups.push(groups);
        self.by_member.push(Chunked::default());
        self.backstops_leading_on.push(Chunked::default());
        self.backstop_needed.push(false);
        self.members.push(member);
    }

    fn amend_member(&mut self, ix: u32, member: Member) {
        let groups: Box<[u32]> = member
            .groups()
            .iter()
            .map(|g| self.intern_group(g))
            .collect();
        let old_groups = match self.member_groups.get_mut(ix as usize) {
            Some(slot) => std::mem::replace(slot, groups),
            None => return,
        };
        if let Some(slot) = self.members.get_mut(ix as usize) {
            let before = std::mem::replace(slot, member);
            self.log_undo(|| savepoint::Undo::Member(ix, Box::new(before), old_groups));
        }
    }

    fn intern_group(&mut self, group: &crate::ids::GroupId) -> u32 {
        if let Some(&ix) = self.group_index.get(group) {
            return ix;
        }
        let ix = self.groups.len() as u32;
        self.group_index.insert(group.clone(), ix);
        self.groups.push(group.clone());
        ix
    }

    fn insert_pledge(&mut self, mut state: PledgeState, action: &Action) {
        let Action::Pledge(spec) = action else { return };
        if let Some(category) = spec.category() {
            state.category = if let Some(ix) = self.category_index.index(category) {
                ix
            } else {
                let ix = self.categories.len() as u32;
                self.category_index.insert(category, ix);
                self.categories.push(category.clone());
                ix
            };
        }
        let ix = self.pledges.len() as u32;
        debug_assert!(state.invariants_hold());
        if state.conditional {
            self.push_condition_codes(spec);
        }
        self.pledge_index.insert(spec.id().clone(), ix);
        state.depended_on = self.note_dependencies(spec);
        if let Some(list) = self.by_member.get_mut(state.member as usize) {
            list.push(ix);
        }
        if let Some(list) = self.by_kind.get_mut(state.kind.index()) {
            list.push(ix);
        }
        if state.kind == Kind::Backstop && super::cycles::leads_on(spec) {
            if let Some(list) = self.backstops_leading_on.get_mut(state.member as usize) {
                list.push(ix);
            }
        }
        if state.conditional {
            self.conditional.push(ix);
        }
        if state.adjusts.is_some() {
            self.adjustments = self.adjustments.saturating_add(1);
        }
        self.pledges.push(state);
    }
}

/// The entry that added roster item `ix` (a member or a source).
fn entry_of(entries: &[u32], ix: u32) -> u32 {
    entries.get(ix as usize).copied().unwrap_or(0)
}

/// A requested delivery.
#[derive(Clone, Copy)]
struct Delivery {
    quantity: Decimal,
    currency: Option<Currency>,
    correction: bool,
}

fn plan_advance(
    pledge: &PledgeId,
    state: &PledgeState,
    to: Stage,
    date: Option<NaiveDate>,
    evidence: Evidence,
) -> Result<PledgeState> {
    if !state.stage.can_move_to(to) {
        return Err(Error::InvalidTransition {
            pledge: pledge.to_string(),
            from: state.stage,
            to,
        });
    }
    let mut next = with_evidence(*state, evidence);
    mark_stage_dates(&mut next.dates, to, date);
    next.stage = to;
    Ok(next)
}

fn plan_delivery(
    pledge: &PledgeId,
    state: &PledgeState,
    delivery: Delivery,
    date: Option<NaiveDate>,
    evidence: Evidence,
) -> Result<PledgeState> {
    let mismatch = |reason: String| Error::Mismatch {
        pledge: pledge.to_string(),
        reason,
    };
    let Delivery {
        quantity,
        currency,
        correction,
    } = delivery;
    let mut next = with_evidence(*state, evidence);
    match (state.kind, currency) {
        (Kind::Backstop, _) => {
            return Err(mismatch("a backstop has no quantity to deliver".into()));
        }
        (Kind::Troops | Kind::Equipment, Some(c)) => {
            return Err(mismatch(format!(
                "deliveries of {} are counted in units, not {c}",
                state.kind
            )));
        }
        (Kind::Troops | Kind::Equipment, None) if !quantity.fract().is_zero() => {
            return Err(mismatch(format!(
                "a delivery of {} must be a whole number, not {quantity}",
                state.kind
            )));
        }
        (Kind::Funding, None) => return Err(mismatch("a money delivery needs a currency".into())),
        (Kind::Funding, Some(c)) => match state.currency {
            Some(own) if own != c => {
                return Err(mismatch(format!(
                    "delivery in {c} but the pledge is in {own}"
                )));
            }
            _ => next.currency = Some(c),
        },
        _ => {}
    }
    if quantity.is_zero() {
        return Err(mismatch("a delivery of zero records nothing".into()));
    }
    if quantity.is_sign_negative() && !correction {
        return Err(mismatch(format!(
            "a negative delivery ({quantity}) must be marked as a correction"
        )));
    }
    let delivered = crate::exact::add(state.delivered, quantity).ok_or_else(|| {
        Error::overflow(format!(
            "adding a delivery of {quantity} to pledge `{pledge}`: the exact sum does not fit 28 significant digits"
        ))
    })?;
    if delivered.is_sign_negative() && !delivered.is_zero() {
        return Err(mismatch(format!(
            "the correction {quantity} would make the delivered amount {delivered}, below zero"
        )));
    }
    next.delivered = delivered;
    if date.is_some() {
        next.dates.last_delivery = date;
    }
    Ok(next)
}

fn with_evidence(mut state: PledgeState, evidence: Evidence) -> PledgeState {
    state.evidence = evidence;
    state.best_evidence = state.best_evidence.max(evidence);
    state
}

/// Records `date` for every stage up to `to` that has no date yet: a pledge
/// opened or advanced straight to `Committed` was announced no later than
/// that.
fn mark_stage_dates(dates: &mut StageDates, to: Stage, date: Option<NaiveDate>) {
    let Some(date) = date else { return };
    if to == Stage::Withdrawn {
        dates.withdrawn.get_or_insert(date);
        return;
    }
    if to >= Stage::Announced {
        dates.announced.get_or_insert(date);
    }
    if to >= Stage::Committed {
        dates.committed.get_or_insert(date);
    }
    if to == Stage::Delivered {
        dates.delivered.get_or_insert(date);
    }
}

#[cold]
fn internal(what: &str) -> Error {
    Error::internal(format!("the ledger's {what}"))
}
