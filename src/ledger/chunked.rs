//! [`Chunked`]: a growable array whose clone is cheap.
//!
//! The elements live in chunks of [`CHUNK`] behind `Arc`s. Cloning copies
//! one pointer per chunk (O(n / CHUNK)), so a snapshot of a million-pledge
//! ledger costs a few thousand pointer copies, not a deep copy. Full chunks
//! are never written again except by an update in place, which copies that
//! one chunk first when a snapshot still shares it (copy on write); pushes
//! go to the last chunk, copied at most once per snapshot.

use std::sync::Arc;

/// Elements per chunk.
const CHUNK_BITS: u32 = 10;
pub(crate) const CHUNK: usize = 1 << CHUNK_BITS;
const MASK: usize = CHUNK - 1;

/// A growable array of chunks shared between clones.
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Chunked<T> {
        Chunked::new()
    }
}

/// An empty list of indexes, for lookups that find no list.
pub(crate) static NO_INDEXES: Chunked<u32> = Chunked::new();

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Chunked<T>) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T> Chunked<T> {
    /// An empty array.
    pub(crate) const fn new() -> Chunked<T> {
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
        self.chunks.get(index >> CHUNK_BITS)?.get(index & MASK)
    }

    /// Every element, in order.
    pub(crate) fn iter(&self) -> Iter<'_, T> {
        Iter {
            chunked: self,
            front: 0,
            back: self.len,
        }
    }

    /// Makes room for `additional` more elements' chunk pointers.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.chunks.reserve(additional.div_ceil(CHUNK));
    }
}

impl<T: Clone> Chunked<T> {
    /// Appends an element; copies the last chunk first if a clone shares it.
    pub(crate) fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(value),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(value);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len = self.len.saturating_add(1);
    }

    /// The element at `index`, for an update in place; copies its chunk
    /// first if a clone shares it.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let chunk = self.chunks.get_mut(index >> CHUNK_BITS)?;
        if index & MASK >= chunk.len() {
            return None;
        }
        Arc::make_mut(chunk).get_mut(index & MASK)
    }
}

/// An iterator over a [`Chunked`], both ways, with an exact length.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a, T> {
    chunked: &'a Chunked<T>,
    front: usize,
    back: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
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

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back = self.back.saturating_sub(1);
        self.chunked.get(self.back)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_chunks_and_writes_copy_only_what_is_shared() {
        let mut a = Chunked::default();
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
