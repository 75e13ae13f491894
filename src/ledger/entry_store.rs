//! [`EntryStore`]: the entries, kept in columns.
//!
//! An entry held whole took 64 bytes: a ledger keeps about three entries
//! per pledge, so its entries were about 190 bytes of a pledge's 556. Here
//! an entry is a 16-byte head: its stamp (date and evidence), the list of
//! sources it cites by index, and its action by shape (the pledge it names
//! by index, the stage it advances to). The bodies the openings carry sit
//! in a column of their own, one per pledge, where the pledge view reads
//! them, with the pledge ids beside them; deliveries keep their amount in
//! a column; the actions few entries carry (revisions, withdrawals, voids,
//! roster changes) are kept whole; and the rare fields (a client key, an
//! older format version) in a sparse column. [`EntryStore::get`] puts an
//! [`Entry`] back together on demand, equal to the one recorded.

use rust_decimal::Decimal;

use super::chunked::Chunked;
use crate::entry::{Action, ClientKey, Entry, Parts, RareFields, Stamp, StoredSources};
use crate::ids::PledgeId;
use crate::lifecycle::Stage;
use crate::money::Currency;
use crate::pledge::NewPledge;

/// How a head holds its action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Shape {
    /// Kept whole in [`EntryStore::whole`], at the head's `at`.
    Whole,
    /// An opening: its body is [`EntryStore::bodies`] at pledge `at`.
    Pledge,
    /// An advance of pledge `at` to the stage the head's payload gives.
    Advance,
    /// An annotation of pledge `at`.
    Annotate,
    /// A delivery on pledge `at`, its amount in
    /// [`EntryStore::deliveries`] at the head's payload.
    Deliver,
}

impl Shape {
    /// Every shape, by code.
    const ALL: [Shape; 5] = [
        Shape::Whole,
        Shape::Pledge,
        Shape::Advance,
        Shape::Annotate,
        Shape::Deliver,
    ];
}

/// The bits of [`Head::code`] that hold the shape.
const SHAPE_MASK: u32 = 0b111;
/// The bit of [`Head::code`] set when the entry has rare fields.
const RARE_BIT: u32 = 1 << 3;
/// Where the payload starts in [`Head::code`].
const PAYLOAD_SHIFT: u32 = 4;
/// The largest payload: a delivery past it is kept whole.
const MAX_PAYLOAD: u32 = u32::MAX >> PAYLOAD_SHIFT;

/// What every entry keeps: 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    stamp: Stamp,
    /// A pledge's index, or an index in `whole` (see [`Shape`]).
    at: u32,
    /// The cited sources: none (0), or list `n - 1` of
    /// [`EntryStore::lists`].
    sources: u32,
    /// The shape (its low bits), whether the entry has rare fields in
    /// [`EntryStore::rare`] ([`RARE_BIT`]), and above them the payload: an
    /// advance's stage, or a delivery's index in `deliveries`.
    code: u32,
}

impl Head {
    fn shape(self) -> Shape {
        Shape::ALL
            .get((self.code & SHAPE_MASK) as usize)
            .copied()
            .unwrap_or(Shape::Whole)
    }

    fn rare(self) -> bool {
        self.code & RARE_BIT != 0
    }

    fn payload(self) -> u32 {
        self.code >> PAYLOAD_SHIFT
    }

    /// The code of `shape` with `payload` (at most [`MAX_PAYLOAD`]).
    fn code(shape: Shape, rare: bool, payload: u32) -> u32 {
        let rare = if rare { RARE_BIT } else { 0 };
        (payload.min(MAX_PAYLOAD) << PAYLOAD_SHIFT) | rare | shape as u32
    }
}

/// A delivery's amount.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Delivery {
    quantity: Decimal,
    currency: Option<Currency>,
    correction: bool,
}

/// The entries of a ledger, in columns (see the module docs). Clones share
/// the columns' full chunks (see [`Chunked`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryStore {
    /// One per entry, in sequence order. Only ever pushed to (or cut
    /// back), so in big chunks.
    heads: Chunked<Head, 11>,
    /// The body of each opening, by pledge index: the pledge view borrows
    /// from here.
    bodies: Chunked<Box<NewPledge>, 10>,
    /// The id of each pledge, by pledge index: an entry put back together
    /// names its pledge from here, one read where the body is two.
    ids: Chunked<PledgeId, 10>,
    deliveries: Chunked<Delivery, 10>,
    whole: Chunked<Action, 8>,
    /// The rare fields, with the index of their entry, in entry order.
    rare: Chunked<(u32, Box<RareFields>), 6>,
    /// The lists of sources the entries cite: once for a run of entries
    /// citing one list (the entries of an imported row), and once for each
    /// source cited alone (see `alone_at`). An entry names its list by
    /// index in four bytes, where a pointer took eight.
    lists: Chunked<StoredSources, 10>,
    /// For each source by index, where the ledger's list citing it alone
    /// is in `lists` (`u32::MAX` before an entry cites it alone).
    alone_at: Vec<u32>,
    /// The empty list, for the entries that cite none.
    none: StoredSources,
}

/// The lengths of an [`EntryStore`]'s columns, which a rollback cuts them
/// back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    heads: usize,
    bodies: usize,
    deliveries: usize,
    whole: usize,
    rare: usize,
    lists: usize,
}

impl PartialEq for EntryStore {
    /// Equal entries: a list of sources may be stored once for two entries
    /// here and twice there, so lists are compared by what each entry
    /// cites.
    fn eq(&self, other: &EntryStore) -> bool {
        self.len() == other.len()
            && self.bodies == other.bodies
            && self.ids == other.ids
            && self.deliveries == other.deliveries
            && self.whole == other.whole
            && self.rare == other.rare
            && self.heads.iter().zip(other.heads.iter()).all(|(a, b)| {
                a.stamp == b.stamp
                    && a.at == b.at
                    && a.code == b.code
                    && self.cited(*a) == other.cited(*b)
            })
    }
}

impl Eq for EntryStore {}

impl EntryStore {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.heads.len()
    }

    /// True when there are no entries.
    pub(crate) fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// Makes room for `entries` more entries of which `pledges` open
    /// pledges.
    pub(crate) fn reserve(&mut self, entries: usize, pledges: usize) {
        self.heads.reserve(entries);
        self.bodies.reserve(pledges);
        self.ids.reserve(pledges);
    }

    /// Appends `entry`, which is about pledge `pledge` (its index, for an
    /// opening the index it opens) when it names one, and cites source
    /// `alone` alone (its index) when it holds the ledger's list of that
    /// one source.
    pub(crate) fn push(&mut self, entry: Entry, pledge: Option<u32>, alone: Option<u32>) {
        let ix = u32::try_from(self.heads.len()).unwrap_or(u32::MAX);
        let Parts {
            stamp,
            sources,
            rare,
            action,
        } = entry.into_stored_parts();
        let has_rare = rare.is_some();
        if let Some(rare) = rare {
            self.rare.push((ix, rare));
        }
        let sources = self.list_code(sources, alone);
        let deliveries = u32::try_from(self.deliveries.len()).unwrap_or(u32::MAX);
        let (shape, at, payload) = match (action, pledge) {
            // An opening's body goes to its pledge's slot: the pledges are
            // opened in order, so that slot is the next one.
            (Action::Pledge(body), Some(at)) if at as usize == self.bodies.len() => {
                self.ids.push(body.id().clone());
                self.bodies.push(body);
                (Shape::Pledge, at, 0)
            }
            (Action::Advance { stage, .. }, Some(at)) => (Shape::Advance, at, stage.code()),
            (Action::Annotate { .. }, Some(at)) => (Shape::Annotate, at, 0),
            (
                Action::Deliver {
                    quantity,
                    currency,
                    correction,
                    ..
                },
                Some(at),
            ) if deliveries <= MAX_PAYLOAD => {
                self.deliveries.push(Delivery {
                    quantity,
                    currency,
                    correction,
                });
                (Shape::Deliver, at, deliveries)
            }
            (action, _) => {
                let at = u32::try_from(self.whole.len()).unwrap_or(u32::MAX);
                self.whole.push(action);
                (Shape::Whole, at, 0)
            }
        };
        self.heads.push(Head {
            stamp,
            at,
            sources,
            code: Head::code(shape, has_rare, payload),
        });
    }

    /// The code a head gives `sources` (see [`Head::sources`]). A list
    /// already stored as the ledger's list of source `alone`, or the list
    /// stored last (the entries of one row cite one list), is not stored
    /// again.
    fn list_code(&mut self, sources: StoredSources, alone: Option<u32>) -> u32 {
        if sources.is_empty() {
            return 0;
        }
        let stored_alone = alone
            .and_then(|s| self.alone_at.get(s as usize).copied())
            .filter(|&at| {
                self.lists
                    .get(at as usize)
                    .is_some_and(|l| l.is_same(&sources))
            });
        if let Some(at) = stored_alone {
            return at.saturating_add(1);
        }
        let len = u32::try_from(self.lists.len()).unwrap_or(u32::MAX);
        if self.lists.last().is_some_and(|l| l.is_same(&sources)) {
            return len;
        }
        self.lists.push(sources);
        if let Some(s) = alone.map(|s| s as usize) {
            if self.alone_at.len() <= s {
                self.alone_at.resize(s.saturating_add(1), u32::MAX);
            }
            if let Some(slot) = self.alone_at.get_mut(s) {
                *slot = len;
            }
        }
        len.saturating_add(1)
    }

    /// The list of sources `head` cites.
    fn cited(&self, head: Head) -> &StoredSources {
        head.sources
            .checked_sub(1)
            .and_then(|at| self.lists.get(at as usize))
            .unwrap_or(&self.none)
    }

    /// The entry at `ix`, put back together.
    pub(crate) fn get(&self, ix: usize) -> Option<Entry> {
        let head = *self.heads.get(ix)?;
        let sequence = u32::try_from(ix).ok()?;
        let rare = if head.rare() {
            self.rare_of(sequence).map(|r| Box::new(r.clone()))
        } else {
            None
        };
        let action = match head.shape() {
            Shape::Whole => self.whole.get(head.at as usize)?.clone(),
            Shape::Pledge => Action::Pledge(self.bodies.get(head.at as usize)?.clone()),
            Shape::Advance => Action::Advance {
                pledge: self.pledge_id(head.at)?.clone(),
                stage: Stage::from_code(head.payload())?,
            },
            Shape::Annotate => Action::Annotate {
                pledge: self.pledge_id(head.at)?.clone(),
            },
            Shape::Deliver => {
                let delivery = self.deliveries.get(head.payload() as usize)?;
                Action::Deliver {
                    pledge: self.pledge_id(head.at)?.clone(),
                    quantity: delivery.quantity,
                    currency: delivery.currency,
                    correction: delivery.correction,
                }
            }
        };
        Some(Entry::from_parts(
            sequence,
            Parts {
                stamp: head.stamp,
                sources: self.cited(head).clone(),
                rare,
                action,
            },
        ))
    }

    /// The sources entry `ix` cites.
    pub(crate) fn sources(&self, ix: usize) -> Option<&StoredSources> {
        self.heads.get(ix).map(|&head| self.cited(head))
    }

    /// The client key of entry `ix`, if it carries one.
    pub(crate) fn client_key(&self, ix: usize) -> Option<&ClientKey> {
        let head = self.heads.get(ix)?;
        if !head.rare() {
            return None;
        }
        self.rare_of(u32::try_from(ix).ok()?)?.key()
    }

    /// The body of pledge `pledge`, as its opening gave it.
    pub(crate) fn body(&self, pledge: u32) -> Option<&NewPledge> {
        self.bodies.get(pledge as usize).map(|body| &**body)
    }

    /// The id of pledge `pledge`.
    fn pledge_id(&self, pledge: u32) -> Option<&PledgeId> {
        self.ids.get(pledge as usize)
    }

    /// The action of entry `ix` when it is kept whole (a revision, a
    /// withdrawal, a roster change...): what a pledge view borrows a
    /// revised size or a reason from.
    pub(crate) fn whole_action(&self, ix: usize) -> Option<&Action> {
        let head = self.heads.get(ix)?;
        match head.shape() {
            Shape::Whole => self.whole.get(head.at as usize),
            Shape::Pledge | Shape::Advance | Shape::Annotate | Shape::Deliver => None,
        }
    }

    /// The pledge entry `ix` opened, if it is an opening.
    pub(crate) fn opened(&self, ix: usize) -> Option<&NewPledge> {
        let head = self.heads.get(ix)?;
        match head.shape() {
            Shape::Pledge => self.body(head.at),
            Shape::Whole => match self.whole.get(head.at as usize)? {
                Action::Pledge(body) => Some(body),
                _ => None,
            },
            Shape::Advance | Shape::Annotate | Shape::Deliver => None,
        }
    }

    /// The rare fields of entry `ix`: the column is in entry order.
    fn rare_of(&self, ix: u32) -> Option<&RareFields> {
        let (mut low, mut high) = (0, self.rare.len());
        while low < high {
            let mid = low.saturating_add(high.saturating_sub(low) / 2);
            let (at, fields) = self.rare.get(mid)?;
            match at.cmp(&ix) {
                std::cmp::Ordering::Less => low = mid.saturating_add(1),
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(fields),
            }
        }
        None
    }

    /// Where the columns stand, for [`EntryStore::cut_to`].
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            heads: self.heads.len(),
            bodies: self.bodies.len(),
            deliveries: self.deliveries.len(),
            whole: self.whole.len(),
            rare: self.rare.len(),
            lists: self.lists.len(),
        }
    }

    /// Cuts the columns back to `mark` (undoing pushes when a batch is
    /// rolled back).
    pub(crate) fn cut_to(&mut self, mark: Mark) {
        self.heads.truncate(mark.heads);
        self.bodies.truncate(mark.bodies);
        self.ids.truncate(mark.bodies);
        self.deliveries.truncate(mark.deliveries);
        self.whole.truncate(mark.whole);
        self.rare.truncate(mark.rare);
        self.lists.truncate(mark.lists);
        for at in &mut self.alone_at {
            if *at as usize >= mark.lists {
                *at = u32::MAX;
            }
        }
    }
}

/// An entry read in place, for the scans upper layers make of every entry
/// (dates, sequence numbers, the pledge named) without putting each back
/// together: a reconstruction copies an opening's body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryView<'a> {
    store: &'a EntryStore,
    ix: u32,
    head: Head,
}

impl<'a> EntryView<'a> {
    /// The sequence number.
    pub(crate) fn sequence(&self) -> u64 {
        u64::from(self.ix)
    }

    fn rare(&self) -> Option<&'a RareFields> {
        if self.head.rare() {
            self.store.rare_of(self.ix)
        } else {
            None
        }
    }

    /// As [`Entry::period`].
    pub(crate) fn period(&self) -> Option<crate::dates::PartialDate> {
        self.head
            .stamp
            .period()
            .or_else(|| self.rare().and_then(RareFields::date))
    }

    /// As [`Entry::date`].
    pub(crate) fn date(&self) -> Option<chrono::NaiveDate> {
        self.head.stamp.date().or_else(|| {
            self.rare()
                .and_then(RareFields::date)
                .map(|d| d.effective())
        })
    }

    /// The pledge the action names, as [`Action::pledge`].
    pub(crate) fn pledge(&self) -> Option<&'a PledgeId> {
        match self.head.shape() {
            Shape::Whole => self.store.whole.get(self.head.at as usize)?.pledge(),
            Shape::Pledge | Shape::Advance | Shape::Annotate | Shape::Deliver => {
                self.store.pledge_id(self.head.at)
            }
        }
    }

    /// The action, when the store keeps it whole (see [`Shape`]): roster
    /// changes, revisions, withdrawals and voids.
    pub(crate) fn whole_action(&self) -> Option<&'a Action> {
        match self.head.shape() {
            Shape::Whole => self.store.whole.get(self.head.at as usize),
            Shape::Pledge | Shape::Advance | Shape::Annotate | Shape::Deliver => None,
        }
    }

    /// The action's name, as [`Action::name`].
    pub(crate) fn action_name(&self) -> &'static str {
        match self.head.shape() {
            Shape::Whole => self
                .store
                .whole
                .get(self.head.at as usize)
                .map_or("", Action::name),
            Shape::Pledge => "pledge",
            Shape::Advance => "advance",
            Shape::Annotate => "annotate",
            Shape::Deliver => "deliver",
        }
    }

    /// The entry, put back together.
    pub(crate) fn entry(&self) -> Option<Entry> {
        self.store.get(self.ix as usize)
    }
}

impl EntryStore {
    /// Every entry, read in place.
    pub(crate) fn views(&self) -> impl Iterator<Item = EntryView<'_>> + '_ {
        self.heads.iter().zip(0u32..).map(|(&head, ix)| EntryView {
            store: self,
            ix,
            head,
        })
    }
}

/// Every entry of a ledger, in sequence order, each put back together from
/// the ledger's columns: see [`Ledger::entries`](crate::Ledger::entries).
///
/// ```
/// use coalition_ledger::{Entries, fixtures};
///
/// let ledger = fixtures::paris_summit();
/// let mut entries: Entries<'_> = ledger.entries();
/// let newest = entries.next_back();
/// assert_eq!(newest.map(|e| e.sequence() + 1), Some(ledger.len() as u64));
/// assert_eq!(entries.len(), ledger.len() - 1);
/// ```
#[derive(Clone)]
pub struct Entries<'a> {
    store: &'a EntryStore,
    /// The next entry from the front, and one past the next from the back.
    front: usize,
    back: usize,
}

impl std::fmt::Debug for Entries<'_> {
    /// The sequence numbers left, not the ledger's columns.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entries")
            .field("left", &(self.front..self.back))
            .finish()
    }
}

impl<'a> Entries<'a> {
    pub(crate) fn new(store: &'a EntryStore) -> Entries<'a> {
        Entries {
            store,
            front: 0,
            back: store.len(),
        }
    }
}

impl Iterator for Entries<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        if self.front >= self.back {
            return None;
        }
        let entry = self.store.get(self.front);
        self.front = self.front.saturating_add(1);
        entry
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.back.saturating_sub(self.front);
        (left, Some(left))
    }

    fn nth(&mut self, n: usize) -> Option<Entry> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }

    // Without these, `last` and `count` would put every entry together.
    fn last(mut self) -> Option<Entry> {
        self.next_back()
    }

    fn count(self) -> usize {
        self.back.saturating_sub(self.front)
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Entry> {
        if self.front >= self.back {
            return None;
        }
        self.back = self.back.saturating_sub(1);
        self.store.get(self.back)
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl std::iter::FusedIterator for Entries<'_> {}

#[cfg(test)]
mod size_tests {
    /// A head is what every entry costs: this pins it.
    #[test]
    fn a_head_is_sixteen_bytes() {
        assert_eq!(size_of::<super::Head>(), 16);
    }
}
