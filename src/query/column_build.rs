//! A query [`Column`] built in pieces, by as many threads as take part.
//!
//! The first query on a large ledger builds its column on a second thread
//! while the first thread evaluates the scenario (see
//! `Query::prepare_building`). At a million pledges the two take about as
//! long (each between 100 and 175 ms in profiles of imported ledgers);
//! whenever the evaluation ends first, the first thread takes the pieces
//! still left instead of waiting.
//!
//! Each piece is written at the scale its own amounts need. When every
//! piece is written, those below the largest scale are brought up to it,
//! so the column is the one a single pass gives, value for value: a row's
//! mantissa is its bound's at the largest scale either way, and any
//! amount that overflows there overflows in both.

use std::sync::Mutex;

use super::cache::{Column, RowKey, encode_at, needed_scale, rescale, row};
use super::measure::{Basis, Measure, RateMemo};
use crate::ledger::Ledger;

/// The column of every pledge, built on this thread (the first query on a
/// large ledger builds it on two, see `Query::prepare_building`).
pub(crate) fn build(ledger: &Ledger, measure: &Measure<'_>, basis: Basis) -> Option<Column> {
    let mut build = ColumnBuild::new(ledger, *measure, basis);
    let written = build.pieces().fill();
    build.finish(written)
}

/// Pledges per piece: enough that taking a piece costs nothing next to
/// writing it (a lock, against about 2 ms of work), few enough that two
/// threads finish within a piece of each other. Unit tests use small
/// pieces, so that a test ledger has many, at different scales.
const PIECE_ROWS: usize = if cfg!(test) { 64 } else { 1 << 14 };

/// A column being built: the column, with every row still to be written.
pub(crate) struct ColumnBuild<'a> {
    ledger: &'a Ledger,
    measure: Measure<'a>,
    basis: Basis,
    column: Column,
}

/// The pieces of a [`ColumnBuild`] not yet taken.
pub(crate) struct Pieces<'b> {
    ledger: &'b Ledger,
    measure: Measure<'b>,
    basis: Basis,
    left: Mutex<std::vec::IntoIter<Piece<'b>>>,
}

/// The rows of one piece: where they start, and their parts of the column.
struct Piece<'b> {
    start: usize,
    keys: &'b mut [RowKey],
    low: &'b mut [i128],
    high: &'b mut [i128],
}

/// A piece written: where it starts, how many rows, and the scale of its
/// amounts (`None` when they cannot be held exactly).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written {
    start: usize,
    rows: usize,
    scale: Option<u32>,
}

impl<'a> ColumnBuild<'a> {
    /// The build of the column of `measure` on `basis` for every pledge of
    /// the ledger.
    pub(crate) fn new(ledger: &'a Ledger, measure: Measure<'a>, basis: Basis) -> ColumnBuild<'a> {
        let column = Column::unwritten(&measure, basis, ledger.states().len());
        ColumnBuild {
            ledger,
            measure,
            basis,
            column,
        }
    }

    /// The pieces to write, for [`Pieces::fill`] on any number of threads.
    pub(crate) fn pieces(&mut self) -> Pieces<'_> {
        let column = &mut self.column;
        let pieces: Vec<Piece<'_>> = column
            .keys
            .chunks_mut(PIECE_ROWS)
            .zip(column.low.chunks_mut(PIECE_ROWS))
            .zip(column.high.chunks_mut(PIECE_ROWS))
            .enumerate()
            .map(|(at, ((keys, low), high))| Piece {
                start: at.saturating_mul(PIECE_ROWS),
                keys,
                low,
                high,
            })
            .collect();
        Pieces {
            ledger: self.ledger,
            measure: self.measure,
            basis: self.basis,
            left: Mutex::new(pieces.into_iter()),
        }
    }

    /// The column, once the pieces `written` (by every thread, in any
    /// order) cover every row; `None` when one is missing (a thread that
    /// stopped) or its amounts could not be held exactly.
    pub(crate) fn finish(mut self, mut written: Vec<Written>) -> Option<Column> {
        written.sort_unstable_by_key(|w| w.start);
        let mut next = 0usize;
        let mut scale = 0u32;
        for piece in &written {
            if piece.start != next {
                return None;
            }
            next = next.checked_add(piece.rows)?;
            scale = scale.max(piece.scale?);
        }
        if next != self.column.keys.len() {
            return None;
        }
        for piece in &written {
            let from = piece.scale?;
            if from < scale {
                let rows = piece.start..piece.start.checked_add(piece.rows)?;
                let low = self.column.low.get_mut(rows.clone())?;
                let high = self.column.high.get_mut(rows)?;
                rescale(low, high, from, scale)?;
            }
        }
        self.column.scale = scale;
        Some(self.column)
    }
}

impl Pieces<'_> {
    /// Writes pieces until none is left, and says which it wrote.
    pub(crate) fn fill(&self) -> Vec<Written> {
        // A memo of this thread's own: it is not shared.
        let rates = RateMemo::of(&self.measure);
        let mut written = Vec::new();
        loop {
            let piece = match self.left.lock() {
                Ok(mut left) => left.next(),
                Err(_) => None,
            };
            let Some(piece) = piece else {
                return written;
            };
            written.push(Written {
                start: piece.start,
                rows: piece.keys.len(),
                scale: self.write(piece, rates.as_ref()),
            });
        }
    }

    /// Writes one piece's rows; the scale of its amounts, raised as they
    /// need it, or `None` when they cannot be held exactly.
    fn write(&self, piece: Piece<'_>, rates: Option<&RateMemo<'_>>) -> Option<u32> {
        let rows = piece.keys.len();
        let states = self.ledger.states().iter().skip(piece.start).take(rows);
        let mut scale = 0u32;
        for (done, state) in states.enumerate() {
            let (key, bounds) = row(self.ledger, state, &self.measure, self.basis, rates);
            let needed = needed_scale(bounds.as_ref());
            if needed > scale {
                let low = piece.low.get_mut(..done)?;
                let high = piece.high.get_mut(..done)?;
                rescale(low, high, scale, needed)?;
                scale = needed;
            }
            let (key, low, high) = encode_at(key, bounds.as_ref(), scale)?;
            *piece.keys.get_mut(done)? = key;
            *piece.low.get_mut(done)? = low;
            *piece.high.get_mut(done)? = high;
        }
        Some(scale)
    }
}

/// A column built in pieces, on two threads or one, is the column one pass
/// over the pledges gives, scale and values; and its pieces were not all
/// at one scale (else the test would not test the rescaling). The test
/// that calls this lives with the generator that makes its ledger.
#[cfg(all(test, feature = "testing"))]
pub(crate) fn check_pieces_are_one_pass(ledger: &Ledger, fx: &crate::fx::FxRates) {
    use crate::money::Currency;
    let measure = Measure::Value {
        currency: Currency::EUR,
        fx,
    };
    let one_pass =
        super::cache::build_in_one_pass(ledger, &measure, Basis::Pledged).expect("one pass");
    for threads in [1, 2] {
        let mut build = ColumnBuild::new(ledger, measure, Basis::Pledged);
        let pieces = build.pieces();
        let written: Vec<Written> = std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads)
                .map(|_| scope.spawn(|| pieces.fill()))
                .collect();
            let mut written = pieces.fill();
            for helper in helpers {
                written.extend(helper.join().expect("a helper"));
            }
            written
        });
        drop(pieces);
        let scales: std::collections::BTreeSet<Option<u32>> =
            written.iter().map(|w| w.scale).collect();
        assert!(scales.len() > 1, "pieces at one scale: {scales:?}");
        let built = build.finish(written).expect("built");
        assert_eq!(
            (&built.keys, &built.low, &built.high, built.scale),
            (
                &one_pass.keys,
                &one_pass.low,
                &one_pass.high,
                one_pass.scale
            ),
            "{threads} threads"
        );
    }
    // A piece missing (a thread that stopped) is no column.
    let mut build = ColumnBuild::new(ledger, measure, Basis::Pledged);
    let mut written = build.pieces().fill();
    written.remove(written.len() / 2);
    assert!(build.finish(written).is_none());
}
