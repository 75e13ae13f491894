//! CL017 and CL018: what a tracker's users look for, members that delivered
//! more than they committed, in a category or of a kind. CL006 looks at one
//! pledge; these add up a member's pledges (adjustments included, each on
//! its basis) with the same exact sums as a query.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::options::CheckOptions;
use super::report::Subject;
use crate::fx::{FxRates, RatePolicy};
use crate::ledger::Ledger;
use crate::money::{Currency, Money, group_thousands};
use crate::query::{Basis, Dimension, Key, Measure, Total};

type Finding = (Subject, String);

/// CL017.
pub(super) fn member_category(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    for fx in rates(ledger, options) {
        let measure = Measure::Value {
            currency: fx.base(),
            fx: &fx,
        };
        let threshold = options.over_delivery_threshold_in(fx.base());
        compare(ledger, measure, Dimension::Category, threshold, out);
    }
}

/// CL018: money (funding and equipment values), personnel and units, each
/// in its own unit.
pub(super) fn member_kind(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    for fx in rates(ledger, options) {
        let measure = Measure::Value {
            currency: fx.base(),
            fx: &fx,
        };
        let threshold = options.over_delivery_threshold_in(fx.base());
        compare(ledger, measure, Dimension::Kind, threshold, out);
    }
    for measure in [Measure::Personnel, Measure::Units] {
        compare(ledger, measure, Dimension::Kind, Decimal::ZERO, out);
    }
}

/// The currencies money is compared in: the base of the options' rates
/// (sums across currencies use them), or without rates each currency of
/// the ledger on its own.
fn rates(ledger: &Ledger, options: &CheckOptions) -> Vec<FxRates> {
    if let Some(fx) = &options.fx {
        return vec![fx.clone()];
    }
    let currencies: std::collections::BTreeSet<Currency> =
        ledger.pledges().filter_map(|p| p.currency()).collect();
    currencies
        .into_iter()
        .map(|c| FxRates::new(c, RatePolicy::OnDate))
        .collect()
}

/// Reports every member × `dimension` cell whose delivered total exceeds
/// its pledged upper bound by more than `threshold`.
fn compare(
    ledger: &Ledger,
    measure: Measure<'_>,
    dimension: Dimension,
    threshold: Decimal,
    out: &mut Vec<Finding>,
) {
    let run = |basis: Basis| {
        ledger
            .query()
            .measure(measure)
            .basis(basis)
            .group_by([Dimension::Member, dimension])
            .leave_out_unconvertible(true)
            .run()
            .ok()
    };
    let (Some(pledged), Some(delivered)) = (run(Basis::Pledged), run(Basis::Delivered)) else {
        return;
    };
    let pledged: BTreeMap<&[Key], &Total> = pledged
        .rows()
        .map(|row| (row.keys(), row.total()))
        .collect();
    for row in delivered.rows() {
        let (Some(Key::Member(member)), Some(cell)) = (row.keys().first(), row.keys().get(1))
        else {
            continue;
        };
        // An open-ended pledge can take any delivery; no pledge is zero.
        let high = match pledged.get(row.keys()) {
            Some(total) => match total.high() {
                Some(high) => high,
                None => continue,
            },
            None => Decimal::ZERO,
        };
        let Some(excess) = crate::exact::sub(row.total().low(), high) else {
            continue;
        };
        if excess > threshold {
            let show = |amount: Decimal| match measure.currency() {
                Some(currency) => Money::new(amount, currency).to_string(),
                None => format!("{} {}", group_thousands(amount), measure.name()),
            };
            let message = format!(
                "delivered {} exceeds pledged {} {} by {}",
                show(row.total().low()),
                show(high),
                cell_text(cell),
                show(excess)
            );
            out.push((Subject::Member(member.clone()), message));
        }
    }
}

fn cell_text(key: &Key) -> String {
    match key {
        Key::Category(Some(category)) => format!("in category `{category}`"),
        Key::Category(None) => "without a category".into(),
        Key::Kind(kind) => format!("in {kind}"),
        other => format!("in {other}"),
    }
}
