//! The rules, one function each. Every rule is linear in the ledger (or
//! `n log n` where it sorts); none compares all pairs.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::options::CheckOptions;
use super::report::{Code, Diagnostic, Subject};
use crate::entry::Action;
use crate::ledger::{Ledger, NONE, PledgeState};
use crate::lifecycle::{Evidence, Stage};
use crate::member::Role;
use crate::money::{Currency, Money, group_thousands};
use crate::pledge::{Condition, Contribution, Kind, Pledge};

/// What a rule reports: a subject and a message.
type Finding = (Subject, String);

/// A rule: reads the ledger and options, pushes findings.
type Rule = fn(&Ledger, &CheckOptions, &mut Vec<Finding>);

const RULES: [(Code, Rule); 15] = [
    (Code::NoSource, no_source),
    (Code::CommittedButUnconfirmed, committed_but_unconfirmed),
    (Code::BackstopWithoutPledge, backstop_without_pledge),
    (Code::DependencyCycle, dependency_cycle),
    (Code::MissingRate, missing_rate),
    (Code::OverDelivered, over_delivered),
    (Code::Stale, stale),
    (Code::ProbableDuplicate, probable_duplicate),
    (Code::ImplausibleUnitValue, implausible_unit_value),
    (Code::FutureEntry, future_entry),
    (Code::MemberWithoutPledges, member_without_pledges),
    (Code::OutOfOrder, out_of_order),
    (Code::UndatedEntry, undated_entry),
    (Code::ConditionCannotHold, condition_cannot_hold),
    (Code::OlderFormatRule, older_format_rule),
];

pub(crate) fn run_all(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let mut findings = Vec::new();
    for (code, rule) in RULES {
        if !options.is_enabled(code) {
            continue;
        }
        rule(ledger, options, &mut findings);
        let severity = options.severity_of(code);
        out.extend(
            findings
                .drain(..)
                .map(|(subject, message)| Diagnostic::new(code, severity, subject, message)),
        );
    }
}

/// Pledges that are not withdrawn.
fn live(ledger: &Ledger) -> impl Iterator<Item = Pledge<'_>> {
    ledger.pledges().filter(|p| p.stage() != Stage::Withdrawn)
}

fn pledge_subject(p: &Pledge<'_>) -> Subject {
    Subject::Pledge(p.id().clone())
}

/// CL001.
fn no_source(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live(ledger) {
        if !ledger.cites_any_source(p.state) {
            out.push((pledge_subject(&p), "no source cited".into()));
        }
    }
}

/// CL002.
fn committed_but_unconfirmed(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live(ledger) {
        if p.stage() >= Stage::Committed && p.best_evidence() == Evidence::Unconfirmed {
            out.push((
                pledge_subject(&p),
                format!("{} but only ever unconfirmed", p.stage()),
            ));
        }
    }
}

/// CL003.
fn backstop_without_pledge(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    let mut has_backstop = vec![false; ledger.members().len()];
    for state in ledger.states_of_kind(Kind::Backstop) {
        if state.stage != Stage::Withdrawn {
            if let Some(flag) = has_backstop.get_mut(state.member as usize) {
                *flag = true;
            }
        }
    }
    for p in live(ledger) {
        for condition in p.conditions() {
            let Condition::Backstop { by } = condition else {
                continue;
            };
            let covered = ledger
                .member_ix(by)
                .and_then(|m| has_backstop.get(m as usize).copied())
                .unwrap_or(false);
            if !covered {
                let message =
                    format!("conditional on a backstop by {by}, which has no backstop pledge");
                out.push((pledge_subject(&p), message));
            }
        }
    }
}

/// CL004: every cycle found by one depth-first walk, reported at the pledge
/// where the walk entered it.
fn dependency_cycle(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    let states = ledger.states();
    let edges = |ix: usize| -> Vec<usize> {
        let spec = states.get(ix).and_then(|s| ledger.spec_of(s));
        spec.map_or_else(Vec::new, |spec| {
            spec.conditions()
                .iter()
                .filter_map(|c| match c {
                    Condition::DependsOn(other) => ledger.pledge_ix(other).map(|i| i as usize),
                    _ => None,
                })
                .collect()
        })
    };
    let name = |ix: usize| {
        u32::try_from(ix)
            .ok()
            .and_then(|i| ledger.pledge_at(i))
            .map_or_else(|| format!("#{ix}"), |p| p.id().to_string())
    };
    let mut mark = vec![0u8; states.len()];
    for root in 0..states.len() {
        if !states.get(root).is_some_and(|s| s.conditional) || mark.get(root) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(root, edges(root))];
        set(&mut mark, root, 1);
        while let Some((_, pending)) = stack.last_mut() {
            let Some(next) = pending.pop() else {
                if let Some((done, _)) = stack.pop() {
                    set(&mut mark, done, 2);
                }
                continue;
            };
            match mark.get(next).copied() {
                Some(0) => {
                    set(&mut mark, next, 1);
                    stack.push((next, edges(next)));
                }
                Some(1) => {
                    let start = stack.iter().position(|(ix, _)| *ix == next).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack.iter().skip(start).map(|(ix, _)| name(*ix)).collect();
                    cycle.push(name(next));
                    if let Some(id) = u32::try_from(next).ok().and_then(|i| ledger.pledge_at(i)) {
                        out.push((
                            pledge_subject(&id),
                            format!("dependency cycle {}", cycle.join(" -> ")),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

fn set(mark: &mut [u8], ix: usize, value: u8) {
    if let Some(m) = mark.get_mut(ix) {
        *m = value;
    }
}

/// CL005.
fn missing_rate(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    let Some(fx) = &options.fx else { return };
    for p in live(ledger) {
        let Some(currency) = p.currency() else {
            continue;
        };
        if currency == fx.base() {
            continue;
        }
        let message = match p.dates().pledge_date() {
            None => format!("amount in {currency} has no date to convert it at"),
            Some(date) => match fx.rate(currency, date) {
                Ok(_) => continue,
                Err(err) => err.to_string(),
            },
        };
        out.push((pledge_subject(&p), message));
    }
}

/// CL006.
fn over_delivered(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live(ledger) {
        let Some(high) = p
            .state
            .quantity
            .and_then(|q| if q.unspecified { None } else { q.high })
        else {
            continue;
        };
        if p.delivered() > high {
            let message = format!(
                "delivered {} exceeds pledged {}",
                quantity_text(&p, p.delivered()),
                quantity_text(&p, high)
            );
            out.push((pledge_subject(&p), message));
        }
    }
}

/// An amount in the pledge's own unit, for messages.
fn quantity_text(p: &Pledge<'_>, amount: Decimal) -> String {
    match (p.kind(), p.currency()) {
        (Kind::Funding, Some(currency)) => Money::new(amount, currency).to_string(),
        (Kind::Troops, _) => format!("{} personnel", group_thousands(amount)),
        _ => format!("{} units", group_thousands(amount)),
    }
}

/// CL007.
fn stale(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    let today = options.reference_date;
    for p in live(ledger) {
        if p.stage() > Stage::Announced {
            continue;
        }
        let Some(date) = p.dates().pledge_date() else {
            continue;
        };
        let days = today.signed_duration_since(date).num_days();
        if days > i64::from(options.stale_after_days) {
            let verb = if p.stage() == Stage::Announced {
                "announced"
            } else {
                "considered"
            };
            let message = format!("{verb} {date}, {days} days before {today}, and never advanced");
            out.push((pledge_subject(&p), message));
        }
    }
}

/// The fields two pledges must share to look like the same pledge.
type DuplicateKey = (
    u32,
    Kind,
    u32,
    Option<Currency>,
    NaiveDate,
    [Option<Decimal>; 4],
    [bool; 2],
);

fn duplicate_key(state: &PledgeState) -> Option<DuplicateKey> {
    let date = state.dates.pledge_date()?;
    let q = state.quantity;
    let v = state.value;
    Some((
        state.member,
        state.kind,
        state.category,
        state.currency,
        date,
        [
            q.map(|b| b.low),
            q.and_then(|b| b.high),
            v.map(|b| b.low),
            v.and_then(|b| b.high),
        ],
        [
            q.is_some_and(|b| b.unspecified),
            v.is_some_and(|b| b.unspecified),
        ],
    ))
}

/// CL008: sorts the pledges by their key, so duplicates are neighbours.
fn probable_duplicate(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    let mut keyed: Vec<(DuplicateKey, u32)> = ledger
        .states()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.stage != Stage::Withdrawn && s.kind != Kind::Backstop)
        .filter_map(|(ix, s)| Some((duplicate_key(s)?, u32::try_from(ix).ok()?)))
        .collect();
    keyed.sort();
    // Each pledge is reported against the first of its run of equal keys.
    let mut first: Option<&(DuplicateKey, u32)> = None;
    for item in &keyed {
        match first {
            Some((key, original)) if *key == item.0 => {
                if let (Some(original), Some(dup)) =
                    (ledger.pledge_at(*original), ledger.pledge_at(item.1))
                {
                    let message = format!("same member, kind, size and date as {}", original.id());
                    out.push((pledge_subject(&dup), message));
                }
            }
            _ => first = Some(item),
        }
    }
}

/// CL009: compares `value_high` with `floor × units_low`, so no division is
/// needed to decide; the message shows the per-unit value.
fn implausible_unit_value(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live(ledger) {
        let Contribution::Equipment {
            category,
            units,
            value: Some(value),
        } = p.contribution()
        else {
            continue;
        };
        let (Some(floor), Some(units_low), Some(value_high)) = (
            options.min_unit_values.get(category),
            units.low(),
            value.high(),
        ) else {
            continue;
        };
        if units_low == 0 {
            continue;
        }
        let Some((value_high, floor_amount)) = same_currency(options, &p, value_high, *floor)
        else {
            continue;
        };
        let Some(needed) = floor_amount.checked_mul(Decimal::from(units_low)) else {
            continue;
        };
        if value_high < needed {
            let per_unit = value_high
                .checked_div(Decimal::from(units_low))
                .map_or_else(String::new, |v| group_thousands(v.round_dp(2)));
            let message = format!(
                "at most about {} {per_unit} per unit of {category}, below the floor of {floor}",
                value_unit(options, &p, floor)
            );
            out.push((pledge_subject(&p), message));
        }
    }
}

/// The currency the comparison was made in: the floor's, or the rates' base.
fn value_unit(options: &CheckOptions, p: &Pledge<'_>, floor: &Money) -> Currency {
    match (&options.fx, p.currency()) {
        (Some(fx), Some(c)) if c != floor.currency() => fx.base(),
        _ => floor.currency(),
    }
}

/// The value's high bound and the floor in one currency, converting through
/// the options' rates when they differ.
fn same_currency(
    options: &CheckOptions,
    p: &Pledge<'_>,
    value: Money,
    floor: Money,
) -> Option<(Decimal, Decimal)> {
    if value.currency() == floor.currency() {
        return Some((value.amount(), floor.amount()));
    }
    let fx = options.fx.as_ref()?;
    let date = p.dates().pledge_date()?;
    let value = fx.convert(value, date).ok()?;
    let floor = fx.convert(floor, date).ok()?;
    Some((value.amount(), floor.amount()))
}

/// CL010.
fn future_entry(ledger: &Ledger, options: &CheckOptions, out: &mut Vec<Finding>) {
    let today = options.reference_date;
    for entry in ledger.entries() {
        if let Some(date) = entry.date().filter(|d| *d > today) {
            let message = format!("dated {date}, after the reference date {today}");
            out.push((Subject::Entry(entry.sequence()), message));
        }
    }
}

/// CL011.
fn member_without_pledges(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for member in ledger.members() {
        let only_beneficiary = member.roles() == [Role::Beneficiary];
        if !only_beneficiary && ledger.pledges_of(member.id()).next().is_none() {
            out.push((Subject::Member(member.id().clone()), "no pledges".into()));
        }
    }
}

/// CL012.
fn out_of_order(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    let mut latest: Option<(NaiveDate, u64)> = None;
    for entry in ledger.entries() {
        let Some(date) = entry.date() else { continue };
        match latest {
            Some((before, at)) if date < before => {
                let message = format!("dated {date}, before entry {at} ({before})");
                out.push((Subject::Entry(entry.sequence()), message));
            }
            _ => latest = Some((date, entry.sequence())),
        }
    }
}

/// CL013.
fn undated_entry(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for entry in ledger.entries().iter().filter(|e| e.date().is_none()) {
        let Some(pledge) = entry.action().pledge() else {
            continue;
        };
        let what = match entry.action() {
            Action::Pledge(_) => "opening".to_string(),
            other => other.name().to_string(),
        };
        let message = format!("undated {what} of pledge {pledge}");
        out.push((Subject::Entry(entry.sequence()), message));
    }
}

/// CL014.
fn condition_cannot_hold(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live(ledger) {
        for condition in p.conditions() {
            let Condition::DependsOn(other) = condition else {
                continue;
            };
            let withdrawn = ledger
                .pledge_ix(other)
                .filter(|&ix| ix != NONE)
                .and_then(|ix| ledger.states().get(ix as usize))
                .is_some_and(|s| s.stage == Stage::Withdrawn);
            if withdrawn {
                out.push((
                    pledge_subject(&p),
                    format!("depends on {other}, which is withdrawn"),
                ));
            }
        }
    }
}

/// CL015.
fn older_format_rule(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for (ix, refusal) in ledger.entries_under_older_rules() {
        let Some(entry) = ledger.entry(u64::from(*ix)) else {
            continue;
        };
        let version = entry.accepted_under().unwrap_or(1);
        let message = format!(
            "accepted under the rules of format version {version}; the current rules refuse it: {refusal}"
        );
        out.push((Subject::Entry(entry.sequence()), message));
    }
}
