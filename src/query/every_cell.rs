//! Tables that list every cell asked for: every combination of the grouped
//! dimensions' known values, zero where nothing counts, so that analysts
//! need not fill in the gaps themselves.

use std::collections::BTreeMap;

use super::dimension::{Coder, Key};
use super::measure::Measure;
use super::table::{Row, Table, Total};
use crate::error::{Error, Result};
use crate::ledger::Ledger;

/// The table with a row for every combination of known values, sorted by
/// keys as the engine sorts its rows.
pub(crate) fn fill(
    table: Table,
    view: &Ledger,
    measure: &Measure<'_>,
    max_rows: usize,
) -> Result<Table> {
    let dimensions = table.dimensions().to_vec();
    if dimensions.is_empty() {
        return Ok(table);
    }
    let counted: BTreeMap<&[Key], &Total> =
        table.rows().map(|row| (row.keys(), row.total())).collect();
    let mut lists: Vec<Vec<Key>> = Vec::with_capacity(dimensions.len());
    for (position, &dimension) in dimensions.iter().enumerate() {
        let coder = Coder::new(view, dimension);
        let present = |key: &Key| {
            counted
                .keys()
                .any(|keys| keys.get(position).is_some_and(|k| k == key))
        };
        let mut keys = Vec::new();
        for code in 0..coder.cardinality() {
            let Some(key) = u32::try_from(code).ok().and_then(|c| coder.key(view, c)) else {
                continue;
            };
            if is_known(&key, measure) || present(&key) {
                keys.push(key);
            }
        }
        lists.push(keys);
    }
    let cells = lists
        .iter()
        .try_fold(1usize, |acc, keys| acc.checked_mul(keys.len()))
        .filter(|&n| n <= max_rows)
        .ok_or_else(|| {
            let wanted = lists
                .iter()
                .fold(1usize, |acc, keys| acc.saturating_mul(keys.len()));
            Error::limit("rows of a query listing every cell", max_rows, wanted)
        })?;
    let zero = Total::default().in_currency(table.currency());
    let mut rows = Vec::with_capacity(cells);
    let mut keys: Vec<Key> = Vec::with_capacity(lists.len());
    product(&lists, &mut keys, &mut |keys| {
        let total = counted.get(keys).map_or(zero, |t| **t);
        rows.push(Row::new(keys.to_vec(), total));
    });
    // The engine's order: by keys.
    rows.sort_by(|a, b| a.keys().cmp(b.keys()));
    Ok(table.with_rows(rows))
}

/// Keys every table lists; "none", "undated" and year-only keys only when
/// something counts in them.
fn is_known(key: &Key, measure: &Measure<'_>) -> bool {
    match key {
        Key::Kind(kind) => measure.applies_to(*kind),
        Key::Group(None)
        | Key::Category(None)
        | Key::Year(None)
        | Key::Month(None)
        | Key::Quarter(None)
        | Key::YearOnly(_) => false,
        _ => true,
    }
}

/// Calls `f` with every combination of one key per list, the first list
/// varying slowest.
fn product(lists: &[Vec<Key>], keys: &mut Vec<Key>, f: &mut impl FnMut(&[Key])) {
    let Some((first, rest)) = lists.split_first() else {
        f(keys);
        return;
    };
    for key in first {
        keys.push(key.clone());
        product(rest, keys, f);
        keys.pop();
    }
}
