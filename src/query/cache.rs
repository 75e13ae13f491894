//! Per-pledge amounts computed once per ledger version, measure, basis and
//! exchange-rate table, so that repeated queries are a tight loop over
//! compact arrays: no conversion, no `Decimal` arithmetic and no hashing per
//! pledge.
//!
//! A [`Column`] holds, for every pledge, its dimension codes and its amount
//! as an `i128` mantissa at one common scale. Sums are exact integer sums;
//! each pledge also records the scale its amount had, so a total can be
//! given back at the scale the `Decimal` path would have produced. Anything
//! the column cannot hold exactly (an overflow, an amount that could not be
//! computed) sends the query back to the `Decimal` path, which reports it.

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
}

/// Most columns kept per ledger.
const MAX_COLUMNS: usize = 4;

/// The columns and scenario evaluations of one ledger version. Cloning a
/// ledger starts an empty cache; any append clears it.
#[derive(Debug, Default)]
pub(crate) struct QueryCache {
    columns: Mutex<Vec<Arc<Column>>>,
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

    /// The column for a measure and basis, built if needed; `None` when the
    /// amounts cannot be held exactly at one scale.
    pub(crate) fn column(
        &self,
        ledger: &Ledger,
        measure: &Measure<'_>,
        basis: Basis,
    ) -> Option<Arc<Column>> {
        let changes = ledger.derived_changes();
        if let Ok(mut columns) = self.columns.lock() {
            if let Some(at) = columns.iter().position(|c| c.key.matches(measure, basis)) {
                let caught_up = columns.get_mut(at).and_then(|found| {
                    if found.applied < changes.len() {
                        // Copies the column only if a query still holds it.
                        Arc::make_mut(found).catch_up(ledger, measure, basis, changes)?;
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
        let mut column = build(ledger, measure, basis)?;
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
    ) -> Option<()> {
        let states = ledger.states();
        let rates = RateMemo::of(measure);
        for &ix in changes.get(self.applied..)? {
            let state = states.get(ix as usize)?;
            let (key, bounds) = row(ledger, state, measure, basis, rates.as_ref());
            let (key, low, high) = self.encode(key, bounds.as_ref())?;
            let i = ix as usize;
            match i.cmp(&self.keys.len()) {
                std::cmp::Ordering::Less => {
                    *self.keys.get_mut(i)? = key;
                    *self.low.get_mut(i)? = low;
                    *self.high.get_mut(i)? = high;
                }
                std::cmp::Ordering::Equal => self.push(key, low, high),
                std::cmp::Ordering::Greater => return None,
            }
        }
        if self.keys.len() != states.len() {
            return None;
        }
        self.applied = changes.len();
        Some(())
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
        mut key: RowKey,
        bounds: Option<&crate::estimate::Bounds>,
    ) -> Option<(RowKey, i128, i128)> {
        let Some(b) = bounds.filter(|b| !b.unspecified) else {
            return Some((key, 0, 0));
        };
        let high = b.high.unwrap_or(Decimal::ZERO);
        let needed = b.low.scale().max(high.scale());
        if needed > self.scale {
            self.rescale(needed)?;
        }
        key.low_scale = u8::try_from(b.low.scale()).ok()?;
        key.high_scale = u8::try_from(high.scale()).ok()?;
        Some((
            key,
            at_scale(b.low, self.scale)?,
            at_scale(high, self.scale)?,
        ))
    }

    /// Brings every amount to the larger `scale` (at most 28 times over a
    /// column's life, once per added decimal place).
    fn rescale(&mut self, scale: u32) -> Option<()> {
        if scale > MAX_DECIMAL_SCALE {
            return None;
        }
        let factor = pow10(scale.checked_sub(self.scale)?)?;
        for v in self.low.iter_mut().chain(self.high.iter_mut()) {
            *v = v.checked_mul(factor)?;
        }
        self.scale = scale;
        Some(())
    }
}

/// A pledge's dimension codes and flags, and its amount when the measure
/// applies and it could be computed exactly.
fn row(
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

/// The column of every pledge, in one pass: the common scale grows as
/// amounts need it.
fn build(ledger: &Ledger, measure: &Measure<'_>, basis: Basis) -> Option<Column> {
    let states = ledger.states();
    let rates = RateMemo::of(measure);
    let mut column = Column {
        key: ColumnKey::new(measure, basis),
        scale: 0,
        keys: Vec::with_capacity(states.len()),
        low: Vec::with_capacity(states.len()),
        high: Vec::with_capacity(states.len()),
        applied: 0,
    };
    for state in states {
        let (key, bounds) = row(ledger, state, measure, basis, rates.as_ref());
        let (key, low, high) = column.encode(key, bounds.as_ref())?;
        column.push(key, low, high);
    }
    Some(column)
}

/// The mantissa of `value` rescaled to `scale` (not below its own).
fn at_scale(value: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(value.scale())?;
    value.mantissa().checked_mul(pow10(up)?)
}

/// `10^n` for `n <= 38`.
pub(crate) fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}
