//! The fast path of [`Query::run`](super::Query::run): a pass over the
//! groups of a cached [`Cube`](super::cache::Cube) ([`run_cube`]), or over
//! the rows of its [`Column`] when grouping did not pay ([`run`]), with
//! exact `i128` sums. Either gives the same table as the `Decimal` path,
//! value for value and scale for scale, or declines (returns `None`) and
//! lets the `Decimal` path answer.

use rust_decimal::Decimal;

use super::cache::{
    ALLOWED, APPLICABLE, CONDITIONAL, Column, FAILED, Groups, IN_CYCLE, OPEN, RowKey, UNSPECIFIED,
};
use super::dimension::{Coder, Dimension, cell_codes, keys_of};
use super::left_out::LeftOut;
use super::table::{Row, Table, Total};
use super::{MAX_DENSE_CELLS, Prepared};
use crate::lifecycle::{Evidence, Stage};
use crate::pledge::Kind;

/// A running total at the column's scale. Every field is a whole word:
/// the loop updates one cell many times in a row, and a load that spans
/// several narrower stores to the same cell stalls until they retire.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    low: i128,
    high: i128,
    count: u64,
    unspecified: u64,
    /// Pledges with no high bound (open or unspecified): the total is open.
    open: u64,
    low_scale: u64,
    high_scale: u64,
}

impl Acc {
    /// Adds `count` pledges alike in `flags`, summing to `sums` (low, high)
    /// at most at `scales`; `None` on overflow.
    fn add(&mut self, count: u64, flags: u8, sums: (i128, i128), scales: (u8, u8)) -> Option<()> {
        self.count = self.count.saturating_add(count);
        if flags & UNSPECIFIED != 0 {
            self.unspecified = self.unspecified.saturating_add(count);
        }
        if flags & (OPEN | UNSPECIFIED) != 0 {
            self.open = self.open.saturating_add(count);
        }
        self.low = self.low.checked_add(sums.0)?;
        self.high = self.high.checked_add(sums.1)?;
        self.low_scale = self.low_scale.max(u64::from(scales.0));
        self.high_scale = self.high_scale.max(u64::from(scales.1));
        Some(())
    }

    fn merge(&mut self, other: &Acc) -> Option<()> {
        self.low = self.low.checked_add(other.low)?;
        self.high = self.high.checked_add(other.high)?;
        self.open = self.open.saturating_add(other.open);
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
        let decimal = |v: i128, scale: u64| {
            let scale = u32::try_from(scale).ok()?;
            let down = crate::exact::pow10(column_scale.checked_sub(scale)?)?;
            Decimal::try_from_i128_with_scale(v.checked_div(down)?, scale).ok()
        };
        let high = if self.open > 0 {
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

/// Marks a value a row filter refuses: any sum of table entries that
/// includes one is at least this (five entries below `2^21` each, or this,
/// cannot wrap a `u64`).
const OUT: u64 = 1 << 40;

/// The query's filters and dimensions compiled into one table per pledge
/// attribute: the entry for a value is [`OUT`] when a filter refuses it,
/// else what it adds to the cell index (its code times the stride of each
/// dimension it is). A pledge's cell is the sum of its five entries.
struct Plan {
    member: Vec<u64>,
    /// Indexed by category + 1 (wrapping, so no category is 0).
    category: Vec<u64>,
    kind: Vec<u64>,
    stage: Vec<u64>,
    evidence: Vec<u64>,
    /// What a conditional pledge adds to its cell index.
    conditional: u64,
}

impl Plan {
    fn new(prepared: &Prepared<'_>, coders: &[Coder]) -> Option<Plan> {
        let q = prepared.query;
        let view = prepared.view;
        // Row-major strides, as `dimension::cell_index` numbers cells.
        let mut strides = vec![0u64; coders.len()];
        let mut stride = 1u64;
        for (slot, coder) in strides.iter_mut().zip(coders).rev() {
            *slot = stride;
            stride = stride.checked_mul(u64::try_from(coder.cardinality()).ok()?)?;
        }
        // What value `code` of `dimension` adds to the index.
        let offset = |dimension: Dimension, code: u64| -> Option<u64> {
            strides
                .iter()
                .zip(coders)
                .filter(|(_, c)| c.dimension() == dimension)
                .try_fold(0u64, |sum, (s, _)| sum.checked_add(s.checked_mul(code)?))
        };
        let entry = |ok: bool, dimension: Dimension, code: u64| -> Option<u64> {
            if ok {
                offset(dimension, code)
            } else {
                Some(OUT)
            }
        };
        let member = (0..view.members().len())
            .map(|m| {
                let ok = prepared.member_ok.get(m).copied().unwrap_or(false);
                entry(ok, Dimension::Member, u64::try_from(m).ok()?)
            })
            .collect::<Option<Vec<u64>>>()?;
        let category = (0..=view.category_count())
            .map(|code| {
                let ok = match (&prepared.category_ok, code.checked_sub(1)) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(ok), Some(c)) => ok.get(c).copied().unwrap_or(false),
                };
                entry(ok, Dimension::Category, u64::try_from(code).ok()?)
            })
            .collect::<Option<Vec<u64>>>()?;
        let kind = Kind::ALL
            .iter()
            .map(|k| {
                let ok = q.kinds.is_empty() || q.kinds.contains(k);
                entry(ok, Dimension::Kind, k.index() as u64)
            })
            .collect::<Option<Vec<u64>>>()?;
        let stage = Stage::ALL
            .iter()
            .map(|&s| {
                let ok = if s == Stage::Withdrawn {
                    q.include_withdrawn
                } else {
                    s >= q.stage_min && s <= q.stage_max
                };
                entry(ok, Dimension::Stage, s.index() as u64)
            })
            .collect::<Option<Vec<u64>>>()?;
        let evidence = Evidence::ALL
            .iter()
            .map(|&e| entry(e >= q.evidence_min, Dimension::Evidence, e.index() as u64))
            .collect::<Option<Vec<u64>>>()?;
        Some(Plan {
            member,
            category,
            kind,
            stage,
            evidence,
            conditional: offset(Dimension::Conditional, 1)?,
        })
    }

    /// The cell of a pledge, or [`OUT`] or more when a filter refuses it.
    #[inline]
    fn cell(&self, key: &RowKey) -> u64 {
        let at = |table: &[u64], i: usize| table.get(i).copied().unwrap_or(OUT);
        at(&self.member, key.member as usize)
            .wrapping_add(at(&self.category, key.category.wrapping_add(1) as usize))
            .wrapping_add(at(&self.kind, usize::from(key.kind)))
            .wrapping_add(at(&self.stage, usize::from(key.stage)))
            .wrapping_add(at(&self.evidence, usize::from(key.evidence)))
    }
}

/// Runs the query over the column, or declines. Counts what the scenario
/// leaves out (and pledges in a cycle) among the pledges the filters
/// select, as [`Prepared::count_left_out`] would.
pub(crate) fn run(prepared: &Prepared<'_>, column: &Column) -> Option<Table> {
    let (coders, plan, mut cells) = layout(prepared)?;
    let eval = &prepared.eval;
    let (mut by_scenario, mut in_cycle) = (0u64, 0u64);
    let rows = column
        .keys
        .iter()
        .zip(column.low.iter().zip(&column.high))
        .enumerate();
    for (ix, (key, (&low, &high))) in rows {
        let at = plan.cell(key);
        if at >= OUT || key.flags & APPLICABLE == 0 {
            continue;
        }
        if !eval.conditions_allow(ix) {
            by_scenario = by_scenario.saturating_add(1);
            continue;
        }
        if eval.is_in_cycle(ix) {
            in_cycle = in_cycle.saturating_add(1);
        }
        if key.flags & FAILED != 0 {
            return None;
        }
        let at = if plan.conditional != 0 && eval.is_conditional(ix) {
            at.wrapping_add(plan.conditional)
        } else {
            at
        };
        let acc = cells.get_mut(usize::try_from(at).ok()?)?;
        // An unspecified amount adds zeros, an open one a zero high bound
        // (the column stores them so): only the flags need looking at.
        acc.add(1, key.flags, (low, high), (key.low_scale, key.high_scale))?;
    }
    let mut left_out = prepared.left_out();
    left_out.add_scenario_and_cycle(by_scenario, in_cycle);
    finish(prepared, &coders, column, &cells, left_out)
}

/// Runs the query over the groups of a cube of the column, or declines:
/// the same table as [`run`], group by group instead of pledge by pledge.
pub(crate) fn run_cube(prepared: &Prepared<'_>, column: &Column, groups: &Groups) -> Option<Table> {
    let (coders, plan, mut cells) = layout(prepared)?;
    let (mut by_scenario, mut in_cycle) = (0u64, 0u64);
    for ((key, class), sum) in groups.keys.iter().zip(&groups.sums) {
        let at = plan.cell(key);
        // A group every pledge left (after a change) adds nothing, not even
        // its scales.
        if at >= OUT || key.flags & APPLICABLE == 0 || sum.count == 0 {
            continue;
        }
        if class & ALLOWED == 0 {
            by_scenario = by_scenario.saturating_add(sum.count);
            continue;
        }
        if class & IN_CYCLE != 0 {
            in_cycle = in_cycle.saturating_add(sum.count);
        }
        if key.flags & FAILED != 0 {
            return None;
        }
        let at = if class & CONDITIONAL != 0 {
            at.checked_add(plan.conditional)?
        } else {
            at
        };
        let acc = cells.get_mut(usize::try_from(at).ok()?)?;
        acc.add(
            sum.count,
            key.flags,
            (sum.low, sum.high),
            (sum.low_scale, sum.high_scale),
        )?;
    }
    let mut left_out = prepared.left_out();
    left_out.add_scenario_and_cycle(by_scenario, in_cycle);
    finish(prepared, &coders, column, &cells, left_out)
}

/// The coders of the query's dimensions, the plan that maps a row key to
/// its cell, and the empty cells; `None` when the cells would be too many.
fn layout(prepared: &Prepared<'_>) -> Option<(Vec<Coder>, Plan, Vec<Acc>)> {
    let view = prepared.view;
    let coders: Vec<Coder> = prepared
        .query
        .dimensions
        .iter()
        .map(|&d| Coder::new(view, d))
        .collect();
    let cells_len = coders
        .iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.cardinality()))?;
    if cells_len > MAX_DENSE_CELLS {
        return None;
    }
    let plan = Plan::new(prepared, &coders)?;
    Some((coders, plan, vec![Acc::default(); cells_len]))
}

/// Turns the cells into rows and a grand total.
fn finish(
    prepared: &Prepared<'_>,
    coders: &[Coder],
    column: &Column,
    cells: &[Acc],
    left_out: LeftOut,
) -> Option<Table> {
    let q = prepared.query;
    let mut grand = Acc::default();
    let mut rows = Vec::new();
    let mut codes = vec![0u32; coders.len()];
    for (index, acc) in cells.iter().enumerate().filter(|(_, acc)| acc.count > 0) {
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
        .with_left_out(left_out)
        .with_base_year(q.measure.base_year()),
    )
}

/// The fast path and the `Decimal` path give identical tables, for every
/// measure, basis and a few groupings. The tests that call this and the
/// next check live with the generator that makes their ledgers
/// (`testing`, a layer above this one).
#[cfg(all(test, feature = "testing"))]
pub(crate) fn check_fast_and_exact_agree(
    ledger: &crate::ledger::Ledger,
    fx: &crate::fx::FxRates,
    seed: u64,
) {
    use crate::money::Currency;
    use crate::pledge::Condition;
    use crate::query::{Basis, Measure, Scenario};
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
                fx,
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
                    .include_withdrawn(seed.is_multiple_of(2));
                let prepared = query.prepare(ledger, (0, 0)).expect("prepares");
                let exact = query.run_exact(&prepared).expect("runs");
                // The fast path counts what the scenario leaves out itself.
                let prepared = query.prepare_uncounted(ledger, (0, 0)).expect("prepares");
                let cache = crate::query::QueryCache::of(ledger).expect("a cache");
                let column = cache
                    .column_or(ledger, &measure, basis, &prepared.eval, || {
                        super::column_build::build(ledger, &measure, basis)
                    })
                    .expect("a column");
                let cube = cache.cube(&column, &prepared.eval);
                let by_cube = cube
                    .groups()
                    .and_then(|groups| run_cube(&prepared, &column, groups));
                let Some(fast) = run(&prepared, &column) else {
                    assert!(by_cube.is_none(), "the cube answers where the rows do not");
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
                let by_cube = by_cube.expect("the cube answers");
                assert_eq!(
                    by_cube, exact,
                    "cube: seed {seed} {dims:?} {measure:?} {basis:?}"
                );
                assert_eq!(by_cube.to_string(), exact.to_string());
                let (fast, exact) = (fast.to_string(), exact.to_string());
                for (f, e) in fast.lines().zip(exact.lines()) {
                    assert_eq!(f, e, "seed {seed} {dims:?} {measure:?} {basis:?}");
                }
            }
        }
    }
}

/// The column built on a second thread while the scenario is evaluated is
/// the column built on the query's own thread, and the query answers the
/// same from it.
#[cfg(all(test, feature = "testing"))]
pub(crate) fn check_column_built_aside(ledger: &crate::ledger::Ledger, fx: &crate::fx::FxRates) {
    use crate::money::Currency;
    use crate::query::{Basis, Measure};
    let measure = Measure::Value {
        currency: Currency::EUR,
        fx,
    };
    let query = ledger
        .query()
        .group_by([Dimension::Member, Dimension::Kind, Dimension::Stage])
        .measure(measure);
    let (prepared, built) = query.prepare_building(ledger, (0, 0));
    let prepared = prepared.expect("prepares");
    let built = built.expect("built aside");
    let own =
        crate::query::cache::build_in_one_pass(ledger, &measure, Basis::Pledged).expect("built");
    assert_eq!(
        (&built.keys, &built.low, &built.high, built.scale),
        (&own.keys, &own.low, &own.high, own.scale)
    );
    let cache = crate::query::QueryCache::of(ledger).expect("a cache");
    let column = cache
        .column_or(ledger, &measure, Basis::Pledged, &prepared.eval, || {
            Some(built)
        })
        .expect("a column");
    let fast = run(&prepared, &column).expect("answers");
    assert_eq!(fast, query.run().expect("runs"));
}
