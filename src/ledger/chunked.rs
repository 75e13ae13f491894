//! [`Chunked`]: a growable array whose clone is cheap.
//!
//! The full chunks live behind `Arc`s, in nodes of [`FAN`] chunks, also
//! behind `Arc`s. The last, partly filled chunk (the tail) is not shared:
//! each array owns its own, so that a push, and an update of an element in
//! it, is a plain write. Reaching a shared chunk takes `Arc::make_mut`, an
//! atomic read-modify-write; when the tail was shared too, those were 13%
//! of the recording thread's samples in a million-row import (a row pushes
//! to about ten arrays and updates its new pledge twice).
//!
//! Cloning copies one pointer per node (O(n / (chunk size × FAN))) and the
//! tail (less than one chunk): a snapshot of a million-pledge ledger copies
//! a few hundred pointers and each array's tail (up to 1,023 entries, and
//! a list of pledge indexes per member, hence [`Indexes`]' small chunks),
//! and dropping it releases as many.
//! A write copies what a clone still shares on its way down (copy on
//! write): an update in place of a full chunk's element copies its node's
//! chunk pointers (2 KB) and its chunk; a push copies the last node when
//! the tail fills. So a clone pays for what it touches, not for the
//! ledger's size.

use std::sync::Arc;

/// Chunks per node, as a power of two.
const FAN_BITS: u32 = 8;
/// Chunks per node.
const FAN: usize = 1 << FAN_BITS;

/// A node: up to [`FAN`] shared chunks.
type Node<T> = Arc<Vec<Arc<Vec<T>>>>;

/// A growable array of chunks of `2^BITS` elements shared between clones.
///
/// Arrays that only grow use big chunks (1,024 elements, the default, or
/// more). Arrays updated in place anywhere (the pledges' derived state)
/// and the lists kept per member ([`Indexes`]) use smaller ones, so that
/// an update after a snapshot, and a clone's copy of each tail, stay
/// small.
///
/// A chunk is one allocation, and too small a chunk costs a system call:
/// a thread other than the main one allocates from an arena of its own,
/// which glibc's `malloc` grows with one `mprotect` per allocation past
/// its end. An import records on such a thread. With chunks of 64 entries
/// and 64 states, a million rows made 48,856 of those calls, 8% of the
/// recording thread's samples in a profile; with these sizes, 9,500 to
/// 9,900.
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T, const BITS: u32 = 10> {
    /// Full chunks only.
    nodes: Vec<Node<T>>,
    /// The elements after the full chunks: fewer than a chunk's worth,
    /// owned by this array alone.
    tail: Vec<T>,
    len: usize,
}

impl<T, const BITS: u32> Default for Chunked<T, BITS> {
    fn default() -> Chunked<T, BITS> {
        Chunked::new()
    }
}

/// A list of pledge indexes (of a member, of a kind, of the conditional
/// pledges, of a member's backstops). Small chunks: a ledger holds lists
/// per member, and a clone copies each list's tail, so a tail holds fewer
/// than 64 indexes (256 bytes); with 1,024 a snapshot of a million-pledge
/// ledger took two to four times as long.
pub(crate) type Indexes = Chunked<u32, 6>;

/// An empty list of indexes, for lookups that find no list.
pub(crate) static NO_INDEXES: Indexes = Chunked::new();

impl<T: PartialEq, const BITS: u32> PartialEq for Chunked<T, BITS> {
    fn eq(&self, other: &Chunked<T, BITS>) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq, const BITS: u32> Eq for Chunked<T, BITS> {}

impl<T, const BITS: u32> Chunked<T, BITS> {
    /// Elements per chunk.
    pub(crate) const CHUNK: usize = 1 << BITS;
    const MASK: usize = Self::CHUNK - 1;
    const NODE_SHIFT: u32 = BITS + FAN_BITS;

    /// An empty array.
    pub(crate) const fn new() -> Chunked<T, BITS> {
        Chunked {
            nodes: Vec::new(),
            tail: Vec::new(),
            len: 0,
        }
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when there are no elements.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Elements in the tail.
    fn tail_len(&self) -> usize {
        self.tail.len()
    }

    /// Elements in full chunks (a multiple of the chunk size).
    fn sealed(&self) -> usize {
        self.len.saturating_sub(self.tail_len())
    }

    /// The chunk holding `index` (the tail for an index past the full
    /// chunks; it starts at a multiple of the chunk size, like any chunk).
    fn chunk(&self, index: usize) -> Option<&Vec<T>> {
        // Past the end is nothing, not the tail: `get` reads the chunk at
        // `index` modulo the chunk size.
        if index >= self.len {
            return None;
        }
        if index >= self.sealed() {
            return Some(&self.tail);
        }
        self.nodes
            .get(index >> Self::NODE_SHIFT)?
            .get((index >> BITS) & (FAN - 1))
            .map(|chunk| &**chunk)
    }

    /// The element at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        self.chunk(index)?.get(index & Self::MASK)
    }

    /// The last element.
    pub(crate) fn last(&self) -> Option<&T> {
        self.get(self.len.checked_sub(1)?)
    }

    /// Every element, in order.
    pub(crate) fn iter(&self) -> Iter<'_, T, BITS> {
        Iter {
            chunked: self,
            front: 0,
            back: self.len,
            front_chunk: &[],
            back_chunk: &[],
        }
    }

    /// Makes room for `additional` more elements' node pointers.
    /// A room the allocator refuses is not reserved: a reservation is a
    /// hint, and no hint may abort the process.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let nodes = additional.div_ceil(Self::CHUNK.saturating_mul(FAN));
        let _hint = self.nodes.try_reserve(nodes);
    }
}

impl<T: Clone, const BITS: u32> Chunked<T, BITS> {
    /// Appends an element.
    pub(crate) fn push(&mut self, value: T) {
        // Room for the whole chunk at once (a clone's tail, or one cut by
        // `truncate`, has room for its elements only).
        if self.tail.len() == self.tail.capacity() {
            self.tail
                .reserve_exact(Self::CHUNK.saturating_sub(self.tail.len()));
        }
        self.tail.push(value);
        self.len = self.len.saturating_add(1);
        if self.tail.len() >= Self::CHUNK {
            self.seal();
        }
    }

    /// Moves the full tail into the last node (or a new one).
    fn seal(&mut self) {
        let full = Arc::new(std::mem::take(&mut self.tail));
        match self.nodes.last_mut() {
            Some(node) if node.len() < FAN => Arc::make_mut(node).push(full),
            _ => {
                let mut node = Vec::with_capacity(FAN);
                node.push(full);
                self.nodes.push(Arc::new(node));
            }
        }
    }

    /// Shortens the array to `len` elements (undoing pushes when a batch is
    /// rolled back); copies what a clone shares of the new last chunk and
    /// node.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let sealed = self.sealed();
        if len >= sealed {
            self.tail.truncate(len.saturating_sub(sealed));
            self.len = len;
            return;
        }
        let full = len >> BITS;
        let partial = len & Self::MASK;
        // What the cut leaves of its chunk becomes the tail.
        let tail = if partial > 0 {
            self.nodes
                .get(full >> FAN_BITS)
                .and_then(|node| node.get(full & (FAN - 1)))
                .and_then(|chunk| chunk.get(..partial))
                .map(<[T]>::to_vec)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        self.nodes.truncate(full.div_ceil(FAN));
        if let Some(node) = self.nodes.last_mut() {
            let keep = full.saturating_sub(1) & (FAN - 1);
            let keep = keep.saturating_add(1);
            if node.len() > keep {
                Arc::make_mut(node).truncate(keep);
            }
        }
        self.tail = tail;
        self.len = len;
    }

    /// The element at `index`, for an update in place; copies its chunk
    /// (and node) first if a clone shares them.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        if index >= self.len {
            return None;
        }
        let sealed = self.sealed();
        if index >= sealed {
            return self.tail.get_mut(index.saturating_sub(sealed));
        }
        let node = Arc::make_mut(self.nodes.get_mut(index >> Self::NODE_SHIFT)?);
        let chunk = node.get_mut((index >> BITS) & (FAN - 1))?;
        Arc::make_mut(chunk).get_mut(index & Self::MASK)
    }
}

/// An iterator over a [`Chunked`], both ways, with an exact length. It
/// walks a chunk as a slice, so the next element is usually one step away.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a, T, const BITS: u32 = 10> {
    chunked: &'a Chunked<T, BITS>,
    /// Index of the next element from the front (the first of
    /// `front_chunk` when that is not empty).
    front: usize,
    /// One past the next element from the back.
    back: usize,
    /// What is left of the chunk being walked from the front.
    front_chunk: &'a [T],
    /// What is left of the chunk being walked from the back.
    back_chunk: &'a [T],
}

impl<'a, T, const BITS: u32> Iterator for Iter<'a, T, BITS> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        if self.front >= self.back {
            return None;
        }
        if self.front_chunk.is_empty() {
            let chunk = self.chunked.chunk(self.front)?;
            self.front_chunk = chunk.get(self.front & Chunked::<T, BITS>::MASK..)?;
        }
        let (item, rest) = self.front_chunk.split_first()?;
        self.front_chunk = rest;
        self.front = self.front.saturating_add(1);
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back.saturating_sub(self.front);
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.front_chunk = &[];
        self.next()
    }
}

impl<T, const BITS: u32> DoubleEndedIterator for Iter<'_, T, BITS> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        let last = self.back.saturating_sub(1);
        if self.back_chunk.is_empty() {
            let chunk = self.chunked.chunk(last)?;
            self.back_chunk = chunk.get(..=last & Chunked::<T, BITS>::MASK)?;
        }
        let (item, rest) = self.back_chunk.split_last()?;
        self.back_chunk = rest;
        self.back = last;
        Some(item)
    }
}

impl<T, const BITS: u32> ExactSizeIterator for Iter<'_, T, BITS> {}

impl<'a, T, const BITS: u32> IntoIterator for &'a Chunked<T, BITS> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T, BITS>;

    fn into_iter(self) -> Iter<'a, T, BITS> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNK: usize = 1 << 10;

    #[test]
    fn clones_share_chunks_and_writes_copy_only_what_is_shared() {
        let mut a: Chunked<usize> = Chunked::default();
        for i in 0..(CHUNK * 3 + 5) {
            a.push(i);
        }
        let snapshot = a.clone();
        assert!(Arc::ptr_eq(&a.nodes[0][0], &snapshot.nodes[0][0]));
        a.push(99_999);
        *a.get_mut(7).expect("in range") = 7_000;
        // The snapshot did not move; the untouched chunks are still shared.
        assert_eq!(snapshot.len(), CHUNK * 3 + 5);
        assert_eq!(snapshot.get(7), Some(&7));
        assert_eq!(a.get(7), Some(&7_000));
        assert_eq!(a.get(a.len() - 1), Some(&99_999));
        assert!(Arc::ptr_eq(&a.nodes[0][1], &snapshot.nodes[0][1]));
        assert!(!Arc::ptr_eq(&a.nodes[0][0], &snapshot.nodes[0][0]));
        assert_eq!(a.iter().len(), a.len());
        assert_eq!(a.iter().nth_back(0), Some(&99_999));
        assert_eq!(a.get(a.len()), None);
        assert!(a.get_mut(a.len()).is_none());
        let collected: Vec<usize> = snapshot.iter().copied().collect();
        assert_eq!(collected, (0..(CHUNK * 3 + 5)).collect::<Vec<_>>());
    }

    #[test]
    fn many_nodes_behave_like_a_vec_from_both_ends() {
        // Chunks of 2 elements, so that a few thousand elements span
        // several nodes.
        let n = 2 * FAN * 3 + 7;
        let mut a: Chunked<usize, 1> = Chunked::default();
        let mut model = Vec::new();
        for i in 0..n {
            a.push(i);
            model.push(i);
        }
        let snapshot = a.clone();
        assert_eq!(snapshot.nodes.len(), 4);
        for i in (0..n).step_by(97) {
            *a.get_mut(i).expect("in range") += 1_000_000;
            model[i] += 1_000_000;
        }
        a.push(42);
        model.push(42);
        assert!(a.get_mut(a.len()).is_none());
        assert!(a.iter().eq(model.iter()));
        assert!(a.iter().rev().eq(model.iter().rev()));
        assert!(snapshot.iter().eq((0..n).collect::<Vec<_>>().iter()));
        // Meeting in the middle yields every element exactly once.
        let mut it = a.iter();
        let mut seen = Vec::new();
        let mut back = Vec::new();
        while let Some(x) = it.next() {
            seen.push(*x);
            if let Some(y) = it.next_back() {
                back.push(*y);
            }
        }
        back.reverse();
        seen.extend(back);
        assert_eq!(seen, model);
        assert_eq!(a.iter().nth(FAN * 2 + 1), model.get(FAN * 2 + 1));
        // A write copies its own node and leaves the others shared.
        let second = a.clone();
        *a.get_mut(0).expect("in range") = 5;
        assert!(Arc::ptr_eq(&a.nodes[1], &second.nodes[1]));
        assert!(!Arc::ptr_eq(&a.nodes[0], &second.nodes[0]));
        assert_eq!(second.get(0), Some(&1_000_000));
    }

    #[test]
    fn truncate_gives_back_the_prefix_and_leaves_clones_alone() {
        for cut in [
            0,
            1,
            2,
            3,
            2 * FAN - 1,
            2 * FAN,
            2 * FAN + 1,
            5 * FAN + 3,
            6 * FAN,
        ] {
            let mut a: Chunked<usize, 1> = Chunked::default();
            for i in 0..6 * FAN {
                a.push(i);
            }
            let snapshot = a.clone();
            a.truncate(cut);
            assert_eq!(a.len(), cut);
            assert!(a.iter().copied().eq(0..cut), "cut at {cut}");
            assert_eq!(a.last().copied(), cut.checked_sub(1));
            assert_eq!(a.get(cut), None);
            a.push(7);
            assert_eq!(a.get(cut), Some(&7));
            assert!(snapshot.iter().copied().eq(0..6 * FAN));
        }
    }

    proptest::proptest! {
        /// Any mix of pushes, updates, truncations and clones gives what a
        /// `Vec` gives, and every clone keeps what it had when taken.
        #[test]
        fn behaves_like_a_vec_and_clones_stay_put(
            ops in proptest::collection::vec((0u8..4, 0usize..600), 1..400),
        ) {
            let mut a: Chunked<usize, 2> = Chunked::default();
            let mut model: Vec<usize> = Vec::new();
            let mut clones: Vec<(Chunked<usize, 2>, Vec<usize>)> = Vec::new();
            for (step, (op, n)) in ops.into_iter().enumerate() {
                match op {
                    0 => {
                        for k in 0..n % 70 {
                            a.push(step * 1_000 + k);
                            model.push(step * 1_000 + k);
                        }
                    }
                    1 => {
                        if let Some(at) = n.checked_rem(model.len()) {
                            *a.get_mut(at).expect("in range") = step;
                            model[at] = step;
                        }
                    }
                    2 => {
                        let cut = n % (model.len() + 1);
                        a.truncate(cut);
                        model.truncate(cut);
                    }
                    _ => clones.push((a.clone(), model.clone())),
                }
                proptest::prop_assert_eq!(a.len(), model.len());
                proptest::prop_assert!(a.iter().eq(model.iter()));
                proptest::prop_assert!(a.iter().rev().eq(model.iter().rev()));
                proptest::prop_assert_eq!(a.last(), model.last());
                // Past the end, at every offset within and beyond a chunk.
                for past in [0, 1, 3, 4, 5, n, 1_024 + n] {
                    proptest::prop_assert_eq!(a.get(model.len() + past), None);
                }
                if let Some(at) = n.checked_rem(model.len()) {
                    proptest::prop_assert_eq!(a.get(at), model.get(at));
                }
            }
            for (clone, seen) in &clones {
                proptest::prop_assert!(clone.iter().eq(seen.iter()));
            }
        }
    }
}
