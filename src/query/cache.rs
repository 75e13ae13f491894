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

use super::measure::{Basis, Measure, pledge_amount};
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

/// The dimension codes and flags of one pledge.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RowKey {
    pub(crate) member: u32,
    pub(crate) category: u32,
    pub(crate) kind: u8,
    pub(crate) stage: u8,
    pub(crate) evidence: u8,
    pub(crate) flags: u8,
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
    pub(crate) low: Vec<i128>,
    pub(crate) high: Vec<i128>,
    /// The scale each pledge's low and high bound had as a `Decimal`.
    pub(crate) scales: Vec<(u8, u8)>,
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
        for &ix in changes.get(self.applied..)? {
            let state = states.get(ix as usize)?;
            let (key, bounds) = row(ledger, state, measure, basis);
            let bounds = match bounds {
                Some(b)
                    if b.low.scale() > self.scale
                        || b.high.is_some_and(|h| h.scale() > self.scale) =>
                {
                    return None;
                }
                other => other,
            };
            let (low, high, scales) = encode(bounds.as_ref(), self.scale)?;
            let i = ix as usize;
            match i.cmp(&self.keys.len()) {
                std::cmp::Ordering::Less => {
                    *self.keys.get_mut(i)? = key;
                    *self.low.get_mut(i)? = low;
                    *self.high.get_mut(i)? = high;
                    *self.scales.get_mut(i)? = scales;
                }
                std::cmp::Ordering::Equal => {
                    self.keys.push(key);
                    self.low.push(low);
                    self.high.push(high);
                    self.scales.push(scales);
                }
                std::cmp::Ordering::Greater => return None,
            }
        }
        if self.keys.len() != states.len() {
            return None;
        }
        self.applied = changes.len();
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
) -> (RowKey, Option<crate::estimate::Bounds>) {
    let mut key = RowKey {
        member: state.member,
        category: state.category,
        kind: state.kind.index() as u8,
        stage: state.stage.index() as u8,
        evidence: state.evidence.index() as u8,
        flags: 0,
    };
    let bounds = match pledge_amount(ledger, state, measure, basis) {
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

/// A pledge's bounds as mantissas at the column's scale, with the scales
/// they had.
fn encode(bounds: Option<&crate::estimate::Bounds>, scale: u32) -> Option<(i128, i128, (u8, u8))> {
    let (l, h, low_scale, high_scale) = match bounds {
        Some(b) if !b.unspecified => {
            let h = b.high.unwrap_or(Decimal::ZERO);
            (
                at_scale(b.low, scale)?,
                at_scale(h, scale)?,
                b.low.scale(),
                h.scale(),
            )
        }
        _ => (0, 0, 0, 0),
    };
    Some((
        l,
        h,
        (
            u8::try_from(low_scale).ok()?,
            u8::try_from(high_scale).ok()?,
        ),
    ))
}

fn build(ledger: &Ledger, measure: &Measure<'_>, basis: Basis) -> Option<Column> {
    let states = ledger.states();
    let mut keys = Vec::with_capacity(states.len());
    let mut amounts = Vec::with_capacity(states.len());
    let mut scale = 0u32;
    for state in states {
        let (key, bounds) = row(ledger, state, measure, basis);
        if let Some(b) = &bounds {
            scale = scale
                .max(b.low.scale())
                .max(b.high.map_or(0, |h| h.scale()));
        }
        keys.push(key);
        amounts.push(bounds);
    }
    if scale > MAX_DECIMAL_SCALE {
        return None;
    }
    let mut low = Vec::with_capacity(states.len());
    let mut high = Vec::with_capacity(states.len());
    let mut scales = Vec::with_capacity(states.len());
    for bounds in &amounts {
        let (l, h, s) = encode(bounds.as_ref(), scale)?;
        low.push(l);
        high.push(h);
        scales.push(s);
    }
    Some(Column {
        key: ColumnKey::new(measure, basis),
        scale,
        keys,
        low,
        high,
        scales,
        applied: 0,
    })
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
