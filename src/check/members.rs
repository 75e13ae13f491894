//! CL017 and CL018: what a tracker's users look for, members that delivered
//! more than they committed, in a category or of a kind. CL006 looks at one
//! pledge; these add up a member's pledges (adjustments included, each on
//! its basis) with the same per-pledge amounts and exact sums as a query,
//! in one pass over the pledges.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::options::CheckOptions;
use super::report::Subject;
use crate::estimate::Bounds;
use crate::fx::{FxRates, RatePolicy};
use crate::ledger::{Ledger, PledgeState};
use crate::lifecycle::Stage;
use crate::money::{Currency, Money, group_thousands};
use crate::pledge::Kind;
use crate::query::{Basis, Measure, pledge_amount};

type Finding = (Subject, String);

/// What a cell of member × category (or kind) is compared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Money(Currency),
    Personnel,
    Units,
}

/// A member × category or kind cell: member index, category index (or
/// kind), unit.
type Cell = (u32, u32, Unit);

/// Pledged upper bound (`None` once open-ended) and delivered lower bound.
#[derive(Debug, Clone, Copy)]
struct Sums {
    pledged: Option<Decimal>,
    delivered: Decimal,
}

impl Default for Sums {
    fn default() -> Sums {
        Sums {
            pledged: Some(Decimal::ZERO),
            delivered: Decimal::ZERO,
        }
    }
}

/// CL017: money, by member and category.
pub(super) fn member_category(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    let sums = add_up(ledger, options, |state| Some(state.category), false);
    report(ledger, options, &sums, out, |category| {
        match ledger.category_at(category) {
            Some(category) => format!("in category `{category}`"),
            None => "without a category".into(),
        }
    });
}

/// CL018: money (funding and equipment values), personnel and units, each
/// in its own unit, by member and kind.
pub(super) fn member_kind(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    let sums = add_up(
        ledger,
        options,
        |state| u32::try_from(state.kind.index()).ok(),
        true,
    );
    report(ledger, options, &sums, out, |kind| {
        Kind::ALL
            .get(kind as usize)
            .map_or_else(String::new, |kind| format!("in {kind}"))
    });
}

/// Adds up every pledge that stands (not withdrawn, not void) into its
/// cell. Money is compared in the options' base currency when rates are
/// given (sums across currencies use them), otherwise in each pledge's own
/// currency; an amount that cannot be converted is left out (CL005 reports
/// it).
fn add_up(
    ledger: &Ledger,
    options: &CheckOptions,
    second: impl Fn(&PledgeState) -> Option<u32>,
    counts: bool,
) -> BTreeMap<Cell, Sums> {
    let mut own_rates: BTreeMap<Currency, FxRates> = BTreeMap::new();
    let mut sums: BTreeMap<Cell, Sums> = BTreeMap::new();
    for state in ledger.states() {
        if state.stage == Stage::Withdrawn || state.voided {
            continue;
        }
        let Some(second) = second(state) else {
            continue;
        };
        let mut add = |unit: Unit, measure: &Measure<'_>| {
            let amount = |basis| pledge_amount(ledger, state, measure, basis).ok().flatten();
            let (pledged, delivered) = (amount(Basis::Pledged), amount(Basis::Delivered));
            if pledged.is_none() && delivered.is_none() {
                return;
            }
            let cell = sums.entry((state.member, second, unit)).or_default();
            add_bounds(cell, pledged, delivered);
        };
        match state.kind {
            Kind::Funding | Kind::Equipment => {
                let currency = match &options.fx {
                    Some(fx) => fx.base(),
                    None => match state.currency {
                        Some(currency) => currency,
                        None => continue,
                    },
                };
                let fx = match &options.fx {
                    Some(fx) => fx,
                    None => own_rates
                        .entry(currency)
                        .or_insert_with(|| FxRates::new(currency, RatePolicy::OnDate)),
                };
                add(Unit::Money(currency), &Measure::Value { currency, fx });
                if counts && state.kind == Kind::Equipment {
                    add(Unit::Units, &Measure::Units);
                }
            }
            Kind::Troops if counts => add(Unit::Personnel, &Measure::Personnel),
            _ => {}
        }
    }
    sums
}

/// Adds one pledge's bounds to its cell, exactly; an open or unspecified
/// pledged size opens the cell, and a sum that does not fit leaves the cell
/// open (nothing is reported rather than a wrong excess).
fn add_bounds(cell: &mut Sums, pledged: Option<Bounds>, delivered: Option<Bounds>) {
    if let Some(pledged) = pledged {
        cell.pledged = match (cell.pledged, pledged.high) {
            (Some(sum), Some(high)) if !pledged.unspecified => crate::exact::add(sum, high),
            _ => None,
        };
    }
    if let Some(delivered) = delivered.filter(|d| !d.unspecified) {
        match crate::exact::add(cell.delivered, delivered.low) {
            Some(sum) => cell.delivered = sum,
            None => cell.pledged = None,
        }
    }
}

/// Reports every cell whose delivered total exceeds its pledged upper bound
/// by more than the threshold (money) or at all (counts).
fn report(
    ledger: &Ledger,
    options: &CheckOptions,
    sums: &BTreeMap<Cell, Sums>,
    out: &mut Vec<Finding>,
    cell_text: impl Fn(u32) -> String,
) {
    for (&(member, second, unit), cell) in sums {
        let Some(pledged) = cell.pledged else {
            continue;
        };
        let Some(excess) = crate::exact::sub(cell.delivered, pledged) else {
            continue;
        };
        let threshold = match unit {
            Unit::Money(currency) => options.over_delivery_threshold_in(currency),
            Unit::Personnel | Unit::Units => Decimal::ZERO,
        };
        if excess <= threshold {
            continue;
        }
        let Some(member) = ledger.member_at(member) else {
            continue;
        };
        let show = |amount: Decimal| match unit {
            Unit::Money(currency) => Money::new(amount, currency).to_string(),
            Unit::Personnel => format!("{} personnel", group_thousands(amount)),
            Unit::Units => format!("{} units", group_thousands(amount)),
        };
        let place = cell_text(second);
        let message = format!(
            "delivered {} exceeds pledged {} {place} by {}",
            show(cell.delivered),
            show(pledged),
            show(excess)
        );
        out.push((Subject::Member(member.id().clone()), message));
    }
}
