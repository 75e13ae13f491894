//! [`EntryStore`]: the entries, kept in columns.
//!
//! An entry held whole took 64 bytes, and each opening boxed its pledge
//! body (128 bytes and the allocator's header) besides: a ledger keeps
//! about three entries per pledge, so entries and bodies were about 330
//! bytes of a pledge's 556. Here an entry is a 24-byte head (its stamp,
//! its cited sources, and its action by shape: the pledge it names by
//! index, the stage it advances to); the bodies the openings carry sit
//! unboxed in a column of their own, one per pledge, where the pledge view
//! reads them; deliveries keep their amount in a column; the actions few
//! entries carry (revisions, withdrawals, roster changes) are kept whole;
//! and the rare fields (a client key, an older format version) in a sparse
//! column. [`EntryStore::get`] puts an [`Entry`] back together on demand,
//! equal to the one recorded.

use rust_decimal::Decimal;

use super::chunked::Chunked;
use crate::entry::{Action, ClientKey, Entry, Parts, RareFields, Stamp, StoredSources};
use crate::ids::PledgeId;
use crate::lifecycle::Stage;
use crate::money::Currency;
use crate::pledge::NewPledge;

/// How a head holds its action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Kept whole in [`EntryStore::whole`], at the head's `at`.
    Whole,
    /// An opening: its body is [`EntryStore::bodies`] at pledge `at`.
    Pledge,
    /// An advance of pledge `at` to the head's `stage`.
    Advance,
    /// An annotation of pledge `at`.
    Annotate,
    /// A delivery on pledge `at`, its amount in
    /// [`EntryStore::deliveries`] at the head's `payload`.
    Deliver,
}

/// What every entry keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    sources: StoredSources,
    stamp: Stamp,
    /// A pledge's index, or an index in `whole` (see [`Shape`]).
    at: u32,
    /// An index in `deliveries`, for a delivery.
    payload: u32,
    shape: Shape,
    /// The stage of an advance (ignored otherwise).
    stage: Stage,
    /// The entry has rare fields, in [`EntryStore::rare`].
    rare: bool,
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
}

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
    /// opening the index it opens) when it names one.
    pub(crate) fn push(&mut self, entry: Entry, pledge: Option<u32>) {
        let ix = u32::try_from(self.heads.len()).unwrap_or(u32::MAX);
        let Parts {
            stamp,
            sources,
            rare,
            action,
        } = entry.into_stored_parts();
        let mut head = Head {
            sources,
            stamp,
            at: 0,
            payload: 0,
            shape: Shape::Whole,
            stage: Stage::Announced,
            rare: rare.is_some(),
        };
        if let Some(rare) = rare {
            self.rare.push((ix, rare));
        }
        let whole = match (action, pledge) {
            // An opening's body goes to its pledge's slot: the pledges are
            // opened in order, so that slot is the next one.
            (Action::Pledge(body), Some(at)) if at as usize == self.bodies.len() => {
                head.shape = Shape::Pledge;
                head.at = at;
                self.ids.push(body.id().clone());
                self.bodies.push(body);
                None
            }
            (Action::Advance { stage, .. }, Some(at)) => {
                head.shape = Shape::Advance;
                head.at = at;
                head.stage = stage;
                None
            }
            (Action::Annotate { .. }, Some(at)) => {
                head.shape = Shape::Annotate;
                head.at = at;
                None
            }
            (
                Action::Deliver {
                    quantity,
                    currency,
                    correction,
                    ..
                },
                Some(at),
            ) => {
                head.shape = Shape::Deliver;
                head.at = at;
                head.payload = u32::try_from(self.deliveries.len()).unwrap_or(u32::MAX);
                self.deliveries.push(Delivery {
                    quantity,
                    currency,
                    correction,
                });
                None
            }
            (action, _) => Some(action),
        };
        if let Some(action) = whole {
            head.at = u32::try_from(self.whole.len()).unwrap_or(u32::MAX);
            self.whole.push(action);
        }
        self.heads.push(head);
    }

    /// The entry at `ix`, put back together.
    pub(crate) fn get(&self, ix: usize) -> Option<Entry> {
        let head = self.heads.get(ix)?;
        let sequence = u32::try_from(ix).ok()?;
        let rare = if head.rare {
            self.rare_of(sequence).map(|r| Box::new(r.clone()))
        } else {
            None
        };
        let action = match head.shape {
            Shape::Whole => self.whole.get(head.at as usize)?.clone(),
            Shape::Pledge => Action::Pledge(self.bodies.get(head.at as usize)?.clone()),
            Shape::Advance => Action::Advance {
                pledge: self.pledge_id(head.at)?.clone(),
                stage: head.stage,
            },
            Shape::Annotate => Action::Annotate {
                pledge: self.pledge_id(head.at)?.clone(),
            },
            Shape::Deliver => {
                let delivery = self.deliveries.get(head.payload as usize)?;
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
                sources: head.sources.clone(),
                rare,
                action,
            },
        ))
    }

    /// The sources entry `ix` cites.
    pub(crate) fn sources(&self, ix: usize) -> Option<&StoredSources> {
        self.heads.get(ix).map(|head| &head.sources)
    }

    /// The client key of entry `ix`, if it carries one.
    pub(crate) fn client_key(&self, ix: usize) -> Option<&ClientKey> {
        let head = self.heads.get(ix)?;
        if !head.rare {
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
        match head.shape {
            Shape::Whole => self.whole.get(head.at as usize),
            Shape::Pledge | Shape::Advance | Shape::Annotate | Shape::Deliver => None,
        }
    }

    /// The pledge entry `ix` opened, if it is an opening.
    pub(crate) fn opened(&self, ix: usize) -> Option<&NewPledge> {
        let head = self.heads.get(ix)?;
        match head.shape {
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

    /// Shortens the store to `len` entries (undoing pushes when a batch is
    /// rolled back).
    pub(crate) fn truncate(&mut self, len: usize) {
        let (mut bodies, mut deliveries, mut whole) =
            (self.bodies.len(), self.deliveries.len(), self.whole.len());
        // The columns grow with the heads, so what the cut heads put in
        // them is their suffix.
        for head in self.heads.iter().skip(len) {
            match head.shape {
                Shape::Whole => whole = whole.min(head.at as usize),
                Shape::Pledge => bodies = bodies.min(head.at as usize),
                Shape::Deliver => deliveries = deliveries.min(head.payload as usize),
                Shape::Advance | Shape::Annotate => {}
            }
        }
        let mut rare = self.rare.len();
        while let Some(before) = rare.checked_sub(1) {
            match self.rare.get(before) {
                Some(&(at, _)) if at as usize >= len => rare = before,
                _ => break,
            }
        }
        self.heads.truncate(len);
        self.bodies.truncate(bodies);
        self.ids.truncate(bodies);
        self.deliveries.truncate(deliveries);
        self.whole.truncate(whole);
        self.rare.truncate(rare);
    }
}

/// An entry read in place, for the scans upper layers make of every entry
/// (dates, sequence numbers, the pledge named) without putting each back
/// together: a reconstruction copies an opening's body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryView<'a> {
    store: &'a EntryStore,
    ix: u32,
    head: &'a Head,
}

impl<'a> EntryView<'a> {
    /// The sequence number.
    pub(crate) fn sequence(&self) -> u64 {
        u64::from(self.ix)
    }

    fn rare(&self) -> Option<&'a RareFields> {
        if self.head.rare {
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
        match self.head.shape {
            Shape::Whole => self.store.whole.get(self.head.at as usize)?.pledge(),
            Shape::Pledge | Shape::Advance | Shape::Annotate | Shape::Deliver => {
                self.store.pledge_id(self.head.at)
            }
        }
    }

    /// The action, when the store keeps it whole (see [`Shape`]): roster
    /// changes, revisions, withdrawals and voids.
    pub(crate) fn whole_action(&self) -> Option<&'a Action> {
        match self.head.shape {
            Shape::Whole => self.store.whole.get(self.head.at as usize),
            Shape::Pledge | Shape::Advance | Shape::Annotate | Shape::Deliver => None,
        }
    }

    /// The action's name, as [`Action::name`].
    pub(crate) fn action_name(&self) -> &'static str {
        match self.head.shape {
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
        self.heads.iter().zip(0u32..).map(|(head, ix)| EntryView {
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
