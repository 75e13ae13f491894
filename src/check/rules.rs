//! The rules, one function each. Every rule is linear in the ledger (or
//! `n log n` where it sorts); none compares all pairs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::BuildHasher as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::options::CheckOptions;
use super::report::{Code, Diagnostic, Subject};
use crate::ledger::Pledge;
use crate::ledger::{Ledger, NONE, PledgeState};
use crate::lifecycle::{Evidence, Stage};
use crate::limits::{MAX_CYCLE_PLEDGES_SHOWN, MAX_DIAGNOSTICS_PER_CODE};
use crate::member::Role;
use crate::money::{Currency, Money, group_thousands};
use crate::pledge::{Condition, Contribution, Kind};

/// What a rule reports: a subject and a message.
type Finding = (Subject, String);

/// A rule: reads the ledger and options, pushes findings.
type Rule = fn(&Ledger, &CheckOptions, &mut Vec<Finding>);

const RULES: [(Code, Rule); 19] = [
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
    (Code::Adjustment, adjustment),
    (
        Code::MemberCategoryOverDelivered,
        super::members::member_category,
    ),
    (Code::MemberKindOverDelivered, super::members::member_kind),
    (Code::VoidedPledge, voided_pledge),
];

/// Runs every enabled rule. Each code keeps its first
/// [`MAX_DIAGNOSTICS_PER_CODE`] findings in report order and counts the
/// rest in `omitted`, so a report's size is bounded.
pub(crate) fn run_all(
    ledger: &Ledger,
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
    omitted: &mut BTreeMap<Code, u64>,
) {
    let mut findings = Vec::new();
    for (code, rule) in RULES {
        if !options.is_enabled(code) {
            continue;
        }
        rule(ledger, options, &mut findings);
        if findings.len() > MAX_DIAGNOSTICS_PER_CODE {
            // The first findings in report order, which the report sorts:
            // selecting them is linear, where sorting every finding of a
            // rule that found hundreds of thousands compared their subjects'
            // texts n log n times.
            findings.select_nth_unstable(MAX_DIAGNOSTICS_PER_CODE);
            let extra = findings.len().saturating_sub(MAX_DIAGNOSTICS_PER_CODE);
            findings.truncate(MAX_DIAGNOSTICS_PER_CODE);
            omitted.insert(code, extra as u64);
        }
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
    ledger
        .pledges()
        .filter(|p| p.stage() != Stage::Withdrawn && !p.is_void())
}

/// Live pledges that have conditions.
fn live_conditional(ledger: &Ledger) -> impl Iterator<Item = Pledge<'_>> {
    ledger
        .pledges_with_conditions()
        .filter(|p| p.stage() != Stage::Withdrawn && !p.is_void())
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
        // A voided backstop was recorded in error: as if never recorded.
        if state.stage != Stage::Withdrawn && !state.voided {
            if let Some(flag) = has_backstop.get_mut(state.member as usize) {
                *flag = true;
            }
        }
    }
    for p in live_conditional(ledger) {
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

/// CL004: one diagnostic per group of pledges caught in dependency cycles
/// (a strongly connected component of the `DependsOn` graph), reported at
/// its first-opened pledge with the shortest cycle through it.
///
/// Linear in pledges plus conditions: Tarjan's algorithm finds the
/// components in one walk, and each component is searched once, breadth
/// first, for its cycle. Reporting every elementary cycle instead would be
/// exponential, and reporting one per pledge quadratic in text; the message
/// names at most [`MAX_CYCLE_PLEDGES_SHOWN`] pledges.
fn dependency_cycle(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    let graph = DependencyGraph::of(ledger);
    for component in graph.cyclic_components() {
        let Some(&root) = component.iter().min() else {
            continue;
        };
        // A member's backstop is a node of the graph, not a pledge: the
        // cycle and the count name pledges only (a cycle holds one, and
        // pledges come first, so the root is one).
        let cycle: Vec<usize> = graph
            .shortest_cycle_through(root, &component)
            .into_iter()
            .filter(|&v| v < graph.pledges)
            .collect();
        let in_component = component.iter().filter(|&&v| v < graph.pledges).count();
        let name = |ix: usize| {
            u32::try_from(ix)
                .ok()
                .and_then(|i| ledger.pledge_at(i))
                .map_or_else(|| format!("#{ix}"), |p| p.id().to_string())
        };
        let mut shown: Vec<String> = cycle
            .iter()
            .take(MAX_CYCLE_PLEDGES_SHOWN)
            .map(|&ix| name(ix))
            .collect();
        let mut message = if cycle.len() > MAX_CYCLE_PLEDGES_SHOWN {
            shown.push("…".into());
            shown.push(name(root));
            format!(
                "dependency cycle of {} pledges: {}",
                cycle.len(),
                shown.join(" -> ")
            )
        } else {
            shown.push(name(root));
            format!("dependency cycle {}", shown.join(" -> "))
        };
        if in_component > cycle.len() {
            let _ = write!(
                message,
                "; {in_component} pledges depend on each other through cycles"
            );
        }
        if let Some(p) = u32::try_from(root).ok().and_then(|i| ledger.pledge_at(i)) {
            out.push((pledge_subject(&p), message));
        }
    }
}

/// The graph the recording rule keeps acyclic (see `ledger/cycles.rs`; a
/// file of format version 1 may hold a cycle of it), in compressed rows.
/// Nodes `0..pledges` are the pledges, by index; node `pledges + m` is the
/// backstop of member `m`. A `DependsOn` points at the pledge it names, a
/// `Backstop { by }` at that member's node, and a member's node at each of
/// its backstop pledges: one node per member keeps the edges linear in
/// pledges plus conditions (an edge from every pledge needing a backstop to
/// every backstop pledge of the member was their product).
struct DependencyGraph {
    /// `targets[starts[v]..starts[v + 1]]` are the nodes `v` points at.
    starts: Vec<usize>,
    targets: Vec<usize>,
    /// How many of the nodes are pledges.
    pledges: usize,
}

impl DependencyGraph {
    fn of(ledger: &Ledger) -> DependencyGraph {
        let states = ledger.states();
        let pledges = states.len();
        // The backstop pledges of each member, by member index.
        let mut backstops: Vec<Vec<usize>> = vec![Vec::new(); ledger.members().len()];
        for &ix in ledger.pledge_ixs_of_kind(Kind::Backstop) {
            let member = states.get(ix as usize).map(|s| s.member as usize);
            if let Some(list) = member.and_then(|m| backstops.get_mut(m)) {
                list.push(ix as usize);
            }
        }
        let nodes = pledges.saturating_add(backstops.len());
        let mut starts = Vec::with_capacity(nodes.saturating_add(1));
        let mut targets = Vec::new();
        for state in states {
            starts.push(targets.len());
            if !state.conditional {
                continue;
            }
            let Some(spec) = ledger.spec_of(state) else {
                continue;
            };
            for condition in spec.conditions() {
                match condition {
                    Condition::DependsOn(other) => {
                        if let Some(ix) = ledger.pledge_ix(other).filter(|&ix| ix != NONE) {
                            targets.push(ix as usize);
                        }
                    }
                    Condition::Backstop { by } => {
                        if let Some(m) = ledger.member_ix(by) {
                            targets.push(pledges.saturating_add(m as usize));
                        }
                    }
                    _ => {}
                }
            }
        }
        for theirs in &backstops {
            starts.push(targets.len());
            targets.extend(theirs);
        }
        starts.push(targets.len());
        DependencyGraph {
            starts,
            targets,
            pledges,
        }
    }

    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn edges(&self, v: usize) -> &[usize] {
        let from = self.starts.get(v).copied().unwrap_or(0);
        let to = self
            .starts
            .get(v.saturating_add(1))
            .copied()
            .unwrap_or(from);
        self.targets.get(from..to).unwrap_or(&[])
    }

    /// The strongly connected components that hold a cycle (two or more
    /// pledges, or one that depends on itself), by iterative Tarjan.
    fn cyclic_components(&self) -> Vec<Vec<usize>> {
        const UNSEEN: usize = usize::MAX;
        let n = self.len();
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut components = Vec::new();
        let mut next_index = 0usize;
        // (vertex, position of the next edge to follow)
        let mut walk: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if index.get(root) != Some(&UNSEEN) || self.edges(root).is_empty() {
                continue;
            }
            walk.push((root, 0));
            visit(
                root,
                &mut next_index,
                &mut index,
                &mut low,
                &mut stack,
                &mut on_stack,
            );
            while let Some(&(v, edge)) = walk.last() {
                if let Some(&w) = self.edges(v).get(edge) {
                    if let Some(top) = walk.last_mut() {
                        top.1 = edge.saturating_add(1);
                    }
                    match index.get(w).copied() {
                        Some(UNSEEN) => {
                            visit(
                                w,
                                &mut next_index,
                                &mut index,
                                &mut low,
                                &mut stack,
                                &mut on_stack,
                            );
                            walk.push((w, 0));
                        }
                        Some(w_index) if on_stack.get(w) == Some(&true) => {
                            lower(&mut low, v, w_index);
                        }
                        _ => {}
                    }
                    continue;
                }
                walk.pop();
                let v_low = low.get(v).copied().unwrap_or(0);
                if let Some(&(parent, _)) = walk.last() {
                    lower(&mut low, parent, v_low);
                }
                if Some(v_low) != index.get(v).copied() {
                    continue;
                }
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    set_flag(&mut on_stack, w, false);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 || self.edges(v).contains(&v) {
                    components.push(component);
                }
            }
        }
        components
    }

    /// The shortest cycle from `root` back to it inside `component`, as the
    /// pledges in order (without repeating `root` at the end).
    fn shortest_cycle_through(&self, root: usize, component: &[usize]) -> Vec<usize> {
        let mut inside = std::collections::BTreeMap::new();
        for &v in component {
            inside.insert(v, usize::MAX);
        }
        // Breadth first from root; `inside[v]` is v's predecessor once seen.
        let mut queue = std::collections::VecDeque::from([root]);
        let mut last = None;
        'search: while let Some(v) = queue.pop_front() {
            for &w in self.edges(v) {
                if w == root {
                    last = Some(v);
                    break 'search;
                }
                if inside.get(&w) == Some(&usize::MAX) {
                    inside.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let mut cycle = Vec::new();
        let mut at = last;
        while let Some(v) = at {
            cycle.push(v);
            if v == root || cycle.len() > component.len() {
                break;
            }
            at = inside.get(&v).copied();
        }
        cycle.reverse();
        cycle
    }
}

fn visit(
    v: usize,
    next_index: &mut usize,
    index: &mut [usize],
    low: &mut [usize],
    stack: &mut Vec<usize>,
    on_stack: &mut [bool],
) {
    if let Some(i) = index.get_mut(v) {
        *i = *next_index;
    }
    if let Some(l) = low.get_mut(v) {
        *l = *next_index;
    }
    *next_index = next_index.saturating_add(1);
    stack.push(v);
    set_flag(on_stack, v, true);
}

fn lower(low: &mut [usize], v: usize, value: usize) {
    if let Some(l) = low.get_mut(v) {
        *l = (*l).min(value);
    }
}

fn set_flag(flags: &mut [bool], ix: usize, value: bool) {
    if let Some(f) = flags.get_mut(ix) {
        *f = value;
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
                Ok(_) => match delivery_without_rate(ledger, &p, fx) {
                    Some(message) => message,
                    None => continue,
                },
                Err(err) => err.to_string(),
            },
        };
        out.push((pledge_subject(&p), message));
    }
}

/// The first dated delivery on a pledge whose money has no usable rate on
/// its own date: delivered amounts convert tranche by tranche, each at its
/// date, so a value query on the delivered basis fails there.
fn delivery_without_rate(
    ledger: &Ledger,
    p: &Pledge<'_>,
    fx: &crate::fx::FxRates,
) -> Option<String> {
    let currency = p.currency()?;
    p.history().into_iter().find_map(|sequence| {
        let entry = ledger.entry(sequence)?;
        let crate::entry::Action::Deliver { currency: paid, .. } = entry.action() else {
            return None;
        };
        let paid = paid.unwrap_or(currency);
        let date = entry.date()?;
        if paid == fx.base() {
            return None;
        }
        fx.rate(paid, date)
            .err()
            .map(|err| format!("the delivery of {date} (entry {sequence}): {err}"))
    })
}

/// CL006. An adjustment names no pledge and has no delivery to compare:
/// CL016 lists it.
fn over_delivered(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live(ledger).filter(|p| p.adjusts().is_none()) {
        let Some(high) = ledger
            .quantity_of(p.state)
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
/// What two pledges share to be probable duplicates: member, kind,
/// category, currency, date (and how precisely it is known), size and
/// value bounds, stage, delivered amount, and whether (and on which basis)
/// it is an adjustment. Sources and evidence do not join the key: the same
/// fact reported by two sources is the duplicate most worth finding.
type DuplicateKey = (
    (u32, Kind, u32, Option<Currency>),
    (NaiveDate, crate::dates::DatePrecision),
    [Option<Decimal>; 4],
    [bool; 2],
    (Stage, Decimal, Option<crate::pledge::AdjustmentBasis>),
);

fn duplicate_key(ledger: &Ledger, state: &PledgeState) -> Option<DuplicateKey> {
    let date = state.dates.pledge_date()?;
    let q = ledger.quantity_of(state);
    let v = ledger.value_of(state);
    Some((
        (state.member, state.kind, state.category, state.currency),
        (date, state.date_precision),
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
        // Normalised, so that 5.0 and 5.00 delivered are the same amount.
        (state.stage, state.delivered.normalize(), state.adjusts),
    ))
}

/// CL008: groups the pledges by a hash of their key, then compares keys
/// only within a group of equal hashes. Sorting the keys themselves (128
/// bytes each, five of them decimals) was a fifth of a check at a
/// million pledges; sorting (hash, index) pairs, 16 bytes each, and
/// building keys again for the few pledges that share a hash costs a
/// fraction of that. Each pledge is reported against the first pledge (in
/// ledger order) with an equal key, as when the keys themselves were
/// sorted.
fn probable_duplicate(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    // A fixed seed: the hash only groups, but a check should do the same
    // work on the same ledger every time.
    let hasher = foldhash::fast::FixedState::with_seed(0x0c15_d0b1);
    duplicates_grouped_by(ledger, |key| hasher.hash_one(key), out);
}

/// CL008's findings, with pledges grouped by `hash` of their key before
/// their keys are compared (a hash that groups every pledge together
/// compares every key, as the rule once did).
fn duplicates_grouped_by(
    ledger: &Ledger,
    hash: impl Fn(&DuplicateKey) -> u64,
    out: &mut Vec<Finding>,
) {
    // Only pledges that may duplicate are hashed, so the runs hold no other.
    let key_at = |ix: u32| {
        ledger
            .states()
            .get(ix as usize)
            .and_then(|s| duplicate_key(ledger, s))
    };
    let mut hashed: Vec<(u64, u32)> = ledger
        .states()
        .iter()
        .enumerate()
        .filter(|(_, s)| may_duplicate(s))
        .filter_map(|(ix, s)| {
            let key = duplicate_key(ledger, s)?;
            Some((hash(&key), u32::try_from(ix).ok()?))
        })
        .collect();
    hashed.sort_unstable();
    for run in hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        // Equal hashes nearly always mean equal keys; sorting the run's
        // keys with their indexes puts each key's first pledge first, and
        // parts keys that only share a hash.
        let mut keyed: Vec<(DuplicateKey, u32)> = run
            .iter()
            .filter_map(|&(_, ix)| Some((key_at(ix)?, ix)))
            .collect();
        keyed.sort_unstable();
        let mut first: Option<&(DuplicateKey, u32)> = None;
        for item in &keyed {
            match first {
                Some((key, original)) if *key == item.0 => {
                    if let (Some(original), Some(dup)) =
                        (ledger.pledge_at(*original), ledger.pledge_at(item.1))
                    {
                        let message = format!(
                            "same member, kind, category, size, date, stage and delivered amount as {}",
                            original.id()
                        );
                        out.push((pledge_subject(&dup), message));
                    }
                }
                _ => first = Some(item),
            }
        }
    }
}

/// Whether a pledge takes part in CL008: live, and not a backstop.
fn may_duplicate(state: &PledgeState) -> bool {
    state.stage != Stage::Withdrawn && !state.voided && state.kind != Kind::Backstop
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
        // Against `floor × units` exactly, even when the product needs
        // more digits than a `Decimal` holds.
        if crate::exact::is_below_product(value_high, floor_amount, units_low) {
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
    for entry in ledger.entry_views() {
        // A month or a year is in the future only once it begins after the
        // reference date; `2026-11` is not future on 2026-11-29.
        let period = entry.period().filter(|d| d.first_day() > today);
        if let Some(date) = period {
            let message = format!("dated {date}, after the reference date {today}");
            out.push((Subject::Entry(entry.sequence()), message));
        }
    }
}

/// CL011.
fn member_without_pledges(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for member in ledger.members() {
        let only_beneficiary = member.roles() == [Role::Beneficiary];
        if only_beneficiary {
            continue;
        }
        // A voided pledge was recorded in error: it is no pledge.
        let mut pledges = ledger.pledges_of(member.id()).peekable();
        let any = pledges.peek().is_some();
        if pledges.all(|p| p.is_void()) {
            let message = if any {
                "no pledges (only voided ones)"
            } else {
                "no pledges"
            };
            out.push((Subject::Member(member.id().clone()), message.into()));
        }
    }
}

/// CL012.
///
/// A date known to a month or a year is a period: an entry is out of order
/// only when its period ends before an earlier entry's period begins
/// (`2024-06-03` after `2024` is in order).
fn out_of_order(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    let mut latest: Option<(NaiveDate, crate::dates::PartialDate, u64)> = None;
    for entry in ledger.entry_views() {
        let Some(period) = entry.period() else {
            continue;
        };
        match latest {
            Some((begins, before, at)) if period.effective() < begins => {
                let message = format!("dated {period}, before entry {at} ({before})");
                out.push((Subject::Entry(entry.sequence()), message));
            }
            Some((begins, ..)) if period.first_day() <= begins => {}
            _ => latest = Some((period.first_day(), period, entry.sequence())),
        }
    }
}

/// CL013.
fn undated_entry(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for entry in ledger.entry_views().filter(|e| e.date().is_none()) {
        let Some(pledge) = entry.pledge() else {
            continue;
        };
        let what = match entry.action_name() {
            "pledge" => "opening",
            other => other,
        };
        let message = format!("undated {what} of pledge {pledge}");
        out.push((Subject::Entry(entry.sequence()), message));
    }
}

/// CL014.
fn condition_cannot_hold(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in live_conditional(ledger) {
        for condition in p.conditions() {
            let Condition::DependsOn(other) = condition else {
                continue;
            };
            let state = ledger
                .pledge_ix(other)
                .filter(|&ix| ix != NONE)
                .and_then(|ix| ledger.states().get(ix as usize));
            // A voided pledge takes no further entries either: the
            // condition stays unknown for good.
            let ended = match state {
                Some(s) if s.voided => Some("voided (recorded in error)"),
                Some(s) if s.stage == Stage::Withdrawn => Some("withdrawn"),
                _ => None,
            };
            if let Some(ended) = ended {
                out.push((
                    pledge_subject(&p),
                    format!("depends on {other}, which is {ended}"),
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

/// CL019.
fn voided_pledge(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    for p in ledger.pledges().filter(Pledge::is_void) {
        let message = format!("voided: {}", p.void_reason().unwrap_or_default());
        out.push((pledge_subject(&p), message));
    }
}

/// CL016.
fn adjustment(ledger: &Ledger, _: &CheckOptions, out: &mut Vec<Finding>) {
    // A voided adjustment adjusts nothing.
    for p in ledger.pledges().filter(|p| !p.is_void()) {
        let Some(basis) = p.adjusts() else { continue };
        let amount = p
            .contribution()
            .quantity_bounds()
            .map(|b| quantity_text(&p, b.low))
            .unwrap_or_default();
        let category = p
            .category()
            .map(|c| format!(" in `{c}`"))
            .unwrap_or_default();
        let message = format!(
            "adjusts the {basis} total of {}{category} by {amount}, naming no pledge",
            p.member()
        );
        out.push((pledge_subject(&p), message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Action, Provenance};
    use crate::estimate::Estimate;
    use crate::ids::{MemberId, PledgeId};
    use crate::ledger::{Record, Rules};
    use crate::member::Member;
    use crate::pledge::NewPledge;

    /// 3,000 pledges from two members, of 1 to 7 troops or of one amount
    /// of funding written three ways, on one of five days, some with
    /// deliveries written as `2`, `2.0` or `2.00`: many runs of equal keys,
    /// and keys that differ in one field only.
    fn many_duplicates() -> Ledger {
        let mut ledger = Ledger::new();
        let members = ["FRA", "GBR"].map(|m| MemberId::new(m).expect("valid id"));
        for member in &members {
            ledger
                .add_member(Member::new(member.clone(), member.as_str()))
                .expect("member");
        }
        let first = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
        for i in 0..3_000_usize {
            let member = members.get(i % 2).expect("two members").clone();
            // Every fourth pledge is funding of one amount in three
            // spellings, which its bounds keep: the hash must not tell them
            // apart.
            let contribution = if i % 4 == 3 {
                let spelling = ["5000000", "5000000.0", "5000000.00"].get(i / 4 % 3);
                let amount: Decimal = spelling.expect("three spellings").parse().expect("decimal");
                Contribution::Funding {
                    amount: Estimate::Exact(Money::new(amount, Currency::EUR)),
                }
            } else {
                Contribution::Troops {
                    personnel: Estimate::Exact(1 + (i % 7) as u64),
                }
            };
            let spec = NewPledge::new(pid(i), member, contribution);
            let day = first + chrono::Days::new((i % 5) as u64);
            let on_day = || Provenance::new(Evidence::Reported).on(day);
            ledger.open_pledge(spec, on_day()).expect("pledge");
            if i % 3 == 0 {
                let delivered = ["2", "2.0", "2.00"]
                    .get(i % 9 / 3)
                    .expect("three spellings");
                let delivered: Decimal = delivered.parse().expect("decimal");
                ledger
                    .deliver(&pid(i), delivered, on_day())
                    .expect("delivery");
            }
        }
        ledger
    }

    /// CL008 finds the same duplicates whatever groups the pledges before
    /// their keys are compared: one group for all (every key compared,
    /// as the rule once did), groups by member only (keys that share a
    /// group but differ), and the rule's hash.
    #[test]
    fn duplicates_do_not_depend_on_how_pledges_are_grouped() {
        let ledger = many_duplicates();
        let findings = |hash: &dyn Fn(&DuplicateKey) -> u64| {
            let mut out = Vec::new();
            duplicates_grouped_by(&ledger, hash, &mut out);
            out.sort();
            out
        };
        let mut by_rule = Vec::new();
        let options = CheckOptions::new(NaiveDate::MIN);
        probable_duplicate(&ledger, &options, &mut by_rule);
        by_rule.sort();
        // 2 members × 8 sizes × 5 days × delivered or not: at most 160
        // keys, so nearly every pledge repeats an earlier one.
        assert!(by_rule.len() > 2_800, "{} duplicates", by_rule.len());
        assert_eq!(findings(&|_| 0), by_rule);
        assert_eq!(findings(&|key| u64::from(key.0.0)), by_rule);
    }

    fn pid(i: usize) -> PledgeId {
        PledgeId::new(format!("P{i}")).expect("valid id")
    }

    /// Every Pi depends on P0 and on P(i+1): a web a version-1 file may
    /// hold, since cycles were not refused when it was written.
    fn dense_web(n: usize) -> Ledger {
        let mut ledger = Ledger::new();
        let fra = MemberId::new("FRA").expect("valid id");
        ledger
            .add_member(Member::new(fra.clone(), "France"))
            .expect("member");
        for i in 0..n {
            let mut spec = NewPledge::new(
                pid(i),
                fra.clone(),
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
            );
            if i > 0 {
                spec = spec.with_condition(Condition::DependsOn(pid(0)));
            }
            if i + 1 < n {
                spec = spec.with_condition(Condition::DependsOn(pid(i + 1)));
            }
            ledger
                .record_under(
                    Action::Pledge(Box::new(spec)),
                    Provenance::new(Evidence::Reported),
                    Rules::Version1,
                )
                .expect("version 1 accepts cycles");
        }
        ledger
    }

    /// Pledges needing a member's backstop point at the member's node, and
    /// the node at its backstops: edges grow with pledges plus conditions,
    /// not with their product (an edge from each of 300 pledges to each of
    /// 200 backstops was 60,000).
    #[test]
    fn backstop_conditions_cost_one_edge_each() {
        let mut ledger = Ledger::new();
        for (id, name) in [("FRA", "France"), ("USA", "United States")] {
            ledger
                .add_member(Member::new(MemberId::new(id).expect("id"), name))
                .expect("member");
        }
        let usa = MemberId::new("USA").expect("id");
        let backstop = Contribution::Backstop {
            capability: crate::pledge::Capability::AirPower,
        };
        for i in 0..200 {
            let spec = NewPledge::new(pid(i), usa.clone(), backstop.clone());
            ledger
                .open_pledge(spec, Provenance::new(Evidence::Reported))
                .expect("backstop");
        }
        for i in 200..500 {
            let spec = NewPledge::new(
                pid(i),
                MemberId::new("FRA").expect("id"),
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
            )
            .with_condition(Condition::Backstop { by: usa.clone() });
            ledger
                .open_pledge(spec, Provenance::new(Evidence::Reported))
                .expect("conditional");
        }
        let graph = DependencyGraph::of(&ledger);
        assert_eq!(graph.len(), 500 + 2);
        assert_eq!(graph.targets.len(), 300 + 200);
        assert!(cycles(&ledger).is_empty());
    }

    fn cycles(ledger: &Ledger) -> Vec<Finding> {
        let mut out = Vec::new();
        let options = CheckOptions::new(NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"));
        dependency_cycle(ledger, &options, &mut out);
        out
    }

    #[test]
    fn a_dense_dependency_web_is_one_bounded_diagnostic() {
        for n in [10_000, 20_000] {
            let found = cycles(&dense_web(n));
            // Before: 2n - 2 diagnostics and ~441 MB of text at n = 10,000.
            assert_eq!(found.len(), 1, "n = {n}");
            let (subject, message) = &found[0];
            assert_eq!(subject, &Subject::Pledge(pid(0)));
            assert_eq!(
                message,
                &format!(
                    "dependency cycle P0 -> P1 -> P0; {n} pledges depend on each other through cycles"
                )
            );
        }
    }

    fn ring(n: usize) -> Ledger {
        let mut ledger = Ledger::new();
        let fra = MemberId::new("FRA").expect("valid id");
        ledger
            .add_member(Member::new(fra.clone(), "France"))
            .expect("member");
        for i in 0..n {
            let spec = NewPledge::new(
                pid(i),
                fra.clone(),
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
            )
            .with_condition(Condition::DependsOn(pid((i + 1) % n)));
            ledger
                .record_under(
                    Action::Pledge(Box::new(spec)),
                    Provenance::new(Evidence::Reported),
                    Rules::Version1,
                )
                .expect("version 1 accepts cycles");
        }
        ledger
    }

    #[test]
    fn cycle_pledges_shown_below_at_and_above_the_limit() {
        let message = |n: usize| cycles(&ring(n)).pop().map(|(_, m)| m).unwrap_or_default();
        assert_eq!(
            message(MAX_CYCLE_PLEDGES_SHOWN - 1),
            "dependency cycle P0 -> P1 -> P2 -> P3 -> P0"
        );
        assert_eq!(
            message(MAX_CYCLE_PLEDGES_SHOWN),
            "dependency cycle P0 -> P1 -> P2 -> P3 -> P4 -> P0"
        );
        assert_eq!(
            message(MAX_CYCLE_PLEDGES_SHOWN + 1),
            "dependency cycle of 6 pledges: P0 -> P1 -> P2 -> P3 -> P4 -> … -> P0"
        );
    }

    #[test]
    fn a_long_cycle_shows_its_length_and_first_pledges() {
        let mut ledger = Ledger::new();
        let fra = MemberId::new("FRA").expect("valid id");
        ledger
            .add_member(Member::new(fra.clone(), "France"))
            .expect("member");
        let n = 50_000;
        for i in 0..n {
            let spec = NewPledge::new(
                pid(i),
                fra.clone(),
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
            )
            .with_condition(Condition::DependsOn(pid((i + 1) % n)));
            ledger
                .record_under(
                    Action::Pledge(Box::new(spec)),
                    Provenance::new(Evidence::Reported),
                    Rules::Version1,
                )
                .expect("version 1 accepts cycles");
        }
        let found = cycles(&ledger);
        assert_eq!(
            found,
            vec![(
                Subject::Pledge(pid(0)),
                "dependency cycle of 50000 pledges: P0 -> P1 -> P2 -> P3 -> P4 -> … -> P0".into()
            )]
        );
    }

    #[test]
    fn separate_cycles_are_reported_once_each_and_chains_stay_quiet() {
        let mut ledger = Ledger::new();
        let fra = MemberId::new("FRA").expect("valid id");
        ledger
            .add_member(Member::new(fra.clone(), "France"))
            .expect("member");
        // 0 <-> 1, 2 -> 3 -> 4 -> 2, 5 -> 0 (leads into a cycle, not on one), 6 alone.
        let deps: [&[usize]; 7] = [&[1], &[0], &[3], &[4], &[2], &[0], &[]];
        for (i, targets) in deps.iter().enumerate() {
            let spec = targets.iter().fold(
                NewPledge::new(
                    pid(i),
                    fra.clone(),
                    Contribution::Troops {
                        personnel: Estimate::Exact(1),
                    },
                ),
                |s, &t| s.with_condition(Condition::DependsOn(pid(t))),
            );
            ledger
                .record_under(
                    Action::Pledge(Box::new(spec)),
                    Provenance::new(Evidence::Reported),
                    Rules::Version1,
                )
                .expect("version 1 accepts cycles");
        }
        let mut found = cycles(&ledger);
        found.sort();
        assert_eq!(
            found,
            vec![
                (
                    Subject::Pledge(pid(0)),
                    "dependency cycle P0 -> P1 -> P0".into()
                ),
                (
                    Subject::Pledge(pid(2)),
                    "dependency cycle P2 -> P3 -> P4 -> P2".into()
                ),
            ]
        );
    }

    #[test]
    fn look_alike_ids_are_refused_now_and_accepted_under_version_1() {
        let mut ledger = Ledger::new();
        assert!(MemberId::new("FRA\u{200b}").is_err());
        let look_alike = MemberId::legacy("FRA\u{200b}").expect("version 1 id");
        let member = Member::new(look_alike, "France");
        let err = ledger
            .record(
                Action::AddMember(Box::new(member.clone())),
                Provenance::new(Evidence::Verified),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid member id `FRA\\u{200b}`: contains U+200B, an invisible character"
        );
        assert!(ledger.is_empty());
        ledger
            .record_under(
                Action::AddMember(Box::new(member)),
                Provenance::new(Evidence::Verified),
                Rules::Version1,
            )
            .expect("version 1 accepts it");
        assert_eq!(ledger.len(), 1);
    }
}
