//! Per-pledge amounts computed once per ledger version, measure, basis and
//! exchange-rate table, and their sums by pledge attributes, so that
//! repeated queries add up a few thousand groups: no conversion, no
//! `Decimal` arithmetic and no pass over the pledges.
//!
//! A [`Column`] holds, for every pledge, its dimension codes and its amount
//! as an `i128` mantissa at one common scale. Sums are exact integer sums;
//! each pledge also records the scale its amount had, so a total can be
//! given back at the scale the `Decimal` path would have produced. Anything
//! the column cannot hold exactly (an overflow, an amount that could not be
//! computed) sends the query back to the `Decimal` path, which reports it.
//!
//! A [`Cube`] adds a column's pledges up by every attribute a query on it
//! can filter or group by, and by the scenario's verdict on them. Appends
//! bring both up to date for the pledges that changed (the ledger lists
//! them); anything else builds them again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;

use super::measure::{Basis, Measure, RateMemo, pledge_amount_with};
use super::scenario::{Evaluation, Scenario, evaluate};
use crate::error::Result;
use crate::fx::FxRates;
use crate::ledger::Ledger;
use crate::limits::MAX_DECIMAL_SCALE;
use crate::money::Currency;

/// The measure applies to the pledge's kind.
pub(crate) const APPLICABLE: u8 = 1;
/// The amount is unspecified.
pub(crate) const UNSPECIFIED: u8 = 2;
/// The amount has no upper bound.
pub(crate) const OPEN: u8 = 4;
/// The amount could not be computed (a missing rate, say): a query that
/// selects this pledge must take the `Decimal` path to report why.
pub(crate) const FAILED: u8 = 8;

/// The dimension codes, flags and amount scales of one pledge (16 bytes,
/// so that a query streams over them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RowKey {
    pub(crate) member: u32,
    pub(crate) category: u32,
    pub(crate) kind: u8,
    pub(crate) stage: u8,
    pub(crate) evidence: u8,
    pub(crate) flags: u8,
    /// The scale the low bound had as a `Decimal` (0 when no amount is
    /// added: unspecified, or not applicable).
    pub(crate) low_scale: u8,
    /// The scale the high bound had (0 when open or unspecified).
    pub(crate) high_scale: u8,
}

/// What a column was computed for.
#[derive(Debug, Clone, PartialEq)]
struct ColumnKey {
    measure: &'static str,
    currency: Option<Currency>,
    fx: Option<FxRates>,
    basis: Basis,
}

impl ColumnKey {
    fn new(measure: &Measure<'_>, basis: Basis) -> ColumnKey {
        let fx = match measure {
            Measure::Value { fx, .. } => Some((*fx).clone()),
            _ => None,
        };
        ColumnKey {
            measure: measure.name(),
            currency: measure.currency(),
            fx,
            basis,
        }
    }

    fn matches(&self, measure: &Measure<'_>, basis: Basis) -> bool {
        let fx_matches = match (measure, &self.fx) {
            (Measure::Value { fx, .. }, Some(own)) => *fx == own,
            (Measure::Value { .. }, None) => false,
            (_, fx) => fx.is_none(),
        };
        self.measure == measure.name()
            && self.currency == measure.currency()
            && self.basis == basis
            && fx_matches
    }
}

/// Amounts of every pledge for one measure and basis.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    key: ColumnKey,
    /// The common scale of `low` and `high`.
    pub(crate) scale: u32,
    pub(crate) keys: Vec<RowKey>,
    /// Each pledge's low bound at `scale` (0 when unspecified).
    pub(crate) low: Vec<i128>,
    /// Each pledge's high bound at `scale` (0 when open or unspecified).
    pub(crate) high: Vec<i128>,
    /// How many of the ledger's changes the column reflects.
    applied: usize,
    /// Tells columns apart (a rebuilt column is another column), for the
    /// cubes derived from it.
    id: u64,
}

/// The next [`Column::id`].
static COLUMN_IDS: AtomicU64 = AtomicU64::new(0);

/// One pledge's row of a column: its key and bounds.
type Line = (RowKey, i128, i128);

/// A row of a column that changed: the pledge, what the row was (none for
/// a new pledge) and what it is.
struct Change {
    ix: usize,
    old: Option<Line>,
    new: Line,
}

/// The scenario counts the pledge.
pub(crate) const ALLOWED: u8 = 1;
/// Some condition of the pledge is not known to hold.
pub(crate) const CONDITIONAL: u8 = 2;
/// The pledge sits in a dependency cycle.
pub(crate) const IN_CYCLE: u8 = 4;

/// What a scenario says of one pledge, as the cube groups it.
fn class(eval: &Evaluation, ix: usize) -> u8 {
    let mut class = 0;
    if eval.conditions_allow(ix) {
        class |= ALLOWED;
    }
    if eval.is_conditional(ix) {
        class |= CONDITIONAL;
    }
    if eval.is_in_cycle(ix) {
        class |= IN_CYCLE;
    }
    class
}

/// The sum of the pledges of one group of a [`Cube`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    pub(crate) count: u64,
    pub(crate) low: i128,
    pub(crate) high: i128,
    /// The largest scale of the low bounds added.
    pub(crate) low_scale: u8,
    pub(crate) high_scale: u8,
    /// How many of the pledges have a low bound at `low_scale`: when the
    /// last of them leaves, the largest scale of the others is unknown.
    low_at_scale: u64,
    high_at_scale: u64,
}

impl Sum {
    fn add(&mut self, low: i128, high: i128, key: RowKey) -> Option<()> {
        self.count = self.count.checked_add(1)?;
        self.low = self.low.checked_add(low)?;
        self.high = self.high.checked_add(high)?;
        widen(&mut self.low_scale, &mut self.low_at_scale, key.low_scale)?;
        widen(
            &mut self.high_scale,
            &mut self.high_at_scale,
            key.high_scale,
        )
    }

    /// Adds the sum of other pledges of the group.
    fn merge(&mut self, other: &Sum) -> Option<()> {
        if other.count == 0 {
            return Some(());
        }
        self.count = self.count.checked_add(other.count)?;
        self.low = self.low.checked_add(other.low)?;
        self.high = self.high.checked_add(other.high)?;
        join_scales(
            &mut self.low_scale,
            &mut self.low_at_scale,
            other.low_scale,
            other.low_at_scale,
        )?;
        join_scales(
            &mut self.high_scale,
            &mut self.high_at_scale,
            other.high_scale,
            other.high_at_scale,
        )
    }

    /// Takes a pledge out; `None` when the sums cannot say what is left
    /// (the cube is then built again).
    fn remove(&mut self, low: i128, high: i128, key: RowKey) -> Option<()> {
        self.count = self.count.checked_sub(1)?;
        self.low = self.low.checked_sub(low)?;
        self.high = self.high.checked_sub(high)?;
        if self.count == 0 {
            *self = Sum::default();
            return Some(());
        }
        narrow(self.low_scale, &mut self.low_at_scale, key.low_scale)?;
        narrow(self.high_scale, &mut self.high_at_scale, key.high_scale)
    }
}

/// Counts a bound of `scale` into a group's largest scale.
fn widen(largest: &mut u8, at: &mut u64, scale: u8) -> Option<()> {
    match scale.cmp(largest) {
        std::cmp::Ordering::Greater => {
            *largest = scale;
            *at = 1;
        }
        std::cmp::Ordering::Equal => *at = at.checked_add(1)?,
        std::cmp::Ordering::Less => {}
    }
    Some(())
}

/// Joins two groups' largest scales and the counts of bounds at them.
fn join_scales(largest: &mut u8, at: &mut u64, other: u8, other_at: u64) -> Option<()> {
    match other.cmp(largest) {
        std::cmp::Ordering::Greater => {
            *largest = other;
            *at = other_at;
        }
        std::cmp::Ordering::Equal => *at = at.checked_add(other_at)?,
        std::cmp::Ordering::Less => {}
    }
    Some(())
}

/// Takes a bound of `scale` out of a group's largest scale; `None` when it
/// was the last bound at that scale.
fn narrow(largest: u8, at: &mut u64, scale: u8) -> Option<()> {
    match scale.cmp(&largest) {
        std::cmp::Ordering::Equal => {
            *at = at.checked_sub(1)?;
            (*at > 0).then_some(())
        }
        std::cmp::Ordering::Less => Some(()),
        std::cmp::Ordering::Greater => None,
    }
}

/// The pledges of a column added up by everything a query on the column can
/// filter or group by (member, category, kind, stage, evidence, flags) and
/// by what the scenario says of them (allowed, conditional, in a cycle),
/// keeping the largest scale of each group's bounds. Every such query is
/// then a pass over the groups (thousands) instead of the pledges
/// (millions), with the same exact sums; a change to a pledge moves its
/// amounts from one group to another.
#[derive(Debug, Clone)]
pub(crate) struct Cube {
    column: u64,
    generation: u64,
    /// How many of the ledger's changes it reflects (as its column).
    applied: usize,
    /// `None` when grouping does not pay (nearly as many groups as
    /// pledges): queries on the column loop over its rows.
    groups: Option<Groups>,
}

/// The groups of a cube, in the order first met; the keys' scales are
/// zero (each group's scales are in its [`Sum`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Groups {
    index: HashMap<u128, u32, foldhash::fast::FixedState>,
    pub(crate) keys: Vec<(RowKey, u8)>,
    pub(crate) sums: Vec<Sum>,
}

/// Most groups a cube of `rows` pledges may hold before it is abandoned.
fn max_groups(rows: usize) -> usize {
    (rows / 8).max(4_096)
}

/// Fewest rows for which a cube is grouped on two threads.
const PARALLEL_MIN_ROWS: usize = 100_000;

impl Groups {
    /// The groups of the column's rows in `range`; `None` past `limit`
    /// groups or on overflow.
    fn of(
        column: &Column,
        eval: &Evaluation,
        range: std::ops::Range<usize>,
        limit: usize,
    ) -> Option<Groups> {
        let mut groups = Groups::default();
        let keys = column.keys.get(range.clone())?;
        let low = column.low.get(range.clone())?;
        let high = column.high.get(range.clone())?;
        let rows = range.zip(keys.iter().zip(low.iter().zip(high)));
        for (ix, (&key, (&low, &high))) in rows {
            groups.add((key, low, high), class(eval, ix), limit)?;
        }
        Some(groups)
    }

    /// Adds the groups of `other` (rows of the same column not in these).
    fn merge(&mut self, other: Groups, limit: usize) -> Option<()> {
        for ((key, class), sum) in other.keys.into_iter().zip(other.sums) {
            self.slot(key, class, limit)?.merge(&sum)?;
        }
        Some(())
    }

    /// The group of a key and a class, added if new; `None` past `limit`.
    fn slot(&mut self, key: RowKey, class: u8, limit: usize) -> Option<&mut Sum> {
        let packed = u128::from(key.member)
            | u128::from(key.category) << 32
            | u128::from(key.kind) << 64
            | u128::from(key.stage) << 72
            | u128::from(key.evidence) << 80
            | u128::from(key.flags) << 88
            | u128::from(class) << 96;
        let next = u32::try_from(self.keys.len()).ok()?;
        let at = *self.index.entry(packed).or_insert(next);
        if at == next {
            if self.keys.len() >= limit {
                return None;
            }
            let unscaled = RowKey {
                low_scale: 0,
                high_scale: 0,
                ..key
            };
            self.keys.push((unscaled, class));
            self.sums.push(Sum::default());
        }
        self.sums.get_mut(at as usize)
    }

    fn add(&mut self, (key, low, high): Line, class: u8, limit: usize) -> Option<()> {
        if key.flags & APPLICABLE == 0 {
            return Some(());
        }
        self.slot(key, class, limit)?.add(low, high, key)
    }

    fn remove(&mut self, (key, low, high): Line, class: u8, limit: usize) -> Option<()> {
        if key.flags & APPLICABLE == 0 {
            return Some(());
        }
        self.slot(key, class, limit)?.remove(low, high, key)
    }
}

impl Cube {
    /// The cube of a column under an evaluation. On a large column the
    /// second half of the rows is grouped on a second thread and the two
    /// halves merged (the groups of the first half first, so the order is
    /// the same on every run).
    fn build(column: &Column, eval: &Evaluation) -> Cube {
        let limit = max_groups(column.keys.len());
        let rows = column.keys.len();
        let parallel = rows >= PARALLEL_MIN_ROWS
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        let groups =
            if parallel {
                let half = rows / 2;
                std::thread::scope(|scope| {
                    let second = std::thread::Builder::new()
                        .spawn_scoped(scope, || Groups::of(column, eval, half..rows, limit));
                    let first = Groups::of(column, eval, 0..half, limit);
                    match second {
                        Ok(second) => first.zip(second.join().ok().flatten()).and_then(
                            |(mut first, second)| {
                                first.merge(second, limit)?;
                                Some(first)
                            },
                        ),
                        Err(_) => None,
                    }
                })
            } else {
                None
            };
        let groups = match groups {
            Some(groups) => Some(groups),
            None => Groups::of(column, eval, 0..rows, limit),
        };
        Cube {
            column: column.id,
            generation: eval.generation(),
            applied: column.applied,
            groups,
        }
    }

    /// Moves the changed pledges' amounts; `None` when it cannot (the
    /// cube is then dropped).
    fn catch_up(&mut self, changes: &[Change], eval: &Evaluation, rows: usize) -> Option<()> {
        if let Some(groups) = &mut self.groups {
            let limit = max_groups(rows);
            for change in changes {
                // The scenario's verdicts on pledges it knew did not move
                // (same generation): the old row had this class too.
                let class = class(eval, change.ix);
                if let Some(old) = change.old {
                    groups.remove(old, class, limit)?;
                }
                groups.add(change.new, class, limit)?;
            }
        }
        Some(())
    }

    /// The groups, or `None` when the column is queried row by row.
    pub(crate) fn groups(&self) -> Option<&Groups> {
        self.groups.as_ref()
    }
}

/// Most columns kept per ledger.
const MAX_COLUMNS: usize = 4;

/// The columns and scenario evaluations of one ledger version. Cloning a
/// ledger starts an empty cache; any append clears it.
#[derive(Debug, Default)]
pub(crate) struct QueryCache {
    columns: Mutex<Vec<Arc<Column>>>,
    /// Cubes of the columns, at most [`MAX_COLUMNS`].
    cubes: Mutex<Vec<Arc<Cube>>>,
    /// Each with how many of the ledger's changes it reflects.
    evaluations: Mutex<Vec<(Scenario, Arc<Evaluation>, usize)>>,
}

impl QueryCache {
    /// The cache of one ledger version, kept in the ledger's derived slot
    /// (which every append empties); `None` only if that slot held another
    /// type, and then queries compute without caching.
    pub(crate) fn of(ledger: &Ledger) -> Option<&QueryCache> {
        ledger.derived(QueryCache::default)
    }

    /// True when a column for the measure and basis is kept (to catch up,
    /// rather than build).
    pub(crate) fn has_column(&self, measure: &Measure<'_>, basis: Basis) -> bool {
        self.columns
            .lock()
            .is_ok_and(|columns| columns.iter().any(|c| c.key.matches(measure, basis)))
    }

    /// The column for a measure and basis, caught up or built if needed
    /// (`built`, when given, is a column of this ledger version built
    /// meanwhile); `None` when the amounts cannot be held exactly at one
    /// scale. `eval` is the current evaluation of the query's scenario: the
    /// cube of the column under it catches up with the column, the others
    /// are dropped.
    pub(crate) fn column_or(
        &self,
        ledger: &Ledger,
        measure: &Measure<'_>,
        basis: Basis,
        eval: &Evaluation,
        build: impl FnOnce() -> Option<Column>,
    ) -> Option<Arc<Column>> {
        let changes = ledger.derived_changes();
        if let Ok(mut columns) = self.columns.lock() {
            if let Some(at) = columns.iter().position(|c| c.key.matches(measure, basis)) {
                let caught_up = columns.get_mut(at).and_then(|found| {
                    if found.applied < changes.len() {
                        let before = (found.id, found.applied);
                        // Copies the column only if a query still holds it.
                        let column = Arc::make_mut(found);
                        let moved = column.catch_up(ledger, measure, basis, changes);
                        self.cubes_catch_up(column, before, moved.as_deref(), eval);
                        moved?;
                    }
                    Some(Arc::clone(found))
                });
                match caught_up {
                    Some(column) => return Some(column),
                    None => {
                        columns.remove(at);
                    }
                }
            }
        }
        let mut column = build()?;
        column.applied = changes.len();
        let column = Arc::new(column);
        if let Ok(mut columns) = self.columns.lock() {
            if columns.len() >= MAX_COLUMNS {
                columns.remove(0);
            }
            columns.push(Arc::clone(&column));
        }
        Some(column)
    }

    /// Brings the column's cube under `eval` up to date with the rows that
    /// changed (`None`: the column is being rebuilt), and drops its others.
    /// `before` is the column's id and applied changes before it caught up.
    fn cubes_catch_up(
        &self,
        column: &Column,
        (id, applied): (u64, usize),
        changes: Option<&[Change]>,
        eval: &Evaluation,
    ) {
        let Ok(mut cubes) = self.cubes.lock() else {
            return;
        };
        cubes.retain_mut(|cube| {
            if cube.column != id {
                return true;
            }
            let Some(changes) = changes else {
                return false;
            };
            if column.id != id || cube.generation != eval.generation() || cube.applied != applied {
                return false;
            }
            let cube = Arc::make_mut(cube);
            cube.applied = column.applied;
            cube.catch_up(changes, eval, column.keys.len()).is_some()
        });
    }

    /// The cube of a column under an evaluation, built if needed.
    pub(crate) fn cube(&self, column: &Column, eval: &Evaluation) -> Arc<Cube> {
        let current = |cube: &Arc<Cube>| {
            cube.column == column.id
                && cube.generation == eval.generation()
                && cube.applied == column.applied
        };
        if let Ok(cubes) = self.cubes.lock() {
            if let Some(cube) = cubes.iter().find(|c| current(c)) {
                return Arc::clone(cube);
            }
        }
        let cube = Arc::new(Cube::build(column, eval));
        if let Ok(mut cubes) = self.cubes.lock() {
            cubes.retain(|c| !(c.column == column.id && c.generation == eval.generation()));
            if cubes.len() >= MAX_COLUMNS {
                cubes.remove(0);
            }
            cubes.push(Arc::clone(&cube));
        }
        cube
    }

    /// The evaluation of a scenario, computed if needed.
    pub(crate) fn evaluation(
        &self,
        ledger: &Ledger,
        scenario: &Scenario,
    ) -> Result<Arc<Evaluation>> {
        let changes = ledger.derived_changes();
        if let Ok(mut evaluations) = self.evaluations.lock() {
            if let Some(at) = evaluations.iter().position(|(s, _, _)| s == scenario) {
                let caught_up = evaluations.get_mut(at).and_then(|(_, found, applied)| {
                    let new = changes.get(*applied..)?;
                    if !new.is_empty() {
                        if !Arc::make_mut(found).catch_up(ledger, scenario, new) {
                            return None;
                        }
                        *applied = changes.len();
                    }
                    Some(Arc::clone(found))
                });
                match caught_up {
                    Some(evaluation) => return Ok(evaluation),
                    None => {
                        evaluations.remove(at);
                    }
                }
            }
        }
        let evaluation = Arc::new(evaluate(ledger, scenario)?);
        if let Ok(mut evaluations) = self.evaluations.lock() {
            if evaluations.len() >= MAX_COLUMNS {
                evaluations.remove(0);
            }
            evaluations.push((scenario.clone(), Arc::clone(&evaluation), changes.len()));
        }
        Ok(evaluation)
    }
}

impl Column {
    /// Recomputes the rows of the pledges changed since the column was
    /// brought up to date, and adds the new ones; `None` when the column
    /// must be rebuilt instead.
    fn catch_up(
        &mut self,
        ledger: &Ledger,
        measure: &Measure<'_>,
        basis: Basis,
        changes: &[u32],
    ) -> Option<Vec<Change>> {
        let states = ledger.states();
        let rates = RateMemo::of(measure);
        let mut moved = Vec::new();
        for &ix in changes.get(self.applied..)? {
            let state = states.get(ix as usize)?;
            let (key, bounds) = row(ledger, state, measure, basis, rates.as_ref());
            let scale = self.scale;
            let (key, low, high) = self.encode(key, bounds.as_ref())?;
            if self.scale != scale {
                // Every amount moved to another scale: another column for
                // what was derived from it.
                self.id = COLUMN_IDS.fetch_add(1, Ordering::Relaxed);
            }
            let i = ix as usize;
            let old = match i.cmp(&self.keys.len()) {
                std::cmp::Ordering::Less => {
                    let old = (*self.keys.get(i)?, *self.low.get(i)?, *self.high.get(i)?);
                    *self.keys.get_mut(i)? = key;
                    *self.low.get_mut(i)? = low;
                    *self.high.get_mut(i)? = high;
                    Some(old)
                }
                std::cmp::Ordering::Equal => {
                    self.push(key, low, high);
                    None
                }
                std::cmp::Ordering::Greater => return None,
            };
            moved.push(Change {
                ix: i,
                old,
                new: (key, low, high),
            });
        }
        if self.keys.len() != states.len() {
            return None;
        }
        self.applied = changes.len();
        Some(moved)
    }

    fn push(&mut self, key: RowKey, low: i128, high: i128) {
        self.keys.push(key);
        self.low.push(low);
        self.high.push(high);
    }

    /// A pledge's key with its bounds' scales, and its bounds as mantissas
    /// at the column's scale, raising the scale of the whole column first
    /// when the bounds need more places; `None` when the column cannot hold
    /// them exactly.
    fn encode(
        &mut self,
        key: RowKey,
        bounds: Option<&crate::estimate::Bounds>,
    ) -> Option<(RowKey, i128, i128)> {
        let needed = needed_scale(bounds);
        if needed > self.scale {
            rescale(&mut self.low, &mut self.high, self.scale, needed)?;
            self.scale = needed;
        }
        encode_at(key, bounds, self.scale)
    }

    /// A column of `rows` pledges, every row still to be written (see
    /// `column_build`).
    pub(super) fn unwritten(measure: &Measure<'_>, basis: Basis, rows: usize) -> Column {
        Column {
            key: ColumnKey::new(measure, basis),
            scale: 0,
            keys: vec![RowKey::default(); rows],
            low: vec![0; rows],
            high: vec![0; rows],
            applied: 0,
            id: COLUMN_IDS.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// The scale a row's bounds need (0 for a row that adds no amount).
pub(super) fn needed_scale(bounds: Option<&crate::estimate::Bounds>) -> u32 {
    match bounds.filter(|b| !b.unspecified) {
        Some(b) => b.low.scale().max(b.high.map_or(0, |h| h.scale())),
        None => 0,
    }
}

/// A row's key with its bounds' scales, and its bounds as mantissas at
/// `scale` (at least [`needed_scale`]); `None` when they do not fit.
pub(super) fn encode_at(
    mut key: RowKey,
    bounds: Option<&crate::estimate::Bounds>,
    scale: u32,
) -> Option<(RowKey, i128, i128)> {
    let Some(b) = bounds.filter(|b| !b.unspecified) else {
        return Some((key, 0, 0));
    };
    let high = b.high.unwrap_or(Decimal::ZERO);
    key.low_scale = u8::try_from(b.low.scale()).ok()?;
    key.high_scale = u8::try_from(high.scale()).ok()?;
    Some((key, at_scale(b.low, scale)?, at_scale(high, scale)?))
}

/// Brings amounts at scale `from` to the larger scale `to` (at most 28
/// times over a column's life, once per added decimal place); `None` past
/// the most places a `Decimal` holds, or when an amount overflows.
pub(super) fn rescale(low: &mut [i128], high: &mut [i128], from: u32, to: u32) -> Option<()> {
    if to > MAX_DECIMAL_SCALE {
        return None;
    }
    let factor = crate::exact::pow10(to.checked_sub(from)?)?;
    for v in low.iter_mut().chain(high.iter_mut()) {
        *v = v.checked_mul(factor)?;
    }
    Some(())
}

/// A pledge's dimension codes and flags, and its amount when the measure
/// applies and it could be computed exactly.
pub(super) fn row(
    ledger: &Ledger,
    state: &crate::ledger::PledgeState,
    measure: &Measure<'_>,
    basis: Basis,
    rates: Option<&RateMemo<'_>>,
) -> (RowKey, Option<crate::estimate::Bounds>) {
    let mut key = RowKey {
        member: state.member,
        category: state.category,
        kind: state.kind.index() as u8,
        stage: state.stage.index() as u8,
        evidence: state.evidence.index() as u8,
        flags: 0,
        low_scale: 0,
        high_scale: 0,
    };
    let bounds = match pledge_amount_with(ledger, state, measure, basis, rates) {
        Ok(Some(bounds)) if bounds.rounded => {
            // A rounded bound: the `Decimal` path reports it.
            key.flags |= APPLICABLE | FAILED;
            None
        }
        Ok(Some(bounds)) => {
            key.flags |= APPLICABLE;
            if bounds.unspecified {
                key.flags |= UNSPECIFIED;
            }
            if bounds.high.is_none() {
                key.flags |= OPEN;
            }
            Some(bounds)
        }
        Ok(None) => None,
        Err(_) => {
            key.flags |= APPLICABLE | FAILED;
            None
        }
    };
    (key, bounds)
}

/// The column in one pass, each row encoded as the column's scale stands
/// and the whole column raised when a row needs more places: what a column
/// built in pieces must equal.
#[cfg(all(test, feature = "testing"))]
pub(super) fn build_in_one_pass(
    ledger: &Ledger,
    measure: &Measure<'_>,
    basis: Basis,
) -> Option<Column> {
    let rates = RateMemo::of(measure);
    let mut column = Column::unwritten(measure, basis, 0);
    for state in ledger.states() {
        let (key, bounds) = row(ledger, state, measure, basis, rates.as_ref());
        let (key, low, high) = column.encode(key, bounds.as_ref())?;
        column.push(key, low, high);
    }
    Some(column)
}

/// The mantissa of `value` rescaled to `scale` (not below its own).
fn at_scale(value: Decimal, scale: u32) -> Option<i128> {
    crate::exact::scaled_mantissa(value.mantissa(), scale.checked_sub(value.scale())?)
}

/// Grouping the rows in two halves and merging gives the groups of all the
/// rows at once: same keys in the same order, same sums and scales. The
/// test that calls this lives with the generator that makes its ledger
/// (`testing`, a layer above this one).
#[cfg(all(test, feature = "testing"))]
pub(crate) fn check_halves_merged(ledger: &Ledger, fx: &crate::fx::FxRates) {
    use crate::money::Currency;
    use crate::pledge::Condition;
    use crate::query::{Basis, Measure, Scenario};
    let scenario = Scenario::new().fails(Condition::Ceasefire);
    let eval = QueryCache::of(ledger)
        .expect("a cache")
        .evaluation(ledger, &scenario)
        .expect("evaluates");
    let measure = Measure::Value {
        currency: Currency::EUR,
        fx,
    };
    let column = build_in_one_pass(ledger, &measure, Basis::Pledged).expect("a column");
    let rows = column.keys.len();
    let limit = max_groups(rows);
    let whole = Groups::of(&column, &eval, 0..rows, limit).expect("groups");
    for half in [1, rows / 3, rows / 2, rows - 1] {
        let mut first = Groups::of(&column, &eval, 0..half, limit).expect("groups");
        let second = Groups::of(&column, &eval, half..rows, limit).expect("groups");
        first.merge(second, limit).expect("merges");
        assert_eq!(first.keys, whole.keys, "split at {half}");
        let sums =
            |g: &Groups| -> Vec<String> { g.sums.iter().map(|s| format!("{s:?}")).collect() };
        assert_eq!(sums(&first), sums(&whole), "split at {half}");
    }
}
