//! [`Chunked`]: a growable array whose clone is cheap.
//!
//! The elements live in chunks behind `Arc`s. Cloning copies one pointer
//! per chunk (O(n / chunk size)), so a snapshot of a million-pledge
//! ledger costs a few thousand pointer copies, not a deep copy. Full chunks
//! are never written again except by an update in place, which copies that
//! one chunk first when a snapshot still shares it (copy on write); pushes
//! go to the last chunk, copied at most once per snapshot.

use std::sync::Arc;

/// A growable array of chunks of `2^BITS` elements shared between clones.
///
/// Arrays that only grow use big chunks (the default, 1,024 elements: a
/// clone copies n / 1,024 pointers); arrays updated in place anywhere (the
/// pledges' derived state) use small ones, so that an update after a
/// snapshot copies a few kilobytes, not a large chunk.
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T, const BITS: u32 = 10> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T, const BITS: u32> Default for Chunked<T, BITS> {
    fn default() -> Chunked<T, BITS> {
        Chunked::new()
    }
}

/// An empty list of indexes, for lookups that find no list.
pub(crate) static NO_INDEXES: Chunked<u32> = Chunked::new();

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

    /// An empty array.
    pub(crate) const fn new() -> Chunked<T, BITS> {
        Chunked {
            chunks: Vec::new(),
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

    /// The element at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index >> BITS)?.get(index & Self::MASK)
    }

    /// Every element, in order.
    pub(crate) fn iter(&self) -> Iter<'_, T, BITS> {
        Iter {
            chunked: self,
            front: 0,
            back: self.len,
        }
    }

    /// Makes room for `additional` more elements' chunk pointers.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.chunks.reserve(additional.div_ceil(Self::CHUNK));
    }
}

impl<T: Clone, const BITS: u32> Chunked<T, BITS> {
    /// Appends an element; copies the last chunk first if a clone shares it.
    pub(crate) fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < Self::CHUNK => Arc::make_mut(last).push(value),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(value);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len = self.len.saturating_add(1);
    }

    /// The element at `index`, for an update in place; copies its chunk
    /// first if a clone shares it.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let chunk = self.chunks.get_mut(index >> BITS)?;
        if index & Self::MASK >= chunk.len() {
            return None;
        }
        Arc::make_mut(chunk).get_mut(index & Self::MASK)
    }
}

/// An iterator over a [`Chunked`], both ways, with an exact length.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a, T, const BITS: u32 = 10> {
    chunked: &'a Chunked<T, BITS>,
    front: usize,
    back: usize,
}

impl<'a, T, const BITS: u32> Iterator for Iter<'a, T, BITS> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        if self.front >= self.back {
            return None;
        }
        let item = self.chunked.get(self.front);
        self.front = self.front.saturating_add(1);
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back.saturating_sub(self.front);
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl<T, const BITS: u32> DoubleEndedIterator for Iter<'_, T, BITS> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back = self.back.saturating_sub(1);
        self.chunked.get(self.back)
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
        assert!(Arc::ptr_eq(&a.chunks[0], &snapshot.chunks[0]));
        a.push(99_999);
        *a.get_mut(7).expect("in range") = 7_000;
        // The snapshot did not move; the untouched chunks are still shared.
        assert_eq!(snapshot.len(), CHUNK * 3 + 5);
        assert_eq!(snapshot.get(7), Some(&7));
        assert_eq!(a.get(7), Some(&7_000));
        assert_eq!(a.get(a.len() - 1), Some(&99_999));
        assert!(Arc::ptr_eq(&a.chunks[1], &snapshot.chunks[1]));
        assert!(!Arc::ptr_eq(&a.chunks[0], &snapshot.chunks[0]));
        assert_eq!(a.iter().len(), a.len());
        assert_eq!(a.iter().nth_back(0), Some(&99_999));
        assert_eq!(a.get(a.len()), None);
        assert!(a.get_mut(a.len()).is_none());
        let collected: Vec<usize> = snapshot.iter().copied().collect();
        assert_eq!(collected, (0..(CHUNK * 3 + 5)).collect::<Vec<_>>());
    }
}
