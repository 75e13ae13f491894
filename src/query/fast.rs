//! The fast path of [`Query::run`](super::Query::run): a loop over a cached
//! [`Column`] with exact `i128` sums. It gives the same table as the
//! `Decimal` path, value for value and scale for scale, or declines (returns
//! `None`) and lets the `Decimal` path answer.

use rust_decimal::Decimal;

use super::cache::{self, APPLICABLE, Column, FAILED, OPEN, UNSPECIFIED};
use super::dimension::{Coder, Dimension, cell_codes, keys_of};
use super::table::{Row, Table, Total};
use super::{MAX_DENSE_CELLS, Prepared};
use crate::ledger::NONE;
use crate::lifecycle::Stage;

/// A running total at the column's scale.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    low: i128,
    high: i128,
    open: bool,
    low_scale: u8,
    high_scale: u8,
    count: u64,
    unspecified: u64,
}

impl Acc {
    fn merge(&mut self, other: &Acc) -> Option<()> {
        self.low = self.low.checked_add(other.low)?;
        self.high = self.high.checked_add(other.high)?;
        self.open |= other.open;
        self.low_scale = self.low_scale.max(other.low_scale);
        self.high_scale = self.high_scale.max(other.high_scale);
        self.count = self.count.saturating_add(other.count);
        self.unspecified = self.unspecified.saturating_add(other.unspecified);
        Some(())
    }

    /// The total at the scale the `Decimal` path would give: the largest
    /// scale among the amounts added (every sum is a multiple of the
    /// divisor, so the division is exact).
    fn total(&self, column_scale: u32) -> Option<Total> {
        let decimal = |v: i128, scale: u8| {
            let down = cache::pow10(column_scale.checked_sub(u32::from(scale))?)?;
            Decimal::try_from_i128_with_scale(v.checked_div(down)?, u32::from(scale)).ok()
        };
        let high = if self.open {
            None
        } else {
            Some(decimal(self.high, self.high_scale)?)
        };
        Some(Total::from_parts(
            decimal(self.low, self.low_scale)?,
            high,
            self.count,
            self.unspecified,
        ))
    }
}

/// Whether the fast path can answer a query grouped by these dimensions.
pub(crate) fn supports(dimensions: &[Dimension]) -> bool {
    dimensions.iter().all(|d| {
        matches!(
            d,
            Dimension::Member
                | Dimension::Kind
                | Dimension::Category
                | Dimension::Stage
                | Dimension::Evidence
                | Dimension::Conditional
        )
    })
}

/// Runs the query over the column, or declines.
pub(crate) fn run(prepared: &Prepared<'_>, column: &Column) -> Option<Table> {
    let q = prepared.query;
    let view = prepared.view;
    let coders: Vec<Coder> = q.dimensions.iter().map(|&d| Coder::new(view, d)).collect();
    let cells_len = coders
        .iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.cardinality()))?;
    if cells_len > MAX_DENSE_CELLS {
        return None;
    }
    let mut cells = vec![Acc::default(); cells_len];
    let mut used = vec![false; cells_len];
    let kinds: u8 = if q.kinds.is_empty() {
        u8::MAX
    } else {
        q.kinds.iter().fold(0, |m, k| m | 1 << k.index())
    };
    let (stage_min, stage_max) = (q.stage_min.index() as u8, q.stage_max.index() as u8);
    let withdrawn = Stage::Withdrawn.index() as u8;
    let evidence_min = q.evidence_min.index() as u8;
    for (ix, key) in column.keys.iter().enumerate() {
        if key.flags & APPLICABLE == 0
            || kinds & (1 << key.kind) == 0
            || key.evidence < evidence_min
        {
            continue;
        }
        let stage_ok = if key.stage == withdrawn {
            q.include_withdrawn
        } else {
            key.stage >= stage_min && key.stage <= stage_max
        };
        if !stage_ok
            || !prepared
                .member_ok
                .get(key.member as usize)
                .copied()
                .unwrap_or(false)
        {
            continue;
        }
        if let Some(ok) = &prepared.category_ok {
            if !ok.get(key.category as usize).copied().unwrap_or(false) {
                continue;
            }
        }
        if !prepared.eval.conditions_allow(ix) {
            continue;
        }
        if key.flags & FAILED != 0 {
            return None;
        }
        let mut index = 0usize;
        for coder in &coders {
            let code = match coder.dimension() {
                Dimension::Member => key.member,
                Dimension::Kind => u32::from(key.kind),
                Dimension::Category if key.category == NONE => 0,
                Dimension::Category => key.category.checked_add(1)?,
                Dimension::Stage => u32::from(key.stage),
                Dimension::Evidence => u32::from(key.evidence),
                _ => u32::from(prepared.eval.is_conditional(ix)),
            };
            index = index
                .checked_mul(coder.cardinality())?
                .checked_add(code as usize)?;
        }
        let acc = cells.get_mut(index)?;
        if let Some(flag) = used.get_mut(index) {
            *flag = true;
        }
        acc.count = acc.count.saturating_add(1);
        if key.flags & UNSPECIFIED != 0 {
            acc.unspecified = acc.unspecified.saturating_add(1);
            acc.open = true;
            continue;
        }
        let (low_scale, high_scale) = *column.scales.get(ix)?;
        acc.low = acc.low.checked_add(*column.low.get(ix)?)?;
        acc.low_scale = acc.low_scale.max(low_scale);
        if key.flags & OPEN != 0 {
            acc.open = true;
        } else {
            acc.high = acc.high.checked_add(*column.high.get(ix)?)?;
            acc.high_scale = acc.high_scale.max(high_scale);
        }
    }
    finish(prepared, &coders, column, &cells, &used)
}

/// Turns the cells into rows and a grand total.
fn finish(
    prepared: &Prepared<'_>,
    coders: &[Coder],
    column: &Column,
    cells: &[Acc],
    used: &[bool],
) -> Option<Table> {
    let q = prepared.query;
    let mut grand = Acc::default();
    let mut rows = Vec::new();
    let mut codes = vec![0u32; coders.len()];
    for (index, (acc, _)) in cells
        .iter()
        .zip(used)
        .enumerate()
        .filter(|(_, (_, used))| **used)
    {
        grand.merge(acc)?;
        cell_codes(coders, index, &mut codes)?;
        let keys = keys_of(coders, prepared.view, &codes)?;
        rows.push(Row::new(keys, acc.total(column.scale)?));
    }
    rows.sort_by(|a, b| a.keys().cmp(b.keys()));
    let measure = (q.measure.name(), q.measure.currency());
    Some(
        Table::new(
            q.dimensions.clone(),
            measure,
            q.basis,
            rows,
            grand.total(column.scale)?,
            false,
        )
        .with_left_out(prepared.left_out()),
    )
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use crate::testing::Generator;
    use crate::*;

    /// The fast path and the `Decimal` path give identical tables.
    #[test]
    fn fast_and_exact_paths_agree() {
        for seed in 0..6 {
            let generator = Generator::seeded(seed).pledges(3_000).members(25);
            let ledger = generator.ledger().expect("valid");
            let fx = generator.fx_rates();
            let dims = [
                vec![Dimension::Member, Dimension::Kind, Dimension::Stage],
                vec![Dimension::Evidence, Dimension::Category],
                vec![Dimension::Conditional],
                vec![],
            ];
            let scenario = Scenario::new().fails(Condition::Ceasefire);
            for dims in dims {
                for measure in [
                    Measure::Personnel,
                    Measure::Units,
                    Measure::Count,
                    Measure::Value {
                        currency: Currency::EUR,
                        fx: &fx,
                    },
                ] {
                    for basis in [Basis::Pledged, Basis::Delivered, Basis::Outstanding] {
                        let query = ledger
                            .query()
                            .group_by(dims.clone())
                            .measure(measure)
                            .basis(basis)
                            .scenario(&scenario)
                            .stage_at_least(Stage::Announced)
                            .include_withdrawn(seed % 2 == 0);
                        let prepared = query.prepare(&ledger, (0, 0)).expect("prepares");
                        let exact = query.run_exact(&prepared).expect("runs");
                        let column = crate::query::QueryCache::of(&ledger)
                            .and_then(|cache| cache.column(&ledger, &measure, basis))
                            .expect("a column");
                        let Some(fast) = super::run(&prepared, &column) else {
                            // Pro-rata equipment values carry 28 significant
                            // digits, more than an i128 sum at one scale holds.
                            let divides =
                                matches!(measure, Measure::Value { .. }) && basis != Basis::Pledged;
                            assert!(
                                divides,
                                "the fast path declines: seed {seed} {dims:?} {basis:?}"
                            );
                            continue;
                        };
                        assert_eq!(fast, exact, "seed {seed} {dims:?} {measure:?} {basis:?}");
                        let (fast, exact) = (fast.to_string(), exact.to_string());
                        for (f, e) in fast.lines().zip(exact.lines()) {
                            assert_eq!(f, e, "seed {seed} {dims:?} {measure:?} {basis:?}");
                        }
                    }
                }
            }
        }
    }
}
